//! Iterator types: the sequence iterator (for objects with only `__getitem__`), `enumerate`,
//! `zip`, `map`, `filter`, `reversed`. Contract: `new_seq_iter(vm, obj)`, `ENUMERATE_TYPE`, `ZIP_TYPE`,
//! `MAP_TYPE`, `FILTER_TYPE`, `REVERSED_TYPE`.

use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// An iterator over `obj[0], obj[1], ...` until IndexError.
pub fn new_seq_iter(vm: &mut Vm, obj: Value) -> PyResult<Value> {
    let _ = obj;
    Err(vm.not_implemented("sequence iterator"))
}
