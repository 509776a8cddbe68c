//! `int` (small ints are immediate values; big ints live in the heap) and `bool`.

use alloc::string::String;
use core::fmt::Write;

use crate::obj::{flags, BinOp, PrintKind, Type, UnaryOp};
use crate::qstr::Q;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

pub static INT_TYPE: Type = Type {
    print: Some(int_print),
    unary_op: Some(int_unary_op),
    binary_op: Some(int_binary_op),
    ..Type::new(Q::int)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);

pub static BOOL_TYPE: Type = Type {
    print: Some(bool_print),
    unary_op: Some(bool_unary_op),
    binary_op: Some(bool_binary_op),
    ..Type::new(Q::bool)
}
.with_base(&INT_TYPE)
.with_flags(flags::EQ_CHECKS_OTHER_TYPE);

fn int_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(i) = v.as_small_int() {
        let _ = write!(out, "{}", i);
    }
    Ok(())
}

fn int_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(i) = v.as_small_int() else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(i != 0),
        UnaryOp::Positive | UnaryOp::IntMaybe | UnaryOp::Hash => v,
        UnaryOp::Negative => small_or_overflow(vm, i.checked_neg())?,
        UnaryOp::Invert => Value::small_int_unchecked(!i),
        UnaryOp::Abs => small_or_overflow(vm, i.checked_abs())?,
        _ => Value::NULL,
    })
}

fn small_or_overflow(vm: &mut Vm, r: Option<isize>) -> PyResult<Value> {
    match r.and_then(Value::small_int) {
        Some(v) => Ok(v),
        None => Err(vm.overflow_error("small int overflow")),
    }
}

fn int_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    let Some(a) = l.as_small_int() else {
        return Ok(Value::NULL);
    };
    let b = if let Some(b) = r.as_small_int() {
        b
    } else if r.is_bool() {
        (r == Value::TRUE) as isize
    } else {
        return Ok(Value::NULL);
    };
    Ok(match op.non_inplace() {
        BinOp::Add => small_or_overflow(vm, a.checked_add(b))?,
        BinOp::Subtract => small_or_overflow(vm, a.checked_sub(b))?,
        BinOp::Multiply => small_or_overflow(vm, a.checked_mul(b))?,
        BinOp::Less => Value::from_bool(a < b),
        BinOp::More => Value::from_bool(a > b),
        BinOp::LessEqual => Value::from_bool(a <= b),
        BinOp::MoreEqual => Value::from_bool(a >= b),
        BinOp::Equal => Value::from_bool(a == b),
        _ => Value::NULL,
    })
}

fn bool_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str(if v == Value::TRUE { "True" } else { "False" });
    Ok(())
}

fn bool_unary_op(vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let i = (v == Value::TRUE) as isize;
    match op {
        UnaryOp::Bool => Ok(v),
        _ => int_unary_op(vm, op, Value::small_int_unchecked(i)),
    }
}

fn bool_binary_op(vm: &mut Vm, op: BinOp, l: Value, r: Value) -> PyResult<Value> {
    let i = (l == Value::TRUE) as isize;
    int_binary_op(vm, op, Value::small_int_unchecked(i), r)
}

/// Hash of a big int (for user `__hash__` results that are not small).
pub fn hash_big(vm: &mut Vm, v: Value) -> PyResult<usize> {
    let _ = v;
    Err(vm.type_error("__hash__ must return an int"))
}

/// An int from an i64 (a small int when it fits). Contract used by the VM's loader/dispatch;
/// the numbers helper extends it to big ints.
pub fn int_from_i64(vm: &mut Vm, n: i64) -> PyResult<Value> {
    match isize::try_from(n).ok().and_then(Value::small_int) {
        Some(v) => Ok(v),
        None => Err(vm.overflow_error("small int overflow")),
    }
}

/// Parse integer literal text in `base` (as the compiler/loader give it: optional sign, digits,
/// `_` separators). Minimal version (small ints only) added by the VM helper; the numbers
/// helper replaces it with the big-int aware one.
pub fn parse_int(vm: &mut Vm, text: &str, base: u32) -> PyResult<Value> {
    let t = text.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut acc: i64 = 0;
    let mut any = false;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let Some(d) = c.to_digit(base) else {
            return Err(vm.value_error("invalid syntax for integer"));
        };
        any = true;
        acc = match acc
            .checked_mul(base as i64)
            .and_then(|a| a.checked_add(d as i64))
        {
            Some(a) => a,
            None => return Err(vm.overflow_error("small int overflow")),
        };
    }
    if !any {
        return Err(vm.value_error("invalid syntax for integer"));
    }
    int_from_i64(vm, if neg { -acc } else { acc })
}
