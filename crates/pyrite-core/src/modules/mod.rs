//! Builtin modules and the module table (`builtins`, `sys`, `gc`, `micropython`, `__main__`).
//!
//! Contract for others:
//! - `find_builtin(vm, name) -> Option<Value>`: the builtin module called `name` (made on first
//!   use and cached, so repeated imports give the same object), or None. Handles MicroPython's
//!   `u`-prefixed aliases of extensible modules (`usys` -> `sys`, `uos` -> `os`...).
//! - `builtins_lookup(vm, q) -> Option<Value>`: a name in the `builtins` module (the last step
//!   of LOAD_NAME/LOAD_GLOBAL).
//! - `main_globals(vm)`: the `__main__` module's globals dict (where programs run).
//! - `sys_path(vm)`, `sys_modules(vm)`: the current `sys.path` list and `sys.modules` dict.
//! - `CORE_MODULES`: the table of builtin modules defined in this crate; a module added by
//!   another part of the core goes there. Ports add theirs with `register_module`.
//! - `module::new_module`, `module::module_globals`: see module.rs.

use alloc::vec::Vec;

use crate::map::DictObj;
use crate::qstr::{Qstr, Q};
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

pub mod array;
pub mod binary;
pub mod binascii;
pub mod builtins;
pub mod collections;
pub mod cryptolib;
pub mod deflate;
pub mod errno;
pub mod evalexec;
pub mod framebuf;
pub mod gc;
pub mod glue;
pub mod hashlib;
pub mod heapq;
pub mod io;
pub mod json;
pub mod marshal;
pub mod micropython;
pub mod module;
pub mod platform;
pub mod random;
pub mod re;
pub mod ringio;
pub mod streamcall;
pub mod stringio;
pub mod structmod;
pub mod sys;
pub mod thread;
pub mod time;
pub mod uctypes;
pub mod websocket;

pub use module::{module_globals, new_module, ModuleObj, MODULE_TYPE};

/// How a builtin module is defined.
pub struct BuiltinModuleDef {
    pub name: Qstr,
    /// The module's globals (must contain `__name__`).
    pub globals: &'static DictObj,
    /// Called once when the module is first imported. When present, the module gets a mutable
    /// heap copy of `globals` that `init` may fill (the module value is passed).
    pub init: Option<fn(&mut Vm, Value) -> PyResult<()>>,
    /// Also importable as `u` + name (MicroPython's extensible modules: `uos`, `utime`...).
    pub extensible: bool,
}

/// Builtin modules of the core (besides `builtins`, `sys` and `__main__`, which always exist).
pub static CORE_MODULES: &[&BuiltinModuleDef] = &[
    &gc::GC_MODULE,
    &micropython::MICROPYTHON_MODULE,
    &MATH_MODULE,
    &CMATH_MODULE,
    &time::TIME_MODULE,
    &structmod::STRUCT_MODULE,
    &array::ARRAY_MODULE,
    &stringio::IO_MODULE,
    &errno::ERRNO_MODULE,
    &collections::COLLECTIONS_MODULE,
    &json::JSON_MODULE,
    &binascii::BINASCII_MODULE,
    &heapq::HEAPQ_MODULE,
    &random::RANDOM_MODULE,
    &hashlib::HASHLIB_MODULE,
    &platform::PLATFORM_MODULE,
    &re::RE_MODULE,
    &thread::THREAD_MODULE,
    &uctypes::UCTYPES_MODULE,
    &marshal::MARSHAL_MODULE,
    &framebuf::FRAMEBUF_MODULE,
    &websocket::WEBSOCKET_MODULE,
    &deflate::DEFLATE_MODULE,
    &cryptolib::CRYPTOLIB_MODULE,
];

/// `math` (contents in types/mathmod.rs).
pub static MATH_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::math,
    globals: &crate::types::mathmod::MATH_GLOBALS,
    init: Some(crate::types::mathmod::math_init),
    extensible: false,
};

/// `cmath` (contents in types/mathmod.rs).
pub static CMATH_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::cmath,
    globals: &crate::types::mathmod::CMATH_GLOBALS,
    init: Some(crate::types::mathmod::cmath_init),
    extensible: false,
};

