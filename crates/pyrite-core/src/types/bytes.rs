//! `bytes` and `bytearray`. Contract: `BYTES_TYPE`, `BYTEARRAY_TYPE`, `new_bytes(vm, &[u8])`,
//! `new_bytearray(vm, &[u8])`, `bytes_data(v)` (bytes only; use the buffer protocol generally).

use core::cell::Cell;

use crate::obj::{flags, Type};
use crate::qstr::Q;
use crate::types::str::{StrHead, StrObj};
use crate::value::{Gc, ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

pub static BYTES_TYPE: Type =
    Type::new(Q::bytes).with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);
pub static BYTEARRAY_TYPE: Type =
    Type::new(Q::bytearray).with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);

/// A new bytes object.
pub fn new_bytes(vm: &mut Vm, data: &[u8]) -> PyResult<Value> {
    let head = StrHead {
        hdr: ObjHeader::new(&BYTES_TYPE),
        hash: Cell::new(0),
        char_len: data.len(),
    };
    Ok(vm.alloc_var(head, data)?.value())
}

/// The bytes object handle if `v` is exactly bytes.
pub fn bytes_obj(v: Value) -> Option<Gc<StrObj>> {
    let h = v.as_obj()?;
    if h.ty.get().is(&BYTES_TYPE) {
        Some(Gc::from_raw(core::ptr::NonNull::new(
            h.as_ptr() as *mut StrObj
        )?))
    } else {
        None
    }
}

/// A new bytearray.
pub fn new_bytearray(vm: &mut Vm, data: &[u8]) -> PyResult<Value> {
    let _ = data;
    Err(vm.not_implemented("bytearray"))
}
