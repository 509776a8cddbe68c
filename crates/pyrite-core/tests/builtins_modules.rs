//! The builtin modules called from Rust (no bytecode needed): builtins, sys, gc, micropython,
//! module objects and the console file objects.
use std::cell::RefCell;
use std::rc::Rc;

use pyrite_core::host::{Host, PathKind};
use pyrite_core::map::DictObj;
use pyrite_core::modules::{self, micropython, sys};
use pyrite_core::types::exception as exc;
use pyrite_core::types::str::{new_str, str_data};
use pyrite_core::{PyErr, Qstr, TypeRef, Value, Vm};

/// A host that records console output and serves fixed stdin data.
struct TestHost {
    out: Rc<RefCell<Vec<u8>>>,
    stdin: Vec<u8>,
}

impl Host for TestHost {
    fn write(&mut self, _fd: u8, data: &[u8]) {
        self.out.borrow_mut().extend_from_slice(data);
    }
    fn read_stdin(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.stdin.len());
        buf[..n].copy_from_slice(&self.stdin[..n]);
        self.stdin.drain(..n);
        n
    }
    fn path_kind(&mut self, _path: &str) -> PathKind {
        PathKind::Missing
    }
    fn read_file(&mut self, _path: &str) -> Option<Vec<u8>> {
        None
    }
}

fn make_vm(size: usize, stdin: &[u8]) -> (Box<Vm>, Rc<RefCell<Vec<u8>>>) {
    let out = Rc::new(RefCell::new(Vec::new()));
    let host = TestHost {
        out: out.clone(),
        stdin: stdin.to_vec(),
    };
    let region: &'static mut [u8] = Box::leak(vec![0u8; size].into_boxed_slice());
    // SAFETY: the region is leaked, so it lives for the rest of the test process.
    let mut vm = unsafe {
        Vm::new(
            region.as_mut_ptr(),
            region.len(),
            Box::new(host),
            Default::default(),
        )
    }
    .unwrap();
    let top = 0usize;
    vm.set_stack_top(&top as *const usize as usize + 4096);
    (vm, out)
}

fn output(out: &Rc<RefCell<Vec<u8>>>) -> String {
    let s = String::from_utf8(out.borrow().clone()).unwrap();
    out.borrow_mut().clear();
    s
}

fn q(vm: &mut Vm, s: &str) -> Qstr {
    vm.intern(s)
}

/// `module.name` for a builtin module.
fn attr(vm: &mut Vm, module: &str, name: &str) -> Value {
    let mq = q(vm, module);
    let m = modules::find_builtin(vm, mq).expect("module");
    let nq = q(vm, name);
    vm.load_attr(m, nq).expect("attribute")
}

fn call(vm: &mut Vm, module: &str, name: &str, args: &[Value]) -> Result<Value, PyErr> {
    let f = attr(vm, module, name);
    vm.call(f, args, &[])
}

fn int(n: isize) -> Value {
    Value::small_int(n).unwrap()
}

fn text(vm: &mut Vm, v: Value) -> String {
    str_data(vm, v).expect("a str").as_str().to_string()
}

/// The items of a list as Rust strings.
fn str_list(vm: &mut Vm, v: Value) -> Vec<String> {
    let l = pyrite_core::types::list::list_obj(v).expect("a list");
    (0..l.len())
        .map(|i| l.get(i).unwrap())
        .collect::<Vec<_>>()
        .into_iter()
        .map(|x| text(vm, x))
        .collect()
}

fn is_exc(e: &PyErr, ty: &'static pyrite_core::Type) -> bool {
    pyrite_core::types::class::is_subclass(e.0.type_of(), TypeRef::of_static(ty))
}

