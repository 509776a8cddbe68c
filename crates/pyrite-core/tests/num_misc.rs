//! int/float/complex behaviour through the type slots (expected values from CPython).
use pyrite_core::host::NullHost;
use pyrite_core::types::{complex, float, int, str::new_str};
use pyrite_core::TypeRef;
use pyrite_core::{BinOp, UnaryOp, Value, Vm};

fn make_vm() -> Box<Vm> {
    let size = 2 << 20;
    let region: &'static mut [u8] = Box::leak(vec![0u8; size].into_boxed_slice());
    // SAFETY: the region is leaked, so it lives for the rest of the test process.
    let mut vm = unsafe {
        Vm::new(
            region.as_mut_ptr(),
            region.len(),
            Box::new(NullHost),
            Default::default(),
        )
    }
    .unwrap();
    let top = 0usize;
    vm.set_stack_top(&top as *const usize as usize + 4096);
    vm
}

fn i(n: isize) -> Value {
    Value::small_int(n).unwrap()
}
fn big(vm: &mut Vm, s: &str) -> Value {
    int::parse_int(vm, s, 10).unwrap()
}
fn f(vm: &mut Vm, x: f64) -> Value {
    float::new_float(vm, x).unwrap()
}
fn repr(vm: &mut Vm, v: Value) -> String {
    vm.repr_string(v).unwrap()
}
fn err(vm: &mut Vm, r: pyrite_core::PyResult<Value>) -> String {
    let e = r.expect_err("expected an exception");
    let t = vm.type_name(e.0).to_string();
    format!("{}: {}", t, vm.str_string(e.0).unwrap())
}
fn call_type(
    vm: &mut Vm,
    t: &'static pyrite_core::Type,
    args: &[Value],
) -> pyrite_core::PyResult<Value> {
    let mk = t.make_new.unwrap();
    mk(vm, TypeRef::of_static(t), args, &[])
}

#[test]
fn int_parsing() {
    let mut vm = make_vm();
    for (s, base, want) in [
        ("  -12  ", 10, "-12"),
        ("0x1F", 0, "31"),
        ("0x_1f", 16, "31"),
        ("1_000_000", 10, "1000000"),
        ("0o17", 0, "15"),
        ("0b101", 0, "5"),
        ("000", 0, "0"),
        ("zz", 36, "1295"),
        (
            "123456789012345678901234567890",
            10,
            "123456789012345678901234567890",
        ),
        (
            "-0x123456789abcdef0123456789",
            16,
            "-90144042682896311822508713865",
        ),
    ] {
        let v = int::parse_int(&mut vm, s, base).unwrap();
        assert_eq!(repr(&mut vm, v), want, "{}", s);
    }
    for (s, base) in [
        ("", 10),
        ("1__0", 10),
        ("_1", 10),
        ("1_", 10),
        ("012", 0),
        ("0x", 16),
        ("12a", 10),
        ("8", 8),
    ] {
        let r = int::parse_int(&mut vm, s, base);
        assert!(
            err(&mut vm, r).starts_with("ValueError: invalid syntax for integer with base"),
            "{}",
            s
        );
    }
    let r = int::parse_int(&mut vm, "abc", 10);
    assert_eq!(
        err(&mut vm, r),
        "ValueError: invalid syntax for integer with base 10: 'abc'"
    );
}

