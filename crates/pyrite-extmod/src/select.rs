//! `select` (also `uselect`): `poll()` objects with register/unregister/modify/poll/ipoll, and
//! `select.select`.
//!
//! What can be polled: sockets (through the port's [`Net::poll`]), integers (descriptors of the
//! port, e.g. 0 for stdin on the host), file objects (the console's descriptors are polled;
//! regular files are always ready, as the OS reports them), and any Python object with an
//! `ioctl(request, arg)` method (MicroPython's stream protocol: request 3 polls with the
//! wanted flags as `arg` and returns the ready ones or a negative errno; request 10 may return
//! a descriptor to poll instead, or -1).
//!
//! Registrations live in a Python list inside the poll object (`[obj0, mask0, obj1, mask1...]`),
//! so the collector sees the registered objects.

use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::modules::builtins::{arg_int, parse_kw};
use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use pyrite_core::types;
use pyrite_core::value::{ObjHeader, Value};
use pyrite_core::{fixed_dict, fnv, Gc, PyResult, Vm, Q};
use pyrite_hal::net::{PollFd, POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT};

use crate::socket::{
    check_interrupt, net_wait, SocketObj, MP_STREAM_GET_FILENO, MP_STREAM_POLL, SLICE_MS,
};

const ENOENT: i32 = 2;

/// A poll object.
#[repr(C)]
pub struct PollObj {
    pub hdr: ObjHeader,
    /// A list `[obj0, mask0, obj1, mask1, ...]` in registration order.
    pub entries: Cell<Value>,
}
pyrite_core::py_object!(PollObj, POLL_TYPE);

pub static POLL_TYPE: Type = Type {
    print: Some(poll_print),
    ..Type::new(Q::poll)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&POLL_LOCALS);

fn poll_print(
    _vm: &mut Vm,
    _v: Value,
    _k: PrintKind,
    out: &mut alloc::string::String,
) -> PyResult<()> {
    out.push_str("<poll>");
    Ok(())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<types::list::ListObj>> {
    let p = match v.downcast::<PollObj>() {
        Some(p) => p,
        None => return Err(vm.type_error("expected a poll object")),
    };
    match types::list::list_obj(p.entries.get()) {
        Some(l) => Ok(l),
        None => Err(vm.type_error("expected a poll object")),
    }
}

fn new_poll(vm: &mut Vm) -> PyResult<Value> {
    let l = types::list::new_list(vm, &[])?;
    Ok(vm
        .alloc_obj(PollObj {
            hdr: ObjHeader::new(&POLL_TYPE),
            entries: Cell::new(l),
        })?
        .value())
}

/// Same registered object: identity, or equal integers (descriptors).
fn same(a: Value, b: Value) -> bool {
    if a == b {
        return true;
    }
    matches!((a.as_small_int(), b.as_small_int()), (Some(x), Some(y)) if x == y)
}

/// Index (in pairs) of `obj` among the entries.
fn find(l: &types::list::ListObj, obj: Value) -> Option<usize> {
    let n = l.len.get() / 2;
    let a = l.items.get();
    (0..n).find(|&i| a.get(2 * i).is_some_and(|v| same(v, obj)))
}

fn mask_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<isize> {
    match v {
        Some(&m) if !m.is_null() => Ok(arg_int(vm, m)? & 0xffff),
        _ => Ok((POLLIN | POLLOUT) as isize),
    }
}

fn check_pollable(vm: &mut Vm, obj: Value) -> PyResult<()> {
    if let Some(fd) = obj.as_small_int() {
        if fd < 0 {
            return Err(vm.value_error("fd must be non-negative"));
        }
    }
    Ok(())
}

/// Register `obj` with `mask`, or if it is registered already give it `mask` (`add`: add
/// `mask` to its mask).
fn register(
    vm: &mut Vm,
    l: Gc<types::list::ListObj>,
    obj: Value,
    mask: isize,
    add: bool,
) -> PyResult<()> {
    match find(&l, obj) {
        Some(i) => {
            let items = l.items.get();
            let old = items.get(2 * i + 1).and_then(|m| m.as_small_int());
            let m = if add { old.unwrap_or(0) | mask } else { mask };
            items.set(2 * i + 1, Value::small_int_unchecked(m));
        }
        None => {
            let lv = l.value();
            types::list::list_append(vm, lv, obj)?;
            types::list::list_append(vm, lv, Value::small_int_unchecked(mask))?;
        }
    }
    Ok(())
}

fn poll_register(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, args[0])?;
    check_pollable(vm, args[1])?;
    let mask = mask_arg(vm, args.get(2))?;
    register(vm, l, args[1], mask, false)?;
    Ok(Value::NONE)
}

