//! `set` and `frozenset` (insertion-ordered; storage is a [`Map`] whose values are NULL).
//!
//! Contract: `SET_TYPE`, `FROZENSET_TYPE`, `SetObj`, `set_obj(v)` (set or frozenset),
//! `new_set(vm, items)`, `new_frozenset(vm, items)`, `set_add(vm, set, v)`,
//! `set_from_iter(vm, iterable)`, `SET_ITER_TYPE`.

use super::arg;
use alloc::format;
use alloc::string::String;
use core::cell::Cell;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::map::Map;
use crate::obj::{flags, BinOp, BuiltinFn, Kw, PrintKind, Type, UnaryOp, VAR_ARGS};
use crate::qstr::Q;
use crate::types::list::check_stack;
use crate::types::slice::unhashable;
use crate::value::{Gc, ObjHeader, ObjLayout, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

/// A set or frozenset.
#[repr(C)]
pub struct SetObj {
    pub hdr: ObjHeader,
    pub map: Map,
}

// SAFETY: SetObj is #[repr(C)] with the header first and needs no Drop; only set and
// frozenset objects (all allocated by `alloc_set` with this layout) have these types.
unsafe impl ObjLayout for SetObj {
    fn has_layout(t: TypeRef) -> bool {
        t.is(&SET_TYPE) || t.is(&FROZENSET_TYPE)
    }
}

pub static SET_TYPE: Type = Type {
    make_new: Some(set_make_new),
    print: Some(set_print),
    unary_op: Some(set_unary_op),
    binary_op: Some(set_binary_op),
    getiter: Some(set_getiter),
    ..Type::new(Q::set)
}
.with_flags(flags::BASETYPE)
.with_locals(&SET_LOCALS);

pub static FROZENSET_TYPE: Type = Type {
    make_new: Some(set_make_new),
    print: Some(set_print),
    unary_op: Some(set_unary_op),
    binary_op: Some(set_binary_op),
    getiter: Some(set_getiter),
    ..Type::new(Q::frozenset)
}
.with_flags(flags::BASETYPE)
.with_locals(&FROZENSET_LOCALS);

crate::fixed_dict!(
    SET_LOCALS,
    [
        (Q::add, crate::fnv!(SET_ADD)),
        (Q::clear, crate::fnv!(SET_CLEAR)),
        (Q::copy, crate::fnv!(SET_COPY)),
        (Q::discard, crate::fnv!(SET_DISCARD)),
        (Q::difference, crate::fnv!(SET_DIFFERENCE)),
        (Q::difference_update, crate::fnv!(SET_DIFFERENCE_UPDATE)),
        (Q::intersection, crate::fnv!(SET_INTERSECTION)),
        (Q::intersection_update, crate::fnv!(SET_INTERSECTION_UPDATE)),
        (Q::isdisjoint, crate::fnv!(SET_ISDISJOINT)),
        (Q::issubset, crate::fnv!(SET_ISSUBSET)),
        (Q::issuperset, crate::fnv!(SET_ISSUPERSET)),
        (Q::pop, crate::fnv!(SET_POP)),
        (Q::remove, crate::fnv!(SET_REMOVE)),
        (Q::symmetric_difference, crate::fnv!(SET_SYMDIFF)),
        (
            Q::symmetric_difference_update,
            crate::fnv!(SET_SYMDIFF_UPDATE)
        ),
        (Q::union, crate::fnv!(SET_UNION)),
        (Q::update, crate::fnv!(SET_UPDATE)),
        (Q::__contains__, crate::fnv!(SET_CONTAINS)),
    ]
);

crate::fixed_dict!(
    FROZENSET_LOCALS,
    [
        (Q::copy, crate::fnv!(SET_COPY)),
        (Q::difference, crate::fnv!(SET_DIFFERENCE)),
        (Q::intersection, crate::fnv!(SET_INTERSECTION)),
        (Q::isdisjoint, crate::fnv!(SET_ISDISJOINT)),
        (Q::issubset, crate::fnv!(SET_ISSUBSET)),
        (Q::issuperset, crate::fnv!(SET_ISSUPERSET)),
        (Q::symmetric_difference, crate::fnv!(SET_SYMDIFF)),
        (Q::union, crate::fnv!(SET_UNION)),
        (Q::__contains__, crate::fnv!(SET_CONTAINS)),
    ]
);

static SET_ADD: BuiltinFn = BuiltinFn::new(Q::add, 2, 2, set_add_meth);
static SET_CLEAR: BuiltinFn = BuiltinFn::new(Q::clear, 1, 1, set_clear_meth);
static SET_COPY: BuiltinFn = BuiltinFn::new(Q::copy, 1, 1, set_copy_meth);
static SET_DISCARD: BuiltinFn = BuiltinFn::new(Q::discard, 2, 2, set_discard_meth);
static SET_DIFFERENCE: BuiltinFn = BuiltinFn::new(Q::difference, 1, VAR_ARGS, set_difference_meth);
static SET_DIFFERENCE_UPDATE: BuiltinFn = BuiltinFn::new(
    Q::difference_update,
    1,
    VAR_ARGS,
    set_difference_update_meth,
);
static SET_INTERSECTION: BuiltinFn =
    BuiltinFn::new(Q::intersection, 1, VAR_ARGS, set_intersection_meth);
static SET_INTERSECTION_UPDATE: BuiltinFn = BuiltinFn::new(
    Q::intersection_update,
    1,
    VAR_ARGS,
    set_intersection_update_meth,
);
static SET_ISDISJOINT: BuiltinFn = BuiltinFn::new(Q::isdisjoint, 2, 2, set_isdisjoint_meth);
static SET_ISSUBSET: BuiltinFn = BuiltinFn::new(Q::issubset, 2, 2, set_issubset_meth);
static SET_ISSUPERSET: BuiltinFn = BuiltinFn::new(Q::issuperset, 2, 2, set_issuperset_meth);
static SET_POP: BuiltinFn = BuiltinFn::new(Q::pop, 1, 1, set_pop_meth);
static SET_REMOVE: BuiltinFn = BuiltinFn::new(Q::remove, 2, 2, set_remove_meth);
static SET_SYMDIFF: BuiltinFn = BuiltinFn::new(Q::symmetric_difference, 2, 2, set_symdiff_meth);
static SET_SYMDIFF_UPDATE: BuiltinFn = BuiltinFn::new(
    Q::symmetric_difference_update,
    2,
    2,
    set_symdiff_update_meth,
);
static SET_UNION: BuiltinFn = BuiltinFn::new(Q::union, 1, VAR_ARGS, set_union_meth);
static SET_UPDATE: BuiltinFn = BuiltinFn::new(Q::update, 1, VAR_ARGS, set_update_meth);
static SET_CONTAINS: BuiltinFn = BuiltinFn::new(Q::__contains__, 2, 2, set_contains_meth);

/// The set object if `v` is a set or frozenset.
#[inline]
pub fn set_obj(v: Value) -> Option<Gc<SetObj>> {
    v.downcast_layout::<SetObj>()
}

#[inline]
fn is_frozen(s: Gc<SetObj>) -> bool {
    s.hdr.ty.get().is(&FROZENSET_TYPE)
}

fn alloc_set(vm: &mut Vm, ty: &'static Type) -> PyResult<Gc<SetObj>> {
    vm.alloc_layout(SetObj {
        hdr: ObjHeader::new(ty),
        map: Map::new(),
    })
}

/// A new set of `items`.
pub fn new_set(vm: &mut Vm, items: &[Value]) -> PyResult<Value> {
    let s = alloc_set(vm, &SET_TYPE)?;
    for &v in items {
        s.map.set_default(vm, v, Value::NULL)?;
    }
    Ok(s.value())
}

/// A new frozenset of `items`.
pub fn new_frozenset(vm: &mut Vm, items: &[Value]) -> PyResult<Value> {
    let s = alloc_set(vm, &FROZENSET_TYPE)?;
    for &v in items {
        s.map.set_default(vm, v, Value::NULL)?;
    }
    Ok(s.value())
}

/// `set.add(v)`.
#[inline]
pub fn set_add(vm: &mut Vm, set: Value, v: Value) -> PyResult<()> {
    let Some(s) = set_obj(set) else {
        return Err(vm.type_error("expected a set"));
    };
    s.map.set_default(vm, v, Value::NULL)?;
    Ok(())
}

/// Add every item of `iterable` to `s`.
fn add_all(vm: &mut Vm, s: Gc<SetObj>, iterable: Value) -> PyResult<()> {
    if let Some(o) = set_obj(iterable) {
        if o.ptr_eq(s) {
            return Ok(());
        }
        let mut pos = 0;
        while let Some((k, _)) = o.map.next_entry(&mut pos) {
            s.map.set_default(vm, k, Value::NULL)?;
        }
        return Ok(());
    }
    let it = vm.get_iter(iterable)?;
    while let Some(v) = vm.iter_next(it)? {
        s.map.set_default(vm, v, Value::NULL)?;
    }
    Ok(())
}

fn new_of_type(vm: &mut Vm, ty: &'static Type, iterable: Value) -> PyResult<Gc<SetObj>> {
    let s = alloc_set(vm, ty)?;
    if !iterable.is_null() {
        add_all(vm, s, iterable)?;
    }
    Ok(s)
}

/// A new set of the items of any iterable.
pub fn set_from_iter(vm: &mut Vm, iterable: Value) -> PyResult<Value> {
    Ok(new_of_type(vm, &SET_TYPE, iterable)?.value())
}

/// `other` as a set object: itself if it is one, else a new set of its items.
fn as_set(vm: &mut Vm, other: Value) -> PyResult<Gc<SetObj>> {
    match set_obj(other) {
        Some(s) => Ok(s),
        None => new_of_type(vm, &SET_TYPE, other),
    }
}

fn set_make_new(vm: &mut Vm, ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    let frozen = ty.is(&FROZENSET_TYPE);
    let sty: &'static Type = if frozen { &FROZENSET_TYPE } else { &SET_TYPE };
    match *args {
        [] => Ok(alloc_set(vm, sty)?.value()),
        [it] => {
            if frozen && it.type_of().is(&FROZENSET_TYPE) {
                return Ok(it);
            }
            Ok(new_of_type(vm, sty, it)?.value())
        }
        _ => Err(vm.type_error("function expected at most 1 arguments")),
    }
}

#[inline]
fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<SetObj>> {
    if let Some(s) = set_obj(v) {
        return Ok(s);
    }
    let n = crate::types::class::native_self(v, &SET_TYPE)
        .or_else(|| crate::types::class::native_self(v, &FROZENSET_TYPE));
    match n.and_then(set_obj) {
        Some(s) => Ok(s),
        None => {
            let m = format!(
                "descriptor requires a 'set' object but received a '{}'",
                vm.type_name(v)
            );
            Err(vm.type_error(&m))
        }
    }
}

fn this_mut(vm: &mut Vm, v: Value) -> PyResult<Gc<SetObj>> {
    let s = this(vm, v)?;
    if is_frozen(s) {
        return Err(vm.type_error("'frozenset' object is immutable"));
    }
    Ok(s)
}

fn set_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(s) = set_obj(v) else {
        return Ok(());
    };
    let frozen = is_frozen(s);
    if s.map.is_empty() {
        push_str(out, if frozen { "frozenset()" } else { "set()" });
        return Ok(());
    }
    check_stack(vm)?;
    if frozen {
        push_str(out, "frozenset(");
    }
    push_char(out, '{');
    let mut pos = 0;
    let mut first = true;
    while let Some((k, _)) = s.map.next_entry(&mut pos) {
        if !first {
            push_str(out, ", ");
        }
        first = false;
        vm.print_to(k, PrintKind::Repr, out)?;
    }
    push_char(out, '}');
    if frozen {
        push_char(out, ')');
    }
    Ok(())
}