#[test]
fn int_arith_errors() {
    let mut vm = make_vm();
    let r = vm.binary_op(BinOp::FloorDivide, i(1), i(0));
    assert_eq!(err(&mut vm, r), "ZeroDivisionError: divide by zero");
    let r = vm.binary_op(BinOp::Lshift, i(1), i(-1));
    assert_eq!(err(&mut vm, r), "ValueError: negative shift count");
    let r = vm.binary_op(BinOp::Power, i(2), i(-2)).unwrap();
    assert_eq!(repr(&mut vm, r), "0.25");
    let r = vm.binary_op(BinOp::TrueDivide, i(7), i(2)).unwrap();
    assert_eq!(repr(&mut vm, r), "3.5");
    let r = vm.binary_op(BinOp::Modulo, i(-7), i(2)).unwrap();
    assert_eq!(repr(&mut vm, r), "1");
    let r = vm.binary_op(BinOp::Rshift, i(-7), i(100)).unwrap();
    assert_eq!(repr(&mut vm, r), "-1");
    let r = vm.binary_op(BinOp::Lshift, i(3), i(100)).unwrap();
    assert_eq!(repr(&mut vm, r), "3802951800684688204490109616128");
    let r = vm.binary_op(BinOp::Add, Value::TRUE, Value::TRUE).unwrap();
    assert_eq!(repr(&mut vm, r), "2");
    let r = vm.binary_op(BinOp::And, Value::TRUE, Value::FALSE).unwrap();
    assert_eq!(repr(&mut vm, r), "False");
    let r = vm.unary_op(UnaryOp::Invert, Value::TRUE).unwrap();
    assert_eq!(repr(&mut vm, r), "-2");
    let r = int::int_pow3(&mut vm, i(3), i(200), i(1000));
    let r = r.unwrap();
    assert_eq!(repr(&mut vm, r), "1");
    let r = int::int_pow3(&mut vm, i(2), i(-1), i(5)).unwrap();
    assert_eq!(repr(&mut vm, r), "3");
    let r = int::int_pow3(&mut vm, i(2), i(3), i(-5)).unwrap();
    assert_eq!(repr(&mut vm, r), "-2");
    let fl = f(&mut vm, 1.0);
    let r = int::int_pow3(&mut vm, fl, i(3), i(5));
    assert_eq!(
        err(&mut vm, r),
        "TypeError: pow() with 3 arguments requires integers"
    );
}

#[test]
fn int_float_mixing() {
    let mut vm = make_vm();
    let b = big(&mut vm, "9007199254740993"); // 2**53 + 1
    let fl = f(&mut vm, 9007199254740992.0);
    assert_eq!(vm.binary_op(BinOp::Equal, b, fl).unwrap(), Value::FALSE);
    assert_eq!(vm.binary_op(BinOp::More, b, fl).unwrap(), Value::TRUE);
    assert_eq!(vm.binary_op(BinOp::Less, fl, b).unwrap(), Value::TRUE);
    let one = f(&mut vm, 1.0);
    assert_eq!(vm.binary_op(BinOp::Equal, i(1), one).unwrap(), Value::TRUE);
    assert_eq!(vm.hash(i(1)).unwrap(), vm.hash(one).unwrap());
    assert_eq!(vm.hash(Value::TRUE).unwrap(), vm.hash(one).unwrap());
    let p = big(&mut vm, "1267650600228229401496703205376"); // 2**100
    let pf = f(&mut vm, 1267650600228229401496703205376.0);
    assert_eq!(vm.binary_op(BinOp::Equal, p, pf).unwrap(), Value::TRUE);
    assert_eq!(vm.hash(p).unwrap(), vm.hash(pf).unwrap());
    let r = vm.binary_op(BinOp::Add, i(1), pf).unwrap();
    assert_eq!(repr(&mut vm, r), "1.2676506002282294e+30");
    let huge = big(&mut vm, &format!("1{}", "0".repeat(400)));
    let r = vm.binary_op(BinOp::Add, huge, one);
    assert_eq!(
        err(&mut vm, r),
        "OverflowError: int too big to convert to float"
    );
    let h2 = vm.binary_op(BinOp::Multiply, huge, i(10)).unwrap();
    let r = vm.binary_op(BinOp::TrueDivide, h2, huge).unwrap();
    assert_eq!(repr(&mut vm, r), "10.0");
    let inf = f(&mut vm, f64::INFINITY);
    assert_eq!(vm.binary_op(BinOp::Less, huge, inf).unwrap(), Value::TRUE);
    let nan = f(&mut vm, f64::NAN);
    assert_eq!(vm.binary_op(BinOp::Equal, i(0), nan).unwrap(), Value::FALSE);
    assert_eq!(
        vm.binary_op(BinOp::NotEqual, nan, nan).unwrap(),
        Value::TRUE
    );
}

