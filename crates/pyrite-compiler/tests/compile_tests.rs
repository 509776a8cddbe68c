//! Tests for the compiler: error messages and lines (as MicroPython reports them), exact code for
//! small programs, .mpy round trips, and robustness against garbage input.

use pyrite_compiler::bc::{self, op};
use pyrite_compiler::{
    compile, compile_with_limit, read_mpy, write_mpy, CompiledModule, ErrorKind, Mode, Options,
};

fn comp(src: &str) -> CompiledModule {
    match compile(src, "t.py", Mode::File, &Options::default()) {
        Ok(m) => m,
        Err(e) => panic!("compile failed: {:?}", e),
    }
}

fn code_of(m: &CompiledModule) -> Vec<u8> {
    let p = bc::decode_prelude(&m.root.bytecode).unwrap();
    m.root.bytecode[p.code_offset..].to_vec()
}

#[test]
fn errors_match_micropython() {
    // (source, kind, message, line, block) -- checked against mpy-cross
    let cases: &[(&str, ErrorKind, &str, u32, Option<&str>)] = &[
        (
            "x = 1\n  y = 2\n",
            ErrorKind::IndentationError,
            "unexpected indent",
            2,
            None,
        ),
        (
            "if x:\n    a\n  b\n",
            ErrorKind::IndentationError,
            "unindent doesn't match any outer indent level",
            2,
            None,
        ),
        (
            "break\n",
            ErrorKind::SyntaxError,
            "'break'/'continue' outside loop",
            1,
            Some("<module>"),
        ),
        (
            "def f():\n    continue\n",
            ErrorKind::SyntaxError,
            "'break'/'continue' outside loop",
            2,
            Some("f"),
        ),
        (
            "return 1\n",
            ErrorKind::SyntaxError,
            "'return' outside function",
            1,
            Some("<module>"),
        ),
        (
            "def f(a, a):\n    pass\n",
            ErrorKind::SyntaxError,
            "argument name reused",
            1,
            Some("f"),
        ),
        (
            "def f():\n    x = 1\n    global x\n",
            ErrorKind::SyntaxError,
            "identifier redefined as global",
            3,
            Some("f"),
        ),
        (
            "1 = 2\n",
            ErrorKind::SyntaxError,
            "can't assign to expression",
            1,
            Some("<module>"),
        ),
        (
            "f() = 3\n",
            ErrorKind::SyntaxError,
            "can't assign to expression",
            1,
            Some("<module>"),
        ),
        (
            "a, *b, *c = d\n",
            ErrorKind::SyntaxError,
            "multiple *x in assignment",
            1,
            Some("<module>"),
        ),
        (
            "f(a=1, 2)\n",
            ErrorKind::SyntaxError,
            "positional arg after keyword arg",
            1,
            Some("<module>"),
        ),
        (
            "f(**a, b)\n",
            ErrorKind::SyntaxError,
            "positional arg after **",
            1,
            Some("<module>"),
        ),
        (
            "f(**a, *b)\n",
            ErrorKind::SyntaxError,
            "* arg after **",
            1,
            Some("<module>"),
        ),
        (
            "f(a=1, *b)\n",
            ErrorKind::SyntaxError,
            "* arg after kwarg",
            1,
            Some("<module>"),
        ),
        (
            "def f(a=1, b):\n    pass\n",
            ErrorKind::SyntaxError,
            "non-default argument follows default argument",
            1,
            Some("<module>"),
        ),
        (
            "del f()\n",
            ErrorKind::SyntaxError,
            "can't delete expression",
            1,
            Some("<module>"),
        ),
        (
            "nonlocal x\n",
            ErrorKind::SyntaxError,
            "can't declare nonlocal in outer code",
            1,
            Some("<module>"),
        ),
        (
            "def f():\n    nonlocal x\n",
            ErrorKind::SyntaxError,
            "no binding for nonlocal found",
            2,
            Some("f"),
        ),
        (
            "x = (1 +\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            2,
            None,
        ),
        (
            "x = 'abc\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
            None,
        ),
        (
            "class C:\n    return 1\n",
            ErrorKind::SyntaxError,
            "'return' outside function",
            2,
            Some("C"),
        ),
        (
            "yield 1\n",
            ErrorKind::SyntaxError,
            "'yield' outside function",
            1,
            Some("<module>"),
        ),
        (
            "await x\n",
            ErrorKind::SyntaxError,
            "'await' outside function",
            1,
            Some("<module>"),
        ),
        (
            "def f():\n    async with x:\n        pass\n",
            ErrorKind::SyntaxError,
            "async for/with outside async function",
            2,
            Some("f"),
        ),
        (
            "try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n",
            ErrorKind::SyntaxError,
            "default 'except' must be last",
            3,
            Some("<module>"),
        ),
        (
            "def f():\n    from y import *\n",
            ErrorKind::SyntaxError,
            "import * not at module level",
            2,
            Some("f"),
        ),
        (
            "x = 0b102\n",
            ErrorKind::SyntaxError,
            "invalid syntax for integer with base 2: '102'",
            1,
            None,
        ),
        (
            "x = 09\n",
            ErrorKind::SyntaxError,
            "invalid syntax for integer with base 0: '09'",
            1,
            None,
        ),
        (
            "{1: 2, 3}\n",
            ErrorKind::SyntaxError,
            "expecting key:value for dict",
            1,
            Some("<module>"),
        ),
        (
            "{1, 2: 3}\n",
            ErrorKind::SyntaxError,
            "expecting just a value for set",
            1,
            Some("<module>"),
        ),
        (
            "def f(*, **k, a):\n    pass\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
            Some("f"),
        ),
        (
            "def f(*a, *b):\n    pass\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
            Some("f"),
        ),
        (
            "x = f'{}'\n",
            ErrorKind::SyntaxError,
            "malformed f-string",
            1,
            None,
        ),
        (
            "def g():\n    return super()\n",
            ErrorKind::SyntaxError,
            "super() can't find self",
            2,
            Some("g"),
        ),
        (
            "def f():\n    global x\n    nonlocal x\n",
            ErrorKind::SyntaxError,
            "identifier redefined as nonlocal",
            3,
            Some("f"),
        ),
        (
            "\tx = 1\n",
            ErrorKind::IndentationError,
            "unexpected indent",
            1,
            None,
        ),
        (
            "@micropython.native\ndef f(): pass\n",
            ErrorKind::SyntaxError,
            "invalid arch",
            1,
            Some("<module>"),
        ),
        (
            "@micropython.foo\ndef f(): pass\n",
            ErrorKind::SyntaxError,
            "invalid micropython decorator",
            1,
            Some("<module>"),
        ),
        (
            "X = const(1)\nY = const(X + [1])\n",
            ErrorKind::SyntaxError,
            "not a constant",
            2,
            None,
        ),
        (
            "a if b else c = 1\n",
            ErrorKind::SyntaxError,
            "can't assign to expression",
            1,
            Some("<module>"),
        ),
        (
            "x.__debug__ = 1\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
            None,
        ),
        (
            "x = [*a]\n",
            ErrorKind::SyntaxError,
            "*x must be assignment target",
            1,
            Some("<module>"),
        ),
        (
            "x = {**a}\n",
            ErrorKind::SyntaxError,
            "invalid syntax",
            1,
            None,
        ),
    ];
    for (src, kind, msg, line, block) in cases {
        match compile(src, "t.py", Mode::File, &Options::default()) {
            Ok(_) => panic!("{:?} compiled", src),
            Err(e) => {
                assert_eq!(
                    (&e.kind, &*e.msg, e.line),
                    (kind, *msg, *line),
                    "source {:?}",
                    src
                );
                assert_eq!(e.block.as_deref(), *block, "block for {:?}", src);
                assert_eq!(&*e.file, "t.py");
            }
        }
    }
}

