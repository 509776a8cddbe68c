//! The C library, wrapped: `pyrite` links no Rust `std` (see main.rs), so everything it needs
//! from the operating system goes through these thin wrappers over the `libc` crate. Errors
//! are errno values. Besides net.rs (BSD sockets for the HAL), this is the only module that
//! calls the C library, and so where the port's `unsafe` code lives: the memory allocator, the
//! panic handler, files and directories, the environment, clocks, signals, threads, locks and
//! the terminal.

use alloc::boxed::Box;
use alloc::ffi::CString;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ffi::{c_char, c_int, c_void, CStr};
use core::ops::{Deref, DerefMut};

/// An errno value.
pub type Errno = i32;
pub type SysResult<T> = Result<T, Errno>;

const EINVAL: Errno = libc::EINVAL;

// ---- memory and panics --------------------------------------------------------------------

/// Rust's heap over the C library's malloc (what `std` did on unix).
pub struct Malloc;

/// The alignment malloc guarantees on the glibc targets we build for.
const MALLOC_ALIGN: usize = 2 * core::mem::size_of::<usize>();

// SAFETY: every method returns memory from the C allocator suitably sized and aligned for the
// layout (malloc for alignments it guarantees, posix_memalign beyond), or null on failure, and
// frees only pointers it handed out (the GlobalAlloc contract the callers uphold).
unsafe impl core::alloc::GlobalAlloc for Malloc {
    unsafe fn alloc(&self, layout: core::alloc::Layout) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN && layout.align() <= layout.size() {
            // SAFETY: plain malloc call.
            unsafe { libc::malloc(layout.size()) as *mut u8 }
        } else {
            aligned_alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: core::alloc::Layout) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN && layout.align() <= layout.size() {
            // SAFETY: plain calloc call.
            unsafe { libc::calloc(layout.size(), 1) as *mut u8 }
        } else {
            let p = aligned_alloc(layout);
            if !p.is_null() {
                // SAFETY: `p` points at `layout.size()` writable bytes just allocated.
                unsafe { core::ptr::write_bytes(p, 0, layout.size()) };
            }
            p
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: core::alloc::Layout) {
        // SAFETY: `ptr` came from malloc/calloc/realloc/posix_memalign (caller's contract).
        unsafe { libc::free(ptr as *mut c_void) }
    }

    unsafe fn realloc(
        &self,
        ptr: *mut u8,
        layout: core::alloc::Layout,
        new_size: usize,
    ) -> *mut u8 {
        if layout.align() <= MALLOC_ALIGN && layout.align() <= new_size {
            // SAFETY: `ptr` came from this allocator with malloc-compatible alignment.
            unsafe { libc::realloc(ptr as *mut c_void, new_size) as *mut u8 }
        } else {
            // SAFETY: the layout's alignment is valid and new_size is nonzero (caller's
            // contract), so this is a valid layout.
            let new =
                unsafe { core::alloc::Layout::from_size_align_unchecked(new_size, layout.align()) };
            let p = aligned_alloc(new);
            if !p.is_null() {
                // SAFETY: both blocks are valid for the smaller of the two sizes and distinct;
                // the old block is freed once.
                unsafe {
                    core::ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                    libc::free(ptr as *mut c_void);
                }
            }
            p
        }
    }
}

fn aligned_alloc(layout: core::alloc::Layout) -> *mut u8 {
    let mut p: *mut c_void = core::ptr::null_mut();
    let align = layout.align().max(core::mem::size_of::<usize>());
    // SAFETY: `align` is a power of two multiple of the pointer size, as posix_memalign needs;
    // `p` is a valid out-pointer.
    let r = unsafe { libc::posix_memalign(&mut p, align, layout.size()) };
    if r == 0 {
        p as *mut u8
    } else {
        core::ptr::null_mut()
    }
}

/// A panic is a bug (no input may cause one): say where on stderr and abort.
#[cfg(not(any(test, feature = "tls")))]
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    use core::fmt::Write;
    /// Formatted text straight to stderr (no allocation: the allocator may be what failed).
    struct Stderr;
    impl Write for Stderr {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            write_all(2, s.as_bytes()).map_err(|_| core::fmt::Error)
        }
    }
    let mut w = Stderr;
    let _ = match info.location() {
        Some(l) => writeln!(
            w,
            "pyrite: panicked at {}:{}:{}:",
            l.file(),
            l.line(),
            l.column()
        ),
        None => w.write_str("pyrite: panicked:\n"),
    };
    let _ = writeln!(w, "{}", info.message());
    // SAFETY: abort takes no arguments and does not return.
    unsafe { libc::abort() }
}

