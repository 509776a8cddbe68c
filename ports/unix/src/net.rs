//! Host sockets as a [`Net`].

use pyrite_hal::net::Net;

#[derive(Default)]
pub struct UnixNet {}

impl Net for UnixNet {}
