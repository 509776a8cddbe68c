//! `socket` (also `usocket`): TCP and UDP sockets over the port's [`Net`].
//!
//! Every HAL socket is non-blocking; this module provides blocking, timeouts and Ctrl-C by
//! waiting with [`Net::poll`] in slices of at most [`SLICE_MS`] and checking the host's
//! interrupt flag between them. Modes (MicroPython's): blocking (`settimeout(None)`, the
//! default), non-blocking (`settimeout(0)`/`setblocking(False)`: `recv`/`accept`/`send` raise
//! `OSError(EAGAIN)`, the stream methods `read`/`readinto`/`readline`/`write` return None), and
//! timeout (`settimeout(t)`: `OSError(ETIMEDOUT)` when `t` seconds pass).
//!
//! Addresses are `(host, port)` tuples (`(host, port, flowinfo, scope_id)` for IPv6) as in
//! CPython; `getaddrinfo` returns them. The raw `struct sockaddr` bytes that MicroPython's unix
//! port uses are accepted as well.
//!
//! Sockets are streams: they have `read`/`readinto`/`readline`/`write` and `ioctl` (poll,
//! close, get-fileno requests, numbered as MicroPython's stream ioctls), so Python code and
//! `select` treat them like any stream. A socket is closed when it is collected.
//!
//! Contract for others: [`SocketObj`], [`SOCKET_TYPE`], [`socket_handle`].

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::modules::builtins::{arg_int, arg_string, buffer_bytes, parse_kw, size_arg};
use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use pyrite_core::types;
use pyrite_core::value::{ObjHeader, TypeRef, Value};
use pyrite_core::{fixed_dict, fnv, Gc, PyErr, PyResult, Q};
use pyrite_core::{Qstr, Vm};
use pyrite_hal::net::{
    AddrInfo, IpAddr, Net, PollFd, SockAddr, AF_INET, AF_INET6, EAGAIN, EBADF, EINPROGRESS, EINVAL,
    POLLIN, POLLOUT, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM,
};

/// Longest single wait (ms) before checking for Ctrl-C again.
pub const SLICE_MS: u64 = 50;

const ENODEV: i32 = 19;
const ETIMEDOUT: i32 = 110;

/// MicroPython's stream ioctl requests.
pub const MP_STREAM_POLL: isize = 3;
pub const MP_STREAM_CLOSE: isize = 4;
pub const MP_STREAM_GET_FILENO: isize = 10;

/// A socket.
#[repr(C)]
pub struct SocketObj {
    pub hdr: ObjHeader,
    /// The HAL handle; -1 once closed.
    pub fd: Cell<i32>,
    pub family: Cell<i32>,
    pub kind: Cell<i32>,
    pub proto: Cell<i32>,
    /// -1: blocking; 0: non-blocking; > 0: timeout in milliseconds.
    pub timeout_ms: Cell<i64>,
}
pyrite_core::py_object!(SocketObj, SOCKET_TYPE);

pub static SOCKET_TYPE: Type = Type {
    make_new: Some(socket_make_new),
    print: Some(socket_print),
    getiter: Some(socket_getiter),
    iternext: Some(socket_iternext),
    finalise: Some(socket_finalise),
    ..Type::new(Q::socket)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&SOCKET_LOCALS);

/// The handle of socket `v` (-1 if closed), or None if `v` is not a socket.
pub fn socket_handle(v: Value) -> Option<i32> {
    v.downcast::<SocketObj>().map(|s| s.fd.get())
}

// ---- access to the HAL ----

/// The port's network stack, if it has one.
fn net(vm: &mut Vm) -> Option<&mut dyn Net> {
    crate::platform(vm).and_then(|p| p.net())
}

#[cold]
fn no_net(vm: &mut Vm) -> PyErr {
    vm.os_error(ENODEV)
}

/// Run `f` on the port's network stack (OSError(ENODEV) if the port has none).
#[inline]
pub(crate) fn with_net<R>(
    vm: &mut Vm,
    f: impl FnOnce(&mut dyn Net) -> Result<R, i32>,
) -> PyResult<Result<R, i32>> {
    match net(vm) {
        Some(n) => Ok(f(n)),
        None => Err(no_net(vm)),
    }
}

/// Run `f` on the network stack, turning an errno into OSError.
#[inline]
fn net_do<R>(vm: &mut Vm, f: impl FnOnce(&mut dyn Net) -> Result<R, i32>) -> PyResult<R> {
    match with_net(vm, f)? {
        Ok(r) => Ok(r),
        Err(e) => Err(vm.os_error(e)),
    }
}

/// KeyboardInterrupt if Ctrl-C arrived.
pub(crate) fn check_interrupt(vm: &mut Vm) -> PyResult<()> {
    if vm.host.take_interrupt() {
        return Err(vm.new_exception_args(
            TypeRef::of_static(&types::exception::KEYBOARD_INTERRUPT),
            &[],
        ));
    }
    Ok(())
}

fn sock(vm: &mut Vm, v: Value) -> PyResult<pyrite_core::Gc<SocketObj>> {
    match v.downcast::<SocketObj>() {
        Some(s) => Ok(s),
        None => {
            let n = pyrite_core::types::class::native_part(v);
            match n.downcast::<SocketObj>() {
                Some(s) => Ok(s),
                None => Err(vm.type_error("expected a socket")),
            }
        }
    }
}

/// The open handle of socket `v`, or OSError(EBADF).
fn open_fd(vm: &mut Vm, s: &SocketObj) -> PyResult<i32> {
    let fd = s.fd.get();
    if fd < 0 {
        return Err(vm.os_error(EBADF));
    }
    Ok(fd)
}

