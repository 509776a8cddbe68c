//! Arbitrary-precision integer arithmetic: the engine behind big `int`s.
//!
//! This module knows nothing about the VM. It works on magnitudes (little-endian slices of
//! [`Limb`]s without high zero limbs) and on signed values ([`Big`] owned, [`BigRef`]
//! borrowed). Results are built in Rust `Vec`s (transient scratch memory holding no Python
//! objects); int.rs copies the final result into the GC heap.
//!
//! Algorithms: schoolbook and Karatsuba multiplication, Knuth's algorithm D for division,
//! chunked radix conversion (divide by the largest power of the radix that fits a limb), two's
//! complement bitwise operations computed limb by limb, correctly rounded conversion to f64.

use alloc::vec;
use alloc::vec::Vec;
use core::cmp::Ordering;

// Limbs are machine words (u64 with u128 products on 64-bit hosts); the `limb32` feature forces
// 32-bit limbs on any host, to test the 32-bit targets' arithmetic.
#[cfg(all(target_pointer_width = "64", not(feature = "limb32")))]
pub type Limb = u64;
#[cfg(all(target_pointer_width = "64", not(feature = "limb32")))]
pub type DLimb = u128;
#[cfg(any(not(target_pointer_width = "64"), feature = "limb32"))]
pub type Limb = u32;
#[cfg(any(not(target_pointer_width = "64"), feature = "limb32"))]
pub type DLimb = u64;

/// Bits per limb.
pub const LIMB_BITS: u32 = Limb::BITS;

/// Above this many limbs (of the shorter operand) multiplication uses Karatsuba.
const KARATSUBA_THRESHOLD: usize = 32;

/// Remove high zero limbs.
#[inline]
pub fn trim(v: &mut Vec<Limb>) {
    while let Some(&0) = v.last() {
        v.pop();
    }
}

#[inline]
fn trimmed(s: &[Limb]) -> &[Limb] {
    let mut n = s.len();
    while n > 0 && s[n - 1] == 0 {
        n -= 1;
    }
    &s[..n]
}

/// Number of significant bits of a magnitude (0 for zero).
pub fn bit_len(a: &[Limb]) -> u64 {
    match a.last() {
        None => 0,
        Some(&top) => {
            (a.len() as u64 - 1) * LIMB_BITS as u64 + (LIMB_BITS - top.leading_zeros()) as u64
        }
    }
}

