//! Iterator types: the sequence iterator (for objects with only `__getitem__`), `enumerate`,
//! `zip`, `map`, `filter`, `reversed`, and `min`/`max`.
//!
//! Contract: `new_seq_iter(vm, obj)`, `iter_self` (the `getiter` slot of every iterator type),
//! `ENUMERATE_TYPE`, `ZIP_TYPE`, `MAP_TYPE`, `FILTER_TYPE`, `REVERSED_TYPE`, `SEQ_ITER_TYPE`,
//! `builtin_min(vm, args, kw)`, `builtin_max(vm, args, kw)` (and `MIN_FN`, `MAX_FN`).

use super::arg;
use alloc::format;
use core::cell::Cell;

use crate::interp::ArgBuf;
use crate::obj::{flags, kw_get, BinOp, BuiltinFn, Kw, Type, VAR_ARGS};
use crate::qstr::Q;
use crate::types::exception as exc;
use crate::types::list::{list_obj, new_list_with_capacity};
use crate::types::tuple::{new_tuple, tuple_items};
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

/// The `getiter` slot of iterators: `iter(it) is it`.
pub fn iter_self(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

/// True if `e` is an instance of the builtin exception type `ty`.
pub fn err_is(vm: &mut Vm, e: PyErr, ty: &'static Type) -> bool {
    vm.is_instance(e.0, TypeRef::of_static(ty))
}

// ---- sequence iterator ----

#[repr(C)]
pub struct SeqIterObj {
    pub hdr: ObjHeader,
    pub obj: Value,
    pub idx: Cell<usize>,
}

crate::py_object!(SeqIterObj, SEQ_ITER_TYPE);

pub static SEQ_ITER_TYPE: Type = Type {
    getiter: Some(iter_self),
    iternext: Some(seq_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

/// An iterator over `obj[0], obj[1], ...` until IndexError (or StopIteration).
pub fn new_seq_iter(vm: &mut Vm, obj: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(SeqIterObj {
            hdr: ObjHeader::new(&SEQ_ITER_TYPE),
            obj,
            idx: Cell::new(0),
        })?
        .value())
}

fn seq_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<SeqIterObj>() else {
        return Ok(Value::STOP);
    };
    if it.obj.is_null() {
        return Ok(Value::STOP);
    }
    let i = it.idx.get();
    let Some(iv) = Value::small_int(i as isize) else {
        return Ok(Value::STOP);
    };
    match vm.subscr(it.obj, iv) {
        Ok(v) => {
            it.idx.set(i + 1);
            Ok(v)
        }
        Err(e) => {
            if err_is(vm, e, &exc::INDEX_ERROR) || err_is(vm, e, &exc::STOP_ITERATION) {
                Ok(Value::STOP)
            } else {
                Err(e)
            }
        }
    }
}

// ---- enumerate ----

#[repr(C)]
pub struct EnumerateObj {
    pub hdr: ObjHeader,
    pub iter: Value,
    pub count: Cell<Value>,
}

crate::py_object!(EnumerateObj, ENUMERATE_TYPE);

pub static ENUMERATE_TYPE: Type = Type {
    make_new: Some(enumerate_make_new),
    getiter: Some(iter_self),
    iternext: Some(enumerate_iternext),
    ..Type::new(Q::enumerate)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY | flags::BASETYPE);

fn enumerate_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut iterable = args.first().copied();
    let mut start = args.get(1).copied();
    if args.len() > 2 {
        return Err(vm.type_error("function expected at most 2 arguments"));
    }
    for p in kw.chunks_exact(2) {
        if p[0] == Value::qstr(Q::start) && start.is_none() {
            start = Some(p[1]);
        } else if p[0] == Value::qstr(Q::iterable) && iterable.is_none() {
            iterable = Some(p[1]);
        } else {
            return Err(vm.type_error("unexpected keyword argument"));
        }
    }
    let Some(iterable) = iterable else {
        return Err(vm.type_error("function missing 1 required positional arguments"));
    };
    let start = start.unwrap_or(Value::small_int_unchecked(0));
    if crate::types::slice::int_value_maybe(vm, start).is_ok_and(|x| x.is_none()) {
        let m = format!("can't convert {} to int", vm.type_name(start));
        return Err(vm.type_error(&m));
    }
    let it = vm.get_iter(iterable)?;
    Ok(vm
        .alloc_obj(EnumerateObj {
            hdr: ObjHeader::new(&ENUMERATE_TYPE),
            iter: it,
            count: Cell::new(start),
        })?
        .value())
}

