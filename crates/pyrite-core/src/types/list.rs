//! `list`. Items live in a GC array; `len <= capacity`.
//!
//! Contract: `LIST_TYPE`, `ListObj`, `list_obj(v)`, `new_list(vm, items)`,
//! `new_list_with_capacity(vm, n)`, `list_append(vm, list, v)`, `list_extend(vm, list, iterable)`,
//! `list_from_iter(vm, iterable)`, `list_sort(vm, list, key, reverse)`, `LIST_ITER_TYPE`.
//! Shared sequence helpers used by tuple (and anyone holding `&[Value]`-like sequences):
//! `seq_compare`, `print_seq`.
//!
//! Robustness: every access re-reads `len` and the item array and bounds-checks, because any
//! call into Python (`__eq__`, `__lt__`, a sort key) may mutate the list.

use super::arg;
use alloc::format;
use alloc::string::String;
use core::cell::Cell;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, kw_get, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp, VAR_ARGS};
use crate::qstr::Q;
use crate::types::slice::{self, seq_index, slice_indices, slice_len, unhashable};
use crate::types::tuple::tuple_items;
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct ListObj {
    pub hdr: ObjHeader,
    pub len: Cell<usize>,
    pub items: Cell<GcArray<Value>>,
}

crate::py_object!(ListObj, LIST_TYPE);

pub static LIST_TYPE: Type = Type {
    make_new: Some(list_make_new),
    print: Some(list_print),
    unary_op: Some(list_unary_op),
    binary_op: Some(list_binary_op),
    subscr: Some(list_subscr),
    getiter: Some(list_getiter),
    ..Type::new(Q::list)
}
.with_flags(flags::BASETYPE)
.with_locals(&LIST_LOCALS);

crate::fixed_dict!(
    LIST_LOCALS,
    [
        (Q::append, crate::fnv!(LIST_APPEND)),
        (Q::clear, crate::fnv!(LIST_CLEAR)),
        (Q::copy, crate::fnv!(LIST_COPY)),
        (Q::count, crate::fnv!(LIST_COUNT)),
        (Q::extend, crate::fnv!(LIST_EXTEND)),
        (Q::index, crate::fnv!(LIST_INDEX)),
        (Q::insert, crate::fnv!(LIST_INSERT)),
        (Q::pop, crate::fnv!(LIST_POP)),
        (Q::remove, crate::fnv!(LIST_REMOVE)),
        (Q::reverse, crate::fnv!(LIST_REVERSE)),
        (Q::sort, crate::fnv!(LIST_SORT)),
    ]
);

static LIST_APPEND: BuiltinFn = BuiltinFn::new(Q::append, 2, 2, list_append_meth);
static LIST_CLEAR: BuiltinFn = BuiltinFn::new(Q::clear, 1, 1, list_clear_meth);
static LIST_COPY: BuiltinFn = BuiltinFn::new(Q::copy, 1, 1, list_copy_meth);
static LIST_COUNT: BuiltinFn = BuiltinFn::new(Q::count, 2, 2, list_count_meth);
static LIST_EXTEND: BuiltinFn = BuiltinFn::new(Q::extend, 2, 2, list_extend_meth);
static LIST_INDEX: BuiltinFn = BuiltinFn::new(Q::index, 2, 4, list_index_meth);
static LIST_INSERT: BuiltinFn = BuiltinFn::new(Q::insert, 3, 3, list_insert_meth);
static LIST_POP: BuiltinFn = BuiltinFn::new(Q::pop, 1, 2, list_pop_meth);
static LIST_REMOVE: BuiltinFn = BuiltinFn::new(Q::remove, 2, 2, list_remove_meth);
static LIST_REVERSE: BuiltinFn = BuiltinFn::new(Q::reverse, 1, 1, list_reverse_meth);
static LIST_SORT: BuiltinFn = BuiltinFn::new_kw(Q::sort, 1, 1, list_sort_meth);

const MIN_ALLOC: usize = 4;

