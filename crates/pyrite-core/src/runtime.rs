//! Generic operations on values: the dispatch through type slots that the VM and every builtin
//! use (truth, repr, arithmetic, comparison, hashing, calls, attributes, subscripts, iteration).
//! Error messages follow MicroPython's.

use alloc::format;
use alloc::string::String;

use crate::obj::{flags, AttrAction, BinOp, Kw, PrintKind, UnaryOp};
use crate::qstr::{Qstr, Q};
use crate::types::exception as exc;
use crate::value::{TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

impl Vm {
    /// The name of a value's type (for error messages).
    pub fn type_name(&self, v: Value) -> &'static str {
        self.qstr_str(v.type_of().name)
    }

    // ---- printing ----

    /// Append repr(v) or str(v) to `out`.
    pub fn print_to(&mut self, v: Value, kind: PrintKind, out: &mut String) -> PyResult<()> {
        let t = v.type_of();
        if let Some(p) = t.print {
            p(self, v, kind, out)
        } else {
            out.push('<');
            out.push_str(self.qstr_str(t.name));
            out.push('>');
            Ok(())
        }
    }
    /// repr(v) as a Rust string.
    pub fn repr_string(&mut self, v: Value) -> PyResult<String> {
        let mut s = String::new();
        self.print_to(v, PrintKind::Repr, &mut s)?;
        Ok(s)
    }
    /// str(v) as a Rust string.
    pub fn str_string(&mut self, v: Value) -> PyResult<String> {
        let mut s = String::new();
        self.print_to(v, PrintKind::Str, &mut s)?;
        Ok(s)
    }

    // ---- truth, unary ----

    /// `bool(v)`.
    pub fn is_true(&mut self, v: Value) -> PyResult<bool> {
        if v == Value::FALSE || v == Value::NONE {
            return Ok(false);
        }
        if v == Value::TRUE {
            return Ok(true);
        }
        if let Some(i) = v.as_small_int() {
            return Ok(i != 0);
        }
        let t = v.type_of();
        if let Some(u) = t.unary_op {
            let r = u(self, UnaryOp::Bool, v)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                return Ok(r == Value::TRUE);
            }
            let r = u(self, UnaryOp::Len, v)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                return Ok(r != Value::small_int_unchecked(0));
            }
        }
        Ok(true)
    }

    /// Unary operation (MicroPython's `mp_unary_op`).
    pub fn unary_op(&mut self, op: UnaryOp, v: Value) -> PyResult<Value> {
        if op == UnaryOp::Not {
            return Ok(Value::from_bool(!self.is_true(v)?));
        }
        if let Some(i) = v.as_small_int() {
            match op {
                UnaryOp::Positive | UnaryOp::IntMaybe => return Ok(v),
                UnaryOp::Bool => return Ok(Value::from_bool(i != 0)),
                UnaryOp::Hash => return Ok(v),
                _ => {}
            }
        }
        let t = v.type_of();
        if let Some(u) = t.unary_op {
            let r = u(self, op, v)?;
            // A user class's `__neg__` may return NotImplemented as a plain value.
            if !r.is_null() && (r != Value::NOT_IMPLEMENTED || t.has_flag(flags::USER_CLASS)) {
                return Ok(r);
            }
        }
        match op {
            UnaryOp::Bool => Ok(Value::from_bool(self.is_true(v)?)),
            UnaryOp::Hash => Ok(Value::small_int_unchecked(
                (v.word() >> 2) as isize & (isize::MAX >> 2),
            )),
            UnaryOp::IntMaybe | UnaryOp::FloatMaybe | UnaryOp::ComplexMaybe => Ok(Value::NULL),
            UnaryOp::Len => {
                let m = format!("object of type '{}' has no len()", self.type_name(v));
                Err(self.type_error(&m))
            }
            _ => {
                let name = match op {
                    UnaryOp::Positive => "__pos__",
                    UnaryOp::Negative => "__neg__",
                    UnaryOp::Invert => "__invert__",
                    UnaryOp::Abs => "__abs__",
                    _ => "?",
                };
                let m = format!("unsupported type for {}: '{}'", name, self.type_name(v));
                Err(self.type_error(&m))
            }
        }
    }

    /// `len(v)` as a Rust integer.
    pub fn len(&mut self, v: Value) -> PyResult<usize> {
        let r = self.unary_op(UnaryOp::Len, v)?;
        match r.as_small_int() {
            Some(n) if n >= 0 => Ok(n as usize),
            _ => Err(self.overflow_error("len too large")),
        }
    }

    // ---- hashing and equality ----

    /// `hash(v)` folded to a non-negative word.
    pub fn hash(&mut self, v: Value) -> PyResult<usize> {
        if let Some(q) = v.as_qstr() {
            return Ok(self.qstrs.hash(q));
        }
        if let Some(i) = v.as_small_int() {
            return Ok(i as usize);
        }
        if v.is_bool() {
            // hash(True) == hash(1), as True == 1.
            return Ok((v == Value::TRUE) as usize);
        }
        if v.is_immediate() {
            return Ok(v.word() >> 3);
        }
        // Exact str objects (dict keys read from data): the cached hash, without dispatch.
        if let Some(o) = crate::types::str::str_obj(v) {
            return Ok(crate::types::str::obj_hash(&o));
        }
        let r = self.unary_op(UnaryOp::Hash, v)?;
        match r.as_small_int() {
            Some(h) => Ok(h as usize),
            None => {
                // Big-int hashes from user __hash__: fold.
                let h = crate::types::int::hash_big(self, r)?;
                Ok(h)
            }
        }
    }

    /// `a == b` as a bool.
    pub fn eq(&mut self, a: Value, b: Value) -> PyResult<bool> {
        if a == b {
            // Identity implies equality except for NaN floats, which are boxed and compare
            // through the float type below only when not identical (CPython's containers also
            // treat identical objects as equal).
            return Ok(true);
        }
        if a.is_small_int() && b.is_small_int() {
            return Ok(false);
        }
        if a.is_qstr() && b.is_qstr() {
            return Ok(false);
        }
        let r = self.binary_op(BinOp::Equal, a, b)?;
        // A user `__eq__` may return any object.
        if r == Value::TRUE || r == Value::FALSE {
            return Ok(r == Value::TRUE);
        }
        self.is_true(r)
    }

    /// Equality for dict/set lookups (identity first).
    #[inline]
    pub fn eq_for_key(&mut self, a: Value, b: Value) -> PyResult<bool> {
        self.eq(a, b)
    }
    /// Equality for indexed dict lookups, where `hash` is b's hash.
    #[inline]
    pub fn hash_eq_for_key(&mut self, a: Value, b: Value, hash: usize) -> PyResult<bool> {
        if a.is_small_int() && b.is_small_int() {
            return Ok(false);
        }
        if self.hash(a)? != hash {
            return Ok(false);
        }
        self.eq(a, b)
    }

    // ---- binary operations ----

    /// Binary operation (MicroPython's `mp_binary_op`): comparisons, `in`, `is`, exception
    /// matching, arithmetic with reflected and in-place fallbacks.
    pub fn binary_op(&mut self, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
        match op {
            BinOp::Is => return Ok(Value::from_bool(lhs == rhs)),
            BinOp::ExceptionMatch => {
                return exc::exception_match(self, lhs, rhs).map(Value::from_bool)
            }
            BinOp::In => {
                return self.contains(rhs, lhs).map(Value::from_bool);
            }
            BinOp::Equal | BinOp::NotEqual => {
                if lhs.type_of().has_flag(flags::USER_CLASS)
                    || rhs.type_of().has_flag(flags::USER_CLASS)
                {
                    return self.user_equal(op, lhs, rhs);
                }
                // `==` is not reflexive for floats and complexes (NaN != NaN).
                // User classes' `__eq__` runs even for identical operands.
                let eq = if lhs == rhs
                    && !crate::types::float::eq_not_reflexive(lhs)
                    && !lhs.type_of().has_flag(flags::USER_CLASS)
                {
                    true
                } else {
                    self.equal_dispatch(lhs, rhs)?
                };
                return Ok(Value::from_bool(if op == BinOp::Equal { eq } else { !eq }));
            }
            _ => {}
        }
        // Small-int fast paths live in the int type's binary_op (and the VM's dispatch loop).
        let lt = lhs.type_of();
        if let Some(f) = lt.binary_op {
            let r = f(self, op, lhs, rhs)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                return Ok(r);
            }
        }
        // In-place falls back to the plain op.
        if op.is_inplace() {
            return self.binary_op(op.non_inplace(), lhs, rhs);
        }
        // Reflected op on the right operand.
        let rt = rhs.type_of();
        if let Some(rop) = op.reversed() {
            if let Some(f) = rt.binary_op {
                let r = f(self, rop, rhs, lhs)?;
                if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
        }
        // Swapped comparisons.
        let swapped = match op {
            BinOp::Less => Some(BinOp::More),
            BinOp::More => Some(BinOp::Less),
            BinOp::LessEqual => Some(BinOp::MoreEqual),
            BinOp::MoreEqual => Some(BinOp::LessEqual),
            _ => None,
        };
        if let Some(sop) = swapped {
            if let Some(f) = rt.binary_op {
                let r = f(self, sop, rhs, lhs)?;
                if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
        }
        Err(self.unsupported_binop(op, lhs, rhs))
    }

    #[cold]
    fn unsupported_binop(&mut self, op: BinOp, lhs: Value, rhs: Value) -> crate::PyErr {
        let m = format!(
            "unsupported types for {}: '{}', '{}'",
            self.qstr_str(op.op_name()),
            self.type_name(lhs),
            self.type_name(rhs)
        );
        self.type_error(&m)
    }

    /// `==` / `!=` when a user class is involved, as CPython: `__eq__`/`__ne__` results are
    /// returned as they are; a missing `__ne__` inverts `__eq__`; the other operand's methods
    /// are tried when the first answers NotImplemented (a user-class right operand goes first
    /// against a builtin left one); identity decides when nobody answers.
    fn user_equal(&mut self, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
        let rhs_first =
            rhs.type_of().has_flag(flags::USER_CLASS) && !lhs.type_of().has_flag(flags::USER_CLASS);
        let order = if rhs_first {
            [(rhs, lhs), (lhs, rhs)]
        } else {
            [(lhs, rhs), (rhs, lhs)]
        };
        for (a, b) in order {
            let t = a.type_of();
            let Some(f) = t.binary_op else {
                continue;
            };
            if t.has_flag(flags::USER_CLASS) && op == BinOp::NotEqual {
                let r = f(self, BinOp::NotEqual, a, b)?;
                if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                    return Ok(r);
                }
            }
            let r = f(self, BinOp::Equal, a, b)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                if op == BinOp::Equal {
                    return Ok(r);
                }
                return Ok(Value::from_bool(!self.is_true(r)?));
            }
        }
        let same = lhs == rhs;
        Ok(Value::from_bool(if op == BinOp::Equal {
            same
        } else {
            !same
        }))
    }

    fn equal_dispatch(&mut self, lhs: Value, rhs: Value) -> PyResult<bool> {
        let lt = lhs.type_of();
        let rt = rhs.type_of();
        if lt.has_flag(flags::EQ_IS_IDENTITY) && rt.has_flag(flags::EQ_IS_IDENTITY) {
            return Ok(false);
        }
        // An instance of a user subclass gets the first say (as CPython does for subclasses).
        if rt.has_flag(flags::USER_CLASS) && !lt.has_flag(flags::USER_CLASS) {
            if let Some(f) = rt.binary_op {
                let r = f(self, BinOp::Equal, rhs, lhs)?;
                if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                    return self.is_true(r);
                }
            }
        }
        if let Some(f) = lt.binary_op {
            let r = f(self, BinOp::Equal, lhs, rhs)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                return self.is_true(r);
            }
        }
        if let Some(f) = rt.binary_op {
            let r = f(self, BinOp::Equal, rhs, lhs)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                return self.is_true(r);
            }
        }
        // Nobody answered: identity (user classes without `__eq__` reach here for `x == x`).
        Ok(lhs == rhs)
    }

    /// `item in container`.
    pub fn contains(&mut self, container: Value, item: Value) -> PyResult<bool> {
        let t = container.type_of();
        if let Some(f) = t.binary_op {
            let r = f(self, BinOp::Contains, container, item)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                return self.is_true(r);
            }
        }
        // Fall back to iteration.
        if t.getiter.is_none() && t.subscr.is_none() {
            let m = format!(
                "argument of type '{}' is not iterable",
                self.type_name(container)
            );
            return Err(self.type_error(&m));
        }
        let it = self.get_iter(container)?;
        while let Some(x) = self.iter_next(it)? {
            if self.eq(x, item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    // ---- calls ----

    /// Call `f(*args, **kw)`; `kw` holds key/value pairs.
    pub fn call(&mut self, f: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
        self.interp.call_seq = self.interp.call_seq.wrapping_add(1);
        let t = f.type_of();
        match t.call {
            Some(c) => c(self, f, args, kw),
            None => {
                let m = format!("'{}' object isn't callable", self.type_name(f));
                Err(self.type_error(&m))
            }
        }
    }

    /// Call a method by name: `obj.name(*args)`.
    pub fn call_method(&mut self, obj: Value, name: Qstr, args: &[Value]) -> PyResult<Value> {
        let (m, selfv) = self.load_method(obj, name)?;
        if selfv.is_null() {
            self.call(m, args, &[])
        } else {
            let mut buf = crate::interp::ArgBuf::new();
            buf.push(selfv);
            buf.extend(args);
            self.call(m, buf.as_slice(), &[])
        }
    }

    /// True if `v` is callable.
    pub fn is_callable(&mut self, v: Value) -> bool {
        let t = v.type_of();
        if t.has_flag(flags::USER_CLASS) && !crate::obj::is_type_type(t) {
            return crate::types::class::lookup(self, t, Q::__call__).is_some();
        }
        t.call.is_some()
    }

    // ---- attributes ----

    /// `obj.name`.
    pub fn load_attr(&mut self, obj: Value, name: Qstr) -> PyResult<Value> {
        crate::types::class::load_attr(self, obj, name)
    }
    /// `obj.name`, or None if there is no such attribute.
    pub fn load_attr_maybe(&mut self, obj: Value, name: Qstr) -> PyResult<Option<Value>> {
        crate::types::class::load_attr_maybe(self, obj, name)
    }
    /// `obj.name` for a call: returns `(function, self)` with self NULL when the attribute is not
    /// a method to bind (MicroPython's `mp_load_method`).
    pub fn load_method(&mut self, obj: Value, name: Qstr) -> PyResult<(Value, Value)> {
        crate::types::class::load_method(self, obj, name)
    }
    /// `obj.name = v`; `v` NULL means `del obj.name` (bytecode encodes DELETE_ATTR as
    /// STORE_ATTR of NULL, as MicroPython does).
    pub fn store_attr(&mut self, obj: Value, name: Qstr, v: Value) -> PyResult<()> {
        let action = if v.is_null() {
            AttrAction::Delete
        } else {
            AttrAction::Store(v)
        };
        crate::types::class::store_attr(self, obj, name, action)
    }
    /// `del obj.name`.
    pub fn delete_attr(&mut self, obj: Value, name: Qstr) -> PyResult<()> {
        crate::types::class::store_attr(self, obj, name, AttrAction::Delete)
    }

    // ---- subscripts ----

    /// `obj[index]`.
    pub fn subscr(&mut self, obj: Value, index: Value) -> PyResult<Value> {
        self.subscr_op(obj, index, Value::SENTINEL, "subscriptable")
    }
    /// `obj[index] = v`.
    pub fn store_subscr(&mut self, obj: Value, index: Value, v: Value) -> PyResult<()> {
        self.subscr_op(obj, index, v, "assignment").map(|_| ())
    }
    /// `del obj[index]`.
    pub fn delete_subscr(&mut self, obj: Value, index: Value) -> PyResult<()> {
        self.subscr_op(obj, index, Value::NULL, "deletion")
            .map(|_| ())
    }
    fn subscr_op(&mut self, obj: Value, index: Value, v: Value, what: &str) -> PyResult<Value> {
        let t = obj.type_of();
        if let Some(f) = t.subscr {
            let r = f(self, obj, index, v)?;
            if !r.is_null() && r != Value::NOT_IMPLEMENTED {
                return Ok(r);
            }
        }
        let m = if what == "subscriptable" {
            format!("'{}' object isn't subscriptable", self.type_name(obj))
        } else {
            format!(
                "'{}' object doesn't support item {}",
                self.type_name(obj),
                what
            )
        };
        Err(self.type_error(&m))
    }

    // ---- iteration ----

    /// `iter(v)`.
    pub fn get_iter(&mut self, v: Value) -> PyResult<Value> {
        let t = v.type_of();
        if let Some(g) = t.getiter {
            let r = g(self, v)?;
            if !r.is_null() {
                return Ok(r);
            }
        }
        if t.subscr.is_some() {
            return crate::types::iter::new_seq_iter(self, v);
        }
        let m = format!("'{}' object isn't iterable", self.type_name(v));
        Err(self.type_error(&m))
    }

    /// `next(it)`: Some(item), or None when exhausted (StopIteration is absorbed).
    pub fn iter_next(&mut self, it: Value) -> PyResult<Option<Value>> {
        let t = it.type_of();
        match t.iternext {
            Some(n) => {
                // Iterators wrapping iterators (enumerate, map, zip...) recurse natively.
                crate::interp::exec::check_native_stack(self)?;
                // A StopIteration raised by the iterator also means "exhausted" (as
                // MicroPython's mp_iternext); its value is dropped here.
                crate::interp::clear_stop_value(self);
                let r = match n(self, it) {
                    Ok(r) => r,
                    Err(e) if crate::interp::exception_is(e.0, &exc::STOP_ITERATION) => {
                        crate::interp::note_stop_value(self, e.0);
                        return Ok(None);
                    }
                    Err(e) => return Err(e),
                };
                if r == Value::STOP || r.is_null() {
                    Ok(None)
                } else {
                    Ok(Some(r))
                }
            }
            None => {
                let m = format!("'{}' object isn't an iterator", self.type_name(it));
                Err(self.type_error(&m))
            }
        }
    }

    // ---- types ----

    /// isinstance(v, t) for one type.
    pub fn is_instance(&mut self, v: Value, t: TypeRef) -> bool {
        self.is_subclass(v.type_of(), t)
    }
    /// issubclass(a, b) for two types (MRO walk).
    pub fn is_subclass(&mut self, a: TypeRef, b: TypeRef) -> bool {
        crate::types::class::is_subclass(a, b)
    }
}

/// Shorthand for fixed-dict entries: a static builtin function as a Value.
#[macro_export]
macro_rules! fnv {
    ($f:expr) => {
        $crate::value::Value::from_static(&$f)
    };
}

#[allow(dead_code)]
const _Q: [Qstr; 1] = [Q::object];
