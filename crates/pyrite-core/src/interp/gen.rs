//! Generators (and coroutines: `async def` functions are generator functions, `await` is
//! `yield from`, as in MicroPython).
//!
//! A generator object owns its frame state (locals, value stack, exception handlers) in a GC
//! array. Resuming copies that state onto the Vm's value stack as a boundary frame, runs it
//! with [`exec::run`], and on `yield` copies it back.

use alloc::string::String;
use core::cell::Cell;

use crate::interp::code::FunObj;
use crate::interp::exec::{self, Exit, Frame};
use crate::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::types::exception as exc;
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

const ST_SUSPENDED: u8 = 0;
const ST_RUNNING: u8 = 1;
const ST_FINISHED: u8 = 2;

#[repr(C)]
pub struct GenObj {
    pub hdr: ObjHeader,
    pub fun: Gc<FunObj>,
    /// Frame words (state + exception stack), empty once finished.
    pub state: Cell<GcArray<Value>>,
    pub pc: Cell<usize>,
    pub op_pc: Cell<usize>,
    /// Stack top relative to the frame base (0 = nothing pushed: not started).
    pub sp: Cell<usize>,
    pub exc_n: Cell<usize>,
    pub status: Cell<u8>,
    /// Exception set by `pend_throw` to raise at the next resume (None: nothing pending).
    pub pend: Cell<Value>,
}
crate::py_object!(GenObj, GENERATOR_TYPE);

crate::fixed_dict!(
    GEN_LOCALS,
    [
        (Q::send, crate::fnv!(GEN_SEND)),
        (Q::throw, crate::fnv!(GEN_THROW)),
        (Q::close, crate::fnv!(GEN_CLOSE)),
        (Q::pend_throw, crate::fnv!(GEN_PEND_THROW)),
    ]
);

pub static GENERATOR_TYPE: Type = Type {
    print: Some(gen_print),
    getiter: Some(gen_getiter),
    iternext: Some(gen_iternext),
    ..Type::new(Q::generator)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&GEN_LOCALS);

static GEN_SEND: BuiltinFn = BuiltinFn::new(Q::send, 2, 2, gen_send);
static GEN_THROW: BuiltinFn = BuiltinFn::new(Q::throw, 2, 4, gen_throw);
static GEN_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, gen_close);
static GEN_PEND_THROW: BuiltinFn = BuiltinFn::new(Q::pend_throw, 2, 2, gen_pend_throw);

fn gen_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(g) = v.downcast::<GenObj>() {
        out.push_str("<generator object '");
        out.push_str(vm.qstr_str(g.fun.code.name));
        let _ = core::fmt::Write::write_fmt(out, format_args!("' at 0x{:x}>", v.word()));
    }
    Ok(())
}

