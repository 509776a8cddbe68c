//! `slice`, and the index helpers every sequence type shares.
//!
//! Contract: `SLICE_TYPE`, `SliceObj`, `new_slice(vm, start, stop, step)`,
//! `slice_indices(vm, slice, len) -> (start, stop, step)` (CPython's `slice.indices`),
//! `slice_len(start, stop, step)`, `seq_index(vm, idx, len, type_name)` (normalise an item
//! index, raising "<type> index out of range" / "<type> indices must be integers, not <t>"),
//! `int_value(vm, v)` (an int as `isize`, OverflowError if it does not fit) and
//! `clamp_index(vm, v, len)` (slice-style clamping used by `index(x, start, stop)`).

use super::arg;
use alloc::format;
use alloc::string::String;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{AttrAction, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::{Qstr, Q};
use crate::types::int::INT_TYPE;
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct SliceObj {
    pub hdr: ObjHeader,
    pub start: Value,
    pub stop: Value,
    pub step: Value,
}

crate::py_object!(SliceObj, SLICE_TYPE);

pub static SLICE_TYPE: Type = Type {
    make_new: Some(slice_make_new),
    print: Some(slice_print),
    unary_op: Some(slice_unary_op),
    binary_op: Some(slice_binary_op),
    attr: Some(slice_attr),
    ..Type::new(Q::slice)
}
.with_locals(&SLICE_LOCALS);

crate::fixed_dict!(SLICE_LOCALS, [(Q::indices, crate::fnv!(SLICE_INDICES))]);
static SLICE_INDICES: BuiltinFn = BuiltinFn::new(Q::indices, 2, 2, slice_indices_meth);

/// A new slice object.
pub fn new_slice(vm: &mut Vm, start: Value, stop: Value, step: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(SliceObj {
            hdr: ObjHeader::new(&SLICE_TYPE),
            start,
            stop,
            step,
        })?
        .value())
}

/// A slice for the subscript that immediately uses it (BUILD_SLICE + LOAD/STORE_SUBSCR):
/// allocated even while the heap is locked, since MicroPython needs no heap for it.
pub fn new_slice_unlocked(vm: &mut Vm, start: Value, stop: Value, step: Value) -> PyResult<Value> {
    let depth = vm.heap.lock_depth;
    vm.heap.lock_depth = 0;
    let r = new_slice(vm, start, stop, step);
    vm.heap.lock_depth = depth;
    r
}

fn slice_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    match *args {
        [stop] => new_slice(vm, Value::NONE, stop, Value::NONE),
        [start, stop] => new_slice(vm, start, stop, Value::NONE),
        [start, stop, step] => new_slice(vm, start, stop, step),
        _ => Err(vm.type_error("slice expected at most 3 arguments")),
    }
}

fn slice_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(s) = v.downcast::<SliceObj>() else {
        return Ok(());
    };
    push_str(out, "slice(");
    vm.print_to(s.start, PrintKind::Repr, out)?;
    push_str(out, ", ");
    vm.print_to(s.stop, PrintKind::Repr, out)?;
    push_str(out, ", ");
    vm.print_to(s.step, PrintKind::Repr, out)?;
    push_char(out, ')');
    Ok(())
}

fn slice_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    match op {
        UnaryOp::Hash => Err(unhashable(vm, v)),
        _ => Ok(Value::NULL),
    }
}

fn slice_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    let (Some(a), Some(b)) = (l.downcast::<SliceObj>(), r.downcast::<SliceObj>()) else {
        return Ok(Value::NULL);
    };
    if op != BinOp::Equal {
        return Ok(Value::NULL);
    }
    let eq = vm.eq(a.start, b.start)? && vm.eq(a.stop, b.stop)? && vm.eq(a.step, b.step)?;
    Ok(Value::from_bool(eq))
}

fn slice_attr(_vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(s) = v.downcast::<SliceObj>() else {
        return Ok(None);
    };
    if action != AttrAction::Load {
        return Ok(None);
    }
    Ok(match name {
        Q::start => Some(s.start),
        Q::stop => Some(s.stop),
        Q::step => Some(s.step),
        _ => None,
    })
}

fn slice_indices_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let len = int_value(vm, arg(args, 1))?;
    if len < 0 {
        return Err(vm.value_error("length should not be negative"));
    }
    let (a, b, c) = slice_indices(vm, arg(args, 0), len as usize)?;
    let t = [
        Value::small_int_unchecked(a),
        Value::small_int_unchecked(b),
        Value::small_int_unchecked(c),
    ];
    crate::types::tuple::new_tuple(vm, &t)
}

/// The error for hashing an unhashable object (MicroPython's wording).
#[cold]
pub fn unhashable(vm: &mut Vm, v: Value) -> crate::PyErr {
    let m = format!("unsupported type for __hash__: '{}'", vm.type_name(v));
    vm.type_error(&m)
}

/// An int value (small int, bool, big int or int subclass) as `isize`. OverflowError if it does
/// not fit, TypeError if it is not an int.
pub fn int_value(vm: &mut Vm, v: Value) -> PyResult<isize> {
    if let Some(i) = v.as_small_int() {
        return Ok(i);
    }
    match int_value_maybe(vm, v)? {
        Some(i) => Ok(i),
        None => {
            let m = format!("can't convert {} to int", vm.type_name(v));
            Err(vm.type_error(&m))
        }
    }
}

