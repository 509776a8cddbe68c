//! The `uctypes` module: access to binary data through C-like structure layouts, as
//! MicroPython's docs/library/uctypes.rst describes it.
//!
//! A layout ("descriptor") is a dict (or OrderedDict) of field name -> field:
//! - a scalar: `TYPE | offset` (UINT8..INT64, FLOAT32/FLOAT64), or a bitfield
//!   `BFxxx | offset | pos << BF_POS | len << BF_LEN`;
//! - a nested struct: `(offset, layout)`;
//! - a pointer: `(PTR | offset, TYPE)` or `(PTR | offset, layout)`;
//! - an array: `(ARRAY | offset, TYPE | count)` or `(ARRAY | offset, count, layout)`.
//!
//! The constants have MicroPython's values: in the low 31 bits of a field, bits 0..17 are the
//! offset, 17..22 the bitfield position, 22..27 the bitfield length, 27..31 the scalar type; in
//! the first item of an aggregate tuple, bits 29..31 are the aggregate kind (STRUCT 0, PTR 1,
//! ARRAY 2). Scalar arrays keep their item count in bits 0..27.
//!
//! **Memory safety.** Addresses are plain integers from Python, so every access goes through
//! the heap's checked API ([`crate::gc::Heap::read_at`], [`crate::gc::Heap::write_at`],
//! [`crate::gc::Heap::checked_range`]): reads must lie inside one live GC allocation and
//! writes inside one live plain-data allocation (the storage of a bytearray, array or
//! BytesIO). Any other address raises `OSError(EFAULT)` instead of touching memory, so
//! objects, headers and references can never be corrupted through `uctypes` (unlike
//! MicroPython, writing into a `bytes` object or an arbitrary address is refused).
//!
//! `bytearray_at(addr, n)` returns an object that prints and behaves as a bytearray aliasing
//! that memory (indexing, slicing, assignment of items, `len`, comparison, concatenation, the
//! buffer protocol) but is its own type (`isinstance(x, bytearray)` is False); its memory is
//! checked at each access. Arrays of UINT8 fields are returned this way, as in MicroPython.

use crate::types::arg;
use alloc::format;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{
    flags, AttrAction, BinOp, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type, UnaryOp,
};
use crate::qstr::{Qstr, Q};
use crate::types;
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

use super::binary;
use super::BuiltinModuleDef;

const EFAULT: i32 = 14;

const LAYOUT_LITTLE: u8 = 0;
const LAYOUT_BIG: u8 = 1;
const LAYOUT_NATIVE: u8 = 2;

const OFFSET_MASK: i64 = 0x1_ffff;
const BF_POS: u32 = 17;
const BF_LEN: u32 = 22;
const VAL_SHIFT: u32 = 27;
const AGG_SHIFT: u32 = 29;
const COUNT_MASK: i64 = (1 << VAL_SHIFT) - 1;

const AGG_STRUCT: i64 = 0;
const AGG_PTR: i64 = 1;
const AGG_ARRAY: i64 = 2;

// Scalar type numbers (bits 27..31).
const T_UINT8: i64 = 0;
const T_FLOAT32: i64 = 14;
const T_FLOAT64: i64 = 15;

const WORD: usize = core::mem::size_of::<usize>();

/// A constant as MicroPython defines it: `n` in the top bits of a 31-bit small int (values
/// with the top bit set are negative).
const fn top_bits(n: i64, bits: u32) -> i64 {
    let x = ((n << (32 - bits)) as u32) as i32;
    (x >> 1) as i64
}

/// The low 31 bits of a descriptor int (what MicroPython's small ints hold).
fn bits31(v: i64) -> i64 {
    v & 0x7fff_ffff
}

fn val_type(v: i64) -> i64 {
    (bits31(v) >> VAL_SHIFT) & 0xf
}

fn agg_type(v: i64) -> i64 {
    (bits31(v) >> AGG_SHIFT) & 3
}

/// Size in bytes of a scalar type (bitfields: their base integer).
fn scalar_size(t: i64) -> usize {
    match t {
        0..=7 => 1 << (t / 2),
        8..=13 => 1 << ((t - 8) / 2),
        T_FLOAT32 => 4,
        _ => 8,
    }
}

