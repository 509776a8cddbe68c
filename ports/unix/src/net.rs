//! Host sockets as a [`Net`]: BSD sockets through libc. Handles are the OS file descriptors.

use alloc::ffi::CString;
use alloc::vec::Vec;

#[cfg(feature = "tls")]
use pyrite_hal::net::TlsConfig;
use pyrite_hal::net::{AddrInfo, IpAddr, Net, PollFd, SockAddr, AF_INET, AF_INET6, EINVAL};
use pyrite_hal::HalResult;

#[derive(Default)]
pub struct UnixNet {
    /// On a board console (`--board`), console input arrives through this queue (filled by a
    /// reader thread), so polling descriptor 0 asks the queue instead of the OS.
    pub console: Option<alloc::sync::Arc<crate::repl::ByteQueue>>,
    /// TLS sessions (`ssl`/`tls`).
    #[cfg(feature = "tls")]
    tls: crate::tls::Sessions,
}

fn last_errno() -> i32 {
    crate::sys::errno()
}

/// `r` as a result: -1 means "see errno".
fn check(r: libc::c_int) -> HalResult<libc::c_int> {
    if r < 0 {
        Err(last_errno())
    } else {
        Ok(r)
    }
}

fn check_size(r: libc::ssize_t) -> HalResult<usize> {
    if r < 0 {
        Err(last_errno())
    } else {
        Ok(r as usize)
    }
}

/// A `sockaddr_storage` filled from `a`, and its length.
fn to_raw(a: &SockAddr) -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: sockaddr_storage is plain old data; all-zero is a valid value.
    let mut st: libc::sockaddr_storage = unsafe { core::mem::zeroed() };
    match a.ip {
        IpAddr::V4(ip) => {
            // SAFETY: sockaddr_storage is larger than and suitably aligned for sockaddr_in.
            let sin = unsafe { &mut *(&mut st as *mut _ as *mut libc::sockaddr_in) };
            sin.sin_family = libc::AF_INET as libc::sa_family_t;
            sin.sin_port = a.port.to_be();
            sin.sin_addr.s_addr = u32::from_ne_bytes(ip);
            (
                st,
                core::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        }
        IpAddr::V6(ip) => {
            // SAFETY: sockaddr_storage is larger than and suitably aligned for sockaddr_in6.
            let sin6 = unsafe { &mut *(&mut st as *mut _ as *mut libc::sockaddr_in6) };
            sin6.sin6_family = libc::AF_INET6 as libc::sa_family_t;
            sin6.sin6_port = a.port.to_be();
            sin6.sin6_addr.s6_addr = ip;
            (
                st,
                core::mem::size_of::<libc::sockaddr_in6>() as libc::socklen_t,
            )
        }
    }
}

/// The address in a `sockaddr_storage` the OS filled in (unknown families give 0.0.0.0:0).
fn from_raw(st: &libc::sockaddr_storage) -> SockAddr {
    match st.ss_family as i32 {
        libc::AF_INET => {
            // SAFETY: the OS wrote a sockaddr_in (family AF_INET) into the storage.
            let sin = unsafe { &*(st as *const _ as *const libc::sockaddr_in) };
            SockAddr {
                ip: IpAddr::V4(sin.sin_addr.s_addr.to_ne_bytes()),
                port: u16::from_be(sin.sin_port),
            }
        }
        libc::AF_INET6 => {
            // SAFETY: the OS wrote a sockaddr_in6 (family AF_INET6) into the storage.
            let sin6 = unsafe { &*(st as *const _ as *const libc::sockaddr_in6) };
            SockAddr {
                ip: IpAddr::V6(sin6.sin6_addr.s6_addr),
                port: u16::from_be(sin6.sin6_port),
            }
        }
        _ => SockAddr {
            ip: IpAddr::V4([0; 4]),
            port: 0,
        },
    }
}

fn empty_storage() -> (libc::sockaddr_storage, libc::socklen_t) {
    // SAFETY: plain old data; all-zero is valid.
    let st: libc::sockaddr_storage = unsafe { core::mem::zeroed() };
    (
        st,
        core::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t,
    )
}

