//! `float` (double on the host; boxed in the heap) and float formatting/parsing.
//!
//! Contract for others: `FLOAT_TYPE`, `new_float(vm, f64)`, `float_value(v) -> Option<f64>`,
//! `value_to_f64(vm, v)` (float/int/bool/`__float__`), `parse_float(vm, text)`,
//! `format_float(out, f, fmt, prec, alt)`, `float_repr(out, f)`, `float_op(vm, op, a, b)`,
//! `hash_f64(f)`, `round_value(vm, x, ndigits)` (the `round()` builtin).

use alloc::string::String;
use core::cmp::Ordering;
use pyrite_compiler::text::bytes_vec;

use crate::obj::{flags, BinOp, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::Q;
use crate::types::bigint;
use crate::types::complex;
use crate::types::int::{self, IntArg};
use crate::value::{ObjHeader, TypeRef, Value, SMALL_INT_MAX, SMALL_INT_MIN};
use crate::vm::Vm;
use crate::PyResult;

pub use crate::types::numfmt::{float_repr, format_float, format_float_none};

#[repr(C)]
pub struct FloatObj {
    pub hdr: ObjHeader,
    pub value: f64,
}

crate::py_object!(FloatObj, FLOAT_TYPE);

pub static FLOAT_TYPE: Type = Type {
    make_new: Some(float_make_new),
    print: Some(float_print),
    unary_op: Some(float_unary_op),
    binary_op: Some(float_binary_op),
    ..Type::new(Q::float)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);

/// A new float.
#[inline]
pub fn new_float(vm: &mut Vm, f: f64) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(FloatObj {
            hdr: ObjHeader::new(&FLOAT_TYPE),
            value: f,
        })?
        .value())
}

/// The value of a float object (exact float type).
#[inline]
pub fn float_value(v: Value) -> Option<f64> {
    v.downcast::<FloatObj>().map(|f| f.value)
}

/// True for values whose `==` is not reflexive (floats and complexes: NaN != NaN).
#[inline]
pub fn eq_not_reflexive(v: Value) -> bool {
    match v.as_obj() {
        Some(h) => {
            let t = h.ty.get();
            t.is(&FLOAT_TYPE) || t.is(&complex::COMPLEX_TYPE)
        }
        None => false,
    }
}

/// A number as f64: float, int, bool, or an object with `__float__`. TypeError otherwise.
pub fn value_to_f64(vm: &mut Vm, v: Value) -> PyResult<f64> {
    if let Some(f) = float_value(v) {
        return Ok(f);
    }
    if int::is_int(v) {
        return int::int_to_f64(vm, v);
    }
    let n = int::number_part(v);
    if !n.is_null() && n.downcast::<complex::ComplexObj>().is_none() {
        return value_to_f64(vm, n);
    }
    if v.is_obj() && v.downcast::<complex::ComplexObj>().is_none() {
        let r = vm.unary_op(UnaryOp::FloatMaybe, v)?;
        if let Some(f) = float_value(r) {
            return Ok(f);
        }
    }
    let m = alloc::format!("can't convert {} to float", vm.type_name(v));
    Err(vm.type_error(&m))
}

/// Parse float literal text (as the compiler/loader give it, or `float(str)`).
pub fn parse_float(vm: &mut Vm, text: &str) -> PyResult<Value> {
    match crate::types::numfmt::parse_float_text(text.as_bytes()) {
        Some(f) => new_float(vm, f),
        None => Err(vm.value_error("invalid syntax for number")),
    }
}

fn float_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(f) = float_value(v) {
        float_repr(out, f);
    }
    Ok(())
}

fn float_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if args.len() > 1 {
        return Err(vm.type_error("function expected at most 1 arguments"));
    }
    let Some(&x) = args.first() else {
        return new_float(vm, 0.0);
    };
    if float_value(x).is_some() {
        return Ok(x);
    }
    let n = int::number_part(x);
    if let Some(f) = float_value(n) {
        return new_float(vm, f);
    }
    if let Some(d) = crate::types::str::str_data(vm, x) {
        let b: alloc::vec::Vec<u8> = bytes_vec(d.as_bytes());
        return match crate::types::numfmt::parse_float_text(&b) {
            Some(f) => new_float(vm, f),
            None => Err(vm.value_error("invalid syntax for number")),
        };
    }
    if x.is_obj() && x.type_of().buffer.is_some() {
        if let Some(b) = int::read_buffer(vm, x)? {
            return match crate::types::numfmt::parse_float_text(&b) {
                Some(f) => new_float(vm, f),
                None => Err(vm.value_error("invalid syntax for number")),
            };
        }
    }
    let f = value_to_f64(vm, x)?;
    new_float(vm, f)
}

