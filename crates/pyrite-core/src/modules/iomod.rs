//! The `io` module: `StringIO`, `BytesIO` (in-memory streams), `IOBase` (a base for Python
//! stream classes), and the file types and `open` of io.rs.

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, bad_implicit_conversion, buffer_bytes, is_int};
use super::BuiltinModuleDef;

/// The state of an in-memory stream: bytes (UTF-8 text for StringIO), length, position.
#[repr(C)]
pub struct MemFields {
    data: Cell<GcArray<u8>>,
    len: Cell<usize>,
    pos: Cell<usize>,
    closed: Cell<bool>,
}

/// `io.StringIO`.
#[repr(C)]
pub struct StringIoObj {
    pub hdr: ObjHeader,
    f: MemFields,
}
crate::py_object!(StringIoObj, STRINGIO_TYPE);

/// `io.BytesIO`.
#[repr(C)]
pub struct BytesIoObj {
    pub hdr: ObjHeader,
    f: MemFields,
}
crate::py_object!(BytesIoObj, BYTESIO_TYPE);

enum Mem {
    S(Gc<StringIoObj>),
    B(Gc<BytesIoObj>),
}

impl Mem {
    fn of(v: Value) -> Option<Mem> {
        if let Some(s) = v.downcast::<StringIoObj>() {
            return Some(Mem::S(s));
        }
        v.downcast::<BytesIoObj>().map(Mem::B)
    }
    fn f(&self) -> &MemFields {
        match self {
            Mem::S(s) => &s.f,
            Mem::B(b) => &b.f,
        }
    }
    fn binary(&self) -> bool {
        matches!(self, Mem::B(_))
    }
    /// A copy of bytes `a..b` (clamped).
    fn bytes(&self, a: usize, b: usize) -> Vec<u8> {
        let f = self.f();
        let d = f.data.get();
        let b = b.min(f.len.get());
        (a.min(b)..b).filter_map(|i| d.get(i)).collect()
    }
}

pub static STRINGIO_TYPE: Type = Type {
    make_new: Some(stringio_make_new),
    print: Some(mem_print),
    getiter: Some(mem_getiter),
    iternext: Some(mem_iternext),
    ..Type::new(Q::StringIO)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF | flags::BASETYPE)
.with_locals(&MEM_LOCALS);

pub static BYTESIO_TYPE: Type = Type {
    make_new: Some(bytesio_make_new),
    print: Some(mem_print),
    getiter: Some(mem_getiter),
    iternext: Some(mem_iternext),
    ..Type::new(Q::BytesIO)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF | flags::BASETYPE)
.with_locals(&MEM_LOCALS);

/// `io.IOBase`: a base class for streams written in Python.
pub static IOBASE_TYPE: Type = Type {
    make_new: Some(iobase_make_new),
    ..Type::new(Q::IOBase)
}
.with_flags(flags::BASETYPE);

/// An `IOBase` instance (it holds nothing; subclasses define the methods).
#[repr(C)]
pub struct IoBaseObj {
    pub hdr: ObjHeader,
}
crate::py_object!(IoBaseObj, IOBASE_TYPE);

fn iobase_make_new(vm: &mut Vm, _ty: TypeRef, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(IoBaseObj {
            hdr: ObjHeader::new(&IOBASE_TYPE),
        })?
        .value())
}

fn new_fields(vm: &mut Vm, init: &[u8]) -> PyResult<MemFields> {
    let data = vm.alloc_array::<u8>(init.len().max(16))?;
    for (i, &b) in init.iter().enumerate() {
        data.set(i, b);
    }
    Ok(MemFields {
        data: Cell::new(data),
        len: Cell::new(init.len()),
        pos: Cell::new(0),
        closed: Cell::new(false),
    })
}

fn initial(vm: &mut Vm, args: &[Value], text: bool) -> PyResult<Vec<u8>> {
    let Some(&v) = args.first() else {
        return Ok(Vec::new());
    };
    if v.is_none() || is_int(v) {
        return Ok(Vec::new());
    }
    if text {
        match types::str::str_data(vm, v) {
            Some(s) => Ok(s.as_bytes().to_vec()),
            None => Err(bad_implicit_conversion(vm, v)),
        }
    } else {
        match buffer_bytes(vm, v)? {
            Some(b) => Ok(b),
            None => Err(vm.type_error("object with buffer protocol required")),
        }
    }
}

fn stringio_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let init = initial(vm, args, true)?;
    let f = new_fields(vm, &init)?;
    Ok(vm
        .alloc_obj(StringIoObj {
            hdr: ObjHeader::new(&STRINGIO_TYPE),
            f,
        })?
        .value())
}

