//! The `builtins` module: builtin functions, types and exception classes.
//!
//! Most functions are thin wrappers over the generic operations of runtime.rs and the type
//! owners' contracts. `eval`/`exec`/`compile`/`globals`/`locals`/`__import__`/`__build_class__`
//! are in evalexec.rs, `print`/`input`/`open` in io.rs.

use crate::types::arg;
use alloc::string::String;
use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::map::DictObj;
use crate::obj::{flags, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp, VAR_ARGS};
use crate::qstr::{Qstr, Q};
use crate::types::exception as exc;
use crate::types::{self, str::str_data};
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

use super::evalexec;
use super::io;

// ---------------------------------------------------------------------------------------------
// Argument helpers (shared by the modules in this folder).

/// True if `v` is exactly an int (small, big) or a bool.
pub fn is_int(v: Value) -> bool {
    v.is_small_int() || v.is_bool() || v.type_of().is(&types::int::INT_TYPE)
}

/// An optional size argument of read-like methods: None when absent, None or negative.
pub fn size_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<usize>> {
    match v {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            Ok(if n < 0 { None } else { Some(n as usize) })
        }
        _ => Ok(None),
    }
}

/// A Python int argument as a machine integer (MicroPython's `mp_obj_get_int`).
pub fn arg_int(vm: &mut Vm, v: Value) -> PyResult<isize> {
    if let Some(i) = v.as_small_int() {
        return Ok(i);
    }
    if v.is_bool() {
        return Ok((v == Value::TRUE) as isize);
    }
    if is_int(v) {
        return types::int::value_to_index(vm, v);
    }
    let m = alloc::format!("can't convert {} to int", vm.type_name(v));
    Err(vm.type_error(&m))
}

/// A str argument as a qstr (interning it), as attribute names are.
pub fn arg_qstr(vm: &mut Vm, v: Value) -> PyResult<Qstr> {
    if let Some(q) = v.as_qstr() {
        return Ok(q);
    }
    if let Some(s) = str_data(vm, v) {
        let text = String::from(s.as_str());
        return vm.intern_name(&text);
    }
    Err(bad_implicit_conversion(vm, v))
}

/// A str argument as Rust text.
pub fn arg_string(vm: &mut Vm, v: Value) -> PyResult<String> {
    match str_data(vm, v) {
        Some(s) => Ok(String::from(s.as_str())),
        None => Err(bad_implicit_conversion(vm, v)),
    }
}

#[cold]
pub fn bad_implicit_conversion(vm: &mut Vm, v: Value) -> PyErr {
    let m = alloc::format!(
        "can't convert '{}' object to str implicitly",
        vm.type_name(v)
    );
    vm.type_error(&m)
}

/// Parse keyword arguments against `names`; values land in `out` (NULL when absent).
pub fn parse_kw(vm: &mut Vm, kw: Kw, names: &[Qstr], out: &mut [Value]) -> PyResult<()> {
    for pair in kw.chunks_exact(2) {
        let key = match pair[0].as_qstr() {
            Some(q) => q,
            None => arg_qstr(vm, pair[0])?,
        };
        match names.iter().position(|&n| n == key) {
            Some(i) if i < out.len() => out[i] = pair[1],
            _ => {
                let m = alloc::format!("unexpected keyword argument '{}'", vm.qstr_str(key));
                return Err(vm.type_error(&m));
            }
        }
    }
    Ok(())
}

/// True if the exception is an instance of `ty`.
pub fn err_is(vm: &mut Vm, e: PyErr, ty: &'static Type) -> bool {
    let t = e.0.type_of();
    vm.is_subclass(t, TypeRef::of_static(ty))
}

/// A Python int from a machine integer (small, or a big int).
pub fn new_int(vm: &mut Vm, n: i64) -> PyResult<Value> {
    types::int::int_from_i64(vm, n)
}

fn new_str_value(vm: &mut Vm, s: &str) -> PyResult<Value> {
    types::str::new_str(vm, s)
}

// ---------------------------------------------------------------------------------------------
// Functions.

fn builtin_abs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.unary_op(UnaryOp::Abs, arg(args, 0))
}
pub static ABS: BuiltinFn = BuiltinFn::new(Q::abs, 1, 1, builtin_abs);