/// Compare magnitudes.
pub fn cmp_mag(a: &[Limb], b: &[Limb]) -> Ordering {
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

/// a + b.
pub fn add_mag(a: &[Limb], b: &[Limb]) -> Vec<Limb> {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(a.len() + 1);
    let mut carry = false;
    for i in 0..a.len() {
        let y = if i < b.len() { b[i] } else { 0 };
        let (s1, c1) = a[i].overflowing_add(y);
        let (s2, c2) = s1.overflowing_add(carry as Limb);
        out.push(s2);
        carry = c1 || c2;
    }
    if carry {
        out.push(1);
    }
    out
}

/// a += b (a must be at least as long as b; a carry past a's end is dropped, callers size a).
fn add_into(a: &mut [Limb], b: &[Limb]) {
    let mut carry = false;
    let mut i = 0;
    while i < b.len() && i < a.len() {
        let (s1, c1) = a[i].overflowing_add(b[i]);
        let (s2, c2) = s1.overflowing_add(carry as Limb);
        a[i] = s2;
        carry = c1 || c2;
        i += 1;
    }
    while carry && i < a.len() {
        let (s, c) = a[i].overflowing_add(1);
        a[i] = s;
        carry = c;
        i += 1;
    }
}

/// a -= b, requires a >= b (as numbers; a may be longer).
fn sub_into(a: &mut [Limb], b: &[Limb]) {
    let mut borrow = false;
    let mut i = 0;
    while i < b.len() && i < a.len() {
        let (s1, c1) = a[i].overflowing_sub(b[i]);
        let (s2, c2) = s1.overflowing_sub(borrow as Limb);
        a[i] = s2;
        borrow = c1 || c2;
        i += 1;
    }
    while borrow && i < a.len() {
        let (s, c) = a[i].overflowing_sub(1);
        a[i] = s;
        borrow = c;
        i += 1;
    }
}

/// a - b for a >= b.
pub fn sub_mag(a: &[Limb], b: &[Limb]) -> Vec<Limb> {
    let mut out = a.to_vec();
    sub_into(&mut out, b);
    trim(&mut out);
    out
}

/// v = v * m + add, in place.
pub fn mul_small_add(v: &mut Vec<Limb>, m: Limb, add: Limb) {
    let mut carry = add as DLimb;
    for x in v.iter_mut() {
        let t = *x as DLimb * m as DLimb + carry;
        *x = t as Limb;
        carry = t >> LIMB_BITS;
    }
    if carry != 0 {
        v.push(carry as Limb);
    }
}

/// out[..] += a * b, schoolbook. out must have room for a.len() + b.len() limbs and the
/// result must fit.
fn mul_school_into(out: &mut [Limb], a: &[Limb], b: &[Limb]) {
    for (i, &bi) in b.iter().enumerate() {
        if bi == 0 {
            continue;
        }
        let mut carry: DLimb = 0;
        let row = &mut out[i..];
        for (j, &aj) in a.iter().enumerate() {
            let t = row[j] as DLimb + aj as DLimb * bi as DLimb + carry;
            row[j] = t as Limb;
            carry = t >> LIMB_BITS;
        }
        let mut k = a.len();
        while carry != 0 && k < row.len() {
            let t = row[k] as DLimb + carry;
            row[k] = t as Limb;
            carry = t >> LIMB_BITS;
            k += 1;
        }
    }
}

/// Squaring, schoolbook: cross products once, doubled, plus the diagonal.
fn sqr_school_into(out: &mut [Limb], a: &[Limb]) {
    let n = a.len();
    for i in 0..n {
        let ai = a[i];
        if ai == 0 {
            continue;
        }
        let mut carry: DLimb = 0;
        for j in i + 1..n {
            let t = out[i + j] as DLimb + ai as DLimb * a[j] as DLimb + carry;
            out[i + j] = t as Limb;
            carry = t >> LIMB_BITS;
        }
        let mut k = i + n;
        while carry != 0 && k < out.len() {
            let t = out[k] as DLimb + carry;
            out[k] = t as Limb;
            carry = t >> LIMB_BITS;
            k += 1;
        }
    }
    // double
    let mut top = 0;
    for x in out.iter_mut() {
        let nt = *x >> (LIMB_BITS - 1);
        *x = (*x << 1) | top;
        top = nt;
    }
    // add diagonal
    let mut carry: DLimb = 0;
    for i in 0..n {
        let sq = a[i] as DLimb * a[i] as DLimb;
        let t = out[2 * i] as DLimb + (sq as Limb) as DLimb + carry;
        out[2 * i] = t as Limb;
        let t2 = out[2 * i + 1] as DLimb + (sq >> LIMB_BITS) + (t >> LIMB_BITS);
        out[2 * i + 1] = t2 as Limb;
        carry = t2 >> LIMB_BITS;
    }
    let mut k = 2 * n;
    while carry != 0 && k < out.len() {
        let t = out[k] as DLimb + carry;
        out[k] = t as Limb;
        carry = t >> LIMB_BITS;
        k += 1;
    }
}

/// a * b.
pub fn mul_mag(a: &[Limb], b: &[Limb]) -> Vec<Limb> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0; a.len() + b.len()];
    mul_into(&mut out, a, b);
    trim(&mut out);
    out
}

/// out (zeroed, len >= a+b) = a * b.
fn mul_into(out: &mut [Limb], a: &[Limb], b: &[Limb]) {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if b.is_empty() {
        return;
    }
    if b.len() < KARATSUBA_THRESHOLD {
        if core::ptr::eq(a, b) {
            sqr_school_into(out, a);
        } else {
            mul_school_into(out, a, b);
        }
        return;
    }
    if a.len() >= 2 * b.len() {
        // Unbalanced: multiply b by slices of a of b's length.
        let mut tmp = vec![0; 2 * b.len()];
        let mut off = 0;
        while off < a.len() {
            let end = (off + b.len()).min(a.len());
            let chunk = trimmed(&a[off..end]);
            if !chunk.is_empty() {
                for x in tmp.iter_mut() {
                    *x = 0;
                }
                let tl = chunk.len() + b.len();
                mul_into(&mut tmp[..tl], chunk, b);
                add_into(&mut out[off..], trimmed(&tmp[..tl]));
            }
            off = end;
        }
        return;
    }
    karatsuba(out, a, b);
}

