//! The `websocket` module: MicroPython's internal websocket stream (used by WebREPL).
//!
//! `websocket.websocket(stream, is_client=False)` wraps a stream (a socket, io.BytesIO...) and
//! speaks RFC 6455 framing over it: `read([n])`, `readinto(buf[, n])` and `readline()` return
//! the payload of incoming data frames (continuation frames are joined; masked payloads are
//! unmasked), `write(buf)` sends one frame (text by default; `ioctl(9, 2)` switches to binary),
//! `ioctl(request[, arg])`, `close()`.
//!
//! As in MicroPython: a 64-bit payload length is not supported (`OSError(EIO)`), frames of
//! 64 KiB or more cannot be written (`OSError(ENOBUFS)`), a close frame is answered with a
//! close frame and then reads as end of stream, ping and pong frames are skipped. A client
//! (`is_client=True`) masks what it writes, as the RFC requires (MicroPython does not), and
//! writes in blocking mode (`setblocking(True)`, then `setblocking(False)`) when the stream
//! has `setblocking`.

use crate::types::arg;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, with_buffer_read, with_buffer_write, BuiltinFn, Kw, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, size_arg};
use super::streamcall;
use super::BuiltinModuleDef;

const EIO: i32 = 5;
const EINVAL: i32 = 22;
const ENOBUFS: i32 = 105;

const OP_TEXT: u8 = 1;
const OP_CLOSE: u8 = 8;

/// Stream ioctl requests (MicroPython's numbering).
const IOCTL_POLL: isize = 3;
const IOCTL_CLOSE: isize = 4;
const IOCTL_GET_DATA_OPTS: isize = 8;
const IOCTL_SET_DATA_OPTS: isize = 9;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading the 2-byte frame header.
    Header,
    /// Reading the extended length and mask (`need` bytes).
    Opt,
    /// Returning a data frame's payload.
    Payload,
    /// Reading (and dropping) a control frame's payload.
    Control,
}

#[repr(C)]
pub struct WebsocketObj {
    pub hdr: ObjHeader,
    sock: Cell<Value>,
    state: Cell<State>,
    /// Header bytes collected so far (2 + up to 2 length + 4 mask).
    head: Cell<[u8; 8]>,
    have: Cell<u8>,
    need: Cell<u8>,
    /// Payload bytes left in the current frame.
    to_recv: Cell<u32>,
    mask: Cell<[u8; 4]>,
    masked: Cell<bool>,
    mask_pos: Cell<u8>,
    /// First header byte of the last frame received.
    last_flags: Cell<u8>,
    /// Opcode for frames we write (1 text, 2 binary).
    opts: Cell<u8>,
    is_client: Cell<bool>,
    rng: Cell<u32>,
}
crate::py_object!(WebsocketObj, WEBSOCKET_TYPE);

pub static WEBSOCKET_TYPE: Type = Type {
    make_new: Some(ws_make_new),
    ..Type::new(Q::websocket)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&WS_LOCALS);

fn ws_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.is_empty() || args.len() > 2 {
        return Err(vm.type_error("websocket(stream, is_client=False)"));
    }
    let is_client = match args.get(1) {
        Some(&c) => vm.is_true(c)?,
        None => false,
    };
    let o = vm.alloc_obj(WebsocketObj {
        hdr: ObjHeader::new(&WEBSOCKET_TYPE),
        sock: Cell::new(arg(args, 0)),
        state: Cell::new(State::Header),
        head: Cell::new([0; 8]),
        have: Cell::new(0),
        need: Cell::new(2),
        to_recv: Cell::new(0),
        mask: Cell::new([0; 4]),
        masked: Cell::new(false),
        mask_pos: Cell::new(0),
        last_flags: Cell::new(0),
        opts: Cell::new(OP_TEXT),
        is_client: Cell::new(is_client),
        rng: Cell::new(0x9e37_79b9 ^ (arg(args, 0).word() as u32)),
    })?;
    Ok(o.value())
}

fn ws(vm: &mut Vm, v: Value) -> PyResult<Gc<WebsocketObj>> {
    match v.downcast::<WebsocketObj>() {
        Some(w) => Ok(w),
        None => Err(vm.type_error("expected a websocket")),
    }
}

impl WebsocketObj {
    fn unmask(&self, data: &mut [u8]) {
        if !self.masked.get() {
            return;
        }
        let m = self.mask.get();
        let mut p = self.mask_pos.get() as usize;
        for b in data.iter_mut() {
            *b ^= m[p & 3];
            p += 1;
        }
        self.mask_pos.set((p & 3) as u8);
    }

    /// Start reading a new frame header.
    fn next_frame(&self) {
        self.state.set(State::Header);
        self.have.set(0);
        self.need.set(2);
    }

