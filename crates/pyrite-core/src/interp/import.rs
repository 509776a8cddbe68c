//! `import`: MicroPython's algorithm (py/builtinimport.c) over the host's file access.
//!
//! `import a.b.c` imports `a`, then `a.b`, then `a.b.c`, each looked up first in `sys.modules`,
//! then (top level only) among builtin modules, then on disk: for a top-level name every
//! `sys.path` entry is tried, for a submodule the parent package's `__path__`. A directory is a
//! package (its `__init__.py`/`.mpy` runs if present, `__path__` is set); otherwise `name.py`,
//! then `name.mpy`. A module is registered in `sys.modules` before its body runs (so circular
//! imports see the partly initialised module) and removed again if the body raises.

use alloc::string::String;
use alloc::vec::Vec;

use crate::host::PathKind;
use crate::map::DictObj;
use crate::modules::module::{find_builtin, module_globals, new_module};
use crate::qstr::{Qstr, Q};
use crate::types::exception as exc;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

#[cold]
fn no_module(vm: &mut Vm, name: &str) -> crate::PyErr {
    let m = alloc::format!("no module named '{}'", name);
    vm.new_exception(&exc::IMPORT_ERROR, &m)
}

fn str_of(vm: &Vm, v: Value) -> Option<String> {
    crate::types::str::str_data(vm, v).map(|d| String::from(d.as_str()))
}

/// The IMPORT_NAME opcode: `__import__(name, fromlist, level)` with the frame's globals.
pub(crate) fn import_name(
    vm: &mut Vm,
    name: Qstr,
    fromlist: Value,
    level: Value,
    globals: Value,
) -> PyResult<Value> {
    // A user-supplied builtins.__import__ overrides the default.
    if let Some(imp) = super::exec::load_builtin(vm, Q::__import__) {
        if super::code::is_function(imp) {
            let g = if globals.is_null() {
                Value::NONE
            } else {
                globals
            };
            return vm.call(
                imp,
                &[Value::qstr(name), g, Value::NONE, fromlist, level],
                &[],
            );
        }
    }
    let lvl = level.as_small_int().unwrap_or(0).max(0) as usize;
    let s = String::from(vm.qstr_str(name));
    import_impl(vm, &s, fromlist, lvl, globals)
}

/// Import a module by dotted name (`import a.b.c` / `from . import x`). `fromlist` is None or a
/// tuple of names; with no fromlist the top-level package is returned, otherwise the leaf.
/// Relative imports (`level > 0`) resolve against the running frame's module.
pub fn import_module(vm: &mut Vm, dotted: &str, fromlist: Value, level: usize) -> PyResult<Value> {
    super::init(vm)?;
    let globals = vm
        .interp
        .frames
        .last()
        .map(|f| f.globals)
        .unwrap_or(Value::NULL);
    import_impl(vm, dotted, fromlist, level, globals)
}

/// `__import__(name, globals, None, fromlist, level)` with explicit globals (relative imports
/// resolve against `globals['__name__']`/`__path__`).
pub fn import_with_globals(
    vm: &mut Vm,
    dotted: &str,
    globals: Value,
    fromlist: Value,
    level: usize,
) -> PyResult<Value> {
    super::init(vm)?;
    import_impl(vm, dotted, fromlist, level, globals)
}

fn import_impl(
    vm: &mut Vm,
    dotted: &str,
    fromlist: Value,
    level: usize,
    globals: Value,
) -> PyResult<Value> {
    super::init(vm)?;
    if level == 0 && dotted.is_empty() {
        return Err(vm.new_exception_args(crate::value::TypeRef::of_static(&exc::VALUE_ERROR), &[]));
    }
    if level > 0 && globals.downcast::<DictObj>().is_none() {
        return Err(vm.new_exception_args(crate::value::TypeRef::of_static(&exc::TYPE_ERROR), &[]));
    }
    let full: String = if level > 0 {
        resolve_relative(vm, dotted, level, globals)?
    } else {
        String::from(dotted)
    };
    if full.is_empty() {
        return Err(no_module(vm, dotted));
    }
    let mut outer = Value::NULL;
    let mut top = Value::NULL;
    let mut end = 0;
    let parts: Vec<&str> = full.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            return Err(no_module(vm, &full));
        }
        end += part.len() + if i > 0 { 1 } else { 0 };
        let full_q = vm.intern_name(&full[..end])?;
        let part_q = vm.intern_name(part)?;
        let m = import_level(vm, full_q, part_q, outer)?;
        if i == 0 {
            top = m;
        }
        outer = m;
    }
    let has_from = !fromlist.is_null()
        && !fromlist.is_none()
        && match crate::types::tuple::tuple_items(fromlist) {
            Some(t) => !t.is_empty(),
            None => vm.is_true(fromlist)?,
        };
    Ok(if has_from { outer } else { top })
}