/// struct-module typecode for reading/writing a scalar (bitfields: their base integer,
/// unsigned).
fn typecode(t: i64) -> u8 {
    match t {
        0 => b'B',
        1 => b'b',
        2 => b'H',
        3 => b'h',
        4 => b'I',
        5 => b'i',
        6 => b'Q',
        7 => b'q',
        8 | 9 => b'B',
        10 | 11 => b'H',
        12 | 13 => b'I',
        T_FLOAT32 => b'f',
        _ => b'd',
    }
}

// ---------------------------------------------------------------------------------------------
// Objects

/// A `uctypes.struct`: a layout applied at an address.
#[repr(C)]
pub struct StructObj {
    pub hdr: ObjHeader,
    /// The layout: a dict, or an aggregate tuple (PTR/ARRAY/STRUCT), or anything else
    /// (printed as ERROR, failing on use).
    pub desc: Value,
    pub addr: usize,
    pub layout: u8,
}

crate::py_object!(StructObj, STRUCT_TYPE);

pub static STRUCT_TYPE: Type = Type {
    make_new: Some(struct_make_new),
    print: Some(struct_print),
    unary_op: Some(struct_unary_op),
    attr: Some(struct_attr),
    subscr: Some(struct_subscr),
    buffer: Some(struct_buffer),
    ..Type::new(Q::r#struct)
}
.with_flags(flags::EQ_IS_IDENTITY);

/// What `bytearray_at` returns: `len` bytes at `addr`, checked at each access.
#[repr(C)]
pub struct RawBytesObj {
    pub hdr: ObjHeader,
    pub addr: usize,
    pub len: usize,
}

crate::py_object!(RawBytesObj, RAWBYTES_TYPE);

pub static RAWBYTES_TYPE: Type = Type {
    print: Some(raw_print),
    unary_op: Some(raw_unary_op),
    binary_op: Some(raw_binary_op),
    subscr: Some(raw_subscr),
    getiter: Some(raw_getiter),
    buffer: Some(raw_buffer),
    ..Type::new(Q::bytearray)
}
.with_flags(flags::EQ_CHECKS_OTHER_TYPE);

// ---------------------------------------------------------------------------------------------
// Checked memory access

#[cold]
fn fault(vm: &mut Vm) -> PyErr {
    vm.os_error(EFAULT)
}

#[cold]
fn syntax_error(vm: &mut Vm) -> PyErr {
    vm.type_error("syntax error in uctypes descriptor")
}

fn read_mem(vm: &mut Vm, addr: usize, n: usize) -> PyResult<Vec<u8>> {
    binary::check_alloc(vm, n)?;
    let mut out = vec![0u8; n];
    if vm.heap.read_at(addr, &mut out) {
        Ok(out)
    } else {
        Err(fault(vm))
    }
}

fn write_mem(vm: &mut Vm, addr: usize, data: &[u8]) -> PyResult<()> {
    if vm.heap.write_at(addr, data) {
        Ok(())
    } else {
        Err(fault(vm))
    }
}

/// `base + off`, wrapping as C pointer arithmetic would (the access is checked anyway).
fn at(base: usize, off: usize) -> usize {
    base.wrapping_add(off)
}

/// An address argument: any int (negative or too big values wrap, as in C).
fn addr_arg(vm: &mut Vm, v: Value) -> PyResult<usize> {
    Ok(binary::int_low_bits(vm, v)? as usize)
}

fn big_endian(layout: u8) -> bool {
    match layout {
        LAYOUT_BIG => true,
        LAYOUT_NATIVE => binary::NATIVE_BIG,
        _ => false,
    }
}

/// Read a scalar of type `t` at `addr`.
fn read_scalar(vm: &mut Vm, addr: usize, t: i64, layout: u8) -> PyResult<Value> {
    let n = scalar_size(t);
    let b = read_mem(vm, addr, n)?;
    binary::decode(vm, typecode(t), &b, big_endian(layout))
}

/// Write `v` as a scalar of type `t` at `addr`.
fn write_scalar(vm: &mut Vm, addr: usize, t: i64, layout: u8, v: Value) -> PyResult<()> {
    let n = scalar_size(t);
    let mut b = [0u8; 8];
    let out = &mut b[..n];
    binary::encode(vm, typecode(t), v, big_endian(layout), out)?;
    write_mem(vm, addr, out)
}

/// Read a pointer-sized word (native byte order) at `addr`.
fn read_ptr(vm: &mut Vm, addr: usize) -> PyResult<usize> {
    let b = read_mem(vm, addr, WORD)?;
    Ok(binary::read_uint(&b, binary::NATIVE_BIG) as usize)
}

// ---------------------------------------------------------------------------------------------
// Layouts

/// The small-int value of a descriptor item.
fn desc_int(v: Value) -> Option<i64> {
    v.as_small_int().map(|i| i as i64)
}

/// The fields of a dict layout (dict or OrderedDict), or None.
fn desc_dict(v: Value) -> Option<Gc<crate::map::DictObj>> {
    types::dict::dict_obj(v)
}

/// The items of a tuple layout, copied (so no heap borrow is held while Python code runs).
fn desc_tuple(v: Value) -> Option<Vec<Value>> {
    types::tuple::tuple_items(v).map(|t| t.items().to_vec())
}

fn round_up(n: usize, align: usize) -> usize {
    if align <= 1 {
        n
    } else {
        n.div_ceil(align).saturating_mul(align)
    }
}

/// Size and alignment of a layout (a dict, or an aggregate tuple).
fn layout_size(vm: &mut Vm, desc: Value, layout: u8, depth: u32) -> PyResult<(usize, usize)> {
    if depth > 64 {
        return Err(vm.runtime_error("maximum recursion depth exceeded"));
    }
    if let Some(d) = desc_dict(desc) {
        let fields: Vec<Value> = d.map.iter().map(|(_, v)| v).collect();
        let mut total = 0usize;
        let mut max_align = 1usize;
        for f in fields {
            let (end, align) = if let Some(i) = desc_int(f) {
                let n = scalar_size(val_type(i));
                ((i & OFFSET_MASK) as usize + n, n)
            } else if let Some(items) = desc_tuple(f) {
                let Some(first) = items.first().copied().and_then(desc_int) else {
                    return Err(syntax_error(vm));
                };
                let (n, a) = agg_size(vm, &items, layout, depth + 1)?;
                ((first & OFFSET_MASK) as usize + n, a)
            } else {
                return Err(syntax_error(vm));
            };
            total = total.max(end);
            max_align = max_align.max(align);
        }
        if layout == LAYOUT_NATIVE {
            total = round_up(total, max_align);
        }
        return Ok((total, max_align));
    }
    if let Some(items) = desc_tuple(desc) {
        return agg_size(vm, &items, layout, depth + 1);
    }
    Err(syntax_error(vm))
}

/// Size and alignment of an aggregate tuple `(STRUCT|off, layout)`, `(PTR|off, x)`,
/// `(ARRAY|off, TYPE|n)` or `(ARRAY|off, n, layout)`.
fn agg_size(vm: &mut Vm, items: &[Value], layout: u8, depth: u32) -> PyResult<(usize, usize)> {
    let Some(first) = items.first().copied().and_then(desc_int) else {
        return Err(syntax_error(vm));
    };
    match (agg_type(first), items.len()) {
        (AGG_STRUCT, 2) => layout_size(vm, items[1], layout, depth),
        (AGG_PTR, 2) => Ok((WORD, WORD)),
        (AGG_ARRAY, 2) => {
            let Some(t) = desc_int(items[1]) else {
                return Err(syntax_error(vm));
            };
            let n = scalar_size(val_type(t));
            let count = (t & COUNT_MASK) as usize;
            Ok((count.saturating_mul(n), n))
        }
        (AGG_ARRAY, 3) => {
            let Some(count) = desc_int(items[1]) else {
                return Err(syntax_error(vm));
            };
            let (n, a) = layout_size(vm, items[2], layout, depth)?;
            Ok(((count.max(0) as usize).saturating_mul(n), a))
        }
        _ => Err(syntax_error(vm)),
    }
}

fn new_struct(vm: &mut Vm, addr: usize, desc: Value, layout: u8) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(StructObj {
            hdr: ObjHeader::new(&STRUCT_TYPE),
            desc,
            addr,
            layout,
        })?
        .value())
}

