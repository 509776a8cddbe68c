//! `dict` (insertion-ordered; storage in map.rs), its views and iterators.
//!
//! Contract: `DICT_TYPE`, `new_dict(vm)`, `dict_obj(v)`, `dict_store(vm, d, k, v)`,
//! `dict_get(vm, d, k)`, `dict_update_from(vm, d, other)`, `DICT_VIEW_TYPE`,
//! `DICT_ITER_TYPE`. Iterating a dict whose size changes raises
//! RuntimeError("dictionary changed size during iteration"), as CPython does.

use super::arg;
use alloc::format;
use alloc::string::String;
use core::cell::Cell;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::map::{DictObj, Map};
use crate::obj::{flags, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::Q;
use crate::types::list::check_stack;
use crate::types::slice::unhashable;
use crate::types::tuple::{new_tuple, tuple_items};
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

pub static DICT_TYPE: Type = Type {
    make_new: Some(dict_make_new),
    print: Some(dict_print),
    unary_op: Some(dict_unary_op),
    binary_op: Some(dict_binary_op),
    subscr: Some(dict_subscr),
    getiter: Some(dict_getiter),
    ..Type::new(Q::dict)
}
.with_flags(flags::BASETYPE)
.with_locals(&DICT_LOCALS);

crate::fixed_dict!(
    DICT_LOCALS,
    [
        (Q::clear, crate::fnv!(DICT_CLEAR)),
        (Q::copy, crate::fnv!(DICT_COPY)),
        (Q::fromkeys, Value::from_static(&DICT_FROMKEYS_CM)),
        (Q::get, crate::fnv!(DICT_GET)),
        (Q::items, crate::fnv!(DICT_ITEMS)),
        (Q::keys, crate::fnv!(DICT_KEYS)),
        (Q::pop, crate::fnv!(DICT_POP)),
        (Q::popitem, crate::fnv!(DICT_POPITEM)),
        (Q::setdefault, crate::fnv!(DICT_SETDEFAULT)),
        (Q::update, crate::fnv!(DICT_UPDATE)),
        (Q::values, crate::fnv!(DICT_VALUES)),
        (Q::__getitem__, crate::fnv!(DICT_GETITEM)),
        (Q::__setitem__, crate::fnv!(DICT_SETITEM)),
        (Q::__delitem__, crate::fnv!(DICT_DELITEM)),
    ]
);

static DICT_CLEAR: BuiltinFn = BuiltinFn::new(Q::clear, 1, 1, dict_clear_meth);
static DICT_COPY: BuiltinFn = BuiltinFn::new(Q::copy, 1, 1, dict_copy_meth);
/// `dict.fromkeys(keys, value=None)`, a classmethod (`arg(args, 0)` is the class).
static DICT_FROMKEYS_CM: crate::types::descr::ClassMethodObj =
    crate::types::descr::ClassMethodObj::fixed(&DICT_FROMKEYS);
pub static DICT_FROMKEYS: BuiltinFn = BuiltinFn::new(Q::fromkeys, 2, 3, dict_fromkeys_meth);
static DICT_GET: BuiltinFn = BuiltinFn::new(Q::get, 2, 3, dict_get_meth);
static DICT_ITEMS: BuiltinFn = BuiltinFn::new(Q::items, 1, 1, dict_items_meth);
static DICT_KEYS: BuiltinFn = BuiltinFn::new(Q::keys, 1, 1, dict_keys_meth);
static DICT_POP: BuiltinFn = BuiltinFn::new(Q::pop, 2, 3, dict_pop_meth);
static DICT_POPITEM: BuiltinFn = BuiltinFn::new(Q::popitem, 1, 1, dict_popitem_meth);
static DICT_SETDEFAULT: BuiltinFn = BuiltinFn::new(Q::setdefault, 2, 3, dict_setdefault_meth);
static DICT_UPDATE: BuiltinFn = BuiltinFn::new_kw(Q::update, 1, 2, dict_update_meth);
static DICT_VALUES: BuiltinFn = BuiltinFn::new(Q::values, 1, 1, dict_values_meth);
static DICT_GETITEM: BuiltinFn = BuiltinFn::new(Q::__getitem__, 2, 2, dict_getitem_meth);
static DICT_SETITEM: BuiltinFn = BuiltinFn::new(Q::__setitem__, 3, 3, dict_setitem_meth);
static DICT_DELITEM: BuiltinFn = BuiltinFn::new(Q::__delitem__, 2, 2, dict_delitem_meth);

/// A new empty dict.
pub fn new_dict(vm: &mut Vm) -> PyResult<Gc<DictObj>> {
    vm.alloc_obj(DictObj {
        hdr: ObjHeader::new(&DICT_TYPE),
        map: Map::new(),
    })
}

/// The dict object if `v` is a dict (exact dict type).
#[inline]
pub fn dict_obj(v: Value) -> Option<Gc<DictObj>> {
    if let Some(d) = v.downcast::<DictObj>() {
        return Some(d);
    }
    // Builtin (non-user) subtypes of dict share its layout (e.g. OrderedDict).
    let h = v.as_obj()?;
    let t = h.ty.get();
    if !t.has_flag(flags::USER_CLASS)
        && !t.is(&crate::obj::TYPE_TYPE)
        && crate::types::class::is_subclass(t, TypeRef::of_static(&DICT_TYPE))
    {
        return Some(Gc::from_raw(core::ptr::NonNull::new(
            h.as_ptr() as *mut DictObj
        )?));
    }
    None
}

#[inline]
fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<DictObj>> {
    if let Some(d) = v.downcast::<DictObj>() {
        return Ok(d);
    }
    match crate::types::class::native_self(v, &DICT_TYPE).and_then(dict_obj) {
        Some(d) => Ok(d),
        None => {
            let m = format!(
                "descriptor requires a 'dict' object but received a '{}'",
                vm.type_name(v)
            );
            Err(vm.type_error(&m))
        }
    }
}

/// `d[k] = v`.
#[inline]
pub fn dict_store(vm: &mut Vm, d: Value, k: Value, v: Value) -> PyResult<()> {
    let d = this(vm, d)?;
    d.map.set(vm, k, v)
}

/// `d.get(k)` as an Option.
#[inline]
pub fn dict_get(vm: &mut Vm, d: Value, k: Value) -> PyResult<Option<Value>> {
    let d = this(vm, d)?;
    d.map.get(vm, k)
}

/// `d.update(other)`: `other` a dict/mapping with keys(), or an iterable of pairs.
pub fn dict_update_from(vm: &mut Vm, d: Gc<DictObj>, other: Value) -> PyResult<()> {
    if let Some(o) = dict_obj(other) {
        if o.ptr_eq(d) {
            return Ok(());
        }
        let mut pos = 0;
        while let Some((k, v)) = o.map.next_entry(&mut pos) {
            d.map.set(vm, k, v)?;
        }
        return Ok(());
    }
    // A mapping with keys() (CPython): use keys() and [] .
    if !other.is_null() && list_or_tuple_or_iter_has_keys(vm, other)? {
        let keys = vm.call_method(other, Q::keys, &[])?;
        let it = vm.get_iter(keys)?;
        while let Some(k) = vm.iter_next(it)? {
            let v = vm.subscr(other, k)?;
            d.map.set(vm, k, v)?;
        }
        return Ok(());
    }
    let it = vm.get_iter(other)?;
    while let Some(item) = vm.iter_next(it)? {
        let (k, v) = if let Some(t) = tuple_items(item).filter(|t| t.len() == 2) {
            (t.items()[0], t.items()[1])
        } else {
            let inner = vm.get_iter(item)?;
            let k = vm.iter_next(inner)?;
            let v = vm.iter_next(inner)?;
            let (Some(k), Some(v)) = (k, v) else {
                return Err(vm.value_error("dict update sequence has wrong length"));
            };
            if vm.iter_next(inner)?.is_some() {
                return Err(vm.value_error("dict update sequence has wrong length"));
            }
            (k, v)
        };
        d.map.set(vm, k, v)?;
    }
    Ok(())
}

/// True if `v` is not a builtin sequence and has a `keys` attribute (a mapping).
fn list_or_tuple_or_iter_has_keys(vm: &mut Vm, v: Value) -> PyResult<bool> {
    if tuple_items(v).is_some() || crate::types::list::list_obj(v).is_some() {
        return Ok(false);
    }
    if !v.type_of().has_flag(flags::USER_CLASS) {
        return Ok(false);
    }
    Ok(vm.load_attr_maybe(v, Q::keys)?.is_some())
}

fn apply_kw(vm: &mut Vm, d: Gc<DictObj>, kw: Kw) -> PyResult<()> {
    for p in kw.chunks_exact(2) {
        d.map.set(vm, p[0], p[1])?;
    }
    Ok(())
}

fn dict_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() > 1 {
        let m = format!("dict expected at most 1 arguments, got {}", args.len());
        return Err(vm.type_error(&m));
    }
    let d = new_dict(vm)?;
    if let Some(&src) = args.first() {
        if let Some(o) = dict_obj(src) {
            d.map.reserve(vm, o.map.len())?;
        }
        dict_update_from(vm, d, src)?;
    }
    apply_kw(vm, d, kw)?;
    Ok(d.value())
}

