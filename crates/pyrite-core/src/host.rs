//! What the core needs from the machine it runs on. Each port implements [`Host`]; the richer
//! hardware and OS interfaces live in pyrite-hal and are used by pyrite-extmod.

use alloc::vec::Vec;

/// What a path names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PathKind {
    Missing,
    File,
    Dir,
}

/// The core's window on its port.
pub trait Host {
    /// Write to the console: `fd` 1 is stdout, 2 is stderr. Must write everything.
    fn write(&mut self, fd: u8, data: &[u8]);
    /// Write bytes to the console exactly as given (`sys.stdout.buffer`): a board console that
    /// turns `\n` into `\r\n` for text must not do so here. Defaults to [`Host::write`].
    fn write_binary(&mut self, fd: u8, data: &[u8]) {
        self.write(fd, data)
    }
    /// Read from the console (blocking). Returns 0 at end of input.
    fn read_stdin(&mut self, buf: &mut [u8]) -> usize;
    /// What `path` names (for import).
    fn path_kind(&mut self, path: &str) -> PathKind;
    /// Whole contents of a file (for import), or None if it cannot be read.
    fn read_file(&mut self, path: &str) -> Option<Vec<u8>>;
    /// True if the user pressed Ctrl-C since the last call (SIGINT on the host, 0x03 on a
    /// board console). Polled by the VM between bytecodes now and then.
    fn take_interrupt(&mut self) -> bool {
        false
    }
    /// Address of the top (outermost end) of the native stack of the thread running Python,
    /// and its size in bytes, for conservative scanning and the recursion limit.
    fn stack_limit(&self) -> usize {
        0
    }
    /// The core just freed a lot of Rust heap (`alloc`) memory: the compiler's syntax tree and
    /// output after a module was compiled and loaded. A host whose allocator keeps freed pages
    /// resident (glibc malloc) may return them to the OS here (`malloc_trim`), so the compile
    /// step's peak does not add to the GC heap's growth in the process's peak RSS.
    fn release_free_memory(&mut self) {}

    /// Set the console's interrupt character (`micropython.kbd_intr`): 3 for Ctrl-C, -1 to
    /// disable, so Ctrl-C (SIGINT on the host) can be passed through as data.
    fn set_interrupt_char(&mut self, c: i32) {
        let _ = c;
    }

    // ---- files: `open()` and file objects. Handles are small integers chosen by the host (on
    // unix, the OS file descriptors); 0, 1 and 2 are the console. Errors are errno values. A
    // host without files keeps the defaults, which fail with ENODEV.

    /// Open `path`; returns its handle.
    fn file_open(&mut self, path: &str, mode: OpenMode) -> Result<i32, i32> {
        let _ = (path, mode);
        Err(ENODEV)
    }
    /// Read up to `buf.len()` bytes; 0 at end of file.
    fn file_read(&mut self, fd: i32, buf: &mut [u8]) -> Result<usize, i32> {
        let _ = (fd, buf);
        Err(ENODEV)
    }
    /// Write all of `data`; returns the number of bytes written.
    fn file_write(&mut self, fd: i32, data: &[u8]) -> Result<usize, i32> {
        let _ = (fd, data);
        Err(ENODEV)
    }
    /// Move the position (`whence` 0: from start, 1: from current, 2: from end); returns the
    /// new position.
    fn file_seek(&mut self, fd: i32, offset: i64, whence: u8) -> Result<u64, i32> {
        let _ = (fd, offset, whence);
        Err(ENODEV)
    }
    /// Flush buffered writes.
    fn file_flush(&mut self, fd: i32) -> Result<(), i32> {
        let _ = fd;
        Ok(())
    }
    /// Close the handle.
    fn file_close(&mut self, fd: i32) -> Result<(), i32> {
        let _ = fd;
        Ok(())
    }
    /// True if the handle is an interactive terminal.
    /// Monotonic microseconds since an arbitrary start (for `time.ticks_*`).
    fn ticks_us(&mut self) -> u64 {
        0
    }
    /// Nanoseconds since 1970-01-01 UTC (for `time.time()`/`time_ns()`), or None without a clock.
    fn time_ns(&mut self) -> Option<u64> {
        None
    }
    /// Offset of local time from UTC in seconds at `utc_secs` (for `time.localtime`).
    fn utc_offset(&mut self, _utc_secs: i64) -> i64 {
        0
    }
    /// Sleep for `us` microseconds, returning early (true) if Ctrl-C arrived.
    fn sleep_us(&mut self, us: u64) -> bool {
        let end = self.ticks_us().saturating_add(us);
        while self.ticks_us() < end {
            if self.take_interrupt() {
                return true;
            }
        }
        false
    }
    fn file_isatty(&mut self, fd: i32) -> bool {
        let _ = fd;
        false
    }
}

/// A host with no console and no files (tests, or a bare VM).
pub struct NullHost;

impl Host for NullHost {
    fn write(&mut self, _fd: u8, _data: &[u8]) {}
    fn read_stdin(&mut self, _buf: &mut [u8]) -> usize {
        0
    }
    fn path_kind(&mut self, _path: &str) -> PathKind {
        PathKind::Missing
    }
    fn read_file(&mut self, _path: &str) -> Option<Vec<u8>> {
        None
    }
}

/// How `open()` opens a file (from its mode string).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct OpenMode {
    pub read: bool,
    pub write: bool,
    /// Writes go to the end.
    pub append: bool,
    /// Create the file if missing.
    pub create: bool,
    /// Empty the file first.
    pub truncate: bool,
    /// Fail if the file exists (`x`).
    pub exclusive: bool,
}

/// Errno values the file API returns when a host has no files.
pub const ENODEV: i32 = 19;
