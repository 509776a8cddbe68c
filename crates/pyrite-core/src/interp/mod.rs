//! The bytecode interpreter: loading compiled code into function objects ([`code`]), frames
//! and the dispatch loop ([`exec`]), calls and argument binding ([`call`]), generators
//! ([`gen`]), imports ([`import`]).
//!
//! # Entry points for the rest of the runtime
//! - [`compile_source`]: source text -> a function object for its module body (compile errors
//!   become SyntaxError/IndentationError with a traceback entry naming file and line).
//! - [`load_compiled`]: an in-memory [`CompiledModule`] -> function object.
//! - [`load_mpy`]: .mpy bytes -> function object (needs `pyrite_compiler::mpy`).
//! - [`run_code`]: run a module-body function with given globals/locals dicts.
//! - [`exec_source`]: compile and run in one go (`exec`, `eval`, the REPL, running a script).
//! - [`import_module`]: `import a.b.c` / `from . import x` machinery.
//! - [`call_function_with_locals`]: run a function body with a dict as its locals (class bodies).
//! - [`is_function`], [`FUNCTION_TYPE`], [`GENERATOR_TYPE`], [`CELL_TYPE`]: the types defined here.
//!
//! # State in the Vm (`vm.interp`)
//! `builtins` (the dict LOAD_GLOBAL/LOAD_NAME fall back to; the builtins module's globals),
//! `modules` (`sys.modules`), `path` (`sys.path`, a list of str), `builtin_modules` (registry of
//! builtin modules, see `modules::module::register_builtin`), `cur_exception` (the exception
//! being handled, for `sys.exc_info()`), the value stack and frame records.

pub mod call;
pub mod code;
pub mod exec;
pub mod fast;
pub mod gen;
pub mod import;
pub mod stack;
pub mod thread;
pub mod viper;

use alloc::string::String;
use alloc::vec::Vec;

use pyrite_compiler::{CompileError, CompiledModule, ErrorKind, Mode};

pub use call::{call_fun, call_function_with_locals};
pub use code::{
    is_function, load_module, make_function, CodeObj, FunObj, CELL_TYPE, FUNCTION_TYPE,
};
pub use gen::{GenObj, GENERATOR_TYPE};
pub use import::{import_module, import_with_globals};

use crate::map::DictObj;
use crate::qstr::Q;
use crate::types::exception as exc;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// Value-stack words (locals + operand stacks of all active frames). 32K words = 256 KiB on
/// 64-bit hosts; deep recursion past it raises RuntimeError.
pub const STACK_WORDS: usize = 32 * 1024;
/// Upper bound on active frames.
pub const MAX_FRAMES: usize = 8000;

/// Interpreter state kept in the Vm.
pub struct InterpState {
    pub stack: stack::ValueStack,
    pub frames: Vec<exec::Frame>,
    /// The exception being handled (`sys.exc_info()`), or NULL.
    pub cur_exception: Value,
    /// The builtins namespace (a dict), or NULL before the builtins module exists.
    pub builtins: Value,
    /// `sys.modules` (a dict).
    pub modules: Value,
    /// `sys.path` (a list of str).
    pub path: Value,
    /// Builtin modules by name (a dict).
    pub builtin_modules: Value,
    /// Nesting of native (Rust -> Python) entries into the dispatch loop.
    pub native_depth: usize,
    pub poll_counter: u32,
    /// The value of the last StopIteration an iterator ended with when it reported plain
    /// exhaustion (MicroPython's `stop_iteration_arg`), or NULL.
    pub stop_value: Value,
    /// Green threads (see [`thread`]): the saved state of every thread, the running one's
    /// record included (its state is live in the fields above). Empty until the first
    /// `_thread.start_new_thread`.
    pub threads: Vec<thread::Thread>,
    /// Index of the running thread's record in `threads` ([`thread::NONE`] after it ended).
    pub cur_thread: usize,
    /// `_thread.get_ident()` of the running thread.
    pub cur_ident: usize,
    /// Native depth at which the running thread may be preempted.
    pub base_depth: usize,
    /// A thread switch is wanted at the next switch point (`thread::SWITCH_*`, 0: none).
    pub switch_req: u8,
    /// Counts `Vm::call`s; `direct_seq` is what it will be for a call made by the dispatch
    /// loop itself (so blocking natives know whether they may return and let it switch).
    pub call_seq: u32,
    pub direct_seq: u32,
    pub next_ident: usize,
    /// `_thread.stack_size()` setting in bytes (0: default).
    pub thread_stack_bytes: usize,
    /// Ctrl-C arrived while another thread ran: the main thread gets KeyboardInterrupt when
    /// it is next switched in.
    pub kbd_pending: bool,
    /// Buffers that viper pointers may point into (a list, or NULL; see [`viper`]).
    pub viper_bufs: Value,
    /// Dict entry-slot hints of the attribute and global lookups (see `exec::HINTS`).
    pub hints: [u32; exec::HINTS],
    initialised: bool,
}

