//! `micropython.RingIO`: a fixed-size byte FIFO with a non-blocking stream interface.
//!
//! As MicroPython's docs describe: `RingIO(size)` allocates `size + 1` bytes and can hold
//! `size` bytes; `RingIO(buffer)` uses a writable buffer in place and holds one byte less than
//! its length. Buffers must be 2..=65535 bytes (ValueError otherwise); a non-buffer, non-int
//! argument is a TypeError. Methods: `any()`, `read([n])`, `readline([n])`,
//! `readinto(buf[, n])`, `write(buf)`, `close()`; reads and writes never block (they move what
//! is available / what fits). `ioctl(req, arg)` answers the stream poll request (3) as
//! MicroPython's native stream protocol does, so `select.poll` and asyncio streams can wait
//! on a RingIO.

use crate::types::arg;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{with_buffer_read, with_buffer_write, BuiltinFn, Kw, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::arg_int;

const MP_STREAM_POLL: isize = 3;
const MP_STREAM_CLOSE: isize = 4;
const POLL_RD: isize = 0x0001;
const POLL_WR: isize = 0x0004;
const EINVAL: i32 = 22;

#[repr(C)]
pub struct RingIOObj {
    hdr: ObjHeader,
    /// The object whose buffer holds the bytes (the user's buffer, or our own bytearray).
    store: Value,
    size: usize,
    get: Cell<usize>,
    put: Cell<usize>,
}
crate::py_object!(RingIOObj, RINGIO_TYPE);

pub static RINGIO_TYPE: Type = Type {
    make_new: Some(ringio_make_new),
    ..Type::new(Q::RingIO)
}
.with_locals(&RINGIO_LOCALS);

fn ringio_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() != 1 || !kw.is_empty() {
        return Err(vm.type_error("function takes 1 positional arguments"));
    }
    let a = arg(args, 0);
    let len = with_buffer_write(vm, a, |c| c.len())?;
    let (store, size) = match len {
        Some(n) => (a, n),
        None => {
            let n = arg_int(vm, a)?;
            if !(1..=65534).contains(&n) {
                return Err(vm.value_error(""));
            }
            let n = n as usize + 1;
            super::binary::check_alloc(vm, n)?;
            let zeros = alloc::vec![0u8; n];
            (types::bytes::new_bytearray(vm, &zeros)?, n)
        }
    };
    if !(2..=65535).contains(&size) {
        return Err(vm.value_error(""));
    }
    Ok(vm
        .alloc_obj(RingIOObj {
            hdr: ObjHeader::new(&RINGIO_TYPE),
            store,
            size,
            get: Cell::new(0),
            put: Cell::new(0),
        })?
        .value())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<RingIOObj>> {
    match v.downcast::<RingIOObj>() {
        Some(r) => Ok(r),
        None => Err(vm.type_error("RingIO object required")),
    }
}

impl RingIOObj {
    fn avail(&self) -> usize {
        (self.put.get() + self.size - self.get.get()) % self.size
    }
    fn free(&self) -> usize {
        self.size - 1 - self.avail()
    }
}

/// Take up to `n` bytes (stopping after a newline if `line`).
fn take(vm: &mut Vm, r: Gc<RingIOObj>, n: usize, line: bool) -> PyResult<Vec<u8>> {
    let n = n.min(r.avail());
    let (size, start) = (r.size, r.get.get());
    let out = with_buffer_read(vm, r.store, |s| {
        let mut out = Vec::with_capacity(n);
        let mut i = start;
        while out.len() < n {
            let Some(&b) = s.get(i) else { break };
            push_byte(&mut out, b);
            i = (i + 1) % size;
            if line && b == b'\n' {
                break;
            }
        }
        out
    })?
    .unwrap_or_default();
    r.get.set((start + out.len()) % size);
    Ok(out)
}

/// An optional size argument (absent, None or negative: no limit).
fn limit(vm: &mut Vm, v: Option<&Value>) -> PyResult<usize> {
    match v {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            Ok(if n < 0 { usize::MAX } else { n as usize })
        }
        _ => Ok(usize::MAX),
    }
}