/// The precompiled `core`/`alloc` are built to unwind: their unwind tables name this
/// personality routine and their cleanup paths call `_Unwind_Resume`. With panic = abort
/// nothing ever unwinds (and the C library's code never throws), so neither is ever called;
/// defining them here keeps the unwinder (libgcc_s) out of the process.
#[cfg(not(any(test, feature = "tls")))]
#[no_mangle]
pub extern "C" fn rust_eh_personality() {}

/// See [`rust_eh_personality`].
#[cfg(not(any(test, feature = "tls")))]
#[no_mangle]
pub extern "C" fn _Unwind_Resume() -> ! {
    // SAFETY: abort takes no arguments and does not return.
    unsafe { libc::abort() }
}

// ---- process ----------------------------------------------------------------------------

/// Start-up settings made before any other thread exists: writes to a closed pipe or socket
/// report EPIPE instead of killing the process (what Rust's std start-up did), and every
/// thread shares the main malloc arena instead of reserving one of its own.
pub fn init() {
    // SAFETY: plain libc calls with constant arguments.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
    crash_report_stack();
    let fatal = on_fatal_signal as extern "C" fn(c_int);
    for sig in [libc::SIGSEGV, libc::SIGBUS] {
        // SAFETY: sigaction is plain data; all-zero is a valid value (empty mask, no flags).
        let mut sa: libc::sigaction = unsafe { core::mem::zeroed() };
        sa.sa_sigaction = fatal as usize;
        // Run on the alternate stack (an overflowed stack has no room) and once only: the
        // handler is reset to the default action before it runs.
        sa.sa_flags = libc::SA_ONSTACK | libc::SA_RESETHAND;
        // SAFETY: installs a handler that only calls async-signal-safe functions.
        unsafe { libc::sigaction(sig, &sa, core::ptr::null_mut()) };
    }
}

/// Give the calling thread an alternate signal stack, so a fatal-signal report can run even
/// when the thread's own stack is exhausted. Called for the main thread and every spawned one.
fn crash_report_stack() {
    const SIZE: usize = 64 * 1024;
    // SAFETY: malloc of a constant size; the block is never freed, since the thread may take a
    // signal at any point of its life.
    let sp = unsafe { libc::malloc(SIZE) };
    if sp.is_null() {
        return;
    }
    let st = libc::stack_t {
        ss_sp: sp,
        ss_flags: 0,
        ss_size: SIZE,
    };
    // SAFETY: `st` describes the live, unused block just allocated.
    unsafe { libc::sigaltstack(&st, core::ptr::null_mut()) };
}

/// SIGSEGV/SIGBUS: Python code cannot cause these short of a bug in pyrite (deep native
/// recursion exhausting the stack being the likely one), so say so before the default action
/// ends the process (SA_RESETHAND restored it).
extern "C" fn on_fatal_signal(sig: c_int) {
    let msg: &[u8] = if sig == libc::SIGBUS {
        b"pyrite: fatal: bus error (SIGBUS)\n"
    } else {
        b"pyrite: fatal: stack overflow or invalid memory access (SIGSEGV)\n"
    };
    // SAFETY: write(2) and raise(3) are async-signal-safe; `msg` is a static byte string. The
    // raised signal (default action now) is delivered when the handler returns, so a SIGSEGV
    // sent with kill(1) ends the process too.
    unsafe {
        libc::write(2, msg.as_ptr() as *const c_void, msg.len());
        libc::raise(sig);
    }
}

/// The C `main`'s arguments as strings (invalid UTF-8 replaced).
pub fn args(argc: c_int, argv: *const *const c_char) -> Vec<String> {
    let mut out = Vec::new();
    if argv.is_null() {
        return out;
    }
    for i in 0..usize::try_from(argc).unwrap_or(0) {
        // SAFETY: the C runtime passes `argc` valid pointers in `argv`.
        let p = unsafe { *argv.add(i) };
        if p.is_null() {
            break;
        }
        // SAFETY: each argument is a NUL-terminated string that lives as long as the process.
        let s = unsafe { CStr::from_ptr(p) };
        out.push(String::from_utf8_lossy(s.to_bytes()).into_owned());
    }
    out
}

