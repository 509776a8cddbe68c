//! `type`, `object`, user classes and their instances, attribute lookup and method binding.
//!
//! # Classes
//! A class made by a `class` statement (or `type(name, bases, dict)`) is a [`Type`] in the GC
//! heap with `flags::USER_CLASS`. Its slots are the generic instance functions of this module,
//! which look up `__add__`, `__getitem__`... in the class and its bases. `Type::base` is
//! `object` (no bases given), one type, or a tuple of types; `Type::locals` is the class dict.
//!
//! Lookup order is MicroPython's: depth-first, left to right over the bases (not C3), with
//! `object` searched only at the very end (and never for implicit special-method lookups).
//!
//! # Instances and native bases
//! Instances of user classes have the layout [`InstanceObj`]: an attribute dict (allocated on
//! first store) and a *native part*. A class may derive from at most one native (builtin) type
//! other than `object` (its *native base*, e.g. `list` in `class L(list)`); its instances then
//! carry an object of that native type in `InstanceObj::native` (MicroPython's "subobj"). The
//! native part is made by `super().__init__(...)` or, if `__init__` did not do that, after
//! `__init__` returns, from the constructor's arguments.
//!
//! Exception classes are the exception: instances of user classes deriving from
//! `BaseException` have the exception layout ([`ExcObj`], with its `dict`), so every raised
//! object is an `ExcObj`; their native part is the object itself.
//!
//! **For owners of builtin types**: methods of a native type receive, as `arg(args, 0)`, either an
//! object of that type or (when called explicitly as `list.append(my_list_subclass_obj, x)`) an
//! instance of a user subclass. Use [`native_self`]`(v, &LIST_TYPE)` to get the native object in
//! both cases (None: wrong type). Bound methods found through an instance (`obj.append`) are
//! already bound to the native part. Special methods of the native base (slots) are reached
//! through the generic instance slots, which call the native slot with the native part.
//!
//! # Binding
//! Functions whose type has `flags::BINDS_SELF` (Python functions, closures, generator
//! functions) bind the instance when found in a class. A builtin function found in a builtin
//! type's dict binds; one found in a user class's dict behaves as a staticmethod (as in
//! MicroPython). `staticmethod`/`classmethod`/`property` are in descr.rs.
//! [`load_method`] returns `(function, self)` without allocating; `load_attr` allocates a bound
//! method object only when one is needed.

use super::arg;
use alloc::format;
use alloc::string::String;
use core::cell::Cell;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::map::DictObj;
use crate::obj::{
    flags, AttrAction, BinOp, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type, UnaryOp,
    VAR_ARGS,
};
use crate::qstr::{Qstr, Q};
use crate::types::descr::{self, ClassMethodObj, PropertyObj, StaticMethodObj, SuperObj};
use crate::types::exception::{self as exc, ExcObj};
use crate::types::tuple::{new_tuple, tuple_items};
use crate::value::{Gc, ObjHeader, ObjLayout, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

/// Deepest recursion through multiple-inheritance bases before a lookup gives up.
const MAX_BASES_DEPTH: u32 = 100;

// ---------------------------------------------------------------------------------------------
// type

/// The `type` type object's definition (used by obj::TYPE_TYPE).
pub const fn type_type() -> Type {
    Type {
        make_new: Some(type_make_new),
        print: Some(type_print),
        call: Some(type_call),
        attr: Some(type_attr),
        ..Type::new(Q::r#type)
    }
    .with_flags(flags::BASETYPE)
}

/// True if `t` is a metaclass (a subclass of `type`) other than `type` itself. Pyrite, like
/// MicroPython, does not support deriving from `type`, so this is always false.
pub fn is_metaclass(_t: TypeRef) -> bool {
    false
}

fn type_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(t) = TypeRef::from_value(v) {
        push_str(out, "<class '");
        push_str(out, vm.qstr_str(t.name));
        push_str(out, "'>");
    }
    Ok(())
}

fn type_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    match args {
        [x] if kw.is_empty() => Ok(x.type_of().value()),
        [name, bases, dict] => {
            let Some(text) = crate::types::str::str_data(vm, *name) else {
                return Err(vm.type_error("type() argument 1 must be str"));
            };
            let s = String::from(text.as_str());
            let q = vm.intern_name(&s)?;
            // Keywords (from `class A(B, x=1)`) go to __init_subclass__.
            new_class_kw(vm, q, *bases, *dict, kw)
        }
        _ => Err(vm.type_error("type takes 1 or 3 arguments")),
    }
}

/// Calling a type: construct an instance through its `make_new` slot.
fn type_call(vm: &mut Vm, v: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(t) = TypeRef::from_value(v) else {
        return Err(vm.type_error("not a type"));
    };
    match t.make_new {
        Some(f) => f(vm, t, args, kw),
        None => {
            let m = format!("can't create '{}' instances", vm.qstr_str(t.name));
            Err(vm.type_error(&m))
        }
    }
}

/// The `attr` slot of type objects (loads go through [`load_method`]; this serves stores and
/// deletes of class attributes, and loads by code that calls the slot directly).
fn type_attr(vm: &mut Vm, obj: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(t) = TypeRef::from_value(obj) else {
        return Ok(None);
    };
    match action {
        AttrAction::Load => match type_load(vm, t, name)? {
            Some((m, s)) => Ok(Some(make_bound(vm, m, s)?)),
            None => Ok(None),
        },
        AttrAction::Store(v) => {
            let Some(d) = t.locals.get().downcast::<DictObj>() else {
                return Ok(None);
            };
            if d.map.is_fixed() || !t.has_flag(flags::USER_CLASS) {
                return Ok(None);
            }
            d.map.set_qstr(vm, name, v)?;
            if is_special_accessor(vm, name, v) {
                t.flags.set(t.flags.get() | flags::HAS_SPECIAL_ACCESSORS);
            }
            Ok(Some(Value::NONE))
        }
        AttrAction::Delete => {
            let Some(d) = t.locals.get().downcast::<DictObj>() else {
                return Ok(None);
            };
            if d.map.is_fixed() || !t.has_flag(flags::USER_CLASS) {
                return Ok(None);
            }
            match d.map.remove(vm, Value::qstr(name))? {
                Some(_) => Ok(Some(Value::NONE)),
                None => Ok(None),
            }
        }
    }
}

/// Attribute load on a type object: `__name__`, `__bases__`, `__dict__`, then the class dicts.
fn type_load(vm: &mut Vm, t: TypeRef, name: Qstr) -> PyResult<Option<(Value, Value)>> {
    match name {
        Q::__name__ => return Ok(Some((Value::qstr(t.name), Value::NULL))),
        Q::__bases__ => {
            if t.is(&OBJECT_TYPE) {
                return Ok(Some((new_tuple(vm, &[])?, Value::NULL)));
            }
            let b = t.base.get();
            if tuple_items(b).is_some() {
                return Ok(Some((b, Value::NULL)));
            }
            let b = if b.is_null() {
                Value::from_static(&OBJECT_TYPE)
            } else {
                b
            };
            return Ok(Some((new_tuple(vm, &[b])?, Value::NULL)));
        }
        Q::__dict__ => {
            let d = t.locals.get();
            if d.is_null() {
                let d = crate::types::dict::new_dict(vm)?;
                return Ok(Some((d.value(), Value::NULL)));
            }
            return Ok(Some((d, Value::NULL)));
        }
        _ => {}
    }
    let found = match class_lookup(vm, t, name, Slot::None) {
        Found::Member(v, owner) => Some((v, owner)),
        _ => locals_get(vm, TypeRef::of_static(&OBJECT_TYPE), name)
            .map(|v| (v, TypeRef::of_static(&OBJECT_TYPE))),
    };
    let Some((member, owner)) = found else {
        return Ok(None);
    };
    Ok(Some(convert_member(vm, Value::NULL, t, owner, member)))
}

// ---------------------------------------------------------------------------------------------
// object

/// `object`.
pub static OBJECT_TYPE: Type = Type {
    make_new: Some(object_make_new),
    ..Type::new(Q::object)
}
.with_flags(flags::BASETYPE | flags::EQ_IS_IDENTITY)
.with_locals(&OBJECT_LOCALS);

