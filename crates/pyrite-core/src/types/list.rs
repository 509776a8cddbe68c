//! `list`. Items live in a GC array; `len <= capacity`.

use core::cell::Cell;

use crate::obj::{flags, Type};
use crate::qstr::Q;
use crate::value::{Gc, GcArray, ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct ListObj {
    pub hdr: ObjHeader,
    pub len: Cell<usize>,
    pub items: Cell<GcArray<Value>>,
}

crate::py_object!(ListObj, LIST_TYPE);

pub static LIST_TYPE: Type = Type::new(Q::list).with_flags(flags::BASETYPE);

impl ListObj {
    /// Item `i` (no bounds check beyond returning None).
    pub fn get(&self, i: usize) -> Option<Value> {
        if i < self.len.get() {
            self.items.get().get(i)
        } else {
            None
        }
    }
    pub fn len(&self) -> usize {
        self.len.get()
    }
}

/// A list value if `v` is exactly a list.
pub fn list_obj(v: Value) -> Option<Gc<ListObj>> {
    v.downcast::<ListObj>()
}

/// A new list holding a copy of `items`.
pub fn new_list(vm: &mut Vm, items: &[Value]) -> PyResult<Value> {
    let arr = vm.alloc_array::<Value>(items.len().max(4))?;
    for (i, &v) in items.iter().enumerate() {
        arr.set(i, v);
    }
    let l = vm.alloc_obj(ListObj {
        hdr: ObjHeader::new(&LIST_TYPE),
        len: Cell::new(items.len()),
        items: Cell::new(arr),
    })?;
    Ok(l.value())
}

/// `list.append(v)`.
pub fn list_append(vm: &mut Vm, list: Value, v: Value) -> PyResult<()> {
    let Some(l) = list_obj(list) else {
        return Err(vm.type_error("expected a list"));
    };
    let n = l.len.get();
    let a = l.items.get();
    if n >= a.capacity() {
        let new = vm.realloc_array(a, (n * 2).max(4))?;
        l.items.set(new);
    }
    l.items.get().set(n, v);
    l.len.set(n + 1);
    Ok(())
}
