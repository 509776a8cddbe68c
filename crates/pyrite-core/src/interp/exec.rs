//! Frames and the dispatch loop.
//!
//! Every active bytecode frame keeps its state in the Vm's value stack ([`super::stack`]):
//! `n_state` words of locals + value stack (locals at the top, indexed downwards: local `i` is
//! word `n_state - 1 - i`; the value stack grows upwards from word 0, as MicroPython lays it
//! out), then `3 * n_exc_stack` words of exception handlers (`handler pc`, `(saved sp - frame base) << 1 |
//! is_finally`, `exception being handled`). Frames are packed one after another; the
//! [`Frame`] records (in `InterpState::frames`) say where each starts.
//!
//! Python-to-Python calls (CALL_FUNCTION/CALL_METHOD on a `function`) push a frame and keep
//! going in the same loop: no native recursion. Calls into Rust that call back into Python
//! (class instantiation, `sorted(key=...)`, generators, ...) enter [`run`] again for a new
//! *boundary* frame; that recursion is bounded by the native-stack check in [`run`] and by the
//! value stack's size (both give `RuntimeError: maximum recursion depth exceeded`).
//!
//! Exception semantics follow MicroPython's VM: SETUP_EXCEPT/SETUP_FINALLY/SETUP_WITH push a
//! handler; when an exception arrives, handlers that are already active (handler pc <= the
//! current opcode) are dropped, the innermost remaining one gets the exception pushed at its
//! saved stack depth. `finally` blocks run as "coroutines" for return/break/continue: the
//! unwinding op pushes a small-int sentinel that END_FINALLY / WITH_CLEANUP use to resume it.

use pyrite_compiler::bc::{op, ITER_BUF_NSLOTS};

