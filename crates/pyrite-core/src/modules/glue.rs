//! The builtins' window on the bytecode interpreter (interp/): compiling and running code,
//! the current frame's globals/locals, class bodies, imports. Every call the modules make into
//! interp/ goes through here, so the interpreter's contract is used in one place.

use alloc::string::String;

use pyrite_compiler::Mode;

use crate::map::DictObj;
use crate::qstr::{Qstr, Q};
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// Compile `src` (named `file` in tracebacks) to a code object (what `compile()` returns: a
/// module-body function whose globals `run_code` supplies).
pub fn compile(vm: &mut Vm, src: &str, file: Qstr, mode: Mode) -> PyResult<Value> {
    let name = vm.qstr_str(file);
    crate::interp::compile_source(vm, src, name, mode)
}

/// Run a code object made by `compile` with the given globals and locals dicts.
pub fn run_code(vm: &mut Vm, code: Value, globals: Value, locals: Value) -> PyResult<Value> {
    if locals.downcast::<DictObj>().is_none() && !locals.is_null() {
        return Err(vm.type_error("locals must be a dict"));
    }
    // A code object (`f.__code__`, `marshal.loads`) runs as a new function in `globals`.
    let code = match code.downcast::<crate::interp::code::CodeObj>() {
        Some(c) => {
            let g = if globals.is_null() {
                current_globals(vm)
            } else {
                globals
            };
            crate::interp::code::make_function(vm, c, g, Value::NULL, Value::NULL, Value::NULL)?
        }
        None => code,
    };
    vm.roots.push(code);
    let r = crate::interp::run_code(vm, code, globals, locals);
    vm.roots.pop();
    r
}

/// True if `v` is a code object made by `compile` (a function in Pyrite), or a function's
/// code object.
pub fn is_code(v: Value) -> bool {
    crate::interp::is_function(v) || v.downcast::<crate::interp::code::CodeObj>().is_some()
}

/// Compile and run source text in `globals`/`locals`; for `Mode::Eval` the result is the
/// expression's value, otherwise None.
pub fn exec_source(
    vm: &mut Vm,
    src: &str,
    file: Qstr,
    mode: Mode,
    globals: Value,
    locals: Value,
) -> PyResult<Value> {
    let code = compile(vm, src, file, mode)?;
    vm.roots.push(code);
    let r = run_code(vm, code, globals, locals);
    vm.roots.pop();
    r
}

/// `__import__(name, globals, locals, fromlist, level)`: the module (the top-level package
/// when `fromlist` is empty and level is 0).
pub fn import(
    vm: &mut Vm,
    name: Qstr,
    globals: Value,
    fromlist: Value,
    level: usize,
) -> PyResult<Value> {
    let dotted = String::from(vm.qstr_str(name));
    if globals.is_null() || globals.is_none() {
        crate::interp::import_module(vm, &dotted, fromlist, level)
    } else {
        crate::interp::import_with_globals(vm, &dotted, globals, fromlist, level)
    }
}

