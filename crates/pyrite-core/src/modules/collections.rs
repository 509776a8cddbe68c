//! The `collections` module (also `ucollections`): `deque`, `namedtuple`, `OrderedDict`.
//!
//! - `deque(iterable, maxlen[, flags])`: MicroPython's fixed-size ring buffer. `maxlen` is
//!   required; appending to a full deque drops the item at the other end, unless bit 0 of
//!   `flags` is set, then it raises `IndexError("full")`. Methods append, appendleft, extend,
//!   pop, popleft; `len`, truth, iteration, indexing (no slices, no deletion), `maxlen`.
//! - `namedtuple(name, fields)`: fields as a list/tuple of str or one str of names separated
//!   by spaces or commas. The result is a new type whose instances have tuple's layout (all
//!   tuple operations apply), with attribute access by field name, `_fields`, `_asdict()`
//!   (an OrderedDict, as MicroPython), `_replace(**kw)`, and the repr `Name(a=1, b=2)`.
//! - `OrderedDict`: a dict subclass (dicts are insertion-ordered already); equality between
//!   two OrderedDicts also compares the order.

use crate::types::arg;
use alloc::string::String;
use core::cell::Cell;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::map::DictObj;
use crate::obj::{
    flags, kw_get, AttrAction, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp, TYPE_TYPE,
};
use crate::qstr::{Qstr, Q};
use crate::types;
use crate::types::dict::DICT_TYPE;
use crate::types::tuple::{tuple_items, TupleObj, TUPLE_TYPE};
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::arg_int;
use super::BuiltinModuleDef;

// ---------------------------------------------------------------------------------------------
// deque

#[repr(C)]
pub struct DequeObj {
    pub hdr: ObjHeader,
    /// Ring buffer of `maxlen + 1` slots; empty when `get == put`.
    pub items: Cell<GcArray<Value>>,
    pub get: Cell<usize>,
    pub put: Cell<usize>,
    pub check_overflow: bool,
}

crate::py_object!(DequeObj, DEQUE_TYPE);

pub static DEQUE_TYPE: Type = Type {
    make_new: Some(deque_make_new),
    print: Some(deque_print),
    unary_op: Some(deque_unary_op),
    attr: Some(deque_attr),
    subscr: Some(deque_subscr),
    getiter: Some(deque_getiter),
    ..Type::new(Q::deque)
}
.with_flags(flags::BASETYPE)
.with_locals(&DEQUE_LOCALS);

static APPEND: BuiltinFn = BuiltinFn::new(Q::append, 2, 2, deque_append_meth);
static APPENDLEFT: BuiltinFn = BuiltinFn::new(Q::appendleft, 2, 2, deque_appendleft_meth);
static EXTEND: BuiltinFn = BuiltinFn::new(Q::extend, 2, 2, deque_extend_meth);
static POP: BuiltinFn = BuiltinFn::new(Q::pop, 1, 1, deque_pop_meth);
static POPLEFT: BuiltinFn = BuiltinFn::new(Q::popleft, 1, 1, deque_popleft_meth);

fixed_dict!(
    DEQUE_LOCALS,
    [
        (Q::append, fnv!(APPEND)),
        (Q::appendleft, fnv!(APPENDLEFT)),
        (Q::extend, fnv!(EXTEND)),
        (Q::pop, fnv!(POP)),
        (Q::popleft, fnv!(POPLEFT)),
    ]
);

impl DequeObj {
    fn alloc(&self) -> usize {
        self.items.get().capacity()
    }
    fn len(&self) -> usize {
        let (g, p, a) = (self.get.get(), self.put.get(), self.alloc());
        if p >= g {
            p - g
        } else {
            p + a - g
        }
    }
    /// Slot of logical item `i` (< len).
    fn slot(&self, i: usize) -> usize {
        let a = self.alloc().max(1);
        (self.get.get() + i) % a
    }
}

fn deque_obj(vm: &mut Vm, v: Value) -> PyResult<Gc<DequeObj>> {
    if let Some(d) = types::class::native_self(v, &DEQUE_TYPE).and_then(|n| n.downcast()) {
        return Ok(d);
    }
    let m = alloc::format!("expected a deque, not '{}'", vm.type_name(v));
    Err(vm.type_error(&m))
}