/// Wait on the port's poll for `fds`, at most `ms` milliseconds; returns how many entries are
/// ready (0 is also an early return: callers loop). While other Python threads (`_thread`)
/// exist, the port is only asked without waiting and the other threads run meanwhile, for at
/// most a couple of milliseconds before the next check.
pub(crate) fn net_wait(vm: &mut Vm, fds: &mut [PollFd], ms: u64) -> PyResult<usize> {
    let others = vm.interp.threads.len() > 1;
    let wait = if others {
        0
    } else {
        ms.min(i32::MAX as u64) as i32
    };
    let r = match with_net(vm, |n| n.poll(fds, wait))? {
        Ok(k) => k,
        Err(e) => return Err(vm.os_error(e)),
    };
    if r == 0 && others && ms > 0 {
        pyrite_core::interp::thread::sleep_us(vm, ms.min(2) * 1000, false)?;
    }
    Ok(r)
}

/// Wait until handle `fd` is ready for `events`, for at most `timeout_ms` (negative: no
/// limit). Ok(true) when ready, Ok(false) on timeout. Ctrl-C raises KeyboardInterrupt.
pub(crate) fn wait_fd(vm: &mut Vm, fd: i32, events: u16, timeout_ms: i64) -> PyResult<bool> {
    let deadline = if timeout_ms >= 0 {
        Some(
            vm.host
                .ticks_us()
                .saturating_add((timeout_ms as u64).saturating_mul(1000)),
        )
    } else {
        None
    };
    let mut first = true;
    loop {
        let slice = match deadline {
            Some(d) => {
                let now = vm.host.ticks_us();
                if now >= d {
                    return Ok(false);
                }
                (d - now).div_ceil(1000).min(SLICE_MS)
            }
            None => SLICE_MS,
        };
        // Other `_thread` threads run while this one waits.
        let slice = pyrite_core::interp::thread::io_wait_slice(vm, slice, first)?;
        first = false;
        let mut fds = [PollFd {
            handle: fd,
            events,
            revents: 0,
        }];
        let k = net_wait(vm, &mut fds, slice)?;
        check_interrupt(vm)?;
        if k > 0 {
            return Ok(true);
        }
    }
}

/// Do `op` on socket `s`, waiting for `events` while it says EAGAIN according to the socket's
/// mode. Ok(None): non-blocking and nothing could be done (EAGAIN). Timeout raises
/// OSError(ETIMEDOUT); other errors raise OSError.
fn io_op(
    vm: &mut Vm,
    s: &SocketObj,
    events: u16,
    op: &mut dyn FnMut(&mut dyn Net, i32) -> Result<usize, i32>,
) -> PyResult<Option<usize>> {
    let fd = open_fd(vm, s)?;
    let t = s.timeout_ms.get();
    let deadline = if t > 0 {
        Some(vm.host.ticks_us().saturating_add((t as u64) * 1000))
    } else {
        None
    };
    loop {
        match with_net(vm, |n| op(n, fd))? {
            Ok(r) => return Ok(Some(r)),
            Err(EAGAIN) => {}
            Err(e) => return Err(vm.os_error(e)),
        }
        if t == 0 {
            return Ok(None);
        }
        let left = match deadline {
            Some(d) => {
                let now = vm.host.ticks_us();
                if now >= d {
                    return Err(vm.os_error(ETIMEDOUT));
                }
                ((d - now).div_ceil(1000)) as i64
            }
            None => -1,
        };
        if !wait_fd(vm, fd, events, left)? {
            return Err(vm.os_error(ETIMEDOUT));
        }
    }
}

/// As [`io_op`], but non-blocking EAGAIN raises OSError(EAGAIN) (the socket methods).
fn io_op_raise(
    vm: &mut Vm,
    s: &SocketObj,
    events: u16,
    op: &mut dyn FnMut(&mut dyn Net, i32) -> Result<usize, i32>,
) -> PyResult<usize> {
    match io_op(vm, s, events, op)? {
        Some(r) => Ok(r),
        None => Err(vm.os_error(EAGAIN)),
    }
}

// ---- addresses ----

fn fmt_ip(ip: &IpAddr) -> String {
    let mut out = String::new();
    match ip {
        IpAddr::V4(b) => {
            for (i, &x) in b.iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                crate::push_num(&mut out, x as u64, 10);
            }
        }
        IpAddr::V6(b) => {
            let mut g = [0u16; 8];
            for (i, x) in g.iter_mut().enumerate() {
                *x = u16::from_be_bytes([b[2 * i], b[2 * i + 1]]);
            }
            // Longest run of zero groups (length >= 2) becomes "::".
            let (mut best, mut best_len, mut cur, mut cur_len) = (0usize, 0usize, 0usize, 0usize);
            for (i, &x) in g.iter().enumerate() {
                if x == 0 {
                    if cur_len == 0 {
                        cur = i;
                    }
                    cur_len += 1;
                    if cur_len > best_len {
                        best = cur;
                        best_len = cur_len;
                    }
                } else {
                    cur_len = 0;
                }
            }
            let mut i = 0;
            while i < 8 {
                if best_len >= 2 && i == best {
                    out.push_str("::");
                    i += best_len;
                    continue;
                }
                if !out.is_empty() && !out.ends_with(':') {
                    out.push(':');
                }
                crate::push_num(&mut out, g[i] as u64, 16);
                i += 1;
            }
        }
    }
    out
}