/// End the process with `code`.
pub fn exit(code: i32) -> ! {
    // SAFETY: exit runs the C library's exit handlers and does not return.
    unsafe { libc::exit(code) }
}

/// The calling thread's errno.
pub fn errno() -> Errno {
    // SAFETY: __errno_location returns the calling thread's errno slot, valid for the
    // thread's lifetime.
    unsafe { *libc::__errno_location() }
}

/// Set the calling thread's errno.
pub fn set_errno(v: Errno) {
    // SAFETY: as in `errno`.
    unsafe { *libc::__errno_location() = v }
}

fn cvt(r: c_int) -> SysResult<c_int> {
    if r < 0 {
        Err(errno())
    } else {
        Ok(r)
    }
}

fn cvt_size(r: isize) -> SysResult<usize> {
    if r < 0 {
        Err(errno())
    } else {
        Ok(r as usize)
    }
}

/// `s` as a C string (EINVAL if it contains NUL).
pub fn cstr(s: &str) -> SysResult<CString> {
    CString::new(s).map_err(|_| EINVAL)
}

/// The C library's text for `e` ("No such file or directory").
pub fn strerror(e: Errno) -> String {
    let mut buf = [0u8; 128];
    // SAFETY: `buf` is writable for its length; the XSI strerror_r NUL-terminates within it.
    let r = unsafe { libc::strerror_r(e, buf.as_mut_ptr() as *mut c_char, buf.len()) };
    if r != 0 {
        return alloc::format!("Unknown error {e}");
    }
    let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..n]).into_owned()
}

/// How Rust's std displayed an OS error: "Address already in use (os error 98)".
pub fn os_error(e: Errno) -> String {
    alloc::format!("{} (os error {e})", strerror(e))
}

/// `getenv`: the variable's bytes, if set.
pub fn getenv(name: &str) -> Option<Vec<u8>> {
    let c = cstr(name).ok()?;
    // SAFETY: `c` is NUL-terminated; the result, if not null, points at a NUL-terminated
    // string that we copy before anything can change the environment (Python runs on one
    // thread, and the other threads never touch the environment).
    unsafe {
        let p = libc::getenv(c.as_ptr());
        if p.is_null() {
            None
        } else {
            Some(CStr::from_ptr(p).to_bytes().to_vec())
        }
    }
}

/// `getenv` as text (None if unset or not UTF-8, like std's `env::var`).
pub fn getenv_str(name: &str) -> Option<String> {
    getenv(name).and_then(|v| String::from_utf8(v).ok())
}

pub fn setenv(name: &str, value: &str) -> SysResult<()> {
    let (n, v) = (cstr(name)?, cstr(value)?);
    // SAFETY: NUL-terminated strings; see `getenv` for threads.
    cvt(unsafe { libc::setenv(n.as_ptr(), v.as_ptr(), 1) }).map(|_| ())
}

pub fn unsetenv(name: &str) -> SysResult<()> {
    let n = cstr(name)?;
    // SAFETY: NUL-terminated string; see `getenv` for threads.
    cvt(unsafe { libc::unsetenv(n.as_ptr()) }).map(|_| ())
}

/// `system(cmd)`: the raw wait status.
pub fn system(cmd: &str) -> SysResult<i32> {
    let c = cstr(cmd)?;
    // SAFETY: `c` is a NUL-terminated command string.
    let r = unsafe { libc::system(c.as_ptr()) };
    if r == -1 {
        Err(errno())
    } else {
        Ok(r)
    }
}

/// Whether the process's stack may grow to `size` bytes (raising the soft limit when the hard
/// limit allows).
pub fn main_stack_fits(size: u64) -> bool {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_STACK, &mut lim) != 0 {
            return false;
        }
        if lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur >= size {
            return true;
        }
        if lim.rlim_max != libc::RLIM_INFINITY && lim.rlim_max < size {
            return false;
        }
        lim.rlim_cur = size;
        libc::setrlimit(libc::RLIMIT_STACK, &lim) == 0
    }
}

// ---- descriptors and files --------------------------------------------------------------

/// Write all of `data` to `fd` (retrying after signals and short writes).
pub fn write_all(fd: i32, mut data: &[u8]) -> SysResult<()> {
    while !data.is_empty() {
        // SAFETY: `data` is readable for its length.
        let r = unsafe { libc::write(fd, data.as_ptr() as *const c_void, data.len()) };
        if r < 0 {
            let e = errno();
            if e == libc::EINTR {
                continue;
            }
            return Err(e);
        }
        if r == 0 {
            return Err(libc::EIO);
        }
        data = data.get(r as usize..).unwrap_or(&[]);
    }
    Ok(())
}