fn deque_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let maxlen = args.get(1).copied().or_else(|| kw_get(kw, Q::maxlen));
    let iterable = args.first().copied().or_else(|| kw_get(kw, Q::iterable));
    let iterable = match (iterable, maxlen) {
        (Some(i), _) => Some(i),
        (None, Some(_)) => Some(types::tuple::new_tuple(vm, &[])?),
        (None, None) => None,
    };
    let (Some(iterable), Some(maxlen)) = (iterable, maxlen) else {
        return Err(vm.type_error("function missing required positional arguments"));
    };
    if args.len() > 3 {
        return Err(vm.type_error("function expected at most 3 arguments"));
    }
    let maxlen = arg_int(vm, maxlen)?;
    if maxlen < 0 {
        return Err(vm.new_exception_args(TypeRef::of_static(&types::exception::VALUE_ERROR), &[]));
    }
    let check = match args.get(2) {
        Some(&f) => arg_int(vm, f)? & 1 != 0,
        None => false,
    };
    let n = (maxlen as usize)
        .checked_add(1)
        .ok_or_else(|| vm.memory_error())?;
    let items = vm.alloc_array::<Value>(n)?;
    let d = vm.alloc_obj(DequeObj {
        hdr: ObjHeader::new(&DEQUE_TYPE),
        items: Cell::new(items),
        get: Cell::new(0),
        put: Cell::new(0),
        check_overflow: check,
    })?;
    deque_extend(vm, d, iterable)?;
    Ok(d.value())
}

#[cold]
fn full(vm: &mut Vm) -> crate::PyErr {
    vm.index_error("full")
}

#[cold]
fn empty(vm: &mut Vm) -> crate::PyErr {
    vm.index_error("empty")
}

fn deque_append(vm: &mut Vm, d: Gc<DequeObj>, v: Value) -> PyResult<()> {
    let a = d.alloc();
    if a == 0 {
        return Ok(());
    }
    let put = d.put.get();
    let new_put = if put + 1 == a { 0 } else { put + 1 };
    if new_put == d.get.get() {
        if d.check_overflow {
            return Err(full(vm));
        }
        // Drop the oldest item.
        let g = d.get.get();
        d.items.get().set(g, Value::NULL);
        d.get.set(if g + 1 == a { 0 } else { g + 1 });
    }
    d.items.get().set(put, v);
    d.put.set(new_put);
    Ok(())
}

fn deque_appendleft(vm: &mut Vm, d: Gc<DequeObj>, v: Value) -> PyResult<()> {
    let a = d.alloc();
    if a == 0 {
        return Ok(());
    }
    let g = d.get.get();
    let new_get = if g == 0 { a - 1 } else { g - 1 };
    if new_get == d.put.get() {
        if d.check_overflow {
            return Err(full(vm));
        }
        // Drop the newest item.
        let p = d.put.get();
        let np = if p == 0 { a - 1 } else { p - 1 };
        d.items.get().set(np, Value::NULL);
        d.put.set(np);
    }
    d.items.get().set(new_get, v);
    d.get.set(new_get);
    Ok(())
}

fn deque_extend(vm: &mut Vm, d: Gc<DequeObj>, iterable: Value) -> PyResult<()> {
    let it = vm.get_iter(iterable)?;
    while let Some(v) = vm.iter_next(it)? {
        deque_append(vm, d, v)?;
    }
    Ok(())
}

fn deque_append_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = deque_obj(vm, arg(args, 0))?;
    deque_append(vm, d, arg(args, 1))?;
    Ok(Value::NONE)
}

fn deque_appendleft_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = deque_obj(vm, arg(args, 0))?;
    deque_appendleft(vm, d, arg(args, 1))?;
    Ok(Value::NONE)
}

fn deque_extend_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = deque_obj(vm, arg(args, 0))?;
    deque_extend(vm, d, arg(args, 1))?;
    Ok(Value::NONE)
}

fn deque_popleft_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = deque_obj(vm, arg(args, 0))?;
    if d.len() == 0 {
        return Err(empty(vm));
    }
    let g = d.get.get();
    let v = d.items.get().get(g).unwrap_or(Value::NONE);
    d.items.get().set(g, Value::NULL);
    d.get.set(if g + 1 == d.alloc() { 0 } else { g + 1 });
    Ok(v)
}

fn deque_pop_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = deque_obj(vm, arg(args, 0))?;
    if d.len() == 0 {
        return Err(empty(vm));
    }
    let p = d.put.get();
    let np = if p == 0 { d.alloc() - 1 } else { p - 1 };
    let v = d.items.get().get(np).unwrap_or(Value::NONE);
    d.items.get().set(np, Value::NULL);
    d.put.set(np);
    Ok(v)
}

