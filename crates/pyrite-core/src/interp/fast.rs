//! Fast paths the dispatch loop uses: small-int arithmetic and comparisons, list/tuple
//! indexing, for-loop iteration over lists/tuples without an iterator object, unpacking.

use pyrite_compiler::bc::binary as b;

use crate::types::list::list_obj;
use crate::types::tuple::tuple_items;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// `lhs op rhs` for two small ints when the result is a small int (None: take the slow path).
#[inline(always)]
pub(crate) fn small_binop(o: u8, lhs: Value, rhs: Value) -> Option<Value> {
    let (x, y) = (lhs.as_small_int()?, rhs.as_small_int()?);
    let r = match o {
        b::ADD | b::INPLACE_ADD => x.checked_add(y)?,
        b::SUBTRACT | b::INPLACE_SUBTRACT => x.checked_sub(y)?,
        b::MULTIPLY | b::INPLACE_MULTIPLY => x.checked_mul(y)?,
        b::LESS => return Some(Value::from_bool(x < y)),
        b::MORE => return Some(Value::from_bool(x > y)),
        b::EQUAL => return Some(Value::from_bool(x == y)),
        b::LESS_EQUAL => return Some(Value::from_bool(x <= y)),
        b::MORE_EQUAL => return Some(Value::from_bool(x >= y)),
        b::NOT_EQUAL => return Some(Value::from_bool(x != y)),
        b::IS => return Some(Value::from_bool(x == y)),
        b::AND | b::INPLACE_AND => x & y,
        b::OR | b::INPLACE_OR => x | y,
        b::XOR | b::INPLACE_XOR => x ^ y,
        b::FLOOR_DIVIDE | b::INPLACE_FLOOR_DIVIDE => {
            if y == 0 {
                return None;
            }
            let q = x.checked_div(y)?;
            if (x % y != 0) && ((x < 0) != (y < 0)) {
                q - 1
            } else {
                q
            }
        }
        b::MODULO | b::INPLACE_MODULO => {
            if y == 0 {
                return None;
            }
            let r = x.checked_rem(y)?;
            if r != 0 && ((r < 0) != (y < 0)) {
                r + y
            } else {
                r
            }
        }
        b::LSHIFT | b::INPLACE_LSHIFT => {
            if !(0..(usize::BITS as isize - 2)).contains(&y) {
                return None;
            }
            let r = x.checked_shl(y as u32)?;
            if (r >> y) != x {
                return None;
            }
            r
        }
        b::RSHIFT | b::INPLACE_RSHIFT => {
            if y < 0 {
                return None;
            }
            x >> (y.min(usize::BITS as isize - 1) as u32)
        }
        _ => return None,
    };
    Value::small_int(r)
}

/// A float operand for [`float_binop`]: a float, or a small int that converts to f64 exactly.
#[inline(always)]
fn num_f64(v: Value) -> Option<f64> {
    match v.as_small_int() {
        Some(i) if i.unsigned_abs() as u64 <= 1u64 << 53 => Some(i as f64),
        Some(_) => None,
        None => crate::types::float::float_value(v),
    }
}

/// `lhs op rhs` for float arithmetic and comparisons with float or small-int operands (what
/// the float type computes for them, without the generic dispatch). None: take the slow path.
#[inline(always)]
pub(crate) fn float_binop(vm: &mut Vm, o: u8, lhs: Value, rhs: Value) -> Option<PyResult<Value>> {
    // Two ints give an int (or overflow into a big int), except for true division.
    if lhs.is_small_int()
        && rhs.is_small_int()
        && o != b::TRUE_DIVIDE
        && o != b::INPLACE_TRUE_DIVIDE
    {
        return None;
    }
    let a = num_f64(lhs)?;
    let b = num_f64(rhs)?;
    let r = match o {
        b::ADD | b::INPLACE_ADD => a + b,
        b::SUBTRACT | b::INPLACE_SUBTRACT => a - b,
        b::MULTIPLY | b::INPLACE_MULTIPLY => a * b,
        b::TRUE_DIVIDE | b::INPLACE_TRUE_DIVIDE if b != 0.0 => a / b,
        b::LESS => return Some(Ok(Value::from_bool(a < b))),
        b::MORE => return Some(Ok(Value::from_bool(a > b))),
        b::LESS_EQUAL => return Some(Ok(Value::from_bool(a <= b))),
        b::MORE_EQUAL => return Some(Ok(Value::from_bool(a >= b))),
        b::EQUAL => return Some(Ok(Value::from_bool(a == b))),
        b::NOT_EQUAL => return Some(Ok(Value::from_bool(a != b))),
        _ => return None,
    };
    Some(crate::types::float::new_float(vm, r))
}

