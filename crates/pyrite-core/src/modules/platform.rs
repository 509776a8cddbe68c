//! The `platform` module: `platform()`, `python_compiler()`, `libc_ver()` (as MicroPython's:
//! strings describing the build, `libc_ver()` a tuple).

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{BuiltinFn, Kw};
use crate::qstr::Q;
use crate::types;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

use super::BuiltinModuleDef;

fn platform_fn(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = alloc::format!(
        "Pyrite-{}-{}",
        env!("CARGO_PKG_VERSION"),
        vm.config.platform
    );
    types::str::new_str(vm, &s)
}

fn python_compiler(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    types::str::new_str(vm, "rustc")
}

fn libc_ver(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let e = Value::qstr(Q::EMPTY);
    types::tuple::new_tuple(vm, &[e, e])
}

static PLATFORM: BuiltinFn = BuiltinFn::new(Q::platform, 0, 0, platform_fn);
static PYTHON_COMPILER: BuiltinFn = BuiltinFn::new(Q::python_compiler, 0, 0, python_compiler);
static LIBC_VER: BuiltinFn = BuiltinFn::new(Q::libc_ver, 0, 0, libc_ver);

fixed_dict!(
    PLATFORM_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::platform)),
        (Q::platform, fnv!(PLATFORM)),
        (Q::python_compiler, fnv!(PYTHON_COMPILER)),
        (Q::libc_ver, fnv!(LIBC_VER)),
    ]
);

pub static PLATFORM_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::platform,
    globals: &PLATFORM_GLOBALS,
    init: None,
    extensible: false,
};
