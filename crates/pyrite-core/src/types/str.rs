//! `str` (UTF-8 text; interned strings are qstr values) and the shared string layout, plus the
//! text algorithms shared by `str`, `bytes` and `bytearray` (their methods are the same
//! builtin functions, which dispatch on the kind of `self`).
//!
//! # Representation
//! A str is either a qstr `Value` (interned: identifiers, attribute names, constants the
//! compiler interned) or a [`StrObj`] in the GC heap: a [`StrHead`] (type, cached hash, number
//! of code points) followed by the UTF-8 bytes inline. Both kinds behave identically: equality
//! compares bytes, hashing is [`qstr::hash_bytes`] of the bytes for both (so a dict can hold
//! either), ordering compares bytes (which for UTF-8 is code-point order). Indexing, slicing
//! and `len` count code points; when `char_len == byte length` the text is ASCII and every
//! index is a byte offset (the fast path), otherwise positions are found by scanning.
//! `bytes` objects share the layout (`char_len` = byte length).
//!
//! # Interning policy (run-time strings)
//! - Results of operations (concatenation, slicing, join, methods, formatting, decoding) are
//!   new str objects and are never looked up in the qstr pool, except:
//!   the empty string is the qstr `''`, and one-character ASCII results are interned qstrs
//!   (as MicroPython does), so iterating and indexing ASCII text never allocates.
//! - [`new_str`] (text coming from Rust: messages, names) reuses an existing qstr with the same
//!   text if there is one, and otherwise makes an object; it never adds to the pool.
//! - Code that needs a name (getattr/setattr/keyword arguments with a str object) interns it
//!   itself with `vm.intern`.
//!
//! Deliberate differences from CPython: surrogate code points (U+D800..U+DFFF) cannot be
//! stored (`chr(0xd800)` raises ValueError); `repr` treats as non-printable the C0/C1 controls,
//! non-ASCII spaces, format characters, surrogates, private-use and noncharacters (a
//! table-free approximation of CPython's `isprintable`).

use super::arg;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use core::sync::atomic::{AtomicU32, Ordering};
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, BinOp, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::{hash_bytes, Qstr, Q};
use crate::value::{Gc, ObjHeader, TypeRef, Value, VarObj};
use crate::vm::Vm;
use crate::{fixed_dict, fnv, PyResult};

/// Head of a str/bytes object; the bytes follow inline.
#[repr(C)]
pub struct StrHead {
    pub hdr: ObjHeader,
    /// Cached hash (0 = not computed yet).
    pub hash: Cell<usize>,
    /// Number of characters (code points) for str; byte length for bytes.
    pub char_len: usize,
}

/// A str or bytes object.
pub type StrObj = VarObj<StrHead, u8>;

pub static STR_TYPE: Type = Type {
    make_new: Some(str_make_new),
    print: Some(str_print),
    unary_op: Some(str_unary_op),
    binary_op: Some(str_binary_op),
    subscr: Some(str_subscr),
    getiter: Some(str_getiter),
    buffer: Some(str_buffer),
    ..Type::new(Q::str)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&STR_LOCALS);

/// The text of a str value (qstr or str object), borrowed from a handle the caller keeps.
pub enum StrData {
    Static(&'static str),
    Obj(Gc<StrObj>),
}

impl StrData {
    #[inline]
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            StrData::Static(s) => s.as_bytes(),
            StrData::Obj(o) => o.items(),
        }
    }
    /// The text. str objects always hold valid UTF-8 (checked where they are made).
    pub fn as_str(&self) -> &str {
        match self {
            StrData::Static(s) => s,
            StrData::Obj(o) => core::str::from_utf8(o.items()).unwrap_or(""),
        }
    }
    /// Number of code points.
    pub fn char_len(&self) -> usize {
        match self {
            StrData::Static(s) => char_count(s.as_bytes()),
            StrData::Obj(o) => o.head.char_len,
        }
    }
}

/// A str object handle if `v` is a str object (not a qstr).
#[inline]
pub fn str_obj(v: Value) -> Option<Gc<StrObj>> {
    let h = v.as_obj()?;
    if h.ty.get().is(&STR_TYPE) {
        Some(crate::value::Gc::from_raw(core::ptr::NonNull::new(
            h.as_ptr() as *mut StrObj,
        )?))
    } else {
        None
    }
}

/// True if `v` is a str (qstr or str object).
#[inline]
pub fn is_str(v: Value) -> bool {
    v.is_qstr() || str_obj(v).is_some()
}

/// The text of `v` if it is a str (qstr or object).
#[inline]
pub fn str_data(vm: &Vm, v: Value) -> Option<StrData> {
    if let Some(q) = v.as_qstr() {
        return Some(StrData::Static(vm.qstr_str(q)));
    }
    str_obj(v).map(StrData::Obj)
}

/// True if `v` is a str object whose text equals qstr `q`.
pub fn value_eq_qstr(vm: &Vm, v: Value, q: Qstr) -> bool {
    match str_obj(v) {
        Some(s) => s.items() == vm.qstr_str(q).as_bytes(),
        None => {
            // An instance of a user subclass of str compares by its text.
            if v.type_of().has_flag(crate::obj::flags::USER_CLASS) {
                if let Some(n) = crate::types::class::native_self(v, &STR_TYPE) {
                    return n == Value::qstr(q) || (n != v && value_eq_qstr(vm, n, q));
                }
            }
            false
        }
    }
}

/// The hash of a str value (qstr or object; equal texts hash equally).
#[inline]
pub fn str_hash(vm: &Vm, v: Value) -> Option<usize> {
    if let Some(q) = v.as_qstr() {
        return Some(vm.qstrs.hash(q));
    }
    str_obj(v).map(|o| obj_hash(&o))
}

/// The (cached) hash of a str object.
#[inline]
pub fn obj_hash(o: &StrObj) -> usize {
    let h = o.head.hash.get();
    if h != 0 {
        return h;
    }
    let h = hash_bytes(o.items());
    o.head.hash.set(h);
    h
}

/// Intern a str value's text (qstr values are returned as they are).
pub fn str_to_qstr(vm: &mut Vm, v: Value) -> Option<Qstr> {
    if let Some(q) = v.as_qstr() {
        return Some(q);
    }
    let o = str_obj(v)?;
    let s = core::str::from_utf8(o.items()).ok()?;
    Some(vm.intern(s))
}

// ---------------------------------------------------------------------------------------------
// Construction

#[inline]
fn str_head(char_len: usize) -> StrHead {
    StrHead {
        hdr: ObjHeader::new(&STR_TYPE),
        hash: Cell::new(0),
        char_len,
    }
}

/// Make a str value from text: a qstr if already interned, otherwise a new str object.
pub fn new_str(vm: &mut Vm, s: &str) -> PyResult<Value> {
    if s.len() <= 64 {
        if let Some(q) = vm.qstrs.find(s) {
            return Ok(Value::qstr(q));
        }
    }
    let head = str_head(char_count(s.as_bytes()));
    Ok(vm.alloc_var(head, s.as_bytes())?.value())
}

/// Make a str from bytes that must be valid UTF-8 (UnicodeError otherwise).
pub fn new_str_from_utf8(vm: &mut Vm, b: &[u8]) -> PyResult<Value> {
    if core::str::from_utf8(b).is_err() {
        return Err(vm.new_exception(&crate::types::exception::UNICODE_ERROR, "invalid UTF-8"));
    }
    new_str_unchecked(vm, b, None)
}

/// Make a str result from bytes known to be valid UTF-8 (`char_len` if known). Follows the
/// interning policy in the module docs.
pub(crate) fn new_str_unchecked(vm: &mut Vm, b: &[u8], char_len: Option<usize>) -> PyResult<Value> {
    match b.len() {
        0 => return Ok(Value::qstr(Q::EMPTY)),
        1 if b[0] < 0x80 => return Ok(one_ascii(vm, b[0])),
        _ => {}
    }
    let n = match char_len {
        Some(n) => n,
        None => char_count(b),
    };
    Ok(vm.alloc_var(str_head(n), b)?.value())
}

/// Qstr numbers of the one-character ASCII strings, remembered across calls. Shared by every
/// Vm in the process, so each hit is checked against the Vm's own pool (a different Vm may
/// number its run-time qstrs differently; then the entry is simply replaced).
static ONE_CHAR: [AtomicU32; 128] = [const { AtomicU32::new(0) }; 128];

