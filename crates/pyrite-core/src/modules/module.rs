//! Module objects and the builtin-module registry.
//!
//! Minimal versions written by the VM helper for import (`new_module`, `find_builtin`,
//! `register_builtin`); the builtins/modules helper owns this file and may extend it.
//! A module is a header plus its globals dict; attribute access reads/writes the dict.
//! `new_module` registers the module in `sys.modules` (as MicroPython's `mp_obj_new_module`).

use alloc::string::String;

use crate::map::DictObj;
use crate::obj::{flags, AttrAction, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::value::{ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct ModuleObj {
    pub hdr: ObjHeader,
    /// The module's globals (a dict).
    pub globals: Value,
}
crate::py_object!(ModuleObj, MODULE_TYPE);

pub static MODULE_TYPE: Type = Type {
    print: Some(module_print),
    attr: Some(module_attr),
    ..Type::new(Q::module)
}
.with_flags(flags::EQ_IS_IDENTITY);

fn module_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(m) = v.downcast::<ModuleObj>() else {
        return Ok(());
    };
    let d = m.globals.downcast::<DictObj>();
    let name = d.and_then(|d| d.map.get_qstr(vm, Q::__name__));
    let file = d.and_then(|d| d.map.get_qstr(vm, Q::__file__));
    out.push_str("<module '");
    if let Some(n) = name {
        vm.print_to(n, PrintKind::Str, out)?;
    }
    out.push('\'');
    if let Some(f) = file {
        out.push_str(" from '");
        vm.print_to(f, PrintKind::Str, out)?;
        out.push('\'');
    }
    out.push('>');
    Ok(())
}

fn module_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(m) = v.downcast::<ModuleObj>() else {
        return Ok(None);
    };
    let Some(d) = m.globals.downcast::<DictObj>() else {
        return Ok(None);
    };
    match action {
        AttrAction::Load => {
            if name == Q::__dict__ {
                return Ok(Some(m.globals));
            }
            Ok(d.map.get_qstr(vm, name))
        }
        AttrAction::Store(x) => {
            d.map.set_qstr(vm, name, x)?;
            Ok(Some(Value::NONE))
        }
        AttrAction::Delete => Ok(d.map.remove(vm, Value::qstr(name))?.map(|_| Value::NONE)),
    }
}

/// The globals dict of a module value.
pub fn module_globals(v: Value) -> Option<Value> {
    v.downcast::<ModuleObj>().map(|m| m.globals)
}

/// A module wrapping an existing globals dict (not registered anywhere).
pub fn module_from_globals(vm: &mut Vm, globals: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(ModuleObj {
            hdr: ObjHeader::new(&MODULE_TYPE),
            globals,
        })?
        .value())
}

/// A new, empty module named `name` (its globals hold `__name__`), registered in `sys.modules`.
pub fn new_module(vm: &mut Vm, name: Qstr) -> PyResult<Value> {
    crate::interp::init(vm)?;
    let d = crate::types::dict::new_dict(vm)?;
    d.map.set_qstr(vm, Q::__name__, Value::qstr(name))?;
    let m = module_from_globals(vm, d.value())?;
    let mods = vm.interp.modules;
    if let Some(md) = mods.downcast::<DictObj>() {
        md.map.set_qstr(vm, name, m)?;
    }
    Ok(m)
}

/// A builtin module by name (registered with [`register_builtin`]), if there is one.
pub fn find_builtin(vm: &mut Vm, name: Qstr) -> Option<Value> {
    let reg = vm.interp.builtin_modules;
    reg.downcast::<DictObj>()
        .and_then(|d| d.map.get_qstr(vm, name))
}

/// Make `module` importable as the builtin module `name`.
pub fn register_builtin(vm: &mut Vm, name: Qstr, module: Value) -> PyResult<()> {
    crate::interp::init(vm)?;
    let reg = vm.interp.builtin_modules;
    match reg.downcast::<DictObj>() {
        Some(d) => d.map.set_qstr(vm, name, module),
        None => Err(vm.runtime_error("module registry missing")),
    }
}
