//! `tuple`. Contract: `TUPLE_TYPE`, `TupleObj`, `new_tuple(vm, items)`, `tuple_items(v)`,
//! `tuple_from_iter(vm, iterable)`, `TUPLE_ITER_TYPE`.

use super::arg;
use alloc::string::String;
use core::cell::Cell;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp};
use crate::qstr::Q;
use crate::types::list::{self, check_stack, repeat_count, seq_compare};
use crate::types::slice::{self, seq_index, slice_indices, slice_len};
use crate::value::{Gc, ObjHeader, TypeRef, Value, VarObj};
use crate::vm::Vm;
use crate::PyResult;

/// A tuple: header + inline items.
pub type TupleObj = VarObj<ObjHeader, Value>;

pub static TUPLE_TYPE: Type = Type {
    make_new: Some(tuple_make_new),
    print: Some(tuple_print),
    unary_op: Some(tuple_unary_op),
    binary_op: Some(tuple_binary_op),
    subscr: Some(tuple_subscr),
    getiter: Some(tuple_getiter),
    ..Type::new(Q::tuple)
}
.with_flags(flags::BASETYPE)
.with_locals(&TUPLE_LOCALS);

crate::fixed_dict!(
    TUPLE_LOCALS,
    [
        (Q::count, crate::fnv!(TUPLE_COUNT)),
        (Q::index, crate::fnv!(TUPLE_INDEX)),
    ]
);

static TUPLE_COUNT: BuiltinFn = BuiltinFn::new(Q::count, 2, 2, tuple_count_meth);
static TUPLE_INDEX: BuiltinFn = BuiltinFn::new(Q::index, 2, 4, tuple_index_meth);

/// Make a tuple from items.
pub fn new_tuple(vm: &mut Vm, items: &[Value]) -> PyResult<Value> {
    Ok(vm.alloc_var(ObjHeader::new(&TUPLE_TYPE), items)?.value())
}

/// The items of a tuple value (tuple type, or a builtin subtype sharing its layout such as
/// the types `collections.namedtuple` makes).
#[inline]
pub fn tuple_items(v: Value) -> Option<Gc<TupleObj>> {
    let h = v.as_obj()?;
    let t = h.ty.get();
    if t.is(&TUPLE_TYPE) || is_tuple_layout_subtype(t) {
        Some(Gc::from_raw(core::ptr::NonNull::new(
            h.as_ptr() as *mut TupleObj
        )?))
    } else {
        None
    }
}

/// A non-user type whose direct base is tuple (namedtuple types) has tuple's layout.
#[inline]
fn is_tuple_layout_subtype(t: TypeRef) -> bool {
    !t.has_flag(flags::USER_CLASS)
        && t.base.get() == Value::from_static(&TUPLE_TYPE)
        && !t.is(&crate::obj::TYPE_TYPE)
}

/// A tuple of the items of any iterable (the same object if it is already a tuple).
pub fn tuple_from_iter(vm: &mut Vm, iterable: Value) -> PyResult<Value> {
    if tuple_items(iterable).is_some() {
        return Ok(iterable);
    }
    let l = list::list_from_iter(vm, iterable)?;
    let n = l.len();
    let t = vm.alloc_var_with(ObjHeader::new(&TUPLE_TYPE), n, |i| {
        l.get(i).unwrap_or(Value::NONE)
    })?;
    Ok(t.value())
}

fn tuple_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    match *args {
        [] => new_tuple(vm, &[]),
        [it] => tuple_from_iter(vm, it),
        _ => Err(vm.type_error("function expected at most 1 arguments")),
    }
}

fn tuple_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(t) = tuple_items(v) else {
        return Ok(());
    };
    if t.len() == 1 {
        check_stack(vm)?;
        push_char(out, '(');
        vm.print_to(t.items()[0], PrintKind::Repr, out)?;
        push_str(out, ",)");
        return Ok(());
    }
    list::print_seq(vm, "(", ")", |i| t.items().get(i).copied(), out)
}

fn tuple_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(t) = tuple_items(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(!t.is_empty()),
        UnaryOp::Len => Value::small_int_unchecked(t.len() as isize),
        UnaryOp::Hash => {
            check_stack(vm)?;
            // FNV-style combination of the item hashes, seeded with the length.
            let mut h: usize = 0x345678 ^ t.len();
            for &x in t.items() {
                let hx = vm.hash(x)?;
                h = (h ^ hx).wrapping_mul(1_000_003);
            }
            Value::small_int_unchecked((h & (isize::MAX as usize >> 2)) as isize)
        }
        UnaryOp::Sizeof => Value::small_int_unchecked(
            (core::mem::size_of::<TupleObj>() + t.len() * core::mem::size_of::<Value>()) as isize,
        ),
        _ => Value::NULL,
    })
}