#[test]
fn int_constructor() {
    let mut vm = make_vm();
    let x = f(&mut vm, -3.99);
    let r = call_type(&mut vm, &int::INT_TYPE, &[x]).unwrap();
    assert_eq!(repr(&mut vm, r), "-3");
    let x = f(&mut vm, 1e30);
    let r = call_type(&mut vm, &int::INT_TYPE, &[x]).unwrap();
    assert_eq!(repr(&mut vm, r), "1000000000000000019884624838656");
    let x = f(&mut vm, f64::INFINITY);
    let r = call_type(&mut vm, &int::INT_TYPE, &[x]);
    assert_eq!(err(&mut vm, r), "OverflowError: can't convert inf to int");
    let x = f(&mut vm, f64::NAN);
    let r = call_type(&mut vm, &int::INT_TYPE, &[x]);
    assert_eq!(err(&mut vm, r), "ValueError: can't convert NaN to int");
    let s = new_str(&mut vm, " 0x10 ").unwrap();
    let r = call_type(&mut vm, &int::INT_TYPE, &[s, i(0)]).unwrap();
    assert_eq!(repr(&mut vm, r), "16");
    let r = call_type(&mut vm, &int::INT_TYPE, &[s, i(1)]);
    assert_eq!(
        err(&mut vm, r),
        "ValueError: int() arg 2 must be >= 2 and <= 36"
    );
    let r = call_type(&mut vm, &int::INT_TYPE, &[Value::TRUE]).unwrap();
    assert_eq!(repr(&mut vm, r), "1");
}

#[test]
fn float_repr_and_ops() {
    let mut vm = make_vm();
    for (s, want) in [
        ("0.1", "0.1"),
        ("1e16", "1e+16"),
        ("1.5e-7", "1.5e-07"),
        ("-0.0", "-0.0"),
        ("  inf ", "inf"),
        ("-Infinity", "-inf"),
        ("nan", "nan"),
        ("1_0.5", "10.5"),
        ("123456789.123456789", "123456789.12345679"),
    ] {
        let v = float::parse_float(&mut vm, s).unwrap();
        assert_eq!(repr(&mut vm, v), want);
    }
    let r = float::parse_float(&mut vm, "1.2.3");
    assert_eq!(err(&mut vm, r), "ValueError: invalid syntax for number");
    let a = f(&mut vm, -7.5);
    let b = f(&mut vm, 2.0);
    let r = vm.binary_op(BinOp::FloorDivide, a, b).unwrap();
    assert_eq!(repr(&mut vm, r), "-4.0");
    let r = vm.binary_op(BinOp::Modulo, a, b).unwrap();
    assert_eq!(repr(&mut vm, r), "0.5");
    let r = vm.binary_op(BinOp::DivMod, a, i(-2)).unwrap();
    assert_eq!(repr(&mut vm, r), "(3.0, -1.5)");
    let z = f(&mut vm, 0.0);
    let r = vm.binary_op(BinOp::TrueDivide, a, z);
    assert_eq!(err(&mut vm, r), "ZeroDivisionError: divide by zero");
    let h = f(&mut vm, 0.5);
    let r = vm.binary_op(BinOp::Power, a, h).unwrap();
    assert_eq!(
        repr(&mut vm, r),
        "(1.6769166921737594e-16+2.7386127875258306j)"
    );
    let r = vm.binary_op(BinOp::Power, i(2), h).unwrap();
    assert_eq!(repr(&mut vm, r), "1.4142135623730951");
    let r = vm.binary_op(BinOp::Subtract, i(10), h).unwrap();
    assert_eq!(repr(&mut vm, r), "9.5");
    let r = vm.binary_op(BinOp::Multiply, i(3), h).unwrap();
    assert_eq!(repr(&mut vm, r), "1.5");
}