fn dict_print(vm: &mut Vm, v: Value, k: PrintKind, out: &mut String) -> PyResult<()> {
    if !crate::types::list::repr_enter(vm, v) {
        push_str(out, "{...}");
        return Ok(());
    }
    let r = dict_print_inner(vm, v, k, out);
    crate::types::list::repr_leave(vm, v);
    r
}

fn dict_print_inner(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(d) = dict_obj(v) else {
        return Ok(());
    };
    check_stack(vm)?;
    let t = v.type_of();
    let named = !t.is(&DICT_TYPE);
    if named {
        push_str(out, vm.qstr_str(t.name));
        push_char(out, '(');
    }
    push_char(out, '{');
    let mut pos = 0;
    let mut first = true;
    while let Some((k, val)) = d.map.next_entry(&mut pos) {
        if !first {
            push_str(out, ", ");
        }
        first = false;
        vm.print_to(k, PrintKind::Repr, out)?;
        push_str(out, ": ");
        vm.print_to(val, PrintKind::Repr, out)?;
    }
    push_char(out, '}');
    if named {
        push_char(out, ')');
    }
    Ok(())
}

fn dict_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(d) = dict_obj(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(!d.map.is_empty()),
        UnaryOp::Len => Value::small_int_unchecked(d.map.len() as isize),
        UnaryOp::Hash => return Err(unhashable(vm, v)),
        _ => Value::NULL,
    })
}