fn enumerate_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(e) = it.downcast::<EnumerateObj>() else {
        return Ok(Value::STOP);
    };
    let Some(v) = vm.iter_next(e.iter)? else {
        return Ok(Value::STOP);
    };
    let c = e.count.get();
    let next = match c
        .as_small_int()
        .and_then(|i| i.checked_add(1))
        .and_then(Value::small_int)
    {
        Some(n) => n,
        None => vm.binary_op(BinOp::Add, c, Value::small_int_unchecked(1))?,
    };
    e.count.set(next);
    new_tuple(vm, &[c, v])
}

// ---- zip ----

#[repr(C)]
pub struct ZipObj {
    pub hdr: ObjHeader,
    /// A tuple of iterators.
    pub iters: Value,
}

crate::py_object!(ZipObj, ZIP_TYPE);

pub static ZIP_TYPE: Type = Type {
    make_new: Some(zip_make_new),
    getiter: Some(iter_self),
    iternext: Some(zip_iternext),
    ..Type::new(Q::zip)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY | flags::BASETYPE);

/// A tuple of `iter(x)` for each x.
fn iters_tuple(vm: &mut Vm, iterables: &[Value]) -> PyResult<Value> {
    let l = new_list_with_capacity(vm, iterables.len())?;
    for &x in iterables {
        let it = vm.get_iter(x)?;
        crate::types::list::list_append(vm, l.value(), it)?;
    }
    let n = l.len();
    Ok(vm
        .alloc_var_with(ObjHeader::new(&crate::types::tuple::TUPLE_TYPE), n, |i| {
            l.get(i).unwrap_or(Value::NONE)
        })?
        .value())
}

fn zip_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    let iters = iters_tuple(vm, args)?;
    Ok(vm
        .alloc_obj(ZipObj {
            hdr: ObjHeader::new(&ZIP_TYPE),
            iters,
        })?
        .value())
}

/// Next item of every iterator in the tuple `iters`, then `done(items)`; STOP if any is
/// exhausted. Up to 16 items are gathered on the stack, more in a GC list.
fn next_of_all(
    vm: &mut Vm,
    iters: Value,
    done: impl FnOnce(&mut Vm, &[Value]) -> PyResult<Value>,
) -> PyResult<Value> {
    let Some(t) = tuple_items(iters) else {
        return Ok(Value::STOP);
    };
    let n = t.len();
    if n == 0 {
        return Ok(Value::STOP);
    }
    if n <= 16 {
        let mut buf = ArgBuf::new();
        for &it in t.items() {
            match vm.iter_next(it)? {
                Some(v) => buf.push(v),
                None => return Ok(Value::STOP),
            }
        }
        return done(vm, buf.as_slice());
    }
    let l = new_list_with_capacity(vm, n)?;
    for &it in t.items() {
        match vm.iter_next(it)? {
            Some(v) => crate::types::list::list_append(vm, l.value(), v)?,
            None => return Ok(Value::STOP),
        }
    }
    let items = crate::types::tuple::tuple_from_iter(vm, l.value())?;
    let Some(tt) = tuple_items(items) else {
        return Ok(Value::STOP);
    };
    done(vm, tt.items())
}

fn zip_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(z) = it.downcast::<ZipObj>() else {
        return Ok(Value::STOP);
    };
    next_of_all(vm, z.iters, new_tuple)
}