/// One `read(2)` (EINTR is returned, not retried).
pub fn read(fd: i32, buf: &mut [u8]) -> SysResult<usize> {
    // SAFETY: `buf` is writable for its length.
    cvt_size(unsafe { libc::read(fd, buf.as_mut_ptr() as *mut c_void, buf.len()) })
}

/// Fill `buf` from `fd`, retrying after signals; false if the input ends or fails first.
pub fn read_exact(fd: i32, buf: &mut [u8]) -> bool {
    let mut done = 0;
    while let Some(rest) = buf.get_mut(done..).filter(|r| !r.is_empty()) {
        match read(fd, rest) {
            Ok(0) => return false,
            Ok(n) => done += n,
            Err(libc::EINTR) => {}
            Err(_) => return false,
        }
    }
    true
}

pub fn isatty(fd: i32) -> bool {
    // SAFETY: isatty only inspects the descriptor.
    unsafe { libc::isatty(fd) == 1 }
}

/// `open(2)` with O_CLOEXEC added; mode 0666 for new files.
pub fn open(path: &str, flags: c_int) -> SysResult<i32> {
    let c = cstr(path)?;
    // SAFETY: `c` is NUL-terminated; the mode argument is passed as the C variadic expects.
    cvt(unsafe { libc::open64(c.as_ptr(), flags | libc::O_CLOEXEC, 0o666 as libc::c_uint) })
}

pub fn close(fd: i32) -> SysResult<()> {
    // SAFETY: closing a descriptor the caller owns.
    cvt(unsafe { libc::close(fd) }).map(|_| ())
}

pub fn lseek(fd: i32, offset: i64, whence: c_int) -> SysResult<u64> {
    // SAFETY: plain system call with integer arguments.
    let r = unsafe { libc::lseek64(fd, offset, whence) };
    if r < 0 {
        Err(errno())
    } else {
        Ok(r as u64)
    }
}

/// The whole contents of the file at `path`.
pub fn read_file(path: &str) -> SysResult<Vec<u8>> {
    let fd = open(path, libc::O_RDONLY)?;
    let mut out = Vec::new();
    let r = read_to_end(fd, &mut out);
    let _ = close(fd);
    r.map(|_| out)
}