/// `a == b` for two dicts.
fn dict_equal(vm: &mut Vm, a: Gc<DictObj>, b: Gc<DictObj>) -> PyResult<bool> {
    if a.map.len() != b.map.len() {
        return Ok(false);
    }
    check_stack(vm)?;
    let mut pos = 0;
    while let Some((k, v)) = a.map.next_entry(&mut pos) {
        match b.map.get(vm, k)? {
            Some(w) => {
                if !vm.eq(v, w)? {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(true)
}

fn dict_copy(vm: &mut Vm, d: Gc<DictObj>) -> PyResult<Gc<DictObj>> {
    let out = new_dict(vm)?;
    out.map.reserve(vm, d.map.len())?;
    out.map.update_from(vm, &d.map)?;
    Ok(out)
}

fn dict_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let Some(d) = dict_obj(lhs) else {
        return Ok(Value::NULL);
    };
    match op {
        BinOp::Contains => Ok(Value::from_bool(d.map.contains(vm, rhs)?)),
        BinOp::Equal => match dict_obj(rhs) {
            Some(o) => Ok(Value::from_bool(dict_equal(vm, d, o)?)),
            None => Ok(Value::FALSE),
        },
        BinOp::Or => {
            let Some(o) = dict_obj(rhs) else {
                return Ok(Value::NULL);
            };
            let out = dict_copy(vm, d)?;
            dict_update_from(vm, out, o.value())?;
            Ok(out.value())
        }
        BinOp::InplaceOr => {
            dict_update_from(vm, d, rhs)?;
            Ok(lhs)
        }
        _ => Ok(Value::NULL),
    }
}

fn dict_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(d) = dict_obj(obj) else {
        return Ok(Value::NULL);
    };
    if value == Value::SENTINEL {
        match d.map.get(vm, index)? {
            Some(v) => Ok(v),
            None => Err(vm.key_error(index)),
        }
    } else if value.is_null() {
        match d.map.remove(vm, index)? {
            Some(_) => Ok(Value::NONE),
            None => Err(vm.key_error(index)),
        }
    } else {
        d.map.set(vm, index, value)?;
        Ok(Value::NONE)
    }
}

// ---- methods ----

fn dict_clear_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    d.map.clear(vm)?;
    Ok(Value::NONE)
}

fn dict_copy_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    Ok(dict_copy(vm, d)?.value())
}

