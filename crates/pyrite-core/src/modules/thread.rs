//! The `_thread` module: start_new_thread, allocate_lock/LockType, get_ident, stack_size,
//! exit. Threads are green threads run by the VM's scheduler (interp/thread.rs): switching
//! happens between bytecodes, so threads never run at the same time and cannot corrupt the
//! heap.

use crate::types::arg;
use core::cell::Cell;

use crate::fixed_dict;
use crate::fnv;
use crate::interp::thread::{self as sched, Wait};
use crate::obj::{BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::types;
use crate::types::exception as exc;
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, new_int, parse_kw};
use super::BuiltinModuleDef;

// ---- lock ----

#[repr(C)]
pub struct LockObj {
    pub hdr: ObjHeader,
    pub locked: Cell<bool>,
}
crate::py_object!(LockObj, LOCK_TYPE);

static ACQUIRE: BuiltinFn = BuiltinFn::new_kw(Q::acquire, 1, 3, lock_acquire);
static RELEASE: BuiltinFn = BuiltinFn::new(Q::release, 1, 1, lock_release);
static LOCKED: BuiltinFn = BuiltinFn::new(Q::locked, 1, 1, lock_locked);
static ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, lock_enter);
static EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 4, 4, lock_exit);

fixed_dict!(
    LOCK_LOCALS,
    [
        (Q::acquire, fnv!(ACQUIRE)),
        (Q::release, fnv!(RELEASE)),
        (Q::locked, fnv!(LOCKED)),
        (Q::__enter__, fnv!(ENTER)),
        (Q::__exit__, fnv!(EXIT)),
    ]
);

/// `_thread.LockType` (named `lock`, as in MicroPython).
pub static LOCK_TYPE: Type = Type {
    print: Some(lock_print),
    ..Type::new(Q::lock)
}
.with_locals(&LOCK_LOCALS);

fn lock_print(
    _vm: &mut Vm,
    v: Value,
    _k: PrintKind,
    out: &mut alloc::string::String,
) -> PyResult<()> {
    let _ = core::fmt::Write::write_fmt(out, format_args!("<lock object at 0x{:x}>", v.word()));
    Ok(())
}

/// True if `v` is a lock that is held.
pub fn lock_is_locked(v: Value) -> bool {
    v.downcast::<LockObj>().is_some_and(|l| l.locked.get())
}

/// Take lock `v` if it is free; true if taken.
pub fn lock_try_take(v: Value) -> bool {
    match v.downcast::<LockObj>() {
        Some(l) if !l.locked.get() => {
            l.locked.set(true);
            true
        }
        _ => false,
    }
}

fn lock_obj(vm: &mut Vm, v: Value) -> PyResult<crate::value::Gc<LockObj>> {
    match v.downcast::<LockObj>() {
        Some(l) => Ok(l),
        None => Err(vm.type_error("expected a lock")),
    }
}

/// acquire(waitflag=1, timeout=-1): True once taken; False if not waiting or on timeout.
fn lock_acquire(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let direct = sched::called_directly(vm);
    let l = lock_obj(vm, arg(args, 0))?;
    let mut opts = [Value::NULL; 3];
    parse_kw(vm, kw, &[Q::waitflag, Q::timeout, Q::blocking], &mut opts)?;
    let waitv = args
        .get(1)
        .copied()
        .or(Some(opts[0]).filter(|v| !v.is_null()))
        .or(Some(opts[2]).filter(|v| !v.is_null()));
    let wait = match waitv {
        Some(v) => vm.is_true(v)?,
        None => true,
    };
    let timeout = match args
        .get(2)
        .copied()
        .or(Some(opts[1]).filter(|v| !v.is_null()))
    {
        Some(v) if !v.is_none() => {
            let t = types::float::value_to_f64(vm, v)?;
            if t.is_nan() || (t < 0.0 && t != -1.0) {
                return Err(vm.value_error("timeout value must be a non-negative number"));
            }
            t
        }
        _ => -1.0,
    };
    if l.locked.get() && wait && timeout != 0.0 {
        let deadline = if timeout < 0.0 {
            u64::MAX
        } else {
            let us = (timeout * 1e6).min(u64::MAX as f64 / 2.0) as u64;
            vm.host.ticks_us().saturating_add(us)
        };
        return sched::block(vm, Wait::Lock(arg(args, 0), deadline), direct);
    }
    Ok(Value::from_bool(lock_try_take(arg(args, 0))))
}

