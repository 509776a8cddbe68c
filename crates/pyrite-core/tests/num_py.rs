//! Runs the Python programs in tests/numbers/ through the compiler and VM with the number types
//! and number builtins (a temporary harness until the `pyrite` binary and the builtins module
//! exist), comparing with CPython's output (or a `.exp` file where MicroPython deliberately
//! differs). Programs that need modules the harness lacks are listed in SKIP.
mod common;

use std::collections::HashMap;

use pyrite_core::obj::{BuiltinFn, Kw, UnaryOp, VAR_ARGS};
use pyrite_core::types::{complex, dict, float, int, iter, list, range, str as pystr, tuple};
use pyrite_core::value::TypeRef;
use pyrite_core::{BinOp, PyResult, Type, Value, Vm, Q};

fn bi_hash(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.unary_op(UnaryOp::Hash, args[0])
}
fn bi_abs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.unary_op(UnaryOp::Abs, args[0])
}
fn bi_divmod(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.binary_op(BinOp::DivMod, args[0], args[1])
}
fn bi_pow(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.len() == 3 {
        return int::int_pow3(vm, args[0], args[1], args[2]);
    }
    vm.binary_op(BinOp::Power, args[0], args[1])
}
fn bi_round(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    float::round_value(vm, args[0], args.get(1).copied())
}
fn radix(vm: &mut Vm, v: Value, r: u32, p: &str) -> PyResult<Value> {
    let mut s = String::new();
    int::format_int(vm, v, r, &mut s)?;
    let t = match s.strip_prefix('-') {
        Some(t) => format!("-{}{}", p, t),
        None => format!("{}{}", p, s),
    };
    pystr::new_str(vm, &t)
}
fn bi_hex(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    radix(vm, args[0], 16, "0x")
}
fn bi_oct(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    radix(vm, args[0], 8, "0o")
}
fn bi_bin(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    radix(vm, args[0], 2, "0b")
}

static HASH: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_hash);
static ABS: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_abs);
static DIVMOD: BuiltinFn = BuiltinFn::new(Q::EMPTY, 2, 2, bi_divmod);
static POW: BuiltinFn = BuiltinFn::new(Q::EMPTY, 2, 3, bi_pow);
static ROUND: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 2, bi_round);
static HEX: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_hex);
static OCT: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_oct);
static BIN: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_bin);
static _VA: u16 = VAR_ARGS;

fn add_builtins(vm: &mut Vm) {
    let b = vm.interp.builtins;
    let d = b.downcast::<pyrite_core::map::DictObj>().unwrap();
    use pyrite_core::types::exception as e;
    let types: [(&str, &'static Type); 16] = [
        ("list", &list::LIST_TYPE),
        ("tuple", &tuple::TUPLE_TYPE),
        ("dict", &dict::DICT_TYPE),
        ("range", &range::RANGE_TYPE),
        ("str", &pystr::STR_TYPE),
        ("int", &int::INT_TYPE),
        ("bool", &int::BOOL_TYPE),
        ("float", &float::FLOAT_TYPE),
        ("complex", &complex::COMPLEX_TYPE),
        ("map", &iter::MAP_TYPE),
        ("OverflowError", &e::OVERFLOW_ERROR),
        ("ValueError", &e::VALUE_ERROR),
        ("TypeError", &e::TYPE_ERROR),
        ("ZeroDivisionError", &e::ZERO_DIVISION_ERROR),
        ("MemoryError", &e::MEMORY_ERROR),
        ("Exception", &e::EXCEPTION),
    ];
    for (n, t) in types {
        let q = vm.intern(n);
        d.map
            .set_qstr(vm, q, TypeRef::of_static(t).value())
            .unwrap();
    }
    let fns: [(&str, &'static BuiltinFn); 10] = [
        ("hash", &HASH),
        ("abs", &ABS),
        ("divmod", &DIVMOD),
        ("pow", &POW),
        ("round", &ROUND),
        ("hex", &HEX),
        ("oct", &OCT),
        ("bin", &BIN),
        ("min", &iter::MIN_FN),
        ("max", &iter::MAX_FN),
    ];
    for (n, f) in fns {
        let q = vm.intern(n);
        d.map.set_qstr(vm, q, f.value()).unwrap();
    }
}

/// Programs needing modules this harness cannot import (run them with the pyrite binary).
const SKIP: &[&str] = &["math_basic.py", "num_subclass_mixed.py"];

#[test]
fn number_programs() {
    common::big_stack(|| {
        let mut failed = Vec::new();
        let progs = common::area_programs("numbers", SKIP);
        for p in &progs {
            let src = std::fs::read_to_string(p).unwrap();
            let want = common::expected_output(p);
            let mut env = common::make_env(HashMap::new(), None);
            add_builtins(&mut env.vm);
            let got = common::run_env(&mut env, &src);
            if got != want {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                eprintln!("==== {} differs", name);
                let (gl, wl): (Vec<&str>, Vec<&str>) =
                    (got.lines().collect(), want.lines().collect());
                for i in 0..gl.len().max(wl.len()) {
                    let (g, w) = (
                        gl.get(i).copied().unwrap_or("<none>"),
                        wl.get(i).copied().unwrap_or("<none>"),
                    );
                    if g != w {
                        eprintln!("line {}:\n  got:  {}\n  want: {}", i + 1, g, w);
                    }
                }
                failed.push(name);
            }
        }
        eprintln!(
            "{} of {} programs pass",
            progs.len() - failed.len(),
            progs.len()
        );
        assert!(failed.is_empty(), "failed: {:?}", failed);
    });
}

/// Run one program: `PYRITE_RUN=file.py cargo test --test num_py run_one -- --ignored --nocapture`.
#[test]
#[ignore]
fn run_one() {
    let Ok(path) = std::env::var("PYRITE_RUN") else {
        return;
    };
    common::big_stack(move || {
        let src = std::fs::read_to_string(&path).unwrap();
        let mut env = common::make_env(HashMap::new(), None);
        add_builtins(&mut env.vm);
        let got = common::run_env(&mut env, &src);
        print!("{}", got);
    });
}
