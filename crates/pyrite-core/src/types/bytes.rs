//! `bytes` and `bytearray`. Contract: `BYTES_TYPE`, `BYTEARRAY_TYPE`, `new_bytes(vm, &[u8])`,
//! `new_bytearray(vm, &[u8])`, `bytes_data(v)` (bytes only; use the buffer protocol generally),
//! `bytearray_obj(v)`.
//!
//! `bytes` objects share str's layout ([`StrObj`]: hash cache, length, inline bytes).
//! A `bytearray` is a [`BytearrayObj`]: a length and a growable [`GcArray<u8>`]. Both expose
//! the buffer protocol (bytearray also writable). The text methods (find, split, strip...) are
//! str.rs's, shared by all three types.

use super::arg;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, BinOp, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::{hash_bytes, Q};
use crate::types::str::{
    self as s, arg_data, int_arg, is_int, sdata, seq_index, slice_indices, Kind, StrHead, StrObj,
};
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{fixed_dict, fnv, PyResult};

pub static BYTES_TYPE: Type = Type {
    make_new: Some(bytes_make_new),
    print: Some(bytes_print),
    unary_op: Some(bytes_unary_op),
    binary_op: Some(bytes_binary_op),
    subscr: Some(bytes_subscr),
    getiter: Some(s::bytes_getiter),
    buffer: Some(bytes_buffer),
    ..Type::new(Q::bytes)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&BYTES_LOCALS);

pub static BYTEARRAY_TYPE: Type = Type {
    make_new: Some(bytearray_make_new),
    print: Some(bytes_print),
    unary_op: Some(bytes_unary_op),
    binary_op: Some(bytes_binary_op),
    subscr: Some(bytearray_subscr),
    getiter: Some(s::bytes_getiter),
    buffer: Some(bytearray_buffer),
    ..Type::new(Q::bytearray)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&BYTEARRAY_LOCALS);

/// A bytearray: `len` bytes used of the `data` array's capacity.
#[repr(C)]
pub struct BytearrayObj {
    pub hdr: ObjHeader,
    pub len: Cell<usize>,
    pub data: Cell<GcArray<u8>>,
}

crate::py_object!(BytearrayObj, BYTEARRAY_TYPE);

impl BytearrayObj {
    /// A copy of the contents.
    pub fn to_vec(&self) -> Vec<u8> {
        let a = self.data.get();
        let n = self.len.get().min(a.capacity());
        a.cells()[..n].iter().map(|c| c.get()).collect()
    }
    /// Byte `i`, if in range.
    #[inline]
    pub fn get(&self, i: usize) -> Option<u8> {
        if i < self.len.get() {
            self.data.get().get(i)
        } else {
            None
        }
    }
    #[inline]
    pub fn set(&self, i: usize, b: u8) {
        if i < self.len.get() {
            self.data.get().set(i, b)
        }
    }
    pub fn len(&self) -> usize {
        self.len.get()
    }
}

/// The head of a bytes object of `n` bytes.
#[inline]
pub(crate) fn bytes_head(n: usize) -> StrHead {
    StrHead {
        hdr: ObjHeader::new(&BYTES_TYPE),
        hash: Cell::new(0),
        char_len: n,
    }
}

/// A new bytes object.
pub fn new_bytes(vm: &mut Vm, data: &[u8]) -> PyResult<Value> {
    Ok(vm.alloc_var(bytes_head(data.len()), data)?.value())
}

/// The bytes object handle if `v` is exactly bytes.
pub fn bytes_obj(v: Value) -> Option<Gc<StrObj>> {
    let h = v.as_obj()?;
    if h.ty.get().is(&BYTES_TYPE) {
        Some(Gc::from_raw(core::ptr::NonNull::new(
            h.as_ptr() as *mut StrObj
        )?))
    } else {
        None
    }
}

/// The data of a bytes object.
pub fn bytes_data(v: Value) -> Option<Gc<StrObj>> {
    bytes_obj(v)
}

