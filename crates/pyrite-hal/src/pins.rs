//! Pins, buses and other hardware (`machine`). Methods are added by the machine work.

/// The port's hardware.
pub trait Pins {}
