//! Compile-time constant objects: number literal parsing, constant folding with Python
//! semantics, and float text as MicroPython's `repr` writes it into .mpy files.

use crate::text::push_char;
use crate::text::push_str;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;

use crate::bc::{binary, unary};
use crate::bigint::Big;

/// A compile-time constant.
#[derive(Clone, Debug)]
pub enum Obj {
    /// An integer that is a small int on the compiling host (63-bit, as mpy-cross on a 64-bit
    /// machine); folding results are normalised to this form when they fit.
    Int(i128),
    /// A multi-precision int object. MicroPython normalises big-int binary-op results that fit
    /// back to small ints, but not unary-op results, so e.g. `-(2**62)` stays an object.
    Mpz(Big),
    Float(f64),
    /// Pure imaginary number (imaginary part).
    Complex(f64),
    Str(Vec<u8>),
    Bytes(Vec<u8>),
    Tuple(Vec<Obj>),
    None,
    True,
    False,
    Ellipsis,
}

impl Obj {
    /// Identity as MicroPython's `strictly_equal` (same type and equal value; -0.0 != 0.0).
    pub fn strictly_equal(&self, o: &Obj) -> bool {
        match (self, o) {
            (Obj::Int(a), Obj::Int(b)) => a == b,
            (Obj::Mpz(a), Obj::Mpz(b)) => a == b,
            (Obj::Int(a), Obj::Mpz(b)) | (Obj::Mpz(b), Obj::Int(a)) => b.to_i128() == Some(*a),
            // NaN: MicroPython dedups the same object (math.nan used twice); compare bits
            (Obj::Float(a), Obj::Float(b)) => {
                (a == b && (*a != 0.0 || a.is_sign_negative() == b.is_sign_negative()))
                    || (a.is_nan() && a.to_bits() == b.to_bits())
            }
            (Obj::Complex(a), Obj::Complex(b)) => a == b,
            (Obj::Str(a), Obj::Str(b)) => a == b,
            (Obj::Bytes(a), Obj::Bytes(b)) => a == b,
            (Obj::Tuple(a), Obj::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.strictly_equal(y))
            }
            (Obj::None, Obj::None) | (Obj::True, Obj::True) | (Obj::False, Obj::False) => true,
            (Obj::Ellipsis, Obj::Ellipsis) => true,
            _ => false,
        }
    }

    /// Truth value (for constant conditions).
    pub fn is_true(&self) -> bool {
        match self {
            Obj::Int(v) => *v != 0,
            Obj::Mpz(b) => !b.is_zero(),
            Obj::Float(f) => *f != 0.0,
            Obj::Complex(f) => *f != 0.0,
            Obj::Str(s) | Obj::Bytes(s) => !s.is_empty(),
            Obj::Tuple(t) => !t.is_empty(),
            Obj::None | Obj::False => false,
            Obj::True | Obj::Ellipsis => true,
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Obj::Int(_) | Obj::Mpz(_) | Obj::Float(_))
    }
}

/// Bits in a small int on the compiling host whose behaviour we reproduce (mpy-cross, 64-bit).
pub const HOST_SMALL_INT_BITS: u8 = 63;

/// An integer result of small-int arithmetic: a host small int if it fits, else an mpz.
pub fn host_int(v: i128) -> Obj {
    if fits_small_int(v, HOST_SMALL_INT_BITS) {
        Obj::Int(v)
    } else {
        Obj::Mpz(Big::from_i128(v))
    }
}

/// A normalised integer result: a host small int if it fits, else an mpz.
pub fn host_big(b: Big) -> Obj {
    match b.to_i128() {
        Some(v) if fits_small_int(v, HOST_SMALL_INT_BITS) => Obj::Int(v),
        _ => Obj::Mpz(b),
    }
}

fn to_big(o: &Obj) -> Option<Big> {
    match o {
        Obj::Int(v) => Some(Big::from_i128(*v)),
        Obj::Mpz(b) => Some(b.clone()),
        _ => None,
    }
}

