//! The `io` module (also `uio`): `StringIO`, `BytesIO`, `IOBase`, and `open` (the builtin).
//!
//! StringIO and BytesIO are in-memory streams over a GC byte array (UTF-8 text for StringIO),
//! with MicroPython's stream methods: `read([n])` (n characters for StringIO), `readinto`,
//! `readline([n])`, `readlines`, `write(buf[, len])` / `write(buf, off, len)` (MicroPython's
//! extended form), `seek(off[, whence])` (byte positions; a negative absolute position is
//! `OSError(EINVAL)`, as for real files), `tell`, `flush`, `close`, `getvalue`, the context
//! manager protocol and line iteration. The initial value is copied, so writes never change
//! the object a stream was made from. Operations on a closed stream raise
//! `ValueError("I/O operation on closed file")`.
//!
//! `IOBase` is a base class for streams written in Python: its subclasses provide `write`
//! (and `readinto`...) and are then usable wherever a stream is (`print(file=...)`,
//! `json.dump`).

use crate::types::arg;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, with_buffer_read, with_buffer_write, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, size_arg};
use super::BuiltinModuleDef;

/// EINVAL, as MicroPython's streams report a bad seek.
const EINVAL: i32 = 22;

/// A StringIO or BytesIO.
#[repr(C)]
pub struct StringIOObj {
    pub hdr: ObjHeader,
    /// Contents: the first `len` bytes of `data`.
    pub data: Cell<GcArray<u8>>,
    pub len: Cell<usize>,
    pub pos: Cell<usize>,
    pub closed: Cell<bool>,
}

pub static STRINGIO_TYPE: Type = Type {
    make_new: Some(stringio_make_new),
    print: Some(stringio_print),
    getiter: Some(types::iter::iter_self),
    iternext: Some(stringio_iternext),
    ..Type::new(Q::StringIO)
}
.with_flags(flags::BASETYPE | flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&STRINGIO_LOCALS);

pub static BYTESIO_TYPE: Type = Type {
    make_new: Some(bytesio_make_new),
    print: Some(stringio_print),
    getiter: Some(types::iter::iter_self),
    iternext: Some(stringio_iternext),
    ..Type::new(Q::BytesIO)
}
.with_flags(flags::BASETYPE | flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&STRINGIO_LOCALS);

/// `io.IOBase`: a base class for Python streams.
pub static IOBASE_TYPE: Type = Type {
    make_new: Some(iobase_make_new),
    ..Type::new(Q::IOBase)
}
.with_flags(flags::BASETYPE);

/// An `IOBase` object (the native part of instances of its Python subclasses).
#[repr(C)]
pub struct IOBaseObj {
    pub hdr: ObjHeader,
}
crate::py_object!(IOBaseObj, IOBASE_TYPE);

fn iobase_make_new(vm: &mut Vm, _ty: TypeRef, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(IOBaseObj {
            hdr: ObjHeader::new(&IOBASE_TYPE),
        })?
        .value())
}

crate::py_object!(StringIOObj, STRINGIO_TYPE);

/// The stream behind `v` (a StringIO/BytesIO or an instance of a subclass) and whether it
/// is a text stream.
fn stream_obj(v: Value) -> Option<(Gc<StringIOObj>, bool)> {
    let n = if v.type_of().has_flag(flags::USER_CLASS) {
        types::class::native_part(v)
    } else {
        v
    };
    let h = n.as_obj()?;
    let t = h.ty.get();
    let text = if t.is(&STRINGIO_TYPE) {
        true
    } else if t.is(&BYTESIO_TYPE) {
        false
    } else {
        return None;
    };
    Some((
        Gc::from_raw(core::ptr::NonNull::new(h.as_ptr() as *mut StringIOObj)?),
        text,
    ))
}

#[cold]
fn closed_error(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("I/O operation on closed file")
}

/// The open stream behind `v`, or the right error.
fn open_stream(vm: &mut Vm, v: Value) -> PyResult<(Gc<StringIOObj>, bool)> {
    match stream_obj(v) {
        Some((s, _)) if s.closed.get() => Err(closed_error(vm)),
        Some(x) => Ok(x),
        None => {
            let m = alloc::format!("'{}' object is not a StringIO/BytesIO", vm.type_name(v));
            Err(vm.type_error(&m))
        }
    }
}

