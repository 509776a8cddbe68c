//! Binary encoding of numbers, shared by `struct` and `array` (MicroPython's typecodes).
//!
//! Typecodes: `b B h H i I l L q Q` integers (lower case signed), `e f d` half/single/double
//! floats, `?` bool, `P` a pointer-sized unsigned integer. Integers are written truncated to
//! the item size (two's complement), as MicroPython 1.x does; reads give exact ints.
//!
//! Contract: [`Layout`], [`size_align`], [`encode`], [`decode`], [`int_low_bits`],
//! [`check_alloc`].

use crate::obj::UnaryOp;
use crate::types;
use crate::types::int::IntArg;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// True when the machine is big-endian (native layout).
pub const NATIVE_BIG: bool = cfg!(target_endian = "big");

const WORD: usize = core::mem::size_of::<usize>();

/// How items are laid out.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Layout {
    /// `@`: C sizes and alignment, machine byte order.
    Native,
    /// `<`, `>`, `!`, `=`: standard sizes, no alignment, the given byte order.
    Standard { big: bool },
}

impl Layout {
    pub fn big_endian(self) -> bool {
        match self {
            Layout::Native => NATIVE_BIG,
            Layout::Standard { big } => big,
        }
    }
}

/// Size and alignment of one item of `tc`, or None for an unknown typecode.
pub fn size_align(layout: Layout, tc: u8) -> Option<(usize, usize)> {
    let size = match (layout, tc) {
        (_, b'b' | b'B' | b'?') => 1,
        (_, b'h' | b'H' | b'e') => 2,
        (_, b'i' | b'I' | b'f') => 4,
        (Layout::Native, b'l' | b'L') => WORD,
        (Layout::Standard { .. }, b'l' | b'L') => 4,
        (_, b'q' | b'Q' | b'd') => 8,
        (_, b'P') => WORD,
        _ => return None,
    };
    let align = match layout {
        Layout::Native => size,
        Layout::Standard { .. } => 1,
    };
    Some((size, align))
}

/// Refuse a scratch buffer that could never fit in the heap (a Rust allocation failure would
/// abort the process).
pub fn check_alloc(vm: &mut Vm, n: usize) -> PyResult<()> {
    if n > vm.heap.total_bytes() {
        return Err(vm.memory_error());
    }
    Ok(())
}

/// The low 64 bits (two's complement) of an int or bool; objects with `__int__` are converted
/// first. TypeError for anything else (MicroPython's `mp_obj_get_int` message).
pub fn int_low_bits(vm: &mut Vm, v: Value) -> PyResult<u64> {
    if let Some(i) = v.as_small_int() {
        return Ok(i as i64 as u64);
    }
    if let Some(a) = IntArg::of(v) {
        return Ok(arg_low_bits(&a));
    }
    if v.is_obj() && types::float::float_value(v).is_none() {
        let r = vm.unary_op(UnaryOp::IntMaybe, v)?;
        if let Some(a) = IntArg::of(r) {
            return Ok(arg_low_bits(&a));
        }
    }
    let m = alloc::format!("can't convert {} to int", vm.type_name(v));
    Err(vm.type_error(&m))
}

fn arg_low_bits(a: &IntArg) -> u64 {
    if let Some(i) = a.small_val {
        return i as i64 as u64;
    }
    let r = a.r();
    let mut low: u64 = 0;
    let limb_bits = types::bigint::LIMB_BITS;
    let mut shift = 0u32;
    for &l in r.mag {
        if shift >= 64 {
            break;
        }
        #[allow(clippy::unnecessary_cast)] // Limb is u32 on 32-bit targets
        let l = l as u64;
        low |= l << shift;
        shift += limb_bits;
    }
    if r.neg {
        low.wrapping_neg()
    } else {
        low
    }
}

/// Encode `v` as typecode `tc` into `out` (exactly the item's size).
pub fn encode(vm: &mut Vm, tc: u8, v: Value, big: bool, out: &mut [u8]) -> PyResult<()> {
    let bits: u64 = match tc {
        b'f' => {
            let f = types::float::value_to_f64(vm, v)?;
            (f as f32).to_bits() as u64
        }
        b'd' => types::float::value_to_f64(vm, v)?.to_bits(),
        b'e' => {
            let f = types::float::value_to_f64(vm, v)?;
            f32_to_half(f as f32) as u64
        }
        b'?' => vm.is_true(v)? as u64,
        _ => int_low_bits(vm, v)?,
    };
    write_uint(out, bits, big);
    Ok(())
}

/// Write the low `out.len()` bytes of `bits` in the given byte order.
pub fn write_uint(out: &mut [u8], bits: u64, big: bool) {
    let n = out.len().min(8);
    let le = bits.to_le_bytes();
    for (i, &b) in le.iter().take(n).enumerate() {
        let at = if big { n - 1 - i } else { i };
        if let Some(slot) = out.get_mut(at) {
            *slot = b;
        }
    }
}

