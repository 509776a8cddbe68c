//! `complex`. Contract: `COMPLEX_TYPE`, `new_complex(vm, re, im)`, `complex_value(v)`,
//! `complex_op(vm, op, ar, ai, br, bi)` (also used by int/float for mixed operands),
//! `parse_complex(vm, text)`.

use super::arg;
use alloc::string::String;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, AttrAction, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::{Qstr, Q};
use crate::types::float::{self, float_value, new_float};
use crate::types::int::{self, IntArg};
use crate::types::numfmt;
use crate::value::{ObjHeader, TypeRef, Value, SMALL_INT_MAX};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct ComplexObj {
    pub hdr: ObjHeader,
    pub re: f64,
    pub im: f64,
}

crate::py_object!(ComplexObj, COMPLEX_TYPE);

crate::fixed_dict!(
    COMPLEX_LOCALS,
    [(Q::conjugate, crate::fnv!(COMPLEX_CONJUGATE)),]
);
static COMPLEX_CONJUGATE: BuiltinFn = BuiltinFn::new(Q::conjugate, 1, 1, complex_conjugate);

pub static COMPLEX_TYPE: Type = Type {
    make_new: Some(complex_make_new),
    print: Some(complex_print),
    unary_op: Some(complex_unary_op),
    binary_op: Some(complex_binary_op),
    attr: Some(complex_attr),
    ..Type::new(Q::complex)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&COMPLEX_LOCALS);

/// A new complex number.
pub fn new_complex(vm: &mut Vm, re: f64, im: f64) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(ComplexObj {
            hdr: ObjHeader::new(&COMPLEX_TYPE),
            re,
            im,
        })?
        .value())
}

/// (re, im) of a complex value.
pub fn complex_value(v: Value) -> Option<(f64, f64)> {
    v.downcast::<ComplexObj>().map(|c| (c.re, c.im))
}

/// Append a float as complex repr shows its parts: like repr, without a trailing ".0".
fn push_part(out: &mut String, f: f64) {
    let mut s = String::new();
    numfmt::float_repr(&mut s, f);
    if let Some(t) = s.strip_suffix(".0") {
        push_str(out, t);
    } else {
        push_str(out, &s);
    }
}

fn complex_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some((re, im)) = complex_value(v) else {
        return Ok(());
    };
    if re == 0.0 && re.is_sign_positive() {
        push_part(out, im);
        push_char(out, 'j');
    } else {
        push_char(out, '(');
        push_part(out, re);
        if !(im < 0.0 || (im == 0.0 && im.is_sign_negative())) {
            push_char(out, '+');
        }
        push_part(out, im);
        push_str(out, "j)");
    }
    Ok(())
}

/// A number as a complex: complex, float, int, bool, `__complex__`/`__float__` objects.
pub fn value_to_complex(vm: &mut Vm, v: Value) -> PyResult<(f64, f64)> {
    if let Some(c) = complex_value(v) {
        return Ok(c);
    }
    if let Some(c) = complex_value(int::number_part(v)) {
        return Ok(c);
    }
    if v.is_obj() && float_value(v).is_none() && !int::is_int(v) {
        let r = vm.unary_op(UnaryOp::ComplexMaybe, v)?;
        if let Some(c) = complex_value(r) {
            return Ok(c);
        }
    }
    Ok((float::value_to_f64(vm, v)?, 0.0))
}

/// Parse complex text as `complex(str)` does: "1+2j", "-j", "3", "(1-2.5e3j)", whitespace.
pub fn parse_complex_text(s: &[u8]) -> Option<(f64, f64)> {
    let trim = |s: &[u8]| -> (usize, usize) {
        let mut i = 0;
        let mut e = s.len();
        while i < e && s[i].is_ascii_whitespace() {
            i += 1;
        }
        while e > i && s[e - 1].is_ascii_whitespace() {
            e -= 1;
        }
        (i, e)
    };
    let (i, e) = trim(s);
    let mut s = &s[i..e];
    if s.first() == Some(&b'(') && s.last() == Some(&b')') && s.len() >= 2 {
        let inner = &s[1..s.len() - 1];
        let (i, e) = trim(inner);
        s = &inner[i..e];
    }
    // optional signed number
    let signed = |s: &[u8]| -> Option<(f64, usize, bool)> {
        let (neg, off) = match s.first() {
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            _ => (false, 0),
        };
        match numfmt::scan_unsigned_float(&s[off..]) {
            Some((v, n)) => Some((if neg { -v } else { v }, off + n, true)),
            None => Some((if neg { -1.0 } else { 1.0 }, off, false)),
        }
    };
    let (v1, n1, had1) = signed(s)?;
    let rest = &s[n1..];
    if rest.is_empty() {
        return if had1 { Some((v1, 0.0)) } else { None };
    }
    if rest == b"j" || rest == b"J" {
        return Some((0.0, v1));
    }
    if !had1 {
        return None;
    }
    // real part followed by a signed imaginary part
    if !matches!(rest.first(), Some(b'+') | Some(b'-')) {
        return None;
    }
    let (v2, n2, _) = signed(rest)?;
    let tail = &rest[n2..];
    if tail == b"j" || tail == b"J" {
        Some((v1, v2))
    } else {
        None
    }
}