fn tuple_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let Some(t) = tuple_items(lhs) else {
        return Ok(Value::NULL);
    };
    match op {
        BinOp::Add | BinOp::InplaceAdd => {
            let Some(r) = tuple_items(rhs) else {
                return Ok(Value::NULL);
            };
            let (n1, n2) = (t.len(), r.len());
            let Some(n) = n1.checked_add(n2) else {
                return Err(vm.memory_error());
            };
            let out = vm.alloc_var_with(ObjHeader::new(&TUPLE_TYPE), n, |i| {
                if i < n1 {
                    t.items()[i]
                } else {
                    r.items().get(i - n1).copied().unwrap_or(Value::NONE)
                }
            })?;
            Ok(out.value())
        }
        BinOp::Multiply | BinOp::ReverseMultiply | BinOp::InplaceMultiply => {
            let Some(times) = repeat_count(vm, rhs)? else {
                return Ok(Value::NULL);
            };
            let n1 = t.len();
            if times == 1 {
                return Ok(lhs);
            }
            let n = if n1 == 0 {
                0
            } else {
                match n1.checked_mul(times) {
                    Some(n) => n,
                    None => return Err(vm.memory_error()),
                }
            };
            let out = vm.alloc_var_with(ObjHeader::new(&TUPLE_TYPE), n, |i| t.items()[i % n1])?;
            Ok(out.value())
        }
        BinOp::Equal => {
            if tuple_items(rhs).is_none() {
                return Ok(Value::FALSE);
            }
            Ok(Value::from_bool(seq_compare(vm, op, lhs, rhs)?))
        }
        BinOp::Less | BinOp::LessEqual | BinOp::More | BinOp::MoreEqual => {
            if tuple_items(rhs).is_none() {
                return Ok(Value::NULL);
            }
            Ok(Value::from_bool(seq_compare(vm, op, lhs, rhs)?))
        }
        BinOp::Contains => {
            for &v in t.items() {
                if vm.eq(v, rhs)? {
                    return Ok(Value::TRUE);
                }
            }
            Ok(Value::FALSE)
        }
        _ => Ok(Value::NULL),
    }
}

fn tuple_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    let Some(t) = tuple_items(obj) else {
        return Ok(Value::NULL);
    };
    if value != Value::SENTINEL {
        // Store/delete: not supported (the runtime raises TypeError).
        return Ok(Value::NULL);
    }
    if let Some(i) = index.as_small_int() {
        let n = t.len() as isize;
        let j = if i < 0 { i + n } else { i };
        if j >= 0 && j < n {
            return Ok(t.items()[j as usize]);
        }
    }
    if slice::is_slice(index) {
        let (start, _stop, step) = slice_indices(vm, index, t.len())?;
        let count = slice_len(start, _stop, step);
        if start == 0 && step == 1 && count == t.len() {
            return Ok(obj);
        }
        let out = vm.alloc_var_with(ObjHeader::new(&TUPLE_TYPE), count, |k| {
            let i = start + k as isize * step;
            t.items().get(i as usize).copied().unwrap_or(Value::NONE)
        })?;
        return Ok(out.value());
    }
    let i = seq_index(vm, index, t.len(), "tuple")?;
    Ok(t.items()[i])
}

fn tuple_count_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(t) = crate::types::class::native_self(arg(args, 0), &TUPLE_TYPE).and_then(tuple_items)
    else {
        return Err(vm.type_error("expected a tuple"));
    };
    let mut n = 0isize;
    for &v in t.items() {
        if vm.eq(v, arg(args, 1))? {
            n += 1;
        }
    }
    Ok(Value::small_int_unchecked(n))
}

fn tuple_index_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(t) = crate::types::class::native_self(arg(args, 0), &TUPLE_TYPE).and_then(tuple_items)
    else {
        return Err(vm.type_error("expected a tuple"));
    };
    list::seq_index_of(vm, args, t.len(), |i| t.items().get(i).copied())
}

// ---- iteration ----

/// The tuple iterator.
#[repr(C)]
pub struct TupleIterObj {
    pub hdr: ObjHeader,
    pub tuple: Value,
    pub cur: Cell<usize>,
}

crate::py_object!(TupleIterObj, TUPLE_ITER_TYPE);

pub static TUPLE_ITER_TYPE: Type = Type {
    getiter: Some(crate::types::iter::iter_self),
    iternext: Some(tuple_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn tuple_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(TupleIterObj {
            hdr: ObjHeader::new(&TUPLE_ITER_TYPE),
            tuple: v,
            cur: Cell::new(0),
        })?
        .value())
}

fn tuple_iternext(_vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<TupleIterObj>() else {
        return Ok(Value::STOP);
    };
    let Some(t) = tuple_items(it.tuple) else {
        return Ok(Value::STOP);
    };
    let i = it.cur.get();
    match t.items().get(i) {
        Some(&v) => {
            it.cur.set(i + 1);
            Ok(v)
        }
        None => Ok(Value::STOP),
    }
}