#[test]
fn builtin_modules_are_found_and_cached() {
    let (mut vm, _) = make_vm(256 * 1024, b"");
    for name in ["builtins", "sys", "gc", "micropython", "__main__"] {
        let nq = q(&mut vm, name);
        let a = modules::find_builtin(&mut vm, nq).expect(name);
        let b = modules::find_builtin(&mut vm, nq).unwrap();
        assert_eq!(a, b, "{name} is one object");
        assert_eq!(vm.repr_string(a).unwrap(), format!("<module '{name}'>"));
    }
    let usys = q(&mut vm, "usys");
    let sysq = q(&mut vm, "sys");
    assert_eq!(
        modules::find_builtin(&mut vm, usys),
        modules::find_builtin(&mut vm, sysq)
    );
    let nope = q(&mut vm, "no_such_module");
    assert!(modules::find_builtin(&mut vm, nope).is_none());
    let ugc = q(&mut vm, "ugc");
    assert!(modules::find_builtin(&mut vm, ugc).is_none());
}

#[test]
fn builtins_lookup_and_override() {
    let (mut vm, _) = make_vm(256 * 1024, b"");
    let lenq = q(&mut vm, "len");
    assert!(modules::builtins_lookup(&vm, lenq).is_some());
    let exq = q(&mut vm, "ValueError");
    assert_eq!(
        modules::builtins_lookup(&vm, exq),
        Some(Value::from_static(&exc::VALUE_ERROR))
    );
    // builtins.x = 1 makes x a builtin name.
    let b = modules::find_builtin(&mut vm, pyrite_core::Q::builtins).unwrap();
    let xq = q(&mut vm, "brand_new_builtin");
    vm.store_attr(b, xq, int(1)).unwrap();
    assert_eq!(modules::builtins_lookup(&vm, xq), Some(int(1)));
    vm.delete_attr(b, xq).unwrap();
    assert_eq!(modules::builtins_lookup(&vm, xq), None);
}

#[test]
fn simple_builtin_functions() {
    let (mut vm, _) = make_vm(256 * 1024, b"");
    assert_eq!(
        call(&mut vm, "builtins", "abs", &[int(-5)]).unwrap(),
        int(5)
    );
    assert_eq!(
        call(&mut vm, "builtins", "max", &[int(3), int(9), int(4)]).unwrap(),
        int(9)
    );
    assert_eq!(
        call(&mut vm, "builtins", "min", &[int(3), int(9), int(-4)]).unwrap(),
        int(-4)
    );
    let c = call(&mut vm, "builtins", "chr", &[int(0x263a)]).unwrap();
    assert_eq!(text(&mut vm, c), "\u{263a}");
    assert_eq!(call(&mut vm, "builtins", "ord", &[c]).unwrap(), int(0x263a));
    let e = call(&mut vm, "builtins", "chr", &[int(0x110000)]).unwrap_err();
    assert!(is_exc(&e, &exc::VALUE_ERROR));
    for (f, n, s) in [
        ("hex", 255, "0xff"),
        ("hex", -255, "-0xff"),
        ("bin", 5, "0b101"),
        ("oct", 8, "0o10"),
        ("bin", 0, "0b0"),
    ] {
        let r = call(&mut vm, "builtins", f, &[int(n)]).unwrap();
        assert_eq!(text(&mut vm, r), s);
    }
    let len = attr(&mut vm, "builtins", "len");
    let r = call(&mut vm, "builtins", "callable", &[len]).unwrap();
    assert_eq!(r, Value::TRUE);
    let r = call(&mut vm, "builtins", "callable", &[int(1)]).unwrap();
    assert_eq!(r, Value::FALSE);
    let int_t = Value::from_static(&pyrite_core::types::int::INT_TYPE);
    let str_t = Value::from_static(&pyrite_core::types::str::STR_TYPE);
    let r = call(&mut vm, "builtins", "isinstance", &[Value::TRUE, int_t]).unwrap();
    assert_eq!(r, Value::TRUE);
    let r = call(&mut vm, "builtins", "isinstance", &[int(1), str_t]).unwrap();
    assert_eq!(r, Value::FALSE);
    let e = call(&mut vm, "builtins", "issubclass", &[int(1), int_t]).unwrap_err();
    assert!(is_exc(&e, &exc::TYPE_ERROR));
    assert_eq!(
        call(&mut vm, "builtins", "round", &[int(7)]).unwrap(),
        int(7)
    );
    let r = call(&mut vm, "builtins", "repr", &[c]).unwrap();
    assert_eq!(text(&mut vm, r), "'\u{263a}'");
}