/// The value of 1 to `max` digits in base `radix` (no sign), if that is all `s` holds.
fn parse_digits(s: &str, radix: u32, max: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max {
        return None;
    }
    let mut v = 0u32;
    for c in s.chars() {
        v = v * radix + c.to_digit(radix)?;
    }
    Some(v)
}

fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let mut out = [0u8; 4];
    let mut n = 0;
    for part in s.split('.') {
        let v = parse_digits(part, 10, 3)?;
        *out.get_mut(n)? = u8::try_from(v).ok()?;
        n += 1;
    }
    (n == 4).then_some(out)
}

fn parse_ipv6(s: &str) -> Option<[u8; 16]> {
    let (head, tail) = match s.find("::") {
        Some(i) => (&s[..i], Some(&s[i + 2..])),
        None => (s, None),
    };
    /// The groups of `p` into `out`: how many (None if malformed or too many).
    fn groups(p: &str, out: &mut [u16]) -> Option<usize> {
        if p.is_empty() {
            return Some(0);
        }
        let mut n = 0;
        for g in p.split(':') {
            *out.get_mut(n)? = parse_digits(g, 16, 4)? as u16;
            n += 1;
        }
        Some(n)
    }
    let mut g = [0u16; 8];
    let h = groups(head, &mut g)?;
    match tail {
        Some(t) => {
            let mut tg = [0u16; 8];
            let k = groups(t, &mut tg)?;
            if h + k > 7 {
                return None;
            }
            g[8 - k..].copy_from_slice(&tg[..k]);
        }
        None if h != 8 => return None,
        None => {}
    }
    let mut out = [0u8; 16];
    for (i, x) in g.iter().enumerate() {
        out[2 * i..2 * i + 2].copy_from_slice(&x.to_be_bytes());
    }
    Some(out)
}

/// A Python address tuple for `a`.
pub(crate) fn addr_to_value(vm: &mut Vm, a: &SockAddr) -> PyResult<Value> {
    let host = types::str::new_str(vm, &fmt_ip(&a.ip))?;
    let port = Value::small_int_unchecked(a.port as isize);
    match a.ip {
        IpAddr::V4(_) => types::tuple::new_tuple(vm, &[host, port]),
        IpAddr::V6(_) => types::tuple::new_tuple(
            vm,
            &[
                host,
                port,
                Value::small_int_unchecked(0),
                Value::small_int_unchecked(0),
            ],
        ),
    }
}

/// Resolve `host` for a socket of `family` (numeric addresses directly, names through
/// getaddrinfo).
fn resolve_host(vm: &mut Vm, host: &str, port: u16, family: i32) -> PyResult<SockAddr> {
    let host = if host.is_empty() {
        if family == AF_INET6 {
            "::"
        } else {
            "0.0.0.0"
        }
    } else {
        host
    };
    if let Some(ip) = parse_ipv4(host) {
        return Ok(SockAddr {
            ip: IpAddr::V4(ip),
            port,
        });
    }
    if let Some(ip) = parse_ipv6(host) {
        return Ok(SockAddr {
            ip: IpAddr::V6(ip),
            port,
        });
    }
    let list = match with_net(vm, |n| n.getaddrinfo(host, port, family, 0, 0, 0))? {
        Ok(l) => l,
        Err(e) => return Err(addrinfo_error(vm, e)),
    };
    match list.first() {
        Some(ai) => Ok(ai.addr),
        None => Err(addrinfo_error(vm, -2)),
    }
}

#[cold]
fn addrinfo_error(vm: &mut Vm, code: i32) -> PyErr {
    let mut msg = String::from("[addrinfo error ");
    crate::push_dec(&mut msg, code as i64);
    msg.push(']');
    vm.new_exception(&types::exception::OS_ERROR, &msg)
}

/// An address argument: a `(host, port[, ...])` tuple, or raw `struct sockaddr` bytes.
fn value_to_addr(vm: &mut Vm, v: Value, family: i32) -> PyResult<SockAddr> {
    if let Some(t) = types::tuple::tuple_items(v) {
        let items: Vec<Value> = t.items().to_vec();
        if items.len() < 2 {
            return Err(vm.type_error("address must be a (host, port) tuple"));
        }
        let host = arg_string(vm, items[0])?;
        let port = arg_int(vm, items[1])?;
        if !(0..=65535).contains(&port) {
            return Err(vm.new_exception(&types::exception::OVERFLOW_ERROR, "port must be 0-65535"));
        }
        return resolve_host(vm, &host, port as u16, family);
    }
    if let Some(b) = buffer_bytes(vm, v)? {
        // struct sockaddr_in / sockaddr_in6 as Linux lays them out (family in host order).
        if b.len() >= 8 && u16::from_ne_bytes([b[0], b[1]]) as i32 == AF_INET {
            return Ok(SockAddr {
                ip: IpAddr::V4([b[4], b[5], b[6], b[7]]),
                port: u16::from_be_bytes([b[2], b[3]]),
            });
        }
        if b.len() >= 24 && u16::from_ne_bytes([b[0], b[1]]) as i32 == AF_INET6 {
            let mut ip = [0u8; 16];
            ip.copy_from_slice(&b[8..24]);
            return Ok(SockAddr {
                ip: IpAddr::V6(ip),
                port: u16::from_be_bytes([b[2], b[3]]),
            });
        }
        return Err(vm.value_error("invalid sockaddr"));
    }
    Err(vm.type_error("address must be a (host, port) tuple"))
}

// ---- the socket type ----

