//! `tls` and `ssl` (also `ussl`): TLS over any stream, through the port's TLS sessions
//! ([`Net::tls_new`] and friends).
//!
//! `tls.SSLContext(protocol)` with `load_cert_chain(cert, key)`, `load_verify_locations(cadata)`
//! (bytes; `ssl`'s versions also take file names), `verify_mode`, and
//! `wrap_socket(sock, server_side=False, do_handshake_on_connect=True, server_hostname=None)`;
//! `ssl.wrap_socket(sock, server_side, key, cert, cert_reqs, cadata, server_hostname,
//! do_handshake)` as MicroPython's. A client context from `tls` verifies by default
//! (CERT_REQUIRED); one from `ssl` does not (CERT_NONE), as in MicroPython.
//!
//! The wrapped socket moves ciphertext through the underlying stream's own `read`/`write`
//! methods, so blocking, timeouts and non-blocking mode are the underlying socket's: in
//! non-blocking mode `read`/`write` return None when they would block, as other streams do.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::modules::builtins::{arg_int, arg_string, buffer_bytes, parse_kw};
use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::obj::{flags, AttrAction, BuiltinFn, Kw, PrintKind, Type};
use pyrite_core::types;
use pyrite_core::value::{ObjHeader, TypeRef, Value};
use pyrite_core::{fixed_dict, fnv, Gc, PyErr, PyResult, Qstr, Vm, Q};
use pyrite_hal::net::{TlsConfig, EAGAIN, POLLOUT};

use super::{
    with_net, MP_STREAM_CLOSE, MP_STREAM_GET_FILENO, MP_STREAM_POLL, STREAM_ENTER, STREAM_EXIT,
    STREAM_READ, STREAM_READINTO, STREAM_READLINE, STREAM_RECV, STREAM_WRITE,
};

const EIO: i32 = 5;
const ENOTCONN: i32 = 107;
const CERT_NONE: isize = 0;
const CERT_REQUIRED: isize = 2;

// ---- SSLContext ----

#[repr(C)]
pub struct ContextObj {
    pub hdr: ObjHeader,
    pub server: Cell<bool>,
    pub verify_mode: Cell<isize>,
    /// Made by `ssl.SSLContext`: file names are accepted where data is.
    pub files: Cell<bool>,
    /// Certificate chain and key (bytes) from load_cert_chain, or NULL.
    pub cert: Cell<Value>,
    pub key: Cell<Value>,
    /// CA data (bytes) from load_verify_locations, or NULL.
    pub cadata: Cell<Value>,
}
pyrite_core::py_object!(ContextObj, TLS_CONTEXT_TYPE);

pub static TLS_CONTEXT_TYPE: Type = Type {
    make_new: Some(tls_context_make_new),
    attr: Some(context_attr),
    ..Type::new(Q::SSLContext)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&CONTEXT_LOCALS);

fn context_of(vm: &mut Vm, v: Value) -> PyResult<Gc<ContextObj>> {
    match v.downcast::<ContextObj>() {
        Some(c) => Ok(c),
        None => Err(vm.type_error("expected an SSLContext")),
    }
}

fn new_context(vm: &mut Vm, server: bool, verify: isize, files: bool) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(ContextObj {
            hdr: ObjHeader::new(&TLS_CONTEXT_TYPE),
            server: Cell::new(server),
            verify_mode: Cell::new(verify),
            files: Cell::new(files),
            cert: Cell::new(Value::NULL),
            key: Cell::new(Value::NULL),
            cadata: Cell::new(Value::NULL),
        })?
        .value())
}

fn protocol_arg(vm: &mut Vm, args: &[Value]) -> PyResult<bool> {
    match args.first() {
        Some(&p) => match arg_int(vm, p)? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(vm.value_error("invalid protocol")),
        },
        None => Err(vm.type_error("SSLContext() needs a protocol")),
    }
}

fn tls_context_make_new(vm: &mut Vm, _t: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let server = protocol_arg(vm, args)?;
    let verify = if server { CERT_NONE } else { CERT_REQUIRED };
    new_context(vm, server, verify, false)
}

