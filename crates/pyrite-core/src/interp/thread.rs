//! Green threads for `_thread`: every Python thread is its own frame stack, value stack,
//! exception state and heap-lock depth inside the one VM, and the dispatch loop switches
//! between them. Only one thread ever touches the heap at a time, so threads cannot corrupt
//! it, and the scheme needs nothing from the port (it works on bare metal too).
//!
//! # How switching works
//! Python-to-Python calls do not recurse natively, so a thread's whole state between two
//! bytecodes is its frame records plus its value stack. The running thread's state lives in
//! `vm.interp` (`stack`, `frames`, `cur_exception`, `stop_value`) and `vm.heap.lock_depth`;
//! the others' lives in their [`Thread`] records, and [`exchange`] swaps the two.
//!
//! Switch points are in the dispatch loop ([`super::exec`]), at the top of its frame loop:
//! - preemption: the periodic poll (every 256 backward jumps/calls) asks for a switch when
//!   other threads exist; it is honoured only while the thread is at its *base* native depth
//!   (not inside a native->Python callback such as a sort key, `__init__` or a generator body;
//!   there it keeps running until it returns);
//! - blocking: `time.sleep*` and a blocking `lock.acquire()` called directly by the dispatch
//!   loop record what the thread waits for and return; the loop then switches. The call's
//!   final result (True/False for acquire) is written over the placeholder on the thread's
//!   stack top when it resumes.
//! - a thread whose bottom frame returns or raises ends there (an uncaught exception is
//!   printed as MicroPython does, SystemExit silently).
//!
//! All threads share the one native stack, and only the innermost dispatch loop runs. It runs
//! whichever thread is switched in: bytecode frames can be run by any dispatch loop. Only a
//! *boundary* frame (the first frame of a native->Python call, e.g. `__init__`, a sort key, a
//! generator body) must end in the dispatch loop its native caller entered (`Frame::depth`):
//! when a thread switched into another loop reaches the end of such a frame, it waits until
//! that loop is the innermost again ([`boundary_exit`]). The bottom frame of a thread
//! (depth 0) ends the thread wherever it ends.
//!
//! A blocking call that is not made directly by the dispatch loop (e.g. `sleep` passed as a
//! callback to a builtin) cannot leave its native frames, so it runs the other threads in a
//! nested dispatch loop ([`block_nested`]) until its wait is over.
//!
//! Native frames nest, so a thread waiting in a callback keeps the loops below it from
//! becoming innermost. If nothing that can run at the innermost loop will ever become
//! runnable, the thread that entered that loop gets `RuntimeError: deadlock` (or SystemExit,
//! to unwind it, when the main thread has finished). When every thread sleeps, the host sleeps
//! until the earliest deadline.

use alloc::string::String;
use alloc::vec::Vec;

use crate::interp::code::FunObj;
use crate::interp::exec::{self, Exit, Frame};
use crate::interp::stack::ValueStack;
use crate::types::exception as exc;
use crate::value::{TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

/// `_thread.get_ident()` of the main thread.
pub const MAIN_IDENT: usize = 1;
/// No thread (e.g. after the running thread ended).
pub const NONE: usize = usize::MAX;
/// Value-stack words of a new thread when `_thread.stack_size()` was not set.
pub const THREAD_STACK_WORDS: usize = 16 * 1024;
const MIN_STACK_WORDS: usize = 1024;
/// Longest single host sleep while waiting (so Ctrl-C and new work are noticed).
const MAX_IDLE_US: u64 = 20_000;

/// `switch_req` values.
pub const SWITCH_PREEMPT: u8 = 1;
pub const SWITCH_BLOCKED: u8 = 2;
/// Reschedule (the current thread has ended, or waits in native code).
pub const SWITCH_RAW: u8 = 3;

/// What a thread waits for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Wait {
    /// Runnable.
    Ready,
    /// Until `ticks_us` reaches the deadline.
    Sleep(u64),
    /// Until the lock is free (then the thread takes it), or the deadline passes
    /// (`u64::MAX`: never).
    Lock(Value, u64),
}

