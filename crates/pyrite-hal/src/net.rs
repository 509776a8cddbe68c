//! Sockets. Methods are added by the socket/select work.

/// The port's network stack.
pub trait Net {}
