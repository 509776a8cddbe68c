//! Pins, buses and other hardware (`machine` in pyrite-extmod).
//!
//! The host has no pins; what `machine` needs from any machine so far is its identity and
//! clock. Boards add GPIO, buses and timers here as their ports grow.

use alloc::vec::Vec;

use crate::HalResult;

/// The port's hardware.
pub trait Pins {
    /// A byte string that identifies this machine and stays the same across resets
    /// (`machine.unique_id()`): a chip's factory ID or MAC on boards, a stable host ID on the
    /// host. Must not be empty.
    fn unique_id(&mut self) -> Vec<u8>;

    /// The CPU clock in Hz (`machine.freq()`), or 0 if unknown.
    fn freq(&mut self) -> u64;

    /// Change the CPU clock (`machine.freq(hz)`). Ports that cannot change it return
    /// `EPERM` (1); values the chip does not support give `EINVAL` (22).
    fn set_freq(&mut self, hz: u64) -> HalResult<()> {
        let _ = hz;
        Err(1)
    }
}
