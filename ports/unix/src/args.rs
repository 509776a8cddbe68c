//! The command line, as MicroPython's unix port reads it:
//! `pyrite [-h] [--version] [-i] [-v] [-O[N]] [-X opt] [-c CMD | -m MODULE | FILE] [ARGS...]`.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;

/// The default heap: 1 MiB per 32 bits of word size (2 MiB on a 64-bit host), as MicroPython's
/// unix port.
pub const DEFAULT_HEAP: usize = 1024 * 1024 * (core::mem::size_of::<usize>() / 4);

/// What to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `-c CMD`: argv is ["-c", rest...].
    Command(String),
    /// `-m MODULE`.
    Module(String),
    /// `FILE`.
    File(String),
    /// Nothing named: the REPL on a terminal, else the program on stdin.
    Stdin,
}

/// The parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub heap_size: usize,
    pub opt_level: u8,
    pub verbose: u32,
    pub inspect: bool,
    pub compile_only: bool,
    pub action: Action,
    /// `sys.argv`.
    pub argv: Vec<String>,
}

/// What the command line asks for besides running code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parsed {
    Run(Options),
    Help,
    Version,
    /// Bad arguments: print MicroPython's message and exit 1.
    Invalid,
}

/// Parse `-X heapsize=` values: a number in C `strtol` base-0 syntax (decimal, 0x.. hex, 0..
/// octal), then an optional `w` (scale by word size / 4), then an optional `k`/`m`.
pub fn parse_heapsize(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let (radix, start) = if b.len() > 2 && b[0] == b'0' && (b[1] | 0x20) == b'x' {
        (16, 2)
    } else if b.len() > 1 && b[0] == b'0' && b[1].is_ascii_digit() {
        (8, 1)
    } else {
        (10, 0)
    };
    let mut end = start;
    while end < b.len() && (b[end] as char).is_digit(radix) {
        end += 1;
    }
    let mut n: usize = if end == start {
        if radix == 8 {
            0
        } else {
            return None;
        }
    } else {
        usize::from_str_radix(&s[start..end], radix).ok()?
    };
    let mut rest = &b[end..];
    let mut word_adjust = false;
    if let Some((&c, r)) = rest.split_first() {
        if c | 0x20 == b'w' {
            word_adjust = true;
            rest = r;
        }
    }
    if let Some((&c, r)) = rest.split_first() {
        match c | 0x20 {
            b'k' => {
                n = n.checked_mul(1024)?;
                rest = r;
            }
            b'm' => {
                n = n.checked_mul(1024 * 1024)?;
                rest = r;
            }
            _ => {}
        }
    }
    if !rest.is_empty() {
        return None;
    }
    if word_adjust {
        n = n.checked_mul(core::mem::size_of::<usize>())? / 4;
    }
    if n < 700 {
        return None;
    }
    Some(n)
}

/// Parse the arguments after the program name.
pub fn parse(args: &[String]) -> Parsed {
    let mut o = Options {
        heap_size: DEFAULT_HEAP,
        opt_level: 0,
        verbose: 0,
        inspect: false,
        compile_only: false,
        action: Action::Stdin,
        argv: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i].as_str();
        if !a.starts_with('-') || a == "-" {
            if a == "-" {
                // CPython's "read the program from stdin".
                o.argv = args[i..].to_vec();
                o.argv[0] = String::new();
                return Parsed::Run(o);
            }
            o.action = Action::File(a.to_string());
            o.argv = args[i..].to_vec();
            return Parsed::Run(o);
        }
        match a {
            "-h" => return Parsed::Help,
            "--version" => return Parsed::Version,
            "-i" => o.inspect = true,
            "-v" => o.verbose += 1,
            "-c" => {
                let Some(cmd) = args.get(i + 1) else {
                    return Parsed::Invalid;
                };
                o.action = Action::Command(cmd.clone());
                o.argv = vec!["-c".to_string()];
                o.argv.extend_from_slice(&args[i + 2..]);
                return Parsed::Run(o);
            }
            "-m" => {
                let Some(m) = args.get(i + 1) else {
                    return Parsed::Invalid;
                };
                o.action = Action::Module(m.clone());
                o.argv = args[i + 1..].to_vec();
                return Parsed::Run(o);
            }
            "-X" => {
                let Some(x) = args.get(i + 1) else {
                    return Parsed::Invalid;
                };
                if x == "compile-only" {
                    o.compile_only = true;
                } else if x == "emit=bytecode" || x == "realtime" {
                    // The only emitter; realtime is a macOS scheduling hint.
                } else if let Some(h) = x.strip_prefix("heapsize=") {
                    match parse_heapsize(h) {
                        Some(n) => o.heap_size = n,
                        None => return Parsed::Invalid,
                    }
                } else {
                    return Parsed::Invalid;
                }
                i += 1;
            }
            _ if a.starts_with("-O") => {
                let rest = &a[2..];
                if let Some(d) = rest.chars().next().and_then(|c| c.to_digit(10)) {
                    o.opt_level = d.min(3) as u8;
                } else if rest.chars().all(|c| c == 'O') {
                    o.opt_level = (1 + rest.len()).min(3) as u8;
                } else {
                    return Parsed::Invalid;
                }
            }
            _ => return Parsed::Invalid,
        }
        i += 1;
    }
    Parsed::Run(o)
}