fn socket_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut opts = [Value::NULL; 3];
    parse_kw(vm, kw, &[Q::af, Q::r#type, Q::proto], &mut opts)?;
    if args.len() > 3 {
        return Err(vm.type_error("function expected at most 3 arguments"));
    }
    for (i, &a) in args.iter().enumerate() {
        opts[i] = a;
    }
    let family = if opts[0].is_null() {
        AF_INET
    } else {
        arg_i32(vm, opts[0])?
    };
    let kind = if opts[1].is_null() {
        SOCK_STREAM
    } else {
        arg_i32(vm, opts[1])?
    };
    let proto = if opts[2].is_null() {
        0
    } else {
        arg_i32(vm, opts[2])?
    };
    let fd = net_do(vm, |n| n.socket(family, kind, proto))?;
    new_socket(vm, fd, family, kind, proto)
}

fn new_socket(vm: &mut Vm, fd: i32, family: i32, kind: i32, proto: i32) -> PyResult<Value> {
    let r = vm.alloc_obj_finalised(SocketObj {
        hdr: ObjHeader::new(&SOCKET_TYPE),
        fd: Cell::new(fd),
        family: Cell::new(family),
        kind: Cell::new(kind),
        proto: Cell::new(proto),
        timeout_ms: Cell::new(-1),
    });
    match r {
        Ok(s) => Ok(s.value()),
        Err(e) => {
            let _ = with_net(vm, |n| n.close(fd));
            Err(e)
        }
    }
}

fn socket_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let fd = socket_handle(v).unwrap_or(-1);
    out.push_str("<_socket ");
    crate::push_dec(out, fd as i64);
    out.push('>');
    Ok(())
}

fn socket_finalise(vm: &mut Vm, v: Value) {
    if let Some(s) = v.downcast::<SocketObj>() {
        let fd = s.fd.get();
        if fd >= 0 {
            s.fd.set(-1);
            if let Some(n) = crate::platform(vm).and_then(|p| p.net()) {
                let _ = n.close(fd);
            }
        }
    }
}

fn socket_getiter(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

fn socket_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let line = stream_readline(vm, &[v], &[])?;
    if line.is_none() || vm.len(line)? == 0 {
        return Ok(Value::STOP);
    }
    Ok(line)
}

fn small(n: usize) -> Value {
    Value::small_int(n as isize).unwrap_or(Value::NONE)
}

fn socket_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    close(vm, &s)?;
    Ok(Value::NONE)
}

fn close(vm: &mut Vm, s: &SocketObj) -> PyResult<()> {
    let fd = s.fd.get();
    if fd >= 0 {
        s.fd.set(-1);
        net_do(vm, |n| n.close(fd))?;
    }
    Ok(())
}

fn socket_fileno(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    Ok(Value::small_int_unchecked(s.fd.get() as isize))
}

fn socket_bind(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let fd = open_fd(vm, &s)?;
    let a = value_to_addr(vm, args[1], s.family.get())?;
    net_do(vm, |n| n.bind(fd, &a))?;
    Ok(Value::NONE)
}

fn socket_listen(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let fd = open_fd(vm, &s)?;
    let backlog = match args.get(1) {
        Some(&b) => arg_int(vm, b)?.clamp(0, 128) as i32,
        None => 2,
    };
    net_do(vm, |n| n.listen(fd, backlog))?;
    Ok(Value::NONE)
}

fn socket_accept(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let mut got = None;
    io_op_raise(vm, &s, POLLIN, &mut |n, fd| {
        got = Some(n.accept(fd)?);
        Ok(0)
    })?;
    let Some((nfd, addr)) = got else {
        return Err(vm.os_error(EAGAIN));
    };
    let ns = new_socket(vm, nfd, s.family.get(), s.kind.get(), s.proto.get())?;
    let a = addr_to_value(vm, &addr)?;
    types::tuple::new_tuple(vm, &[ns, a])
}

fn socket_connect(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let fd = open_fd(vm, &s)?;
    let a = value_to_addr(vm, args[1], s.family.get())?;
    match with_net(vm, |n| n.connect(fd, &a))? {
        Ok(()) => return Ok(Value::NONE),
        Err(EINPROGRESS) => {}
        Err(e) => return Err(vm.os_error(e)),
    }
    let t = s.timeout_ms.get();
    if t == 0 {
        return Err(vm.os_error(EINPROGRESS));
    }
    if !wait_fd(vm, fd, POLLOUT, t)? {
        return Err(vm.os_error(ETIMEDOUT));
    }
    let err = net_do(vm, |n| n.take_error(fd))?;
    if err != 0 {
        return Err(vm.os_error(err));
    }
    Ok(Value::NONE)
}

/// An int argument that must fit a C int (OverflowError otherwise).
fn arg_i32(vm: &mut Vm, v: Value) -> PyResult<i32> {
    let n = arg_int(vm, v)?;
    match i32::try_from(n) {
        Ok(n) => Ok(n),
        Err(_) => Err(vm.new_exception(
            &types::exception::OVERFLOW_ERROR,
            "value out of range for a C int",
        )),
    }
}