    /// A header is complete: work out the length, mask and kind of the frame.
    fn parse_header(&self, vm: &mut Vm) -> PyResult<()> {
        let h = self.head.get();
        let len7 = h[1] & 0x7f;
        let masked = h[1] & 0x80 != 0;
        if self.state.get() == State::Header {
            self.last_flags.set(h[0]);
            if len7 == 127 {
                // 64-bit lengths are not supported (the framing is lost).
                return Err(vm.os_error(EIO));
            }
            let extra = if len7 == 126 { 2 } else { 0 } + if masked { 4 } else { 0 };
            if extra > 0 {
                self.state.set(State::Opt);
                self.need.set(2 + extra);
                return Ok(());
            }
        }
        let mut p = 2;
        let len = if len7 == 126 {
            p = 4;
            u16::from_be_bytes([h[2], h[3]]) as u32
        } else {
            len7 as u32
        };
        self.masked.set(masked);
        if masked {
            self.mask.set([h[p], h[p + 1], h[p + 2], h[p + 3]]);
        }
        self.mask_pos.set(0);
        self.to_recv.set(len);
        self.state.set(if h[0] & 0x0f >= 8 {
            State::Control
        } else {
            State::Payload
        });
        Ok(())
    }

    /// Payload bytes of at most one frame, up to `max`: `None` if the stream has no data
    /// now, empty at the end of the stream (or after a close frame).
    fn read_some(&self, vm: &mut Vm, max: usize) -> PyResult<Option<Vec<u8>>> {
        let sock = self.sock.get();
        loop {
            match self.state.get() {
                State::Header | State::Opt => {
                    let (have, need) = (self.have.get() as usize, self.need.get() as usize);
                    if have < need {
                        let Some(got) = streamcall::read(vm, sock, need - have)? else {
                            return Ok(None);
                        };
                        if got.is_empty() {
                            return Ok(Some(got));
                        }
                        let mut h = self.head.get();
                        for (k, &b) in got.iter().take(need - have).enumerate() {
                            h[have + k] = b;
                        }
                        self.head.set(h);
                        self.have.set((have + got.len().min(need - have)) as u8);
                        continue;
                    }
                    self.parse_header(vm)?;
                }
                State::Payload => {
                    let left = self.to_recv.get() as usize;
                    if left == 0 {
                        self.next_frame();
                        continue;
                    }
                    if max == 0 {
                        return Ok(Some(Vec::new()));
                    }
                    let Some(mut got) = streamcall::read(vm, sock, left.min(max))? else {
                        return Ok(None);
                    };
                    if got.is_empty() {
                        return Ok(Some(got));
                    }
                    got.truncate(left);
                    self.unmask(&mut got);
                    self.to_recv.set((left - got.len()) as u32);
                    if left == got.len() {
                        self.next_frame();
                    }
                    return Ok(Some(got));
                }
                State::Control => {
                    let left = self.to_recv.get() as usize;
                    if left > 0 {
                        let Some(got) = streamcall::read(vm, sock, left)? else {
                            return Ok(None);
                        };
                        if got.is_empty() {
                            return Ok(Some(got));
                        }
                        self.to_recv.set(left.saturating_sub(got.len()) as u32);
                        continue;
                    }
                    self.next_frame();
                    if self.last_flags.get() & 0x0f == OP_CLOSE {
                        streamcall::write(vm, sock, &[0x88, 0x00])?;
                        return Ok(Some(Vec::new()));
                    }
                }
            }
        }
    }

    /// Read up to `n` bytes (all until the end when None) across frames.
    fn read_n(&self, vm: &mut Vm, n: Option<usize>) -> PyResult<Option<Vec<u8>>> {
        let mut out = Vec::new();
        loop {
            let want = match n {
                Some(n) if out.len() >= n => break,
                Some(n) => n - out.len(),
                None => 4096,
            };
            match self.read_some(vm, want)? {
                None if out.is_empty() => return Ok(None),
                None => break,
                Some(b) if b.is_empty() => break,
                Some(b) => push_bytes(&mut out, &b),
            }
        }
        Ok(Some(out))
    }

    fn next_mask(&self) -> [u8; 4] {
        let mut x = self.rng.get();
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.rng.set(x);
        x.to_le_bytes()
    }
}

fn bytes_or_none(vm: &mut Vm, r: Option<Vec<u8>>) -> PyResult<Value> {
    match r {
        Some(b) => types::bytes::new_bytes(vm, &b),
        None => Ok(Value::NONE),
    }
}

fn m_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let w = ws(vm, arg(args, 0))?;
    let n = size_arg(vm, args.get(1))?;
    let r = w.read_n(vm, n)?;
    bytes_or_none(vm, r)
}