fn new_raw(vm: &mut Vm, addr: usize, len: usize) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(RawBytesObj {
            hdr: ObjHeader::new(&RAWBYTES_TYPE),
            addr,
            len,
        })?
        .value())
}

// ---------------------------------------------------------------------------------------------
// struct slots

fn struct_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if args.len() < 2 {
        let m = format!(
            "function missing {} required positional arguments",
            2 - args.len()
        );
        return Err(vm.type_error(&m));
    }
    if args.len() > 3 {
        return Err(vm.type_error("function expected at most 3 arguments"));
    }
    let addr = addr_arg(vm, arg(args, 0))?;
    let layout = match args.get(2) {
        Some(&l) => binary::int_low_bits(vm, l)? as u8,
        None => LAYOUT_NATIVE,
    };
    new_struct(vm, addr, arg(args, 1), layout)
}

fn this(v: Value) -> Option<Gc<StructObj>> {
    v.downcast::<StructObj>()
}

fn struct_print(vm: &mut Vm, v: Value, _kind: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(s) = this(v) else {
        return Ok(());
    };
    let kind = if desc_dict(s.desc).is_some() {
        "STRUCT"
    } else if let Some(first) = desc_tuple(s.desc)
        .and_then(|t| t.first().copied())
        .and_then(desc_int)
    {
        match agg_type(first) {
            AGG_STRUCT => "STRUCT",
            AGG_PTR => "PTR",
            AGG_ARRAY => "ARRAY",
            _ => "ERROR",
        }
    } else {
        "ERROR"
    };
    let _ = vm;
    push_str(out, &format!("<struct {} {:x}>", kind, s.addr));
    Ok(())
}