fn set_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(s) = set_obj(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(!s.map.is_empty()),
        UnaryOp::Len => Value::small_int_unchecked(s.map.len() as isize),
        UnaryOp::Hash => {
            if !is_frozen(s) {
                return Err(unhashable(vm, v));
            }
            check_stack(vm)?;
            // Order-independent: combine a mix of each element hash by addition.
            let mut h: usize = s.map.len().wrapping_mul(0x9e37_79b9);
            let mut pos = 0;
            while let Some((k, _)) = s.map.next_entry(&mut pos) {
                let hk = crate::map::key_hash(vm, k)?;
                let x = (hk ^ (hk << 16) ^ 89_869_747).wrapping_mul(3_644_798_167);
                h = h.wrapping_add(x);
            }
            Value::small_int_unchecked((h & (isize::MAX as usize >> 2)) as isize)
        }
        _ => Value::NULL,
    })
}

/// True if every element of `a` is in `b`.
fn subset(vm: &mut Vm, a: Gc<SetObj>, b: Gc<SetObj>) -> PyResult<bool> {
    if a.map.len() > b.map.len() {
        return Ok(false);
    }
    let mut pos = 0;
    while let Some((k, _)) = a.map.next_entry(&mut pos) {
        if !b.map.contains(vm, k)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn result_type(s: Gc<SetObj>) -> &'static Type {
    if is_frozen(s) {
        &FROZENSET_TYPE
    } else {
        &SET_TYPE
    }
}

fn copy_of(vm: &mut Vm, s: Gc<SetObj>, ty: &'static Type) -> PyResult<Gc<SetObj>> {
    let out = alloc_set(vm, ty)?;
    out.map.reserve(vm, s.map.len())?;
    out.map.update_from(vm, &s.map)?;
    Ok(out)
}

fn intersect(vm: &mut Vm, a: Gc<SetObj>, other: Value, ty: &'static Type) -> PyResult<Gc<SetObj>> {
    let b = as_set(vm, other)?;
    let out = alloc_set(vm, ty)?;
    let mut pos = 0;
    while let Some((k, _)) = a.map.next_entry(&mut pos) {
        if b.map.contains(vm, k)? {
            out.map.set_default(vm, k, Value::NULL)?;
        }
    }
    Ok(out)
}

fn symdiff_into(vm: &mut Vm, out: Gc<SetObj>, other: Value) -> PyResult<()> {
    let b = as_set(vm, other)?;
    if b.ptr_eq(out) {
        out.map.clear(vm)?;
        return Ok(());
    }
    let mut pos = 0;
    while let Some((k, _)) = b.map.next_entry(&mut pos) {
        if out.map.remove(vm, k)?.is_none() {
            out.map.set_default(vm, k, Value::NULL)?;
        }
    }
    Ok(())
}

fn difference_into(vm: &mut Vm, out: Gc<SetObj>, other: Value) -> PyResult<()> {
    if let Some(o) = set_obj(other) {
        if o.ptr_eq(out) {
            out.map.clear(vm)?;
            return Ok(());
        }
    }
    let it = vm.get_iter(other)?;
    while let Some(v) = vm.iter_next(it)? {
        out.map.remove(vm, v)?;
    }
    Ok(())
}

fn set_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let Some(a) = set_obj(lhs) else {
        return Ok(Value::NULL);
    };
    if op == BinOp::Contains {
        return Ok(Value::from_bool(a.map.contains(vm, rhs)?));
    }
    let Some(b) = set_obj(rhs) else {
        return Ok(if op == BinOp::Equal {
            Value::FALSE
        } else {
            Value::NULL
        });
    };
    let frozen = is_frozen(a);
    let ty = result_type(a);
    Ok(match op {
        BinOp::Or => {
            let out = copy_of(vm, a, ty)?;
            add_all(vm, out, rhs)?;
            out.value()
        }
        BinOp::Xor => {
            let out = copy_of(vm, a, ty)?;
            symdiff_into(vm, out, rhs)?;
            out.value()
        }
        BinOp::And => intersect(vm, a, rhs, ty)?.value(),
        BinOp::Subtract => {
            let out = copy_of(vm, a, ty)?;
            difference_into(vm, out, rhs)?;
            out.value()
        }
        BinOp::InplaceOr if !frozen => {
            add_all(vm, a, rhs)?;
            lhs
        }
        BinOp::InplaceXor if !frozen => {
            symdiff_into(vm, a, rhs)?;
            lhs
        }
        BinOp::InplaceAnd if !frozen => {
            let r = intersect(vm, a, rhs, &SET_TYPE)?;
            a.map.clear(vm)?;
            a.map.update_from(vm, &r.map)?;
            lhs
        }
        BinOp::InplaceSubtract if !frozen => {
            difference_into(vm, a, rhs)?;
            lhs
        }
        BinOp::Less => Value::from_bool(a.map.len() < b.map.len() && subset(vm, a, b)?),
        BinOp::LessEqual => Value::from_bool(subset(vm, a, b)?),
        BinOp::More => Value::from_bool(a.map.len() > b.map.len() && subset(vm, b, a)?),
        BinOp::MoreEqual => Value::from_bool(subset(vm, b, a)?),
        BinOp::Equal => Value::from_bool(a.map.len() == b.map.len() && subset(vm, a, b)?),
        _ => Value::NULL,
    })
}