fn karatsuba(out: &mut [Limb], a: &[Limb], b: &[Limb]) {
    // a.len() >= b.len() > a.len() / 2
    let h = a.len() / 2;
    let (a0, a1) = (trimmed(&a[..h]), &a[h..]);
    let (b0, b1) = if b.len() > h {
        (trimmed(&b[..h]), &b[h..])
    } else {
        (trimmed(b), &b[b.len()..])
    };
    let square = core::ptr::eq(a, b);
    // z0 = a0*b0, z2 = a1*b1
    let mut z0 = vec![0; a0.len() + b0.len()];
    if square {
        mul_into(&mut z0, a0, a0);
    } else {
        mul_into(&mut z0, a0, b0);
    }
    let mut z2 = vec![0; a1.len() + b1.len()];
    if square {
        mul_into(&mut z2, a1, a1);
    } else {
        mul_into(&mut z2, a1, b1);
    }
    // z1 = (a0+a1)(b0+b1) - z0 - z2
    let sa = add_mag(a0, a1);
    let mut z1;
    if square {
        z1 = vec![0; 2 * sa.len()];
        mul_into(&mut z1, &sa, &sa);
    } else {
        let sb = add_mag(b0, b1);
        z1 = vec![0; sa.len() + sb.len()];
        mul_into(&mut z1, &sa, &sb);
    }
    sub_into(&mut z1, trimmed(&z0));
    sub_into(&mut z1, trimmed(&z2));
    add_into(out, trimmed(&z0));
    add_into(&mut out[h..], trimmed(&z1));
    add_into(&mut out[2 * h..], trimmed(&z2));
}

/// a * a.
pub fn sqr_mag(a: &[Limb]) -> Vec<Limb> {
    if a.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0; 2 * a.len()];
    mul_into(&mut out, a, a);
    trim(&mut out);
    out
}

/// (a / d, a % d) for one limb d != 0.
pub fn divrem_small(a: &[Limb], d: Limb) -> (Vec<Limb>, Limb) {
    let mut q = vec![0; a.len()];
    let mut r: Limb = 0;
    for i in (0..a.len()).rev() {
        let num = ((r as DLimb) << LIMB_BITS) | a[i] as DLimb;
        q[i] = (num / d as DLimb) as Limb;
        r = (num % d as DLimb) as Limb;
    }
    trim(&mut q);
    (q, r)
}

/// In-place division by one limb; returns the remainder.
fn divrem_small_inplace(a: &mut Vec<Limb>, d: Limb) -> Limb {
    let mut r: Limb = 0;
    for i in (0..a.len()).rev() {
        let num = ((r as DLimb) << LIMB_BITS) | a[i] as DLimb;
        a[i] = (num / d as DLimb) as Limb;
        r = (num % d as DLimb) as Limb;
    }
    trim(a);
    r
}

/// (a / b, a % b) for b != 0 (magnitudes).
pub fn divrem_mag(a: &[Limb], b: &[Limb]) -> (Vec<Limb>, Vec<Limb>) {
    if cmp_mag(a, b) == Ordering::Less {
        return (Vec::new(), a.to_vec());
    }
    if b.len() == 1 {
        let (q, r) = divrem_small(a, b[0]);
        return (q, if r == 0 { Vec::new() } else { vec![r] });
    }
    knuth_d(a, b)
}

fn knuth_d(u: &[Limb], v: &[Limb]) -> (Vec<Limb>, Vec<Limb>) {
    let n = v.len();
    let s = v[n - 1].leading_zeros();
    let vn = shl_bits(v, s);
    let mut un = shl_bits(u, s);
    un.resize(u.len() + 1, 0);
    let m = un.len() - n;
    let mut q = vec![0 as Limb; m];
    let b: DLimb = 1 << LIMB_BITS;
    let vtop = vn[n - 1] as DLimb;
    let vnext = vn[n - 2] as DLimb;
    for j in (0..m).rev() {
        let num = ((un[j + n] as DLimb) << LIMB_BITS) | un[j + n - 1] as DLimb;
        let mut qhat = num / vtop;
        let mut rhat = num % vtop;
        while qhat >= b || qhat * vnext > ((rhat << LIMB_BITS) | un[j + n - 2] as DLimb) {
            qhat -= 1;
            rhat += vtop;
            if rhat >= b {
                break;
            }
        }
        // un[j..j+n+1] -= qhat * vn
        let mut borrow: Limb = 0;
        let mut carry: Limb = 0;
        for i in 0..n {
            let p = qhat * vn[i] as DLimb + carry as DLimb;
            carry = (p >> LIMB_BITS) as Limb;
            let (t1, b1) = un[i + j].overflowing_sub(p as Limb);
            let (t2, b2) = t1.overflowing_sub(borrow);
            un[i + j] = t2;
            borrow = b1 as Limb + b2 as Limb;
        }
        let (t1, b1) = un[j + n].overflowing_sub(carry);
        let (t2, b2) = t1.overflowing_sub(borrow);
        un[j + n] = t2;
        if b1 || b2 {
            qhat -= 1;
            let mut c = false;
            for i in 0..n {
                let (s1, c1) = un[i + j].overflowing_add(vn[i]);
                let (s2, c2) = s1.overflowing_add(c as Limb);
                un[i + j] = s2;
                c = c1 || c2;
            }
            un[j + n] = un[j + n].wrapping_add(c as Limb);
        }
        q[j] = qhat as Limb;
    }
    trim(&mut q);
    un.truncate(n);
    let mut r = shr_bits(&un, s);
    trim(&mut r);
    (q, r)
}