impl Default for InterpState {
    fn default() -> Self {
        InterpState {
            stack: stack::ValueStack::empty(),
            frames: Vec::new(),
            cur_exception: Value::NULL,
            builtins: Value::NULL,
            modules: Value::NULL,
            path: Value::NULL,
            builtin_modules: Value::NULL,
            native_depth: 0,
            poll_counter: 0,
            stop_value: Value::NULL,
            threads: Vec::new(),
            cur_thread: 0,
            cur_ident: thread::MAIN_IDENT,
            base_depth: 0,
            switch_req: 0,
            call_seq: 0,
            direct_seq: 1,
            next_ident: thread::MAIN_IDENT + 1,
            thread_stack_bytes: 0,
            kbd_pending: false,
            viper_bufs: Value::NULL,
            hints: [0; exec::HINTS],
            initialised: false,
        }
    }
}

/// Set up the interpreter state (value stack, `sys.modules`, `sys.path`, module registry).
/// Idempotent; every entry point calls it.
pub fn init(vm: &mut Vm) -> PyResult<()> {
    if vm.interp.initialised {
        return Ok(());
    }
    if vm.interp.stack.capacity() == 0 && !vm.interp.stack.ensure(STACK_WORDS) {
        return Err(vm.memory_error());
    }
    if vm.interp.modules.is_null() {
        vm.interp.modules = crate::types::dict::new_dict(vm)?.value();
    }
    if vm.interp.builtin_modules.is_null() {
        vm.interp.builtin_modules = crate::types::dict::new_dict(vm)?.value();
    }
    if vm.interp.path.is_null() {
        let l = crate::types::list::new_list(vm, &[])?;
        vm.interp.path = l;
        let entries: Vec<String> = vm.config.path.clone();
        for p in entries {
            let s = crate::types::str::new_str(vm, &p)?;
            crate::types::list::list_append(vm, l, s)?;
        }
    }
    vm.interp.initialised = true;
    Ok(())
}

/// Mark everything the interpreter state refers to.
pub fn mark_roots(vm: &mut Vm) {
    let end = vm.interp.frames.last().map(|f| f.end()).unwrap_or(0);
    let end = end.min(vm.interp.stack.capacity());
    let vals = vm.interp.stack.slice(0, end);
    vm.heap.mark_values(vals);
    let n = vm.interp.frames.len();
    for i in 0..n {
        let f = vm.interp.frames[i];
        for v in [f.fun, f.globals, f.locals, f.gen, f.code.value()] {
            vm.heap.mark_word(v.word());
        }
    }
    for v in [
        vm.interp.cur_exception,
        vm.interp.builtins,
        vm.interp.modules,
        vm.interp.path,
        vm.interp.builtin_modules,
        vm.interp.stop_value,
        vm.interp.viper_bufs,
    ] {
        vm.heap.mark_word(v.word());
    }
    thread::mark_roots(vm);
}

