//! `range`. Contract: `RANGE_TYPE`.

use crate::obj::Type;
use crate::qstr::Q;

pub static RANGE_TYPE: Type = Type::new(Q::range);