/// a << s for s < LIMB_BITS (result may have one more limb).
fn shl_bits(a: &[Limb], s: u32) -> Vec<Limb> {
    let mut out = Vec::with_capacity(a.len() + 1);
    if s == 0 {
        out.extend_from_slice(a);
        return out;
    }
    let mut carry = 0;
    for &x in a {
        out.push((x << s) | carry);
        carry = x >> (LIMB_BITS - s);
    }
    if carry != 0 {
        out.push(carry);
    }
    out
}

/// a >> s for s < LIMB_BITS.
fn shr_bits(a: &[Limb], s: u32) -> Vec<Limb> {
    if s == 0 {
        return a.to_vec();
    }
    let mut out = vec![0; a.len()];
    for i in 0..a.len() {
        let hi = if i + 1 < a.len() {
            a[i + 1] << (LIMB_BITS - s)
        } else {
            0
        };
        out[i] = (a[i] >> s) | hi;
    }
    out
}

/// a << n bits.
pub fn shl_mag(a: &[Limb], n: u64) -> Vec<Limb> {
    if a.is_empty() {
        return Vec::new();
    }
    let limbs = (n / LIMB_BITS as u64) as usize;
    let bits = (n % LIMB_BITS as u64) as u32;
    let mut out = vec![0; limbs];
    out.extend_from_slice(&shl_bits(a, bits));
    trim(&mut out);
    out
}

/// a >> n bits (truncating) and whether any 1 bit was shifted out.
pub fn shr_mag(a: &[Limb], n: u64) -> (Vec<Limb>, bool) {
    let limbs = n / LIMB_BITS as u64;
    if limbs >= a.len() as u64 {
        return (Vec::new(), !a.is_empty());
    }
    let limbs = limbs as usize;
    let bits = (n % LIMB_BITS as u64) as u32;
    let mut lost = a[..limbs].iter().any(|&x| x != 0);
    if bits != 0 && a[limbs] & ((1 << bits) - 1) != 0 {
        lost = true;
    }
    let mut out = shr_bits(&a[limbs..], bits);
    trim(&mut out);
    (out, lost)
}

/// Magnitude of a u64.
pub fn mag_from_u64(mut x: u64) -> Vec<Limb> {
    let mut v = Vec::new();
    while x != 0 {
        v.push(x as Limb);
        x = x.checked_shr(LIMB_BITS).unwrap_or(0);
    }
    v
}

/// Magnitude of a u128.
pub fn mag_from_u128(mut x: u128) -> Vec<Limb> {
    let mut v = Vec::new();
    while x != 0 {
        v.push(x as Limb);
        x = x.checked_shr(LIMB_BITS).unwrap_or(0);
    }
    v
}

/// The magnitude as a u128 if it fits.
pub fn mag_to_u128(a: &[Limb]) -> Option<u128> {
    if bit_len(a) > 128 {
        return None;
    }
    let mut r: u128 = 0;
    for &x in a.iter().rev() {
        r = (r << (LIMB_BITS - 1) << 1) | x as u128;
    }
    Some(r)
}

// ---------------------------------------------------------------------------------------------
// Floats

/// 2^e as a scale factor applied to `x` exactly (as long as the result is representable).
pub fn scale2(mut x: f64, mut e: i64) -> f64 {
    let p1000 = f64::from_bits(((1023 + 1000) as u64) << 52);
    let m1000 = f64::from_bits(((1023 - 1000) as u64) << 52);
    while e > 1000 {
        x *= p1000;
        e -= 1000;
        if x.is_infinite() {
            return x;
        }
    }
    while e < -1000 {
        x *= m1000;
        e += 1000;
        if x == 0.0 {
            return x;
        }
    }
    x * f64::from_bits(((1023 + e) as u64) << 52)
}

