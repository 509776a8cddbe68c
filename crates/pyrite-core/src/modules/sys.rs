//! The `sys` module. Its globals are a heap dict (so `sys.path = [...]`, `sys.ps1 = ...` work):
//! the fixed entries below plus `argv`, `path`, `modules`, `stdin/stdout/stderr`,
//! `implementation`, `maxsize`, filled in by `init`.
//!
//! Contract for ports: `set_argv(vm, &[&str])`, `set_path(vm, &[&str])`,
//! `set_executable(vm, path)`, `run_atexit(vm)`, `exit_code(vm, exc)` (SystemExit -> status).

use crate::types::arg;
use alloc::string::String;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::map::DictObj;
use crate::obj::{flags, AttrAction, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::{Qstr, Q};
use crate::types;
use crate::types::exception as exc;
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::parse_kw;
use super::io;

/// Pyrite's version (`sys.version` says "3.4.0; Pyrite x.y.z", the way MicroPython's says
/// "3.4.0; MicroPython vX.Y.Z on DATE").
pub const PYRITE_VERSION: &str = env!("CARGO_PKG_VERSION");
/// The MicroPython release whose behaviour Pyrite follows (`sys.implementation.version`).
pub const MICROPYTHON_VERSION: (isize, isize, isize) = (1, 29, 0);
/// `sys.implementation._mpy`: .mpy version 6, sub-version 3, no native architecture.
pub const MPY_HEADER: isize = 6 | (3 << 8);

// ---- an attribute tuple (sys.implementation) ----

/// A tuple whose items are also attributes (MicroPython's attrtuple).
#[repr(C)]
pub struct AttrTupleObj {
    pub hdr: ObjHeader,
    pub fields: &'static [Qstr],
    pub items: Value,
}
crate::py_object!(AttrTupleObj, ATTRTUPLE_TYPE);

pub static ATTRTUPLE_TYPE: Type = Type {
    print: Some(attrtuple_print),
    attr: Some(attrtuple_attr),
    subscr: Some(attrtuple_subscr),
    unary_op: Some(attrtuple_unary),
    getiter: Some(attrtuple_getiter),
    ..Type::new(Q::tuple)
}
.with_flags(flags::EQ_IS_IDENTITY);

/// A new attribute tuple.
pub fn new_attrtuple(vm: &mut Vm, fields: &'static [Qstr], items: &[Value]) -> PyResult<Value> {
    let t = types::tuple::new_tuple(vm, items)?;
    Ok(vm
        .alloc_obj(AttrTupleObj {
            hdr: ObjHeader::new(&ATTRTUPLE_TYPE),
            fields,
            items: t,
        })?
        .value())
}

fn attrtuple_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(a) = v.downcast::<AttrTupleObj>() else {
        return Ok(());
    };
    let Some(t) = types::tuple::tuple_items(a.items) else {
        return Ok(());
    };
    push_char(out, '(');
    for (i, &f) in a.fields.iter().enumerate() {
        let Some(&x) = t.items().get(i) else { break };
        if i > 0 {
            push_str(out, ", ");
        }
        push_str(out, vm.qstr_str(f));
        push_char(out, '=');
        vm.print_to(x, PrintKind::Repr, out)?;
    }
    push_char(out, ')');
    Ok(())
}

fn attrtuple_attr(
    vm: &mut Vm,
    v: Value,
    name: Qstr,
    action: AttrAction,
) -> PyResult<Option<Value>> {
    let _ = vm;
    let Some(a) = v.downcast::<AttrTupleObj>() else {
        return Ok(None);
    };
    if action != AttrAction::Load {
        return Ok(None);
    }
    let Some(t) = types::tuple::tuple_items(a.items) else {
        return Ok(None);
    };
    Ok(a.fields
        .iter()
        .position(|&f| f == name)
        .and_then(|i| t.items().get(i).copied()))
}

fn attrtuple_subscr(vm: &mut Vm, v: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(a) = v.downcast::<AttrTupleObj>() else {
        return Ok(Value::NULL);
    };
    if value != Value::SENTINEL {
        return Ok(Value::NULL);
    }
    vm.subscr(a.items, index)
}

fn attrtuple_unary(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(a) = v.downcast::<AttrTupleObj>() else {
        return Ok(Value::NULL);
    };
    match op {
        UnaryOp::Len | UnaryOp::Bool => vm.unary_op(op, a.items),
        _ => Ok(Value::NULL),
    }
}

fn attrtuple_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(a) = v.downcast::<AttrTupleObj>() else {
        return Ok(Value::NULL);
    };
    vm.get_iter(a.items)
}