impl ListObj {
    /// Item `i` (None if out of range).
    #[inline]
    pub fn get(&self, i: usize) -> Option<Value> {
        if i < self.len.get() {
            self.items.get().get(i)
        } else {
            None
        }
    }
    #[inline]
    pub fn len(&self) -> usize {
        self.len.get()
    }
    /// Set item `i` if in range.
    #[inline]
    pub fn set(&self, i: usize, v: Value) {
        if i < self.len.get() {
            self.items.get().set(i, v)
        }
    }
    /// Shorten to `n` items, clearing the freed slots.
    fn truncate(&self, n: usize) {
        let a = self.items.get();
        for i in n..self.len.get() {
            a.set(i, Value::NULL);
        }
        if n < self.len.get() {
            self.len.set(n);
        }
    }
}

/// A list value if `v` is exactly a list.
#[inline]
pub fn list_obj(v: Value) -> Option<Gc<ListObj>> {
    v.downcast::<ListObj>()
}

/// The list handle of `self` for a method (TypeError if not a list).
#[inline]
fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<ListObj>> {
    if let Some(l) = list_obj(v) {
        return Ok(l);
    }
    match crate::types::class::native_self(v, &LIST_TYPE).and_then(list_obj) {
        Some(l) => Ok(l),
        None => {
            let m = format!(
                "descriptor requires a 'list' object but received a '{}'",
                vm.type_name(v)
            );
            Err(vm.type_error(&m))
        }
    }
}

/// A new empty list with room for `n` items.
pub fn new_list_with_capacity(vm: &mut Vm, n: usize) -> PyResult<Gc<ListObj>> {
    let arr = vm.alloc_array::<Value>(n.max(MIN_ALLOC))?;
    vm.alloc_obj(ListObj {
        hdr: ObjHeader::new(&LIST_TYPE),
        len: Cell::new(0),
        items: Cell::new(arr),
    })
}

/// A new list holding a copy of `items`.
pub fn new_list(vm: &mut Vm, items: &[Value]) -> PyResult<Value> {
    let l = new_list_with_capacity(vm, items.len())?;
    let arr = l.items.get();
    for (i, &v) in items.iter().enumerate() {
        arr.set(i, v);
    }
    l.len.set(items.len());
    Ok(l.value())
}

/// Make sure the list has room for `extra` more items.
fn reserve(vm: &mut Vm, l: Gc<ListObj>, extra: usize) -> PyResult<()> {
    let n = l.len.get();
    let a = l.items.get();
    let Some(need) = n.checked_add(extra) else {
        return Err(vm.memory_error());
    };
    if need > a.capacity() {
        let new_cap = need.max(a.capacity().saturating_mul(2)).max(MIN_ALLOC);
        let new = vm.realloc_array(a, new_cap)?;
        l.items.set(new);
    }
    Ok(())
}

#[inline]
fn push(vm: &mut Vm, l: Gc<ListObj>, v: Value) -> PyResult<()> {
    let n = l.len.get();
    let a = l.items.get();
    if n >= a.capacity() {
        reserve(vm, l, 1)?;
    }
    l.items.get().set(n, v);
    l.len.set(n + 1);
    Ok(())
}

/// `list.append(v)`.
#[inline]
pub fn list_append(vm: &mut Vm, list: Value, v: Value) -> PyResult<()> {
    let Some(l) = list_obj(list) else {
        return Err(vm.type_error("expected a list"));
    };
    push(vm, l, v)
}

/// `list.extend(iterable)`.
pub fn list_extend(vm: &mut Vm, list: Value, iterable: Value) -> PyResult<()> {
    let Some(l) = list_obj(list) else {
        return Err(vm.type_error("expected a list"));
    };
    if let Some(src) = list_obj(iterable) {
        // Snapshot the length first so `a.extend(a)` doubles once.
        let n = src.len();
        reserve(vm, l, n)?;
        for i in 0..n {
            match src.get(i) {
                Some(v) => push(vm, l, v)?,
                None => break,
            }
        }
        return Ok(());
    }
    if let Some(t) = tuple_items(iterable) {
        reserve(vm, l, t.len())?;
        for &v in t.items() {
            push(vm, l, v)?;
        }
        return Ok(());
    }
    let it = vm.get_iter(iterable)?;
    while let Some(v) = vm.iter_next(it)? {
        push(vm, l, v)?;
    }
    Ok(())
}

