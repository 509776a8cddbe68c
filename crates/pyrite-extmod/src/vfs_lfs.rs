//! `vfs.VfsLfs1` / `vfs.VfsLfs2` (to be written).

use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::vm::Vm;
use pyrite_core::PyResult;

use crate::vfs_fat::FileRef;

/// Modules defined in this file (none: `vfs` exposes the classes).
pub static MODULES: &[&BuiltinModuleDef] = &[];

fn unsupported(vm: &mut Vm) -> pyrite_core::PyErr {
    vm.not_implemented("LittleFS is not implemented yet")
}

pub fn file_read(vm: &mut Vm, _f: FileRef, _pos: u64, _buf: &mut [u8]) -> PyResult<usize> {
    Err(unsupported(vm))
}
pub fn file_write(vm: &mut Vm, _f: FileRef, _pos: u64, _data: &[u8]) -> PyResult<usize> {
    Err(unsupported(vm))
}
pub fn file_size(vm: &mut Vm, _f: FileRef) -> PyResult<u64> {
    Err(unsupported(vm))
}
pub fn file_close(vm: &mut Vm, _f: FileRef) -> PyResult<()> {
    Err(unsupported(vm))
}
pub fn file_flush(vm: &mut Vm, _f: FileRef) -> PyResult<()> {
    Err(unsupported(vm))
}