crate::fixed_dict!(
    OBJECT_LOCALS,
    [
        (Q::__init__, crate::fnv!(OBJECT_INIT)),
        (Q::__new__, Value::from_static(&OBJECT_NEW)),
        (Q::__setattr__, crate::fnv!(OBJECT_SETATTR)),
        (Q::__delattr__, crate::fnv!(OBJECT_DELATTR)),
        (Q::__repr__, crate::fnv!(OBJECT_REPR)),
        (Q::__str__, crate::fnv!(OBJECT_STR)),
        (Q::__eq__, crate::fnv!(OBJECT_EQ)),
        (Q::__ne__, crate::fnv!(OBJECT_NE)),
        (Q::__hash__, crate::fnv!(OBJECT_HASH)),
    ]
);

static OBJECT_REPR: BuiltinFn = BuiltinFn::new(Q::__repr__, 1, 1, object_repr);
static OBJECT_STR: BuiltinFn = BuiltinFn::new(Q::__str__, 1, 1, object_str);
static OBJECT_EQ: BuiltinFn = BuiltinFn::new(Q::__eq__, 2, 2, object_eq);
static OBJECT_NE: BuiltinFn = BuiltinFn::new(Q::__ne__, 2, 2, object_ne);
static OBJECT_HASH: BuiltinFn = BuiltinFn::new(Q::__hash__, 1, 1, object_hash);

/// `object.__repr__(x)`: the default `<T object at ...>` form.
fn object_repr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = arg(args, 0);
    let s = format!("<{} object at {:x}>", vm.type_name(v), v.word());
    crate::types::str::new_str(vm, &s)
}

/// `object.__str__(x)`: `repr(x)`.
fn object_str(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = vm.repr_string(arg(args, 0))?;
    crate::types::str::new_str(vm, &s)
}

fn object_eq(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(if arg(args, 0) == arg(args, 1) {
        Value::TRUE
    } else {
        Value::NOT_IMPLEMENTED
    })
}

fn object_ne(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(if arg(args, 0) == arg(args, 1) {
        Value::FALSE
    } else {
        Value::NOT_IMPLEMENTED
    })
}

fn object_hash(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(identity_hash(arg(args, 0)))
}

static OBJECT_INIT: BuiltinFn = BuiltinFn::new_kw(Q::__init__, 1, VAR_ARGS, object_init);
static OBJECT_NEW_FN: BuiltinFn = BuiltinFn::new_kw(Q::__new__, 1, VAR_ARGS, object_new);
static OBJECT_NEW: StaticMethodObj = StaticMethodObj::fixed(&OBJECT_NEW_FN);
static OBJECT_SETATTR: BuiltinFn = BuiltinFn::new(Q::__setattr__, 3, 3, object_setattr);
static OBJECT_DELATTR: BuiltinFn = BuiltinFn::new(Q::__delattr__, 2, 2, object_delattr);

/// A plain `object()` instance.
#[repr(C)]
pub struct PlainObj {
    pub hdr: ObjHeader,
}
crate::py_object!(PlainObj, OBJECT_TYPE);

fn object_make_new(vm: &mut Vm, ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !args.is_empty() || !kw.is_empty() {
        let m = format!(
            "function takes 0 positional arguments but {} were given",
            args.len()
        );
        return Err(vm.type_error(&m));
    }
    if ty.has_flag(flags::USER_CLASS) {
        return new_blank_instance(vm, ty);
    }
    Ok(vm
        .alloc_obj(PlainObj {
            hdr: ObjHeader::new(&OBJECT_TYPE),
        })?
        .value())
}

fn object_init(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::NONE)
}

fn object_new(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let cls = args.first().copied().unwrap_or(Value::NULL);
    match TypeRef::from_value(cls) {
        Some(t) if t.has_flag(flags::USER_CLASS) => new_blank_instance(vm, t),
        Some(t) if t.is(&OBJECT_TYPE) => object_make_new(vm, t, &[], &[]),
        _ => Err(vm.type_error("arg must be user-type")),
    }
}

fn object_setattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (obj, name, v) = (arg(args, 0), arg(args, 1), arg(args, 2));
    let Some(q) = attr_name(vm, name) else {
        return Err(vm.type_error("attribute name must be a str"));
    };
    if !obj.type_of().has_flag(flags::USER_CLASS) {
        return Err(vm.type_error("arg must be user-type"));
    }
    let d = inst_dict(vm, obj, true)?;
    match d {
        Some(d) => d.map.set_qstr(vm, q, v).map(|_| Value::NONE),
        None => Err(vm.type_error("arg must be user-type")),
    }
}

fn object_delattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (obj, name) = (arg(args, 0), arg(args, 1));
    let Some(q) = attr_name(vm, name) else {
        return Err(vm.type_error("attribute name must be a str"));
    };
    if !obj.type_of().has_flag(flags::USER_CLASS) {
        return Err(vm.type_error("arg must be user-type"));
    }
    if let Some(d) = inst_dict(vm, obj, false)? {
        if d.map.remove(vm, Value::qstr(q))?.is_some() {
            return Ok(Value::NONE);
        }
    }
    Err(vm.attribute_error("no such attribute"))
}

/// An attribute name given as a str value, interned.
pub fn attr_name(vm: &mut Vm, v: Value) -> Option<Qstr> {
    if let Some(q) = v.as_qstr() {
        return Some(q);
    }
    let d = crate::types::str::str_data(vm, v)?;
    let s = String::from(d.as_str());
    Some(vm.intern(&s))
}

// ---------------------------------------------------------------------------------------------
// subclass tests and the base walk

/// Visit the direct bases of a type until `f` returns true.
fn for_each_base(t: TypeRef, mut f: impl FnMut(TypeRef) -> bool) -> bool {
    let b = t.base.get();
    if b.is_null() {
        return false;
    }
    if let Some(bt) = TypeRef::from_value(b) {
        return f(bt);
    }
    if let Some(tup) = tuple_items(b) {
        for &x in tup.items() {
            if let Some(bt) = TypeRef::from_value(x) {
                if f(bt) {
                    return true;
                }
            }
        }
    }
    false
}

/// The single base of `t` if it has exactly one (None for object or multiple bases).
fn single_base(t: TypeRef) -> Option<TypeRef> {
    TypeRef::from_value(t.base.get())
}

/// issubclass for types: depth-first over bases. Every type is a subclass of `object`.
pub fn is_subclass(a: TypeRef, b: TypeRef) -> bool {
    if b.is(&OBJECT_TYPE) {
        return true;
    }
    is_subclass_depth(a, b, 0)
}

fn is_subclass_depth(mut a: TypeRef, b: TypeRef, depth: u32) -> bool {
    loop {
        if a == b {
            return true;
        }
        if let Some(s) = single_base(a) {
            a = s;
            continue;
        }
        if depth > MAX_BASES_DEPTH {
            return false;
        }
        return for_each_base(a, |x| is_subclass_depth(x, b, depth + 1));
    }
}

/// `isinstance(obj, classinfo)` / `issubclass(cls, classinfo)` with a class or tuple of classes.
fn subclass_of_info(vm: &mut Vm, t: TypeRef, info: Value) -> PyResult<bool> {
    if let Some(c) = TypeRef::from_value(info) {
        return Ok(is_subclass(t, c));
    }
    if let Some(tup) = tuple_items(info) {
        for i in 0..tup.len() {
            let x = tup.items()[i];
            if let Some(c) = TypeRef::from_value(x) {
                if is_subclass(t, c) {
                    return Ok(true);
                }
            } else if tuple_items(x).is_some() {
                if subclass_of_info(vm, t, x)? {
                    return Ok(true);
                }
            } else {
                return Err(bad_classinfo(vm));
            }
        }
        return Ok(false);
    }
    Err(bad_classinfo(vm))
}

#[cold]
fn bad_classinfo(vm: &mut Vm) -> PyErr {
    vm.type_error("issubclass() arg 2 must be a class or a tuple of classes")
}

fn builtin_isinstance(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let t = arg(args, 0).type_of();
    subclass_of_info(vm, t, arg(args, 1)).map(Value::from_bool)
}

fn builtin_issubclass(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(t) = TypeRef::from_value(arg(args, 0)) else {
        return Err(vm.type_error("issubclass() arg 1 must be a class"));
    };
    subclass_of_info(vm, t, arg(args, 1)).map(Value::from_bool)
}

/// `isinstance` for the builtins module.
pub static ISINSTANCE_FN: BuiltinFn = BuiltinFn::new(Q::isinstance, 2, 2, builtin_isinstance);
/// `issubclass` for the builtins module.
pub static ISSUBCLASS_FN: BuiltinFn = BuiltinFn::new(Q::issubclass, 2, 2, builtin_issubclass);
/// `__build_class__` for the builtins module.
pub static BUILD_CLASS_FN: BuiltinFn =
    BuiltinFn::new_kw(Q::__build_class__, 2, VAR_ARGS, build_class);

