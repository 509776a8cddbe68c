//! `pyrite`: the host interpreter, command line compatible with MicroPython's unix port.
//!
//! The binary has its own C `main` (`#![no_main]`): Rust's start-up code would read
//! /proc/self/maps to place a guard page for the main thread, which costs a tenth of a
//! millisecond and pulls the C library's scanf into memory, for a thread that does not run
//! Python anyway (the interpreter gets its own big-stack thread below).
#![no_main]

mod args;
mod fs;
mod host;
mod net;
mod pins;
mod platform;
mod repl;
#[cfg(feature = "tls")]
mod tls;

use std::io::IsTerminal;

use pyrite_compiler::Mode;
use pyrite_core::modules::{self, glue, micropython, sys};
use pyrite_core::types::exception as exc;
use pyrite_core::types::str::new_str;
use pyrite_core::{Config, PyErr, Qstr, Value, Vm};

use args::{Action, Options, Parsed};
use host::{Interrupts, UnixHost};

/// Native stack of the thread that runs Python. Deep recursion is stopped by the VM at
/// `STACK_LIMIT` bytes, well before the end of this stack, so it raises RuntimeError instead of
/// overflowing.
const THREAD_STACK: usize = 256 * 1024 * 1024;
const STACK_LIMIT: usize = 1024 * 1024;

/// The first line of the REPL banner and of `--version`.
fn banner() -> String {
    format!(
        "MicroPython compatible Pyrite v{}; linux [Rust] version",
        sys::PYRITE_VERSION
    )
}

/// The C entry point (see the module comment).
#[no_mangle]
pub extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    // SAFETY: plain libc calls made before any other thread exists: writes to a closed pipe or
    // socket report EPIPE instead of killing the process (what Rust's start-up would set), and
    // the interpreter thread shares the main malloc arena instead of reserving one of its own.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    run_main();
    0
}

fn run_main() {
    let argv: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let prog = argv.first().cloned().unwrap_or_else(|| "pyrite".into());
    let (board, argv) = board_option(argv);
    let opts = match args::parse(argv.get(1..).unwrap_or(&[])) {
        Parsed::Run(o) => o,
        Parsed::Help => {
            print!("{}", args::help_text(&prog));
            std::process::exit(0);
        }
        Parsed::Version => {
            println!("{}", banner());
            std::process::exit(0);
        }
        Parsed::Invalid => {
            eprintln!("Invalid command line arguments. Use -h option for help.");
            std::process::exit(1);
        }
    };
    let interrupts = Interrupts::install();
    if main_stack_fits() {
        let code = thread_main(opts, interrupts, prog, board);
        std::process::exit(code & 0xff);
    }
    let runner = std::thread::Builder::new()
        .name("python".into())
        .stack_size(THREAD_STACK)
        .spawn(move || thread_main(opts, interrupts, prog, board));
    let code = match runner {
        Ok(h) => h.join().unwrap_or(1),
        Err(e) => {
            eprintln!("pyrite: can't start the interpreter thread: {e}");
            1
        }
    };
    std::process::exit(code & 0xff);
}

/// Whether Python can run on the main thread: its stack may grow to at least `MAIN_STACK`
/// bytes (raising the soft limit when the hard limit allows). The kernel keeps at least 128 MiB
/// free below the main stack, so a limit raised now is usable. Otherwise Python gets a thread
/// of its own with a `THREAD_STACK` stack.
fn main_stack_fits() -> bool {
    const MAIN_STACK: u64 = 16 * 1024 * 1024;
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_STACK, &mut lim) != 0 {
            return false;
        }
        if lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur >= MAIN_STACK {
            return true;
        }
        if lim.rlim_max != libc::RLIM_INFINITY && lim.rlim_max < MAIN_STACK {
            return false;
        }
        lim.rlim_cur = MAIN_STACK;
        libc::setrlimit(libc::RLIMIT_STACK, &lim) == 0
    }
}

