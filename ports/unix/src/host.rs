//! The `Host` over the operating system: console on stdin/stdout/stderr, files through std,
//! SIGINT as KeyboardInterrupt.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{IsTerminal, Read, Seek, SeekFrom, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use pyrite_core::host::{Host, OpenMode, PathKind};

/// Interrupt state shared with the SIGINT handler.
pub struct Interrupts {
    /// Set by SIGINT; taken by `take_interrupt`.
    pub pending: Arc<AtomicBool>,
    /// True while Ctrl-C is disabled (`micropython.kbd_intr(-1)`): SIGINT then does what it
    /// does by default (ends the process).
    pub disabled: Arc<AtomicBool>,
}

impl Interrupts {
    /// Install the SIGINT handler.
    pub fn install() -> Interrupts {
        let pending = Arc::new(AtomicBool::new(false));
        let disabled = Arc::new(AtomicBool::new(false));
        // Order matters: the conditional default action is checked first.
        let _ = signal_hook::flag::register_conditional_default(
            signal_hook::consts::SIGINT,
            Arc::clone(&disabled),
        );
        let _ = signal_hook::flag::register(signal_hook::consts::SIGINT, Arc::clone(&pending));
        Interrupts { pending, disabled }
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
    files: HashMap<i32, File>,
    start: std::time::Instant,
}

impl UnixHost {
    pub fn new(interrupts: Interrupts) -> UnixHost {
        UnixHost {
            interrupts,
            board: None,
            files: HashMap::new(),
            start: std::time::Instant::now(),
        }
    }

    fn file(&mut self, fd: i32) -> Result<&mut File, i32> {
        self.files.get_mut(&fd).ok_or(EBADF)
    }
}

const EBADF: i32 = 9;
const EIO: i32 = 5;

fn errno(e: &std::io::Error) -> i32 {
    e.raw_os_error().unwrap_or(EIO)
}

impl Host for UnixHost {
    fn write(&mut self, fd: u8, data: &[u8]) {
        if let Some(b) = &self.board {
            crate::repl::write_crlf(&b.output, data);
            return;
        }
        // Unbuffered, as MicroPython's unix port: each write reaches the OS at once.
        if fd == 2 {
            let mut out = std::io::stdout().lock();
            let _ = out.flush();
            let mut e = std::io::stderr().lock();
            let _ = e.write_all(data);
            let _ = e.flush();
        } else {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(data);
            let _ = out.flush();
        }
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
            return b.input.read_into(buf, &self.interrupts.pending);
        }
        let _ = std::io::stdout().flush();
        loop {
            match std::io::stdin().lock().read(buf) {
                Ok(n) => return n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                    if self.interrupts.pending.load(Ordering::Relaxed) {
                        return 0;
                    }
                }
                Err(_) => return 0,
            }
        }
    }

    fn path_kind(&mut self, path: &str) -> PathKind {
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => PathKind::Dir,
            Ok(_) => PathKind::File,
            Err(_) => PathKind::Missing,
        }
    }

    fn read_file(&mut self, path: &str) -> Option<Vec<u8>> {
        std::fs::read(path).ok()
    }

    fn ticks_us(&mut self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    fn time_ns(&mut self) -> Option<u64> {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .map(|d| d.as_nanos() as u64)
    }

    fn sleep_us(&mut self, us: u64) -> bool {
        // Sleep in slices so Ctrl-C ends the sleep promptly.
        let end = std::time::Instant::now() + std::time::Duration::from_micros(us);
        loop {
            if self.interrupts.pending.load(Ordering::Relaxed) {
                return true;
            }
            let now = std::time::Instant::now();
            if now >= end {
                return false;
            }
            std::thread::sleep((end - now).min(std::time::Duration::from_millis(10)));
        }
    }

    fn take_interrupt(&mut self) -> bool {
        self.interrupts.pending.swap(false, Ordering::Relaxed)
    }

    fn set_interrupt_char(&mut self, c: i32) {
        self.interrupts.disabled.store(c < 0, Ordering::Relaxed);
    }

    fn file_open(&mut self, path: &str, mode: OpenMode) -> Result<i32, i32> {
        let mut o = OpenOptions::new();
        o.read(mode.read)
            .write(mode.write && !mode.append)
            .append(mode.append)
            .truncate(mode.truncate);
        if mode.exclusive {
            o.create_new(true);
        } else {
            o.create(mode.create);
        }
        if std::fs::metadata(path).map(|m| m.is_dir()).unwrap_or(false) {
            return Err(21); // EISDIR
        }
        let f = o.open(path).map_err(|e| errno(&e))?;
        // The handle is the OS descriptor, so numbers are reused as the OS reuses them.
        let fd = std::os::fd::AsRawFd::as_raw_fd(&f);
        self.files.insert(fd, f);
        Ok(fd)
    }

    fn file_read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
        if fd == 0 {
            return Ok(self.read_stdin(buf));
        }
        self.file(fd)?.read(buf).map_err(|e| errno(&e))
    }

    fn file_write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        if fd == 1 || fd == 2 {
            self.write(fd as u8, data);
            return Ok(data.len());
        }
        self.file(fd)?.write_all(data).map_err(|e| errno(&e))?;
        Ok(data.len())
    }

    fn file_seek(&mut self, fd: i32, offset: i64, whence: u8) -> Result<u64, i32> {
        let pos = match whence {
            0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| 22)?), // EINVAL
            1 => SeekFrom::Current(offset),
            _ => SeekFrom::End(offset),
        };
        self.file(fd)?.seek(pos).map_err(|e| errno(&e))
    }

    fn file_flush(&mut self, fd: i32) -> Result<(), i32> {
        self.file(fd)?.flush().map_err(|e| errno(&e))
    }

    fn file_close(&mut self, fd: i32) -> Result<(), i32> {
        match self.files.remove(&fd) {
            Some(_) => Ok(()),
            None => Err(EBADF),
        }
    }

    fn file_isatty(&mut self, fd: i32) -> bool {
        match fd {
            0 => std::io::stdin().is_terminal(),
            1 => std::io::stdout().is_terminal(),
            2 => std::io::stderr().is_terminal(),
            _ => false,
        }
    }
}