/// Import module `name` as the program (`-m`): its code runs with `__name__ == "__main__"`
/// in a module registered under its own name; returns that module. A package is imported
/// normally (the caller then runs its `__main__` submodule).
pub fn import_main(vm: &mut Vm, name: Qstr) -> PyResult<Value> {
    let full = String::from(vm.qstr_str(name));
    let (parent, leaf) = match full.rfind('.') {
        Some(i) => (Some(String::from(&full[..i])), String::from(&full[i + 1..])),
        None => (None, full.clone()),
    };
    // The directories to search: the parent package's __path__, or sys.path.
    let mut dirs: alloc::vec::Vec<String> = alloc::vec::Vec::new();
    match &parent {
        Some(p) => {
            let t = crate::types::tuple::new_tuple(vm, &[Value::qstr(Q::__name__)])?;
            let pkg = crate::interp::import_module(vm, p, t, 0)?;
            if let Some(pp) = vm.load_attr_maybe(pkg, Q::__path__)? {
                if let Some(s) = crate::types::str::str_data(vm, pp) {
                    dirs.push(String::from(s.as_str()));
                }
            }
        }
        None => {
            let path = vm.interp.path;
            if let Some(l) = crate::types::list::list_obj(path) {
                let mut i = 0;
                while let Some(v) = l.get(i) {
                    if let Some(s) = crate::types::str::str_data(vm, v) {
                        dirs.push(String::from(s.as_str()));
                    }
                    i += 1;
                }
            }
        }
    }
    for dir in &dirs {
        let base = if dir.is_empty() {
            leaf.clone()
        } else {
            alloc::format!("{}/{}", dir, leaf)
        };
        if super::fs_path_kind(vm, &base) == crate::host::PathKind::Dir {
            // A package: import it normally.
            let t = crate::types::tuple::new_tuple(vm, &[Value::qstr(Q::__name__)])?;
            return crate::interp::import_module(vm, &full, t, 0);
        }
        for ext in [".py", ".mpy"] {
            let file = alloc::format!("{}{}", base, ext);
            if super::fs_path_kind(vm, &file) != crate::host::PathKind::File {
                continue;
            }
            let Some(data) = super::fs_read_file(vm, &file)? else {
                continue;
            };
            let m = super::module::new_module(vm, name)?;
            let Some(g) = super::module_globals(m) else {
                return Err(vm.runtime_error("module without globals"));
            };
            if let Some(d) = g.downcast::<DictObj>() {
                d.map.set_qstr(vm, Q::__name__, Value::qstr(Q::__main__))?;
                let fq = vm.intern(&file);
                d.map.set_qstr(vm, Q::__file__, Value::qstr(fq))?;
            }
            let r = if ext == ".py" {
                match core::str::from_utf8(&data) {
                    Ok(src) => {
                        let fq = vm.intern(&file);
                        exec_source(vm, src, fq, Mode::File, g, g)
                    }
                    Err(_) => Err(vm.new_exception(
                        &crate::types::exception::UNICODE_ERROR,
                        "source code is not valid UTF-8",
                    )),
                }
            } else {
                crate::interp::load_mpy(vm, &data).and_then(|f| {
                    vm.roots.push(f);
                    let r = run_code(vm, f, g, g);
                    vm.roots.pop();
                    r
                })
            };
            return r.map(|_| m);
        }
    }
    let msg = alloc::format!("no module named '{}'", full);
    Err(vm.new_exception(&crate::types::exception::IMPORT_ERROR, &msg))
}

/// The globals dict of the running Python frame (the `__main__` globals outside any frame).
pub fn current_globals(vm: &mut Vm) -> Value {
    match vm.interp.frames.last() {
        Some(f) if !f.globals.is_null() => f.globals,
        _ => super::main_globals(vm),
    }
}

/// The locals dict of the running Python frame (`locals()`): the namespace NAME operations
/// use, which in a function body is its module's globals, as in MicroPython.
pub fn current_locals(vm: &mut Vm) -> PyResult<Value> {
    match vm.interp.frames.last() {
        Some(f) if !f.locals.is_null() => Ok(f.locals),
        _ => Ok(current_globals(vm)),
    }
}

/// Call a class body function `f` with `locals` as its namespace (LOAD_NAME/STORE_NAME go to
/// it); returns what the body returns (the `__class__` cell, or None).
pub fn call_with_locals(vm: &mut Vm, f: Value, locals: Value) -> PyResult<Value> {
    crate::interp::call_function_with_locals(vm, f, locals)
}

/// Store `v` into a closure cell.
pub fn cell_set(vm: &mut Vm, cell: Value, v: Value) -> PyResult<()> {
    match cell.downcast::<crate::interp::code::CellObj>() {
        Some(c) => {
            c.value.set(v);
            Ok(())
        }
        None => Err(vm.type_error("__build_class__: class body returned a non-cell")),
    }
}

/// The exception being handled (for `sys.exc_info()`), or NULL.
pub fn current_exception(vm: &mut Vm) -> Value {
    let e = crate::interp::current_exception(vm);
    if e.is_none() {
        Value::NULL
    } else {
        e
    }
}

/// Bytes of native stack in use by Python code (`micropython.stack_use()`).
pub fn stack_use(vm: &Vm) -> usize {
    let here = 0usize;
    let sp = core::hint::black_box(&here) as *const usize as usize;
    vm.stack_top.saturating_sub(sp)
}

/// The recursion limit in bytes of native stack (`micropython.mem_info()`'s "out of").
pub fn stack_limit(vm: &Vm) -> usize {
    vm.config.stack_limit
}