/// The interned one-character string for an ASCII byte.
#[inline]
fn one_ascii(vm: &mut Vm, c: u8) -> Value {
    let c = c & 0x7f;
    let slot = &ONE_CHAR[c as usize];
    let q = Qstr(slot.load(Ordering::Relaxed));
    if vm.qstr_str(q).as_bytes() == [c] {
        return Value::qstr(q);
    }
    let buf = [c];
    let s = core::str::from_utf8(&buf).unwrap_or("");
    let q = vm.intern(s);
    slot.store(q.0, Ordering::Relaxed);
    Value::qstr(q)
}

/// A str (or bytes/bytearray, per `kind`) made of `parts` concatenated, in one allocation.
pub(crate) fn new_from_parts(vm: &mut Vm, kind: Kind, parts: &[&[u8]]) -> PyResult<Value> {
    new_from_parts_n(vm, kind, parts, None)
}

/// As [`new_from_parts`], with the number of characters if the caller knows it.
pub(crate) fn new_from_parts_n(
    vm: &mut Vm,
    kind: Kind,
    parts: &[&[u8]],
    chars: Option<usize>,
) -> PyResult<Value> {
    let mut total: usize = 0;
    for p in parts {
        total = match total.checked_add(p.len()) {
            Some(t) => t,
            None => return Err(vm.memory_error()),
        };
    }
    let fill = |out: &mut [u8]| {
        let mut off = 0;
        for p in parts {
            if let Some(dst) = out.get_mut(off..off + p.len()) {
                dst.copy_from_slice(p);
            }
            off += p.len();
        }
    };
    match kind {
        Kind::Str => {
            if total <= 1 {
                let mut one = [0u8; 1];
                fill(&mut one[..total]);
                return new_str_unchecked(vm, &one[..total], None);
            }
            let chars = match chars {
                Some(n) => n,
                None => parts.iter().map(|p| char_count(p)).sum(),
            };
            Ok(vm.alloc_var_bytes(str_head(chars), total, fill)?.value())
        }
        Kind::Bytes => Ok(vm
            .alloc_var_bytes(crate::types::bytes::bytes_head(total), total, fill)?
            .value()),
        Kind::ByteArray => {
            let mut v = Vec::new();
            if v.try_reserve_exact(total).is_err() {
                return Err(vm.memory_error());
            }
            v.resize(total, 0);
            fill(&mut v);
            crate::types::bytes::new_bytearray(vm, &v)
        }
    }
}

/// A new value of `kind` holding `b` (for str, `b` must be valid UTF-8).
pub(crate) fn new_kind(vm: &mut Vm, kind: Kind, b: &[u8]) -> PyResult<Value> {
    match kind {
        Kind::Str => new_str_unchecked(vm, b, None),
        Kind::Bytes => crate::types::bytes::new_bytes(vm, b),
        Kind::ByteArray => crate::types::bytes::new_bytearray(vm, b),
    }
}

// ---------------------------------------------------------------------------------------------
// Uniform access to str / bytes / bytearray data

/// Which of the three text-like types a value is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Str,
    Bytes,
    ByteArray,
}

/// Bytes of a str/bytes/bytearray value: borrowed from a static qstr or a live object the
/// caller holds, or copied (bytearray and other buffers, whose storage may move).
pub enum Buf {
    Static(&'static [u8]),
    Obj(Gc<StrObj>),
    Owned(Vec<u8>),
}

impl Buf {
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        match self {
            Buf::Static(s) => s,
            Buf::Obj(o) => o.items(),
            Buf::Owned(v) => v,
        }
    }
}

/// A str/bytes/bytearray value's kind, bytes and length in characters.
pub struct SData {
    pub kind: Kind,
    pub buf: Buf,
    pub chars: usize,
}

impl SData {
    #[inline]
    pub fn bytes(&self) -> &[u8] {
        self.buf.bytes()
    }
    /// True if every character is one byte (always for bytes).
    #[inline]
    pub fn ascii(&self) -> bool {
        self.chars == self.bytes().len()
    }
}

/// The data of a str, bytes or bytearray value.
pub fn sdata(vm: &Vm, v: Value) -> Option<SData> {
    if let Some(q) = v.as_qstr() {
        let s = vm.qstr_str(q).as_bytes();
        return Some(SData {
            kind: Kind::Str,
            buf: Buf::Static(s),
            chars: char_count(s),
        });
    }
    let h = v.as_obj()?;
    let t = h.ty.get();
    if t.is(&STR_TYPE) {
        let o = str_obj(v)?;
        let chars = o.head.char_len;
        return Some(SData {
            kind: Kind::Str,
            buf: Buf::Obj(o),
            chars,
        });
    }
    if t.is(&crate::types::bytes::BYTES_TYPE) {
        let o = crate::types::bytes::bytes_obj(v)?;
        let n = o.len();
        return Some(SData {
            kind: Kind::Bytes,
            buf: Buf::Obj(o),
            chars: n,
        });
    }
    if let Some(ba) = crate::types::bytes::bytearray_obj(v) {
        let data = ba.to_vec();
        let n = data.len();
        return Some(SData {
            kind: Kind::ByteArray,
            buf: Buf::Owned(data),
            chars: n,
        });
    }
    None
}

/// The data of `v` or a TypeError naming the method's expectations. Instances of user
/// subclasses of str/bytes/bytearray give their native part.
fn self_data(vm: &mut Vm, v: Value) -> PyResult<SData> {
    if let Some(d) = sdata(vm, v) {
        return Ok(d);
    }
    let native = if v.type_of().has_flag(flags::USER_CLASS) {
        crate::types::class::native_part(v)
    } else {
        Value::NULL
    };
    match sdata(vm, native) {
        Some(d) => Ok(d),
        None => {
            let m = format!(
                "descriptor requires a 'str' object but received a '{}'",
                vm.type_name(v)
            );
            Err(vm.type_error(&m))
        }
    }
}

/// An argument that must be of a kind compatible with `self_kind` (str with str; bytes-like
/// with bytes/bytearray/any buffer).
pub(crate) fn arg_data(vm: &mut Vm, self_kind: Kind, v: Value) -> PyResult<SData> {
    let v = if v.type_of().has_flag(flags::USER_CLASS) {
        let n = crate::types::class::native_part(v);
        if n.is_null() {
            v
        } else {
            n
        }
    } else {
        v
    };
    if let Some(d) = sdata(vm, v) {
        if (d.kind == Kind::Str) == (self_kind == Kind::Str) {
            return Ok(d);
        }
    } else if self_kind != Kind::Str {
        if let Some(b) = crate::obj::with_buffer_read(vm, v, bytes_vec)? {
            let n = b.len();
            return Ok(SData {
                kind: Kind::Bytes,
                buf: Buf::Owned(b),
                chars: n,
            });
        }
    }
    Err(bad_implicit(vm, v, self_kind))
}

/// The needle of find/index/count: like [`arg_data`], but bytes-like self also accepts an int
/// (one byte).
fn needle_data(vm: &mut Vm, self_kind: Kind, v: Value) -> PyResult<SData> {
    if self_kind != Kind::Str && is_int(v) {
        let i = int_arg(vm, v)?;
        if !(0..256).contains(&i) {
            return Err(vm.value_error("byte must be in range(0, 256)"));
        }
        return Ok(SData {
            kind: Kind::Bytes,
            buf: Buf::Owned(alloc::vec![i as u8]),
            chars: 1,
        });
    }
    arg_data(vm, self_kind, v)
}

#[cold]
pub(crate) fn bad_implicit(vm: &mut Vm, v: Value, kind: Kind) -> crate::PyErr {
    let m = format!(
        "can't convert '{}' object to {} implicitly",
        vm.type_name(v),
        if kind == Kind::Str { "str" } else { "bytes" }
    );
    vm.type_error(&m)
}

// ---------------------------------------------------------------------------------------------
// Small helpers

#[inline]
fn is_cont(b: u8) -> bool {
    b & 0xc0 == 0x80
}

/// Number of code points in UTF-8 bytes.
#[inline]
pub fn char_count(b: &[u8]) -> usize {
    b.iter().filter(|&&c| !is_cont(c)).count()
}

/// Byte offset of character `ci` (the length if past the end).
#[inline]
pub(crate) fn char_to_byte(b: &[u8], ascii: bool, ci: usize) -> usize {
    if ascii {
        return ci.min(b.len());
    }
    let mut n = 0;
    for (i, &c) in b.iter().enumerate() {
        if !is_cont(c) {
            if n == ci {
                return i;
            }
            n += 1;
        }
    }
    b.len()
}

/// Character index of byte offset `bi`.
#[inline]
pub(crate) fn byte_to_char(b: &[u8], ascii: bool, bi: usize) -> usize {
    if ascii {
        bi
    } else {
        char_count(b.get(..bi).unwrap_or(b))
    }
}