fn resolve_relative(vm: &mut Vm, dotted: &str, level: usize, globals: Value) -> PyResult<String> {
    let g = globals.downcast::<DictObj>();
    let cur = g.and_then(|d| d.map.get_qstr(vm, Q::__name__));
    let is_pkg = g.and_then(|d| d.map.get_qstr(vm, Q::__path__)).is_some();
    let cur = cur.and_then(|v| str_of(vm, v)).unwrap_or_default();
    let mut level = level;
    if is_pkg {
        level -= 1;
    }
    let mut p = cur.len();
    let b = cur.as_bytes();
    while level > 0 && p > 0 {
        p -= 1;
        if b[p] == b'.' {
            level -= 1;
        }
    }
    if p == 0 {
        return Err(vm.new_exception(&exc::IMPORT_ERROR, "can't perform relative import"));
    }
    let mut s = String::from(&cur[..p]);
    if !dotted.is_empty() {
        s.push('.');
        s.push_str(dotted);
    }
    Ok(s)
}

fn sys_modules_get(vm: &mut Vm, q: Qstr) -> Option<Value> {
    let m = vm.interp.modules;
    m.downcast::<DictObj>().and_then(|d| d.map.get_qstr(vm, q))
}

fn sys_modules_remove(vm: &mut Vm, q: Qstr) {
    let m = vm.interp.modules;
    if let Some(d) = m.downcast::<DictObj>() {
        let _ = d.map.remove(vm, Value::qstr(q));
    }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        String::from(name)
    } else {
        let mut s = String::from(dir);
        if !s.ends_with('/') {
            s.push('/');
        }
        s.push_str(name);
        s
    }
}

/// What kind of thing `path` is: in the frozen set for `.frozen/...` paths, else on the host.
fn path_kind(vm: &mut Vm, path: &str) -> PathKind {
    match crate::frozen::strip(path) {
        Some(rel) => crate::frozen::kind(rel),
        None => crate::modules::fs_path_kind(vm, path),
    }
}

/// What `path` (without extension) names: a package dir, a .py or a .mpy file.
fn stat_module(vm: &mut Vm, path: &str) -> Option<(PathKind, String)> {
    if path_kind(vm, path) == PathKind::Dir {
        return Some((PathKind::Dir, String::from(path)));
    }
    stat_py_or_mpy(vm, path)
}

fn stat_py_or_mpy(vm: &mut Vm, path: &str) -> Option<(PathKind, String)> {
    let py = alloc::format!("{}.py", path);
    if path_kind(vm, &py) == PathKind::File {
        return Some((PathKind::File, py));
    }
    let mpy = alloc::format!("{}.mpy", path);
    if path_kind(vm, &mpy) == PathKind::File {
        return Some((PathKind::File, mpy));
    }
    None
}

fn import_level(vm: &mut Vm, full: Qstr, part: Qstr, outer: Value) -> PyResult<Value> {
    // An empty sys.path forces a builtin: loaded modules (which may have come from the
    // filesystem) are then ignored too, as in MicroPython.
    let path = super::sys_path_strings(vm);
    if !path.is_empty() {
        if let Some(m) = sys_modules_get(vm, full) {
            return Ok(m);
        }
    }
    let name = String::from(vm.qstr_str(part));
    let mut found: Option<(PathKind, String)> = None;
    if outer.is_null() {
        // A non-extensible builtin bypasses the filesystem; an extensible one (`os`, `time`)
        // can be overridden by a file on sys.path (its `u` name always gives the builtin).
        let extensible = crate::modules::is_extensible(vm, part);
        if !extensible {
            if let Some(m) = find_builtin(vm, part) {
                return Ok(m);
            }
        }
        for dir in path {
            let p = join(&dir, &name);
            if let Some(f) = stat_module(vm, &p) {
                found = Some(f);
                break;
            }
        }
        if found.is_none() && extensible {
            if let Some(m) = find_builtin(vm, part) {
                return Ok(m);
            }
        }
    } else if let Some(g) = module_globals(outer) {
        let pp = g
            .downcast::<DictObj>()
            .and_then(|d| d.map.get_qstr(vm, Q::__path__));
        if let Some(pp) = pp.and_then(|v| str_of(vm, v)) {
            let p = join(&pp, &name);
            found = stat_module(vm, &p);
        }
    }
    let Some((kind, path)) = found else {
        let s = String::from(vm.qstr_str(full));
        return Err(no_module(vm, &s));
    };
    let m = new_module(vm, full)?;
    let r = (|| -> PyResult<()> {
        if kind == PathKind::Dir {
            let pv = crate::types::str::new_str(vm, &path)?;
            vm.store_attr(m, Q::__path__, pv)?;
            let init = join(&path, "__init__");
            if let Some((_, file)) = stat_py_or_mpy(vm, &init) {
                load_file_into(vm, m, &file)?;
            }
        } else {
            load_file_into(vm, m, &path)?;
        }
        if !outer.is_null() {
            vm.store_attr(outer, part, m)?;
        }
        Ok(())
    })();
    match r {
        Ok(()) => Ok(m),
        Err(e) => {
            sys_modules_remove(vm, full);
            Err(e)
        }
    }
}