fn remove_pair(vm: &mut Vm, l: Gc<types::list::ListObj>, i: usize) -> PyResult<()> {
    let idx = Value::small_int_unchecked((2 * i) as isize);
    vm.call_method(l.value(), Q::pop, &[idx])?;
    vm.call_method(l.value(), Q::pop, &[idx])?;
    Ok(())
}

fn poll_unregister(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, args[0])?;
    if let Some(i) = find(&l, args[1]) {
        remove_pair(vm, l, i)?;
    }
    Ok(Value::NONE)
}

fn poll_modify(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, args[0])?;
    let mask = Value::small_int_unchecked(mask_arg(vm, args.get(2))?);
    match find(&l, args[1]) {
        Some(i) => {
            l.items.get().set(2 * i + 1, mask);
            Ok(Value::NONE)
        }
        None => Err(vm.os_error(ENOENT)),
    }
}

/// How one registered object is polled.
#[derive(Clone, Copy)]
enum How {
    /// Through the port's poll, as this descriptor.
    Fd(i32),
    /// Closed: POLLNVAL.
    Nval,
    /// Always ready (regular files).
    Always,
    /// Through the object's `ioctl`.
    Custom,
}

fn classify(vm: &mut Vm, obj: Value) -> PyResult<How> {
    if let Some(fd) = obj.as_small_int() {
        return Ok(if fd < 0 || fd > i32::MAX as isize {
            How::Nval
        } else {
            How::Fd(fd as i32)
        });
    }
    let s = obj
        .downcast::<SocketObj>()
        .or_else(|| types::class::native_part(obj).downcast::<SocketObj>());
    if let Some(s) = s {
        let fd = s.fd.get();
        return Ok(if fd < 0 { How::Nval } else { How::Fd(fd) });
    }
    if let Some(fd) = pyrite_core::modules::io::file_fd(obj) {
        return Ok(match fd {
            0..=2 => How::Fd(fd as i32),
            f if f < 0 => How::Nval,
            _ => How::Always,
        });
    }
    // A Python stream: it may name a descriptor (request 10), else it polls itself.
    let Some((f, selfv)) = method(vm, obj, Q::ioctl)? else {
        let mut m = alloc::string::String::from("'");
        m.push_str(vm.type_name(obj));
        m.push_str("' object can't be polled");
        return Err(vm.type_error(&m));
    };
    let _ = selfv;
    let r = vm.call(
        f,
        &[
            Value::small_int_unchecked(MP_STREAM_GET_FILENO),
            Value::small_int_unchecked(0),
        ],
        &[],
    );
    match r {
        Ok(v) => match v.as_small_int() {
            Some(fd) if (0..=i32::MAX as isize).contains(&fd) => Ok(How::Fd(fd as i32)),
            _ => Ok(How::Custom),
        },
        Err(_) => Ok(How::Custom),
    }
}

/// The bound method `obj.name`, if it exists.
fn method(vm: &mut Vm, obj: Value, name: pyrite_core::Qstr) -> PyResult<Option<(Value, Value)>> {
    match vm.load_attr_maybe(obj, name)? {
        Some(f) => Ok(Some((f, obj))),
        None => Ok(None),
    }
}

/// Ask a Python stream which of `mask` hold.
fn poll_custom(vm: &mut Vm, obj: Value, mask: u16) -> PyResult<u16> {
    let r = vm.call_method(
        obj,
        Q::ioctl,
        &[
            Value::small_int_unchecked(MP_STREAM_POLL),
            Value::small_int_unchecked(mask as isize),
        ],
    )?;
    let n = arg_int(vm, r)?;
    if n < 0 {
        let e = n.unsigned_abs().min(i32::MAX as usize) as i32;
        return Err(vm.os_error(e));
    }
    Ok((n as usize & 0xffff) as u16)
}

/// A timeout argument in milliseconds (None or negative: no limit).
fn timeout_ms_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<i64> {
    match v {
        Some(&t) if !t.is_none() && !t.is_null() => {
            if let Some(f) = types::float::float_value(t) {
                if f.is_nan() || f < 0.0 {
                    return Ok(-1);
                }
                return Ok(f.min(1e15) as i64);
            }
            Ok(arg_int(vm, t)? as i64)
        }
        _ => Ok(-1),
    }
}

