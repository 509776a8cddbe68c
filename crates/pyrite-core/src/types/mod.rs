//! Builtin types.

pub mod class;
pub mod dict;
pub mod exception;
pub mod int;
pub mod iter;
pub mod str;
pub mod tuple;