#[test]
fn rounding() {
    let mut vm = make_vm();
    for (x, nd, want) in [
        (2.5, None, "2"),
        (3.5, None, "4"),
        (-2.5, None, "-2"),
        (0.125, Some(2), "0.12"),
        (2.675, Some(2), "2.67"),
        (1234.5, Some(-1), "1230.0"),
        (1250.0, Some(-2), "1200.0"),
        (1350.0, Some(-2), "1400.0"),
        (1e300, Some(-400), "0.0"),
        (5e-324, Some(400), "5e-324"),
    ] {
        let v = f(&mut vm, x);
        let nd = nd.map(|n| Value::small_int(n).unwrap());
        let r = float::round_value(&mut vm, v, nd).unwrap();
        assert_eq!(repr(&mut vm, r), want, "round({}, {:?})", x, nd);
    }
    let r = float::round_value(&mut vm, i(1250), Some(i(-2))).unwrap();
    assert_eq!(repr(&mut vm, r), "1200");
    let r = float::round_value(&mut vm, i(-1351), Some(i(-2))).unwrap();
    assert_eq!(repr(&mut vm, r), "-1400");
    let r = float::round_value(&mut vm, i(7), Some(i(2))).unwrap();
    assert_eq!(repr(&mut vm, r), "7");
}

#[test]
fn complex_numbers() {
    let mut vm = make_vm();
    for (s, want) in [
        ("1+2j", "(1+2j)"),
        ("j", "1j"),
        ("-j", "-1j"),
        (" (1.5-2.5e3J) ", "(1.5-2500j)"),
        ("3", "(3+0j)"),
        ("-0", "(-0+0j)"),
    ] {
        let v = complex::parse_complex(&mut vm, s).unwrap();
        assert_eq!(repr(&mut vm, v), want, "{}", s);
    }
    let a = complex::new_complex(&mut vm, 1.0, 2.0).unwrap();
    let r = vm.binary_op(BinOp::Multiply, a, a).unwrap();
    assert_eq!(repr(&mut vm, r), "(-3+4j)");
    let r = vm.binary_op(BinOp::Power, a, i(2)).unwrap();
    assert_eq!(repr(&mut vm, r), "(-3+4j)");
    let r = vm.binary_op(BinOp::TrueDivide, i(1), a).unwrap();
    assert_eq!(repr(&mut vm, r), "(0.2-0.4j)");
    let r = vm.binary_op(BinOp::Add, a, i(1)).unwrap();
    assert_eq!(repr(&mut vm, r), "(2+2j)");
    let r = vm.unary_op(UnaryOp::Abs, a).unwrap();
    assert_eq!(repr(&mut vm, r), "2.23606797749979");
    let c2 = complex::new_complex(&mut vm, 2.0, 0.0).unwrap();
    assert_eq!(vm.binary_op(BinOp::Equal, c2, i(2)).unwrap(), Value::TRUE);
    assert_eq!(vm.hash(c2).unwrap(), vm.hash(i(2)).unwrap());
    let z = complex::new_complex(&mut vm, 0.0, 0.0).unwrap();
    let r = vm.binary_op(BinOp::TrueDivide, a, z);
    assert_eq!(err(&mut vm, r), "ZeroDivisionError: complex divide by zero");
    let r = vm.load_attr(a, pyrite_core::Q::imag).unwrap();
    assert_eq!(repr(&mut vm, r), "2.0");
}

#[test]
fn to_from_bytes() {
    let mut vm = make_vm();
    let r = vm.call_method(
        i(-100),
        pyrite_core::Q::to_bytes,
        &[i(10), Value::qstr(pyrite_core::Q::little)],
    );
    // signed=False: negative raises
    assert_eq!(
        err(&mut vm, r),
        "OverflowError: can't convert negative int to unsigned"
    );
    let r = vm
        .call_method(
            i(0x1234),
            pyrite_core::Q::to_bytes,
            &[i(3), Value::qstr(pyrite_core::Q::big)],
        )
        .unwrap();
    let d = pyrite_core::types::bytes::bytes_obj(r).unwrap();
    assert_eq!(d.items(), b"\x00\x12\x34");
    let r = vm.call_method(
        i(-2),
        pyrite_core::Q::to_bytes,
        &[i(2), Value::qstr(pyrite_core::Q::little)],
    );
    let _ = r;
    let r = vm.call_method(
        i(0x123),
        pyrite_core::Q::to_bytes,
        &[i(1), Value::qstr(pyrite_core::Q::big)],
    );
    assert_eq!(
        err(&mut vm, r),
        "OverflowError: value would overflow a 1 byte buffer"
    );
}
