//! `dict` (insertion-ordered; storage in map.rs).

use crate::map::{DictObj, Map};
use crate::obj::{flags, Type};
use crate::qstr::Q;
use crate::value::{Gc, ObjHeader};
use crate::vm::Vm;
use crate::PyResult;

pub static DICT_TYPE: Type = Type::new(Q::dict).with_flags(flags::BASETYPE);

/// A new empty dict.
pub fn new_dict(vm: &mut Vm) -> PyResult<Gc<DictObj>> {
    vm.alloc_obj(DictObj {
        hdr: ObjHeader::new(&DICT_TYPE),
        map: Map::new(),
    })
}
