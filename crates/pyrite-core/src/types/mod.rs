//! Builtin types. Each file owns its type objects (`static FOO_TYPE: Type`) and the
//! constructors other code uses (`new_foo`), listed in its module docs.

pub mod bigint;
pub mod bytes;
pub mod class;
pub mod complex;
pub mod descr;
pub mod dict;
pub mod exception;
pub mod float;
pub mod int;
pub mod iter;
pub mod list;
pub mod mathmod;
pub mod memoryview;
pub mod numfmt;
pub mod range;
pub mod set;
pub mod slice;
pub mod str;
pub mod strfmt;
pub mod template;
pub mod tuple;
