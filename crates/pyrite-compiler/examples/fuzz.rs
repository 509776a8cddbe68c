//! Long-running fuzzer for compile() and read_mpy() (dev tool):
//! `RUSTFLAGS="-C overflow-checks=on" cargo run --release --example fuzz -- [iterations] [seed]`
//! Feeds random and mutated programs (built from MicroPython's tests if present) and mutated
//! .mpy files; prints any input that panics.
use pyrite_compiler::{bc, compile, read_mpy, write_mpy, Mode, Options};
use std::panic;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn corpus() -> Vec<String> {
    let mut v = Vec::new();
    for d in ["basics", "float", "micropython", "misc", "unicode"] {
        let dir = format!("/work/ref/micropython/tests/{}", d);
        if let Ok(rd) = std::fs::read_dir(&dir) {
            for e in rd.flatten() {
                if e.path().extension().map(|x| x == "py").unwrap_or(false) {
                    if let Ok(s) = std::fs::read_to_string(e.path()) {
                        v.push(s);
                    }
                }
            }
        }
    }
    if v.is_empty() {
        v.push("def f(a, *b, c=1, **d):\n    return [x for x in b if x] + f'{a!r}'\n".into());
    }
    v
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let iters: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let mut rng = Rng(args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15));
    let corpus = corpus();
    let tokens = [
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ":",
        ",",
        "=",
        ":=",
        "*",
        "**",
        "lambda",
        "yield",
        "await",
        "async",
        "def",
        "class",
        "\n",
        "\n    ",
        "\n        ",
        "f'{",
        "}'",
        "'",
        "\"\"\"",
        "\\",
        "#",
        "@",
        "not",
        "in",
        "is",
        "if",
        "else",
        "for",
        "return",
        "global",
        "nonlocal",
        "try:",
        "except",
        "finally:",
        "with",
        "as",
        "del",
        "0x",
        "1e",
        "j",
        "_",
        "const(",
        "super()",
        "...",
        ".",
        "-",
        "~",
        "<<",
        "!=",
        "0",
        "9999999999999999999999",
        "\t",
        "\r",
    ];
    panic::set_hook(Box::new(|_| {}));
    let mut compiled = 0usize;
    for i in 0..iters {
        let base = &corpus[rng.below(corpus.len())];
        let mut s: Vec<u8> = base.as_bytes().to_vec();
        for _ in 0..1 + rng.below(8) {
            let pos = rng.below(s.len() + 1);
            match rng.below(5) {
                0 if pos < s.len() => {
                    let n = rng.below(20).min(s.len() - pos);
                    s.drain(pos..pos + n);
                }
                1 => {
                    let t = tokens[rng.below(tokens.len())].as_bytes();
                    s.splice(pos..pos, t.iter().copied());
                }
                2 if pos < s.len() => s[pos] = rng.next() as u8 & 0x7f,
                3 => {
                    // duplicate a slice
                    let a = rng.below(s.len() + 1);
                    let b = (a + rng.below(40)).min(s.len());
                    let piece: Vec<u8> = s[a..b].to_vec();
                    s.splice(pos..pos, piece);
                }
                _ => {}
            }
        }
        let src = String::from_utf8_lossy(&s).into_owned();
        let mode = [Mode::File, Mode::Single, Mode::Eval][rng.below(3)];
        let opts = Options {
            opt_level: rng.below(4) as u8,
            small_int_bits: [31u8, 63, 15][rng.below(3)],
            native: false,
        };
        let native_opts = Options {
            native: true,
            ..opts.clone()
        };
        let r = panic::catch_unwind(|| {
            // with native/viper code (never written to .mpy): must not panic
            if let Ok(m) = compile(&src, "fuzz.py", mode, &native_opts) {
                let _ = bc::disassemble(&m);
            }
            if let Ok(m) = compile(&src, "fuzz.py", mode, &opts) {
                let data = write_mpy(&m, opts.small_int_bits);
                let back = read_mpy(&data).expect("own output must load");
                assert_eq!(back, m);
                let _ = bc::disassemble(&m);
                // mutate the .mpy too
                let mut d = data.clone();
                for k in 0..4 {
                    if d.is_empty() {
                        break;
                    }
                    let p = (k * 7919 + d.len() / 3) % d.len();
                    d[p] ^= 0x55;
                    if let Ok(m2) = read_mpy(&d) {
                        let _ = bc::disassemble(&m2);
                    }
                }
                true
            } else {
                false
            }
        });
        match r {
            Ok(true) => compiled += 1,
            Ok(false) => {}
            Err(_) => {
                println!(
                    "PANIC at iteration {} (mode {:?}, opts {:?}):\n{:?}",
                    i, mode, opts, src
                );
                std::fs::write("/tmp/fuzz-crash.py", &src).ok();
                std::process::exit(1);
            }
        }
    }
    println!("{} iterations, {} compiled, no panics", iters, compiled);
}
