//! Template strings (PEP 750 t-strings): `string.templatelib.Template` and `Interpolation`.
//! Contract: `TEMPLATE_TYPE`, `INTERPOLATION_TYPE` (for the `string.templatelib` module) and
//! `TEMPLATE_BUILTIN` (the `__template__` builtin the compiler calls for a t-string).
//!
//! The compiler turns `t"a{x!r:>4}b"` into `__template__(("a", "b"), x, "x", "r", ">4")`:
//! the tuple of literal strings, then four items per interpolation (value, expression text,
//! conversion or None, format spec). A second argument that is a tuple holds those items
//! instead (for templates with many interpolations).
//!
//! A Template keeps `strings` (always one more than the interpolations) and `interpolations`
//! as tuples; `values` is computed; iterating yields the non-empty strings and the
//! interpolations in order; `+` joins two templates (merging the touching strings).

use super::arg;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, AttrAction, BinOp, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::types::str as s;
use crate::types::tuple::{new_tuple, tuple_items};
use crate::value::{ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

#[repr(C)]
pub struct TemplateObj {
    pub hdr: ObjHeader,
    /// Tuple of str.
    pub strings: Value,
    /// Tuple of Interpolation.
    pub interpolations: Value,
}

crate::py_object!(TemplateObj, TEMPLATE_TYPE);

#[repr(C)]
pub struct InterpolationObj {
    pub hdr: ObjHeader,
    pub value: Value,
    pub expression: Value,
    pub conversion: Value,
    pub format_spec: Value,
}

crate::py_object!(InterpolationObj, INTERPOLATION_TYPE);

pub static TEMPLATE_TYPE: Type = Type {
    make_new: Some(template_make_new),
    print: Some(template_print),
    binary_op: Some(template_binary_op),
    attr: Some(template_attr),
    getiter: Some(template_getiter),
    ..Type::new(Q::Template)
}
.with_flags(flags::EQ_IS_IDENTITY);

pub static INTERPOLATION_TYPE: Type = Type {
    make_new: Some(interpolation_make_new),
    print: Some(interpolation_print),
    attr: Some(interpolation_attr),
    ..Type::new(Q::Interpolation)
}
.with_flags(flags::EQ_IS_IDENTITY);

/// `__template__(strings, *interpolation_items)`: what a t-string compiles to.
pub static TEMPLATE_BUILTIN: BuiltinFn =
    BuiltinFn::new(Q::__template__, 1, crate::obj::VAR_ARGS, builtin_template);

fn new_template(vm: &mut Vm, strings: Value, interpolations: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(TemplateObj {
            hdr: ObjHeader::new(&TEMPLATE_TYPE),
            strings,
            interpolations,
        })?
        .value())
}

fn new_interpolation(vm: &mut Vm, items: [Value; 4]) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(InterpolationObj {
            hdr: ObjHeader::new(&INTERPOLATION_TYPE),
            value: items[0],
            expression: items[1],
            conversion: items[2],
            format_spec: items[3],
        })?
        .value())
}

fn builtin_template(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let strings = arg(args, 0);
    if tuple_items(strings).is_none() {
        return Err(vm.type_error("expected a tuple of strings"));
    }
    let packed = if args.len() == 2 {
        tuple_items(arg(args, 1))
    } else {
        None
    };
    let n_items = match &packed {
        Some(t) => t.len(),
        None => args.len() - 1,
    };
    let item = |i: usize| -> Value {
        match &packed {
            Some(t) => t.items().get(i).copied().unwrap_or(Value::NONE),
            None => args.get(i + 1).copied().unwrap_or(Value::NONE),
        }
    };
    let n = n_items / 4;
    // The list roots the interpolations while more are allocated.
    let list = crate::types::list::new_list(vm, &[])?;
    for i in 0..n {
        let one = new_interpolation(
            vm,
            [
                item(4 * i),
                item(4 * i + 1),
                item(4 * i + 2),
                item(4 * i + 3),
            ],
        )?;
        crate::types::list::list_append(vm, list, one)?;
    }
    let items = list_values(list);
    let interps = new_tuple(vm, &items)?;
    let _ = list;
    new_template(vm, strings, interps)
}