// ---------------------------------------------------------------------------------------------
// class lookup

/// Which native slot implements the special method being looked up (MicroPython's
/// `slot_offset`): a native base with that slot answers [`Found::Native`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Slot {
    None,
    MakeNew,
    Print,
    Call,
    UnaryOp,
    BinaryOp,
    Subscr,
    GetIter,
    IterNext,
    Buffer,
}

fn has_slot(t: &Type, s: Slot) -> bool {
    match s {
        Slot::None => false,
        Slot::MakeNew => t.make_new.is_some(),
        Slot::Print => t.print.is_some(),
        Slot::Call => t.call.is_some(),
        Slot::UnaryOp => t.unary_op.is_some(),
        Slot::BinaryOp => t.binary_op.is_some(),
        Slot::Subscr => t.subscr.is_some(),
        Slot::GetIter => t.getiter.is_some() || t.has_flag(flags::ITER_IS_SELF),
        Slot::IterNext => t.iternext.is_some(),
        Slot::Buffer => t.buffer.is_some(),
    }
}

/// Result of a class lookup.
#[derive(Clone, Copy)]
pub enum Found {
    Missing,
    /// The native base implements the looked-up special method through its slot.
    Native,
    /// Found in the dict of `owner`.
    Member(Value, TypeRef),
}

/// The entry `name` of a type's own dict.
#[inline]
fn locals_get(vm: &Vm, t: TypeRef, name: Qstr) -> Option<Value> {
    let d = t.locals.get().downcast::<DictObj>()?;
    d.map.get_qstr(vm, name)
}

/// Look `name` up in `t` and its bases (depth-first, left to right, `object` skipped).
pub fn class_lookup(vm: &Vm, t: TypeRef, name: Qstr, slot: Slot) -> Found {
    class_lookup_depth(vm, t, name, slot, 0)
}

fn class_lookup_depth(vm: &Vm, mut t: TypeRef, name: Qstr, slot: Slot, depth: u32) -> Found {
    loop {
        if t.is(&OBJECT_TYPE) {
            return Found::Missing;
        }
        if slot != Slot::None && !t.has_flag(flags::USER_CLASS) && has_slot(&t, slot) {
            return Found::Native;
        }
        if let Some(v) = locals_get(vm, t, name) {
            return Found::Member(v, t);
        }
        if let Some(b) = single_base(t) {
            t = b;
            continue;
        }
        if depth > MAX_BASES_DEPTH {
            return Found::Missing;
        }
        let mut r = Found::Missing;
        for_each_base(t, |b| {
            r = class_lookup_depth(vm, b, name, slot, depth + 1);
            !matches!(r, Found::Missing)
        });
        return r;
    }
}

/// Find `name` in a type's dict or its bases' (depth-first, left to right), `object` last.
pub fn lookup(vm: &Vm, t: TypeRef, name: Qstr) -> Option<Value> {
    match class_lookup(vm, t, name, Slot::None) {
        Found::Member(v, _) => Some(v),
        _ => locals_get(vm, TypeRef::of_static(&OBJECT_TYPE), name),
    }
}

/// Turn a member found in `owner`'s dict into `(function, self)` for an access through `selfv`
/// (NULL for an access through the type `ty`). MicroPython's `mp_convert_member_lookup`.
fn convert_member(
    vm: &mut Vm,
    selfv: Value,
    ty: TypeRef,
    owner: TypeRef,
    member: Value,
) -> (Value, Value) {
    let _ = vm;
    let Some(h) = member.as_obj() else {
        return (member, Value::NULL);
    };
    let mt = h.ty.get();
    if mt.is(&crate::obj::BUILTIN_FN_TYPE) {
        if owner.has_flag(flags::USER_CLASS) || selfv.is_null() {
            return (member, Value::NULL);
        }
        return (member, selfv);
    }
    // Python functions bind. (Matching the name as well keeps this working for function types
    // that have not set the flag.)
    if mt.has_flag(flags::BINDS_SELF) || mt.name == Q::function {
        return (member, selfv);
    }
    if let Some(sm) = member.downcast::<StaticMethodObj>() {
        return (sm.fun, Value::NULL);
    }
    if let Some(cm) = member.downcast::<ClassMethodObj>() {
        let cls = if selfv.is_null() {
            ty.value()
        } else if TypeRef::from_value(selfv).is_some() {
            selfv
        } else {
            selfv.type_of().value()
        };
        return (cm.fun, cls);
    }
    (member, Value::NULL)
}

// ---------------------------------------------------------------------------------------------
// instances

/// An instance of a user class that does not derive from an exception.
#[repr(C)]
pub struct InstanceObj {
    pub hdr: ObjHeader,
    /// Attribute dict (a `DictObj`), NULL until the first attribute is stored.
    pub dict: Cell<Value>,
    /// The native base's object, NULL if there is no native base or it is not made yet.
    pub native: Cell<Value>,
}

// SAFETY: InstanceObj is #[repr(C)] with the header first and needs no Drop; has_layout accepts
// exactly user classes that are not exception classes, whose instances are all allocated by
// `new_blank_instance` with this layout.
unsafe impl ObjLayout for InstanceObj {
    fn has_layout(t: TypeRef) -> bool {
        t.has_flag(flags::USER_CLASS) && !t.has_flag(flags::EXCEPTION)
    }
}

/// A fresh instance of user class `ty` with no attributes and no native part yet.
pub fn new_blank_instance(vm: &mut Vm, ty: TypeRef) -> PyResult<Value> {
    if ty.has_flag(flags::EXCEPTION) {
        let e = vm.alloc_layout(ExcObj {
            hdr: ObjHeader::with_type(ty),
            args: Cell::new(Value::NULL),
            traceback: Cell::new(Value::NULL),
            dict: Cell::new(Value::NULL),
        })?;
        return Ok(e.value());
    }
    let o = vm.alloc_layout(InstanceObj {
        hdr: ObjHeader::with_type(ty),
        dict: Cell::new(Value::NULL),
        native: Cell::new(Value::NULL),
    })?;
    Ok(o.value())
}

/// The attribute dict of a user-class instance (creating it if `create`).
fn inst_dict(vm: &mut Vm, v: Value, create: bool) -> PyResult<Option<Gc<DictObj>>> {
    if let Some(o) = v.downcast_layout::<InstanceObj>() {
        return dict_in_cell(vm, &o.dict, create);
    }
    if let Some(e) = v.downcast_layout::<ExcObj>() {
        if v.type_of().has_flag(flags::USER_CLASS) {
            return dict_in_cell(vm, &e.dict, create);
        }
    }
    Ok(None)
}

fn dict_in_cell(vm: &mut Vm, cell: &Cell<Value>, create: bool) -> PyResult<Option<Gc<DictObj>>> {
    let d = cell.get();
    if let Some(d) = d.downcast::<DictObj>() {
        return Ok(Some(d));
    }
    if !create {
        return Ok(None);
    }
    let d = crate::types::dict::new_dict(vm)?;
    cell.set(d.value());
    Ok(Some(d))
}

/// Two native bases with different instance layouts.
#[derive(Clone, Copy, Debug)]
pub struct LayoutConflict;

/// The native base of a class: the one builtin type other than `object` it derives from.
/// Errors if there is more than one.
pub fn native_base(t: TypeRef) -> Result<Option<TypeRef>, LayoutConflict> {
    if t.has_flag(flags::USER_CLASS) && !t.has_flag(flags::HAS_NATIVE_BASE) {
        return Ok(None);
    }
    let mut found: Option<TypeRef> = None;
    let mut conflict = false;
    native_base_walk(t, &mut found, &mut conflict, 0);
    if conflict {
        Err(LayoutConflict)
    } else {
        Ok(found)
    }
}

fn native_base_walk(t: TypeRef, found: &mut Option<TypeRef>, conflict: &mut bool, depth: u32) {
    if depth > MAX_BASES_DEPTH {
        return;
    }
    if t.is(&OBJECT_TYPE) {
        return;
    }
    if !t.has_flag(flags::USER_CLASS) {
        match found {
            Some(f) if *f != t => {
                // Two exception classes share a layout: keep the more derived one.
                // Exception classes all share one layout: keep the more derived one.
                if f.has_flag(flags::EXCEPTION) && t.has_flag(flags::EXCEPTION) {
                    if is_subclass(t, *f) {
                        *found = Some(t);
                    }
                } else {
                    *conflict = true;
                }
            }
            Some(_) => {}
            None => *found = Some(t),
        }
        return;
    }
    for_each_base(t, |b| {
        native_base_walk(b, found, conflict, depth + 1);
        false
    });
}

