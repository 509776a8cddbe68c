//! The one-word `Value` and typed handles to heap objects.
//!
//! A `Value` is one machine word. Its low bits say what it is:
//!
//! | bits (low end)   | meaning                                   | payload                      |
//! |------------------|-------------------------------------------|------------------------------|
//! | `...xxxx1`       | small int                                 | word as signed >> 1 (31/63 bits) |
//! | `...xx010`       | interned string (qstr)                    | qstr index = word >> 3       |
//! | `...xx110`       | immediate: None False True Ellipsis NotImplemented | index = word >> 3   |
//! | `...xxx00`       | pointer to an object (NULL = "no value")  | address, 4-byte aligned      |
//!
//! Pointers may point into the GC heap (heap objects) or at `static` objects (builtin types,
//! builtin functions, fixed dicts); the collector ignores pointers outside its heap.
//!
//! Every object starts with an [`ObjHeader`] whose `ty` points at its [`Type`]. A [`Gc<T>`] is a
//! typed, copyable handle to an object; it dereferences to `&T`. Objects mutate only through
//! `Cell`s, so shared references never alias a `&mut`.
//!
//! Rooting rule: the collector finds objects from the VM's roots, from other reachable objects,
//! and by scanning the native stack conservatively. A `Value` or `Gc` kept only in memory the
//! collector does not scan (a Rust `Vec`, `Box`, `static mut`) is NOT a root: keep such values in
//! GC-heap objects (e.g. a list) or in `Vm::roots` while anything can allocate.

use core::cell::Cell;
use core::marker::PhantomData;
use core::ptr::NonNull;

use crate::obj::Type;
use crate::qstr::Qstr;

/// One tagged machine word. See the module docs for the bit layout.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[repr(transparent)]
pub struct Value(*const u8);

// SAFETY: a Value is a plain word. Interpreter state (the heap and everything in it) is only ever
// touched by the thread holding the interpreter lock, so sharing the word between threads (e.g.
// in `static` tables of builtin methods) cannot race.
unsafe impl Send for Value {}
// SAFETY: as for Send above.
unsafe impl Sync for Value {}

const TAG_INT: usize = 0b1;
const TAG_QSTR: usize = 0b010;
const TAG_IMM: usize = 0b110;

/// Number of bits in a small int (including sign).
pub const SMALL_INT_BITS: u32 = usize::BITS - 1;
/// Smallest small int.
pub const SMALL_INT_MIN: isize = isize::MIN >> 1;
/// Largest small int.
pub const SMALL_INT_MAX: isize = isize::MAX >> 1;

impl Value {
    /// "No value": an unbound local, an absent argument, the end of an iterator. Never visible to Python.
    pub const NULL: Value = Value::from_word(0);
    pub const NONE: Value = Value::imm(0);
    pub const FALSE: Value = Value::imm(1);
    pub const TRUE: Value = Value::imm(2);
    pub const ELLIPSIS: Value = Value::imm(3);
    pub const NOT_IMPLEMENTED: Value = Value::imm(4);
    /// Internal marker (MicroPython's MP_OBJ_SENTINEL), e.g. "store" in attribute protocols.
    pub const SENTINEL: Value = Value::imm(5);
    /// Internal marker for "iteration finished" returned by `iternext` slots (MP_OBJ_STOP_ITERATION).
    pub const STOP: Value = Value::imm(6);

    #[inline(always)]
    const fn from_word(w: usize) -> Value {
        Value(core::ptr::without_provenance(w))
    }
    #[inline(always)]
    const fn imm(n: usize) -> Value {
        Value::from_word((n << 3) | TAG_IMM)
    }
    /// The raw word (for hashing by identity, `id()`, and encoding).
    #[inline(always)]
    pub fn word(self) -> usize {
        self.0 as usize
    }

    // ---- small ints ----

    /// A small int, if `n` fits.
    #[inline(always)]
    pub const fn small_int(n: isize) -> Option<Value> {
        if Self::fits_small_int(n) {
            Some(Value::from_word(((n << 1) as usize) | TAG_INT))
        } else {
            None
        }
    }
    /// True if `n` fits in a small int.
    #[inline(always)]
    pub const fn fits_small_int(n: isize) -> bool {
        ((n << 1) >> 1) == n
    }
    /// A small int from a value known to fit. Panics in debug builds if it does not.
    #[inline(always)]
    pub const fn small_int_unchecked(n: isize) -> Value {
        debug_assert!(Self::fits_small_int(n));
        Value::from_word(((n << 1) as usize) | TAG_INT)
    }
    #[inline(always)]
    pub fn is_small_int(self) -> bool {
        self.word() & TAG_INT != 0
    }
    #[inline(always)]
    pub fn as_small_int(self) -> Option<isize> {
        if self.is_small_int() {
            Some((self.word() as isize) >> 1)
        } else {
            None
        }
    }
    /// The small int's value; meaningful only when `is_small_int()`.
    #[inline(always)]
    pub fn small_int_value(self) -> isize {
        (self.word() as isize) >> 1
    }

