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
