//! Sockets (`socket` and `select` in pyrite-extmod).
//!
//! A socket is named by a *handle*, a small integer >= 0 chosen by the implementation (on the
//! unix host: the OS file descriptor, so `socket.fileno()` is a real descriptor). Every socket
//! an implementation makes is **non-blocking**: calls that cannot complete at once fail with
//! `EAGAIN` (or `EINPROGRESS` for `connect`), and pyrite-extmod waits with [`Net::poll`]. That
//! keeps blocking, timeouts and Ctrl-C in one place (the module), the same for every port.
//!
//! Numbers (families, types, option levels and names, poll flags, errno values) are Linux's,
//! which are also what MicroPython's `socket`/`select`/`errno` modules use.

use alloc::string::String;
use alloc::vec::Vec;

use crate::HalResult;

pub const AF_INET: i32 = 2;
pub const AF_INET6: i32 = 10;
pub const SOCK_STREAM: i32 = 1;
pub const SOCK_DGRAM: i32 = 2;
pub const SOCK_RAW: i32 = 3;

/// Readable (or a connection waiting to be accepted, or end of stream).
pub const POLLIN: u16 = 0x001;
/// Writable (or a non-blocking connect finished).
pub const POLLOUT: u16 = 0x004;
/// An error is pending.
pub const POLLERR: u16 = 0x008;
/// The peer hung up.
pub const POLLHUP: u16 = 0x010;
/// The handle is not open.
pub const POLLNVAL: u16 = 0x020;

pub const EAGAIN: i32 = 11;
pub const EBADF: i32 = 9;
pub const EINVAL: i32 = 22;
pub const EINTR: i32 = 4;
pub const EINPROGRESS: i32 = 115;
pub const EALREADY: i32 = 114;
pub const EISCONN: i32 = 106;
pub const ENOTCONN: i32 = 107;
pub const ETIMEDOUT: i32 = 110;
pub const EOPNOTSUPP: i32 = 95;

/// An IP address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpAddr {
    V4([u8; 4]),
    V6([u8; 16]),
}

/// An IP address and port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockAddr {
    pub ip: IpAddr,
    pub port: u16,
}

/// One result of [`Net::getaddrinfo`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddrInfo {
    pub family: i32,
    pub kind: i32,
    pub proto: i32,
    pub addr: SockAddr,
}

/// One entry of a [`Net::poll`] call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct PollFd {
    /// A socket handle, or another descriptor of the port (see [`Net::poll`]).
    pub handle: i32,
    /// What to wait for: [`POLLIN`] and/or [`POLLOUT`].
    pub events: u16,
    /// Filled in by `poll`: which of `events` hold, plus [`POLLERR`], [`POLLHUP`], [`POLLNVAL`].
    pub revents: u16,
}

/// How to set up a TLS session ([`Net::tls_new`]).
#[derive(Clone, Debug, Default)]
pub struct TlsConfig {
    /// Server side (else client).
    pub server: bool,
    /// Verify the peer's certificate chain (and, for a client, that it names `server_name`).
    pub verify: bool,
    /// Trusted CA certificates (DER, or PEM text). Empty with `verify`: the port's own
    /// trust store.
    pub ca_certs: Vec<Vec<u8>>,
    /// Our certificate chain (leaf first; each entry DER, or PEM text holding one or more):
    /// required for a server, optional for a client.
    pub cert_chain: Vec<Vec<u8>>,
    /// The private key of `cert_chain[0]` (DER: PKCS#8, PKCS#1 or SEC1; or PEM text).
    pub key: Option<Vec<u8>>,
    /// The name the client asks for (SNI) and verifies; may be an IP address.
    pub server_name: Option<String>,
}

/// The port's network stack.
pub trait Net {
    /// Make a socket of `family` ([`AF_INET`], [`AF_INET6`]), `kind` ([`SOCK_STREAM`],
    /// [`SOCK_DGRAM`], [`SOCK_RAW`]) and protocol `proto` (0 for the default). It must be in
    /// non-blocking mode. Returns its handle; unsupported combinations fail with the errno the
    /// stack reports (`EAFNOSUPPORT`, `EPROTONOSUPPORT`, `EINVAL`...).
    fn socket(&mut self, family: i32, kind: i32, proto: i32) -> HalResult<i32>;

    /// Close the socket. The handle may be reused afterwards. Must not block.
    fn close(&mut self, h: i32) -> HalResult<()>;

    /// Bind to a local address.
    fn bind(&mut self, h: i32, addr: &SockAddr) -> HalResult<()>;

    /// Listen for connections, with a queue of `backlog`.
    fn listen(&mut self, h: i32, backlog: i32) -> HalResult<()>;

    /// Take one waiting connection without blocking (`EAGAIN` if none). The new socket is
    /// non-blocking too. Returns its handle and the peer's address.
    fn accept(&mut self, h: i32) -> HalResult<(i32, SockAddr)>;

    /// Start connecting without blocking. Ok if connected at once; `EINPROGRESS` if under way:
    /// completion is then reported by `POLLOUT`, and [`Net::take_error`] gives its outcome.
    fn connect(&mut self, h: i32, addr: &SockAddr) -> HalResult<()>;

    /// The pending error of the socket (0 if none), clearing it (`SO_ERROR`).
    fn take_error(&mut self, h: i32) -> HalResult<i32>;

    /// Send what can be sent now of `data` (connected sockets); returns the count, or `EAGAIN`
    /// if nothing could be sent.
    fn send(&mut self, h: i32, data: &[u8]) -> HalResult<usize>;