    // ---- qstrs ----

    #[inline(always)]
    pub const fn qstr(q: Qstr) -> Value {
        Value::from_word(((q.0 as usize) << 3) | TAG_QSTR)
    }
    #[inline(always)]
    pub fn is_qstr(self) -> bool {
        self.word() & 0b111 == TAG_QSTR
    }
    #[inline(always)]
    pub fn as_qstr(self) -> Option<Qstr> {
        if self.is_qstr() {
            Some(Qstr((self.word() >> 3) as u32))
        } else {
            None
        }
    }

    // ---- immediates ----

    #[inline(always)]
    pub fn is_immediate(self) -> bool {
        self.word() & 0b111 == TAG_IMM
    }
    #[inline(always)]
    pub fn is_none(self) -> bool {
        self == Value::NONE
    }
    #[inline(always)]
    pub fn is_null(self) -> bool {
        self.word() == 0
    }
    #[inline(always)]
    pub fn is_bool(self) -> bool {
        self == Value::TRUE || self == Value::FALSE
    }
    #[inline(always)]
    pub fn from_bool(b: bool) -> Value {
        if b {
            Value::TRUE
        } else {
            Value::FALSE
        }
    }

    // ---- objects ----

    /// True if this is a (non-null) pointer to an object.
    #[inline(always)]
    pub fn is_obj(self) -> bool {
        self.word() & 0b11 == 0 && self.word() != 0
    }
    /// A value for a `static` object (builtin type, function, fixed dict...).
    #[inline(always)]
    pub const fn from_static<T: ObjType>(obj: &'static T) -> Value {
        Value(obj as *const T as *const u8)
    }
    /// The object's header, if this is an object pointer.
    #[inline(always)]
    pub fn as_obj(self) -> Option<Gc<ObjHeader>> {
        if self.is_obj() {
            // SAFETY: object pointers are non-null (checked), point at live objects (the GC keeps
            // anything reachable from a Value alive; statics live forever) and every object starts
            // with an ObjHeader.
            Some(Gc(
                unsafe { NonNull::new_unchecked(self.0 as *mut ObjHeader) },
                PhantomData,
            ))
        } else {
            None
        }
    }

    /// The type of any value.
    #[inline]
    pub fn type_of(self) -> TypeRef {
        if self.is_small_int() {
            TypeRef::of_static(&crate::types::int::INT_TYPE)
        } else if self.is_qstr() {
            TypeRef::of_static(&crate::types::str::STR_TYPE)
        } else if self.is_immediate() {
            let t = match self.word() >> 3 {
                0 => &crate::obj::NONE_TYPE,
                1 | 2 => &crate::types::int::BOOL_TYPE,
                3 => &crate::obj::ELLIPSIS_TYPE,
                4 => &crate::obj::NOT_IMPLEMENTED_TYPE,
                _ => &crate::obj::INTERNAL_TYPE,
            };
            TypeRef::of_static(t)
        } else if let Some(h) = self.as_obj() {
            h.ty.get()
        } else {
            TypeRef::of_static(&crate::obj::INTERNAL_TYPE)
        }
    }

    /// Typed handle to the object if it is exactly of `T`'s builtin type (not a subclass).
    #[inline(always)]
    pub fn downcast<T: ObjType>(self) -> Option<Gc<T>> {
        let h = self.as_obj()?;
        if core::ptr::eq(h.ty.get().as_ptr(), T::type_obj()) {
            Some(Gc(h.0.cast(), PhantomData))
        } else {
            None
        }
    }

    /// Typed handle without checking the type. The caller must know that the value is an object
    /// whose layout is `T` (e.g. an instance of a type whose slots only ever see `T`s): this is
    /// checked in debug builds, and a wrong `T` is a bug in the calling type's code.
    #[inline(always)]
    pub fn downcast_layout<T: ObjLayout>(self) -> Option<Gc<T>> {
        let h = self.as_obj()?;
        if T::has_layout(h.ty.get()) {
            Some(Gc(h.0.cast(), PhantomData))
        } else {
            None
        }
    }
}

