//! Runs the Python programs in tests/containers/ through the compiler and VM with the container
//! types as builtins, comparing with CPython's output (or a `.exp` file where MicroPython
//! deliberately differs). A temporary harness until the `pyrite` binary and the builtins module
//! exist: it adds the few non-container builtins the programs use (hash, sum, all, abs, ...).
mod common;

use std::collections::HashMap;

use pyrite_core::obj::{BuiltinFn, Kw, UnaryOp, VAR_ARGS};
use pyrite_core::types::{dict, iter, list, range, set, slice, str as pystr, tuple};
use pyrite_core::value::TypeRef;
use pyrite_core::{BinOp, PyResult, Type, Value, Vm, Q};

fn bi_hash(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.unary_op(UnaryOp::Hash, args[0])
}
fn bi_abs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.unary_op(UnaryOp::Abs, args[0])
}
fn bi_sum(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let mut acc = args.get(1).copied().unwrap_or(Value::small_int(0).unwrap());
    let it = vm.get_iter(args[0])?;
    while let Some(v) = vm.iter_next(it)? {
        acc = vm.binary_op(BinOp::Add, acc, v)?;
    }
    Ok(acc)
}
fn bi_all(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let it = vm.get_iter(args[0])?;
    while let Some(v) = vm.iter_next(it)? {
        if !vm.is_true(v)? {
            return Ok(Value::FALSE);
        }
    }
    Ok(Value::TRUE)
}
fn bi_any(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let it = vm.get_iter(args[0])?;
    while let Some(v) = vm.iter_next(it)? {
        if vm.is_true(v)? {
            return Ok(Value::TRUE);
        }
    }
    Ok(Value::FALSE)
}

static HASH: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_hash);
static ABS: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_abs);
static SUM: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 2, bi_sum);
static ALL: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_all);
static ANY: BuiltinFn = BuiltinFn::new(Q::EMPTY, 1, 1, bi_any);
static _VA: u16 = VAR_ARGS;

fn add_builtins(vm: &mut Vm) {
    let b = vm.interp.builtins;
    let d = b.downcast::<pyrite_core::map::DictObj>().unwrap();
    let types: [(&str, &'static Type); 18] = [
        ("list", &list::LIST_TYPE),
        ("tuple", &tuple::TUPLE_TYPE),
        ("dict", &dict::DICT_TYPE),
        ("set", &set::SET_TYPE),
        ("frozenset", &set::FROZENSET_TYPE),
        ("range", &range::RANGE_TYPE),
        ("slice", &slice::SLICE_TYPE),
        ("enumerate", &iter::ENUMERATE_TYPE),
        ("zip", &iter::ZIP_TYPE),
        ("map", &iter::MAP_TYPE),
        ("filter", &iter::FILTER_TYPE),
        ("reversed", &iter::REVERSED_TYPE),
        ("str", &pystr::STR_TYPE),
        ("int", &pyrite_core::types::int::INT_TYPE),
        ("bool", &pyrite_core::types::int::BOOL_TYPE),
        ("float", &pyrite_core::types::float::FLOAT_TYPE),
        (
            "OverflowError",
            &pyrite_core::types::exception::OVERFLOW_ERROR,
        ),
        ("MemoryError", &pyrite_core::types::exception::MEMORY_ERROR),
    ];
    for (n, t) in types {
        let q = vm.intern(n);
        d.map
            .set_qstr(vm, q, TypeRef::of_static(t).value())
            .unwrap();
    }
    let fns: [(&str, &'static BuiltinFn); 8] = [
        ("sorted", &list::SORTED_FN),
        ("min", &iter::MIN_FN),
        ("max", &iter::MAX_FN),
        ("hash", &HASH),
        ("abs", &ABS),
        ("sum", &SUM),
        ("all", &ALL),
        ("any", &ANY),
    ];
    for (n, f) in fns {
        let q = vm.intern(n);
        d.map.set_qstr(vm, q, f.value()).unwrap();
    }
}

#[test]
fn container_programs() {
    common::big_stack(|| {
        let mut failed = Vec::new();
        let progs = common::area_programs("containers", &[]);
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

/// Run one program: `PYRITE_RUN=file.py cargo test --test cont_py run_one -- --ignored --nocapture`.
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
