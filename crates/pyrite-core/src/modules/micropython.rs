//! The `micropython` module: const, opt_level, mem_info, qstr_info, stack_use, heap_lock,
//! heap_unlock, heap_locked, kbd_intr, schedule, alloc_emergency_exception_buf,
//! mem_total/mem_current/mem_peak.
//!
//! Contract for the interpreter and ports: `run_scheduled(vm)` runs the functions queued by
//! `micropython.schedule` (call it where MicroPython handles pending callbacks: between
//! bytecodes now and then, and after running a program); `has_scheduled(vm)`.

use crate::types::arg;
use alloc::string::String;
use core::fmt::Write;

use crate::fixed_dict;
use crate::fnv;
use crate::gc::BLOCK_BYTES;
use crate::obj::{BuiltinFn, Kw};
use crate::qstr::Q;
use crate::types;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, new_int};
use super::BuiltinModuleDef;

/// Most functions `micropython.schedule` can queue at once (as MicroPython's default).
pub const SCHEDULE_DEPTH: usize = 8;

fn mp_const(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(arg(args, 0))
}
static CONST: BuiltinFn = BuiltinFn::new(Q::r#const, 1, 1, mp_const);

fn mp_opt_level(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    match args.first() {
        None => Ok(Value::small_int_unchecked(vm.config.opt_level as isize)),
        Some(&v) => {
            let n = arg_int(vm, v)?;
            vm.config.opt_level = n.clamp(0, 3) as u8;
            Ok(Value::NONE)
        }
    }
}
static OPT_LEVEL: BuiltinFn = BuiltinFn::new(Q::opt_level, 0, 1, mp_opt_level);

/// The text `micropython.mem_info()` prints.
pub fn mem_info_text(vm: &mut Vm, verbose: bool) -> String {
    let mut out = String::new();
    let info = vm.heap.info();
    let peak = vm.heap.peak_used.max(info.used);
    let _ = writeln!(
        out,
        "mem: total={}, current={}, peak={}",
        peak, info.used, peak
    );
    let _ = writeln!(
        out,
        "stack: {} out of {}",
        super::glue::stack_use(vm),
        super::glue::stack_limit(vm)
    );
    let _ = writeln!(
        out,
        "GC: total: {}, used: {}, free: {}",
        info.total, info.used, info.free
    );
    let _ = writeln!(
        out,
        " No. of 1-blocks: {}, 2-blocks: {}, max blk sz: {}, max free sz: {}",
        info.num_1block, info.num_2block, info.max_block, info.max_free
    );
    if verbose {
        let _ = writeln!(out, "GC memory layout; from {:x}:", 0);
        let lines = info.total / BLOCK_BYTES / 64;
        let _ = writeln!(
            out,
            "       ({} lines of 64 blocks, {} bytes used)",
            lines, info.used
        );
    }
    out
}

fn mp_mem_info(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = mem_info_text(vm, !args.is_empty());
    vm.write_stdout(&s);
    Ok(Value::NONE)
}
static MEM_INFO: BuiltinFn = BuiltinFn::new(Q::mem_info, 0, 1, mp_mem_info);

fn mp_qstr_info(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.qstrs.dynamic_count();
    let bytes = vm.qstrs.dynamic_bytes;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "qstr pool: n_pool={}, n_qstr={}, n_str_data_bytes={}, n_total_bytes={}",
        if n > 0 { 1 } else { 0 },
        n,
        bytes,
        bytes + n * 2 * core::mem::size_of::<usize>()
    );
    if !args.is_empty() {
        let first = vm.qstrs.len() - n;
        for i in first..vm.qstrs.len() {
            let s = vm.qstr_str(crate::qstr::Qstr(i as u32));
            let _ = writeln!(out, "Q({})", s);
        }
    }
    vm.write_stdout(&out);
    Ok(Value::NONE)
}
static QSTR_INFO: BuiltinFn = BuiltinFn::new(Q::qstr_info, 0, 1, mp_qstr_info);

fn mp_stack_use(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = super::glue::stack_use(vm);
    new_int(vm, n as i64)
}
static STACK_USE: BuiltinFn = BuiltinFn::new(Q::stack_use, 0, 0, mp_stack_use);

fn mp_heap_lock(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.heap.lock_depth = vm.heap.lock_depth.saturating_add(1);
    Ok(Value::NONE)
}
static HEAP_LOCK: BuiltinFn = BuiltinFn::new(Q::heap_lock, 0, 0, mp_heap_lock);

fn mp_heap_unlock(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.heap.lock_depth = vm.heap.lock_depth.saturating_sub(1);
    Ok(Value::small_int_unchecked(vm.heap.lock_depth as isize))
}
static HEAP_UNLOCK: BuiltinFn = BuiltinFn::new(Q::heap_unlock, 0, 0, mp_heap_unlock);

fn mp_heap_locked(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::small_int_unchecked(vm.heap.lock_depth as isize))
}
static HEAP_LOCKED: BuiltinFn = BuiltinFn::new(Q::heap_locked, 0, 0, mp_heap_locked);

fn mp_kbd_intr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let c = arg_int(vm, arg(args, 0))?;
    let c = c.clamp(-1, 255) as i32;
    vm.sys.interrupt_char = c;
    vm.host.set_interrupt_char(c);
    Ok(Value::NONE)
}
pub static KBD_INTR: BuiltinFn = BuiltinFn::new(Q::kbd_intr, 1, 1, mp_kbd_intr);

fn mp_alloc_emergency_exception_buf(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    // Exceptions raised without memory use the preallocated MemoryError; nothing to do.
    arg_int(vm, arg(args, 0))?;
    Ok(Value::NONE)
}
static ALLOC_EMERGENCY_EXCEPTION_BUF: BuiltinFn = BuiltinFn::new(
    Q::alloc_emergency_exception_buf,
    1,
    1,
    mp_alloc_emergency_exception_buf,
);