/// Normalise a small-int index against `len` (None if out of range).
#[inline(always)]
fn norm_index(i: isize, len: usize) -> Option<usize> {
    let i = if i < 0 {
        i.checked_add(len as isize)?
    } else {
        i
    };
    if i >= 0 && (i as usize) < len {
        Some(i as usize)
    } else {
        None
    }
}

/// `o[idx]` with list/tuple fast paths.
#[inline]
pub(crate) fn subscr(vm: &mut Vm, o: Value, idx: Value) -> PyResult<Value> {
    if let Some(i) = idx.as_small_int() {
        if let Some(l) = list_obj(o) {
            if let Some(k) = norm_index(i, l.len()) {
                if let Some(v) = l.get(k) {
                    return Ok(v);
                }
            }
        } else if let Some(t) = tuple_items(o) {
            if let Some(k) = norm_index(i, t.len()) {
                return Ok(t.items()[k]);
            }
        }
    }
    vm.subscr(o, idx)
}

/// `o[idx] = v` with a list fast path.
#[inline]
pub(crate) fn store_subscr(vm: &mut Vm, o: Value, idx: Value, v: Value) -> PyResult<()> {
    if let (Some(i), Some(l)) = (idx.as_small_int(), list_obj(o)) {
        if let Some(k) = norm_index(i, l.len()) {
            l.items.get().set(k, v);
            return Ok(());
        }
    }
    vm.store_subscr(o, idx, v)
}

const ITER_GENERIC: isize = 0;
const ITER_LIST: isize = 1;
const ITER_TUPLE: isize = 2;
const ITER_RANGE: isize = 3;
const ITER_BYTES: isize = 4;
const ITER_MAP: isize = 5;
const ITER_ARRAY: isize = 6;

/// GET_ITER_STACK: the four iterator slots for `o`.
pub(crate) fn iter_stack_init(vm: &mut Vm, o: Value) -> PyResult<(Value, Value, Value, Value)> {
    let z = Value::small_int_unchecked(0);
    if list_obj(o).is_some() {
        return Ok((Value::small_int_unchecked(ITER_LIST), o, z, z));
    }
    if tuple_items(o).is_some() {
        return Ok((Value::small_int_unchecked(ITER_TUPLE), o, z, z));
    }
    if let Some(r) = o.downcast::<crate::types::range::RangeObj>() {
        if let (Some(a), Some(b), Some(c)) = (
            Value::small_int(r.start),
            Value::small_int(r.stop),
            Value::small_int(r.step),
        ) {
            if r.step != 0 {
                return Ok((Value::small_int_unchecked(ITER_RANGE), a, b, c));
            }
        }
    }
    // Builtin containers iterate by position in the slots, without an iterator object, so
    // `for` works while the heap is locked (as MicroPython's stack iterators).
    if crate::types::bytes::bytes_obj(o).is_some()
        || crate::types::bytes::bytearray_obj(o).is_some()
    {
        return Ok((Value::small_int_unchecked(ITER_BYTES), o, z, z));
    }
    if let Some(d) = crate::types::dict::dict_obj(o) {
        let n = Value::small_int(d.map.len() as isize).unwrap_or(z);
        return Ok((Value::small_int_unchecked(ITER_MAP), o, z, n));
    }
    if let Some(st) = crate::types::set::set_obj(o) {
        if !st.hdr.ty.get().has_flag(crate::obj::flags::USER_CLASS) {
            let n = Value::small_int(st.map.len() as isize).unwrap_or(z);
            return Ok((Value::small_int_unchecked(ITER_MAP), o, z, n));
        }
    }
    if o.downcast::<crate::modules::array::ArrayObj>().is_some() {
        return Ok((Value::small_int_unchecked(ITER_ARRAY), o, z, z));
    }
    let it = vm.get_iter(o)?;
    Ok((Value::small_int_unchecked(ITER_GENERIC), it, z, z))
}

/// Iteration over any iterable that needs no heap for builtin containers (the four slots of
/// GET_ITER_STACK, held in Rust): for builtins such as all/any/min/max/sum.
pub(crate) struct SlotIter {
    slots: [Value; 4],
}

