//! `memoryview`. Contract: `MEMORYVIEW_TYPE`, `new_memoryview(vm, obj)`.
//!
//! A memoryview keeps the object it views (never another memoryview: views of views point at
//! the original object), a byte offset, a length in items and the item typecode (from the
//! object's buffer protocol: 'B' for bytes/bytearray, the array's typecode for `array`).
//! Slicing makes a new view without copying. Every access asks the object for its buffer
//! again and checks the range, so a view of a bytearray that shrank raises instead of reading
//! freed memory. As in MicroPython: only step-1 slices, `itemsize`, `hex()`, and writes when
//! the underlying object is writable.

use super::arg;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_str;

use crate::obj::{
    flags, AttrAction, BinOp, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type, UnaryOp,
};
use crate::qstr::{Qstr, Q};
use crate::types::str as s;
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{fixed_dict, fnv, PyResult};

#[repr(C)]
pub struct MemoryviewObj {
    pub hdr: ObjHeader,
    /// The object whose buffer is viewed.
    pub obj: Value,
    /// Offset in bytes of the first item.
    pub offset: usize,
    /// Number of items.
    pub len: usize,
    pub typecode: u8,
    pub writable: bool,
}

crate::py_object!(MemoryviewObj, MEMORYVIEW_TYPE);

pub static MEMORYVIEW_TYPE: Type = Type {
    make_new: Some(mv_make_new),
    print: Some(mv_print),
    unary_op: Some(mv_unary_op),
    binary_op: Some(mv_binary_op),
    attr: Some(mv_attr),
    subscr: Some(mv_subscr),
    getiter: Some(mv_getiter),
    buffer: Some(mv_buffer),
    ..Type::new(Q::memoryview)
}
.with_flags(flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&MEMORYVIEW_LOCALS);

static MV_HEX: BuiltinFn = BuiltinFn::new(Q::hex, 1, 2, crate::types::bytes::m_hex);

fixed_dict!(MEMORYVIEW_LOCALS, [(Q::hex, fnv!(MV_HEX))]);

/// Size in bytes of one item of `typecode` (struct/array typecodes, native sizes).
pub fn itemsize(typecode: u8) -> usize {
    match typecode {
        b'h' | b'H' => 2,
        b'i' | b'I' | b'f' => 4,
        b'l' | b'L' | b'P' | b'O' => core::mem::size_of::<usize>(),
        b'q' | b'Q' | b'd' => 8,
        _ => 1,
    }
}

/// A memoryview of `obj` (anything with the buffer protocol).
pub fn new_memoryview(vm: &mut Vm, obj: Value) -> PyResult<Value> {
    if let Some(m) = obj.downcast::<MemoryviewObj>() {
        let v = vm.alloc_obj(MemoryviewObj {
            hdr: ObjHeader::new(&MEMORYVIEW_TYPE),
            obj: m.obj,
            offset: m.offset,
            len: m.len,
            typecode: m.typecode,
            writable: m.writable,
        })?;
        return Ok(v.value());
    }
    let Some(buf) = obj.type_of().buffer else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let Some(info) = buf(vm, obj, BufferFlags::Read)? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let writable = buf(vm, obj, BufferFlags::Write)?.is_some();
    let tc = info.typecode;
    let v = vm.alloc_obj(MemoryviewObj {
        hdr: ObjHeader::new(&MEMORYVIEW_TYPE),
        obj,
        offset: 0,
        len: info.len / itemsize(tc),
        typecode: tc,
        writable,
    })?;
    Ok(v.value())
}

fn mv_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() != 1 || !kw.is_empty() {
        return Err(vm.type_error("function takes 1 positional arguments"));
    }
    new_memoryview(vm, arg(args, 0))
}

fn mv(vm: &mut Vm, v: Value) -> PyResult<Gc<MemoryviewObj>> {
    match v.downcast::<MemoryviewObj>() {
        Some(m) => Ok(m),
        None => Err(vm.type_error("expected a memoryview")),
    }
}

/// A copy of the viewed bytes.
pub fn mv_bytes(vm: &mut Vm, m: Gc<MemoryviewObj>) -> PyResult<Vec<u8>> {
    let start = m.offset;
    let end = m
        .len
        .checked_mul(itemsize(m.typecode))
        .and_then(|n| n.checked_add(start));
    let r = crate::obj::with_buffer_read(vm, m.obj, |b| {
        end.and_then(|e| b.get(start..e)).map(bytes_vec)
    })?;
    match r.flatten() {
        Some(v) => Ok(v),
        None => Err(resized(vm)),
    }
}