#[test]
fn simple_assignment_bytes() {
    // x = 1 ; as mpy-cross: LOAD_CONST_SMALL_INT 1, STORE_NAME x, LOAD_CONST_NONE, RETURN_VALUE
    let m = comp("x = 1\n");
    assert_eq!(m.qstrs, vec!["t.py", "<module>", "x"]);
    assert_eq!(
        code_of(&m),
        vec![
            0x81,
            op::STORE_NAME,
            2,
            op::LOAD_CONST_NONE,
            op::RETURN_VALUE
        ]
    );
    let p = bc::decode_prelude(&m.root.bytecode).unwrap();
    assert_eq!((p.n_state, p.n_exc_stack, p.n_pos_args), (1, 0, 0));
}

#[test]
fn constant_folding() {
    // 1 + 2 * 3 folds to 7; large results become constant objects
    let m = comp("x = 1 + 2 * 3\ny = 1 << 40\nz = 2.0 ** 0.5\n");
    let code = code_of(&m);
    assert_eq!(code[0], 0x70 + 16 + 7);
    assert_eq!(
        m.consts[0],
        pyrite_compiler::Const::Int("1099511627776".into())
    );
    assert_eq!(
        m.consts[1],
        pyrite_compiler::Const::Float("1.4142135623730951".into())
    );
    // partial folding is not done (as MicroPython): 1 + 2 + x keeps both adds
    let m = comp("y = 1 + 2 + x\n");
    let n_adds = code_of(&m)
        .iter()
        .filter(|&&b| b == bc::BINARY_OP_MULTI + bc::binary::ADD)
        .count();
    assert_eq!(n_adds, 2);
}