fn struct_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(s) = this(v) else {
        return Ok(Value::NULL);
    };
    match op {
        UnaryOp::Hash => Err(vm.type_error("unsupported type for __hash__: 'struct'")),
        UnaryOp::IntMaybe => {
            // int() of a pointer is the address it holds.
            if let Some(items) = desc_tuple(s.desc) {
                if let Some(first) = items.first().copied().and_then(desc_int) {
                    if agg_type(first) == AGG_PTR {
                        let p = read_ptr(vm, s.addr)?;
                        return types::int::int_from_u64(vm, p as u64);
                    }
                }
            }
            Err(syntax_error(vm))
        }
        _ => Ok(Value::NULL),
    }
}

/// A struct field at `addr`: load (`store` None) or store.
fn field_access(
    vm: &mut Vm,
    s: Gc<StructObj>,
    field: Value,
    store: Option<Value>,
) -> PyResult<Value> {
    if let Some(i) = desc_int(field) {
        let addr = at(s.addr, (i & OFFSET_MASK) as usize);
        let t = val_type(i);
        if (8..=13).contains(&t) {
            // Bitfield in an unsigned base integer.
            let pos = ((i >> BF_POS) & 0x1f) as u32;
            let len = ((i >> BF_LEN) & 0x1f) as u32;
            let n = scalar_size(t);
            let big = big_endian(s.layout);
            let raw = read_mem(vm, addr, n)?;
            let word = binary::read_uint(&raw, big);
            let mask: u64 = if len >= 64 {
                u64::MAX
            } else {
                (1u64 << len) - 1
            };
            match store {
                None => {
                    let x = word.checked_shr(pos).unwrap_or(0) & mask;
                    return types::int::int_from_u64(vm, x);
                }
                Some(v) => {
                    let x = binary::int_low_bits(vm, v)? & mask;
                    let m = mask.checked_shl(pos).unwrap_or(0);
                    let word = (word & !m) | (x.checked_shl(pos).unwrap_or(0) & m);
                    let mut out = [0u8; 8];
                    binary::write_uint(&mut out[..n], word, big);
                    write_mem(vm, addr, &out[..n])?;
                    return Ok(Value::NONE);
                }
            }
        }
        return match store {
            None => read_scalar(vm, addr, t, s.layout),
            Some(v) => {
                write_scalar(vm, addr, t, s.layout, v)?;
                Ok(Value::NONE)
            }
        };
    }
    let Some(items) = desc_tuple(field) else {
        return Err(syntax_error(vm));
    };
    let Some(first) = items.first().copied().and_then(desc_int) else {
        return Err(syntax_error(vm));
    };
    if store.is_some() {
        return Err(syntax_error(vm));
    }
    let addr = at(s.addr, (first & OFFSET_MASK) as usize);
    match agg_type(first) {
        AGG_STRUCT => match items.get(1) {
            Some(&sub) => new_struct(vm, addr, sub, s.layout),
            None => Err(syntax_error(vm)),
        },
        AGG_PTR => new_struct(vm, addr, field, s.layout),
        AGG_ARRAY => {
            if items.len() == 2 {
                if let Some(t) = desc_int(items[1]) {
                    if val_type(t) == T_UINT8 {
                        return new_raw(vm, addr, (t & COUNT_MASK) as usize);
                    }
                }
            }
            new_struct(vm, addr, field, s.layout)
        }
        _ => Err(syntax_error(vm)),
    }
}