/// `-h` text.
pub fn help_text(prog: &str) -> String {
    format!(
        "usage: {prog} [<opts>] [-X <implopt>] [-c <command> | -m <module> | <filename>]\n\
         Options:\n\
         --version : show version information\n\
         -h : print this help message\n\
         -i : enable inspection via REPL after running command/module/file\n\
         -v : verbose (trace various operations); can be multiple\n\
         -O[N] : apply bytecode optimizations of level N\n\
         \n\
         Implementation specific options (-X):\n\
         \x20 compile-only                 -- parse and compile only\n\
         \x20 emit=bytecode                -- set the default code emitter\n\
         \x20 heapsize=<n>[w][K|M] -- set the heap size for the GC (default {DEFAULT_HEAP})\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Options {
        let v: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        match parse(&v) {
            Parsed::Run(o) => o,
            other => panic!("unexpected {:?}", other),
        }
    }

    #[test]
    fn heapsize() {
        assert_eq!(parse_heapsize("1000"), Some(1000));
        assert_eq!(parse_heapsize("16k"), Some(16 * 1024));
        assert_eq!(parse_heapsize("2M"), Some(2 * 1024 * 1024));
        assert_eq!(parse_heapsize("0x1000"), Some(4096));
        assert_eq!(parse_heapsize("010000"), Some(4096));
        assert_eq!(
            parse_heapsize("4wk"),
            Some(4 * 1024 * core::mem::size_of::<usize>() / 4)
        );
        assert_eq!(parse_heapsize("100"), None);
        assert_eq!(parse_heapsize("12q"), None);
        assert_eq!(parse_heapsize(""), None);
        assert_eq!(parse_heapsize("k"), None);
        assert_eq!(parse_heapsize("99999999999999999999999m"), None);
    }

    #[test]
    fn actions() {
        let o = run(&["-X", "emit=bytecode", "t.py", "a", "-c"]);
        assert_eq!(o.action, Action::File("t.py".into()));
        assert_eq!(o.argv, vec!["t.py", "a", "-c"]);
        let o = run(&["-c", "print(1)", "x"]);
        assert_eq!(o.action, Action::Command("print(1)".into()));
        assert_eq!(o.argv, vec!["-c", "x"]);
        let o = run(&["-m", "mod", "y"]);
        assert_eq!(o.action, Action::Module("mod".into()));
        assert_eq!(o.argv, vec!["mod", "y"]);
        let o = run(&["-X", "heapsize=64k", "-O2", "-v", "-v"]);
        assert_eq!(o.action, Action::Stdin);
        assert_eq!(o.heap_size, 65536);
        assert_eq!(o.opt_level, 2);
        assert_eq!(o.verbose, 2);
        assert_eq!(run(&["-OO"]).opt_level, 2);
        assert_eq!(run(&["-O"]).opt_level, 1);
    }

    #[test]
    fn invalid() {
        let p = |a: &[&str]| parse(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(p(&["-X"]), Parsed::Invalid);
        assert_eq!(p(&["-X", "heapsize=1"]), Parsed::Invalid);
        assert_eq!(p(&["-X", "bogus"]), Parsed::Invalid);
        assert_eq!(p(&["-c"]), Parsed::Invalid);
        assert_eq!(p(&["-m"]), Parsed::Invalid);
        assert_eq!(p(&["-q"]), Parsed::Invalid);
        assert_eq!(p(&["-h"]), Parsed::Help);
        assert_eq!(p(&["--version"]), Parsed::Version);
    }
}