#[test]
fn print_and_files() {
    let (mut vm, out) = make_vm(256 * 1024, b"first line\nsecond\n");
    let s = new_str(&mut vm, "a").unwrap();
    let print = attr(&mut vm, "builtins", "print");
    let dash = new_str(&mut vm, "-").unwrap();
    let bang = new_str(&mut vm, "!").unwrap();
    let kw = [
        Value::qstr(q(&mut vm, "sep")),
        dash,
        Value::qstr(q(&mut vm, "end")),
        bang,
    ];
    vm.call(print, &[int(1), s], &kw).unwrap();
    assert_eq!(output(&out), "1-a!");
    let bad_kw = [Value::qstr(q(&mut vm, "bogus")), dash];
    let e = vm.call(print, &[], &bad_kw).unwrap_err();
    assert!(is_exc(&e, &exc::TYPE_ERROR));

    // sys.stdout.write
    let stdout = attr(&mut vm, "sys", "stdout");
    assert_eq!(vm.repr_string(stdout).unwrap(), "<io.TextIOWrapper 1>");
    let hello = new_str(&mut vm, "hello\n").unwrap();
    let wq = q(&mut vm, "write");
    let n = vm.call_method(stdout, wq, &[hello]).unwrap();
    assert_eq!(n, int(6));
    assert_eq!(output(&out), "hello\n");
    let bq = q(&mut vm, "buffer");
    let buf = vm.load_attr(stdout, bq).unwrap();
    assert_eq!(vm.repr_string(buf).unwrap(), "<io.FileIO 1>");

    // input() and sys.stdin.readline()
    let prompt = new_str(&mut vm, "? ").unwrap();
    let line = call(&mut vm, "builtins", "input", &[prompt]).unwrap();
    assert_eq!(text(&mut vm, line), "first line");
    assert_eq!(output(&out), "? ");
    let stdin = attr(&mut vm, "sys", "stdin");
    let rq = q(&mut vm, "readline");
    let l2 = vm.call_method(stdin, rq, &[]).unwrap();
    assert_eq!(text(&mut vm, l2), "second\n");
    let l3 = vm.call_method(stdin, rq, &[]).unwrap();
    assert_eq!(text(&mut vm, l3), "");
    let e = call(&mut vm, "builtins", "input", &[]).unwrap_err();
    assert!(is_exc(&e, &exc::EOF_ERROR));

    // open() on a host without files
    let name = new_str(&mut vm, "x.txt").unwrap();
    let e = call(&mut vm, "builtins", "open", &[name]).unwrap_err();
    assert!(is_exc(&e, &exc::OS_ERROR));
    let mode = new_str(&mut vm, "rw").unwrap();
    let e = call(&mut vm, "builtins", "open", &[name, mode]).unwrap_err();
    assert!(is_exc(&e, &exc::VALUE_ERROR));
}

#[test]
fn sys_module() {
    let (mut vm, _) = make_vm(256 * 1024, b"");
    sys::set_argv(&mut vm, &["prog.py", "x"]).unwrap();
    let argv = attr(&mut vm, "sys", "argv");
    assert_eq!(str_list(&mut vm, argv), ["prog.py", "x"]);
    sys::set_path(&mut vm, &["", "/lib"]).unwrap();
    let path = modules::sys_path(&mut vm);
    assert_eq!(str_list(&mut vm, path), ["", "/lib"]);
    let platform = attr(&mut vm, "sys", "platform");
    assert_eq!(text(&mut vm, platform), "linux");
    let version = attr(&mut vm, "sys", "version");
    assert!(text(&mut vm, version).starts_with("3.4.0; Pyrite "));
    let imp = attr(&mut vm, "sys", "implementation");
    let nq = q(&mut vm, "name");
    let name = vm.load_attr(imp, nq).unwrap();
    assert_eq!(text(&mut vm, name), "micropython");
    let mq = q(&mut vm, "_mpy");
    assert_eq!(vm.load_attr(imp, mq).unwrap(), int(6 | (3 << 8)));
    let r = vm.repr_string(imp).unwrap();
    assert!(r.starts_with("(name='micropython', version=(1, "), "{r}");

    for (args, code) in [
        (vec![], 0),
        (vec![Value::NONE], 0),
        (vec![int(42)], 42),
        (vec![int(300)], 300 & 255),
    ] {
        let e = call(&mut vm, "sys", "exit", &args).unwrap_err();
        assert!(is_exc(&e, &exc::SYSTEM_EXIT));
        assert_eq!(sys::exit_code(&mut vm, e.0), Some(code));
    }
    let msg = new_str(&mut vm, "bye").unwrap();
    let e = call(&mut vm, "sys", "exit", &[msg]).unwrap_err();
    assert_eq!(sys::exit_code(&mut vm, e.0), Some(1));
    let e = vm.value_error("x");
    assert_eq!(sys::exit_code(&mut vm, e.0), None);

    // sys.path can be rebound.
    let s = modules::find_builtin(&mut vm, pyrite_core::Q::sys).unwrap();
    let pq = q(&mut vm, "path");
    vm.store_attr(s, pq, Value::NONE).unwrap();
    assert_eq!(modules::sys_path(&mut vm), Value::NONE);
}