/// A new list of the items of any iterable.
pub fn list_from_iter(vm: &mut Vm, iterable: Value) -> PyResult<Gc<ListObj>> {
    let n = if let Some(s) = list_obj(iterable) {
        s.len()
    } else if let Some(t) = tuple_items(iterable) {
        t.len()
    } else {
        0
    };
    let l = new_list_with_capacity(vm, n)?;
    list_extend(vm, l.value(), iterable)?;
    Ok(l)
}

fn list_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    match *args {
        [] => Ok(new_list_with_capacity(vm, 0)?.value()),
        [it] => Ok(list_from_iter(vm, it)?.value()),
        _ => Err(vm.type_error("function expected at most 1 arguments")),
    }
}

// ---- printing ----

/// Fail with RuntimeError instead of overflowing the native stack in recursive printing,
/// comparison or hashing of nested containers.
pub fn check_stack(vm: &mut Vm) -> PyResult<()> {
    let here = 0u8;
    let addr = &here as *const u8 as usize;
    let top = vm.stack_top;
    if top != 0 && top > addr && top - addr > vm.config.stack_limit {
        return Err(vm.runtime_error("maximum recursion depth exceeded"));
    }
    Ok(())
}

/// Append `open item, item, ... close` for items read by `get` (re-read each step).
pub fn print_seq(
    vm: &mut Vm,
    open: &str,
    close: &str,
    mut get: impl FnMut(usize) -> Option<Value>,
    out: &mut String,
) -> PyResult<()> {
    check_stack(vm)?;
    push_str(out, open);
    let mut i = 0;
    while let Some(v) = get(i) {
        if i > 0 {
            push_str(out, ", ");
        }
        vm.print_to(v, PrintKind::Repr, out)?;
        i += 1;
    }
    push_str(out, close);
    Ok(())
}

/// Mark `v` as being printed (CPython's `[...]` guard for self-containing containers). Returns
/// false if it already is. The marks are `[SENTINEL, v]` pairs on `vm.roots`, so they also keep
/// `v` alive; every `true` must be followed by [`repr_leave`].
pub fn repr_enter(vm: &mut Vm, v: Value) -> bool {
    if vm
        .roots
        .windows(2)
        .any(|w| w[0] == Value::SENTINEL && w[1] == v)
    {
        return false;
    }
    vm.roots.push(Value::SENTINEL);
    vm.roots.push(v);
    true
}

/// Undo [`repr_enter`].
pub fn repr_leave(vm: &mut Vm, v: Value) {
    let n = vm.roots.len();
    if n >= 2 && vm.roots[n - 1] == v && vm.roots[n - 2] == Value::SENTINEL {
        vm.roots.truncate(n - 2);
    } else if let Some(i) = (0..n.saturating_sub(1))
        .rev()
        .find(|&i| vm.roots[i] == Value::SENTINEL && vm.roots[i + 1] == v)
    {
        vm.roots.drain(i..i + 2);
    }
}

fn list_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(l) = list_obj(v) else {
        return Ok(());
    };
    if !repr_enter(vm, v) {
        push_str(out, "[...]");
        return Ok(());
    }
    let r = print_seq(vm, "[", "]", |i| l.get(i), out);
    repr_leave(vm, v);
    r
}

// ---- unary / binary ----

fn list_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(l) = list_obj(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(l.len() != 0),
        UnaryOp::Len => Value::small_int_unchecked(l.len() as isize),
        UnaryOp::Hash => return Err(unhashable(vm, v)),
        UnaryOp::Sizeof => Value::small_int_unchecked(
            (core::mem::size_of::<ListObj>()
                + l.items.get().capacity() * core::mem::size_of::<Value>()) as isize,
        ),
        _ => Value::NULL,
    })
}

/// Item `i` of a list or tuple value, read fresh.
#[inline]
fn seq_get(v: Value, i: usize) -> Option<Value> {
    if let Some(l) = list_obj(v) {
        return l.get(i);
    }
    if let Some(t) = tuple_items(v) {
        return t.items().get(i).copied();
    }
    None
}