fn dict_fromkeys_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let cls = arg(args, 0);
    let keys = arg(args, 1);
    let value = args.get(2).copied().unwrap_or(Value::NONE);
    let d = if let Some(t) = TypeRef::from_value(cls) {
        if t.is(&DICT_TYPE) {
            new_dict(vm)?.value()
        } else {
            vm.call(cls, &[], &[])?
        }
    } else {
        new_dict(vm)?.value()
    };
    if let Some(dd) = dict_obj(d) {
        let n = if let Some(l) = crate::types::list::list_obj(keys) {
            l.len()
        } else if let Some(t) = tuple_items(keys) {
            t.len()
        } else {
            0
        };
        dd.map.reserve(vm, n)?;
        let it = vm.get_iter(keys)?;
        while let Some(k) = vm.iter_next(it)? {
            dd.map.set(vm, k, value)?;
        }
    } else {
        let it = vm.get_iter(keys)?;
        while let Some(k) = vm.iter_next(it)? {
            vm.store_subscr(d, k, value)?;
        }
    }
    Ok(d)
}

fn dict_get_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    Ok(d.map
        .get(vm, arg(args, 1))?
        .unwrap_or(args.get(2).copied().unwrap_or(Value::NONE)))
}

fn dict_pop_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    match d.map.remove(vm, arg(args, 1))? {
        Some(v) => Ok(v),
        None => match args.get(2) {
            Some(&dflt) => Ok(dflt),
            None => Err(vm.key_error(arg(args, 1))),
        },
    }
}

fn dict_popitem_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    match d.map.pop_last(vm)? {
        Some((k, v)) => new_tuple(vm, &[k, v]),
        None => {
            let m = crate::types::str::new_str(vm, "popitem(): dictionary is empty")?;
            Err(vm.key_error(m))
        }
    }
}

fn dict_setdefault_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    let dflt = args.get(2).copied().unwrap_or(Value::NONE);
    d.map.set_default(vm, arg(args, 1), dflt)
}

fn dict_update_meth(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    if let Some(&src) = args.get(1) {
        dict_update_from(vm, d, src)?;
    }
    apply_kw(vm, d, kw)?;
    Ok(Value::NONE)
}

fn dict_getitem_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, arg(args, 0))?;
    dict_subscr(vm, arg(args, 0), arg(args, 1), Value::SENTINEL)
}

fn dict_setitem_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, arg(args, 0))?;
    dict_subscr(vm, arg(args, 0), arg(args, 1), arg(args, 2))
}

