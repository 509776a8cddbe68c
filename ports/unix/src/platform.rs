//! The host's [`Platform`] for pyrite-extmod: the host filesystem (fs.rs), sockets (net.rs),
//! randomness.

use pyrite_hal::{fs::HostFs, net::Net, Platform};

/// What `pyrite` offers to pyrite-extmod.
#[derive(Default)]
pub struct UnixPlatform {
    fs: crate::fs::UnixFs,
    net: crate::net::UnixNet,
}

impl Platform for UnixPlatform {
    fn fs(&mut self) -> Option<&mut dyn HostFs> {
        Some(&mut self.fs)
    }

    fn net(&mut self) -> Option<&mut dyn Net> {
        Some(&mut self.net)
    }

    fn urandom(&mut self, buf: &mut [u8]) -> bool {
        use std::io::Read;
        std::fs::File::open("/dev/urandom")
            .and_then(|mut f| f.read_exact(buf))
            .is_ok()
    }
}