fn deque_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(d) = v.downcast::<DequeObj>() else {
        return Ok(());
    };
    if !types::list::repr_enter(vm, v) {
        push_str(out, "[...]");
        return Ok(());
    }
    let r = types::list::print_seq(
        vm,
        "deque([",
        "]",
        |i| {
            if i < d.len() {
                d.items.get().get(d.slot(i))
            } else {
                None
            }
        },
        out,
    );
    types::list::repr_leave(vm, v);
    r?;
    push_str(
        out,
        &alloc::format!(", maxlen={})", d.alloc().saturating_sub(1)),
    );
    Ok(())
}

fn deque_unary_op(_vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(d) = v.downcast::<DequeObj>() else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(d.len() != 0),
        UnaryOp::Len => Value::small_int(d.len() as isize).unwrap_or(Value::NULL),
        _ => Value::NULL,
    })
}

fn deque_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    if name != Q::maxlen || action != AttrAction::Load {
        return Ok(None);
    }
    let Some(d) = v.downcast::<DequeObj>() else {
        return Ok(None);
    };
    types::int::int_from_u64(vm, d.alloc().saturating_sub(1) as u64).map(Some)
}

fn deque_subscr(vm: &mut Vm, v: Value, index: Value, value: Value) -> PyResult<Value> {
    if value.is_null() {
        return Ok(Value::NULL);
    }
    let Some(d) = v.downcast::<DequeObj>() else {
        return Ok(Value::NULL);
    };
    let i = types::slice::seq_index(vm, index, d.len(), "deque")?;
    let s = d.slot(i);
    if value == Value::SENTINEL {
        Ok(d.items.get().get(s).unwrap_or(Value::NONE))
    } else {
        d.items.get().set(s, value);
        Ok(Value::NONE)
    }
}

#[repr(C)]
pub struct DequeIterObj {
    pub hdr: ObjHeader,
    pub deque: Value,
    pub cur: Cell<usize>,
}

crate::py_object!(DequeIterObj, DEQUE_ITER_TYPE);

pub static DEQUE_ITER_TYPE: Type = Type {
    getiter: Some(types::iter::iter_self),
    iternext: Some(deque_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn deque_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let d = deque_obj(vm, v)?;
    Ok(vm
        .alloc_obj(DequeIterObj {
            hdr: ObjHeader::new(&DEQUE_ITER_TYPE),
            deque: d.value(),
            cur: Cell::new(d.get.get()),
        })?
        .value())
}

fn deque_iternext(_vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<DequeIterObj>() else {
        return Ok(Value::STOP);
    };
    let Some(d) = it.deque.downcast::<DequeObj>() else {
        return Ok(Value::STOP);
    };
    let cur = it.cur.get();
    if cur == d.put.get() || cur >= d.alloc() {
        return Ok(Value::STOP);
    }
    let v = d.items.get().get(cur).unwrap_or(Value::NONE);
    it.cur.set(if cur + 1 == d.alloc() { 0 } else { cur + 1 });
    Ok(v)
}

// ---------------------------------------------------------------------------------------------
// namedtuple

static ASDICT: BuiltinFn = BuiltinFn::new(Q::_asdict, 1, 1, nt_asdict);
static REPLACE: BuiltinFn = BuiltinFn::new_kw(Q::_replace, 1, 1, nt_replace);

/// The `_fields` tuple of a namedtuple type.
fn nt_fields(vm: &mut Vm, t: TypeRef) -> Option<Gc<TupleObj>> {
    let d = t.locals.get().downcast::<DictObj>()?;
    let f = d.map.get_qstr(vm, Q::_fields)?;
    tuple_items(f)
}

fn field_index(vm: &mut Vm, t: TypeRef, name: Qstr) -> Option<usize> {
    let f = nt_fields(vm, t)?;
    f.items().iter().position(|&x| x == Value::qstr(name))
}

fn nt_make_new(vm: &mut Vm, ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(fields) = nt_fields(vm, ty) else {
        return Err(vm.type_error("not a namedtuple type"));
    };
    let n = fields.len();
    let given = args.len() + kw.len() / 2;
    if given != n {
        let m = alloc::format!(
            "function takes {} positional arguments but {} were given",
            n,
            given
        );
        return Err(vm.type_error(&m));
    }
    // `vals` holds only values also held by `args`/`kw` (rooted by the caller).
    let mut vals: alloc::vec::Vec<Value> = alloc::vec![Value::NULL; n];
    vals[..args.len()].copy_from_slice(args);
    for pair in kw.chunks_exact(2) {
        let name = match pair[0].as_qstr() {
            Some(q) => q,
            None => super::builtins::arg_qstr(vm, pair[0])?,
        };
        let Some(i) = field_index(vm, ty, name) else {
            let m = alloc::format!("unexpected keyword argument '{}'", vm.qstr_str(name));
            return Err(vm.type_error(&m));
        };
        if !vals[i].is_null() {
            let m = alloc::format!(
                "function got multiple values for argument '{}'",
                vm.qstr_str(name)
            );
            return Err(vm.type_error(&m));
        }
        vals[i] = pair[1];
    }
    let t = vm.alloc_var(ObjHeader::with_type(ty), &vals)?;
    drop(vals);
    Ok(t.value())
}

fn nt_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(t) = tuple_items(v) else {
        return Ok(());
    };
    let ty = v.type_of();
    push_str(out, vm.qstr_str(ty.name));
    push_char(out, '(');
    let fields = nt_fields(vm, ty);
    for (i, &x) in t.items().iter().enumerate() {
        if i > 0 {
            push_str(out, ", ");
        }
        if let Some(f) = fields.and_then(|f| f.items().get(i).copied()) {
            vm.print_to(f, PrintKind::Str, out)?;
            push_char(out, '=');
        }
        vm.print_to(x, PrintKind::Repr, out)?;
    }
    push_char(out, ')');
    Ok(())
}