/// An int argument as isize (small ints, bools, big ints that fit; OverflowError otherwise).
#[inline]
pub(crate) fn int_arg(vm: &mut Vm, v: Value) -> PyResult<isize> {
    crate::types::slice::int_value(vm, v)
}

/// True for int-like values (small ints, bools, big ints).
pub(crate) fn is_int(v: Value) -> bool {
    crate::types::int::is_int(v)
}

/// An optional index argument: absent or None gives `None`; big ints clamp.
fn opt_int(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<isize>> {
    match v {
        None => Ok(None),
        Some(v) if v.is_none() || v.is_null() => Ok(None),
        Some(&v) => match crate::types::slice::int_value_maybe(vm, v) {
            Ok(Some(i)) => Ok(Some(i)),
            Ok(None) => Err(
                vm.type_error("slice indices must be integers or None or have an __index__ method")
            ),
            Err(_) => Ok(Some(if int_is_negative(vm, v) {
                isize::MIN
            } else {
                isize::MAX
            })),
        },
    }
}

fn int_is_negative(vm: &mut Vm, v: Value) -> bool {
    let zero = Value::small_int_unchecked(0);
    matches!(vm.binary_op(BinOp::Less, v, zero), Ok(r) if r == Value::TRUE)
}

/// `start`/`end` arguments of find/count/startswith...: adjusted like slice bounds. Returns
/// None when the range is empty in a way that means "no match even for ''" (start > len).
fn range_args(
    vm: &mut Vm,
    len: usize,
    start: Option<&Value>,
    end: Option<&Value>,
) -> PyResult<Option<(usize, usize)>> {
    let l = len as isize;
    let s = match opt_int(vm, start)? {
        None => 0,
        Some(s) if s < 0 => (s.saturating_add(l)).max(0),
        Some(s) => s,
    };
    let e = match opt_int(vm, end)? {
        None => l,
        Some(e) if e < 0 => (e.saturating_add(l)).max(0),
        Some(e) => e.min(l),
    };
    if s > l || s > e {
        return Ok(None);
    }
    Ok(Some((s as usize, e as usize)))
}

/// Slice indices (CPython's semantics): (start, stop, step) and the number of items.
pub fn slice_indices(
    vm: &mut Vm,
    slice: Value,
    len: usize,
) -> PyResult<(isize, isize, isize, usize)> {
    let (a, b, c) = crate::types::slice::slice_indices(vm, slice, len)?;
    Ok((a, b, c, crate::types::slice::slice_len(a, b, c)))
}

/// True if `v` is a slice object.
#[inline]
pub fn is_slice(v: Value) -> bool {
    v.downcast::<crate::types::slice::SliceObj>().is_some()
}

/// An index into a sequence of `len` items (negative counts from the end). `what` names the
/// type for the IndexError ("string", "bytes"...).
#[inline]
pub(crate) fn seq_index(vm: &mut Vm, idx: Value, len: usize, what: &str) -> PyResult<usize> {
    crate::types::slice::seq_index(vm, idx, len, what)
}

#[inline]
fn is_ws_byte(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

#[inline]
fn is_space_char(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Iterate (byte offset, char, byte length) over UTF-8 bytes; bytes kinds give one char per
/// byte (as Latin-1 would).
fn chars_of(b: &[u8], kind: Kind) -> impl Iterator<Item = (usize, char, usize)> + '_ {
    let mut i = 0;
    core::iter::from_fn(move || {
        let c0 = *b.get(i)?;
        let start = i;
        if kind != Kind::Str || c0 < 0x80 {
            i += 1;
            return Some((start, c0 as char, 1));
        }
        let (n, init) = if c0 >= 0xf0 {
            (4, (c0 & 0x07) as u32)
        } else if c0 >= 0xe0 {
            (3, (c0 & 0x0f) as u32)
        } else {
            (2, (c0 & 0x1f) as u32)
        };
        let mut cp = init;
        let mut k = 1;
        while k < n {
            match b.get(i + k) {
                Some(&c) if is_cont(c) => cp = (cp << 6) | (c & 0x3f) as u32,
                _ => break,
            }
            k += 1;
        }
        i += k;
        Some((start, char::from_u32(cp).unwrap_or('\u{fffd}'), k))
    })
}

/// Decode the character at byte offset `i` of valid UTF-8 and its byte length.
#[inline]
fn char_at(b: &[u8], i: usize) -> (char, usize) {
    chars_of(b.get(i..).unwrap_or(&[]), Kind::Str)
        .next()
        .map(|(_, c, n)| (c, n))
        .unwrap_or(('\0', 1))
}

/// Find `n` in `h` (first occurrence).
pub(crate) fn find_bytes(h: &[u8], n: &[u8]) -> Option<usize> {
    let Some((&first, rest)) = n.split_first() else {
        return Some(0);
    };
    if n.len() > h.len() {
        return None;
    }
    let last_start = h.len() - n.len();
    let mut i = 0;
    while i <= last_start {
        let p = h[i..=last_start].iter().position(|&c| c == first)?;
        let j = i + p;
        if h.get(j + 1..j + n.len()) == Some(rest) {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

/// Find the last occurrence of `n` in `h`.
pub(crate) fn rfind_bytes(h: &[u8], n: &[u8]) -> Option<usize> {
    if n.is_empty() {
        return Some(h.len());
    }
    if n.len() > h.len() {
        return None;
    }
    let mut j = h.len() - n.len() + 1;
    while j > 0 {
        j -= 1;
        if h.get(j..j + n.len()) == Some(n) {
            return Some(j);
        }
    }
    None
}

fn small(n: usize) -> Value {
    Value::small_int(n as isize).unwrap_or(Value::small_int_unchecked(0))
}

fn small_i(n: isize) -> Value {
    Value::small_int(n).unwrap_or(Value::small_int_unchecked(0))
}

// ---------------------------------------------------------------------------------------------
// Slots

fn str_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut a: [Value; 3] = [Value::NULL; 3];
    if args.len() > 3 {
        return Err(vm.type_error("function expected at most 3 arguments"));
    }
    a[..args.len()].copy_from_slice(args);
    for p in kw.chunks_exact(2) {
        let idx = if p[0] == Value::qstr(Q::object) {
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
    if a[0].is_null() {
        return Ok(Value::qstr(Q::EMPTY));
    }
    if a[1].is_null() && a[2].is_null() {
        if is_str(a[0]) {
            return Ok(a[0]);
        }
        let s = vm.str_string(a[0])?;
        return new_str_unchecked(vm, s.as_bytes(), None);
    }
    // str(bytes_like, encoding[, errors]): decode.
    let data = match sdata(vm, a[0]) {
        Some(d) if d.kind != Kind::Str => bytes_vec(d.bytes()),
        Some(_) => return Err(vm.type_error("decoding str is not supported")),
        None => match crate::obj::with_buffer_read(vm, a[0], bytes_vec)? {
            Some(b) => b,
            None => {
                let m = format!(
                    "decoding to str: need a bytes-like object, {} found",
                    vm.type_name(a[0])
                );
                return Err(vm.type_error(&m));
            }
        },
    };
    decode_bytes(vm, &data, a[1], a[2])
}

/// Decode bytes to str: `encoding` (NULL = utf-8) and `errors` (NULL = strict).
pub(crate) fn decode_bytes(
    vm: &mut Vm,
    b: &[u8],
    encoding: Value,
    errors: Value,
) -> PyResult<Value> {
    let ascii = if encoding.is_null() {
        false
    } else {
        let e = match str_data(vm, encoding) {
            Some(d) => String::from(d.as_str()),
            None => return Err(bad_implicit(vm, encoding, Kind::Str)),
        };
        match e.as_str() {
            "utf-8" | "utf8" => false,
            "ascii" => true,
            _ => {
                let m = format!("unknown encoding: {}", e);
                return Err(vm.new_exception(&crate::types::exception::LOOKUP_ERROR, &m));
            }
        }
    };
    let valid = if ascii {
        b.is_ascii()
    } else {
        core::str::from_utf8(b).is_ok()
    };
    if valid {
        return new_str_unchecked(vm, b, None);
    }
    let mode = if errors.is_null() {
        Q::strict
    } else {
        match str_to_qstr(vm, errors) {
            Some(q) => q,
            None => return Err(bad_implicit(vm, errors, Kind::Str)),
        }
    };
    if mode != Q::replace && mode != Q::ignore {
        return Err(vm.new_exception(&crate::types::exception::UNICODE_ERROR, ""));
    }
    let replace = mode == Q::replace;
    let mut out = String::new();
    if ascii {
        for &c in b {
            if c < 0x80 {
                out.push(c as char);
            } else if replace {
                out.push('\u{fffd}');
            }
        }
    } else {
        let mut rest = b;
        loop {
            match core::str::from_utf8(rest) {
                Ok(s) => {
                    out.push_str(s);
                    break;
                }
                Err(e) => {
                    let good = e.valid_up_to();
                    out.push_str(core::str::from_utf8(&rest[..good]).unwrap_or(""));
                    if replace {
                        out.push('\u{fffd}');
                    }
                    let skip = e.error_len().unwrap_or(rest.len() - good);
                    rest = rest.get(good + skip.max(1)..).unwrap_or(&[]);
                    if rest.is_empty() {
                        break;
                    }
                }
            }
        }
    }
    new_str_unchecked(vm, out.as_bytes(), None)
}

fn str_print(vm: &mut Vm, v: Value, kind: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(d) = str_data(vm, v) else {
        return Ok(());
    };
    if kind == PrintKind::Str {
        push_str(out, d.as_str());
    } else {
        repr_str_into(d.as_str(), out);
    }
    Ok(())
}

/// Append the repr of text `s` (quotes and escapes as CPython chooses them).
pub fn repr_str_into(s: &str, out: &mut String) {
    let q = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.reserve(s.len() + 2);
    out.push(q);
    for c in s.chars() {
        match c {
            '\\' => push_str(out, "\\\\"),
            '\n' => push_str(out, "\\n"),
            '\r' => push_str(out, "\\r"),
            '\t' => push_str(out, "\\t"),
            c if c == q => {
                push_char(out, '\\');
                push_char(out, c)
            }
            ' '..='~' => push_char(out, c),
            c if is_printable(c) => push_char(out, c),
            c => {
                let n = c as u32;
                let _ = if n < 0x100 {
                    core::fmt::Write::write_fmt(out, format_args!("\\x{:02x}", n))
                } else if n < 0x10000 {
                    core::fmt::Write::write_fmt(out, format_args!("\\u{:04x}", n))
                } else {
                    core::fmt::Write::write_fmt(out, format_args!("\\U{:08x}", n))
                };
            }
        }
    }
    out.push(q);
}

/// Approximation of CPython's `str.isprintable` for one non-ASCII-printable character.
fn is_printable(c: char) -> bool {
    let n = c as u32;
    if n < 0x20 || (0x7f..=0xa0).contains(&n) || n == 0xad {
        return false;
    }
    if n < 0x100 {
        return true;
    }
    !matches!(n,
        0x034f | 0x061c | 0x115f | 0x1160 | 0x1680 | 0x180e | 0x2000..=0x200f | 0x2028..=0x202f
        | 0x205f..=0x206f | 0x3000 | 0x3164 | 0xd800..=0xf8ff | 0xfdd0..=0xfdef | 0xfeff
        | 0xfff0..=0xfffb | 0xfffe | 0xffff | 0x1d173..=0x1d17a | 0xe0000..=0xe0fff
        | 0xf0000..=0x10ffff)
        && (n & 0xfffe) != 0xfffe
}

fn str_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(d) = str_data(vm, v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(!d.as_bytes().is_empty()),
        UnaryOp::Len => small(d.char_len()),
        UnaryOp::Hash => small(str_hash(vm, v).unwrap_or(1)),
        UnaryOp::Sizeof => small(d.as_bytes().len() + core::mem::size_of::<StrHead>() + 8),
        _ => Value::NULL,
    })
}

/// Equality of two str values (any mix of qstr and object).
#[inline]
pub fn str_eq(vm: &Vm, a: Value, b: Value) -> Option<bool> {
    if a == b {
        return Some(true);
    }
    if a.is_qstr() && b.is_qstr() {
        return Some(false);
    }
    let (da, db) = (str_data(vm, a)?, str_data(vm, b)?);
    let (x, y) = (da.as_bytes(), db.as_bytes());
    if x.len() != y.len() {
        return Some(false);
    }
    if let (StrData::Obj(p), StrData::Obj(q)) = (&da, &db) {
        let (hp, hq) = (p.head.hash.get(), q.head.hash.get());
        if hp != 0 && hq != 0 && hp != hq {
            return Some(false);
        }
    }
    Some(x == y)
}

/// `v`, or the native str part of an instance of a user subclass of str.
#[inline]
fn native_or_self(v: Value) -> Value {
    if v.is_obj() && v.type_of().has_flag(flags::USER_CLASS) {
        let n = crate::types::class::native_part(v);
        if !n.is_null() {
            return n;
        }
    }
    v
}

fn str_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let rhs = native_or_self(rhs);
    match op {
        BinOp::Equal => {
            return Ok(match str_eq(vm, lhs, rhs) {
                Some(b) => Value::from_bool(b),
                None => Value::NOT_IMPLEMENTED,
            })
        }
        BinOp::Modulo | BinOp::InplaceModulo => {
            return crate::types::strfmt::str_modulo(vm, lhs, rhs);
        }
        BinOp::Multiply | BinOp::InplaceMultiply | BinOp::ReverseMultiply => {
            return seq_repeat(vm, lhs, rhs);
        }
        _ => {}
    }
    let Some(a) = str_data(vm, lhs) else {
        return Ok(Value::NULL);
    };
    if op == BinOp::Contains {
        let Some(b) = str_data(vm, rhs) else {
            return Err(bad_implicit(vm, rhs, Kind::Str));
        };
        return Ok(Value::from_bool(
            find_bytes(a.as_bytes(), b.as_bytes()).is_some(),
        ));
    }
    let Some(b) = str_data(vm, rhs) else {
        return Ok(Value::NULL);
    };
    let (x, y) = (a.as_bytes(), b.as_bytes());
    Ok(match op {
        BinOp::Add | BinOp::InplaceAdd => {
            if y.is_empty() {
                return Ok(lhs);
            }
            if x.is_empty() {
                return Ok(rhs);
            }
            let n = a.char_len() + b.char_len();
            new_from_parts_n(vm, Kind::Str, &[x, y], Some(n))?
        }
        BinOp::Less => Value::from_bool(x < y),
        BinOp::More => Value::from_bool(x > y),
        BinOp::LessEqual => Value::from_bool(x <= y),
        BinOp::MoreEqual => Value::from_bool(x >= y),
        _ => Value::NULL,
    })
}

/// `seq * n` for str/bytes/bytearray (`lhs` is the sequence).
pub(crate) fn seq_repeat(vm: &mut Vm, lhs: Value, rhs: Value) -> PyResult<Value> {
    if !is_int(rhs) {
        return Ok(Value::NULL);
    }
    let Some(d) = sdata(vm, lhs) else {
        return Ok(Value::NULL);
    };
    let n = int_arg(vm, rhs)?.max(0) as usize;
    let b = d.bytes();
    if n == 1 && d.kind != Kind::ByteArray {
        return Ok(lhs);
    }
    let Some(total) = b.len().checked_mul(n) else {
        return Err(vm.memory_error());
    };
    let fill = |out: &mut [u8]| {
        if b.is_empty() {
            return;
        }
        let mut done = b.len().min(out.len());
        out[..done].copy_from_slice(&b[..done]);
        while done < out.len() {
            let k = done.min(out.len() - done);
            out.copy_within(..k, done);
            done += k;
        }
    };
    match d.kind {
        Kind::Str => {
            if total <= 1 {
                return new_str_unchecked(vm, &b[..total], None);
            }
            let chars = d.chars * n;
            Ok(vm.alloc_var_bytes(str_head(chars), total, fill)?.value())
        }
        Kind::Bytes => Ok(vm
            .alloc_var_bytes(crate::types::bytes::bytes_head(total), total, fill)?
            .value()),
        Kind::ByteArray => {
            let mut v = Vec::new();
            if v.try_reserve_exact(total).is_err() {
                return Err(vm.memory_error());
            }
            v.resize(total, 0);
            fill(&mut v);
            crate::types::bytes::new_bytearray(vm, &v)
        }
    }
}

fn str_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    if value != Value::SENTINEL {
        return Ok(Value::NULL);
    }
    let Some(d) = sdata(vm, obj) else {
        return Ok(Value::NULL);
    };
    let b = d.bytes();
    if is_slice(index) {
        return slice_of(vm, &d, index);
    }
    let i = seq_index(vm, index, d.chars, "string")?;
    if d.ascii() {
        return Ok(one_ascii(vm, b.get(i).copied().unwrap_or(0)));
    }
    let off = char_to_byte(b, false, i);
    let (c, n) = char_at(b, off);
    if n == 1 {
        return Ok(one_ascii(vm, c as u8));
    }
    new_str_unchecked(vm, b.get(off..off + n).unwrap_or(&[]), Some(1))
}

/// `s[slice]` for str/bytes/bytearray data.
pub(crate) fn slice_of(vm: &mut Vm, d: &SData, index: Value) -> PyResult<Value> {
    let b = d.bytes();
    let (start, _stop, step, n) = slice_indices(vm, index, d.chars)?;
    if step == 1 {
        let s = start.max(0) as usize;
        let e = s + n;
        let (bs, be) = if d.ascii() {
            (s, e)
        } else {
            let bs = char_to_byte(b, false, s);
            let be = bs + char_to_byte(b.get(bs..).unwrap_or(&[]), false, n);
            (bs, be)
        };
        let part = b.get(bs..be).unwrap_or(&[]);
        return match d.kind {
            Kind::Str => new_str_unchecked(vm, part, Some(n)),
            k => new_kind(vm, k, part),
        };
    }
    let mut out: Vec<u8> = Vec::new();
    if d.ascii() {
        let mut i = start;
        for _ in 0..n {
            if let Some(&c) = b.get(i as usize) {
                push_byte(&mut out, c);
            }
            i += step;
        }
        return new_kind(vm, d.kind, &out);
    }
    // Non-ASCII str: index the characters.
    let offs: Vec<(usize, usize)> = chars_of(b, Kind::Str).map(|(o, _, l)| (o, l)).collect();
    let mut i = start;
    for _ in 0..n {
        if let Some(&(o, l)) = offs.get(i as usize) {
            push_bytes(&mut out, b.get(o..o + l).unwrap_or(&[]));
        }
        i += step;
    }
    new_str_unchecked(vm, &out, Some(n))
}

fn str_buffer(_vm: &mut Vm, v: Value, fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    if fl != BufferFlags::Read {
        return Ok(None);
    }
    let (ptr, len) = if let Some(q) = v.as_qstr() {
        let s = _vm.qstr_str(q);
        (s.as_ptr(), s.len())
    } else if let Some(o) = str_obj(v) {
        (o.items().as_ptr(), o.len())
    } else {
        return Ok(None);
    };
    Ok(Some(BufferInfo {
        ptr: ptr as *mut u8,
        len,
        typecode: b'B',
    }))
}

// ---------------------------------------------------------------------------------------------
// Iterators (str yields 1-char strings; bytes/bytearray yield ints)

#[repr(C)]
pub struct StrIterObj {
    pub hdr: ObjHeader,
    pub seq: Value,
    /// Byte offset of the next character (str) or next index (bytes-like).
    pub pos: Cell<usize>,
}

crate::py_object!(StrIterObj, STR_ITER_TYPE);

pub static STR_ITER_TYPE: Type = Type {
    iternext: Some(str_iternext),
    getiter: Some(iter_self),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

/// The iterator of bytes/bytearray (yields ints); shares [`StrIterObj`]'s layout.
pub static BYTES_ITER_TYPE: Type = Type {
    iternext: Some(bytes_iternext),
    getiter: Some(iter_self),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn iter_self(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

fn str_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(StrIterObj {
            hdr: ObjHeader::new(&STR_ITER_TYPE),
            seq: v,
            pos: Cell::new(0),
        })?
        .value())
}

/// An iterator over the ints of a bytes-like value.
pub(crate) fn bytes_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let o = vm.alloc_obj(StrIterObj {
        hdr: ObjHeader::new(&BYTES_ITER_TYPE),
        seq: v,
        pos: Cell::new(0),
    })?;
    Ok(o.value())
}

fn iter_obj(v: Value) -> Option<Gc<StrIterObj>> {
    v.downcast_layout::<StrIterObj>()
}

// SAFETY: StrIterObj is #[repr(C)] with the header first and needs no Drop; both iterator
// types (and only they) are given this layout, by str_getiter and bytes_getiter.
unsafe impl crate::value::ObjLayout for StrIterObj {
    fn has_layout(t: TypeRef) -> bool {
        t.is(&STR_ITER_TYPE) || t.is(&BYTES_ITER_TYPE)
    }
}

fn str_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(it) = iter_obj(v) else {
        return Ok(Value::STOP);
    };
    let Some(d) = str_data(vm, it.seq) else {
        return Ok(Value::STOP);
    };
    let b = d.as_bytes();
    let pos = it.pos.get();
    let Some(&c0) = b.get(pos) else {
        return Ok(Value::STOP);
    };
    if c0 < 0x80 {
        it.pos.set(pos + 1);
        return Ok(one_ascii(vm, c0));
    }
    let (_, n) = char_at(b, pos);
    it.pos.set(pos + n);
    let part: Vec<u8> = b.get(pos..pos + n).unwrap_or(&[]).to_vec();
    new_str_unchecked(vm, &part, Some(1))
}

fn bytes_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(it) = iter_obj(v) else {
        return Ok(Value::STOP);
    };
    let pos = it.pos.get();
    match crate::types::bytes::byte_at(vm, it.seq, pos) {
        Some(c) => {
            it.pos.set(pos + 1);
            Ok(Value::small_int_unchecked(c as isize))
        }
        None => Ok(Value::STOP),
    }
}