fn dict_delitem_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, arg(args, 0))?;
    dict_subscr(vm, arg(args, 0), arg(args, 1), Value::NULL)
}

// ---- iteration ----

/// What a dict iterator or view yields.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum ViewKind {
    Keys = 0,
    Values = 1,
    Items = 2,
}

/// Iterator over a dict's keys, values or items.
#[repr(C)]
pub struct DictIterObj {
    pub hdr: ObjHeader,
    pub dict: Value,
    pub kind: ViewKind,
    pub pos: Cell<usize>,
    /// The dict's size when iteration started.
    pub len: usize,
    /// Iterate from the last entry to the first (`reversed(d)`): `pos` is one past the next
    /// slot to look at.
    pub reverse: bool,
}

crate::py_object!(DictIterObj, DICT_ITER_TYPE);

pub static DICT_ITER_TYPE: Type = Type {
    getiter: Some(crate::types::iter::iter_self),
    iternext: Some(dict_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn new_dict_iter(vm: &mut Vm, d: Gc<DictObj>, kind: ViewKind) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(DictIterObj {
            hdr: ObjHeader::new(&DICT_ITER_TYPE),
            dict: d.value(),
            kind,
            pos: Cell::new(0),
            len: d.map.len(),
            reverse: false,
        })?
        .value())
}

/// `reversed(v)` for a dict or a dict view (None if `v` is neither).
pub fn dict_reversed(vm: &mut Vm, v: Value) -> PyResult<Option<Value>> {
    let (d, kind) = if let Some(d) = dict_obj(v) {
        (d, ViewKind::Keys)
    } else if let Some(p) = view_parts(v) {
        p
    } else {
        return Ok(None);
    };
    let it = vm.alloc_obj(DictIterObj {
        hdr: ObjHeader::new(&DICT_ITER_TYPE),
        dict: d.value(),
        kind,
        pos: Cell::new(d.map.slots()),
        len: d.map.len(),
        reverse: true,
    })?;
    Ok(Some(it.value()))
}

fn dict_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(d) = dict_obj(v) else {
        return Ok(Value::NULL);
    };
    new_dict_iter(vm, d, ViewKind::Keys)
}

fn dict_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<DictIterObj>() else {
        return Ok(Value::STOP);
    };
    let Some(d) = dict_obj(it.dict) else {
        return Ok(Value::STOP);
    };
    if d.map.len() != it.len {
        return Err(vm.runtime_error("dictionary changed size during iteration"));
    }
    let mut pos = it.pos.get();
    let r = if it.reverse {
        let mut found = None;
        while pos > 0 {
            pos -= 1;
            let (k, v) = d.map.slot(pos);
            if !k.is_null() {
                found = Some((k, v));
                break;
            }
        }
        found
    } else {
        d.map.next_entry(&mut pos)
    };
    it.pos.set(pos);
    match r {
        None => Ok(Value::STOP),
        Some((k, v)) => match it.kind {
            ViewKind::Keys => Ok(k),
            ViewKind::Values => Ok(v),
            ViewKind::Items => new_tuple(vm, &[k, v]),
        },
    }
}

// ---- views ----

#[repr(C)]
pub struct DictViewObj {
    pub hdr: ObjHeader,
    pub dict: Value,
    pub kind: ViewKind,
}

crate::py_object!(DictViewObj, DICT_VIEW_TYPE);

pub static DICT_VIEW_TYPE: Type = Type {
    print: Some(view_print),
    unary_op: Some(view_unary_op),
    binary_op: Some(view_binary_op),
    getiter: Some(view_getiter),
    ..Type::new(Q::dict_view)
};

fn new_view(vm: &mut Vm, v: Value, kind: ViewKind) -> PyResult<Value> {
    let d = this(vm, v)?;
    Ok(vm
        .alloc_obj(DictViewObj {
            hdr: ObjHeader::new(&DICT_VIEW_TYPE),
            dict: d.value(),
            kind,
        })?
        .value())
}

