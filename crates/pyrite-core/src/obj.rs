//! The object model: type objects and their slots, builtin functions, the small immediate types.
//!
//! Every type, builtin or user-defined, is a [`Type`]. Builtin types are `static`s whose slots
//! point at Rust functions; a user class is a `Type` in the GC heap whose slots point at the
//! generic instance functions (which look up `__add__`, `__getitem__`... in the class dict).
//! Generic operations (`Vm::binary_op`, `Vm::call`, `Vm::load_attr`...) in runtime.rs dispatch
//! through these slots.

use core::cell::Cell;

use alloc::string::String;

use crate::qstr::{Qstr, Q};
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

/// repr() or str() flavour for the `print` slot.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PrintKind {
    Repr,
    Str,
}

/// Unary operations; numbering as MicroPython's (the first four appear in bytecode).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u8)]
pub enum UnaryOp {
    Positive = 0,
    Negative,
    Invert,
    Not,
    /// `__bool__`: return True/False, or NULL if not supported.
    Bool,
    /// `__len__`: small int, or NULL.
    Len,
    /// `__hash__`: small int.
    Hash,
    Abs,
    IntMaybe,
    FloatMaybe,
    ComplexMaybe,
    Sizeof,
}

impl UnaryOp {
    pub fn from_u8(b: u8) -> Option<UnaryOp> {
        use UnaryOp::*;
        Some(match b {
            0 => Positive,
            1 => Negative,
            2 => Invert,
            3 => Not,
            4 => Bool,
            5 => Len,
            6 => Hash,
            7 => Abs,
            8 => IntMaybe,
            9 => FloatMaybe,
            10 => ComplexMaybe,
            11 => Sizeof,
            _ => return None,
        })
    }
}

/// Binary operations; numbering as MicroPython's (0..=34 appear in bytecode).
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
#[repr(u8)]
pub enum BinOp {
    Less = 0,
    More,
    Equal,
    LessEqual,
    MoreEqual,
    NotEqual,
    In,
    Is,
    ExceptionMatch,
    InplaceOr,
    InplaceXor,
    InplaceAnd,
    InplaceLshift,
    InplaceRshift,
    InplaceAdd,
    InplaceSubtract,
    InplaceMultiply,
    InplaceMatMultiply,
    InplaceFloorDivide,
    InplaceTrueDivide,
    InplaceModulo,
    InplacePower,
    Or,
    Xor,
    And,
    Lshift,
    Rshift,
    Add,
    Subtract,
    Multiply,
    MatMultiply,
    FloorDivide,
    TrueDivide,
    Modulo,
    Power,
    DivMod,
    /// `a.__contains__(b)`: the runtime turns `b in a` into this with swapped operands.
    Contains,
    ReverseOr,
    ReverseXor,
    ReverseAnd,
    ReverseLshift,
    ReverseRshift,
    ReverseAdd,
    ReverseSubtract,
    ReverseMultiply,
    ReverseMatMultiply,
    ReverseFloorDivide,
    ReverseTrueDivide,
    ReverseModulo,
    ReversePower,
}

impl BinOp {
    /// Number of binary ops that may appear in bytecode.
    pub const NUM_BYTECODE: u8 = BinOp::Power as u8 + 1;