#[test]
fn gc_module() {
    let (mut vm, _) = make_vm(256 * 1024, b"");
    let free = call(&mut vm, "gc", "mem_free", &[]).unwrap();
    let alloc = call(&mut vm, "gc", "mem_alloc", &[]).unwrap();
    let total = vm.heap.total_bytes() as isize;
    assert_eq!(
        free.as_small_int().unwrap() + alloc.as_small_int().unwrap(),
        total
    );
    assert!(call(&mut vm, "gc", "collect", &[]).unwrap().is_small_int());
    assert_eq!(call(&mut vm, "gc", "isenabled", &[]).unwrap(), Value::TRUE);
    call(&mut vm, "gc", "disable", &[]).unwrap();
    assert_eq!(call(&mut vm, "gc", "isenabled", &[]).unwrap(), Value::FALSE);
    call(&mut vm, "gc", "enable", &[]).unwrap();
    assert_eq!(call(&mut vm, "gc", "threshold", &[]).unwrap(), int(-1));
    call(&mut vm, "gc", "threshold", &[int(1)]).unwrap();
    assert_eq!(call(&mut vm, "gc", "threshold", &[]).unwrap(), int(0));
    call(&mut vm, "gc", "threshold", &[int(4000)]).unwrap();
    assert_eq!(call(&mut vm, "gc", "threshold", &[]).unwrap(), int(4000));
    call(&mut vm, "gc", "threshold", &[int(-1)]).unwrap();
    assert_eq!(call(&mut vm, "gc", "threshold", &[]).unwrap(), int(-1));
    // Module attributes of a fixed module cannot be set.
    let g = modules::find_builtin(&mut vm, pyrite_core::Q::gc).unwrap();
    let xq = q(&mut vm, "x");
    let e = vm.store_attr(g, xq, int(1)).unwrap_err();
    assert!(is_exc(&e, &exc::ATTRIBUTE_ERROR));
}

