//! Insertion-ordered hash map over Values: the storage of dicts, module globals, class and
//! instance attribute dicts, and (with `Value::NULL` values) of sets.
//!
//! Layout:
//! - `entries`: one GC array `key, value, key, value, ...` in insertion order. A deleted entry
//!   has key NULL (its value is cleared too). `used` entry slots are in use (live + deleted),
//!   `len` are live.
//! - Maps with more than `LINEAR_MAX` entries also keep `index`, an open-addressing table of
//!   `u32` pairs `[slot + 1, hash]` (slot 0 = empty pair; a pair whose entry was deleted stays
//!   as a tombstone so probe chains are not cut). Storing the hash means probes reject
//!   mismatches with one integer compare and rebuilding never calls `__hash__` again.
//! - Small maps (<= `LINEAR_MAX` entries) are searched linearly: for qstr keys (attribute and
//!   global names) that is a few word compares and no hashing at all.
//!
//! A *fixed* map is a static table (builtin type locals, builtin module globals): read-only,
//! searched linearly.
//!
//! Mutation during a Python callback (`__eq__`, `__hash__`) cannot cause memory unsafety: every
//! access goes through bounds-checked GcArray reads of the current arrays.

use alloc::vec::Vec;
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
    /// `[slot + 1, hash32]` pairs; capacity is 2 * (power of two), or 0 for linear maps.
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

/// The hash used for map keys: `vm.hash`, with bools hashed like the ints they equal.
#[inline]
pub fn key_hash(vm: &mut Vm, key: Value) -> PyResult<usize> {
    if let Some(q) = key.as_qstr() {
        return Ok(vm.qstrs.hash(q));
    }
    if let Some(i) = key.as_small_int() {
        return Ok(i as usize);
    }
    if key == Value::TRUE {
        return Ok(1);
    }
    if key == Value::FALSE {
        return Ok(0);
    }
    vm.hash(key)
}

#[inline(always)]
fn h32(h: usize) -> u32 {
    h as u32
}

/// The probe sequence of the index (CPython's): start at `hash & mask`, then
/// `i = 5*i + 1 + perturb` with `perturb` shifted right 5 bits each step. Sequential int keys
/// still land in consecutive slots, but collisions leave a cluster quickly; once `perturb`
/// is 0 the recurrence visits every slot, so `cap + PROBE_SLACK` steps always suffice.
struct Probe {
    i: usize,
    perturb: usize,
    mask: usize,
}

const PROBE_SLACK: usize = 8;

impl Probe {
    #[inline(always)]
    fn new(h: u32, cap: usize) -> Probe {
        let mask = cap - 1;
        Probe {
            i: h as usize & mask,
            perturb: h as usize,
            mask,
        }
    }
    #[inline(always)]
    fn next(&mut self) {
        self.perturb >>= 5;
        self.i = (self
            .i
            .wrapping_mul(5)
            .wrapping_add(self.perturb)
            .wrapping_add(1))
            & self.mask;
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
        // The array views the static table's Values as Cells; `fixed` forbids writes.
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
    /// Key of entry slot `i` (NULL if deleted or out of range).
    #[inline]
    pub fn slot_key(&self, i: usize) -> Value {
        self.entries.get().get(2 * i).unwrap_or(Value::NULL)
    }
    /// Set the value of live entry slot `i`.
    #[inline]
    pub fn set_slot_value(&self, i: usize, v: Value) {
        if !self.fixed.get() && !self.slot_key(i).is_null() {
            self.entries.get().set(2 * i + 1, v);
        }
    }
    /// Number of entry slots (live + deleted) for iteration with `slot`.
    #[inline]
    pub fn slots(&self) -> usize {
        self.used.get()
    }
    /// Next live entry at or after slot `*pos`; advances `*pos` past it.
    #[inline]
    pub fn next_entry(&self, pos: &mut usize) -> Option<(Value, Value)> {
        while *pos < self.used.get() {
            let (k, v) = self.slot(*pos);
            *pos += 1;
            if !k.is_null() {
                return Some((k, v));
            }
        }
        None
    }
    /// Iterate live entries (no snapshot: mutation during iteration is the caller's problem,
    /// as in CPython's "dict changed size during iteration"; it is never unsafe).
    pub fn iter(&self) -> impl Iterator<Item = (Value, Value)> + '_ {
        (0..self.slots())
            .map(move |i| self.slot(i))
            .filter(|(k, _)| !k.is_null())
    }

