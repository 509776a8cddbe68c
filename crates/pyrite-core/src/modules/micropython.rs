//! The `micropython` module: const, opt_level, mem_info, qstr_info, stack_use, heap_lock,
//! heap_unlock, heap_locked, kbd_intr, schedule, alloc_emergency_exception_buf,
//! mem_total/mem_current/mem_peak, and `RingIO` (a byte FIFO stream over a fixed buffer).
//!
//! Contract for the interpreter and ports: `run_scheduled(vm)` runs the functions queued by
//! `micropython.schedule` (call it where MicroPython handles pending callbacks: between
//! bytecodes now and then, and after running a program); `has_scheduled(vm)`.

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
    Ok(args[0])
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
    let c = arg_int(vm, args[0])?;
    let c = c.clamp(-1, 255) as i32;
    vm.sys.interrupt_char = c;
    vm.host.set_interrupt_char(c);
    Ok(Value::NONE)
}
pub static KBD_INTR: BuiltinFn = BuiltinFn::new(Q::kbd_intr, 1, 1, mp_kbd_intr);

fn mp_alloc_emergency_exception_buf(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    // Exceptions raised without memory use the preallocated MemoryError; nothing to do.
    arg_int(vm, args[0])?;
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
    types::list::list_append(vm, q, args[0])?;
    types::list::list_append(vm, q, args[1])?;
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
        (Q::RingIO, Value::from_static(&RINGIO_TYPE)),
    ]
);

pub static MICROPYTHON_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::micropython,
    globals: &MICROPYTHON_GLOBALS,
    init: None,
    extensible: false,
};

// ---- RingIO ----

/// `micropython.RingIO`: the classic ring buffer (one byte of the buffer is never used, so a
/// buffer of N bytes holds N-1). `RingIO(size)` allocates size+1 bytes; `RingIO(buffer)` works
/// in place on a writable buffer object. Buffers are limited to 65535 bytes, as MicroPython's.
/// Streams methods: any, read, readline, readinto, write, close; `ioctl(3, flags)` answers a
/// poll (readable when data is waiting, writable when there is room) so that asyncio can wait
/// on a RingIO.
#[repr(C)]
pub struct RingIOObj {
    pub hdr: crate::value::ObjHeader,
    /// Own storage (empty when `ext` is used).
    arr: core::cell::Cell<crate::value::GcArray<u8>>,
    /// The buffer object given to the constructor, or NULL.
    ext: core::cell::Cell<Value>,
    /// Length of the buffer (capacity + 1).
    size: core::cell::Cell<usize>,
    /// Read and write positions, both below `size`.
    get: core::cell::Cell<usize>,
    put: core::cell::Cell<usize>,
}
crate::py_object!(RingIOObj, RINGIO_TYPE);

/// Largest buffer a RingIO may use.
const RINGIO_MAX_BUF: usize = 65535;

pub static RINGIO_TYPE: crate::obj::Type = crate::obj::Type {
    make_new: Some(ringio_make_new),
    print: Some(ringio_print),
    ..crate::obj::Type::new(Q::RingIO)
}
.with_flags(crate::obj::flags::EQ_IS_IDENTITY)
.with_locals(&RINGIO_LOCALS);

fn ringio_make_new(
    vm: &mut Vm,
    _ty: crate::value::TypeRef,
    args: &[Value],
    _kw: Kw,
) -> PyResult<Value> {
    let Some(&a) = args.first() else {
        return Err(vm.type_error("function takes 1 positional arguments but 0 were given"));
    };
    let (arr, ext, size) = if types::int::is_int(a) {
        let n = arg_int(vm, a)?;
        if n < 1 || n as usize >= RINGIO_MAX_BUF {
            return Err(vm.value_error("invalid size"));
        }
        let size = n as usize + 1;
        let arr = vm.alloc_array::<u8>(size)?;
        (arr, Value::NULL, size)
    } else {
        match crate::obj::with_buffer_write(vm, a, |b| b.len())? {
            Some(len) => {
                if !(2..=RINGIO_MAX_BUF).contains(&len) {
                    return Err(vm.value_error("invalid buffer"));
                }
                (crate::value::GcArray::empty(), a, len)
            }
            None => return Err(vm.type_error("object with buffer protocol required")),
        }
    };
    let o = vm.alloc_obj(RingIOObj {
        hdr: crate::value::ObjHeader::new(&RINGIO_TYPE),
        arr: core::cell::Cell::new(arr),
        ext: core::cell::Cell::new(ext),
        size: core::cell::Cell::new(size),
        get: core::cell::Cell::new(0),
        put: core::cell::Cell::new(0),
    })?;
    Ok(o.value())
}

fn ringio_print(
    _vm: &mut Vm,
    _v: Value,
    _k: crate::obj::PrintKind,
    out: &mut String,
) -> PyResult<()> {
    out.push_str("<RingIO>");
    Ok(())
}

fn ringio(vm: &mut Vm, v: Value) -> PyResult<crate::value::Gc<RingIOObj>> {
    match v.downcast::<RingIOObj>() {
        Some(r) => Ok(r),
        None => Err(vm.type_error("expected a RingIO")),
    }
}

impl RingIOObj {
    /// Bytes waiting to be read.
    fn avail(&self) -> usize {
        let (g, p, n) = (self.get.get(), self.put.get(), self.size.get());
        if p >= g {
            p - g
        } else {
            n - g + p
        }
    }
    /// Room for writing.
    fn room(&self) -> usize {
        self.size.get() - 1 - self.avail()
    }
}