/// The bytearray handle if `v` is a bytearray.
pub fn bytearray_obj(v: Value) -> Option<Gc<BytearrayObj>> {
    v.downcast::<BytearrayObj>()
}

/// A new bytearray holding a copy of `data`.
pub fn new_bytearray(vm: &mut Vm, data: &[u8]) -> PyResult<Value> {
    let arr = vm.alloc_array::<u8>(data.len())?;
    for (c, &b) in arr.cells().iter().zip(data) {
        c.set(b);
    }
    let o = vm.alloc_obj(BytearrayObj {
        hdr: ObjHeader::new(&BYTEARRAY_TYPE),
        len: Cell::new(data.len()),
        data: Cell::new(arr),
    })?;
    Ok(o.value())
}

/// Byte `i` of a bytes or bytearray value (for iteration).
pub(crate) fn byte_at(_vm: &mut Vm, v: Value, i: usize) -> Option<u8> {
    if let Some(b) = bytes_obj(v) {
        return b.items().get(i).copied();
    }
    bytearray_obj(v).and_then(|b| b.get(i))
}

/// Replace a bytearray's contents.
fn ba_set_contents(vm: &mut Vm, ba: Gc<BytearrayObj>, data: &[u8]) -> PyResult<()> {
    ba_reserve(vm, ba, data.len())?;
    let a = ba.data.get();
    for (c, &b) in a.cells().iter().zip(data) {
        c.set(b);
    }
    ba.len.set(data.len());
    Ok(())
}

/// Make room for `n` bytes in total.
fn ba_reserve(vm: &mut Vm, ba: Gc<BytearrayObj>, n: usize) -> PyResult<()> {
    let a = ba.data.get();
    if n > a.capacity() {
        let cap = n.max(a.capacity().saturating_mul(2)).max(8);
        let new = vm.realloc_array(a, cap)?;
        ba.data.set(new);
    }
    Ok(())
}