/// Parse complex text into a value (ValueError if malformed).
pub fn parse_complex(vm: &mut Vm, text: &str) -> PyResult<Value> {
    match parse_complex_text(text.as_bytes()) {
        Some((re, im)) => new_complex(vm, re, im),
        None => Err(vm.value_error("invalid syntax for number")),
    }
}

fn complex_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut a = [Value::NULL, Value::NULL];
    if args.len() > 2 {
        return Err(vm.type_error("function expected at most 2 arguments"));
    }
    a[..args.len()].copy_from_slice(args);
    for k in kw.chunks_exact(2) {
        if k[0] == Value::qstr(Q::real) {
            a[0] = k[1];
        } else if k[0] == Value::qstr(Q::imag) {
            a[1] = k[1];
        } else {
            return Err(vm.type_error("unexpected keyword argument"));
        }
    }
    if a[0].is_null() && a[1].is_null() {
        return new_complex(vm, 0.0, 0.0);
    }
    if !a[0].is_null() {
        if let Some(d) = crate::types::str::str_data(vm, a[0]) {
            if !a[1].is_null() {
                return Err(vm.type_error("complex() can't take second arg if first is a string"));
            }
            let b: alloc::vec::Vec<u8> = bytes_vec(d.as_bytes());
            return match parse_complex_text(&b) {
                Some((re, im)) => new_complex(vm, re, im),
                None => Err(vm.value_error("invalid syntax for number")),
            };
        }
        if a[1].is_null() && complex_value(a[0]).is_some() {
            return Ok(a[0]);
        }
    }
    // complex(a, b) = a + b*1j, keeping signed zeros: parts are only added when complex.
    let (mut re, mut im) = (0.0, 0.0);
    let mut a_complex = false;
    if !a[0].is_null() {
        a_complex = complex_value(a[0]).is_some();
        (re, im) = value_to_complex(vm, a[0])?;
    }
    if !a[1].is_null() {
        if crate::types::str::str_data(vm, a[1]).is_some() {
            return Err(vm.type_error("complex() second arg can't be a string"));
        }
        let b_complex = complex_value(a[1]).is_some();
        let (r2, i2) = value_to_complex(vm, a[1])?;
        if b_complex {
            re -= i2;
        }
        im = if a_complex { im + r2 } else { r2 };
    }
    new_complex(vm, re, im)
}

fn complex_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some((re, im)) = complex_value(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(re != 0.0 || im != 0.0),
        UnaryOp::Hash => {
            if im == 0.0 {
                float::hash_f64(re)
            } else {
                let hr = float::hash_f64(re).small_int_value();
                let hi = float::hash_f64(im).small_int_value();
                let h = (hr as usize).wrapping_add((hi as usize).wrapping_mul(1_000_003));
                Value::small_int_unchecked((h & SMALL_INT_MAX as usize) as isize)
            }
        }
        UnaryOp::Positive | UnaryOp::ComplexMaybe => v,
        UnaryOp::Negative => new_complex(vm, -re, -im)?,
        UnaryOp::Abs => new_float(vm, libm::hypot(re, im))?,
        _ => Value::NULL,
    })
}

fn complex_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    let Some((ar, ai)) = complex_value(l) else {
        return Ok(Value::NULL);
    };
    let op = op.non_inplace();
    let (fwd, reflected) = if op >= BinOp::ReverseOr && op <= BinOp::ReversePower {
        match BinOp::from_u8(op as u8 - BinOp::ReverseOr as u8 + BinOp::Or as u8) {
            Some(f) => (f, true),
            None => return Ok(Value::NULL),
        }
    } else {
        (op, false)
    };
    let (br, bi) = if let Some(c) = complex_value(r) {
        c
    } else if let Some(f) = float_value(r) {
        (f, 0.0)
    } else if let Some(ia) = IntArg::of(r) {
        if matches!(fwd, BinOp::Equal | BinOp::NotEqual) {
            let eq = ai == 0.0 && int::cmp_int_f64(&ia, ar) == Some(core::cmp::Ordering::Equal);
            return Ok(Value::from_bool(eq == (fwd == BinOp::Equal)));
        }
        (int::int_to_f64(vm, r)?, 0.0)
    } else {
        return Ok(Value::NULL);
    };
    if reflected {
        complex_op(vm, fwd, br, bi, ar, ai)
    } else {
        complex_op(vm, fwd, ar, ai, br, bi)
    }
}