impl core::fmt::Debug for Value {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if let Some(i) = self.as_small_int() {
            write!(f, "Int({})", i)
        } else if let Some(q) = self.as_qstr() {
            write!(f, "Qstr({})", q.0)
        } else if self.is_null() {
            write!(f, "NULL")
        } else if self.is_immediate() {
            write!(f, "Imm({})", self.word() >> 3)
        } else {
            write!(f, "Obj({:#x})", self.word())
        }
    }
}

/// The first word of every object.
#[repr(C)]
pub struct ObjHeader {
    pub ty: Cell<TypeRef>,
}

impl ObjHeader {
    pub const fn new(ty: &'static Type) -> ObjHeader {
        ObjHeader {
            ty: Cell::new(TypeRef::of_static(ty)),
        }
    }
    pub fn with_type(ty: TypeRef) -> ObjHeader {
        ObjHeader { ty: Cell::new(ty) }
    }
}

/// A reference to a type object: a builtin `static` type or a class in the GC heap.
#[derive(Clone, Copy)]
#[repr(transparent)]
pub struct TypeRef(NonNull<Type>);

// SAFETY: see `Value`'s Send/Sync.
unsafe impl Send for TypeRef {}
// SAFETY: see `Value`'s Send/Sync.
unsafe impl Sync for TypeRef {}

impl TypeRef {
    #[inline(always)]
    pub const fn of_static(t: &'static Type) -> TypeRef {
        // SAFETY: a reference is never null.
        TypeRef(unsafe { NonNull::new_unchecked(t as *const Type as *mut Type) })
    }
    #[inline(always)]
    pub fn as_ptr(self) -> *const Type {
        self.0.as_ptr()
    }
    #[inline(always)]
    pub fn value(self) -> Value {
        Value(self.0.as_ptr() as *const u8)
    }
    #[inline(always)]
    pub fn is(self, t: &Type) -> bool {
        core::ptr::eq(self.0.as_ptr(), t)
    }
    /// A TypeRef from a value known to be a type object.
    pub fn from_value(v: Value) -> Option<TypeRef> {
        let h = v.as_obj()?;
        if crate::obj::is_type_type(h.ty.get()) {
            Some(TypeRef(h.0.cast()))
        } else {
            None
        }
    }
}

impl core::ops::Deref for TypeRef {
    type Target = Type;
    #[inline(always)]
    fn deref(&self) -> &Type {
        // SAFETY: TypeRefs are only made from static types or from live type objects in the GC
        // heap, which stay alive while any object (or Value) refers to them.
        unsafe { self.0.as_ref() }
    }
}

impl PartialEq for TypeRef {
    fn eq(&self, o: &TypeRef) -> bool {
        self.0 == o.0
    }
}
impl Eq for TypeRef {}

/// Implemented (through [`py_object!`]) by every Rust struct that is the layout of one builtin
/// type's objects.
///
/// # Safety
/// The struct must be `#[repr(C)]` with an [`ObjHeader`] as its first field, must not need
/// `Drop`, and `type_obj()` must be the one type whose objects have this layout.
pub unsafe trait ObjType: Sized {
    fn type_obj() -> &'static Type;
}

/// Implemented by object layouts shared by several types (e.g. the instance layout of all user
/// classes, or the exception layout of every exception class).
///
/// # Safety
/// As for [`ObjType`]: `#[repr(C)]`, header first, no `Drop`; `has_layout(t)` must be true
/// only for types whose objects have this layout.
pub unsafe trait ObjLayout: Sized {
    fn has_layout(t: TypeRef) -> bool;
}

/// Declare that `$t` is the object layout of the builtin type `$ty` (a `static` [`Type`]).
#[macro_export]
macro_rules! py_object {
    ($t:ty, $ty:expr) => {
        // SAFETY: the macro's caller states that $t is #[repr(C)] with an ObjHeader first and is
        // the layout of exactly the objects of type $ty; the const assertions check the rest.
        unsafe impl $crate::value::ObjType for $t {
            #[inline(always)]
            fn type_obj() -> &'static $crate::obj::Type {
                &$ty
            }
        }
        const _: () = assert!(!core::mem::needs_drop::<$t>());
        const _: () = assert!(core::mem::align_of::<$t>() <= $crate::gc::BLOCK_BYTES);
    };
}

/// Typed handle to a live object. Copy, one word; derefs to `&T`.
#[repr(transparent)]
pub struct Gc<T>(NonNull<T>, PhantomData<*const T>);

impl<T> Clone for Gc<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Gc<T> {}