/// Append everything left to read on `fd` to `out` (retrying after signals); on an error,
/// `out` keeps what was read before it.
pub fn read_to_end(fd: i32, out: &mut Vec<u8>) -> SysResult<()> {
    if let Ok(st) = fstat(fd) {
        if st.st_mode & libc::S_IFMT == libc::S_IFREG {
            out.reserve(usize::try_from(st.st_size).unwrap_or(0).saturating_add(1));
        }
    }
    let mut chunk = [0u8; 8192];
    loop {
        match read(fd, &mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => out.extend_from_slice(&chunk[..n.min(chunk.len())]),
            Err(libc::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
}

pub type Stat = libc::stat64;

fn zeroed_stat() -> Stat {
    // SAFETY: stat64 is plain data for which all-zero bytes are a valid value.
    unsafe { core::mem::zeroed() }
}

/// `stat(2)` (follows symbolic links).
pub fn stat(path: &str) -> SysResult<Stat> {
    let c = cstr(path)?;
    let mut st = zeroed_stat();
    // SAFETY: `c` is NUL-terminated and `st` a writable stat64.
    cvt(unsafe { libc::stat64(c.as_ptr(), &mut st) })?;
    Ok(st)
}

fn lstat_c(c: &CStr) -> SysResult<Stat> {
    let mut st = zeroed_stat();
    // SAFETY: `c` is NUL-terminated and `st` a writable stat64.
    cvt(unsafe { libc::lstat64(c.as_ptr(), &mut st) })?;
    Ok(st)
}

fn fstat(fd: i32) -> SysResult<Stat> {
    let mut st = zeroed_stat();
    // SAFETY: `st` is a writable stat64.
    cvt(unsafe { libc::fstat64(fd, &mut st) })?;
    Ok(st)
}

pub fn statvfs(path: &str) -> SysResult<libc::statvfs64> {
    let c = cstr(path)?;
    // SAFETY: `statvfs64` is plain data for which all-zero bytes are a valid value.
    let mut sb: libc::statvfs64 = unsafe { core::mem::zeroed() };
    // SAFETY: `c` is NUL-terminated and `sb` a writable statvfs64.
    cvt(unsafe { libc::statvfs64(c.as_ptr(), &mut sb) })?;
    Ok(sb)
}

/// One entry of a directory listing: name, file type bits (`S_IFMT` part of a mode, 0 if
/// unknown) and inode number.
pub struct DirEntry {
    pub name: Vec<u8>,
    pub kind: u32,
    pub ino: u64,
}

/// The entries of directory `path`, without "." and "..".
pub fn read_dir(path: &str) -> SysResult<Vec<DirEntry>> {
    let c = cstr(path)?;
    // SAFETY: `c` is NUL-terminated.
    let dir = unsafe { libc::opendir(c.as_ptr()) };
    if dir.is_null() {
        return Err(errno());
    }
    let mut out = Vec::new();
    let result = loop {
        set_errno(0);
        // SAFETY: `dir` is an open directory stream, used by this thread only.
        let ent = unsafe { libc::readdir64(dir) };
        if ent.is_null() {
            let e = errno();
            break if e == 0 { Ok(()) } else { Err(e) };
        }
        // SAFETY: readdir returned a valid entry, valid until the next readdir/closedir; we
        // copy what we need now. d_name is NUL-terminated.
        let (name, dtype, ino) = unsafe {
            let e = &*ent;
            (
                CStr::from_ptr(e.d_name.as_ptr()).to_bytes().to_vec(),
                e.d_type,
                e.d_ino,
            )
        };
        if name == b"." || name == b".." {
            continue;
        }
        let kind = match dtype {
            libc::DT_DIR => libc::S_IFDIR,
            libc::DT_REG => libc::S_IFREG,
            libc::DT_LNK => libc::S_IFLNK,
            libc::DT_FIFO => libc::S_IFIFO,
            libc::DT_CHR => libc::S_IFCHR,
            libc::DT_BLK => libc::S_IFBLK,
            libc::DT_SOCK => libc::S_IFSOCK,
            _ => {
                // The file system does not say: ask lstat.
                let mut full = c.as_bytes().to_vec();
                full.push(b'/');
                full.extend_from_slice(&name);
                match CString::new(full) {
                    Ok(f) => lstat_c(&f).map(|s| s.st_mode & libc::S_IFMT).unwrap_or(0),
                    Err(_) => 0,
                }
            }
        };
        out.push(DirEntry { name, kind, ino });
    };
    // SAFETY: `dir` is open and closed once.
    unsafe { libc::closedir(dir) };
    result.map(|_| out)
}

fn path_call(path: &str, f: unsafe extern "C" fn(*const c_char) -> c_int) -> SysResult<()> {
    let c = cstr(path)?;
    // SAFETY: `f` is one of the C library's single-path calls below; `c` is NUL-terminated.
    cvt(unsafe { f(c.as_ptr()) }).map(|_| ())
}

pub fn mkdir(path: &str) -> SysResult<()> {
    let c = cstr(path)?;
    // SAFETY: `c` is NUL-terminated.
    cvt(unsafe { libc::mkdir(c.as_ptr(), 0o777) }).map(|_| ())
}

pub fn rmdir(path: &str) -> SysResult<()> {
    path_call(path, libc::rmdir)
}

pub fn unlink(path: &str) -> SysResult<()> {
    path_call(path, libc::unlink)
}

pub fn chdir(path: &str) -> SysResult<()> {
    path_call(path, libc::chdir)
}

pub fn rename(old: &str, new: &str) -> SysResult<()> {
    let (o, n) = (cstr(old)?, cstr(new)?);
    // SAFETY: NUL-terminated strings.
    cvt(unsafe { libc::rename(o.as_ptr(), n.as_ptr()) }).map(|_| ())
}

/// The current directory.
pub fn getcwd() -> SysResult<Vec<u8>> {
    let mut buf: Vec<u8> = alloc::vec![0; 512];
    loop {
        // SAFETY: `buf` is writable for its length.
        let p = unsafe { libc::getcwd(buf.as_mut_ptr() as *mut c_char, buf.len()) };
        if !p.is_null() {
            let n = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            buf.truncate(n);
            return Ok(buf);
        }
        let e = errno();
        if e != libc::ERANGE || buf.len() >= 1 << 20 {
            return Err(e);
        }
        let n = buf.len() * 2;
        buf.resize(n, 0);
    }
}

/// The absolute path of `path` with symbolic links and `.`/`..` resolved.
pub fn realpath(path: &str) -> SysResult<Vec<u8>> {
    let c = cstr(path)?;
    // SAFETY: `c` is NUL-terminated; with a null buffer realpath mallocs the result, which we
    // copy and free once.
    unsafe {
        let p = libc::realpath(c.as_ptr(), core::ptr::null_mut());
        if p.is_null() {
            return Err(errno());
        }
        let v = CStr::from_ptr(p).to_bytes().to_vec();
        libc::free(p as *mut c_void);
        Ok(v)
    }
}

/// The target of symbolic link `path`.
pub fn readlink(path: &str) -> SysResult<Vec<u8>> {
    let c = cstr(path)?;
    let mut buf: Vec<u8> = alloc::vec![0; 256];
    loop {
        // SAFETY: `c` is NUL-terminated and `buf` writable for its length.
        let r = unsafe { libc::readlink(c.as_ptr(), buf.as_mut_ptr() as *mut c_char, buf.len()) };
        let n = cvt_size(r)?;
        if n < buf.len() {
            buf.truncate(n);
            return Ok(buf);
        }
        if buf.len() >= 1 << 16 {
            return Err(libc::ENAMETOOLONG);
        }
        let n = buf.len() * 2;
        buf.resize(n, 0);
    }
}

pub fn sync() {
    // SAFETY: sync() takes no arguments and cannot fail.
    unsafe { libc::sync() };
}

// ---- time ---------------------------------------------------------------------------------

fn clock_ns(clock: libc::clockid_t) -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a writable timespec.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return None;
    }
    let s = u64::try_from(ts.tv_sec).ok()?;
    Some(
        s.saturating_mul(1_000_000_000)
            .saturating_add(ts.tv_nsec as u64),
    )
}

/// Nanoseconds on the monotonic clock.
pub fn monotonic_ns() -> u64 {
    clock_ns(libc::CLOCK_MONOTONIC).unwrap_or(0)
}

/// Nanoseconds since 1970-01-01 UTC (None before it or without a clock).
pub fn realtime_ns() -> Option<u64> {
    clock_ns(libc::CLOCK_REALTIME)
}

/// Sleep for `ns` nanoseconds (a signal may end it early).
pub fn sleep_ns(ns: u64) {
    let ts = libc::timespec {
        tv_sec: (ns / 1_000_000_000) as libc::time_t,
        tv_nsec: (ns % 1_000_000_000) as libc::c_long,
    };
    // SAFETY: `ts` is a valid timespec; the remainder pointer may be null.
    unsafe { libc::nanosleep(&ts, core::ptr::null_mut()) };
}

// ---- signals ------------------------------------------------------------------------------

/// Run `handler` on SIGINT (restarting interrupted system calls, as std's signal-hook did).
pub fn on_sigint(handler: extern "C" fn(c_int)) -> SysResult<()> {
    // SAFETY: sigaction is plain data; all-zero is a valid value (empty mask, no flags).
    let mut sa: libc::sigaction = unsafe { core::mem::zeroed() };
    sa.sa_sigaction = handler as usize;
    sa.sa_flags = libc::SA_RESTART;
    // SAFETY: `sa` is a valid action whose handler only touches atomics and calls
    // async-signal-safe functions; sa_mask is a valid set to empty.
    cvt(unsafe {
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGINT, &sa, core::ptr::null_mut())
    })
    .map(|_| ())
}