fn nt_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    match action {
        AttrAction::Load => {
            let Some(i) = field_index(vm, v.type_of(), name) else {
                return Ok(None);
            };
            Ok(tuple_items(v).and_then(|t| t.items().get(i).copied()))
        }
        _ => Err(vm.attribute_error("can't set attribute")),
    }
}

fn nt_self(vm: &mut Vm, v: Value) -> PyResult<(Value, TypeRef)> {
    let n = if v.type_of().has_flag(flags::USER_CLASS) {
        types::class::native_part(v)
    } else {
        v
    };
    if tuple_items(n).is_none() || nt_fields(vm, n.type_of()).is_none() {
        return Err(vm.type_error("expected a namedtuple"));
    }
    Ok((n, n.type_of()))
}

fn nt_asdict(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (v, ty) = nt_self(vm, arg(args, 0))?;
    let d = new_ordered_dict(vm)?;
    let (Some(t), Some(f)) = (tuple_items(v), nt_fields(vm, ty)) else {
        return Ok(d.value());
    };
    for (i, &x) in t.items().iter().enumerate() {
        if let Some(&k) = f.items().get(i) {
            d.map.set(vm, k, x)?;
        }
    }
    Ok(d.value())
}

fn nt_replace(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let (v, ty) = nt_self(vm, arg(args, 0))?;
    let Some(t) = tuple_items(v) else {
        return Ok(v);
    };
    let mut vals: alloc::vec::Vec<Value> = t.items().to_vec();
    for pair in kw.chunks_exact(2) {
        let name = super::builtins::arg_qstr(vm, pair[0])?;
        let Some(i) = field_index(vm, ty, name) else {
            let m = alloc::format!("unexpected keyword argument '{}'", vm.qstr_str(name));
            return Err(vm.type_error(&m));
        };
        vals[i] = pair[1];
    }
    // `vals` holds items of `v` and values of `kw`, both rooted by the caller.
    let r = vm.alloc_var(ObjHeader::with_type(ty), &vals)?;
    Ok(r.value())
}

/// Field names from a list/tuple of str or a str of names separated by spaces/commas.
fn field_names(vm: &mut Vm, spec: Value) -> PyResult<Value> {
    if let Some(s) = types::str::str_data(vm, spec) {
        let text = String::from(s.as_str());
        let list = types::list::new_list(vm, &[])?;
        for name in text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|n| !n.is_empty())
        {
            let q = vm.intern(name);
            types::list::list_append(vm, list, Value::qstr(q))?;
        }
        return types::tuple::tuple_from_iter(vm, list);
    }
    if types::list::list_obj(spec).is_none() && tuple_items(spec).is_none() {
        let m = alloc::format!("object '{}' isn't a tuple or list", vm.type_name(spec));
        return Err(vm.type_error(&m));
    }
    let list = types::list::new_list(vm, &[])?;
    let it = vm.get_iter(spec)?;
    while let Some(f) = vm.iter_next(it)? {
        let q = super::builtins::arg_qstr(vm, f)?;
        types::list::list_append(vm, list, Value::qstr(q))?;
    }
    types::tuple::tuple_from_iter(vm, list)
}

