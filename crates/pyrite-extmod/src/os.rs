//! `os` (to be written).

use pyrite_core::modules::BuiltinModuleDef;

/// Modules defined in this file.
pub static MODULES: &[&BuiltinModuleDef] = &[];
