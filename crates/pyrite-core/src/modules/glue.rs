//! The builtins' window on the bytecode interpreter (interp/): compiling and running code,
//! the current frame's globals/locals, class bodies, imports. Every call the modules make into
//! interp/ goes through here, so the interpreter's contract is used in one place.

use pyrite_compiler::Mode;

use crate::qstr::Qstr;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// Compile `src` (named `file` in tracebacks) to a code object (what `compile()` returns).
pub fn compile(vm: &mut Vm, src: &str, file: Qstr, mode: Mode) -> PyResult<Value> {
    let _ = (src, file, mode);
    Err(vm.not_implemented("compile: the bytecode interpreter is not available yet"))
}

/// Run a code object made by `compile` with the given globals and locals dicts.
pub fn run_code(vm: &mut Vm, code: Value, globals: Value, locals: Value) -> PyResult<Value> {
    let _ = (code, globals, locals);
    Err(vm.not_implemented("exec: the bytecode interpreter is not available yet"))
}

/// True if `v` is a code object made by `compile`.
pub fn is_code(v: Value) -> bool {
    let _ = v;
    false
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
    run_code(vm, code, globals, locals)
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
    // Builtin modules work without the file importer.
    if level == 0 && !vm.qstr_str(name).contains('.') {
        if let Some(m) = super::find_builtin(vm, name) {
            return Ok(m);
        }
    }
    let _ = (globals, fromlist);
    let msg = alloc::format!("no module named '{}'", vm.qstr_str(name));
    Err(vm.new_exception(&crate::types::exception::IMPORT_ERROR, &msg))
}

/// Import module `name` as the program (`-m`): its code runs with `__name__ == "__main__"`;
/// returns the module itself (not its top-level package).
pub fn import_main(vm: &mut Vm, name: Qstr) -> PyResult<Value> {
    let msg = alloc::format!(
        "no module named '{}' (the module importer is not available yet)",
        vm.qstr_str(name)
    );
    Err(vm.new_exception(&crate::types::exception::IMPORT_ERROR, &msg))
}

/// The globals dict of the running Python frame (the `__main__` globals outside any frame).
pub fn current_globals(vm: &mut Vm) -> Value {
    super::main_globals(vm)
}

/// The locals dict of the running Python frame (`locals()`); at module level, its globals.
pub fn current_locals(vm: &mut Vm) -> PyResult<Value> {
    Ok(current_globals(vm))
}

/// Call a class body function `f` with `locals` as its namespace (LOAD_NAME/STORE_NAME go to
/// it); returns what the body returns (the `__class__` cell, or None).
pub fn call_with_locals(vm: &mut Vm, f: Value, locals: Value) -> PyResult<Value> {
    let _ = (f, locals);
    Err(vm.not_implemented("class definitions: the bytecode interpreter is not available yet"))
}

/// Store `v` into a closure cell.
pub fn cell_set(vm: &mut Vm, cell: Value, v: Value) -> PyResult<()> {
    let _ = (cell, v);
    Err(vm.not_implemented("cells: the bytecode interpreter is not available yet"))
}

/// The exception being handled (for `sys.exc_info()`), or NULL.
pub fn current_exception(vm: &mut Vm) -> Value {
    let _ = vm;
    Value::NULL
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