impl<T> Gc<T> {
    /// The object as a Value.
    #[inline(always)]
    pub fn value(self) -> Value {
        Value(self.0.as_ptr() as *const u8)
    }
    #[inline(always)]
    pub fn ptr_eq(self, o: Gc<T>) -> bool {
        self.0 == o.0
    }
    #[inline(always)]
    pub(crate) fn from_raw(p: NonNull<T>) -> Gc<T> {
        Gc(p, PhantomData)
    }
    #[inline(always)]
    pub fn as_ptr(self) -> *const T {
        self.0.as_ptr()
    }
    /// The object's header.
    #[inline(always)]
    pub fn header(self) -> &'static ObjHeader {
        // SAFETY: every object starts with an ObjHeader (ObjType/ObjLayout contracts). The
        // 'static lifetime is what the GC guarantees while the object is reachable; callers
        // only use it transiently.
        unsafe { &*(self.0.as_ptr() as *const ObjHeader) }
    }
}

impl<T> core::ops::Deref for Gc<T> {
    type Target = T;
    #[inline(always)]
    fn deref(&self) -> &T {
        // SAFETY: Gc handles are made only for live objects of layout T (checked downcasts or
        // fresh allocations). The object stays alive while the handle is reachable by the
        // collector (stack scan), and all mutation goes through Cells, so a shared reference is
        // never aliased by a mutable one.
        unsafe { self.0.as_ref() }
    }
}

/// A variable-sized object: a fixed head `H` (starting with the ObjHeader) followed by `len`
/// immutable items of `E`, stored inline. Used for str/bytes data, tuples and the like.
#[repr(C)]
pub struct VarObj<H, E: Copy> {
    pub head: H,
    len: usize,
    items: [E; 0],
}

impl<H, E: Copy> VarObj<H, E> {
    /// The inline items.
    #[inline(always)]
    pub fn items(&self) -> &[E] {
        // SAFETY: `len` is private and written only by `gc::alloc_var`, which allocated room for
        // exactly `len` items right after the head and initialised them; they never change.
        unsafe { core::slice::from_raw_parts(self.items.as_ptr(), self.len) }
    }
    #[inline(always)]
    pub fn len(&self) -> usize {
        self.len
    }
    #[inline(always)]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Byte offset of the items from the start of the object, and total size for `n` items.
    pub(crate) fn layout_for(n: usize) -> Option<(usize, usize)> {
        let off = core::mem::offset_of!(VarObj<H, E>, items);
        let size = n.checked_mul(core::mem::size_of::<E>())?.checked_add(off)?;
        Some((off, size))
    }
    pub(crate) fn init_head(head: H, len: usize) -> VarObj<H, E> {
        VarObj {
            head,
            len,
            items: [],
        }
    }
}

/// A growable array of `Cell<E>` in the GC heap (list items, dict tables, bytearray data...).
/// The handle itself is stored in a Cell inside the owning object.
#[derive(Clone, Copy)]
pub struct GcArray<E: Copy> {
    ptr: NonNull<Cell<E>>,
    cap: usize,
}

impl<E: Copy> GcArray<E> {
    /// An empty array (no allocation).
    pub const fn empty() -> GcArray<E> {
        GcArray {
            ptr: NonNull::dangling(),
            cap: 0,
        }
    }
    pub(crate) fn from_raw(ptr: NonNull<Cell<E>>, cap: usize) -> GcArray<E> {
        GcArray { ptr, cap }
    }
    /// View a static table as an array. Used only for fixed (read-only) maps, which never write.
    pub(crate) const fn from_const_ptr(ptr: *mut Cell<E>, cap: usize) -> GcArray<E> {
        match NonNull::new(ptr) {
            Some(p) => GcArray { ptr: p, cap },
            None => GcArray::empty(),
        }
    }
    #[inline(always)]
    pub fn capacity(&self) -> usize {
        self.cap
    }
    /// All slots as cells.
    #[inline(always)]
    pub fn cells(&self) -> &[Cell<E>] {
        // SAFETY: ptr/cap come from `Vm::alloc_array` (or are dangling/0); the storage stays alive
        // while the owning object references this array, and Cells allow shared mutation.
        unsafe { core::slice::from_raw_parts(self.ptr.as_ptr(), self.cap) }
    }
    #[inline(always)]
    pub fn get(&self, i: usize) -> Option<E> {
        self.cells().get(i).map(|c| c.get())
    }
    #[inline(always)]
    pub fn set(&self, i: usize, v: E) {
        if let Some(c) = self.cells().get(i) {
            c.set(v)
        }
    }
    /// The storage as a Value (so the GC sees it when the array is held on the native stack).
    pub fn raw_addr(&self) -> usize {
        self.ptr.as_ptr() as usize
    }
}
