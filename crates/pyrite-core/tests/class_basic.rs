//! Class machinery tests driven from Rust (no compiler needed): classes are made with
//! `type(name, bases, dict)` and "Python functions" are a test type with `flags::BINDS_SELF`.
use pyrite_core::host::NullHost;
use pyrite_core::map::DictObj;
use pyrite_core::obj::{flags, BinOp, Kw, NativeFn, PrintKind, Type, UnaryOp};
use pyrite_core::types::class::{self, OBJECT_TYPE};
use pyrite_core::types::descr;
use pyrite_core::types::exception::{self as exc, ExcObj};
use pyrite_core::types::tuple::{new_tuple, tuple_items};
use pyrite_core::value::{ObjHeader, TypeRef};
use pyrite_core::{PyResult, Qstr, Value, Vm};

fn make_vm(size: usize) -> Box<Vm> {
    let region: &'static mut [u8] = Box::leak(vec![0u8; size].into_boxed_slice());
    // SAFETY: the region is leaked, so it lives for the rest of the test process.
    let mut vm = unsafe {
        Vm::new(
            region.as_mut_ptr(),
            region.len(),
            Box::new(NullHost),
            Default::default(),
        )
    }
    .unwrap();
    let top = 0usize;
    vm.set_stack_top(&top as *const usize as usize + 4096);
    vm
}

/// A stand-in for a Python function: binds self like one.
#[repr(C)]
struct TestFn {
    hdr: ObjHeader,
    f: NativeFn,
}
pyrite_core::py_object!(TestFn, TEST_FN_TYPE);

static TEST_FN_TYPE: Type = Type {
    call: Some(test_fn_call),
    ..Type::new(pyrite_core::Q::function)
}
.with_flags(flags::BINDS_SELF);

fn test_fn_call(vm: &mut Vm, f: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    let f = f.downcast::<TestFn>().unwrap();
    (f.f)(vm, args, kw)
}

fn func(vm: &mut Vm, f: NativeFn) -> Value {
    vm.alloc_obj(TestFn {
        hdr: ObjHeader::new(&TEST_FN_TYPE),
        f,
    })
    .unwrap()
    .value()
}

fn q(vm: &mut Vm, s: &str) -> Qstr {
    vm.intern(s)
}

fn s(vm: &mut Vm, s: &str) -> Value {
    pyrite_core::types::str::new_str(vm, s).unwrap()
}

fn repr(vm: &mut Vm, v: Value) -> String {
    vm.repr_string(v).unwrap()
}

fn str_of(vm: &mut Vm, v: Value) -> String {
    vm.str_string(v).unwrap()
}

fn err_text(vm: &mut Vm, e: pyrite_core::PyErr) -> String {
    let mut out = String::new();
    out.push_str(vm.type_name(e.0));
    out.push_str(": ");
    let m = vm.str_string(e.0).unwrap();
    out.push_str(&m);
    out
}

/// Make a class with methods given as (name, value).
fn make_class(vm: &mut Vm, name: &str, bases: &[Value], members: &[(&str, Value)]) -> Value {
    let d = pyrite_core::types::dict::new_dict(vm).unwrap();
    vm.roots.push(d.value());
    for (k, v) in members {
        let kq = q(vm, k);
        d.map.set_qstr(vm, kq, *v).unwrap();
    }
    let b = new_tuple(vm, bases).unwrap();
    let n = s(vm, name);
    let ty = Value::from_static(&pyrite_core::obj::TYPE_TYPE);
    let c = vm.call(ty, &[n, b, d.value()], &[]).unwrap();
    vm.roots.push(c);
    c
}

fn dict_items(vm: &mut Vm, d: Value) -> Vec<(String, String)> {
    let d = d.downcast::<DictObj>().unwrap();
    let mut v = vec![];
    let entries: Vec<_> = d.map.iter().collect();
    for (k, x) in entries {
        let ks = str_of(vm, k);
        let xs = repr(vm, x);
        v.push((ks, xs));
    }
    v
}

#[test]
fn type_of_and_repr() {
    let mut vm = make_vm(256 * 1024);
    let ty = Value::from_static(&pyrite_core::obj::TYPE_TYPE);
    let one = Value::small_int(1).unwrap();
    let t = vm.call(ty, &[one], &[]).unwrap();
    assert_eq!(repr(&mut vm, t), "<class 'int'>");
    let tt = vm.call(ty, &[t], &[]).unwrap();
    assert_eq!(repr(&mut vm, tt), "<class 'type'>");
    let e = vm.call(ty, &[one, one], &[]).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: type takes 1 or 3 arguments"
    );
    let a = make_class(&mut vm, "A", &[], &[]);
    assert_eq!(repr(&mut vm, a), "<class 'A'>");
    let name = vm.load_attr(a, pyrite_core::Q::__name__).unwrap();
    assert_eq!(str_of(&mut vm, name), "A");
    let bases = vm.load_attr(a, pyrite_core::Q::__bases__).unwrap();
    assert_eq!(repr(&mut vm, bases), "(<class 'object'>,)");
    let inst = vm.call(a, &[], &[]).unwrap();
    let r = repr(&mut vm, inst);
    assert!(r.starts_with("<A object at ") && r.ends_with('>'), "{}", r);
    assert_eq!(str_of(&mut vm, inst), r);
    let cls = vm.load_attr(inst, pyrite_core::Q::__class__).unwrap();
    assert_eq!(cls, a);
    let tname = vm.load_attr(ty, pyrite_core::Q::__name__).unwrap();
    assert_eq!(str_of(&mut vm, tname), "type");
    let o = vm.call(Value::from_static(&OBJECT_TYPE), &[], &[]).unwrap();
    assert!(vm.is_instance(o, TypeRef::of_static(&OBJECT_TYPE)));
}

