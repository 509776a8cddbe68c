//! The interpreter state (`Vm`): heap, qstrs, host, module table, roots; allocation and
//! collection; exception constructors. Generic object operations are in runtime.rs, bytecode
//! execution in interp/.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use core::ptr::NonNull;

use crate::gc::{AllocError, Heap, BLOCK_BYTES};
use crate::host::Host;
use crate::obj::Type;
use crate::qstr::{Qstr, QstrPool};
use crate::types::exception as exc;
use crate::value::{Gc, GcArray, ObjHeader, ObjLayout, ObjType, TypeRef, Value, VarObj};
use crate::{PyErr, PyResult};

/// Settings a port chooses when it makes an interpreter.
#[derive(Clone, Debug)]
pub struct Config {
    /// `sys.platform`.
    pub platform: &'static str,
    /// Initial `sys.path` entries.
    pub path: Vec<String>,
    /// `micropython.opt_level()`.
    pub opt_level: u8,
    /// Native stack bytes Python may use before RuntimeError (recursion limit).
    pub stack_limit: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            platform: "linux",
            path: Vec::new(),
            opt_level: 0,
            stack_limit: 40 * 1024,
        }
    }
}

/// Longest name (attribute, keyword, class, module) in bytes: MicroPython's qstr limit.
pub const MAX_NAME_LEN: usize = 255;

/// One Python interpreter.
pub struct Vm {
    pub heap: Heap,
    pub qstrs: QstrPool,
    pub host: Box<dyn Host>,
    pub config: Config,
    /// Extra roots: values Rust code must keep alive that live nowhere else the collector scans.
    pub roots: Vec<Value>,
    /// Address in the outermost native stack frame that runs Python (scan limit).
    pub stack_top: usize,
    /// The preallocated MemoryError instance (raised without allocating).
    pub memory_error: Value,
    /// State of the bytecode interpreter (frames, current exception...): interp/.
    pub interp: crate::interp::InterpState,
    /// Module table, builtins, sys state: modules/.
    pub sys: crate::modules::SysState,
    /// Extension slot for state of code outside the core (pyrite-extmod keeps the port's
    /// platform here). Must hold no Python values: the collector does not look inside.
    pub ext: Option<Box<dyn core::any::Any>>,
    /// Set while a collection runs (allocation then fails rather than recursing).
    in_collect: bool,
}

impl Vm {
    /// Make an interpreter whose GC heap is `heap_region`.
    ///
    /// # Safety
    /// `heap_region` must be valid for reads and writes for as long as the Vm or any value from
    /// it exists, and used by nothing else.
    pub unsafe fn new(
        heap_region: *mut u8,
        heap_len: usize,
        host: Box<dyn Host>,
        config: Config,
    ) -> PyResult<Box<Vm>> {
        // SAFETY: forwarded from the caller.
        let heap = unsafe { Heap::new(heap_region, heap_len) };
        let mut vm = Box::new(Vm {
            heap,
            qstrs: QstrPool::new(),
            host,
            config,
            roots: Vec::new(),
            stack_top: 0,
            memory_error: Value::NULL,
            interp: Default::default(),
            sys: Default::default(),
            ext: None,
            in_collect: false,
        });
        let here = 0usize;
        vm.stack_top = &here as *const usize as usize + 256;
        vm.memory_error = exc::new_exception_noalloc_slot(&mut vm)?;
        crate::modules::init(&mut vm)?;
        Ok(vm)
    }

    /// Record the outermost native stack address of the thread running Python; call from the
    /// port's main function before running code (a local's address there).
    pub fn set_stack_top(&mut self, addr: usize) {
        self.stack_top = addr;
    }

    // ---- qstrs ----