/// `ssl.SSLContext(protocol)`: CERT_NONE by default, file names accepted.
fn ssl_context_new(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let server = protocol_arg(vm, args)?;
    new_context(vm, server, CERT_NONE, true)
}
static SSL_CONTEXT_FN: BuiltinFn = BuiltinFn::new(Q::SSLContext, 1, 1, ssl_context_new);

fn context_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    if name != Q::verify_mode {
        return Ok(None);
    }
    let c = context_of(vm, v)?;
    match action {
        AttrAction::Load => Ok(Some(Value::small_int_unchecked(c.verify_mode.get()))),
        AttrAction::Store(x) => {
            let m = arg_int(vm, x)?;
            if !(0..=2).contains(&m) {
                return Err(vm.value_error("invalid verify_mode"));
            }
            c.verify_mode.set(m);
            Ok(Some(Value::NONE))
        }
        AttrAction::Delete => Ok(None),
    }
}

/// Bytes from a bytes-like argument, or (for `ssl` contexts) the contents of a named file.
fn data_or_file(vm: &mut Vm, v: Value, files: bool) -> PyResult<Value> {
    if files && types::str::is_str(v) {
        let path = arg_string(vm, v)?;
        return match vm.host.read_file(&path) {
            Some(d) => types::bytes::new_bytes(vm, &d),
            None => Err(vm.os_error(2)),
        };
    }
    match buffer_bytes(vm, v)? {
        Some(b) => types::bytes::new_bytes(vm, &b),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn ctx_load_cert_chain(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let c = context_of(vm, args[0])?;
    let files = c.files.get();
    let cert = data_or_file(vm, args[1], files)?;
    let key = data_or_file(vm, args[2], files)?;
    c.cert.set(cert);
    c.key.set(key);
    Ok(Value::NONE)
}

fn ctx_load_verify_locations(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let c = context_of(vm, args[0])?;
    let files = c.files.get();
    let mut o = [Value::NULL; 2];
    parse_kw(vm, kw, &[Q::cafile, Q::cadata], &mut o)?;
    // tls: load_verify_locations(cadata); ssl: load_verify_locations(cafile=None, cadata=None).
    if files {
        if let Some(&a) = args.get(1) {
            o[0] = a;
        }
        if let Some(&a) = args.get(2) {
            o[1] = a;
        }
    } else if let Some(&a) = args.get(1) {
        o[1] = a;
    }
    let data = if !o[0].is_null() && !o[0].is_none() {
        data_or_file(vm, o[0], true)?
    } else if !o[1].is_null() && !o[1].is_none() {
        data_or_file(vm, o[1], false)?
    } else {
        return Err(vm.type_error("cafile or cadata required"));
    };
    c.cadata.set(data);
    Ok(Value::NONE)
}

fn bytes_of(v: Value) -> Option<Vec<u8>> {
    types::bytes::bytes_obj(v).map(|b| b.items().to_vec())
}

fn ctx_wrap_socket(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let c = context_of(vm, args[0])?;
    let mut o = [Value::NULL; 3];
    parse_kw(
        vm,
        kw,
        &[
            Q::server_side,
            Q::do_handshake_on_connect,
            Q::server_hostname,
        ],
        &mut o,
    )?;
    for (i, &a) in args.iter().skip(2).enumerate().take(3) {
        o[i] = a;
    }
    let server_side = if o[0].is_null() {
        c.server.get()
    } else {
        vm.is_true(o[0])?
    };
    let handshake = o[1].is_null() || vm.is_true(o[1])?;
    let name = if o[2].is_null() || o[2].is_none() {
        None
    } else {
        Some(arg_string(vm, o[2])?)
    };
    let cfg = TlsConfig {
        server: server_side,
        verify: c.verify_mode.get() != CERT_NONE,
        ca_certs: bytes_of(c.cadata.get()).into_iter().collect(),
        cert_chain: bytes_of(c.cert.get()).into_iter().collect(),
        key: bytes_of(c.key.get()),
        server_name: name,
    };
    wrap(vm, args[1], &cfg, handshake)
}

static CTX_LOAD_CERT_CHAIN: BuiltinFn =
    BuiltinFn::new(Q::load_cert_chain, 3, 3, ctx_load_cert_chain);
static CTX_LOAD_VERIFY_LOCATIONS: BuiltinFn =
    BuiltinFn::new_kw(Q::load_verify_locations, 1, 3, ctx_load_verify_locations);
static CTX_WRAP_SOCKET: BuiltinFn = BuiltinFn::new_kw(Q::wrap_socket, 2, 5, ctx_wrap_socket);

fixed_dict!(
    CONTEXT_LOCALS,
    [
        (Q::load_cert_chain, fnv!(CTX_LOAD_CERT_CHAIN)),
        (Q::load_verify_locations, fnv!(CTX_LOAD_VERIFY_LOCATIONS)),
        (Q::wrap_socket, fnv!(CTX_WRAP_SOCKET)),
    ]
);

// ---- SSLSocket ----

#[repr(C)]
pub struct SslSocketObj {
    pub hdr: ObjHeader,
    /// The underlying stream.
    pub sock: Cell<Value>,
    /// The TLS session handle; -1 once closed.
    pub sess: Cell<i32>,
    /// Ciphertext taken from the session but not yet written (bytes), or NULL.
    pub pending: Cell<Value>,
}
pyrite_core::py_object!(SslSocketObj, SSL_SOCKET_TYPE);

pub static SSL_SOCKET_TYPE: Type = Type {
    print: Some(ssl_print),
    finalise: Some(ssl_finalise),
    ..Type::new(Q::SSLSocket)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&SSL_LOCALS);

fn ssl_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let s = v
        .downcast::<SslSocketObj>()
        .map(|s| s.sess.get())
        .unwrap_or(-1);
    out.push_str("<SSLSocket ");
    crate::push_dec(out, s as i64);
    out.push('>');
    Ok(())
}

fn ssl_finalise(vm: &mut Vm, v: Value) {
    if let Some(s) = v.downcast::<SslSocketObj>() {
        let t = s.sess.get();
        if t >= 0 {
            s.sess.set(-1);
            if let Some(n) = crate::platform(vm).and_then(|p| p.net()) {
                n.tls_free(t);
            }
        }
    }
}

#[cold]
fn tls_err(vm: &mut Vm, t: i32, errno: i32) -> PyErr {
    let text = with_net(vm, |n| Ok::<_, i32>(n.tls_error(t)))
        .ok()
        .and_then(|r| r.ok())
        .flatten();
    match text {
        Some(msg) => {
            let e = Value::small_int_unchecked(errno as isize);
            match types::str::new_str(vm, &msg) {
                Ok(m) => {
                    vm.new_exception_args(TypeRef::of_static(&types::exception::OS_ERROR), &[e, m])
                }
                Err(e) => e,
            }
        }
        None => vm.os_error(errno),
    }
}

fn wrap(vm: &mut Vm, sock: Value, cfg: &TlsConfig, handshake: bool) -> PyResult<Value> {
    let t = match with_net(vm, |n| n.tls_new(cfg))? {
        Ok(t) => t,
        Err(e) => return Err(tls_err(vm, -1, e)),
    };
    let s = match vm.alloc_obj_finalised(SslSocketObj {
        hdr: ObjHeader::new(&SSL_SOCKET_TYPE),
        sock: Cell::new(sock),
        sess: Cell::new(t),
        pending: Cell::new(Value::NULL),
    }) {
        Ok(s) => s,
        Err(e) => {
            let _ = with_net(vm, |n| {
                n.tls_free(t);
                Ok::<_, i32>(())
            });
            return Err(e);
        }
    };
    if handshake && !do_handshake(vm, &s)? {
        // Non-blocking socket: the handshake goes on in later reads and writes.
    }
    Ok(s.value())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<SslSocketObj>> {
    match v.downcast::<SslSocketObj>() {
        Some(s) => Ok(s),
        None => Err(vm.type_error("expected an SSLSocket")),
    }
}

fn sess(vm: &mut Vm, s: &SslSocketObj) -> PyResult<i32> {
    let t = s.sess.get();
    if t < 0 {
        return Err(vm.os_error(9));
    }
    Ok(t)
}

/// Write pending ciphertext to the underlying stream. Ok(true) when all is written, Ok(false)
/// if the stream would block.
fn flush_out(vm: &mut Vm, s: &SslSocketObj) -> PyResult<bool> {
    let t = sess(vm, s)?;
    loop {
        let mut data: Vec<u8> = bytes_of(s.pending.get()).unwrap_or_default();
        if data.is_empty() {
            let mut buf = vec![0u8; 16 * 1024];
            let n = match with_net(vm, |net| net.tls_take(t, &mut buf))? {
                Ok(n) => n,
                Err(e) => return Err(tls_err(vm, t, e)),
            };
            if n == 0 {
                s.pending.set(Value::NULL);
                return Ok(true);
            }
            data = buf[..n.min(buf.len())].to_vec();
        }
        let b = types::bytes::new_bytes(vm, &data)?;
        s.pending.set(b);
        let r = vm.call_method(s.sock.get(), Q::write, &[b])?;
        let written = if r.is_none() {
            0
        } else {
            arg_int(vm, r)?.max(0) as usize
        };
        if written >= data.len() {
            s.pending.set(Value::NULL);
            continue;
        }
        let rest = types::bytes::new_bytes(vm, &data[written..])?;
        s.pending.set(rest);
        if written == 0 {
            return Ok(false);
        }
    }
}

/// Read ciphertext from the stream into the session: Some(true) if some arrived, Some(false)
/// at end of stream, None if the stream would block.
fn fill_in(vm: &mut Vm, s: &SslSocketObj) -> PyResult<Option<bool>> {
    let t = sess(vm, s)?;
    let r = vm.call_method(
        s.sock.get(),
        Q::read,
        &[Value::small_int_unchecked(8 * 1024)],
    )?;
    if r.is_none() {
        return Ok(None);
    }
    let data = match buffer_bytes(vm, r)? {
        Some(d) => d,
        None => return Err(vm.type_error("stream read() must return bytes")),
    };
    if data.is_empty() {
        return Ok(Some(false));
    }
    let mut off = 0;
    while off < data.len() {
        let chunk = &data[off..];
        match with_net(vm, |n| n.tls_feed(t, chunk))? {
            // The session takes no more before its plaintext is read: cannot happen while
            // reads are at most 8 KiB and only made when no plaintext is waiting.
            Ok(0) => return Err(vm.os_error(EIO)),
            Ok(k) => off += k,
            Err(e) => {
                let _ = flush_out(vm, s);
                return Err(tls_err(vm, t, e));
            }
        }
    }
    Ok(Some(true))
}

/// Drive the handshake: Ok(true) when done, Ok(false) if the stream would block.
fn do_handshake(vm: &mut Vm, s: &SslSocketObj) -> PyResult<bool> {
    loop {
        if !flush_out(vm, s)? {
            return Ok(false);
        }
        let t = sess(vm, s)?;
        let hs = with_net(vm, |n| Ok::<_, i32>(n.tls_handshaking(t)))?.unwrap_or(false);
        if !hs {
            return Ok(true);
        }
        match fill_in(vm, s)? {
            None => return Ok(false),
            Some(false) => {
                return Err(vm.new_exception_args(
                    TypeRef::of_static(&types::exception::OS_ERROR),
                    &[Value::small_int_unchecked(ENOTCONN as isize)],
                ))
            }
            Some(true) => {}
        }
    }
}

/// Read plaintext into `buf`: Some(n) (0 at end of stream), None if the stream would block.
pub(super) fn read_into(vm: &mut Vm, s: &SslSocketObj, buf: &mut [u8]) -> PyResult<Option<usize>> {
    if !do_handshake(vm, s)? {
        return Ok(None);
    }
    let t = sess(vm, s)?;
    loop {
        match with_net(vm, |net| net.tls_read(t, buf))? {
            Ok(k) => return Ok(Some(k.min(buf.len()))),
            Err(EAGAIN) => {}
            Err(e) => return Err(tls_err(vm, t, e)),
        }
        if !flush_out(vm, s)? {
            return Ok(None);
        }
        match fill_in(vm, s)? {
            None => return Ok(None),
            Some(false) => return Ok(Some(0)),
            Some(true) => {}
        }
    }
}

/// Write all of `data` as far as the stream takes it: the count, None if the handshake could
/// not finish without blocking.
pub(super) fn write_all(vm: &mut Vm, s: &SslSocketObj, data: &[u8]) -> PyResult<Option<usize>> {
    if !do_handshake(vm, s)? {
        return Ok(None);
    }
    let t = sess(vm, s)?;
    let mut done = 0;
    while done < data.len() {
        let rest = &data[done..];
        match with_net(vm, |n| n.tls_write(t, rest))? {
            Ok(0) => {
                if !flush_out(vm, s)? {
                    break;
                }
            }
            Ok(k) => done += k,
            Err(e) => return Err(tls_err(vm, t, e)),
        }
        flush_out(vm, s)?;
    }
    flush_out(vm, s)?;
    Ok(Some(done))
}

fn ssl_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    close(vm, &s)?;
    Ok(Value::NONE)
}

/// Close the session (sending close_notify as far as it goes) and the underlying stream.
pub(super) fn close(vm: &mut Vm, s: &SslSocketObj) -> PyResult<()> {
    let t = s.sess.get();
    if t < 0 {
        return Ok(());
    }
    let _ = with_net(vm, |n| {
        n.tls_close(t);
        Ok::<_, i32>(())
    });
    // Best effort: the close_notify alert, then the underlying stream.
    let _ = flush_out(vm, s);
    s.sess.set(-1);
    let _ = with_net(vm, |n| {
        n.tls_free(t);
        Ok::<_, i32>(())
    });
    vm.call_method(s.sock.get(), Q::close, &[])?;
    Ok(())
}

fn ssl_setblocking(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    vm.call_method(s.sock.get(), Q::setblocking, &[args[1]])
}

fn ssl_settimeout(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    vm.call_method(s.sock.get(), Q::settimeout, &[args[1]])
}

fn ssl_do_handshake(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    do_handshake(vm, &s)?;
    Ok(Value::NONE)
}

/// `ioctl`: poll answers from the underlying stream (plaintext may also be waiting inside the
/// session, so a read should be tried when POLLIN is reported); close; get-fileno gives -1 so
/// pollers ask here rather than polling the descriptor directly.
fn ssl_ioctl(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    let req = arg_int(vm, args[1])?;
    let arg = match args.get(2) {
        Some(&a) => arg_int(vm, a)?,
        None => 0,
    };
    match req {
        MP_STREAM_POLL => {
            if s.sess.get() < 0 {
                return Ok(Value::small_int_unchecked(
                    pyrite_hal::net::POLLNVAL as isize,
                ));
            }
            // Our own ciphertext still waiting to go out: not writable yet.
            let mut want = arg;
            if want & POLLOUT as isize != 0 && !s.pending.get().is_null() && !flush_out(vm, &s)? {
                want &= !(POLLOUT as isize);
            }
            vm.call_method(
                s.sock.get(),
                Q::ioctl,
                &[
                    Value::small_int_unchecked(MP_STREAM_POLL),
                    Value::small_int_unchecked(want),
                ],
            )
        }
        MP_STREAM_CLOSE => {
            ssl_close(vm, &args[..1], &[])?;
            Ok(Value::small_int_unchecked(0))
        }
        MP_STREAM_GET_FILENO => Ok(Value::small_int_unchecked(-1)),
        _ => Err(vm.os_error(22)),
    }
}

static SSL_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, ssl_close);
static SSL_SETBLOCKING: BuiltinFn = BuiltinFn::new(Q::setblocking, 2, 2, ssl_setblocking);
static SSL_SETTIMEOUT: BuiltinFn = BuiltinFn::new(Q::settimeout, 2, 2, ssl_settimeout);
static SSL_DO_HANDSHAKE: BuiltinFn = BuiltinFn::new(Q::do_handshake, 1, 1, ssl_do_handshake);
static SSL_IOCTL: BuiltinFn = BuiltinFn::new(Q::ioctl, 2, 3, ssl_ioctl);