/// From a SIGINT handler: do what SIGINT does by default (end the process). Uses only
/// async-signal-safe calls.
pub fn sigint_default() {
    // SAFETY: signal, sigemptyset, sigaddset, pthread_sigmask and raise are async-signal-safe
    // and get valid arguments.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_DFL);
        let mut set: libc::sigset_t = core::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigaddset(&mut set, libc::SIGINT);
        libc::pthread_sigmask(libc::SIG_UNBLOCK, &set, core::ptr::null_mut());
        libc::raise(libc::SIGINT);
    }
}

// ---- threads and locks --------------------------------------------------------------------

type ThreadMain = Box<dyn FnOnce() -> i32 + Send + 'static>;

/// A running thread.
pub struct Thread(libc::pthread_t);

extern "C" fn thread_start(arg: *mut c_void) -> *mut c_void {
    // SAFETY: `arg` is the Box<ThreadMain> leaked by `spawn` for this thread alone.
    let f = unsafe { Box::from_raw(arg as *mut ThreadMain) };
    crash_report_stack();
    let code = f();
    code as isize as *mut c_void
}

/// Start `f` on a new thread with a `stack`-byte stack.
pub fn spawn(stack: usize, f: ThreadMain) -> SysResult<Thread> {
    let arg = Box::into_raw(Box::new(f)) as *mut c_void;
    // SAFETY: the attribute object is initialised before use and destroyed after; on success
    // the new thread owns `arg`, on failure we take it back.
    unsafe {
        let mut attr: libc::pthread_attr_t = core::mem::zeroed();
        let r = libc::pthread_attr_init(&mut attr);
        if r != 0 {
            drop(Box::from_raw(arg as *mut ThreadMain));
            return Err(r);
        }
        libc::pthread_attr_setstacksize(&mut attr, stack.max(libc::PTHREAD_STACK_MIN));
        let mut t: libc::pthread_t = core::mem::zeroed();
        let r = libc::pthread_create(&mut t, &attr, thread_start, arg);
        libc::pthread_attr_destroy(&mut attr);
        if r != 0 {
            drop(Box::from_raw(arg as *mut ThreadMain));
            return Err(r);
        }
        Ok(Thread(t))
    }
}