/// Run a .py or .mpy file's code in module `m`. A frozen file (`.frozen/NAME.py`, compiled at
/// build time) runs from its embedded .mpy with `__file__` = `NAME.py`, as in MicroPython.
fn load_file_into(vm: &mut Vm, m: Value, path: &str) -> PyResult<()> {
    if let Some(rel) = crate::frozen::strip(path) {
        let Some(data) = crate::frozen::get(rel) else {
            return Err(vm.os_error(2));
        };
        let globals = module_globals(m).unwrap_or(Value::NULL);
        let fq = vm.intern(rel);
        if let Some(d) = globals.downcast::<DictObj>() {
            d.map.set_qstr(vm, Q::__file__, Value::qstr(fq))?;
        }
        vm.roots.push(m);
        let r = super::load_mpy_fun(vm, data, globals)
            .and_then(|fun| super::run_code(vm, fun, globals, globals).map(|_| ()));
        vm.roots.pop();
        return r;
    }
    let Some(data) = crate::modules::fs_read_file(vm, path)? else {
        return Err(vm.os_error(2));
    };
    let globals = module_globals(m).unwrap_or(Value::NULL);
    let fq = vm.intern(path);
    if let Some(d) = globals.downcast::<DictObj>() {
        d.map.set_qstr(vm, Q::__file__, Value::qstr(fq))?;
    }
    vm.roots.push(m);
    let r = (|| -> PyResult<()> {
        let fun = if path.ends_with(".mpy") {
            super::load_mpy_fun(vm, &data, globals)?
        } else {
            let src = match core::str::from_utf8(&data) {
                Ok(s) => s,
                Err(_) => return Err(vm.new_exception(&exc::UNICODE_ERROR, "")),
            };
            super::compile_fun(vm, src, path, pyrite_compiler::Mode::File, globals)?
        };
        super::run_code(vm, fun, globals, globals)?;
        Ok(())
    })();
    vm.roots.pop();
    r
}

/// IMPORT_FROM: `from m import name` (importing the submodule `m.name` if it is a package).
pub(crate) fn import_from(vm: &mut Vm, m: Value, name: Qstr) -> PyResult<Value> {
    match vm.load_attr_maybe(m, name) {
        Ok(Some(v)) => return Ok(v),
        Ok(None) => {}
        Err(e) if super::exec::exc_is(e.0, &exc::ATTRIBUTE_ERROR) => {}
        Err(e) => return Err(e),
    }
    let g = module_globals(m);
    let d = g.and_then(|g| g.downcast::<DictObj>());
    let is_pkg = d.and_then(|d| d.map.get_qstr(vm, Q::__path__)).is_some();
    let pkg_name = d
        .and_then(|d| d.map.get_qstr(vm, Q::__name__))
        .and_then(|v| str_of(vm, v));
    if let (true, Some(pkg)) = (is_pkg, pkg_name) {
        let full = alloc::format!("{}.{}", pkg, vm.qstr_str(name));
        return import_impl(vm, &full, Value::TRUE, 0, Value::NULL);
    }
    let msg = alloc::format!("can't import name {}", vm.qstr_str(name));
    Err(vm.new_exception(&exc::IMPORT_ERROR, &msg))
}

/// IMPORT_STAR: bind the names in the module's `__all__` (if it has one), else its public
/// names (not starting with `_`), into `locals`. Works for any object with `__dict__`.
pub(crate) fn import_all(vm: &mut Vm, m: Value, locals: Value) -> PyResult<()> {
    let Some(l) = locals.downcast::<DictObj>() else {
        return Err(vm.type_error("import * needs a locals dict"));
    };
    let all = match vm.load_attr_maybe(m, Q::__all__) {
        Ok(v) => v,
        Err(e) if super::exec::exc_is(e.0, &exc::ATTRIBUTE_ERROR) => None,
        Err(e) => return Err(e),
    };
    if let Some(all) = all {
        vm.roots.push(all);
        let r = import_names(vm, m, all, l);
        vm.roots.pop();
        return r;
    }
    let d = match module_globals(m) {
        Some(g) => g,
        None => vm.load_attr(m, Q::__dict__)?,
    };
    let Some(g) = d.downcast::<DictObj>() else {
        return Err(vm.type_error("import * needs a module"));
    };
    let n = g.map.slots();
    for i in 0..n {
        let (k, v) = g.map.slot(i);
        if k.is_null() {
            continue;
        }
        let public = match k.as_qstr() {
            Some(q) => !vm.qstr_str(q).starts_with('_'),
            None => !crate::types::str::str_data(vm, k)
                .map(|d| d.as_str().starts_with('_'))
                .unwrap_or(true),
        };
        if public {
            l.map.set(vm, k, v)?;
        }
    }
    Ok(())
}

fn import_names(vm: &mut Vm, m: Value, all: Value, l: crate::value::Gc<DictObj>) -> PyResult<()> {
    let it = vm.get_iter(all)?;
    while let Some(n) = vm.iter_next(it)? {
        let q = match n.as_qstr() {
            Some(q) => q,
            None => match str_of(vm, n) {
                Some(s) => vm.intern(&s),
                None => return Err(vm.type_error("__all__ must contain str")),
            },
        };
        let v = vm.load_attr(m, q)?;
        l.map.set_qstr(vm, q, v)?;
    }
    Ok(())
}