/// The bytes of a buffer argument.
fn data_arg(vm: &mut Vm, v: Value) -> PyResult<Vec<u8>> {
    match buffer_bytes(vm, v)? {
        Some(b) => Ok(b),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn socket_send(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let data = data_arg(vm, args[1])?;
    let n = io_op_raise(vm, &s, POLLOUT, &mut |n, fd| n.send(fd, &data))?;
    Ok(small(n))
}

/// Write all of `data` (blocking modes) or what fits now (non-blocking): returns the count,
/// None if non-blocking and nothing could be written.
fn write_all(vm: &mut Vm, s: &SocketObj, data: &[u8]) -> PyResult<Option<usize>> {
    let mut done = 0;
    while done < data.len() {
        let rest = &data[done..];
        match io_op(vm, s, POLLOUT, &mut |n, fd| n.send(fd, rest))? {
            Some(k) => done += k,
            None => {
                return Ok(if done == 0 { None } else { Some(done) });
            }
        }
    }
    Ok(Some(done))
}

fn socket_sendall(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let data = data_arg(vm, args[1])?;
    match write_all(vm, &s, &data)? {
        Some(_) => Ok(Value::NONE),
        None => Err(vm.os_error(EAGAIN)),
    }
}

fn socket_sendto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let data = data_arg(vm, args[1])?;
    let a = value_to_addr(vm, args[2], s.family.get())?;
    let n = io_op_raise(vm, &s, POLLOUT, &mut |n, fd| n.sendto(fd, &data, &a))?;
    Ok(small(n))
}

/// Largest single receive we allocate for.
const MAX_CHUNK: usize = 1 << 20;

fn socket_recvfrom(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let n = arg_int(vm, args[1])?.max(0) as usize;
    let mut buf = vec![0u8; n.min(MAX_CHUNK)];
    let mut addr = None;
    let k = io_op_raise(vm, &s, POLLIN, &mut |net, fd| {
        let (k, a) = net.recvfrom(fd, &mut buf)?;
        addr = Some(a);
        Ok(k)
    })?;
    let Some(addr) = addr else {
        return Err(vm.os_error(EAGAIN));
    };
    let data = types::bytes::new_bytes(vm, &buf[..k.min(buf.len())])?;
    let a = addr_to_value(vm, &addr)?;
    types::tuple::new_tuple(vm, &[data, a])
}

// ---- streams: sockets and TLS sockets ----

/// What the stream methods (`read`, `readinto`, `readline`, `write`, `recv`) work on: a
/// socket, or a TLS socket over another stream (socket/tls.rs).
#[derive(Clone, Copy)]
enum Stream {
    Sock(Gc<SocketObj>),
    Tls(Gc<tls::SslSocketObj>),
}

fn stream(vm: &mut Vm, v: Value) -> PyResult<Stream> {
    if let Some(t) = v.downcast::<tls::SslSocketObj>() {
        return Ok(Stream::Tls(t));
    }
    sock(vm, v).map(Stream::Sock)
}

impl Stream {
    /// Receive up to `buf.len()` bytes: Some(n) (0 at end of stream), None if non-blocking and
    /// nothing has arrived.
    fn recv(self, vm: &mut Vm, buf: &mut [u8]) -> PyResult<Option<usize>> {
        let k = match self {
            Stream::Sock(s) => io_op(vm, &s, POLLIN, &mut |net, fd| net.recv(fd, buf))?,
            Stream::Tls(t) => tls::read_into(vm, &t, buf)?,
        };
        Ok(k.map(|k| k.min(buf.len())))
    }

    /// Up to `n` bytes as [`Stream::recv`] receives them.
    fn recv_bytes(self, vm: &mut Vm, n: usize) -> PyResult<Option<Vec<u8>>> {
        let mut buf = vec![0u8; n.min(MAX_CHUNK)];
        Ok(self.recv(vm, &mut buf)?.map(|k| {
            buf.truncate(k);
            buf
        }))
    }

    /// Send all of `data` (blocking modes) or what can be sent now: the count, None if
    /// non-blocking and nothing could be sent.
    fn send_all(self, vm: &mut Vm, data: &[u8]) -> PyResult<Option<usize>> {
        match self {
            Stream::Sock(s) => write_all(vm, &s, data),
            Stream::Tls(t) => tls::write_all(vm, &t, data),
        }
    }
}

/// `read([n])`: one receive of up to `n` bytes, or everything up to end of stream without `n`.
/// None in non-blocking mode when nothing has arrived.
fn stream_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = stream(vm, args[0])?;
    let data = match size_arg(vm, args.get(1))? {
        Some(n) => s.recv_bytes(vm, n)?,
        None => {
            let mut out = Vec::new();
            loop {
                match s.recv_bytes(vm, 4096)? {
                    Some(d) if d.is_empty() => break,
                    Some(d) => out.extend_from_slice(&d),
                    None if out.is_empty() => return Ok(Value::NONE),
                    None => break,
                }
            }
            Some(out)
        }
    };
    match data {
        Some(d) => types::bytes::new_bytes(vm, &d),
        None => Ok(Value::NONE),
    }
}

/// `recv(n)`: as `read(n)`, but non-blocking mode raises OSError(EAGAIN) when nothing has
/// arrived.
fn stream_recv(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = stream(vm, args[0])?;
    let n = arg_int(vm, args[1])?.max(0) as usize;
    match s.recv_bytes(vm, n)? {
        Some(d) => types::bytes::new_bytes(vm, &d),
        None => Err(vm.os_error(EAGAIN)),
    }
}

fn stream_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = stream(vm, args[0])?;
    let cap = vm.len(args[1])?;
    let n = match size_arg(vm, args.get(2))? {
        Some(n) => n.min(cap),
        None => cap,
    };
    let Some(data) = s.recv_bytes(vm, n)? else {
        return Ok(Value::NONE);
    };
    let copied = pyrite_core::obj::with_buffer_write(vm, args[1], |cells| {
        for (c, &b) in cells.iter().zip(data.iter()) {
            c.set(b);
        }
        cells.len().min(data.len())
    })?;
    match copied {
        Some(k) => Ok(small(k)),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

/// `readline([limit])`: bytes up to and including `\n` (fewer at end of stream or limit).
fn stream_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = stream(vm, args[0])?;
    let limit = size_arg(vm, args.get(1))?;
    let mut out = Vec::new();
    loop {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let mut b = [0u8; 1];
        match s.recv(vm, &mut b)? {
            Some(0) => break,
            Some(_) => {
                out.push(b[0]);
                if b[0] == b'\n' {
                    break;
                }
            }
            None if out.is_empty() => return Ok(Value::NONE),
            None => break,
        }
    }
    types::bytes::new_bytes(vm, &out)
}

