//! Module objects (`<module 'name'>`).
//!
//! A module is a header and its globals dict. Attribute loads and stores go through that dict;
//! builtin modules whose globals are a fixed static table are read-only (storing raises
//! AttributeError, as MicroPython's ROM modules do). A module's `__name__` lives in its globals.
//!
//! Contract for others:
//! - `new_module(vm, name) -> PyResult<Value>`: a new module with a fresh globals dict holding
//!   `__name__`, registered as `sys.modules[name]` (the importer checks `sys.modules` first, and
//!   removes the entry again if running the module's code fails).
//! - `new_module_with_globals(vm, globals)`: a module over an existing dict (not registered).
//! - `module_globals(v) -> Option<Value>`: the globals dict of a module value.
//! - `find_builtin(vm, name)`, `register_builtin(vm, name, module)`: the builtin-module
//!   registry (see modules/mod.rs).

use alloc::string::String;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::map::DictObj;
use crate::obj::{AttrAction, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::types::str::str_data;
use crate::value::{ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

/// A module: its globals dict (a heap dict, or a fixed static dict for builtin modules).
#[repr(C)]
pub struct ModuleObj {
    pub hdr: ObjHeader,
    pub globals: Value,
    /// Attributes cannot be set or deleted (builtin modules, as MicroPython's ROM modules).
    pub readonly: core::cell::Cell<bool>,
}

crate::py_object!(ModuleObj, MODULE_TYPE);

/// `module`.
pub static MODULE_TYPE: Type = Type {
    print: Some(module_print),
    attr: Some(module_attr),
    ..Type::new(Q::module)
};

/// The globals dict of a module value.
pub fn module_globals(v: Value) -> Option<Value> {
    v.downcast::<ModuleObj>().map(|m| m.globals)
}

/// The module's `__name__` as a qstr, if it has a str one.
pub fn module_name(vm: &mut Vm, v: Value) -> Option<Qstr> {
    let g = module_globals(v)?.downcast::<DictObj>()?;
    let n = g.map.get_qstr(vm, Q::__name__)?;
    if let Some(q) = n.as_qstr() {
        return Some(q);
    }
    let s = str_data(vm, n)?;
    let text = String::from(s.as_str());
    Some(vm.intern(&text))
}

/// A module over `globals` (a dict), not entered in `sys.modules`.
pub fn new_module_with_globals(vm: &mut Vm, globals: Value) -> PyResult<Value> {
    alloc_module(vm, globals, false)
}

/// A builtin module over `globals`: its attributes are read-only.
pub fn new_readonly_module(vm: &mut Vm, globals: Value) -> PyResult<Value> {
    alloc_module(vm, globals, true)
}

fn alloc_module(vm: &mut Vm, globals: Value, readonly: bool) -> PyResult<Value> {
    if globals.downcast::<DictObj>().is_none() {
        return Err(vm.type_error("module globals must be a dict"));
    }
    Ok(vm
        .alloc_obj(ModuleObj {
            hdr: ObjHeader::new(&MODULE_TYPE),
            globals,
            readonly: core::cell::Cell::new(readonly),
        })?
        .value())
}

/// Make a module's attributes read-only from now on.
pub fn set_readonly(v: Value) {
    if let Some(m) = v.downcast::<ModuleObj>() {
        m.readonly.set(true);
    }
}

/// Attributes of `sys` that may be rebound (as in MicroPython).
const SYS_MUTABLE: [Qstr; 3] = [Q::path, Q::ps1, Q::ps2];

/// True if `name` may be stored into / deleted from module `v`.
fn writable(vm: &Vm, v: Value, name: Qstr) -> bool {
    if v == vm.sys.sys {
        return SYS_MUTABLE.contains(&name);
    }
    v.downcast::<ModuleObj>().is_some_and(|m| !m.readonly.get())
}

/// Same as `new_module_with_globals` (the name the interpreter uses).
pub fn module_from_globals(vm: &mut Vm, globals: Value) -> PyResult<Value> {
    new_module_with_globals(vm, globals)
}

pub use super::find_builtin;

/// Make `module` importable as the builtin module `name` (ports and extension modules).
pub fn register_builtin(vm: &mut Vm, name: Qstr, module: Value) -> PyResult<()> {
    match vm.sys.builtin_cache.downcast::<DictObj>() {
        Some(d) => d.map.set_qstr(vm, name, module),
        None => Err(vm.runtime_error("module registry missing")),
    }
}

/// A new module `name` (globals `{'__name__': name}`), entered in `sys.modules`.
pub fn new_module(vm: &mut Vm, name: Qstr) -> PyResult<Value> {
    let modules = vm.interp.modules;
    let g = crate::types::dict::new_dict(vm)?;
    g.map.set_qstr(vm, Q::__name__, Value::qstr(name))?;
    let m = new_module_with_globals(vm, g.value())?;
    if let Some(d) = modules.downcast::<DictObj>() {
        d.map.set_qstr(vm, name, m)?;
    }
    Ok(m)
}

fn module_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(g) = module_globals(v).and_then(|g| g.downcast::<DictObj>()) else {
        push_str(out, "<module>");
        return Ok(());
    };
    push_str(out, "<module '");
    if let Some(n) = g.map.get_qstr(vm, Q::__name__) {
        vm.print_to(n, PrintKind::Str, out)?;
    }
    push_char(out, '\'');
    if let Some(f) = g.map.get_qstr(vm, Q::__file__) {
        push_str(out, " from '");
        vm.print_to(f, PrintKind::Str, out)?;
        push_char(out, '\'');
    }
    push_char(out, '>');
    Ok(())
}

fn module_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(g) = module_globals(v).and_then(|g| g.downcast::<DictObj>()) else {
        return Ok(None);
    };
    match action {
        AttrAction::Load => {
            if let Some(x) = g.map.get_qstr(vm, name) {
                return Ok(Some(x));
            }
            if name == Q::__dict__ {
                return Ok(Some(g.value()));
            }
            if name != Q::__getattr__ {
                if let Some(f) = g.map.get_qstr(vm, Q::__getattr__) {
                    return vm.call(f, &[Value::qstr(name)], &[]).map(Some);
                }
            }
            Ok(None)
        }
        AttrAction::Store(x) => {
            if g.map.is_fixed() || !writable(vm, v, name) {
                return Ok(None);
            }
            g.map.set_qstr(vm, name, x)?;
            if name == Q::path && v == vm.sys.sys {
                // The importer reads sys.path from the interpreter state.
                vm.interp.path = x;
            }
            Ok(Some(Value::NONE))
        }
        AttrAction::Delete => {
            if g.map.is_fixed() || !writable(vm, v, name) {
                return Ok(None);
            }
            match g.map.remove(vm, Value::qstr(name))? {
                Some(_) => Ok(Some(Value::NONE)),
                None => Ok(None),
            }
        }
    }
}
