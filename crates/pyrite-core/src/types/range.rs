//! `range` and its iterator. Contract: `RANGE_TYPE`, `RangeObj`, `new_range(vm, start, stop,
//! step)`, `range_reversed(vm, v)` (Some(iterator) if `v` is a range), `RANGE_ITER_TYPE`,
//! `RangeIterObj` (the VM may iterate it directly: `cur`, `remaining`, `step`).

use alloc::format;
use alloc::string::String;
use core::cell::Cell;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, AttrAction, BinOp, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::{Qstr, Q};
use crate::types::slice::{self, int_value, seq_index, slice_indices};
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct RangeObj {
    pub hdr: ObjHeader,
    pub start: isize,
    pub stop: isize,
    pub step: isize,
}

crate::py_object!(RangeObj, RANGE_TYPE);

pub static RANGE_TYPE: Type = Type {
    make_new: Some(range_make_new),
    print: Some(range_print),
    unary_op: Some(range_unary_op),
    binary_op: Some(range_binary_op),
    attr: Some(range_attr),
    subscr: Some(range_subscr),
    getiter: Some(range_getiter),
    ..Type::new(Q::range)
};

impl RangeObj {
    /// Number of items.
    pub fn len(&self) -> usize {
        range_len(self.start, self.stop, self.step)
    }
    /// Item `i` (< len).
    fn item(&self, i: usize) -> isize {
        // In range: |start + i*step| lies between start and stop, so no overflow.
        self.start
            .wrapping_add((i as isize).wrapping_mul(self.step))
    }
}

fn range_len(start: isize, stop: isize, step: isize) -> usize {
    // Values are at most word-sized; use i128 to avoid overflow in the difference.
    let (start, stop, step) = (start as i128, stop as i128, step as i128);
    let n = if step > 0 {
        if stop > start {
            (stop - start - 1) / step + 1
        } else {
            0
        }
    } else if step < 0 {
        if start > stop {
            (start - stop - 1) / (-step) + 1
        } else {
            0
        }
    } else {
        0
    };
    n.min(isize::MAX as i128) as usize
}

/// A new range object.
pub fn new_range(vm: &mut Vm, start: isize, stop: isize, step: isize) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(RangeObj {
            hdr: ObjHeader::new(&RANGE_TYPE),
            start,
            stop,
            step,
        })?
        .value())
}

fn range_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    let (start, stop, step) = match *args {
        [stop] => (0, int_value(vm, stop)?, 1),
        [a, b] => (int_value(vm, a)?, int_value(vm, b)?, 1),
        [a, b, c] => {
            let step = int_value(vm, c)?;
            if step == 0 {
                return Err(vm.value_error("zero step"));
            }
            (int_value(vm, a)?, int_value(vm, b)?, step)
        }
        [] => return Err(vm.type_error("function missing 1 required positional arguments")),
        _ => return Err(vm.type_error("function expected at most 3 arguments")),
    };
    new_range(vm, start, stop, step)
}

fn range_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(r) = v.downcast::<RangeObj>() else {
        return Ok(());
    };
    let s = if r.step == 1 {
        format!("range({}, {})", r.start, r.stop)
    } else {
        format!("range({}, {}, {})", r.start, r.stop, r.step)
    };
    push_str(out, &s);
    Ok(())
}

#[inline]
fn small_or_big(vm: &mut Vm, i: isize) -> PyResult<Value> {
    match Value::small_int(i) {
        Some(v) => Ok(v),
        None => crate::types::int::int_from_i64(vm, i as i64),
    }
}

fn range_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(r) = v.downcast::<RangeObj>() else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(r.len() > 0),
        UnaryOp::Len => small_or_big(vm, r.len() as isize)?,
        UnaryOp::Hash => {
            let n = r.len();
            let (s, st) = match n {
                0 => (0, 0),
                1 => (r.start, 0),
                _ => (r.start, r.step),
            };
            let h = n
                .wrapping_mul(1_000_003)
                .wrapping_add(s as usize)
                .wrapping_mul(1_000_003)
                .wrapping_add(st as usize);
            Value::small_int_unchecked((h & (isize::MAX as usize >> 2)) as isize)
        }
        _ => Value::NULL,
    })
}

fn range_contains_int(r: &RangeObj, x: isize) -> bool {
    let (start, stop, step) = (r.start as i128, r.stop as i128, r.step as i128);
    let x = x as i128;
    if step > 0 {
        x >= start && x < stop && (x - start) % step == 0
    } else {
        x <= start && x > stop && (start - x) % (-step) == 0
    }
}

