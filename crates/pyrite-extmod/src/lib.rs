//! Modules written against [`pyrite_hal`], usable by every port: `os` + `vfs`, `socket`,
//! `select`, `machine`...
//!
//! A port calls [`install`] once after making its `Vm`, passing its [`Platform`]. The platform
//! is kept in the Vm's extension slot ([`pyrite_core::Vm::ext`]); module code reaches it with
//! [`platform`]. Python values a module must keep (mount tables, poll registrations...) live in
//! the module's globals dict or another rooted place, never only in Rust state, so the
//! collector sees them.
#![no_std]
extern crate alloc;

use alloc::boxed::Box;

use pyrite_core::modules::{register_module, BuiltinModuleDef};
use pyrite_core::Vm;
pub use pyrite_hal::Platform;

pub mod fat;
pub mod lfs;
pub mod machine;
pub mod os;
pub mod select;
pub mod socket;
pub mod vfs;
pub mod vfs_blk;
pub mod vfs_fat;
pub mod vfs_file;
pub mod vfs_lfs;

/// Append `n` in base `radix` (2 to 16, lower-case digits): the few numbers this crate puts
/// in text, without `core::fmt`.
pub(crate) fn push_num(out: &mut alloc::string::String, n: u64, radix: u64) {
    let mut digits = [0u8; 64];
    let (mut n, mut k) = (n, digits.len());
    loop {
        k -= 1;
        digits[k] = b"0123456789abcdef"[(n % radix) as usize & 15];
        n /= radix;
        if n == 0 || k == 0 {
            break;
        }
    }
    for &d in &digits[k..] {
        out.push(d as char);
    }
}

/// Append `n` in decimal.
pub(crate) fn push_dec(out: &mut alloc::string::String, n: i64) {
    if n < 0 {
        out.push('-');
    }
    push_num(out, n.unsigned_abs(), 10);
}

/// `<{name} 0x{address}>`, the way objects print by default.
pub(crate) fn push_obj_repr(out: &mut alloc::string::String, name: &str, v: pyrite_core::Value) {
    out.push('<');
    out.push_str(name);
    out.push_str(" 0x");
    push_num(out, v.word() as u64, 16);
    out.push('>');
}

/// What extmod keeps in the Vm's extension slot.
pub struct ExtState {
    pub platform: Box<dyn Platform>,
}

/// Every module defined here.
fn all_modules() -> impl Iterator<Item = &'static &'static BuiltinModuleDef> {
    os::MODULES
        .iter()
        .chain(vfs::MODULES)
        .chain(socket::MODULES)
        .chain(select::MODULES)
        .chain(machine::MODULES)
}

/// Make this crate's modules importable in `vm`, over `platform`.
pub fn install(vm: &mut Vm, platform: Box<dyn Platform>) {
    vm.ext = Some(Box::new(ExtState { platform }));
    for def in all_modules() {
        register_module(vm, def);
    }
    // The VFS: mount the port's filesystem at / and route open()/import through it. This only
    // fails when the heap is exhausted at start-up, which leaves the core's own file path.
    let _ = vfs::install(vm);
}

/// The port's platform, if [`install`] was called.
pub fn platform(vm: &mut Vm) -> Option<&mut dyn Platform> {
    let state = vm.ext.as_mut()?.downcast_mut::<ExtState>()?;
    Some(state.platform.as_mut())
}
