//! `int` and `bool`.
//!
//! Small ints are immediate values (never allocated). Integers outside the small-int range are
//! big ints: a [`BigObj`] in the GC heap (sign + magnitude limbs stored inline). Every result
//! is normalised: a value that fits a small int is always a small int, so a big int never
//! equals a small int. Arithmetic on big ints runs in types/bigint.rs on scratch vectors and
//! the result is copied into the heap.
//!
//! Contract for others: `INT_TYPE`, `BOOL_TYPE`, `BigObj`, `is_int`, `parse_int`,
//! `int_from_i64`, `int_from_u64`, `int_from_f64`, `value_to_i64`, `value_to_index`,
//! `int_to_f64`, `format_int`, `hash_big`, `int_pow3`, `int_sign`.
//!
//! Hash rule (shared with float and complex): an integer n hashes to n itself when n fits a
//! small int, otherwise to a fold of its limbs (`hash_mag`); an integral float hashes as the
//! equal integer.

use super::arg;
use alloc::string::String;
use alloc::vec::Vec;
use core::cmp::Ordering;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, kw_get, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::Q;
use crate::types::bigint::{self, Big, BigRef, Limb};
use crate::types::{complex, float};
use crate::value::{ObjHeader, TypeRef, Value, VarObj, SMALL_INT_MAX, SMALL_INT_MIN};
use crate::vm::Vm;
use crate::PyResult;

/// Head of a big int: the sign; the magnitude limbs follow inline (little-endian, no high
/// zero limbs, never a value that fits a small int).
#[repr(C)]
pub struct BigHead {
    pub hdr: ObjHeader,
    pub neg: bool,
}

/// A big int object.
pub type BigObj = VarObj<BigHead, Limb>;

/// Limbs needed for a machine word.
const SMALL_LIMBS: usize = (usize::BITS / bigint::LIMB_BITS) as usize;

crate::py_object!(BigObj, INT_TYPE);

crate::fixed_dict!(
    INT_LOCALS,
    [
        (Q::from_bytes, crate::fnv!(INT_FROM_BYTES)),
        (Q::to_bytes, crate::fnv!(INT_TO_BYTES)),
    ]
);

static INT_FROM_BYTES: BuiltinFn = BuiltinFn::new_kw(Q::from_bytes, 1, 4, int_from_bytes);
static INT_TO_BYTES: BuiltinFn = BuiltinFn::new_kw(Q::to_bytes, 1, 3, int_to_bytes);

pub static INT_TYPE: Type = Type {
    make_new: Some(int_make_new),
    print: Some(int_print),
    unary_op: Some(int_unary_op),
    binary_op: Some(int_binary_op),
    ..Type::new(Q::int)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&INT_LOCALS);

pub static BOOL_TYPE: Type = Type {
    make_new: Some(bool_make_new),
    print: Some(bool_print),
    unary_op: Some(bool_unary_op),
    binary_op: Some(bool_binary_op),
    ..Type::new(Q::bool)
}
.with_base(&INT_TYPE)
.with_flags(flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&INT_LOCALS);

// ---------------------------------------------------------------------------------------------
// Views of integer values

/// An integer operand (small int, bool or big int) viewed as sign + magnitude.
pub struct IntArg {
    neg: bool,
    small: [Limb; SMALL_LIMBS],
    small_len: usize,
    big: Option<crate::value::Gc<BigObj>>,
    /// The value if it is small (or bool).
    pub small_val: Option<isize>,
}

impl IntArg {
    /// View `v` if it is an int or bool.
    #[inline]
    pub fn of(v: Value) -> Option<IntArg> {
        let i = if let Some(i) = v.as_small_int() {
            i
        } else if v == Value::TRUE {
            1
        } else if v == Value::FALSE {
            0
        } else {
            let g = v.downcast::<BigObj>()?;
            return Some(IntArg {
                neg: g.head.neg,
                small: [0; SMALL_LIMBS],
                small_len: 0,
                big: Some(g),
                small_val: None,
            });
        };
        Some(IntArg::from_isize(i))
    }
    pub fn from_isize(i: isize) -> IntArg {
        let mut small = [0 as Limb; SMALL_LIMBS];
        let mut m = i.unsigned_abs() as u64;
        let mut n = 0;
        while m != 0 && n < SMALL_LIMBS {
            small[n] = m as Limb;
            m = m.checked_shr(bigint::LIMB_BITS).unwrap_or(0);
            n += 1;
        }
        IntArg {
            neg: i < 0,
            small,
            small_len: n,
            big: None,
            small_val: Some(i),
        }
    }
    /// Sign and magnitude.
    #[inline]
    pub fn r(&self) -> BigRef<'_> {
        match &self.big {
            Some(g) => BigRef {
                neg: self.neg,
                mag: g.items(),
            },
            None => BigRef {
                neg: self.neg,
                mag: &self.small[..self.small_len],
            },
        }
    }
    pub fn is_zero(&self) -> bool {
        self.small_val == Some(0)
    }
    pub fn is_neg(&self) -> bool {
        self.neg
    }
}

/// The native number inside an instance of a user subclass of int/float/complex (NULL if `v`
/// is not such an instance).
#[inline]
pub fn number_part(v: Value) -> Value {
    if v.is_obj() && v.type_of().has_flag(flags::USER_CLASS) {
        let n = crate::types::class::native_part(v);
        if is_int(n)
            || float::float_value(n).is_some()
            || n.downcast::<complex::ComplexObj>().is_some()
        {
            return n;
        }
    }
    Value::NULL
}

