//! `machine` (also `umachine`) as far as a machine without pins has it (MicroPython's unix
//! port): `mem8`/`mem16`/`mem32`, `PinBase`, `Signal`, `time_pulse_us`, `idle`, `reset`,
//! `soft_reset`, `unique_id`, `freq`.
//!
//! Memory access through `memN[addr]` is checked by the GC heap: an address is read only
//! inside a live heap allocation and written only inside plain-data storage (byte arrays);
//! anything else raises `ValueError` and never touches memory (see [`mem_read`]). Pins are Python objects with a `value([x])` method
//! (`PinBase` subclasses); `Signal` and `time_pulse_us` drive them through that method.
//!
//! Soft reset: `soft_reset()` (and `reset()` on the host) set [`SOFT_RESET_REQUESTED`] and raise
//! `SystemExit`; a REPL that sees the flag after SystemExit restarts the interpreter instead of
//! exiting (what a board does).

use alloc::string::String;
use core::sync::atomic::{AtomicBool, Ordering};

use pyrite_core::modules::builtins::{arg_int, parse_kw};
use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use pyrite_core::types;
use pyrite_core::value::{ObjHeader, TypeRef, Value};
use pyrite_core::{fixed_dict, fnv, PyResult, Vm, Q};

use crate::socket::check_interrupt;

/// Set by `machine.soft_reset()`/`reset()` before they raise SystemExit; the port's REPL takes
/// it ([`take_soft_reset_request`]) to tell a reset from a plain `sys.exit()`.
pub static SOFT_RESET_REQUESTED: AtomicBool = AtomicBool::new(false);

/// True (once) if the last SystemExit came from `machine.soft_reset()`/`reset()`.
pub fn take_soft_reset_request() -> bool {
    // load + store (not swap): targets without atomic read-modify-write have these.
    let r = SOFT_RESET_REQUESTED.load(Ordering::Relaxed);
    SOFT_RESET_REQUESTED.store(false, Ordering::Relaxed);
    r
}

// ---- mem8 / mem16 / mem32 ----

/// `machine.memN`: width in bytes.
#[repr(C)]
pub struct MemObj {
    pub hdr: ObjHeader,
    pub width: u8,
}
pyrite_core::py_object!(MemObj, MEM_TYPE);

// SAFETY: MemObj statics are immutable (the header's type Cell is never written).
unsafe impl Sync for MemObj {}

pub static MEM_TYPE: Type = Type {
    print: Some(mem_print),
    subscr: Some(mem_subscr),
    ..Type::new(Q::mem)
}
.with_flags(flags::EQ_IS_IDENTITY);

static MEM8: MemObj = MemObj {
    hdr: ObjHeader::new(&MEM_TYPE),
    width: 1,
};
static MEM16: MemObj = MemObj {
    hdr: ObjHeader::new(&MEM_TYPE),
    width: 2,
};
static MEM32: MemObj = MemObj {
    hdr: ObjHeader::new(&MEM_TYPE),
    width: 4,
};

fn mem_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let w = v.downcast::<MemObj>().map(|m| m.width).unwrap_or(1);
    out.push('<');
    crate::push_dec(out, w as i64 * 8);
    out.push_str("-bit memory>");
    Ok(())
}

/// Read `width` bytes at `addr` (native byte order) if the GC heap vouches for the address:
/// the range must lie inside one live allocation (`Heap::read_at`); None otherwise.
fn mem_read(vm: &mut Vm, addr: u64, width: u8) -> Option<u32> {
    let addr = usize::try_from(addr).ok()?;
    let mut b = [0u8; 4];
    let w = (width as usize).min(4);
    if !vm.heap.read_at(addr, &mut b[..w]) {
        return None;
    }
    Some(match w {
        1 => b[0] as u32,
        2 => u16::from_ne_bytes([b[0], b[1]]) as u32,
        _ => u32::from_ne_bytes(b),
    })
}

