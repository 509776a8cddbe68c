//! `tuple`.

use alloc::string::String;

use crate::obj::{flags, PrintKind, Type};
use crate::qstr::Q;
use crate::value::{ObjHeader, Value, VarObj};
use crate::vm::Vm;
use crate::PyResult;

/// A tuple: header + inline items.
pub type TupleObj = VarObj<ObjHeader, Value>;

pub static TUPLE_TYPE: Type = Type {
    print: Some(tuple_print),
    ..Type::new(Q::tuple)
}
.with_flags(flags::BASETYPE);

/// Make a tuple from items.
pub fn new_tuple(vm: &mut Vm, items: &[Value]) -> PyResult<Value> {
    Ok(vm.alloc_var(ObjHeader::new(&TUPLE_TYPE), items)?.value())
}

/// The items of a tuple value (exact tuple type).
pub fn tuple_items(v: Value) -> Option<crate::value::Gc<TupleObj>> {
    let h = v.as_obj()?;
    if h.ty.get().is(&TUPLE_TYPE) {
        Some(crate::value::Gc::from_raw(core::ptr::NonNull::new(
            h.as_ptr() as *mut TupleObj,
        )?))
    } else {
        None
    }
}

fn tuple_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(t) = tuple_items(v) else {
        return Ok(());
    };
    out.push('(');
    for (i, &x) in t.items().iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        vm.print_to(x, PrintKind::Repr, out)?;
    }
    if t.len() == 1 {
        out.push(',');
    }
    out.push(')');
    Ok(())
}