    /// Look up a key by qstr (attribute/global lookup). Also matches str objects with the
    /// same text. Never allocates and never calls Python.
    #[inline]
    pub fn get_qstr(&self, vm: &Vm, q: Qstr) -> Option<Value> {
        let i = self.find_qstr_slot(vm, q)?;
        self.entries.get().get(2 * i + 1)
    }

    /// The entry slot holding key `q` (or a str object with its text), if any. Never allocates
    /// and never calls Python.
    pub fn find_qstr_slot(&self, vm: &Vm, q: Qstr) -> Option<usize> {
        let key = Value::qstr(q);
        let entries = self.entries.get();
        let index = self.index.get();
        if index.capacity() == 0 {
            let cells = entries.cells();
            let n = self.used.get().min(cells.len() / 2);
            for i in 0..n {
                let k = cells[2 * i].get();
                // A map cannot hold both a qstr and an equal str object, so one pass will do.
                if k == key || (k.is_obj() && crate::types::str::value_eq_qstr(vm, k, q)) {
                    return Some(i);
                }
            }
            return None;
        }
        let hh = h32(vm.qstrs.hash(q));
        let cap = index.capacity() / 2;
        let mut p = Probe::new(hh, cap);
        for _ in 0..cap + PROBE_SLACK {
            let i = p.i;
            let e = index.get(2 * i).unwrap_or(0);
            if e == 0 {
                return None;
            }
            if index.get(2 * i + 1) == Some(hh) {
                let s = (e - 1) as usize;
                let k = self.slot_key(s);
                if k == key || (k.is_obj() && crate::types::str::value_eq_qstr(vm, k, q)) {
                    return Some(s);
                }
            }
            p.next();
        }
        None
    }

    /// The value of key `q` if entry slot `hint` holds it (a guess remembered from an earlier
    /// lookup; any slot number is safe to pass).
    #[inline(always)]
    pub fn get_at_hint(&self, hint: usize, q: Qstr) -> Option<Value> {
        if hint < self.used.get() {
            let e = self.entries.get();
            if e.get(2 * hint) == Some(Value::qstr(q)) {
                return e.get(2 * hint + 1);
            }
        }
        None
    }

    /// Replace the value of key `q` if entry slot `hint` holds it; false if it does not (or
    /// the map is fixed).
    #[inline(always)]
    pub fn set_at_hint(&self, hint: usize, q: Qstr, v: Value) -> bool {
        if hint < self.used.get() && !self.fixed.get() {
            let e = self.entries.get();
            if e.get(2 * hint) == Some(Value::qstr(q)) {
                e.set(2 * hint + 1, v);
                return true;
            }
        }
        false
    }

    /// Find the entry slot of `key` whose hash is `hash` (hash unused for linear maps).
    fn find(&self, vm: &mut Vm, key: Value, hash: usize) -> PyResult<Option<usize>> {
        let index = self.index.get();
        if index.capacity() == 0 {
            let used = self.used.get();
            for i in 0..used {
                if self.slot_key(i) == key {
                    return Ok(Some(i));
                }
            }
            if let Some(q) = key.as_qstr() {
                // A str object with the same text is the same key as the qstr.
                for i in 0..used {
                    let k = self.slot_key(i);
                    if k.is_obj() && crate::types::str::value_eq_qstr(vm, k, q) {
                        return Ok(Some(i));
                    }
                }
            } else if !key_is_identity_only(key) {
                let mut i = 0;
                while i < self.used.get() {
                    let k = self.slot_key(i);
                    if !k.is_null() && !cheap_unequal(k, key) && vm.eq_for_key(k, key)? {
                        return Ok(Some(i));
                    }
                    i += 1;
                }
            }
            return Ok(None);
        }
        let hh = h32(hash);
        let cap = index.capacity() / 2;
        let mut p = Probe::new(hh, cap);
        for _ in 0..cap + PROBE_SLACK {
            let i = p.i;
            // Re-read the index each step: an `__eq__` may have rebuilt it.
            let index = self.index.get();
            let e = index.get(2 * i).unwrap_or(0);
            if e == 0 {
                return Ok(None);
            }
            if index.get(2 * i + 1) == Some(hh) {
                let slot = (e - 1) as usize;
                let k = self.slot_key(slot);
                if k == key {
                    return Ok(Some(slot));
                }
                if !k.is_null() && !cheap_unequal(k, key) && vm.eq_for_key(k, key)? {
                    if self.slot_key(slot) == k {
                        return Ok(Some(slot));
                    }
                    return Ok(None);
                }
            }
            p.next();
        }
        Ok(None)
    }

