//! Builtins that reach into the interpreter: `compile`, `eval`, `exec`, `execfile`,
//! `globals`, `locals`, `__import__`, `__build_class__` (through glue.rs).

use crate::types::arg;
use alloc::string::String;
use alloc::vec::Vec;

use pyrite_compiler::Mode;

use crate::map::DictObj;
use crate::obj::{BuiltinFn, Kw, VAR_ARGS};
use crate::qstr::Q;
use crate::types;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, arg_qstr, arg_string, parse_kw};
use super::glue;

/// The locals dict of the running frame (`locals()`, `dir()`).
pub fn current_locals(vm: &mut Vm) -> PyResult<Value> {
    glue::current_locals(vm)
}

fn builtin_globals(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(glue::current_globals(vm))
}
fn builtin_locals(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    glue::current_locals(vm)
}
pub static GLOBALS: BuiltinFn = BuiltinFn::new(Q::globals, 0, 0, builtin_globals);
pub static LOCALS: BuiltinFn = BuiltinFn::new(Q::locals, 0, 0, builtin_locals);

/// Source text from a str argument or any object with the buffer protocol (bytes,
/// bytearray, memoryview...).
fn source_text(vm: &mut Vm, v: Value) -> PyResult<String> {
    if types::str::str_data(vm, v).is_some() {
        return arg_string(vm, v);
    }
    match super::builtins::buffer_bytes(vm, v)? {
        Some(b) => match String::from_utf8(b) {
            Ok(s) => Ok(s),
            Err(_) => Err(vm.new_exception(
                &types::exception::UNICODE_ERROR,
                "source code is not valid UTF-8",
            )),
        },
        None => arg_string(vm, v),
    }
}

fn builtin_compile(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let src = source_text(vm, arg(args, 0))?;
    let file = arg_qstr(vm, arg(args, 1))?;
    let mode = match arg_qstr(vm, arg(args, 2))? {
        Q::exec => Mode::File,
        Q::eval => Mode::Eval,
        Q::single => Mode::Single,
        _ => return Err(vm.value_error("bad compile mode")),
    };
    glue::compile(vm, &src, file, mode)
}
pub static COMPILE: BuiltinFn = BuiltinFn::new(Q::compile, 3, 6, builtin_compile);

fn check_dict(vm: &mut Vm, v: Value, what: &str) -> PyResult<()> {
    if v.downcast::<DictObj>().is_some() {
        return Ok(());
    }
    let m = alloc::format!("{} must be a dict", what);
    Err(vm.type_error(&m))
}

/// The (globals, locals) pair eval/exec use.
fn namespaces(vm: &mut Vm, args: &[Value]) -> PyResult<(Value, Value)> {
    let g = args.get(1).copied().filter(|v| !v.is_none());
    let l = args.get(2).copied().filter(|v| !v.is_none());
    let (g, l) = match (g, l) {
        (Some(g), Some(l)) => (g, l),
        (Some(g), None) => (g, g),
        (None, Some(l)) => (glue::current_globals(vm), l),
        (None, None) => (glue::current_globals(vm), glue::current_locals(vm)?),
    };
    check_dict(vm, g, "globals")?;
    Ok((g, l))
}

fn eval_exec(vm: &mut Vm, args: &[Value], mode: Mode) -> PyResult<Value> {
    let (g, l) = namespaces(vm, args)?;
    let code = arg(args, 0);
    if glue::is_code(code) {
        return glue::run_code(vm, code, g, l);
    }
    let src = source_text(vm, code)?;
    glue::exec_source(vm, &src, Q::LT_STRING, mode, g, l)
}

fn builtin_eval(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    eval_exec(vm, args, Mode::Eval)
}
fn builtin_exec(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    eval_exec(vm, args, Mode::File)?;
    Ok(Value::NONE)
}
pub static EVAL: BuiltinFn = BuiltinFn::new(Q::eval, 1, 3, builtin_eval);
pub static EXEC: BuiltinFn = BuiltinFn::new(Q::exec, 1, 3, builtin_exec);

fn builtin_execfile(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let path = arg_string(vm, arg(args, 0))?;
    let Some(data) = super::fs_read_file(vm, &path)? else {
        return Err(vm.os_error(2));
    };
    let src = match String::from_utf8(data) {
        Ok(s) => s,
        Err(_) => {
            return Err(vm.new_exception(
                &types::exception::UNICODE_ERROR,
                "source code is not valid UTF-8",
            ))
        }
    };
    let (g, l) = namespaces(vm, args)?;
    let file = vm.intern(&path);
    glue::exec_source(vm, &src, file, Mode::File, g, l)?;
    Ok(Value::NONE)
}
pub static EXECFILE: BuiltinFn = BuiltinFn::new(Q::execfile, 1, 3, builtin_execfile);

fn builtin_import(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut opts = [Value::NULL; 5];
    for (i, &a) in args.iter().enumerate() {
        opts[i] = a;
    }
    let mut kwv = [Value::NULL; 5];
    parse_kw(
        vm,
        kw,
        &[Q::name, Q::globals, Q::locals, Q::fromlist, Q::level],
        &mut kwv,
    )?;
    for i in 0..5 {
        if !kwv[i].is_null() {
            opts[i] = kwv[i];
        }
    }
    if opts[0].is_null() {
        return Err(vm.type_error("__import__() missing required argument 'name'"));
    }
    let name = arg_qstr(vm, opts[0])?;
    let level = if opts[4].is_null() {
        0
    } else {
        let l = arg_int(vm, opts[4])?;
        if l < 0 {
            return Err(vm.value_error("level must be >= 0"));
        }
        l as usize
    };
    let fromlist = if opts[3].is_null() {
        Value::NONE
    } else {
        opts[3]
    };
    let globals = if opts[1].is_null() {
        Value::NONE
    } else {
        opts[1]
    };
    glue::import(vm, name, globals, fromlist, level)
}
pub static IMPORT: BuiltinFn = BuiltinFn::new_kw(Q::__import__, 0, 5, builtin_import);

/// `__build_class__(body, name, *bases, metaclass=None, **kw)`.
fn builtin_build_class(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let body = arg(args, 0);
    let name = arg(args, 1);
    let bases = &args[2..];
    let mut meta = Value::NULL;
    let mut rest: Vec<Value> = Vec::new();
    for pair in kw.chunks_exact(2) {
        if pair[0] == Value::qstr(Q::metaclass) {
            meta = pair[1];
        } else {
            rest.extend_from_slice(pair);
        }
    }
    if meta.is_null() {
        meta = match bases.first() {
            Some(&b) => b.type_of().value(),
            None => Value::from_static(&crate::obj::TYPE_TYPE),
        };
    }
    let locals = types::dict::new_dict(vm)?.value();
    let cell = glue::call_with_locals(vm, body, locals)?;
    let bases_tuple = types::tuple::new_tuple(vm, bases)?;
    let cls = vm.call(meta, &[name, bases_tuple, locals], &rest)?;
    if !cell.is_none() && !cell.is_null() {
        glue::cell_set(vm, cell, cls)?;
    }
    Ok(cls)
}
pub static BUILD_CLASS: BuiltinFn =
    BuiltinFn::new_kw(Q::__build_class__, 2, VAR_ARGS, builtin_build_class);
