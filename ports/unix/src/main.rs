//! `pyrite`: the host interpreter, command line compatible with MicroPython's unix port.
//!
//! The binary links no Rust `std` (footprint, issue 5): std's panic and backtrace machinery,
//! its runtime start-up and the unwinder's shared library cost about 200 KB of binary and
//! more of resident memory. Everything std did here goes through the C library in sys.rs
//! (memory allocator, panic handler, files, environment, clocks, signals, threads). The
//! `tls` feature (rustls needs std) links std again. Unit tests run under std's test harness.
//!
//! The binary has its own C `main` (`#![no_main]`): Rust's start-up code would read
//! /proc/self/maps to place a guard page for the main thread, which costs a tenth of a
//! millisecond and pulls the C library's scanf into memory, for a thread that does not run
//! Python anyway (the interpreter gets its own big-stack thread below).
#![cfg_attr(not(any(test, feature = "tls")), no_std)]
#![cfg_attr(not(test), no_main)]
// Under the test harness `main` is not compiled, so most of the binary is unused there.
#![cfg_attr(test, allow(dead_code))]

extern crate alloc;

mod args;
mod fs;
mod host;
mod net;
mod pins;
mod platform;
mod repl;
mod sys;
#[cfg(feature = "tls")]
mod tls;

use alloc::boxed::Box;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;

use pyrite_compiler::Mode;
use pyrite_core::modules::{self, glue, micropython, sys as pysys};
use pyrite_core::types::exception as exc;
use pyrite_core::types::str::new_str;
use pyrite_core::{Config, PyErr, Qstr, Value, Vm};

use args::{Action, Options, Parsed};
use host::{Interrupts, UnixHost};

#[global_allocator]
static ALLOC: sys::Malloc = sys::Malloc;

/// Write text to stdout.
fn out(s: &str) {
    let _ = sys::write_all(1, s.as_bytes());
}

/// Write a line to stderr.
fn errln(s: &str) {
    let mut line = String::with_capacity(s.len() + 1);
    line.push_str(s);
    line.push('\n');
    let _ = sys::write_all(2, line.as_bytes());
}

/// Native stack of the thread that runs Python. Deep recursion is stopped by the VM at
/// `STACK_LIMIT` bytes, well before the end of this stack, so it raises RuntimeError instead of
/// overflowing.
const THREAD_STACK: usize = 256 * 1024 * 1024;
const STACK_LIMIT: usize = 1024 * 1024;

/// The first line of the REPL banner and of `--version`.
fn banner() -> String {
    format!(
        "MicroPython compatible Pyrite v{}; linux [Rust] version",
        pysys::PYRITE_VERSION
    )
}

/// The C entry point (see the module comment).
#[cfg(not(test))]
#[no_mangle]
pub extern "C" fn main(
    argc: core::ffi::c_int,
    argv: *const *const core::ffi::c_char,
) -> core::ffi::c_int {
    sys::init();
    run_main(sys::args(argc, argv));
}

fn run_main(argv: Vec<String>) -> ! {
    let prog = argv.first().cloned().unwrap_or_else(|| "pyrite".into());
    let (board, argv) = board_option(argv);
    let opts = match args::parse(argv.get(1..).unwrap_or(&[])) {
        Parsed::Run(o) => o,
        Parsed::Help => {
            out(&args::help_text(&prog));
            sys::exit(0);
        }
        Parsed::Version => {
            out(&format!("{}\n", banner()));
            sys::exit(0);
        }
        Parsed::Invalid => {
            errln("Invalid command line arguments. Use -h option for help.");
            sys::exit(1);
        }
    };
    let interrupts = Interrupts::install();
    if main_stack_fits() {
        let code = thread_main(opts, interrupts, prog, board);
        sys::exit(code & 0xff);
    }
    let runner = sys::spawn(
        THREAD_STACK,
        Box::new(move || thread_main(opts, interrupts, prog, board)),
    );
    let code = match runner {
        Ok(h) => h.join(),
        Err(e) => {
            errln(&format!(
                "pyrite: can't start the interpreter thread: {}",
                sys::os_error(e)
            ));
            1
        }
    };
    sys::exit(code & 0xff);
}

/// Whether Python can run on the main thread: its stack may grow to at least `MAIN_STACK`
/// bytes (raising the soft limit when the hard limit allows). The kernel keeps at least 128 MiB
/// free below the main stack, so a limit raised now is usable. Otherwise Python gets a thread
/// of its own with a `THREAD_STACK` stack.
fn main_stack_fits() -> bool {
    sys::main_stack_fits(16 * 1024 * 1024)
}

