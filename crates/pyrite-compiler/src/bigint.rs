//! A small arbitrary-precision integer for compile-time constant folding (Python semantics:
//! floor division, two's-complement bitwise operators). Not tuned for speed: constants are small.

use crate::text::push_char;
use crate::text::push_str;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;

/// Folding gives up on results larger than this many bits (MicroPython would compute them, but
/// a constant that large is better computed at run time than stored in a .mpy file).
pub const MAX_BITS: usize = 1 << 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Big {
    neg: bool,
    /// little-endian magnitude, no trailing zero limbs; zero is empty with neg = false
    mag: Vec<u32>,
}

fn trim(v: &mut Vec<u32>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

fn cmp_mag(a: &[u32], b: &[u32]) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    for i in (0..a.len()).rev() {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    Ordering::Equal
}

fn add_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut r = Vec::with_capacity(a.len() + 1);
    let mut carry = 0u64;
    for (i, &x) in a.iter().enumerate() {
        let s = x as u64 + *b.get(i).unwrap_or(&0) as u64 + carry;
        r.push(s as u32);
        carry = s >> 32;
    }
    if carry != 0 {
        r.push(carry as u32);
    }
    r
}

/// a - b, requires |a| >= |b|
fn sub_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut r = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for (i, &x) in a.iter().enumerate() {
        let mut d = x as i64 - *b.get(i).unwrap_or(&0) as i64 - borrow;
        if d < 0 {
            d += 1 << 32;
            borrow = 1;
        } else {
            borrow = 0;
        }
        r.push(d as u32);
    }
    trim(&mut r);
    r
}

fn mul_mag(a: &[u32], b: &[u32]) -> Vec<u32> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut r = alloc::vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let t = r[i + j] as u64 + x as u64 * y as u64 + carry;
            r[i + j] = t as u32;
            carry = t >> 32;
        }
        let mut k = i + b.len();
        while carry != 0 && k < r.len() {
            let t = r[k] as u64 + carry;
            r[k] = t as u32;
            carry = t >> 32;
            k += 1;
        }
    }
    trim(&mut r);
    r
}

fn bit_len(a: &[u32]) -> usize {
    match a.last() {
        None => 0,
        Some(&top) => (a.len() - 1) * 32 + (32 - top.leading_zeros() as usize),
    }
}

fn shl_mag(a: &[u32], n: usize) -> Vec<u32> {
    if a.is_empty() {
        return Vec::new();
    }
    let (limbs, bits) = (n / 32, (n % 32) as u32);
    let mut r = alloc::vec![0u32; limbs];
    let mut carry = 0u32;
    for &x in a {
        if bits == 0 {
            r.push(x);
        } else {
            r.push((x << bits) | carry);
            carry = x >> (32 - bits);
        }
    }
    if carry != 0 {
        r.push(carry);
    }
    trim(&mut r);
    r
}

/// floor(|a| / 2^n) and whether any 1 bits were shifted out
fn shr_mag(a: &[u32], n: usize) -> (Vec<u32>, bool) {
    let (limbs, bits) = (n / 32, (n % 32) as u32);
    if limbs >= a.len() {
        return (Vec::new(), !a.is_empty());
    }
    let mut lost = a[..limbs].iter().any(|&x| x != 0);
    if bits != 0 && a[limbs] & ((1u32 << bits) - 1) != 0 {
        lost = true;
    }
    let mut r = Vec::with_capacity(a.len() - limbs);
    for i in limbs..a.len() {
        let lo = a[i] >> bits;
        let hi = if bits != 0 {
            a.get(i + 1).map(|&x| x << (32 - bits)).unwrap_or(0)
        } else {
            0
        };
        r.push(lo | hi);
    }
    trim(&mut r);
    (r, lost)
}

/// (quotient, remainder) of magnitudes; b non-empty. Bitwise long division.
fn divmod_mag(a: &[u32], b: &[u32]) -> (Vec<u32>, Vec<u32>) {
    if cmp_mag(a, b) == Ordering::Less {
        return (Vec::new(), a.to_vec());
    }
    if b.len() == 1 {
        let d = b[0] as u64;
        let mut q = alloc::vec![0u32; a.len()];
        let mut rem = 0u64;
        for i in (0..a.len()).rev() {
            let cur = (rem << 32) | a[i] as u64;
            q[i] = (cur / d) as u32;
            rem = cur % d;
        }
        trim(&mut q);
        let mut r = alloc::vec![rem as u32];
        trim(&mut r);
        return (q, r);
    }
    let n = bit_len(a);
    let mut q = alloc::vec![0u32; a.len()];
    let mut r: Vec<u32> = Vec::new();
    for i in (0..n).rev() {
        r = shl_mag(&r, 1);
        if a[i / 32] >> (i % 32) & 1 == 1 {
            if r.is_empty() {
                r.push(1);
            } else {
                r[0] |= 1;
            }
        }
        if cmp_mag(&r, b) != Ordering::Less {
            r = sub_mag(&r, b);
            q[i / 32] |= 1 << (i % 32);
        }
    }
    trim(&mut q);
    (q, r)
}