fn struct_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(s) = this(v) else {
        return Ok(None);
    };
    let store = match action {
        AttrAction::Load => None,
        AttrAction::Store(x) => Some(x),
        AttrAction::Delete => return Err(vm.type_error("can't delete struct fields")),
    };
    let Some(d) = desc_dict(s.desc) else {
        if store.is_none() && name == Q::__class__ {
            return Ok(None);
        }
        return Err(vm.type_error("struct: no fields"));
    };
    let key = Value::qstr(name);
    let Some(field) = d.map.get(vm, key)? else {
        if store.is_none() && name == Q::__class__ {
            return Ok(None);
        }
        return Err(vm.key_error(key));
    };
    field_access(vm, s, field, store).map(Some)
}

fn struct_subscr(vm: &mut Vm, v: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(s) = this(v) else {
        return Err(vm.type_error("'struct' object isn't subscriptable"));
    };
    if value.is_null() {
        return Err(vm.type_error("'struct' object doesn't support item deletion"));
    }
    let store = if value == Value::SENTINEL {
        None
    } else {
        Some(value)
    };
    if desc_dict(s.desc).is_some() {
        return Err(vm.type_error("struct: can't index"));
    }
    let items = desc_tuple(s.desc).unwrap_or_default();
    let Some(first) = items.first().copied().and_then(desc_int) else {
        return Err(vm.type_error("struct: no fields"));
    };
    let i = types::int::value_to_index(vm, index)?;
    match agg_type(first) {
        AGG_ARRAY => {
            if items.len() == 2 {
                let Some(t) = desc_int(items[1]) else {
                    return Err(syntax_error(vm));
                };
                let count = (t & COUNT_MASK) as usize;
                if i < 0 || i as usize >= count {
                    return Err(vm.index_error("struct: index out of range"));
                }
                let tt = val_type(t);
                let addr = at(s.addr, (i as usize).wrapping_mul(scalar_size(tt)));
                return match store {
                    None => read_scalar(vm, addr, tt, s.layout),
                    Some(x) => {
                        write_scalar(vm, addr, tt, s.layout, x)?;
                        Ok(Value::NONE)
                    }
                };
            }
            if items.len() != 3 {
                return Err(syntax_error(vm));
            }
            let Some(count) = desc_int(items[1]) else {
                return Err(syntax_error(vm));
            };
            if i < 0 || i as i64 >= count {
                return Err(vm.index_error("struct: index out of range"));
            }
            if store.is_some() {
                return Err(vm.type_error("'struct' object doesn't support item assignment"));
            }
            let (size, _) = layout_size(vm, items[2], s.layout, 0)?;
            new_struct(
                vm,
                at(s.addr, (i as usize).wrapping_mul(size)),
                items[2],
                s.layout,
            )
        }
        AGG_PTR => {
            let Some(&target) = items.get(1) else {
                return Err(syntax_error(vm));
            };
            let p = read_ptr(vm, s.addr)?;
            if let Some(t) = desc_int(target) {
                let tt = val_type(t);
                let addr = p.wrapping_add((i as usize).wrapping_mul(scalar_size(tt)));
                match store {
                    None => read_scalar(vm, addr, tt, s.layout),
                    Some(x) => {
                        write_scalar(vm, addr, tt, s.layout, x)?;
                        Ok(Value::NONE)
                    }
                }
            } else {
                if store.is_some() {
                    return Err(vm.type_error("'struct' object doesn't support item assignment"));
                }
                let (size, _) = layout_size(vm, target, s.layout, 0)?;
                new_struct(
                    vm,
                    p.wrapping_add((i as usize).wrapping_mul(size)),
                    target,
                    s.layout,
                )
            }
        }
        _ => Err(vm.type_error("'struct' object isn't subscriptable")),
    }
}