#[test]
fn micropython_module() {
    let (mut vm, out) = make_vm(256 * 1024, b"");
    assert_eq!(
        call(&mut vm, "micropython", "const", &[int(5)]).unwrap(),
        int(5)
    );
    assert_eq!(
        call(&mut vm, "micropython", "opt_level", &[]).unwrap(),
        int(0)
    );
    call(&mut vm, "micropython", "opt_level", &[int(2)]).unwrap();
    assert_eq!(
        call(&mut vm, "micropython", "opt_level", &[]).unwrap(),
        int(2)
    );

    call(&mut vm, "micropython", "heap_lock", &[]).unwrap();
    assert_eq!(
        call(&mut vm, "micropython", "heap_locked", &[]).unwrap(),
        int(1)
    );
    let e = new_str(&mut vm, "a string that is not interned anywhere").unwrap_err();
    assert!(is_exc(&e, &exc::MEMORY_ERROR));
    assert_eq!(
        call(&mut vm, "micropython", "heap_unlock", &[]).unwrap(),
        int(0)
    );
    assert!(new_str(&mut vm, "a string that is not interned anywhere").is_ok());

    call(&mut vm, "micropython", "mem_info", &[]).unwrap();
    let s = output(&out);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(lines.len(), 4, "{s}");
    assert!(lines[0].starts_with("mem: total="));
    assert!(lines[1].starts_with("stack: ") && lines[1].contains(" out of "));
    assert!(lines[2].starts_with("GC: total: "));
    assert!(lines[3].starts_with(" No. of 1-blocks: "));
    call(&mut vm, "micropython", "qstr_info", &[]).unwrap();
    assert!(output(&out).starts_with("qstr pool: n_pool="));

    // schedule: run later, in order.
    let print = attr(&mut vm, "builtins", "print");
    call(&mut vm, "micropython", "schedule", &[print, int(1)]).unwrap();
    call(&mut vm, "micropython", "schedule", &[print, int(2)]).unwrap();
    assert!(micropython::has_scheduled(&vm));
    assert_eq!(output(&out), "");
    micropython::run_scheduled(&mut vm).unwrap();
    assert_eq!(output(&out), "1\n2\n");
    for i in 0..micropython::SCHEDULE_DEPTH {
        call(
            &mut vm,
            "micropython",
            "schedule",
            &[print, int(i as isize)],
        )
        .unwrap();
    }
    let e = call(&mut vm, "micropython", "schedule", &[print, int(0)]).unwrap_err();
    assert!(is_exc(&e, &exc::RUNTIME_ERROR));
    micropython::run_scheduled(&mut vm).unwrap();
    assert!(!micropython::has_scheduled(&vm));

    call(&mut vm, "micropython", "kbd_intr", &[int(-1)]).unwrap();
    assert_eq!(vm.sys.interrupt_char, -1);
}

#[test]
fn module_objects() {
    let (mut vm, _) = make_vm(256 * 1024, b"");
    let name = q(&mut vm, "mymod");
    let m = modules::new_module(&mut vm, name).unwrap();
    assert_eq!(vm.repr_string(m).unwrap(), "<module 'mymod'>");
    let mods = modules::sys_modules(&vm).downcast::<DictObj>().unwrap();
    assert_eq!(mods.map.get_qstr(&vm, name), Some(m));
    let aq = q(&mut vm, "a");
    vm.store_attr(m, aq, int(3)).unwrap();
    assert_eq!(vm.load_attr(m, aq).unwrap(), int(3));
    let g = modules::module_globals(m).unwrap();
    let gd = g.downcast::<DictObj>().unwrap();
    assert_eq!(gd.map.get_qstr(&vm, aq), Some(int(3)));
    let dq = q(&mut vm, "__dict__");
    assert_eq!(vm.load_attr(m, dq).unwrap(), g);
    let bq = q(&mut vm, "b");
    let e = vm.load_attr(m, bq).unwrap_err();
    assert!(is_exc(&e, &exc::ATTRIBUTE_ERROR));
    vm.delete_attr(m, aq).unwrap();
    assert!(vm.load_attr_maybe(m, aq).unwrap().is_none());
    let fq = q(&mut vm, "__file__");
    let f = new_str(&mut vm, "mymod.py").unwrap();
    vm.store_attr(m, fq, f).unwrap();
    assert_eq!(
        vm.repr_string(m).unwrap(),
        "<module 'mymod' from 'mymod.py'>"
    );
}

#[test]
fn survives_collection() {
    let (mut vm, _) = make_vm(64 * 1024, b"");
    for i in 0..2000 {
        let s = format!("garbage string {i} that is not interned");
        let _ = new_str(&mut vm, &s);
    }
    vm.collect();
    // Everything the module table owns is still there after collections.
    let sysq = q(&mut vm, "sys");
    let s = modules::find_builtin(&mut vm, sysq).unwrap();
    let vq = q(&mut vm, "version");
    let v = vm.load_attr(s, vq).unwrap();
    assert!(text(&mut vm, v).starts_with("3.4.0; Pyrite"));
    let stdout = attr(&mut vm, "sys", "stdout");
    assert_eq!(vm.repr_string(stdout).unwrap(), "<io.TextIOWrapper 1>");
    let lenq = q(&mut vm, "len");
    assert!(modules::builtins_lookup(&vm, lenq).is_some());
}
