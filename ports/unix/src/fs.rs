//! The host directory tree as a [`HostFs`] (MicroPython's `VfsPosix`).

use pyrite_hal::fs::HostFs;

#[derive(Default)]
pub struct UnixFs {}

impl HostFs for UnixFs {}