/// `write(buf[, max_len])` or `write(buf, offset, max_len)`, as MicroPython's streams: the
/// count written, None if non-blocking and nothing could be.
fn stream_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = stream(vm, args[0])?;
    let data = if let Some(t) = types::str::str_data(vm, args[1]) {
        t.as_str().as_bytes().to_vec()
    } else {
        data_arg(vm, args[1])?
    };
    let (off, len) = match args.len() {
        3 => (0, arg_int(vm, args[2])?),
        4 => (arg_int(vm, args[2])?, arg_int(vm, args[3])?),
        _ => (0, data.len() as isize),
    };
    let off = (off.max(0) as usize).min(data.len());
    let end = off.saturating_add(len.max(0) as usize).min(data.len());
    let data = &data[off..end];
    Ok(s.send_all(vm, data)?.map(small).unwrap_or(Value::NONE))
}

fn stream_enter(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(args[0])
}

fn stream_exit(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match stream(vm, args[0])? {
        Stream::Sock(s) => close(vm, &s)?,
        Stream::Tls(t) => tls::close(vm, &t)?,
    }
    Ok(Value::NONE)
}

pub(crate) static STREAM_READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, stream_read);
pub(crate) static STREAM_RECV: BuiltinFn = BuiltinFn::new(Q::recv, 2, 2, stream_recv);
pub(crate) static STREAM_READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, stream_readinto);
pub(crate) static STREAM_READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, stream_readline);
pub(crate) static STREAM_WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 4, stream_write);
pub(crate) static STREAM_ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, stream_enter);
pub(crate) static STREAM_EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 1, 4, stream_exit);

fn socket_setsockopt(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let fd = open_fd(vm, &s)?;
    let level = arg_i32(vm, args[1])?;
    let opt = arg_i32(vm, args[2])?;
    let v = args[3];
    let bytes: Vec<u8> = if v.is_small_int() || v.is_bool() || types::int::is_int(v) {
        arg_i32(vm, v)?.to_ne_bytes().to_vec()
    } else {
        data_arg(vm, v)?
    };
    net_do(vm, |n| n.setsockopt(fd, level, opt, &bytes))?;
    Ok(Value::NONE)
}

fn socket_settimeout(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let v = args[1];
    if v.is_none() {
        s.timeout_ms.set(-1);
        return Ok(Value::NONE);
    }
    let secs = types::float::value_to_f64(vm, v)?;
    if secs.is_nan() || secs < 0.0 {
        return Err(vm.value_error("Timeout value must be a non-negative number"));
    }
    let ms = secs * 1000.0;
    let ms = if ms > 1e15 { 1e15 } else { ms };
    let ms = ms as i64;
    // A positive timeout shorter than 1 ms still waits.
    s.timeout_ms.set(if secs > 0.0 && ms == 0 { 1 } else { ms });
    Ok(Value::NONE)
}

fn socket_setblocking(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let b = vm.is_true(args[1])?;
    s.timeout_ms.set(if b { -1 } else { 0 });
    Ok(Value::NONE)
}

fn socket_makefile(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    sock(vm, args[0])?;
    Ok(args[0])
}

/// The socket's own (`peer` false) or its peer's address.
fn sock_address(vm: &mut Vm, args: &[Value], peer: bool) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let fd = open_fd(vm, &s)?;
    let a = net_do(vm, |n| match peer {
        true => n.getpeername(fd),
        false => n.getsockname(fd),
    })?;
    addr_to_value(vm, &a)
}

fn socket_getsockname(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    sock_address(vm, args, false)
}

fn socket_getpeername(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    sock_address(vm, args, true)
}

fn socket_shutdown(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let fd = open_fd(vm, &s)?;
    let how = arg_i32(vm, args[1])?;
    net_do(vm, |n| n.shutdown(fd, how))?;
    Ok(Value::NONE)
}

/// Poll handle `fd` now for `events`: the ready flags.
pub(crate) fn poll_now(vm: &mut Vm, fd: i32, events: u16) -> PyResult<u16> {
    let mut fds = [PollFd {
        handle: fd,
        events,
        revents: 0,
    }];
    net_do(vm, |n| n.poll(&mut fds, 0))?;
    Ok(fds[0].revents)
}

/// `ioctl(request, arg)`: MicroPython's stream requests poll (3), close (4), get-fileno (10).
fn socket_ioctl(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = sock(vm, args[0])?;
    let req = arg_int(vm, args[1])?;
    let arg = match args.get(2) {
        Some(&a) => arg_int(vm, a)?,
        None => 0,
    };
    match req {
        MP_STREAM_POLL => {
            let fd = s.fd.get();
            if fd < 0 {
                return Ok(Value::small_int_unchecked(
                    pyrite_hal::net::POLLNVAL as isize,
                ));
            }
            let r = poll_now(vm, fd, (arg & 0xffff) as u16)?;
            Ok(Value::small_int_unchecked(r as isize))
        }
        MP_STREAM_CLOSE => {
            socket_close(vm, &args[..1], &[])?;
            Ok(Value::small_int_unchecked(0))
        }
        MP_STREAM_GET_FILENO => Ok(Value::small_int_unchecked(s.fd.get() as isize)),
        _ => Err(vm.os_error(EINVAL)),
    }
}