/// Append bytes to a bytearray.
fn ba_extend_bytes(vm: &mut Vm, ba: Gc<BytearrayObj>, data: &[u8]) -> PyResult<()> {
    let n = ba.len.get();
    let Some(total) = n.checked_add(data.len()) else {
        return Err(vm.memory_error());
    };
    ba_reserve(vm, ba, total)?;
    let a = ba.data.get();
    for (c, &b) in a.cells()[n..].iter().zip(data) {
        c.set(b);
    }
    ba.len.set(total);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Constructors

/// Bytes from a constructor argument (shared by bytes() and bytearray()).
fn construct_data(vm: &mut Vm, args: &[Value], kw: Kw, is_array: bool) -> PyResult<Vec<u8>> {
    let mut a: [Value; 3] = [Value::NULL; 3];
    if args.len() > 3 {
        return Err(vm.type_error("wrong number of arguments"));
    }
    a[..args.len()].copy_from_slice(args);
    for p in kw.chunks_exact(2) {
        let idx = if p[0] == Value::qstr(Q::source) {
            0
        } else if p[0] == Value::qstr(Q::encoding) {
            1
        } else if p[0] == Value::qstr(Q::errors) {
            2
        } else {
            return Err(vm.type_error("unexpected keyword argument"));
        };
        a[idx] = p[1];
    }
    let src = a[0];
    if src.is_null() {
        return Ok(Vec::new());
    }
    if let Some(d) = s::str_data(vm, src) {
        if a[1].is_null() {
            return Err(vm.type_error("string argument without an encoding"));
        }
        let text = String::from(d.as_str());
        let enc = match s::str_data(vm, a[1]) {
            Some(e) => String::from(e.as_str()),
            None => return Err(s::bad_implicit(vm, a[1], Kind::Str)),
        };
        return match enc.as_str() {
            "utf-8" | "utf8" => Ok(text.into_bytes()),
            "ascii" => {
                if text.is_ascii() {
                    Ok(text.into_bytes())
                } else {
                    Err(vm.new_exception(&crate::types::exception::UNICODE_ERROR, ""))
                }
            }
            _ => {
                let m = format!("unknown encoding: {}", enc);
                Err(vm.new_exception(&crate::types::exception::LOOKUP_ERROR, &m))
            }
        };
    }
    if !a[1].is_null() || !a[2].is_null() {
        return Err(vm.type_error(if a[1].is_null() {
            "errors without a string argument"
        } else {
            "encoding without a string argument"
        }));
    }
    if is_int(src) {
        let n = int_arg(vm, src)?;
        if n < 0 {
            return Err(vm.value_error("negative count"));
        }
        let mut v = Vec::new();
        if v.try_reserve_exact(n as usize).is_err() {
            return Err(vm.memory_error());
        }
        v.resize(n as usize, 0);
        return Ok(v);
    }
    if let Some(d) = sdata(vm, src) {
        return Ok(bytes_vec(d.bytes()));
    }
    if let Some(v) = crate::obj::with_buffer_read(vm, src, bytes_vec)? {
        return Ok(v);
    }
    let _ = is_array;
    let it = vm.get_iter(src)?;
    let mut out = Vec::new();
    while let Some(x) = vm.iter_next(it)? {
        push_byte(&mut out, byte_value(vm, x)?);
    }
    Ok(out)
}

/// An int in range(256), as bytes items must be.
fn byte_value(vm: &mut Vm, x: Value) -> PyResult<u8> {
    if !is_int(x) {
        let m = format!(
            "'{}' object cannot be interpreted as an integer",
            vm.type_name(x)
        );
        return Err(vm.type_error(&m));
    }
    match int_arg(vm, x) {
        Ok(i) if (0..256).contains(&i) => Ok(i as u8),
        _ => Err(vm.value_error("bytes value out of range")),
    }
}

fn bytes_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() == 1 && kw.is_empty() && bytes_obj(arg(args, 0)).is_some() {
        return Ok(arg(args, 0));
    }
    let v = construct_data(vm, args, kw, false)?;
    new_bytes(vm, &v)
}

fn bytearray_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let v = construct_data(vm, args, kw, true)?;
    new_bytearray(vm, &v)
}

// ---------------------------------------------------------------------------------------------
// Slots

/// Append the repr of bytes `b` (`b'...'` with CPython's quote choice and escapes).
pub fn repr_bytes_into(b: &[u8], out: &mut String) {
    let q = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    push_char(out, 'b');
    out.push(q as char);
    for &c in b {
        match c {
            b'\\' => push_str(out, "\\\\"),
            b'\n' => push_str(out, "\\n"),
            b'\r' => push_str(out, "\\r"),
            b'\t' => push_str(out, "\\t"),
            c if c == q => {
                push_char(out, '\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => {
                let _ = core::fmt::Write::write_fmt(out, format_args!("\\x{:02x}", c));
            }
        }
    }
    out.push(q as char);
}

fn bytes_print(vm: &mut Vm, v: Value, _kind: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(d) = sdata(vm, v) else {
        return Ok(());
    };
    if d.kind == Kind::ByteArray {
        push_str(out, "bytearray(");
        repr_bytes_into(d.bytes(), out);
        push_char(out, ')');
    } else {
        repr_bytes_into(d.bytes(), out);
    }
    Ok(())
}

fn bytes_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let n = if let Some(b) = bytes_obj(v) {
        b.len()
    } else if let Some(b) = bytearray_obj(v) {
        b.len()
    } else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(n != 0),
        UnaryOp::Len => Value::small_int(n as isize).unwrap_or(Value::NULL),
        UnaryOp::Hash => match bytes_obj(v) {
            Some(b) => {
                let mut h = b.head.hash.get();
                if h == 0 {
                    h = hash_bytes(b.items());
                    b.head.hash.set(h);
                }
                Value::small_int_unchecked(h as isize)
            }
            None => return Err(crate::types::slice::unhashable(vm, v)),
        },
        _ => Value::NULL,
    })
}