/// True for int values (small, big) and bools.
#[inline]
pub fn is_int(v: Value) -> bool {
    v.is_small_int() || v.is_bool() || v.downcast::<BigObj>().is_some()
}

/// -1, 0 or 1 for an int value (None if not an int).
pub fn int_sign(v: Value) -> Option<i32> {
    let a = IntArg::of(v)?;
    Some(if a.r().is_zero() {
        0
    } else if a.neg {
        -1
    } else {
        1
    })
}

// ---------------------------------------------------------------------------------------------
// Making int values

#[cold]
fn too_big(vm: &mut Vm) -> crate::PyErr {
    vm.memory_error()
}

/// Refuse results that could never fit in the heap (before computing them).
fn check_bits(vm: &mut Vm, bits: u64) -> PyResult<()> {
    let bytes = bits / 8;
    if bytes > vm.heap.total_bytes() as u64 {
        return Err(too_big(vm));
    }
    Ok(())
}

/// A normalised int value from a signed magnitude.
pub fn int_from_big(vm: &mut Vm, b: Big) -> PyResult<Value> {
    int_from_parts(vm, b.neg, &b.mag)
}

/// A normalised int value from sign and magnitude (no high zero limbs).
pub fn int_from_parts(vm: &mut Vm, neg: bool, mag: &[Limb]) -> PyResult<Value> {
    if mag.is_empty() {
        return Ok(Value::small_int_unchecked(0));
    }
    if mag.len() <= SMALL_LIMBS {
        let m = bigint::mag_to_u128(mag).unwrap_or(u128::MAX);
        if !neg && m <= SMALL_INT_MAX as u128 {
            return Ok(Value::small_int_unchecked(m as isize));
        }
        if neg && m <= (SMALL_INT_MIN as i128).unsigned_abs() {
            return Ok(Value::small_int_unchecked(
                (m as i128).wrapping_neg() as isize
            ));
        }
    }
    let head = BigHead {
        hdr: ObjHeader::new(&INT_TYPE),
        neg,
    };
    Ok(vm.alloc_var(head, mag)?.value())
}

#[inline]
fn int_from_i128(vm: &mut Vm, x: i128) -> PyResult<Value> {
    if x >= SMALL_INT_MIN as i128 && x <= SMALL_INT_MAX as i128 {
        return Ok(Value::small_int_unchecked(x as isize));
    }
    int_from_big(vm, Big::from_i128(x))
}

#[inline]
fn int_from_isize(vm: &mut Vm, x: isize) -> PyResult<Value> {
    match Value::small_int(x) {
        Some(v) => Ok(v),
        None => int_from_i128(vm, x as i128),
    }
}

/// An int value from an i64.
pub fn int_from_i64(vm: &mut Vm, x: i64) -> PyResult<Value> {
    int_from_i128(vm, x as i128)
}

/// An int value from a u64.
pub fn int_from_u64(vm: &mut Vm, x: u64) -> PyResult<Value> {
    int_from_i128(vm, x as i128)
}

/// int(f) for a float: truncation; OverflowError for inf, ValueError for nan.
pub fn int_from_f64(vm: &mut Vm, f: f64) -> PyResult<Value> {
    if f.is_infinite() {
        return Err(vm.overflow_error("can't convert inf to int"));
    }
    if f.is_nan() {
        return Err(vm.value_error("can't convert NaN to int"));
    }
    if f.abs() < 9.0e15 {
        return int_from_i128(vm, f as i128);
    }
    let (neg, mag) = bigint::mag_from_f64(f);
    int_from_parts(vm, neg, &mag)
}

// ---------------------------------------------------------------------------------------------
// Reading int values

#[cold]
fn int_conversion_error(vm: &mut Vm, v: Value) -> crate::PyErr {
    let m = alloc::format!("can't convert {} to int", vm.type_name(v));
    vm.type_error(&m)
}

#[cold]
fn word_overflow(vm: &mut Vm) -> crate::PyErr {
    vm.overflow_error("overflow converting long int to machine word")
}

/// An int-like value: ints and bools directly, other objects through `__int__`/`__index__`
/// (the IntMaybe unary op); floats are not accepted.
fn int_like(vm: &mut Vm, v: Value) -> PyResult<IntArg> {
    if let Some(a) = IntArg::of(v) {
        return Ok(a);
    }
    if let Some(a) = IntArg::of(number_part(v)) {
        return Ok(a);
    }
    if v.is_obj() && float::float_value(v).is_none() {
        let r = vm.unary_op(UnaryOp::IntMaybe, v)?;
        if !r.is_null() {
            if let Some(a) = IntArg::of(r) {
                return Ok(a);
            }
        }
    }
    Err(int_conversion_error(vm, v))
}

/// The value of an int (or bool) as i64; OverflowError if it does not fit, TypeError if it is
/// not an int.
pub fn value_to_i64(vm: &mut Vm, v: Value) -> PyResult<i64> {
    if let Some(i) = v.as_small_int() {
        return Ok(i as i64);
    }
    let a = int_like(vm, v)?;
    match a.r().to_i128() {
        Some(x) if x >= i64::MIN as i128 && x <= i64::MAX as i128 => Ok(x as i64),
        _ => Err(word_overflow(vm)),
    }
}