    pub fn from_u8(b: u8) -> Option<BinOp> {
        if b <= BinOp::ReversePower as u8 {
            // SAFETY: BinOp is repr(u8) with contiguous discriminants 0..=ReversePower, and b is in range.
            Some(unsafe { core::mem::transmute::<u8, BinOp>(b) })
        } else {
            None
        }
    }
    /// `a += b` -> `a + b`.
    pub fn non_inplace(self) -> BinOp {
        if self >= BinOp::InplaceOr && self <= BinOp::InplacePower {
            BinOp::from_u8(self as u8 - BinOp::InplaceOr as u8 + BinOp::Or as u8).unwrap_or(self)
        } else {
            self
        }
    }
    /// `a + b` -> reflected `b.__radd__(a)` op, if the op has one.
    pub fn reversed(self) -> Option<BinOp> {
        if self >= BinOp::Or && self <= BinOp::Power {
            BinOp::from_u8(self as u8 - BinOp::Or as u8 + BinOp::ReverseOr as u8)
        } else {
            None
        }
    }
    pub fn is_inplace(self) -> bool {
        self >= BinOp::InplaceOr && self <= BinOp::InplacePower
    }
    /// The special method implementing this op (`__add__`, `__radd__`, `__iadd__`, `__lt__`...).
    pub fn method_name(self) -> Qstr {
        use BinOp::*;
        match self {
            Less => Q::__lt__,
            More => Q::__gt__,
            Equal => Q::__eq__,
            LessEqual => Q::__le__,
            MoreEqual => Q::__ge__,
            NotEqual => Q::__ne__,
            In | Contains => Q::__contains__,
            Is | ExceptionMatch => Q::EMPTY,
            InplaceOr => Q::__ior__,
            InplaceXor => Q::__ixor__,
            InplaceAnd => Q::__iand__,
            InplaceLshift => Q::__ilshift__,
            InplaceRshift => Q::__irshift__,
            InplaceAdd => Q::__iadd__,
            InplaceSubtract => Q::__isub__,
            InplaceMultiply => Q::__imul__,
            InplaceMatMultiply => Q::__imatmul__,
            InplaceFloorDivide => Q::__ifloordiv__,
            InplaceTrueDivide => Q::__itruediv__,
            InplaceModulo => Q::__imod__,
            InplacePower => Q::__ipow__,
            Or => Q::__or__,
            Xor => Q::__xor__,
            And => Q::__and__,
            Lshift => Q::__lshift__,
            Rshift => Q::__rshift__,
            Add => Q::__add__,
            Subtract => Q::__sub__,
            Multiply => Q::__mul__,
            MatMultiply => Q::__matmul__,
            FloorDivide => Q::__floordiv__,
            TrueDivide => Q::__truediv__,
            Modulo => Q::__mod__,
            Power => Q::__pow__,
            DivMod => Q::__divmod__,
            ReverseOr => Q::__ror__,
            ReverseXor => Q::__rxor__,
            ReverseAnd => Q::__rand__,
            ReverseLshift => Q::__rlshift__,
            ReverseRshift => Q::__rrshift__,
            ReverseAdd => Q::__radd__,
            ReverseSubtract => Q::__rsub__,
            ReverseMultiply => Q::__rmul__,
            ReverseMatMultiply => Q::__rmatmul__,
            ReverseFloorDivide => Q::__rfloordiv__,
            ReverseTrueDivide => Q::__rtruediv__,
            ReverseModulo => Q::__rmod__,
            ReversePower => Q::__rpow__,
        }
    }
    /// The operator as MicroPython's error messages show it (e.g. "unsupported types for __add__").
    pub fn op_name(self) -> Qstr {
        self.non_inplace().method_name()
    }
}

/// Keyword arguments of a call: `[key0, value0, key1, value1, ...]`, keys are str values (qstrs).
pub type Kw<'a> = &'a [Value];