// ---- methods ----

fn set_add_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    s.map.set_default(vm, arg(args, 1), Value::NULL)?;
    Ok(Value::NONE)
}

fn set_clear_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    s.map.clear(vm)?;
    Ok(Value::NONE)
}

fn set_copy_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let ty = result_type(s);
    Ok(copy_of(vm, s, ty)?.value())
}

fn set_discard_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    s.map.remove(vm, arg(args, 1))?;
    Ok(Value::NONE)
}

fn set_difference_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let ty = result_type(s);
    let out = copy_of(vm, s, ty)?;
    for &o in &args[1..] {
        difference_into(vm, out, o)?;
    }
    Ok(out.value())
}

fn set_difference_update_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    for &o in &args[1..] {
        difference_into(vm, s, o)?;
    }
    Ok(Value::NONE)
}

fn set_intersection_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let ty = result_type(s);
    let mut cur = copy_of(vm, s, ty)?;
    for &o in &args[1..] {
        cur = intersect(vm, cur, o, ty)?;
    }
    Ok(cur.value())
}

fn set_intersection_update_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    for &o in &args[1..] {
        let r = intersect(vm, s, o, &SET_TYPE)?;
        s.map.clear(vm)?;
        s.map.update_from(vm, &r.map)?;
    }
    Ok(Value::NONE)
}