/// The value of an int (or bool) as an index (isize).
#[inline]
pub fn value_to_index(vm: &mut Vm, v: Value) -> PyResult<isize> {
    if let Some(i) = v.as_small_int() {
        return Ok(i);
    }
    let a = int_like(vm, v)?;
    match a.r().to_i128() {
        Some(x) if x >= isize::MIN as i128 && x <= isize::MAX as i128 => Ok(x as isize),
        _ => Err(word_overflow(vm)),
    }
}

/// Correctly rounded float value of an int; OverflowError if too large.
pub fn int_to_f64(vm: &mut Vm, v: Value) -> PyResult<f64> {
    if let Some(i) = v.as_small_int() {
        return Ok(i as f64);
    }
    let Some(a) = IntArg::of(v).or_else(|| IntArg::of(number_part(v))) else {
        return Err(int_conversion_error(vm, v));
    };
    arg_to_f64(vm, &a)
}

fn arg_to_f64(vm: &mut Vm, a: &IntArg) -> PyResult<f64> {
    if let Some(i) = a.small_val {
        return Ok(i as f64);
    }
    let f = a.r().to_f64();
    if f.is_infinite() {
        return Err(vm.overflow_error("int too big to convert to float"));
    }
    Ok(f)
}

/// Compare an int with a float exactly (None if the float is NaN).
pub fn cmp_int_f64(a: &IntArg, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if let Some(i) = a.small_val {
        if (i.unsigned_abs() as u64) < (1u64 << 53) {
            return (i as f64).partial_cmp(&f);
        }
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let (fneg, fmag) = bigint::mag_from_f64(f);
    let fi = BigRef {
        neg: fneg && !fmag.is_empty(),
        mag: &fmag,
    };
    match a.r().cmp(&fi) {
        Ordering::Equal => {
            // a == trunc(f): the fraction decides.
            let frac = f - libm::trunc(f);
            Some(if frac > 0.0 {
                Ordering::Less
            } else if frac < 0.0 {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
        o => Some(o),
    }
}

// ---------------------------------------------------------------------------------------------
// Hashing

/// Hash of a magnitude that does not fit a small int, folded into the small-int range.
pub fn hash_mag(neg: bool, mag: &[Limb]) -> isize {
    let mut h: usize = 0;
    for &l in mag.iter().rev() {
        h = h.rotate_left(7) ^ (l as usize);
        #[cfg(target_pointer_width = "64")]
        {
            h = h.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
        #[cfg(not(target_pointer_width = "64"))]
        {
            h = h.wrapping_mul(0x9E37_79B9);
        }
    }
    let h = (h & SMALL_INT_MAX as usize) as isize;
    if neg {
        -h
    } else {
        h
    }
}

/// Hash of an int value as a word (also folds big `__hash__` results from user code).
pub fn hash_big(vm: &mut Vm, v: Value) -> PyResult<usize> {
    if let Some(i) = v.as_small_int() {
        return Ok(i as usize);
    }
    match IntArg::of(v) {
        Some(a) => match a.small_val {
            Some(i) => Ok(i as usize),
            None => Ok(hash_mag(a.neg, a.r().mag) as usize),
        },
        None => Err(vm.type_error("__hash__ must return an int")),
    }
}

/// Hash value (a small int) of an integer given as sign + magnitude.
pub fn hash_parts(neg: bool, mag: &[Limb]) -> Value {
    if mag.len() <= SMALL_LIMBS {
        let m = bigint::mag_to_u128(mag).unwrap_or(u128::MAX);
        if m <= SMALL_INT_MAX as u128 {
            let i = m as isize;
            return Value::small_int_unchecked(if neg { -i } else { i });
        }
    }
    Value::small_int_unchecked(hash_mag(neg, mag))
}

// ---------------------------------------------------------------------------------------------
// Parsing

#[cold]
fn parse_error(vm: &mut Vm, base: u32, rest: &[u8]) -> crate::PyErr {
    let mut m = alloc::format!("invalid syntax for integer with base {}: ", base);
    let text = String::from_utf8_lossy(rest);
    // Quote like repr.
    let q = if text.contains('\'') && !text.contains('"') {
        '"'
    } else {
        '\''
    };
    m.push(q);
    for c in text.chars() {
        match c {
            '\\' => push_str(&mut m, "\\\\"),
            '\n' => push_str(&mut m, "\\n"),
            '\r' => push_str(&mut m, "\\r"),
            '\t' => push_str(&mut m, "\\t"),
            c if c == q => {
                push_char(&mut m, '\\');
                push_char(&mut m, c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                push_str(&mut m, &alloc::format!("\\x{:02x}", c as u32));
            }
            c => push_char(&mut m, c),
        }
    }
    m.push(q);
    vm.value_error(&m)
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Parse an integer literal as `int(text, base)` does: surrounding whitespace, a sign, an
/// optional base prefix (`0x`/`0o`/`0b`, required to match `base` unless `base` is 0),
/// underscores between digits. `base` is 0 or 2..=36.
pub fn parse_int(vm: &mut Vm, text: &str, base: u32) -> PyResult<Value> {
    parse_int_bytes(vm, text.as_bytes(), base)
}

/// `parse_int` on bytes (for `int(b"12")`).
pub fn parse_int_bytes(vm: &mut Vm, s: &[u8], base: u32) -> PyResult<Value> {
    if base == 1 || base > 36 {
        return Err(vm.value_error("int() arg 2 must be >= 2 and <= 36"));
    }
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let mut end = s.len();
    while end > i && is_space(s[end - 1]) {
        end -= 1;
    }
    let mut neg = false;
    if i < end && (s[i] == b'+' || s[i] == b'-') {
        neg = s[i] == b'-';
        i += 1;
    }
    let val_start = i;
    let mut radix = base;
    let mut zero_only = false; // base 0 with a leading 0: only zeros allowed
    let mut after_prefix = false;
    if i + 1 < end && s[i] == b'0' {
        let c = s[i + 1] | 0x20;
        let pb = match c {
            b'x' => 16,
            b'o' => 8,
            b'b' => 2,
            _ => 0,
        };
        if pb != 0 && (base == 0 || base == pb) {
            radix = pb;
            i += 2;
            after_prefix = true;
        } else if base == 0 {
            zero_only = true;
            radix = 10;
        }
    }
    if radix == 0 {
        radix = 10;
    }
    let disp_base = if base == 0 { 0 } else { base };
    // Collect digit values, checking underscores.
    let mut digits: Vec<u8> = Vec::with_capacity(end.saturating_sub(i));
    let mut prev_us = false;
    let mut j = i;
    let mut ok = true;
    while j < end {
        let c = s[j];
        if c == b'_' {
            // Between digits, or right after a base prefix.
            if prev_us || (digits.is_empty() && !after_prefix) {
                ok = false;
                break;
            }
            prev_us = true;
            j += 1;
            continue;
        }
        let d = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'z' => c - b'a' + 10,
            b'A'..=b'Z' => c - b'A' + 10,
            _ => 255,
        };
        if d as u32 >= radix {
            ok = false;
            break;
        }
        digits.push(d);
        prev_us = false;
        j += 1;
    }
    if prev_us {
        ok = false;
    }
    if !ok || digits.is_empty() || (zero_only && digits.iter().any(|&d| d != 0)) {
        return Err(parse_error(vm, disp_base, &s[val_start..]));
    }
    // Fast path: fits a machine word.
    if digits.len() <= 18 && radix <= 10 || digits.len() <= 12 {
        let mut x: i128 = 0;
        for &d in &digits {
            x = x * radix as i128 + d as i128;
        }
        return int_from_i128(vm, if neg { -x } else { x });
    }
    check_bits(vm, digits.len() as u64 * 6)?;
    let mag = bigint::mag_from_digits(&digits, radix);
    int_from_parts(vm, neg, &mag)
}

// ---------------------------------------------------------------------------------------------
// Formatting

/// Append the digits of int `v` in `radix` (2..=36), with a leading '-' if negative and no
/// prefix. TypeError if `v` is not an int.
pub fn format_int(vm: &mut Vm, v: Value, radix: u32, out: &mut String) -> PyResult<()> {
    format_int_ex(vm, v, radix, false, out)
}

/// As [`format_int`], with uppercase letter digits if `upper`.
pub fn format_int_ex(
    vm: &mut Vm,
    v: Value,
    radix: u32,
    upper: bool,
    out: &mut String,
) -> PyResult<()> {
    let Some(a) = IntArg::of(v).or_else(|| IntArg::of(number_part(v))) else {
        return Err(int_conversion_error(vm, v));
    };
    let radix = radix.clamp(2, 36);
    if let Some(i) = a.small_val {
        if radix == 10 {
            use core::fmt::Write;
            let _ = write!(out, "{}", i);
            return Ok(());
        }
    }
    let r = a.r();
    if r.neg {
        push_char(out, '-');
    }
    let mut buf = Vec::new();
    bigint::mag_to_radix(r.mag, radix, upper, &mut buf);
    push_str(out, core::str::from_utf8(&buf).unwrap_or(""));
    Ok(())
}

fn int_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    format_int(vm, v, 10, out)
}

fn bool_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    push_str(out, if v == Value::TRUE { "True" } else { "False" });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Constructors

fn int_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let base_kw = kw_get(kw, Q::base);
    if args.len() > 2 || (args.len() == 2 && base_kw.is_some()) {
        return Err(vm.type_error("function expected at most 2 arguments"));
    }
    for k in kw.chunks_exact(2) {
        if k[0] != Value::qstr(Q::base) {
            return Err(vm.type_error("unexpected keyword argument"));
        }
    }
    let base = if args.len() == 2 {
        Some(arg(args, 1))
    } else {
        base_kw
    };
    if args.is_empty() {
        return Ok(Value::small_int_unchecked(0));
    }
    let x = arg(args, 0);
    if let Some(b) = base {
        let b = value_to_i64(vm, b)?;
        if b != 0 && !(2..=36).contains(&b) {
            return Err(vm.value_error("int() arg 2 must be >= 2 and <= 36"));
        }
        if let Some(d) = crate::types::str::str_data(vm, x) {
            let bytes: Vec<u8> = bytes_vec(d.as_bytes());
            return parse_int_bytes(vm, &bytes, b as u32);
        }
        if x.is_obj() && x.type_of().buffer.is_some() {
            if let Some(bytes) = read_buffer(vm, x)? {
                return parse_int_bytes(vm, &bytes, b as u32);
            }
        }
        return Err(vm.type_error("can't convert non-string with explicit base"));
    }
    int_of_value(vm, x)
}

/// `int(x)` for one argument.
pub fn int_of_value(vm: &mut Vm, x: Value) -> PyResult<Value> {
    if x.is_small_int() {
        return Ok(x);
    }
    let n = number_part(x);
    let x = if n.is_null() { x } else { n };
    if x.is_bool() {
        return Ok(Value::small_int_unchecked((x == Value::TRUE) as isize));
    }
    if x.downcast::<BigObj>().is_some() {
        return Ok(x);
    }
    if let Some(f) = float::float_value(x) {
        return int_from_f64(vm, f);
    }
    if let Some(d) = crate::types::str::str_data(vm, x) {
        let bytes: Vec<u8> = bytes_vec(d.as_bytes());
        return parse_int_bytes(vm, &bytes, 10);
    }
    if let Some(bo) = crate::types::bytes::bytes_obj(x) {
        let bytes: Vec<u8> = bytes_vec(bo.items());
        return parse_int_bytes(vm, &bytes, 10);
    }
    let r = vm.unary_op(UnaryOp::IntMaybe, x)?;
    if !r.is_null() && is_int(r) {
        return Ok(r);
    }
    if x.is_obj() && x.type_of().buffer.is_some() && !x.type_of().is(&crate::types::str::STR_TYPE) {
        if let Some(bytes) = read_buffer(vm, x)? {
            return parse_int_bytes(vm, &bytes, 10);
        }
    }
    Err(int_conversion_error(vm, x))
}

/// Copy an object's bytes through the buffer protocol (bytes, bytearray, memoryview, array).
pub(crate) fn read_buffer(vm: &mut Vm, x: Value) -> PyResult<Option<Vec<u8>>> {
    if let Some(b) = crate::types::bytes::bytes_obj(x) {
        return Ok(Some(bytes_vec(b.items())));
    }
    crate::obj::with_buffer_read(vm, x, bytes_vec)
}

fn bool_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() || args.len() > 1 {
        return Err(vm.type_error("function takes at most 1 argument"));
    }
    match args.first() {
        None => Ok(Value::FALSE),
        Some(&v) => Ok(Value::from_bool(vm.is_true(v)?)),
    }
}

// ---------------------------------------------------------------------------------------------
// Unary operations

fn int_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    if let Some(i) = v.as_small_int() {
        return small_unary(vm, op, v, i);
    }
    let Some(g) = v.downcast::<BigObj>() else {
        return Ok(Value::NULL);
    };
    let r = BigRef {
        neg: g.head.neg,
        mag: g.items(),
    };
    Ok(match op {
        UnaryOp::Bool => Value::TRUE,
        UnaryOp::Hash => hash_parts(r.neg, r.mag),
        UnaryOp::Positive | UnaryOp::IntMaybe => v,
        UnaryOp::Negative => {
            let b = r.neg();
            int_from_big(vm, b)?
        }
        UnaryOp::Invert => {
            let b = r.not();
            int_from_big(vm, b)?
        }
        UnaryOp::Abs => {
            if r.neg {
                let b = r.neg();
                int_from_big(vm, b)?
            } else {
                v
            }
        }
        UnaryOp::FloatMaybe => {
            let f = r.to_f64();
            if f.is_infinite() {
                return Err(vm.overflow_error("int too big to convert to float"));
            }
            float::new_float(vm, f)?
        }
        UnaryOp::Sizeof => int_from_isize(
            vm,
            (core::mem::size_of::<usize>() * 3 + g.len() * core::mem::size_of::<Limb>()) as isize,
        )?,
        _ => Value::NULL,
    })
}

fn small_unary(vm: &mut Vm, op: UnaryOp, v: Value, i: isize) -> PyResult<Value> {
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(i != 0),
        UnaryOp::Positive | UnaryOp::IntMaybe | UnaryOp::Hash => v,
        UnaryOp::Negative => int_from_isize(vm, -i)?,
        UnaryOp::Invert => Value::small_int_unchecked(!i),
        UnaryOp::Abs => int_from_isize(vm, i.abs())?,
        UnaryOp::FloatMaybe => float::new_float(vm, i as f64)?,
        _ => Value::NULL,
    })
}