/// Size in bytes of a struct object's memory.
fn struct_size(vm: &mut Vm, s: Gc<StructObj>) -> PyResult<usize> {
    Ok(layout_size(vm, s.desc, s.layout, 0)?.0)
}

fn struct_buffer(vm: &mut Vm, v: Value, f: BufferFlags) -> PyResult<Option<BufferInfo>> {
    let Some(s) = this(v) else {
        return Ok(None);
    };
    let n = struct_size(vm, s)?;
    checked_buffer(vm, s.addr, n, f).map(Some)
}

/// A buffer view of `n` bytes at `addr`, after the heap checked them (writable ones must be
/// plain data).
fn checked_buffer(vm: &mut Vm, addr: usize, n: usize, f: BufferFlags) -> PyResult<BufferInfo> {
    match vm.heap.checked_range(addr, n, f == BufferFlags::Write) {
        Some(p) if n > 0 => Ok(BufferInfo {
            ptr: p.as_ptr(),
            len: n,
            typecode: b'B',
        }),
        Some(_) => Ok(BufferInfo {
            ptr: core::ptr::null_mut(),
            len: 0,
            typecode: b'B',
        }),
        None => Err(fault(vm)),
    }
}

// ---------------------------------------------------------------------------------------------
// bytearray_at objects

fn raw(v: Value) -> Option<Gc<RawBytesObj>> {
    v.downcast::<RawBytesObj>()
}

/// A copy of the bytes (checked).
fn raw_bytes(vm: &mut Vm, r: Gc<RawBytesObj>) -> PyResult<Vec<u8>> {
    read_mem(vm, r.addr, r.len)
}

/// A real bytearray holding a copy of the bytes.
fn raw_copy(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(r) = raw(v) else {
        return Err(vm.type_error("expected bytearray_at object"));
    };
    let b = raw_bytes(vm, r)?;
    types::bytes::new_bytearray(vm, &b)
}

fn raw_print(vm: &mut Vm, v: Value, _kind: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(r) = raw(v) else {
        return Ok(());
    };
    let b = raw_bytes(vm, r)?;
    push_str(out, "bytearray(");
    types::bytes::repr_bytes_into(&b, out);
    push_char(out, ')');
    Ok(())
}

fn raw_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(r) = raw(v) else {
        return Ok(Value::NULL);
    };
    match op {
        UnaryOp::Len => types::int::int_from_u64(vm, r.len as u64),
        UnaryOp::Bool => Ok(Value::from_bool(r.len != 0)),
        UnaryOp::Hash => Err(vm.type_error("unsupported type for __hash__: 'bytearray'")),
        _ => Ok(Value::NULL),
    }
}

fn raw_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    // Operations see a snapshot of the bytes, as a bytearray.
    let copy = raw_copy(vm, lhs)?;
    let rhs = if raw(rhs).is_some() {
        raw_copy(vm, rhs)?
    } else {
        rhs
    };
    vm.binary_op(op.non_inplace(), copy, rhs)
}

fn raw_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let copy = raw_copy(vm, v)?;
    vm.get_iter(copy)
}

