//! The `heapq` module (also `uheapq`): heappush, heappop, heapify on lists (min-heaps
//! ordered by `<`), as MicroPython has them.

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{BinOp, BuiltinFn, Kw};
use crate::qstr::Q;
use crate::types;
use crate::types::arg;
use crate::types::list::ListObj;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::BuiltinModuleDef;

fn heap_list(vm: &mut Vm, v: Value) -> PyResult<Gc<ListObj>> {
    match types::list::list_obj(v) {
        Some(l) => Ok(l),
        None => Err(vm.type_error("heap must be a list")),
    }
}

fn less(vm: &mut Vm, a: Value, b: Value) -> PyResult<bool> {
    let r = vm.binary_op(BinOp::Less, a, b)?;
    vm.is_true(r)
}

/// Item `i`, or IndexError if the list shrank under a comparison.
fn get(vm: &mut Vm, l: Gc<ListObj>, i: usize) -> PyResult<Value> {
    match l.get(i) {
        Some(v) => Ok(v),
        None => Err(vm.index_error("heap changed size")),
    }
}

/// Move the item at `pos` up towards `start` while it is smaller than its parent.
fn sift_down(vm: &mut Vm, l: Gc<ListObj>, start: usize, mut pos: usize) -> PyResult<()> {
    let item = get(vm, l, pos)?;
    while pos > start {
        let parent = (pos - 1) / 2;
        let p = get(vm, l, parent)?;
        if less(vm, item, p)? {
            l.set(pos, p);
            pos = parent;
        } else {
            break;
        }
    }
    l.set(pos, item);
    Ok(())
}

/// Move the item at `pos` down to a leaf, then back up (as CPython's heapq).
fn sift_up(vm: &mut Vm, l: Gc<ListObj>, mut pos: usize) -> PyResult<()> {
    let end = l.len();
    let start = pos;
    let item = get(vm, l, pos)?;
    let mut child = 2 * pos + 1;
    while child < end {
        let right = child + 1;
        if right < end {
            let (c, r) = (get(vm, l, child)?, get(vm, l, right)?);
            if !less(vm, c, r)? {
                child = right;
            }
        }
        let c = get(vm, l, child)?;
        l.set(pos, c);
        pos = child;
        child = 2 * pos + 1;
    }
    l.set(pos, item);
    sift_down(vm, l, start, pos)
}

fn heappush(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = heap_list(vm, arg(args, 0))?;
    types::list::list_append(vm, arg(args, 0), arg(args, 1))?;
    let n = l.len();
    sift_down(vm, l, 0, n - 1)?;
    Ok(Value::NONE)
}

fn heappop(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = heap_list(vm, arg(args, 0))?;
    let n = l.len();
    if n == 0 {
        return Err(vm.index_error("empty heap"));
    }
    let last = vm.call_method(arg(args, 0), Q::pop, &[])?;
    if l.len() == 0 {
        return Ok(last);
    }
    let top = get(vm, l, 0)?;
    l.set(0, last);
    sift_up(vm, l, 0)?;
    Ok(top)
}

fn heapify(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = heap_list(vm, arg(args, 0))?;
    let n = l.len();
    for i in (0..n / 2).rev() {
        sift_up(vm, l, i)?;
    }
    Ok(Value::NONE)
}

static HEAPPUSH: BuiltinFn = BuiltinFn::new(Q::heappush, 2, 2, heappush);
static HEAPPOP: BuiltinFn = BuiltinFn::new(Q::heappop, 1, 1, heappop);
static HEAPIFY: BuiltinFn = BuiltinFn::new(Q::heapify, 1, 1, heapify);

fixed_dict!(
    HEAPQ_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::heapq)),
        (Q::heappush, fnv!(HEAPPUSH)),
        (Q::heappop, fnv!(HEAPPOP)),
        (Q::heapify, fnv!(HEAPIFY)),
    ]
);

pub static HEAPQ_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::heapq,
    globals: &HEAPQ_GLOBALS,
    init: None,
    extensible: true,
};
