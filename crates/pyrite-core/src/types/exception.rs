//! Exceptions: the builtin hierarchy (as MicroPython's), the exception object layout,
//! construction, matching, attributes, tracebacks and printing.
//!
//! Every exception instance, of a builtin class or of a user subclass, has the [`ExcObj`]
//! layout (user subclasses use its `dict` for their attributes), so the VM can treat anything
//! it raises as an `ExcObj`. For an instance of a user subclass, `args` is NULL until the
//! native part is made (by `super().__init__(...)`, `BaseException.__init__`, or after the
//! class's `__init__` returns); readers treat NULL as `()`.
//!
//! Contract for the VM: [`make_raise_obj`] (what `raise x` raises), [`exception_match`] (for
//! `except`), [`traceback_add`] (as an exception passes through a frame), [`print_exception`]
//! (uncaught exceptions and `sys.print_exception`), [`is_exception`], [`is_stop_iteration`],
//! [`exception_value`] (StopIteration's value). [`BUILTIN_EXCEPTIONS`] lists the classes the
//! builtins module exposes.

use super::arg;
use alloc::string::String;
use core::cell::Cell;
use core::fmt::Write;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, AttrAction, BuiltinFn, Kw, PrintKind, Type, VAR_ARGS};
use crate::qstr::{Qstr, Q};
use crate::types::tuple::{new_tuple, tuple_items};
use crate::value::{ObjHeader, ObjLayout, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

/// Every exception instance (of builtin or user exception classes) has this layout.
#[repr(C)]
pub struct ExcObj {
    pub hdr: ObjHeader,
    /// The args tuple (NULL: not made yet, reads as `()`).
    pub args: Cell<Value>,
    /// Traceback entries: NULL, or a list of flat (file qstr, line small int, function qstr)
    /// triples, innermost first.
    pub traceback: Cell<Value>,
    /// Instance attribute dict for user subclasses (NULL until needed).
    pub dict: Cell<Value>,
}

// SAFETY: ExcObj is #[repr(C)] with the header first and needs no Drop; has_layout accepts
// exactly exception classes, whose instances are all made by `new_exception` or
// `class::new_blank_instance` with this layout.
unsafe impl ObjLayout for ExcObj {
    fn has_layout(t: TypeRef) -> bool {
        t.has_flag(flags::EXCEPTION)
    }
}

const EXC_FLAGS: u32 = flags::EXCEPTION | flags::BASETYPE | flags::EQ_IS_IDENTITY;

macro_rules! exc_type {
    ($name:ident, $q:expr, $base:expr) => {
        pub static $name: Type = Type {
            make_new: Some(exc_make_new),
            print: Some(exc_print),
            attr: Some(exc_attr),
            ..Type::new($q)
        }
        .with_base(&$base)
        .with_flags(EXC_FLAGS)
        .with_locals(&EXC_LOCALS);
    };
}

pub static BASE_EXCEPTION: Type = Type {
    make_new: Some(exc_make_new),
    print: Some(exc_print),
    attr: Some(exc_attr),
    ..Type::new(Q::BaseException)
}
.with_base(&crate::types::class::OBJECT_TYPE)
.with_flags(EXC_FLAGS)
.with_locals(&EXC_LOCALS);

crate::fixed_dict!(EXC_LOCALS, [(Q::__init__, crate::fnv!(EXC_INIT))]);

static EXC_INIT: BuiltinFn = BuiltinFn::new_kw(Q::__init__, 1, VAR_ARGS, exc_init);

exc_type!(SYSTEM_EXIT, Q::SystemExit, BASE_EXCEPTION);
exc_type!(KEYBOARD_INTERRUPT, Q::KeyboardInterrupt, BASE_EXCEPTION);
exc_type!(GENERATOR_EXIT, Q::GeneratorExit, BASE_EXCEPTION);
exc_type!(EXCEPTION, Q::Exception, BASE_EXCEPTION);
exc_type!(STOP_ITERATION, Q::StopIteration, EXCEPTION);
exc_type!(STOP_ASYNC_ITERATION, Q::StopAsyncIteration, EXCEPTION);
exc_type!(ARITHMETIC_ERROR, Q::ArithmeticError, EXCEPTION);
exc_type!(OVERFLOW_ERROR, Q::OverflowError, ARITHMETIC_ERROR);
exc_type!(ZERO_DIVISION_ERROR, Q::ZeroDivisionError, ARITHMETIC_ERROR);
exc_type!(ASSERTION_ERROR, Q::AssertionError, EXCEPTION);
exc_type!(ATTRIBUTE_ERROR, Q::AttributeError, EXCEPTION);
exc_type!(EOF_ERROR, Q::EOFError, EXCEPTION);
exc_type!(IMPORT_ERROR, Q::ImportError, EXCEPTION);
exc_type!(LOOKUP_ERROR, Q::LookupError, EXCEPTION);
exc_type!(INDEX_ERROR, Q::IndexError, LOOKUP_ERROR);
exc_type!(KEY_ERROR, Q::KeyError, LOOKUP_ERROR);
exc_type!(MEMORY_ERROR, Q::MemoryError, EXCEPTION);
exc_type!(NAME_ERROR, Q::NameError, EXCEPTION);
exc_type!(OS_ERROR, Q::OSError, EXCEPTION);
// Not in MicroPython's builtins (it raises OSError(ETIMEDOUT)); kept for ports that want it.
exc_type!(TIMEOUT_ERROR, Q::TimeoutError, OS_ERROR);
exc_type!(RUNTIME_ERROR, Q::RuntimeError, EXCEPTION);
exc_type!(NOT_IMPLEMENTED_ERROR, Q::NotImplementedError, RUNTIME_ERROR);
exc_type!(SYNTAX_ERROR, Q::SyntaxError, EXCEPTION);
exc_type!(INDENTATION_ERROR, Q::IndentationError, SYNTAX_ERROR);
exc_type!(TYPE_ERROR, Q::TypeError, EXCEPTION);
exc_type!(VALUE_ERROR, Q::ValueError, EXCEPTION);
exc_type!(VIPER_TYPE_ERROR, Q::ViperTypeError, TYPE_ERROR);
exc_type!(UNICODE_ERROR, Q::UnicodeError, VALUE_ERROR);

/// The exception classes in MicroPython's builtins module (unix port), in its order.
pub static BUILTIN_EXCEPTIONS: &[&Type] = &[
    &BASE_EXCEPTION,
    &ARITHMETIC_ERROR,
    &ASSERTION_ERROR,
    &ATTRIBUTE_ERROR,
    &EOF_ERROR,
    &EXCEPTION,
    &GENERATOR_EXIT,
    &IMPORT_ERROR,
    &INDENTATION_ERROR,
    &INDEX_ERROR,
    &KEYBOARD_INTERRUPT,
    &KEY_ERROR,
    &LOOKUP_ERROR,
    &MEMORY_ERROR,
    &NAME_ERROR,
    &NOT_IMPLEMENTED_ERROR,
    &OS_ERROR,
    &OVERFLOW_ERROR,
    &RUNTIME_ERROR,
    &STOP_ASYNC_ITERATION,
    &STOP_ITERATION,
    &SYNTAX_ERROR,
    &SYSTEM_EXIT,
    &TYPE_ERROR,
    &UNICODE_ERROR,
    &VALUE_ERROR,
    &VIPER_TYPE_ERROR,
    &ZERO_DIVISION_ERROR,
];

/// Make an exception instance of `ty` with `args`. When the heap is full or locked, a builtin
/// exception class still gets an instance: the emergency exception (with no args), as
/// MicroPython does, so code running with the heap locked can raise and catch.
pub fn new_exception(vm: &mut Vm, ty: TypeRef, args: &[Value]) -> PyResult<Value> {
    if vm.heap.lock_depth > 0 && args.len() <= EMERGENCY_ARGS {
        // MicroPython's emergency exception buffer: exceptions (with a few args) can be made
        // while the heap is locked; larger ones get no args.
        return with_heap_unlocked(vm, |vm| new_exception_inner(vm, ty, args));
    }
    new_exception_inner(vm, ty, args)
}

/// Most args an exception made while the heap is locked keeps (MicroPython's emergency
/// buffer is small), and most traceback entries it can gain then.
const EMERGENCY_ARGS: usize = 4;
const EMERGENCY_TB_ENTRIES: usize = 8;

/// Run `f` with `micropython.heap_lock()` lifted: what MicroPython's emergency exception
/// buffer allows (making exceptions, their messages and tracebacks while the heap is locked).
/// A really full heap still fails.
pub fn with_heap_unlocked<R>(vm: &mut Vm, f: impl FnOnce(&mut Vm) -> R) -> R {
    let depth = vm.heap.lock_depth;
    vm.heap.lock_depth = 0;
    let r = f(vm);
    vm.heap.lock_depth = depth;
    r
}

fn new_exception_inner(vm: &mut Vm, ty: TypeRef, args: &[Value]) -> PyResult<Value> {
    let made = match new_tuple(vm, args) {
        Ok(args) => vm.alloc_layout(ExcObj {
            hdr: ObjHeader::with_type(ty),
            args: Cell::new(args),
            traceback: Cell::new(Value::NULL),
            dict: Cell::new(Value::NULL),
        }),
        Err(e) => Err(e),
    };
    match made {
        Ok(e) => Ok(e.value()),
        Err(err) => emergency_exception(vm, ty).ok_or(err),
    }
}

/// The preallocated emergency exception, retyped to `ty` with empty args (None for user
/// classes, or before start-up made it).
fn emergency_exception(vm: &mut Vm, ty: TypeRef) -> Option<Value> {
    if ty.has_flag(flags::USER_CLASS) || !ty.has_flag(flags::EXCEPTION) {
        return None;
    }
    let me = vm.memory_error;
    if ty.is(&MEMORY_ERROR) && !me.is_null() {
        return Some(me);
    }
    let m = me.downcast_layout::<ExcObj>()?;
    let em = m.dict.get();
    let e = em.downcast_layout::<ExcObj>()?;
    e.hdr.ty.set(ty);
    e.args.set(m.args.get());
    e.traceback.set(Value::NULL);
    Some(em)
}

/// Make an exception with one str message; returns the exception to raise (or the MemoryError
/// raised while making it).
pub fn new_exception_msg(vm: &mut Vm, ty: TypeRef, msg: &str) -> Result<PyErr, PyErr> {
    if vm.heap.lock_depth > 0 {
        return with_heap_unlocked(vm, |vm| new_exception_msg(vm, ty, msg));
    }
    match crate::types::str::new_str(vm, msg) {
        Ok(s) => Ok(PyErr(new_exception(vm, ty, &[s])?)),
        // No memory for the message: the exception without it (possibly the emergency one).
        Err(_) => Ok(PyErr(new_exception(vm, ty, &[])?)),
    }
}

/// The preallocated MemoryError (made at start-up, before any other allocation can fail).
/// It also holds (in its unused `dict` field) the emergency exception used when an exception
/// must be made with the heap full or locked.
pub fn new_exception_noalloc_slot(vm: &mut Vm) -> PyResult<Value> {
    let me = new_exception(vm, TypeRef::of_static(&MEMORY_ERROR), &[])?;
    let args = new_tuple(vm, &[])?;
    let em = vm.alloc_layout(ExcObj {
        hdr: ObjHeader::new(&EXCEPTION),
        args: Cell::new(args),
        traceback: Cell::new(Value::NULL),
        dict: Cell::new(Value::NULL),
    })?;
    if let Some(m) = me.downcast_layout::<ExcObj>() {
        m.dict.set(em.value());
    }
    Ok(me)
}

/// True if `v` is an exception instance.
pub fn is_exception(v: Value) -> bool {
    v.downcast_layout::<ExcObj>().is_some()
}

/// True if `v` is an exception class (BaseException or a subclass).
pub fn is_exception_class(v: Value) -> bool {
    TypeRef::from_value(v)
        .map(|t| t.has_flag(flags::EXCEPTION))
        .unwrap_or(false)
}

/// True if `v` is a StopIteration instance (or of a subclass).
pub fn is_stop_iteration(v: Value) -> bool {
    is_exception(v)
        && crate::types::class::is_subclass(v.type_of(), TypeRef::of_static(&STOP_ITERATION))
}

/// The exception's args tuple (`()` if it has none yet).
pub fn exception_args(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(e) = v.downcast_layout::<ExcObj>() else {
        return new_tuple(vm, &[]);
    };
    let a = e.args.get();
    if a.is_null() {
        let t = new_tuple(vm, &[])?;
        e.args.set(t);
        return Ok(t);
    }
    Ok(a)
}

/// `arg(args, 0)` or None: StopIteration's `value`, OSError's `errno`.
pub fn exception_value(v: Value) -> Value {
    let Some(e) = v.downcast_layout::<ExcObj>() else {
        return Value::NONE;
    };
    match tuple_items(e.args.get()) {
        Some(t) if !t.is_empty() => t.items()[0],
        _ => Value::NONE,
    }
}

/// What `raise x` raises: an exception instance as is, an exception class instantiated with no
/// arguments, anything else a TypeError.
pub fn make_raise_obj(vm: &mut Vm, x: Value) -> PyErr {
    if is_exception(x) {
        return PyErr(x);
    }
    if is_exception_class(x) {
        return match vm.call(x, &[], &[]) {
            Ok(e) if is_exception(e) => PyErr(e),
            Ok(_) => vm.type_error("exceptions must derive from BaseException"),
            Err(e) => e,
        };
    }
    vm.type_error("exceptions must derive from BaseException")
}

/// `isinstance(exc, cls)` for `except cls:` (cls may be a tuple of classes).
pub fn exception_match(vm: &mut Vm, exc: Value, cls: Value) -> PyResult<bool> {
    let et = match TypeRef::from_value(exc) {
        Some(t) => t,
        None => exc.type_of(),
    };
    if let Some(c) = TypeRef::from_value(cls) {
        if !c.has_flag(flags::EXCEPTION) {
            return Err(not_exception_class(vm));
        }
        return Ok(vm.is_subclass(et, c));
    }
    if let Some(t) = tuple_items(cls) {
        for i in 0..t.len() {
            if exception_match(vm, exc, t.items()[i])? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    Err(not_exception_class(vm))
}

#[cold]
fn not_exception_class(vm: &mut Vm) -> PyErr {
    vm.type_error("catching classes that do not inherit from BaseException is not allowed")
}

fn exc_make_new(vm: &mut Vm, ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    new_exception(vm, ty, args)
}

/// `BaseException.__init__(self, *args)`: sets args.
fn exc_init(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let selfv = arg(args, 0);
    if let Some(e) = selfv.downcast_layout::<ExcObj>() {
        let t = new_tuple(vm, &args[1..])?;
        e.args.set(t);
    }
    Ok(Value::NONE)
}

/// errno names MicroPython prints for OSError (`[Errno 2] ENOENT`).
fn errno_name(n: isize) -> Option<&'static str> {
    Some(match n {
        1 => "EPERM",
        2 => "ENOENT",
        3 => "ESRCH",
        4 => "EINTR",
        5 => "EIO",
        6 => "ENXIO",
        7 => "E2BIG",
        8 => "ENOEXEC",
        9 => "EBADF",
        10 => "ECHILD",
        11 => "EAGAIN",
        12 => "ENOMEM",
        13 => "EACCES",
        14 => "EFAULT",
        15 => "ENOTBLK",
        16 => "EBUSY",
        17 => "EEXIST",
        18 => "EXDEV",
        19 => "ENODEV",
        20 => "ENOTDIR",
        21 => "EISDIR",
        22 => "EINVAL",
        23 => "ENFILE",
        24 => "EMFILE",
        25 => "ENOTTY",
        26 => "ETXTBSY",
        27 => "EFBIG",
        28 => "ENOSPC",
        29 => "ESPIPE",
        30 => "EROFS",
        31 => "EMLINK",
        32 => "EPIPE",
        33 => "EDOM",
        34 => "ERANGE",
        95 => "EOPNOTSUPP",
        97 => "EAFNOSUPPORT",
        98 => "EADDRINUSE",
        103 => "ECONNABORTED",
        104 => "ECONNRESET",
        105 => "ENOBUFS",
        106 => "EISCONN",
        107 => "ENOTCONN",
        110 => "ETIMEDOUT",
        111 => "ECONNREFUSED",
        113 => "EHOSTUNREACH",
        114 => "EALREADY",
        115 => "EINPROGRESS",
        _ => return None,
    })
}

/// The `print` slot of exception classes. For user subclasses it is reached through the
/// instance print slot when the class defines no `__repr__`/`__str__`.
pub fn exc_print(vm: &mut Vm, v: Value, kind: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(e) = v.downcast_layout::<ExcObj>() else {
        return Ok(());
    };
    let args = e.args.get();
    let items = tuple_items(args);
    let n = items.map(|t| t.len()).unwrap_or(0);
    if kind == PrintKind::Str {
        if n == 0 {
            return Ok(());
        }
        let Some(t) = items else {
            return Ok(());
        };
        if v.type_of().is(&OS_ERROR) && n < 3 {
            if let Some(en) = t.items()[0].as_small_int() {
                if let Some(name) = errno_name(en) {
                    let _ = write!(out, "[Errno {}] {}", en, name);
                    if n > 1 {
                        push_str(out, ": ");
                        let x = t.items()[1];
                        vm.print_to(x, PrintKind::Str, out)?;
                    }
                    return Ok(());
                }
            }
        }
        if n == 1 {
            let x = t.items()[0];
            return vm.print_to(x, PrintKind::Str, out);
        }
        return vm.print_to(args, PrintKind::Repr, out);
    }
    push_str(out, vm.qstr_str(v.type_of().name));
    if n == 0 {
        push_str(out, "()");
        return Ok(());
    }
    // MicroPython prints the args tuple as is: `ValueError('x',)`.
    vm.print_to(args, PrintKind::Repr, out)
}

/// The `attr` slot of exception classes: `args`, `value` and `errno` (aliases of arg(args, 0), as in
/// MicroPython), `strerror` (OSError), `code` (SystemExit); `exc.__traceback__ = None` clears
/// the traceback.
pub fn exc_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(e) = v.downcast_layout::<ExcObj>() else {
        return Ok(None);
    };
    match action {
        AttrAction::Load => {}
        AttrAction::Store(x) => {
            if name == Q::__traceback__ && x.is_none() {
                // Keep the storage so raising the same instance again (e.g. with the heap
                // locked) can record its traceback without allocating.
                match crate::types::list::list_obj(e.traceback.get()) {
                    Some(l) => l.len.set(0),
                    None => e.traceback.set(Value::NULL),
                }
                return Ok(Some(Value::NONE));
            }
            return Ok(None);
        }
        AttrAction::Delete => return Ok(None),
    }
    let t = v.type_of();
    match name {
        Q::args => Ok(Some(exception_args(vm, v)?)),
        Q::value | Q::errno => Ok(Some(exception_value(v))),
        Q::code if crate::types::class::is_subclass(t, TypeRef::of_static(&SYSTEM_EXIT)) => {
            Ok(Some(exception_value(v)))
        }
        Q::strerror if crate::types::class::is_subclass(t, TypeRef::of_static(&OS_ERROR)) => {
            match tuple_items(e.args.get()) {
                Some(a) if a.len() >= 2 => Ok(Some(a.items()[1])),
                _ => Ok(Some(Value::NONE)),
            }
        }
        _ => Ok(None),
    }
}

/// Append a traceback entry (called by the VM as an exception passes through a frame).
/// Must not raise: if memory is short, the entry is dropped.
pub fn traceback_add(vm: &mut Vm, exc: Value, file: Qstr, line: usize, block: Qstr) {
    if vm.heap.lock_depth > 0 {
        let n = exc
            .downcast_layout::<ExcObj>()
            .and_then(|e| crate::types::list::list_obj(e.traceback.get()))
            .map(|l| l.len())
            .unwrap_or(0);
        if n < 3 * EMERGENCY_TB_ENTRIES {
            return with_heap_unlocked(vm, |vm| traceback_add(vm, exc, file, line, block));
        }
        return;
    }
    let Some(e) = exc.downcast_layout::<ExcObj>() else {
        return;
    };
    if exc == vm.memory_error {
        // The preallocated MemoryError is shared; don't grow it.
        return;
    }
    let mut tb = e.traceback.get();
    if tb.is_null() {
        match crate::types::list::new_list(vm, &[]) {
            Ok(l) => {
                e.traceback.set(l);
                tb = l;
            }
            Err(_) => return,
        }
    }
    let line = Value::small_int(line.min(crate::value::SMALL_INT_MAX as usize) as isize)
        .unwrap_or(Value::small_int_unchecked(0));
    for x in [Value::qstr(file), line, Value::qstr(block)] {
        if crate::types::list::list_append(vm, tb, x).is_err() {
            return;
        }
    }
}

/// Forget an exception's traceback (e.g. before raising a preallocated instance again).
pub fn traceback_clear(exc: Value) {
    if let Some(e) = exc.downcast_layout::<ExcObj>() {
        e.traceback.set(Value::NULL);
    }
}

/// The traceback entries of an exception as (file, line, block), innermost first.
pub fn traceback_entries(exc: Value) -> alloc::vec::Vec<(Qstr, usize, Qstr)> {
    let mut v = alloc::vec::Vec::new();
    let Some(e) = exc.downcast_layout::<ExcObj>() else {
        return v;
    };
    let Some(l) = crate::types::list::list_obj(e.traceback.get()) else {
        return v;
    };
    let n = l.len() / 3;
    for i in 0..n {
        let (Some(f), Some(ln), Some(b)) = (l.get(3 * i), l.get(3 * i + 1), l.get(3 * i + 2))
        else {
            break;
        };
        let (Some(f), Some(ln), Some(b)) = (f.as_qstr(), ln.as_small_int(), b.as_qstr()) else {
            continue;
        };
        v.push((f, ln.max(0) as usize, b));
    }
    v
}

/// Append the full uncaught-exception report, as MicroPython prints it:
/// `Traceback (most recent call last):\n  File "x.py", line 3, in f\nValueError: msg\n`.
pub fn print_exception(vm: &mut Vm, exc: Value, out: &mut String) -> PyResult<()> {
    if is_exception(exc) {
        let tb = traceback_entries(exc);
        if !tb.is_empty() {
            push_str(out, "Traceback (most recent call last):\n");
            for &(f, line, block) in tb.iter().rev() {
                let _ = write!(out, "  File \"{}\", line {}", vm.qstr_str(f), line);
                if block == Q::EMPTY {
                    push_char(out, '\n');
                } else {
                    let _ = writeln!(out, ", in {}", vm.qstr_str(block));
                }
            }
        }
        // A user class's own __repr__ replaces the whole "Name: message" line (MicroPython
        // prints exceptions with the repr lookup); otherwise the class name and str(args).
        let t = exc.type_of();
        if t.has_flag(flags::USER_CLASS) {
            if let crate::types::class::Found::Member(..) = crate::types::class::class_lookup(
                vm,
                t,
                Q::__repr__,
                crate::types::class::Slot::Print,
            ) {
                vm.print_to(exc, PrintKind::Repr, out)?;
                push_char(out, '\n');
                return Ok(());
            }
        }
        push_str(out, vm.qstr_str(t.name));
        push_str(out, ": ");
        exc_print(vm, exc, PrintKind::Str, out)?;
        push_char(out, '\n');
        return Ok(());
    }
    vm.print_to(exc, PrintKind::Repr, out)?;
    push_char(out, '\n');
    Ok(())
}