fn bool_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let i = (v == Value::TRUE) as isize;
    match op {
        UnaryOp::Bool => Ok(v),
        _ => small_unary(vm, op, Value::small_int_unchecked(i), i),
    }
}

// ---------------------------------------------------------------------------------------------
// Binary operations

#[cold]
fn div_zero(vm: &mut Vm) -> crate::PyErr {
    vm.zero_division("divide by zero")
}

#[cold]
fn neg_shift(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("negative shift count")
}

/// The forward op of a reflected op (`__radd__` -> `__add__`).
fn unreflect(op: BinOp) -> Option<BinOp> {
    if op >= BinOp::ReverseOr && op <= BinOp::ReversePower {
        BinOp::from_u8(op as u8 - BinOp::ReverseOr as u8 + BinOp::Or as u8)
    } else {
        None
    }
}

fn is_number(v: Value) -> bool {
    is_int(v) || float::float_value(v).is_some() || v.downcast::<complex::ComplexObj>().is_some()
}

/// The `binary_op` slot of int (also used for bool via `bool_binary_op`).
pub fn int_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    if let (Some(a), Some(b)) = (l.as_small_int(), r.as_small_int()) {
        return small_binop(vm, op.non_inplace(), a, b);
    }
    let mut op = op.non_inplace();
    let (mut l, mut r) = (l, r);
    if let Some(fwd) = unreflect(op) {
        if !is_number(r) {
            return Ok(Value::NULL);
        }
        op = fwd;
        core::mem::swap(&mut l, &mut r);
    }
    let Some(la) = IntArg::of(l) else {
        // Reflected op with a float/complex now on the left: only its own slot can answer
        // (going back through `vm.binary_op` would retry this reflected op forever).
        return match l.type_of().binary_op {
            Some(f) => f(vm, op, l, r),
            None => Ok(Value::NULL),
        };
    };
    if let Some(ra) = IntArg::of(r) {
        if let (Some(a), Some(b)) = (la.small_val, ra.small_val) {
            return small_binop(vm, op, a, b);
        }
        return big_binop(vm, op, &la, &ra, r);
    }
    if let Some(f) = float::float_value(r) {
        if let Some(res) = compare_result(op, cmp_int_f64(&la, f)) {
            return Ok(res);
        }
        let a = arg_to_f64(vm, &la)?;
        return float::float_op(vm, op, a, f);
    }
    if let Some(c) = r.downcast::<complex::ComplexObj>() {
        let a = arg_to_f64(vm, &la)?;
        return complex::complex_op(vm, op, a, 0.0, c.re, c.im);
    }
    if op == BinOp::Multiply {
        let t = r.type_of();
        if t.is(&crate::types::str::STR_TYPE)
            || t.is(&crate::types::bytes::BYTES_TYPE)
            || t.is(&crate::types::bytes::BYTEARRAY_TYPE)
            || t.is(&crate::types::tuple::TUPLE_TYPE)
            || t.is(&crate::types::list::LIST_TYPE)
        {
            return vm.binary_op(BinOp::Multiply, r, l);
        }
    }
    Ok(Value::NULL)
}

