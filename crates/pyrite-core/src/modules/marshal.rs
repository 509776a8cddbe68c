//! The `marshal` module: `dumps(code)` and `loads(data)` for code objects, as MicroPython's
//! docs/library/marshal.rst describes (code objects are the only values that can be dumped).
//!
//! The binary format is Pyrite's .mpy v6 file format (the same bytes `pyrite-cross` writes):
//! the code's compilation unit (qstr table and constant table, which its bytecode indexes)
//! followed by the code as the outermost raw code, with its children. So the data does not
//! depend on the machine, and `loads` verifies the bytecode like any imported .mpy file
//! (corrupt data raises ValueError, never runs unchecked code). MicroPython's own marshal
//! stream is a different container of the same raw-code encoding, so data is not exchanged
//! between the two implementations.
//!
//! `loads` returns a code object; run it with `exec(code, globals)` or make a function with
//! `type(lambda: 0)(code, globals)`.

use crate::types::arg;
use alloc::string::String;
use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;

use pyrite_compiler::{CompiledModule, Const, RawCode, RawCodeKind};

use crate::fixed_dict;
use crate::fnv;
use crate::interp::code::{CodeObj, FunObj};
use crate::obj::{with_buffer_read, BuiltinFn, Kw};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::BuiltinModuleDef;

/// The code object behind `v`: a code object, or a function (`compile()` results are
/// functions in Pyrite).
pub fn code_of(v: Value) -> Option<Gc<CodeObj>> {
    if let Some(c) = v.downcast::<CodeObj>() {
        return Some(c);
    }
    v.downcast::<FunObj>().map(|f| f.code)
}

#[cold]
fn unmarshallable(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("unmarshallable object")
}

/// A constant-table object back as a compiler constant.
fn to_const(vm: &mut Vm, v: Value, depth: u32) -> PyResult<Const> {
    if depth > 64 {
        return Err(unmarshallable(vm));
    }
    if v.is_none() {
        return Ok(Const::None);
    }
    if v == Value::TRUE {
        return Ok(Const::True);
    }
    if v == Value::FALSE {
        return Ok(Const::False);
    }
    if v == Value::ELLIPSIS {
        return Ok(Const::Ellipsis);
    }
    if types::int::is_int(v) {
        let mut s = String::new();
        types::int::format_int(vm, v, 10, &mut s)?;
        return Ok(Const::Int(s));
    }
    if types::float::float_value(v).is_some() {
        return Ok(Const::Float(vm.repr_string(v)?));
    }
    if let Some(c) = v.downcast::<types::complex::ComplexObj>() {
        let im = types::float::new_float(vm, c.im)?;
        return Ok(Const::Complex(vm.repr_string(im)?));
    }
    if types::bytes::bytes_obj(v).is_some() {
        if let Some(b) = with_buffer_read(vm, v, bytes_vec)? {
            return Ok(Const::Bytes(b));
        }
    }
    if v.type_of().is(&types::str::STR_TYPE) {
        let s = vm.str_string(v)?;
        return Ok(Const::Str(s));
    }
    if let Some(t) = types::tuple::tuple_items(v) {
        let items: Vec<Value> = t.items().to_vec();
        let mut out = Vec::with_capacity(items.len());
        for it in items {
            out.push(to_const(vm, it, depth + 1)?);
        }
        return Ok(Const::Tuple(out));
    }
    Err(unmarshallable(vm))
}

/// The raw code of `c` and its children.
fn to_raw(c: Gc<CodeObj>, depth: u32) -> Option<RawCode> {
    if depth > 200 || c.native {
        // native/viper code cannot be marshalled (as in MicroPython)
        return None;
    }
    let mut children = Vec::new();
    if let Some(t) = types::tuple::tuple_items(c.children) {
        for k in t.items() {
            children.push(to_raw(k.downcast::<CodeObj>()?, depth + 1)?);
        }
    }
    Some(RawCode {
        kind: RawCodeKind::Bytecode,
        bytecode: bytes_vec(c.bytes()),
        children,
    })
}

fn dumps(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(code) = code_of(arg(args, 0)) else {
        return Err(unmarshallable(vm));
    };
    let ctx = code.ctx;
    let qstrs: Vec<String> = ctx
        .qstrs
        .items()
        .iter()
        .map(|&q| String::from(vm.qstr_str(q)))
        .collect();
    let mut consts = Vec::new();
    if let Some(t) = types::tuple::tuple_items(ctx.consts) {
        let items: Vec<Value> = t.items().to_vec();
        for it in items {
            consts.push(to_const(vm, it, 0)?);
        }
    }
    let Some(root) = to_raw(code, 0) else {
        return Err(unmarshallable(vm));
    };
    let m = CompiledModule {
        qstrs,
        consts,
        root,
    };
    let bits = (crate::value::SMALL_INT_BITS).min(63) as u8;
    let data = pyrite_compiler::write_mpy(&m, bits);
    types::bytes::new_bytes(vm, &data)
}

fn loads(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(data) = with_buffer_read(vm, arg(args, 0), bytes_vec)? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let m = match pyrite_compiler::read_mpy(&data) {
        Ok(m) => m,
        Err(e) => {
            let msg = alloc::format!("invalid marshal data: {}", e.message());
            return Err(vm.value_error(&msg));
        }
    };
    let code = crate::interp::code::load_module(vm, &m)?;
    Ok(code.value())
}

static DUMPS: BuiltinFn = BuiltinFn::new(Q::dumps, 1, 1, dumps);
static LOADS: BuiltinFn = BuiltinFn::new(Q::loads, 1, 1, loads);

fixed_dict!(
    MARSHAL_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::marshal)),
        (Q::dumps, fnv!(DUMPS)),
        (Q::loads, fnv!(LOADS)),
    ]
);

pub static MARSHAL_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::marshal,
    globals: &MARSHAL_GLOBALS,
    init: None,
    extensible: false,
};
