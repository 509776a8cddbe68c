//! `memoryview`. Contract: `MEMORYVIEW_TYPE`.

use crate::obj::Type;
use crate::qstr::Q;

pub static MEMORYVIEW_TYPE: Type = Type::new(Q::memoryview);