/// Read an unsigned integer of `b.len()` (<= 8) bytes in the given byte order.
pub fn read_uint(b: &[u8], big: bool) -> u64 {
    let n = b.len().min(8);
    let mut v: u64 = 0;
    for i in 0..n {
        let byte = if big { b[i] } else { b[n - 1 - i] };
        v = (v << 8) | byte as u64;
    }
    v
}

/// Decode one item of typecode `tc` from `b` (exactly the item's size).
pub fn decode(vm: &mut Vm, tc: u8, b: &[u8], big: bool) -> PyResult<Value> {
    let u = read_uint(b, big);
    match tc {
        b'f' => types::float::new_float(vm, f32::from_bits(u as u32) as f64),
        b'd' => types::float::new_float(vm, f64::from_bits(u)),
        b'e' => types::float::new_float(vm, half_to_f32(u as u16) as f64),
        b'?' => Ok(Value::from_bool(u != 0)),
        b'b' | b'h' | b'i' | b'l' | b'q' => {
            let bits = (b.len().min(8) * 8) as u32;
            let s = if bits == 0 || bits >= 64 {
                u as i64
            } else {
                let sh = 64 - bits;
                ((u << sh) as i64) >> sh
            };
            types::int::int_from_i64(vm, s)
        }
        _ => types::int::int_from_u64(vm, u),
    }
}

/// IEEE 754 binary16 bits of `f`, rounded to nearest even; overflow gives infinity.
pub fn f32_to_half(f: f32) -> u16 {
    let x = f.to_bits();
    let sign = ((x >> 16) & 0x8000) as u16;
    let exp = ((x >> 23) & 0xff) as i32;
    let man = x & 0x7f_ffff;
    if exp == 0xff {
        // Inf or NaN (keep NaN quiet and non-zero).
        return sign
            | 0x7c00
            | if man != 0 {
                0x200 | (man >> 13) as u16
            } else {
                0
            };
    }
    // Unbiased exponent.
    let e = exp - 127;
    if e > 15 {
        return sign | 0x7c00;
    }
    if e >= -14 {
        // Normal half: 10 bits of mantissa, round the 13 dropped bits.
        let mut h = (((e + 15) as u32) << 10) | (man >> 13);
        let rest = man & 0x1fff;
        if rest > 0x1000 || (rest == 0x1000 && (h & 1) == 1) {
            h += 1; // may carry into the exponent, which is correct (up to infinity)
        }
        return sign | h as u16;
    }
    if e < -25 {
        return sign; // rounds to zero
    }
    // Subnormal half: value = m * 2^-24 with the implicit bit made explicit.
    let full = man | 0x80_0000; // 24 significant bits, value = full * 2^(e-23)
    let shift = (-14 - e) as u32 + 13; // bits to drop to reach units of 2^-24
    let h = full >> shift;
    let rest = full & ((1u32 << shift) - 1);
    let half = 1u32 << (shift - 1);
    let h = if rest > half || (rest == half && (h & 1) == 1) {
        h + 1
    } else {
        h
    };
    sign | h as u16
}

/// The f32 value of IEEE 754 binary16 bits.
pub fn half_to_f32(h: u16) -> f32 {
    let sign = ((h & 0x8000) as u32) << 16;
    let exp = ((h >> 10) & 0x1f) as u32;
    let man = (h & 0x3ff) as u32;
    if exp == 0x1f {
        return f32::from_bits(sign | 0x7f80_0000 | (man << 13));
    }
    if exp == 0 {
        // Subnormal (or zero): man * 2^-24, exact in f32.
        let v = man as f32 * f32::from_bits((127 - 24) << 23);
        return if sign != 0 { -v } else { v };
    }
    f32::from_bits(sign | ((exp + 127 - 15) << 23) | (man << 13))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_round_trip() {
        for &(f, h) in &[
            (0.0f32, 0u16),
            (1.0, 0x3c00),
            (-2.0, 0xc000),
            (65504.0, 0x7bff),
            (65520.0, 0x7c00),
            (5.960_464_5e-8, 0x0001),
            (6.103_515_6e-5, 0x0400),
            (0.333_251_95, 0x3555),
        ] {
            assert_eq!(f32_to_half(f), h, "{}", f);
            if h != 0x7c00 || f.is_infinite() {
                assert_eq!(half_to_f32(h), f);
            }
        }
        assert!(half_to_f32(f32_to_half(f32::NAN)).is_nan());
    }

    #[test]
    fn uint_io() {
        let mut b = [0u8; 4];
        write_uint(&mut b, 0x0102_0304, true);
        assert_eq!(b, [1, 2, 3, 4]);
        assert_eq!(read_uint(&b, true), 0x0102_0304);
        write_uint(&mut b, 0x0102_0304, false);
        assert_eq!(b, [4, 3, 2, 1]);
        assert_eq!(read_uint(&b, false), 0x0102_0304);
    }
}