/// The items of a list (kept alive by the list, which the caller holds).
fn list_values(list: Value) -> Vec<Value> {
    crate::types::list::list_obj(list).map_or(Vec::new(), |l| {
        (0..l.len()).filter_map(|i| l.get(i)).collect()
    })
}

fn template_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    // Consecutive strings are concatenated; strings and interpolations alternate, with empty
    // strings where two interpolations touch or at either end.
    let list = crate::types::list::new_list(vm, &[])?;
    let mut interps: Vec<Value> = Vec::new();
    let mut cur = String::new();
    let mut cur_val: Option<Value> = None;
    let mut pieces = 0usize;
    for &a in args {
        if a.downcast::<InterpolationObj>().is_some() {
            let sv = match (cur_val.take(), pieces) {
                (Some(v), 1) => v,
                _ => s::new_str(vm, &cur)?,
            };
            crate::types::list::list_append(vm, list, sv)?;
            crate::types::list::list_append(vm, list, a)?;
            interps.push(a);
            cur.clear();
            pieces = 0;
        } else if let Some(d) = s::str_data(vm, a) {
            push_str(&mut cur, d.as_str());
            cur_val = Some(a);
            pieces += 1;
        } else {
            return Err(vm.type_error("expected str or Interpolation"));
        }
    }
    let last = match (cur_val.take(), pieces) {
        (Some(v), 1) => v,
        _ => s::new_str(vm, &cur)?,
    };
    crate::types::list::list_append(vm, list, last)?;
    // Split the list into the two tuples.
    let Some(l) = crate::types::list::list_obj(list) else {
        return Err(vm.memory_error());
    };
    let n = interps.len();
    let strs: Vec<Value> = (0..=n).filter_map(|i| l.get(2 * i)).collect();
    let its: Vec<Value> = (0..n).filter_map(|i| l.get(2 * i + 1)).collect();
    let st = new_tuple(vm, &strs)?;
    vm.roots.push(st);
    let it = new_tuple(vm, &its);
    vm.roots.pop();
    let it = it?;
    let _ = list;
    new_template(vm, st, it)
}

fn template_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(t) = v.downcast::<TemplateObj>() else {
        return Ok(());
    };
    push_str(out, "Template(strings=");
    vm.print_to(t.strings, PrintKind::Repr, out)?;
    push_str(out, ", interpolations=");
    vm.print_to(t.interpolations, PrintKind::Repr, out)?;
    push_char(out, ')');
    Ok(())
}

fn template_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    if !matches!(op, BinOp::Add | BinOp::InplaceAdd) {
        return Ok(Value::NULL);
    }
    let (Some(a), Some(b)) = (lhs.downcast::<TemplateObj>(), rhs.downcast::<TemplateObj>()) else {
        return Ok(Value::NULL);
    };
    let (Some(as_), Some(ai), Some(bs), Some(bi)) = (
        tuple_items(a.strings),
        tuple_items(a.interpolations),
        tuple_items(b.strings),
        tuple_items(b.interpolations),
    ) else {
        return Ok(Value::NULL);
    };
    let (la, lb) = (as_.len(), bs.len());
    if la == 0 || lb == 0 {
        return Err(vm.value_error("malformed Template"));
    }
    let a_last = as_.items()[la - 1];
    let b_first = bs.items()[0];
    let joined = vm.binary_op(BinOp::Add, a_last, b_first)?;
    let mut strs: Vec<Value> = Vec::with_capacity(la + lb - 1);
    strs.extend_from_slice(&as_.items()[..la - 1]);
    strs.push(joined);
    strs.extend_from_slice(&bs.items()[1..]);
    let mut its: Vec<Value> = Vec::with_capacity(ai.len() + bi.len());
    its.extend_from_slice(ai.items());
    its.extend_from_slice(bi.items());
    vm.roots.push(joined);
    let st = new_tuple(vm, &strs);
    vm.roots.pop();
    let st = st?;
    vm.roots.push(st);
    let it = new_tuple(vm, &its);
    vm.roots.pop();
    let it = it?;
    new_template(vm, st, it)
}