fn set_isdisjoint_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let it = vm.get_iter(arg(args, 1))?;
    while let Some(v) = vm.iter_next(it)? {
        if s.map.contains(vm, v)? {
            return Ok(Value::FALSE);
        }
    }
    Ok(Value::TRUE)
}

fn set_issubset_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let o = as_set(vm, arg(args, 1))?;
    Ok(Value::from_bool(subset(vm, s, o)?))
}

fn set_issuperset_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let o = as_set(vm, arg(args, 1))?;
    Ok(Value::from_bool(subset(vm, o, s)?))
}

fn set_pop_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    match s.map.pop_first(vm)? {
        Some((k, _)) => Ok(k),
        None => {
            let m = crate::types::str::new_str(vm, "pop from an empty set")?;
            Err(vm.key_error(m))
        }
    }
}

fn set_remove_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    match s.map.remove(vm, arg(args, 1))? {
        Some(_) => Ok(Value::NONE),
        None => Err(vm.key_error(arg(args, 1))),
    }
}

fn set_symdiff_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let ty = result_type(s);
    let out = copy_of(vm, s, ty)?;
    symdiff_into(vm, out, arg(args, 1))?;
    Ok(out.value())
}

fn set_symdiff_update_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    symdiff_into(vm, s, arg(args, 1))?;
    Ok(Value::NONE)
}

