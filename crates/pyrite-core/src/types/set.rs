//! `set` and `frozenset`. Contract: `SET_TYPE`, `FROZENSET_TYPE`, `new_set(vm, items)`,
//! `set_add(vm, set, v)`.

use crate::obj::{flags, Type};
use crate::qstr::Q;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

pub static SET_TYPE: Type = Type::new(Q::set).with_flags(flags::BASETYPE);
pub static FROZENSET_TYPE: Type = Type::new(Q::frozenset).with_flags(flags::BASETYPE);

/// A new set of `items`.
pub fn new_set(vm: &mut Vm, items: &[Value]) -> PyResult<Value> {
    let _ = items;
    Err(vm.not_implemented("set"))
}

/// `set.add(v)`.
pub fn set_add(vm: &mut Vm, set: Value, v: Value) -> PyResult<()> {
    let _ = (set, v);
    Err(vm.not_implemented("set"))
}