/// The bytes of a bytes-like value (bytes, bytearray, or any buffer such as memoryview/array).
fn bytes_like(vm: &mut Vm, v: Value) -> PyResult<Option<s::SData>> {
    if let Some(d) = sdata(vm, v) {
        if d.kind != Kind::Str {
            return Ok(Some(d));
        }
        return Ok(None);
    }
    Ok(crate::obj::with_buffer_read(vm, v, bytes_vec)?.map(|b| {
        let n = b.len();
        s::SData {
            kind: Kind::Bytes,
            buf: s::Buf::Owned(b),
            chars: n,
        }
    }))
}

fn bytes_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    match op {
        BinOp::Multiply | BinOp::ReverseMultiply => return s::seq_repeat(vm, lhs, rhs),
        BinOp::InplaceMultiply => {
            if let Some(ba) = bytearray_obj(lhs) {
                if !is_int(rhs) {
                    return Ok(Value::NULL);
                }
                let r = s::seq_repeat(vm, lhs, rhs)?;
                if let Some(rb) = bytearray_obj(r) {
                    let data = rb.to_vec();
                    ba_set_contents(vm, ba, &data)?;
                }
                return Ok(lhs);
            }
            return s::seq_repeat(vm, lhs, rhs);
        }
        BinOp::Modulo | BinOp::InplaceModulo => {
            if bytes_obj(lhs).is_some() {
                return crate::types::strfmt::bytes_modulo(vm, lhs, rhs);
            }
            return Ok(Value::NULL);
        }
        BinOp::Contains => {
            let Some(a) = sdata(vm, lhs) else {
                return Ok(Value::NULL);
            };
            if is_int(rhs) {
                let b = byte_value(vm, rhs)?;
                return Ok(Value::from_bool(a.bytes().contains(&b)));
            }
            let n = arg_data(vm, Kind::Bytes, rhs)?;
            return Ok(Value::from_bool(
                s::find_bytes(a.bytes(), n.bytes()).is_some(),
            ));
        }
        _ => {}
    }
    let Some(a) = sdata(vm, lhs) else {
        return Ok(Value::NULL);
    };
    let is_cmp = matches!(
        op,
        BinOp::Equal | BinOp::Less | BinOp::More | BinOp::LessEqual | BinOp::MoreEqual
    );
    let b = if is_cmp {
        // Comparisons only between bytes and bytearray.
        match sdata(vm, rhs) {
            Some(d) if d.kind != Kind::Str => d,
            Some(_) => {
                return Ok(if op == BinOp::Equal {
                    Value::FALSE
                } else {
                    Value::NULL
                })
            }
            // Let the other operand (e.g. a memoryview) decide.
            None => return Ok(Value::NOT_IMPLEMENTED),
        }
    } else {
        match bytes_like(vm, rhs)? {
            Some(d) => d,
            None => return Ok(Value::NULL),
        }
    };
    let (x, y) = (a.bytes(), b.bytes());
    Ok(match op {
        BinOp::Equal => Value::from_bool(x == y),
        BinOp::Less => Value::from_bool(x < y),
        BinOp::More => Value::from_bool(x > y),
        BinOp::LessEqual => Value::from_bool(x <= y),
        BinOp::MoreEqual => Value::from_bool(x >= y),
        BinOp::InplaceAdd if a.kind == Kind::ByteArray => {
            if let Some(ba) = bytearray_obj(lhs) {
                let data = bytes_vec(y);
                ba_extend_bytes(vm, ba, &data)?;
            }
            lhs
        }
        BinOp::Add | BinOp::InplaceAdd => {
            // bytes + empty is the bytes object itself (no allocation, as MicroPython).
            if a.kind == Kind::Bytes && lhs.type_of().is(&BYTES_TYPE) {
                if y.is_empty() {
                    return Ok(lhs);
                }
                if x.is_empty() && rhs.type_of().is(&BYTES_TYPE) {
                    return Ok(rhs);
                }
            }
            s::new_from_parts(vm, a.kind, &[x, y])?
        }
        _ => Value::NULL,
    })
}