impl StringIOObj {
    /// Bytes `from..to` of the contents (clamped).
    fn slice(&self, from: usize, to: usize) -> Vec<u8> {
        let a = self.data.get();
        let end = to.min(self.len.get()).min(a.capacity());
        if from >= end {
            return Vec::new();
        }
        a.cells()[from..end].iter().map(|c| c.get()).collect()
    }
    fn byte(&self, i: usize) -> Option<u8> {
        if i < self.len.get() {
            self.data.get().get(i)
        } else {
            None
        }
    }
}

/// Write `bytes` at the current position (growing and zero-filling as needed).
pub fn stream_write(vm: &mut Vm, s: Gc<StringIOObj>, bytes: &[u8]) -> PyResult<()> {
    let pos = s.pos.get();
    let Some(end) = pos.checked_add(bytes.len()) else {
        return Err(vm.os_error(27)); // EFBIG
    };
    let arr = s.data.get();
    if end > arr.capacity() {
        super::binary::check_alloc(vm, end)?;
        let cap = end.max(arr.capacity().saturating_mul(2)).max(16);
        let new = vm.realloc_array(arr, cap)?;
        s.data.set(new);
    }
    let arr = s.data.get();
    // A seek past the end leaves a hole of zeros.
    for i in s.len.get()..pos {
        arr.set(i, 0);
    }
    for (k, &b) in bytes.iter().enumerate() {
        arr.set(pos + k, b);
    }
    s.pos.set(end);
    if end > s.len.get() {
        s.len.set(end);
    }
    Ok(())
}

fn new_stream(vm: &mut Vm, ty: &'static Type, init: &[u8]) -> PyResult<Value> {
    new_stream_cap(vm, ty, init, 16)
}

/// A stream holding `init`, with room for at least `cap` bytes before it must grow.
fn new_stream_cap(vm: &mut Vm, ty: &'static Type, init: &[u8], cap: usize) -> PyResult<Value> {
    super::binary::check_alloc(vm, cap)?;
    let arr = vm.alloc_array::<u8>(init.len().max(cap).max(1))?;
    for (k, &b) in init.iter().enumerate() {
        arr.set(k, b);
    }
    let o = vm.alloc_obj(StringIOObj {
        hdr: ObjHeader::new(ty),
        data: Cell::new(arr),
        len: Cell::new(init.len()),
        pos: Cell::new(0),
        closed: Cell::new(false),
    })?;
    Ok(o.value())
}

/// A new empty StringIO (for other modules, e.g. to capture output).
pub fn new_stringio(vm: &mut Vm) -> PyResult<Value> {
    new_stream(vm, &STRINGIO_TYPE, &[])
}

fn make(vm: &mut Vm, ty: &'static Type, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut cap = 16;
    let init = match args
        .first()
        .copied()
        .or_else(|| crate::obj::kw_get(kw, Q::initial_value))
    {
        None => Vec::new(),
        Some(v) if v.is_none() => Vec::new(),
        Some(v) if types::int::is_int(v) && !v.is_bool() => {
            // MicroPython: an int is the initial capacity (so writes up to it never allocate).
            let n = types::int::value_to_index(vm, v)?;
            if n < 0 {
                return Err(vm.value_error("negative size"));
            }
            cap = n as usize;
            Vec::new()
        }
        Some(v) => match with_buffer_read(vm, v, bytes_vec)? {
            Some(b) => b,
            None => return Err(vm.type_error("object with buffer protocol required")),
        },
    };
    new_stream_cap(vm, ty, &init, cap)
}

fn stringio_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    make(vm, &STRINGIO_TYPE, args, kw)
}

fn bytesio_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    make(vm, &BYTESIO_TYPE, args, kw)
}

fn stringio_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let text = stream_obj(v).map(|x| x.1).unwrap_or(true);
    let base = if text { "StringIO" } else { "BytesIO" };
    push_str(out, &alloc::format!("<io.{} 0x{:x}>", base, v.word()));
    Ok(())
}