fn all_any(vm: &mut Vm, v: Value, want: bool) -> PyResult<Value> {
    let mut it = crate::interp::fast::SlotIter::new(vm, v)?;
    while let Some(x) = it.next(vm)? {
        if vm.is_true(x)? == want {
            return Ok(Value::from_bool(want));
        }
    }
    Ok(Value::from_bool(!want))
}
fn builtin_all(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    all_any(vm, arg(args, 0), false)
}
fn builtin_any(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    all_any(vm, arg(args, 0), true)
}
pub static ALL: BuiltinFn = BuiltinFn::new(Q::all, 1, 1, builtin_all);
pub static ANY: BuiltinFn = BuiltinFn::new(Q::any, 1, 1, builtin_any);

/// bin/oct/hex: small ints here, anything else through format().
fn radix_repr(vm: &mut Vm, v: Value, radix: u32, spec: &str) -> PyResult<Value> {
    if v.type_of().has_flag(crate::obj::flags::USER_CLASS) {
        // An int subclass instance: its int value.
        let n = types::class::native_part(v);
        if !n.is_null() && n != v && (n.as_small_int().is_some() || is_int(n)) {
            return radix_repr(vm, n, radix, spec);
        }
    }
    let n = if let Some(i) = v.as_small_int() {
        Some(i)
    } else if v.is_bool() {
        Some((v == Value::TRUE) as isize)
    } else {
        None
    };
    if let Some(i) = n {
        let mut s = String::new();
        if i < 0 {
            push_char(&mut s, '-');
        }
        push_str(
            &mut s,
            match radix {
                2 => "0b",
                8 => "0o",
                _ => "0x",
            },
        );
        let mut mag = i.unsigned_abs();
        let mut digits = [0u8; 128];
        let mut k = digits.len();
        loop {
            let d = (mag % radix as usize) as u8;
            k -= 1;
            digits[k] = if d < 10 { b'0' + d } else { b'a' + d - 10 };
            mag /= radix as usize;
            if mag == 0 {
                break;
            }
        }
        for &d in &digits[k..] {
            s.push(d as char);
        }
        return new_str_value(vm, &s);
    }
    if !is_int(v) {
        let m = alloc::format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(v)
        );
        return Err(vm.type_error(&m));
    }
    types::strfmt::format_value(vm, v, spec)
}
fn builtin_bin(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    radix_repr(vm, arg(args, 0), 2, "#b")
}
fn builtin_oct(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    radix_repr(vm, arg(args, 0), 8, "#o")
}
fn builtin_hex(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    radix_repr(vm, arg(args, 0), 16, "#x")
}
pub static BIN: BuiltinFn = BuiltinFn::new(Q::bin, 1, 1, builtin_bin);
pub static OCT: BuiltinFn = BuiltinFn::new(Q::oct, 1, 1, builtin_oct);
pub static HEX: BuiltinFn = BuiltinFn::new(Q::hex, 1, 1, builtin_hex);

fn builtin_callable(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::from_bool(vm.is_callable(arg(args, 0))))
}
pub static CALLABLE: BuiltinFn = BuiltinFn::new(Q::callable, 1, 1, builtin_callable);

fn builtin_chr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let i = arg_int(vm, arg(args, 0))?;
    let c = u32::try_from(i).ok().and_then(char::from_u32);
    match c {
        Some(c) => {
            let mut buf = [0u8; 4];
            new_str_value(vm, c.encode_utf8(&mut buf))
        }
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}
pub static CHR: BuiltinFn = BuiltinFn::new(Q::chr, 1, 1, builtin_chr);

fn builtin_ord(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = arg(args, 0);
    if let Some(s) = str_data(vm, v) {
        let t = s.as_str();
        let mut it = t.chars();
        if let (Some(c), None) = (it.next(), it.next()) {
            return Ok(Value::small_int_unchecked(c as isize));
        }
        let n = t.chars().count();
        let m = alloc::format!(
            "ord() expected a character, but string of length {} found",
            n
        );
        return Err(vm.type_error(&m));
    }
    let bytes = buffer_bytes(vm, v)?;
    match bytes {
        Some(b) if b.len() == 1 => Ok(Value::small_int_unchecked(b[0] as isize)),
        Some(b) => {
            let m = alloc::format!(
                "ord() expected a character, but string of length {} found",
                b.len()
            );
            Err(vm.type_error(&m))
        }
        None => Err(bad_implicit_conversion(vm, v)),
    }
}
pub static ORD: BuiltinFn = BuiltinFn::new(Q::ord, 1, 1, builtin_ord);