/// Run `f` over the ring's storage (its own array or the external buffer, which must still be
/// as long as when the RingIO was made).
fn with_ring<R>(
    vm: &mut Vm,
    r: &RingIOObj,
    f: impl FnOnce(&[core::cell::Cell<u8>]) -> R,
) -> PyResult<R> {
    let size = r.size.get();
    let ext = r.ext.get();
    if ext.is_null() {
        let a = r.arr.get();
        return match a.cells().get(..size) {
            Some(c) => Ok(f(c)),
            None => Err(vm.value_error("invalid buffer")),
        };
    }
    let out = crate::obj::with_buffer_write(vm, ext, |b| b.get(..size).map(f))?;
    match out {
        Some(Some(x)) => Ok(x),
        _ => Err(vm.value_error("buffer changed size")),
    }
}

/// Take up to `n` bytes out of the ring (stopping after a newline when `line`).
fn ring_take(vm: &mut Vm, r: &RingIOObj, n: usize, line: bool) -> PyResult<alloc::vec::Vec<u8>> {
    let n = n.min(r.avail());
    let size = r.size.get();
    let g = r.get.get();
    let data = with_ring(vm, r, |c| {
        let mut out = alloc::vec::Vec::with_capacity(n);
        let mut i = g;
        while out.len() < n {
            let b = c.get(i).map(|x| x.get()).unwrap_or(0);
            out.push(b);
            i += 1;
            if i == size {
                i = 0;
            }
            if line && b == b'\n' {
                break;
            }
        }
        out
    })?;
    let mut g2 = g + data.len();
    if g2 >= size {
        g2 -= size;
    }
    r.get.set(g2);
    Ok(data)
}

/// An optional byte count argument (absent, None or negative: no limit).
fn opt_count(vm: &mut Vm, v: Option<&Value>) -> PyResult<usize> {
    match v {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            Ok(if n < 0 { usize::MAX } else { n as usize })
        }
        _ => Ok(usize::MAX),
    }
}

fn ringio_any(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = ringio(vm, args[0])?;
    Ok(Value::small_int_unchecked(r.avail() as isize))
}

fn ringio_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = ringio(vm, args[0])?;
    let n = opt_count(vm, args.get(1))?;
    let data = ring_take(vm, &r, n, false)?;
    types::bytes::new_bytes(vm, &data)
}

fn ringio_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = ringio(vm, args[0])?;
    let n = opt_count(vm, args.get(1))?;
    let data = ring_take(vm, &r, n, true)?;
    types::bytes::new_bytes(vm, &data)
}

fn ringio_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = ringio(vm, args[0])?;
    let Some(len) = crate::obj::with_buffer_write(vm, args[1], |b| b.len())? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let n = opt_count(vm, args.get(2))?.min(len);
    let data = ring_take(vm, &r, n, false)?;
    crate::obj::with_buffer_write(vm, args[1], |b| {
        for (c, &x) in b.iter().zip(data.iter()) {
            c.set(x);
        }
    })?;
    Ok(Value::small_int_unchecked(data.len() as isize))
}

fn ringio_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = ringio(vm, args[0])?;
    let Some(src) = crate::obj::with_buffer_read(vm, args[1], |b| b.to_vec())? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let n = src.len().min(r.room());
    let size = r.size.get();
    let p = r.put.get();
    with_ring(vm, &r, |c| {
        let mut i = p;
        for &b in &src[..n] {
            if let Some(x) = c.get(i) {
                x.set(b);
            }
            i += 1;
            if i == size {
                i = 0;
            }
        }
    })?;
    let mut p2 = p + n;
    if p2 >= size {
        p2 -= size;
    }
    r.put.set(p2);
    Ok(Value::small_int_unchecked(n as isize))
}

fn ringio_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    ringio(vm, args[0])?;
    Ok(Value::NONE)
}

/// `ioctl(request, arg)`: request 3 (poll) returns the subset of `arg`'s POLLIN (1) / POLLOUT
/// (4) bits that are ready; other requests raise OSError(EINVAL).
fn ringio_ioctl(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = ringio(vm, args[0])?;
    let req = arg_int(vm, args[1])?;
    let arg = match args.get(2) {
        Some(&v) => arg_int(vm, v)?,
        None => 0,
    };
    if req != 3 {
        return Err(vm.os_error(22));
    }
    let mut ready = 0;
    if arg & 1 != 0 && r.avail() > 0 {
        ready |= 1;
    }
    if arg & 4 != 0 && r.room() > 0 {
        ready |= 4;
    }
    Ok(Value::small_int_unchecked(ready))
}

static RINGIO_ANY: BuiltinFn = BuiltinFn::new(Q::any, 1, 1, ringio_any);
static RINGIO_READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, ringio_read);
static RINGIO_READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, ringio_readline);
static RINGIO_READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, ringio_readinto);
static RINGIO_WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 2, ringio_write);
static RINGIO_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, ringio_close);
static RINGIO_IOCTL: BuiltinFn = BuiltinFn::new(Q::ioctl, 2, 3, ringio_ioctl);

fixed_dict!(
    RINGIO_LOCALS,
    [
        (Q::any, fnv!(RINGIO_ANY)),
        (Q::read, fnv!(RINGIO_READ)),
        (Q::readline, fnv!(RINGIO_READLINE)),
        (Q::readinto, fnv!(RINGIO_READINTO)),
        (Q::write, fnv!(RINGIO_WRITE)),
        (Q::close, fnv!(RINGIO_CLOSE)),
        (Q::ioctl, fnv!(RINGIO_IOCTL)),
    ]
);