fn m_any(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = this(vm, arg(args, 0))?;
    Ok(Value::small_int_unchecked(r.avail() as isize))
}

fn m_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = this(vm, arg(args, 0))?;
    let n = limit(vm, args.get(1))?;
    let data = take(vm, r, n, false)?;
    types::bytes::new_bytes(vm, &data)
}

fn m_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = this(vm, arg(args, 0))?;
    let n = limit(vm, args.get(1))?;
    let data = take(vm, r, n, true)?;
    types::bytes::new_bytes(vm, &data)
}

fn m_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = this(vm, arg(args, 0))?;
    let Some(cap) = with_buffer_write(vm, arg(args, 1), |c| c.len())? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let n = limit(vm, args.get(2))?.min(cap);
    let data = take(vm, r, n, false)?;
    with_buffer_write(vm, arg(args, 1), |c| {
        for (cell, &b) in c.iter().zip(data.iter()) {
            cell.set(b);
        }
    })?;
    Ok(Value::small_int_unchecked(data.len() as isize))
}

fn m_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = this(vm, arg(args, 0))?;
    let Some(mut data) = with_buffer_read(vm, arg(args, 1), bytes_vec)? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    // write(buf, max_len) / write(buf, off, len), as MicroPython's stream write.
    match (args.get(2), args.get(3)) {
        (Some(&a), None) => {
            let n = arg_int(vm, a)?.max(0) as usize;
            data.truncate(n);
        }
        (Some(&a), Some(&b)) => {
            let off = (arg_int(vm, a)?.max(0) as usize).min(data.len());
            let n = arg_int(vm, b)?.max(0) as usize;
            data.drain(..off);
            data.truncate(n);
        }
        _ => {}
    }
    let n = data.len().min(r.free());
    let (size, start) = (r.size, r.put.get());
    with_buffer_write(vm, r.store, |c| {
        let mut i = start;
        for &b in &data[..n] {
            if let Some(cell) = c.get(i) {
                cell.set(b);
            }
            i = (i + 1) % size;
        }
    })?;
    r.put.set((start + n) % size);
    Ok(Value::small_int_unchecked(n as isize))
}

fn m_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, arg(args, 0))?;
    Ok(Value::NONE)
}

fn m_ioctl(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = this(vm, arg(args, 0))?;
    let req = arg_int(vm, arg(args, 1))?;
    let arg = match args.get(2) {
        Some(&a) => arg_int(vm, a)?,
        None => 0,
    };
    match req {
        MP_STREAM_POLL => {
            let mut ret = 0;
            if arg & POLL_RD != 0 && r.avail() > 0 {
                ret |= POLL_RD;
            }
            if arg & POLL_WR != 0 && r.free() > 0 {
                ret |= POLL_WR;
            }
            Ok(Value::small_int_unchecked(ret))
        }
        MP_STREAM_CLOSE => Ok(Value::small_int_unchecked(0)),
        _ => Err(vm.os_error(EINVAL)),
    }
}

static ANY: BuiltinFn = BuiltinFn::new(Q::any, 1, 1, m_any);
static READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, m_read);
static READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, m_readline);
static READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, m_readinto);
static WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 4, m_write);
static CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, m_close);
static IOCTL: BuiltinFn = BuiltinFn::new(Q::ioctl, 2, 3, m_ioctl);

fixed_dict!(
    RINGIO_LOCALS,
    [
        (Q::any, fnv!(ANY)),
        (Q::read, fnv!(READ)),
        (Q::readline, fnv!(READLINE)),
        (Q::readinto, fnv!(READINTO)),
        (Q::write, fnv!(WRITE)),
        (Q::close, fnv!(CLOSE)),
        (Q::ioctl, fnv!(IOCTL)),
    ]
);
