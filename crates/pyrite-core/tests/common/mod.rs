//! Shared helpers for the interpreter tests: a host that captures output and serves files from
//! memory, a tiny builtins namespace (print, len, isinstance, range-free basics), and a way to
//! get bytecode for a Python snippet.
//!
//! Until pyrite's own compiler lands, snippets are compiled with MicroPython's `mpy-cross`
//! (if it has been built at /work/ref/...) and the .mpy is read by a small reader here; the
//! static qstr table that .mpy files refer to is read at test time from mpy-cross's generated
//! header. Tests skip (pass vacuously, printing a note) when mpy-cross is not available.
#![allow(dead_code)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicUsize, Ordering};

use pyrite_compiler::{CompiledModule, Const, RawCode, RawCodeKind};
use pyrite_core::host::{Host, PathKind};
use pyrite_core::obj::{BuiltinFn, Kw, PrintKind, VAR_ARGS};
use pyrite_core::{PyResult, Value, Vm, Q};

pub const MPY_CROSS: &str = "/work/ref/micropython/mpy-cross/build/mpy-cross";
const QSTRDEFS: &str = "/work/ref/micropython/mpy-cross/build/genhdr/qstrdefs.generated.h";

pub struct TestHost {
    pub out: Rc<RefCell<String>>,
    pub files: HashMap<String, Vec<u8>>,
    pub interrupt_after: Option<usize>,
    polls: usize,
}

impl Host for TestHost {
    fn write(&mut self, _fd: u8, data: &[u8]) {
        self.out
            .borrow_mut()
            .push_str(&String::from_utf8_lossy(data));
    }
    fn read_stdin(&mut self, _buf: &mut [u8]) -> usize {
        0
    }
    fn path_kind(&mut self, path: &str) -> PathKind {
        if self.files.contains_key(path) {
            return PathKind::File;
        }
        let pre = format!("{}/", path);
        if self.files.keys().any(|k| k.starts_with(&pre)) {
            return PathKind::Dir;
        }
        PathKind::Missing
    }
    fn read_file(&mut self, path: &str) -> Option<Vec<u8>> {
        self.files.get(path).cloned()
    }
    fn take_interrupt(&mut self) -> bool {
        self.polls += 1;
        matches!(self.interrupt_after, Some(n) if self.polls >= n)
    }
}

fn out_of(vm: &mut Vm, v: Value, kind: PrintKind) -> PyResult<String> {
    let mut s = String::new();
    vm.print_to(v, kind, &mut s)?;
    Ok(s)
}

fn bi_print(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut sep = String::from(" ");
    let mut end = String::from("\n");
    for p in kw.chunks_exact(2) {
        let s = out_of(vm, p[1], PrintKind::Str)?;
        let k = p[0].as_qstr().map(|q| vm.qstr_str(q)).unwrap_or("");
        if k == "sep" {
            sep = s;
        } else if k == "end" {
            end = s;
        }
    }
    let mut line = String::new();
    for (i, &a) in args.iter().enumerate() {
        if i > 0 {
            line.push_str(&sep);
        }
        line.push_str(&out_of(vm, a, PrintKind::Str)?);
    }
    line.push_str(&end);
    vm.write_stdout(&line);
    Ok(Value::NONE)
}

fn bi_repr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = out_of(vm, args[0], PrintKind::Repr)?;
    pyrite_core::types::str::new_str(vm, &s)
}

fn bi_len(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(l) = pyrite_core::types::list::list_obj(args[0]) {
        return Ok(Value::small_int(l.len() as isize).unwrap());
    }
    if let Some(t) = pyrite_core::types::tuple::tuple_items(args[0]) {
        return Ok(Value::small_int(t.len() as isize).unwrap());
    }
    let n = vm.len(args[0])?;
    Ok(Value::small_int(n as isize).unwrap())
}

fn bi_next(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match vm.iter_next(args[0])? {
        Some(v) => Ok(v),
        None => Err(vm.stop_iteration(Value::NONE)),
    }
}

fn bi_iter(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.get_iter(args[0])
}

fn bi_isinstance(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match pyrite_core::value::TypeRef::from_value(args[1]) {
        Some(t) => Ok(Value::from_bool(vm.is_instance(args[0], t))),
        None => Err(vm.type_error("isinstance() arg 2 must be a type")),
    }
}

fn bi_type(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(args[0].type_of().value())
}

fn bi_list(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = pyrite_core::types::list::new_list(vm, &[])?;
    if let Some(&a) = args.first() {
        let it = vm.get_iter(a)?;
        while let Some(v) = vm.iter_next(it)? {
            pyrite_core::types::list::list_append(vm, l, v)?;
        }
    }
    Ok(l)
}

fn bi_collect(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.collect();
    Ok(Value::NONE)
}

