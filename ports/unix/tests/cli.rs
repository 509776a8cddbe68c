//! The `pyrite` command line, run as a subprocess.
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn pyrite(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pyrite"))
        .args(args)
        .env("MICROPYPATH", "")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pyrite runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn command_and_argv() {
    let o = pyrite(&["-c", "import sys; print(sys.argv, 6 * 7)", "a", "b"], "");
    assert_eq!(out(&o), "['-c', 'a', 'b'] 42\n");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn program_on_stdin() {
    let o = pyrite(&[], "x = 5\nprint(x * 2)\n");
    assert_eq!(out(&o), "10\n");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn exit_status() {
    for (code, status) in [
        ("import sys; sys.exit()", 0),
        ("import sys; sys.exit(None)", 0),
        ("import sys; sys.exit(3)", 3),
        ("raise SystemExit(258)", 2),
    ] {
        let o = pyrite(&["-c", code], "");
        assert_eq!(o.status.code(), Some(status), "{code}");
        assert_eq!(out(&o), "");
    }
    let o = pyrite(&["-c", "import sys; sys.exit('bye')"], "");
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(err(&o), "bye\n");
}

#[test]
fn uncaught_exception() {
    // A -c program reports to stdout (as MicroPython's pyexec does) and exits 1.
    let o = pyrite(&["-c", "print('a')\nraise ValueError('bad')"], "");
    assert_eq!(o.status.code(), Some(1));
    let s = out(&o);
    assert!(
        s.starts_with("a\nTraceback (most recent call last):\n"),
        "{s}"
    );
    assert!(s.ends_with("ValueError: bad\n"), "{s}");
    // A program on stdin reports to stderr.
    let o = pyrite(&[], "1/0\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("ZeroDivisionError"), "{}", err(&o));
}

#[test]
fn options() {
    let o = pyrite(&["-X", "heapsize=1"], "");
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).starts_with("Invalid command line arguments"));
    let o = pyrite(&["--version"], "");
    assert!(out(&o).contains("Pyrite"));
    let o = pyrite(&["-O", "-c", "print(__debug__)\nassert 0\nprint('ok')"], "");
    assert_eq!(out(&o), "False\nok\n");
    let o = pyrite(
        &[
            "-X",
            "heapsize=64k",
            "-c",
            "import gc; print(gc.mem_free() + gc.mem_alloc() <= 65536)",
        ],
        "",
    );
    assert_eq!(out(&o), "True\n");
    let o = pyrite(&["no/such/file.py"], "");
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("can't open file 'no/such/file.py'"));
}

#[test]
fn memory_error_is_recoverable() {
    let prog = "try:\n    x = [0] * 10000000\nexcept MemoryError:\n    print('MemoryError')\nprint(len([1] * 100))\n";
    let o = pyrite(&["-X", "heapsize=256k", "-c", prog], "");
    assert_eq!(out(&o), "MemoryError\n100\n");
}

#[test]
fn deep_recursion_is_runtime_error() {
    let prog = "def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RuntimeError as e:\n    print('RuntimeError')\n";
    let o = pyrite(&["-c", prog], "");
    assert_eq!(out(&o), "RuntimeError\n");
}

#[test]
fn run_file_and_module() {
    let dir = std::env::temp_dir().join(format!("pyrite-cli-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(
        dir.join("prog.py"),
        "import sys, helper\nprint(__name__, sys.argv[1:], helper.X, __file__.endswith('prog.py'))\n",
    )
    .unwrap();
    std::fs::write(dir.join("helper.py"), "X = 7\n").unwrap();
    std::fs::write(dir.join("pkg/__init__.py"), "").unwrap();
    std::fs::write(dir.join("pkg/__main__.py"), "print('pkg main', __name__)\n").unwrap();
    std::fs::write(
        dir.join("mod.py"),
        "import sys\nprint('mod', __name__, sys.argv)\n",
    )
    .unwrap();
    let path = dir.join("prog.py");
    let o = pyrite(&[path.to_str().unwrap(), "x"], "");
    assert_eq!(out(&o), "__main__ ['x'] 7 True\n");
    let o = Command::new(env!("CARGO_BIN_EXE_pyrite"))
        .args(["-m", "mod", "arg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out(&o), "mod __main__ ['mod', 'arg']\n");
    let o = Command::new(env!("CARGO_BIN_EXE_pyrite"))
        .args(["-m", "pkg"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out(&o), "pkg main __main__\n");
    let _ = std::fs::remove_dir_all(&dir);
}