fn range_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let Some(r) = lhs.downcast::<RangeObj>() else {
        return Ok(Value::NULL);
    };
    match op {
        BinOp::Equal => {
            let Some(o) = rhs.downcast::<RangeObj>() else {
                return Ok(Value::FALSE);
            };
            let (n1, n2) = (r.len(), o.len());
            let eq = n1 == n2 && (n1 == 0 || (r.start == o.start && (n1 == 1 || r.step == o.step)));
            Ok(Value::from_bool(eq))
        }
        BinOp::Contains => {
            if let Some(x) = rhs.as_small_int() {
                return Ok(Value::from_bool(range_contains_int(&r, x)));
            }
            if crate::types::int::is_int(rhs) {
                return Ok(Value::from_bool(
                    match crate::types::slice::int_value_maybe(vm, rhs) {
                        Ok(Some(x)) => range_contains_int(&r, x),
                        _ => false,
                    },
                ));
            }
            // Other values (floats, big ints, objects with __eq__): compare item by item.
            for i in 0..r.len() {
                let v = small_or_big(vm, r.item(i))?;
                if vm.eq(v, rhs)? {
                    return Ok(Value::TRUE);
                }
            }
            Ok(Value::FALSE)
        }
        _ => Ok(Value::NULL),
    }
}

fn range_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(r) = v.downcast::<RangeObj>() else {
        return Ok(None);
    };
    if action != AttrAction::Load {
        return Ok(None);
    }
    Ok(match name {
        Q::start => Some(small_or_big(vm, r.start)?),
        Q::stop => Some(small_or_big(vm, r.stop)?),
        Q::step => Some(small_or_big(vm, r.step)?),
        _ => None,
    })
}

fn range_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(r) = obj.downcast::<RangeObj>() else {
        return Ok(Value::NULL);
    };
    if value != Value::SENTINEL {
        return Ok(Value::NULL);
    }
    let n = r.len();
    if slice::is_slice(index) {
        let (a, b, c) = slice_indices(vm, index, n)?;
        let conv = |x: isize| -> Option<isize> { r.start.checked_add(x.checked_mul(r.step)?) };
        let (Some(start), Some(stop), Some(step)) = (conv(a), conv(b), c.checked_mul(r.step))
        else {
            return Err(vm.overflow_error("range too large"));
        };
        return new_range(vm, start, stop, step);
    }
    let i = seq_index(vm, index, n, "range")?;
    small_or_big(vm, r.item(i))
}

// ---- iteration ----

/// The range iterator: produces `remaining` values `cur, cur+step, ...`.
#[repr(C)]
pub struct RangeIterObj {
    pub hdr: ObjHeader,
    pub cur: Cell<isize>,
    pub remaining: Cell<usize>,
    pub step: isize,
}

crate::py_object!(RangeIterObj, RANGE_ITER_TYPE);

pub static RANGE_ITER_TYPE: Type = Type {
    getiter: Some(crate::types::iter::iter_self),
    iternext: Some(range_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn new_range_iter(vm: &mut Vm, cur: isize, n: usize, step: isize) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(RangeIterObj {
            hdr: ObjHeader::new(&RANGE_ITER_TYPE),
            cur: Cell::new(cur),
            remaining: Cell::new(n),
            step,
        })?
        .value())
}

fn range_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(r) = v.downcast::<RangeObj>() else {
        return Ok(Value::NULL);
    };
    new_range_iter(vm, r.start, r.len(), r.step)
}

fn range_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<RangeIterObj>() else {
        return Ok(Value::STOP);
    };
    let n = it.remaining.get();
    if n == 0 {
        return Ok(Value::STOP);
    }
    let c = it.cur.get();
    it.remaining.set(n - 1);
    it.cur.set(c.wrapping_add(it.step));
    small_or_big(vm, c)
}

/// `reversed(r)` for a range `r` (None if `v` is not a range).
pub fn range_reversed(vm: &mut Vm, v: Value) -> PyResult<Option<Value>> {
    let Some(r) = v.downcast::<RangeObj>() else {
        return Ok(None);
    };
    let n = r.len();
    if n == 0 {
        return Ok(Some(new_range_iter(vm, 0, 0, 1)?));
    }
    let last = r.item(n - 1);
    Ok(Some(new_range_iter(vm, last, n, r.step.wrapping_neg())?))
}