static PRINT: BuiltinFn = BuiltinFn::new_kw(Q::EMPTY, 0, VAR_ARGS, bi_print);
static REPR: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_repr);
static LEN: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_len);
static NEXT: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_next);
static ITER: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_iter);
static ISINSTANCE: BuiltinFn = BuiltinFn::new(Q::EMPTY, 2, 2, bi_isinstance);
static TYPE: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_type);
static LIST: BuiltinFn = BuiltinFn::new(Q::EMPTY, 0, 1, bi_list);
static COLLECT: BuiltinFn = BuiltinFn::new(Q::EMPTY, 0, 0, bi_collect);

pub struct Env {
    pub vm: Box<Vm>,
    pub out: Rc<RefCell<String>>,
    // Declared last so it is dropped after the Vm that uses it.
    _region: Region,
}

/// The GC heap's memory, freed when the Env goes (fuzz tests make thousands of Envs).
struct Region(*mut [u8]);

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: the pointer came from Box::into_raw in make_env, and the Vm using it was
        // dropped before this field.
        drop(unsafe { Box::from_raw(self.0) });
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn make_env(files: HashMap<String, Vec<u8>>, interrupt_after: Option<usize>) -> Env {
    let size = 1 << 20;
    let raw: *mut [u8] = Box::into_raw(vec![0u8; size].into_boxed_slice());
    // SAFETY: the region is freed only when the Env (and so the Vm) is dropped.
    let region: &'static mut [u8] = unsafe { &mut *raw };
    let out = Rc::new(RefCell::new(String::new()));
    let host = TestHost {
        out: out.clone(),
        files,
        interrupt_after,
        polls: 0,
    };
    let config = pyrite_core::Config {
        stack_limit: 6 * 1024 * 1024,
        path: vec![String::new()],
        ..Default::default()
    };
    // SAFETY: the region is leaked, so it outlives the Vm.
    let mut vm =
        unsafe { Vm::new(region.as_mut_ptr(), region.len(), Box::new(host), config) }.expect("vm");
    let top = 0usize;
    vm.set_stack_top(&top as *const usize as usize + 4096);
    pyrite_core::interp::init(&mut vm).unwrap();
    // Use the real builtins namespace when modules/ provides one; fill in what is missing.
    let b = match vm.interp.builtins.downcast::<pyrite_core::map::DictObj>() {
        Some(d) if !d.map.is_fixed() => d,
        _ => {
            let d = pyrite_core::types::dict::new_dict(&mut vm).unwrap();
            vm.interp.builtins = d.value();
            d
        }
    };
    for (q, f) in [
        ("print", &PRINT),
        ("repr", &REPR),
        ("len", &LEN),
        ("next", &NEXT),
        ("iter", &ITER),
        ("collect", &COLLECT),
    ] {
        let q = vm.intern(q);
        if b.map.get_qstr(&vm, q).is_none() {
            b.map.set_qstr(&mut vm, q, f.value()).unwrap();
        }
    }
    for (q, f) in [
        (
            "__build_class__",
            &pyrite_core::types::class::BUILD_CLASS_FN,
        ),
        ("isinstance", &pyrite_core::types::class::ISINSTANCE_FN),
    ] {
        let q = vm.intern(q);
        if b.map.get_qstr(&vm, q).is_none() {
            b.map.set_qstr(&mut vm, q, f.value()).unwrap();
        }
    }
    use pyrite_core::types::exception as e;
    for (q, t) in [
        (Q::Exception, &e::EXCEPTION),
        (Q::BaseException, &e::BASE_EXCEPTION),
        (Q::ValueError, &e::VALUE_ERROR),
        (Q::TypeError, &e::TYPE_ERROR),
        (Q::KeyError, &e::KEY_ERROR),
        (Q::IndexError, &e::INDEX_ERROR),
        (Q::NameError, &e::NAME_ERROR),
        (Q::RuntimeError, &e::RUNTIME_ERROR),
        (Q::StopIteration, &e::STOP_ITERATION),
        (Q::GeneratorExit, &e::GENERATOR_EXIT),
        (Q::ZeroDivisionError, &e::ZERO_DIVISION_ERROR),
        (Q::ImportError, &e::IMPORT_ERROR),
        (Q::AttributeError, &e::ATTRIBUTE_ERROR),
        (Q::KeyboardInterrupt, &e::KEYBOARD_INTERRUPT),
        (Q::object, &pyrite_core::types::class::OBJECT_TYPE),
        (Q::SUPER, &pyrite_core::types::descr::SUPER_TYPE),
        (Q::range, &pyrite_core::types::range::RANGE_TYPE),
        (Q::tuple, &pyrite_core::types::tuple::TUPLE_TYPE),
        (Q::list, &pyrite_core::types::list::LIST_TYPE),
        (Q::dict, &pyrite_core::types::dict::DICT_TYPE),
        (Q::str, &pyrite_core::types::str::STR_TYPE),
        (Q::int, &pyrite_core::types::int::INT_TYPE),
        (
            Q::staticmethod,
            &pyrite_core::types::descr::STATICMETHOD_TYPE,
        ),
        (Q::classmethod, &pyrite_core::types::descr::CLASSMETHOD_TYPE),
        (Q::property, &pyrite_core::types::descr::PROPERTY_TYPE),
        (Q::r#type, &pyrite_core::obj::TYPE_TYPE),
    ] {
        b.map
            .set_qstr(
                &mut vm,
                q,
                pyrite_core::value::TypeRef::of_static(t).value(),
            )
            .unwrap();
    }
    Env {
        vm,
        out,
        _region: Region(raw),
    }
}

// ---------------------------------------------------------------------------------------------
// .mpy via mpy-cross (test scaffolding until pyrite's compiler exists)

pub fn have_mpy_cross() -> bool {
    Path::new(MPY_CROSS).exists() && Path::new(QSTRDEFS).exists()
}

fn static_qstrs() -> Vec<String> {
    let text = std::fs::read_to_string(QSTRDEFS).expect("qstrdefs");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("QDEF0(") else {
            continue;
        };
        // QDEF0(MP_QSTR_x, hash, len, "text")
        let Some(q0) = rest.find('"') else { continue };
        let Some(q1) = rest.rfind('"') else { continue };
        let raw = &rest[q0 + 1..q1];
        out.push(unescape(raw));
    }
    out
}

fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'x' if i + 3 < b.len() => {
                    let h = u8::from_str_radix(&s[i + 2..i + 4], 16).unwrap_or(b'?');
                    out.push(h);
                    i += 4;
                    continue;
                }
                c => {
                    out.push(c);
                    i += 2;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

struct Rd<'a> {
    b: &'a [u8],
    p: usize,
    statics: &'a [String],
}

impl Rd<'_> {
    fn byte(&mut self) -> u8 {
        let x = self.b[self.p];
        self.p += 1;
        x
    }
    fn uint(&mut self) -> usize {
        let mut v = 0usize;
        loop {
            let x = self.byte();
            v = (v << 7) | (x & 0x7f) as usize;
            if x & 0x80 == 0 {
                return v;
            }
        }
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        let v = self.b[self.p..self.p + n].to_vec();
        self.p += n;
        v
    }
    fn qstr(&mut self) -> String {
        let len = self.uint();
        if len & 1 != 0 {
            return self.statics[len >> 1].clone();
        }
        let s = self.bytes(len >> 1);
        self.byte();
        String::from_utf8(s).unwrap()
    }
    fn obj(&mut self) -> Const {
        let t = self.byte();
        match t {
            4 => Const::Ellipsis,
            5 | 6 => {
                let n = self.uint();
                let d = self.bytes(n);
                self.byte();
                if t == 5 {
                    Const::Str(String::from_utf8(d).unwrap())
                } else {
                    Const::Bytes(d)
                }
            }
            7..=9 => {
                let n = self.uint();
                let d = String::from_utf8(self.bytes(n)).unwrap();
                match t {
                    7 => Const::Int(d),
                    8 => Const::Float(d),
                    _ => Const::Complex(d.trim_end_matches('j').to_string()),
                }
            }
            10 => {
                let n = self.uint();
                Const::Tuple((0..n).map(|_| self.obj()).collect())
            }
            _ => panic!("unsupported .mpy constant type {}", t),
        }
    }
    fn raw(&mut self) -> RawCode {
        let kl = self.uint();
        let has_children = kl & 4 != 0;
        let len = kl >> 3;
        assert_eq!(kl & 3, 0, "only bytecode");
        let bytecode = self.bytes(len);
        let mut children = Vec::new();
        if has_children {
            let n = self.uint();
            for _ in 0..n {
                children.push(self.raw());
            }
        }
        RawCode {
            kind: RawCodeKind::Bytecode,
            bytecode,
            children,
        }
    }
}

pub fn read_mpy(b: &[u8]) -> CompiledModule {
    let statics = static_qstrs();
    let mut r = Rd {
        b,
        p: 0,
        statics: &statics,
    };
    assert_eq!(r.byte(), b'M');
    assert_eq!(r.byte(), 6);
    let flags = r.byte();
    r.byte();
    if flags & 0x40 != 0 {
        r.uint();
    }
    let nq = r.uint();
    let no = r.uint();
    let qstrs = (0..nq).map(|_| r.qstr()).collect();
    let consts = (0..no).map(|_| r.obj()).collect();
    let root = r.raw();
    CompiledModule {
        qstrs,
        consts,
        root,
    }
}