/// Correctly rounded (ties to even) value of `mant * 2^exp`, where `sticky` says that some
/// nonzero bits below `mant`'s lowest bit were dropped. Overflows to infinity.
pub fn round_to_f64(mant: u64, sticky: bool, exp: i64) -> f64 {
    if mant == 0 {
        return 0.0;
    }
    let nbits = 64 - mant.leading_zeros() as i64;
    let lead = exp + nbits - 1; // exponent of the leading bit
    if lead > 1023 {
        return f64::INFINITY;
    }
    let prec = if lead >= -1022 {
        53
    } else {
        53 - (-1022 - lead)
    };
    let drop = nbits - prec;
    if drop <= 0 {
        return scale2(mant as f64, exp);
    }
    if drop > 64 {
        return 0.0;
    }
    let m = mant as u128;
    let keep = m >> drop;
    let rem = m & ((1u128 << drop) - 1);
    let half = 1u128 << (drop - 1);
    let up = rem > half || (rem == half && (sticky || keep & 1 == 1));
    let keep = keep + up as u128;
    scale2(keep as f64, exp + drop)
}

/// Correctly rounded f64 of a magnitude (infinity if too big).
pub fn mag_to_f64(a: &[Limb]) -> f64 {
    let bits = bit_len(a);
    if bits <= 64 {
        return mag_to_u128(a).unwrap_or(0) as u64 as f64;
    }
    let (top, lost) = shr_mag(a, bits - 64);
    let t = mag_to_u128(&top).unwrap_or(0) as u64;
    round_to_f64(t, lost, (bits - 64) as i64)
}

/// The integer part (truncated) of a finite float, as (negative, magnitude).
pub fn mag_from_f64(f: f64) -> (bool, Vec<Limb>) {
    let bits = f.to_bits();
    let neg = bits >> 63 != 0;
    let e = ((bits >> 52) & 0x7ff) as i64;
    if e == 0 {
        return (neg, Vec::new());
    }
    let m = (bits & ((1 << 52) - 1)) | (1 << 52);
    let shift = e - 1075;
    if shift >= 0 {
        (neg, shl_mag(&mag_from_u64(m), shift as u64))
    } else if shift <= -64 {
        (neg, Vec::new())
    } else {
        (neg, mag_from_u64(m >> (-shift)))
    }
}

/// Correctly rounded a / b for magnitudes (b != 0). Infinity if too large.
pub fn div_to_f64(a: &[Limb], b: &[Limb]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    let (ba, bb) = (bit_len(a), bit_len(b));
    if ba <= 53 && bb <= 53 {
        return mag_to_f64(a) / mag_to_f64(b);
    }
    // Scale so the quotient has 55..56 bits, then round once.
    let shift = ba as i64 - bb as i64 - 55;
    let (q, r) = if shift > 0 {
        divrem_mag(a, &shl_mag(b, shift as u64))
    } else {
        divrem_mag(&shl_mag(a, (-shift) as u64), b)
    };
    let qv = mag_to_u128(&q).unwrap_or(0) as u64;
    round_to_f64(qv, !r.is_empty(), shift)
}

// ---------------------------------------------------------------------------------------------
// Signed values

/// A borrowed signed integer: sign and magnitude.
#[derive(Clone, Copy, Debug)]
pub struct BigRef<'a> {
    pub neg: bool,
    pub mag: &'a [Limb],
}

/// An owned signed integer (zero is never negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Big {
    pub neg: bool,
    pub mag: Vec<Limb>,
}

impl Big {
    pub fn new(neg: bool, mut mag: Vec<Limb>) -> Big {
        trim(&mut mag);
        let neg = neg && !mag.is_empty();
        Big { neg, mag }
    }
    pub fn zero() -> Big {
        Big {
            neg: false,
            mag: Vec::new(),
        }
    }
    pub fn from_i128(x: i128) -> Big {
        Big::new(x < 0, mag_from_u128(x.unsigned_abs()))
    }
    pub fn as_ref(&self) -> BigRef<'_> {
        BigRef {
            neg: self.neg,
            mag: &self.mag,
        }
    }
    /// The value as i128 if it fits.
    pub fn to_i128(&self) -> Option<i128> {
        self.as_ref().to_i128()
    }
}