use crate::interp::code::{new_cell, CellObj, CodeObj, FunObj};
use crate::map::DictObj;
use crate::obj::{BinOp, UnaryOp};
use crate::qstr::{Qstr, Q};
use crate::types::exception as exc;
use crate::value::{Gc, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

/// One active bytecode frame.
#[derive(Clone, Copy)]
pub struct Frame {
    /// The function being run (keeps the code alive).
    pub fun: Value,
    pub code: Gc<CodeObj>,
    pub globals: Value,
    /// Locals dict for NAME ops (module bodies: the globals; class bodies: the class dict).
    /// NULL means "same as globals".
    pub locals: Value,
    /// Index of the frame's first word in the value stack.
    pub base: usize,
    /// Next opcode (offset in the whole bytecode).
    pub pc: usize,
    /// Opcode being executed (for tracebacks and handler matching).
    pub op_pc: usize,
    /// Stack top (absolute index of the first free slot).
    pub sp: usize,
    /// Active exception handlers.
    pub exc_n: usize,
    /// When this frame finishes, [`run`] returns to its Rust caller.
    pub boundary: bool,
    /// The generator this frame runs (NULL if none).
    pub gen: Value,
    /// For a boundary frame: the native depth of the dispatch loop it returns to (0: the
    /// bottom frame of a thread, whose end ends the thread).
    pub depth: usize,
}

impl Frame {
    #[inline(always)]
    pub fn end(&self) -> usize {
        self.base + self.code.frame_words()
    }
}

/// How [`run`] left its boundary frame.
pub enum Exit {
    Return(Value),
    Yield(Value),
    /// (Only from [`run_host`]) the thread waiting below is live again.
    Switched,
}

/// `entry` of a dispatch loop while it runs a thread switched into it.
const NO_ENTRY: usize = usize::MAX;

#[cold]
pub(crate) fn recursion_error(vm: &mut Vm) -> PyErr {
    vm.runtime_error("maximum recursion depth exceeded")
}

#[cold]
fn bad_bytecode(vm: &mut Vm) -> PyErr {
    vm.runtime_error("invalid bytecode")
}

#[cold]
fn unbound_local(vm: &mut Vm) -> PyErr {
    vm.new_exception(
        &exc::NAME_ERROR,
        "local variable referenced before assignment",
    )
}

/// Is `v` an exception instance whose class derives from `t`?
pub(crate) fn exc_is(v: Value, t: &'static crate::obj::Type) -> bool {
    let vt = v.type_of();
    vt.has_flag(crate::obj::flags::EXCEPTION)
        && TypeRef::from_value(v).is_none()
        && crate::types::class::is_subclass(vt, TypeRef::of_static(t))
}

/// Like [`exc_is`], but also true for an exception *class* deriving from `t` (values passed to
/// `throw()` may be either).
pub(crate) fn exc_or_class_is(v: Value, t: &'static crate::obj::Type) -> bool {
    match TypeRef::from_value(v) {
        Some(c) => crate::types::class::is_subclass(c, TypeRef::of_static(t)),
        None => exc_is(v, t),
    }
}

/// `raise x`: instantiate exception classes; TypeError for non-exceptions.
pub(crate) fn make_raise_obj(vm: &mut Vm, o: Value) -> PyErr {
    let mut o = o;
    if let Some(t) = TypeRef::from_value(o) {
        if t.has_flag(crate::obj::flags::EXCEPTION) {
            let r = match (t.call, t.make_new) {
                (None, Some(mk)) if !t.has_flag(crate::obj::flags::USER_CLASS) => {
                    mk(vm, t, &[], &[])
                }
                _ => vm.call(o, &[], &[]),
            };
            o = match r {
                Ok(v) => v,
                Err(e) => return e,
            };
        }
    }
    let t = o.type_of();
    if t.has_flag(crate::obj::flags::EXCEPTION) && TypeRef::from_value(o).is_none() {
        PyErr(o)
    } else {
        vm.type_error("exceptions must derive from BaseException")
    }
}

/// Look a name up in builtins.
#[inline]
pub(crate) fn load_builtin(vm: &mut Vm, q: Qstr) -> Option<Value> {
    let b = vm.interp.builtins;
    b.downcast::<DictObj>().and_then(|d| d.map.get_qstr(vm, q))
}

fn dict_get_q(vm: &Vm, d: Value, q: Qstr) -> Option<Value> {
    d.downcast::<DictObj>().and_then(|d| d.map.get_qstr(vm, q))
}

fn dict_set_q(vm: &mut Vm, d: Value, q: Qstr, v: Value) -> PyResult<()> {
    match d.downcast::<DictObj>() {
        Some(d) => d.map.set_qstr(vm, q, v),
        None => Err(vm.type_error("locals must be a dict")),
    }
}

fn dict_del_q(vm: &mut Vm, d: Value, q: Qstr) -> PyResult<()> {
    let r = match d.downcast::<DictObj>() {
        Some(d) => d.map.remove(vm, Value::qstr(q))?,
        None => None,
    };
    match r {
        Some(_) => Ok(()),
        // MicroPython raises the dict's KeyError here (not NameError).
        None => Err(vm.key_error(Value::qstr(q))),
    }
}

/// Number of lookup hints (a power of two). A hint is an entry-slot number remembered per
/// instruction (indexed by the instruction's address): LOAD_GLOBAL/LOAD_NAME/LOAD_ATTR/
/// LOAD_METHOD/STORE_ATTR try that slot of the dict first and verify its key, so a stale or
/// colliding hint only costs a normal lookup.
pub(crate) const HINTS: usize = 1024;

#[inline(always)]
fn hint_ix(bytes: &[u8], op_pc: usize) -> usize {
    (bytes.as_ptr() as usize).wrapping_add(op_pc) & (HINTS - 1)
}

/// Look `q` up in `map`, trying the slot remembered in hint `h` first.
#[inline(always)]
fn map_get_hinted(vm: &mut Vm, map: &crate::map::Map, q: Qstr, h: usize) -> Option<Value> {
    let hint = vm.interp.hints[h & (HINTS - 1)] as usize;
    if let Some(v) = map.get_at_hint(hint, q) {
        return Some(v);
    }
    map_get_rehint(vm, map, q, h)
}

#[inline(never)]
fn map_get_rehint(vm: &mut Vm, map: &crate::map::Map, q: Qstr, h: usize) -> Option<Value> {
    let s = map.find_qstr_slot(vm, q)?;
    vm.interp.hints[h & (HINTS - 1)] = s as u32;
    Some(map.slot(s).1)
}

/// Flag in a LOAD_GLOBAL hint: the slot is in the builtins dict (the name was not global).
const HINT_BUILTIN: u32 = 1 << 31;

/// LOAD_GLOBAL: `q` from the globals dict, else from builtins, trying the remembered slot.
#[inline(always)]
fn load_global_hinted(vm: &mut Vm, globals: Value, q: Qstr, h: usize) -> Option<Value> {
    let hint = vm.interp.hints[h & (HINTS - 1)];
    let g = globals.downcast::<DictObj>();
    if hint & HINT_BUILTIN == 0 {
        if let Some(d) = g {
            if let Some(v) = d.map.get_at_hint(hint as usize, q) {
                return Some(v);
            }
        }
    }
    load_global_slow(vm, g, q, h)
}

#[inline(never)]
fn load_global_slow(vm: &mut Vm, g: Option<Gc<DictObj>>, q: Qstr, h: usize) -> Option<Value> {
    let h = h & (HINTS - 1);
    if let Some(d) = g {
        if let Some(s) = d.map.find_qstr_slot(vm, q) {
            vm.interp.hints[h] = s as u32;
            return Some(d.map.slot(s).1);
        }
    }
    let b = vm.interp.builtins.downcast::<DictObj>()?;
    let hint = vm.interp.hints[h];
    if hint & HINT_BUILTIN != 0 {
        if let Some(v) = b.map.get_at_hint((hint & !HINT_BUILTIN) as usize, q) {
            return Some(v);
        }
    }
    let s = b.map.find_qstr_slot(vm, q)?;
    vm.interp.hints[h] = s as u32 | HINT_BUILTIN;
    Some(b.map.slot(s).1)
}

/// `d[q] = v` for STORE_NAME/STORE_GLOBAL, trying the slot remembered in hint `h` first.
#[inline(always)]
fn dict_set_hinted(vm: &mut Vm, d: Value, q: Qstr, v: Value, h: usize) -> PyResult<()> {
    if let Some(dd) = d.downcast::<DictObj>() {
        if dd
            .map
            .set_at_hint(vm.interp.hints[h & (HINTS - 1)] as usize, q, v)
        {
            return Ok(());
        }
    }
    dict_set_rehint(vm, d, q, v, h)
}

#[inline(never)]
fn dict_set_rehint(vm: &mut Vm, d: Value, q: Qstr, v: Value, h: usize) -> PyResult<()> {
    dict_set_q(vm, d, q, v)?;
    if let Some(dd) = d.downcast::<DictObj>() {
        if let Some(s) = dd.map.find_qstr_slot(vm, q) {
            vm.interp.hints[h & (HINTS - 1)] = s as u32;
        }
    }
    Ok(())
}

/// `o.q` when `o` is an instance of a user class holding `q` in its own dict (what
/// `class::load_attr` finds first for such objects).
#[inline(always)]
fn inst_attr_fast(vm: &mut Vm, o: Value, q: Qstr, h: usize) -> Option<Value> {
    if q == Q::__class__ {
        return None;
    }
    let d = o
        .downcast_layout::<crate::types::class::InstanceObj>()?
        .dict
        .get()
        .downcast::<DictObj>()?;
    map_get_hinted(vm, &d.map, q, h)
}

/// `o.q` for a call (LOAD_METHOD), for the common cases: on a user-class instance, an
/// attribute in the instance dict or a Python function in the class's own dict (bound to
/// `o`); on an object of a builtin type without an attribute slot, a builtin method in the
/// type's own dict (bound to `o`). None: take the general path (`class::load_method`).
#[inline(never)]
fn method_fast(vm: &mut Vm, o: Value, q: Qstr, h: usize) -> Option<(Value, Value)> {
    if q == Q::__class__ {
        return None;
    }
    let t = o.type_of();
    if t.has_flag(crate::obj::flags::USER_CLASS) {
        let inst = o.downcast_layout::<crate::types::class::InstanceObj>()?;
        if let Some(d) = inst.dict.get().downcast::<DictObj>() {
            if let Some(v) = d.map.get_qstr(vm, q) {
                return Some((v, Value::NULL));
            }
        }
        let cd = t.locals.get().downcast::<DictObj>()?;
        let m = map_get_hinted(vm, &cd.map, q, h)?;
        return if m.downcast::<FunObj>().is_some() {
            Some((m, o))
        } else {
            None
        };
    }
    if t.attr.is_some()
        || TypeRef::from_value(o).is_some()
        || o.downcast::<crate::types::descr::SuperObj>().is_some()
    {
        return None;
    }
    let ld = t.locals.get().downcast::<DictObj>()?;
    let m = map_get_hinted(vm, &ld.map, q, h)?;
    if m.type_of().is(&crate::obj::BUILTIN_FN_TYPE) {
        Some((m, o))
    } else {
        None
    }
}

/// `o.q = v` when that is a plain store into the instance dict of a user-class instance
/// (no property/descriptor/`__setattr__` in the class) that already holds `q`. False: take
/// the general path.
#[inline(never)]
fn inst_store_fast(vm: &mut Vm, o: Value, q: Qstr, v: Value, h: usize) -> bool {
    if q == Q::__dict__ || v.is_null() {
        return false;
    }
    let Some(inst) = o.downcast_layout::<crate::types::class::InstanceObj>() else {
        return false;
    };
    if o.type_of()
        .has_flag(crate::obj::flags::HAS_SPECIAL_ACCESSORS)
    {
        return false;
    }
    let Some(d) = inst.dict.get().downcast::<DictObj>() else {
        return false;
    };
    let hint = vm.interp.hints[h & (HINTS - 1)] as usize;
    if d.map.set_at_hint(hint, q, v) {
        return true;
    }
    match d.map.find_qstr_slot(vm, q) {
        Some(s) if !d.map.is_fixed() => {
            vm.interp.hints[h & (HINTS - 1)] = s as u32;
            d.map.set_slot_value(s, v);
            true
        }
        _ => false,
    }
}

/// Poll every so often (backward jumps and calls): Ctrl-C, `micropython.schedule`d
/// functions, and thread preemption (which the dispatch loop carries out at its next switch
/// point).
#[inline]
pub(crate) fn poll_interrupt(vm: &mut Vm) -> PyResult<()> {
    let c = vm.interp.poll_counter.wrapping_add(1);
    vm.interp.poll_counter = c;
    if c & 0xff == 0 {
        return poll_slow(vm);
    }
    Ok(())
}

#[cold]
#[inline(never)]
pub(crate) fn poll_slow(vm: &mut Vm) -> PyResult<()> {
    if vm.host.take_interrupt() {
        if vm.interp.threads.len() > 1 && vm.interp.cur_ident != super::thread::MAIN_IDENT {
            // Ctrl-C is for the main thread: it gets it when next switched in.
            vm.interp.kbd_pending = true;
        } else {
            return Err(vm.new_exception_args(TypeRef::of_static(&exc::KEYBOARD_INTERRUPT), &[]));
        }
    }
    // Functions queued by micropython.schedule run here (schedule() makes the next poll
    // take this path).
    if !vm.sys.sched.is_null() {
        crate::modules::micropython::run_pending(vm)?;
    }
    super::thread::poll(vm);
    Ok(())
}

/// Where the next frame starts in the value stack.
#[inline]
pub(crate) fn next_base(vm: &Vm) -> usize {
    match vm.interp.frames.last() {
        Some(f) => f.end(),
        None => 0,
    }
}

/// Push a frame for `fo` (binding `self_arg` (if not NULL) then `args` and `kw`). On error
/// nothing is left pushed.
pub(crate) fn push_frame(
    vm: &mut Vm,
    fo: Gc<FunObj>,
    self_arg: Value,
    args: &[Value],
    kw: &[Value],
    boundary: bool,
    locals: Value,
) -> PyResult<()> {
    let code = fo.code;
    let base = next_base(vm);
    let words = code.frame_words();
    let Some(end) = base.checked_add(words) else {
        return Err(recursion_error(vm));
    };
    if end > vm.interp.stack.capacity() || vm.interp.frames.len() >= super::MAX_FRAMES {
        return Err(recursion_error(vm));
    }
    poll_interrupt(vm)?;
    for i in base..end {
        vm.interp.stack.set(i, Value::NULL);
    }
    vm.interp.frames.push(Frame {
        fun: fo.value(),
        code,
        globals: fo.globals,
        locals,
        base,
        pc: code.code_offset as usize,
        op_pc: code.code_offset as usize,
        sp: base,
        exc_n: 0,
        boundary,
        gen: Value::NULL,
        depth: 0,
    });
    if let Err(e) = super::call::bind_args(vm, fo, base, self_arg, args, kw) {
        vm.interp.frames.pop();
        return Err(e);
    }
    Ok(())
}

/// Approximate native stack use (bytes) below the interpreter's recorded stack top.
#[inline(always)]
fn native_stack_used(vm: &Vm) -> usize {
    let here = 0u8;
    let addr = &here as *const u8 as usize;
    vm.stack_top.saturating_sub(addr)
}

/// Check the native stack before recursing into Rust code that may call Python again.
#[inline]
pub(crate) fn check_native_stack(vm: &mut Vm) -> PyResult<()> {
    if native_stack_used(vm) > vm.config.stack_limit {
        return Err(recursion_error(vm));
    }
    Ok(())
}

/// Run the top frame (a boundary frame) and the frames it calls until the boundary frame
/// returns, yields or raises. The boundary frame stays on the frame stack (with its state
/// saved); the caller pops it. `inject` (if not NULL) is raised at the frame's current
/// position first (generator `throw`).
pub(crate) fn run(vm: &mut Vm, inject: Value) -> PyResult<Exit> {
    if native_stack_used(vm) > vm.config.stack_limit {
        return Err(recursion_error(vm));
    }
    vm.interp.native_depth += 1;
    let r = run_inner(vm, inject, false);
    vm.interp.native_depth -= 1;
    // A thread switched in inside that loop may go on below it: no preemption deeper than here.
    if vm.interp.base_depth > vm.interp.native_depth {
        vm.interp.base_depth = vm.interp.native_depth.max(1);
    }
    r
}

/// Run other threads in a new dispatch loop while the current one waits inside native code
/// (see `thread::block_nested`); returns `Exit::Switched` when the waiting thread is live
/// again.
pub(crate) fn run_host(vm: &mut Vm) -> PyResult<Exit> {
    vm.interp.native_depth += 1;
    let r = run_inner(vm, Value::NULL, true);
    vm.interp.native_depth -= 1;
    r
}

#[allow(clippy::cognitive_complexity)]
fn run_inner(vm: &mut Vm, inject: Value, hosting: bool) -> PyResult<Exit> {
    // The thread that entered this loop (0 when it only hosts others while the thread that
    // entered waits in native code) and its entry frame. Other threads switched in here run
    // with `entry` = NO_ENTRY; when one of their boundary frames ends, they wait until the
    // dispatch loop that frame belongs to (`Frame::depth`) is the innermost one again.
    let anchor = vm.interp.cur_ident;
    let (owner, entry0) = if hosting {
        (0, NO_ENTRY)
    } else {
        match vm.interp.frames.len().checked_sub(1) {
            Some(e) => {
                vm.interp.frames[e].depth = vm.interp.native_depth;
                (anchor, e)
            }
            None => return Err(bad_bytecode(vm)),
        }
    };
    let mut entry = entry0;
    let mut st: *mut Value = vm.interp.stack.ptr();
    let mut inject = inject;
    let mut pending = Value::NULL;

    'frame: loop {
        // Thread switch point (the running frame's registers are saved here).
        if vm.interp.switch_req != 0
            && pending.is_null()
            && inject.is_null()
            && (vm.interp.switch_req != super::thread::SWITCH_PREEMPT
                || vm.interp.native_depth <= vm.interp.base_depth)
        {
            match super::thread::switch_point(vm, anchor) {
                super::thread::Resched::Run => {}
                super::thread::Resched::RaiseHere(e) => pending = e.0,
                super::thread::Resched::Exit(x) => return x,
            }
            entry = if vm.interp.cur_ident == owner {
                entry0
            } else {
                NO_ENTRY
            };
            st = vm.interp.stack.ptr();
            if vm.interp.frames.is_empty() {
                // Nothing to run (cannot happen while the scheduler is consistent).
                return Err(vm.runtime_error("thread scheduler state"));
            }
        }
        let fi = vm.interp.frames.len() - 1;
        let fr = vm.interp.frames[fi];
        let code = fr.code;
        let bytes: &[u8] = code.bytes();
        let ctx = code.ctx;
        let qstrs: &[Qstr] = ctx.qstrs.items();
        let consts: &[Value] = match crate::types::tuple::tuple_items(ctx.consts) {
            Some(t) => {
                let p = t.items();
                // SAFETY: the const tuple is immutable and kept alive by the module context,
                // which the frame's function keeps alive for as long as the frame runs.
                unsafe { core::slice::from_raw_parts(p.as_ptr(), p.len()) }
            }
            None => &[],
        };
        let nst = code.n_state as usize;
        let n_exc_max = code.n_exc_stack as usize;
        let base = fr.base;
        let lim = base + nst;
        let eb = lim; // exception stack base
        let globals = fr.globals;
        let locals = if fr.locals.is_null() {
            fr.globals
        } else {
            fr.locals
        };
        let mut pc = fr.pc;
        let mut op_pc = fr.op_pc;
        let mut sp = fr.sp;
        let mut exc_n = fr.exc_n;

        // Save the loop's registers into the frame record.
        macro_rules! save {
            () => {{
                let f = &mut vm.interp.frames[fi];
                f.pc = pc;
                f.op_pc = op_pc;
                f.sp = sp;
                f.exc_n = exc_n;
            }};
        }
        macro_rules! rd {
            ($i:expr) => {{
                // SAFETY: every index used is inside this frame's region [base, eb + 3*n_exc),
                // which lies inside the value stack buffer (checked when the frame was pushed).
                unsafe { *st.add($i) }
            }};
        }
        macro_rules! wr {
            ($i:expr, $v:expr) => {{
                let v = $v;
                // SAFETY: as for rd!.
                unsafe { *st.add($i) = v }
            }};
        }

        // An exception to raise before running anything: one propagating from a callee
        // frame (raised at the caller's call instruction), or a generator.throw() value.
        let pre: Option<PyErr> = if !pending.is_null() {
            let e = pending;
            pending = Value::NULL;
            Some(PyErr(e))
        } else if !inject.is_null() && bytes.get(pc) != Some(&op::YIELD_FROM) {
            let e = inject;
            inject = Value::NULL;
            op_pc = pc;
            Some(make_raise_obj(vm, e))
        } else {
            None
        };

        let err: PyErr = if let Some(e) = pre {
            e
        } else {
            'inner: loop {
                macro_rules! tri {
                    ($e:expr) => {
                        match $e {
                            Ok(v) => v,
                            Err(e) => break 'inner e,
                        }
                    };
                }
                macro_rules! byte {
                    () => {{
                        match bytes.get(pc) {
                            Some(&b) => {
                                pc += 1;
                                b
                            }
                            None => break 'inner bad_bytecode(vm),
                        }
                    }};
                }
                macro_rules! uint {
                    () => {{
                        let mut v: usize = 0;
                        loop {
                            let b = byte!();
                            v = (v << 7) | (b & 0x7f) as usize;
                            if b & 0x80 == 0 {
                                break v;
                            }
                        }
                    }};
                }
                macro_rules! ujump {
                    () => {{
                        let b0 = byte!() as usize;
                        let off = if b0 & 0x80 == 0 {
                            b0
                        } else {
                            (b0 & 0x7f) | ((byte!() as usize) << 7)
                        };
                        pc + off
                    }};
                }
                macro_rules! sjump {
                    () => {{
                        let b0 = byte!() as isize;
                        let off = if b0 & 0x80 == 0 {
                            b0 - 0x40
                        } else {
                            ((b0 & 0x7f) | ((byte!() as isize) << 7)) - 0x4000
                        };
                        (pc as isize + off) as usize
                    }};
                }
                macro_rules! qst {
                    () => {{
                        let i = uint!();
                        match qstrs.get(i) {
                            Some(&q) => q,
                            None => break 'inner bad_bytecode(vm),
                        }
                    }};
                }
                macro_rules! push {
                    ($v:expr) => {{
                        let v = $v;
                        if sp >= lim {
                            break 'inner bad_bytecode(vm);
                        }
                        wr!(sp, v);
                        sp += 1;
                    }};
                }
                macro_rules! pop {
                    () => {{
                        if sp <= base {
                            break 'inner bad_bytecode(vm);
                        }
                        sp -= 1;
                        rd!(sp)
                    }};
                }
                macro_rules! need {
                    ($n:expr) => {{
                        if sp < base + $n {
                            break 'inner bad_bytecode(vm);
                        }
                    }};
                }
                macro_rules! top {
                    () => {{
                        need!(1);
                        rd!(sp - 1)
                    }};
                }
                macro_rules! set_top {
                    ($v:expr) => {{
                        let v = $v;
                        wr!(sp - 1, v);
                    }};
                }
                macro_rules! local {
                    ($i:expr) => {{
                        let i: usize = $i;
                        if i >= nst {
                            break 'inner bad_bytecode(vm);
                        }
                        base + nst - 1 - i
                    }};
                }
                // Exception-stack entry accessors.
                macro_rules! eh_handler {
                    ($k:expr) => {
                        rd!(eb + 3 * $k).small_int_value() as usize
                    };
                }
                macro_rules! eh_sp {
                    ($k:expr) => {
                        base.wrapping_add((rd!(eb + 3 * $k + 1).small_int_value() >> 1) as usize)
                    };
                }
                macro_rules! eh_finally {
                    ($k:expr) => {
                        rd!(eb + 3 * $k + 1).small_int_value() & 1 != 0
                    };
                }
                macro_rules! push_exc_block {
                    ($target:expr, $fin:expr) => {{
                        if exc_n >= n_exc_max {
                            break 'inner bad_bytecode(vm);
                        }
                        let k = exc_n;
                        wr!(eb + 3 * k, Value::small_int_unchecked($target as isize));
                        wr!(
                            eb + 3 * k + 1,
                            Value::small_int_unchecked(
                                (((sp - base) as isize) << 1) | ($fin as isize)
                            )
                        );
                        wr!(eb + 3 * k + 2, Value::NULL);
                        exc_n += 1;
                    }};
                }
                macro_rules! pop_exc_block {
                    () => {{
                        if exc_n == 0 {
                            break 'inner bad_bytecode(vm);
                        }
                        exc_n -= 1;
                        vm.interp.cur_exception = Value::NULL;
                    }};
                }
                // Stack: (..., X, dest) or (..., prev_dest, prev_cause, dest): drop an active finally's pending state.
                macro_rules! cancel_active_finally {
                    () => {{
                        need!(2);
                        if rd!(sp - 2).is_small_int() {
                            need!(3);
                            wr!(sp - 3, rd!(sp - 1));
                            sp -= 2;
                        } else {
                            wr!(sp - 2, rd!(sp - 1));
                            sp -= 1;
                        }
                    }};
                }
                // The periodic poll at a backward jump to `t`; switches thread if asked to.
                macro_rules! poll_jump {
                    ($t:expr) => {{
                        let c = vm.interp.poll_counter.wrapping_add(1);
                        vm.interp.poll_counter = c;
                        if c & 0xff == 0 {
                            tri!(poll_slow(vm));
                            if vm.interp.switch_req != 0 {
                                pc = $t;
                                save!();
                                continue 'frame;
                            }
                        }
                    }};
                }
                macro_rules! unwind_jump {
                    ($unum:expr) => {{
                        let mut unum: usize = $unum;
                        let mut resumed = false;
                        while unum & 0x7f > 0 {
                            unum -= 1;
                            if exc_n == 0 {
                                break 'inner bad_bytecode(vm);
                            }
                            let k = exc_n - 1;
                            if eh_finally!(k) {
                                if eh_handler!(k) >= pc {
                                    push!(Value::small_int_unchecked(unum as isize));
                                    pc = eh_handler!(k);
                                    resumed = true;
                                    break;
                                } else {
                                    cancel_active_finally!();
                                }
                            }
                            pop_exc_block!();
                        }
                        if !resumed {
                            let dest = pop!();
                            pc = dest.small_int_value() as usize;
                            if unum != 0 {
                                if sp < base + ITER_BUF_NSLOTS {
                                    break 'inner bad_bytecode(vm);
                                }
                                sp -= ITER_BUF_NSLOTS;
                            }
                            if pc < op_pc {
                                poll_jump!(pc);
                            }
                        }
                        continue 'inner;
                    }};
                }
                macro_rules! unwind_return {
                    () => {{
                        let mut resumed = false;
                        while exc_n > 0 {
                            let k = exc_n - 1;
                            if eh_finally!(k) {
                                if eh_handler!(k) >= pc {
                                    let v = top!();
                                    let fsp = eh_sp!(k);
                                    if fsp < base || fsp >= lim {
                                        break 'inner bad_bytecode(vm);
                                    }
                                    wr!(fsp, v);
                                    sp = fsp + 1;
                                    push!(Value::small_int_unchecked(-1));
                                    pc = eh_handler!(k);
                                    resumed = true;
                                    break;
                                } else {
                                    cancel_active_finally!();
                                }
                            }
                            pop_exc_block!();
                        }
                        if resumed {
                            continue 'inner;
                        }
                        let ret = top!();
                        sp -= 1;
                        if fi == entry {
                            save!();
                            return Ok(Exit::Return(ret));
                        }
                        if vm.interp.frames[fi].boundary {
                            // Another dispatch loop's frame (a thread switched in here).
                            save!();
                            super::thread::boundary_exit(vm, Ok(Exit::Return(ret)));
                            continue 'frame;
                        }
                        vm.interp.frames.pop();
                        let ci = vm.interp.frames.len() - 1;
                        let caller = &mut vm.interp.frames[ci];
                        let csp = caller.sp;
                        caller.sp = csp + 1;
                        wr!(csp, ret);
                        continue 'frame;
                    }};
                }
                // Call `f` with positional args at [a0, a0+npos) and kw pairs after them; the
                // result replaces the slot `res`. Python functions get a new frame in this loop.
                macro_rules! do_call {
                    ($f:expr, $selfv:expr, $args:expr, $kw:expr, $res:expr) => {{
                        let f: Value = $f;
                        let selfv: Value = $selfv;
                        let args: &[Value] = $args;
                        let kw: &[Value] = $kw;
                        let res: usize = $res;
                        let mut target = None;
                        let mut self2 = selfv;
                        if let Some(fo) = f.downcast::<FunObj>() {
                            if !fo.code.is_generator() {
                                target = Some(fo);
                            }
                        } else if let Some(bm) = f.downcast::<crate::types::class::BoundMethObj>() {
                            if selfv.is_null() {
                                if let Some(fo) = bm.meth.downcast::<FunObj>() {
                                    if !fo.code.is_generator() {
                                        target = Some(fo);
                                        self2 = bm.selfv;
                                    }
                                }
                            }
                        }
                        if let Some(fo) = target {
                            sp = res;
                            save!();
                            tri!(push_frame(vm, fo, self2, args, kw, false, Value::NULL));
                            continue 'frame;
                        }
                        vm.interp.direct_seq = vm.interp.call_seq.wrapping_add(1);
                        let r = if selfv.is_null() {
                            tri!(vm.call(f, args, kw))
                        } else {
                            tri!(super::call::call_with_self(vm, f, selfv, args, kw))
                        };
                        wr!(res, r);
                        sp = res + 1;
                        if vm.interp.switch_req != 0 {
                            save!();
                            continue 'frame;
                        }
                    }};
                }

                op_pc = pc;
                let opc = byte!();
                match opc {
                    op::LOAD_CONST_FALSE => push!(Value::FALSE),
                    op::LOAD_CONST_NONE => push!(Value::NONE),
                    op::LOAD_CONST_TRUE => push!(Value::TRUE),
                    op::LOAD_NULL => push!(Value::NULL),
                    op::LOAD_CONST_SMALL_INT => {
                        let n = match pyrite_compiler::bc::decode_sint(bytes, &mut pc) {
                            Ok(n) => n,
                            Err(_) => break 'inner bad_bytecode(vm),
                        };
                        let v = match isize::try_from(n).ok().and_then(Value::small_int) {
                            Some(v) => v,
                            None => tri!(crate::types::int::int_from_i64(vm, n)),
                        };
                        push!(v);
                    }
                    op::LOAD_CONST_STRING => {
                        let q = qst!();
                        push!(Value::qstr(q));
                    }
                    op::LOAD_CONST_OBJ => {
                        let i = uint!();
                        match consts.get(i) {
                            Some(&v) => push!(v),
                            None => break 'inner bad_bytecode(vm),
                        }
                    }
                    op::LOAD_FAST_N => {
                        let i = local!(uint!());
                        let v = rd!(i);
                        if v.is_null() {
                            break 'inner unbound_local(vm);
                        }
                        push!(v);
                    }
                    op::LOAD_DEREF => {
                        let i = local!(uint!());
                        let v = match rd!(i).downcast::<CellObj>() {
                            Some(c) => c.value.get(),
                            None => Value::NULL,
                        };
                        if v.is_null() {
                            break 'inner unbound_local(vm);
                        }
                        push!(v);
                    }
                    op::LOAD_NAME => {
                        let q = qst!();
                        let h = hint_ix(bytes, op_pc);
                        let first = match locals.downcast::<DictObj>() {
                            Some(d) => map_get_hinted(vm, &d.map, q, h),
                            None => None,
                        };
                        let v = match first {
                            Some(v) => v,
                            None => match dict_get_q(vm, globals, q) {
                                Some(v) => v,
                                None => match load_builtin(vm, q) {
                                    Some(v) => v,
                                    None => break 'inner vm.name_error(q),
                                },
                            },
                        };
                        push!(v);
                    }
                    op::LOAD_GLOBAL => {
                        let q = qst!();
                        let v = match load_global_hinted(vm, globals, q, hint_ix(bytes, op_pc)) {
                            Some(v) => v,
                            None => break 'inner vm.name_error(q),
                        };
                        push!(v);
                    }
                    op::LOAD_ATTR => {
                        let q = qst!();
                        let o = top!();
                        let v = match inst_attr_fast(vm, o, q, hint_ix(bytes, op_pc)) {
                            Some(v) => v,
                            None => tri!(vm.load_attr(o, q)),
                        };
                        set_top!(v);
                    }
                    op::LOAD_METHOD => {
                        let q = qst!();
                        let o = top!();
                        let (m, s) = match method_fast(vm, o, q, hint_ix(bytes, op_pc)) {
                            Some(ms) => ms,
                            None => tri!(vm.load_method(o, q)),
                        };
                        set_top!(m);
                        push!(s);
                    }
                    op::LOAD_SUPER_METHOD => {
                        let q = qst!();
                        need!(3);
                        let selfv = rd!(sp - 1);
                        let cls = rd!(sp - 2);
                        let (m, s) =
                            tri!(crate::types::class::load_super_method(vm, cls, selfv, q));
                        sp -= 1;
                        wr!(sp - 2, m);
                        wr!(sp - 1, s);
                    }
                    op::LOAD_BUILD_CLASS => match load_builtin(vm, Q::__build_class__) {
                        Some(v) => push!(v),
                        None => break 'inner vm.name_error(Q::__build_class__),
                    },
                    op::LOAD_SUBSCR => {
                        let idx = pop!();
                        let o = top!();
                        let v = tri!(super::fast::subscr(vm, o, idx));
                        set_top!(v);
                    }
                    op::STORE_FAST_N => {
                        let i = local!(uint!());
                        let v = pop!();
                        wr!(i, v);
                    }
                    op::STORE_DEREF => {
                        let i = local!(uint!());
                        let v = pop!();
                        match rd!(i).downcast::<CellObj>() {
                            Some(c) => c.value.set(v),
                            None => break 'inner bad_bytecode(vm),
                        }
                    }
                    op::STORE_NAME => {
                        let q = qst!();
                        let v = pop!();
                        tri!(dict_set_hinted(vm, locals, q, v, hint_ix(bytes, op_pc)));
                    }
                    op::STORE_GLOBAL => {
                        let q = qst!();
                        let v = pop!();
                        tri!(dict_set_hinted(vm, globals, q, v, hint_ix(bytes, op_pc)));
                    }
                    op::STORE_ATTR => {
                        let q = qst!();
                        let o = pop!();
                        let v = pop!();
                        if !inst_store_fast(vm, o, q, v, hint_ix(bytes, op_pc)) {
                            tri!(vm.store_attr(o, q, v));
                        }
                    }
                    op::STORE_SUBSCR => {
                        need!(3);
                        let idx = rd!(sp - 1);
                        let o = rd!(sp - 2);
                        let v = rd!(sp - 3);
                        if v.is_null() {
                            tri!(vm.delete_subscr(o, idx));
                        } else {
                            tri!(super::fast::store_subscr(vm, o, idx, v));
                        }
                        sp -= 3;
                    }
                    op::DELETE_FAST => {
                        let i = local!(uint!());
                        if rd!(i).is_null() {
                            break 'inner unbound_local(vm);
                        }
                        wr!(i, Value::NULL);
                    }
                    op::DELETE_DEREF => {
                        let i = local!(uint!());
                        match rd!(i).downcast::<CellObj>() {
                            Some(c) if !c.value.get().is_null() => c.value.set(Value::NULL),
                            _ => break 'inner unbound_local(vm),
                        }
                    }
                    op::DELETE_NAME => {
                        let q = qst!();
                        tri!(dict_del_q(vm, locals, q));
                    }
                    op::DELETE_GLOBAL => {
                        let q = qst!();
                        tri!(dict_del_q(vm, globals, q));
                    }
                    op::DUP_TOP => {
                        let v = top!();
                        push!(v);
                    }
                    op::DUP_TOP_TWO => {
                        need!(2);
                        let a = rd!(sp - 2);
                        let b = rd!(sp - 1);
                        push!(a);
                        push!(b);
                    }
                    op::POP_TOP => {
                        let _ = pop!();
                    }
                    op::ROT_TWO => {
                        need!(2);
                        let a = rd!(sp - 2);
                        wr!(sp - 2, rd!(sp - 1));
                        wr!(sp - 1, a);
                    }
                    op::ROT_THREE => {
                        // ( a b c -- c a b )
                        need!(3);
                        let a = rd!(sp - 3);
                        let b = rd!(sp - 2);
                        let c = rd!(sp - 1);
                        wr!(sp - 3, c);
                        wr!(sp - 2, a);
                        wr!(sp - 1, b);
                    }
                    op::JUMP => {
                        let t = sjump!();
                        if t < pc {
                            poll_jump!(t);
                        }
                        pc = t;
                    }
                    op::POP_JUMP_IF_TRUE => {
                        let t = sjump!();
                        let v = pop!();
                        let b = if v == Value::TRUE {
                            true
                        } else if v == Value::FALSE {
                            false
                        } else {
                            tri!(vm.is_true(v))
                        };
                        if b {
                            if t < pc {
                                poll_jump!(t);
                            }
                            pc = t;
                        }
                    }
                    op::POP_JUMP_IF_FALSE => {
                        let t = sjump!();
                        let v = pop!();
                        let b = if v == Value::TRUE {
                            true
                        } else if v == Value::FALSE {
                            false
                        } else {
                            tri!(vm.is_true(v))
                        };
                        if !b {
                            if t < pc {
                                poll_jump!(t);
                            }
                            pc = t;
                        }
                    }
                    op::JUMP_IF_TRUE_OR_POP => {
                        let t = ujump!();
                        let v = top!();
                        if tri!(vm.is_true(v)) {
                            pc = t;
                        } else {
                            sp -= 1;
                        }
                    }
                    op::JUMP_IF_FALSE_OR_POP => {
                        let t = ujump!();
                        let v = top!();
                        if tri!(vm.is_true(v)) {
                            sp -= 1;
                        } else {
                            pc = t;
                        }
                    }
                    op::SETUP_WITH => {
                        let t = ujump!();
                        let obj = top!();
                        let (exit_m, exit_s) = tri!(vm.load_method(obj, Q::__exit__));
                        let (enter_m, enter_s) = tri!(vm.load_method(obj, Q::__enter__));
                        vm.interp.direct_seq = vm.interp.call_seq.wrapping_add(1);
                        let ret = if enter_s.is_null() {
                            tri!(vm.call(enter_m, &[], &[]))
                        } else {
                            tri!(vm.call(enter_m, &[enter_s], &[]))
                        };
                        if sp + 1 > lim {
                            break 'inner bad_bytecode(vm);
                        }
                        wr!(sp - 1, exit_m);
                        wr!(sp, exit_s);
                        sp += 1;
                        push_exc_block!(t, true);
                        push!(ret);
                        if vm.interp.switch_req != 0 {
                            // __enter__ blocked (a held lock): switch; the real result
                            // replaces `ret` when this thread resumes.
                            save!();
                            continue 'frame;
                        }
                    }
                    op::WITH_CLEANUP => {
                        let t = top!();
                        if t.is_none() {
                            // (..., exit, self, None)
                            need!(3);
                            let ex = rd!(sp - 3);
                            let es = rd!(sp - 2);
                            let n = Value::NONE;
                            tri!(super::call::call_method_slots(vm, ex, es, &[n, n, n]));
                            wr!(sp - 3, Value::NONE);
                            sp -= 2;
                        } else if t.is_small_int() {
                            // (..., exit, self, data, cause)
                            need!(4);
                            let ex = rd!(sp - 4);
                            let es = rd!(sp - 3);
                            let data = rd!(sp - 2);
                            let n = Value::NONE;
                            tri!(super::call::call_method_slots(vm, ex, es, &[n, n, n]));
                            wr!(sp - 4, data);
                            wr!(sp - 3, t);
                            sp -= 2;
                        } else {
                            // (..., exit, self, exc)
                            need!(3);
                            let ex = rd!(sp - 3);
                            let es = rd!(sp - 2);
                            let ty = t.type_of().value();
                            let r = tri!(super::call::call_method_slots(
                                vm,
                                ex,
                                es,
                                &[ty, t, Value::NONE]
                            ));
                            let swallow = tri!(vm.is_true(r));
                            wr!(sp - 3, if swallow { Value::NONE } else { t });
                            sp -= 2;
                        }
                    }
                    op::UNWIND_JUMP => {
                        let t = sjump!();
                        let unum = byte!() as usize;
                        push!(Value::small_int_unchecked(t as isize));
                        unwind_jump!(unum);
                    }
                    op::SETUP_EXCEPT => {
                        let t = ujump!();
                        push_exc_block!(t, false);
                    }
                    op::SETUP_FINALLY => {
                        let t = ujump!();
                        push_exc_block!(t, true);
                    }
                    op::END_FINALLY => {
                        pop_exc_block!();
                        let t = top!();
                        if t.is_none() {
                            sp -= 1;
                        } else if let Some(cause) = t.as_small_int() {
                            sp -= 1;
                            if cause < 0 {
                                unwind_return!();
                            } else {
                                unwind_jump!(cause as usize);
                            }
                        } else {
                            break 'inner PyErr(t);
                        }
                    }
                    op::GET_ITER => {
                        let o = top!();
                        let it = tri!(vm.get_iter(o));
                        set_top!(it);
                    }
                    op::GET_ITER_STACK => {
                        let o = top!();
                        if sp - 1 + ITER_BUF_NSLOTS > lim {
                            break 'inner bad_bytecode(vm);
                        }
                        let (kind, a, b, c) = tri!(super::fast::iter_stack_init(vm, o));
                        wr!(sp - 1, kind);
                        wr!(sp, a);
                        wr!(sp + 1, b);
                        wr!(sp + 2, c);
                        sp += ITER_BUF_NSLOTS - 1;
                    }
                    op::FOR_ITER => {
                        let t = ujump!();
                        need!(ITER_BUF_NSLOTS);
                        let s0 = sp - ITER_BUF_NSLOTS;
                        let r = super::fast::iter_stack_next(vm, st, s0);
                        match r {
                            Ok(v) if v != Value::STOP => push!(v),
                            Ok(_) => {
                                sp = s0;
                                pc = t;
                            }
                            Err(e) => {
                                if exc_is(e.0, &exc::STOP_ITERATION) {
                                    sp = s0;
                                    pc = t;
                                } else {
                                    break 'inner e;
                                }
                            }
                        }
                    }
                    op::POP_EXCEPT_JUMP => {
                        pop_exc_block!();
                        let t = ujump!();
                        pc = t;
                    }
                    op::BUILD_TUPLE => {
                        let n = uint!();
                        need!(n);
                        let items = vm.interp.stack.slice(sp - n, sp);
                        let t = tri!(crate::types::tuple::new_tuple(vm, items));
                        sp -= n;
                        push!(t);
                    }
                    op::BUILD_LIST => {
                        let n = uint!();
                        need!(n);
                        let items = vm.interp.stack.slice(sp - n, sp);
                        let t = tri!(crate::types::list::new_list(vm, items));
                        sp -= n;
                        push!(t);
                    }
                    op::BUILD_MAP => {
                        let _n = uint!();
                        let d = tri!(crate::types::dict::new_dict(vm));
                        push!(d.value());
                    }
                    op::STORE_MAP => {
                        need!(3);
                        let k = rd!(sp - 1);
                        let v = rd!(sp - 2);
                        let d = rd!(sp - 3);
                        match d.downcast::<DictObj>() {
                            Some(dd) => tri!(dd.map.set(vm, k, v)),
                            None => break 'inner bad_bytecode(vm),
                        }
                        sp -= 2;
                    }
                    op::BUILD_SET => {
                        let n = uint!();
                        need!(n);
                        let items = vm.interp.stack.slice(sp - n, sp);
                        let t = tri!(crate::types::set::new_set(vm, items));
                        sp -= n;
                        push!(t);
                    }
                    op::BUILD_SLICE => {
                        let n = uint!();
                        let step = if n == 3 { pop!() } else { Value::NONE };
                        let stop = pop!();
                        let start = top!();
                        // A list sliced by the subscript right after: the slice is only read
                        // (list_subscr copies its bounds out), so it can live here instead of
                        // in the heap.
                        let next = bytes.get(pc).copied();
                        if matches!(next, Some(op::LOAD_SUBSCR) | Some(op::STORE_SUBSCR))
                            && sp >= base + if next == Some(op::LOAD_SUBSCR) { 2 } else { 3 }
                            && rd!(sp - 2).type_of().is(&crate::types::list::LIST_TYPE)
                        {
                            let so = crate::types::slice::SliceObj {
                                hdr: crate::value::ObjHeader::new(&crate::types::slice::SLICE_TYPE),
                                start,
                                stop,
                                step,
                            };
                            // The value points at `so`, which outlives its only use: the list
                            // subscript below, which does not keep the index (a list's
                            // subscript slot reads a slice's bounds and drops it).
                            let sv = Gc::from_raw(core::ptr::NonNull::from(&so)).value();
                            let o = rd!(sp - 2);
                            pc += 1;
                            if next == Some(op::LOAD_SUBSCR) {
                                let r = tri!(vm.subscr(o, sv));
                                sp -= 1;
                                set_top!(r);
                            } else {
                                let v = rd!(sp - 3);
                                if v.is_null() {
                                    tri!(vm.delete_subscr(o, sv));
                                } else {
                                    tri!(vm.store_subscr(o, sv, v));
                                }
                                sp -= 3;
                            }
                            core::hint::black_box(&so);
                            continue 'inner;
                        }
                        // A slice consumed by the subscript right after it needs no heap in
                        // MicroPython (it lives on the C stack), so it must work while the
                        // heap is locked.
                        let s = if vm.heap.lock_depth > 0
                            && matches!(
                                bytes.get(pc).copied(),
                                Some(op::LOAD_SUBSCR) | Some(op::STORE_SUBSCR)
                            ) {
                            tri!(crate::types::slice::new_slice_unlocked(
                                vm, start, stop, step
                            ))
                        } else {
                            tri!(crate::types::slice::new_slice(vm, start, stop, step))
                        };
                        set_top!(s);
                    }
                    op::STORE_COMP => {
                        let arg = uint!();
                        let depth = arg >> 2;
                        match arg & 3 {
                            0 => {
                                need!(depth + 1);
                                let coll = rd!(sp - 1 - depth);
                                let v = rd!(sp - 1);
                                tri!(crate::types::list::list_append(vm, coll, v));
                                sp -= 1;
                            }
                            1 => {
                                need!((depth + 1).max(2));
                                let coll = rd!(sp - 1 - depth);
                                let k = rd!(sp - 1);
                                let v = rd!(sp - 2);
                                match coll.downcast::<DictObj>() {
                                    Some(d) => tri!(d.map.set(vm, k, v)),
                                    None => break 'inner bad_bytecode(vm),
                                }
                                sp -= 2;
                            }
                            _ => {
                                need!(depth + 1);
                                let coll = rd!(sp - 1 - depth);
                                let v = rd!(sp - 1);
                                tri!(crate::types::set::set_add(vm, coll, v));
                                sp -= 1;
                            }
                        }
                    }
                    op::UNPACK_SEQUENCE => {
                        let n = uint!();
                        let seq = pop!();
                        if sp + n > lim {
                            break 'inner bad_bytecode(vm);
                        }
                        tri!(super::fast::unpack_sequence(vm, seq, n, st, sp));
                        sp += n;
                    }
                    op::UNPACK_EX => {
                        let arg = uint!();
                        let n = (arg & 0xff) + ((arg >> 8) & 0xff) + 1;
                        let seq = pop!();
                        if sp + n > lim {
                            break 'inner bad_bytecode(vm);
                        }
                        tri!(super::fast::unpack_ex(vm, seq, arg, st, sp));
                        sp += n;
                    }
                    op::MAKE_FUNCTION => {
                        let i = uint!();
                        let Some(child) = code.child(i) else {
                            break 'inner bad_bytecode(vm);
                        };
                        let f = tri!(super::code::make_function(
                            vm,
                            child,
                            globals,
                            Value::NULL,
                            Value::NULL,
                            Value::NULL
                        ));
                        push!(f);
                    }
                    op::MAKE_FUNCTION_DEFARGS => {
                        let i = uint!();
                        let Some(child) = code.child(i) else {
                            break 'inner bad_bytecode(vm);
                        };
                        let dkw = pop!();
                        let dpos = top!();
                        let f = tri!(super::code::make_function(
                            vm,
                            child,
                            globals,
                            norm_none(dpos),
                            norm_none(dkw),
                            Value::NULL
                        ));
                        set_top!(f);
                    }
                    op::MAKE_CLOSURE | op::MAKE_CLOSURE_DEFARGS => {
                        let i = uint!();
                        let n = byte!() as usize;
                        let Some(child) = code.child(i) else {
                            break 'inner bad_bytecode(vm);
                        };
                        let with_defs = opc == op::MAKE_CLOSURE_DEFARGS;
                        let total = n + if with_defs { 2 } else { 0 };
                        need!(total);
                        let cells = vm.interp.stack.slice(sp - n, sp);
                        let tup = tri!(crate::types::tuple::new_tuple(vm, cells));
                        let (dpos, dkw) = if with_defs {
                            (norm_none(rd!(sp - n - 2)), norm_none(rd!(sp - n - 1)))
                        } else {
                            (Value::NULL, Value::NULL)
                        };
                        let f = tri!(super::code::make_function(
                            vm, child, globals, dpos, dkw, tup
                        ));
                        sp -= total;
                        push!(f);
                    }
                    op::CALL_FUNCTION => {
                        let arg = uint!();
                        let npos = arg & 0xff;
                        let nkw = (arg >> 8) & 0xff;
                        let n = npos + 2 * nkw;
                        need!(n + 1);
                        let fpos = sp - n - 1;
                        let f = rd!(fpos);
                        let args = vm.interp.stack.slice(fpos + 1, fpos + 1 + npos);
                        let kw = vm.interp.stack.slice(fpos + 1 + npos, sp);
                        do_call!(f, Value::NULL, args, kw, fpos);
                    }
                    op::CALL_METHOD => {
                        let arg = uint!();
                        let npos = arg & 0xff;
                        let nkw = (arg >> 8) & 0xff;
                        let n = npos + 2 * nkw;
                        need!(n + 2);
                        let mpos = sp - n - 2;
                        let m = rd!(mpos);
                        let s = rd!(mpos + 1);
                        let kw = vm.interp.stack.slice(mpos + 2 + npos, sp);
                        if s.is_null() {
                            let args = vm.interp.stack.slice(mpos + 2, mpos + 2 + npos);
                            do_call!(m, Value::NULL, args, kw, mpos);
                        } else if m.downcast::<FunObj>().is_some() {
                            let args = vm.interp.stack.slice(mpos + 2, mpos + 2 + npos);
                            do_call!(m, s, args, kw, mpos);
                        } else {
                            // self and the arguments are contiguous: pass them as one slice.
                            let args = vm.interp.stack.slice(mpos + 1, mpos + 2 + npos);
                            do_call!(m, Value::NULL, args, kw, mpos);
                        }
                    }
                    op::CALL_FUNCTION_VAR_KW | op::CALL_METHOD_VAR_KW => {
                        let arg = uint!();
                        let npos = arg & 0xff;
                        let nkw = (arg >> 8) & 0xff;
                        let is_meth = opc == op::CALL_METHOD_VAR_KW;
                        let n = npos + 2 * nkw + 1 + if is_meth { 1 } else { 0 };
                        need!(n + 1);
                        let fpos = sp - n - 1;
                        let f = rd!(fpos);
                        let selfv = if is_meth { rd!(fpos + 1) } else { Value::NULL };
                        let a0 = fpos + 1 + is_meth as usize;
                        let bitmap = rd!(sp - 1);
                        let args = vm.interp.stack.slice(a0, a0 + npos);
                        let kw = vm.interp.stack.slice(a0 + npos, sp - 1);
                        let all = tri!(super::call::prepare_star_args(vm, args, kw, bitmap));
                        let Some(t) = crate::types::tuple::tuple_items(all.0) else {
                            break 'inner bad_bytecode(vm);
                        };
                        let items = t.items();
                        // SAFETY: the tuple is immutable and stays alive while `all` (a local, hence
                        // on the scanned native stack) holds it, i.e. for this whole arm.
                        let items: &[Value] =
                            unsafe { core::slice::from_raw_parts(items.as_ptr(), items.len()) };
                        let np = all.1.min(items.len());
                        do_call!(f, selfv, &items[..np], &items[np..], fpos);
                        core::hint::black_box(all.0);
                    }
                    op::RETURN_VALUE => {
                        unwind_return!();
                    }
                    op::RAISE_LAST => {
                        let mut o = Value::NULL;
                        let mut k = exc_n;
                        while k > 0 {
                            k -= 1;
                            let e = rd!(eb + 3 * k + 2);
                            if !e.is_null() {
                                o = e;
                                break;
                            }
                        }
                        if o.is_null() {
                            break 'inner vm.runtime_error("no active exception to reraise");
                        }
                        break 'inner PyErr(o);
                    }
                    op::RAISE_OBJ => {
                        let o = top!();
                        break 'inner make_raise_obj(vm, o);
                    }
                    op::RAISE_FROM => {
                        let from = pop!();
                        if !from.is_none() {
                            vm.write_stderr("Warning: exception chaining not supported\n");
                        }
                        let o = top!();
                        break 'inner make_raise_obj(vm, o);
                    }
                    op::YIELD_VALUE => {
                        if !vm.interp.frames[fi].boundary || vm.interp.frames[fi].gen.is_null() {
                            break 'inner bad_bytecode(vm);
                        }
                        let v = top!();
                        save!();
                        if fi != entry {
                            super::thread::boundary_exit(vm, Ok(Exit::Yield(v)));
                            continue 'frame;
                        }
                        return Ok(Exit::Yield(v));
                    }
                    op::YIELD_FROM => {
                        if !vm.interp.frames[fi].boundary || vm.interp.frames[fi].gen.is_null() {
                            break 'inner bad_bytecode(vm);
                        }
                        let send = pop!();
                        let it = top!();
                        let thrown = inject;
                        inject = Value::NULL;
                        let r = if thrown.is_null() {
                            super::gen::resume_any(vm, it, send, Value::NULL)
                        } else {
                            super::gen::resume_any(vm, it, Value::NULL, thrown)
                        };
                        match r {
                            Ok(super::gen::Resumed::Yield(v)) => {
                                pc = op_pc;
                                push!(v);
                                save!();
                                if fi != entry {
                                    super::thread::boundary_exit(vm, Ok(Exit::Yield(v)));
                                    continue 'frame;
                                }
                                return Ok(Exit::Yield(v));
                            }
                            Ok(super::gen::Resumed::Return(v)) => {
                                set_top!(v);
                                if !thrown.is_null()
                                    && exc_or_class_is(thrown, &exc::GENERATOR_EXIT)
                                {
                                    break 'inner make_raise_obj(vm, thrown);
                                }
                            }
                            Err(e) => {
                                if exc_is(e.0, &exc::STOP_ITERATION) {
                                    let v = super::gen::stop_iteration_value(e.0);
                                    set_top!(v);
                                } else {
                                    sp -= 1;
                                    break 'inner e;
                                }
                            }
                        }
                    }
                    op::IMPORT_NAME => {
                        let q = qst!();
                        let fromlist = pop!(); // stack: (level fromlist)
                        let level = top!();
                        let m = tri!(super::import::import_name(vm, q, fromlist, level, globals));
                        set_top!(m);
                    }
                    op::IMPORT_FROM => {
                        let q = qst!();
                        let m = top!();
                        let v = tri!(super::import::import_from(vm, m, q));
                        push!(v);
                    }
                    op::IMPORT_STAR => {
                        let m = pop!();
                        tri!(super::import::import_all(vm, m, locals));
                    }
                    0x70..=0xaf => {
                        push!(Value::small_int_unchecked(opc as isize - 0x70 - 16));
                    }
                    0xb0..=0xbf => {
                        let i = local!((opc - 0xb0) as usize);
                        let v = rd!(i);
                        if v.is_null() {
                            break 'inner unbound_local(vm);
                        }
                        push!(v);
                    }
                    0xc0..=0xcf => {
                        let i = local!((opc - 0xc0) as usize);
                        let v = pop!();
                        wr!(i, v);
                    }
                    0xd0..=0xd3 => {
                        let v = top!();
                        let r = if opc == 0xd3 {
                            // not
                            if v == Value::TRUE {
                                Value::FALSE
                            } else if v == Value::FALSE {
                                Value::TRUE
                            } else {
                                Value::from_bool(!tri!(vm.is_true(v)))
                            }
                        } else {
                            let Some(u) = UnaryOp::from_u8(opc - 0xd0) else {
                                break 'inner bad_bytecode(vm);
                            };
                            if let (UnaryOp::Negative, Some(i)) = (u, v.as_small_int()) {
                                match i.checked_neg().and_then(Value::small_int) {
                                    Some(r) => r,
                                    None => tri!(vm.unary_op(u, v)),
                                }
                            } else {
                                tri!(vm.unary_op(u, v))
                            }
                        };
                        set_top!(r);
                    }
                    0xd7..=0xf9 => {
                        let rhs = pop!();
                        let lhs = top!();
                        let o = opc - 0xd7;
                        let r = match super::fast::small_binop(o, lhs, rhs) {
                            Some(r) => r,
                            None => tri!(binop_slow(vm, o, lhs, rhs)),
                        };
                        set_top!(r);
                    }
                    op::VIPER => {
                        // Typed machine-word operations of viper functions (interp/viper.rs).
                        use pyrite_compiler::bc::viper as vop;
                        let a = uint!();
                        let param = (a >> 3) as u32;
                        match (a & 7) as u32 {
                            vop::TO_OBJ => {
                                let d = (param >> 3) as usize;
                                need!(d.saturating_add(1));
                                let i = sp - 1 - d;
                                let r = tri!(super::viper::to_obj(vm, param & 7, rd!(i)));
                                wr!(i, r);
                            }
                            vop::FROM_OBJ => {
                                let v = top!();
                                let r = tri!(super::viper::from_obj(vm, param, v));
                                set_top!(r);
                            }
                            vop::BINOP => {
                                let rhs = pop!();
                                let lhs = top!();
                                let r = tri!(super::viper::binop(vm, param, lhs, rhs));
                                set_top!(r);
                            }
                            vop::UNOP => {
                                let v = top!();
                                let r = tri!(super::viper::unop(vm, param, v));
                                set_top!(r);
                            }
                            vop::LOAD => {
                                let idx = pop!();
                                let base = top!();
                                let r = tri!(super::viper::load(vm, param, base, idx));
                                set_top!(r);
                            }
                            vop::STORE => {
                                need!(3);
                                let idx = pop!();
                                let base = pop!();
                                let v = pop!();
                                tri!(super::viper::store(vm, param, v, base, idx));
                            }
                            _ => break 'inner bad_bytecode(vm),
                        }
                    }
                    _ => {
                        break 'inner vm.not_implemented("opcode");
                    }
                }
            }
        };

        // ---- exception handling ----
        let e = err.0;
        vm.interp.cur_exception = e;
        let opb = bytes.get(op_pc).copied().unwrap_or(0);
        if opb != op::END_FINALLY && opb != op::RAISE_LAST {
            let line = code.line_of(op_pc);
            exc::traceback_add(vm, e, ctx.file, line, code.name);
        }
        while exc_n > 0 {
            let h = rd!(eb + 3 * (exc_n - 1)).small_int_value() as usize;
            if h <= op_pc {
                exc_n -= 1;
            } else {
                break;
            }
        }
        if exc_n > 0 {
            let k = exc_n - 1;
            let h = rd!(eb + 3 * k).small_int_value() as usize;
            let hsp = base.wrapping_add((rd!(eb + 3 * k + 1).small_int_value() >> 1) as usize);
            wr!(eb + 3 * k + 2, e);
            if hsp < base || hsp >= lim {
                // Corrupt handler: give up on this frame.
                exc_n = 0;
            } else {
                wr!(hsp, e);
                pc = h;
                sp = hsp + 1;
                save!();
                continue 'frame;
            }
        }
        // No handler in this frame: leave it.
        save!();
        if fi == entry {
            return Err(err);
        }
        if vm.interp.frames[fi].boundary {
            // Another dispatch loop's frame (a thread switched in here).
            super::thread::boundary_exit(vm, Err(err));
            continue 'frame;
        }
        vm.interp.frames.pop();
        // Re-raise in the caller, at its call instruction.
        pending = e;
        continue 'frame;
    }
}

/// A binary operation the small-int fast path did not take: floats without the generic
/// dispatch, everything else through `Vm::binary_op`.
#[inline(never)]
fn binop_slow(vm: &mut Vm, o: u8, lhs: Value, rhs: Value) -> PyResult<Value> {
    if let Some(r) = super::fast::float_binop(vm, o, lhs, rhs) {
        return r;
    }
    match BinOp::from_u8(o) {
        Some(bop) => vm.binary_op(bop, lhs, rhs),
        None => Err(bad_bytecode(vm)),
    }
}

/// Treat `None` (and NULL) as "no defaults".
#[inline]
fn norm_none(v: Value) -> Value {
    if v.is_none() {
        Value::NULL
    } else {
        v
    }
}

/// Create a cell for local `i` of a frame (used by argument binding).
pub(crate) fn make_cell_local(vm: &mut Vm, idx: usize) -> PyResult<()> {
    let v = vm.interp.stack.get(idx);
    let c = new_cell(vm, v)?;
    vm.interp.stack.set(idx, c);
    Ok(())
}