/// A copy of an object's bytes through the buffer protocol (None if it has none).
pub fn buffer_bytes(vm: &mut Vm, v: Value) -> PyResult<Option<Vec<u8>>> {
    if let Some(b) = types::bytes::bytes_obj(v) {
        return Ok(Some(bytes_vec(b.items())));
    }
    crate::obj::with_buffer_read(vm, v, bytes_vec)
}

fn builtin_divmod(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.binary_op(BinOp::DivMod, arg(args, 0), arg(args, 1))
}
pub static DIVMOD: BuiltinFn = BuiltinFn::new(Q::divmod, 2, 2, builtin_divmod);

fn builtin_hash(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = arg(args, 0);
    if v.is_qstr() {
        let h = vm.hash(v)?;
        return Ok(Value::small_int_unchecked(h as isize));
    }
    vm.unary_op(UnaryOp::Hash, v)
}
pub static HASH: BuiltinFn = BuiltinFn::new(Q::hash, 1, 1, builtin_hash);

fn builtin_id(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    types::int::int_from_u64(vm, arg(args, 0).word() as u64)
}
pub static ID: BuiltinFn = BuiltinFn::new(Q::id, 1, 1, builtin_id);

fn builtin_len(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.unary_op(UnaryOp::Len, arg(args, 0))
}
pub static LEN: BuiltinFn = BuiltinFn::new(Q::len, 1, 1, builtin_len);

fn builtin_format(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let spec = match args.get(1) {
        Some(&s) => arg_string(vm, s)?,
        None => String::new(),
    };
    types::strfmt::format_value(vm, arg(args, 0), &spec)
}
pub static FORMAT: BuiltinFn = BuiltinFn::new(Q::format, 1, 2, builtin_format);

fn builtin_repr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = vm.repr_string(arg(args, 0))?;
    new_str_value(vm, &s)
}
pub static REPR: BuiltinFn = BuiltinFn::new(Q::repr, 1, 1, builtin_repr);

// ---- attributes ----

fn builtin_getattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = arg_qstr(vm, arg(args, 1))?;
    if args.len() < 3 {
        return vm.load_attr(arg(args, 0), name);
    }
    match vm.load_attr_maybe(arg(args, 0), name) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Ok(arg(args, 2)),
        Err(e) if err_is(vm, e, &exc::ATTRIBUTE_ERROR) => Ok(arg(args, 2)),
        Err(e) => Err(e),
    }
}
fn builtin_setattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = arg_qstr(vm, arg(args, 1))?;
    vm.store_attr(arg(args, 0), name, arg(args, 2))?;
    Ok(Value::NONE)
}
fn builtin_delattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = arg_qstr(vm, arg(args, 1))?;
    vm.delete_attr(arg(args, 0), name)?;
    Ok(Value::NONE)
}
fn builtin_hasattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = arg_qstr(vm, arg(args, 1))?;
    match vm.load_attr_maybe(arg(args, 0), name) {
        Ok(r) => Ok(Value::from_bool(r.is_some())),
        Err(e) if err_is(vm, e, &exc::ATTRIBUTE_ERROR) => Ok(Value::FALSE),
        Err(e) => Err(e),
    }
}
pub static GETATTR: BuiltinFn = BuiltinFn::new(Q::getattr, 2, 3, builtin_getattr);
pub static SETATTR: BuiltinFn = BuiltinFn::new(Q::setattr, 3, 3, builtin_setattr);
pub static DELATTR: BuiltinFn = BuiltinFn::new(Q::delattr, 2, 2, builtin_delattr);
pub static HASATTR: BuiltinFn = BuiltinFn::new(Q::hasattr, 2, 2, builtin_hasattr);

/// Add the keys of a dict to `names` (str keys only).
fn add_dict_keys(vm: &mut Vm, d: Value, list: Value) -> PyResult<()> {
    let Some(d) = d.downcast::<DictObj>() else {
        return Ok(());
    };
    let mut i = 0;
    while i < d.map.slots() {
        let (k, _) = d.map.slot(i);
        i += 1;
        if !k.is_null() && (k.is_qstr() || str_data(vm, k).is_some()) {
            types::list::list_append(vm, list, k)?;
        }
    }
    Ok(())
}

