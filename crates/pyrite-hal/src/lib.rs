//! The boundary between Pyrite's port-independent modules (pyrite-extmod) and a machine.
//!
//! Traits only. A port implements [`Platform`] and hands it to `pyrite_extmod::install`; each
//! accessor returns `None` when the machine lacks that facility (the module then raises a clear
//! error). Every method's documentation states what an implementation must do. Errors are
//! errno values (`i32`, MicroPython's numbering as in the `errno` module).
#![no_std]
extern crate alloc;

pub mod fs;
pub mod net;
pub mod pins;

/// Result of a HAL call: a value or an errno.
pub type HalResult<T> = Result<T, i32>;

/// Everything a port offers to pyrite-extmod.
pub trait Platform: 'static {
    /// The port's own filesystem (the host's directory tree on unix: `VfsPosix`).
    fn fs(&mut self) -> Option<&mut dyn fs::HostFs> {
        None
    }
    /// Sockets.
    fn net(&mut self) -> Option<&mut dyn net::Net> {
        None
    }
    /// Pins, buses and other hardware.
    fn pins(&mut self) -> Option<&mut dyn pins::Pins> {
        None
    }
    /// Fill `buf` with random bytes from a hardware or OS source (`os.urandom`). Must fill all
    /// of `buf` or return false.
    fn urandom(&mut self, buf: &mut [u8]) -> bool {
        let _ = buf;
        false
    }
}