/// Hash of a float, consistent with int hashing (integral floats hash as the equal int).
pub fn hash_f64(f: f64) -> Value {
    if f.is_nan() {
        return Value::small_int_unchecked(0);
    }
    if f.is_infinite() {
        return Value::small_int_unchecked(if f > 0.0 { 314159 } else { -314159 });
    }
    let t = libm::trunc(f);
    if t == f {
        if t.abs() < 4.0e18 {
            let i = t as i128;
            if i >= SMALL_INT_MIN as i128 && i <= SMALL_INT_MAX as i128 {
                return Value::small_int_unchecked(i as isize);
            }
        }
        let (neg, mag) = bigint::mag_from_f64(f);
        return int::hash_parts(neg, &mag);
    }
    let b = f.to_bits();
    let h = (b ^ (b >> 29) ^ (b >> 47)) as usize & SMALL_INT_MAX as usize;
    Value::small_int_unchecked(h as isize)
}

fn float_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(f) = float_value(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(f != 0.0),
        UnaryOp::Hash => hash_f64(f),
        UnaryOp::Positive | UnaryOp::FloatMaybe => v,
        UnaryOp::Negative => new_float(vm, -f)?,
        UnaryOp::Abs => {
            if f.is_sign_negative() {
                new_float(vm, -f)?
            } else {
                v
            }
        }
        _ => Value::NULL,
    })
}

fn unreflect(op: BinOp) -> Option<BinOp> {
    if op >= BinOp::ReverseOr && op <= BinOp::ReversePower {
        BinOp::from_u8(op as u8 - BinOp::ReverseOr as u8 + BinOp::Or as u8)
    } else {
        None
    }
}

fn float_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    let op = op.non_inplace();
    let Some(a) = float_value(l) else {
        return Ok(Value::NULL);
    };
    if let Some(fwd) = unreflect(op) {
        // other OP float, where other is an int (float and complex handle their own).
        if let Some(ia) = IntArg::of(r) {
            if let Some(res) = int::compare_result(fwd, int::cmp_int_f64(&ia, a)) {
                return Ok(res);
            }
            let b = int::int_to_f64(vm, r)?;
            return float_op(vm, fwd, b, a);
        }
        return Ok(Value::NULL);
    }
    if let Some(b) = float_value(r) {
        return float_op(vm, op, a, b);
    }
    if let Some(ia) = IntArg::of(r) {
        // exact comparison with ints
        let o = int::cmp_int_f64(&ia, a).map(Ordering::reverse);
        if let Some(res) = int::compare_result(op, o) {
            return Ok(res);
        }
        let b = int::int_to_f64(vm, r)?;
        return float_op(vm, op, a, b);
    }
    if let Some(c) = r.downcast::<complex::ComplexObj>() {
        return complex::complex_op(vm, op, a, 0.0, c.re, c.im);
    }
    Ok(Value::NULL)
}

#[cold]
fn div_zero(vm: &mut Vm) -> crate::PyErr {
    vm.zero_division("divide by zero")
}

/// Python's float divmod: (floor quotient, remainder with the divisor's sign). y != 0.
pub fn float_divmod(x: f64, y: f64) -> (f64, f64) {
    let mut m = libm::fmod(x, y);
    let mut div = (x - m) / y;
    if m != 0.0 {
        if (y < 0.0) != (m < 0.0) {
            m += y;
            div -= 1.0;
        }
    } else {
        m = libm::copysign(0.0, y);
    }
    let fd = if div != 0.0 {
        let mut fd = libm::floor(div);
        if div - fd > 0.5 {
            fd += 1.0;
        }
        fd
    } else {
        libm::copysign(0.0, x / y)
    };
    (fd, m)
}

/// Arithmetic and comparison of two floats (also used by int for mixed operands).
pub fn float_op(vm: &mut Vm, op: BinOp, a: f64, b: f64) -> PyResult<Value> {
    let r = match op.non_inplace() {
        BinOp::Add => a + b,
        BinOp::Subtract => a - b,
        BinOp::Multiply => a * b,
        BinOp::TrueDivide => {
            if b == 0.0 {
                return Err(div_zero(vm));
            }
            a / b
        }
        BinOp::FloorDivide => {
            if b == 0.0 {
                return Err(div_zero(vm));
            }
            float_divmod(a, b).0
        }
        BinOp::Modulo => {
            if b == 0.0 {
                return Err(div_zero(vm));
            }
            float_divmod(a, b).1
        }
        BinOp::DivMod => {
            if b == 0.0 {
                return Err(div_zero(vm));
            }
            let (q, m) = float_divmod(a, b);
            let qv = new_float(vm, q)?;
            let mv = new_float(vm, m)?;
            return crate::types::tuple::new_tuple(vm, &[qv, mv]);
        }
        BinOp::Power => {
            if a == 0.0 && b < 0.0 && !b.is_infinite() {
                return Err(div_zero(vm));
            }
            if a < 0.0 && b != libm::floor(b) && !b.is_nan() && !b.is_infinite() {
                return complex::complex_op(vm, BinOp::Power, a, 0.0, b, 0.0);
            }
            if a == 1.0 || b == 0.0 {
                1.0
            } else {
                libm::pow(a, b)
            }
        }
        BinOp::Less => return Ok(Value::from_bool(a < b)),
        BinOp::More => return Ok(Value::from_bool(a > b)),
        BinOp::LessEqual => return Ok(Value::from_bool(a <= b)),
        BinOp::MoreEqual => return Ok(Value::from_bool(a >= b)),
        BinOp::Equal => return Ok(Value::from_bool(a == b)),
        BinOp::NotEqual => return Ok(Value::from_bool(a != b)),
        _ => return Ok(Value::NULL),
    };
    new_float(vm, r)
}