/// The native part of an instance of a user class: the native base's object (NULL if not made
/// yet), the object itself for exception subclasses, NULL for classes without a native base.
pub fn native_part(v: Value) -> Value {
    if let Some(o) = v.downcast_layout::<InstanceObj>() {
        return o.native.get();
    }
    if v.downcast_layout::<ExcObj>().is_some() {
        return v;
    }
    Value::NULL
}

/// For methods of native type `ty`: `v` itself if it is exactly a `ty` object (or a subclass
/// with the same layout, e.g. bool for int), the native part if `v` is an instance of a user
/// class deriving from `ty`, otherwise None.
pub fn native_self(v: Value, ty: &'static Type) -> Option<Value> {
    let t = v.type_of();
    if t.is(ty) {
        return Some(v);
    }
    if t.has_flag(flags::USER_CLASS) {
        if is_subclass(t, TypeRef::of_static(ty)) {
            let n = native_part(v);
            if n.is_null() {
                return None;
            }
            return Some(n);
        }
        return None;
    }
    if is_subclass(t, TypeRef::of_static(ty)) {
        return Some(v);
    }
    None
}

/// The native part, or the "call super().__init__() first" error.
fn native_or_err(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let n = native_part(v);
    if n.is_null() {
        return Err(vm.attribute_error("call super().__init__() first"));
    }
    Ok(n)
}

/// Make (or remake) the native part of `obj` from constructor arguments: what
/// `super().__init__(...)` does for a class with a native base.
pub fn init_native_part(vm: &mut Vm, obj: Value, args: &[Value], kw: Kw) -> PyResult<()> {
    let t = obj.type_of();
    if let Some(e) = obj.downcast_layout::<ExcObj>() {
        let tup = new_tuple(vm, args)?;
        e.args.set(tup);
        return Ok(());
    }
    let Some(o) = obj.downcast_layout::<InstanceObj>() else {
        return Ok(());
    };
    let nb = match native_base(t) {
        Ok(Some(nb)) => nb,
        _ => return Ok(()),
    };
    let Some(mk) = nb.make_new else {
        return Ok(());
    };
    let n = mk(vm, nb, args, kw)?;
    o.native.set(n);
    Ok(())
}

fn native_base_init(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    init_native_part(vm, arg(args, 0), &args[1..], kw)?;
    Ok(Value::NONE)
}

/// `super().__init__` when the next class up is a native base: constructs the native part.
pub static NATIVE_BASE_INIT_FN: BuiltinFn =
    BuiltinFn::new_kw(Q::__init__, 1, VAR_ARGS, native_base_init);

// ---- calling helpers ----

/// Call `f(first, *args, **kw)`.
pub fn call_with_first(
    vm: &mut Vm,
    f: Value,
    first: Value,
    args: &[Value],
    kw: Kw,
) -> PyResult<Value> {
    if args.len() < 15 {
        let mut buf = crate::interp::ArgBuf::new();
        buf.push(first);
        buf.extend(args);
        return vm.call(f, buf.as_slice(), kw);
    }
    // Too many for the inline buffer: build a tuple (its items stay put while we hold it).
    let mut all = alloc::vec::Vec::with_capacity(args.len() + 1);
    all.push(first);
    all.extend_from_slice(args);
    // `all` only holds values that are also held by the caller (`first`, `args`), so it need
    // not be a root while new_tuple allocates.
    let tup = new_tuple(vm, &all)?;
    drop(all);
    let Some(t) = tuple_items(tup) else {
        return Err(vm.type_error("internal error"));
    };
    vm.call(f, t.items(), kw)
}

/// Call a `(function, self)` pair as returned by [`load_method`].
pub fn call_method_pair(vm: &mut Vm, m: (Value, Value), args: &[Value], kw: Kw) -> PyResult<Value> {
    if m.1.is_null() {
        vm.call(m.0, args, kw)
    } else {
        call_with_first(vm, m.0, m.1, args, kw)
    }
}

/// Look up a special method for an instance (implicit lookup: class only, `object` skipped).
fn special(vm: &mut Vm, obj: Value, name: Qstr, slot: Slot) -> SpecialFound {
    let t = obj.type_of();
    match class_lookup(vm, t, name, slot) {
        Found::Missing => SpecialFound::Missing,
        Found::Native => SpecialFound::Native,
        Found::Member(v, owner) => {
            let selfv = if owner.has_flag(flags::USER_CLASS) {
                obj
            } else {
                native_part(obj)
            };
            SpecialFound::Method(convert_member(vm, selfv, t, owner, v))
        }
    }
}

enum SpecialFound {
    Missing,
    Native,
    Method((Value, Value)),
}

// ---------------------------------------------------------------------------------------------
// creating classes

/// True if storing `v` under `name` in a class dict needs the slow attribute-store path.
fn is_special_accessor(vm: &mut Vm, name: Qstr, v: Value) -> bool {
    if name == Q::__setattr__ || name == Q::__delattr__ {
        return true;
    }
    if v.downcast::<PropertyObj>().is_some() {
        return true;
    }
    let t = v.type_of();
    if t.has_flag(flags::USER_CLASS) {
        for q in [Q::__get__, Q::__set__, Q::__delete__] {
            if lookup(vm, t, q).is_some() {
                return true;
            }
        }
    }
    false
}

/// Make a new class: `type(name, bases, dict)`.
pub fn new_class(vm: &mut Vm, name: Qstr, bases: Value, dict: Value) -> PyResult<Value> {
    new_class_kw(vm, name, bases, dict, &[])
}

/// Make a new class, passing class keywords (`class A(B, x=1)`) to `__init_subclass__`.
pub fn new_class_kw(vm: &mut Vm, name: Qstr, bases: Value, dict: Value, kw: Kw) -> PyResult<Value> {
    let Some(btup) = tuple_items(bases) else {
        return Err(vm.type_error("type() argument 2 must be tuple"));
    };
    let d = match dict.downcast::<DictObj>() {
        Some(d) => d,
        // A dict subclass of builtin layout (e.g. OrderedDict): the class gets a plain copy.
        None => match crate::types::dict::dict_obj(dict) {
            Some(src) => {
                let nd = crate::types::dict::new_dict(vm)?;
                nd.map.update_from(vm, &src.map)?;
                nd
            }
            None => return Err(vm.type_error("type() argument 3 must be dict")),
        },
    };
    let mut fl = flags::USER_CLASS | flags::BASETYPE;
    for &b in btup.items() {
        let Some(bt) = TypeRef::from_value(b) else {
            return Err(vm.type_error("bases must be types"));
        };
        if !bt.has_flag(flags::BASETYPE) || bt.make_new.is_none() {
            let m = format!(
                "type '{}' isn't an acceptable base type",
                vm.qstr_str(bt.name)
            );
            return Err(vm.type_error(&m));
        }
        fl |= bt.flags.get() & (flags::HAS_SPECIAL_ACCESSORS | flags::EXCEPTION);
    }
    let base = match btup.len() {
        0 => Value::from_static(&OBJECT_TYPE),
        1 => btup.items()[0],
        _ => bases,
    };
    let protocol = btup
        .items()
        .first()
        .and_then(|&b| TypeRef::from_value(b))
        .and_then(|t| t.protocol);
    // Special accessors in the new dict.
    for i in 0..d.map.slots() {
        let (k, v) = d.map.slot(i);
        if let Some(q) = k.as_qstr() {
            if fl & flags::HAS_SPECIAL_ACCESSORS == 0 && is_special_accessor(vm, q, v) {
                fl |= flags::HAS_SPECIAL_ACCESSORS;
            }
        }
    }
    // A plain function `__new__` is a staticmethod.
    if let Some(nf) = d.map.get_qstr(vm, Q::__new__) {
        if nf.type_of().has_flag(flags::BINDS_SELF) {
            let sm = descr::new_staticmethod(vm, nf)?;
            d.map.set_qstr(vm, Q::__new__, sm)?;
        }
    }
    // `__init_subclass__` and `__class_getitem__` are implicitly classmethods.
    for q in [Q::__init_subclass__, Q::__class_getitem__] {
        if let Some(f) = d.map.get_qstr(vm, q) {
            if f.type_of().has_flag(flags::BINDS_SELF) {
                let cm = descr::new_classmethod(vm, f)?;
                d.map.set_qstr(vm, q, cm)?;
            }
        }
    }
    // The native base (at most one layout), and the buffer slot only where it has one (other
    // code tests the slot's presence).
    let mut nb: Option<TypeRef> = None;
    let mut conflict = false;
    for &b in btup.items() {
        if let Some(bt) = TypeRef::from_value(b) {
            native_base_walk(bt, &mut nb, &mut conflict, 0);
        }
    }
    if conflict {
        return Err(vm.type_error("multiple bases have instance lay-out conflict"));
    }
    if nb.is_some() {
        fl |= flags::HAS_NATIVE_BASE;
    }
    let has_buffer = nb.map(|n| n.buffer.is_some()).unwrap_or(false);
    let t = vm.alloc_obj(Type {
        hdr: ObjHeader::new(&crate::obj::TYPE_TYPE),
        name,
        flags: Cell::new(fl),
        make_new: Some(instance_make_new),
        print: Some(instance_print),
        call: Some(instance_call),
        unary_op: Some(instance_unary_op),
        binary_op: Some(instance_binary_op),
        attr: Some(instance_attr),
        subscr: Some(instance_subscr),
        getiter: Some(instance_getiter),
        iternext: Some(instance_iternext),
        buffer: if has_buffer {
            Some(instance_buffer)
        } else {
            None
        },
        finalise: None,
        protocol,
        base: Cell::new(base),
        locals: Cell::new(dict),
    })?;
    let tr = TypeRef::from_value(t.value()).ok_or_else(|| vm.type_error("internal error"))?;
    // __set_name__ on descriptors defined in the body: collect (value, name) pairs first, as
    // the calls may change the dict.
    let mut pending = Value::NULL;
    for i in 0..d.map.slots() {
        let (k, v) = d.map.slot(i);
        if k.is_null() || !v.type_of().has_flag(flags::USER_CLASS) {
            continue;
        }
        if lookup(vm, v.type_of(), Q::__set_name__).is_none() {
            continue;
        }
        if pending.is_null() {
            pending = crate::types::list::new_list(vm, &[])?;
        }
        crate::types::list::list_append(vm, pending, v)?;
        crate::types::list::list_append(vm, pending, k)?;
    }
    if let Some(l) = crate::types::list::list_obj(pending) {
        let mut i = 0;
        while let (Some(v), Some(k)) = (l.get(i), l.get(i + 1)) {
            i += 2;
            if let Some(m) = load_method_maybe(vm, v, Q::__set_name__)? {
                call_method_pair(vm, m, &[t.value(), k], &[])?;
            }
        }
    }
    // __init_subclass__ of the nearest base that has one.
    init_subclass(vm, tr, kw)?;
    Ok(t.value())
}