fixed_dict!(
    SSL_LOCALS,
    [
        (Q::read, fnv!(STREAM_READ)),
        (Q::recv, fnv!(STREAM_RECV)),
        (Q::readinto, fnv!(STREAM_READINTO)),
        (Q::readline, fnv!(STREAM_READLINE)),
        (Q::write, fnv!(STREAM_WRITE)),
        (Q::send, fnv!(STREAM_WRITE)),
        (Q::sendall, fnv!(STREAM_WRITE)),
        (Q::close, fnv!(SSL_CLOSE)),
        (Q::setblocking, fnv!(SSL_SETBLOCKING)),
        (Q::settimeout, fnv!(SSL_SETTIMEOUT)),
        (Q::do_handshake, fnv!(SSL_DO_HANDSHAKE)),
        (Q::ioctl, fnv!(SSL_IOCTL)),
        (Q::__enter__, fnv!(STREAM_ENTER)),
        (Q::__exit__, fnv!(STREAM_EXIT)),
    ]
);

// ---- ssl.wrap_socket ----

fn ssl_wrap_socket(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut o = [Value::NULL; 8];
    parse_kw(
        vm,
        kw,
        &[
            Q::sock,
            Q::server_side,
            Q::key,
            Q::cert,
            Q::cert_reqs,
            Q::cadata,
            Q::server_hostname,
            Q::do_handshake,
        ],
        &mut o,
    )?;
    for (i, &a) in args.iter().enumerate().take(8) {
        o[i] = a;
    }
    if o[0].is_null() {
        return Err(vm.type_error("wrap_socket() needs a socket"));
    }
    let given = |v: Value| !v.is_null() && !v.is_none();
    let server = given(o[1]) && vm.is_true(o[1])?;
    let key = if given(o[2]) {
        bytes_of(data_or_file(vm, o[2], true)?)
    } else {
        None
    };
    let cert = if given(o[3]) {
        bytes_of(data_or_file(vm, o[3], true)?)
    } else {
        None
    };
    let reqs = if given(o[4]) {
        arg_int(vm, o[4])?
    } else {
        CERT_NONE
    };
    let ca = if given(o[5]) {
        bytes_of(data_or_file(vm, o[5], false)?)
    } else {
        None
    };
    let name = if given(o[6]) {
        Some(arg_string(vm, o[6])?)
    } else {
        None
    };
    let handshake = !given(o[7]) || vm.is_true(o[7])?;
    let cfg = TlsConfig {
        server,
        verify: reqs != CERT_NONE,
        ca_certs: ca.into_iter().collect(),
        cert_chain: cert.into_iter().collect(),
        key,
        server_name: name,
    };
    wrap(vm, o[0], &cfg, handshake)
}

