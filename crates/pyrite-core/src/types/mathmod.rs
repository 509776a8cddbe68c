//! The `math` and `cmath` modules' contents (MicroPython's set of functions and behaviour:
//! a NaN result from a non-NaN argument, or an infinite result from finite arguments, raises
//! `ValueError: math domain error`).
//!
//! Contract for modules/: `MATH_GLOBALS` / `CMATH_GLOBALS` (fixed dicts with `__name__` and
//! the functions) and `math_init(vm, module)` / `cmath_init(vm, module)`, which store the float
//! constants (e, pi, tau, inf, nan) into the module's (heap copy of the) globals.

use super::arg;
use alloc::vec::Vec;

use crate::fnv;
use crate::obj::{kw_get, BuiltinFn, Kw};
use crate::qstr::Q;
use crate::types::bigint::{self, Limb};
use crate::types::complex::{self, new_complex};
use crate::types::float::{new_float, value_to_f64};
use crate::types::int;
use crate::types::tuple::new_tuple;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

#[cold]
fn domain(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("math domain error")
}

fn m1(vm: &mut Vm, x: Value, f: fn(f64) -> f64) -> PyResult<Value> {
    let x = value_to_f64(vm, x)?;
    let r = f(x);
    if (r.is_nan() && !x.is_nan()) || (r.is_infinite() && !x.is_infinite()) {
        return Err(domain(vm));
    }
    new_float(vm, r)
}

fn m2(vm: &mut Vm, x: Value, y: Value, f: fn(f64, f64) -> f64) -> PyResult<Value> {
    let x = value_to_f64(vm, x)?;
    let y = value_to_f64(vm, y)?;
    let r = f(x, y);
    if (r.is_nan() && !x.is_nan() && !y.is_nan())
        || (r.is_infinite() && !x.is_infinite() && !y.is_infinite())
    {
        return Err(domain(vm));
    }
    new_float(vm, r)
}

macro_rules! math1 {
    ($name:ident, $q:expr, $f:expr) => {
        static $name: BuiltinFn = BuiltinFn::new($q, 1, 1, |vm, a, _| m1(vm, arg(a, 0), $f));
    };
}
macro_rules! math2 {
    ($name:ident, $q:expr, $f:expr) => {
        static $name: BuiltinFn =
            BuiltinFn::new($q, 2, 2, |vm, a, _| m2(vm, arg(a, 0), arg(a, 1), $f));
    };
}

math1!(SQRT, Q::sqrt, libm::sqrt);
math1!(EXP, Q::exp, libm::exp);
math1!(EXPM1, Q::expm1, libm::expm1);
math1!(LOG2, Q::log2, libm::log2);
math1!(LOG10, Q::log10, libm::log10);
math1!(COSH, Q::cosh, libm::cosh);
math1!(SINH, Q::sinh, libm::sinh);
math1!(TANH, Q::tanh, libm::tanh);
math1!(ACOSH, Q::acosh, libm::acosh);
math1!(ASINH, Q::asinh, libm::asinh);
math1!(ATANH, Q::atanh, libm::atanh);
math1!(COS, Q::cos, libm::cos);
math1!(SIN, Q::sin, libm::sin);
math1!(TAN, Q::tan, libm::tan);
math1!(ACOS, Q::acos, libm::acos);
math1!(ASIN, Q::asin, libm::asin);
math1!(ATAN, Q::atan, libm::atan);
math1!(FABS, Q::fabs, libm::fabs);
math1!(ERF, Q::erf, libm::erf);
math1!(ERFC, Q::erfc, libm::erfc);
math1!(GAMMA, Q::gamma, gamma);
math1!(LGAMMA, Q::lgamma, libm::lgamma);
math1!(RADIANS, Q::radians, |x| x * (core::f64::consts::PI / 180.0));
math1!(DEGREES, Q::degrees, |x| x * (180.0 / core::f64::consts::PI));
math2!(POW, Q::pow, pow);
math2!(ATAN2, Q::atan2, libm::atan2);
math2!(COPYSIGN, Q::copysign, libm::copysign);
math2!(FMOD, Q::fmod, fmod);

fn gamma(x: f64) -> f64 {
    if x.is_infinite() && x < 0.0 {
        return f64::NAN;
    }
    libm::tgamma(x)
}

fn pow(x: f64, y: f64) -> f64 {
    if x == 1.0 || y == 0.0 {
        return 1.0;
    }
    if y.is_nan() {
        return y;
    }
    libm::pow(x, y)
}

fn fmod(x: f64, y: f64) -> f64 {
    if x.is_infinite() && y.is_finite() {
        return f64::NAN;
    }
    if y.is_infinite() && x.is_finite() {
        return x;
    }
    libm::fmod(x, y)
}