#[test]
fn attributes_and_errors() {
    let mut vm = make_vm(256 * 1024);
    let a = make_class(&mut vm, "Foo", &[], &[("k", Value::small_int(7).unwrap())]);
    let inst = vm.call(a, &[], &[]).unwrap();
    vm.roots.push(inst);
    let x = q(&mut vm, "x");
    let k = q(&mut vm, "k");
    let e = vm.load_attr(inst, x).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "AttributeError: 'Foo' object has no attribute 'x'"
    );
    let e = vm.load_attr(a, x).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "AttributeError: type object 'Foo' has no attribute 'x'"
    );
    vm.store_attr(inst, x, Value::small_int(5).unwrap())
        .unwrap();
    assert_eq!(vm.load_attr(inst, x).unwrap(), Value::small_int(5).unwrap());
    assert_eq!(vm.load_attr(inst, k).unwrap(), Value::small_int(7).unwrap());
    // Instance attribute shadows the class attribute.
    vm.store_attr(inst, k, Value::small_int(8).unwrap())
        .unwrap();
    assert_eq!(vm.load_attr(inst, k).unwrap(), Value::small_int(8).unwrap());
    assert_eq!(vm.load_attr(a, k).unwrap(), Value::small_int(7).unwrap());
    let d = vm.load_attr(inst, pyrite_core::Q::__dict__).unwrap();
    assert_eq!(
        dict_items(&mut vm, d),
        vec![("x".into(), "5".into()), ("k".into(), "8".into())]
    );
    vm.delete_attr(inst, x).unwrap();
    assert!(vm.load_attr_maybe(inst, x).unwrap().is_none());
    let e = vm.delete_attr(inst, x).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "AttributeError: 'Foo' object has no attribute 'x'"
    );
    // Class attribute store and delete.
    vm.store_attr(a, x, Value::small_int(1).unwrap()).unwrap();
    assert_eq!(vm.load_attr(inst, x).unwrap(), Value::small_int(1).unwrap());
    vm.delete_attr(a, x).unwrap();
    assert!(vm.load_attr_maybe(inst, x).unwrap().is_none());
    // Builtin objects refuse attribute stores.
    let e = vm
        .store_attr(Value::small_int(1).unwrap(), x, Value::NONE)
        .unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "AttributeError: 'int' object has no attribute 'x'"
    );
}

fn m_get_self(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(args[0])
}

fn m_nargs(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::small_int(args.len() as isize).unwrap())
}

fn m_init_store(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = vm.intern("v");
    vm.store_attr(args[0], v, args[1])?;
    Ok(Value::NONE)
}

fn m_return_one(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::small_int(1).unwrap())
}

#[test]
fn methods_bind_and_init() {
    let mut vm = make_vm(256 * 1024);
    let f = func(&mut vm, m_get_self);
    let init = func(&mut vm, m_init_store);
    let a = make_class(&mut vm, "A", &[], &[("f", f), ("__init__", init)]);
    let inst = vm.call(a, &[Value::small_int(3).unwrap()], &[]).unwrap();
    vm.roots.push(inst);
    let v = q(&mut vm, "v");
    assert_eq!(vm.load_attr(inst, v).unwrap(), Value::small_int(3).unwrap());
    let fq = q(&mut vm, "f");
    let (m, selfv) = vm.load_method(inst, fq).unwrap();
    assert_eq!(m, f);
    assert_eq!(selfv, inst);
    let bound = vm.load_attr(inst, fq).unwrap();
    assert_eq!(vm.call(bound, &[], &[]).unwrap(), inst);
    let r = repr(&mut vm, bound);
    assert!(r.starts_with("<bound_method "), "{}", r);
    // Through the class: the plain function.
    assert_eq!(vm.load_attr(a, fq).unwrap(), f);
    // A builtin function in a user class acts as a staticmethod.
    let b = make_class(
        &mut vm,
        "B",
        &[],
        &[("g", Value::from_static(&class::ISINSTANCE_FN))],
    );
    let bi = vm.call(b, &[], &[]).unwrap();
    let g = q(&mut vm, "g");
    let (m, selfv) = vm.load_method(bi, g).unwrap();
    assert_eq!(m, Value::from_static(&class::ISINSTANCE_FN));
    assert!(selfv.is_null());
    // __init__ must return None.
    let bad = func(&mut vm, m_return_one);
    let c = make_class(&mut vm, "C", &[], &[("__init__", bad)]);
    let e = vm.call(c, &[], &[]).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: __init__() should return None, not 'int'"
    );
    // Too many args for object's constructor.
    let e = vm
        .call(Value::from_static(&OBJECT_TYPE), &[Value::NONE], &[])
        .unwrap_err();
    assert!(err_text(&mut vm, e).starts_with("TypeError"));
    // staticmethod and classmethod.
    let nargs = func(&mut vm, m_nargs);
    let sm = descr::new_staticmethod(&mut vm, nargs).unwrap();
    let cm = descr::new_classmethod(&mut vm, f).unwrap();
    let d = make_class(&mut vm, "D", &[], &[("s", sm), ("c", cm)]);
    let di = vm.call(d, &[], &[]).unwrap();
    vm.roots.push(di);
    let sq = q(&mut vm, "s");
    let cq = q(&mut vm, "c");
    let sv = vm.load_attr(di, sq).unwrap();
    assert_eq!(vm.call(sv, &[], &[]).unwrap(), Value::small_int(0).unwrap());
    let cv = vm.load_attr(di, cq).unwrap();
    assert_eq!(vm.call(cv, &[], &[]).unwrap(), d);
    let cv = vm.load_attr(d, cq).unwrap();
    assert_eq!(vm.call(cv, &[], &[]).unwrap(), d);
    // Many arguments go through the tuple path.
    let big: Vec<Value> = (0..40).map(|i| Value::small_int(i).unwrap()).collect();
    let nq = q(&mut vm, "n");
    let e = make_class(&mut vm, "E", &[], &[("n", nargs)]);
    let ei = vm.call(e, &[], &[]).unwrap();
    let bm = vm.load_attr(ei, nq).unwrap();
    assert_eq!(
        vm.call(bm, &big, &[]).unwrap(),
        Value::small_int(41).unwrap()
    );
}