fn bytes_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    if value != Value::SENTINEL {
        return Ok(Value::NULL);
    }
    let Some(d) = sdata(vm, obj) else {
        return Ok(Value::NULL);
    };
    if s::is_slice(index) {
        return s::slice_of(vm, &d, index);
    }
    let b = d.bytes();
    let i = seq_index(vm, index, b.len(), "bytes")?;
    Ok(Value::small_int_unchecked(
        b.get(i).copied().unwrap_or(0) as isize
    ))
}

fn bytearray_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(ba) = bytearray_obj(obj) else {
        return Ok(Value::NULL);
    };
    if value == Value::SENTINEL {
        if s::is_slice(index) {
            let Some(d) = sdata(vm, obj) else {
                return Ok(Value::NULL);
            };
            return s::slice_of(vm, &d, index);
        }
        let i = seq_index(vm, index, ba.len(), "bytearray")?;
        return Ok(Value::small_int_unchecked(ba.get(i).unwrap_or(0) as isize));
    }
    if s::is_slice(index) {
        let mut cur = ba.to_vec();
        let (start, _stop, step, n) = slice_indices(vm, index, cur.len())?;
        if value.is_null() {
            // Delete the selected items.
            let mut del = alloc::vec![false; cur.len()];
            let mut i = start;
            for _ in 0..n {
                if let Some(x) = del.get_mut(i as usize) {
                    *x = true;
                }
                i += step;
            }
            let kept: Vec<u8> = cur
                .iter()
                .zip(del.iter())
                .filter(|(_, &d)| !d)
                .map(|(&c, _)| c)
                .collect();
            ba_set_contents(vm, ba, &kept)?;
            return Ok(Value::NONE);
        }
        let new: Vec<u8> = match bytes_like(vm, value)? {
            Some(d) => bytes_vec(d.bytes()),
            None => {
                if is_int(value) || s::is_str(value) {
                    return Err(vm.type_error("array/bytes required on right side"));
                }
                let it = vm.get_iter(value)?;
                let mut out = Vec::new();
                while let Some(x) = vm.iter_next(it)? {
                    push_byte(&mut out, byte_value(vm, x)?);
                }
                out
            }
        };
        if step == 1 {
            let st = (start.max(0) as usize).min(cur.len());
            let en = (st + n).min(cur.len());
            cur.splice(st..en, new);
            ba_set_contents(vm, ba, &cur)?;
        } else {
            if new.len() != n {
                let m = format!(
                    "attempt to assign bytes of size {} to extended slice of size {}",
                    new.len(),
                    n
                );
                return Err(vm.value_error(&m));
            }
            let mut i = start;
            for &b in &new {
                ba.set(i as usize, b);
                i += step;
            }
        }
        return Ok(Value::NONE);
    }
    let i = seq_index(vm, index, ba.len(), "bytearray")?;
    if value.is_null() {
        let mut cur = ba.to_vec();
        if i < cur.len() {
            cur.remove(i);
        }
        ba_set_contents(vm, ba, &cur)?;
        return Ok(Value::NONE);
    }
    let b = byte_value(vm, value)?;
    ba.set(i, b);
    Ok(Value::NONE)
}

fn bytes_buffer(_vm: &mut Vm, v: Value, fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    if fl != BufferFlags::Read {
        return Ok(None);
    }
    let Some(b) = bytes_obj(v) else {
        return Ok(None);
    };
    Ok(Some(BufferInfo {
        ptr: b.items().as_ptr() as *mut u8,
        len: b.len(),
        typecode: b'B',
    }))
}