/// How a thread leaves a dispatch loop when it is resumed in it (see [`Thread::exit_at`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PendingExit {
    None,
    Return(Value),
    Yield(Value),
    Raise(Value),
    /// Back to [`block_nested`].
    Switched,
}

/// One thread's saved state.
pub struct Thread {
    pub ident: usize,
    pub wait: Wait,
    /// Native depth of the dispatch loop that must resume this thread, to leave it with
    /// `exit` (0: any loop may resume it).
    pub exit_at: usize,
    pub exit: PendingExit,
    /// Native depth at which the thread may be preempted.
    pub base_depth: usize,
    pub started: bool,
    pub stack: ValueStack,
    pub frames: Vec<Frame>,
    pub cur_exception: Value,
    pub stop_value: Value,
    pub heap_lock: u32,
    /// The function, positional-args tuple and keyword dict (or NULL) the thread runs.
    pub fun: Value,
    pub args: Value,
    pub kw: Value,
    /// Result to leave on the stack top when resumed after a blocking call (NULL: none).
    pub wake: Value,
}

impl Thread {
    fn new(ident: usize) -> Thread {
        Thread {
            ident,
            wait: Wait::Ready,
            exit_at: 0,
            exit: PendingExit::None,
            base_depth: 0,
            started: true,
            stack: ValueStack::empty(),
            frames: Vec::new(),
            cur_exception: Value::NULL,
            stop_value: Value::NULL,
            heap_lock: 0,
            fun: Value::NULL,
            args: Value::NULL,
            kw: Value::NULL,
            wake: Value::NULL,
        }
    }
}

/// Lock objects as the scheduler sees them (defined by `_thread`).
fn lock_locked(l: Value) -> bool {
    crate::modules::thread::lock_is_locked(l)
}

/// Swap thread `i`'s saved state with the live interpreter state.
fn exchange(vm: &mut Vm, i: usize) {
    let st = &mut vm.interp;
    let Some(t) = st.threads.get_mut(i) else {
        return;
    };
    core::mem::swap(&mut st.stack, &mut t.stack);
    core::mem::swap(&mut st.frames, &mut t.frames);
    core::mem::swap(&mut st.cur_exception, &mut t.cur_exception);
    core::mem::swap(&mut st.stop_value, &mut t.stop_value);
    core::mem::swap(&mut vm.heap.lock_depth, &mut t.heap_lock);
}

/// Make the main thread's record (on the first `start_new_thread`).
fn ensure_main(vm: &mut Vm) {
    if vm.interp.threads.is_empty() {
        let mut t = Thread::new(vm.interp.cur_ident);
        t.base_depth = vm.interp.native_depth;
        vm.interp.base_depth = t.base_depth;
        vm.interp.threads.push(t);
        vm.interp.cur_thread = 0;
    }
}

/// `_thread.get_ident()`.
pub fn current_ident(vm: &Vm) -> usize {
    vm.interp.cur_ident
}

/// `_thread.stack_size()` in bytes (0: default).
pub fn value_stack_words(bytes: usize) -> usize {
    if bytes == 0 {
        THREAD_STACK_WORDS
    } else {
        (bytes / core::mem::size_of::<Value>()).clamp(MIN_STACK_WORDS, super::STACK_WORDS)
    }
}

/// Create a thread that will call `fun(*args, **kw)` (`kw` a dict or NULL); its ident.
pub fn start_thread(vm: &mut Vm, fun: Value, args: Value, kw: Value) -> PyResult<usize> {
    crate::interp::init(vm)?;
    ensure_main(vm);
    let words = value_stack_words(vm.interp.thread_stack_bytes);
    let mut stack = ValueStack::empty();
    if !stack.ensure(words) {
        return Err(vm.memory_error());
    }
    let ident = vm.interp.next_ident.max(MAIN_IDENT + 1);
    vm.interp.next_ident = ident + 1;
    let mut t = Thread::new(ident);
    t.started = false;
    t.stack = stack;
    t.fun = fun;
    t.args = args;
    t.kw = kw;
    vm.interp.threads.push(t);
    Ok(ident)
}