impl Big {
    pub fn zero() -> Big {
        Big {
            neg: false,
            mag: Vec::new(),
        }
    }
    fn make(neg: bool, mut mag: Vec<u32>) -> Big {
        trim(&mut mag);
        let neg = neg && !mag.is_empty();
        Big { neg, mag }
    }
    pub fn from_mag(neg: bool, mag: Vec<u32>) -> Big {
        Big::make(neg, mag)
    }
    pub fn from_i128(v: i128) -> Big {
        let neg = v < 0;
        let mut m = v.unsigned_abs();
        let mut mag = Vec::new();
        while m != 0 {
            mag.push(m as u32);
            m >>= 32;
        }
        Big { neg, mag }
    }
    pub fn to_i128(&self) -> Option<i128> {
        if self.mag.len() > 4 {
            return None;
        }
        let mut m: u128 = 0;
        for &l in self.mag.iter().rev() {
            m = (m << 32) | l as u128;
        }
        if self.neg {
            if m <= i128::MAX as u128 + 1 {
                Some((m as i128).wrapping_neg())
            } else {
                None
            }
        } else if m <= i128::MAX as u128 {
            Some(m as i128)
        } else {
            None
        }
    }
    pub fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }
    pub fn is_neg(&self) -> bool {
        self.neg
    }
    pub fn bits(&self) -> usize {
        bit_len(&self.mag)
    }

    pub fn neg(&self) -> Big {
        Big::make(!self.neg, self.mag.clone())
    }
    pub fn add(&self, o: &Big) -> Big {
        if self.neg == o.neg {
            return Big::make(self.neg, add_mag(&self.mag, &o.mag));
        }
        match cmp_mag(&self.mag, &o.mag) {
            Ordering::Less => Big::make(o.neg, sub_mag(&o.mag, &self.mag)),
            _ => Big::make(self.neg, sub_mag(&self.mag, &o.mag)),
        }
    }
    pub fn sub(&self, o: &Big) -> Big {
        self.add(&o.neg())
    }
    pub fn mul(&self, o: &Big) -> Big {
        Big::make(self.neg != o.neg, mul_mag(&self.mag, &o.mag))
    }
    /// Floor division and modulo (Python semantics); None for division by zero.
    pub fn divmod(&self, o: &Big) -> Option<(Big, Big)> {
        if o.is_zero() {
            return None;
        }
        let (q, r) = divmod_mag(&self.mag, &o.mag);
        let mut q = Big::make(self.neg != o.neg, q);
        let mut r = Big::make(self.neg, r);
        if !r.is_zero() && (r.neg != o.neg) {
            q = q.sub(&Big::from_i128(1));
            r = r.add(o);
        }
        Some((q, r))
    }
    pub fn pow(&self, mut e: u64) -> Option<Big> {
        let mut acc = Big::from_i128(1);
        let mut base = self.clone();
        while e > 0 {
            if e & 1 == 1 {
                acc = acc.mul(&base);
                if acc.bits() > MAX_BITS {
                    return None;
                }
            }
            e >>= 1;
            if e > 0 {
                base = base.mul(&base);
                if base.bits() > MAX_BITS {
                    return None;
                }
            }
        }
        Some(acc)
    }
    pub fn shl(&self, n: usize) -> Option<Big> {
        if self.bits().saturating_add(n) > MAX_BITS && !self.is_zero() {
            return None;
        }
        Some(Big::make(self.neg, shl_mag(&self.mag, n)))
    }
    /// Arithmetic shift right (floor).
    pub fn shr(&self, n: usize) -> Big {
        let (m, lost) = shr_mag(&self.mag, n);
        let r = Big::make(self.neg, m);
        if self.neg && lost {
            r.sub(&Big::from_i128(1))
        } else {
            r
        }
    }

    /// Two's complement limbs (len limbs, sign-extended).
    fn to_twos(&self, len: usize) -> Vec<u32> {
        let mut v = self.mag.clone();
        v.resize(len, 0);
        if self.neg {
            for x in v.iter_mut() {
                *x = !*x;
            }
            for x in v.iter_mut() {
                let (s, c) = x.overflowing_add(1);
                *x = s;
                if !c {
                    break;
                }
            }
        }
        v
    }
    fn from_twos(mut v: Vec<u32>) -> Big {
        let neg = v.last().map(|&x| x & 0x8000_0000 != 0).unwrap_or(false);
        if neg {
            for x in v.iter_mut() {
                *x = !*x;
            }
            for x in v.iter_mut() {
                let (s, c) = x.overflowing_add(1);
                *x = s;
                if !c {
                    break;
                }
            }
        }
        Big::make(neg, v)
    }
    pub fn bitop(&self, o: &Big, f: fn(u32, u32) -> u32) -> Big {
        let len = self.mag.len().max(o.mag.len()) + 1;
        let a = self.to_twos(len);
        let b = o.to_twos(len);
        Big::from_twos(a.iter().zip(b.iter()).map(|(&x, &y)| f(x, y)).collect())
    }
    pub fn invert(&self) -> Big {
        // ~x == -x - 1
        self.neg().sub(&Big::from_i128(1))
    }

    /// Nearest f64, when exactly representable (otherwise None: rounding must match C's).
    pub fn to_f64_exact(&self) -> Option<f64> {
        let v = self.to_i128()?;
        let f = v as f64;
        if f as i128 == v {
            Some(f)
        } else {
            None
        }
    }

    pub fn to_decimal(&self) -> String {
        if self.mag.is_empty() {
            return String::from("0");
        }
        let mut mag = self.mag.clone();
        let mut chunks: Vec<u32> = Vec::new();
        while !mag.is_empty() {
            let mut rem: u64 = 0;
            for l in mag.iter_mut().rev() {
                let cur = (rem << 32) | *l as u64;
                *l = (cur / 1_000_000_000) as u32;
                rem = cur % 1_000_000_000;
            }
            chunks.push(rem as u32);
            trim(&mut mag);
        }
        let mut s = String::new();
        if self.neg {
            push_char(&mut s, '-');
        }
        for (i, c) in chunks.iter().rev().enumerate() {
            if i == 0 {
                push_str(&mut s, &alloc::format!("{}", c));
            } else {
                push_str(&mut s, &alloc::format!("{:09}", c));
            }
        }
        s
    }

    /// Parse optional '-' then decimal digits.
    pub fn from_decimal(s: &str) -> Option<Big> {
        let (neg, digits) = match s.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, s),
        };
        if digits.is_empty() {
            return None;
        }
        let mut mag: Vec<u32> = Vec::new();
        for c in digits.bytes() {
            if !c.is_ascii_digit() {
                return None;
            }
            let mut carry = (c - b'0') as u64;
            for l in mag.iter_mut() {
                let v = *l as u64 * 10 + carry;
                *l = v as u32;
                carry = v >> 32;
            }
            if carry != 0 {
                mag.push(carry as u32);
            }
        }
        Some(Big::make(neg, mag))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(v: i128) -> Big {
        Big::from_i128(v)
    }

    #[test]
    fn arithmetic_matches_i128() {
        let vals = [
            0i128,
            1,
            -1,
            7,
            -7,
            1 << 40,
            -(1 << 40),
            123456789012345,
            -98765432109876543,
            i64::MAX as i128,
        ];
        for &x in &vals {
            for &y in &vals {
                assert_eq!(b(x).add(&b(y)).to_i128(), Some(x + y));
                assert_eq!(b(x).sub(&b(y)).to_i128(), Some(x - y));
                assert_eq!(b(x).mul(&b(y)).to_i128(), x.checked_mul(y));
                assert_eq!(b(x).bitop(&b(y), |p, q| p & q).to_i128(), Some(x & y));
                assert_eq!(b(x).bitop(&b(y), |p, q| p | q).to_i128(), Some(x | y));
                assert_eq!(b(x).bitop(&b(y), |p, q| p ^ q).to_i128(), Some(x ^ y));
                if y != 0 {
                    let (q, r) = b(x).divmod(&b(y)).unwrap();
                    let fq = x.div_euclid(y) - if y < 0 && x.rem_euclid(y) != 0 { 1 } else { 0 };
                    let fr = x - fq * y;
                    assert_eq!(
                        (q.to_i128(), r.to_i128()),
                        (Some(fq), Some(fr)),
                        "{} divmod {}",
                        x,
                        y
                    );
                }
            }
            assert_eq!(b(x).invert().to_i128(), Some(!x));
            assert_eq!(b(x).shr(3).to_i128(), Some(x >> 3));
            assert_eq!(b(x).shr(100).to_i128(), Some(x >> 100));
            assert_eq!(b(x).to_decimal(), alloc::format!("{}", x));
        }
        assert_eq!(
            b(2).pow(100).unwrap().to_decimal(),
            "1267650600228229401496703205376"
        );
        assert_eq!(b(1).shl(256).unwrap().shr(255).to_i128(), Some(2));
        assert_eq!(
            Big::from_decimal("-123456789012345678901234567890")
                .unwrap()
                .to_decimal(),
            "-123456789012345678901234567890"
        );
    }
}