/// `namedtuple(name, fields)`: a new tuple subtype.
pub fn new_namedtuple_type(vm: &mut Vm, name: Qstr, fields: Value) -> PyResult<Value> {
    let fields = field_names(vm, fields)?;
    let locals = types::dict::new_dict(vm)?;
    locals.map.set_qstr(vm, Q::_fields, fields)?;
    locals.map.set_qstr(vm, Q::_asdict, fnv!(ASDICT))?;
    locals.map.set_qstr(vm, Q::_replace, fnv!(REPLACE))?;
    let t = vm.alloc_obj(Type {
        hdr: ObjHeader::new(&TYPE_TYPE),
        make_new: Some(nt_make_new),
        print: Some(nt_print),
        unary_op: TUPLE_TYPE.unary_op,
        binary_op: TUPLE_TYPE.binary_op,
        attr: Some(nt_attr),
        subscr: TUPLE_TYPE.subscr,
        getiter: TUPLE_TYPE.getiter,
        base: Cell::new(Value::from_static(&TUPLE_TYPE)),
        locals: Cell::new(locals.value()),
        ..Type::new(name)
    })?;
    t.flags.set(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);
    Ok(t.value())
}

fn namedtuple_fn(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = super::builtins::arg_qstr(vm, arg(args, 0))?;
    new_namedtuple_type(vm, name, arg(args, 1))
}

static NAMEDTUPLE: BuiltinFn = BuiltinFn::new_kw(Q::namedtuple, 2, 2, namedtuple_fn);

// ---------------------------------------------------------------------------------------------
// OrderedDict

pub static ORDERED_DICT_TYPE: Type = Type {
    make_new: Some(od_make_new),
    print: Some(od_print),
    unary_op: Some(od_unary_op),
    binary_op: Some(od_binary_op),
    subscr: Some(od_subscr),
    getiter: Some(od_getiter),
    ..Type::new(Q::OrderedDict)
}
.with_base(&DICT_TYPE)
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);

/// A new empty OrderedDict.
pub fn new_ordered_dict(vm: &mut Vm) -> PyResult<Gc<DictObj>> {
    let d = types::dict::new_dict(vm)?;
    d.hdr.ty.set(TypeRef::of_static(&ORDERED_DICT_TYPE));
    Ok(d)
}

fn od_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(mk) = DICT_TYPE.make_new else {
        return Err(vm.type_error("dict"));
    };
    let d = mk(vm, TypeRef::of_static(&DICT_TYPE), args, kw)?;
    if let Some(h) = d.as_obj() {
        if h.ty.get().is(&DICT_TYPE) {
            h.ty.set(TypeRef::of_static(&ORDERED_DICT_TYPE));
        }
    }
    Ok(d)
}

fn od_print(vm: &mut Vm, v: Value, k: PrintKind, out: &mut String) -> PyResult<()> {
    match DICT_TYPE.print {
        Some(f) => f(vm, v, k, out),
        None => Ok(()),
    }
}

fn od_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    match DICT_TYPE.unary_op {
        Some(f) => f(vm, op, v),
        None => Ok(Value::NULL),
    }
}

fn od_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    if op == BinOp::Equal && rhs.type_of().is(&ORDERED_DICT_TYPE) {
        if let (Some(a), Some(b)) = (types::dict::dict_obj(lhs), types::dict::dict_obj(rhs)) {
            return ordered_equal(vm, a, b).map(Value::from_bool);
        }
    }
    match DICT_TYPE.binary_op {
        Some(f) => f(vm, op, lhs, rhs),
        None => Ok(Value::NULL),
    }
}

/// Equal items in the same order.
fn ordered_equal(vm: &mut Vm, a: Gc<DictObj>, b: Gc<DictObj>) -> PyResult<bool> {
    if a.map.len() != b.map.len() {
        return Ok(false);
    }
    let (mut pa, mut pb) = (0, 0);
    loop {
        match (a.map.next_entry(&mut pa), b.map.next_entry(&mut pb)) {
            (None, None) => return Ok(true),
            (Some((ka, va)), Some((kb, vb))) => {
                if !vm.eq(ka, kb)? || !vm.eq(va, vb)? {
                    return Ok(false);
                }
            }
            _ => return Ok(false),
        }
    }
}

fn od_subscr(vm: &mut Vm, v: Value, index: Value, value: Value) -> PyResult<Value> {
    match DICT_TYPE.subscr {
        Some(f) => f(vm, v, index, value),
        None => Ok(Value::NULL),
    }
}

fn od_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    match DICT_TYPE.getiter {
        Some(f) => f(vm, v),
        None => Ok(Value::NULL),
    }
}

// ---------------------------------------------------------------------------------------------

fixed_dict!(
    COLLECTIONS_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::collections)),
        (Q::deque, Value::from_static(&DEQUE_TYPE)),
        (Q::namedtuple, fnv!(NAMEDTUPLE)),
        (Q::OrderedDict, Value::from_static(&ORDERED_DICT_TYPE)),
    ]
);

pub static COLLECTIONS_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::collections,
    globals: &COLLECTIONS_GLOBALS,
    init: None,
    extensible: true,
};