/// Mark every saved thread's state.
pub fn mark_roots(vm: &mut Vm) {
    let n = vm.interp.threads.len();
    for i in 0..n {
        let t = &vm.interp.threads[i];
        let end = t.frames.last().map(|f| f.end()).unwrap_or(0);
        let end = end.min(t.stack.capacity());
        let vals = t.stack.slice(0, end);
        let mut words: Vec<Value> = Vec::with_capacity(8 + 5 * t.frames.len());
        for f in &t.frames {
            words.extend_from_slice(&[f.fun, f.globals, f.locals, f.gen, f.code.value()]);
        }
        words.extend_from_slice(&[t.cur_exception, t.stop_value, t.fun, t.args, t.kw, t.wake]);
        if let Wait::Lock(l, _) = t.wait {
            words.push(l);
        }
        if let PendingExit::Return(v) | PendingExit::Yield(v) | PendingExit::Raise(v) = t.exit {
            words.push(v);
        }
        vm.heap.mark_values(vals);
        vm.heap.mark_values(&words);
    }
}

/// Called by the periodic poll: ask for a switch if other threads exist and the running one
/// is at its base depth.
#[inline]
pub(crate) fn poll(vm: &mut Vm) {
    if vm.interp.threads.len() > 1
        && vm.interp.switch_req == 0
        && vm.interp.native_depth <= vm.interp.base_depth
    {
        vm.interp.switch_req = SWITCH_PREEMPT;
    }
}

fn runnable(t: &Thread, now: u64) -> bool {
    match t.wait {
        Wait::Ready => true,
        Wait::Sleep(d) => now >= d,
        Wait::Lock(l, d) => !lock_locked(l) || now >= d,
    }
}

fn deadline(t: &Thread) -> u64 {
    match t.wait {
        Wait::Ready => 0,
        Wait::Sleep(d) | Wait::Lock(_, d) => d,
    }
}

/// End thread `i`'s wait (it is runnable): take the lock it waited for, note the result.
fn consume_wait(vm: &mut Vm, i: usize) {
    let Some(t) = vm.interp.threads.get_mut(i) else {
        return;
    };
    match t.wait {
        Wait::Ready | Wait::Sleep(_) => {}
        Wait::Lock(l, _) => {
            if crate::modules::thread::lock_try_take(l) {
                t.wake = Value::TRUE;
            } else {
                t.wake = Value::FALSE;
            }
        }
    }
    t.wait = Wait::Ready;
}

/// What the dispatch loop does after [`switch_point`].
pub(crate) enum Resched {
    /// Run the (possibly new) current thread's top frame.
    Run,
    /// Raise this exception in the current thread's top frame.
    RaiseHere(PyErr),
    /// Leave the dispatch loop with this (the current thread's pending exit).
    Exit(PyResult<Exit>),
}

/// The innermost dispatch loop is at a switch point (the running thread's registers are
/// saved): pick the thread to run. `anchor` is the thread that entered this loop.
pub(crate) fn switch_point(vm: &mut Vm, anchor: usize) -> Resched {
    let depth = vm.interp.native_depth;
    vm.interp.switch_req = 0;
    if vm.interp.threads.is_empty() {
        return Resched::Run;
    }
    let r = reschedule(vm, depth, anchor);
    // (A thread started natively inside may have ended and asked again; that is done.)
    vm.interp.switch_req = 0;
    r
}