impl Net for UnixNet {
    fn socket(&mut self, family: i32, kind: i32, proto: i32) -> HalResult<i32> {
        if kind & !0xff != 0 {
            return Err(EINVAL);
        }
        // SAFETY: plain system call with integer arguments.
        let fd = unsafe {
            libc::socket(
                family,
                kind | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
                proto,
            )
        };
        check(fd)
    }

    fn close(&mut self, h: i32) -> HalResult<()> {
        // SAFETY: closing a descriptor this module handed out (extmod only closes its own).
        check(unsafe { libc::close(h) }).map(|_| ())
    }

    fn bind(&mut self, h: i32, addr: &SockAddr) -> HalResult<()> {
        let (st, len) = to_raw(addr);
        // SAFETY: st is a valid sockaddr of length len.
        check(unsafe { libc::bind(h, &st as *const _ as *const libc::sockaddr, len) }).map(|_| ())
    }

    fn listen(&mut self, h: i32, backlog: i32) -> HalResult<()> {
        // SAFETY: plain system call.
        check(unsafe { libc::listen(h, backlog) }).map(|_| ())
    }

    fn accept(&mut self, h: i32) -> HalResult<(i32, SockAddr)> {
        let (mut st, mut len) = empty_storage();
        // SAFETY: st/len describe a writable sockaddr_storage.
        let fd = check(unsafe {
            libc::accept4(
                h,
                &mut st as *mut _ as *mut libc::sockaddr,
                &mut len,
                libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            )
        })?;
        Ok((fd, from_raw(&st)))
    }

    fn connect(&mut self, h: i32, addr: &SockAddr) -> HalResult<()> {
        let (st, len) = to_raw(addr);
        // SAFETY: st is a valid sockaddr of length len.
        check(unsafe { libc::connect(h, &st as *const _ as *const libc::sockaddr, len) })
            .map(|_| ())
    }

    fn take_error(&mut self, h: i32) -> HalResult<i32> {
        let mut v: libc::c_int = 0;
        let mut len = core::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: v/len describe a writable int.
        check(unsafe {
            libc::getsockopt(
                h,
                libc::SOL_SOCKET,
                libc::SO_ERROR,
                &mut v as *mut _ as *mut libc::c_void,
                &mut len,
            )
        })?;
        Ok(v)
    }

    fn send(&mut self, h: i32, data: &[u8]) -> HalResult<usize> {
        // SAFETY: data is a valid readable buffer of data.len() bytes.
        check_size(unsafe {
            libc::send(
                h,
                data.as_ptr() as *const libc::c_void,
                data.len(),
                libc::MSG_NOSIGNAL,
            )
        })
    }

    fn sendto(&mut self, h: i32, data: &[u8], addr: &SockAddr) -> HalResult<usize> {
        let (st, len) = to_raw(addr);
        // SAFETY: data is readable for data.len() bytes; st is a sockaddr of length len.
        check_size(unsafe {
            libc::sendto(
                h,
                data.as_ptr() as *const libc::c_void,
                data.len(),
                libc::MSG_NOSIGNAL,
                &st as *const _ as *const libc::sockaddr,
                len,
            )
        })
    }

    fn recv(&mut self, h: i32, buf: &mut [u8]) -> HalResult<usize> {
        // SAFETY: buf is writable for buf.len() bytes.
        check_size(unsafe { libc::recv(h, buf.as_mut_ptr() as *mut libc::c_void, buf.len(), 0) })
    }

    fn recvfrom(&mut self, h: i32, buf: &mut [u8]) -> HalResult<(usize, SockAddr)> {
        let (mut st, mut len) = empty_storage();
        // SAFETY: buf is writable for buf.len() bytes; st/len describe a sockaddr_storage.
        let n = check_size(unsafe {
            libc::recvfrom(
                h,
                buf.as_mut_ptr() as *mut libc::c_void,
                buf.len(),
                0,
                &mut st as *mut _ as *mut libc::sockaddr,
                &mut len,
            )
        })?;
        Ok((n, from_raw(&st)))
    }