fn m_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let w = ws(vm, arg(args, 0))?;
    let Some(room) = with_buffer_write(vm, arg(args, 1), |c| c.len())? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let n = size_arg(vm, args.get(2))?.unwrap_or(room).min(room);
    let Some(data) = w.read_n(vm, Some(n))? else {
        return Ok(Value::NONE);
    };
    with_buffer_write(vm, arg(args, 1), |c| {
        for (cell, &b) in c.iter().zip(data.iter()) {
            cell.set(b);
        }
    })?;
    Ok(Value::small_int_unchecked(data.len() as isize))
}

fn m_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let w = ws(vm, arg(args, 0))?;
    let limit = size_arg(vm, args.get(1))?;
    let mut out = Vec::new();
    while limit.is_none_or(|l| out.len() < l) {
        match w.read_some(vm, 1)? {
            None if out.is_empty() => return Ok(Value::NONE),
            None => break,
            Some(b) if b.is_empty() => break,
            Some(b) => {
                push_bytes(&mut out, &b);
                if b.last() == Some(&b'\n') {
                    break;
                }
            }
        }
    }
    types::bytes::new_bytes(vm, &out)
}

fn m_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let w = ws(vm, arg(args, 0))?;
    let data = match with_buffer_read(vm, arg(args, 1), bytes_vec)? {
        Some(b) => b,
        None => match types::str::str_data(vm, arg(args, 1)) {
            Some(s) => bytes_vec(s.as_bytes()),
            None => return Err(vm.type_error("object with buffer protocol required")),
        },
    };
    let n = data.len();
    if n >= 65536 {
        return Err(vm.os_error(ENOBUFS));
    }
    let client = w.is_client.get();
    let mut frame = Vec::with_capacity(n + 8);
    push_byte(&mut frame, 0x80 | (w.opts.get() & 0x0f));
    let mbit = if client { 0x80 } else { 0 };
    if n < 126 {
        push_byte(&mut frame, mbit | n as u8);
    } else {
        push_byte(&mut frame, mbit | 126);
        push_bytes(&mut frame, &(n as u16).to_be_bytes());
    }
    if client {
        let m = w.next_mask();
        push_bytes(&mut frame, &m);
        frame.extend(data.iter().enumerate().map(|(k, &b)| b ^ m[k & 3]));
    } else {
        push_bytes(&mut frame, &data);
    }
    // As MicroPython, a client writes its frame in blocking mode and leaves the socket
    // non-blocking afterwards (streams without setblocking are written as they are).
    let sock = w.sock.get();
    let blocking = client && vm.load_attr_maybe(sock, Q::setblocking)?.is_some();
    if blocking {
        vm.call_method(sock, Q::setblocking, &[Value::TRUE])?;
    }
    streamcall::write(vm, sock, &frame)?;
    if blocking {
        vm.call_method(sock, Q::setblocking, &[Value::FALSE])?;
    }
    Ok(Value::small_int_unchecked(n as isize))
}

fn m_ioctl(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let w = ws(vm, arg(args, 0))?;
    let req = arg_int(vm, arg(args, 1))?;
    let arg = match args.get(2) {
        Some(&a) if types::int::is_int(a) => arg_int(vm, a)?,
        _ => 0,
    };
    match req {
        IOCTL_GET_DATA_OPTS => Ok(Value::small_int_unchecked(
            (w.last_flags.get() & 0x0f) as isize,
        )),
        IOCTL_SET_DATA_OPTS => {
            let old = w.opts.get() & 0x0f;
            w.opts.set((arg & 0x0f) as u8);
            Ok(Value::small_int_unchecked(old as isize))
        }
        IOCTL_CLOSE => {
            vm.call_method(w.sock.get(), Q::close, &[])?;
            Ok(Value::small_int_unchecked(0))
        }
        IOCTL_POLL => {
            let rest: Vec<Value> = args[1..].to_vec();
            vm.call_method(w.sock.get(), Q::ioctl, &rest)
        }
        _ => Err(vm.os_error(EINVAL)),
    }
}

fn m_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let w = ws(vm, arg(args, 0))?;
    vm.call_method(w.sock.get(), Q::close, &[])?;
    Ok(Value::NONE)
}

static READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, m_read);
static READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, m_readinto);
static READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, m_readline);
static WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 2, m_write);
static IOCTL: BuiltinFn = BuiltinFn::new(Q::ioctl, 2, 3, m_ioctl);
static CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, m_close);

fixed_dict!(
    WS_LOCALS,
    [
        (Q::read, fnv!(READ)),
        (Q::readinto, fnv!(READINTO)),
        (Q::readline, fnv!(READLINE)),
        (Q::write, fnv!(WRITE)),
        (Q::ioctl, fnv!(IOCTL)),
        (Q::close, fnv!(CLOSE)),
    ]
);

fixed_dict!(
    WEBSOCKET_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::websocket)),
        (Q::websocket, Value::from_static(&WEBSOCKET_TYPE)),
    ]
);

pub static WEBSOCKET_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::websocket,
    globals: &WEBSOCKET_GLOBALS,
    init: None,
    extensible: false,
};