    /// Send one datagram to `addr`; `EAGAIN` if it cannot be queued now.
    fn sendto(&mut self, h: i32, data: &[u8], addr: &SockAddr) -> HalResult<usize>;

    /// Receive what has arrived, up to `buf.len()` bytes; 0 at end of stream; `EAGAIN` if
    /// nothing is there yet.
    fn recv(&mut self, h: i32, buf: &mut [u8]) -> HalResult<usize>;

    /// Receive one datagram (truncated to `buf.len()`) and its sender; `EAGAIN` if none.
    fn recvfrom(&mut self, h: i32, buf: &mut [u8]) -> HalResult<(usize, SockAddr)>;

    /// Set an option: `level` and `name` as Linux numbers them (`SOL_SOCKET` 1 with
    /// `SO_REUSEADDR` 2, `SO_BROADCAST` 6..., `IPPROTO_TCP` 6 with `TCP_NODELAY` 1,
    /// `IPPROTO_IP` 0 with `IP_ADD_MEMBERSHIP` 35...). `value` is the option's bytes (an int
    /// option arrives as a native-endian 32-bit int).
    fn setsockopt(&mut self, h: i32, level: i32, name: i32, value: &[u8]) -> HalResult<()>;

    /// The socket's local address.
    fn getsockname(&mut self, h: i32) -> HalResult<SockAddr>;

    /// The connected peer's address (`ENOTCONN` if none).
    fn getpeername(&mut self, h: i32) -> HalResult<SockAddr>;

    /// Shut down reading (0), writing (1) or both (2).
    fn shutdown(&mut self, h: i32, how: i32) -> HalResult<()>;

    /// Resolve `host` (a name or a numeric address) and `port`. `family`, `kind`, `proto` are
    /// filters (0 = any); `flags` are `AI_*` flags. Resolution may block (it is not
    /// interruptible). Failure is a negative `EAI_*` code (e.g. -2 for an unknown name), as
    /// MicroPython reports it.
    fn getaddrinfo(
        &mut self,
        host: &str,
        port: u16,
        family: i32,
        kind: i32,
        proto: i32,
        flags: i32,
    ) -> HalResult<Vec<AddrInfo>>;

    /// Wait until one of `fds` is ready or `timeout_ms` passes (0: just check; negative: no
    /// limit). Fills every `revents` and returns how many entries have a non-zero one. A
    /// handle that is not open gives [`POLLNVAL`]. Besides socket handles, an implementation
    /// accepts the port's other descriptors where it has them (on unix any OS descriptor, e.g.
    /// 0 for stdin). It may return early with no entry ready (for instance on a signal, or
    /// `EINTR`); callers loop. Fails with `EINVAL` if `fds` is longer than the stack allows.
    fn poll(&mut self, fds: &mut [PollFd], timeout_ms: i32) -> HalResult<usize>;

    // ---- TLS (`ssl`/`tls`). A TLS session is a state machine without I/O of its own: the
    // module moves ciphertext between it and the socket. Handles are >= 0 and independent of
    // socket handles. A port without TLS keeps these defaults, which fail with EOPNOTSUPP.

    /// True if this port has TLS (the methods below work). `ssl`/`tls` are importable only
    /// then.
    fn tls_available(&mut self) -> bool {
        false
    }

    /// Make a TLS session. Bad certificates or keys in `cfg` fail with `EINVAL`
    /// (`tls_error(-1)` then says why). Certificates and keys may be DER or PEM text.
    fn tls_new(&mut self, cfg: &TlsConfig) -> HalResult<i32> {
        let _ = cfg;
        Err(EOPNOTSUPP)
    }

    /// Free a session (its handle may be reused).
    fn tls_free(&mut self, t: i32) {
        let _ = t;
    }

    /// Feed ciphertext received from the peer and process it. Returns how many bytes were
    /// taken (the rest must be fed again later). A protocol or verification failure fails
    /// with `EIO` (or `ECONNRESET`...), and [`Net::tls_error`] says why.
    fn tls_feed(&mut self, t: i32, data: &[u8]) -> HalResult<usize> {
        let _ = (t, data);
        Err(EOPNOTSUPP)
    }

    /// Move ciphertext that must go to the peer into `buf`; returns the count (0: nothing).
    fn tls_take(&mut self, t: i32, buf: &mut [u8]) -> HalResult<usize> {
        let _ = (t, buf);
        Err(EOPNOTSUPP)
    }

    /// Read decrypted data. `EAGAIN` if none is buffered yet (feed more); Ok(0) once the peer
    /// closed the session cleanly.
    fn tls_read(&mut self, t: i32, buf: &mut [u8]) -> HalResult<usize> {
        let _ = (t, buf);
        Err(EOPNOTSUPP)
    }

    /// Queue plaintext to send (after the handshake it is encrypted at once; before, it is
    /// buffered). Returns how many bytes were taken.
    fn tls_write(&mut self, t: i32, data: &[u8]) -> HalResult<usize> {
        let _ = (t, data);
        Err(EOPNOTSUPP)
    }

    /// True while the handshake is not finished.
    fn tls_handshaking(&mut self, t: i32) -> bool {
        let _ = t;
        false
    }

    /// Queue a close_notify alert (send it with [`Net::tls_take`]).
    fn tls_close(&mut self, t: i32) {
        let _ = t;
    }

    /// A description of the session's last failure, if any (`t` = -1: of the last failed
    /// [`Net::tls_new`]).
    fn tls_error(&mut self, t: i32) -> Option<String> {
        let _ = t;
        None
    }
}