static IMPL_FIELDS: [Qstr; 6] = [
    Q::name,
    Q::version,
    Q::_machine,
    Q::_mpy,
    Q::_build,
    Q::_thread,
];

// ---- functions ----

fn sys_exit(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Err(vm.new_exception_args(TypeRef::of_static(&exc::SYSTEM_EXIT), args))
}
static EXIT: BuiltinFn = BuiltinFn::new(Q::exit, 0, 1, sys_exit);

fn sys_print_exception(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(&f) = args.get(1) {
        if !f.is_none() && vm.load_attr_maybe(f, Q::write)?.is_none() {
            // Not a stream (MicroPython: "stream operation not supported").
            return Err(vm.os_error(95));
        }
    }
    let mut out = String::new();
    exc::print_exception(vm, arg(args, 0), &mut out)?;
    match args.get(1) {
        Some(&f) if !f.is_none() => io::write_to(vm, f, &out)?,
        _ => vm.write_stdout(&out),
    }
    Ok(Value::NONE)
}
static PRINT_EXCEPTION: BuiltinFn = BuiltinFn::new(Q::print_exception, 1, 2, sys_print_exception);

fn sys_exc_info(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let e = super::glue::current_exception(vm);
    if e.is_null() || e.is_none() {
        return types::tuple::new_tuple(vm, &[Value::NONE, Value::NONE, Value::NONE]);
    }
    let t = e.type_of().value();
    types::tuple::new_tuple(vm, &[t, e, Value::NONE])
}
static EXC_INFO: BuiltinFn = BuiltinFn::new(Q::exc_info, 0, 0, sys_exc_info);

fn sys_atexit(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let old = vm.sys.exitfunc;
    vm.sys.exitfunc = arg(args, 0);
    Ok(if old.is_null() { Value::NONE } else { old })
}
static ATEXIT: BuiltinFn = BuiltinFn::new(Q::atexit, 1, 1, sys_atexit);

fn sys_intern(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let _ = parse_kw(vm, kw, &[], &mut []);
    if types::str::str_data(vm, arg(args, 0)).is_none() {
        return Err(vm.type_error("can't intern non-str"));
    }
    let q = super::builtins::arg_qstr(vm, arg(args, 0))?;
    Ok(Value::qstr(q))
}
static INTERN: BuiltinFn = BuiltinFn::new(Q::intern, 1, 1, sys_intern);

fixed_dict!(pub SYS_GLOBALS, [
    (Q::__name__, Value::qstr(Q::sys)),
    (Q::platform, Value::qstr(Q::linux)),
    (Q::byteorder, Value::qstr(if cfg!(target_endian = "little") { Q::little } else { Q::big })),
    (Q::exit, fnv!(EXIT)),
    (Q::print_exception, fnv!(PRINT_EXCEPTION)),
    (Q::exc_info, fnv!(EXC_INFO)),
    (Q::atexit, fnv!(ATEXIT)),
    (Q::intern, fnv!(INTERN)),
]);

fn set_global(vm: &mut Vm, name: Qstr, v: Value) -> PyResult<()> {
    let Some(g) = super::module_globals(vm.sys.sys).and_then(|g| g.downcast::<DictObj>()) else {
        return Ok(());
    };
    g.map.set_qstr(vm, name, v)
}