fn m_name_a(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::qstr(vm.intern("A")))
}
fn m_name_b(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::qstr(vm.intern("B")))
}
fn m_name_c(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::qstr(vm.intern("C")))
}

#[test]
fn inheritance_order() {
    let mut vm = make_vm(256 * 1024);
    let fa = func(&mut vm, m_name_a);
    let fb = func(&mut vm, m_name_b);
    let fc = func(&mut vm, m_name_c);
    let a = make_class(&mut vm, "A", &[], &[("f", fa), ("g", fa)]);
    let b = make_class(&mut vm, "B", &[a], &[("f", fb)]);
    let c = make_class(&mut vm, "C", &[], &[("g", fc), ("h", fc)]);
    let d = make_class(&mut vm, "D", &[b, c], &[]);
    let di = vm.call(d, &[], &[]).unwrap();
    vm.roots.push(di);
    let call = |vm: &mut Vm, name: &str| {
        let nq = vm.intern(name);
        let m = vm.load_attr(di, nq).unwrap();
        let r = vm.call(m, &[], &[]).unwrap();
        vm.str_string(r).unwrap()
    };
    // Depth-first, left to right: D, B, A, C.
    assert_eq!(call(&mut vm, "f"), "B");
    assert_eq!(call(&mut vm, "g"), "A");
    assert_eq!(call(&mut vm, "h"), "C");
    let (ta, tb, tc, td) = (
        TypeRef::from_value(a).unwrap(),
        TypeRef::from_value(b).unwrap(),
        TypeRef::from_value(c).unwrap(),
        TypeRef::from_value(d).unwrap(),
    );
    assert!(vm.is_subclass(td, ta) && vm.is_subclass(td, tc) && vm.is_subclass(tb, ta));
    assert!(!vm.is_subclass(ta, tb) && !vm.is_subclass(tc, ta));
    assert!(vm.is_instance(di, tc));
    let bases = vm.load_attr(d, pyrite_core::Q::__bases__).unwrap();
    assert_eq!(repr(&mut vm, bases), "(<class 'B'>, <class 'C'>)");
    // isinstance/issubclass builtins with tuples and their errors.
    let tup = new_tuple(
        &mut vm,
        &[Value::from_static(&pyrite_core::types::int::INT_TYPE), c],
    )
    .unwrap();
    let isinst = Value::from_static(&class::ISINSTANCE_FN);
    assert_eq!(vm.call(isinst, &[di, tup], &[]).unwrap(), Value::TRUE);
    assert_eq!(vm.call(isinst, &[di, a], &[]).unwrap(), Value::TRUE);
    let e = vm
        .call(isinst, &[di, Value::small_int(2).unwrap()], &[])
        .unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: issubclass() arg 2 must be a class or a tuple of classes"
    );
    let issub = Value::from_static(&class::ISSUBCLASS_FN);
    let e = vm.call(issub, &[di, a], &[]).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: issubclass() arg 1 must be a class"
    );
    assert_eq!(
        vm.call(issub, &[d, Value::from_static(&OBJECT_TYPE)], &[])
            .unwrap(),
        Value::TRUE
    );
    // Non-base types are refused.
    let n = s(&mut vm, "X");
    let bt = new_tuple(&mut vm, &[Value::from_static(&class::BOUND_METH_TYPE)]).unwrap();
    let dd = pyrite_core::types::dict::new_dict(&mut vm).unwrap();
    let e = vm
        .call(
            Value::from_static(&pyrite_core::obj::TYPE_TYPE),
            &[n, bt, dd.value()],
            &[],
        )
        .unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: type 'bound_method' isn't an acceptable base type"
    );
}