/// Make the result of a read: str for text streams, bytes otherwise.
fn result(vm: &mut Vm, data: &[u8], text: bool) -> PyResult<Value> {
    if text {
        match core::str::from_utf8(data) {
            Ok(s) => types::str::new_str(vm, s),
            Err(_) => Err(vm.new_exception(
                &types::exception::UNICODE_ERROR,
                "invalid UTF-8 in StringIO",
            )),
        }
    } else {
        types::bytes::new_bytes(vm, data)
    }
}

/// End position of `n` characters read from `pos` (bytes for binary streams).
fn advance(s: &StringIOObj, pos: usize, n: usize, text: bool) -> usize {
    let len = s.len.get();
    if !text {
        return pos.saturating_add(n).min(len);
    }
    let mut p = pos;
    let mut chars = 0;
    while chars < n && p < len {
        p += 1;
        // Skip continuation bytes.
        while p < len && s.byte(p).is_some_and(|b| b & 0xc0 == 0x80) {
            p += 1;
        }
        chars += 1;
    }
    p
}

fn m_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, text) = open_stream(vm, arg(args, 0))?;
    let n = size_arg(vm, args.get(1))?;
    let pos = s.pos.get();
    let len = s.len.get();
    let end = match n {
        None => len.max(pos),
        Some(n) => advance(&s, pos, n, text),
    };
    let data = s.slice(pos, end);
    s.pos.set(end.max(pos));
    result(vm, &data, text)
}

fn read_line(s: &StringIOObj, limit: Option<usize>, text: bool) -> Vec<u8> {
    let pos = s.pos.get();
    let len = s.len.get();
    let max_end = match limit {
        None => len,
        Some(n) => advance(s, pos, n, text),
    };
    let mut end = pos;
    while end < max_end {
        let b = s.byte(end);
        end += 1;
        if b == Some(b'\n') {
            break;
        }
    }
    let data = s.slice(pos, end);
    if end > pos {
        s.pos.set(end);
    }
    data
}

fn m_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, text) = open_stream(vm, arg(args, 0))?;
    let n = size_arg(vm, args.get(1))?;
    let line = read_line(&s, n, text);
    result(vm, &line, text)
}

fn m_readlines(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, text) = open_stream(vm, arg(args, 0))?;
    let list = types::list::new_list(vm, &[])?;
    loop {
        let line = read_line(&s, None, text);
        if line.is_empty() {
            break;
        }
        let v = result(vm, &line, text)?;
        types::list::list_append(vm, list, v)?;
    }
    Ok(list)
}

fn stringio_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let (s, text) = open_stream(vm, v)?;
    let line = read_line(&s, None, text);
    if line.is_empty() {
        return Ok(Value::STOP);
    }
    result(vm, &line, text)
}

fn m_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, _) = open_stream(vm, arg(args, 0))?;
    let buf = arg(args, 1);
    let room = match with_buffer_write(vm, buf, |c| c.len())? {
        Some(n) => n,
        None => return Err(vm.type_error("object with buffer protocol required")),
    };
    let want = match size_arg(vm, args.get(2))? {
        Some(n) => n.min(room),
        None => room,
    };
    let pos = s.pos.get();
    let data = s.slice(pos, pos.saturating_add(want));
    let n = data.len();
    with_buffer_write(vm, buf, |cells| {
        for (c, &b) in cells.iter().zip(data.iter()) {
            c.set(b);
        }
    })?;
    s.pos.set(pos + n);
    Ok(Value::small_int(n as isize).unwrap_or(Value::NONE))
}

fn m_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, _) = open_stream(vm, arg(args, 0))?;
    let Some(mut data) = with_buffer_read(vm, arg(args, 1), bytes_vec)? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    // MicroPython's extended forms: write(buf, len) and write(buf, off, len).
    let (off, n) = match (args.get(2), args.get(3)) {
        (Some(&a), None) => (0, arg_int(vm, a)?),
        (Some(&a), Some(&b)) => (arg_int(vm, a)?, arg_int(vm, b)?),
        _ => (0, isize::MAX),
    };
    if args.len() > 2 {
        let off = (off.max(0) as usize).min(data.len());
        let n = (n.max(0) as usize).min(data.len() - off);
        data = data[off..off + n].to_vec();
    }
    stream_write(vm, s, &data)?;
    // A text stream reports characters written.
    let count = if stream_obj(arg(args, 0)).is_some_and(|x| x.1) {
        types::str::char_count(&data)
    } else {
        data.len()
    };
    Ok(Value::small_int(count as isize).unwrap_or(Value::NONE))
}

