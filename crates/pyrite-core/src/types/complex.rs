//! `complex`. Contract: `COMPLEX_TYPE`, `new_complex(vm, re, im)`.

use crate::obj::{flags, Type};
use crate::qstr::Q;
use crate::value::{ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct ComplexObj {
    pub hdr: ObjHeader,
    pub re: f64,
    pub im: f64,
}

crate::py_object!(ComplexObj, COMPLEX_TYPE);

pub static COMPLEX_TYPE: Type = Type::new(Q::complex).with_flags(flags::EQ_CHECKS_OTHER_TYPE);

/// A new complex number.
pub fn new_complex(vm: &mut Vm, re: f64, im: f64) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(ComplexObj {
            hdr: ObjHeader::new(&COMPLEX_TYPE),
            re,
            im,
        })?
        .value())
}
