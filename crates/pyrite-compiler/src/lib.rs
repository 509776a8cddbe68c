//! Python source to MicroPython bytecode. `#![no_std]` + `alloc`; knows nothing of the runtime's objects.
//!
//! - [`compile`]: source -> [`CompiledModule`] (byte-identical to MicroPython's compiler where possible)
//! - [`mpy`]: .mpy v6 reader/writer
//! - [`bc`]: the opcode table, prelude decoder, line table, verifier and disassembler
#![no_std]
extern crate alloc;

pub mod ast;
pub mod bc;
pub mod bigint;
pub mod compile;
pub mod lexer;
pub mod mpy;
pub mod num;
pub mod parser;
pub mod qstr_tables;
pub mod raw;

pub use compile::compile;
pub use mpy::{read_mpy, write_mpy, MpyError};
pub use raw::{
    CompileError, CompiledModule, Const, ErrorKind, Mode, Options, RawCode, RawCodeKind,
};