fn m_seek(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, _) = open_stream(vm, arg(args, 0))?;
    let off = types::int::value_to_i64(vm, arg(args, 1))?;
    let whence = match args.get(2) {
        Some(&w) => arg_int(vm, w)?,
        None => 0,
    };
    let base: i64 = match whence {
        0 => 0,
        1 => s.pos.get() as i64,
        2 => s.len.get() as i64,
        _ => return Err(vm.os_error(EINVAL)),
    };
    let new = if whence == 0 {
        if off < 0 {
            return Err(vm.os_error(EINVAL));
        }
        off
    } else {
        base.saturating_add(off).max(0)
    };
    let new = usize::try_from(new).map_err(|_| vm.os_error(EINVAL))?;
    s.pos.set(new);
    types::int::int_from_u64(vm, new as u64)
}

fn m_tell(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, _) = open_stream(vm, arg(args, 0))?;
    types::int::int_from_u64(vm, s.pos.get() as u64)
}

fn m_flush(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    open_stream(vm, arg(args, 0))?;
    Ok(Value::NONE)
}

fn m_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some((s, _)) = stream_obj(arg(args, 0)) {
        if !s.closed.get() {
            s.closed.set(true);
            let old = s.data.get();
            s.data.set(GcArray::empty());
            s.len.set(0);
            s.pos.set(0);
            vm.free_array(old);
        }
    }
    Ok(Value::NONE)
}

fn m_getvalue(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (s, text) = open_stream(vm, arg(args, 0))?;
    let data = s.slice(0, s.len.get());
    result(vm, &data, text)
}

fn m_enter(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(arg(args, 0))
}

fn m_exit(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    m_close(vm, &args[..1], kw)
}

static READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, m_read);
static READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, m_readinto);
static READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, m_readline);
static READLINES: BuiltinFn = BuiltinFn::new(Q::readlines, 1, 1, m_readlines);
static WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 4, m_write);
static SEEK: BuiltinFn = BuiltinFn::new(Q::seek, 2, 3, m_seek);
static TELL: BuiltinFn = BuiltinFn::new(Q::tell, 1, 1, m_tell);
static FLUSH: BuiltinFn = BuiltinFn::new(Q::flush, 1, 1, m_flush);
static CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, m_close);
static GETVALUE: BuiltinFn = BuiltinFn::new(Q::getvalue, 1, 1, m_getvalue);
static ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, m_enter);
static EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 1, 4, m_exit);

fixed_dict!(
    STRINGIO_LOCALS,
    [
        (Q::read, fnv!(READ)),
        (Q::readinto, fnv!(READINTO)),
        (Q::readline, fnv!(READLINE)),
        (Q::readlines, fnv!(READLINES)),
        (Q::write, fnv!(WRITE)),
        (Q::seek, fnv!(SEEK)),
        (Q::tell, fnv!(TELL)),
        (Q::flush, fnv!(FLUSH)),
        (Q::close, fnv!(CLOSE)),
        (Q::getvalue, fnv!(GETVALUE)),
        (Q::__enter__, fnv!(ENTER)),
        (Q::__exit__, fnv!(EXIT)),
    ]
);

fixed_dict!(
    IO_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::io)),
        (Q::open, fnv!(super::io::OPEN)),
        (Q::StringIO, Value::from_static(&STRINGIO_TYPE)),
        (Q::BytesIO, Value::from_static(&BYTESIO_TYPE)),
        (Q::IOBase, Value::from_static(&IOBASE_TYPE)),
    ]
);

/// `io` (defined here until the builtins' io.rs grows its own module table).
pub static IO_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::io,
    globals: &IO_GLOBALS,
    init: None,
    extensible: true,
};
