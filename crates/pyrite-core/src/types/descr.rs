//! Descriptors and helpers of the class machinery: `property`, `classmethod`, `staticmethod`,
//! `super`. Contract: `PROPERTY_TYPE`, `CLASSMETHOD_TYPE`, `STATICMETHOD_TYPE`, `SUPER_TYPE`.
//!
//! Builtin types that want a classmethod or staticmethod in their fixed dict write a static
//! `ClassMethodObj::fixed(&MY_BUILTIN_FN)` (e.g. `int.from_bytes`, `dict.fromkeys`) and put
//! `Value::from_static(&THAT)` in the dict.
//!
//! How they bind is decided in class.rs (`convert_member`): a staticmethod gives its function
//! unbound, a classmethod binds the class; a property's getter/setter/deleter run on instance
//! attribute access.

use super::arg;
use alloc::string::String;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, AttrAction, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

// ---- staticmethod / classmethod ----

/// `staticmethod(f)`.
#[repr(C)]
pub struct StaticMethodObj {
    pub hdr: ObjHeader,
    pub fun: Value,
}
crate::py_object!(StaticMethodObj, STATICMETHOD_TYPE);

/// `classmethod(f)`.
#[repr(C)]
pub struct ClassMethodObj {
    pub hdr: ObjHeader,
    pub fun: Value,
}
crate::py_object!(ClassMethodObj, CLASSMETHOD_TYPE);

// SAFETY: both are immutable after construction; statics are never mutated.
unsafe impl Sync for StaticMethodObj {}
// SAFETY: as above.
unsafe impl Sync for ClassMethodObj {}

impl StaticMethodObj {
    /// A static staticmethod wrapping a builtin function (for fixed dicts).
    pub const fn fixed(f: &'static BuiltinFn) -> StaticMethodObj {
        StaticMethodObj {
            hdr: ObjHeader::new(&STATICMETHOD_TYPE),
            fun: Value::from_static(f),
        }
    }
}

impl ClassMethodObj {
    /// A static classmethod wrapping a builtin function (for fixed dicts).
    pub const fn fixed(f: &'static BuiltinFn) -> ClassMethodObj {
        ClassMethodObj {
            hdr: ObjHeader::new(&CLASSMETHOD_TYPE),
            fun: Value::from_static(f),
        }
    }
}

pub static STATICMETHOD_TYPE: Type = Type {
    make_new: Some(staticmethod_make_new),
    attr: Some(wrapper_attr),
    ..Type::new(Q::staticmethod)
};
pub static CLASSMETHOD_TYPE: Type = Type {
    make_new: Some(classmethod_make_new),
    attr: Some(wrapper_attr),
    ..Type::new(Q::classmethod)
};

/// Wrap `f` in a new staticmethod.
pub fn new_staticmethod(vm: &mut Vm, f: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(StaticMethodObj {
            hdr: ObjHeader::new(&STATICMETHOD_TYPE),
            fun: f,
        })?
        .value())
}

/// Wrap `f` in a new classmethod.
pub fn new_classmethod(vm: &mut Vm, f: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(ClassMethodObj {
            hdr: ObjHeader::new(&CLASSMETHOD_TYPE),
            fun: f,
        })?
        .value())
}

fn one_arg(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    match args {
        [f] => Ok(*f),
        _ => {
            let m = alloc::format!(
                "function takes 1 positional arguments but {} were given",
                args.len()
            );
            Err(vm.type_error(&m))
        }
    }
}

fn staticmethod_make_new(vm: &mut Vm, _t: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let f = one_arg(vm, args, kw)?;
    new_staticmethod(vm, f)
}

fn classmethod_make_new(vm: &mut Vm, _t: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let f = one_arg(vm, args, kw)?;
    new_classmethod(vm, f)
}

fn wrapper_attr(_vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    if action != AttrAction::Load || name != Q::__func__ {
        return Ok(None);
    }
    if let Some(s) = v.downcast::<StaticMethodObj>() {
        return Ok(Some(s.fun));
    }
    if let Some(c) = v.downcast::<ClassMethodObj>() {
        return Ok(Some(c.fun));
    }
    Ok(None)
}

// ---- property ----

/// `property(fget, fset, fdel, doc)`. Immutable: `getter`/`setter`/`deleter` make copies.
#[repr(C)]
pub struct PropertyObj {
    pub hdr: ObjHeader,
    pub fget: Value,
    pub fset: Value,
    pub fdel: Value,
}
crate::py_object!(PropertyObj, PROPERTY_TYPE);