/// `Type::make_new`: construct an instance (`T(args...)`). `ty` is the type called (may be a
/// subclass when reached through `super().__new__`-style paths).
pub type MakeNewFn = fn(vm: &mut Vm, ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value>;
/// `Type::print`: append the object's repr/str to `out`.
pub type PrintFn = fn(vm: &mut Vm, obj: Value, kind: PrintKind, out: &mut String) -> PyResult<()>;
/// `Type::call`: call the object.
pub type CallFn = fn(vm: &mut Vm, obj: Value, args: &[Value], kw: Kw) -> PyResult<Value>;
/// `Type::unary_op`: return NULL if the op is not supported (the runtime raises TypeError).
pub type UnaryOpFn = fn(vm: &mut Vm, op: UnaryOp, obj: Value) -> PyResult<Value>;
/// `Type::binary_op`: `lhs` has this type. Return NULL (or NotImplemented) if not supported.
pub type BinaryOpFn = fn(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value>;
/// `Type::attr`: load (`store` = None and not delete), store or delete an attribute.
/// For a load, return Ok(Some(value)), or Ok(None) to fall back to the type's dict (methods).
/// For a store/delete, return Ok(Some(_)) when done, Ok(None) if the object has no such
/// settable attribute (the runtime raises AttributeError).
pub type AttrFn =
    fn(vm: &mut Vm, obj: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>>;
/// `Type::subscr`: `value` is NULL for delete, SENTINEL for load, otherwise store. Returns the
/// loaded value (or None after store/delete).
pub type SubscrFn = fn(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value>;
/// `Type::getiter`: return an iterator for the object.
pub type GetIterFn = fn(vm: &mut Vm, obj: Value) -> PyResult<Value>;
/// `Type::iternext`: return the next item, or `Value::STOP` when exhausted.
pub type IterNextFn = fn(vm: &mut Vm, obj: Value) -> PyResult<Value>;
/// `Type::buffer`: expose the object's bytes (read-only view copied or borrowed by the caller).
pub type BufferFn = fn(vm: &mut Vm, obj: Value, flags: BufferFlags) -> PyResult<Option<BufferInfo>>;
/// `Type::finalise`: called when the GC frees an object allocated with a finaliser.
pub type FinaliseFn = fn(vm: &mut Vm, obj: Value);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AttrAction {
    Load,
    Store(Value),
    Delete,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BufferFlags {
    Read,
    Write,
}

/// A raw view of an object's bytes. Valid only until the next allocation or mutation of the
/// object; take what you need at once.
#[derive(Clone, Copy, Debug)]
pub struct BufferInfo {
    pub ptr: *mut u8,
    pub len: usize,
    /// struct-module typecode of the items ('B' for bytes).
    pub typecode: u8,
}

/// Read an object's bytes through its `buffer` slot. Returns None if the type has no buffer
/// protocol. `f` gets no `Vm`, so it cannot allocate or run Python code while it holds the
/// slice; it must not mutate the object through handles it captured.
pub fn with_buffer_read<R>(
    vm: &mut Vm,
    obj: Value,
    f: impl FnOnce(&[u8]) -> R,
) -> PyResult<Option<R>> {
    let Some(b) = obj.type_of().buffer else {
        return Ok(None);
    };
    let Some(info) = b(vm, obj, BufferFlags::Read)? else {
        return Ok(None);
    };
    if info.len == 0 || info.ptr.is_null() {
        return Ok(Some(f(&[])));
    }
    // SAFETY: a buffer slot returns a pointer to `len` initialised bytes owned by `obj` (or a
    // static). `obj` is alive (the caller holds it on the native stack), and nothing can
    // allocate, resize or (by the contract above) write the object while `f` runs.
    let s = unsafe { core::slice::from_raw_parts(info.ptr as *const u8, info.len) };
    Ok(Some(f(s)))
}

/// Write an object's bytes through its `buffer` slot (None if it has none or is read-only).
/// As for [`with_buffer_read`], `f` cannot allocate while it holds the cells.
pub fn with_buffer_write<R>(
    vm: &mut Vm,
    obj: Value,
    f: impl FnOnce(&[Cell<u8>]) -> R,
) -> PyResult<Option<R>> {
    let Some(b) = obj.type_of().buffer else {
        return Ok(None);
    };
    let Some(info) = b(vm, obj, BufferFlags::Write)? else {
        return Ok(None);
    };
    if info.len == 0 || info.ptr.is_null() {
        return Ok(Some(f(&[])));
    }
    // SAFETY: for Write a buffer slot returns a pointer to `len` bytes of writable heap
    // storage of `obj` (alive on the caller's stack); Cell<u8> has u8's layout, and shared
    // mutation through Cells is how all object storage is written.
    let s = unsafe { core::slice::from_raw_parts(info.ptr as *const Cell<u8>, info.len) };
    Ok(Some(f(s)))
}

/// Type flags.
pub mod flags {
    /// A class defined in Python (instances use the generic instance layout and slots).
    pub const USER_CLASS: u32 = 1 << 0;
    /// Instances can be subclassed by Python classes.
    pub const BASETYPE: u32 = 1 << 1;
    /// `==` is identity for this type (no `__eq__`), so comparisons can skip dispatch.
    pub const EQ_IS_IDENTITY: u32 = 1 << 2;
    /// Iterating the object is the object itself (`__iter__` returns self).
    pub const ITER_IS_SELF: u32 = 1 << 3;
    /// The type is an exception class (BaseException or a subclass).
    pub const EXCEPTION: u32 = 1 << 4;
    /// `==` may be true between different types (numbers), so equality must dispatch.
    pub const EQ_CHECKS_OTHER_TYPE: u32 = 1 << 5;
    /// Has a `__del__`/native finaliser: allocate instances with a finaliser.
    pub const HAS_FINALISER: u32 = 1 << 6;
    /// Class defines `__getattr__` / `__getattribute__`-style hooks / descriptors (slow path).
    pub const HAS_SPECIAL_ACCESSORS: u32 = 1 << 7;
    /// Objects of this type are functions that bind `self` when found in a class (Python
    /// functions, closures, generator functions): `obj.f` gives a bound method. Builtin
    /// functions (`BuiltinFn`) are handled separately in types/class.rs.
    pub const BINDS_SELF: u32 = 1 << 8;
    /// A user class deriving from a builtin type other than `object` (types/class.rs).
    pub const HAS_NATIVE_BASE: u32 = 1 << 9;
}

/// A type object. Builtin types are `static`s; classes made by `class` statements live in the
/// GC heap with `flags::USER_CLASS`.
#[repr(C)]
pub struct Type {
    pub hdr: ObjHeader,
    pub name: Qstr,
    pub flags: Cell<u32>,
    pub make_new: Option<MakeNewFn>,
    pub print: Option<PrintFn>,
    pub call: Option<CallFn>,
    pub unary_op: Option<UnaryOpFn>,
    pub binary_op: Option<BinaryOpFn>,
    pub attr: Option<AttrFn>,
    pub subscr: Option<SubscrFn>,
    pub getiter: Option<GetIterFn>,
    pub iternext: Option<IterNextFn>,
    pub buffer: Option<BufferFn>,
    pub finalise: Option<FinaliseFn>,
    /// Type-specific extra data (e.g. the stream protocol table of file-like types).
    pub protocol: Option<&'static (dyn core::any::Any + Sync)>,
    /// Base class(es): NULL (only `object` has none), one type, or a tuple of types.
    pub base: Cell<Value>,
    /// Methods and class attributes: a dict (a fixed static dict for builtin types).
    pub locals: Cell<Value>,
}

// SAFETY: type objects are only mutated (through their Cells) by the thread holding the
// interpreter lock; static builtin types are never mutated at all.
unsafe impl Sync for Type {}

impl Type {
    /// A builtin type with every slot empty; fill the slots with struct update syntax:
    /// `Type { print: Some(f), ..Type::new(Q::name) }`.
    pub const fn new(name: Qstr) -> Type {
        Type {
            hdr: ObjHeader::new(&TYPE_TYPE),
            name,
            flags: Cell::new(0),
            make_new: None,
            print: None,
            call: None,
            unary_op: None,
            binary_op: None,
            attr: None,
            subscr: None,
            getiter: None,
            iternext: None,
            buffer: None,
            finalise: None,
            protocol: None,
            base: Cell::new(Value::NULL),
            locals: Cell::new(Value::NULL),
        }
    }
    pub const fn with_flags(mut self, f: u32) -> Type {
        self.flags = Cell::new(f);
        self
    }
    pub const fn with_base(mut self, base: &'static Type) -> Type {
        self.base = Cell::new(Value::from_static(base));
        self
    }
    pub const fn with_locals(mut self, locals: &'static crate::map::DictObj) -> Type {
        self.locals = Cell::new(Value::from_static(locals));
        self
    }
    #[inline(always)]
    pub fn has_flag(&self, f: u32) -> bool {
        self.flags.get() & f != 0
    }
}

crate::py_object!(Type, TYPE_TYPE);

/// True if `t` is `type` or a metaclass deriving from it.
#[inline]
pub fn is_type_type(t: TypeRef) -> bool {
    t.is(&TYPE_TYPE) || crate::types::class::is_metaclass(t)
}

/// `type` itself. Its slots are filled in types/class.rs.
pub static TYPE_TYPE: Type = crate::types::class::type_type();

pub static NONE_TYPE: Type = Type {
    print: Some(print_none),
    unary_op: Some(unary_none),
    ..Type::new(Q::NoneType)
}
.with_flags(flags::EQ_IS_IDENTITY);
pub static ELLIPSIS_TYPE: Type = Type {
    print: Some(print_ellipsis),
    ..Type::new(Q::ellipsis)
}
.with_flags(flags::EQ_IS_IDENTITY);
pub static NOT_IMPLEMENTED_TYPE: Type = Type {
    print: Some(print_not_implemented),
    ..Type::new(Q::NotImplementedType)
}
.with_flags(flags::EQ_IS_IDENTITY);
/// The type of internal markers (NULL, SENTINEL, STOP) should one ever leak.
pub static INTERNAL_TYPE: Type = Type::new(Q::internal).with_flags(flags::EQ_IS_IDENTITY);

fn print_none(_vm: &mut Vm, _o: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str("None");
    Ok(())
}
fn unary_none(_vm: &mut Vm, op: UnaryOp, _o: Value) -> PyResult<Value> {
    Ok(match op {
        UnaryOp::Bool => Value::FALSE,
        _ => Value::NULL,
    })
}
fn print_ellipsis(_vm: &mut Vm, _o: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str("Ellipsis");
    Ok(())
}
fn print_not_implemented(_vm: &mut Vm, _o: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str("NotImplemented");
    Ok(())
}

/// The Rust function behind a builtin function or method.
/// `args` are the positional arguments (for methods, `args[0]` is `self`); `kw` the keyword
/// pairs. Arity is checked by the caller against `min_args`/`max_args` before the call.
pub type NativeFn = fn(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value>;

/// A builtin function or method (a `static`).
#[repr(C)]
pub struct BuiltinFn {
    pub hdr: ObjHeader,
    pub name: Qstr,
    pub min_args: u16,
    /// `u16::MAX` for "any number".
    pub max_args: u16,
    /// Whether keyword arguments are accepted (otherwise passing one is a TypeError).
    pub takes_kw: bool,
    pub f: NativeFn,
}

/// Marker for "any number of positional arguments".
pub const VAR_ARGS: u16 = u16::MAX;

impl BuiltinFn {
    /// A function taking between `min` and `max` positional arguments and no keywords.
    pub const fn new(name: Qstr, min: u16, max: u16, f: NativeFn) -> BuiltinFn {
        BuiltinFn {
            hdr: ObjHeader::new(&BUILTIN_FN_TYPE),
            name,
            min_args: min,
            max_args: max,
            takes_kw: false,
            f,
        }
    }
    /// A function that also accepts keyword arguments.
    pub const fn new_kw(name: Qstr, min: u16, max: u16, f: NativeFn) -> BuiltinFn {
        BuiltinFn {
            hdr: ObjHeader::new(&BUILTIN_FN_TYPE),
            name,
            min_args: min,
            max_args: max,
            takes_kw: true,
            f,
        }
    }
    /// The function as a Value, for fixed dicts.
    pub const fn value(&'static self) -> Value {
        Value::from_static(self)
    }
}

crate::py_object!(BuiltinFn, BUILTIN_FN_TYPE);

// SAFETY: builtin functions are immutable statics (their header's type Cell is never written);
// interpreter state is only touched under the interpreter lock.
unsafe impl Sync for BuiltinFn {}

/// `function` for builtins (MicroPython prints `<function>`).
pub static BUILTIN_FN_TYPE: Type = Type {
    print: Some(print_builtin_fn),
    call: Some(call_builtin_fn),
    ..Type::new(Q::function)
}
.with_flags(flags::EQ_IS_IDENTITY);

fn print_builtin_fn(_vm: &mut Vm, _o: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    // MicroPython prints builtin functions without their name.
    out.push_str("<function>");
    Ok(())
}

/// Check arity and call a builtin function.
pub fn call_builtin_fn(vm: &mut Vm, o: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(f) = o.downcast::<BuiltinFn>() else {
        return Err(vm.type_error("not a builtin function"));
    };
    call_native(vm, &f, args, kw)
}

/// Check a builtin's arity (MicroPython's messages) and call it.
#[inline]
pub fn call_native(vm: &mut Vm, f: &BuiltinFn, args: &[Value], kw: Kw) -> PyResult<Value> {
    let n = args.len();
    if !kw.is_empty() && !f.takes_kw {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if n < f.min_args as usize || (f.max_args != VAR_ARGS && n > f.max_args as usize) {
        return Err(arity_error(vm, f, n));
    }
    (f.f)(vm, args, kw)
}

#[cold]
fn arity_error(vm: &mut Vm, f: &BuiltinFn, n: usize) -> crate::PyErr {
    let msg = if f.min_args == f.max_args {
        alloc::format!(
            "function takes {} positional arguments but {} were given",
            f.min_args,
            n
        )
    } else if n < f.min_args as usize {
        alloc::format!(
            "function missing {} required positional arguments",
            f.min_args as usize - n
        )
    } else {
        alloc::format!(
            "function expected at most {} arguments, got {}",
            f.max_args,
            n
        )
    };
    vm.type_error(&msg)
}

/// Find a keyword argument by name.
pub fn kw_get(kw: Kw, name: Qstr) -> Option<Value> {
    let key = Value::qstr(name);
    kw.chunks_exact(2).find(|p| p[0] == key).map(|p| p[1])
}