/// Lexicographic comparison of two lists or two tuples (`op` is Equal, Less, LessEqual, More
/// or MoreEqual). Items are re-read each step, so mutation by `__eq__` cannot crash.
pub fn seq_compare(vm: &mut Vm, op: BinOp, a: Value, b: Value) -> PyResult<bool> {
    check_stack(vm)?;
    let len = |v: Value| -> usize {
        if let Some(l) = list_obj(v) {
            l.len()
        } else if let Some(t) = tuple_items(v) {
            t.len()
        } else {
            0
        }
    };
    if op == BinOp::Equal && len(a) != len(b) {
        return Ok(false);
    }
    let mut i = 0;
    while let (Some(x), Some(y)) = (seq_get(a, i), seq_get(b, i)) {
        if !vm.eq(x, y)? {
            if op == BinOp::Equal {
                return Ok(false);
            }
            let r = vm.binary_op(op, x, y)?;
            return vm.is_true(r);
        }
        i += 1;
    }
    let (la, lb) = (len(a), len(b));
    Ok(match op {
        BinOp::Equal => la == lb,
        BinOp::Less => la < lb,
        BinOp::LessEqual => la <= lb,
        BinOp::More => la > lb,
        BinOp::MoreEqual => la >= lb,
        _ => false,
    })
}

/// `n` as a repeat count for `seq * n`: None if `n` is not an int.
pub fn repeat_count(vm: &mut Vm, n: Value) -> PyResult<Option<usize>> {
    match slice::int_value_maybe(vm, n) {
        Ok(Some(i)) => Ok(Some(if i < 0 { 0 } else { i as usize })),
        Ok(None) => Ok(None),
        Err(e) => {
            // A huge count: fine only for an empty sequence, else out of memory.
            let neg = vm.binary_op(BinOp::Less, n, Value::small_int_unchecked(0))?;
            if neg == Value::TRUE {
                Ok(Some(0))
            } else {
                let _ = e;
                Ok(Some(usize::MAX))
            }
        }
    }
}

fn list_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let Some(l) = list_obj(lhs) else {
        return Ok(Value::NULL);
    };
    match op {
        BinOp::Add => {
            let Some(r) = list_obj(rhs) else {
                return Ok(Value::NULL);
            };
            let n = l.len().saturating_add(r.len());
            let out = new_list_with_capacity(vm, n)?;
            for src in [l, r] {
                for i in 0..src.len() {
                    if let Some(v) = src.get(i) {
                        push(vm, out, v)?;
                    }
                }
            }
            Ok(out.value())
        }
        BinOp::InplaceAdd => {
            list_extend(vm, lhs, rhs)?;
            Ok(lhs)
        }
        BinOp::Multiply | BinOp::ReverseMultiply | BinOp::InplaceMultiply => {
            let Some(times) = repeat_count(vm, rhs)? else {
                return Ok(Value::NULL);
            };
            let n = l.len();
            let total = if n == 0 {
                0
            } else {
                match n.checked_mul(times) {
                    Some(t) => t,
                    None => return Err(vm.memory_error()),
                }
            };
            if op == BinOp::InplaceMultiply {
                if times == 0 {
                    l.truncate(0);
                    return Ok(lhs);
                }
                reserve(vm, l, total - n)?;
                for _ in 1..times {
                    for i in 0..n {
                        let v = l.get(i).unwrap_or(Value::NONE);
                        push(vm, l, v)?;
                    }
                }
                return Ok(lhs);
            }
            let out = new_list_with_capacity(vm, total)?;
            for _ in 0..times.min(if n == 0 { 0 } else { times }) {
                for i in 0..n {
                    if let Some(v) = l.get(i) {
                        push(vm, out, v)?;
                    }
                }
            }
            Ok(out.value())
        }
        BinOp::Equal => {
            if list_obj(rhs).is_none() {
                return Ok(Value::FALSE);
            }
            Ok(Value::from_bool(seq_compare(vm, op, lhs, rhs)?))
        }
        BinOp::Less | BinOp::LessEqual | BinOp::More | BinOp::MoreEqual => {
            if list_obj(rhs).is_none() {
                return Ok(Value::NULL);
            }
            Ok(Value::from_bool(seq_compare(vm, op, lhs, rhs)?))
        }
        BinOp::Contains => {
            let mut i = 0;
            while let Some(v) = l.get(i) {
                if vm.eq(v, rhs)? {
                    return Ok(Value::TRUE);
                }
                i += 1;
            }
            Ok(Value::FALSE)
        }
        _ => Ok(Value::NULL),
    }
}