static SOCKET_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, socket_close);
static SOCKET_FILENO: BuiltinFn = BuiltinFn::new(Q::fileno, 1, 1, socket_fileno);
static SOCKET_BIND: BuiltinFn = BuiltinFn::new(Q::bind, 2, 2, socket_bind);
static SOCKET_LISTEN: BuiltinFn = BuiltinFn::new(Q::listen, 1, 2, socket_listen);
static SOCKET_ACCEPT: BuiltinFn = BuiltinFn::new(Q::accept, 1, 1, socket_accept);
static SOCKET_CONNECT: BuiltinFn = BuiltinFn::new(Q::connect, 2, 2, socket_connect);
static SOCKET_SEND: BuiltinFn = BuiltinFn::new(Q::send, 2, 2, socket_send);
static SOCKET_SENDALL: BuiltinFn = BuiltinFn::new(Q::sendall, 2, 2, socket_sendall);
static SOCKET_SENDTO: BuiltinFn = BuiltinFn::new(Q::sendto, 3, 3, socket_sendto);
static SOCKET_RECVFROM: BuiltinFn = BuiltinFn::new(Q::recvfrom, 2, 2, socket_recvfrom);
static SOCKET_SETSOCKOPT: BuiltinFn = BuiltinFn::new(Q::setsockopt, 4, 4, socket_setsockopt);
static SOCKET_SETTIMEOUT: BuiltinFn = BuiltinFn::new(Q::settimeout, 2, 2, socket_settimeout);
static SOCKET_SETBLOCKING: BuiltinFn = BuiltinFn::new(Q::setblocking, 2, 2, socket_setblocking);
static SOCKET_MAKEFILE: BuiltinFn = BuiltinFn::new_kw(Q::makefile, 1, 3, socket_makefile);
static SOCKET_GETSOCKNAME: BuiltinFn = BuiltinFn::new(Q::getsockname, 1, 1, socket_getsockname);
static SOCKET_GETPEERNAME: BuiltinFn = BuiltinFn::new(Q::getpeername, 1, 1, socket_getpeername);
static SOCKET_SHUTDOWN: BuiltinFn = BuiltinFn::new(Q::shutdown, 2, 2, socket_shutdown);
static SOCKET_IOCTL: BuiltinFn = BuiltinFn::new(Q::ioctl, 2, 3, socket_ioctl);

fixed_dict!(
    SOCKET_LOCALS,
    [
        (Q::close, fnv!(SOCKET_CLOSE)),
        (Q::fileno, fnv!(SOCKET_FILENO)),
        (Q::bind, fnv!(SOCKET_BIND)),
        (Q::listen, fnv!(SOCKET_LISTEN)),
        (Q::accept, fnv!(SOCKET_ACCEPT)),
        (Q::connect, fnv!(SOCKET_CONNECT)),
        (Q::send, fnv!(SOCKET_SEND)),
        (Q::sendall, fnv!(SOCKET_SENDALL)),
        (Q::sendto, fnv!(SOCKET_SENDTO)),
        (Q::recv, fnv!(STREAM_RECV)),
        (Q::recvfrom, fnv!(SOCKET_RECVFROM)),
        (Q::read, fnv!(STREAM_READ)),
        (Q::readinto, fnv!(STREAM_READINTO)),
        (Q::readline, fnv!(STREAM_READLINE)),
        (Q::write, fnv!(STREAM_WRITE)),
        (Q::setsockopt, fnv!(SOCKET_SETSOCKOPT)),
        (Q::settimeout, fnv!(SOCKET_SETTIMEOUT)),
        (Q::setblocking, fnv!(SOCKET_SETBLOCKING)),
        (Q::makefile, fnv!(SOCKET_MAKEFILE)),
        (Q::getsockname, fnv!(SOCKET_GETSOCKNAME)),
        (Q::getpeername, fnv!(SOCKET_GETPEERNAME)),
        (Q::shutdown, fnv!(SOCKET_SHUTDOWN)),
        (Q::ioctl, fnv!(SOCKET_IOCTL)),
        (Q::__enter__, fnv!(STREAM_ENTER)),
        (Q::__exit__, fnv!(STREAM_EXIT)),
    ]
);

// ---- module functions ----

