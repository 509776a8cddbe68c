//! The Pyrite runtime: values, the GC heap, the object model, the bytecode VM, builtin types and
//! hardware-free modules. `#![no_std]` + `alloc`; everything machine-specific comes through
//! [`host::Host`].
#![no_std]
#![allow(
    clippy::new_without_default,
    clippy::len_without_is_empty,
    clippy::missing_safety_doc
)]
extern crate alloc;

pub mod frozen;
pub mod gc;
pub mod host;
pub mod map;
pub mod obj;
pub mod qstr;
pub mod runtime;
pub mod value;
pub mod vm;

pub mod interp;
pub mod modules;
pub mod repl;
pub mod types;

pub use obj::{BinOp, PrintKind, Type, UnaryOp};
pub use qstr::{Qstr, Q};
pub use value::{Gc, TypeRef, Value};
pub use vm::{Config, Vm};

/// A raised Python exception: the exception instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PyErr(pub Value);

/// Result of anything that can raise.
pub type PyResult<T = Value> = Result<T, PyErr>;