/// `round(x[, ndigits])` for ints, bools and floats (NULL if x is another type, so the
/// caller can try `__round__`).
pub fn round_value(vm: &mut Vm, x: Value, ndigits: Option<Value>) -> PyResult<Value> {
    let nd = match ndigits {
        Some(n) if !n.is_none() => Some(int::value_to_i64(vm, n)?),
        _ => None,
    };
    let n = int::number_part(x);
    let x = if n.is_null() { x } else { n };
    if let Some(a) = IntArg::of(x) {
        let v = if x.is_bool() {
            Value::small_int_unchecked(a.small_val.unwrap_or(0))
        } else {
            x
        };
        let Some(n) = nd else { return Ok(v) };
        if n >= 0 {
            return Ok(v);
        }
        return round_int(vm, v, n.unsigned_abs());
    }
    let Some(f) = float_value(x) else {
        return Ok(Value::NULL);
    };
    match nd {
        None => {
            if f.is_nan() {
                return Err(vm.value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(vm.overflow_error("cannot convert float infinity to integer"));
            }
            let r = round_half_even(f);
            int::int_from_f64(vm, r)
        }
        Some(n) => {
            let r = round_f64_digits(f, n);
            new_float(vm, r)
        }
    }
}

fn round_half_even(f: f64) -> f64 {
    let r = libm::round(f); // half away from zero
    if (r - f).abs() == 0.5 {
        // tie: pick the even neighbour
        let t = 2.0 * libm::round(f / 2.0);
        if (t - f).abs() == 0.5 {
            return t;
        }
    }
    r
}

/// Round a float to `n` decimal digits, correctly (exact decimal value, ties to even).
pub fn round_f64_digits(f: f64, n: i64) -> f64 {
    if !f.is_finite() || f == 0.0 {
        return f;
    }
    if n > 330 {
        return f;
    }
    if n >= 0 {
        let mut s = String::new();
        let _ = core::fmt::Write::write_fmt(&mut s, format_args!("{:.*}", n as usize, f));
        return s.parse::<f64>().unwrap_or(f);
    }
    let k = n.unsigned_abs();
    if k > 330 {
        return libm::copysign(0.0, f);
    }
    // Exact: integer part as a big magnitude, compared against 10^k.
    let (neg, ip) = bigint::mag_from_f64(f);
    let frac_nonzero = libm::trunc(f) != f;
    let p10 = bigint::BigRef {
        neg: false,
        mag: &[10],
    }
    .pow(k);
    let (q, r) = bigint::divrem_mag(&ip, &p10.mag);
    let twice_r = bigint::add_mag(&r, &r);
    let up = match bigint::cmp_mag(&twice_r, &p10.mag) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => frac_nonzero || q.first().map(|l| l & 1 == 1).unwrap_or(false),
    };
    let q = if up { bigint::add_mag(&q, &[1]) } else { q };
    let res = bigint::mul_mag(&q, &p10.mag);
    let v = bigint::mag_to_f64(&res);
    if neg {
        -v
    } else {
        v
    }
}

/// round(int, -k): round half to even at 10^k.
fn round_int(vm: &mut Vm, v: Value, k: u64) -> PyResult<Value> {
    let Some(a) = IntArg::of(v) else {
        return Ok(v);
    };
    let r = a.r();
    if k as f64 > bigint::bit_len(r.mag) as f64 * 0.302 + 2.0 {
        return Ok(Value::small_int_unchecked(0));
    }
    let p10 = bigint::BigRef {
        neg: false,
        mag: &[10],
    }
    .pow(k);
    let (q, rem) = bigint::divrem_mag(r.mag, &p10.mag);
    let twice = bigint::add_mag(&rem, &rem);
    let up = match bigint::cmp_mag(&twice, &p10.mag) {
        Ordering::Greater => true,
        Ordering::Less => false,
        Ordering::Equal => q.first().map(|l| l & 1 == 1).unwrap_or(false),
    };
    let q = if up { bigint::add_mag(&q, &[1]) } else { q };
    let m = bigint::mul_mag(&q, &p10.mag);
    int::int_from_parts(vm, r.neg, &m)
}
