//! The `Host` over the operating system: console on stdin/stdout/stderr, files as OS
//! descriptors (through sys.rs), SIGINT as KeyboardInterrupt.

use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, Ordering};

use pyrite_core::host::{Host, OpenMode, PathKind};

use crate::sys;

/// Set by SIGINT; taken by `take_interrupt`.
static PENDING: AtomicBool = AtomicBool::new(false);
/// True while Ctrl-C is disabled (`micropython.kbd_intr(-1)`): SIGINT then does what it does
/// by default (ends the process).
static DISABLED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_sigint(_sig: core::ffi::c_int) {
    if DISABLED.load(Ordering::Relaxed) {
        sys::sigint_default();
    } else {
        PENDING.store(true, Ordering::Relaxed);
    }
}

/// Interrupt state shared with the SIGINT handler.
#[derive(Clone, Copy)]
pub struct Interrupts {
    /// Set by SIGINT (or a Ctrl-C byte on a board console); taken by `take_interrupt`.
    pub pending: &'static AtomicBool,
    /// True while Ctrl-C is disabled (`micropython.kbd_intr(-1)`).
    pub disabled: &'static AtomicBool,
}

impl Interrupts {
    /// Install the SIGINT handler.
    pub fn install() -> Interrupts {
        let _ = sys::on_sigint(on_sigint);
        Interrupts {
            pending: &PENDING,
            disabled: &DISABLED,
        }
    }
}

/// The console of `pyrite --board`: input bytes come from a reader thread (stdin or a TCP
/// client) and output goes to a shared sink with `\n` written as `\r\n`, as on a board's UART.
pub struct BoardIo {
    pub input: Arc<crate::repl::ByteQueue>,
    pub output: crate::repl::Sink,
}

/// The unix host.
pub struct UnixHost {
    interrupts: Interrupts,
    /// Set for `--board`: console I/O through the board console instead of stdin/stdout.
    pub board: Option<BoardIo>,
    /// Descriptors of the files Python opened (closed when the interpreter goes).
    files: Vec<i32>,
    /// Monotonic nanoseconds at start (`ticks_us` counts from here).
    start: u64,
}

impl UnixHost {
    pub fn new(interrupts: Interrupts) -> UnixHost {
        UnixHost {
            interrupts,
            board: None,
            files: Vec::new(),
            start: sys::monotonic_ns(),
        }
    }

    /// `fd` if Python opened it.
    fn file(&self, fd: i32) -> Result<i32, i32> {
        if self.files.contains(&fd) {
            Ok(fd)
        } else {
            Err(libc::EBADF)
        }
    }
}

impl Drop for UnixHost {
    fn drop(&mut self) {
        for &fd in &self.files {
            let _ = sys::close(fd);
        }
    }
}

impl Host for UnixHost {
    fn release_free_memory(&mut self) {
        // SAFETY: malloc_trim only gives free pages of malloc's heap back to the OS.
        unsafe {
            libc::malloc_trim(0);
        }
    }

    fn write(&mut self, fd: u8, data: &[u8]) {
        if let Some(b) = &self.board {
            crate::repl::write_crlf(&b.output, data);
            return;
        }
        // Unbuffered, as MicroPython's unix port: each write reaches the OS at once.
        let _ = sys::write_all(if fd == 2 { 2 } else { 1 }, data);
    }

    fn write_binary(&mut self, fd: u8, data: &[u8]) {
        if let Some(b) = &self.board {
            crate::repl::write_raw(&b.output, data);
            return;
        }
        self.write(fd, data)
    }

    fn read_stdin(&mut self, buf: &mut [u8]) -> usize {
        if let Some(b) = &self.board {
            return b.input.read_into(buf, self.interrupts.pending);
        }
        loop {
            match sys::read(0, buf) {
                Ok(n) => return n,
                Err(libc::EINTR) => {
                    if self.interrupts.pending.load(Ordering::Relaxed) {
                        return 0;
                    }
                }
                Err(_) => return 0,
            }
        }
    }

    fn path_kind(&mut self, path: &str) -> PathKind {
        match sys::stat(path) {
            Ok(m) if m.st_mode & libc::S_IFMT == libc::S_IFDIR => PathKind::Dir,
            Ok(_) => PathKind::File,
            Err(_) => PathKind::Missing,
        }
    }

