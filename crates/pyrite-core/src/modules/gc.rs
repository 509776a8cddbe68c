//! The `gc` module: collect, enable/disable, mem_free/mem_alloc, threshold.

use crate::fixed_dict;
use crate::fnv;
use crate::gc::BLOCK_BYTES;
use crate::obj::{BuiltinFn, Kw};
use crate::qstr::Q;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, new_int};
use super::BuiltinModuleDef;

fn gc_collect(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let before = vm.heap.used_bytes();
    vm.collect();
    let after = vm.heap.used_bytes();
    // MicroPython returns the number of objects freed; the heap counts blocks, so this is the
    // number of blocks freed.
    let freed = before.saturating_sub(after) / BLOCK_BYTES;
    new_int(vm, freed as i64)
}
static COLLECT: BuiltinFn = BuiltinFn::new(Q::collect, 0, 0, gc_collect);

fn gc_enable(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.heap.auto_collect = true;
    Ok(Value::NONE)
}
static ENABLE: BuiltinFn = BuiltinFn::new(Q::enable, 0, 0, gc_enable);

fn gc_disable(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.heap.auto_collect = false;
    Ok(Value::NONE)
}
static DISABLE: BuiltinFn = BuiltinFn::new(Q::disable, 0, 0, gc_disable);

fn gc_isenabled(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::from_bool(vm.heap.auto_collect))
}
static ISENABLED: BuiltinFn = BuiltinFn::new(Q::isenabled, 0, 0, gc_isenabled);

fn gc_mem_free(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.heap.free_bytes();
    new_int(vm, n as i64)
}
static MEM_FREE: BuiltinFn = BuiltinFn::new(Q::mem_free, 0, 0, gc_mem_free);

fn gc_mem_alloc(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.heap.used_bytes();
    new_int(vm, n as i64)
}
static MEM_ALLOC: BuiltinFn = BuiltinFn::new(Q::mem_alloc, 0, 0, gc_mem_alloc);

fn gc_threshold(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match args.first() {
        None => match vm.heap.threshold {
            None => Ok(Value::small_int_unchecked(-1)),
            Some(t) => new_int(vm, t as i64),
        },
        Some(&v) => {
            let n = arg_int(vm, v)?;
            vm.heap.threshold = if n < 0 {
                None
            } else {
                Some(n as usize / BLOCK_BYTES * BLOCK_BYTES)
            };
            Ok(Value::NONE)
        }
    }
}
static THRESHOLD: BuiltinFn = BuiltinFn::new(Q::threshold, 0, 1, gc_threshold);

fixed_dict!(
    GC_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::gc)),
        (Q::collect, fnv!(COLLECT)),
        (Q::disable, fnv!(DISABLE)),
        (Q::enable, fnv!(ENABLE)),
        (Q::isenabled, fnv!(ISENABLED)),
        (Q::mem_free, fnv!(MEM_FREE)),
        (Q::mem_alloc, fnv!(MEM_ALLOC)),
        (Q::threshold, fnv!(THRESHOLD)),
    ]
);

pub static GC_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::gc,
    globals: &GC_GLOBALS,
    init: None,
    extensible: false,
};