fn m_add(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = vm.intern("v");
    let a = vm.load_attr(args[0], v)?;
    vm.binary_op(BinOp::Add, a, args[1])
}
fn m_radd(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = vm.intern("v");
    let a = vm.load_attr(args[0], v)?;
    let r = vm.binary_op(BinOp::Add, a, args[1])?;
    vm.binary_op(BinOp::Add, r, Value::small_int(1000).unwrap())
}
fn m_eq_true(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::TRUE)
}
fn m_len3(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::small_int(3).unwrap())
}
fn m_getitem(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.binary_op(BinOp::Multiply, args[1], Value::small_int(10).unwrap())
}
fn m_repr(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::qstr(vm.intern("R!")))
}
fn m_str(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::qstr(vm.intern("S!")))
}
fn m_not_impl(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::NOT_IMPLEMENTED)
}
fn m_getattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = vm.str_string(args[1])?;
    if s == "magic" {
        Ok(Value::small_int(42).unwrap())
    } else {
        Err(vm.attribute_error(&s))
    }
}

#[test]
fn special_methods() {
    let mut vm = make_vm(512 * 1024);
    let add = func(&mut vm, m_add);
    let radd = func(&mut vm, m_radd);
    let init = func(&mut vm, m_init_store);
    let eq = func(&mut vm, m_eq_true);
    let len3 = func(&mut vm, m_len3);
    let gi = func(&mut vm, m_getitem);
    let rp = func(&mut vm, m_repr);
    let st = func(&mut vm, m_str);
    let ni = func(&mut vm, m_not_impl);
    let ga = func(&mut vm, m_getattr);
    let a = make_class(
        &mut vm,
        "A",
        &[],
        &[
            ("__init__", init),
            ("__add__", add),
            ("__radd__", radd),
            ("__len__", len3),
            ("__getitem__", gi),
            ("__repr__", rp),
            ("__getattr__", ga),
        ],
    );
    let x = vm.call(a, &[Value::small_int(5).unwrap()], &[]).unwrap();
    vm.roots.push(x);
    let one = Value::small_int(1).unwrap();
    assert_eq!(
        vm.binary_op(BinOp::Add, x, one).unwrap(),
        Value::small_int(6).unwrap()
    );
    assert_eq!(
        vm.binary_op(BinOp::InplaceAdd, x, one).unwrap(),
        Value::small_int(6).unwrap()
    );
    assert_eq!(
        vm.binary_op(BinOp::Add, one, x).unwrap(),
        Value::small_int(1006).unwrap()
    );
    assert_eq!(vm.len(x).unwrap(), 3);
    assert!(vm.is_true(x).unwrap());
    assert_eq!(vm.subscr(x, one).unwrap(), Value::small_int(10).unwrap());
    assert_eq!(repr(&mut vm, x), "R!");
    assert_eq!(str_of(&mut vm, x), "R!");
    let magic = q(&mut vm, "magic");
    assert_eq!(
        vm.load_attr(x, magic).unwrap(),
        Value::small_int(42).unwrap()
    );
    let other = q(&mut vm, "other");
    assert!(vm.load_attr(x, other).is_err());
    // Hash by identity without __eq__; unhashable with __eq__ alone.
    assert!(vm.hash(x).is_ok());
    let b = make_class(&mut vm, "B", &[], &[("__eq__", eq), ("__str__", st)]);
    let y = vm.call(b, &[], &[]).unwrap();
    vm.roots.push(y);
    let e = vm.hash(y).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: unsupported type for __hash__: 'B'"
    );
    assert!(vm.eq(y, one).unwrap());
    assert_eq!(str_of(&mut vm, y), "S!");
    assert!(repr(&mut vm, y).starts_with("<B object at "));
    // Unsupported ops give MicroPython's messages.
    let e = vm.binary_op(BinOp::Subtract, y, one).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: unsupported types for __sub__: 'B', 'int'"
    );
    let e = vm.unary_op(UnaryOp::Negative, y).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: unsupported type for __neg__: 'B'"
    );
    let e = vm.len(y).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: object of type 'B' has no len()"
    );
    let e = vm.call(y, &[], &[]).unwrap_err();
    assert_eq!(err_text(&mut vm, e), "TypeError: 'B' object isn't callable");
    let e = vm.subscr(y, one).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: 'B' object isn't subscriptable"
    );
    let e = vm.get_iter(y).unwrap_err();
    assert_eq!(err_text(&mut vm, e), "TypeError: 'B' object isn't iterable");
    // NotImplemented falls through to the TypeError.
    let c = make_class(&mut vm, "C", &[], &[("__lt__", ni)]);
    let z = vm.call(c, &[], &[]).unwrap();
    let e = vm.binary_op(BinOp::Less, z, one).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: unsupported types for __lt__: 'C', 'int'"
    );
    // __call__
    let nargs = func(&mut vm, m_nargs);
    let d = make_class(&mut vm, "D", &[], &[("__call__", nargs)]);
    let w = vm.call(d, &[], &[]).unwrap();
    assert!(vm.is_callable(w));
    assert_eq!(
        vm.call(w, &[one, one], &[]).unwrap(),
        Value::small_int(3).unwrap()
    );
}