#[allow(clippy::should_implement_trait)]
impl<'a> BigRef<'a> {
    pub fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }
    pub fn to_owned(&self) -> Big {
        Big::new(self.neg, self.mag.to_vec())
    }
    pub fn to_i128(&self) -> Option<i128> {
        let m = mag_to_u128(self.mag)?;
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
    pub fn neg(&self) -> Big {
        Big::new(!self.neg, self.mag.to_vec())
    }
    pub fn cmp(&self, o: &BigRef) -> Ordering {
        match (self.neg, o.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_mag(self.mag, o.mag),
            (true, true) => cmp_mag(o.mag, self.mag),
        }
    }
    pub fn add(&self, o: &BigRef) -> Big {
        if self.neg == o.neg {
            Big::new(self.neg, add_mag(self.mag, o.mag))
        } else {
            match cmp_mag(self.mag, o.mag) {
                Ordering::Equal => Big::zero(),
                Ordering::Greater => Big::new(self.neg, sub_mag(self.mag, o.mag)),
                Ordering::Less => Big::new(o.neg, sub_mag(o.mag, self.mag)),
            }
        }
    }
    pub fn sub(&self, o: &BigRef) -> Big {
        let no = BigRef {
            neg: !o.neg,
            mag: o.mag,
        };
        self.add(&no)
    }
    pub fn mul(&self, o: &BigRef) -> Big {
        let m = if core::ptr::eq(self.mag, o.mag) {
            sqr_mag(self.mag)
        } else {
            mul_mag(self.mag, o.mag)
        };
        Big::new(self.neg != o.neg, m)
    }
    /// Floor division and modulo (Python semantics). `o` must be nonzero.
    pub fn divmod(&self, o: &BigRef) -> (Big, Big) {
        let (q, r) = divrem_mag(self.mag, o.mag);
        if self.neg != o.neg && !r.is_empty() {
            let q1 = add_mag(&q, &[1]);
            let r1 = sub_mag(o.mag, &r);
            (Big::new(true, q1), Big::new(o.neg, r1))
        } else {
            (Big::new(self.neg != o.neg, q), Big::new(o.neg, r))
        }
    }
    /// self << n.
    pub fn shl(&self, n: u64) -> Big {
        Big::new(self.neg, shl_mag(self.mag, n))
    }
    /// self >> n (floor).
    pub fn shr(&self, n: u64) -> Big {
        let (m, lost) = shr_mag(self.mag, n);
        if self.neg && lost {
            Big::new(true, add_mag(&m, &[1]))
        } else {
            Big::new(self.neg, m)
        }
    }
    /// ~self = -self - 1.
    pub fn not(&self) -> Big {
        let one = [1 as Limb];
        self.neg().as_ref().sub(&BigRef {
            neg: false,
            mag: &one,
        })
    }
    /// Two's complement limbs, sign-extended to `n` limbs.
    fn twos(&self, n: usize) -> Vec<Limb> {
        let mut v = self.mag.to_vec();
        v.resize(n, 0);
        if self.neg {
            // -(m) = ~(m - 1)
            sub_into(&mut v, &[1]);
            for x in v.iter_mut() {
                *x = !*x;
            }
        }
        v
    }
    /// Bitwise op with two's complement semantics: 0 = and, 1 = or, 2 = xor.
    pub fn bitop(&self, o: &BigRef, op: u8) -> Big {
        let n = self.mag.len().max(o.mag.len()) + 1;
        let a = self.twos(n);
        let b = o.twos(n);
        let f = |x: Limb, y: Limb| match op {
            0 => x & y,
            1 => x | y,
            _ => x ^ y,
        };
        let sa: Limb = if self.neg { !0 } else { 0 };
        let sb: Limb = if o.neg { !0 } else { 0 };
        let neg = f(sa, sb) != 0;
        let mut r: Vec<Limb> = a.iter().zip(b.iter()).map(|(&x, &y)| f(x, y)).collect();
        if neg {
            for x in r.iter_mut() {
                *x = !*x;
            }
            add_into_grow(&mut r, 1);
        }
        Big::new(neg, r)
    }
    /// self ** e for e >= 0.
    pub fn pow(&self, mut e: u64) -> Big {
        let mut result: Vec<Limb> = vec![1];
        let mut base = self.mag.to_vec();
        let neg = self.neg && e & 1 == 1;
        while e > 0 {
            if e & 1 == 1 {
                result = mul_mag(&result, &base);
            }
            e >>= 1;
            if e > 0 {
                base = sqr_mag(&base);
            }
        }
        Big::new(neg, result)
    }
    /// Correctly rounded float (infinite if too large).
    pub fn to_f64(&self) -> f64 {
        let f = mag_to_f64(self.mag);
        if self.neg {
            -f
        } else {
            f
        }
    }
}