/// Write `width` bytes at `addr` (native byte order); only plain-data heap storage (byte
/// arrays) may be written (`Heap::write_at`). False if refused.
fn mem_write(vm: &mut Vm, addr: u64, width: u8, val: u32) -> bool {
    let Ok(addr) = usize::try_from(addr) else {
        return false;
    };
    let b = val.to_ne_bytes();
    let data: &[u8] = match width {
        1 => &b[..1],
        2 => &(val as u16).to_ne_bytes()[..],
        _ => &b[..],
    };
    let data: alloc::vec::Vec<u8> = data.to_vec();
    vm.heap.write_at(addr, &data)
}

fn mem_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    let width = obj.downcast::<MemObj>().map(|m| m.width).unwrap_or(1);
    if value.is_null() {
        return Err(vm.type_error("'mem' object doesn't support item deletion"));
    }
    if !types::int::is_int(index) && !index.is_bool() {
        return Err(vm.type_error("address must be an integer"));
    }
    let addr = match types::int::value_to_i64(vm, index) {
        Ok(a) if a >= 0 => a as u64,
        _ => return Err(vm.value_error("address out of range")),
    };
    if !addr.is_multiple_of(width as u64) {
        let mut m = String::from("memory address not aligned to ");
        crate::push_dec(&mut m, width as i64);
        m.push_str(" bytes");
        return Err(vm.value_error(&m));
    }
    if value == Value::SENTINEL {
        match mem_read(vm, addr, width) {
            Some(v) => types::int::int_from_u64(vm, v as u64),
            None => Err(vm.value_error("address not in accessible memory")),
        }
    } else {
        let v = types::int::value_to_i64(vm, value)? as u32;
        if mem_write(vm, addr, width, v) {
            Ok(Value::NONE)
        } else {
            Err(vm.value_error("address not in accessible memory"))
        }
    }
}

// ---- PinBase ----

/// `machine.PinBase`: the base of pins written in Python (they define `value([x])`).
#[repr(C)]
pub struct PinBaseObj {
    pub hdr: ObjHeader,
}
pyrite_core::py_object!(PinBaseObj, PINBASE_TYPE);

pub static PINBASE_TYPE: Type = Type {
    make_new: Some(pinbase_make_new),
    ..Type::new(Q::PinBase)
}
.with_flags(flags::BASETYPE)
.with_locals(&PINBASE_LOCALS);

fn pinbase_make_new(vm: &mut Vm, _ty: TypeRef, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(PinBaseObj {
            hdr: ObjHeader::new(&PINBASE_TYPE),
        })?
        .value())
}

fn pinbase_value(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Err(vm.not_implemented("PinBase subclasses must define value()"))
}
static PINBASE_VALUE: BuiltinFn = BuiltinFn::new(Q::value, 1, 2, pinbase_value);
fixed_dict!(PINBASE_LOCALS, [(Q::value, fnv!(PINBASE_VALUE))]);

/// `pin.value()` as an int.
fn pin_get(vm: &mut Vm, pin: Value) -> PyResult<isize> {
    let v = vm.call_method(pin, Q::value, &[])?;
    if v.is_none() {
        return Ok(0);
    }
    if types::int::is_int(v) || v.is_bool() {
        return arg_int(vm, v);
    }
    Ok(vm.is_true(v)? as isize)
}

fn pin_set(vm: &mut Vm, pin: Value, x: bool) -> PyResult<()> {
    vm.call_method(pin, Q::value, &[Value::small_int_unchecked(x as isize)])?;
    Ok(())
}

// ---- Signal ----

/// `machine.Signal(pin, invert=False)`: a pin whose logical level may be inverted.
#[repr(C)]
pub struct SignalObj {
    pub hdr: ObjHeader,
    pub pin: core::cell::Cell<Value>,
    pub invert: core::cell::Cell<bool>,
}
pyrite_core::py_object!(SignalObj, SIGNAL_TYPE);

pub static SIGNAL_TYPE: Type = Type {
    make_new: Some(signal_make_new),
    call: Some(signal_call),
    ..Type::new(Q::Signal)
}
.with_flags(flags::BASETYPE)
.with_locals(&SIGNAL_LOCALS);