/// A hash consistent with [`Obj::strictly_equal`] (equal objects hash equally).
pub fn const_hash(o: &Obj) -> u64 {
    fn mix(h: u64, b: &[u8]) -> u64 {
        let mut h = h;
        for &x in b {
            h = (h ^ x as u64).wrapping_mul(0x100_0000_01b3);
        }
        h
    }
    let h0: u64 = 0xcbf2_9ce4_8422_2325;
    match o {
        Obj::Int(v) => mix(mix(h0, b"i"), &v.to_le_bytes()),
        Obj::Mpz(b) => match b.to_i128() {
            Some(v) => mix(mix(h0, b"i"), &v.to_le_bytes()),
            None => mix(mix(h0, b"I"), b.to_decimal().as_bytes()),
        },
        Obj::Float(f) => mix(mix(h0, b"f"), &f.to_bits().to_le_bytes()),
        // complex constants compare by value (0j == -0j)
        Obj::Complex(f) => mix(
            mix(h0, b"c"),
            &(if *f == 0.0 { 0.0f64 } else { *f })
                .to_bits()
                .to_le_bytes(),
        ),
        Obj::Str(s) => mix(mix(h0, b"s"), s),
        Obj::Bytes(s) => mix(mix(h0, b"b"), s),
        Obj::Tuple(t) => t
            .iter()
            .fold(mix(h0, b"t"), |h, x| mix(h, &const_hash(x).to_le_bytes())),
        Obj::None => mix(h0, b"N"),
        Obj::True => mix(h0, b"T"),
        Obj::False => mix(h0, b"F"),
        Obj::Ellipsis => mix(h0, b"E"),
    }
}

/// Does `v` fit in a small int of `bits` bits (signed)?
pub fn fits_small_int(v: i128, bits: u8) -> bool {
    let bits = bits.clamp(2, 64) as u32;
    let lim = 1i128 << (bits - 1);
    -lim <= v && v < lim
}

fn digit_val(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'a'..=b'z' => Some((c - b'a') as u32 + 10),
        b'A'..=b'Z' => Some((c - b'A') as u32 + 10),
        _ => None,
    }
}

/// Parse an integer literal (as the lexer collected it: underscores removed).
/// Err((base, digits)) gives MicroPython's "invalid syntax for integer with base N: 'digits'".
pub fn parse_int_literal(s: &[u8]) -> Result<Obj, (u32, &[u8])> {
    let mut base = 10u32;
    let mut p = 0;
    if s.len() > 1 && s[0] == b'0' {
        match s[1] | 0x20 {
            b'x' => {
                base = 16;
                p = 2
            }
            b'o' => {
                base = 8;
                p = 2
            }
            b'b' => {
                base = 2;
                p = 2
            }
            _ => base = 1,
        }
    }
    let start = p;
    // magnitude as little-endian u32 limbs
    let mut limbs: Vec<u32> = Vec::new();
    while p < s.len() {
        let c = s[p];
        if c == b'_' {
            p += 1;
            continue;
        }
        let d = match digit_val(c) {
            Some(d) if d < base.max(1) => d,
            _ => break,
        };
        let b = if base == 1 { 1 } else { base };
        mul_add(&mut limbs, b, d);
        p += 1;
    }
    if p == start || p != s.len() {
        return Err((if base == 1 { 0 } else { base }, &s[start..]));
    }
    Ok(limbs_to_obj(&limbs, false))
}

fn mul_add(limbs: &mut Vec<u32>, m: u32, a: u32) {
    let mut carry = a as u64;
    for l in limbs.iter_mut() {
        let v = (*l as u64) * (m as u64) + carry;
        *l = v as u32;
        carry = v >> 32;
    }
    if carry != 0 {
        limbs.push(carry as u32);
    }
}

fn limbs_to_obj(limbs: &[u32], neg: bool) -> Obj {
    host_big(Big::from_mag(neg, limbs.to_vec()))
}

/// Parse a float or imaginary literal. None: invalid syntax for number.
pub fn parse_float_literal(s: &[u8]) -> Option<Obj> {
    let (body, imag) = match s.last() {
        Some(b'j') | Some(b'J') => (&s[..s.len() - 1], true),
        _ => (s, false),
    };
    let txt: String = body
        .iter()
        .filter(|&&c| c != b'_')
        .map(|&c| c as char)
        .collect();
    if txt.is_empty()
        || !txt
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b'.' || c == b'e' || c == b'+' || c == b'-')
    {
        return None;
    }
    let v: f64 = txt.parse().ok()?;
    Some(if imag { Obj::Complex(v) } else { Obj::Float(v) })
}

fn as_f64(o: &Obj) -> Option<f64> {
    match o {
        Obj::Int(v) => Some(*v as f64),
        Obj::Mpz(b) => b.to_f64_exact(),
        Obj::Float(f) => Some(*f),
        _ => None,
    }
}

/// Fold a binary op on two numbers as MicroPython's parser does; None when MicroPython would
/// not fold (exception, complex result) or when we cannot compute it exactly.
pub fn fold_binary(op: u8, a: &Obj, b: &Obj) -> Option<Obj> {
    match (a, b) {
        (Obj::Int(_) | Obj::Mpz(_), Obj::Int(_) | Obj::Mpz(_)) => {
            fold_big(op, &to_big(a)?, &to_big(b)?)
        }
        (Obj::Int(_) | Obj::Mpz(_), Obj::Float(_))
        | (Obj::Float(_), Obj::Int(_) | Obj::Mpz(_))
        | (Obj::Float(_), Obj::Float(_)) => {
            let x = as_f64(a)?;
            let y = as_f64(b)?;
            fold_float(op, x, y)
        }
        _ => None,
    }
}