fn prop_get(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let h = vm.intern("_hidden");
    let v = vm.load_attr(args[0], h)?;
    vm.binary_op(BinOp::Multiply, v, Value::small_int(2).unwrap())
}
fn prop_set(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let h = vm.intern("_hidden");
    vm.store_attr(args[0], h, args[1])?;
    Ok(Value::NONE)
}

#[test]
fn properties() {
    let mut vm = make_vm(256 * 1024);
    let g = func(&mut vm, prop_get);
    let st = func(&mut vm, prop_set);
    let p = vm
        .call(Value::from_static(&descr::PROPERTY_TYPE), &[g], &[])
        .unwrap();
    vm.roots.push(p);
    let setter = q(&mut vm, "setter");
    let sm = vm.load_attr(p, setter).unwrap();
    let p2 = vm.call(sm, &[st], &[]).unwrap();
    let a = make_class(&mut vm, "A", &[], &[("x", p2), ("ro", p)]);
    let inst = vm.call(a, &[], &[]).unwrap();
    vm.roots.push(inst);
    let x = q(&mut vm, "x");
    let ro = q(&mut vm, "ro");
    vm.store_attr(inst, x, Value::small_int(4).unwrap())
        .unwrap();
    assert_eq!(vm.load_attr(inst, x).unwrap(), Value::small_int(8).unwrap());
    assert_eq!(
        vm.load_attr(inst, ro).unwrap(),
        Value::small_int(8).unwrap()
    );
    let e = vm.store_attr(inst, ro, Value::NONE).unwrap_err();
    assert_eq!(err_text(&mut vm, e), "AttributeError: can't set attribute");
    // Through the class: the property object itself.
    let pv = vm.load_attr(a, x).unwrap();
    assert_eq!(pv, p2);
    assert_eq!(
        repr(&mut vm, Value::from_static(&descr::PROPERTY_TYPE)),
        "<class 'property'>"
    );
}

#[test]
fn super_calls() {
    let mut vm = make_vm(256 * 1024);
    let fa = func(&mut vm, m_name_a);
    let fb = func(&mut vm, m_name_b);
    let a = make_class(&mut vm, "A", &[], &[("f", fa)]);
    let b = make_class(&mut vm, "B", &[a], &[("f", fb)]);
    let bi = vm.call(b, &[], &[]).unwrap();
    vm.roots.push(bi);
    let fq = q(&mut vm, "f");
    let (m, s) = class::super_load_method(&mut vm, b, bi, fq).unwrap();
    assert_eq!(m, fa);
    assert_eq!(s, bi);
    let sup = vm
        .call(Value::from_static(&descr::SUPER_TYPE), &[b, bi], &[])
        .unwrap();
    let f = vm.load_attr(sup, fq).unwrap();
    let r = vm.call(f, &[], &[]).unwrap();
    assert_eq!(str_of(&mut vm, r), "A");
    let r = repr(&mut vm, sup);
    assert!(r.starts_with("<super: <class 'B'>, <B object at "), "{}", r);
    // super().__init__() reaches object.__init__.
    let (m, s) = class::super_load_method(&mut vm, b, bi, pyrite_core::Q::__init__).unwrap();
    assert_eq!(
        class::call_method_pair(&mut vm, (m, s), &[], &[]).unwrap(),
        Value::NONE
    );
    let nope = q(&mut vm, "nope");
    let e = class::super_load_method(&mut vm, b, bi, nope).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "AttributeError: 'super' object has no attribute 'nope'"
    );
}

fn exc_init_custom(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let a = vm.intern("a");
    vm.store_attr(args[0], a, args[1])?;
    Ok(Value::NONE)
}