fn init_subclass(vm: &mut Vm, t: TypeRef, kw: Kw) -> PyResult<()> {
    let mut found = None;
    for_each_base(t, |b| {
        if let Found::Member(v, owner) = class_lookup(vm, b, Q::__init_subclass__, Slot::None) {
            found = Some((v, owner));
            true
        } else {
            false
        }
    });
    match found {
        Some((v, owner)) => {
            let m = convert_member(vm, t.value(), t, owner, v);
            call_method_pair(vm, m, &[], kw)?;
            Ok(())
        }
        None => {
            if !kw.is_empty() {
                return Err(vm.type_error("function doesn't take keyword arguments"));
            }
            Ok(())
        }
    }
}

/// Run a class body with `locals` as its local namespace; returns the `__class__` cell or None.
fn call_class_body(vm: &mut Vm, fun: Value, locals: Value) -> PyResult<Value> {
    crate::interp::call_function_with_locals(vm, fun, locals)
}

/// Store the new class into the `__class__` cell the class body returned.
fn set_class_cell(vm: &mut Vm, cell: Value, cls: Value) -> PyResult<()> {
    if cell.is_none() || cell.is_null() {
        return Ok(());
    }
    match cell.downcast::<crate::interp::code::CellObj>() {
        Some(c) => {
            c.value.set(cls);
            Ok(())
        }
        None => Err(vm.type_error("__class__ must be a cell")),
    }
}

/// `__build_class__(body, name, *bases, metaclass=None, **kw)`.
pub fn build_class(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() < 2 {
        return Err(vm.type_error("__build_class__: not enough arguments"));
    }
    let fun = arg(args, 0);
    let name = arg(args, 1);
    let bases = &args[2..];
    let mut meta = Value::NULL;
    let mut extra_kw = false;
    for p in kw.chunks_exact(2) {
        if p[0] == Value::qstr(Q::metaclass) {
            meta = p[1];
        } else {
            extra_kw = true;
        }
    }
    let locals = crate::types::dict::new_dict(vm)?.value();
    let cell = call_class_body(vm, fun, locals)?;
    let btup = new_tuple(vm, bases)?;
    if meta.is_null() {
        meta = match bases.first() {
            Some(b) => b.type_of().value(),
            None => Value::from_static(&crate::obj::TYPE_TYPE),
        };
    }
    let cls = if extra_kw && meta == Value::from_static(&crate::obj::TYPE_TYPE) {
        // Class keywords go to __init_subclass__.
        let Some(text) = crate::types::str::str_data(vm, name) else {
            return Err(vm.type_error("class name must be a str"));
        };
        let s = String::from(text.as_str());
        let q = vm.intern(&s);
        let mut kwbuf = crate::interp::ArgBuf::new();
        for p in kw.chunks_exact(2) {
            if p[0] != Value::qstr(Q::metaclass) {
                kwbuf.push(p[0]);
                kwbuf.push(p[1]);
            }
        }
        new_class_kw(vm, q, btup, locals, kwbuf.as_slice())?
    } else {
        vm.call(meta, &[name, btup, locals], &[])?
    };
    set_class_cell(vm, cell, cls)?;
    Ok(cls)
}

// ---------------------------------------------------------------------------------------------
// instance slots

fn instance_make_new(vm: &mut Vm, ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let obj = match class_lookup(vm, ty, Q::__new__, Slot::MakeNew) {
        Found::Member(v, owner) => {
            let m = convert_member(vm, Value::NULL, ty, owner, v);
            // __new__(cls, *args, **kw)
            let r = call_with_first(vm, m.0, ty.value(), args, kw)?;
            if r.type_of() != ty {
                return Ok(r);
            }
            r
        }
        _ => new_blank_instance(vm, ty)?,
    };
    // __init__
    if let SpecialFound::Method(m) = special(vm, obj, Q::__init__, Slot::None) {
        let r = call_method_pair(vm, m, args, kw)?;
        if !r.is_none() {
            let msg = format!("__init__() should return None, not '{}'", vm.type_name(r));
            return Err(vm.type_error(&msg));
        }
    }
    // Make the native part if __init__ did not (through super().__init__()).
    if let Some(e) = obj.downcast_layout::<ExcObj>() {
        if e.args.get().is_null() {
            let tup = new_tuple(vm, args)?;
            e.args.set(tup);
        }
    } else if let Some(o) = obj.downcast_layout::<InstanceObj>() {
        if o.native.get().is_null() {
            if let Ok(Some(nb)) = native_base(ty) {
                if let Some(mk) = nb.make_new {
                    let n = mk(vm, nb, args, kw)?;
                    o.native.set(n);
                }
            }
        }
    }
    Ok(obj)
}

fn instance_print(vm: &mut Vm, v: Value, kind: PrintKind, out: &mut String) -> PyResult<()> {
    let mut f = if kind == PrintKind::Str {
        special(vm, v, Q::__str__, Slot::Print)
    } else {
        special(vm, v, Q::__repr__, Slot::Print)
    };
    if matches!(f, SpecialFound::Missing) && kind == PrintKind::Str {
        f = special(vm, v, Q::__repr__, Slot::None);
    }
    match f {
        SpecialFound::Native => {
            if v.downcast_layout::<ExcObj>().is_some() {
                return exc::exc_print(vm, v, kind, out);
            }
            let n = native_or_err(vm, v)?;
            vm.print_to(n, kind, out)
        }
        SpecialFound::Method(m) => {
            let r = call_method_pair(vm, m, &[], &[])?;
            vm.print_to(r, PrintKind::Str, out)
        }
        SpecialFound::Missing => {
            push_str(
                out,
                &format!("<{} object at {:x}>", vm.type_name(v), v.word()),
            );
            Ok(())
        }
    }
}