// ---------------------------------------------------------------------------------------------
// chr / ord

/// `chr(i)`.
pub fn builtin_chr(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let i = int_arg(vm, v)?;
    let c = u32::try_from(i).ok().and_then(char::from_u32);
    match c {
        Some(c) => {
            let mut buf = [0u8; 4];
            let s = c.encode_utf8(&mut buf);
            new_str_unchecked(vm, s.as_bytes(), Some(1))
        }
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}

/// `ord(c)`.
pub fn builtin_ord(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(d) = sdata(vm, v) else {
        let m = format!(
            "ord() expected string of length 1, but {} found",
            vm.type_name(v)
        );
        return Err(vm.type_error(&m));
    };
    if d.chars != 1 {
        let m = format!(
            "ord() expected a character, but string of length {} found",
            d.chars
        );
        return Err(vm.type_error(&m));
    }
    let b = d.bytes();
    if d.kind != Kind::Str {
        return Ok(small(b.first().copied().unwrap_or(0) as usize));
    }
    let (c, _) = char_at(b, 0);
    Ok(small(c as usize))
}

// ---------------------------------------------------------------------------------------------
// Methods (shared by str, bytes and bytearray; `arg(args, 0)` is self)

macro_rules! method {
    ($st:ident, $q:expr, $min:expr, $max:expr, $f:ident) => {
        pub static $st: BuiltinFn = BuiltinFn::new($q, $min, $max, $f);
    };
    (kw $st:ident, $q:expr, $min:expr, $max:expr, $f:ident) => {
        pub static $st: BuiltinFn = BuiltinFn::new_kw($q, $min, $max, $f);
    };
}

method!(STR_FIND, Q::find, 2, 4, m_find);
method!(STR_RFIND, Q::rfind, 2, 4, m_rfind);
method!(STR_INDEX, Q::index, 2, 4, m_index);
method!(STR_RINDEX, Q::rindex, 2, 4, m_rindex);
method!(STR_COUNT, Q::count, 2, 4, m_count);
method!(STR_STARTSWITH, Q::startswith, 2, 4, m_startswith);
method!(STR_ENDSWITH, Q::endswith, 2, 4, m_endswith);
method!(STR_JOIN, Q::join, 2, 2, m_join);
method!(kw STR_SPLIT, Q::split, 1, 3, m_split);
method!(kw STR_RSPLIT, Q::rsplit, 1, 3, m_rsplit);
method!(kw STR_SPLITLINES, Q::splitlines, 1, 2, m_splitlines);
method!(STR_STRIP, Q::strip, 1, 2, m_strip);
method!(STR_LSTRIP, Q::lstrip, 1, 2, m_lstrip);
method!(STR_RSTRIP, Q::rstrip, 1, 2, m_rstrip);
method!(STR_REPLACE, Q::replace, 3, 4, m_replace);
method!(STR_PARTITION, Q::partition, 2, 2, m_partition);
method!(STR_RPARTITION, Q::rpartition, 2, 2, m_rpartition);
method!(STR_CENTER, Q::center, 2, 3, m_center);
method!(STR_LOWER, Q::lower, 1, 1, m_lower);
method!(STR_UPPER, Q::upper, 1, 1, m_upper);
method!(STR_ISSPACE, Q::isspace, 1, 1, m_isspace);
method!(STR_ISALPHA, Q::isalpha, 1, 1, m_isalpha);
method!(STR_ISDIGIT, Q::isdigit, 1, 1, m_isdigit);
method!(STR_ISUPPER, Q::isupper, 1, 1, m_isupper);
method!(STR_ISLOWER, Q::islower, 1, 1, m_islower);
method!(kw STR_ENCODE, Q::encode, 1, 3, m_encode);
method!(kw STR_FORMAT, Q::format, 1, crate::obj::VAR_ARGS, m_format);

// Most used first: builtin type dicts are searched linearly.
fixed_dict!(pub STR_LOCALS, [
    (Q::join, fnv!(STR_JOIN)),
    (Q::format, fnv!(STR_FORMAT)),
    (Q::split, fnv!(STR_SPLIT)),
    (Q::strip, fnv!(STR_STRIP)),
    (Q::startswith, fnv!(STR_STARTSWITH)),
    (Q::endswith, fnv!(STR_ENDSWITH)),
    (Q::replace, fnv!(STR_REPLACE)),
    (Q::find, fnv!(STR_FIND)),
    (Q::upper, fnv!(STR_UPPER)),
    (Q::lower, fnv!(STR_LOWER)),
    (Q::encode, fnv!(STR_ENCODE)),
    (Q::rstrip, fnv!(STR_RSTRIP)),
    (Q::lstrip, fnv!(STR_LSTRIP)),
    (Q::count, fnv!(STR_COUNT)),
    (Q::index, fnv!(STR_INDEX)),
    (Q::rfind, fnv!(STR_RFIND)),
    (Q::rindex, fnv!(STR_RINDEX)),
    (Q::rsplit, fnv!(STR_RSPLIT)),
    (Q::splitlines, fnv!(STR_SPLITLINES)),
    (Q::partition, fnv!(STR_PARTITION)),
    (Q::rpartition, fnv!(STR_RPARTITION)),
    (Q::isdigit, fnv!(STR_ISDIGIT)),
    (Q::isalpha, fnv!(STR_ISALPHA)),
    (Q::isspace, fnv!(STR_ISSPACE)),
    (Q::isupper, fnv!(STR_ISUPPER)),
    (Q::islower, fnv!(STR_ISLOWER)),
    (Q::center, fnv!(STR_CENTER)),
]);

/// Search `sub` in `d[start:end]` (character positions); returns the character index.
fn search(vm: &mut Vm, args: &[Value], rev: bool) -> PyResult<Option<usize>> {
    let d = self_data(vm, arg(args, 0))?;
    let needle = needle_data(vm, d.kind, arg(args, 1))?;
    let Some((s, e)) = range_args(vm, d.chars, args.get(2), args.get(3))? else {
        return Ok(None);
    };
    let b = d.bytes();
    let ascii = d.ascii();
    let bs = char_to_byte(b, ascii, s);
    let be = if e >= d.chars {
        b.len()
    } else {
        char_to_byte(b, ascii, e)
    };
    let hay = b.get(bs..be).unwrap_or(&[]);
    let n = needle.bytes();
    let r = if rev {
        rfind_bytes(hay, n)
    } else {
        find_bytes(hay, n)
    };
    Ok(r.map(|off| byte_to_char(b, ascii, bs + off)))
}

fn m_find(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(search(vm, args, false)?.map_or(small_i(-1), small))
}
fn m_rfind(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(search(vm, args, true)?.map_or(small_i(-1), small))
}
fn m_index(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match search(vm, args, false)? {
        Some(i) => Ok(small(i)),
        None => Err(vm.value_error("substring not found")),
    }
}
fn m_rindex(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match search(vm, args, true)? {
        Some(i) => Ok(small(i)),
        None => Err(vm.value_error("substring not found")),
    }
}

fn m_count(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let needle = needle_data(vm, d.kind, arg(args, 1))?;
    let Some((s, e)) = range_args(vm, d.chars, args.get(2), args.get(3))? else {
        return Ok(small(0));
    };
    let n = needle.bytes();
    if n.is_empty() {
        return Ok(small(e - s + 1));
    }
    let b = d.bytes();
    let ascii = d.ascii();
    let bs = char_to_byte(b, ascii, s);
    let be = char_to_byte(b, ascii, e);
    let mut hay = b.get(bs..be).unwrap_or(&[]);
    let mut count = 0usize;
    while let Some(i) = find_bytes(hay, n) {
        count += 1;
        hay = hay.get(i + n.len()..).unwrap_or(&[]);
    }
    Ok(small(count))
}

fn starts_ends(vm: &mut Vm, args: &[Value], ends: bool) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let Some((s, e)) = range_args(vm, d.chars, args.get(2), args.get(3))? else {
        return Ok(Value::FALSE);
    };
    let b = d.bytes();
    let ascii = d.ascii();
    let bs = char_to_byte(b, ascii, s);
    let be = char_to_byte(b, ascii, e);
    let hay = b.get(bs..be).unwrap_or(&[]);
    let test = |p: &[u8]| {
        if ends {
            hay.ends_with(p)
        } else {
            hay.starts_with(p)
        }
    };
    if let Some(t) = crate::types::tuple::tuple_items(arg(args, 1)) {
        for i in 0..t.len() {
            let item = t.items().get(i).copied().unwrap_or(Value::NONE);
            let p = arg_data(vm, d.kind, item)?;
            if test(p.bytes()) {
                return Ok(Value::TRUE);
            }
        }
        return Ok(Value::FALSE);
    }
    let p = arg_data(vm, d.kind, arg(args, 1))?;
    Ok(Value::from_bool(test(p.bytes())))
}