/// Poll the registered entries of `l` for up to `timeout_ms` (negative: no limit). Returns the
/// ready `(index, revents)` pairs. With `one_shot`, reported entries get mask 0.
fn do_poll(
    vm: &mut Vm,
    l: Gc<types::list::ListObj>,
    timeout_ms: i64,
    one_shot: bool,
) -> PyResult<Vec<(Value, u16)>> {
    let n = l.len.get() / 2;
    let mut objs: Vec<(Value, u16)> = Vec::with_capacity(n);
    {
        let a = l.items.get();
        for i in 0..n {
            let o = a.get(2 * i).unwrap_or(Value::NONE);
            let m = a.get(2 * i + 1).and_then(|m| m.as_small_int()).unwrap_or(0);
            objs.push((o, (m & 0xffff) as u16));
        }
    }
    let mut hows = Vec::with_capacity(n);
    for &(o, _) in &objs {
        hows.push(classify(vm, o)?);
    }
    let has_custom = hows.iter().any(|h| matches!(h, How::Custom));
    let deadline = if timeout_ms >= 0 {
        Some(
            vm.host
                .ticks_us()
                .saturating_add((timeout_ms as u64).saturating_mul(1000)),
        )
    } else {
        None
    };
    let mut first = true;
    loop {
        // How long the port's poll may wait this round.
        let wait: i64 = if first && has_custom {
            0
        } else {
            let cap = if has_custom { 10 } else { SLICE_MS as i64 };
            match deadline {
                Some(d) => {
                    let now = vm.host.ticks_us();
                    if now >= d {
                        0
                    } else {
                        ((d - now).div_ceil(1000) as i64).min(cap)
                    }
                }
                None => cap,
            }
        };
        let always_ready = objs.iter().zip(hows.iter()).any(|(&(_, m), h)| match h {
            How::Nval => true,
            How::Always => m & (POLLIN | POLLOUT) != 0,
            _ => false,
        });
        // Bytes the core already took from the console (buffered by sys.stdin) are readable
        // even when the console itself has nothing more.
        let stdin_buffered = !vm.sys.stdin_buf.is_empty()
            && objs
                .iter()
                .zip(hows.iter())
                .any(|(&(_, m), h)| matches!(h, How::Fd(0)) && m & POLLIN != 0);
        let wait = if always_ready || stdin_buffered {
            0
        } else {
            wait
        };
        // Other `_thread` threads run while this one waits.
        let wait = pyrite_core::interp::thread::io_wait_slice(vm, wait as u64, first)? as i64;
        let mut fds: Vec<PollFd> = Vec::new();
        for (&(_, m), h) in objs.iter().zip(hows.iter()) {
            if let How::Fd(fd) = h {
                fds.push(PollFd {
                    handle: *fd,
                    events: m & (POLLIN | POLLOUT),
                    revents: 0,
                });
            }
        }
        if !fds.is_empty() || wait > 0 {
            net_wait(vm, &mut fds, wait as u64)?;
        }
        let mut out = Vec::new();
        let mut k = 0;
        for (i, (&(o, m), h)) in objs.iter().zip(hows.iter()).enumerate() {
            let ready = match h {
                How::Fd(_) => {
                    let mut r = fds.get(k).map(|f| f.revents).unwrap_or(0);
                    k += 1;
                    if stdin_buffered && matches!(h, How::Fd(0)) {
                        r |= POLLIN;
                    }
                    r & (m | POLLERR | POLLHUP | POLLNVAL)
                }
                How::Nval => POLLNVAL,
                How::Always => m & (POLLIN | POLLOUT),
                How::Custom => poll_custom(vm, o, m)? & (m | POLLERR | POLLHUP),
            };
            if ready != 0 {
                out.push((i, ready));
            }
        }
        if !out.is_empty() {
            let mut res = Vec::with_capacity(out.len());
            for (i, r) in out {
                res.push((objs[i].0, r));
                if one_shot {
                    if let Some(j) = find(&l, objs[i].0) {
                        l.items.get().set(2 * j + 1, Value::small_int_unchecked(0));
                    }
                }
            }
            return Ok(res);
        }
        check_interrupt(vm)?;
        if let Some(d) = deadline {
            if vm.host.ticks_us() >= d {
                return Ok(Vec::new());
            }
        }
        first = false;
    }
}

fn results_list(vm: &mut Vm, r: Vec<(Value, u16)>) -> PyResult<Value> {
    let list = types::list::new_list(vm, &[])?;
    for (o, ev) in r {
        let t = types::tuple::new_tuple(vm, &[o, Value::small_int_unchecked(ev as isize)])?;
        types::list::list_append(vm, list, t)?;
    }
    Ok(list)
}

fn poll_poll(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, args[0])?;
    let t = timeout_ms_arg(vm, args.get(1))?;
    let r = do_poll(vm, l, t, false)?;
    results_list(vm, r)
}

/// `ipoll(timeout=-1, flags=0)`: an iterator over the ready `(obj, event)` pairs; flags bit 0
/// makes the poll one-shot (reported objects must be re-armed with `modify`).
fn poll_ipoll(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, args[0])?;
    let t = timeout_ms_arg(vm, args.get(1))?;
    let one_shot = match args.get(2) {
        Some(&f) => arg_int(vm, f)? & 1 != 0,
        None => false,
    };
    let r = do_poll(vm, l, t, one_shot)?;
    let list = results_list(vm, r)?;
    vm.get_iter(list)
}