fn instance_call(vm: &mut Vm, v: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    match special(vm, v, Q::__call__, Slot::Call) {
        SpecialFound::Native => {
            let n = native_or_err(vm, v)?;
            vm.call(n, args, kw)
        }
        SpecialFound::Method(m) => call_method_pair(vm, m, args, kw),
        SpecialFound::Missing => {
            let m = format!("'{}' object isn't callable", vm.type_name(v));
            Err(vm.type_error(&m))
        }
    }
}

fn unary_method_name(op: UnaryOp) -> Option<Qstr> {
    Some(match op {
        UnaryOp::Bool => Q::__bool__,
        UnaryOp::Len => Q::__len__,
        UnaryOp::Hash => Q::__hash__,
        UnaryOp::IntMaybe => Q::__int__,
        UnaryOp::Positive => Q::__pos__,
        UnaryOp::Negative => Q::__neg__,
        UnaryOp::Invert => Q::__invert__,
        UnaryOp::Abs => Q::__abs__,
        UnaryOp::FloatMaybe => Q::__float__,
        UnaryOp::ComplexMaybe => Q::__complex__,
        UnaryOp::Sizeof => Q::__sizeof__,
        UnaryOp::Not => return None,
    })
}

/// The identity hash every object has by default.
pub fn identity_hash(v: Value) -> Value {
    Value::small_int_unchecked((v.word() >> 2) as isize & (isize::MAX >> 2))
}

fn instance_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(name) = unary_method_name(op) else {
        return Ok(Value::NULL);
    };
    let found = special(vm, v, name, Slot::UnaryOp);
    if let SpecialFound::Method((m, _)) = found {
        if m.is_none() && op == UnaryOp::Hash {
            // `__hash__ = None`: unhashable.
            let msg = format!("unsupported type for __hash__: '{}'", vm.type_name(v));
            return Err(vm.type_error(&msg));
        }
    }
    match found {
        SpecialFound::Native => {
            let n = native_or_err(vm, v)?;
            match op {
                UnaryOp::Bool => Ok(Value::from_bool(vm.is_true(n)?)),
                UnaryOp::Hash => {
                    let h = vm.hash(n)?;
                    Ok(Value::small_int_unchecked(
                        (h as isize) & crate::value::SMALL_INT_MAX,
                    ))
                }
                _ => vm.unary_op(op, n),
            }
        }
        SpecialFound::Method(m) => {
            let r = call_method_pair(vm, m, &[], &[])?;
            match op {
                UnaryOp::Hash => {
                    if r.is_small_int() {
                        Ok(r)
                    } else if r.is_bool() {
                        Ok(Value::small_int_unchecked((r == Value::TRUE) as isize))
                    } else if r.type_of().is(&crate::types::int::INT_TYPE) {
                        let h = vm.hash(r)?;
                        Ok(Value::small_int_unchecked(
                            (h as isize) & crate::value::SMALL_INT_MAX,
                        ))
                    } else {
                        Err(vm.type_error("__hash__() should return an int"))
                    }
                }
                UnaryOp::Bool => Ok(Value::from_bool(vm.is_true(r)?)),
                UnaryOp::IntMaybe => {
                    if r.is_small_int()
                        || is_subclass(
                            r.type_of(),
                            TypeRef::of_static(&crate::types::int::INT_TYPE),
                        )
                    {
                        Ok(r)
                    } else {
                        let m = format!("__int__ returned non-int (type {})", vm.type_name(r));
                        Err(vm.type_error(&m))
                    }
                }
                UnaryOp::Len => {
                    if r.is_small_int() {
                        if r.small_int_value() < 0 {
                            return Err(vm.value_error("__len__() should return >= 0"));
                        }
                        Ok(r)
                    } else if r.is_bool() {
                        Ok(Value::small_int_unchecked((r == Value::TRUE) as isize))
                    } else {
                        let m = format!(
                            "'{}' object cannot be interpreted as an integer",
                            vm.type_name(r)
                        );
                        Err(vm.type_error(&m))
                    }
                }
                _ => Ok(r),
            }
        }
        SpecialFound::Missing => {
            if op == UnaryOp::Hash {
                if let SpecialFound::Missing = special(vm, v, Q::__eq__, Slot::None) {
                    return Ok(identity_hash(v));
                }
                let m = format!("unsupported type for __hash__: '{}'", vm.type_name(v));
                return Err(vm.type_error(&m));
            }
            Ok(Value::NULL)
        }
    }
}

fn instance_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let name = op.method_name();
    if name == Q::EMPTY {
        return Ok(Value::NULL);
    }
    match special(vm, lhs, name, Slot::BinaryOp) {
        SpecialFound::Native => {
            let n = native_or_err(vm, lhs)?;
            match op {
                BinOp::Contains => vm.contains(n, rhs).map(Value::from_bool),
                _ if op >= BinOp::ReverseOr => {
                    // `other OP self` reached through our reflected slot: do the forward op
                    // with the native part (native slots don't implement reflected ops).
                    let fwd = BinOp::from_u8(op as u8 - BinOp::ReverseOr as u8 + BinOp::Or as u8);
                    match fwd {
                        Some(f) => vm.binary_op(f, rhs, n),
                        None => Ok(Value::NULL),
                    }
                }
                _ => {
                    let t = n.type_of();
                    // Two instances of subclasses of the same native type: the native op sees
                    // both native parts.
                    let mut rhs = rhs;
                    if rhs.type_of().has_flag(flags::USER_CLASS) {
                        if let Ok(Some(nb)) = native_base(lhs.type_of()) {
                            let rn = native_part(rhs);
                            if !rn.is_null()
                                && rhs.downcast_layout::<ExcObj>().is_none()
                                && is_subclass(rhs.type_of(), nb)
                            {
                                rhs = rn;
                            }
                        }
                    }
                    let r = match t.binary_op {
                        Some(f) => f(vm, op, n, rhs)?,
                        None => Value::NULL,
                    };
                    // `x += y` on a mutable native part gives the instance, not its native part.
                    if op.is_inplace() && r == n {
                        return Ok(lhs);
                    }
                    Ok(r)
                }
            }
        }
        SpecialFound::Method(m) => {
            let r = call_method_pair(vm, m, &[rhs], &[])?;
            if r == Value::NOT_IMPLEMENTED {
                return Ok(Value::NULL);
            }
            if op == BinOp::Contains {
                return Ok(Value::from_bool(vm.is_true(r)?));
            }
            Ok(r)
        }
        SpecialFound::Missing => Ok(Value::NULL),
    }
}

fn instance_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    let name = if value.is_null() {
        Q::__delitem__
    } else if value == Value::SENTINEL {
        Q::__getitem__
    } else {
        Q::__setitem__
    };
    match special(vm, obj, name, Slot::Subscr) {
        SpecialFound::Native => {
            let n = native_or_err(vm, obj)?;
            if value.is_null() {
                vm.delete_subscr(n, index)?;
                Ok(Value::NONE)
            } else if value == Value::SENTINEL {
                vm.subscr(n, index)
            } else {
                vm.store_subscr(n, index, value)?;
                Ok(Value::NONE)
            }
        }
        SpecialFound::Method(m) => {
            if value.is_null() || value == Value::SENTINEL {
                let r = call_method_pair(vm, m, &[index], &[])?;
                Ok(if value.is_null() { Value::NONE } else { r })
            } else {
                call_method_pair(vm, m, &[index, value], &[])?;
                Ok(Value::NONE)
            }
        }
        SpecialFound::Missing => Ok(Value::NULL),
    }
}

fn instance_getiter(vm: &mut Vm, obj: Value) -> PyResult<Value> {
    match special(vm, obj, Q::__iter__, Slot::GetIter) {
        SpecialFound::Native => {
            let n = native_or_err(vm, obj)?;
            vm.get_iter(n)
        }
        SpecialFound::Method(m) => call_method_pair(vm, m, &[], &[]),
        SpecialFound::Missing => {
            if let SpecialFound::Method(_) = special(vm, obj, Q::__getitem__, Slot::None) {
                return crate::types::iter::new_seq_iter(vm, obj);
            }
            let m = format!("'{}' object isn't iterable", vm.type_name(obj));
            Err(vm.type_error(&m))
        }
    }
}

fn instance_iternext(vm: &mut Vm, obj: Value) -> PyResult<Value> {
    match special(vm, obj, Q::__next__, Slot::IterNext) {
        SpecialFound::Native => {
            let n = native_or_err(vm, obj)?;
            Ok(vm.iter_next(n)?.unwrap_or(Value::STOP))
        }
        SpecialFound::Method(m) => match call_method_pair(vm, m, &[], &[]) {
            Ok(v) => Ok(v),
            Err(e) if exc::is_stop_iteration(e.0) => {
                crate::interp::note_stop_value(vm, e.0);
                Ok(Value::STOP)
            }
            Err(e) => Err(e),
        },
        SpecialFound::Missing => {
            let m = format!("'{}' object isn't an iterator", vm.type_name(obj));
            Err(vm.type_error(&m))
        }
    }
}