fn gen_getiter(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

/// Calling a generator function: bind the arguments into a new generator's state.
pub(crate) fn new_generator(
    vm: &mut Vm,
    fo: Gc<FunObj>,
    self_arg: Value,
    args: &[Value],
    kw: Kw,
) -> PyResult<Value> {
    crate::interp::init(vm)?;
    let words = fo.code.frame_words();
    let arr = vm.alloc_array::<Value>(words.max(1))?;
    let g = vm.alloc_obj(GenObj {
        hdr: ObjHeader::new(&GENERATOR_TYPE),
        fun: fo,
        state: Cell::new(arr),
        pc: Cell::new(fo.code.code_offset as usize),
        op_pc: Cell::new(fo.code.code_offset as usize),
        sp: Cell::new(0),
        exc_n: Cell::new(0),
        status: Cell::new(ST_SUSPENDED),
        pend: Cell::new(Value::NONE),
    })?;
    exec::push_frame(vm, fo, self_arg, args, kw, true, Value::NULL)?;
    let base = vm.interp.frames.last().map(|f| f.base).unwrap_or(0);
    let cells = arr.cells();
    vm.interp
        .stack
        .copy_out(base, &cells[..words.min(cells.len())]);
    vm.interp.frames.pop();
    Ok(g.value())
}

/// Result of resuming a generator or iterator.
pub enum Resumed {
    Yield(Value),
    Return(Value),
}

#[cold]
fn already_executing(vm: &mut Vm) -> PyErr {
    vm.value_error("generator already executing")
}

/// Resume generator `g` with `send` (or raise `throw` in it if not NULL).
pub fn gen_resume(vm: &mut Vm, g: Gc<GenObj>, send: Value, throw: Value) -> PyResult<Resumed> {
    match g.status.get() {
        ST_FINISHED => return Ok(Resumed::Return(Value::NONE)),
        ST_RUNNING => return Err(already_executing(vm)),
        _ => {}
    }
    let mut throw = throw;
    let pend = g.pend.get();
    if !pend.is_none() {
        throw = pend;
        g.pend.set(Value::NONE);
    }
    let fo = g.fun;
    let code = fo.code;
    let words = code.frame_words();
    let arr = g.state.get();
    let sp_rel = g.sp.get();
    if sp_rel == 0 {
        if throw.is_null() && !send.is_none() {
            return Err(vm.type_error("can't send non-None value to a just-started generator"));
        }
    } else {
        arr.set(sp_rel - 1, if throw.is_null() { send } else { Value::NONE });
    }
    let base = exec::next_base(vm);
    if base + words > vm.interp.stack.capacity() || vm.interp.frames.len() >= super::MAX_FRAMES {
        return Err(exec::recursion_error(vm));
    }
    let cells = arr.cells();
    let n = words.min(cells.len());
    vm.interp.stack.copy_in(base, &cells[..n]);
    for i in n..words {
        vm.interp.stack.set(base + i, Value::NULL);
    }
    vm.interp.frames.push(Frame {
        fun: fo.value(),
        code,
        globals: fo.globals,
        locals: Value::NULL,
        base,
        pc: g.pc.get(),
        op_pc: g.op_pc.get(),
        sp: base + sp_rel,
        exc_n: g.exc_n.get(),
        boundary: true,
        gen: g.value(),
        depth: 0,
    });
    g.status.set(ST_RUNNING);
    let r = exec::run(vm, throw);
    let fr = vm.interp.frames.last().copied();
    match r {
        Ok(Exit::Yield(v)) => {
            if let Some(fr) = fr {
                let cells = arr.cells();
                vm.interp
                    .stack
                    .copy_out(base, &cells[..words.min(cells.len())]);
                g.pc.set(fr.pc);
                g.op_pc.set(fr.op_pc);
                g.sp.set(fr.sp.saturating_sub(base));
                g.exc_n.set(fr.exc_n);
            }
            vm.interp.frames.pop();
            g.status.set(ST_SUSPENDED);
            Ok(Resumed::Yield(v))
        }
        Ok(Exit::Return(v)) => {
            vm.interp.frames.pop();
            finish(g);
            Ok(Resumed::Return(v))
        }
        Ok(Exit::Switched) => {
            vm.interp.frames.pop();
            finish(g);
            Err(vm.runtime_error("thread scheduler state"))
        }
        Err(e) => {
            vm.interp.frames.pop();
            finish(g);
            if exec::exc_is(e.0, &exc::STOP_ITERATION) {
                return Err(vm.runtime_error("generator raised StopIteration"));
            }
            Err(e)
        }
    }
}

fn finish(g: Gc<GenObj>) {
    g.status.set(ST_FINISHED);
    g.state.set(GcArray::empty());
}

/// The value carried by a StopIteration instance (None if it has no args).
pub(crate) fn stop_iteration_value(e: Value) -> Value {
    if let Some(x) = e.downcast_layout::<exc::ExcObj>() {
        if let Some(t) = crate::types::tuple::tuple_items(x.args.get()) {
            if let Some(&v) = t.items().first() {
                return v;
            }
        }
    }
    Value::NONE
}

/// `yield from` / `await` on any object: generators directly, else `__next__`/`send`/`throw`.
pub(crate) fn resume_any(vm: &mut Vm, it: Value, send: Value, throw: Value) -> PyResult<Resumed> {
    if let Some(g) = it.downcast::<GenObj>() {
        return gen_resume(vm, g, send, throw);
    }
    exec::check_native_stack(vm)?;
    if throw.is_null() {
        if send.is_none() {
            let t = it.type_of();
            // Native iterators: call the slot directly so a StopIteration(value) it raises
            // reaches YIELD_FROM with its value.
            if let (false, Some(next)) = (t.has_flag(flags::USER_CLASS), t.iternext) {
                super::clear_stop_value(vm);
                let r = next(vm, it)?;
                return Ok(if r == Value::STOP || r.is_null() {
                    Resumed::Return(super::take_stop_value(vm))
                } else {
                    Resumed::Yield(r)
                });
            }
            if let Some((m, s)) = load_method_opt(vm, it, Q::__next__)? {
                return Ok(Resumed::Yield(super::call::call_method_slots(
                    vm,
                    m,
                    s,
                    &[],
                )?));
            }
        }
        let (m, s) = vm.load_method(it, Q::send)?;
        return Ok(Resumed::Yield(super::call::call_method_slots(
            vm,
            m,
            s,
            &[send],
        )?));
    }
    if exec::exc_or_class_is(throw, &exc::GENERATOR_EXIT) {
        if let Some((m, s)) = load_method_opt(vm, it, Q::close)? {
            let r = super::call::call_method_slots(vm, m, s, &[])?;
            return Ok(Resumed::Return(r));
        }
    } else if let Some((m, s)) = load_method_opt(vm, it, Q::throw)? {
        return Ok(Resumed::Yield(super::call::call_method_slots(
            vm,
            m,
            s,
            &[throw],
        )?));
    }
    if exec::exc_or_class_is(throw, &exc::STOP_ITERATION) {
        return Err(vm.runtime_error("generator raised StopIteration"));
    }
    Err(exec::make_raise_obj(vm, throw))
}

fn gen_of(vm: &mut Vm, v: Value) -> PyResult<Gc<GenObj>> {
    match v.downcast::<GenObj>() {
        Some(g) => Ok(g),
        None => Err(vm.type_error("expected a generator")),
    }
}

fn gen_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let g = gen_of(vm, v)?;
    match gen_resume(vm, g, Value::NONE, Value::NULL)? {
        Resumed::Yield(v) => Ok(v),
        // A return value travels in StopIteration (for next() and yield from); plain
        // exhaustion is the cheap STOP marker.
        Resumed::Return(v) if v.is_none() => Ok(Value::STOP),
        Resumed::Return(v) => Err(vm.stop_iteration(v)),
    }
}