fn reschedule(vm: &mut Vm, depth: usize, anchor: usize) -> Resched {
    loop {
        let n = vm.interp.threads.len();
        if n == 0 {
            return Resched::Run;
        }
        let cur = vm.interp.cur_thread;
        let start = if cur == NONE { 0 } else { cur + 1 };
        let now = vm.host.ticks_us();
        let mut pick = None;
        let mut earliest = u64::MAX;
        let mut main_done = false;
        let kbd = vm.interp.kbd_pending;
        let mut main_here = false;
        for k in 0..n {
            let i = (start + k) % n;
            let t = &vm.interp.threads[i];
            let here = t.exit_at == 0 || (t.exit_at == depth && t.exit == PendingExit::Switched);
            if kbd && t.ident == MAIN_IDENT && here {
                // Ctrl-C goes to the main thread, whatever it waits for.
                main_here = true;
                pick = Some(i);
                break;
            }
            if t.exit_at != 0 && t.exit_at != depth {
                let nframes = if i == cur {
                    vm.interp.frames.len()
                } else {
                    t.frames.len()
                };
                if t.ident == MAIN_IDENT && nframes == 1 {
                    main_done = true;
                }
                continue;
            }
            if runnable(t, now) {
                pick = Some(i);
                break;
            }
            earliest = earliest.min(deadline(t));
        }
        if let Some(i) = pick {
            match resume(vm, i, depth) {
                Some(r) => return r,
                None => continue,
            }
        }
        let Some(a) = vm.interp.threads.iter().position(|t| t.ident == anchor) else {
            // The thread that entered this loop is gone: only possible if the state is
            // inconsistent; keep running whatever is live.
            return Resched::Run;
        };
        let err = if earliest == u64::MAX {
            if main_done {
                // The program has finished: end the threads in the way, as MicroPython ends
                // all threads when the main one finishes.
                Some(vm.new_exception_args(TypeRef::of_static(&exc::SYSTEM_EXIT), &[]))
            } else {
                Some(vm.runtime_error("deadlock: every thread waits for a lock"))
            }
        } else {
            let us = earliest.saturating_sub(now).min(MAX_IDLE_US);
            let interrupted = us > 0 && vm.host.sleep_us(us);
            if vm.host.take_interrupt() || interrupted || kbd {
                if !main_here && kbd {
                    // The main thread cannot run here: interrupt this loop's thread instead.
                    vm.interp.kbd_pending = false;
                    Some(vm.new_exception_args(TypeRef::of_static(&exc::KEYBOARD_INTERRUPT), &[]))
                } else {
                    vm.interp.kbd_pending = true;
                    None
                }
            } else {
                None
            }
        };
        if let Some(e) = err {
            // Give the exception to the thread that entered this dispatch loop.
            let t = &mut vm.interp.threads[a];
            t.wait = Wait::Ready;
            t.wake = Value::NULL;
            let nested = t.exit == PendingExit::Switched && t.exit_at == depth;
            t.exit = PendingExit::None;
            t.exit_at = 0;
            switch_to(vm, a, depth);
            return if nested {
                Resched::Exit(Err(e))
            } else {
                Resched::RaiseHere(e)
            };
        }
    }
}

/// Make thread `i` the live one (saving the current one's state).
fn switch_to(vm: &mut Vm, i: usize, depth: usize) {
    let cur = vm.interp.cur_thread;
    if i != cur {
        if cur != NONE {
            exchange(vm, cur);
        }
        exchange(vm, i);
        vm.interp.cur_thread = i;
    }
    let t = &mut vm.interp.threads[i];
    t.base_depth = depth;
    vm.interp.base_depth = depth;
    vm.interp.cur_ident = t.ident;
}

