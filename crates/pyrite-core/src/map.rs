//! Insertion-ordered hash map over Values: the storage of dicts, module globals, class and
//! instance attribute dicts (and, with `Value::NULL` values, of sets).
//!
//! Entries live in insertion order in one GC array (`key, value, key, value, ...`); a deleted
//! entry has key NULL. Maps with more than `LINEAR_MAX` entries also keep an open-addressing
//! index (u32 entry numbers + 1; 0 = empty) for O(1) lookup. A *fixed* map is a static table
//! (builtin type locals, builtin module globals): read-only, searched linearly.

use core::cell::Cell;

use crate::obj::{flags, Type};
use crate::qstr::{Qstr, Q};
use crate::value::{GcArray, ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

const LINEAR_MAX: usize = 8;

pub struct Map {
    /// Live entries.
    len: Cell<usize>,
    /// Entry slots used (live + deleted).
    used: Cell<usize>,
    fixed: Cell<bool>,
    entries: Cell<GcArray<Value>>,
    index: Cell<GcArray<u32>>,
}

/// A dict object: header + map. Static fixed dicts are made with [`fixed_dict!`].
#[repr(C)]
pub struct DictObj {
    pub hdr: ObjHeader,
    pub map: Map,
}

crate::py_object!(DictObj, crate::types::dict::DICT_TYPE);

// SAFETY: fixed static dicts are never mutated (every mutation checks `fixed`); heap dicts are
// only touched under the interpreter lock.
unsafe impl Sync for DictObj {}

impl DictObj {
    /// A read-only dict over a static table of `[key, value]` pairs.
    pub const fn fixed(table: &'static [[Value; 2]]) -> DictObj {
        DictObj {
            hdr: ObjHeader::new(&crate::types::dict::DICT_TYPE),
            map: Map::fixed(table),
        }
    }
    /// A fixed dict with another type (e.g. for module objects' globals).
    pub const fn fixed_typed(ty: &'static Type, table: &'static [[Value; 2]]) -> DictObj {
        DictObj {
            hdr: ObjHeader::new(ty),
            map: Map::fixed(table),
        }
    }
}

/// Define a static fixed dict: `fixed_dict!(NAME, [(Q::append, LIST_APPEND.value()), ...]);`
/// Keys are qstrs; values are any const `Value`s.
#[macro_export]
macro_rules! fixed_dict {
    ($vis:vis $name:ident, [$(($k:expr, $v:expr)),* $(,)?]) => {
        $vis static $name: $crate::map::DictObj = {
            static TABLE: &[[$crate::value::Value; 2]] = &[$([$crate::value::Value::qstr($k), $v]),*];
            $crate::map::DictObj::fixed(TABLE)
        };
    };
}

impl Default for Map {
    fn default() -> Self {
        Self::new()
    }
}

impl Map {
    pub const fn new() -> Map {
        Map {
            len: Cell::new(0),
            used: Cell::new(0),
            fixed: Cell::new(false),
            entries: Cell::new(GcArray::empty()),
            index: Cell::new(GcArray::empty()),
        }
    }

    pub const fn fixed(table: &'static [[Value; 2]]) -> Map {
        let n = table.len();
        // SAFETY-free: the array views the static table's Values as Cells; `fixed` forbids writes.
        let ptr = table.as_ptr() as *mut Cell<Value>;
        Map {
            len: Cell::new(n),
            used: Cell::new(n),
            fixed: Cell::new(true),
            entries: Cell::new(GcArray::from_const_ptr(ptr, n * 2)),
            index: Cell::new(GcArray::empty()),
        }
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.len.get()
    }
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len.get() == 0
    }
    #[inline]
    pub fn is_fixed(&self) -> bool {
        self.fixed.get()
    }

    /// Entry slot `i` (0..slots()) as (key, value); key NULL means deleted.
    #[inline]
    pub fn slot(&self, i: usize) -> (Value, Value) {
        let e = self.entries.get();
        (
            e.get(2 * i).unwrap_or(Value::NULL),
            e.get(2 * i + 1).unwrap_or(Value::NULL),
        )
    }
    /// Number of entry slots (live + deleted) for iteration with `slot`.
    #[inline]
    pub fn slots(&self) -> usize {
        self.used.get()
    }
    /// Iterate live entries (a snapshot is not taken: mutation during iteration is the
    /// caller's problem, as in CPython's "dict changed size during iteration").
    pub fn iter(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        (0..self.slots())
            .map(move |i| self.slot(i))
            .filter(|(k, _)| !k.is_null())
    }

    /// Look up a key by qstr (attribute/global lookup). Also matches str objects with the same text.
    #[inline]
    pub fn get_qstr(&self, vm: &Vm, q: Qstr) -> Option<Value> {
        let key = Value::qstr(q);
        let entries = self.entries.get();
        let index = self.index.get();
        if index.capacity() == 0 {
            let cells = entries.cells();
            let n = self.used.get().min(cells.len() / 2);
            for i in 0..n {
                if cells[2 * i].get() == key {
                    return Some(cells[2 * i + 1].get());
                }
            }
            // Str-object keys equal to the qstr text are rare; check them slowly.
            for i in 0..n {
                let k = cells[2 * i].get();
                if k.is_obj() && crate::types::str::value_eq_qstr(vm, k, q) {
                    return Some(cells[2 * i + 1].get());
                }
            }
            return None;
        }
        let h = vm.qstrs.hash(q);
        let mask = index.capacity() - 1;
        let mut i = h & mask;
        for _ in 0..index.capacity() {
            let e = index.get(i).unwrap_or(0);
            if e == 0 {
                return None;
            }
            let (k, v) = self.slot((e - 1) as usize);
            if k == key || (k.is_obj() && crate::types::str::value_eq_qstr(vm, k, q)) {
                return Some(v);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Find the entry slot of `key`.
    fn find(&self, vm: &mut Vm, key: Value, hash: usize) -> PyResult<Option<usize>> {
        let index = self.index.get();
        if index.capacity() == 0 {
            for i in 0..self.used.get() {
                let k = self.slot(i).0;
                if k == key {
                    return Ok(Some(i));
                }
            }
            if !key_is_identity_only(key) {
                for i in 0..self.used.get() {
                    let k = self.slot(i).0;
                    if !k.is_null() && vm.eq_for_key(k, key)? {
                        return Ok(Some(i));
                    }
                }
            }
            return Ok(None);
        }
        let mask = index.capacity() - 1;
        let mut i = hash & mask;
        for _ in 0..index.capacity() {
            let e = index.get(i).unwrap_or(0);
            if e == 0 {
                return Ok(None);
            }
            let slot = (e - 1) as usize;
            let k = self.slot(slot).0;
            if k == key || (!k.is_null() && vm.hash_eq_for_key(k, key, hash)?) {
                return Ok(Some(slot));
            }
            i = (i + 1) & mask;
        }
        Ok(None)
    }

    /// Look up `key`.
    pub fn get(&self, vm: &mut Vm, key: Value) -> PyResult<Option<Value>> {
        if let Some(q) = key.as_qstr() {
            return Ok(self.get_qstr(vm, q));
        }
        let hash = if self.index.get().capacity() == 0 {
            0
        } else {
            vm.hash(key)?
        };
        if self.index.get().capacity() == 0 && !key_is_identity_only(key) {
            // Hash anyway so unhashable keys raise TypeError as CPython does.
            vm.hash(key)?;
        }
        Ok(self.find(vm, key, hash)?.map(|i| self.slot(i).1))
    }

    #[cold]
    fn fixed_error(vm: &mut Vm) -> crate::PyErr {
        vm.type_error("'dict' object is read-only")
    }

    /// Insert or replace.
    pub fn set(&self, vm: &mut Vm, key: Value, value: Value) -> PyResult<()> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        let hash = vm.hash(key)?;
        if let Some(i) = self.find(vm, key, hash)? {
            self.entries.get().set(2 * i + 1, value);
            return Ok(());
        }
        self.insert_new(vm, key, value, hash)
    }

    /// Insert by qstr key (module globals, attributes): cannot fail except for MemoryError.
    pub fn set_qstr(&self, vm: &mut Vm, q: Qstr, value: Value) -> PyResult<()> {
        self.set(vm, Value::qstr(q), value)
    }

    fn insert_new(&self, vm: &mut Vm, key: Value, value: Value, hash: usize) -> PyResult<()> {
        let used = self.used.get();
        let entries = self.entries.get();
        if 2 * used + 2 > entries.capacity() {
            self.grow(vm)?;
        }
        let used = self.used.get();
        let entries = self.entries.get();
        entries.set(2 * used, key);
        entries.set(2 * used + 1, value);
        self.used.set(used + 1);
        self.len.set(self.len.get() + 1);
        let index = self.index.get();
        if index.capacity() != 0 {
            if (used + 1) * 3 > index.capacity() * 2 {
                self.rebuild_index(vm)?;
            } else {
                Self::index_insert(&index, hash, used);
            }
        } else if used + 1 > LINEAR_MAX {
            self.rebuild_index(vm)?;
        }
        Ok(())
    }

    fn index_insert(index: &GcArray<u32>, hash: usize, slot: usize) {
        let mask = index.capacity() - 1;
        let mut i = hash & mask;
        loop {
            if index.get(i) == Some(0) {
                index.set(i, (slot + 1) as u32);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&self, vm: &mut Vm) -> PyResult<()> {
        // Compact away deleted entries, then make room for more.
        let live = self.len.get();
        let new_cap = (live * 2).max(4);
        let new = vm.alloc_array::<Value>(new_cap * 2)?;
        let mut j = 0;
        for i in 0..self.used.get() {
            let (k, v) = self.slot(i);
            if !k.is_null() {
                new.set(2 * j, k);
                new.set(2 * j + 1, v);
                j += 1;
            }
        }
        let old = self.entries.get();
        self.entries.set(new);
        self.used.set(j);
        if old.capacity() != 0 {
            vm.free_array(old);
        }
        if self.index.get().capacity() != 0 || j > LINEAR_MAX {
            self.rebuild_index(vm)?;
        }
        Ok(())
    }

    fn rebuild_index(&self, vm: &mut Vm) -> PyResult<()> {
        let mut cap = 16;
        while cap * 2 < self.entries.get().capacity().max(self.used.get() * 3) {
            cap *= 2;
        }
        let index = vm.alloc_array::<u32>(cap)?;
        for i in 0..self.used.get() {
            let k = self.slot(i).0;
            if !k.is_null() {
                let h = vm.hash(k)?;
                Self::index_insert(&index, h, i);
            }
        }
        let old = self.index.replace(index);
        if old.capacity() != 0 {
            vm.free_array(old);
        }
        Ok(())
    }

    /// Remove `key`, returning its value.
    pub fn remove(&self, vm: &mut Vm, key: Value) -> PyResult<Option<Value>> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        let hash = vm.hash(key)?;
        let Some(i) = self.find(vm, key, hash)? else {
            return Ok(None);
        };
        let v = self.slot(i).1;
        let e = self.entries.get();
        e.set(2 * i, Value::NULL);
        e.set(2 * i + 1, Value::NULL);
        self.len.set(self.len.get() - 1);
        // Trailing deleted entries can be reused at once.
        let mut used = self.used.get();
        while used > 0 && self.slot(used - 1).0.is_null() && self.index.get().capacity() == 0 {
            used -= 1;
        }
        self.used.set(used);
        Ok(Some(v))
    }

    /// Remove and return the last inserted entry (dict.popitem()).
    pub fn pop_last(&self, vm: &mut Vm) -> PyResult<Option<(Value, Value)>> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        let mut i = self.used.get();
        while i > 0 {
            i -= 1;
            let (k, v) = self.slot(i);
            if !k.is_null() {
                self.remove(vm, k)?;
                return Ok(Some((k, v)));
            }
        }
        Ok(None)
    }

    /// Remove everything.
    pub fn clear(&self, vm: &mut Vm) -> PyResult<()> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        self.entries.set(GcArray::empty());
        self.index.set(GcArray::empty());
        self.used.set(0);
        self.len.set(0);
        Ok(())
    }
}

/// Keys for which `==` is identity and whose hash is cheap, so linear search can compare words.
#[inline]
fn key_is_identity_only(k: Value) -> bool {
    k.is_qstr()
        || k.is_immediate()
        || k.as_obj()
            .map(|h| h.ty.get().has_flag(flags::EQ_IS_IDENTITY))
            .unwrap_or(false)
}

/// `Map` lookup helper for dict-like objects: the map of a dict value (exact dict or subclass).
pub fn dict_map(v: Value) -> Option<crate::value::Gc<DictObj>> {
    v.downcast::<DictObj>()
}

#[allow(dead_code)]
const _QSTRS_USED: [Qstr; 1] = [Q::dict];