fn mp_schedule(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if vm.sys.sched.is_null() {
        vm.sys.sched = types::list::new_list(vm, &[])?;
    }
    let q = vm.sys.sched;
    let n = types::list::list_obj(q).map(|l| l.len()).unwrap_or(0);
    if n >= 2 * SCHEDULE_DEPTH {
        return Err(vm.runtime_error("schedule queue full"));
    }
    types::list::list_append(vm, q, arg(args, 0))?;
    types::list::list_append(vm, q, arg(args, 1))?;
    // Make the interpreter's next interrupt poll run the queue.
    vm.interp.poll_counter |= 0xff;
    Ok(Value::NONE)
}

/// Run the scheduled functions from inside running code (the interpreter's periodic poll),
/// unless some are running already: a scheduled function is never interrupted by another.
/// One function runs per poll (as MicroPython does), so a function that schedules itself again
/// cannot starve the program.
pub fn run_pending(vm: &mut Vm) -> PyResult<()> {
    if vm.sys.sched_busy {
        return Ok(());
    }
    let q = vm.sys.sched;
    let Some(l) = types::list::list_obj(q) else {
        return Ok(());
    };
    let n = l.len();
    let (Some(f), Some(a)) = (l.get(0), l.get(1)) else {
        return Ok(());
    };
    // The rest stays queued (allocated while `q` still roots everything).
    let rest = if n > 2 {
        let r = types::list::new_list(vm, &[])?;
        for k in 2..n {
            if let Some(x) = l.get(k) {
                types::list::list_append(vm, r, x)?;
            }
        }
        vm.interp.poll_counter |= 0xff;
        r
    } else {
        Value::NULL
    };
    vm.sys.sched = rest;
    vm.sys.sched_busy = true;
    let r = vm.call(f, &[a], &[]);
    vm.sys.sched_busy = false;
    r.map(|_| ())
}
static SCHEDULE: BuiltinFn = BuiltinFn::new(Q::schedule, 2, 2, mp_schedule);

/// True if `micropython.schedule` queued something.
pub fn has_scheduled(vm: &Vm) -> bool {
    types::list::list_obj(vm.sys.sched).is_some_and(|l| l.len() > 0)
}

/// Run the queued functions (in order; each gets its argument). The first error stops the run
/// and is returned; the functions after it stay queued.
pub fn run_scheduled(vm: &mut Vm) -> PyResult<()> {
    while has_scheduled(vm) {
        let q = vm.sys.sched;
        vm.sys.sched = Value::NULL;
        let Some(l) = types::list::list_obj(q) else {
            return Ok(());
        };
        let n = l.len();
        let mut i = 0;
        while i + 1 < n {
            let (Some(f), Some(a)) = (l.get(i), l.get(i + 1)) else {
                break;
            };
            i += 2;
            if let Err(e) = vm.call(f, &[a], &[]) {
                // Keep what was not run yet, ahead of anything queued meanwhile.
                let newer = vm.sys.sched;
                let keep = types::list::new_list(vm, &[])?;
                for k in i..n {
                    if let Some(x) = l.get(k) {
                        types::list::list_append(vm, keep, x)?;
                    }
                }
                if let Some(nl) = types::list::list_obj(newer) {
                    for k in 0..nl.len() {
                        if let Some(x) = nl.get(k) {
                            types::list::list_append(vm, keep, x)?;
                        }
                    }
                }
                vm.sys.sched = keep;
                return Err(e);
            }
        }
    }
    Ok(())
}

fn mp_mem_total(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.heap.peak_used.max(vm.heap.used_bytes());
    new_int(vm, n as i64)
}
fn mp_mem_current(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.heap.used_bytes();
    new_int(vm, n as i64)
}
fn mp_mem_peak(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.heap.peak_used.max(vm.heap.used_bytes());
    new_int(vm, n as i64)
}
static MEM_TOTAL: BuiltinFn = BuiltinFn::new(Q::mem_total, 0, 0, mp_mem_total);
static MEM_CURRENT: BuiltinFn = BuiltinFn::new(Q::mem_current, 0, 0, mp_mem_current);
static MEM_PEAK: BuiltinFn = BuiltinFn::new(Q::mem_peak, 0, 0, mp_mem_peak);

fixed_dict!(
    MICROPYTHON_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::micropython)),
        (Q::r#const, fnv!(CONST)),
        (Q::opt_level, fnv!(OPT_LEVEL)),
        (Q::mem_total, fnv!(MEM_TOTAL)),
        (Q::mem_current, fnv!(MEM_CURRENT)),
        (Q::mem_peak, fnv!(MEM_PEAK)),
        (Q::mem_info, fnv!(MEM_INFO)),
        (Q::qstr_info, fnv!(QSTR_INFO)),
        (Q::stack_use, fnv!(STACK_USE)),
        (
            Q::alloc_emergency_exception_buf,
            fnv!(ALLOC_EMERGENCY_EXCEPTION_BUF)
        ),
        (Q::heap_lock, fnv!(HEAP_LOCK)),
        (Q::heap_unlock, fnv!(HEAP_UNLOCK)),
        (Q::heap_locked, fnv!(HEAP_LOCKED)),
        (Q::kbd_intr, fnv!(KBD_INTR)),
        (Q::schedule, fnv!(SCHEDULE)),
        (Q::RingIO, Value::from_static(&super::ringio::RINGIO_TYPE)),
    ]
);

pub static MICROPYTHON_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::micropython,
    globals: &MICROPYTHON_GLOBALS,
    init: None,
    extensible: false,
};