// ---- subscripts ----

fn list_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(l) = list_obj(obj) else {
        return Ok(Value::NULL);
    };
    if let Some(i) = index.as_small_int() {
        // Fast path: small int index.
        let n = l.len();
        let j = if i < 0 { i + n as isize } else { i };
        if j >= 0 && (j as usize) < n {
            let j = j as usize;
            if value == Value::SENTINEL {
                return Ok(l.get(j).unwrap_or(Value::NONE));
            } else if !value.is_null() {
                l.set(j, value);
                return Ok(Value::NONE);
            }
        }
    }
    if slice::is_slice(index) {
        return list_subscr_slice(vm, l, index, value);
    }
    let i = seq_index(vm, index, l.len(), "list")?;
    if value == Value::SENTINEL {
        Ok(l.get(i).unwrap_or(Value::NONE))
    } else if value.is_null() {
        list_pop_at(l, i);
        Ok(Value::NONE)
    } else {
        l.set(i, value);
        Ok(Value::NONE)
    }
}

/// Remove item `i` (in range) and return it.
fn list_pop_at(l: Gc<ListObj>, i: usize) -> Value {
    let n = l.len();
    let a = l.items.get();
    let v = a.get(i).unwrap_or(Value::NONE);
    for j in i..n.saturating_sub(1) {
        a.set(j, a.get(j + 1).unwrap_or(Value::NULL));
    }
    if n > 0 {
        a.set(n - 1, Value::NULL);
        l.len.set(n - 1);
    }
    v
}

fn list_subscr_slice(vm: &mut Vm, l: Gc<ListObj>, index: Value, value: Value) -> PyResult<Value> {
    let (start, stop, step) = slice_indices(vm, index, l.len())?;
    let count = slice_len(start, stop, step);
    if value == Value::SENTINEL {
        let out = new_list_with_capacity(vm, count)?;
        let mut k = start;
        for _ in 0..count {
            if let Some(v) = l.get(k as usize) {
                push(vm, out, v)?;
            }
            k += step;
        }
        return Ok(out.value());
    }
    if value.is_null() {
        // Deletion.
        if count == 0 {
            return Ok(Value::NONE);
        }
        let (lo, st) = if step > 0 {
            (start as usize, step as usize)
        } else {
            let last = start + (count as isize - 1) * step;
            (last as usize, (-step) as usize)
        };
        let n = l.len();
        let a = l.items.get();
        let mut w = lo;
        let mut removed = 0;
        for r in lo..n {
            if removed < count && r == lo + removed * st {
                removed += 1;
                continue;
            }
            a.set(w, a.get(r).unwrap_or(Value::NULL));
            w += 1;
        }
        l.truncate(w);
        return Ok(Value::NONE);
    }
    // Assignment: take a snapshot of the new items first (handles `a[:] = a`).
    let src = list_from_iter(vm, value)?;
    let m = src.len();
    if step == 1 {
        let start = start as usize;
        let stop = (stop as usize).max(start);
        let n = l.len();
        let stop = stop.min(n);
        let start = start.min(stop);
        let new_len = n - (stop - start) + m;
        if new_len > n {
            reserve(vm, l, new_len - n)?;
        }
        let a = l.items.get();
        let n = l.len();
        if new_len > n {
            // Shift the tail right.
            for j in (stop..n).rev() {
                a.set(j + (new_len - n), a.get(j).unwrap_or(Value::NULL));
            }
        } else if new_len < n {
            for j in stop..n {
                a.set(j - (n - new_len), a.get(j).unwrap_or(Value::NULL));
            }
            for j in new_len..n {
                a.set(j, Value::NULL);
            }
        }
        for k in 0..m {
            a.set(start + k, src.get(k).unwrap_or(Value::NONE));
        }
        l.len.set(new_len);
        return Ok(Value::NONE);
    }
    if m != count {
        let msg = format!(
            "attempt to assign sequence of size {} to extended slice of size {}",
            m, count
        );
        return Err(vm.value_error(&msg));
    }
    let mut k = start;
    for j in 0..count {
        l.set(k as usize, src.get(j).unwrap_or(Value::NONE));
        k += step;
    }
    Ok(Value::NONE)
}