fn signal_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut o = [Value::NULL; 1];
    parse_kw(vm, kw, &[Q::invert], &mut o)?;
    if args.len() != 1 {
        return Err(vm.type_error("Signal() takes a pin object"));
    }
    let invert = if o[0].is_null() {
        false
    } else {
        vm.is_true(o[0])?
    };
    Ok(vm
        .alloc_obj(SignalObj {
            hdr: ObjHeader::new(&SIGNAL_TYPE),
            pin: core::cell::Cell::new(args[0]),
            invert: core::cell::Cell::new(invert),
        })?
        .value())
}

fn signal_of(vm: &mut Vm, v: Value) -> PyResult<pyrite_core::Gc<SignalObj>> {
    if let Some(s) = v.downcast::<SignalObj>() {
        return Ok(s);
    }
    match types::class::native_part(v).downcast::<SignalObj>() {
        Some(s) => Ok(s),
        None => Err(vm.type_error("expected a Signal")),
    }
}

/// `value([x])` on a Signal.
fn signal_value_impl(vm: &mut Vm, sv: Value, x: Option<Value>) -> PyResult<Value> {
    let s = signal_of(vm, sv)?;
    let pin = s.pin.get();
    let inv = s.invert.get();
    match x {
        None => {
            let v = pin_get(vm, pin)?;
            Ok(Value::small_int(v ^ inv as isize).unwrap_or(Value::NONE))
        }
        Some(x) => {
            let b = vm.is_true(x)?;
            pin_set(vm, pin, b ^ inv)?;
            Ok(Value::NONE)
        }
    }
}

fn signal_call(vm: &mut Vm, obj: Value, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(vm.type_error("function expected at most 1 argument"));
    }
    signal_value_impl(vm, obj, args.first().copied())
}

fn signal_value(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    signal_value_impl(vm, args[0], args.get(1).copied())
}

fn signal_on(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    signal_value_impl(vm, args[0], Some(Value::TRUE))
}

fn signal_off(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    signal_value_impl(vm, args[0], Some(Value::FALSE))
}

static SIGNAL_VALUE: BuiltinFn = BuiltinFn::new(Q::value, 1, 2, signal_value);
static SIGNAL_ON: BuiltinFn = BuiltinFn::new(Q::on, 1, 1, signal_on);
static SIGNAL_OFF: BuiltinFn = BuiltinFn::new(Q::off, 1, 1, signal_off);
fixed_dict!(
    SIGNAL_LOCALS,
    [
        (Q::value, fnv!(SIGNAL_VALUE)),
        (Q::on, fnv!(SIGNAL_ON)),
        (Q::off, fnv!(SIGNAL_OFF)),
    ]
);

// ---- functions ----

/// `time_pulse_us(pin, level, timeout_us=1000000)`: wait for `pin` to reach `level` (-2 if it
/// does not within the timeout), then time how long it stays there (-1 on timeout).
fn machine_time_pulse_us(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let pin = args[0];
    let level = vm.is_true(args[1])? as isize;
    let timeout = match args.get(2) {
        Some(&t) => arg_int(vm, t)?.max(0) as u64,
        None => 1_000_000,
    };
    let mut start = vm.host.ticks_us();
    let mut n = 0u32;
    while (pin_get(vm, pin)? != 0) as isize != level {
        if vm.host.ticks_us().saturating_sub(start) >= timeout {
            return Ok(Value::small_int_unchecked(-2));
        }
        n = n.wrapping_add(1);
        if n.is_multiple_of(256) {
            check_interrupt(vm)?;
        }
    }
    start = vm.host.ticks_us();
    while (pin_get(vm, pin)? != 0) as isize == level {
        if vm.host.ticks_us().saturating_sub(start) >= timeout {
            return Ok(Value::small_int_unchecked(-1));
        }
        n = n.wrapping_add(1);
        if n.is_multiple_of(256) {
            check_interrupt(vm)?;
        }
    }
    let dt = vm.host.ticks_us().saturating_sub(start);
    types::int::int_from_u64(vm, dt)
}