/// MicroPython's float semantics for the foldable operators.
fn fold_float(op: u8, x: f64, y: f64) -> Option<Obj> {
    let r = match op {
        binary::ADD => x + y,
        binary::SUBTRACT => x - y,
        binary::MULTIPLY => x * y,
        binary::TRUE_DIVIDE => {
            if y == 0.0 {
                return None;
            }
            x / y
        }
        binary::FLOOR_DIVIDE => {
            if y == 0.0 {
                return None;
            }
            let m = libm::fmod(x, y);
            let mut div = (x - m) / y;
            if m != 0.0 && ((m < 0.0) != (y < 0.0)) {
                div -= 1.0;
            }
            if div == 0.0 {
                libm::copysign(0.0, x / y)
            } else {
                let mut f = libm::floor(div);
                if div - f > 0.5 {
                    f += 1.0;
                }
                f
            }
        }
        binary::MODULO => {
            if y == 0.0 {
                return None;
            }
            let mut m = libm::fmod(x, y);
            if m == 0.0 {
                m = libm::copysign(0.0, y);
            } else if (m < 0.0) != (y < 0.0) {
                m += y;
            }
            m
        }
        binary::POWER => {
            if x == 0.0 && y < 0.0 && !y.is_infinite() {
                return None;
            }
            if x < 0.0 && y != libm::floor(y) && !y.is_nan() {
                // complex result: not folded
                return None;
            }
            libm::pow(x, y)
        }
        _ => return None,
    };
    Some(Obj::Float(r))
}

/// Integer binary operators with MicroPython's semantics; results are normalised.
fn fold_big(op: u8, x: &Big, y: &Big) -> Option<Obj> {
    let r = match op {
        binary::OR => x.bitop(y, |p, q| p | q),
        binary::XOR => x.bitop(y, |p, q| p ^ q),
        binary::AND => x.bitop(y, |p, q| p & q),
        binary::LSHIFT => {
            if y.is_neg() {
                return None;
            }
            if x.is_zero() {
                Big::zero()
            } else {
                let n = y
                    .to_i128()
                    .filter(|&n| n <= crate::bigint::MAX_BITS as i128)?;
                x.shl(n as usize)?
            }
        }
        binary::RSHIFT => {
            if y.is_neg() {
                return None;
            }
            let n = y
                .to_i128()
                .unwrap_or(i128::MAX)
                .min(crate::bigint::MAX_BITS as i128 * 2);
            x.shr(n as usize)
        }
        binary::ADD => x.add(y),
        binary::SUBTRACT => x.sub(y),
        binary::MULTIPLY => {
            if x.bits() + y.bits() > crate::bigint::MAX_BITS {
                return None;
            }
            x.mul(y)
        }
        binary::FLOOR_DIVIDE => x.divmod(y)?.0,
        binary::MODULO => x.divmod(y)?.1,
        binary::TRUE_DIVIDE => {
            if y.is_zero() {
                return None;
            }
            return Some(Obj::Float(x.to_f64_exact()? / y.to_f64_exact()?));
        }
        binary::POWER => {
            if y.is_neg() {
                return fold_float(binary::POWER, x.to_f64_exact()?, y.to_f64_exact()?);
            }
            let e = y.to_i128().filter(|&e| e <= u32::MAX as i128)?;
            x.pow(e as u64)?
        }
        _ => return None,
    };
    Some(host_big(r))
}

/// Fold a unary + - ~ on a number.
pub fn fold_unary(op: u8, a: &Obj) -> Option<Obj> {
    match (op, a) {
        (unary::POSITIVE, Obj::Int(_) | Obj::Mpz(_) | Obj::Float(_)) => Some(a.clone()),
        (unary::NEGATIVE, Obj::Int(v)) => Some(host_int(v.checked_neg()?)),
        (unary::NEGATIVE, Obj::Mpz(b)) => Some(Obj::Mpz(b.neg())),
        (unary::INVERT, Obj::Mpz(b)) => Some(Obj::Mpz(b.invert())),
        (unary::NEGATIVE, Obj::Float(f)) => Some(Obj::Float(-f)),
        (unary::INVERT, Obj::Int(v)) => Some(Obj::Int(!v)),
        _ => None,
    }
}