    /// Hash `key` (TypeError if unhashable); for linear maps with identity-only keys the hash
    /// is not needed and not computed.
    #[inline]
    fn hash_for(&self, vm: &mut Vm, key: Value) -> PyResult<usize> {
        if self.index.get().capacity() == 0 && key_is_identity_only(key) {
            return Ok(0);
        }
        key_hash(vm, key)
    }

    /// Look up `key`.
    pub fn get(&self, vm: &mut Vm, key: Value) -> PyResult<Option<Value>> {
        if let Some(q) = key.as_qstr() {
            return Ok(self.get_qstr(vm, q));
        }
        if self.len.get() == 0 {
            // As MicroPython: looking up in an empty map does not hash the key.
            return Ok(None);
        }
        let hash = self.hash_for(vm, key)?;
        Ok(self.find(vm, key, hash)?.map(|i| self.slot(i).1))
    }

    /// True if `key` is present.
    pub fn contains(&self, vm: &mut Vm, key: Value) -> PyResult<bool> {
        if let Some(q) = key.as_qstr() {
            return Ok(self.get_qstr(vm, q).is_some());
        }
        if self.len.get() == 0 {
            return Ok(false);
        }
        let hash = self.hash_for(vm, key)?;
        Ok(self.find(vm, key, hash)?.is_some())
    }

    /// Look up `key`; returns the stored key and value (for sets, to find the element).
    pub fn get_entry(&self, vm: &mut Vm, key: Value) -> PyResult<Option<(Value, Value)>> {
        let hash = self.hash_for(vm, key)?;
        Ok(self.find(vm, key, hash)?.map(|i| self.slot(i)))
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
        let hash = key_hash(vm, key)?;
        if let Some(i) = self.find(vm, key, hash)? {
            self.entries.get().set(2 * i + 1, value);
            return Ok(());
        }
        self.insert_new(vm, key, value, hash)
    }