impl SlotIter {
    pub(crate) fn new(vm: &mut Vm, o: Value) -> PyResult<SlotIter> {
        let (a, b, c, d) = iter_stack_init(vm, o)?;
        Ok(SlotIter {
            slots: [a, b, c, d],
        })
    }
    /// The next item, or None when exhausted.
    pub(crate) fn next(&mut self, vm: &mut Vm) -> PyResult<Option<Value>> {
        // The four slots are this struct's own array (iter_stack_next's requirement).
        match iter_stack_next(vm, self.slots.as_mut_ptr(), 0) {
            Ok(v) if v == Value::STOP => Ok(None),
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                if super::exec::exc_is(e.0, &crate::types::exception::STOP_ITERATION) {
                    Ok(None)
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// FOR_ITER: the next item from the iterator slots at `s0` (STOP when done).
#[inline]
pub(crate) fn iter_stack_next(vm: &mut Vm, st: *mut Value, s0: usize) -> PyResult<Value> {
    // SAFETY: the dispatch loop checked that the four slots at s0 lie inside the frame.
    let (kind, obj, idx) = unsafe { (*st.add(s0), *st.add(s0 + 1), *st.add(s0 + 2)) };
    let i = idx.small_int_value();
    match kind.as_small_int() {
        Some(ITER_LIST) => {
            if let Some(l) = list_obj(obj) {
                if i >= 0 && (i as usize) < l.len() {
                    if let Some(v) = l.get(i as usize) {
                        // SAFETY: as above.
                        unsafe { *st.add(s0 + 2) = Value::small_int_unchecked(i + 1) };
                        return Ok(v);
                    }
                }
            }
            Ok(Value::STOP)
        }
        Some(ITER_TUPLE) => {
            if let Some(t) = tuple_items(obj) {
                if i >= 0 && (i as usize) < t.len() {
                    // SAFETY: as above.
                    unsafe { *st.add(s0 + 2) = Value::small_int_unchecked(i + 1) };
                    return Ok(t.items()[i as usize]);
                }
            }
            Ok(Value::STOP)
        }
        Some(ITER_RANGE) => {
            let cur = obj.small_int_value();
            // SAFETY: as above.
            let (stop, step) = unsafe {
                (
                    (*st.add(s0 + 2)).small_int_value(),
                    (*st.add(s0 + 3)).small_int_value(),
                )
            };
            if (step > 0 && cur < stop) || (step < 0 && cur > stop) {
                let next = match cur.checked_add(step).and_then(Value::small_int) {
                    Some(n) => n,
                    None => Value::small_int_unchecked(stop),
                };
                // SAFETY: as above.
                unsafe { *st.add(s0 + 1) = next };
                Ok(obj)
            } else {
                Ok(Value::STOP)
            }
        }
        Some(ITER_BYTES) => {
            let b = if let Some(b) = crate::types::bytes::bytes_obj(obj) {
                b.items().get(i as usize).copied()
            } else if let Some(b) = crate::types::bytes::bytearray_obj(obj) {
                b.get(i as usize)
            } else {
                None
            };
            match b {
                Some(x) if i >= 0 => {
                    // SAFETY: as above.
                    unsafe { *st.add(s0 + 2) = Value::small_int_unchecked(i + 1) };
                    Ok(Value::small_int_unchecked(x as isize))
                }
                _ => Ok(Value::STOP),
            }
        }
        Some(ITER_MAP) => {
            // SAFETY: as above.
            let n0 = unsafe { (*st.add(s0 + 3)).small_int_value() };
            let is_set = crate::types::dict::dict_obj(obj).is_none();
            let (len, next) = if is_set {
                let s = crate::types::set::set_obj(obj);
                match s {
                    Some(s) => {
                        let mut pos = i.max(0) as usize;
                        let r = s.map.next_entry(&mut pos);
                        (s.map.len(), r.map(|(k, _)| (k, pos)))
                    }
                    None => return Ok(Value::STOP),
                }
            } else {
                match crate::types::dict::dict_obj(obj) {
                    Some(d) => {
                        let mut pos = i.max(0) as usize;
                        let r = d.map.next_entry(&mut pos);
                        (d.map.len(), r.map(|(k, _)| (k, pos)))
                    }
                    None => return Ok(Value::STOP),
                }
            };
            if len as isize != n0 {
                return Err(vm.runtime_error(if is_set {
                    "Set changed size during iteration"
                } else {
                    "dictionary changed size during iteration"
                }));
            }
            match next {
                Some((k, pos)) => {
                    // SAFETY: as above.
                    unsafe { *st.add(s0 + 2) = Value::small_int(pos as isize).unwrap_or(idx) };
                    Ok(k)
                }
                None => Ok(Value::STOP),
            }
        }
        Some(ITER_ARRAY) => {
            let Some(a) = obj.downcast::<crate::modules::array::ArrayObj>() else {
                return Ok(Value::STOP);
            };
            if i < 0 {
                return Ok(Value::STOP);
            }
            match crate::modules::array::get_item(vm, a, i as usize)? {
                Some(v) => {
                    // SAFETY: as above.
                    unsafe { *st.add(s0 + 2) = Value::small_int_unchecked(i + 1) };
                    Ok(v)
                }
                None => Ok(Value::STOP),
            }
        }
        _ => match vm.iter_next(obj)? {
            Some(v) => Ok(v),
            None => Ok(Value::STOP),
        },
    }
}

#[cold]
fn too_short(vm: &mut Vm, n: usize) -> crate::PyErr {
    let m = alloc::format!("need more than {} values to unpack", n);
    vm.value_error(&m)
}
#[cold]
fn too_long(vm: &mut Vm, n: usize) -> crate::PyErr {
    let m = alloc::format!("too many values to unpack (expected {})", n);
    vm.value_error(&m)
}

/// UNPACK_SEQUENCE: write `n` items of `seq` at `st[at..at+n]`, last item first.
pub(crate) fn unpack_sequence(
    vm: &mut Vm,
    seq: Value,
    n: usize,
    st: *mut Value,
    at: usize,
) -> PyResult<()> {
    let put = |k: usize, v: Value| {
        // SAFETY: the dispatch loop checked that [at, at+n) lies inside the frame.
        unsafe { *st.add(at + k) = v }
    };
    if let Some(t) = tuple_items(seq) {
        let len = t.len();
        if len < n {
            return Err(too_short(vm, len));
        }
        if len > n {
            return Err(too_long(vm, n));
        }
        for i in 0..n {
            put(i, t.items()[n - 1 - i]);
        }
        return Ok(());
    }
    if let Some(l) = list_obj(seq) {
        let len = l.len();
        if len < n {
            return Err(too_short(vm, len));
        }
        if len > n {
            return Err(too_long(vm, n));
        }
        for i in 0..n {
            put(i, l.get(n - 1 - i).unwrap_or(Value::NONE));
        }
        return Ok(());
    }
    // Generic: fill with None first so partially filled slots are valid values.
    for i in 0..n {
        put(i, Value::NONE);
    }
    let it = vm.get_iter(seq)?;
    for k in 0..n {
        match vm.iter_next(it)? {
            Some(v) => put(n - 1 - k, v),
            None => return Err(too_short(vm, k)),
        }
    }
    if vm.iter_next(it)?.is_some() {
        return Err(too_long(vm, n));
    }
    Ok(())
}

/// UNPACK_EX: `n_left` items, a list of the rest, `n_right` items (top of stack = first item).
pub(crate) fn unpack_ex(
    vm: &mut Vm,
    seq: Value,
    arg: usize,
    st: *mut Value,
    at: usize,
) -> PyResult<()> {
    let n_left = arg & 0xff;
    let n_right = (arg >> 8) & 0xff;
    let total = n_left + n_right + 1;
    let put = |k: usize, v: Value| {
        // SAFETY: the dispatch loop checked that [at, at+total) lies inside the frame.
        unsafe { *st.add(at + k) = v }
    };
    for i in 0..total {
        put(i, Value::NONE);
    }
    // Collect everything into a fresh list (rooted by being written to the stack slot).
    let all = crate::types::list::new_list(vm, &[])?;
    put(n_right, all);
    if let Some(t) = tuple_items(seq) {
        for &v in t.items() {
            crate::types::list::list_append(vm, all, v)?;
        }
    } else if let Some(l) = list_obj(seq) {
        let mut i = 0;
        while let Some(v) = l.get(i) {
            crate::types::list::list_append(vm, all, v)?;
            i += 1;
        }
    } else {
        let it = vm.get_iter(seq)?;
        while let Some(v) = vm.iter_next(it)? {
            crate::types::list::list_append(vm, all, v)?;
        }
    }
    let Some(l) = list_obj(all) else {
        return Err(vm.type_error("unpack"));
    };
    let len = l.len();
    if len < n_left + n_right {
        return Err(too_short(vm, len));
    }
    // Left items: item i goes to slot total-1-i.
    for i in 0..n_left {
        put(total - 1 - i, l.get(i).unwrap_or(Value::NONE));
    }
    // Right items: item len-1-i goes to slot i.
    for i in 0..n_right {
        put(i, l.get(len - 1 - i).unwrap_or(Value::NONE));
    }
    // The middle list: rebuild as the slice [n_left, len - n_right).
    let mut mid: alloc::vec::Vec<Value> = alloc::vec::Vec::with_capacity(len);
    for i in n_left..len - n_right {
        mid.push(l.get(i).unwrap_or(Value::NONE));
    }
    // `all` still holds every item (rooted via the stack slot) while we allocate.
    let m = crate::types::list::new_list(vm, &mid)?;
    put(n_right, m);
    Ok(())
}