/// The outermost frame of the Python thread: its address bounds the conservative stack scan.
fn thread_main(opts: Options, interrupts: Interrupts, prog: String, board: BoardMode) -> i32 {
    let top = 0usize;
    let top_addr = core::hint::black_box(&top) as *const usize as usize;
    execute(opts, interrupts, prog, top_addr, board)
}

/// `--board`: serve the REPL on stdin/stdout as a board's UART; `--board-tcp=PORT`: on a TCP
/// port of 127.0.0.1 (see repl.rs). These options come before the others.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BoardMode {
    No,
    Stdio,
    Tcp(u16),
}

fn board_option(argv: Vec<String>) -> (BoardMode, Vec<String>) {
    let mut mode = BoardMode::No;
    let mut out = Vec::with_capacity(argv.len());
    let mut taking = true;
    for (i, a) in argv.into_iter().enumerate() {
        if i > 0 && taking {
            if a == "--board" {
                mode = BoardMode::Stdio;
                continue;
            }
            if let Some(p) = a.strip_prefix("--board-tcp=") {
                match p.parse::<u16>() {
                    Ok(port) => mode = BoardMode::Tcp(port),
                    Err(_) => {
                        errln(&format!("pyrite: bad port in {a}"));
                        sys::exit(1);
                    }
                }
                continue;
            }
            taking = false;
        }
        out.push(a);
    }
    (mode, out)
}

/// `sys.path`: "" then MICROPYPATH's entries (or the default), with `~/` expanded.
fn sys_path() -> Vec<String> {
    let mut path = vec![String::new()];
    let spec = sys::getenv_str("MICROPYPATH")
        .unwrap_or_else(|| ".frozen:~/.micropython/lib:/usr/lib/micropython".into());
    let spec = spec.strip_prefix(':').unwrap_or(&spec);
    if spec.is_empty() {
        return path;
    }
    let home = sys::getenv_str("HOME");
    for entry in spec.split(':') {
        match (entry.strip_prefix("~/"), &home) {
            (Some(rest), Some(h)) => path.push(format!("{h}/{rest}")),
            _ => path.push(entry.to_string()),
        }
    }
    path
}

/// How an uncaught exception is reported: MicroPython's unix port prints the traceback of a
/// file or `-c` program to stdout (through pyexec) and that of a `-m` module or stdin program
/// to stderr.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Report {
    Pyexec,
    Stderr,
}

/// Make an interpreter over the heap region at `region` (address, length). Only one Vm may use
/// the region at a time: a soft reset drops the old one before making the next.
fn new_vm(
    opts: &Options,
    interrupts: &Interrupts,
    region: (usize, usize),
    stack_top: usize,
    board: Option<&repl::Board>,
) -> Option<Box<Vm>> {
    let config = Config {
        platform: "linux",
        path: sys_path(),
        opt_level: opts.opt_level,
        stack_limit: STACK_LIMIT,
    };
    // A fresh interpreter (start or soft reset) has Ctrl-C enabled again, as on a board.
    interrupts
        .disabled
        .store(false, core::sync::atomic::Ordering::Relaxed);
    let mut host = UnixHost::new(*interrupts);
    if let Some(b) = board {
        host.board = Some(host::BoardIo {
            input: Arc::clone(&b.queue),
            output: Arc::clone(&b.sink),
        });
    }
    // SAFETY: the region was leaked by `execute` (valid for the rest of the process) and no
    // other Vm uses it now (callers drop the previous Vm first).
    let vm = unsafe { Vm::new(region.0 as *mut u8, region.1, Box::new(host), config) };
    let mut vm = match vm {
        Ok(vm) => vm,
        Err(_) => {
            errln(&format!(
                "pyrite: heap of {} bytes is too small",
                opts.heap_size
            ));
            return None;
        }
    };
    vm.set_stack_top(stack_top);
    vm.sys.verbose = opts.verbose;
    let soft = sys::getenv_str("PYRITE_SOFT_MIN")
        .and_then(|s| s.parse().ok())
        .unwrap_or(256 * 1024);
    vm.heap.set_soft_min(soft);
    let console = board.map(|b| Arc::clone(&b.queue));
    pyrite_extmod::install(
        &mut vm,
        Box::new(platform::UnixPlatform::with_console(console)),
    );
    if let Ok(exe) = sys::readlink("/proc/self/exe") {
        let _ = pysys::set_executable(&mut vm, &String::from_utf8_lossy(&exe));
    }
    Some(vm)
}