/// Resume runnable thread `i` at this depth. None if it could not start (it has ended; pick
/// again).
fn resume(vm: &mut Vm, i: usize, depth: usize) -> Option<Resched> {
    if vm.interp.kbd_pending && vm.interp.threads[i].ident == MAIN_IDENT {
        vm.interp.kbd_pending = false;
        let t = &mut vm.interp.threads[i];
        t.wait = Wait::Ready;
        t.wake = Value::NULL;
        let nested = t.exit_at == depth;
        t.exit_at = 0;
        t.exit = PendingExit::None;
        switch_to(vm, i, depth);
        let e = vm.new_exception_args(TypeRef::of_static(&exc::KEYBOARD_INTERRUPT), &[]);
        return Some(if nested {
            Resched::Exit(Err(e))
        } else {
            Resched::RaiseHere(e)
        });
    }
    consume_wait(vm, i);
    switch_to(vm, i, depth);
    let t = &mut vm.interp.threads[i];
    if t.exit_at == depth {
        let x = core::mem::replace(&mut t.exit, PendingExit::None);
        t.exit_at = 0;
        return Some(Resched::Exit(match x {
            PendingExit::Return(v) => Ok(Exit::Return(v)),
            PendingExit::Yield(v) => Ok(Exit::Yield(v)),
            PendingExit::Raise(e) => Err(PyErr(e)),
            PendingExit::Switched | PendingExit::None => Ok(Exit::Switched),
        }));
    }
    if !t.started {
        t.started = true;
        start_frames(vm)?;
        return Some(Resched::Run);
    }
    let wake = core::mem::replace(&mut vm.interp.threads[i].wake, Value::NULL);
    if !wake.is_null() {
        if let Some(f) = vm.interp.frames.last() {
            if f.sp > f.base {
                vm.interp.stack.set(f.sp - 1, wake);
            }
        }
    }
    Some(Resched::Run)
}

/// The running thread, switched into a dispatch loop other than the one its top (boundary)
/// frame belongs to, left that frame with `r` (its registers are saved and the frame is still
/// on the stack). A thread's bottom frame ends the thread; otherwise the thread waits until
/// the frame's own dispatch loop is innermost, which then leaves with `r`.
pub(crate) fn boundary_exit(vm: &mut Vm, r: PyResult<Exit>) {
    let d = vm.interp.frames.last().map(|f| f.depth).unwrap_or(0);
    if d == 0 {
        vm.interp.frames.pop();
        thread_done(vm, r.map(|_| ()));
        return;
    }
    let cur = vm.interp.cur_thread;
    if let Some(t) = vm.interp.threads.get_mut(cur) {
        t.exit_at = d;
        t.exit = match r {
            Ok(Exit::Return(v)) => PendingExit::Return(v),
            Ok(Exit::Yield(v)) => PendingExit::Yield(v),
            Ok(Exit::Switched) => PendingExit::Switched,
            Err(e) => PendingExit::Raise(e.0),
        };
    }
    vm.interp.switch_req = SWITCH_BLOCKED;
}

/// Start the (live, new) current thread: push its bottom frame for a Python function, or run
/// any other callable to completion right here. Some(()) if a frame was pushed.
fn start_frames(vm: &mut Vm) -> Option<()> {
    let cur = vm.interp.cur_thread;
    let (fun, args, kw) = {
        let t = &vm.interp.threads[cur];
        (t.fun, t.args, t.kw)
    };
    let mut target = None;
    let mut selfv = Value::NULL;
    if let Some(fo) = fun.downcast::<FunObj>() {
        target = Some(fo);
    } else if let Some(bm) = fun.downcast::<crate::types::class::BoundMethObj>() {
        if let Some(fo) = bm.meth.downcast::<FunObj>() {
            target = Some(fo);
            selfv = bm.selfv;
        }
    }
    let target = target.filter(|fo| !fo.code.is_generator());
    let r = flatten_args(vm, args, kw);
    let (pos, kwv) = match r {
        Ok(x) => x,
        Err(e) => {
            thread_done(vm, Err(e));
            return None;
        }
    };
    match target {
        Some(fo) => match exec::push_frame(vm, fo, selfv, &pos, &kwv, true, Value::NULL) {
            Ok(()) => Some(()),
            Err(e) => {
                thread_done(vm, Err(e));
                None
            }
        },
        None => {
            // A builtin, class or other callable: run it natively (it cannot be preempted
            // until it returns; it may still block, which pins it here).
            let r = vm.call(fun, &pos, &kwv);
            thread_done(vm, r.map(|_| ()));
            None
        }
    }
}

