//! `slice`. Contract: `SLICE_TYPE`, `new_slice(vm, start, stop, step)`.

use crate::obj::Type;
use crate::qstr::Q;
use crate::value::{ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct SliceObj {
    pub hdr: ObjHeader,
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

crate::py_object!(SliceObj, SLICE_TYPE);

pub static SLICE_TYPE: Type = Type::new(Q::slice);

/// A new slice object.
pub fn new_slice(vm: &mut Vm, start: Value, stop: Value, step: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(SliceObj {
            hdr: ObjHeader::new(&SLICE_TYPE),
            start,
            stop,
            step,
        })?
        .value())
}