static POLL_REGISTER: BuiltinFn = BuiltinFn::new(Q::register, 2, 3, poll_register);
static POLL_UNREGISTER: BuiltinFn = BuiltinFn::new(Q::unregister, 2, 2, poll_unregister);
static POLL_MODIFY: BuiltinFn = BuiltinFn::new(Q::modify, 3, 3, poll_modify);
static POLL_POLL: BuiltinFn = BuiltinFn::new(Q::poll, 1, 2, poll_poll);
static POLL_IPOLL: BuiltinFn = BuiltinFn::new(Q::ipoll, 1, 3, poll_ipoll);

fixed_dict!(
    POLL_LOCALS,
    [
        (Q::register, fnv!(POLL_REGISTER)),
        (Q::unregister, fnv!(POLL_UNREGISTER)),
        (Q::modify, fnv!(POLL_MODIFY)),
        (Q::poll, fnv!(POLL_POLL)),
        (Q::ipoll, fnv!(POLL_IPOLL)),
    ]
);

fn select_poll(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    new_poll(vm)
}

/// The items of an iterable argument.
fn items_of(vm: &mut Vm, v: Value) -> PyResult<Vec<Value>> {
    let it = vm.get_iter(v)?;
    let mut out = Vec::new();
    while let Some(x) = vm.iter_next(it)? {
        out.push(x);
    }
    Ok(out)
}

/// `select(rlist, wlist, xlist[, timeout])`: three lists of the ready objects; `timeout` in
/// seconds (None: no limit).
fn select_select(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut o = [Value::NULL; 1];
    parse_kw(vm, kw, &[Q::timeout], &mut o)?;
    let tv = args.get(3).copied().unwrap_or(o[0]);
    let timeout_ms = if tv.is_null() || tv.is_none() {
        -1
    } else {
        let secs = types::float::value_to_f64(vm, tv)?;
        if secs.is_nan() || secs < 0.0 {
            return Err(vm.value_error("timeout must be non-negative"));
        }
        (secs * 1000.0).min(1e15) as i64
    };
    let p = new_poll(vm)?;
    vm.roots.push(p);
    let r = select_inner(vm, p, args, timeout_ms);
    vm.roots.pop();
    r
}

fn select_inner(vm: &mut Vm, p: Value, args: &[Value], timeout_ms: i64) -> PyResult<Value> {
    let l = this(vm, p)?;
    let sets = [
        items_of(vm, args[0])?,
        items_of(vm, args[1])?,
        items_of(vm, args[2])?,
    ];
    let bits = [POLLIN, POLLOUT, POLLERR];
    for (set, &bit) in sets.iter().zip(bits.iter()) {
        for &obj in set {
            check_pollable(vm, obj)?;
            register(vm, l, obj, bit as isize, true)?;
        }
    }
    let ready = do_poll(vm, l, timeout_ms, false)?;
    let mut lists = [Value::NULL; 3];
    for (k, set) in sets.iter().enumerate() {
        let out = types::list::new_list(vm, &[])?;
        lists[k] = out;
        for &obj in set {
            let hit = ready.iter().find(|(o, _)| same(*o, obj)).map(|&(_, r)| r);
            let want = match k {
                0 => POLLIN | POLLHUP | POLLERR,
                1 => POLLOUT,
                _ => POLLERR | POLLNVAL,
            };
            if hit.is_some_and(|r| r & want != 0) {
                types::list::list_append(vm, out, obj)?;
            }
        }
    }
    types::tuple::new_tuple(vm, &lists)
}

static POLL_FN: BuiltinFn = BuiltinFn::new(Q::poll, 0, 0, select_poll);
static SELECT_FN: BuiltinFn = BuiltinFn::new_kw(Q::select, 3, 4, select_select);

const fn int(n: u16) -> Value {
    Value::small_int_unchecked(n as isize)
}

fixed_dict!(
    SELECT_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::select)),
        (Q::poll, fnv!(POLL_FN)),
        (Q::select, fnv!(SELECT_FN)),
        (Q::POLLIN, int(POLLIN)),
        (Q::POLLOUT, int(POLLOUT)),
        (Q::POLLERR, int(POLLERR)),
        (Q::POLLHUP, int(POLLHUP)),
        (Q::POLLNVAL, int(POLLNVAL)),
    ]
);

pub static SELECT_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::select,
    globals: &SELECT_GLOBALS,
    init: None,
    extensible: true,
};

/// Modules defined in this file.
pub static MODULES: &[&BuiltinModuleDef] = &[&SELECT_MODULE];