fn instance_buffer(vm: &mut Vm, obj: Value, fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    match special(vm, obj, Q::EMPTY, Slot::Buffer) {
        SpecialFound::Native => {
            let n = native_part(obj);
            match n.type_of().buffer {
                Some(b) if !n.is_null() => b(vm, n, fl),
                _ => Ok(None),
            }
        }
        _ => Ok(None),
    }
}

fn instance_attr(
    vm: &mut Vm,
    obj: Value,
    name: Qstr,
    action: AttrAction,
) -> PyResult<Option<Value>> {
    match action {
        AttrAction::Load => match instance_load(vm, obj, name)? {
            Some((m, s)) => Ok(Some(make_bound(vm, m, s)?)),
            None => Ok(None),
        },
        _ => {
            if instance_store(vm, obj, name, action)? {
                Ok(Some(Value::NONE))
            } else {
                Ok(None)
            }
        }
    }
}

/// Attribute load on an instance of a user class: instance dict, class (with descriptors and
/// properties), the native part's own attributes, then `__getattr__`.
fn instance_load(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<Option<(Value, Value)>> {
    if let Some(d) = inst_dict(vm, obj, false)? {
        if let Some(v) = d.map.get_qstr(vm, name) {
            return Ok(Some((v, Value::NULL)));
        }
    }
    if name == Q::__dict__ {
        if let Some(d) = inst_dict(vm, obj, true)? {
            return Ok(Some((d.value(), Value::NULL)));
        }
    }
    let t = obj.type_of();
    let found = match class_lookup(vm, t, name, Slot::None) {
        Found::Member(v, owner) => Some((v, owner)),
        _ => None,
    };
    if let Some((member, owner)) = found {
        if let Some(p) = member.downcast::<PropertyObj>() {
            if p.fget.is_none() || p.fget.is_null() {
                return Err(vm.attribute_error("unreadable attribute"));
            }
            let r = vm.call(p.fget, &[obj], &[])?;
            return Ok(Some((r, Value::NULL)));
        }
        let mt = member.type_of();
        if mt.has_flag(flags::USER_CLASS) {
            if let Some(g) = load_method_maybe(vm, member, Q::__get__)? {
                let r = call_method_pair(vm, g, &[obj, t.value()], &[])?;
                return Ok(Some((r, Value::NULL)));
            }
        }
        let selfv = if owner.has_flag(flags::USER_CLASS) {
            obj
        } else {
            native_or_err(vm, obj)?
        };
        return Ok(Some(convert_member(vm, selfv, t, owner, member)));
    }
    // Attributes the native part provides through its attr slot (e.g. exception `.args`).
    if let Ok(Some(nb)) = native_base(t) {
        if let Some(a) = nb.attr {
            let n = native_part(obj);
            if !n.is_null() {
                if let Some(v) = a(vm, n, name, AttrAction::Load)? {
                    return Ok(Some((v, Value::NULL)));
                }
            }
        }
    }
    // object's own methods (object.__init__ etc.), bound.
    if let Some(v) = locals_get(vm, TypeRef::of_static(&OBJECT_TYPE), name) {
        return Ok(Some(convert_member(
            vm,
            obj,
            t,
            TypeRef::of_static(&OBJECT_TYPE),
            v,
        )));
    }
    if !matches!(
        name,
        Q::__getattr__
            | Q::__get__
            | Q::__set__
            | Q::__delete__
            | Q::__set_name__
            | Q::__setattr__
            | Q::__delattr__
    ) {
        if let SpecialFound::Method(m) = special(vm, obj, Q::__getattr__, Slot::None) {
            let r = call_method_pair(vm, m, &[Value::qstr(name)], &[])?;
            return Ok(Some((r, Value::NULL)));
        }
    }
    Ok(None)
}

/// Attribute store/delete on an instance of a user class. Returns false if there was nothing
/// to delete (or the store was refused), for the caller's AttributeError.
fn instance_store(vm: &mut Vm, obj: Value, name: Qstr, action: AttrAction) -> PyResult<bool> {
    let t = obj.type_of();
    if name == Q::__dict__ {
        if let AttrAction::Store(v) = action {
            if v.downcast::<DictObj>().is_some() {
                if let Some(o) = obj.downcast_layout::<InstanceObj>() {
                    o.dict.set(v);
                    return Ok(true);
                }
                if let Some(e) = obj.downcast_layout::<ExcObj>() {
                    e.dict.set(v);
                    return Ok(true);
                }
            }
        }
    }
    if t.has_flag(flags::HAS_SPECIAL_ACCESSORS) {
        if let Found::Member(member, _) = class_lookup(vm, t, name, Slot::None) {
            if let Some(p) = member.downcast::<PropertyObj>() {
                return match action {
                    AttrAction::Store(v) => {
                        if p.fset.is_none() || p.fset.is_null() {
                            return Err(vm.attribute_error("can't set attribute"));
                        }
                        vm.call(p.fset, &[obj, v], &[])?;
                        Ok(true)
                    }
                    _ => {
                        if p.fdel.is_none() || p.fdel.is_null() {
                            return Err(vm.attribute_error("can't delete attribute"));
                        }
                        vm.call(p.fdel, &[obj], &[])?;
                        Ok(true)
                    }
                };
            }
            if member.type_of().has_flag(flags::USER_CLASS) {
                match action {
                    AttrAction::Store(v) => {
                        if let Some(m) = load_method_maybe(vm, member, Q::__set__)? {
                            call_method_pair(vm, m, &[obj, v], &[])?;
                            return Ok(true);
                        }
                    }
                    _ => {
                        if let Some(m) = load_method_maybe(vm, member, Q::__delete__)? {
                            call_method_pair(vm, m, &[obj], &[])?;
                            return Ok(true);
                        }
                    }
                }
            }
        }
        let hook = if matches!(action, AttrAction::Store(_)) {
            Q::__setattr__
        } else {
            Q::__delattr__
        };
        if let SpecialFound::Method(m) = special(vm, obj, hook, Slot::None) {
            match action {
                AttrAction::Store(v) => call_method_pair(vm, m, &[Value::qstr(name), v], &[])?,
                _ => call_method_pair(vm, m, &[Value::qstr(name)], &[])?,
            };
            return Ok(true);
        }
    }
    match action {
        AttrAction::Store(v) => match inst_dict(vm, obj, true)? {
            Some(d) => {
                d.map.set_qstr(vm, name, v)?;
                Ok(true)
            }
            None => Ok(false),
        },
        _ => match inst_dict(vm, obj, false)? {
            Some(d) => Ok(d.map.remove(vm, Value::qstr(name))?.is_some()),
            None => Ok(false),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// bound methods

/// A bound method: `obj.meth` for a function `meth` found in the type.
#[repr(C)]
pub struct BoundMethObj {
    pub hdr: ObjHeader,
    pub meth: Value,
    pub selfv: Value,
}

crate::py_object!(BoundMethObj, BOUND_METH_TYPE);

pub static BOUND_METH_TYPE: Type = Type {
    print: Some(bound_meth_print),
    call: Some(bound_meth_call),
    binary_op: Some(bound_meth_binary_op),
    unary_op: Some(bound_meth_unary_op),
    attr: Some(bound_meth_attr),
    ..Type::new(Q::bound_method)
};

fn bound_meth_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(b) = v.downcast::<BoundMethObj>() else {
        return Ok(());
    };
    push_str(out, &format!("<bound_method {:x} ", v.word()));
    vm.print_to(b.selfv, PrintKind::Repr, out)?;
    push_char(out, '.');
    vm.print_to(b.meth, PrintKind::Repr, out)?;
    push_char(out, '>');
    Ok(())
}

fn bound_meth_call(vm: &mut Vm, v: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(b) = v.downcast::<BoundMethObj>() else {
        return Err(vm.type_error("bad bound method"));
    };
    call_with_first(vm, b.meth, b.selfv, args, kw)
}

fn bound_meth_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    if op != BinOp::Equal {
        return Ok(Value::NULL);
    }
    let (Some(a), Some(b)) = (l.downcast::<BoundMethObj>(), r.downcast::<BoundMethObj>()) else {
        return Ok(Value::FALSE);
    };
    Ok(Value::from_bool(
        a.selfv == b.selfv && vm.eq(a.meth, b.meth)?,
    ))
}

fn bound_meth_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(b) = v.downcast::<BoundMethObj>() else {
        return Ok(Value::NULL);
    };
    if op == UnaryOp::Hash {
        let h1 = vm.hash(b.selfv).unwrap_or(b.selfv.word());
        let h2 = b.meth.word();
        return Ok(Value::small_int_unchecked(
            (h1 ^ h2) as isize & crate::value::SMALL_INT_MAX,
        ));
    }
    Ok(Value::NULL)
}

fn bound_meth_attr(
    vm: &mut Vm,
    v: Value,
    name: Qstr,
    action: AttrAction,
) -> PyResult<Option<Value>> {
    let Some(b) = v.downcast::<BoundMethObj>() else {
        return Ok(None);
    };
    if action != AttrAction::Load {
        return Ok(None);
    }
    match name {
        Q::__self__ => Ok(Some(b.selfv)),
        Q::__func__ => Ok(Some(b.meth)),
        _ => vm.load_attr_maybe(b.meth, name),
    }
}

/// A bound method object for `(function, self)`, or the function itself if self is NULL.
pub fn make_bound(vm: &mut Vm, m: Value, s: Value) -> PyResult<Value> {
    if s.is_null() {
        return Ok(m);
    }
    let b = vm.alloc_obj(BoundMethObj {
        hdr: ObjHeader::new(&BOUND_METH_TYPE),
        meth: m,
        selfv: s,
    })?;
    Ok(b.value())
}

// ---------------------------------------------------------------------------------------------
// generic attribute access

fn next_fn(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match vm.iter_next(arg(args, 0))? {
        Some(v) => Ok(v),
        None => Err(vm.stop_iteration(Value::NONE)),
    }
}

/// `it.__next__` for native iterators.
pub static NEXT_METHOD: BuiltinFn = BuiltinFn::new(Q::__next__, 1, 1, next_fn);

/// Attribute load on an object of a builtin type: its attr slot, then its type's dicts.
fn native_load(
    vm: &mut Vm,
    obj: Value,
    t: TypeRef,
    name: Qstr,
) -> PyResult<Option<(Value, Value)>> {
    if let Some(a) = t.attr {
        if let Some(v) = a(vm, obj, name, AttrAction::Load)? {
            return Ok(Some((v, Value::NULL)));
        }
    }
    match class_lookup(vm, t, name, Slot::None) {
        Found::Member(member, owner) => {
            if let Some(p) = member.downcast::<PropertyObj>() {
                let r = vm.call(p.fget, &[obj], &[])?;
                return Ok(Some((r, Value::NULL)));
            }
            Ok(Some(convert_member(vm, obj, t, owner, member)))
        }
        _ => {
            if name == Q::__next__ && t.iternext.is_some() {
                return Ok(Some((Value::from_static(&NEXT_METHOD), obj)));
            }
            if let Some(v) = locals_get(vm, TypeRef::of_static(&OBJECT_TYPE), name) {
                if name == Q::__init__ {
                    return Ok(Some((v, obj)));
                }
            }
            Ok(None)
        }
    }
}

/// `obj.name` as `(function, self)` (self NULL when nothing is bound), or None if missing.
pub fn load_method_maybe(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<Option<(Value, Value)>> {
    if name == Q::__class__ {
        return Ok(Some((obj.type_of().value(), Value::NULL)));
    }
    let t = obj.type_of();
    if t.has_flag(flags::USER_CLASS) {
        return instance_load(vm, obj, name);
    }
    if let Some(ty) = TypeRef::from_value(obj) {
        return type_load(vm, ty, name);
    }
    if let Some(s) = obj.downcast::<SuperObj>() {
        let Some(st) = TypeRef::from_value(s.ty) else {
            return Ok(None);
        };
        return super_lookup(vm, st, s.obj, name);
    }
    native_load(vm, obj, t, name)
}

/// Load an attribute or return None.
pub fn load_attr_maybe(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<Option<Value>> {
    match load_method_maybe(vm, obj, name)? {
        Some((m, s)) => Ok(Some(make_bound(vm, m, s)?)),
        None => Ok(None),
    }
}

/// Load an attribute or raise AttributeError.
pub fn load_attr(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<Value> {
    match load_attr_maybe(vm, obj, name)? {
        Some(v) => Ok(v),
        None => Err(attr_error(vm, obj, name)),
    }
}

/// The AttributeError for a missing attribute, with MicroPython's messages.
#[cold]
pub fn attr_error(vm: &mut Vm, obj: Value, name: Qstr) -> PyErr {
    let m = if let Some(t) = TypeRef::from_value(obj) {
        format!(
            "type object '{}' has no attribute '{}'",
            vm.qstr_str(t.name),
            vm.qstr_str(name)
        )
    } else {
        format!(
            "'{}' object has no attribute '{}'",
            vm.type_name(obj),
            vm.qstr_str(name)
        )
    };
    vm.attribute_error(&m)
}

/// `obj.name` for a call: (function, self or NULL). Does not allocate for plain methods.
pub fn load_method(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<(Value, Value)> {
    match load_method_maybe(vm, obj, name)? {
        Some(x) => Ok(x),
        None => Err(attr_error(vm, obj, name)),
    }
}

/// Store or delete an attribute.
pub fn store_attr(vm: &mut Vm, obj: Value, name: Qstr, action: AttrAction) -> PyResult<()> {
    // Storing NULL means delete (MicroPython's convention, used by the VM's DELETE_ATTR).
    let action = match action {
        AttrAction::Store(v) if v.is_null() => AttrAction::Delete,
        a => a,
    };
    let t = obj.type_of();
    if let Some(a) = t.attr {
        if a(vm, obj, name, action)?.is_some() {
            return Ok(());
        }
    }
    Err(attr_error(vm, obj, name))
}

// ---------------------------------------------------------------------------------------------
// super

/// Look `name` up for `super(ty, obj)`: in the bases of `ty`, then `object`.
pub fn super_lookup(
    vm: &mut Vm,
    ty: TypeRef,
    obj: Value,
    name: Qstr,
) -> PyResult<Option<(Value, Value)>> {
    let slot = if name == Q::__init__ {
        Slot::MakeNew
    } else {
        Slot::None
    };
    let objt = match TypeRef::from_value(obj) {
        Some(t) => t,
        None => obj.type_of(),
    };
    let mut found = Found::Missing;
    for_each_base(ty, |b| {
        if b.is(&OBJECT_TYPE) {
            return false;
        }
        found = class_lookup(vm, b, name, slot);
        !matches!(found, Found::Missing)
    });
    match found {
        Found::Native => {
            // The native base's constructor (only looked up for __init__).
            Ok(Some((Value::from_static(&NATIVE_BASE_INIT_FN), obj)))
        }
        Found::Member(member, owner) => {
            if let Some(p) = member.downcast::<PropertyObj>() {
                let r = vm.call(p.fget, &[obj], &[])?;
                return Ok(Some((r, Value::NULL)));
            }
            let selfv = if owner.has_flag(flags::USER_CLASS) || TypeRef::from_value(obj).is_some() {
                obj
            } else {
                native_or_err(vm, obj)?
            };
            Ok(Some(convert_member(vm, selfv, objt, owner, member)))
        }
        Found::Missing => {
            let ot = TypeRef::of_static(&OBJECT_TYPE);
            match locals_get(vm, ot, name) {
                Some(v) => Ok(Some(convert_member(vm, obj, objt, ot, v))),
                None => Ok(None),
            }
        }
    }
}

/// Same as [`super_load_method`] (the name the VM uses).
pub fn load_super_method(
    vm: &mut Vm,
    ty: Value,
    obj: Value,
    name: Qstr,
) -> PyResult<(Value, Value)> {
    super_load_method(vm, ty, obj, name)
}

/// `super().name` as compiled by LOAD_SUPER_METHOD: `ty` is the `__class__` cell's content,
/// `obj` the method's first argument. Returns `(function, self)`.
pub fn super_load_method(
    vm: &mut Vm,
    ty: Value,
    obj: Value,
    name: Qstr,
) -> PyResult<(Value, Value)> {
    let Some(t) = TypeRef::from_value(ty) else {
        return Err(vm.type_error("super() argument 1 must be type"));
    };
    match super_lookup(vm, t, obj, name)? {
        Some(x) => Ok(x),
        None => {
            let m = format!("'super' object has no attribute '{}'", vm.qstr_str(name));
            Err(vm.attribute_error(&m))
        }
    }
}