    fn setsockopt(&mut self, h: i32, level: i32, name: i32, value: &[u8]) -> HalResult<()> {
        // SAFETY: value is readable for value.len() bytes.
        check(unsafe {
            libc::setsockopt(
                h,
                level,
                name,
                value.as_ptr() as *const libc::c_void,
                value.len() as libc::socklen_t,
            )
        })
        .map(|_| ())
    }

    fn getsockname(&mut self, h: i32) -> HalResult<SockAddr> {
        let (mut st, mut len) = empty_storage();
        // SAFETY: st/len describe a writable sockaddr_storage.
        check(unsafe { libc::getsockname(h, &mut st as *mut _ as *mut libc::sockaddr, &mut len) })?;
        Ok(from_raw(&st))
    }

    fn getpeername(&mut self, h: i32) -> HalResult<SockAddr> {
        let (mut st, mut len) = empty_storage();
        // SAFETY: st/len describe a writable sockaddr_storage.
        check(unsafe { libc::getpeername(h, &mut st as *mut _ as *mut libc::sockaddr, &mut len) })?;
        Ok(from_raw(&st))
    }

    fn shutdown(&mut self, h: i32, how: i32) -> HalResult<()> {
        // SAFETY: plain system call.
        check(unsafe { libc::shutdown(h, how) }).map(|_| ())
    }