fn lock_enter(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let direct = sched::called_directly(vm);
    let l = lock_obj(vm, arg(args, 0))?;
    if l.locked.get() {
        return sched::block(vm, Wait::Lock(arg(args, 0), u64::MAX), direct);
    }
    l.locked.set(true);
    Ok(Value::TRUE)
}

fn lock_release(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = lock_obj(vm, arg(args, 0))?;
    if !l.locked.get() {
        return Err(vm.new_exception_args(TypeRef::of_static(&exc::RUNTIME_ERROR), &[]));
    }
    l.locked.set(false);
    Ok(Value::NONE)
}

fn lock_exit(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    lock_release(vm, &args[..1], &[])
}

fn lock_locked(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = lock_obj(vm, arg(args, 0))?;
    Ok(Value::from_bool(l.locked.get()))
}

fn new_lock(vm: &mut Vm) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(LockObj {
            hdr: ObjHeader::new(&LOCK_TYPE),
            locked: Cell::new(false),
        })?
        .value())
}

// ---- module functions ----

fn allocate_lock(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    new_lock(vm)
}

fn start_new_thread(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fun = arg(args, 0);
    let pos = arg(args, 1);
    let items: alloc::vec::Vec<Value> = if let Some(t) = types::tuple::tuple_items(pos) {
        t.items().to_vec()
    } else if let Some(l) = types::list::list_obj(pos) {
        (0..l.len()).filter_map(|i| l.get(i)).collect()
    } else {
        let m = alloc::format!("object '{}' isn't a tuple or list", vm.type_name(pos));
        return Err(vm.type_error(&m));
    };
    let tuple = types::tuple::new_tuple(vm, &items)?;
    vm.roots.push(tuple);
    let kwd = match args.get(2) {
        None => Value::NULL,
        Some(&d) => {
            if d.downcast::<crate::map::DictObj>().is_none() {
                vm.roots.pop();
                return Err(vm.type_error("expecting a dict for keyword args"));
            }
            // A copy, so later changes by the caller do not reach the thread.
            match vm.call_method(d, Q::copy, &[]) {
                Ok(c) => c,
                Err(e) => {
                    vm.roots.pop();
                    return Err(e);
                }
            }
        }
    };
    let r = sched::start_thread(vm, fun, tuple, kwd);
    vm.roots.pop();
    let ident = r?;
    new_int(vm, ident as i64)
}

fn get_ident(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    new_int(vm, sched::current_ident(vm) as i64)
}

/// stack_size([size]): the previous setting; without an argument the setting goes back to
/// the default (0), as MicroPython does.
fn stack_size(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let old = vm.interp.thread_stack_bytes;
    let new = match args.first() {
        None => 0,
        Some(&v) => {
            let n = arg_int(vm, v)?;
            if n < 0 {
                return Err(vm.value_error("size must be 0 or a positive value"));
            }
            n as usize
        }
    };
    vm.interp.thread_stack_bytes = new;
    new_int(vm, old as i64)
}

fn thread_exit(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Err(vm.new_exception_args(TypeRef::of_static(&exc::SYSTEM_EXIT), &[]))
}

static START_NEW_THREAD: BuiltinFn = BuiltinFn::new(Q::start_new_thread, 2, 3, start_new_thread);
static ALLOCATE_LOCK: BuiltinFn = BuiltinFn::new(Q::allocate_lock, 0, 0, allocate_lock);
static GET_IDENT: BuiltinFn = BuiltinFn::new(Q::get_ident, 0, 0, get_ident);
static STACK_SIZE: BuiltinFn = BuiltinFn::new(Q::stack_size, 0, 1, stack_size);
static EXIT_FN: BuiltinFn = BuiltinFn::new(Q::exit, 0, 0, thread_exit);

fixed_dict!(
    THREAD_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::_thread)),
        (Q::LockType, Value::from_static(&LOCK_TYPE)),
        (Q::get_ident, fnv!(GET_IDENT)),
        (Q::stack_size, fnv!(STACK_SIZE)),
        (Q::start_new_thread, fnv!(START_NEW_THREAD)),
        (Q::exit, fnv!(EXIT_FN)),
        (Q::allocate_lock, fnv!(ALLOCATE_LOCK)),
    ]
);

pub static THREAD_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::_thread,
    globals: &THREAD_GLOBALS,
    init: None,
    extensible: false,
};