fn template_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    if action != AttrAction::Load {
        return Ok(None);
    }
    let Some(t) = v.downcast::<TemplateObj>() else {
        return Ok(None);
    };
    Ok(match name {
        Q::strings => Some(t.strings),
        Q::interpolations => Some(t.interpolations),
        Q::values => {
            let Some(it) = tuple_items(t.interpolations) else {
                return Ok(None);
            };
            let vals: Vec<Value> = it
                .items()
                .iter()
                .map(|&x| {
                    x.downcast::<InterpolationObj>()
                        .map_or(Value::NONE, |i| i.value)
                })
                .collect();
            Some(new_tuple(vm, &vals)?)
        }
        _ => None,
    })
}

#[repr(C)]
pub struct TemplateIterObj {
    pub hdr: ObjHeader,
    pub template: Value,
    pub index: Cell<usize>,
}

crate::py_object!(TemplateIterObj, TEMPLATE_ITER_TYPE);

static TEMPLATE_ITER_TYPE: Type = Type {
    iternext: Some(template_iternext),
    getiter: Some(iter_self),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn iter_self(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

fn template_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(TemplateIterObj {
            hdr: ObjHeader::new(&TEMPLATE_ITER_TYPE),
            template: v,
            index: Cell::new(0),
        })?
        .value())
}

fn template_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(it) = v.downcast::<TemplateIterObj>() else {
        return Ok(Value::STOP);
    };
    let Some(t) = it.template.downcast::<TemplateObj>() else {
        return Ok(Value::STOP);
    };
    let (Some(strs), Some(its)) = (tuple_items(t.strings), tuple_items(t.interpolations)) else {
        return Ok(Value::STOP);
    };
    loop {
        let i = it.index.get();
        if i >= strs.len() + its.len() {
            return Ok(Value::STOP);
        }
        it.index.set(i + 1);
        if i % 2 == 0 {
            let sv = strs.items().get(i / 2).copied().unwrap_or(Value::NONE);
            let empty = s::str_data(vm, sv).is_none_or(|d| d.as_bytes().is_empty());
            if !empty {
                return Ok(sv);
            }
        } else {
            return Ok(its.items().get(i / 2).copied().unwrap_or(Value::NONE));
        }
    }
}

fn interpolation_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut a = [
        Value::NULL,
        Value::qstr(Q::EMPTY),
        Value::NONE,
        Value::qstr(Q::EMPTY),
    ];
    if args.len() > 4 {
        return Err(vm.type_error("function expected at most 4 arguments"));
    }
    a[..args.len()].copy_from_slice(args);
    for p in kw.chunks_exact(2) {
        let i = match p[0].as_qstr() {
            Some(Q::value) => 0,
            Some(Q::expression) => 1,
            Some(Q::conversion) => 2,
            Some(Q::format_spec) => 3,
            _ => return Err(vm.type_error("unexpected keyword argument")),
        };
        a[i] = p[1];
    }
    if a[0].is_null() {
        return Err(vm.type_error("'value' argument required"));
    }
    new_interpolation(vm, a)
}

fn interpolation_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(i) = v.downcast::<InterpolationObj>() else {
        return Ok(());
    };
    push_str(out, "Interpolation(");
    for (n, x) in [i.value, i.expression, i.conversion, i.format_spec]
        .into_iter()
        .enumerate()
    {
        if n > 0 {
            push_str(out, ", ");
        }
        vm.print_to(x, PrintKind::Repr, out)?;
    }
    push_char(out, ')');
    Ok(())
}

fn interpolation_attr(
    _vm: &mut Vm,
    v: Value,
    name: Qstr,
    action: AttrAction,
) -> PyResult<Option<Value>> {
    if action != AttrAction::Load {
        return Ok(None);
    }
    let Some(i) = v.downcast::<InterpolationObj>() else {
        return Ok(None);
    };
    Ok(match name {
        Q::value => Some(i.value),
        Q::expression => Some(i.expression),
        Q::conversion => Some(i.conversion),
        Q::format_spec => Some(i.format_spec),
        _ => None,
    })
}