#[test]
fn const_declarations() {
    let m = comp("from micropython import const\n_A = const(5)\nB = const(_A * 2)\nprint(_A, B)\n");
    // _A is not stored; B is; both uses are replaced by their values
    assert!(!m.qstrs.iter().any(|q| q == "_A"));
    let code = code_of(&m);
    assert!(code
        .windows(2)
        .any(|w| w == [0x70 + 16 + 5, 0x70 + 16 + 10]));
}

#[test]
fn fstring_becomes_format() {
    let m = comp("x = f'a{b!r:>4}c{d}'\n");
    assert!(m.qstrs.iter().any(|q| q == "format"));
    // the format string (> 10 bytes) is a constant object, as in MicroPython
    assert_eq!(
        m.consts[0],
        pyrite_compiler::Const::Str("a{!r:>4}c{}".into())
    );
}

#[test]
fn assert_dropped_with_optimisation() {
    let o1 = Options {
        opt_level: 1,
        ..Options::default()
    };
    let m0 = comp("assert x, 'm'\n");
    let m1 = compile("assert x, 'm'\n", "t.py", Mode::File, &o1).unwrap();
    assert!(code_of(&m0).len() > code_of(&m1).len());
    assert_eq!(code_of(&m1), vec![op::LOAD_CONST_NONE, op::RETURN_VALUE]);
    // __debug__ is False at -O1
    let m = compile("x = __debug__\n", "t.py", Mode::File, &o1).unwrap();
    assert_eq!(code_of(&m)[0], op::LOAD_CONST_FALSE);
}

#[test]
fn repl_prints_expressions() {
    let m = compile("1 + x\n", "<stdin>", Mode::Single, &Options::default()).unwrap();
    assert!(m.qstrs.iter().any(|q| q == "__repl_print__"));
    let m = compile("x = 1\n", "<stdin>", Mode::Single, &Options::default()).unwrap();
    assert!(!m.qstrs.iter().any(|q| q == "__repl_print__"));
}

#[test]
fn eval_mode_returns_value() {
    let m = compile("1 + x", "<string>", Mode::Eval, &Options::default()).unwrap();
    let code = code_of(&m);
    assert_eq!(*code.last().unwrap(), op::RETURN_VALUE);
    assert_ne!(code[code.len() - 2], op::LOAD_CONST_NONE);
}

#[test]
fn closures_and_cells() {
    let m = comp("def f(a):\n    def g():\n        return a\n    return g\n");
    let f = &m.root.children[0];
    let p = bc::decode_prelude(&f.bytecode).unwrap();
    assert_eq!(p.n_cell, 1);
    let g = &f.children[0];
    let pg = bc::decode_prelude(&g.bytecode).unwrap();
    assert_eq!(pg.n_pos_args, 1); // the free variable is passed as an extra argument
    assert!(bc::disassemble(&m).contains("MAKE_CLOSURE"));
}

#[test]
fn line_numbers() {
    let m = comp("a = 1\n\n\nb = 2\nc = (3 +\n  x)\n");
    let p = bc::decode_prelude(&m.root.bytecode).unwrap();
    let code = &m.root.bytecode[p.code_offset..];
    // LOAD 1, STORE a (3 bytes) on line 1; then line 4
    assert_eq!(bc::source_line(&m.root.bytecode, &p, 0), 1);
    assert_eq!(bc::source_line(&m.root.bytecode, &p, 3), 4);
    assert!(code.len() > 6);
}