#[test]
fn exceptions() {
    let mut vm = make_vm(256 * 1024);
    let ve = Value::from_static(&exc::VALUE_ERROR);
    let x = s(&mut vm, "x");
    let e = vm.call(ve, &[x], &[]).unwrap();
    vm.roots.push(e);
    assert_eq!(repr(&mut vm, e), "ValueError('x',)");
    assert_eq!(str_of(&mut vm, e), "x");
    let e0 = vm.call(ve, &[], &[]).unwrap();
    assert_eq!(repr(&mut vm, e0), "ValueError()");
    assert_eq!(str_of(&mut vm, e0), "");
    let one = Value::small_int(1).unwrap();
    let two = Value::small_int(2).unwrap();
    let e2 = vm.call(ve, &[one, two], &[]).unwrap();
    assert_eq!(repr(&mut vm, e2), "ValueError(1, 2)");
    assert_eq!(str_of(&mut vm, e2), "(1, 2)");
    let args = vm.load_attr(e2, pyrite_core::Q::args).unwrap();
    assert_eq!(repr(&mut vm, args), "(1, 2)");
    let os = vm
        .call(Value::from_static(&exc::OS_ERROR), &[two, x], &[])
        .unwrap();
    assert_eq!(str_of(&mut vm, os), "[Errno 2] ENOENT: x");
    let errno = vm.load_attr(os, pyrite_core::Q::errno).unwrap();
    assert_eq!(errno, two);
    let si = vm
        .call(Value::from_static(&exc::STOP_ITERATION), &[two], &[])
        .unwrap();
    assert_eq!(vm.load_attr(si, pyrite_core::Q::value).unwrap(), two);
    // Native exceptions take no attributes.
    let foo = q(&mut vm, "foo");
    let err = vm.store_attr(e, foo, one).unwrap_err();
    assert_eq!(
        err_text(&mut vm, err),
        "AttributeError: 'ValueError' object has no attribute 'foo'"
    );
    // User subclass with a custom __init__ that does not call super: args come from the call.
    let init = func(&mut vm, exc_init_custom);
    let my = make_class(&mut vm, "MyErr", &[ve], &[("__init__", init)]);
    let me = vm.call(my, &[Value::small_int(5).unwrap()], &[]).unwrap();
    vm.roots.push(me);
    assert!(me.downcast_layout::<ExcObj>().is_some());
    let a = q(&mut vm, "a");
    assert_eq!(vm.load_attr(me, a).unwrap(), Value::small_int(5).unwrap());
    let margs = vm.load_attr(me, pyrite_core::Q::args).unwrap();
    assert_eq!(repr(&mut vm, margs), "(5,)");
    assert_eq!(repr(&mut vm, me), "MyErr(5,)");
    assert_eq!(str_of(&mut vm, me), "5");
    assert!(exc::exception_match(&mut vm, me, ve).unwrap());
    assert!(exc::exception_match(&mut vm, me, Value::from_static(&exc::EXCEPTION)).unwrap());
    assert!(!exc::exception_match(&mut vm, me, Value::from_static(&exc::KEY_ERROR)).unwrap());
    let tup = new_tuple(&mut vm, &[Value::from_static(&exc::KEY_ERROR), my]).unwrap();
    assert!(exc::exception_match(&mut vm, me, tup).unwrap());
    let bad = exc::exception_match(&mut vm, me, one).unwrap_err();
    assert_eq!(
        err_text(&mut vm, bad),
        "TypeError: catching classes that do not inherit from BaseException is not allowed"
    );
    // Uncaught report with a traceback.
    let file = q(&mut vm, "t.py");
    let f = q(&mut vm, "f");
    exc::traceback_add(&mut vm, me, file, 3, f);
    exc::traceback_add(&mut vm, me, file, 7, pyrite_core::Q::LT_MODULE);
    let mut out = String::new();
    exc::print_exception(&mut vm, me, &mut out).unwrap();
    assert_eq!(
        out,
        "Traceback (most recent call last):\n  File \"t.py\", line 7, in <module>\n  File \"t.py\", line 3, in f\nMyErr: 5\n"
    );
    let mut out = String::new();
    exc::print_exception(&mut vm, e0, &mut out).unwrap();
    assert_eq!(out, "ValueError: \n");
    // raise with a class instantiates it; raising a non-exception is a TypeError.
    let r = exc::make_raise_obj(&mut vm, ve);
    assert_eq!(repr(&mut vm, r.0), "ValueError()");
    let r = exc::make_raise_obj(&mut vm, one);
    assert_eq!(
        err_text(&mut vm, r),
        "TypeError: exceptions must derive from BaseException"
    );
    // Lay-out conflicts.
    let n = s(&mut vm, "Bad");
    let bt = new_tuple(&mut vm, &[my, Value::from_static(&exc::KEY_ERROR)]).unwrap();
    let dd = pyrite_core::types::dict::new_dict(&mut vm).unwrap();
    let c = vm.call(
        Value::from_static(&pyrite_core::obj::TYPE_TYPE),
        &[n, bt, dd.value()],
        &[],
    );
    assert!(c.is_ok());
    let t = TypeRef::from_value(c.unwrap()).unwrap();
    assert!(t.has_flag(flags::EXCEPTION));
    let _ = tuple_items(bt);
    let _ = PrintKind::Repr;
}

#[test]
fn gc_survives_classes() {
    let mut vm = make_vm(128 * 1024);
    let init = func(&mut vm, m_init_store);
    let a = make_class(&mut vm, "A", &[], &[("__init__", init)]);
    let v = q(&mut vm, "v");
    let list = pyrite_core::types::list::new_list(&mut vm, &[]).unwrap();
    vm.roots.push(list);
    for i in 0..2000 {
        let o = vm.call(a, &[Value::small_int(i).unwrap()], &[]).unwrap();
        if i % 100 == 0 {
            pyrite_core::types::list::list_append(&mut vm, list, o).unwrap();
        }
    }
    vm.collect();
    let l = pyrite_core::types::list::list_obj(list).unwrap();
    for j in 0..l.len() {
        let o = l.get(j).unwrap();
        assert_eq!(
            vm.load_attr(o, v).unwrap(),
            Value::small_int(j as isize * 100).unwrap()
        );
    }
}