/// `idle()`: give the CPU away briefly (until the next "interrupt"; 1 ms on the host).
fn machine_idle(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    if vm.host.sleep_us(1000) {
        return Err(vm.new_exception_args(
            TypeRef::of_static(&types::exception::KEYBOARD_INTERRUPT),
            &[],
        ));
    }
    Ok(Value::NONE)
}

/// `soft_reset()`: end the program and restart the interpreter (the REPL does the restart).
fn machine_soft_reset(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    SOFT_RESET_REQUESTED.store(true, Ordering::Relaxed);
    Err(vm.new_exception_args(TypeRef::of_static(&types::exception::SYSTEM_EXIT), &[]))
}

/// `unique_id()`: the machine's identity bytes.
fn machine_unique_id(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let id = match crate::platform(vm).and_then(|p| p.pins()) {
        Some(p) => p.unique_id(),
        None => alloc::vec::Vec::from(&b"pyrite"[..]),
    };
    types::bytes::new_bytes(vm, &id)
}

/// `freq([hz])`: the CPU clock in Hz, or set it.
fn machine_freq(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match args.first() {
        None => {
            let f = match crate::platform(vm).and_then(|p| p.pins()) {
                Some(p) => p.freq(),
                None => 0,
            };
            types::int::int_from_u64(vm, f)
        }
        Some(&hz) => {
            let hz = types::int::value_to_i64(vm, hz)?;
            if hz <= 0 {
                return Err(vm.value_error("frequency must be positive"));
            }
            let r = match crate::platform(vm).and_then(|p| p.pins()) {
                Some(p) => p.set_freq(hz as u64),
                None => Err(1),
            };
            match r {
                Ok(()) => Ok(Value::NONE),
                Err(e) => Err(vm.os_error(e)),
            }
        }
    }
}

/// `disable_irq()`: no interrupts to disable on the host; returns the state to restore.
fn machine_disable_irq(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::small_int_unchecked(0))
}

fn machine_enable_irq(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::NONE)
}

static TIME_PULSE_US: BuiltinFn = BuiltinFn::new(Q::time_pulse_us, 2, 3, machine_time_pulse_us);
static IDLE: BuiltinFn = BuiltinFn::new(Q::idle, 0, 0, machine_idle);
static SOFT_RESET: BuiltinFn = BuiltinFn::new(Q::soft_reset, 0, 0, machine_soft_reset);
static RESET: BuiltinFn = BuiltinFn::new(Q::reset, 0, 0, machine_soft_reset);
static UNIQUE_ID: BuiltinFn = BuiltinFn::new(Q::unique_id, 0, 0, machine_unique_id);
static FREQ: BuiltinFn = BuiltinFn::new(Q::freq, 0, 1, machine_freq);
static DISABLE_IRQ: BuiltinFn = BuiltinFn::new(Q::disable_irq, 0, 0, machine_disable_irq);
static ENABLE_IRQ: BuiltinFn = BuiltinFn::new(Q::enable_irq, 0, 1, machine_enable_irq);

fixed_dict!(
    MACHINE_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::machine)),
        (Q::mem8, Value::from_static(&MEM8)),
        (Q::mem16, Value::from_static(&MEM16)),
        (Q::mem32, Value::from_static(&MEM32)),
        (Q::PinBase, Value::from_static(&PINBASE_TYPE)),
        (Q::Signal, Value::from_static(&SIGNAL_TYPE)),
        (Q::time_pulse_us, fnv!(TIME_PULSE_US)),
        (Q::idle, fnv!(IDLE)),
        (Q::soft_reset, fnv!(SOFT_RESET)),
        (Q::reset, fnv!(RESET)),
        (Q::unique_id, fnv!(UNIQUE_ID)),
        (Q::freq, fnv!(FREQ)),
        (Q::disable_irq, fnv!(DISABLE_IRQ)),
        (Q::enable_irq, fnv!(ENABLE_IRQ)),
    ]
);

pub static MACHINE_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::machine,
    globals: &MACHINE_GLOBALS,
    init: None,
    extensible: true,
};

/// Modules defined in this file.
pub static MODULES: &[&BuiltinModuleDef] = &[&MACHINE_MODULE];