/// Make the sys module (called by `modules::init`).
pub fn init(vm: &mut Vm) -> PyResult<()> {
    let g = super::copy_fixed_dict(vm, &SYS_GLOBALS)?;
    vm.sys.sys = super::module::new_module_with_globals(vm, g)?;

    let platform = vm.config.platform;
    let pq = vm.intern(platform);
    set_global(vm, Q::platform, Value::qstr(pq))?;

    set_global(vm, Q::modules, vm.interp.modules)?;
    let ps1 = types::str::new_str(vm, ">>> ")?;
    set_global(vm, Q::ps1, ps1)?;
    let ps2 = types::str::new_str(vm, "... ")?;
    set_global(vm, Q::ps2, ps2)?;
    let argv = types::list::new_list(vm, &[])?;
    set_global(vm, Q::argv, argv)?;
    let path = types::list::new_list(vm, &[])?;
    set_global(vm, Q::path, path)?;
    vm.interp.path = path;
    let paths = vm.config.path.clone();
    for p in &paths {
        let s = types::str::new_str(vm, p)?;
        types::list::list_append(vm, path, s)?;
    }

    for fd in 0..3 {
        let f = io::new_file(vm, fd as isize, false)?;
        vm.sys.stdio[fd] = f;
    }
    set_global(vm, Q::stdin, vm.sys.stdio[0])?;
    set_global(vm, Q::stdout, vm.sys.stdio[1])?;
    set_global(vm, Q::stderr, vm.sys.stdio[2])?;

    let version = alloc::format!("3.4.0; Pyrite {}", PYRITE_VERSION);
    let v = types::str::new_str(vm, &version)?;
    set_global(vm, Q::version, v)?;
    let vi = types::tuple::new_tuple(
        vm,
        &[
            Value::small_int_unchecked(3),
            Value::small_int_unchecked(4),
            Value::small_int_unchecked(0),
        ],
    )?;
    set_global(vm, Q::version_info, vi)?;

    let iv = types::tuple::new_tuple(
        vm,
        &[
            Value::small_int_unchecked(MICROPYTHON_VERSION.0),
            Value::small_int_unchecked(MICROPYTHON_VERSION.1),
            Value::small_int_unchecked(MICROPYTHON_VERSION.2),
            Value::qstr(Q::EMPTY),
        ],
    )?;
    let machine = alloc::format!("{} [Rust] version", platform);
    let mv = types::str::new_str(vm, &machine)?;
    let imp = new_attrtuple(
        vm,
        &IMPL_FIELDS,
        &[
            Value::qstr(Q::micropython),
            iv,
            mv,
            Value::small_int_unchecked(MPY_HEADER),
            Value::qstr(Q::standard),
            // `_thread`: threads are green threads switched between bytecodes, so shared
            // objects are as safe as under MicroPython's GIL.
            Value::qstr(Q::GIL),
        ],
    )?;
    set_global(vm, Q::implementation, imp)?;

    // maxsize is the largest machine word, which is a big int on a 64-bit host.
    let maxsize = match super::builtins::new_int(vm, isize::MAX as i64) {
        Ok(v) => v,
        Err(_) => Value::small_int_unchecked(crate::value::SMALL_INT_MAX),
    };
    set_global(vm, Q::maxsize, maxsize)?;
    Ok(())
}

/// Replace `sys.argv` with `args`.
pub fn set_argv(vm: &mut Vm, args: &[&str]) -> PyResult<()> {
    let l = types::list::new_list(vm, &[])?;
    set_global(vm, Q::argv, l)?;
    for a in args {
        let s = types::str::new_str(vm, a)?;
        types::list::list_append(vm, l, s)?;
    }
    Ok(())
}

/// Replace `sys.path` with `entries`.
pub fn set_path(vm: &mut Vm, entries: &[&str]) -> PyResult<()> {
    let l = types::list::new_list(vm, &[])?;
    set_global(vm, Q::path, l)?;
    vm.interp.path = l;
    for a in entries {
        let s = types::str::new_str(vm, a)?;
        types::list::list_append(vm, l, s)?;
    }
    Ok(())
}

/// Set `sys.executable`.
pub fn set_executable(vm: &mut Vm, path: &str) -> PyResult<()> {
    let s = types::str::new_str(vm, path)?;
    set_global(vm, Q::executable, s)
}

/// Call the `sys.atexit` function, if any (errors are printed, not raised).
pub fn run_atexit(vm: &mut Vm) {
    let f = vm.sys.exitfunc;
    if f.is_null() || f.is_none() {
        return;
    }
    vm.sys.exitfunc = Value::NULL;
    if let Err(e) = vm.call(f, &[], &[]) {
        let mut out = String::new();
        if exc::print_exception(vm, e.0, &mut out).is_ok() {
            vm.write_stderr(&out);
        }
    }
}

/// What an uncaught exception means for the process: `Some(status)` for SystemExit (None
/// -> 0, an int -> its value & 255, anything else -> 1), None for other exceptions.
pub fn exit_code(vm: &mut Vm, e: Value) -> Option<i32> {
    if !vm.is_subclass(e.type_of(), TypeRef::of_static(&exc::SYSTEM_EXIT)) {
        return None;
    }
    let code = exception_value(e);
    if code.is_none() {
        return Some(0);
    }
    if let Some(i) = code.as_small_int() {
        return Some((i & 255) as i32);
    }
    if code.is_bool() {
        return Some((code == Value::TRUE) as i32);
    }
    Some(1)
}

/// The first argument of an exception (None without arguments): `SystemExit.code`,
/// `StopIteration.value`.
pub fn exception_value(e: Value) -> Value {
    let Some(eo) = e.downcast_layout::<exc::ExcObj>() else {
        return Value::NONE;
    };
    match types::tuple::tuple_items(eo.args.get()) {
        Some(t) if !t.is_empty() => t.items()[0],
        _ => Value::NONE,
    }
}