#[test]
fn mpy_roundtrip() {
    let src = "import sys\nx = (1, 'a', b'b', 2.5, 3j, None, ...)\ndef f(*a, k=1, **kw):\n    yield from a\nclass C(object):\n    def m(self):\n        return [i for i in range(3) if i]\nprint(f'{x}', 10**30)\n";
    let m = comp(src);
    let data = write_mpy(&m, 31);
    let m2 = read_mpy(&data).unwrap();
    assert_eq!(m, m2);
    assert_eq!(write_mpy(&m2, 31), data);
}

#[test]
fn mpy_rejects_bad_files() {
    assert_eq!(
        read_mpy(b"").unwrap_err().message(),
        "incompatible .mpy file"
    );
    assert_eq!(
        read_mpy(b"M\x05\x00\x1f").unwrap_err().message(),
        "incompatible .mpy file"
    );
    // native code for an architecture (x64 = 2)
    assert_eq!(
        read_mpy(b"M\x06\x0b\x1f\x00\x00").unwrap_err().message(),
        "incompatible .mpy arch"
    );
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SAMPLES: &[&str] = &[
    "def f(a, b=1, *c, d, **e):\n    global g\n    for i in range(a, b, -2):\n        yield i\n    return [x for x in y] if a else {k: v for k, v in z}\n",
    "class A(B, metaclass=M):\n    @dec(1)\n    async def m(self):\n        async with a as b, c:\n            await d\n        try:\n            pass\n        except (E, F) as e:\n            raise X from e\n        finally:\n            del self.x[1:2, ::3]\n",
    "x = f'{a!r:>{w}} {b=}' + b'\\x00' + r'\\n' + '''m\nn'''\nwhile not x or y and z < w <= v is not u:\n    x += 1; break\nelse:\n    lambda *a, k=2: (yield)\n",
    "from . import a as b\nfrom ..m import (c, d,)\nimport e.f.g as h\nassert x, 'msg'\nwith open(f) as (a, *b):\n    pass\n",
];

#[test]
fn compile_never_panics() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let alphabet: Vec<char> = " \n\t()[]{}:;,.=+-*/%<>!&|^~@'\"#\\abcdefxyz0123456789_fjrbu"
        .chars()
        .collect();
    let words = [
        "def", "class", "if", "else", "elif", "for", "in", "while", "try", "except", "finally",
        "with", "as", "async", "await", "yield", "from", "import", "return", "lambda", "not",
        "and", "or", "is", "del", "global", "nonlocal", "pass", "break", "continue", "raise",
        "assert", "None", "True", "False", "f'{", "}'", ":=", "**", "*", "...", "\n    ", "\n",
        "(", ")", "[", "]", "{", "}", "x", "1", "1.5", "2j", "0x", "const(", "'''",
    ];
    for i in 0..3000 {
        let src: String = match i % 3 {
            0 => (0..rng.below(80))
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect(),
            1 => (0..rng.below(40))
                .map(|_| words[rng.below(words.len())])
                .collect::<Vec<_>>()
                .join(" "),
            _ => {
                let s = SAMPLES[rng.below(SAMPLES.len())];
                let mut b: Vec<char> = s.chars().collect();
                for _ in 0..1 + rng.below(4) {
                    let pos = rng.below(b.len() + 1);
                    match rng.below(3) {
                        0 if pos < b.len() => {
                            b.remove(pos);
                        }
                        1 => b.insert(pos, alphabet[rng.below(alphabet.len())]),
                        _ => {
                            let w: Vec<char> = words[rng.below(words.len())].chars().collect();
                            for (k, c) in w.into_iter().enumerate() {
                                b.insert((pos + k).min(b.len()), c);
                            }
                        }
                    }
                }
                b.into_iter().collect()
            }
        };
        for mode in [Mode::File, Mode::Single, Mode::Eval] {
            if let Ok(m) = compile(&src, "fuzz.py", mode, &Options::default()) {
                // whatever compiles must verify and round-trip through .mpy
                let data = write_mpy(&m, 31);
                assert_eq!(read_mpy(&data).as_ref(), Ok(&m), "source {:?}", src);
            }
        }
    }
}