// ---- map ----

#[repr(C)]
pub struct MapObj {
    pub hdr: ObjHeader,
    pub func: Value,
    pub iters: Value,
}

crate::py_object!(MapObj, MAP_TYPE);

pub static MAP_TYPE: Type = Type {
    make_new: Some(map_make_new),
    getiter: Some(iter_self),
    iternext: Some(map_iternext),
    ..Type::new(Q::map)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY | flags::BASETYPE);

fn map_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if args.len() < 2 {
        return Err(vm.type_error("function missing required positional arguments"));
    }
    let iters = iters_tuple(vm, &args[1..])?;
    Ok(vm
        .alloc_obj(MapObj {
            hdr: ObjHeader::new(&MAP_TYPE),
            func: arg(args, 0),
            iters,
        })?
        .value())
}

fn map_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(m) = it.downcast::<MapObj>() else {
        return Ok(Value::STOP);
    };
    let f = m.func;
    let r = next_of_all(vm, m.iters, |vm, items| vm.call(f, items, &[]));
    stop_is_end(vm, r)
}

/// A StopIteration raised by the function a map/filter calls ends the iteration (as
/// MicroPython's `mp_iternext` does).
fn stop_is_end(vm: &mut Vm, r: PyResult<Value>) -> PyResult<Value> {
    match r {
        Err(e) if err_is(vm, e, &exc::STOP_ITERATION) => {
            crate::interp::note_stop_value(vm, e.0);
            Ok(Value::STOP)
        }
        r => r,
    }
}

// ---- filter ----

#[repr(C)]
pub struct FilterObj {
    pub hdr: ObjHeader,
    pub func: Value,
    pub iter: Value,
}

crate::py_object!(FilterObj, FILTER_TYPE);

pub static FILTER_TYPE: Type = Type {
    make_new: Some(filter_make_new),
    getiter: Some(iter_self),
    iternext: Some(filter_iternext),
    ..Type::new(Q::filter)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY | flags::BASETYPE);

fn filter_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if args.len() != 2 {
        let m = format!(
            "function takes 2 positional arguments but {} were given",
            args.len()
        );
        return Err(vm.type_error(&m));
    }
    let it = vm.get_iter(arg(args, 1))?;
    Ok(vm
        .alloc_obj(FilterObj {
            hdr: ObjHeader::new(&FILTER_TYPE),
            func: arg(args, 0),
            iter: it,
        })?
        .value())
}

fn filter_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(f) = it.downcast::<FilterObj>() else {
        return Ok(Value::STOP);
    };
    while let Some(v) = vm.iter_next(f.iter)? {
        let keep = if f.func.is_none() {
            vm.is_true(v)?
        } else {
            let r = vm.call(f.func, &[v], &[]);
            let r = stop_is_end(vm, r)?;
            if r == Value::STOP {
                return Ok(r);
            }
            vm.is_true(r)?
        };
        if keep {
            return Ok(v);
        }
    }
    Ok(Value::STOP)
}

// ---- reversed ----

#[repr(C)]
pub struct ReversedObj {
    pub hdr: ObjHeader,
    pub seq: Value,
    /// Number of items still to produce; the next one is `seq[remaining - 1]`.
    pub remaining: Cell<usize>,
}

crate::py_object!(ReversedObj, REVERSED_TYPE);

pub static REVERSED_TYPE: Type = Type {
    make_new: Some(reversed_make_new),
    getiter: Some(iter_self),
    iternext: Some(reversed_iternext),
    ..Type::new(Q::reversed)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY | flags::BASETYPE);