fn dict_keys_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    new_view(vm, arg(args, 0), ViewKind::Keys)
}
fn dict_values_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    new_view(vm, arg(args, 0), ViewKind::Values)
}
fn dict_items_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    new_view(vm, arg(args, 0), ViewKind::Items)
}

fn view_parts(v: Value) -> Option<(Gc<DictObj>, ViewKind)> {
    let view = v.downcast::<DictViewObj>()?;
    Some((dict_obj(view.dict)?, view.kind))
}

fn view_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some((d, kind)) = view_parts(v) else {
        return Ok(());
    };
    check_stack(vm)?;
    push_str(
        out,
        match kind {
            ViewKind::Keys => "dict_keys([",
            ViewKind::Values => "dict_values([",
            ViewKind::Items => "dict_items([",
        },
    );
    let mut pos = 0;
    let mut first = true;
    while let Some((k, val)) = d.map.next_entry(&mut pos) {
        if !first {
            push_str(out, ", ");
        }
        first = false;
        match kind {
            ViewKind::Keys => vm.print_to(k, PrintKind::Repr, out)?,
            ViewKind::Values => vm.print_to(val, PrintKind::Repr, out)?,
            ViewKind::Items => {
                push_char(out, '(');
                vm.print_to(k, PrintKind::Repr, out)?;
                push_str(out, ", ");
                vm.print_to(val, PrintKind::Repr, out)?;
                push_char(out, ')');
            }
        }
    }
    push_str(out, "])");
    Ok(())
}

fn view_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some((d, kind)) = view_parts(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(!d.map.is_empty()),
        UnaryOp::Len => Value::small_int_unchecked(d.map.len() as isize),
        UnaryOp::Hash if kind != ViewKind::Values => return Err(unhashable(vm, v)),
        _ => Value::NULL,
    })
}

fn view_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let Some((d, kind)) = view_parts(lhs) else {
        return Ok(Value::NULL);
    };
    match (op, kind) {
        (BinOp::Contains, ViewKind::Keys) => Ok(Value::from_bool(d.map.contains(vm, rhs)?)),
        (BinOp::Contains, ViewKind::Items) => {
            let Some(t) = tuple_items(rhs).filter(|t| t.len() == 2) else {
                return Ok(Value::FALSE);
            };
            let (k, v) = (t.items()[0], t.items()[1]);
            match d.map.get(vm, k)? {
                Some(w) => Ok(Value::from_bool(vm.eq(w, v)?)),
                None => Ok(Value::FALSE),
            }
        }
        (BinOp::Contains, ViewKind::Values) => {
            let mut pos = 0;
            while let Some((_, v)) = d.map.next_entry(&mut pos) {
                if vm.eq(v, rhs)? {
                    return Ok(Value::TRUE);
                }
            }
            Ok(Value::FALSE)
        }
        (BinOp::Equal, ViewKind::Keys | ViewKind::Items) => {
            // Set-like equality.
            let a = crate::types::set::set_from_iter(vm, lhs)?;
            if view_parts(rhs).is_none() && crate::types::set::set_obj(rhs).is_none() {
                return Ok(Value::FALSE);
            }
            let b = crate::types::set::set_from_iter(vm, rhs)?;
            vm.binary_op(BinOp::Equal, a, b)
        }
        (
            BinOp::Or | BinOp::And | BinOp::Subtract | BinOp::Xor,
            ViewKind::Keys | ViewKind::Items,
        ) => {
            // Set operations give sets (CPython).
            let a = crate::types::set::set_from_iter(vm, lhs)?;
            let b = crate::types::set::set_from_iter(vm, rhs)?;
            vm.binary_op(op, a, b)
        }
        _ => Ok(Value::NULL),
    }
}

fn view_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some((d, kind)) = view_parts(v) else {
        return Ok(Value::NULL);
    };
    new_dict_iter(vm, d, kind)
}