fn to_int_op(vm: &mut Vm, x: Value, f: fn(f64) -> f64) -> PyResult<Value> {
    if int::is_int(x) {
        return int::int_of_value(vm, x);
    }
    let v = value_to_f64(vm, x)?;
    int::int_from_f64(vm, f(v))
}

static CEIL: BuiltinFn = BuiltinFn::new(Q::ceil, 1, 1, |vm, a, _| {
    to_int_op(vm, arg(a, 0), libm::ceil)
});
static FLOOR: BuiltinFn = BuiltinFn::new(Q::floor, 1, 1, |vm, a, _| {
    to_int_op(vm, arg(a, 0), libm::floor)
});
static TRUNC: BuiltinFn = BuiltinFn::new(Q::trunc, 1, 1, |vm, a, _| {
    to_int_op(vm, arg(a, 0), libm::trunc)
});

fn pred(vm: &mut Vm, x: Value, f: fn(f64) -> bool) -> PyResult<Value> {
    if int::is_int(x) {
        return Ok(Value::from_bool(f(0.0)));
    }
    let v = value_to_f64(vm, x)?;
    Ok(Value::from_bool(f(v)))
}
static ISFINITE: BuiltinFn = BuiltinFn::new(Q::isfinite, 1, 1, |vm, a, _| {
    pred(vm, arg(a, 0), f64::is_finite)
});
static ISINF: BuiltinFn = BuiltinFn::new(Q::isinf, 1, 1, |vm, a, _| {
    pred(vm, arg(a, 0), f64::is_infinite)
});
static ISNAN: BuiltinFn =
    BuiltinFn::new(Q::isnan, 1, 1, |vm, a, _| pred(vm, arg(a, 0), f64::is_nan));

static LDEXP: BuiltinFn = BuiltinFn::new(Q::ldexp, 2, 2, math_ldexp);
fn math_ldexp(vm: &mut Vm, a: &[Value], _kw: Kw) -> PyResult<Value> {
    let x = value_to_f64(vm, arg(a, 0))?;
    let e = int::value_to_i64(vm, arg(a, 1))?;
    let e = e.clamp(-100_000, 100_000) as i32;
    new_float(vm, libm::ldexp(x, e))
}

static LOG: BuiltinFn = BuiltinFn::new(Q::log, 1, 2, math_log);
fn math_log(vm: &mut Vm, a: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = log_of(vm, arg(a, 0))?;
    if a.len() == 1 {
        return new_float(vm, l);
    }
    let b = log_of(vm, arg(a, 1))?;
    if b == 0.0 {
        return Err(vm.zero_division("divide by zero"));
    }
    new_float(vm, l / b)
}

/// Natural log of a positive number; exact enough for big ints beyond float range.
fn log_of(vm: &mut Vm, x: Value) -> PyResult<f64> {
    if let Some(a) = int::IntArg::of(x) {
        let r = a.r();
        if r.neg || r.is_zero() {
            return Err(domain(vm));
        }
        let bits = bigint::bit_len(r.mag);
        if bits > 1024 {
            // Too big for a float: x = m * 2**bits with m in [0.5, 1), as CPython does.
            let shift = bits - 64;
            let (top, lost) = bigint::shr_mag(r.mag, shift);
            let t = bigint::mag_to_u128(&top).unwrap_or(0) as u64;
            let m = bigint::round_to_f64(t, lost, -64);
            return Ok(libm::log(m) + core::f64::consts::LN_2 * bits as f64);
        }
    }
    let v = value_to_f64(vm, x)?;
    if v <= 0.0 {
        return Err(domain(vm));
    }
    Ok(libm::log(v))
}

static FREXP: BuiltinFn = BuiltinFn::new(Q::frexp, 1, 1, math_frexp);
fn math_frexp(vm: &mut Vm, a: &[Value], _kw: Kw) -> PyResult<Value> {
    let x = value_to_f64(vm, arg(a, 0))?;
    let (m, e) = if x.is_finite() {
        libm::frexp(x)
    } else {
        (x, 0)
    };
    let mv = new_float(vm, m)?;
    new_tuple(vm, &[mv, Value::small_int_unchecked(e as isize)])
}

static MODF: BuiltinFn = BuiltinFn::new(Q::modf, 1, 1, math_modf);
fn math_modf(vm: &mut Vm, a: &[Value], _kw: Kw) -> PyResult<Value> {
    let x = value_to_f64(vm, arg(a, 0))?;
    let (frac, ip) = if x.is_infinite() {
        (libm::copysign(0.0, x), x)
    } else {
        let ip = libm::trunc(x);
        (libm::copysign(x - ip, x), ip)
    };
    let f = new_float(vm, frac)?;
    let i = new_float(vm, ip)?;
    new_tuple(vm, &[f, i])
}