fn add_into_grow(v: &mut Vec<Limb>, x: Limb) {
    let mut carry = x;
    for l in v.iter_mut() {
        if carry == 0 {
            return;
        }
        let (s, c) = l.overflowing_add(carry);
        *l = s;
        carry = c as Limb;
    }
    if carry != 0 {
        v.push(carry);
    }
}

/// (base ** exp) mod m with Python's sign rule (result has m's sign). exp >= 0, m != 0.
pub fn pow_mod(base: &BigRef, exp: &BigRef, m: &BigRef) -> Big {
    let mm = m.mag;
    // reduce base into [0, |m|)
    let mpos = BigRef {
        neg: false,
        mag: mm,
    };
    let (_, b0) = base.divmod(&mpos);
    let mut b = b0.mag;
    let mut result: Vec<Limb> = if mm == [1] { Vec::new() } else { vec![1] };
    let ebits = bit_len(exp.mag);
    for i in 0..ebits {
        let limb = exp.mag[(i / LIMB_BITS as u64) as usize];
        if (limb >> (i % LIMB_BITS as u64)) & 1 == 1 {
            result = divrem_mag(&mul_mag(&result, &b), mm).1;
        }
        if i + 1 < ebits {
            b = divrem_mag(&sqr_mag(&b), mm).1;
        }
    }
    let r = Big::new(false, result);
    if m.neg && !r.mag.is_empty() {
        // result in (m, 0]
        Big::new(true, sub_mag(mm, &r.mag))
    } else {
        r
    }
}

/// Modular inverse of a modulo m (m > 0), if gcd(a, m) == 1.
pub fn mod_inverse(a: &BigRef, m: &BigRef) -> Option<Big> {
    let mpos = BigRef {
        neg: false,
        mag: m.mag,
    };
    let (_, a0) = a.divmod(&mpos);
    // extended Euclid on (a0, m)
    let (mut old_r, mut r) = (a0, mpos.to_owned());
    let (mut old_s, mut s) = (Big::new(false, vec![1]), Big::zero());
    while !r.mag.is_empty() {
        let (q, rem) = old_r.as_ref().divmod(&r.as_ref());
        old_r = core::mem::replace(&mut r, rem);
        let ns = old_s.as_ref().sub(&q.as_ref().mul(&s.as_ref()).as_ref());
        old_s = core::mem::replace(&mut s, ns);
    }
    if old_r.mag != [1] {
        return None;
    }
    Some(old_s.as_ref().divmod(&mpos).1)
}

// ---------------------------------------------------------------------------------------------
// Radix conversion

/// Largest power of `radix` that fits in a limb, and its exponent.
fn radix_chunk(radix: u32) -> (Limb, u32) {
    let mut p: Limb = radix as Limb;
    let mut k = 1;
    while let Some(n) = p.checked_mul(radix as Limb) {
        p = n;
        k += 1;
    }
    (p, k)
}

/// Append the digits of magnitude `a` in `radix` (2..=36) to `out`, lowercase letters
/// (or uppercase when `upper`). Zero gives "0".
pub fn mag_to_radix(a: &[Limb], radix: u32, upper: bool, out: &mut Vec<u8>) {
    let digit = |d: u32| -> u8 {
        if d < 10 {
            b'0' + d as u8
        } else if upper {
            b'A' + (d - 10) as u8
        } else {
            b'a' + (d - 10) as u8
        }
    };
    if a.is_empty() {
        out.push(b'0');
        return;
    }
    let start = out.len();
    if radix.is_power_of_two() {
        let sh = radix.trailing_zeros() as u64;
        let bits = bit_len(a);
        let mut pos = 0u64;
        while pos < bits {
            let li = (pos / LIMB_BITS as u64) as usize;
            let bi = (pos % LIMB_BITS as u64) as u32;
            let mut d = (a[li] >> bi) as u32;
            if bi as u64 + sh > LIMB_BITS as u64 && li + 1 < a.len() {
                d |= (a[li + 1] << (LIMB_BITS - bi)) as u32;
            }
            out.push(digit(d & (radix - 1)));
            pos += sh;
        }
    } else {
        let (p, k) = radix_chunk(radix);
        let mut v = a.to_vec();
        while !v.is_empty() {
            let mut r = divrem_small_inplace(&mut v, p);
            for _ in 0..k {
                out.push(digit((r % radix as Limb) as u32));
                r /= radix as Limb;
                if v.is_empty() && r == 0 {
                    break;
                }
            }
        }
    }
    // strip leading zeros (at the end, since digits are reversed) and reverse
    while out.len() > start + 1 && out.last() == Some(&b'0') {
        out.pop();
    }
    out[start..].reverse();
}