fn c_mul(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

fn c_div(vm: &mut Vm, a: (f64, f64), b: (f64, f64)) -> PyResult<(f64, f64)> {
    let (abr, abi) = (b.0.abs(), b.1.abs());
    if abr >= abi {
        if abr == 0.0 {
            return Err(vm.zero_division("complex divide by zero"));
        }
        let ratio = b.1 / b.0;
        let denom = b.0 + b.1 * ratio;
        Ok(((a.0 + a.1 * ratio) / denom, (a.1 - a.0 * ratio) / denom))
    } else if abi >= abr {
        let ratio = b.0 / b.1;
        let denom = b.0 * ratio + b.1;
        Ok(((a.0 * ratio + a.1) / denom, (a.1 * ratio - a.0) / denom))
    } else {
        Ok((f64::NAN, f64::NAN))
    }
}

fn c_powu(x: (f64, f64), n: u64) -> (f64, f64) {
    let mut r = (1.0, 0.0);
    let mut p = x;
    let mut mask: u64 = 1;
    while mask > 0 && n >= mask {
        if n & mask != 0 {
            r = c_mul(r, p);
        }
        mask <<= 1;
        p = c_mul(p, p);
    }
    r
}

fn c_pow(vm: &mut Vm, a: (f64, f64), b: (f64, f64)) -> PyResult<(f64, f64)> {
    if b.0 == 0.0 && b.1 == 0.0 {
        return Ok((1.0, 0.0));
    }
    if a.0 == 0.0 && a.1 == 0.0 {
        if b.1 != 0.0 || b.0 < 0.0 {
            return Err(vm.zero_division("0.0 to a complex power"));
        }
        return Ok((0.0, 0.0));
    }
    // Integer exponents by repeated multiplication (exact for small cases, as CPython).
    if b.1 == 0.0 && b.0 == libm::trunc(b.0) && b.0.abs() <= 100.0 {
        let n = b.0 as i64;
        return if n >= 0 {
            Ok(c_powu(a, n as u64))
        } else {
            let p = c_powu(a, n.unsigned_abs());
            c_div(vm, (1.0, 0.0), p)
        };
    }
    let vabs = libm::hypot(a.0, a.1);
    let mut len = libm::pow(vabs, b.0);
    let at = libm::atan2(a.1, a.0);
    let mut phase = at * b.0;
    if b.1 != 0.0 {
        len /= libm::exp(at * b.1);
        phase += b.1 * libm::log(vabs);
    }
    Ok((len * libm::cos(phase), len * libm::sin(phase)))
}

/// Complex arithmetic on (ar + ai j) OP (br + bi j).
pub fn complex_op(vm: &mut Vm, op: BinOp, ar: f64, ai: f64, br: f64, bi: f64) -> PyResult<Value> {
    let (re, im) = match op.non_inplace() {
        BinOp::Add => (ar + br, ai + bi),
        BinOp::Subtract => (ar - br, ai - bi),
        BinOp::Multiply => c_mul((ar, ai), (br, bi)),
        BinOp::TrueDivide => c_div(vm, (ar, ai), (br, bi))?,
        BinOp::Power => c_pow(vm, (ar, ai), (br, bi))?,
        BinOp::FloorDivide | BinOp::Modulo | BinOp::DivMod => {
            return Err(vm.type_error("can't truncate-divide a complex number"))
        }
        BinOp::Equal => return Ok(Value::from_bool(ar == br && ai == bi)),
        BinOp::NotEqual => return Ok(Value::from_bool(!(ar == br && ai == bi))),
        _ => return Ok(Value::NULL),
    };
    new_complex(vm, re, im)
}

fn complex_attr(
    vm: &mut Vm,
    obj: Value,
    name: Qstr,
    action: AttrAction,
) -> PyResult<Option<Value>> {
    if action != AttrAction::Load {
        return Ok(None);
    }
    let Some((re, im)) = complex_value(obj) else {
        return Ok(None);
    };
    if name == Q::real {
        Ok(Some(new_float(vm, re)?))
    } else if name == Q::imag {
        Ok(Some(new_float(vm, im)?))
    } else {
        Ok(None)
    }
}

fn complex_conjugate(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match complex_value(arg(args, 0)).or_else(|| complex_value(int::number_part(arg(args, 0)))) {
        Some((re, im)) => new_complex(vm, re, -im),
        None => Err(vm.type_error("expected complex")),
    }
}