    fn read_file(&mut self, path: &str) -> Option<Vec<u8>> {
        sys::read_file(path).ok()
    }

    fn ticks_us(&mut self) -> u64 {
        sys::monotonic_ns().saturating_sub(self.start) / 1000
    }

    fn time_ns(&mut self) -> Option<u64> {
        sys::realtime_ns()
    }

    fn sleep_us(&mut self, us: u64) -> bool {
        // Sleep in slices so Ctrl-C ends the sleep promptly.
        let end = sys::monotonic_ns().saturating_add(us.saturating_mul(1000));
        loop {
            if self.interrupts.pending.load(Ordering::Relaxed) {
                return true;
            }
            let now = sys::monotonic_ns();
            if now >= end {
                return false;
            }
            sys::sleep_ns((end - now).min(10_000_000));
        }
    }

    fn take_interrupt(&mut self) -> bool {
        self.interrupts.pending.swap(false, Ordering::Relaxed)
    }

    fn set_interrupt_char(&mut self, c: i32) {
        self.interrupts.disabled.store(c < 0, Ordering::Relaxed);
    }

    fn file_open(&mut self, path: &str, mode: OpenMode) -> Result<i32, i32> {
        // Access and creation flags as Rust's std OpenOptions chose them (and rejected
        // combinations with EINVAL), with `write` off when appending.
        let write = mode.write && !mode.append;
        let access = match (mode.read, write, mode.append) {
            (true, false, false) => libc::O_RDONLY,
            (false, true, false) => libc::O_WRONLY,
            (true, true, false) => libc::O_RDWR,
            (false, _, true) => libc::O_WRONLY | libc::O_APPEND,
            (true, _, true) => libc::O_RDWR | libc::O_APPEND,
            (false, false, false) => return Err(libc::EINVAL),
        };
        let creating = mode.truncate || mode.create || mode.exclusive;
        if !write && !mode.append && creating {
            return Err(libc::EINVAL);
        }
        if mode.truncate && mode.append && !mode.exclusive {
            return Err(libc::EINVAL);
        }
        let creation = if mode.exclusive {
            libc::O_CREAT | libc::O_EXCL
        } else {
            (if mode.create { libc::O_CREAT } else { 0 })
                | (if mode.truncate { libc::O_TRUNC } else { 0 })
        };
        if sys::stat(path).is_ok_and(|m| m.st_mode & libc::S_IFMT == libc::S_IFDIR) {
            return Err(libc::EISDIR);
        }
        // The handle is the OS descriptor, so numbers are reused as the OS reuses them.
        let fd = sys::open(path, access | creation)?;
        self.files.push(fd);
        Ok(fd)
    }

    fn file_read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
        if fd == 0 {
            return Ok(self.read_stdin(buf));
        }
        sys::read(self.file(fd)?, buf)
    }

    fn file_write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        if fd == 1 || fd == 2 {
            self.write(fd as u8, data);
            return Ok(data.len());
        }
        sys::write_all(self.file(fd)?, data)?;
        Ok(data.len())
    }

    fn file_seek(&mut self, fd: i32, offset: i64, whence: u8) -> Result<u64, i32> {
        let whence = match whence {
            0 if offset < 0 => return Err(libc::EINVAL),
            0 => libc::SEEK_SET,
            1 => libc::SEEK_CUR,
            _ => libc::SEEK_END,
        };
        sys::lseek(self.file(fd)?, offset, whence)
    }

    fn file_flush(&mut self, fd: i32) -> Result<(), i32> {
        // Writes are not buffered here.
        self.file(fd).map(|_| ())
    }

    fn file_close(&mut self, fd: i32) -> Result<(), i32> {
        match self.files.iter().position(|&f| f == fd) {
            Some(i) => {
                self.files.swap_remove(i);
                // As Rust's std did when dropping a File: the result of close is not reported.
                let _ = sys::close(fd);
                Ok(())
            }
            None => Err(libc::EBADF),
        }
    }

    fn file_isatty(&mut self, fd: i32) -> bool {
        match fd {
            0..=2 => sys::isatty(fd),
            _ => false,
        }
    }
}