fn bytesio_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let init = initial(vm, args, false)?;
    let f = new_fields(vm, &init)?;
    Ok(vm
        .alloc_obj(BytesIoObj {
            hdr: ObjHeader::new(&BYTESIO_TYPE),
            f,
        })?
        .value())
}

fn mem_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str("<io.");
    out.push_str(vm.type_name(v));
    out.push_str(&alloc::format!(" {:#x}>", v.word()));
    Ok(())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<Mem> {
    match Mem::of(v) {
        Some(m) if !m.f().closed.get() => Ok(m),
        Some(_) => Err(vm.value_error("I/O operation on closed file")),
        None => Err(vm.type_error("expected a StringIO or BytesIO")),
    }
}

fn result(vm: &mut Vm, m: &Mem, data: &[u8]) -> PyResult<Value> {
    if m.binary() {
        types::bytes::new_bytes(vm, data)
    } else {
        match core::str::from_utf8(data) {
            Ok(s) => types::str::new_str(vm, s),
            Err(_) => Err(vm.new_exception(&types::exception::UNICODE_ERROR, "invalid UTF-8")),
        }
    }
}

/// Byte offset after `n` characters from `start` (text streams count characters).
fn advance_chars(m: &Mem, start: usize, n: usize) -> usize {
    let f = m.f();
    let d = f.data.get();
    let len = f.len.get();
    let mut p = start;
    let mut count = 0;
    while p < len && count < n {
        p += 1;
        while p < len && d.get(p).is_some_and(|b| b & 0xc0 == 0x80) {
            p += 1;
        }
        count += 1;
    }
    p
}

fn mem_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = this(vm, args[0])?;
    let n = match args.get(1) {
        Some(&v) if !v.is_none() => arg_int(vm, v)?,
        _ => -1,
    };
    let f = m.f();
    let pos = f.pos.get().min(f.len.get());
    let end = if n < 0 {
        f.len.get()
    } else if m.binary() {
        pos.saturating_add(n as usize).min(f.len.get())
    } else {
        advance_chars(&m, pos, n as usize)
    };
    let data = m.bytes(pos, end);
    f.pos.set(end.max(pos));
    result(vm, &m, &data)
}

fn line_end(m: &Mem, pos: usize, limit: Option<usize>) -> usize {
    let f = m.f();
    let d = f.data.get();
    let len = f.len.get();
    let mut p = pos;
    while p < len {
        if limit.is_some_and(|l| p - pos >= l) {
            return p;
        }
        let b = d.get(p).unwrap_or(0);
        p += 1;
        if b == b'\n' {
            break;
        }
    }
    p
}

fn mem_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = this(vm, args[0])?;
    let limit = match args.get(1) {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            if n < 0 {
                None
            } else {
                Some(n as usize)
            }
        }
        _ => None,
    };
    let f = m.f();
    let pos = f.pos.get().min(f.len.get());
    let end = line_end(&m, pos, limit);
    let data = m.bytes(pos, end);
    f.pos.set(end);
    result(vm, &m, &data)
}

fn mem_readlines(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let list = types::list::new_list(vm, &[])?;
    loop {
        let l = mem_readline(vm, &args[..1], &[])?;
        if !vm.is_true(l)? {
            break;
        }
        types::list::list_append(vm, list, l)?;
    }
    Ok(list)
}

fn mem_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = this(vm, args[0])?;
    let v = args[1];
    let mut data: Vec<u8> = if let Some(s) = types::str::str_data(vm, v) {
        if m.binary() {
            return Err(vm.type_error("object with buffer protocol required"));
        }
        s.as_bytes().to_vec()
    } else {
        match buffer_bytes(vm, v)? {
            Some(b) => b,
            None => return Err(bad_implicit_conversion(vm, v)),
        }
    };
    // MicroPython's extended forms: write(buf, len) and write(buf, offset, len).
    if args.len() == 3 {
        let n = arg_int(vm, args[2])?.max(0) as usize;
        data.truncate(n);
    } else if args.len() == 4 {
        let off = arg_int(vm, args[2])?.max(0) as usize;
        let n = arg_int(vm, args[3])?.max(0) as usize;
        let off = off.min(data.len());
        let end = off.saturating_add(n).min(data.len());
        data = data[off..end].to_vec();
    }
    let f = m.f();
    let pos = f.pos.get();
    let Some(end) = pos.checked_add(data.len()) else {
        return Err(vm.memory_error());
    };
    let cap = f.data.get().capacity();
    if end > cap {
        let new_cap = end.max(cap.saturating_mul(2));
        let a = vm.realloc_array(f.data.get(), new_cap)?;
        f.data.set(a);
    }
    let d = f.data.get();
    // Bytes between the old end and the write position read as zeros.
    for i in f.len.get()..pos {
        d.set(i, 0);
    }
    for (i, &b) in data.iter().enumerate() {
        d.set(pos + i, b);
    }
    f.pos.set(end);
    if end > f.len.get() {
        f.len.set(end);
    }
    Ok(Value::small_int(data.len() as isize).unwrap_or(Value::NONE))
}

