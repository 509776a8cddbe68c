//! `pyrite-cross`: compile Python source to a .mpy file, like MicroPython's mpy-cross.
//!
//! Usage: `pyrite-cross [options] file.py`
//!   -o FILE                 output file (default: file.mpy next to the input)
//!   -O<n>                   optimisation level (0-3)
//!   -msmall-int-bits=<n>    bits in the target's small int (default 31)
//!   -s NAME                 source name stored in the file (default: the input path)
//!   --dump                  print a disassembly instead of (or, with -o, as well as) writing
//!   --dump-mpy FILE.mpy     disassemble an existing .mpy file

use std::process::ExitCode;

use pyrite_compiler::{
    bc, compile_with_limit, parser::MAX_DEPTH, read_mpy, write_mpy, Mode, Options,
};

fn usage() -> ExitCode {
    eprintln!("usage: pyrite-cross [-o out.mpy] [-O<n>] [-msmall-int-bits=<n>] [-s name] [--dump] file.py");
    eprintln!("       pyrite-cross --dump-mpy file.mpy");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let mut out: Option<String> = None;
    let mut input: Option<String> = None;
    let mut source_name: Option<String> = None;
    let mut opts = Options::default();
    let mut dump = false;
    let mut dump_mpy: Option<String> = None;
    while let Some(a) = args.next() {
        if a == "-o" {
            out = args.next();
        } else if a == "-s" {
            source_name = args.next();
        } else if a == "--dump" {
            dump = true;
        } else if a == "--dump-mpy" {
            dump_mpy = args.next();
        } else if a == "--roundtrip" {
            // read a .mpy and write it back (tests the reader/writer)
            let (Some(i), Some(o)) = (args.next(), args.next()) else {
                return usage();
            };
            let data = std::fs::read(&i).unwrap_or_default();
            return match read_mpy(&data) {
                Ok(m) => {
                    let bits = data.get(3).copied().unwrap_or(31);
                    if std::fs::write(&o, write_mpy(&m, bits)).is_err() {
                        return ExitCode::from(1);
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("ValueError: {}", e);
                    ExitCode::from(1)
                }
            };
        } else if let Some(n) = a.strip_prefix("-msmall-int-bits=") {
            match n.parse() {
                Ok(v) => opts.small_int_bits = v,
                Err(_) => return usage(),
            }
        } else if let Some(n) = a.strip_prefix("-O") {
            opts.opt_level = if n.is_empty() {
                1
            } else {
                n.parse().unwrap_or(0)
            };
        } else if a.starts_with("-march=") || a == "-X" || a.starts_with("-X") {
            // accepted for compatibility; only bytecode is produced
            if a == "-X" {
                args.next();
            }
        } else if a.starts_with('-') && a != "-" {
            return usage();
        } else {
            input = Some(a);
        }
    }
    if let Some(f) = dump_mpy {
        let data = match std::fs::read(&f) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{}: {}", f, e);
                return ExitCode::from(1);
            }
        };
        return match read_mpy(&data) {
            Ok(m) => {
                print!("{}", bc::disassemble(&m));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("ValueError: {}", e);
                ExitCode::from(1)
            }
        };
    }
    let Some(input) = input else { return usage() };
    let src = match std::fs::read(&input) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{}: {}", input, e);
            return ExitCode::from(1);
        }
    };
    let name = source_name.unwrap_or_else(|| input.clone());
    let m = match compile_with_limit(&src, &name, Mode::File, &opts, MAX_DEPTH) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("Traceback (most recent call last):");
            eprintln!("{}", e);
            return ExitCode::from(1);
        }
    };
    if dump {
        print!("{}", bc::disassemble(&m));
        if out.is_none() {
            return ExitCode::SUCCESS;
        }
    }
    let out = out.unwrap_or_else(|| match input.strip_suffix(".py") {
        Some(stem) => format!("{}.mpy", stem),
        None => format!("{}.mpy", input),
    });
    if let Err(e) = std::fs::write(&out, write_mpy(&m, opts.small_int_bits)) {
        eprintln!("{}: {}", out, e);
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