#[cold]
fn resized(vm: &mut Vm) -> crate::PyErr {
    vm.index_error("memoryview: underlying buffer was resized")
}

fn mv_print(_vm: &mut Vm, _v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    push_str(out, "<memoryview>");
    Ok(())
}

fn mv_unary_op(_vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(m) = v.downcast::<MemoryviewObj>() else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(m.len != 0),
        UnaryOp::Len => Value::small_int(m.len as isize).unwrap_or(Value::NULL),
        _ => Value::NULL,
    })
}

fn mv_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    if op != BinOp::Equal {
        return Ok(Value::NULL);
    }
    let m = mv(vm, lhs)?;
    let a = mv_bytes(vm, m)?;
    let b = if let Some(d) = s::sdata(vm, rhs) {
        if d.kind == s::Kind::Str {
            return Ok(Value::FALSE);
        }
        bytes_vec(d.bytes())
    } else {
        match crate::obj::with_buffer_read(vm, rhs, bytes_vec)? {
            Some(b) => b,
            None => return Ok(Value::FALSE),
        }
    };
    Ok(Value::from_bool(a == b))
}

fn mv_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    if action != AttrAction::Load || name != Q::itemsize {
        return Ok(None);
    }
    let m = mv(vm, v)?;
    Ok(Value::small_int(itemsize(m.typecode) as isize))
}

/// Decode one item of `typecode` from native-endian bytes.
fn decode_item(vm: &mut Vm, typecode: u8, b: &[u8]) -> PyResult<Value> {
    let mut w = [0u8; 8];
    let n = b.len().min(8);
    w[..n].copy_from_slice(&b[..n]);
    let u = u64::from_ne_bytes(w);
    let signed = |bits: u32| -> i64 {
        let sh = 64 - bits;
        ((u << sh) as i64) >> sh
    };
    let bits = (n * 8) as u32;
    match typecode {
        b'f' => {
            let f = f32::from_ne_bytes([w[0], w[1], w[2], w[3]]);
            crate::types::float::new_float(vm, f as f64)
        }
        b'd' => crate::types::float::new_float(vm, f64::from_ne_bytes(w)),
        b'b' | b'h' | b'i' | b'l' | b'q' => int_from_i128(vm, signed(bits.max(8)) as i128),
        _ => int_from_i128(vm, u as i128),
    }
}

/// An int value from an i128 holding an i64 or u64 item.
fn int_from_i128(vm: &mut Vm, x: i128) -> PyResult<Value> {
    match i64::try_from(x) {
        Ok(i) => crate::types::int::int_from_i64(vm, i),
        Err(_) => crate::types::int::int_from_u64(vm, x as u64),
    }
}

/// Encode an item value to native-endian bytes of `typecode`.
fn encode_item(vm: &mut Vm, typecode: u8, v: Value) -> PyResult<[u8; 8]> {
    match typecode {
        b'f' | b'd' => {
            let f = match crate::types::float::float_value(v) {
                Some(f) => f,
                None => s::int_arg(vm, v)? as f64,
            };
            let mut w = [0u8; 8];
            if typecode == b'f' {
                w[..4].copy_from_slice(&(f as f32).to_ne_bytes());
            } else {
                w = f.to_ne_bytes();
            }
            Ok(w)
        }
        _ => {
            // Integers are truncated to the item size, as MicroPython does.
            let i = match v.as_small_int() {
                Some(i) => i as i64,
                None => s::int_arg(vm, v)? as i64,
            };
            Ok(i.to_ne_bytes())
        }
    }
}