// ---- iteration ----

/// The list iterator.
#[repr(C)]
pub struct ListIterObj {
    pub hdr: ObjHeader,
    pub list: Value,
    pub cur: Cell<usize>,
}

crate::py_object!(ListIterObj, LIST_ITER_TYPE);

pub static LIST_ITER_TYPE: Type = Type {
    getiter: Some(crate::types::iter::iter_self),
    iternext: Some(list_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn list_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(ListIterObj {
            hdr: ObjHeader::new(&LIST_ITER_TYPE),
            list: v,
            cur: Cell::new(0),
        })?
        .value())
}

fn list_iternext(_vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<ListIterObj>() else {
        return Ok(Value::STOP);
    };
    let Some(l) = list_obj(it.list) else {
        return Ok(Value::STOP);
    };
    let i = it.cur.get();
    match l.get(i) {
        Some(v) => {
            it.cur.set(i + 1);
            Ok(v)
        }
        None => Ok(Value::STOP),
    }
}

// ---- methods ----

fn list_append_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    push(vm, l, arg(args, 1))?;
    Ok(Value::NONE)
}

fn list_clear_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    if l.len() == 0 && l.items.get().capacity() <= MIN_ALLOC {
        // Nothing to do (and, during a sort, not a modification).
        return Ok(Value::NONE);
    }
    let new = vm.alloc_array::<Value>(MIN_ALLOC)?;
    // The old array is simply dropped: iterators refer to the list, never to its array.
    l.items.set(new);
    l.len.set(0);
    Ok(Value::NONE)
}

fn list_copy_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    let out = new_list_with_capacity(vm, l.len())?;
    for i in 0..l.len() {
        if let Some(v) = l.get(i) {
            push(vm, out, v)?;
        }
    }
    Ok(out.value())
}

fn list_count_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    let mut n = 0isize;
    let mut i = 0;
    while let Some(v) = l.get(i) {
        if vm.eq(v, arg(args, 1))? {
            n += 1;
        }
        i += 1;
    }
    Ok(Value::small_int_unchecked(n))
}

fn list_extend_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, arg(args, 0))?;
    list_extend(vm, arg(args, 0), arg(args, 1))?;
    Ok(Value::NONE)
}

/// Find `x` in `get(start..stop)` (the items re-read each step); ValueError if absent.
pub fn seq_index_of(
    vm: &mut Vm,
    args: &[Value],
    len: usize,
    mut get: impl FnMut(usize) -> Option<Value>,
) -> PyResult<Value> {
    let start = match args.get(2) {
        Some(&v) => slice::clamp_index(vm, v, len)?,
        None => 0,
    };
    let stop = match args.get(3) {
        Some(&v) => slice::clamp_index(vm, v, len)?,
        None => len,
    };
    let mut i = start;
    while i < stop {
        let Some(v) = get(i) else { break };
        if vm.eq(v, arg(args, 1))? {
            return Ok(Value::small_int_unchecked(i as isize));
        }
        i += 1;
    }
    Err(vm.value_error("object not in sequence"))
}

fn list_index_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    seq_index_of(vm, args, l.len(), |i| l.get(i))
}

fn list_insert_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    let i = slice::int_value(vm, arg(args, 1))?;
    push(vm, l, Value::NONE)?;
    let n = l.len();
    let old_n = (n - 1) as isize;
    let idx = if i < 0 {
        i.saturating_add(old_n).max(0)
    } else {
        i.min(old_n)
    } as usize;
    let a = l.items.get();
    let mut j = n - 1;
    while j > idx {
        a.set(j, a.get(j - 1).unwrap_or(Value::NULL));
        j -= 1;
    }
    a.set(idx, arg(args, 2));
    Ok(Value::NONE)
}