fn m_startswith(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    starts_ends(vm, args, false)
}
fn m_endswith(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    starts_ends(vm, args, true)
}

/// Items of a list or tuple (exact types), or None.
fn seq_items_value(v: Value) -> bool {
    crate::types::tuple::tuple_items(v).is_some() || crate::types::list::list_obj(v).is_some()
}

fn seq_get(v: Value, i: usize) -> Option<Value> {
    if let Some(t) = crate::types::tuple::tuple_items(v) {
        return t.items().get(i).copied();
    }
    crate::types::list::list_obj(v).and_then(|l| l.get(i))
}

fn seq_len(v: Value) -> usize {
    if let Some(t) = crate::types::tuple::tuple_items(v) {
        return t.len();
    }
    crate::types::list::list_obj(v).map_or(0, |l| l.len())
}

/// Materialise an iterable into a list or tuple value (returned as is if it already is one).
pub(crate) fn to_seq(vm: &mut Vm, v: Value) -> PyResult<Value> {
    if seq_items_value(v) {
        return Ok(v);
    }
    let list = crate::types::list::new_list(vm, &[])?;
    let it = vm.get_iter(v)?;
    while let Some(x) = vm.iter_next(it)? {
        crate::types::list::list_append(vm, list, x)?;
    }
    Ok(list)
}