fn reversed_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if args.len() != 1 {
        let m = format!(
            "function takes 1 positional arguments but {} were given",
            args.len()
        );
        return Err(vm.type_error(&m));
    }
    let seq = arg(args, 0);
    if let Some(r) = crate::types::range::range_reversed(vm, seq)? {
        return Ok(r);
    }
    if let Some(r) = crate::types::dict::dict_reversed(vm, seq)? {
        return Ok(r);
    }
    let is_builtin_seq = list_obj(seq).is_some() || tuple_items(seq).is_some();
    if !is_builtin_seq {
        if let Some(m) = vm.load_attr_maybe(seq, Q::__reversed__)? {
            return vm.call(m, &[], &[]);
        }
    }
    let n = vm.len(seq)?;
    Ok(vm
        .alloc_obj(ReversedObj {
            hdr: ObjHeader::new(&REVERSED_TYPE),
            seq,
            remaining: Cell::new(n),
        })?
        .value())
}

fn reversed_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(r) = it.downcast::<ReversedObj>() else {
        return Ok(Value::STOP);
    };
    let n = r.remaining.get();
    if n == 0 {
        return Ok(Value::STOP);
    }
    r.remaining.set(n - 1);
    if let Some(l) = list_obj(r.seq) {
        // A list may have shrunk meanwhile: stop rather than fail.
        return Ok(l.get(n - 1).unwrap_or(Value::STOP));
    }
    if let Some(t) = tuple_items(r.seq) {
        return Ok(t.items().get(n - 1).copied().unwrap_or(Value::STOP));
    }
    let Some(idx) = Value::small_int((n - 1) as isize) else {
        return Ok(Value::STOP);
    };
    vm.subscr(r.seq, idx)
}

// ---- min / max ----

fn min_max(vm: &mut Vm, args: &[Value], kw: Kw, op: BinOp) -> PyResult<Value> {
    let key = kw_get(kw, Q::key).filter(|k| !k.is_none());
    let default = kw_get(kw, Q::default);
    for p in kw.chunks_exact(2) {
        if p[0] != Value::qstr(Q::key) && p[0] != Value::qstr(Q::default) {
            return Err(vm.type_error("unexpected keyword argument"));
        }
    }
    let mut best = Value::NULL;
    let mut best_key = Value::NULL;
    let mut consider = |vm: &mut Vm, v: Value| -> PyResult<()> {
        let k = match key {
            Some(f) => vm.call(f, &[v], &[])?,
            None => v,
        };
        if best.is_null() {
            best = v;
            best_key = k;
        } else {
            let better = match (k.as_small_int(), best_key.as_small_int()) {
                (Some(a), Some(b)) => {
                    if op == BinOp::Less {
                        a < b
                    } else {
                        a > b
                    }
                }
                _ => {
                    let r = vm.binary_op(op, k, best_key)?;
                    vm.is_true(r)?
                }
            };
            if better {
                best = v;
                best_key = k;
            }
        }
        Ok(())
    };
    match args.len() {
        0 => return Err(vm.type_error("function missing 1 required positional arguments")),
        1 => {
            let it = vm.get_iter(arg(args, 0))?;
            while let Some(v) = vm.iter_next(it)? {
                consider(vm, v)?;
            }
            if best.is_null() {
                return match default {
                    Some(d) => Ok(d),
                    None => Err(vm.value_error("arg is an empty sequence")),
                };
            }
        }
        _ => {
            if default.is_some() {
                return Err(vm.type_error(
                    "Cannot specify a default for max() with multiple positional arguments",
                ));
            }
            for &v in args {
                consider(vm, v)?;
            }
        }
    }
    Ok(best)
}

/// `min(iterable, *, key=None, default=...)` / `min(a, b, *args, key=None)`.
pub fn builtin_min(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    min_max(vm, args, kw, BinOp::Less)
}

/// `max(iterable, *, key=None, default=...)` / `max(a, b, *args, key=None)`.
pub fn builtin_max(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    min_max(vm, args, kw, BinOp::More)
}

pub static MIN_FN: BuiltinFn = BuiltinFn::new_kw(Q::min, 0, VAR_ARGS, builtin_min);
pub static MAX_FN: BuiltinFn = BuiltinFn::new_kw(Q::max, 0, VAR_ARGS, builtin_max);