/// Compile `src` with mpy-cross into a CompiledModule named `name` (e.g. "t.py").
pub fn mpy_compile(src: &str, name: &str) -> Result<CompiledModule, String> {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("pyrite-vm-test-{}-{}", std::process::id(), n));
    std::fs::create_dir_all(&dir).unwrap();
    let inp = dir.join("in.py");
    let outp = dir.join("out.mpy");
    std::fs::write(&inp, src).unwrap();
    let o = std::process::Command::new(MPY_CROSS)
        .arg("-s")
        .arg(name)
        .arg("-msmall-int-bits=63")
        .arg("-o")
        .arg(&outp)
        .arg(&inp)
        .output()
        .unwrap();
    if !o.status.success() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(String::from_utf8_lossy(&o.stderr).into_owned());
    }
    let b = std::fs::read(&outp).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    Ok(read_mpy(&b))
}

/// A fresh `__main__` globals dict (rooted in vm.roots until the caller pops it).
pub fn main_globals(vm: &mut Vm) -> Value {
    let g = pyrite_core::types::dict::new_dict(vm).unwrap().value();
    vm.roots.push(g);
    let main = vm.intern("__main__");
    if let Some(d) = g.downcast::<pyrite_core::map::DictObj>() {
        d.map.set_qstr(vm, Q::__name__, Value::qstr(main)).unwrap();
    }
    g
}

fn finish(env: &mut Env, r: PyResult<Value>) -> String {
    let vm = &mut env.vm;
    vm.roots.pop();
    if let Err(e) = r {
        let mut s = String::new();
        let _ = pyrite_core::types::exception::print_exception(vm, e.0, &mut s);
        env.out.borrow_mut().push_str(&s);
    }
    let o = env.out.borrow().clone();
    env.out.borrow_mut().clear();
    o
}

/// Run `src` as `__main__` with pyrite's compiler; returns stdout plus, for an uncaught
/// exception, its report.
pub fn run_env(env: &mut Env, src: &str) -> String {
    let vm = &mut env.vm;
    let g = main_globals(vm);
    let r = pyrite_core::interp::exec_source(vm, src, "t.py", pyrite_compiler::Mode::File, g);
    finish(env, r)
}

/// As `run_env`, but compiled by MicroPython's mpy-cross (checks the VM against MicroPython's
/// own bytecode).
pub fn run_env_mpy(env: &mut Env, src: &str) -> String {
    let m = match mpy_compile(src, "t.py") {
        Ok(m) => m,
        Err(e) => return format!("COMPILE ERROR: {}", e),
    };
    let vm = &mut env.vm;
    let g = main_globals(vm);
    let r = pyrite_core::interp::load_compiled(vm, &m, g)
        .and_then(|f| pyrite_core::interp::run_code(vm, f, g, g));
    finish(env, r)
}

/// Compile with pyrite's compiler and run.
pub fn run(src: &str) -> Option<String> {
    let mut env = make_env(HashMap::new(), None);
    Some(run_env(&mut env, src))
}

/// Compile with mpy-cross and run; None if mpy-cross is unavailable.
pub fn run_mpy(src: &str) -> Option<String> {
    if !have_mpy_cross() {
        eprintln!("note: mpy-cross not available, skipping");
        return None;
    }
    let mut env = make_env(HashMap::new(), None);
    Some(run_env_mpy(&mut env, src))
}

/// Expected output from CPython (python3), for programs whose output agrees.
pub fn cpython(src: &str) -> String {
    let o = std::process::Command::new("python3")
        .arg("-c")
        .arg(src)
        .output()
        .expect("python3");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The Python programs in `tests/<area>/` (sorted), except those ending in a `skip` entry.
pub fn area_programs(area: &str, skip: &[&str]) -> Vec<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests")
        .join(area);
    let mut v: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().map(|x| x == "py").unwrap_or(false))
                .filter(|p| !skip.iter().any(|s| p.ends_with(s)))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The expected output of a test program: its `.py.exp` file, or what python3 prints.
pub fn expected_output(p: &Path) -> String {
    if let Ok(s) = std::fs::read_to_string(p.with_extension("py.exp")) {
        return s;
    }
    let o = std::process::Command::new("python3")
        .arg(p)
        .output()
        .expect("python3");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Run in a thread with a big native stack (deep recursion tests and debug builds).
pub fn big_stack<F: FnOnce() + Send + 'static>(f: F) {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

/// True if the full builtins module (from modules/) is present.
pub fn have_full_builtins(env: &mut Env) -> bool {
    let q = env.vm.intern("sorted");
    match env
        .vm
        .interp
        .builtins
        .downcast::<pyrite_core::map::DictObj>()
    {
        Some(d) => d.map.get_qstr(&env.vm, q).is_some(),
        None => false,
    }
}