fn mem_getvalue(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = this(vm, args[0])?;
    let data = m.bytes(0, m.f().len.get());
    result(vm, &m, &data)
}

fn mem_seek(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = this(vm, args[0])?;
    let off = arg_int(vm, args[1])?;
    let whence = match args.get(2) {
        Some(&w) => arg_int(vm, w)?,
        None => 0,
    };
    let f = m.f();
    let base = match whence {
        0 => 0isize,
        1 => f.pos.get() as isize,
        2 => f.len.get() as isize,
        _ => return Err(vm.os_error(22)),
    };
    let p = base.saturating_add(off);
    if p < 0 {
        return Err(vm.os_error(22)); // EINVAL, as for a real file
    }
    f.pos.set(p as usize);
    Ok(Value::small_int(p).unwrap_or(Value::NONE))
}

fn mem_tell(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = this(vm, args[0])?;
    Ok(Value::small_int(m.f().pos.get() as isize).unwrap_or(Value::NONE))
}

fn mem_flush(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, args[0])?;
    Ok(Value::NONE)
}

fn mem_close(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(m) = Mem::of(args[0]) {
        m.f().closed.set(true);
    }
    Ok(Value::NONE)
}

fn mem_enter(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(args[0])
}

fn mem_exit(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    mem_close(vm, &args[..1], kw)
}

fn mem_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = this(vm, args[0])?;
    let f = m.f();
    let pos = f.pos.get().min(f.len.get());
    let data = m.bytes(pos, f.len.get());
    let n = crate::obj::with_buffer_write(vm, args[1], |cells| {
        let k = cells.len().min(data.len());
        for (c, &b) in cells.iter().zip(data.iter()) {
            c.set(b);
        }
        k
    })?;
    match n {
        Some(k) => {
            f.pos.set(pos + k);
            Ok(Value::small_int_unchecked(k as isize))
        }
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn mem_getiter(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

fn mem_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let l = mem_readline(vm, &[v], &[])?;
    if vm.is_true(l)? {
        Ok(l)
    } else {
        Ok(Value::STOP)
    }
}

static MEM_READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, mem_read);
static MEM_READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, mem_readline);
static MEM_READLINES: BuiltinFn = BuiltinFn::new(Q::readlines, 1, 1, mem_readlines);
static MEM_READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, mem_readinto);
static MEM_WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 4, mem_write);
static MEM_GETVALUE: BuiltinFn = BuiltinFn::new(Q::getvalue, 1, 1, mem_getvalue);
static MEM_SEEK: BuiltinFn = BuiltinFn::new(Q::seek, 2, 3, mem_seek);
static MEM_TELL: BuiltinFn = BuiltinFn::new(Q::tell, 1, 1, mem_tell);
static MEM_FLUSH: BuiltinFn = BuiltinFn::new(Q::flush, 1, 1, mem_flush);
static MEM_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, mem_close);
static MEM_ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, mem_enter);
static MEM_EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 1, 4, mem_exit);

fixed_dict!(
    MEM_LOCALS,
    [
        (Q::read, fnv!(MEM_READ)),
        (Q::readinto, fnv!(MEM_READINTO)),
        (Q::readline, fnv!(MEM_READLINE)),
        (Q::readlines, fnv!(MEM_READLINES)),
        (Q::write, fnv!(MEM_WRITE)),
        (Q::getvalue, fnv!(MEM_GETVALUE)),
        (Q::seek, fnv!(MEM_SEEK)),
        (Q::tell, fnv!(MEM_TELL)),
        (Q::flush, fnv!(MEM_FLUSH)),
        (Q::close, fnv!(MEM_CLOSE)),
        (Q::__enter__, fnv!(MEM_ENTER)),
        (Q::__exit__, fnv!(MEM_EXIT)),
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
        (Q::FileIO, Value::from_static(&super::io::FILEIO_TYPE)),
        (
            Q::TextIOWrapper,
            Value::from_static(&super::io::TEXTIO_TYPE)
        ),
    ]
);

pub static IO_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::io,
    globals: &IO_GLOBALS,
    init: None,
    extensible: true,
};