fn m_join(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let seq = to_seq(vm, arg(args, 1))?;
    // A list made by to_seq is referenced from nowhere else: root it while the pieces' bytes
    // are borrowed from its items, or the allocation of the result could collect them.
    vm.roots.push(seq);
    let r = join_seq(vm, &d, seq);
    vm.roots.pop();
    r
}

fn join_seq(vm: &mut Vm, d: &SData, seq: Value) -> PyResult<Value> {
    let n = seq_len(seq);
    // Collect the pieces' data (kept alive by `seq`, which nothing can change while we copy:
    // no Python code runs below).
    let mut datas: Vec<SData> = Vec::with_capacity(n);
    for i in 0..n {
        let mut item = seq_get(seq, i).unwrap_or(Value::NONE);
        if item.type_of().has_flag(flags::USER_CLASS) {
            let nat = crate::types::class::native_part(item);
            if !nat.is_null() {
                item = nat;
            }
        }
        let ok = match sdata(vm, item) {
            Some(x) if (x.kind == Kind::Str) == (d.kind == Kind::Str) => {
                datas.push(x);
                true
            }
            Some(_) => false,
            None if d.kind != Kind::Str => {
                match crate::obj::with_buffer_read(vm, item, bytes_vec)? {
                    Some(b) => {
                        let l = b.len();
                        datas.push(SData {
                            kind: Kind::Bytes,
                            buf: Buf::Owned(b),
                            chars: l,
                        });
                        true
                    }
                    None => false,
                }
            }
            None => false,
        };
        if !ok {
            return Err(vm.type_error(
                "join expects a list of str/bytes objects consistent with self object",
            ));
        }
    }
    if n == 1 && d.kind != Kind::ByteArray {
        let only = seq_get(seq, 0).unwrap_or(Value::NONE);
        if only.type_of().is(if d.kind == Kind::Str {
            &STR_TYPE
        } else {
            &crate::types::bytes::BYTES_TYPE
        }) || only.is_qstr()
        {
            return Ok(only);
        }
    }
    let sep = d.bytes();
    let mut parts: Vec<&[u8]> = Vec::with_capacity(2 * n);
    for (i, x) in datas.iter().enumerate() {
        if i > 0 && !sep.is_empty() {
            parts.push(sep);
        }
        parts.push(x.bytes());
    }
    let chars = datas.iter().map(|x| x.chars).sum::<usize>() + d.chars * n.saturating_sub(1);
    let r = new_from_parts_n(vm, d.kind, &parts, Some(chars));
    // `parts` (malloc memory, not scanned) points into `seq`'s items; a list made by `to_seq`
    // is reachable only from this frame, so keep it visible to the conservative stack scan
    // until the copy is done.
    core::hint::black_box(seq);
    r
}