fn raw_buffer(vm: &mut Vm, v: Value, f: BufferFlags) -> PyResult<Option<BufferInfo>> {
    let Some(r) = raw(v) else {
        return Ok(None);
    };
    checked_buffer(vm, r.addr, r.len, f).map(Some)
}

fn raw_subscr(vm: &mut Vm, v: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(r) = raw(v) else {
        return Err(vm.type_error("expected bytearray_at object"));
    };
    if value.is_null() {
        return Err(vm.type_error("'bytearray' object doesn't support item deletion"));
    }
    if types::str::is_slice(index) {
        let (start, stop, step, n) = types::str::slice_indices(vm, index, r.len)?;
        let idx = |k: usize| (start + step * k as isize) as usize;
        if value == Value::SENTINEL {
            let all = raw_bytes(vm, r)?;
            let _ = stop;
            let picked: Vec<u8> = (0..n).filter_map(|k| all.get(idx(k)).copied()).collect();
            return types::bytes::new_bytearray(vm, &picked);
        }
        let Some(src) = crate::obj::with_buffer_read(vm, value, bytes_vec)? else {
            return Err(vm.type_error("object with buffer protocol required"));
        };
        if src.len() != n {
            return Err(vm.value_error("can't change the size of memory at a fixed address"));
        }
        for (k, &b) in src.iter().enumerate() {
            write_mem(vm, at(r.addr, idx(k)), &[b])?;
        }
        return Ok(Value::NONE);
    }
    let i = types::int::value_to_index(vm, index)?;
    let j = if i < 0 { i + r.len as isize } else { i };
    if j < 0 || j as usize >= r.len {
        return Err(vm.index_error("bytearray index out of range"));
    }
    let addr = at(r.addr, j as usize);
    if value == Value::SENTINEL {
        let b = read_mem(vm, addr, 1)?;
        Ok(Value::small_int_unchecked(b[0] as isize))
    } else {
        // MicroPython 1.x stores the low 8 bits.
        let x = binary::int_low_bits(vm, value)? as u8;
        write_mem(vm, addr, &[x])?;
        Ok(Value::NONE)
    }
}

