//! Run-time side of `@micropython.viper` functions: the operations of the VM-internal `VIPER`
//! opcode (operand layout in `pyrite_compiler::bc::viper`; the compiler side, which tracks the
//! types, is `pyrite-compiler/src/compile/viper.rs`).
//!
//! A native value (viper `int`, `uint`, `bool`, `ptr*`) is a Python int on the value stack
//! holding the machine word (`isize` bits; a bool may also be True/False and `None` counts as
//! 0), so the rest of the VM sees only valid objects. Arithmetic wraps like machine words;
//! shifts use the count modulo the word size (as x86-64 does); `//` and `%` follow Python's
//! floor semantics (as MicroPython's helpers), and division by zero raises ZeroDivisionError
//! where MicroPython's native code would trap.
//!
//! Pointers: converting an object with the buffer protocol to a pointer gives the address of
//! its data, as in MicroPython, and records the object in a small most-recently-used registry
//! (`vm.interp.viper_bufs`, rooted, [`REGISTRY_SIZE`] entries). A pointer load or store is
//! allowed only if all its bytes lie inside the current data of a registered object; anything
//! else raises `IndexError` (MicroPython would read or write arbitrary memory), and a store
//! into a read-only buffer (bytes, str) raises `TypeError`. All accesses go through the
//! objects' buffer slots ([`crate::obj::with_buffer_read`]/[`crate::obj::with_buffer_write`]),
//! so this module needs no `unsafe`.

use pyrite_compiler::bc::{binary, unary, viper as vop};

use crate::obj::{with_buffer_read, with_buffer_write, BufferFlags};
use crate::types::int::{self, IntArg};
use crate::types::list;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// Buffers a pointer may point into (most recently converted first).
pub const REGISTRY_SIZE: usize = 8;

const WORD_BITS: u32 = usize::BITS;

// ---- words ---------------------------------------------------------------------------------

/// The low machine word of an int (two's complement), for an int or bool.
fn truncated(v: Value) -> Option<isize> {
    if let Some(i) = v.as_small_int() {
        return Some(i);
    }
    let a = IntArg::of(v).or_else(|| IntArg::of(int::number_part(v)))?;
    if let Some(i) = a.small_val {
        return Some(i);
    }
    let r = a.r();
    let mut w: usize = 0;
    for (k, &limb) in r.mag.iter().enumerate() {
        let shift = (k as u32).saturating_mul(crate::types::bigint::LIMB_BITS);
        if shift >= WORD_BITS {
            break;
        }
        w |= (limb as usize) << shift;
    }
    Some(if r.neg {
        w.wrapping_neg() as isize
    } else {
        w as isize
    })
}

#[cold]
fn not_int(vm: &mut Vm, v: Value) -> crate::PyErr {
    let m = alloc::format!("can't convert {} to int", vm.type_name(v));
    vm.type_error(&m)
}

/// The machine word of a native value on the stack.
#[inline]
fn word(vm: &mut Vm, v: Value) -> PyResult<isize> {
    if let Some(i) = v.as_small_int() {
        return Ok(i);
    }
    if v.is_none() {
        return Ok(0);
    }
    match truncated(v) {
        Some(w) => Ok(w),
        None => Err(not_int(vm, v)),
    }
}

#[inline]
fn from_word(vm: &mut Vm, w: isize) -> PyResult<Value> {
    match Value::small_int(w) {
        Some(v) => Ok(v),
        None => int::int_from_i64(vm, w as i64),
    }
}

fn from_uword(vm: &mut Vm, w: usize) -> PyResult<Value> {
    match isize::try_from(w).ok().and_then(Value::small_int) {
        Some(v) => Ok(v),
        None => int::int_from_u64(vm, w as u64),
    }
}

// ---- conversions ---------------------------------------------------------------------------

/// A native value of type `t` as an object (MicroPython's mp_native_to_obj).
pub fn to_obj(vm: &mut Vm, t: u32, v: Value) -> PyResult<Value> {
    match t {
        vop::T_OBJ => Ok(v),
        vop::T_BOOL => {
            if v == Value::TRUE || v == Value::FALSE {
                return Ok(v);
            }
            let w = word(vm, v)?;
            Ok(Value::from_bool(w != 0))
        }
        vop::T_INT => {
            if v.is_small_int() {
                return Ok(v);
            }
            let w = word(vm, v)?;
            from_word(vm, w)
        }
        _ => {
            let w = word(vm, v)?;
            from_uword(vm, w as usize)
        }
    }
}