fn d_get(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    // __get__(self, obj, objtype) -> (obj is not None, objtype)
    let t = new_tuple(vm, &[Value::from_bool(!args[1].is_none()), args[2]])?;
    Ok(t)
}
fn d_set(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let seen = vm.intern("seen");
    vm.store_attr(args[0], seen, args[2])?;
    Ok(Value::NONE)
}
fn d_set_name(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.intern("name");
    vm.store_attr(args[0], n, args[2])?;
    Ok(Value::NONE)
}
fn h_setattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    // Store name -> value * 2 through object.__setattr__.
    let v2 = vm.binary_op(BinOp::Multiply, args[2], Value::small_int(2).unwrap())?;
    let set = vm.load_attr(
        Value::from_static(&OBJECT_TYPE),
        pyrite_core::Q::__setattr__,
    )?;
    vm.call(set, &[args[0], args[1], v2], &[])
}
fn sub_hook(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    // __init_subclass__(cls): cls.hooked = True
    let h = vm.intern("hooked");
    vm.store_attr(args[0], h, Value::TRUE)?;
    Ok(Value::NONE)
}

#[test]
fn descriptors_and_hooks() {
    let mut vm = make_vm(512 * 1024);
    let g = func(&mut vm, d_get);
    let st = func(&mut vm, d_set);
    let sn = func(&mut vm, d_set_name);
    let desc_cls = make_class(
        &mut vm,
        "Desc",
        &[],
        &[("__get__", g), ("__set__", st), ("__set_name__", sn)],
    );
    let desc = vm.call(desc_cls, &[], &[]).unwrap();
    vm.roots.push(desc);
    let owner = make_class(&mut vm, "Owner", &[], &[("attr", desc)]);
    let name = q(&mut vm, "name");
    let nm = vm.load_attr(desc, name).unwrap();
    assert_eq!(str_of(&mut vm, nm), "attr");
    let o = vm.call(owner, &[], &[]).unwrap();
    vm.roots.push(o);
    let attr = q(&mut vm, "attr");
    let r = vm.load_attr(o, attr).unwrap();
    assert_eq!(repr(&mut vm, r), "(True, <class 'Owner'>)");
    vm.store_attr(o, attr, Value::small_int(9).unwrap())
        .unwrap();
    let seen = q(&mut vm, "seen");
    assert_eq!(
        vm.load_attr(desc, seen).unwrap(),
        Value::small_int(9).unwrap()
    );
    // __setattr__ hook
    let hs = func(&mut vm, h_setattr);
    let hc = make_class(&mut vm, "Hooked", &[], &[("__setattr__", hs)]);
    let hi = vm.call(hc, &[], &[]).unwrap();
    vm.roots.push(hi);
    let x = q(&mut vm, "x");
    vm.store_attr(hi, x, Value::small_int(4).unwrap()).unwrap();
    assert_eq!(vm.load_attr(hi, x).unwrap(), Value::small_int(8).unwrap());
    // __init_subclass__ (an implicit classmethod) runs for subclasses, not the class itself.
    let sh = func(&mut vm, sub_hook);
    let base = make_class(&mut vm, "Base", &[], &[("__init_subclass__", sh)]);
    let hooked = q(&mut vm, "hooked");
    assert!(vm.load_attr_maybe(base, hooked).unwrap().is_none());
    let sub = make_class(&mut vm, "Sub", &[base], &[]);
    assert_eq!(vm.load_attr(sub, hooked).unwrap(), Value::TRUE);
    // __hash__ = None makes instances unhashable.
    let nh = make_class(&mut vm, "NoHash", &[], &[("__hash__", Value::NONE)]);
    let ni = vm.call(nh, &[], &[]).unwrap();
    let e = vm.hash(ni).unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: unsupported type for __hash__: 'NoHash'"
    );
    // object.__init__ and friends are visible through classes.
    assert!(vm
        .load_attr_maybe(owner, pyrite_core::Q::__init__)
        .unwrap()
        .is_some());
    assert!(vm
        .load_attr_maybe(Value::from_static(&OBJECT_TYPE), pyrite_core::Q::__init__)
        .unwrap()
        .is_some());
}

fn m_total(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let mut t = Value::small_int(0).unwrap();
    let it = vm.get_iter(args[0])?;
    while let Some(x) = vm.iter_next(it)? {
        t = vm.binary_op(BinOp::Add, t, x)?;
    }
    Ok(t)
}