/// `sys.path` entries as Rust strings.
pub(crate) fn sys_path_strings(vm: &mut Vm) -> Vec<String> {
    let mut out = Vec::new();
    let p = vm.interp.path;
    if let Some(l) = crate::types::list::list_obj(p) {
        let mut i = 0;
        while let Some(v) = l.get(i) {
            if let Some(d) = crate::types::str::str_data(vm, v) {
                out.push(String::from(d.as_str()));
            }
            i += 1;
        }
    }
    out
}

/// A SyntaxError/IndentationError for a compile error, with a traceback entry
/// `File "<file>", line N` (block name empty: printed without ", in ...", as MicroPython does).
pub fn compile_error_to_exception(vm: &mut Vm, e: &CompileError) -> crate::PyErr {
    let ty = match e.kind {
        ErrorKind::SyntaxError => &exc::SYNTAX_ERROR,
        ErrorKind::IndentationError => &exc::INDENTATION_ERROR,
        ErrorKind::ViperTypeError => &exc::VIPER_TYPE_ERROR,
        ErrorKind::NotImplementedError => &exc::NOT_IMPLEMENTED_ERROR,
    };
    let err = vm.new_exception(ty, &e.msg);
    let file = vm.intern(&e.file);
    exc::traceback_add(vm, err.0, file, e.line as usize, Q::EMPTY);
    err
}

/// Load an in-memory compiled module as a function (its module body) over `globals`.
pub fn load_compiled(vm: &mut Vm, m: &CompiledModule, globals: Value) -> PyResult<Value> {
    init(vm)?;
    let code = code::load_module(vm, m)?;
    make_function(vm, code, globals, Value::NULL, Value::NULL, Value::NULL)
}

/// Compile `src` (no globals bound yet: `run_code` supplies them).
pub fn compile_source(vm: &mut Vm, src: &str, filename: &str, mode: Mode) -> PyResult<Value> {
    compile_fun(vm, src, filename, mode, Value::NULL)
}

pub(crate) fn compile_fun(
    vm: &mut Vm,
    src: &str,
    filename: &str,
    mode: Mode,
    globals: Value,
) -> PyResult<Value> {
    init(vm)?;
    let opts = pyrite_compiler::Options {
        opt_level: vm.config.opt_level,
        small_int_bits: (crate::value::SMALL_INT_BITS).min(63) as u8,
        native: true,
    };
    let r = match pyrite_compiler::compile(src, filename, mode, &opts) {
        Ok(m) => {
            // Names are qstrs, limited to 255 bytes as in MicroPython (entry 0 is the file).
            if m.qstrs
                .iter()
                .skip(1)
                .any(|q| q.len() > crate::vm::MAX_NAME_LEN)
            {
                return Err(vm.runtime_error("name too long"));
            }
            load_compiled(vm, &m, globals)
        }
        Err(e) => Err(compile_error_to_exception(vm, &e)),
    };
    // The syntax tree and compiled module are gone now; a big source leaves many free pages.
    // (Not after small ones: `eval`/`exec` in a loop would pay for the trim every time.)
    if src.len() >= RELEASE_AFTER_SOURCE_BYTES {
        vm.host.release_free_memory();
    }
    r
}

/// Source size from which compiling is followed by [`crate::host::Host::release_free_memory`]
/// (the compiler's temporary memory is some 20 times the source size).
const RELEASE_AFTER_SOURCE_BYTES: usize = 1024;

/// Load .mpy file contents as a function (module body).
pub fn load_mpy(vm: &mut Vm, bytes: &[u8]) -> PyResult<Value> {
    load_mpy_fun(vm, bytes, Value::NULL)
}

pub(crate) fn load_mpy_fun(vm: &mut Vm, bytes: &[u8], globals: Value) -> PyResult<Value> {
    init(vm)?;
    match pyrite_compiler::read_mpy(bytes) {
        Ok(m) => load_compiled(vm, &m, globals),
        Err(e) => Err(vm.value_error(e.message())),
    }
}

