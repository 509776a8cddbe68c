//! The programs in tests/strings/*.py run through pyrite's compiler and VM (with a test
//! builtins namespace); output compared with CPython's.
mod common;

use pyrite_core::obj::{BuiltinFn, Kw, VAR_ARGS};
use pyrite_core::types::{bytes, float, memoryview, str as pstr, strfmt, tuple};
use pyrite_core::value::TypeRef;
use pyrite_core::{PyResult, Value, Vm, Q};

fn bi_chr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    pstr::builtin_chr(vm, args[0])
}
fn bi_ord(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    pstr::builtin_ord(vm, args[0])
}
fn bi_format(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let spec = match args.get(1) {
        Some(&s) => match pstr::str_data(vm, s) {
            Some(d) => String::from(d.as_str()),
            None => return Err(vm.type_error("format spec must be a str")),
        },
        None => String::new(),
    };
    strfmt::format_value(vm, args[0], &spec)
}
fn bi_hash(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let h = vm.hash(args[0])?;
    Ok(Value::small_int((h as isize) & pyrite_core::value::SMALL_INT_MAX).unwrap())
}

fn bi_id(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::small_int((args[0].word() >> 2) as isize & 0xfff_ffff).unwrap())
}
fn bi_hasattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(q) = pstr::str_to_qstr(vm, args[1]) else {
        return Err(vm.type_error("attribute name must be a str"));
    };
    Ok(Value::from_bool(matches!(
        vm.load_attr_maybe(args[0], q),
        Ok(Some(_))
    )))
}

static ID: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_id);
static HASATTR: BuiltinFn = BuiltinFn::new(Q::EMPTY, 2, 2, bi_hasattr);
static CHR: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_chr);
static ORD: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_ord);
static FORMAT: BuiltinFn = BuiltinFn::new(Q::format, 1, 2, bi_format);
static HASH: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_hash);

fn run_program(src: &str) -> String {
    let mut env = common::make_env(Default::default(), None);
    let vm = &mut env.vm;
    let b = vm.interp.builtins;
    let d = b.downcast::<pyrite_core::map::DictObj>().unwrap();
    let fns: [(&str, &'static BuiltinFn); 7] = [
        ("id", &ID),
        ("hasattr", &HASATTR),
        ("chr", &CHR),
        ("ord", &ORD),
        ("format", &FORMAT),
        ("hash", &HASH),
        ("sorted", &pyrite_core::types::list::SORTED_FN),
    ];
    for (n, f) in fns {
        let q = vm.intern(n);
        d.map.set_qstr(vm, q, f.value()).unwrap();
    }
    let _ = VAR_ARGS;
    use pyrite_core::types::exception as e;
    let types: [(&str, &'static pyrite_core::Type); 9] = [
        ("SyntaxError", &e::SYNTAX_ERROR),
        ("bytes", &bytes::BYTES_TYPE),
        ("bytearray", &bytes::BYTEARRAY_TYPE),
        ("memoryview", &memoryview::MEMORYVIEW_TYPE),
        ("float", &float::FLOAT_TYPE),
        ("bool", &pyrite_core::types::int::BOOL_TYPE),
        ("UnicodeError", &e::UNICODE_ERROR),
        ("LookupError", &e::LOOKUP_ERROR),
        ("OverflowError", &e::OVERFLOW_ERROR),
    ];
    for (n, t) in types {
        let q = vm.intern(n);
        d.map
            .set_qstr(vm, q, TypeRef::of_static(t).value())
            .unwrap();
    }
    let _ = tuple::TUPLE_TYPE.name;
    common::run_env(&mut env, src)
}

fn check_dir() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/strings");
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    names.sort();
    let mut failed = Vec::new();
    for p in &names {
        let src = std::fs::read_to_string(p).unwrap();
        let exp_path = p.with_extension("py.exp");
        let want = match std::fs::read_to_string(&exp_path) {
            Ok(e) => e,
            Err(_) => common::cpython(&src),
        };
        let got = run_program(&src);
        if got != want {
            eprintln!("=== {} differs", p.display());
            for (i, (a, b)) in want.lines().zip(got.lines()).enumerate() {
                if a != b {
                    eprintln!("line {}:\n  want {}\n  got  {}", i + 1, a, b);
                }
            }
            if want.lines().count() != got.lines().count() {
                eprintln!(
                    "  ({} lines wanted, {} got; tail: {:?})",
                    want.lines().count(),
                    got.lines().count(),
                    got.lines().last()
                );
            }
            failed.push(p.display().to_string());
        }
    }
    eprintln!("{} programs, {} failed", names.len(), failed.len());
    assert!(failed.is_empty(), "failed: {:?}", failed);
}

#[test]
fn string_programs() {
    common::big_stack(check_dir);
}

/// Run MicroPython's own string tests from /work/ref (not part of the normal suite: the files
/// are read at test time and nothing of them is kept). `cargo test --test str_programs --
/// --ignored --nocapture` prints which pass.
#[test]
#[ignore]
fn upstream_string_tests() {
    common::big_stack(|| {
        let base = "/work/ref/micropython/tests";
        let mut names = Vec::new();
        for sub in ["basics", "unicode"] {
            let Ok(rd) = std::fs::read_dir(format!("{}/{}", base, sub)) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                let n = p.file_name().unwrap().to_string_lossy().into_owned();
                let ours = [
                    "string",
                    "str",
                    "bytes",
                    "bytearray",
                    "memoryview",
                    "unicode",
                ]
                .iter()
                .any(|k| n.starts_with(k))
                    || sub == "unicode";
                if ours && n.ends_with(".py") && !n.starts_with("struct") {
                    names.push(p);
                }
            }
        }
        names.sort();
        let (mut pass, mut fail) = (0, 0);
        for p in &names {
            let src = std::fs::read_to_string(p).unwrap_or_default();
            let want = match std::fs::read_to_string(p.with_extension("py.exp")) {
                Ok(e) => e,
                Err(_) => common::cpython(&src),
            };
            let got = run_program(&src);
            if got == want {
                pass += 1;
            } else {
                fail += 1;
                let first = want
                    .lines()
                    .zip(got.lines())
                    .find(|(a, b)| a != b)
                    .map(|(a, b)| {
                        if b.starts_with("Traceback") {
                            format!("want {:?} got {:?}", a, got.lines().last())
                        } else {
                            format!("want {:?} got {:?}", a, b)
                        }
                    })
                    .unwrap_or_else(|| format!("tail {:?}", got.lines().last()));
                eprintln!("FAIL {}: {}", p.display(), first);
            }
        }
        eprintln!("upstream: {} pass, {} fail", pass, fail);
    });
}

/// Time benches/progs/strings.py in-process (informational; `--ignored --nocapture`).
#[test]
#[ignore]
fn bench_strings() {
    common::big_stack(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../benches/progs/strings.py"
        );
        let n = std::env::var("BENCH_N").unwrap_or_else(|_| "20000".into());
        let src = std::fs::read_to_string(path).unwrap() + &format!("\nprint(main({}))\n", n);
        let t = std::time::Instant::now();
        let out = run_program(&src);
        eprintln!(
            "strings.py main({}) = {} in {:?}",
            n,
            out.trim(),
            t.elapsed()
        );
    });
}