fn builtin_dir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let list = types::list::new_list(vm, &[])?;
    if args.is_empty() {
        let locals = evalexec::current_locals(vm)?;
        add_dict_keys(vm, locals, list)?;
        return Ok(list);
    }
    let obj = arg(args, 0);
    // An object's own __dir__ (user classes) wins.
    if !obj.type_of().is(&crate::obj::TYPE_TYPE) {
        if let Some(f) = crate::types::class::lookup(vm, obj.type_of(), Q::__dir__) {
            if f.downcast::<BuiltinFn>().is_none() {
                let r = vm.call(f, &[obj], &[])?;
                return vm.call(Value::from_static(&types::list::LIST_TYPE), &[r], &[]);
            }
        }
    }
    // Probe every interned name, as MicroPython does, then sort (as CPython does).
    let mut names: Vec<Qstr> = Vec::new();
    let n = vm.qstrs.len();
    for i in 1..n {
        let q = Qstr(i as u32);
        match vm.load_attr_maybe(obj, q) {
            Ok(Some(_)) => names.push(q),
            Ok(None) => {}
            Err(_) => {}
        }
    }
    pyrite_compiler::sort::sort_by(&mut names, |a, b| vm.qstr_str(*a) < vm.qstr_str(*b));
    for q in names {
        types::list::list_append(vm, list, Value::qstr(q))?;
    }
    Ok(list)
}
pub static DIR: BuiltinFn = BuiltinFn::new(Q::dir, 0, 1, builtin_dir);

// ---- types and instances ----