fn resume_and_raise(vm: &mut Vm, g: Gc<GenObj>, send: Value, throw: Value) -> PyResult<Value> {
    match gen_resume(vm, g, send, throw)? {
        Resumed::Yield(v) => Ok(v),
        Resumed::Return(v) => Err(vm.stop_iteration(v)),
    }
}

fn gen_send(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let g = gen_of(vm, args[0])?;
    resume_and_raise(vm, g, args[1], Value::NULL)
}

fn gen_throw(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let g = gen_of(vm, args[0])?;
    let mut e = args[1];
    if args.len() > 2 && !args[2].is_none() {
        e = args[2];
    }
    resume_and_raise(vm, g, Value::NONE, e)
}

fn gen_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let g = gen_of(vm, args[0])?;
    let ge = TypeRef::of_static(&exc::GENERATOR_EXIT).value();
    match gen_resume(vm, g, Value::NONE, ge) {
        Ok(Resumed::Yield(_)) => Err(vm.runtime_error("generator ignored GeneratorExit")),
        Ok(Resumed::Return(_)) => Ok(Value::NONE),
        Err(e) => {
            if exec::exc_or_class_is(e.0, &exc::GENERATOR_EXIT) {
                Ok(Value::NONE)
            } else {
                Err(e)
            }
        }
    }
}

fn gen_pend_throw(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let g = gen_of(vm, args[0])?;
    if g.status.get() == ST_RUNNING {
        return Err(already_executing(vm));
    }
    let prev = g.pend.get();
    g.pend.set(args[1]);
    Ok(prev)
}

/// `obj.name` as (method, self) slots, or None if there is no such attribute.
fn load_method_opt(
    vm: &mut Vm,
    obj: Value,
    name: crate::qstr::Qstr,
) -> PyResult<Option<(Value, Value)>> {
    match vm.load_method(obj, name) {
        Ok(p) => Ok(Some(p)),
        Err(e) if exec::exc_is(e.0, &exc::ATTRIBUTE_ERROR) => Ok(None),
        Err(e) => Err(e),
    }
}