/// The thread's arguments as a positional slice and keyword pairs (values stay rooted by
/// the thread record).
fn flatten_args(vm: &mut Vm, args: Value, kw: Value) -> PyResult<(Vec<Value>, Vec<Value>)> {
    let mut pos = Vec::new();
    if let Some(t) = crate::types::tuple::tuple_items(args) {
        pos.extend_from_slice(t.items());
    }
    let mut kwv = Vec::new();
    if let Some(d) = kw.downcast::<crate::map::DictObj>() {
        for i in 0..d.map.slots() {
            let (k, v) = d.map.slot(i);
            if !k.is_null() {
                kwv.push(k);
                kwv.push(v);
            }
        }
    }
    let _ = vm;
    Ok((pos, kwv))
}

/// The live thread ended (its bottom frame is gone): report an uncaught exception as
/// MicroPython does, free its state, and ask the dispatch loop to pick another.
pub(crate) fn thread_done(vm: &mut Vm, r: PyResult<()>) {
    let cur = vm.interp.cur_thread;
    if cur == NONE || cur >= vm.interp.threads.len() {
        return;
    }
    if let Err(e) = r {
        if !exec::exc_is(e.0, &exc::SYSTEM_EXIT) {
            let fun = vm.interp.threads[cur].fun;
            let mut out = String::from("Unhandled exception in thread started by ");
            match vm.repr_string(fun) {
                Ok(s) => out.push_str(&s),
                Err(_) => out.push_str("<callable>"),
            }
            out.push('\n');
            if exc::print_exception(vm, e.0, &mut out).is_err() {
                out.push_str("(error while printing the exception)\n");
            }
            vm.write_stdout(&out);
        }
    }
    vm.interp.cur_exception = Value::NULL;
    vm.interp.stop_value = Value::NULL;
    exchange(vm, cur);
    vm.interp.threads.remove(cur);
    vm.interp.cur_thread = NONE;
    vm.interp.switch_req = SWITCH_RAW;
}

/// Is the running native function being called directly by the dispatch loop (so it may
/// return and let the loop switch threads)? Ask first thing, before calling anything.
#[inline]
pub fn called_directly(vm: &Vm) -> bool {
    vm.interp.call_seq == vm.interp.direct_seq
}

/// A blocking operation of the running thread. Returns the operation's result: for a lock,
/// True if it was taken and False on timeout. When `direct` (the blocking native was called
/// directly by the dispatch loop: [`called_directly`] at its start) this returns at once with
/// a placeholder and the loop switches threads; the real result is put in place when the
/// thread resumes.
pub fn block(vm: &mut Vm, wait: Wait, direct: bool) -> PyResult<Value> {
    if vm.interp.threads.len() <= 1 {
        return block_alone(vm, wait);
    }
    if direct {
        vm.interp.direct_seq = vm.interp.call_seq.wrapping_sub(1);
        let cur = vm.interp.cur_thread;
        if let Some(t) = vm.interp.threads.get_mut(cur) {
            t.wait = wait;
            vm.interp.switch_req = SWITCH_BLOCKED;
            return Ok(match wait {
                Wait::Lock(..) => Value::FALSE,
                _ => Value::NONE,
            });
        }
    }
    block_nested(vm, wait)
}

/// Waiting with no other thread: sleep, or (a lock nobody else can release) wait for the
/// timeout or Ctrl-C.
fn block_alone(vm: &mut Vm, wait: Wait) -> PyResult<Value> {
    let kbd = |vm: &mut Vm| -> PyErr {
        let _ = vm.host.take_interrupt();
        vm.new_exception_args(TypeRef::of_static(&exc::KEYBOARD_INTERRUPT), &[])
    };
    match wait {
        Wait::Ready => Ok(Value::NONE),
        Wait::Sleep(d) => {
            let now = vm.host.ticks_us();
            if d > now && vm.host.sleep_us(d - now) {
                return Err(kbd(vm));
            }
            Ok(Value::NONE)
        }
        Wait::Lock(l, d) => loop {
            if crate::modules::thread::lock_try_take(l) {
                return Ok(Value::TRUE);
            }
            let now = vm.host.ticks_us();
            if now >= d {
                return Ok(Value::FALSE);
            }
            if vm.host.sleep_us((d - now).min(MAX_IDLE_US)) {
                return Err(kbd(vm));
            }
        },
    }
}

