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