fn set_union_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    let ty = result_type(s);
    let out = copy_of(vm, s, ty)?;
    for &o in &args[1..] {
        add_all(vm, out, o)?;
    }
    Ok(out.value())
}

fn set_update_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this_mut(vm, arg(args, 0))?;
    for &o in &args[1..] {
        add_all(vm, s, o)?;
    }
    Ok(Value::NONE)
}

fn set_contains_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, arg(args, 0))?;
    Ok(Value::from_bool(s.map.contains(vm, arg(args, 1))?))
}

// ---- iteration ----

#[repr(C)]
pub struct SetIterObj {
    pub hdr: ObjHeader,
    pub set: Value,
    pub pos: Cell<usize>,
    pub len: usize,
}

crate::py_object!(SetIterObj, SET_ITER_TYPE);

pub static SET_ITER_TYPE: Type = Type {
    getiter: Some(crate::types::iter::iter_self),
    iternext: Some(set_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn set_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(s) = set_obj(v) else {
        return Ok(Value::NULL);
    };
    Ok(vm
        .alloc_obj(SetIterObj {
            hdr: ObjHeader::new(&SET_ITER_TYPE),
            set: v,
            pos: Cell::new(0),
            len: s.map.len(),
        })?
        .value())
}

fn set_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<SetIterObj>() else {
        return Ok(Value::STOP);
    };
    let Some(s) = set_obj(it.set) else {
        return Ok(Value::STOP);
    };
    if s.map.len() != it.len {
        return Err(vm.runtime_error("Set changed size during iteration"));
    }
    let mut pos = it.pos.get();
    let r = s.map.next_entry(&mut pos);
    it.pos.set(pos);
    Ok(match r {
        Some((k, _)) => k,
        None => Value::STOP,
    })
}
