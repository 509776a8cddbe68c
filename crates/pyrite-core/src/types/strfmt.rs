//! String formatting: `%` formatting, `str.format`, format specs, the `format()` builtin.
//! Contract: `format_value(vm, v, spec) -> PyResult<Value>` (the `format()` builtin).

use crate::obj::Kw;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// `format(v, spec)`.
pub fn format_value(vm: &mut Vm, v: Value, spec: &str) -> PyResult<Value> {
    let _ = (v, spec);
    Err(vm.not_implemented("format"))
}
pub fn str_modulo(vm: &mut Vm, f: Value, a: Value) -> PyResult<Value> {
    let _ = (f, a);
    Err(vm.not_implemented("format"))
}
pub fn bytes_modulo(vm: &mut Vm, f: Value, a: Value) -> PyResult<Value> {
    let _ = (f, a);
    Err(vm.not_implemented("format"))
}
pub fn str_format(vm: &mut Vm, f: Value, a: &[Value], kw: Kw) -> PyResult<Value> {
    let _ = (f, a, kw);
    Err(vm.not_implemented("format"))
}