/// Parse (sep, maxsplit) positional/keyword arguments of split/rsplit.
fn split_args(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<(Value, isize)> {
    let mut sep = args.get(1).copied().unwrap_or(Value::NONE);
    let mut maxv = args.get(2).copied();
    for p in kw.chunks_exact(2) {
        if p[0] == Value::qstr(Q::sep) {
            sep = p[1];
        } else if p[0] == Value::qstr(Q::maxsplit) {
            maxv = Some(p[1]);
        } else {
            return Err(vm.type_error("unexpected keyword argument"));
        }
    }
    let max = match maxv {
        Some(m) => int_arg(vm, m)?,
        None => -1,
    };
    Ok((sep, max))
}

fn m_split(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    split_impl(vm, args, kw, false)
}
fn m_rsplit(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    split_impl(vm, args, kw, true)
}

fn split_impl(vm: &mut Vm, args: &[Value], kw: Kw, rev: bool) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let (sepv, max) = split_args(vm, args, kw)?;
    let b = d.bytes();
    let max = if max < 0 { usize::MAX } else { max as usize };
    // Byte ranges of the pieces.
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    if sepv.is_none() {
        let ws = |c: char| {
            if d.kind == Kind::Str {
                is_space_char(c)
            } else {
                (c as u32) < 0x80 && is_ws_byte(c as u8)
            }
        };
        let n = b.len();
        let is_str = d.kind == Kind::Str;
        // The character at byte offset i, and its length.
        let at = |i: usize| -> (char, usize) {
            match b.get(i) {
                Some(&c) if !is_str || c < 0x80 => (c as char, 1),
                Some(_) => char_at(b, i),
                None => ('\0', 1),
            }
        };
        // The character ending at byte offset i (> 0), and where it starts.
        let before = |i: usize| -> (char, usize) {
            let mut st = i - 1;
            if is_str {
                while st > 0 && b.get(st).is_some_and(|&c| is_cont(c)) {
                    st -= 1;
                }
            }
            (at(st).0, st)
        };
        if !rev {
            let mut i = 0;
            loop {
                while i < n {
                    let (c, l) = at(i);
                    if !ws(c) {
                        break;
                    }
                    i += l;
                }
                if i >= n {
                    break;
                }
                if pieces.len() == max {
                    // The remainder keeps its trailing whitespace (as CPython).
                    pieces.push((i, n));
                    break;
                }
                let st = i;
                while i < n {
                    let (c, l) = at(i);
                    if ws(c) {
                        break;
                    }
                    i += l;
                }
                pieces.push((st, i.min(n)));
            }
        } else {
            let mut i = n;
            loop {
                while i > 0 {
                    let (c, st) = before(i);
                    if !ws(c) {
                        break;
                    }
                    i = st;
                }
                if i == 0 {
                    break;
                }
                let en = i;
                if pieces.len() == max {
                    pieces.push((0, en));
                    break;
                }
                while i > 0 {
                    let (c, st) = before(i);
                    if ws(c) {
                        break;
                    }
                    i = st;
                }
                pieces.push((i, en));
            }
            pieces.reverse();
        }
    } else {
        let sd = arg_data(vm, d.kind, sepv)?;
        let sep = sd.bytes();
        if sep.is_empty() {
            return Err(vm.value_error("empty separator"));
        }
        if !rev {
            let mut start = 0;
            while pieces.len() < max {
                match find_bytes(b.get(start..).unwrap_or(&[]), sep) {
                    Some(i) => {
                        pieces.push((start, start + i));
                        start += i + sep.len();
                    }
                    None => break,
                }
            }
            pieces.push((start, b.len()));
        } else {
            let mut end = b.len();
            while pieces.len() < max {
                match rfind_bytes(b.get(..end).unwrap_or(&[]), sep) {
                    Some(i) => {
                        pieces.push((i + sep.len(), end));
                        end = i;
                    }
                    None => break,
                }
            }
            pieces.push((0, end));
            pieces.reverse();
        }
    }
    pieces_to_list(vm, &d, &pieces)
}

fn pieces_to_list(vm: &mut Vm, d: &SData, pieces: &[(usize, usize)]) -> PyResult<Value> {
    let b = d.bytes();
    let list = crate::types::list::new_list(vm, &[])?;
    for &(s, e) in pieces {
        let v = new_kind(vm, d.kind, b.get(s..e).unwrap_or(&[]))?;
        crate::types::list::list_append(vm, list, v)?;
    }
    Ok(list)
}

fn m_splitlines(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let mut keep = args.get(1).copied().unwrap_or(Value::FALSE);
    for p in kw.chunks_exact(2) {
        if p[0] == Value::qstr(Q::keepends) {
            keep = p[1];
        } else {
            return Err(vm.type_error("unexpected keyword argument"));
        }
    }
    let keep = vm.is_true(keep)?;
    let b = d.bytes();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut it = chars_of(b, d.kind).peekable();
    while let Some((off, c, l)) = it.next() {
        let is_break = match c {
            '\n' | '\r' => true,
            '\x0b' | '\x0c' | '\x1c' | '\x1d' | '\x1e' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                d.kind == Kind::Str
            }
            _ => false,
        };
        if !is_break {
            continue;
        }
        let mut end_incl = off + l;
        if c == '\r' {
            if let Some(&(o2, '\n', l2)) = it.peek() {
                end_incl = o2 + l2;
                it.next();
            }
        }
        pieces.push((start, if keep { end_incl } else { off }));
        start = end_incl;
    }
    if start < b.len() {
        pieces.push((start, b.len()));
    }
    pieces_to_list(vm, &d, &pieces)
}

fn strip_impl(vm: &mut Vm, args: &[Value], left: bool, right: bool) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let b = d.bytes();
    let chars_arg = args.get(1).copied().filter(|v| !v.is_none());
    let set: Option<Vec<char>> = match chars_arg {
        Some(cv) => {
            let cd = arg_data(vm, d.kind, cv)?;
            Some(chars_of(cd.bytes(), d.kind).map(|(_, c, _)| c).collect())
        }
        None => None,
    };
    let strip_it = |c: char| match &set {
        Some(s) => s.contains(&c),
        None => {
            if d.kind == Kind::Str {
                is_space_char(c)
            } else {
                (c as u32) < 0x80 && is_ws_byte(c as u8)
            }
        }
    };
    let mut s = 0;
    let mut e = b.len();
    if d.ascii() {
        if left {
            while s < e && strip_it(b[s] as char) {
                s += 1;
            }
        }
        if right {
            while e > s && strip_it(b[e - 1] as char) {
                e -= 1;
            }
        }
    } else {
        // Non-ASCII text: scan characters from both ends.
        if left {
            while s < e {
                let (c, l) = char_at(b, s);
                if !strip_it(c) {
                    break;
                }
                s += l;
            }
        }
        if right {
            while e > s {
                let mut st = e - 1;
                while st > s && b.get(st).is_some_and(|&c| is_cont(c)) {
                    st -= 1;
                }
                if !strip_it(char_at(b, st).0) {
                    break;
                }
                e = st;
            }
        }
        s = s.min(b.len());
        e = e.clamp(s, b.len());
    }
    if s == 0 && e == b.len() && d.kind != Kind::ByteArray {
        return Ok(arg(args, 0));
    }
    new_kind(vm, d.kind, b.get(s..e).unwrap_or(&[]))
}

fn m_strip(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    strip_impl(vm, args, true, true)
}
fn m_lstrip(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    strip_impl(vm, args, true, false)
}
fn m_rstrip(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    strip_impl(vm, args, false, true)
}