fn mv_subscr(vm: &mut Vm, v: Value, index: Value, value: Value) -> PyResult<Value> {
    let m = mv(vm, v)?;
    let isz = itemsize(m.typecode);
    if s::is_slice(index) {
        let (start, _stop, step, n) = s::slice_indices(vm, index, m.len)?;
        if step != 1 {
            return Err(vm.not_implemented("only slices with step=1 (aka None) are supported"));
        }
        let start = start.max(0) as usize;
        let off = m.offset + start * isz;
        if value == Value::SENTINEL {
            let r = vm.alloc_obj(MemoryviewObj {
                hdr: ObjHeader::new(&MEMORYVIEW_TYPE),
                obj: m.obj,
                offset: off,
                len: n,
                typecode: m.typecode,
                writable: m.writable,
            })?;
            return Ok(r.value());
        }
        if value.is_null() {
            return Err(vm.type_error("'memoryview' object doesn't support item deletion"));
        }
        if !m.writable {
            return Err(vm.type_error("'memoryview' object doesn't support item assignment"));
        }
        let src: Vec<u8> = match s::sdata(vm, value) {
            Some(d) if d.kind != s::Kind::Str => bytes_vec(d.bytes()),
            _ => match crate::obj::with_buffer_read(vm, value, bytes_vec)? {
                Some(b) if !s::is_str(value) => b,
                _ => return Err(vm.type_error("array/bytes required on right side")),
            },
        };
        if src.len() != n * isz {
            return Err(vm.value_error("lhs and rhs should be compatible"));
        }
        let ok = crate::obj::with_buffer_write(vm, m.obj, |cells| {
            match cells.get(off..off + src.len()) {
                Some(dst) => {
                    for (c, &b) in dst.iter().zip(&src) {
                        c.set(b);
                    }
                    true
                }
                None => false,
            }
        })?;
        if ok != Some(true) {
            return Err(resized(vm));
        }
        return Ok(Value::NONE);
    }
    let i = s::seq_index(vm, index, m.len, "memoryview")?;
    let off = m.offset + i * isz;
    if value == Value::SENTINEL {
        let item = crate::obj::with_buffer_read(vm, m.obj, |b| {
            b.get(off..off + isz).map(|x| {
                let mut w = [0u8; 8];
                w[..isz.min(8)].copy_from_slice(&x[..isz.min(8)]);
                w
            })
        })?
        .flatten();
        let Some(w) = item else {
            return Err(resized(vm));
        };
        return decode_item(vm, m.typecode, &w[..isz.min(8)]);
    }
    if value.is_null() {
        return Err(vm.type_error("'memoryview' object doesn't support item deletion"));
    }
    if !m.writable {
        return Err(vm.type_error("'memoryview' object doesn't support item assignment"));
    }
    let w = encode_item(vm, m.typecode, value)?;
    let ok = crate::obj::with_buffer_write(vm, m.obj, |cells| match cells.get(off..off + isz) {
        Some(dst) => {
            for (c, &b) in dst.iter().zip(w.iter()) {
                c.set(b);
            }
            true
        }
        None => false,
    })?;
    if ok != Some(true) {
        return Err(resized(vm));
    }
    Ok(Value::NONE)
}

fn mv_buffer(vm: &mut Vm, v: Value, fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    let Some(m) = v.downcast::<MemoryviewObj>() else {
        return Ok(None);
    };
    if fl == BufferFlags::Write && !m.writable {
        return Ok(None);
    }
    let Some(buf) = m.obj.type_of().buffer else {
        return Ok(None);
    };
    let Some(info) = buf(vm, m.obj, fl)? else {
        return Ok(None);
    };
    let nbytes = m.len.saturating_mul(itemsize(m.typecode));
    if m.offset.saturating_add(nbytes) > info.len {
        return Err(resized(vm));
    }
    Ok(Some(BufferInfo {
        ptr: info.ptr.wrapping_add(m.offset),
        len: nbytes,
        typecode: m.typecode,
    }))
}

// ---- iteration ----

#[repr(C)]
pub struct MvIterObj {
    pub hdr: ObjHeader,
    pub mv: Value,
    pub pos: Cell<usize>,
}

crate::py_object!(MvIterObj, MV_ITER_TYPE);

static MV_ITER_TYPE: Type = Type {
    iternext: Some(mv_iternext),
    getiter: Some(iter_self),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn iter_self(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

fn mv_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(MvIterObj {
            hdr: ObjHeader::new(&MV_ITER_TYPE),
            mv: v,
            pos: Cell::new(0),
        })?
        .value())
}

fn mv_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(it) = v.downcast::<MvIterObj>() else {
        return Ok(Value::STOP);
    };
    let m = mv(vm, it.mv)?;
    let i = it.pos.get();
    if i >= m.len {
        return Ok(Value::STOP);
    }
    it.pos.set(i + 1);
    let idx = Value::small_int(i as isize).unwrap_or(Value::NONE);
    mv_subscr(vm, it.mv, idx, Value::SENTINEL)
}