/// An object as a native value of type `t` (MicroPython's mp_native_from_obj).
pub fn from_obj(vm: &mut Vm, t: u32, v: Value) -> PyResult<Value> {
    match t {
        vop::T_OBJ => Ok(v),
        vop::T_BOOL => Ok(Value::from_bool(vm.is_true(v)?)),
        vop::T_INT | vop::T_UINT => {
            if v.is_small_int() {
                return Ok(v);
            }
            match truncated(v) {
                Some(w) => from_word(vm, w),
                None => Err(not_int(vm, v)),
            }
        }
        _ => {
            // A pointer: the address of the object's data, or an int taken as an address.
            if let Some(b) = v.type_of().buffer {
                if let Some(info) = b(vm, v, BufferFlags::Read)? {
                    register(vm, v)?;
                    return from_word(vm, info.ptr as usize as isize);
                }
            }
            match truncated(v) {
                Some(w) => from_word(vm, w),
                None => Err(not_int(vm, v)),
            }
        }
    }
}

// ---- arithmetic ----------------------------------------------------------------------------

/// Machine-word binary operation `op` (a MicroPython binary op number) on two native values.
pub fn binop(vm: &mut Vm, param: u32, a: Value, b: Value) -> PyResult<Value> {
    let unsigned = param & vop::UNSIGNED != 0;
    let o = (param & 0x3f) as u8;
    let x = word(vm, a)?;
    let y = word(vm, b)?;
    let (ux, uy) = (x as usize, y as usize);
    let r: isize = match o {
        binary::ADD => x.wrapping_add(y),
        binary::SUBTRACT => x.wrapping_sub(y),
        binary::MULTIPLY => x.wrapping_mul(y),
        binary::AND => x & y,
        binary::OR => x | y,
        binary::XOR => x ^ y,
        binary::LSHIFT => x.wrapping_shl(uy as u32 % WORD_BITS),
        binary::RSHIFT => {
            let s = uy as u32 % WORD_BITS;
            if unsigned {
                (ux >> s) as isize
            } else {
                x >> s
            }
        }
        binary::FLOOR_DIVIDE | binary::MODULO => {
            if y == 0 {
                return Err(vm.zero_division("divide by zero"));
            }
            let q = x.wrapping_div(y);
            let m = x.wrapping_rem(y);
            // Python's floor semantics: the remainder takes the divisor's sign.
            let adjust = m != 0 && ((m < 0) != (y < 0));
            if o == binary::FLOOR_DIVIDE {
                if adjust {
                    q.wrapping_sub(1)
                } else {
                    q
                }
            } else if adjust {
                m.wrapping_add(y)
            } else {
                m
            }
        }
        binary::LESS..=binary::NOT_EQUAL => {
            let ord = if unsigned { ux.cmp(&uy) } else { x.cmp(&y) };
            let t = match o {
                binary::LESS => ord.is_lt(),
                binary::MORE => ord.is_gt(),
                binary::EQUAL => ord.is_eq(),
                binary::LESS_EQUAL => ord.is_le(),
                binary::MORE_EQUAL => ord.is_ge(),
                _ => ord.is_ne(),
            };
            return Ok(Value::from_bool(t));
        }
        _ => return Err(vm.not_implemented("viper binary op")),
    };
    from_word(vm, r)
}

/// Machine-word unary operation (negate or invert).
pub fn unop(vm: &mut Vm, param: u32, a: Value) -> PyResult<Value> {
    let x = word(vm, a)?;
    let r = match param as u8 {
        unary::NEGATIVE => x.wrapping_neg(),
        unary::INVERT => !x,
        unary::POSITIVE => x,
        _ => return Err(vm.not_implemented("viper unary op")),
    };
    from_word(vm, r)
}

// ---- pointers ------------------------------------------------------------------------------