fn m_replace(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let old = arg_data(vm, d.kind, arg(args, 1))?;
    let new = arg_data(vm, d.kind, arg(args, 2))?;
    let max = match args.get(3) {
        Some(&m) => int_arg(vm, m)?,
        None => -1,
    };
    let max = if max < 0 { usize::MAX } else { max as usize };
    let b = d.bytes();
    let (o, n) = (old.bytes(), new.bytes());
    let mut parts: Vec<&[u8]> = Vec::new();
    let mut count = 0;
    if o.is_empty() {
        // Insert `new` before every character and at the end.
        let mut last = 0;
        for (off, _, l) in chars_of(b, d.kind) {
            if count >= max {
                break;
            }
            parts.push(n);
            parts.push(&b[off..off + l]);
            last = off + l;
            count += 1;
        }
        if count < max {
            parts.push(n);
            count += 1;
        }
        parts.push(b.get(last..).unwrap_or(&[]));
    } else {
        let mut start = 0;
        while count < max {
            match find_bytes(b.get(start..).unwrap_or(&[]), o) {
                Some(i) => {
                    parts.push(&b[start..start + i]);
                    parts.push(n);
                    start += i + o.len();
                    count += 1;
                }
                None => break,
            }
        }
        parts.push(b.get(start..).unwrap_or(&[]));
    }
    if count == 0 && d.kind != Kind::ByteArray {
        return Ok(arg(args, 0));
    }
    new_from_parts(vm, d.kind, &parts)
}

fn partition_impl(vm: &mut Vm, args: &[Value], rev: bool) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let sd = arg_data(vm, d.kind, arg(args, 1))?;
    let sep = sd.bytes();
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let b = d.bytes();
    let found = if rev {
        rfind_bytes(b, sep)
    } else {
        find_bytes(b, sep)
    };
    let empty = new_kind(vm, d.kind, &[])?;
    let items = match found {
        Some(i) => {
            let a = new_kind(vm, d.kind, &b[..i])?;
            let s = new_kind(vm, d.kind, sep)?;
            let c = new_kind(vm, d.kind, b.get(i + sep.len()..).unwrap_or(&[]))?;
            [a, s, c]
        }
        None => {
            let whole = if d.kind == Kind::ByteArray {
                new_kind(vm, d.kind, b)?
            } else {
                arg(args, 0)
            };
            let e2 = if d.kind == Kind::ByteArray {
                new_kind(vm, d.kind, &[])?
            } else {
                empty
            };
            if rev {
                [empty, e2, whole]
            } else {
                [whole, empty, e2]
            }
        }
    };
    crate::types::tuple::new_tuple(vm, &items)
}

fn m_partition(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    partition_impl(vm, args, false)
}
fn m_rpartition(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    partition_impl(vm, args, true)
}

fn m_center(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let width = int_arg(vm, arg(args, 1))?;
    let fill: Vec<u8> = match args.get(2) {
        Some(&f) => {
            let fd = arg_data(vm, d.kind, f)?;
            if fd.chars != 1 {
                return Err(vm.type_error("The fill character must be exactly one character long"));
            }
            bytes_vec(fd.bytes())
        }
        None => alloc::vec![b' '],
    };
    if width <= d.chars as isize {
        if d.kind == Kind::ByteArray {
            return new_kind(vm, d.kind, d.bytes());
        }
        return Ok(arg(args, 0));
    }
    let pad = width as usize - d.chars;
    // CPython puts the extra space on the left when the text length is odd.
    let left = pad / 2 + (pad & (width as usize) & 1);
    let right = pad - left;
    let total = pad
        .checked_mul(fill.len())
        .and_then(|n| n.checked_add(d.bytes().len()));
    let mut out: Vec<u8> = Vec::new();
    match total {
        Some(n) if n <= vm.heap.total_bytes() && out.try_reserve_exact(n).is_ok() => {}
        _ => return Err(vm.memory_error()),
    }
    for _ in 0..left {
        push_bytes(&mut out, &fill);
    }
    push_bytes(&mut out, d.bytes());
    for _ in 0..right {
        push_bytes(&mut out, &fill);
    }
    new_kind(vm, d.kind, &out)
}

fn case_impl(vm: &mut Vm, args: &[Value], upper: bool) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let b = d.bytes();
    if d.ascii() && d.kind == Kind::Str && b.len() > 1 {
        // One allocation: copy and convert in place.
        let fill = |out: &mut [u8]| {
            out.copy_from_slice(b);
            if upper {
                out.make_ascii_uppercase();
            } else {
                out.make_ascii_lowercase();
            }
        };
        return Ok(vm
            .alloc_var_bytes(str_head(b.len()), b.len(), fill)?
            .value());
    }
    if d.ascii() {
        let mut v = bytes_vec(b);
        if upper {
            v.make_ascii_uppercase();
        } else {
            v.make_ascii_lowercase();
        }
        return new_kind(vm, d.kind, &v);
    }
    let s = core::str::from_utf8(b).unwrap_or("");
    let out = if upper {
        s.to_uppercase()
    } else {
        s.to_lowercase()
    };
    new_str_unchecked(vm, out.as_bytes(), None)
}

fn m_lower(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    case_impl(vm, args, false)
}
fn m_upper(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    case_impl(vm, args, true)
}

fn pred_all(vm: &mut Vm, args: &[Value], f: fn(char, Kind) -> bool) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let b = d.bytes();
    if b.is_empty() {
        return Ok(Value::FALSE);
    }
    let kind = d.kind;
    let r = chars_of(b, kind).all(|(_, c, _)| f(c, kind));
    Ok(Value::from_bool(r))
}

fn m_isspace(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    pred_all(vm, args, |c, k| {
        if k == Kind::Str {
            is_space_char(c)
        } else {
            (c as u32) < 0x80 && is_ws_byte(c as u8)
        }
    })
}
fn m_isalpha(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    pred_all(vm, args, |c, k| {
        if k == Kind::Str {
            c.is_alphabetic()
        } else {
            c.is_ascii_alphabetic()
        }
    })
}
fn m_isdigit(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    pred_all(vm, args, |c, k| {
        if k == Kind::Str && !c.is_ascii() {
            c.is_numeric() && c.to_lowercase().next() == Some(c) && !c.is_alphabetic()
        } else {
            c.is_ascii_digit()
        }
    })
}

fn cased_impl(vm: &mut Vm, args: &[Value], upper: bool) -> PyResult<Value> {
    let d = self_data(vm, arg(args, 0))?;
    let mut any = false;
    for (_, c, _) in chars_of(d.bytes(), d.kind) {
        let (is_u, is_l) = if d.kind == Kind::Str {
            (c.is_uppercase(), c.is_lowercase())
        } else {
            (c.is_ascii_uppercase(), c.is_ascii_lowercase())
        };
        if (upper && is_l) || (!upper && is_u) {
            return Ok(Value::FALSE);
        }
        if (upper && is_u) || (!upper && is_l) {
            any = true;
        }
    }
    Ok(Value::from_bool(any))
}

fn m_isupper(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    cased_impl(vm, args, true)
}
fn m_islower(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    cased_impl(vm, args, false)
}

fn m_encode(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(d) = str_data(vm, arg(args, 0)) else {
        return Err(bad_implicit(vm, arg(args, 0), Kind::Str));
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
    let b = d.as_bytes();
    if !enc.is_null() {
        let Some(q) = str_to_qstr(vm, enc) else {
            return Err(bad_implicit(vm, enc, Kind::Str));
        };
        let name = vm.qstr_str(q);
        match name {
            "utf-8" | "utf8" => {}
            "ascii" => {
                if !b.is_ascii() {
                    let mode = if errors.is_null() {
                        Q::strict
                    } else {
                        str_to_qstr(vm, errors).unwrap_or(Q::strict)
                    };
                    if mode == Q::ignore || mode == Q::replace {
                        let v: Vec<u8> = chars_of(b, Kind::Str)
                            .filter_map(|(_, c, _)| {
                                if c.is_ascii() {
                                    Some(c as u8)
                                } else if mode == Q::replace {
                                    Some(b'?')
                                } else {
                                    None
                                }
                            })
                            .collect();
                        return crate::types::bytes::new_bytes(vm, &v);
                    }
                    return Err(vm.new_exception(&crate::types::exception::UNICODE_ERROR, ""));
                }
            }
            _ => {
                let m = format!("unknown encoding: {}", name);
                return Err(vm.new_exception(&crate::types::exception::LOOKUP_ERROR, &m));
            }
        }
    }
    let v = bytes_vec(b);
    crate::types::bytes::new_bytes(vm, &v)
}

fn m_format(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    crate::types::strfmt::str_format(vm, arg(args, 0), &args[1..], kw)
}

#[allow(dead_code)]
const _Q: [Qstr; 2] = [Q::ascii, Q::utf8];