fn list_pop_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    if l.len() == 0 {
        return Err(vm.index_error("pop from empty list"));
    }
    let i = match args.get(1) {
        Some(&idx) => seq_index(vm, idx, l.len(), "list")?,
        None => l.len() - 1,
    };
    let v = list_pop_at(l, i);
    // Shrink when mostly empty (as MicroPython does), keeping amortised O(1) appends.
    let cap = l.items.get().capacity();
    if cap > 16 && cap > 4 * l.len() {
        let new_cap = (cap / 2).max(MIN_ALLOC);
        if let Ok(a) = vm.realloc_array(l.items.get(), new_cap) {
            l.items.set(a);
        }
    }
    Ok(v)
}

fn list_remove_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    let mut i = 0;
    while let Some(v) = l.get(i) {
        if vm.eq(v, arg(args, 1))? {
            if i < l.len() {
                list_pop_at(l, i);
            }
            return Ok(Value::NONE);
        }
        i += 1;
    }
    Err(vm.value_error("object not in sequence"))
}

fn list_reverse_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    let n = l.len();
    let a = l.items.get();
    for i in 0..n / 2 {
        let x = a.get(i).unwrap_or(Value::NULL);
        let y = a.get(n - 1 - i).unwrap_or(Value::NULL);
        a.set(i, y);
        a.set(n - 1 - i, x);
    }
    Ok(Value::NONE)
}

fn list_sort_meth(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let l = this(vm, arg(args, 0))?;
    let mut key = Value::NONE;
    let mut reverse = false;
    for p in kw.chunks_exact(2) {
        if p[0] == Value::qstr(Q::key) {
            key = p[1];
        } else if p[0] == Value::qstr(Q::reverse) {
            reverse = vm.is_true(p[1])?;
        } else {
            let m = format!("unexpected keyword argument '{}'", vm.str_string(p[0])?);
            return Err(vm.type_error(&m));
        }
    }
    list_sort(vm, l, key, reverse)?;
    Ok(Value::NONE)
}

/// Sort a list in place: stable merge sort, `key` None or a callable, comparisons through
/// `<` (exceptions propagate). While sorting, the list is empty; if the key function or a
/// comparison modifies it, ValueError("list modified during sort") is raised at the end.
pub fn list_sort(vm: &mut Vm, l: Gc<ListObj>, key: Value, reverse: bool) -> PyResult<()> {
    let n = l.len();
    if n < 2 {
        return Ok(());
    }
    // Detach the items.
    let orig = l.items.get();
    let empty = vm.alloc_array::<Value>(0)?;
    l.items.set(empty);
    l.len.set(0);
    let r = sort_detached(vm, orig, n, key, reverse);
    // Whatever happened, give the list its items back (sorted, or in the original order if an
    // exception stopped the sort).
    let modified = l.len.get() != 0 || l.items.get().capacity() != 0;
    l.items.set(orig);
    l.len.set(n);
    r?;
    if modified {
        return Err(vm.value_error("list modified during sort"));
    }
    Ok(())
}

#[inline]
fn less(vm: &mut Vm, a: Value, b: Value) -> PyResult<bool> {
    if let (Some(x), Some(y)) = (a.as_small_int(), b.as_small_int()) {
        return Ok(x < y);
    }
    let r = vm.binary_op(BinOp::Less, a, b)?;
    if r == Value::TRUE {
        Ok(true)
    } else if r == Value::FALSE {
        Ok(false)
    } else {
        vm.is_true(r)
    }
}