/// The NUL-terminated string at `addr` (struct's `S` typecode): inside a live heap allocation
/// (up to its first NUL byte), or the text of an interned string that starts at `addr`
/// (`uctypes.addressof('abc')`). None for any other address.
pub fn read_cstr(vm: &mut Vm, addr: usize) -> Option<Vec<u8>> {
    if let Some((start, size, _)) = vm.heap.allocation_containing(addr) {
        let n = (start + size).checked_sub(addr)?;
        let mut b = vec![0u8; n];
        if !vm.heap.read_at(addr, &mut b) {
            return None;
        }
        let end = b.iter().position(|&c| c == 0)?;
        b.truncate(end);
        return Some(b);
    }
    for i in 0..vm.qstrs.len() {
        let s = vm.qstr_str(Qstr(i as u32));
        if s.as_ptr() as usize == addr {
            return Some(bytes_vec(s.as_bytes()));
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Module functions

fn uct_sizeof(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let obj = arg(args, 0);
    let layout_arg = match args.get(1) {
        Some(&l) => Some(binary::int_low_bits(vm, l)? as u8),
        None => None,
    };
    let n = if let Some(s) = this(obj) {
        if layout_arg.is_some() {
            return Err(vm.type_error(""));
        }
        struct_size(vm, s)?
    } else if let Some(r) = raw(obj) {
        r.len
    } else if desc_int(obj).is_some() || types::int::is_int(obj) {
        return Err(vm.type_error("can't unambiguously get sizeof scalar"));
    } else {
        layout_size(vm, obj, layout_arg.unwrap_or(LAYOUT_NATIVE), 0)?.0
    };
    types::int::int_from_u64(vm, n as u64)
}

fn uct_addressof(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let obj = arg(args, 0);
    let addr = if let Some(s) = this(obj) {
        s.addr
    } else if let Some(r) = raw(obj) {
        r.addr
    } else {
        let Some(b) = obj.type_of().buffer else {
            return Err(vm.type_error("object with buffer protocol required"));
        };
        match b(vm, obj, BufferFlags::Read)? {
            Some(info) => info.ptr as usize,
            None => return Err(vm.type_error("object with buffer protocol required")),
        }
    };
    types::int::int_from_u64(vm, addr as u64)
}

fn size_arg(vm: &mut Vm, v: Value) -> PyResult<usize> {
    let n = types::int::value_to_index(vm, v)?;
    if n < 0 {
        return Err(vm.value_error("negative size"));
    }
    Ok(n as usize)
}

fn uct_bytes_at(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let addr = addr_arg(vm, arg(args, 0))?;
    let n = size_arg(vm, arg(args, 1))?;
    let b = read_mem(vm, addr, n)?;
    types::bytes::new_bytes(vm, &b)
}

fn uct_bytearray_at(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let addr = addr_arg(vm, arg(args, 0))?;
    let n = size_arg(vm, arg(args, 1))?;
    new_raw(vm, addr, n)
}

static SIZEOF: BuiltinFn = BuiltinFn::new(Q::sizeof, 1, 2, uct_sizeof);
static ADDRESSOF: BuiltinFn = BuiltinFn::new(Q::addressof, 1, 1, uct_addressof);
static BYTES_AT: BuiltinFn = BuiltinFn::new(Q::bytes_at, 2, 2, uct_bytes_at);
static BYTEARRAY_AT: BuiltinFn = BuiltinFn::new(Q::bytearray_at, 2, 2, uct_bytearray_at);

const fn vt(n: i64) -> Value {
    Value::small_int_unchecked(top_bits(n, 4) as isize)
}

fixed_dict!(
    UCTYPES_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::uctypes)),
        (Q::r#struct, Value::from_static(&STRUCT_TYPE)),
        (Q::sizeof, fnv!(SIZEOF)),
        (Q::addressof, fnv!(ADDRESSOF)),
        (Q::bytes_at, fnv!(BYTES_AT)),
        (Q::bytearray_at, fnv!(BYTEARRAY_AT)),
        (
            Q::NATIVE,
            Value::small_int_unchecked(LAYOUT_NATIVE as isize)
        ),
        (
            Q::LITTLE_ENDIAN,
            Value::small_int_unchecked(LAYOUT_LITTLE as isize)
        ),
        (
            Q::BIG_ENDIAN,
            Value::small_int_unchecked(LAYOUT_BIG as isize)
        ),
        (Q::VOID, vt(0)),
        (Q::UINT8, vt(0)),
        (Q::INT8, vt(1)),
        (Q::UINT16, vt(2)),
        (Q::INT16, vt(3)),
        (Q::UINT32, vt(4)),
        (Q::INT32, vt(5)),
        (Q::UINT64, vt(6)),
        (Q::INT64, vt(7)),
        (Q::BFUINT8, vt(8)),
        (Q::BFINT8, vt(9)),
        (Q::BFUINT16, vt(10)),
        (Q::BFINT16, vt(11)),
        (Q::BFUINT32, vt(12)),
        (Q::BFINT32, vt(13)),
        (Q::BF_POS, Value::small_int_unchecked(BF_POS as isize)),
        (Q::BF_LEN, Value::small_int_unchecked(BF_LEN as isize)),
        (Q::FLOAT32, vt(T_FLOAT32)),
        (Q::FLOAT64, vt(T_FLOAT64)),
        (Q::SHORT, vt(3)),
        (Q::USHORT, vt(2)),
        (Q::INT, vt(5)),
        (Q::UINT, vt(4)),
        (Q::LONG, vt(7)),
        (Q::ULONG, vt(6)),
        (Q::LONGLONG, vt(7)),
        (Q::ULONGLONG, vt(6)),
        (
            Q::PTR,
            Value::small_int_unchecked(top_bits(AGG_PTR, 2) as isize)
        ),
        (
            Q::ARRAY,
            Value::small_int_unchecked(top_bits(AGG_ARRAY, 2) as isize)
        ),
    ]
);

pub static UCTYPES_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::uctypes,
    globals: &UCTYPES_GLOBALS,
    init: None,
    extensible: false,
};