#[inline(never)]
fn execute(
    opts: Options,
    interrupts: Interrupts,
    prog: String,
    stack_top: usize,
    board_mode: BoardMode,
) -> i32 {
    let region: &'static mut [u8] = Box::leak(vec![0u8; opts.heap_size].into_boxed_slice());
    let region = (region.as_mut_ptr() as usize, region.len());
    let board = match board_mode {
        BoardMode::No => None,
        _ => Some(repl::Board::new(interrupts.pending, interrupts.disabled)),
    };
    let Some(mut vm) = new_vm(&opts, &interrupts, region, stack_top, board.as_ref()) else {
        return 1;
    };
    let argv: Vec<&str> = opts.argv.iter().map(|s| s.as_str()).collect();

    let mut ret: Option<i32> = None;
    match &opts.action {
        Action::Command(cmd) => {
            let _ = pysys::set_argv(&mut vm, &argv);
            ret = Some(run_source(
                &mut vm,
                cmd,
                "<stdin>",
                opts.compile_only,
                Report::Pyexec,
            ));
        }
        Action::Module(name) => {
            let _ = pysys::set_argv(&mut vm, &argv);
            ret = Some(run_module(&mut vm, name));
        }
        Action::File(path) => {
            let real = match sys::realpath(path) {
                Ok(r) => r,
                Err(e) => {
                    errln(&format!(
                        "{prog}: can't open file '{path}': [Errno {e}] {}",
                        sys::strerror(e)
                    ));
                    return 2;
                }
            };
            let dir = parent_dir(&String::from_utf8_lossy(&real));
            let mut path_list: Vec<String> = sys_path();
            if let Some(first) = path_list.first_mut() {
                *first = dir;
            }
            let pl: Vec<&str> = path_list.iter().map(|s| s.as_str()).collect();
            let _ = pysys::set_path(&mut vm, &pl);
            let _ = pysys::set_argv(&mut vm, &argv);
            ret = Some(match sys::read_file(path) {
                Ok(src) => {
                    let src = String::from_utf8_lossy(&src).into_owned();
                    if opts.verbose >= 2 {
                        show_bytecode(&mut vm, &src, path);
                    }
                    run_source(&mut vm, &src, path, opts.compile_only, Report::Pyexec)
                }
                Err(e) => {
                    errln(&format!(
                        "{prog}: can't open file '{path}': [Errno {e}] {}",
                        sys::strerror(e)
                    ));
                    2
                }
            });
        }
        Action::Stdin => {
            let _ = pysys::set_argv(&mut vm, &argv);
        }
    }

    let inspect = opts.inspect || sys::getenv_str("MICROPYINSPECT").is_some_and(|v| !v.is_empty());
    if let Some(b) = &board {
        match board_mode {
            BoardMode::Tcp(port) => {
                if let Err(e) = b.serve_tcp(port) {
                    errln(&format!("pyrite: can't listen on 127.0.0.1:{port}: {e}"));
                    return 1;
                }
            }
            _ => b.spawn_reader(0, true),
        }
        let mut con = repl::BoardConsole { board: b.clone() };
        let mut make = || new_vm(&opts, &interrupts, region, stack_top, board.as_ref());
        return repl::run(vm, &mut make, &mut con, &banner(), true);
    }
    if ret.is_none() || inspect {
        let tty = sys::isatty(0);
        if tty || inspect {
            if tty {
                let mut con = repl::TtyConsole::new();
                let mut make = || new_vm(&opts, &interrupts, region, stack_top, None);
                return repl::run(vm, &mut make, &mut con, &banner(), false);
            }
            ret = Some(run_repl(&mut vm));
        } else {
            let mut src = Vec::new();
            let _ = sys::read_to_end(0, &mut src);
            let src = String::from_utf8_lossy(&src).into_owned();
            ret = Some(run_source(
                &mut vm,
                &src,
                "<stdin>",
                opts.compile_only,
                Report::Stderr,
            ));
        }
    }

    pysys::run_atexit(&mut vm);
    if opts.verbose > 0 {
        let s = micropython::mem_info_text(&mut vm, false);
        vm.write_stdout(&s);
    }
    ret.unwrap_or(0)
}

/// `-v -v`: print the program's bytecode in MicroPython's layout before running it (compile
/// errors are left to the run, which reports them).
fn show_bytecode(vm: &mut Vm, src: &str, file: &str) {
    let copts = pyrite_compiler::Options {
        opt_level: vm.config.opt_level,
        small_int_bits: (pyrite_core::value::SMALL_INT_BITS).min(63) as u8,
        native: true,
    };
    if let Ok(m) = pyrite_compiler::compile(src, file, Mode::File, &copts) {
        let text = pyrite_compiler::showbc::show_module(&m);
        vm.write_stdout(&text);
    }
}

/// The directory part of absolute path `path` ("/" for a file at the root).
fn parent_dir(path: &str) -> String {
    match path.rfind('/') {
        Some(0) => "/".to_string(),
        Some(i) => path[..i].to_string(),
        None => String::new(),
    }
}