/// Sort `orig[0..n]` in place. Keys (if any) and scratch space live in one GC array that the
/// native stack keeps alive. On error `orig` keeps its original order.
fn sort_detached(
    vm: &mut Vm,
    orig: GcArray<Value>,
    n: usize,
    key: Value,
    reverse: bool,
) -> PyResult<()> {
    let has_key = !key.is_none();
    // Layout of `work`: [keys a | vals a | keys b | vals b] (without a key function the keys
    // are the values: [vals a | vals b]).
    let lanes = if has_key { 4 } else { 2 };
    let Some(size) = n.checked_mul(lanes) else {
        return Err(vm.memory_error());
    };
    let work = vm.alloc_array::<Value>(size)?;
    for i in 0..n {
        let v = orig.get(i).unwrap_or(Value::NONE);
        work.set(i, v);
        if has_key {
            work.set(n + i, v);
        }
    }
    if has_key {
        for i in 0..n {
            let v = work.get(n + i).unwrap_or(Value::NONE);
            let k = vm.call(key, &[v], &[])?;
            work.set(i, k);
        }
    }
    let cmp_less = |vm: &mut Vm, a: Value, b: Value| -> PyResult<bool> {
        if reverse {
            less(vm, b, a)
        } else {
            less(vm, a, b)
        }
    };
    // Offsets of the lanes: (keys, vals) for the source and the destination.
    let (mut src, mut dst) = if has_key {
        ((0, n), (2 * n, 3 * n))
    } else {
        ((0, 0), (n, n))
    };
    // Insertion sort runs of RUN items in the source.
    const RUN: usize = 12;
    let mut lo = 0;
    while lo < n {
        let hi = (lo + RUN).min(n);
        for i in lo + 1..hi {
            let k = work.get(src.0 + i).unwrap_or(Value::NONE);
            let v = work.get(src.1 + i).unwrap_or(Value::NONE);
            let mut j = i;
            while j > lo {
                let pk = work.get(src.0 + j - 1).unwrap_or(Value::NONE);
                if !cmp_less(vm, k, pk)? {
                    break;
                }
                work.set(src.0 + j, pk);
                if has_key {
                    let pv = work.get(src.1 + j - 1).unwrap_or(Value::NONE);
                    work.set(src.1 + j, pv);
                }
                j -= 1;
            }
            work.set(src.0 + j, k);
            if has_key {
                work.set(src.1 + j, v);
            }
        }
        lo = hi;
    }
    // Merge passes.
    let mut width = RUN;
    while width < n {
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j, mut o) = (lo, mid, lo);
            while i < mid && j < hi {
                let ki = work.get(src.0 + i).unwrap_or(Value::NONE);
                let kj = work.get(src.0 + j).unwrap_or(Value::NONE);
                let take_right = cmp_less(vm, kj, ki)?;
                let s = if take_right { &mut j } else { &mut i };
                let idx = *s;
                *s += 1;
                work.set(dst.0 + o, work.get(src.0 + idx).unwrap_or(Value::NONE));
                if has_key {
                    work.set(dst.1 + o, work.get(src.1 + idx).unwrap_or(Value::NONE));
                }
                o += 1;
            }
            for idx in (i..mid).chain(j..hi) {
                work.set(dst.0 + o, work.get(src.0 + idx).unwrap_or(Value::NONE));
                if has_key {
                    work.set(dst.1 + o, work.get(src.1 + idx).unwrap_or(Value::NONE));
                }
                o += 1;
            }
            lo = hi;
        }
        core::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    for i in 0..n {
        orig.set(i, work.get(src.1 + i).unwrap_or(Value::NONE));
    }
    vm.free_array(work);
    Ok(())
}

/// `sorted(iterable, key=None, reverse=False)`.
pub fn builtin_sorted(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        let m = format!(
            "function takes 1 positional arguments but {} were given",
            args.len()
        );
        return Err(vm.type_error(&m));
    }
    let l = list_from_iter(vm, arg(args, 0))?;
    let mut key = Value::NONE;
    let mut reverse = false;
    if let Some(k) = kw_get(kw, Q::key) {
        key = k;
    }
    if let Some(r) = kw_get(kw, Q::reverse) {
        reverse = vm.is_true(r)?;
    }
    for p in kw.chunks_exact(2) {
        if p[0] != Value::qstr(Q::key) && p[0] != Value::qstr(Q::reverse) {
            let m = format!("unexpected keyword argument '{}'", vm.str_string(p[0])?);
            return Err(vm.type_error(&m));
        }
    }
    list_sort(vm, l, key, reverse)?;
    Ok(l.value())
}

/// The builtin `sorted` as a function object, for the builtins module.
pub static SORTED_FN: BuiltinFn = BuiltinFn::new_kw(Q::sorted, 0, VAR_ARGS, builtin_sorted);