/// Like [`int_value`] but Ok(None) if `v` is not an int at all.
pub fn int_value_maybe(vm: &mut Vm, v: Value) -> PyResult<Option<isize>> {
    if let Some(i) = v.as_small_int() {
        return Ok(Some(i));
    }
    if v.is_bool() {
        return Ok(Some((v == Value::TRUE) as isize));
    }
    // A big int, or the native part of an int subclass instance.
    let Some(n) = crate::types::class::native_self(v, &INT_TYPE) else {
        return Ok(None);
    };
    let Some(a) = crate::types::int::IntArg::of(n) else {
        return Ok(None);
    };
    match a.r().to_i128() {
        Some(x) if x >= isize::MIN as i128 && x <= isize::MAX as i128 => Ok(Some(x as isize)),
        _ => Err(vm.overflow_error("overflow converting long int to machine word")),
    }
}

/// Sign of an int that may be big: true if negative.
fn int_is_negative(vm: &mut Vm, v: Value) -> PyResult<bool> {
    let r = vm.binary_op(BinOp::Less, v, Value::small_int_unchecked(0))?;
    Ok(r == Value::TRUE)
}

/// A slice bound: an int (any size, clamped into `lo..=hi` after adding `len` to negatives).
fn slice_bound(vm: &mut Vm, v: Value, len: isize, lo: isize, hi: isize) -> PyResult<isize> {
    let i = match v.as_small_int() {
        Some(i) => i,
        None => match int_value_maybe(vm, v) {
            Ok(Some(i)) => i,
            Ok(None) => {
                return Err(vm.type_error(
                    "slice indices must be integers or None or have an __index__ method",
                ))
            }
            // Too big for a word: clamp by sign.
            Err(_) => {
                if int_is_negative(vm, v)? {
                    return Ok(lo);
                }
                return Ok(hi);
            }
        },
    };
    let i = if i < 0 { i.saturating_add(len) } else { i };
    Ok(i.clamp(lo, hi))
}

/// Resolve a slice against a sequence of `len` items, as CPython's `slice.indices(len)`:
/// returns `(start, stop, step)` with `step != 0`; for positive steps `0 <= start, stop <= len`,
/// for negative ones `-1 <= start, stop <= len - 1`.
pub fn slice_indices(vm: &mut Vm, slice: Value, len: usize) -> PyResult<(isize, isize, isize)> {
    let Some(s) = slice.downcast::<SliceObj>() else {
        return Err(vm.type_error("expected a slice"));
    };
    let len = len.min(isize::MAX as usize) as isize;
    let step = if s.step.is_none() {
        1
    } else {
        let st = match int_value_maybe(vm, s.step) {
            Ok(Some(i)) => i,
            Ok(None) => {
                return Err(vm.type_error(
                    "slice indices must be integers or None or have an __index__ method",
                ))
            }
            Err(_) => {
                if int_is_negative(vm, s.step)? {
                    -isize::MAX
                } else {
                    isize::MAX
                }
            }
        };
        if st == 0 {
            return Err(vm.value_error("slice step can't be zero"));
        }
        // Keep `-step` representable.
        st.max(-isize::MAX)
    };
    let (start, stop) = if step > 0 {
        let start = if s.start.is_none() {
            0
        } else {
            slice_bound(vm, s.start, len, 0, len)?
        };
        let stop = if s.stop.is_none() {
            len
        } else {
            slice_bound(vm, s.stop, len, 0, len)?
        };
        (start, stop)
    } else {
        let start = if s.start.is_none() {
            len - 1
        } else {
            slice_bound(vm, s.start, len, -1, len - 1)?
        };
        let stop = if s.stop.is_none() {
            -1
        } else {
            slice_bound(vm, s.stop, len, -1, len - 1)?
        };
        (start, stop)
    };
    Ok((start, stop, step))
}

/// Number of items a resolved slice selects.
pub fn slice_len(start: isize, stop: isize, step: isize) -> usize {
    if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if step < 0 {
        if start > stop {
            ((start - stop - 1) / (-step) + 1) as usize
        } else {
            0
        }
    } else {
        0
    }
}

/// Normalise an item index for a sequence of `len` items of type `type_name`: negative indices
/// count from the end; out of range gives IndexError("<type> index out of range"), a non-int
/// TypeError("<type> indices must be integers, not <t>").
pub fn seq_index(vm: &mut Vm, idx: Value, len: usize, type_name: &str) -> PyResult<usize> {
    let i = if let Some(i) = idx.as_small_int() {
        i
    } else {
        match int_value_maybe(vm, idx) {
            Ok(Some(i)) => i,
            Ok(None) => {
                let m = format!(
                    "{} indices must be integers, not {}",
                    type_name,
                    vm.type_name(idx)
                );
                return Err(vm.type_error(&m));
            }
            Err(_) => return Err(index_out_of_range(vm, type_name)),
        }
    };
    let i = if i < 0 {
        i.checked_add(len as isize)
    } else {
        Some(i)
    };
    match i {
        Some(i) if i >= 0 && (i as usize) < len => Ok(i as usize),
        _ => Err(index_out_of_range(vm, type_name)),
    }
}

#[cold]
fn index_out_of_range(vm: &mut Vm, type_name: &str) -> crate::PyErr {
    let m = format!("{} index out of range", type_name);
    vm.index_error(&m)
}

/// Clamp an index as `seq.index(x, start, stop)` does: negatives count from the end, then the
/// result is clamped to `0..=len`.
pub fn clamp_index(vm: &mut Vm, v: Value, len: usize) -> PyResult<usize> {
    let len_i = len.min(isize::MAX as usize) as isize;
    let i = slice_bound(vm, v, len_i, 0, len_i)?;
    Ok(i as usize)
}

/// Tell whether `v` is a slice object.
#[inline]
pub fn is_slice(v: Value) -> bool {
    v.downcast::<SliceObj>().is_some()
}