fn bytearray_buffer(_vm: &mut Vm, v: Value, _fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    let Some(b) = bytearray_obj(v) else {
        return Ok(None);
    };
    let a = b.data.get();
    let len = b.len().min(a.capacity());
    let ptr = if a.capacity() == 0 {
        core::ptr::null_mut()
    } else {
        a.cells().as_ptr() as *mut u8
    };
    Ok(Some(BufferInfo {
        ptr,
        len,
        typecode: b'B',
    }))
}

// ---------------------------------------------------------------------------------------------
// Methods

static BYTES_DECODE: BuiltinFn = BuiltinFn::new_kw(Q::decode, 1, 3, m_decode);
static BYTES_HEX: BuiltinFn = BuiltinFn::new(Q::hex, 1, 2, m_hex);
static BYTES_FROMHEX: BuiltinFn = BuiltinFn::new(Q::fromhex, 1, 2, m_fromhex_bytes);
static BYTEARRAY_FROMHEX: BuiltinFn = BuiltinFn::new(Q::fromhex, 1, 2, m_fromhex_bytearray);
static BYTEARRAY_APPEND: BuiltinFn = BuiltinFn::new(Q::append, 2, 2, m_append);
static BYTEARRAY_EXTEND: BuiltinFn = BuiltinFn::new(Q::extend, 2, 2, m_extend);

macro_rules! text_methods {
    ($name:ident, [$($extra:tt)*]) => {
        fixed_dict!(pub $name, [
            $($extra)*
            (Q::find, fnv!(s::STR_FIND)),
            (Q::join, fnv!(s::STR_JOIN)),
            (Q::split, fnv!(s::STR_SPLIT)),
            (Q::startswith, fnv!(s::STR_STARTSWITH)),
            (Q::endswith, fnv!(s::STR_ENDSWITH)),
            (Q::strip, fnv!(s::STR_STRIP)),
            (Q::replace, fnv!(s::STR_REPLACE)),
            (Q::count, fnv!(s::STR_COUNT)),
            (Q::rfind, fnv!(s::STR_RFIND)),
            (Q::index, fnv!(s::STR_INDEX)),
            (Q::rindex, fnv!(s::STR_RINDEX)),
            (Q::splitlines, fnv!(s::STR_SPLITLINES)),
            (Q::rsplit, fnv!(s::STR_RSPLIT)),
            (Q::lstrip, fnv!(s::STR_LSTRIP)),
            (Q::rstrip, fnv!(s::STR_RSTRIP)),
            (Q::partition, fnv!(s::STR_PARTITION)),
            (Q::rpartition, fnv!(s::STR_RPARTITION)),
            (Q::center, fnv!(s::STR_CENTER)),
            (Q::lower, fnv!(s::STR_LOWER)),
            (Q::upper, fnv!(s::STR_UPPER)),
            (Q::isspace, fnv!(s::STR_ISSPACE)),
            (Q::isalpha, fnv!(s::STR_ISALPHA)),
            (Q::isdigit, fnv!(s::STR_ISDIGIT)),
            (Q::isupper, fnv!(s::STR_ISUPPER)),
            (Q::islower, fnv!(s::STR_ISLOWER)),
        ]);
    };
}

text_methods!(
    BYTES_LOCALS,
    [
        (Q::hex, fnv!(BYTES_HEX)),
        (Q::fromhex, fnv!(BYTES_FROMHEX)),
        (Q::decode, fnv!(BYTES_DECODE)),
    ]
);

text_methods!(
    BYTEARRAY_LOCALS,
    [
        (Q::append, fnv!(BYTEARRAY_APPEND)),
        (Q::extend, fnv!(BYTEARRAY_EXTEND)),
        (Q::hex, fnv!(BYTES_HEX)),
        (Q::fromhex, fnv!(BYTEARRAY_FROMHEX)),
        (Q::decode, fnv!(BYTES_DECODE)),
    ]
);