/// Parse digits (already validated to be < radix, no separators) into a magnitude.
pub fn mag_from_digits(digits: &[u8], radix: u32) -> Vec<Limb> {
    let (_, k) = radix_chunk(radix);
    let mut v: Vec<Limb> = Vec::new();
    let mut i = 0;
    while i < digits.len() {
        let end = (i + k as usize).min(digits.len());
        let mut chunk: Limb = 0;
        let mut mul: Limb = 1;
        for &d in &digits[i..end] {
            chunk = chunk * radix as Limb + d as Limb;
            mul *= radix as Limb;
        }
        mul_small_add(&mut v, mul, chunk);
        i = end;
    }
    trim(&mut v);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(x: i128) -> Big {
        Big::from_i128(x)
    }

    #[test]
    fn small_arith_matches_i128() {
        let vals: [i128; 9] = [
            0,
            1,
            -1,
            12345,
            -987654321,
            i64::MAX as i128,
            i64::MIN as i128,
            (1i128 << 100) + 7,
            -(1i128 << 90) - 3,
        ];
        for &a in &vals {
            for &b in &vals {
                let (x, y) = (big(a), big(b));
                if let Some(s) = a.checked_add(b) {
                    assert_eq!(x.as_ref().add(&y.as_ref()), big(s));
                }
                if let Some(s) = a.checked_sub(b) {
                    assert_eq!(x.as_ref().sub(&y.as_ref()), big(s));
                }
                if let Some(s) = a.checked_mul(b) {
                    assert_eq!(x.as_ref().mul(&y.as_ref()), big(s));
                }
                if b != 0 {
                    let (q, r) = x.as_ref().divmod(&y.as_ref());
                    assert_eq!(
                        q,
                        big(a.div_euclid(b) - if b < 0 && a.rem_euclid(b) != 0 { 1 } else { 0 })
                    );
                    let _ = r;
                }
                assert_eq!(x.as_ref().bitop(&y.as_ref(), 0), big(a & b));
                assert_eq!(x.as_ref().bitop(&y.as_ref(), 1), big(a | b));
                assert_eq!(x.as_ref().bitop(&y.as_ref(), 2), big(a ^ b));
            }
        }
    }

    fn lcg(seed: &mut u64) -> Limb {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as Limb
    }

    #[test]
    fn karatsuba_matches_schoolbook() {
        let mut seed = 42u64;
        for &(la, lb) in &[
            (40, 40),
            (64, 33),
            (100, 35),
            (200, 64),
            (33, 200),
            (129, 128),
            (300, 300),
        ] {
            let a: Vec<Limb> = (0..la).map(|_| lcg(&mut seed)).collect();
            let mut b: Vec<Limb> = (0..lb).map(|_| lcg(&mut seed)).collect();
            if la == 129 {
                for x in b.iter_mut() {
                    *x = !0;
                }
            }
            let fast = mul_mag(&a, &b);
            let mut slow = vec![0; la + lb];
            mul_school_into(&mut slow, &a, &b);
            trim(&mut slow);
            assert_eq!(fast, slow, "{}x{}", la, lb);
            let sq = sqr_mag(&a);
            let mut slow = vec![0; 2 * la];
            mul_school_into(&mut slow, &a, &a);
            trim(&mut slow);
            assert_eq!(sq, slow, "sqr {}", la);
            // division round trip: (a*b + r) / b == a, r
            let r: Vec<Limb> = b[..lb - 1].to_vec();
            let n = add_mag(&fast, &r);
            let (q, rem) = divrem_mag(&n, &b);
            assert_eq!(q, a);
            let mut r2 = r.clone();
            trim(&mut r2);
            assert_eq!(rem, r2);
        }
    }

    #[test]
    fn radix_roundtrip() {
        let x = big(-123456789012345678901234567890i128);
        let mut s = Vec::new();
        mag_to_radix(&x.mag, 10, false, &mut s);
        assert_eq!(&s, b"123456789012345678901234567890");
        let d: Vec<u8> = s.iter().map(|c| c - b'0').collect();
        assert_eq!(mag_from_digits(&d, 10), x.mag);
        let mut h = Vec::new();
        mag_to_radix(&x.mag, 16, false, &mut h);
        assert_eq!(
            core::str::from_utf8(&h).unwrap(),
            alloc::format!("{:x}", 123456789012345678901234567890u128)
        );
    }
}
