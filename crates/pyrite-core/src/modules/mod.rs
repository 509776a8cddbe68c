//! Builtin modules and the module table (`builtins`, `sys`, `gc`, `micropython`, ...).

pub mod module;

pub use module::find_builtin;

use crate::vm::Vm;
use crate::PyResult;

/// Module table and interpreter-wide settings kept in the Vm.
#[derive(Default)]
pub struct SysState {}

/// Set up builtin modules (called once by `Vm::new`).
pub fn init(_vm: &mut Vm) -> PyResult<()> {
    Ok(())
}

/// Mark everything the module table refers to.
pub fn mark_roots(_vm: &mut Vm) {}