#[test]
fn native_subclasses() {
    use pyrite_core::types::{dict::DICT_TYPE, int::INT_TYPE, list::LIST_TYPE, str::STR_TYPE};
    let mut vm = make_vm(512 * 1024);
    let total = func(&mut vm, m_total);
    let l = make_class(
        &mut vm,
        "L",
        &[Value::from_static(&LIST_TYPE)],
        &[("total", total)],
    );
    let one = Value::small_int(1).unwrap();
    let two = Value::small_int(2).unwrap();
    let src = pyrite_core::types::list::new_list(&mut vm, &[one, two]).unwrap();
    let li = vm.call(l, &[src], &[]).unwrap();
    vm.roots.push(li);
    assert_eq!(repr(&mut vm, li), "[1, 2]");
    let append = q(&mut vm, "append");
    let m = vm.load_method(li, append).unwrap();
    class::call_method_pair(&mut vm, m, &[Value::small_int(3).unwrap()], &[]).unwrap();
    assert_eq!(repr(&mut vm, li), "[1, 2, 3]");
    assert_eq!(vm.len(li).unwrap(), 3);
    assert_eq!(vm.subscr(li, one).unwrap(), two);
    let tq = q(&mut vm, "total");
    let m = vm.load_method(li, tq).unwrap();
    assert_eq!(
        class::call_method_pair(&mut vm, m, &[], &[]).unwrap(),
        Value::small_int(6).unwrap()
    );
    assert!(vm.contains(li, two).unwrap());
    let sum = vm.binary_op(BinOp::Add, li, src).unwrap();
    assert_eq!(repr(&mut vm, sum), "[1, 2, 3, 1, 2]");
    let same = vm.binary_op(BinOp::InplaceAdd, li, src).unwrap();
    assert_eq!(same, li);
    assert_eq!(vm.len(li).unwrap(), 5);
    assert!(vm.is_instance(li, TypeRef::of_static(&LIST_TYPE)));
    assert!(class::native_self(li, &LIST_TYPE).is_some());
    assert!(class::native_self(li, &DICT_TYPE).is_none());
    // int subclass
    let i = make_class(&mut vm, "I", &[Value::from_static(&INT_TYPE)], &[]);
    let ii = vm.call(i, &[Value::small_int(21).unwrap()], &[]).unwrap();
    vm.roots.push(ii);
    assert_eq!(repr(&mut vm, ii), "21");
    assert_eq!(
        vm.binary_op(BinOp::Add, ii, one).unwrap(),
        Value::small_int(22).unwrap()
    );
    let r = vm
        .binary_op(BinOp::Add, one, ii)
        .map_err(|e| err_text(&mut vm, e));
    assert_eq!(r, Ok(Value::small_int(22).unwrap()));
    assert!(vm.eq(ii, Value::small_int(21).unwrap()).unwrap());
    assert_eq!(vm.hash(ii).unwrap(), 21);
    assert_eq!(
        vm.unary_op(UnaryOp::Negative, ii).unwrap(),
        Value::small_int(-21).unwrap()
    );
    // str subclass
    let sc = make_class(&mut vm, "S", &[Value::from_static(&STR_TYPE)], &[]);
    let hi = s(&mut vm, "hi");
    let si = vm.call(sc, &[hi], &[]).unwrap();
    vm.roots.push(si);
    assert_eq!(str_of(&mut vm, si), "hi");
    assert_eq!(repr(&mut vm, si), "'hi'");
    assert_eq!(vm.len(si).unwrap(), 2);
    assert!(vm.eq(si, hi).unwrap());
    assert_eq!(vm.hash(si).unwrap(), vm.hash(hi).unwrap());
    let upper = q(&mut vm, "upper");
    let m = vm.load_method(si, upper).unwrap();
    let u = class::call_method_pair(&mut vm, m, &[], &[]).unwrap();
    assert_eq!(str_of(&mut vm, u), "HI");
    // dict subclass
    let dc = make_class(&mut vm, "D", &[Value::from_static(&DICT_TYPE)], &[]);
    let di = vm.call(dc, &[], &[]).unwrap();
    vm.roots.push(di);
    vm.store_subscr(di, hi, one).unwrap();
    assert_eq!(vm.subscr(di, hi).unwrap(), one);
    assert_eq!(repr(&mut vm, di), "{'hi': 1}");
    // Two native bases conflict.
    let n = s(&mut vm, "X");
    let bt = new_tuple(
        &mut vm,
        &[
            Value::from_static(&LIST_TYPE),
            Value::from_static(&DICT_TYPE),
        ],
    )
    .unwrap();
    let dd = pyrite_core::types::dict::new_dict(&mut vm).unwrap();
    let e = vm
        .call(
            Value::from_static(&pyrite_core::obj::TYPE_TYPE),
            &[n, bt, dd.value()],
            &[],
        )
        .unwrap_err();
    assert_eq!(
        err_text(&mut vm, e),
        "TypeError: multiple bases have instance lay-out conflict"
    );
}

#[test]
fn exceptions_with_heap_locked() {
    let mut vm = make_vm(256 * 1024);
    vm.heap.lock_depth += 1;
    // As MicroPython's emergency exception buffer: messages and a few args survive while the
    // heap is locked; many args do not.
    let e = vm.type_error("room for this message");
    assert_eq!(repr(&mut vm, e.0), "TypeError('room for this message',)");
    let ve = Value::from_static(&exc::VALUE_ERROR);
    let one = Value::small_int(1).unwrap();
    let e2 = vm.call(ve, &[one, one], &[]).unwrap();
    assert!(e2.type_of().is(&exc::VALUE_ERROR));
    let f = q(&mut vm, "f");
    exc::traceback_add(&mut vm, e2, f, 1, f);
    let e3 = vm.call(ve, &[one; 10], &[]).unwrap();
    vm.heap.lock_depth -= 1;
    assert_eq!(repr(&mut vm, e2), "ValueError(1, 1)");
    assert_eq!(repr(&mut vm, e3), "ValueError()");
    let m = vm
        .call(Value::from_static(&exc::MEMORY_ERROR), &[], &[])
        .unwrap();
    assert!(m.type_of().is(&exc::MEMORY_ERROR));
}