/// `getaddrinfo(host, port, af=0, type=0, proto=0, flags=0)`: a list of
/// `(family, type, proto, canonname, sockaddr)`.
fn socket_getaddrinfo(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut o = [Value::NULL; 6];
    parse_kw(
        vm,
        kw,
        &[Q::host, Q::port, Q::af, Q::r#type, Q::proto, Q::flags],
        &mut o,
    )?;
    for (i, &a) in args.iter().enumerate().take(6) {
        o[i] = a;
    }
    if o[0].is_null() || o[1].is_null() {
        return Err(vm.type_error("function missing required positional arguments"));
    }
    let host = if o[0].is_none() {
        String::new()
    } else {
        arg_string(vm, o[0])?
    };
    let port = if o[1].is_none() {
        0
    } else if let Some(p) = types::str::str_data(vm, o[1]) {
        let t = String::from(p.as_str());
        match t.parse::<u16>() {
            Ok(p) => p,
            Err(_) => return Err(addrinfo_error(vm, -8)),
        }
    } else {
        let p = arg_int(vm, o[1])?;
        if !(0..=65535).contains(&p) {
            return Err(vm.new_exception(&types::exception::OVERFLOW_ERROR, "port must be 0-65535"));
        }
        p as u16
    };
    let mut nums = [0i32; 4];
    for (i, n) in nums.iter_mut().enumerate() {
        let v = o[2 + i];
        if !v.is_null() && !v.is_none() {
            *n = arg_i32(vm, v)?;
        }
    }
    let [family, kind, proto, fl] = nums;
    let list: Vec<AddrInfo> = if let Some(ip) = parse_ipv4(&host) {
        // Numeric addresses need no resolver (and work without one).
        let kinds: &[(i32, i32)] = if kind != 0 {
            &[(kind, proto)]
        } else {
            &[(SOCK_STREAM, 6), (SOCK_DGRAM, 17), (SOCK_RAW, 0)]
        };
        if family != 0 && family != AF_INET {
            return Err(addrinfo_error(vm, -9));
        }
        kinds
            .iter()
            .map(|&(k, p)| AddrInfo {
                family: AF_INET,
                kind: k,
                proto: if kind != 0 { proto } else { p },
                addr: SockAddr {
                    ip: IpAddr::V4(ip),
                    port,
                },
            })
            .collect()
    } else {
        match with_net(vm, |n| n.getaddrinfo(&host, port, family, kind, proto, fl))? {
            Ok(l) => l,
            Err(e) => return Err(addrinfo_error(vm, e)),
        }
    };
    let out = types::list::new_list(vm, &[])?;
    for ai in list {
        let a = addr_to_value(vm, &ai.addr)?;
        let t = types::tuple::new_tuple(
            vm,
            &[
                Value::small_int_unchecked(ai.family as isize),
                Value::small_int_unchecked(ai.kind as isize),
                Value::small_int_unchecked(ai.proto as isize),
                Value::qstr(Q::EMPTY),
                a,
            ],
        )?;
        types::list::list_append(vm, out, t)?;
    }
    Ok(out)
}

/// `inet_pton(af, text)`: the packed address bytes.
fn socket_inet_pton(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let af = arg_i32(vm, args[0])?;
    let text = arg_string(vm, args[1])?;
    let r: Option<Vec<u8>> = match af {
        AF_INET => parse_ipv4(&text).map(|b| b.to_vec()),
        AF_INET6 => parse_ipv6(&text).map(|b| b.to_vec()),
        _ => None,
    };
    match r {
        Some(b) => types::bytes::new_bytes(vm, &b),
        None => Err(vm.os_error(EINVAL)),
    }
}

/// `inet_ntop(af, packed)`: the address as text.
fn socket_inet_ntop(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let af = arg_i32(vm, args[0])?;
    let b = data_arg(vm, args[1])?;
    let ip = match (af, b.len()) {
        (AF_INET, 4) => IpAddr::V4([b[0], b[1], b[2], b[3]]),
        (AF_INET6, 16) => {
            let mut a = [0u8; 16];
            a.copy_from_slice(&b);
            IpAddr::V6(a)
        }
        _ => return Err(vm.os_error(EINVAL)),
    };
    types::str::new_str(vm, &fmt_ip(&ip))
}

static GETADDRINFO: BuiltinFn = BuiltinFn::new_kw(Q::getaddrinfo, 2, 6, socket_getaddrinfo);
static INET_PTON: BuiltinFn = BuiltinFn::new(Q::inet_pton, 2, 2, socket_inet_pton);
static INET_NTOP: BuiltinFn = BuiltinFn::new(Q::inet_ntop, 2, 2, socket_inet_ntop);

const fn int(n: isize) -> Value {
    Value::small_int_unchecked(n)
}

fixed_dict!(
    SOCKET_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::socket)),
        (Q::socket, Value::from_static(&SOCKET_TYPE)),
        (Q::getaddrinfo, fnv!(GETADDRINFO)),
        (Q::inet_pton, fnv!(INET_PTON)),
        (Q::inet_ntop, fnv!(INET_NTOP)),
        (Q::AF_INET, int(2)),
        (Q::AF_INET6, int(10)),
        (Q::SOCK_STREAM, int(1)),
        (Q::SOCK_DGRAM, int(2)),
        (Q::SOCK_RAW, int(3)),
        (Q::IPPROTO_IP, int(0)),
        (Q::IPPROTO_TCP, int(6)),
        (Q::IPPROTO_UDP, int(17)),
        (Q::IPPROTO_IPV6, int(41)),
        (Q::SOL_SOCKET, int(1)),
        (Q::SO_REUSEADDR, int(2)),
        (Q::SO_ERROR, int(4)),
        (Q::SO_BROADCAST, int(6)),
        (Q::SO_SNDBUF, int(7)),
        (Q::SO_RCVBUF, int(8)),
        (Q::SO_KEEPALIVE, int(9)),
        (Q::SO_LINGER, int(13)),
        (Q::TCP_NODELAY, int(1)),
        (Q::IP_MULTICAST_TTL, int(33)),
        (Q::IP_MULTICAST_LOOP, int(34)),
        (Q::IP_ADD_MEMBERSHIP, int(35)),
        (Q::IP_DROP_MEMBERSHIP, int(36)),
        (Q::MSG_PEEK, int(2)),
        (Q::MSG_DONTROUTE, int(4)),
        (Q::MSG_DONTWAIT, int(0x40)),
    ]
);

pub static SOCKET_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::socket,
    globals: &SOCKET_GLOBALS,
    init: None,
    extensible: true,
};

/// Modules defined in this file.
pub static MODULES: &[&BuiltinModuleDef] = &[&SOCKET_MODULE, &tls::TLS_MODULE, &tls::SSL_MODULE];

pub mod tls;

#[allow(dead_code)]
const _Q: [Qstr; 1] = [Q::socket];