/// Format a float like MicroPython's `repr` (16 significant digits if that round-trips, else
/// 17; exponent form outside 1e-4 <= |x| < 1e16). `always_decimal` adds ".0" to integral
/// values (float repr); complex parts are printed without it.
pub fn float_repr(x: f64, always_decimal: bool) -> String {
    if x.is_nan() {
        return String::from("nan");
    }
    if x.is_infinite() {
        return String::from(if x < 0.0 { "-inf" } else { "inf" });
    }
    let neg = x.is_sign_negative();
    let ax = if neg { -x } else { x };
    let mut out = String::new();
    if neg {
        push_char(&mut out, '-');
    }
    if ax == 0.0 {
        push_str(&mut out, if always_decimal { "0.0" } else { "0" });
        return out;
    }
    // 16 significant digits if they round-trip, else 17: this matches MicroPython's repr far
    // more often than the shortest round-trip text does (MicroPython's own digit generation is
    // not exact, so a few values still print differently; both texts denote the same double).
    let mut e_txt = format!("{:.15e}", ax);
    if e_txt.parse::<f64>().ok() != Some(ax) {
        e_txt = format!("{:.16e}", ax);
    }
    // e_txt = d.ddddde[-]x
    let (mant, exp) = match e_txt.split_once('e') {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (e_txt.as_str(), 0),
    };
    let mut digits: Vec<u8> = mant.bytes().filter(|c| c.is_ascii_digit()).collect();
    while digits.len() > 1 && digits.last() == Some(&b'0') {
        digits.pop();
    }
    if (-4..16).contains(&exp) {
        if exp < 0 {
            push_str(&mut out, "0.");
            for _ in 0..(-exp - 1) {
                push_char(&mut out, '0');
            }
            for &d in &digits {
                out.push(d as char);
            }
        } else {
            let int_len = exp as usize + 1;
            for i in 0..int_len {
                out.push(*digits.get(i).unwrap_or(&b'0') as char);
            }
            if digits.len() > int_len {
                push_char(&mut out, '.');
                for &d in &digits[int_len..] {
                    out.push(d as char);
                }
            } else if always_decimal {
                push_str(&mut out, ".0");
            }
        }
    } else {
        out.push(digits[0] as char);
        if digits.len() > 1 {
            push_char(&mut out, '.');
            for &d in &digits[1..] {
                out.push(d as char);
            }
        }
        push_char(&mut out, 'e');
        out.push(if exp < 0 { '-' } else { '+' });
        let ae = exp.unsigned_abs();
        if ae < 10 {
            push_char(&mut out, '0');
        }
        push_str(&mut out, &format!("{}", ae));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr() {
        assert_eq!(float_repr(0.1, true), "0.1");
        assert_eq!(float_repr(1.0 / 3.0, true), "0.3333333333333333");
        assert_eq!(float_repr(1e100, true), "1e+100");
        assert_eq!(float_repr(2.5e-8, true), "2.5e-08");
        assert_eq!(float_repr(1e16, true), "1e+16");
        assert_eq!(float_repr(1e15, true), "1000000000000000.0");
        assert_eq!(
            float_repr(123456789012345678.0, true),
            "1.2345678901234568e+17"
        );
        assert_eq!(float_repr(5e-324, true), "4.940656458412465e-324");
        assert_eq!(float_repr(2.0, false), "2");
        assert_eq!(float_repr(-0.0, true), "-0.0");
        assert_eq!(float_repr(1e-5, true), "1e-05");
        assert_eq!(float_repr(0.0001, true), "0.0001");
    }

    #[test]
    fn ints() {
        assert!(matches!(parse_int_literal(b"0x10"), Ok(Obj::Int(16))));
        assert!(matches!(parse_int_literal(b"00"), Ok(Obj::Int(0))));
        assert!(parse_int_literal(b"01").is_err());
        match parse_int_literal(b"123456789012345678901234567890123456789012345") {
            Ok(Obj::Mpz(b)) => assert_eq!(
                b.to_decimal(),
                "123456789012345678901234567890123456789012345"
            ),
            _ => panic!(),
        }
        assert!(matches!(
            fold_binary(binary::FLOOR_DIVIDE, &Obj::Int(-7), &Obj::Int(2)),
            Some(Obj::Int(-4))
        ));
        assert!(matches!(
            fold_binary(binary::MODULO, &Obj::Int(-7), &Obj::Int(2)),
            Some(Obj::Int(1))
        ));
        // -(2**62) stays a big-int object (unary results are not normalised)
        let big = fold_binary(binary::POWER, &Obj::Int(2), &Obj::Int(62)).unwrap();
        assert!(matches!(big, Obj::Mpz(_)));
        assert!(matches!(
            fold_unary(unary::NEGATIVE, &big),
            Some(Obj::Mpz(_))
        ));
        // binary results are normalised
        let r = fold_binary(binary::RSHIFT, &big, &Obj::Int(60)).unwrap();
        assert!(matches!(r, Obj::Int(4)));
    }
}