pub static PROPERTY_TYPE: Type = Type {
    make_new: Some(property_make_new),
    attr: Some(property_attr),
    ..Type::new(Q::property)
}
.with_locals(&PROPERTY_LOCALS);

crate::fixed_dict!(
    PROPERTY_LOCALS,
    [
        (Q::getter, crate::fnv!(PROPERTY_GETTER)),
        (Q::setter, crate::fnv!(PROPERTY_SETTER)),
        (Q::deleter, crate::fnv!(PROPERTY_DELETER)),
    ]
);

static PROPERTY_GETTER: BuiltinFn = BuiltinFn::new(Q::getter, 2, 2, property_getter);
static PROPERTY_SETTER: BuiltinFn = BuiltinFn::new(Q::setter, 2, 2, property_setter);
static PROPERTY_DELETER: BuiltinFn = BuiltinFn::new(Q::deleter, 2, 2, property_deleter);

/// A new property.
pub fn new_property(vm: &mut Vm, fget: Value, fset: Value, fdel: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(PropertyObj {
            hdr: ObjHeader::new(&PROPERTY_TYPE),
            fget,
            fset,
            fdel,
        })?
        .value())
}

fn property_make_new(vm: &mut Vm, _t: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() > 4 {
        let m = alloc::format!("function expected at most 4 arguments, got {}", args.len());
        return Err(vm.type_error(&m));
    }
    let mut v = [Value::NONE; 3];
    for (i, &a) in args.iter().take(3).enumerate() {
        v[i] = a;
    }
    for p in kw.chunks_exact(2) {
        let k = p[0].as_qstr();
        match k {
            Some(Q::fget) => v[0] = p[1],
            Some(Q::fset) => v[1] = p[1],
            Some(Q::fdel) => v[2] = p[1],
            Some(Q::doc) => {}
            _ => return Err(vm.type_error("unexpected keyword argument")),
        }
    }
    new_property(vm, v[0], v[1], v[2])
}

fn property_with(vm: &mut Vm, args: &[Value], which: usize) -> PyResult<Value> {
    let Some(p) = arg(args, 0).downcast::<PropertyObj>() else {
        return Err(vm.type_error("expected a property"));
    };
    let mut v = [p.fget, p.fset, p.fdel];
    v[which] = arg(args, 1);
    new_property(vm, v[0], v[1], v[2])
}

fn property_getter(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    property_with(vm, args, 0)
}
fn property_setter(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    property_with(vm, args, 1)
}
fn property_deleter(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    property_with(vm, args, 2)
}

fn property_attr(
    _vm: &mut Vm,
    v: Value,
    name: Qstr,
    action: AttrAction,
) -> PyResult<Option<Value>> {
    if action != AttrAction::Load {
        return Ok(None);
    }
    let Some(p) = v.downcast::<PropertyObj>() else {
        return Ok(None);
    };
    Ok(match name {
        Q::fget => Some(p.fget),
        Q::fset => Some(p.fset),
        Q::fdel => Some(p.fdel),
        _ => None,
    })
}

// ---- super ----

/// `super(type, obj)`.
#[repr(C)]
pub struct SuperObj {
    pub hdr: ObjHeader,
    pub ty: Value,
    pub obj: Value,
}
crate::py_object!(SuperObj, SUPER_TYPE);

pub static SUPER_TYPE: Type = Type {
    make_new: Some(super_make_new),
    print: Some(super_print),
    ..Type::new(Q::SUPER)
}
.with_flags(flags::EQ_IS_IDENTITY);

fn super_make_new(vm: &mut Vm, _t: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    let [ty, obj] = args else {
        let m = alloc::format!(
            "function takes 2 positional arguments but {} were given",
            args.len()
        );
        return Err(vm.type_error(&m));
    };
    let Some(t) = TypeRef::from_value(*ty) else {
        return Err(vm.type_error("super() argument 1 must be type"));
    };
    let second = match TypeRef::from_value(*obj) {
        Some(ot) => ot,
        None => obj.type_of(),
    };
    if !crate::types::class::is_subclass(second, t) {
        return Err(vm.type_error("super(type, obj): obj must be an instance or subtype of type"));
    }
    Ok(vm
        .alloc_obj(SuperObj {
            hdr: ObjHeader::new(&SUPER_TYPE),
            ty: *ty,
            obj: *obj,
        })?
        .value())
}

fn super_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(s) = v.downcast::<SuperObj>() else {
        return Ok(());
    };
    push_str(out, "<super: ");
    vm.print_to(s.ty, PrintKind::Str, out)?;
    push_str(out, ", ");
    vm.print_to(s.obj, PrintKind::Str, out)?;
    push_char(out, '>');
    Ok(())
}