/// Run a module-body function with `globals` (and `locals`; NULL or the same dict for module
/// level). Returns the body's return value (the expression's value for `Mode::Eval`).
pub fn run_code(vm: &mut Vm, fun: Value, globals: Value, locals: Value) -> PyResult<Value> {
    init(vm)?;
    let Some(fo) = fun.downcast::<FunObj>() else {
        return Err(vm.type_error("run_code needs a function"));
    };
    let fo = if !globals.is_null() && fo.globals != globals {
        let f = make_function(vm, fo.code, globals, fo.defaults, fo.kwdefaults, fo.closure)?;
        match f.downcast::<FunObj>() {
            Some(f) => f,
            None => return Err(vm.type_error("run_code")),
        }
    } else {
        fo
    };
    if fo.globals.downcast::<DictObj>().is_none() {
        return Err(vm.type_error("globals must be a dict"));
    }
    let locals = if locals.is_null() { fo.globals } else { locals };
    call::call_fun(vm, fo, Value::NULL, &[], &[], locals)
}

/// Compile and run source text with `globals` (a dict; `__name__` etc. are the caller's
/// business). Returns the value for `Mode::Eval`, None otherwise.
pub fn exec_source(
    vm: &mut Vm,
    src: &str,
    filename: &str,
    mode: Mode,
    globals: Value,
) -> PyResult<Value> {
    let f = compile_fun(vm, src, filename, mode, globals)?;
    vm.roots.push(f);
    let r = run_code(vm, f, globals, globals);
    vm.roots.pop();
    r
}

/// The globals dict of the running Python frame (NULL outside any frame).
pub fn current_globals(vm: &Vm) -> Value {
    vm.interp
        .frames
        .last()
        .map(|f| f.globals)
        .unwrap_or(Value::NULL)
}

/// The locals dict of the running Python frame for `locals()`: its NAME-op dict at module and
/// class level; NULL inside functions (whose locals live in fast slots) or outside any frame.
pub fn current_locals(vm: &Vm) -> Value {
    match vm.interp.frames.last() {
        Some(f) if !f.locals.is_null() => f.locals,
        _ => Value::NULL,
    }
}

/// Remember the value of StopIteration `exc` for whoever sees the iterator's STOP next
/// (MicroPython's `stop_iteration_arg`): `next()` raises StopIteration with it, `yield from`
/// returns it.
pub fn note_stop_value(vm: &mut Vm, exc: Value) {
    vm.interp.stop_value = gen::stop_iteration_value(exc);
}

/// Forget any remembered StopIteration value (call before asking an iterator for an item).
#[inline]
pub fn clear_stop_value(vm: &mut Vm) {
    vm.interp.stop_value = Value::NULL;
}

/// Take the remembered StopIteration value (None if there is none).
pub fn take_stop_value(vm: &mut Vm) -> Value {
    let v = vm.interp.stop_value;
    vm.interp.stop_value = Value::NULL;
    if v.is_null() {
        Value::NONE
    } else {
        v
    }
}

/// The exception currently being handled (`sys.exc_info()[1]`), or None.
pub fn current_exception(vm: &Vm) -> Value {
    let e = vm.interp.cur_exception;
    if e.is_null() {
        Value::NONE
    } else {
        e
    }
}

/// True if `v` is an instance of exception class `t` (or a subclass).
pub fn exception_is(v: Value, t: &'static crate::obj::Type) -> bool {
    exec::exc_is(v, t)
}

/// A small argument buffer on the native stack (scanned conservatively by the collector).
pub struct ArgBuf {
    len: usize,
    items: [Value; 16],
}

impl Default for ArgBuf {
    fn default() -> Self {
        Self::new()
    }
}

impl ArgBuf {
    pub fn new() -> ArgBuf {
        ArgBuf {
            len: 0,
            items: [Value::NULL; 16],
        }
    }
    /// Append; values past the inline capacity are dropped (callers with more arguments must
    /// use a GC list instead).
    pub fn push(&mut self, v: Value) {
        if self.len < self.items.len() {
            self.items[self.len] = v;
            self.len += 1;
        }
    }
    pub fn extend(&mut self, vs: &[Value]) {
        for &v in vs {
            self.push(v);
        }
    }
    pub fn as_slice(&self) -> &[Value] {
        &self.items[..self.len]
    }
}