impl Thread {
    /// Wait for the thread to end; its function's result.
    pub fn join(self) -> i32 {
        let mut ret: *mut c_void = core::ptr::null_mut();
        // SAFETY: the thread was created joinable and is joined once (`self` is consumed).
        let r = unsafe { libc::pthread_join(self.0, &mut ret) };
        if r != 0 {
            return 1;
        }
        ret as isize as i32
    }

    /// Let the thread run on its own.
    pub fn detach(self) {
        // SAFETY: the thread was created joinable and is detached once (`self` is consumed).
        unsafe { libc::pthread_detach(self.0) };
    }
}

/// A mutual-exclusion lock over a pthread mutex (boxed: it must not move once used).
pub struct Mutex<T> {
    raw: Box<UnsafeCell<libc::pthread_mutex_t>>,
    data: UnsafeCell<T>,
}

// SAFETY: the data is only reached through a guard, which holds the lock.
unsafe impl<T: Send> Send for Mutex<T> {}
// SAFETY: as above: the lock serialises all access to the data.
unsafe impl<T: Send> Sync for Mutex<T> {}

impl<T> Mutex<T> {
    pub fn new(data: T) -> Mutex<T> {
        Mutex {
            raw: Box::new(UnsafeCell::new(libc::PTHREAD_MUTEX_INITIALIZER)),
            data: UnsafeCell::new(data),
        }
    }

    pub fn lock(&self) -> MutexGuard<'_, T> {
        // SAFETY: the mutex is initialised and stays at its boxed address.
        unsafe { libc::pthread_mutex_lock(self.raw.get()) };
        MutexGuard { lock: self }
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Mutex::new(T::default())
    }
}

impl<T> Drop for Mutex<T> {
    fn drop(&mut self) {
        // SAFETY: nobody holds the lock (we have the only reference).
        unsafe { libc::pthread_mutex_destroy(self.raw.get()) };
    }
}

pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard holds the lock, so no one else accesses the data.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard holds the lock, so no one else accesses the data.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        // SAFETY: this guard locked the mutex and unlocks it once.
        unsafe { libc::pthread_mutex_unlock(self.lock.raw.get()) };
    }
}

/// A condition variable over a pthread one on the monotonic clock (boxed: it must not move).
pub struct Condvar {
    raw: Box<UnsafeCell<libc::pthread_cond_t>>,
}

// SAFETY: pthread condition variables are made to be shared between threads.
unsafe impl Send for Condvar {}
// SAFETY: as above.
unsafe impl Sync for Condvar {}

impl Default for Condvar {
    fn default() -> Self {
        Condvar::new()
    }
}

impl Condvar {
    pub fn new() -> Condvar {
        let c = Condvar {
            raw: Box::new(UnsafeCell::new(libc::PTHREAD_COND_INITIALIZER)),
        };
        // SAFETY: the attribute object is initialised before use and destroyed after; the
        // condition variable is (re)initialised at its final boxed address before any use.
        unsafe {
            let mut attr: libc::pthread_condattr_t = core::mem::zeroed();
            if libc::pthread_condattr_init(&mut attr) == 0 {
                libc::pthread_condattr_setclock(&mut attr, libc::CLOCK_MONOTONIC);
                libc::pthread_cond_init(c.raw.get(), &attr);
                libc::pthread_condattr_destroy(&mut attr);
            }
        }
        c
    }

