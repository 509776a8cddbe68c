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

use crate::value::Value;

/// Positional argument `i` of a native function whose caller has already checked the count
/// (`BuiltinFn`'s min/max, or an explicit `len()` test): `args[i]` without a bounds-check panic
/// (a panic site costs a `Location` record and a call in every function that indexes; there
/// are hundreds). Past the end, which a checked call never reaches, it gives None.
#[inline(always)]
pub fn arg(args: &[Value], i: usize) -> Value {
    match args.get(i) {
        Some(v) => *v,
        None => Value::NONE,
    }
}