fn m_decode(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(d) = bytes_like(vm, arg(args, 0))? else {
        return Err(s::bad_implicit(vm, arg(args, 0), Kind::Bytes));
    };
    let mut enc = args.get(1).copied().unwrap_or(Value::NULL);
    let mut errors = args.get(2).copied().unwrap_or(Value::NULL);
    for p in kw.chunks_exact(2) {
        if p[0] == Value::qstr(Q::encoding) {
            enc = p[1];
        } else if p[0] == Value::qstr(Q::errors) {
            errors = p[1];
        } else {
            return Err(vm.type_error("unexpected keyword argument"));
        }
    }
    s::decode_bytes(vm, d.bytes(), enc, errors)
}

/// `hex([sep])` for any bytes-like self (bytes, bytearray, memoryview).
pub(crate) fn m_hex(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(d) = bytes_like(vm, arg(args, 0))? else {
        return Err(s::bad_implicit(vm, arg(args, 0), Kind::Bytes));
    };
    let sep = match args.get(1) {
        Some(&sv) => match s::str_data(vm, sv) {
            Some(x) => String::from(x.as_str()),
            None => match sdata(vm, sv) {
                Some(x) => String::from_utf8_lossy(x.bytes()).into_owned(),
                None => return Err(s::bad_implicit(vm, sv, Kind::Str)),
            },
        },
        None => String::new(),
    };
    if sep.chars().count() > 1 {
        return Err(vm.value_error("sep must be length 1."));
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = d.bytes();
    let mut out = String::with_capacity(b.len() * (2 + sep.len()));
    for (i, &c) in b.iter().enumerate() {
        if i > 0 {
            out.push_str(&sep);
        }
        out.push(HEX[(c >> 4) as usize] as char);
        out.push(HEX[(c & 15) as usize] as char);
    }
    s::new_str_unchecked(vm, out.as_bytes(), Some(out.len()))
}

fn fromhex(vm: &mut Vm, args: &[Value]) -> PyResult<Vec<u8>> {
    let v = args[args.len() - 1];
    let Some(d) = s::str_data(vm, v) else {
        return Err(s::bad_implicit(vm, v, Kind::Str));
    };
    let b = d.as_bytes();
    let mut out = Vec::with_capacity(b.len() / 2);
    let mut i = 0;
    let hexval = |c: u8| (c as char).to_digit(16);
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let hi = hexval(c);
        let lo = b.get(i + 1).and_then(|&c| hexval(c));
        match (hi, lo) {
            (Some(h), Some(l)) => push_byte(&mut out, (h * 16 + l) as u8),
            _ => return Err(vm.value_error("non-hex digit found")),
        }
        i += 2;
    }
    Ok(out)
}

fn m_fromhex_bytes(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = fromhex(vm, args)?;
    new_bytes(vm, &v)
}

fn m_fromhex_bytearray(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = fromhex(vm, args)?;
    new_bytearray(vm, &v)
}

fn m_append(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(ba) = bytearray_obj(arg(args, 0)) else {
        return Err(vm.type_error("expected a bytearray"));
    };
    let b = byte_value(vm, arg(args, 1))?;
    ba_extend_bytes(vm, ba, &[b])?;
    Ok(Value::NONE)
}

fn m_extend(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(ba) = bytearray_obj(arg(args, 0)) else {
        return Err(vm.type_error("expected a bytearray"));
    };
    let data: Vec<u8> = match bytes_like(vm, arg(args, 1))? {
        Some(d) => bytes_vec(d.bytes()),
        None => {
            if s::is_str(arg(args, 1)) {
                return Err(vm.type_error("expected an iterable of ints, not str"));
            }
            let it = vm.get_iter(arg(args, 1))?;
            let mut out = Vec::new();
            while let Some(x) = vm.iter_next(it)? {
                push_byte(&mut out, byte_value(vm, x)?);
            }
            out
        }
    };
    ba_extend_bytes(vm, ba, &data)?;
    Ok(Value::NONE)
}