/// Wait inside native code: run the other threads in a nested dispatch loop until this
/// thread's wait is over.
fn block_nested(vm: &mut Vm, wait: Wait) -> PyResult<Value> {
    let cur = vm.interp.cur_thread;
    let Some(t) = vm.interp.threads.get_mut(cur) else {
        return block_alone(vm, wait);
    };
    t.wait = wait;
    t.wake = Value::NULL;
    if wait != Wait::Ready {
        // (Ready is a yield: give the others a turn, then carry on.)
        let now = vm.host.ticks_us();
        if runnable(&vm.interp.threads[cur], now) {
            consume_wait(vm, cur);
            let w = core::mem::replace(&mut vm.interp.threads[cur].wake, Value::NULL);
            return Ok(if w.is_null() { Value::NONE } else { w });
        }
    }
    exec::check_native_stack(vm)?;
    {
        let t = &mut vm.interp.threads[cur];
        t.exit_at = vm.interp.native_depth + 1;
        t.exit = PendingExit::Switched;
    }
    vm.interp.switch_req = SWITCH_RAW;
    let base = vm.interp.base_depth;
    let r = exec::run_host(vm);
    vm.interp.base_depth = base;
    let me = vm.interp.cur_thread;
    let wake = match vm.interp.threads.get_mut(me) {
        Some(t) => core::mem::replace(&mut t.wake, Value::NULL),
        None => Value::NULL,
    };
    match r {
        Ok(Exit::Switched) => Ok(if wake.is_null() { Value::NONE } else { wake }),
        Ok(_) => Err(vm.runtime_error("thread scheduler state")),
        Err(e) => Err(e),
    }
}

/// `time.sleep*`: sleep `us` microseconds, letting other threads run.
pub fn sleep_us(vm: &mut Vm, us: u64, direct: bool) -> PyResult<()> {
    if !vm.sys.sched.is_null() {
        crate::modules::micropython::run_pending(vm)?;
    }
    if vm.interp.threads.len() <= 1 {
        if vm.host.sleep_us(us) {
            let _ = vm.host.take_interrupt();
            return Err(vm.new_exception_args(TypeRef::of_static(&exc::KEYBOARD_INTERRUPT), &[]));
        }
        return Ok(());
    }
    let wait = if us == 0 {
        Wait::Ready
    } else {
        Wait::Sleep(vm.host.ticks_us().saturating_add(us))
    };
    block(vm, wait, direct).map(|_| ())
}

/// Longest time other threads run between two readiness checks of a waiting I/O call.
const IO_SLICE_US: u64 = 5_000;

/// For natives that wait for I/O by polling in slices (socket reads, `select.poll`): given
/// the slice the caller is about to wait in the port's poll, return the slice to use. With no
/// other thread it is unchanged. Otherwise the first round (`first`) polls without waiting, and
/// later rounds run the other threads for up to the slice (at most a few ms) and then poll
/// without waiting, so a thread waiting for I/O does not stop the others.
pub fn io_wait_slice(vm: &mut Vm, slice_ms: u64, first: bool) -> PyResult<u64> {
    if vm.interp.threads.len() <= 1 || slice_ms == 0 {
        return Ok(slice_ms);
    }
    if !first {
        let us = slice_ms.saturating_mul(1000).min(IO_SLICE_US);
        let deadline = vm.host.ticks_us().saturating_add(us);
        block_nested(vm, Wait::Sleep(deadline))?;
    }
    Ok(0)
}
