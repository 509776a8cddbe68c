//! The host's [`Platform`] for pyrite-extmod: the host filesystem (fs.rs), sockets (net.rs),
//! machine identity and clock (pins.rs), randomness.

use pyrite_hal::{fs::HostFs, net::Net, pins::Pins, Platform};

/// What `pyrite` offers to pyrite-extmod.
#[derive(Default)]
pub struct UnixPlatform {
    fs: crate::fs::UnixFs,
    net: crate::net::UnixNet,
    pins: crate::pins::UnixPins,
}

impl UnixPlatform {
    /// The platform of a `pyrite --board` console: polling stdin asks the console's queue.
    pub fn with_console(console: Option<alloc::sync::Arc<crate::repl::ByteQueue>>) -> UnixPlatform {
        let mut p = UnixPlatform::default();
        p.net.console = console;
        p
    }
}

impl Platform for UnixPlatform {
    fn fs(&mut self) -> Option<&mut dyn HostFs> {
        Some(&mut self.fs)
    }

    fn net(&mut self) -> Option<&mut dyn Net> {
        Some(&mut self.net)
    }

    fn pins(&mut self) -> Option<&mut dyn Pins> {
        Some(&mut self.pins)
    }

    fn urandom(&mut self, buf: &mut [u8]) -> bool {
        let Ok(fd) = crate::sys::open("/dev/urandom", libc::O_RDONLY) else {
            return false;
        };
        let ok = crate::sys::read_exact(fd, buf);
        let _ = crate::sys::close(fd);
        ok
    }
}