    fn getaddrinfo(
        &mut self,
        host: &str,
        port: u16,
        family: i32,
        kind: i32,
        proto: i32,
        flags: i32,
    ) -> HalResult<Vec<AddrInfo>> {
        let chost = CString::new(host).map_err(|_| EINVAL)?;
        let cport = CString::new(alloc::format!("{port}")).map_err(|_| EINVAL)?;
        // SAFETY: addrinfo is plain old data; all-zero is a valid hints value.
        let mut hints: libc::addrinfo = unsafe { core::mem::zeroed() };
        hints.ai_family = family;
        hints.ai_socktype = kind;
        hints.ai_protocol = proto;
        hints.ai_flags = flags;
        let mut res: *mut libc::addrinfo = core::ptr::null_mut();
        let host_ptr = if host.is_empty() {
            core::ptr::null()
        } else {
            chost.as_ptr()
        };
        // SAFETY: valid C strings and hints; res receives a list freed below.
        let r = unsafe { libc::getaddrinfo(host_ptr, cport.as_ptr(), &hints, &mut res) };
        if r != 0 {
            return Err(if r < 0 { r } else { -r });
        }
        let mut out = Vec::new();
        let mut p = res;
        while !p.is_null() {
            // SAFETY: p is a node of the list getaddrinfo returned, not yet freed.
            let ai = unsafe { &*p };
            if (ai.ai_family == AF_INET || ai.ai_family == AF_INET6) && !ai.ai_addr.is_null() {
                let (mut st, _) = empty_storage();
                let n =
                    (ai.ai_addrlen as usize).min(core::mem::size_of::<libc::sockaddr_storage>());
                // SAFETY: ai_addr points at ai_addrlen bytes of address; we copy at most the
                // storage's size into it.
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        ai.ai_addr as *const u8,
                        &mut st as *mut _ as *mut u8,
                        n,
                    )
                };
                out.push(AddrInfo {
                    family: ai.ai_family,
                    kind: ai.ai_socktype,
                    proto: ai.ai_protocol,
                    addr: from_raw(&st),
                });
            }
            p = ai.ai_next;
        }
        // SAFETY: res came from a successful getaddrinfo and is freed once.
        unsafe { libc::freeaddrinfo(res) };
        Ok(out)
    }

    fn poll(&mut self, fds: &mut [PollFd], timeout_ms: i32) -> HalResult<usize> {
        let Some(console) = self.console.clone() else {
            return os_poll(fds, timeout_ms);
        };
        if !fds.iter().any(|f| f.handle == 0) {
            return os_poll(fds, timeout_ms);
        }
        // Descriptor 0 is the board console's queue: poll the others in short slices and look
        // at the queue in between, until something is ready or the time is up.
        let deadline = (timeout_ms >= 0)
            .then(|| crate::sys::monotonic_ns().saturating_add(timeout_ms as u64 * 1_000_000));
        let others: Vec<usize> = (0..fds.len()).filter(|&i| fds[i].handle != 0).collect();
        loop {
            let mut sub: Vec<PollFd> = others.iter().map(|&i| fds[i]).collect();
            let mut n = if sub.is_empty() {
                0
            } else {
                os_poll(&mut sub, 0)?
            };
            for (k, &i) in others.iter().enumerate() {
                fds[i].revents = sub[k].revents;
            }
            let console_ready = console.wait_readable(0);
            for f in fds.iter_mut().filter(|f| f.handle == 0) {
                f.revents = if console_ready {
                    f.events & POLLIN_EVENT
                } else {
                    0
                };
                if f.revents != 0 {
                    n += 1;
                }
            }
            if n > 0 {
                return Ok(n);
            }
            // Wait at most 10 ms at a time (rounded up to whole milliseconds).
            let wait_ms = match deadline {
                Some(d) => {
                    let now = crate::sys::monotonic_ns();
                    if now >= d {
                        return Ok(0);
                    }
                    (d - now).div_ceil(1_000_000).min(10)
                }
                None => 10,
            };
            if others.is_empty() {
                console.wait_readable(wait_ms);
            } else {
                let mut sub: Vec<PollFd> = others.iter().map(|&i| fds[i]).collect();
                os_poll(&mut sub, wait_ms as i32)?;
            }
        }
    }

    #[cfg(feature = "tls")]
    fn tls_available(&mut self) -> bool {
        true
    }

    #[cfg(feature = "tls")]
    fn tls_new(&mut self, cfg: &TlsConfig) -> HalResult<i32> {
        self.tls.new_session(cfg)
    }

    #[cfg(feature = "tls")]
    fn tls_free(&mut self, t: i32) {
        self.tls.free(t)
    }

    #[cfg(feature = "tls")]
    fn tls_feed(&mut self, t: i32, data: &[u8]) -> HalResult<usize> {
        self.tls.feed(t, data)
    }

    #[cfg(feature = "tls")]
    fn tls_take(&mut self, t: i32, buf: &mut [u8]) -> HalResult<usize> {
        self.tls.take(t, buf)
    }

    #[cfg(feature = "tls")]
    fn tls_read(&mut self, t: i32, buf: &mut [u8]) -> HalResult<usize> {
        self.tls.read(t, buf)
    }

    #[cfg(feature = "tls")]
    fn tls_write(&mut self, t: i32, data: &[u8]) -> HalResult<usize> {
        self.tls.write(t, data)
    }

    #[cfg(feature = "tls")]
    fn tls_handshaking(&mut self, t: i32) -> bool {
        self.tls.handshaking(t)
    }

    #[cfg(feature = "tls")]
    fn tls_close(&mut self, t: i32) {
        self.tls.close(t)
    }

    #[cfg(feature = "tls")]
    fn tls_error(&mut self, t: i32) -> Option<String> {
        self.tls.error(t)
    }
}

const POLLIN_EVENT: u16 = libc::POLLIN as u16;

/// poll(2) over `fds`; EINTR counts as "nothing ready" (the caller checks for Ctrl-C).
fn os_poll(fds: &mut [PollFd], timeout_ms: i32) -> HalResult<usize> {
    let mut raw: Vec<libc::pollfd> = fds
        .iter()
        .map(|f| libc::pollfd {
            fd: f.handle,
            events: f.events as libc::c_short,
            revents: 0,
        })
        .collect();
    let t = if timeout_ms < 0 { -1 } else { timeout_ms };
    // SAFETY: raw is a valid array of raw.len() pollfd structs.
    let r = unsafe { libc::poll(raw.as_mut_ptr(), raw.len() as libc::nfds_t, t) };
    if r < 0 {
        let e = last_errno();
        if e == libc::EINTR {
            for f in fds.iter_mut() {
                f.revents = 0;
            }
            return Ok(0);
        }
        return Err(e);
    }
    for (f, p) in fds.iter_mut().zip(raw.iter()) {
        f.revents = p.revents as u16;
    }
    Ok(r as usize)
}