    #[inline]
    pub fn qstr_str(&self, q: Qstr) -> &'static str {
        self.qstrs.get(q)
    }
    #[inline]
    pub fn intern(&mut self, s: &str) -> Qstr {
        self.qstrs.intern(s)
    }
    /// Intern a name from Python data (attribute, keyword, class or module name):
    /// RuntimeError("name too long") beyond MicroPython's qstr limit of 255 bytes.
    pub fn intern_name(&mut self, s: &str) -> PyResult<Qstr> {
        self.check_name_len(s.len())?;
        Ok(self.qstrs.intern(s))
    }
    /// RuntimeError("name too long") if a name of `len` bytes exceeds the qstr limit.
    pub fn check_name_len(&mut self, len: usize) -> PyResult<()> {
        if len > MAX_NAME_LEN {
            return Err(self.runtime_error("name too long"));
        }
        Ok(())
    }

    // ---- allocation ----

    /// Allocate `nbytes` zeroed bytes, collecting once if needed. MemoryError when full.
    pub fn alloc_raw(&mut self, nbytes: usize, finaliser: bool) -> PyResult<NonNull<u8>> {
        if !self.heap.wants_collect(nbytes) {
            if let Some(p) = self.heap.alloc_fast(nbytes, finaliser) {
                return Ok(p);
            }
        }
        self.alloc_raw_slow(nbytes, finaliser)
    }

    #[inline(never)]
    fn alloc_raw_slow(&mut self, nbytes: usize, finaliser: bool) -> PyResult<NonNull<u8>> {
        if self.heap.wants_collect(nbytes) && !self.in_collect && self.heap.lock_depth == 0 {
            self.collect();
        }
        match self.heap.alloc(nbytes, finaliser) {
            Ok(p) => Ok(p),
            Err(AllocError::Locked) => Err(self.memory_error()),
            Err(AllocError::NoMemory) => {
                if !self.in_collect && self.heap.auto_collect {
                    self.collect();
                } else if !self.in_collect {
                    // gc.disable() only stops automatic collections before the heap fills.
                    self.collect();
                }
                match self.heap.alloc(nbytes, finaliser) {
                    Ok(p) => Ok(p),
                    Err(_) => Err(self.memory_error()),
                }
            }
        }
    }

    /// Allocate an object and move `init` into it.
    #[inline]
    pub fn alloc_obj<T: ObjType>(&mut self, init: T) -> PyResult<Gc<T>> {
        self.alloc_obj_raw(init, false)
    }

    /// Allocate an object of a layout shared by several types (the header in `init` says which).
    #[inline]
    pub fn alloc_layout<T: ObjLayout>(&mut self, init: T) -> PyResult<Gc<T>> {
        self.alloc_obj_raw(init, false)
    }

    /// Allocate an object that asks for a finaliser (its type's `finalise` slot is called when
    /// it is collected).
    pub fn alloc_obj_finalised<T: ObjType>(&mut self, init: T) -> PyResult<Gc<T>> {
        self.alloc_obj_raw(init, true)
    }

    fn alloc_obj_raw<T>(&mut self, init: T, fin: bool) -> PyResult<Gc<T>> {
        let p = self.alloc_raw(core::mem::size_of::<T>(), fin)?.cast::<T>();
        // SAFETY: p is a fresh, zeroed, BLOCK_BYTES-aligned allocation of at least size_of::<T>()
        // bytes, and T's alignment is at most BLOCK_BYTES (checked by py_object!).
        unsafe { p.as_ptr().write(init) };
        Ok(Gc::from_raw(p))
    }

    /// Allocate a variable-sized object: `head` followed by a copy of `items`.
    pub fn alloc_var<H, E: Copy>(&mut self, head: H, items: &[E]) -> PyResult<Gc<VarObj<H, E>>> {
        let Some((off, size)) = VarObj::<H, E>::layout_for(items.len()) else {
            return Err(self.memory_error());
        };
        let p = self.alloc_raw(size, false)?;
        let obj = p.cast::<VarObj<H, E>>();
        // SAFETY: the allocation has `size` bytes: the head at offset 0 and room for
        // items.len() items at `off` (layout_for); E is Copy so a bytewise copy is a valid copy.
        unsafe {
            obj.as_ptr().write(VarObj::init_head(head, items.len()));
            core::ptr::copy_nonoverlapping(
                items.as_ptr(),
                p.as_ptr().add(off) as *mut E,
                items.len(),
            );
        }
        Ok(Gc::from_raw(obj))
    }

    /// Allocate a variable-sized object of `n` items filled by `fill(index) -> item`. `fill`
    /// must not allocate (the object is not yet fully initialised when it runs).
    pub fn alloc_var_with<H, E: Copy>(
        &mut self,
        head: H,
        n: usize,
        mut fill: impl FnMut(usize) -> E,
    ) -> PyResult<Gc<VarObj<H, E>>> {
        let Some((off, size)) = VarObj::<H, E>::layout_for(n) else {
            return Err(self.memory_error());
        };
        let p = self.alloc_raw(size, false)?;
        let obj = p.cast::<VarObj<H, E>>();
        // SAFETY: as in alloc_var: the allocation has room for the head and n items at `off`.
        unsafe {
            obj.as_ptr().write(VarObj::init_head(head, n));
            let items = p.as_ptr().add(off) as *mut E;
            for i in 0..n {
                items.add(i).write(fill(i));
            }
        }
        Ok(Gc::from_raw(obj))
    }

    /// Allocate a variable-sized object of `n` bytes (zeroed) and let `fill` write them in
    /// place, so strings and bytes are built in one allocation without an intermediate buffer.
    /// `fill` gets no `Vm`, so it cannot allocate while the object is half-built.
    pub fn alloc_var_bytes<H>(
        &mut self,
        head: H,
        n: usize,
        fill: impl FnOnce(&mut [u8]),
    ) -> PyResult<Gc<VarObj<H, u8>>> {
        let Some((off, size)) = VarObj::<H, u8>::layout_for(n) else {
            return Err(self.memory_error());
        };
        let p = self.alloc_raw(size, false)?;
        let obj = p.cast::<VarObj<H, u8>>();
        // SAFETY: the allocation has `size` zeroed bytes: the head at offset 0 and `n` item bytes
        // at `off` (layout_for). Nothing else can reach the fresh object until we return it, so
        // the unique `&mut [u8]` over its items aliases nothing; zero bytes are valid u8s.
        unsafe {
            obj.as_ptr().write(VarObj::init_head(head, n));
            let items = core::slice::from_raw_parts_mut(p.as_ptr().add(off), n);
            fill(items);
        }
        Ok(Gc::from_raw(obj))
    }

    /// Allocate a GC array of `n` zeroed items (for Value items, zero is NULL). Byte arrays
    /// (`E = u8`: bytearray, array and BytesIO storage) are marked as plain data in the heap
    /// (never scanned for references; writable through checked raw addresses, see gc.rs).
    pub fn alloc_array<E: Copy + 'static>(&mut self, n: usize) -> PyResult<GcArray<E>> {
        if n == 0 {
            return Ok(GcArray::empty());
        }
        let Some(size) = n.checked_mul(core::mem::size_of::<E>()) else {
            return Err(self.memory_error());
        };
        let p = self.alloc_raw(size, false)?;
        if core::any::TypeId::of::<E>() == core::any::TypeId::of::<u8>() {
            self.heap.mark_plain(p.as_ptr() as usize);
        }
        Ok(GcArray::from_raw(p.cast::<Cell<E>>(), n))
    }

    /// Resize a GC array to `n` items, keeping the first min(old, n) items (new ones are zero).
    pub fn realloc_array<E: Copy + 'static>(
        &mut self,
        a: GcArray<E>,
        n: usize,
    ) -> PyResult<GcArray<E>> {
        if n > a.capacity() && self.heap.lock_depth > 0 {
            // As MicroPython's gc_realloc: growing never succeeds while the heap is locked,
            // even when the allocation's last block has room.
            return Err(self.memory_error());
        }
        if a.capacity() != 0 {
            if let Some(size) = n.checked_mul(core::mem::size_of::<E>()) {
                if n > 0 && self.heap.try_resize_in_place(a.raw_addr(), size) {
                    // Blocks grown in place are zeroed by the heap; the tail of the last old block
                    // past the old capacity may hold stale data, so clear it.
                    let new = GcArray::from_raw(
                        // SAFETY: a's pointer is non-null (capacity != 0).
                        unsafe { NonNull::new_unchecked(a.raw_addr() as *mut Cell<E>) },
                        n,
                    );
                    for i in a.capacity()..n {
                        // SAFETY: zero bytes are a valid E for the plain-data item types used in
                        // GC arrays (Value NULL, integers).
                        new.set(i, unsafe { core::mem::zeroed() });
                    }
                    return Ok(new);
                }
            }
        }
        let new = self.alloc_array::<E>(n)?;
        let keep = a.capacity().min(n);
        for i in 0..keep {
            if let Some(v) = a.get(i) {
                new.set(i, v);
            }
        }
        if a.capacity() != 0 {
            self.heap.free(a.raw_addr());
        }
        Ok(new)
    }

    /// Give an array's memory back now (the caller guarantees nothing refers to it).
    pub fn free_array<E: Copy>(&mut self, a: GcArray<E>) {
        if a.capacity() != 0 {
            self.heap.free(a.raw_addr());
        }
    }

    // ---- collection ----

    /// Run a full collection.
    pub fn collect(&mut self) {
        if self.in_collect {
            return;
        }
        self.in_collect = true;
        self.heap.begin_collect();
        let roots = core::mem::take(&mut self.roots);
        self.heap.mark_values(&roots);
        self.roots = roots;
        self.heap.mark_word(self.memory_error.word());
        crate::interp::mark_roots(self);
        crate::modules::mark_roots(self);
        let top = self.stack_top;
        self.heap.scan_native_stack(top);
        let mut dead: Vec<usize> = Vec::new();
        self.heap.finish_collect(&mut |addr| dead.push(addr));
        // Finalisers run after the sweep; the objects' memory is free but untouched until the
        // next allocation, and finalisers must not allocate.
        for addr in dead {
            let v = Value::from_addr(addr);
            if let Some(h) = v.as_obj() {
                if let Some(f) = h.ty.get().finalise {
                    f(self, v);
                }
            }
        }
        self.in_collect = false;
    }

    /// Blocks per allocation unit (for mem_info).
    pub const BLOCK_BYTES: usize = BLOCK_BYTES;

    // ---- exceptions ----

    /// Make an exception of type `ty` with one message argument.
    #[cold]
    pub fn new_exception(&mut self, ty: &'static Type, msg: &str) -> PyErr {
        match exc::new_exception_msg(self, TypeRef::of_static(ty), msg) {
            Ok(e) => e,
            Err(e) => e,
        }
    }
    /// Make an exception of type `ty` with the given args.
    #[cold]
    pub fn new_exception_args(&mut self, ty: TypeRef, args: &[Value]) -> PyErr {
        match exc::new_exception(self, ty, args) {
            Ok(e) => PyErr(e),
            Err(e) => e,
        }
    }
    #[cold]
    pub fn memory_error(&mut self) -> PyErr {
        PyErr(self.memory_error)
    }
    #[cold]
    pub fn type_error(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::TYPE_ERROR, msg)
    }
    #[cold]
    pub fn value_error(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::VALUE_ERROR, msg)
    }
    #[cold]
    pub fn index_error(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::INDEX_ERROR, msg)
    }
    #[cold]
    pub fn key_error(&mut self, key: Value) -> PyErr {
        self.new_exception_args(TypeRef::of_static(&exc::KEY_ERROR), &[key])
    }
    #[cold]
    pub fn attribute_error(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::ATTRIBUTE_ERROR, msg)
    }
    #[cold]
    pub fn name_error(&mut self, name: Qstr) -> PyErr {
        let msg = alloc::format!("name '{}' isn't defined", self.qstr_str(name));
        self.new_exception(&exc::NAME_ERROR, &msg)
    }
    #[cold]
    pub fn runtime_error(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::RUNTIME_ERROR, msg)
    }
    #[cold]
    pub fn zero_division(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::ZERO_DIVISION_ERROR, msg)
    }
    #[cold]
    pub fn overflow_error(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::OVERFLOW_ERROR, msg)
    }
    #[cold]
    pub fn not_implemented(&mut self, msg: &str) -> PyErr {
        self.new_exception(&exc::NOT_IMPLEMENTED_ERROR, msg)
    }
    #[cold]
    pub fn os_error(&mut self, errno: i32) -> PyErr {
        let v = Value::small_int_unchecked(errno as isize);
        self.new_exception_args(TypeRef::of_static(&exc::OS_ERROR), &[v])
    }
    #[cold]
    pub fn stop_iteration(&mut self, value: Value) -> PyErr {
        if value.is_none() || value.is_null() {
            self.new_exception_args(TypeRef::of_static(&exc::STOP_ITERATION), &[])
        } else {
            self.new_exception_args(TypeRef::of_static(&exc::STOP_ITERATION), &[value])
        }
    }

    // ---- output ----

    /// Write text to stdout through the host (print's default path).
    pub fn write_stdout(&mut self, s: &str) {
        crate::modules::io::console_write(self, 1, s.as_bytes());
    }
    pub fn write_stderr(&mut self, s: &str) {
        crate::modules::io::console_write(self, 2, s.as_bytes());
    }
}

impl Value {
    /// A value from a heap address (used by the collector's finaliser hook).
    pub(crate) fn from_addr(addr: usize) -> Value {
        // SAFETY-free: building a word; the caller passes the address of an object.
        let h: *const ObjHeader = addr as *const ObjHeader;
        // SAFETY: `addr` is the block-aligned address of a heap object (non-null).
        Gc::<ObjHeader>::from_raw(unsafe { NonNull::new_unchecked(h as *mut ObjHeader) }).value()
    }
}