    /// Insert `key` only if absent; returns the value now stored for it (setdefault; set add).
    pub fn set_default(&self, vm: &mut Vm, key: Value, value: Value) -> PyResult<Value> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        let hash = key_hash(vm, key)?;
        if let Some(i) = self.find(vm, key, hash)? {
            return Ok(self.slot(i).1);
        }
        self.insert_new(vm, key, value, hash)?;
        Ok(value)
    }

    /// Insert by qstr key (module globals, attributes): cannot fail except for MemoryError.
    #[inline]
    pub fn set_qstr(&self, vm: &mut Vm, q: Qstr, value: Value) -> PyResult<()> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        let key = Value::qstr(q);
        // Fast replace for qstr keys.
        if self.index.get().capacity() == 0 {
            let e = self.entries.get();
            for i in 0..self.used.get() {
                if e.get(2 * i) == Some(key) {
                    e.set(2 * i + 1, value);
                    return Ok(());
                }
            }
        }
        self.set(vm, key, value)
    }

    fn insert_new(&self, vm: &mut Vm, key: Value, value: Value, hash: usize) -> PyResult<()> {
        let used = self.used.get();
        if 2 * used + 2 > self.entries.get().capacity() {
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
            if (used + 1) * 3 > (index.capacity() / 2) * 2 {
                // Carries the old entries over; the new one is added below.
                self.rebuild_index(vm, None)?;
            }
            Self::index_insert(&self.index.get(), hash, used);
        } else if used + 1 > LINEAR_MAX {
            self.rebuild_index(vm, None)?;
        }
        Ok(())
    }

    fn index_insert(index: &GcArray<u32>, hash: usize, slot: usize) {
        let cap = index.capacity() / 2;
        if cap == 0 {
            return;
        }
        let mut p = Probe::new(h32(hash), cap);
        for _ in 0..cap + PROBE_SLACK {
            let i = p.i;
            if index.get(2 * i) == Some(0) {
                index.set(2 * i, (slot + 1) as u32);
                index.set(2 * i + 1, h32(hash));
                return;
            }
            p.next();
        }
    }

    /// Make room for more entries, compacting away deleted ones.
    fn grow(&self, vm: &mut Vm) -> PyResult<()> {
        let live = self.len.get();
        let new_cap = (live * 2).max(4);
        let new = vm.alloc_array::<Value>(new_cap * 2)?;
        let used = self.used.get();
        // Old slot -> new slot, for carrying the stored hashes over.
        let mut remap: Vec<u32> = Vec::new();
        let has_index = self.index.get().capacity() != 0;
        if has_index {
            remap.resize(used, u32::MAX);
        }
        let mut j = 0;
        for i in 0..used {
            let (k, v) = self.slot(i);
            if !k.is_null() {
                new.set(2 * j, k);
                new.set(2 * j + 1, v);
                if let Some(r) = remap.get_mut(i) {
                    *r = j as u32;
                }
                j += 1;
            }
        }
        let old = self.entries.replace(new);
        self.used.set(j);
        self.len.set(j);
        if !self.fixed.get() && old.capacity() != 0 {
            vm.free_array(old);
        }
        if has_index || j > LINEAR_MAX {
            self.rebuild_index(vm, if has_index { Some(&remap) } else { None })?;
        }
        Ok(())
    }

    /// Rebuild the index for the current entries. With `remap` (old slot -> new slot after a
    /// compaction), hashes are taken from the old index; otherwise keys are hashed afresh.
    fn rebuild_index(&self, vm: &mut Vm, remap: Option<&[u32]>) -> PyResult<()> {
        let used = self.used.get();
        // At least twice the entries (live or not) the entry array can hold.
        let want = (used + 1)
            .max(self.entries.get().capacity() / 2)
            .saturating_mul(2);
        let mut cap: usize = 16;
        while cap < want {
            cap = cap.saturating_mul(2);
        }
        let Some(n) = cap.checked_mul(2) else {
            return Err(vm.memory_error());
        };
        let index = vm.alloc_array::<u32>(n)?;
        let old = self.index.get();
        let mut done = false;
        if old.capacity() != 0 {
            // Carry stored hashes over from the old index.
            let old_cap = old.capacity() / 2;
            for p in 0..old_cap {
                let e = old.get(2 * p).unwrap_or(0);
                if e == 0 {
                    continue;
                }
                let old_slot = (e - 1) as usize;
                let new_slot = match remap {
                    Some(r) => match r.get(old_slot) {
                        Some(&s) if s != u32::MAX => s as usize,
                        _ => continue,
                    },
                    None => old_slot,
                };
                if self.slot_key(new_slot).is_null() {
                    continue;
                }
                let h = old.get(2 * p + 1).unwrap_or(0) as usize;
                Self::index_insert(&index, h, new_slot);
            }
            done = true;
        }
        if !done {
            for i in 0..used {
                let k = self.slot_key(i);
                if !k.is_null() {
                    let h = key_hash(vm, k)?;
                    Self::index_insert(&index, h, i);
                }
            }
        }
        let old = self.index.replace(index);
        if old.capacity() != 0 {
            vm.free_array(old);
        }
        Ok(())
    }

    /// Delete entry slot `i`; returns its (key, value).
    fn remove_slot(&self, i: usize) -> (Value, Value) {
        let (k, v) = self.slot(i);
        if k.is_null() {
            return (k, v);
        }
        let e = self.entries.get();
        e.set(2 * i, Value::NULL);
        e.set(2 * i + 1, Value::NULL);
        self.len.set(self.len.get() - 1);
        if self.index.get().capacity() == 0 {
            // Trailing deleted entries of a linear map can be reused at once.
            let mut used = self.used.get();
            while used > 0 && self.slot_key(used - 1).is_null() {
                used -= 1;
            }
            self.used.set(used);
        }
        (k, v)
    }

    /// Remove `key`, returning its value.
    pub fn remove(&self, vm: &mut Vm, key: Value) -> PyResult<Option<Value>> {
        Ok(self.remove_entry(vm, key)?.map(|(_, v)| v))
    }

    /// Remove `key`, returning the stored key and value.
    pub fn remove_entry(&self, vm: &mut Vm, key: Value) -> PyResult<Option<(Value, Value)>> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        let hash = self.hash_for(vm, key)?;
        let Some(i) = self.find(vm, key, hash)? else {
            return Ok(None);
        };
        Ok(Some(self.remove_slot(i)))
    }

    /// Remove and return the last inserted entry (dict.popitem()).
    pub fn pop_last(&self, vm: &mut Vm) -> PyResult<Option<(Value, Value)>> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        let mut i = self.used.get();
        while i > 0 {
            i -= 1;
            if !self.slot_key(i).is_null() {
                let kv = self.remove_slot(i);
                // Popping from the end: the slot can be reused.
                if self.used.get() == i + 1 && self.index.get().capacity() == 0 {
                    self.used.set(i);
                }
                return Ok(Some(kv));
            }
        }
        Ok(None)
    }

    /// Remove and return the first entry (set.pop()).
    pub fn pop_first(&self, vm: &mut Vm) -> PyResult<Option<(Value, Value)>> {
        if self.fixed.get() {
            return Err(Self::fixed_error(vm));
        }
        for i in 0..self.used.get() {
            if !self.slot_key(i).is_null() {
                return Ok(Some(self.remove_slot(i)));
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

    /// Reserve room for `n` entries in an empty map (dict copies, comprehensions).
    pub fn reserve(&self, vm: &mut Vm, n: usize) -> PyResult<()> {
        if self.fixed.get() || self.used.get() != 0 || n <= 4 {
            return Ok(());
        }
        let Some(words) = n.checked_mul(2) else {
            return Err(vm.memory_error());
        };
        let new = vm.alloc_array::<Value>(words)?;
        self.entries.set(new);
        Ok(())
    }

    /// Copy every entry of `other` into this (empty or not) map. Into an empty map, a
    /// compact indexed map is copied array by array (no hashing, no comparisons).
    pub fn update_from(&self, vm: &mut Vm, other: &Map) -> PyResult<()> {
        if core::ptr::eq(self, other) {
            return Ok(());
        }
        let oi = other.index.get();
        let used = other.used.get();
        if self.used.get() == 0
            && !self.fixed.get()
            && oi.capacity() != 0
            && used == other.len.get()
        {
            let Some(words) = used.checked_mul(2) else {
                return Err(vm.memory_error());
            };
            let e = vm.alloc_array::<Value>(words.max(8))?;
            let oe = other.entries.get();
            for i in 0..words {
                e.set(i, oe.get(i).unwrap_or(Value::NULL));
            }
            let idx = vm.alloc_array::<u32>(oi.capacity())?;
            // `other` may have changed if the allocation ran a finaliser: copy its current
            // index only if it is still the same shape.
            let oi = other.index.get();
            if oi.capacity() == idx.capacity() && other.used.get() == used {
                for i in 0..oi.capacity() {
                    idx.set(i, oi.get(i).unwrap_or(0));
                }
                self.entries.set(e);
                self.index.set(idx);
                self.used.set(used);
                self.len.set(used);
                return Ok(());
            }
        }
        let mut pos = 0;
        while let Some((k, v)) = other.next_entry(&mut pos) {
            self.set(vm, k, v)?;
        }
        Ok(())
    }
}

/// Keys for which `==` is identity, so linear search can compare words.
#[inline]
fn key_is_identity_only(k: Value) -> bool {
    k.is_qstr()
        || (k.is_immediate() && !k.is_bool())
        || k.as_obj()
            .map(|h| h.ty.get().has_flag(flags::EQ_IS_IDENTITY))
            .unwrap_or(false)
}

/// Keys that certainly differ without calling `__eq__` (two distinct small ints or qstrs).
#[inline]
fn cheap_unequal(a: Value, b: Value) -> bool {
    (a.is_small_int() && b.is_small_int()) || (a.is_qstr() && b.is_qstr())
}

/// The dict object of a dict value (exact dict type).
pub fn dict_map(v: Value) -> Option<crate::value::Gc<DictObj>> {
    v.downcast::<DictObj>()
}

#[allow(dead_code)]
const _QSTRS_USED: [Qstr; 1] = [Q::dict];
