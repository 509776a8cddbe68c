//! A port's own filesystem (`VfsPosix` on the host). Methods are added by the os/vfs work.

/// A filesystem the port provides directly (paths are the port's own, `/`-separated).
pub trait HostFs {}
