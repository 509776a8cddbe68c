//! `type`, `object`, user classes and instances, attribute lookup and method binding.

use alloc::format;
use alloc::string::String;

use crate::map::DictObj;
use crate::obj::{flags, AttrAction, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

/// The `type` type object's definition (used by obj::TYPE_TYPE).
pub const fn type_type() -> Type {
    Type {
        print: Some(type_print),
        ..Type::new(Q::r#type)
    }
}

/// True if `t` is a metaclass (a subclass of `type`) other than `type` itself.
pub fn is_metaclass(_t: TypeRef) -> bool {
    false
}

fn type_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(t) = TypeRef::from_value(v) {
        out.push_str("<class '");
        out.push_str(vm.qstr_str(t.name));
        out.push_str("'>");
    }
    Ok(())
}

/// Iterate the direct bases of a type.
fn for_each_base(t: TypeRef, mut f: impl FnMut(TypeRef) -> bool) -> bool {
    let b = t.base.get();
    if b.is_null() {
        return false;
    }
    if let Some(bt) = TypeRef::from_value(b) {
        return f(bt);
    }
    if let Some(tup) = crate::types::tuple::tuple_items(b) {
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

/// issubclass for types: depth-first over bases.
pub fn is_subclass(a: TypeRef, b: TypeRef) -> bool {
    if a == b || b.is(&OBJECT_TYPE) {
        return true;
    }
    for_each_base(a, |x| is_subclass(x, b))
}

/// Find `name` in a type's dict or its bases' (depth-first, left to right).
pub fn lookup(vm: &Vm, t: TypeRef, name: Qstr) -> Option<Value> {
    let locals = t.locals.get();
    if let Some(d) = locals.downcast::<DictObj>() {
        if let Some(v) = d.map.get_qstr(vm, name) {
            return Some(v);
        }
    }
    let mut found = None;
    for_each_base(t, |b| {
        found = lookup(vm, b, name);
        found.is_some()
    });
    found
}

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
    ..Type::new(Q::bound_method)
};

fn bound_meth_print(_vm: &mut Vm, _v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str("<bound_method>");
    Ok(())
}

fn bound_meth_call(vm: &mut Vm, v: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(b) = v.downcast::<BoundMethObj>() else {
        return Err(vm.type_error("bad bound method"));
    };
    let mut buf = crate::interp::ArgBuf::new();
    buf.push(b.selfv);
    buf.extend(args);
    vm.call(b.meth, buf.as_slice(), kw)
}

/// Load an attribute or return None.
pub fn load_attr_maybe(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<Option<Value>> {
    let (m, s) = match load_method_maybe(vm, obj, name)? {
        Some(x) => x,
        None => return Ok(None),
    };
    if s.is_null() {
        return Ok(Some(m));
    }
    let b = vm.alloc_obj(BoundMethObj {
        hdr: ObjHeader::new(&BOUND_METH_TYPE),
        meth: m,
        selfv: s,
    })?;
    Ok(Some(b.value()))
}

/// Load an attribute or raise AttributeError.
pub fn load_attr(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<Value> {
    match load_attr_maybe(vm, obj, name)? {
        Some(v) => Ok(v),
        None => Err(attr_error(vm, obj, name)),
    }
}

#[cold]
fn attr_error(vm: &mut Vm, obj: Value, name: Qstr) -> crate::PyErr {
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

fn load_method_maybe(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<Option<(Value, Value)>> {
    let t = obj.type_of();
    if let Some(a) = t.attr {
        if let Some(v) = a(vm, obj, name, AttrAction::Load)? {
            return Ok(Some((v, Value::NULL)));
        }
    }
    if let Some(cls) = TypeRef::from_value(obj) {
        if let Some(v) = lookup(vm, cls, name) {
            return Ok(Some((v, Value::NULL)));
        }
    }
    if let Some(v) = lookup(vm, t, name) {
        if v.downcast::<BuiltinFn>().is_some() {
            return Ok(Some((v, obj)));
        }
        return Ok(Some((v, Value::NULL)));
    }
    Ok(None)
}

/// `obj.name` for a call: (function, self or NULL).
pub fn load_method(vm: &mut Vm, obj: Value, name: Qstr) -> PyResult<(Value, Value)> {
    match load_method_maybe(vm, obj, name)? {
        Some(x) => Ok(x),
        None => Err(attr_error(vm, obj, name)),
    }
}

/// Store or delete an attribute.
pub fn store_attr(vm: &mut Vm, obj: Value, name: Qstr, action: AttrAction) -> PyResult<()> {
    let t = obj.type_of();
    if let Some(a) = t.attr {
        if a(vm, obj, name, action)?.is_some() {
            return Ok(());
        }
    }
    Err(attr_error(vm, obj, name))
}

/// `object`.
pub static OBJECT_TYPE: Type =
    Type::new(Q::object).with_flags(flags::BASETYPE | flags::EQ_IS_IDENTITY);

/// `super(cls, obj).name` for a call (LOAD_SUPER_METHOD): look `name` up in the bases of `cls`
/// (skipping `cls` itself) and bind it to `obj`. Returns (function, self-or-NULL).
/// Minimal version added by the VM helper; the classes helper owns the full MRO logic.
pub fn load_super_method(
    vm: &mut Vm,
    cls: Value,
    obj: Value,
    name: Qstr,
) -> PyResult<(Value, Value)> {
    let Some(t) = TypeRef::from_value(cls) else {
        return Err(vm.type_error("super() argument 1 must be type"));
    };
    let mut found = None;
    for_each_base(t, |b| {
        found = lookup(vm, b, name);
        found.is_some()
    });
    if found.is_none() {
        found = lookup(vm, TypeRef::of_static(&OBJECT_TYPE), name);
    }
    match found {
        Some(v) => {
            if crate::interp::is_function(v) || v.downcast::<BuiltinFn>().is_some() {
                Ok((v, obj))
            } else {
                Ok((v, Value::NULL))
            }
        }
        None => {
            let m = format!("'super' object has no attribute '{}'", vm.qstr_str(name));
            Err(vm.attribute_error(&m))
        }
    }
}