/// Remember `obj` as a buffer pointers may point into (moves it to the front).
fn register(vm: &mut Vm, obj: Value) -> PyResult<()> {
    if vm.interp.viper_bufs.is_null() {
        let items = [Value::NONE; REGISTRY_SIZE];
        vm.interp.viper_bufs = list::new_list(vm, &items)?;
    }
    let Some(l) = list::list_obj(vm.interp.viper_bufs) else {
        return Ok(());
    };
    let n = l.len().min(REGISTRY_SIZE);
    if n == 0 {
        return Ok(());
    }
    let mut pos = n - 1;
    for i in 0..n {
        if l.get(i) == Some(obj) {
            pos = i;
            break;
        }
    }
    let mut i = pos;
    while i > 0 {
        if let Some(v) = l.get(i - 1) {
            l.set(i, v);
        }
        i -= 1;
    }
    l.set(0, obj);
    Ok(())
}

fn registered(vm: &Vm, i: usize) -> Option<Value> {
    let l = list::list_obj(vm.interp.viper_bufs)?;
    l.get(i).filter(|v| !v.is_none())
}

#[cold]
fn bad_pointer(vm: &mut Vm) -> crate::PyErr {
    vm.index_error("viper pointer outside any known buffer")
}

/// The address of item `index` of `size` bytes from pointer `base` (both native values).
fn address(vm: &mut Vm, base: Value, index: Value, size: usize) -> PyResult<usize> {
    let b = word(vm, base)? as usize;
    let i = word(vm, index)? as usize;
    Ok(b.wrapping_add(i.wrapping_mul(size)))
}

/// Offset of [addr, addr+size) inside a buffer starting at `start` with `len` bytes.
fn offset_in(addr: usize, size: usize, start: usize, len: usize) -> Option<usize> {
    let off = addr.checked_sub(start)?;
    if off.checked_add(size)? <= len {
        Some(off)
    } else {
        None
    }
}

/// `ptr[index]` for a ptr8/16/32 (`shift` = log2 of the item size): an unsigned item.
pub fn load(vm: &mut Vm, shift: u32, base: Value, index: Value) -> PyResult<Value> {
    let size = 1usize << (shift & 3);
    let addr = address(vm, base, index, size)?;
    for i in 0..REGISTRY_SIZE {
        let Some(obj) = registered(vm, i) else {
            continue;
        };
        let got = with_buffer_read(vm, obj, |s| {
            let off = offset_in(addr, size, s.as_ptr() as usize, s.len())?;
            let mut bytes = [0u8; 8];
            bytes[..size].copy_from_slice(s.get(off..off + size)?);
            Some(u64::from_ne_bytes(bytes))
        })?;
        if let Some(Some(v)) = got {
            #[cfg(target_endian = "big")]
            let v = v >> (64 - 8 * size as u32);
            return from_uword(vm, v as usize);
        }
    }
    Err(bad_pointer(vm))
}

/// `ptr[index] = value` for a ptr8/16/32: stores the low bytes of the value's word.
pub fn store(vm: &mut Vm, shift: u32, value: Value, base: Value, index: Value) -> PyResult<()> {
    let size = 1usize << (shift & 3);
    let addr = address(vm, base, index, size)?;
    let w = word(vm, value)? as u64;
    let bytes = w.to_ne_bytes();
    #[cfg(target_endian = "little")]
    let src = &bytes[..size];
    #[cfg(target_endian = "big")]
    let src = &bytes[8 - size..];
    for i in 0..REGISTRY_SIZE {
        let Some(obj) = registered(vm, i) else {
            continue;
        };
        let inside = with_buffer_read(vm, obj, |s| {
            offset_in(addr, size, s.as_ptr() as usize, s.len()).is_some()
        })?;
        if inside != Some(true) {
            continue;
        }
        let done = with_buffer_write(vm, obj, |cells| {
            let off = offset_in(addr, size, cells.as_ptr() as usize, cells.len())?;
            let dst = cells.get(off..off + size)?;
            for (c, &b) in dst.iter().zip(src) {
                c.set(b);
            }
            Some(())
        })?;
        return match done {
            Some(Some(())) => Ok(()),
            _ => Err(vm.type_error("viper pointer store into a read-only buffer")),
        };
    }
    Err(bad_pointer(vm))
}