/// Result of a comparison op given an ordering (None = unordered, e.g. NaN); None if `op` is
/// not a comparison.
pub fn compare_result(op: BinOp, o: Option<Ordering>) -> Option<Value> {
    let b = match op {
        BinOp::Less => o == Some(Ordering::Less),
        BinOp::More => o == Some(Ordering::Greater),
        BinOp::LessEqual => matches!(o, Some(Ordering::Less | Ordering::Equal)),
        BinOp::MoreEqual => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
        BinOp::Equal => o == Some(Ordering::Equal),
        BinOp::NotEqual => o != Some(Ordering::Equal),
        _ => return None,
    };
    Some(Value::from_bool(b))
}

#[inline]
fn floor_div(a: isize, b: isize) -> isize {
    // b != 0 and not (MIN / -1): small ints are one bit short of the word.
    let q = a / b;
    if (a % b != 0) && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    }
}

#[inline]
fn floor_mod(a: isize, b: isize) -> isize {
    let m = a % b;
    if m != 0 && ((m < 0) != (b < 0)) {
        m + b
    } else {
        m
    }
}

fn small_binop(vm: &mut Vm, op: BinOp, a: isize, b: isize) -> PyResult<Value> {
    Ok(match op {
        BinOp::Add => int_from_isize(vm, a + b)?,
        BinOp::Subtract => int_from_isize(vm, a - b)?,
        BinOp::Multiply => match a.checked_mul(b) {
            Some(p) => int_from_isize(vm, p)?,
            None => int_from_i128(vm, a as i128 * b as i128)?,
        },
        BinOp::FloorDivide => {
            if b == 0 {
                return Err(div_zero(vm));
            }
            int_from_isize(vm, floor_div(a, b))?
        }
        BinOp::Modulo => {
            if b == 0 {
                return Err(div_zero(vm));
            }
            Value::small_int_unchecked(floor_mod(a, b))
        }
        BinOp::DivMod => {
            if b == 0 {
                return Err(div_zero(vm));
            }
            let q = int_from_isize(vm, floor_div(a, b))?;
            let m = Value::small_int_unchecked(floor_mod(a, b));
            crate::types::tuple::new_tuple(vm, &[q, m])?
        }
        BinOp::TrueDivide => {
            if b == 0 {
                return Err(div_zero(vm));
            }
            let f = if (a.unsigned_abs() as u64) <= (1u64 << 53)
                && (b.unsigned_abs() as u64) <= (1u64 << 53)
            {
                a as f64 / b as f64
            } else {
                let (x, y) = (IntArg::from_isize(a), IntArg::from_isize(b));
                let q = bigint::div_to_f64(x.r().mag, y.r().mag);
                if (a < 0) != (b < 0) {
                    -q
                } else {
                    q
                }
            };
            float::new_float(vm, f)?
        }
        BinOp::Power => {
            if b < 0 {
                return float::float_op(vm, BinOp::Power, a as f64, b as f64);
            }
            let mut base = a;
            let mut e = b;
            let mut acc: isize = 1;
            let mut ok = true;
            while e > 0 {
                if e & 1 == 1 {
                    match acc.checked_mul(base) {
                        Some(x) => acc = x,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                e >>= 1;
                if e > 0 {
                    match base.checked_mul(base) {
                        Some(x) => base = x,
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
            }
            if ok {
                int_from_isize(vm, acc)?
            } else {
                let (x, y) = (IntArg::from_isize(a), IntArg::from_isize(b));
                return big_binop(vm, BinOp::Power, &x, &y, Value::small_int_unchecked(b));
            }
        }
        BinOp::Lshift => {
            if b < 0 {
                return Err(neg_shift(vm));
            }
            if b < (isize::BITS as isize - 1) {
                let s = a << b;
                if s >> b == a {
                    return int_from_isize(vm, s);
                }
            }
            let x = IntArg::from_isize(a);
            check_bits(vm, b as u64)?;
            let r = x.r().shl(b as u64);
            int_from_big(vm, r)?
        }
        BinOp::Rshift => {
            if b < 0 {
                return Err(neg_shift(vm));
            }
            Value::small_int_unchecked(a >> b.min(isize::BITS as isize - 1))
        }
        BinOp::And => Value::small_int_unchecked(a & b),
        BinOp::Or => Value::small_int_unchecked(a | b),
        BinOp::Xor => Value::small_int_unchecked(a ^ b),
        BinOp::Less => Value::from_bool(a < b),
        BinOp::More => Value::from_bool(a > b),
        BinOp::LessEqual => Value::from_bool(a <= b),
        BinOp::MoreEqual => Value::from_bool(a >= b),
        BinOp::Equal => Value::from_bool(a == b),
        BinOp::NotEqual => Value::from_bool(a != b),
        _ => Value::NULL,
    })
}

fn big_binop(vm: &mut Vm, op: BinOp, la: &IntArg, ra: &IntArg, rv: Value) -> PyResult<Value> {
    let (x, y) = (la.r(), ra.r());
    let res = match op {
        BinOp::Add => x.add(&y),
        BinOp::Subtract => x.sub(&y),
        BinOp::Multiply => x.mul(&y),
        BinOp::FloorDivide | BinOp::Modulo | BinOp::DivMod => {
            if y.is_zero() {
                return Err(div_zero(vm));
            }
            let (q, m) = x.divmod(&y);
            match op {
                BinOp::FloorDivide => q,
                BinOp::Modulo => m,
                _ => {
                    let qv = int_from_big(vm, q)?;
                    let mv = int_from_big(vm, m)?;
                    return crate::types::tuple::new_tuple(vm, &[qv, mv]);
                }
            }
        }
        BinOp::TrueDivide => {
            if y.is_zero() {
                return Err(div_zero(vm));
            }
            let q = bigint::div_to_f64(x.mag, y.mag);
            if q.is_infinite() {
                return Err(vm.overflow_error("integer division result too large for a float"));
            }
            return float::new_float(vm, if x.neg != y.neg { -q } else { q });
        }
        BinOp::Power => {
            if y.neg {
                let a = arg_to_f64(vm, la)?;
                let b = arg_to_f64(vm, ra)?;
                return float::float_op(vm, BinOp::Power, a, b);
            }
            // Trivial bases work for any exponent.
            if x.is_zero() || x.mag == [1] {
                let odd = y.mag.first().map(|l| l & 1 == 1).unwrap_or(false);
                if x.is_zero() {
                    return Ok(Value::small_int_unchecked(y.is_zero() as isize));
                }
                return Ok(Value::small_int_unchecked(if x.neg && odd {
                    -1
                } else {
                    1
                }));
            }
            let Some(e) = y.to_i128().filter(|&e| e <= u64::MAX as i128) else {
                return Err(too_big(vm));
            };
            let bits = bigint::bit_len(x.mag)
                .saturating_sub(1)
                .saturating_mul(e as u64);
            check_bits(vm, bits)?;
            x.pow(e as u64)
        }
        BinOp::Lshift | BinOp::Rshift => {
            if y.neg {
                return Err(neg_shift(vm));
            }
            let n = match y.to_i128() {
                Some(n) if n <= u64::MAX as i128 / 2 => n as u64,
                _ => {
                    if op == BinOp::Rshift {
                        return Ok(Value::small_int_unchecked(if x.neg { -1 } else { 0 }));
                    }
                    if x.is_zero() {
                        return Ok(Value::small_int_unchecked(0));
                    }
                    let _ = rv;
                    return Err(too_big(vm));
                }
            };
            if op == BinOp::Lshift {
                if x.is_zero() {
                    return Ok(Value::small_int_unchecked(0));
                }
                check_bits(vm, bigint::bit_len(x.mag).saturating_add(n))?;
                x.shl(n)
            } else {
                x.shr(n)
            }
        }
        BinOp::And => x.bitop(&y, 0),
        BinOp::Or => x.bitop(&y, 1),
        BinOp::Xor => x.bitop(&y, 2),
        _ => {
            return Ok(compare_result(op, Some(x.cmp(&y))).unwrap_or(Value::NULL));
        }
    };
    int_from_big(vm, res)
}

fn bool_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    let op = op.non_inplace();
    // bool & | ^ bool stays bool
    if r.is_bool() && matches!(op, BinOp::And | BinOp::Or | BinOp::Xor) {
        let (a, b) = (l == Value::TRUE, r == Value::TRUE);
        return Ok(Value::from_bool(match op {
            BinOp::And => a & b,
            BinOp::Or => a | b,
            _ => a ^ b,
        }));
    }
    let i = (l == Value::TRUE) as isize;
    int_binary_op(vm, op, Value::small_int_unchecked(i), r)
}

/// `pow(base, exp, mod)` for ints.
pub fn int_pow3(vm: &mut Vm, base: Value, exp: Value, modulus: Value) -> PyResult<Value> {
    if modulus.is_none() {
        return vm.binary_op(BinOp::Power, base, exp);
    }
    let (Some(b), Some(e), Some(m)) = (IntArg::of(base), IntArg::of(exp), IntArg::of(modulus))
    else {
        return Err(vm.type_error("pow() with 3 arguments requires integers"));
    };
    if m.r().is_zero() {
        return Err(vm.value_error("divide by zero"));
    }
    let res = if e.r().neg {
        let mpos = BigRef {
            neg: false,
            mag: m.r().mag,
        };
        let Some(inv) = bigint::mod_inverse(&b.r(), &mpos) else {
            return Err(vm.value_error("base is not invertible for the given modulus"));
        };
        let epos = BigRef {
            neg: false,
            mag: e.r().mag,
        };
        bigint::pow_mod(&inv.as_ref(), &epos, &m.r())
    } else {
        bigint::pow_mod(&b.r(), &e.r(), &m.r())
    };
    int_from_big(vm, res)
}

// ---------------------------------------------------------------------------------------------
// Methods

fn int_to_bytes(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let selfv = arg(args, 0);
    let length = match args.get(1).copied().or_else(|| kw_get(kw, Q::length)) {
        Some(v) => value_to_index(vm, v)?,
        None => 1,
    };
    let order = args.get(2).copied().or_else(|| kw_get(kw, Q::byteorder));
    let little = match order {
        None => false,
        Some(o) => {
            if o == Value::qstr(Q::little) {
                true
            } else if o == Value::qstr(Q::big) {
                false
            } else {
                return Err(vm.value_error("byteorder must be either 'little' or 'big'"));
            }
        }
    };
    let signed = match kw_get(kw, Q::signed) {
        Some(s) => vm.is_true(s)?,
        None => false,
    };
    if length < 0 {
        return Err(vm.new_exception_args(
            TypeRef::of_static(&crate::types::exception::VALUE_ERROR),
            &[],
        ));
    }
    let Some(a) = IntArg::of(selfv).or_else(|| IntArg::of(number_part(selfv))) else {
        return Err(int_conversion_error(vm, selfv));
    };
    let len = length as usize;
    check_bits(vm, (len as u64).saturating_mul(8))?;
    let r = a.r();
    if r.neg && !signed {
        return Err(vm.overflow_error("can't convert negative int to unsigned"));
    }
    // Fits? unsigned: bits <= 8*len; signed: value in [-2^(8len-1), 2^(8len-1)).
    let bits = bigint::bit_len(r.mag);
    let fits = if r.is_zero() {
        true
    } else if !signed {
        bits <= 8 * len as u64
    } else if !r.neg {
        bits < 8 * len as u64
    } else {
        // -2^(k) fits in k+1 bits
        let pow2 = r.mag.iter().rev().skip(1).all(|&l| l == 0)
            && r.mag.last().map(|l| l.is_power_of_two()).unwrap_or(false);
        bits < 8 * len as u64 || (pow2 && bits == 8 * len as u64)
    };
    if !fits {
        let m = alloc::format!("value would overflow a {} byte buffer", len);
        return Err(vm.overflow_error(&m));
    }
    // Two's complement bytes, little-endian first.
    let n = r.mag.len() + 1;
    let mut limbs: Vec<Limb> = r.mag.to_vec();
    limbs.resize(n, 0);
    if r.neg {
        // ~(m - 1)
        let one = [1 as Limb];
        let m1 = bigint::sub_mag(r.mag, &one);
        limbs = m1;
        limbs.resize(n, 0);
        for x in limbs.iter_mut() {
            *x = !*x;
        }
    }
    let fill = if r.neg { 0xffu8 } else { 0 };
    let lb = core::mem::size_of::<Limb>();
    let mut out: Vec<u8> = (0..len)
        .map(|i| {
            let li = i / lb;
            if li < limbs.len() {
                (limbs[li] >> ((i % lb) * 8)) as u8
            } else {
                fill
            }
        })
        .collect();
    if !little {
        out.reverse();
    }
    crate::types::bytes::new_bytes(vm, &out)
}

fn int_from_bytes(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    // Called as a classmethod (cls first) or through the type without binding.
    let args = if args.first().and_then(|&a| TypeRef::from_value(a)).is_some() {
        &args[1..]
    } else {
        args
    };
    let Some(&data) = args.first() else {
        return Err(vm.type_error("function missing 1 required positional arguments"));
    };
    let order = args.get(1).copied().or_else(|| kw_get(kw, Q::byteorder));
    let little = match order {
        None => false,
        Some(o) if o == Value::qstr(Q::little) => true,
        Some(o) if o == Value::qstr(Q::big) => false,
        Some(_) => return Err(vm.value_error("byteorder must be either 'little' or 'big'")),
    };
    let signed = match args.get(2).copied().or_else(|| kw_get(kw, Q::signed)) {
        Some(s) => vm.is_true(s)?,
        None => false,
    };
    let Some(mut bytes) = read_buffer(vm, data)? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    if !little {
        bytes.reverse();
    }
    // bytes now little-endian
    let lb = core::mem::size_of::<Limb>();
    let mut mag: Vec<Limb> = vec_limbs(&bytes, lb);
    let neg = signed && bytes.last().map(|b| b & 0x80 != 0).unwrap_or(false);
    if neg {
        // value = raw - 2^(8n): magnitude = 2^(8n) - raw = (~raw + 1) within n bytes
        let mut inv: Vec<u8> = bytes.iter().map(|b| !b).collect();
        let mut carry = true;
        for b in inv.iter_mut() {
            if !carry {
                break;
            }
            let (s, c) = b.overflowing_add(1);
            *b = s;
            carry = c;
        }
        mag = vec_limbs(&inv, lb);
    }
    bigint::trim(&mut mag);
    int_from_parts(vm, neg, &mag)
}

fn vec_limbs(bytes: &[u8], lb: usize) -> Vec<Limb> {
    bytes
        .chunks(lb)
        .map(|c| {
            let mut l: Limb = 0;
            for (i, &b) in c.iter().enumerate() {
                l |= (b as Limb) << (8 * i);
            }
            l
        })
        .collect()
}