/// Module table and interpreter-wide state kept in the Vm.
pub struct SysState {
    /// Builtin modules made so far: a dict name -> module.
    pub builtin_cache: Value,
    /// The `builtins` module and its globals dict (mutable: `builtins.x = ...` is allowed).
    pub builtins: Value,
    pub builtins_dict: Value,
    /// The `sys` module (its globals dict holds `path`, `argv`, `modules`...).
    pub sys: Value,
    /// `__main__`.
    pub main: Value,
    /// `sys.stdin`, `sys.stdout`, `sys.stderr` as made at start-up (print's default target).
    pub stdio: [Value; 3],
    /// `sys.atexit` function (NULL if none).
    pub exitfunc: Value,
    /// Queue of `micropython.schedule` calls: a list [f0, arg0, f1, arg1, ...] (NULL if empty).
    pub sched: Value,
    /// True while scheduled functions run (they are not run re-entrantly).
    pub sched_busy: bool,
    /// Modules a port provides (`register_module`).
    pub port_modules: Vec<&'static BuiltinModuleDef>,
    /// `micropython.kbd_intr` character (3 = Ctrl-C; -1 disabled).
    pub interrupt_char: i32,
    /// `-v` count.
    pub verbose: u32,
    /// Bytes read from stdin but not yet consumed (readline/read buffering).
    pub stdin_buf: Vec<u8>,
    pub stdin_eof: bool,
    /// The filesystem layer (pyrite-extmod's VFS) when one is installed: `open()` and import
    /// go through it instead of the Host's file API.
    pub fs_hooks: Option<&'static FsHooks>,
    /// A value code outside the core (pyrite-extmod) keeps alive: its rooted state (NULL if none).
    pub ext_root: Value,
    /// Streams attached to the console with `os.dupterm`: a list of slots (None or a stream
    /// object), or NULL when none was ever attached. See `io::console_write`.
    pub dupterm: Value,
    /// Set while a dupterm stream is being called (its own output is not copied again).
    pub in_dupterm: bool,
}

/// Hooks through which the core's `open()`, import and `execfile` reach a filesystem layer
/// outside the core (pyrite-extmod's VFS, with its mount table). Without hooks, the core uses
/// the Host's file API directly.
pub struct FsHooks {
    /// `open(file, mode='r', buffering=-1, encoding=None)` (builtin and `io.open`), with the
    /// arguments as the builtin received them.
    pub open: crate::obj::NativeFn,
    /// What `path` names (for import): must not raise.
    pub import_stat: fn(&mut Vm, &str) -> crate::host::PathKind,
    /// The whole contents of the file `path` (import, execfile), Ok(None) if it cannot be read.
    pub read_file: fn(&mut Vm, &str) -> PyResult<Option<Vec<u8>>>,
}

/// What `path` names, through the filesystem layer if one is installed.
pub fn fs_path_kind(vm: &mut Vm, path: &str) -> crate::host::PathKind {
    match vm.sys.fs_hooks {
        Some(h) => (h.import_stat)(vm, path),
        None => vm.host.path_kind(path),
    }
}

/// The contents of file `path`, through the filesystem layer if one is installed.
pub fn fs_read_file(vm: &mut Vm, path: &str) -> PyResult<Option<Vec<u8>>> {
    match vm.sys.fs_hooks {
        Some(h) => (h.read_file)(vm, path),
        None => Ok(vm.host.read_file(path)),
    }
}

impl Default for SysState {
    fn default() -> Self {
        SysState {
            builtin_cache: Value::NULL,
            builtins: Value::NULL,
            builtins_dict: Value::NULL,
            sys: Value::NULL,
            main: Value::NULL,
            stdio: [Value::NULL; 3],
            exitfunc: Value::NULL,
            sched: Value::NULL,
            sched_busy: false,
            port_modules: Vec::new(),
            interrupt_char: 3,
            verbose: 0,
            stdin_buf: Vec::new(),
            stdin_eof: false,
            fs_hooks: None,
            ext_root: Value::NULL,
            dupterm: Value::NULL,
            in_dupterm: false,
        }
    }
}

/// Set up builtin modules (called once by `Vm::new`).
pub fn init(vm: &mut Vm) -> PyResult<()> {
    // The interpreter's view of the module table is the same objects (interp/ reads
    // vm.interp.{modules, builtins, builtin_modules, path}).
    let modules = crate::types::dict::new_dict(vm)?;
    vm.interp.modules = modules.value();
    let cache = crate::types::dict::new_dict(vm)?;
    vm.sys.builtin_cache = cache.value();
    vm.interp.builtin_modules = cache.value();

    // builtins: a heap copy of the fixed table, so builtins can be overridden.
    let bd = copy_fixed_dict(vm, &builtins::BUILTINS_GLOBALS)?;
    vm.sys.builtins_dict = bd;
    vm.interp.builtins = bd;
    vm.sys.builtins = module::new_module_with_globals(vm, bd)?;

    // __main__
    let md = crate::types::dict::new_dict(vm)?;
    md.map.set_qstr(vm, Q::__name__, Value::qstr(Q::__main__))?;
    vm.sys.main = module::new_module_with_globals(vm, md.value())?;

    sys::init(vm)?;
    Ok(())
}