static ISCLOSE: BuiltinFn = BuiltinFn::new_kw(Q::isclose, 2, 2, math_isclose);
fn math_isclose(vm: &mut Vm, a: &[Value], kw: Kw) -> PyResult<Value> {
    let x = value_to_f64(vm, arg(a, 0))?;
    let y = value_to_f64(vm, arg(a, 1))?;
    let rel = match kw_get(kw, Q::rel_tol) {
        Some(v) => value_to_f64(vm, v)?,
        None => 1e-9,
    };
    let abs = match kw_get(kw, Q::abs_tol) {
        Some(v) => value_to_f64(vm, v)?,
        None => 0.0,
    };
    if rel < 0.0 || abs < 0.0 {
        return Err(domain(vm));
    }
    if x == y {
        return Ok(Value::TRUE);
    }
    let d = (x - y).abs();
    if d.is_infinite() {
        return Ok(Value::FALSE);
    }
    Ok(Value::from_bool(
        d <= abs || d <= (rel * x).abs() || d <= (rel * y).abs(),
    ))
}

static FACTORIAL: BuiltinFn = BuiltinFn::new(Q::factorial, 1, 1, math_factorial);
fn math_factorial(vm: &mut Vm, a: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = int::value_to_i64(vm, arg(a, 0))?;
    if n < 0 {
        return Err(vm.value_error("negative factorial"));
    }
    // log2(n!) < n log2 n: refuse what cannot fit in the heap.
    let bits = (n as f64) * libm::log2((n as f64).max(2.0));
    if bits / 8.0 > vm.heap.total_bytes() as f64 {
        return Err(vm.memory_error());
    }
    let mag = product(1, n as u64);
    int::int_from_parts(vm, false, &mag)
}

/// lo * (lo+1) * ... * hi by binary splitting.
fn product(lo: u64, hi: u64) -> Vec<Limb> {
    if lo > hi {
        return alloc::vec![1];
    }
    if hi - lo < 16 {
        let mut v: Vec<Limb> = alloc::vec![1];
        for k in lo..=hi {
            let m = bigint::mag_from_u64(k);
            v = bigint::mul_mag(&v, &m);
        }
        return v;
    }
    let mid = lo + (hi - lo) / 2;
    bigint::mul_mag(&product(lo, mid), &product(mid + 1, hi))
}

crate::fixed_dict!(pub MATH_GLOBALS, [
    (Q::__name__, Value::qstr(Q::math)),
    (Q::sqrt, fnv!(SQRT)),
    (Q::pow, fnv!(POW)),
    (Q::exp, fnv!(EXP)),
    (Q::expm1, fnv!(EXPM1)),
    (Q::log, fnv!(LOG)),
    (Q::log2, fnv!(LOG2)),
    (Q::log10, fnv!(LOG10)),
    (Q::cosh, fnv!(COSH)),
    (Q::sinh, fnv!(SINH)),
    (Q::tanh, fnv!(TANH)),
    (Q::acosh, fnv!(ACOSH)),
    (Q::asinh, fnv!(ASINH)),
    (Q::atanh, fnv!(ATANH)),
    (Q::cos, fnv!(COS)),
    (Q::sin, fnv!(SIN)),
    (Q::tan, fnv!(TAN)),
    (Q::acos, fnv!(ACOS)),
    (Q::asin, fnv!(ASIN)),
    (Q::atan, fnv!(ATAN)),
    (Q::atan2, fnv!(ATAN2)),
    (Q::ceil, fnv!(CEIL)),
    (Q::copysign, fnv!(COPYSIGN)),
    (Q::fabs, fnv!(FABS)),
    (Q::floor, fnv!(FLOOR)),
    (Q::fmod, fnv!(FMOD)),
    (Q::frexp, fnv!(FREXP)),
    (Q::ldexp, fnv!(LDEXP)),
    (Q::modf, fnv!(MODF)),
    (Q::isfinite, fnv!(ISFINITE)),
    (Q::isinf, fnv!(ISINF)),
    (Q::isnan, fnv!(ISNAN)),
    (Q::isclose, fnv!(ISCLOSE)),
    (Q::trunc, fnv!(TRUNC)),
    (Q::radians, fnv!(RADIANS)),
    (Q::degrees, fnv!(DEGREES)),
    (Q::factorial, fnv!(FACTORIAL)),
    (Q::erf, fnv!(ERF)),
    (Q::erfc, fnv!(ERFC)),
    (Q::gamma, fnv!(GAMMA)),
    (Q::lgamma, fnv!(LGAMMA)),
]);

