//! Descriptors and helpers of the class machinery: `property`, `classmethod`, `staticmethod`,
//! `super`. Contract: `PROPERTY_TYPE`, `CLASSMETHOD_TYPE`, `STATICMETHOD_TYPE`, `SUPER_TYPE`.

use crate::obj::Type;
use crate::qstr::Q;

pub static PROPERTY_TYPE: Type = Type::new(Q::property);
pub static CLASSMETHOD_TYPE: Type = Type::new(Q::classmethod);
pub static STATICMETHOD_TYPE: Type = Type::new(Q::staticmethod);
pub static SUPER_TYPE: Type = Type::new(Q::SUPER);