static WRAP_SOCKET: BuiltinFn = BuiltinFn::new_kw(Q::wrap_socket, 1, 8, ssl_wrap_socket);

const fn int(n: isize) -> Value {
    Value::small_int_unchecked(n)
}

fixed_dict!(
    TLS_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::tls)),
        (Q::SSLContext, Value::from_static(&TLS_CONTEXT_TYPE)),
        (Q::PROTOCOL_TLS_CLIENT, int(0)),
        (Q::PROTOCOL_TLS_SERVER, int(1)),
        (Q::CERT_NONE, int(0)),
        (Q::CERT_OPTIONAL, int(1)),
        (Q::CERT_REQUIRED, int(2)),
    ]
);

fixed_dict!(
    SSL_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::ssl)),
        (Q::SSLContext, fnv!(SSL_CONTEXT_FN)),
        (Q::wrap_socket, fnv!(WRAP_SOCKET)),
        (Q::PROTOCOL_TLS_CLIENT, int(0)),
        (Q::PROTOCOL_TLS_SERVER, int(1)),
        (Q::CERT_NONE, int(0)),
        (Q::CERT_OPTIONAL, int(1)),
        (Q::CERT_REQUIRED, int(2)),
    ]
);

/// Refuse the import (ImportError) on a port without TLS.
fn tls_init(vm: &mut Vm, _m: Value) -> PyResult<()> {
    let ok = crate::platform(vm)
        .and_then(|p| p.net())
        .is_some_and(|n| n.tls_available());
    if ok {
        Ok(())
    } else {
        Err(vm.new_exception(
            &types::exception::IMPORT_ERROR,
            "this build has no TLS (pyrite: cargo feature 'tls')",
        ))
    }
}

pub static TLS_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::tls,
    globals: &TLS_GLOBALS,
    init: Some(tls_init),
    extensible: false,
};

pub static SSL_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::ssl,
    globals: &SSL_GLOBALS,
    init: Some(tls_init),
    extensible: true,
};