    pub fn notify_all(&self) {
        // SAFETY: the condition variable is initialised.
        unsafe { libc::pthread_cond_broadcast(self.raw.get()) };
    }

    /// Wait for a notification, releasing the lock meanwhile.
    pub fn wait<'a, T>(&self, g: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        // SAFETY: `g` holds its mutex locked, as pthread_cond_wait requires; it is locked again
        // when the call returns.
        unsafe { libc::pthread_cond_wait(self.raw.get(), g.lock.raw.get()) };
        g
    }

    /// Wait for a notification or until `ms` milliseconds have passed.
    pub fn wait_timeout_ms<'a, T>(&self, g: MutexGuard<'a, T>, ms: u64) -> MutexGuard<'a, T> {
        let end = monotonic_ns().saturating_add(ms.saturating_mul(1_000_000));
        let ts = libc::timespec {
            tv_sec: (end / 1_000_000_000) as libc::time_t,
            tv_nsec: (end % 1_000_000_000) as libc::c_long,
        };
        // SAFETY: as in `wait`; `ts` is a valid absolute time on the clock set in `new`.
        unsafe { libc::pthread_cond_timedwait(self.raw.get(), g.lock.raw.get(), &ts) };
        g
    }
}

impl Drop for Condvar {
    fn drop(&mut self) {
        // SAFETY: no thread waits on it (we have the only reference).
        unsafe { libc::pthread_cond_destroy(self.raw.get()) };
    }
}

// ---- TCP (the board console's listener) ---------------------------------------------------

/// A listening TCP socket on 127.0.0.1:`port` (address reuse on, as std's TcpListener).
pub fn tcp_listen(port: u16) -> SysResult<i32> {
    // SAFETY: plain system calls; the address and option are valid local values of the
    // lengths passed; the socket is closed on failure.
    unsafe {
        let fd = cvt(libc::socket(
            libc::AF_INET,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            0,
        ))?;
        let one: c_int = 1;
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_REUSEADDR,
            &one as *const c_int as *const c_void,
            core::mem::size_of::<c_int>() as libc::socklen_t,
        );
        let mut sin: libc::sockaddr_in = core::mem::zeroed();
        sin.sin_family = libc::AF_INET as libc::sa_family_t;
        sin.sin_port = port.to_be();
        sin.sin_addr.s_addr = u32::from_ne_bytes([127, 0, 0, 1]);
        let r = libc::bind(
            fd,
            &sin as *const libc::sockaddr_in as *const libc::sockaddr,
            core::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        );
        if r != 0 || libc::listen(fd, 128) != 0 {
            let e = errno();
            libc::close(fd);
            return Err(e);
        }
        Ok(fd)
    }
}

/// Accept a client on listening socket `fd`, with Nagle's algorithm off.
pub fn tcp_accept(fd: i32) -> SysResult<i32> {
    // SAFETY: null address pointers are allowed (the peer's address is not wanted); the
    // option is a valid int of the length passed.
    unsafe {
        let c = cvt(libc::accept4(
            fd,
            core::ptr::null_mut(),
            core::ptr::null_mut(),
            libc::SOCK_CLOEXEC,
        ))?;
        let one: c_int = 1;
        libc::setsockopt(
            c,
            libc::IPPROTO_TCP,
            libc::TCP_NODELAY,
            &one as *const c_int as *const c_void,
            core::mem::size_of::<c_int>() as libc::socklen_t,
        );
        Ok(c)
    }
}

// ---- terminal -----------------------------------------------------------------------------

pub type Termios = libc::termios;

/// The terminal settings of stdin, if it is a terminal.
pub fn tc_get() -> Option<Termios> {
    // SAFETY: termios is plain old data, so all-zero is a valid value; tcgetattr writes only
    // into the struct we pass.
    unsafe {
        let mut t: libc::termios = core::mem::zeroed();
        if libc::tcgetattr(0, &mut t) == 0 {
            Some(t)
        } else {
            None
        }
    }
}

/// Apply terminal settings to stdin (after pending output is written).
pub fn tc_set(t: &Termios) {
    // SAFETY: `t` is a valid termios obtained from tcgetattr (possibly with flags changed);
    // tcsetattr only reads it.
    unsafe {
        libc::tcsetattr(0, libc::TCSADRAIN, t);
    }
}