/// Store math's float constants into the module.
pub fn math_init(vm: &mut Vm, module: Value) -> PyResult<()> {
    let consts = [
        (Q::e, core::f64::consts::E),
        (Q::pi, core::f64::consts::PI),
        (Q::tau, core::f64::consts::TAU),
        (Q::inf, f64::INFINITY),
        (Q::nan, f64::NAN),
    ];
    for (q, f) in consts {
        let v = new_float(vm, f)?;
        vm.store_attr(module, q, v)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// cmath

fn to_c(vm: &mut Vm, v: Value) -> PyResult<(f64, f64)> {
    complex::value_to_complex(vm, v)
}

fn c1(vm: &mut Vm, x: Value, f: fn(f64, f64) -> (f64, f64)) -> PyResult<Value> {
    let (re, im) = to_c(vm, x)?;
    let (r, i) = f(re, im);
    new_complex(vm, r, i)
}

fn c_exp(re: f64, im: f64) -> (f64, f64) {
    let e = libm::exp(re);
    (e * libm::cos(im), e * libm::sin(im))
}
fn c_log(re: f64, im: f64) -> (f64, f64) {
    (libm::log(libm::hypot(re, im)), libm::atan2(im, re))
}
fn c_log10(re: f64, im: f64) -> (f64, f64) {
    let (r, i) = c_log(re, im);
    let l = core::f64::consts::LN_10;
    (r / l, i / l)
}
fn c_sqrt(re: f64, im: f64) -> (f64, f64) {
    if re == 0.0 && im == 0.0 {
        return (0.0, im);
    }
    let m = libm::sqrt(libm::hypot(re, im));
    let a = libm::atan2(im, re) / 2.0;
    (m * libm::cos(a), m * libm::sin(a))
}
fn c_cos(re: f64, im: f64) -> (f64, f64) {
    (
        libm::cos(re) * libm::cosh(im),
        -libm::sin(re) * libm::sinh(im),
    )
}
fn c_sin(re: f64, im: f64) -> (f64, f64) {
    (
        libm::sin(re) * libm::cosh(im),
        libm::cos(re) * libm::sinh(im),
    )
}

static C_EXP: BuiltinFn = BuiltinFn::new(Q::exp, 1, 1, |vm, a, _| c1(vm, arg(a, 0), c_exp));
static C_LOG: BuiltinFn = BuiltinFn::new(Q::log, 1, 1, |vm, a, _| c1(vm, arg(a, 0), c_log));
static C_LOG10: BuiltinFn = BuiltinFn::new(Q::log10, 1, 1, |vm, a, _| c1(vm, arg(a, 0), c_log10));
static C_SQRT: BuiltinFn = BuiltinFn::new(Q::sqrt, 1, 1, |vm, a, _| c1(vm, arg(a, 0), c_sqrt));
static C_COS: BuiltinFn = BuiltinFn::new(Q::cos, 1, 1, |vm, a, _| c1(vm, arg(a, 0), c_cos));
static C_SIN: BuiltinFn = BuiltinFn::new(Q::sin, 1, 1, |vm, a, _| c1(vm, arg(a, 0), c_sin));

static C_PHASE: BuiltinFn = BuiltinFn::new(Q::phase, 1, 1, |vm, a, _| {
    let (re, im) = to_c(vm, arg(a, 0))?;
    new_float(vm, libm::atan2(im, re))
});
static C_POLAR: BuiltinFn = BuiltinFn::new(Q::polar, 1, 1, |vm, a, _| {
    let (re, im) = to_c(vm, arg(a, 0))?;
    let r = new_float(vm, libm::hypot(re, im))?;
    let p = new_float(vm, libm::atan2(im, re))?;
    new_tuple(vm, &[r, p])
});
static C_RECT: BuiltinFn = BuiltinFn::new(Q::rect, 2, 2, |vm, a, _| {
    let r = value_to_f64(vm, arg(a, 0))?;
    let p = value_to_f64(vm, arg(a, 1))?;
    new_complex(vm, r * libm::cos(p), r * libm::sin(p))
});

crate::fixed_dict!(pub CMATH_GLOBALS, [
    (Q::__name__, Value::qstr(Q::cmath)),
    (Q::phase, fnv!(C_PHASE)),
    (Q::polar, fnv!(C_POLAR)),
    (Q::rect, fnv!(C_RECT)),
    (Q::exp, fnv!(C_EXP)),
    (Q::log, fnv!(C_LOG)),
    (Q::log10, fnv!(C_LOG10)),
    (Q::sqrt, fnv!(C_SQRT)),
    (Q::cos, fnv!(C_COS)),
    (Q::sin, fnv!(C_SIN)),
]);

/// Store cmath's float constants (e, pi) into the module.
pub fn cmath_init(vm: &mut Vm, module: Value) -> PyResult<()> {
    for (q, f) in [(Q::e, core::f64::consts::E), (Q::pi, core::f64::consts::PI)] {
        let v = new_float(vm, f)?;
        vm.store_attr(module, q, v)?;
    }
    Ok(())
}