/// A heap dict holding the entries of a fixed dict.
pub fn copy_fixed_dict(vm: &mut Vm, d: &'static DictObj) -> PyResult<Value> {
    let nd = crate::types::dict::new_dict(vm)?;
    nd.map.reserve(vm, d.map.len())?;
    for i in 0..d.map.slots() {
        let (k, v) = d.map.slot(i);
        if !k.is_null() {
            nd.map.set(vm, k, v)?;
        }
    }
    Ok(nd.value())
}

/// Mark everything the module table refers to.
pub fn mark_roots(vm: &mut Vm) {
    let s = &vm.sys;
    let vals = [
        s.builtin_cache,
        s.builtins,
        s.builtins_dict,
        s.sys,
        s.main,
        s.stdio[0],
        s.stdio[1],
        s.stdio[2],
        s.exitfunc,
        s.sched,
        s.ext_root,
        s.dupterm,
    ];
    vm.heap.mark_values(&vals);
}

/// Add a module that the port provides (e.g. `os`, `time` from pyrite-extmod).
pub fn register_module(vm: &mut Vm, def: &'static BuiltinModuleDef) {
    vm.sys.port_modules.push(def);
}

fn find_def(vm: &Vm, name: Qstr) -> Option<&'static BuiltinModuleDef> {
    CORE_MODULES
        .iter()
        .copied()
        .chain(vm.sys.port_modules.iter().copied())
        .find(|d| d.name == name)
}

/// True if `name` is an extensible builtin module (a file on sys.path may override it).
pub fn is_extensible(vm: &Vm, name: Qstr) -> bool {
    find_def(vm, name).is_some_and(|d| d.extensible)
}

/// The builtin module `name`, or None.
pub fn find_builtin(vm: &mut Vm, name: Qstr) -> Option<Value> {
    match name {
        Q::builtins => return Some(vm.sys.builtins),
        Q::sys | Q::usys => return Some(vm.sys.sys),
        Q::__main__ => return Some(vm.sys.main),
        _ => {}
    }
    if let Some(d) = vm.sys.builtin_cache.downcast::<DictObj>() {
        if let Some(m) = d.map.get_qstr(vm, name) {
            return Some(m);
        }
    }
    let def = match find_def(vm, name) {
        Some(d) => d,
        None => {
            // `uNAME` for an extensible module NAME.
            let text = vm.qstr_str(name);
            let base = text.strip_prefix('u')?;
            let q = vm.qstrs.find(base)?;
            let d = find_def(vm, q)?;
            if !d.extensible {
                return None;
            }
            return find_builtin(vm, q);
        }
    };
    let m = make_builtin(vm, def).ok()?;
    if let Some(d) = vm.sys.builtin_cache.downcast::<DictObj>() {
        d.map.set_qstr(vm, name, m).ok()?;
    }
    Some(m)
}

fn make_builtin(vm: &mut Vm, def: &'static BuiltinModuleDef) -> PyResult<Value> {
    match def.init {
        None => module::new_readonly_module(vm, Value::from_static(def.globals)),
        Some(init) => {
            let g = copy_fixed_dict(vm, def.globals)?;
            let m = module::new_module_with_globals(vm, g)?;
            init(vm, m)?;
            module::set_readonly(m);
            Ok(m)
        }
    }
}

/// Names of all builtin modules (for `help('modules')`).
pub fn builtin_module_names(vm: &Vm) -> Vec<Qstr> {
    let mut v: Vec<Qstr> = alloc::vec![Q::builtins, Q::sys, Q::__main__];
    v.extend(CORE_MODULES.iter().map(|d| d.name));
    v.extend(vm.sys.port_modules.iter().map(|d| d.name));
    v
}

/// A name in the `builtins` module.
#[inline]
pub fn builtins_lookup(vm: &Vm, q: Qstr) -> Option<Value> {
    let d = vm.sys.builtins_dict.downcast::<DictObj>()?;
    d.map.get_qstr(vm, q)
}

/// The `__main__` module's globals dict.
pub fn main_globals(vm: &Vm) -> Value {
    module_globals(vm.sys.main).unwrap_or(Value::NULL)
}

/// The current `sys.path` (whatever `sys.path` is bound to now; normally a list).
pub fn sys_path(vm: &mut Vm) -> Value {
    sys_attr(vm, Q::path)
}

/// The `sys.modules` dict.
pub fn sys_modules(vm: &Vm) -> Value {
    vm.interp.modules
}

/// `sys.<name>` from the sys module's globals, or NULL.
pub fn sys_attr(vm: &mut Vm, name: Qstr) -> Value {
    module_globals(vm.sys.sys)
        .and_then(|g| g.downcast::<DictObj>())
        .and_then(|g| g.map.get_qstr(vm, name))
        .unwrap_or(Value::NULL)
}
