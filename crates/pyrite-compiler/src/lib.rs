//! Python source to MicroPython bytecode. `#![no_std]` + `alloc`; knows nothing of the runtime's objects.
#![no_std]
extern crate alloc;

pub mod raw;
pub use raw::{
    CompileError, CompiledModule, Const, ErrorKind, Mode, Options, RawCode, RawCodeKind,
};
pub mod bc;