/// issubclass(t, classinfo) where classinfo is a class or a tuple of classes.
fn subclass_of(vm: &mut Vm, t: TypeRef, classinfo: Value) -> PyResult<bool> {
    if let Some(c) = TypeRef::from_value(classinfo) {
        return Ok(c.is(&types::class::OBJECT_TYPE) || vm.is_subclass(t, c));
    }
    if let Some(tup) = types::tuple::tuple_items(classinfo) {
        let n = tup.len();
        for i in 0..n {
            let c = tup.items()[i];
            if subclass_of(vm, t, c)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    Err(vm.type_error("issubclass() arg 2 must be a class or a tuple of classes"))
}
fn builtin_isinstance(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let t = arg(args, 0).type_of();
    subclass_of(vm, t, arg(args, 1)).map(Value::from_bool)
}
fn builtin_issubclass(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(t) = TypeRef::from_value(arg(args, 0)) else {
        return Err(vm.type_error("issubclass() arg 1 must be a class"));
    };
    subclass_of(vm, t, arg(args, 1)).map(Value::from_bool)
}
pub static ISINSTANCE: BuiltinFn = BuiltinFn::new(Q::isinstance, 2, 2, builtin_isinstance);
pub static ISSUBCLASS: BuiltinFn = BuiltinFn::new(Q::issubclass, 2, 2, builtin_issubclass);

// ---- iteration ----

/// The iterator `iter(callable, sentinel)`.
#[repr(C)]
pub struct CallIterObj {
    pub hdr: ObjHeader,
    pub func: core::cell::Cell<Value>,
    pub sentinel: Value,
}
crate::py_object!(CallIterObj, CALLABLE_ITERATOR_TYPE);

pub static CALLABLE_ITERATOR_TYPE: Type = Type {
    getiter: Some(iter_self),
    iternext: Some(call_iter_next),
    ..Type::new(Q::callable_iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn iter_self(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

fn call_iter_next(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(it) = v.downcast::<CallIterObj>() else {
        return Ok(Value::STOP);
    };
    let f = it.func.get();
    if f.is_null() {
        return Ok(Value::STOP);
    }
    let r = vm.call(f, &[], &[])?;
    if vm.eq(r, it.sentinel)? {
        it.func.set(Value::NULL);
        return Ok(Value::STOP);
    }
    Ok(r)
}

fn builtin_iter(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.len() == 2 {
        if !vm.is_callable(arg(args, 0)) {
            return Err(vm.type_error("iter(v, w): v must be callable"));
        }
        let it = vm.alloc_obj(CallIterObj {
            hdr: ObjHeader::new(&CALLABLE_ITERATOR_TYPE),
            func: core::cell::Cell::new(arg(args, 0)),
            sentinel: arg(args, 1),
        })?;
        return Ok(it.value());
    }
    vm.get_iter(arg(args, 0))
}
pub static ITER: BuiltinFn = BuiltinFn::new(Q::iter, 1, 2, builtin_iter);

fn builtin_next(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let it = arg(args, 0);
    let t = it.type_of();
    // Iterators written in Python and generators: call them so that the StopIteration they
    // raise keeps its value (the iternext slot reports only "exhausted").
    let direct = if t.has_flag(flags::USER_CLASS) && !crate::obj::is_type_type(t) {
        crate::types::class::lookup(vm, t, Q::__next__)
            .map(|_| vm.call_method(it, Q::__next__, &[]))
    } else if t.is(&crate::interp::GENERATOR_TYPE) {
        Some(vm.call_method(it, Q::send, &[Value::NONE]))
    } else {
        None
    };
    if let Some(r) = direct {
        return match r {
            Err(e) if args.len() > 1 && err_is(vm, e, &exc::STOP_ITERATION) => Ok(arg(args, 1)),
            r => r,
        };
    }
    let Some(f) = t.iternext else {
        let m = alloc::format!("'{}' object isn't an iterator", vm.type_name(it));
        return Err(vm.type_error(&m));
    };
    crate::interp::clear_stop_value(vm);
    match f(vm, it) {
        Ok(r) if r == Value::STOP || r.is_null() => {
            if args.len() > 1 {
                Ok(arg(args, 1))
            } else {
                let v = crate::interp::take_stop_value(vm);
                Err(vm.stop_iteration(v))
            }
        }
        Ok(r) => Ok(r),
        Err(e) if args.len() > 1 && err_is(vm, e, &exc::STOP_ITERATION) => Ok(arg(args, 1)),
        Err(e) => Err(e),
    }
}
pub static NEXT: BuiltinFn = BuiltinFn::new(Q::next, 1, 2, builtin_next);

fn min_max(vm: &mut Vm, args: &[Value], kw: Kw, op: BinOp) -> PyResult<Value> {
    let mut opts = [Value::NULL; 2];
    parse_kw(vm, kw, &[Q::key, Q::default], &mut opts)?;
    let key_fn = if opts[0].is_none() {
        Value::NULL
    } else {
        opts[0]
    };
    let mut best_key = Value::NULL;
    let mut best = Value::NULL;
    let mut consider = |vm: &mut Vm, item: Value| -> PyResult<()> {
        let key = if key_fn.is_null() {
            item
        } else {
            vm.call(key_fn, &[item], &[])?
        };
        if best.is_null() || vm.binary_op(op, key, best_key)? == Value::TRUE {
            best_key = key;
            best = item;
        }
        Ok(())
    };
    if args.len() == 1 {
        let mut it = crate::interp::fast::SlotIter::new(vm, arg(args, 0))?;
        while let Some(x) = it.next(vm)? {
            consider(vm, x)?;
        }
        if best.is_null() {
            if !opts[1].is_null() {
                return Ok(opts[1]);
            }
            return Err(vm.value_error("arg is an empty sequence"));
        }
    } else {
        if !opts[1].is_null() {
            return Err(vm.type_error(
                "Cannot specify a default for max() with multiple positional arguments",
            ));
        }
        for &x in args {
            consider(vm, x)?;
        }
    }
    Ok(best)
}
fn builtin_max(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    min_max(vm, args, kw, BinOp::More)
}
fn builtin_min(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    min_max(vm, args, kw, BinOp::Less)
}
pub static MAX: BuiltinFn = BuiltinFn::new_kw(Q::max, 1, VAR_ARGS, builtin_max);
pub static MIN: BuiltinFn = BuiltinFn::new_kw(Q::min, 1, VAR_ARGS, builtin_min);

fn builtin_sum(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let mut acc = if args.len() > 1 {
        arg(args, 1)
    } else {
        Value::small_int_unchecked(0)
    };
    let mut it = crate::interp::fast::SlotIter::new(vm, arg(args, 0))?;
    while let Some(x) = it.next(vm)? {
        acc = vm.binary_op(BinOp::Add, acc, x)?;
    }
    Ok(acc)
}
pub static SUM: BuiltinFn = BuiltinFn::new(Q::sum, 1, 2, builtin_sum);

fn builtin_sorted(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(vm.type_error("must use keyword argument for key function"));
    }
    let list = vm.call(Value::from_static(&types::list::LIST_TYPE), &args[..1], &[])?;
    let (f, selfv) = vm.load_method(list, Q::sort)?;
    if selfv.is_null() {
        vm.call(f, &[], kw)?;
    } else {
        vm.call(f, &[selfv], kw)?;
    }
    Ok(list)
}
pub static SORTED: BuiltinFn = BuiltinFn::new_kw(Q::sorted, 1, VAR_ARGS, builtin_sorted);

// ---- numbers ----

fn builtin_pow(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.len() == 2 || arg(args, 2).is_none() {
        return vm.binary_op(BinOp::Power, arg(args, 0), arg(args, 1));
    }
    types::int::int_pow3(vm, arg(args, 0), arg(args, 1), arg(args, 2))
}
pub static POW: BuiltinFn = BuiltinFn::new(Q::pow, 2, 3, builtin_pow);

fn builtin_round(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let x = arg(args, 0);
    let ndigits = args.get(1).copied();
    let r = types::float::round_value(vm, x, ndigits)?;
    if !r.is_null() {
        return Ok(r);
    }
    // Anything else: its __round__.
    if let Some(f) = crate::types::class::lookup(vm, x.type_of(), Q::__round__) {
        let mut a = crate::interp::ArgBuf::new();
        a.push(x);
        if let Some(nd) = ndigits {
            a.push(nd);
        }
        return vm.call(f, a.as_slice(), &[]);
    }
    let m = alloc::format!("can't convert {} to float", vm.type_name(x));
    Err(vm.type_error(&m))
}
pub static ROUND: BuiltinFn = BuiltinFn::new(Q::round, 1, 2, builtin_round);

// ---- the REPL's printer ----

fn builtin_repl_print(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = arg(args, 0);
    if !v.is_none() {
        let mut s = vm.repr_string(v)?;
        push_char(&mut s, '\n');
        vm.write_stdout(&s);
        if let Some(d) = vm.sys.builtins_dict.downcast::<DictObj>() {
            let underscore = vm.intern("_");
            d.map.set_qstr(vm, underscore, v)?;
        }
    }
    Ok(Value::NONE)
}
pub static REPL_PRINT: BuiltinFn = BuiltinFn::new(Q::__repl_print__, 1, 1, builtin_repl_print);

// ---- help ----

const HELP_TEXT: &str = "Welcome to Pyrite, a MicroPython-compatible Python!\n\
\n\
For MicroPython's documentation please visit http://docs.micropython.org/\n\
\n\
Control commands:\n\
\x20 CTRL-A        -- on a blank line, enter raw REPL mode\n\
\x20 CTRL-B        -- on a blank line, enter normal REPL mode\n\
\x20 CTRL-C        -- interrupt a running program\n\
\x20 CTRL-D        -- on a blank line, exit or do a soft reset\n\
\x20 CTRL-E        -- on a blank line, enter paste mode\n\
\n\
For further help on a specific object, type help(obj)\n\
For a list of available modules, type help('modules')\n";

fn help_modules(vm: &mut Vm) {
    let mut names: Vec<&'static str> = super::builtin_module_names(vm)
        .into_iter()
        .map(|q| vm.qstr_str(q))
        .collect();
    pyrite_compiler::sort::sort(&mut names);
    names.dedup();
    const COLS: usize = 4;
    const WIDTH: usize = 18;
    let rows = names.len().div_ceil(COLS);
    let mut out = String::new();
    for i in 0..rows {
        let mut j = i;
        loop {
            let name = names[j];
            push_str(&mut out, name);
            j += rows;
            if j >= names.len() {
                break;
            }
            let mut gap = WIDTH as isize - name.len() as isize;
            while gap < 1 {
                gap += WIDTH as isize;
            }
            for _ in 0..gap {
                push_char(&mut out, ' ');
            }
        }
        push_char(&mut out, '\n');
    }
    push_str(&mut out, "Plus any modules on the filesystem\n");
    vm.write_stdout(&out);
}

fn builtin_help(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.is_empty() {
        vm.write_stdout(HELP_TEXT);
        return Ok(Value::NONE);
    }
    let obj = arg(args, 0);
    if obj == Value::qstr(Q::modules) {
        help_modules(vm);
        return Ok(Value::NONE);
    }
    let mut out = String::from("object ");
    vm.print_to(obj, PrintKind::Str, &mut out)?;
    push_str(&mut out, " is of type ");
    push_str(&mut out, vm.type_name(obj));
    push_char(&mut out, '\n');
    let dict = if let Some(g) = super::module_globals(obj) {
        g
    } else if let Some(t) = TypeRef::from_value(obj) {
        t.locals.get()
    } else {
        obj.type_of().locals.get()
    };
    if let Some(d) = dict.downcast::<DictObj>() {
        let mut i = 0;
        while i < d.map.slots() {
            let (k, v) = d.map.slot(i);
            i += 1;
            if k.is_null() {
                continue;
            }
            push_str(&mut out, "  ");
            vm.print_to(k, PrintKind::Str, &mut out)?;
            push_str(&mut out, " -- ");
            vm.print_to(v, PrintKind::Str, &mut out)?;
            push_char(&mut out, '\n');
        }
    }
    vm.write_stdout(&out);
    Ok(Value::NONE)
}
pub static HELP: BuiltinFn = BuiltinFn::new(Q::help, 0, 1, builtin_help);

// ---------------------------------------------------------------------------------------------
// The module's globals.

const fn ty(t: &'static Type) -> Value {
    Value::from_static(t)
}

fixed_dict!(pub BUILTINS_GLOBALS, [
    (Q::__name__, Value::qstr(Q::builtins)),
    // core functions used by compiled code
    (Q::__build_class__, fnv!(evalexec::BUILD_CLASS)),
    (Q::__import__, fnv!(evalexec::IMPORT)),
    (Q::__repl_print__, fnv!(REPL_PRINT)),
    // types
    (Q::bool, ty(&types::int::BOOL_TYPE)),
    (Q::bytes, ty(&types::bytes::BYTES_TYPE)),
    (Q::bytearray, ty(&types::bytes::BYTEARRAY_TYPE)),
    (Q::complex, ty(&types::complex::COMPLEX_TYPE)),
    (Q::dict, ty(&types::dict::DICT_TYPE)),
    (Q::enumerate, ty(&types::iter::ENUMERATE_TYPE)),
    (Q::filter, ty(&types::iter::FILTER_TYPE)),
    (Q::float, ty(&types::float::FLOAT_TYPE)),
    (Q::frozenset, ty(&types::set::FROZENSET_TYPE)),
    (Q::int, ty(&types::int::INT_TYPE)),
    (Q::list, ty(&types::list::LIST_TYPE)),
    (Q::map, ty(&types::iter::MAP_TYPE)),
    (Q::memoryview, ty(&types::memoryview::MEMORYVIEW_TYPE)),
    (Q::object, ty(&types::class::OBJECT_TYPE)),
    (Q::property, ty(&types::descr::PROPERTY_TYPE)),
    (Q::range, ty(&types::range::RANGE_TYPE)),
    (Q::reversed, ty(&types::iter::REVERSED_TYPE)),
    (Q::set, ty(&types::set::SET_TYPE)),
    (Q::slice, ty(&types::slice::SLICE_TYPE)),
    (Q::str, ty(&types::str::STR_TYPE)),
    (Q::SUPER, ty(&types::descr::SUPER_TYPE)),
    (Q::tuple, ty(&types::tuple::TUPLE_TYPE)),
    (Q::r#type, ty(&crate::obj::TYPE_TYPE)),
    (Q::zip, ty(&types::iter::ZIP_TYPE)),
    (Q::classmethod, ty(&types::descr::CLASSMETHOD_TYPE)),
    (Q::staticmethod, ty(&types::descr::STATICMETHOD_TYPE)),
    // objects
    (Q::Ellipsis, Value::ELLIPSIS),
    (Q::NotImplemented, Value::NOT_IMPLEMENTED),
    // functions
    (Q::abs, fnv!(ABS)),
    (Q::all, fnv!(ALL)),
    (Q::any, fnv!(ANY)),
    (Q::bin, fnv!(BIN)),
    (Q::callable, fnv!(CALLABLE)),
    (Q::compile, fnv!(evalexec::COMPILE)),
    (Q::chr, fnv!(CHR)),
    (Q::delattr, fnv!(DELATTR)),
    (Q::dir, fnv!(DIR)),
    (Q::divmod, fnv!(DIVMOD)),
    (Q::eval, fnv!(evalexec::EVAL)),
    (Q::exec, fnv!(evalexec::EXEC)),
    (Q::execfile, fnv!(evalexec::EXECFILE)),
    (Q::format, fnv!(FORMAT)),
    (Q::getattr, fnv!(GETATTR)),
    (Q::setattr, fnv!(SETATTR)),
    (Q::globals, fnv!(evalexec::GLOBALS)),
    (Q::hasattr, fnv!(HASATTR)),
    (Q::hash, fnv!(HASH)),
    (Q::help, fnv!(HELP)),
    (Q::hex, fnv!(HEX)),
    (Q::id, fnv!(ID)),
    (Q::input, fnv!(io::INPUT)),
    (Q::isinstance, fnv!(ISINSTANCE)),
    (Q::issubclass, fnv!(ISSUBCLASS)),
    (Q::iter, fnv!(ITER)),
    (Q::len, fnv!(LEN)),
    (Q::locals, fnv!(evalexec::LOCALS)),
    (Q::max, fnv!(MAX)),
    (Q::min, fnv!(MIN)),
    (Q::next, fnv!(NEXT)),
    (Q::oct, fnv!(OCT)),
    (Q::open, fnv!(io::OPEN)),
    (Q::ord, fnv!(ORD)),
    (Q::pow, fnv!(POW)),
    (Q::print, fnv!(io::PRINT)),
    (Q::repr, fnv!(REPR)),
    (Q::round, fnv!(ROUND)),
    (Q::sorted, fnv!(SORTED)),
    (Q::sum, fnv!(SUM)),
    // exceptions
    (Q::BaseException, ty(&exc::BASE_EXCEPTION)),
    (Q::ArithmeticError, ty(&exc::ARITHMETIC_ERROR)),
    (Q::AssertionError, ty(&exc::ASSERTION_ERROR)),
    (Q::AttributeError, ty(&exc::ATTRIBUTE_ERROR)),
    (Q::EOFError, ty(&exc::EOF_ERROR)),
    (Q::Exception, ty(&exc::EXCEPTION)),
    (Q::GeneratorExit, ty(&exc::GENERATOR_EXIT)),
    (Q::ImportError, ty(&exc::IMPORT_ERROR)),
    (Q::IndentationError, ty(&exc::INDENTATION_ERROR)),
    (Q::IndexError, ty(&exc::INDEX_ERROR)),
    (Q::KeyboardInterrupt, ty(&exc::KEYBOARD_INTERRUPT)),
    (Q::KeyError, ty(&exc::KEY_ERROR)),
    (Q::LookupError, ty(&exc::LOOKUP_ERROR)),
    (Q::MemoryError, ty(&exc::MEMORY_ERROR)),
    (Q::NameError, ty(&exc::NAME_ERROR)),
    (Q::NotImplementedError, ty(&exc::NOT_IMPLEMENTED_ERROR)),
    (Q::OSError, ty(&exc::OS_ERROR)),
    (Q::OverflowError, ty(&exc::OVERFLOW_ERROR)),
    (Q::RuntimeError, ty(&exc::RUNTIME_ERROR)),
    (Q::StopAsyncIteration, ty(&exc::STOP_ASYNC_ITERATION)),
    (Q::StopIteration, ty(&exc::STOP_ITERATION)),
    (Q::SyntaxError, ty(&exc::SYNTAX_ERROR)),
    (Q::SystemExit, ty(&exc::SYSTEM_EXIT)),
    (Q::TypeError, ty(&exc::TYPE_ERROR)),
    (Q::UnicodeError, ty(&exc::UNICODE_ERROR)),
    (Q::ValueError, ty(&exc::VALUE_ERROR)),
    (Q::ViperTypeError, ty(&exc::VIPER_TYPE_ERROR)),
    (Q::ZeroDivisionError, ty(&exc::ZERO_DIVISION_ERROR)),
]);