/// The outermost frame of the Python thread: its address bounds the conservative stack scan.
fn thread_main(opts: Options, interrupts: Interrupts, prog: String, board: BoardMode) -> i32 {
    let top = 0usize;
    let top_addr = std::hint::black_box(&top) as *const usize as usize;
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
                        eprintln!("pyrite: bad port in {a}");
                        std::process::exit(1);
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
    let spec = std::env::var("MICROPYPATH")
        .unwrap_or_else(|_| ".frozen:~/.micropython/lib:/usr/lib/micropython".into());
    let spec = spec.strip_prefix(':').unwrap_or(&spec);
    if spec.is_empty() {
        return path;
    }
    let home = std::env::var("HOME").ok();
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
        .store(false, std::sync::atomic::Ordering::Relaxed);
    let mut host = UnixHost::new(Interrupts {
        pending: std::sync::Arc::clone(&interrupts.pending),
        disabled: std::sync::Arc::clone(&interrupts.disabled),
    });
    if let Some(b) = board {
        host.board = Some(host::BoardIo {
            input: std::sync::Arc::clone(&b.queue),
            output: std::sync::Arc::clone(&b.sink),
        });
    }
    // SAFETY: the region was leaked by `execute` (valid for the rest of the process) and no
    // other Vm uses it now (callers drop the previous Vm first).
    let vm = unsafe { Vm::new(region.0 as *mut u8, region.1, Box::new(host), config) };
    let mut vm = match vm {
        Ok(vm) => vm,
        Err(_) => {
            eprintln!("pyrite: heap of {} bytes is too small", opts.heap_size);
            return None;
        }
    };
    vm.set_stack_top(stack_top);
    vm.sys.verbose = opts.verbose;
    let soft = std::env::var("PYRITE_SOFT_MIN")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256 * 1024);
    vm.heap.set_soft_min(soft);
    let console = board.map(|b| std::sync::Arc::clone(&b.queue));
    pyrite_extmod::install(
        &mut vm,
        Box::new(platform::UnixPlatform::with_console(console)),
    );
    if let Ok(exe) = std::env::current_exe() {
        let _ = sys::set_executable(&mut vm, &exe.to_string_lossy());
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
        _ => Some(repl::Board::new(
            std::sync::Arc::clone(&interrupts.pending),
            std::sync::Arc::clone(&interrupts.disabled),
        )),
    };
    let Some(mut vm) = new_vm(&opts, &interrupts, region, stack_top, board.as_ref()) else {
        return 1;
    };
    let argv: Vec<&str> = opts.argv.iter().map(|s| s.as_str()).collect();

    let mut ret: Option<i32> = None;
    match &opts.action {
        Action::Command(cmd) => {
            let _ = sys::set_argv(&mut vm, &argv);
            ret = Some(run_source(
                &mut vm,
                cmd,
                "<stdin>",
                opts.compile_only,
                Report::Pyexec,
            ));
        }
        Action::Module(name) => {
            let _ = sys::set_argv(&mut vm, &argv);
            ret = Some(run_module(&mut vm, name));
        }
        Action::File(path) => {
            let real = match std::fs::canonicalize(path) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!(
                        "{prog}: can't open file '{path}': [Errno {}] {}",
                        e.raw_os_error().unwrap_or(2),
                        os_error_text(&e)
                    );
                    return 2;
                }
            };
            let dir = real
                .parent()
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut path_list: Vec<String> = sys_path();
            if let Some(first) = path_list.first_mut() {
                *first = dir;
            }
            let pl: Vec<&str> = path_list.iter().map(|s| s.as_str()).collect();
            let _ = sys::set_path(&mut vm, &pl);
            let _ = sys::set_argv(&mut vm, &argv);
            ret = Some(match std::fs::read(path) {
                Ok(src) => {
                    let src = String::from_utf8_lossy(&src).into_owned();
                    if opts.verbose >= 2 {
                        show_bytecode(&mut vm, &src, path);
                    }
                    run_source(&mut vm, &src, path, opts.compile_only, Report::Pyexec)
                }
                Err(e) => {
                    eprintln!(
                        "{prog}: can't open file '{path}': [Errno {}] {}",
                        e.raw_os_error().unwrap_or(2),
                        os_error_text(&e)
                    );
                    2
                }
            });
        }
        Action::Stdin => {
            let _ = sys::set_argv(&mut vm, &argv);
        }
    }

    let inspect = opts.inspect
        || std::env::var("MICROPYINSPECT")
            .map(|v| !v.is_empty())
            .unwrap_or(false);
    if let Some(b) = &board {
        match board_mode {
            BoardMode::Tcp(port) => {
                if let Err(e) = b.serve_tcp(port) {
                    eprintln!("pyrite: can't listen on 127.0.0.1:{port}: {e}");
                    return 1;
                }
            }
            _ => b.spawn_reader(std::io::stdin(), true),
        }
        let mut con = repl::BoardConsole { board: b.clone() };
        let mut make = || new_vm(&opts, &interrupts, region, stack_top, board.as_ref());
        return repl::run(vm, &mut make, &mut con, &banner(), true);
    }
    if ret.is_none() || inspect {
        if std::io::stdin().is_terminal() || inspect {
            if std::io::stdin().is_terminal() {
                let mut con = repl::TtyConsole::new();
                let mut make = || new_vm(&opts, &interrupts, region, stack_top, None);
                return repl::run(vm, &mut make, &mut con, &banner(), false);
            }
            ret = Some(run_repl(&mut vm));
        } else {
            let mut src = Vec::new();
            let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut src);
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

    sys::run_atexit(&mut vm);
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

fn os_error_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The exit status for an uncaught exception, after reporting it as MicroPython does.
fn uncaught(vm: &mut Vm, e: PyErr, report: Report) -> i32 {
    if let Some(code) = sys::exit_code(vm, e.0) {
        let value = sys::exception_value(e.0);
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
            if let Some(code) = sys::exit_code(vm, e.0) {
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