#[test]
fn read_mpy_never_panics() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let bases: Vec<Vec<u8>> = SAMPLES.iter().map(|s| write_mpy(&comp(s), 31)).collect();
    for _ in 0..20000 {
        let mut d = bases[rng.below(bases.len())].clone();
        for _ in 0..1 + rng.below(6) {
            let pos = rng.below(d.len());
            match rng.below(4) {
                0 => d[pos] = rng.next() as u8,
                1 => d.truncate(pos),
                2 => d.insert(pos, rng.next() as u8),
                _ => d[pos] ^= 1 << rng.below(8),
            }
            if d.is_empty() {
                break;
            }
        }
        if let Ok(m) = read_mpy(&d) {
            // accepted files must disassemble cleanly
            let _ = bc::disassemble(&m);
        }
    }
    for _ in 0..2000 {
        let n = rng.below(64);
        let d: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
        let _ = read_mpy(&d);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for src in [
        "(".repeat(100_000),
        format!("x = {}1{}\n", "(".repeat(5000), ")".repeat(5000)),
        format!("x = {}1\n", "-".repeat(100_000)),
        format!("x = {}1\n", "not ".repeat(100_000)),
        format!("x = {}\n", "[".repeat(100_000)),
        format!("x = {}1\n", "lambda: ".repeat(10_000)),
        (0..2000)
            .map(|i| format!("{}if x:\n", " ".repeat(i)))
            .collect::<String>(),
    ] {
        let r = std::thread::Builder::new()
            .stack_size(1024 * 1024)
            .spawn(move || compile(&src, "deep.py", Mode::File, &Options::default()).is_err())
            .unwrap()
            .join()
            .unwrap();
        assert!(r);
    }
    // moderate nesting still compiles
    let src = format!("x = {}1{}\n", "(".repeat(40), ")".repeat(40));
    assert!(compile(&src, "t.py", Mode::File, &Options::default()).is_ok());
}

/// Our own programs in tests/data, with the .mpy files MicroPython's mpy-cross made from them
/// (regenerate with `mpy-cross -s NAME.py [flags] NAME.py -o NAME[-flag].mpy`).
#[test]
fn identical_to_mpy_cross() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/");
    let cases: &[(&str, &str, u8, u8)] = &[
        ("features.py", "features.mpy", 0, 31),
        ("features.py", "features-O1.mpy", 1, 31),
        ("features.py", "features-O3.mpy", 3, 31),
        ("features.py", "features-63.mpy", 0, 63),
        ("errors_free_edge.py", "errors_free_edge.mpy", 0, 31),
    ];
    for &(py, mpy, opt, bits) in cases {
        let src = std::fs::read_to_string(format!("{}{}", dir, py)).unwrap();
        let want = std::fs::read(format!("{}{}", dir, mpy)).unwrap();
        let opts = Options {
            opt_level: opt,
            small_int_bits: bits,
            native: false,
        };
        let m = compile(&src, py, Mode::File, &opts).unwrap();
        let got = write_mpy(&m, bits);
        assert!(got == want, "{} differs from mpy-cross output {}", py, mpy);
        // and the reader gives back the same module
        assert_eq!(read_mpy(&want).unwrap(), m);
    }
}

#[test]
fn nesting_limit_protects_small_stacks() {
    // with a limit of 24 levels, no input may overflow a 256 KB stack (debug build)
    let inputs: Vec<String> = vec![
        format!("x = {}1{}\n", "f(".repeat(1000), ")".repeat(1000)),
        format!("x = {}1{}\n", "(".repeat(1000), ")".repeat(1000)),
        format!("x = {}\n", "[".repeat(1000)),
        format!("x = {}1\n", "lambda: ".repeat(1000)),
        format!("x = {}1{}\n", "a[".repeat(1000), "]".repeat(1000)),
        format!("x = {}1\n", "2 ** ".repeat(1000)),
        format!("x = {}\n", "{1: ".repeat(1000)),
        (0..1000)
            .map(|i| format!("{}def f():\n", " ".repeat(i)))
            .collect::<String>(),
    ];
    for src in inputs {
        let ok = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                compile_with_limit(src.as_bytes(), "d.py", Mode::File, &Options::default(), 24)
                    .is_err()
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(ok);
    }
    // non-UTF-8 source bytes are accepted (MicroPython's lexer is 8-bit clean)
    assert!(compile_with_limit(
        b"x = '\xff\xfe'\n",
        "b.py",
        Mode::File,
        &Options::default(),
        24
    )
    .is_ok());
}