/// The exit status for an uncaught exception, after reporting it as MicroPython does.
fn uncaught(vm: &mut Vm, e: PyErr, report: Report) -> i32 {
    if let Some(code) = pysys::exit_code(vm, e.0) {
        let value = pysys::exception_value(e.0);
        if report == Report::Pyexec && !value.is_none() && code == 1 && !value.is_small_int() {
            // `sys.exit("message")`: the message goes to stderr.
            if let Ok(mut s) = vm.str_string(value) {
                s.push('\n');
                vm.write_stderr(&s);
            }
        }
        return code;
    }
    let mut out = String::new();
    if exc::print_exception(vm, e.0, &mut out).is_err() {
        out = String::from("Traceback (most recent call last):\n(error while printing)\n");
    }
    let is_kbd = vm.is_subclass(
        e.0.type_of(),
        pyrite_core::TypeRef::of_static(&exc::KEYBOARD_INTERRUPT),
    );
    match report {
        Report::Pyexec => {
            vm.write_stdout(&out);
            if is_kbd {
                130
            } else {
                1
            }
        }
        Report::Stderr => {
            vm.write_stderr(&out);
            1
        }
    }
}

/// Compile and run a program in `__main__`, with `__file__` set; the exit status.
fn run_source(vm: &mut Vm, src: &str, file: &str, compile_only: bool, report: Report) -> i32 {
    let file_q: Qstr = vm.intern(file);
    let globals = modules::main_globals(vm);
    if let Some(g) = globals.downcast::<pyrite_core::map::DictObj>() {
        let _ = g
            .map
            .set_qstr(vm, pyrite_core::Q::__file__, Value::qstr(file_q));
    }
    let result = if compile_only {
        glue::compile(vm, src, file_q, Mode::File).map(|_| Value::NONE)
    } else {
        glue::exec_source(vm, src, file_q, Mode::File, globals, globals)
    };
    let result = result.and_then(|_| micropython::run_scheduled(vm));
    match result {
        Ok(()) => 0,
        Err(e) => uncaught(vm, e, report),
    }
}

/// `-m MODULE`: import it as `__main__` (and `MODULE.__main__` for a package).
fn run_module(vm: &mut Vm, name: &str) -> i32 {
    let r = (|| -> Result<(), PyErr> {
        let q = vm.intern(name);
        let m = glue::import_main(vm, q)?;
        let path_q = vm.intern("__path__");
        if vm.load_attr_maybe(m, path_q)?.is_some() {
            let sub = format!("{name}.__main__");
            let q = vm.intern(&sub);
            glue::import_main(vm, q)?;
        }
        micropython::run_scheduled(vm)
    })();
    match r {
        Ok(()) => 0,
        Err(e) => uncaught(vm, e, Report::Stderr),
    }
}

/// Read one line from the console after printing `prompt` (None at end of input).
fn read_line(vm: &mut Vm, prompt: Value) -> Option<String> {
    if let Ok(p) = vm.str_string(prompt) {
        vm.write_stdout(&p);
    }
    let line = pyrite_core::modules::io::read_line(vm, 0, None).ok()?;
    if line.is_empty() {
        return None;
    }
    let mut s = String::from_utf8_lossy(&line).into_owned();
    while s.ends_with('\n') || s.ends_with('\r') {
        s.pop();
    }
    Some(s)
}

/// The plain REPL: returns the exit status (SystemExit ends it).
fn run_repl(vm: &mut Vm) -> i32 {
    let text = format!("{}\nType \"help()\" for more information.\n", banner());
    vm.write_stdout(&text);
    loop {
        let ps1 = sys_prompt(vm, pyrite_core::Q::ps1, ">>> ");
        let Some(mut input) = read_line(vm, ps1) else {
            vm.write_stdout("\n");
            return 0;
        };
        while pyrite_compiler::repl::continue_with_input(&input) {
            let ps2 = sys_prompt(vm, pyrite_core::Q::ps2, "... ");
            match read_line(vm, ps2) {
                Some(l) => {
                    input.push('\n');
                    input.push_str(&l);
                }
                None => break,
            }
        }
        if input.trim().is_empty() {
            continue;
        }
        let globals = modules::main_globals(vm);
        let r = glue::exec_source(
            vm,
            &input,
            pyrite_core::Q::LT_STDIN,
            Mode::Single,
            globals,
            globals,
        )
        .and_then(|_| micropython::run_scheduled(vm));
        if let Err(e) = r {
            if let Some(code) = pysys::exit_code(vm, e.0) {
                return code;
            }
            uncaught(vm, e, Report::Pyexec);
        }
    }
}

fn sys_prompt(vm: &mut Vm, name: Qstr, default: &str) -> Value {
    let v = modules::sys_attr(vm, name);
    if v.is_null() {
        new_str(vm, default).unwrap_or(Value::NONE)
    } else {
        v
    }
}
