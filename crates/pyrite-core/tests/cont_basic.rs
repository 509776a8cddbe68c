//! Container tests through the runtime API (no compiler needed).
use pyrite_core::host::NullHost;
use pyrite_core::obj::BinOp;
use pyrite_core::types::{dict, iter, list, range, set, slice, tuple};
use pyrite_core::{Type, TypeRef, Value, Vm, Q};

macro_rules! rp {
    ($vm:expr, $e:expr) => {{
        let __v = $e;
        repr($vm, __v)
    }};
}

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

fn int(i: isize) -> Value {
    Value::small_int(i).unwrap()
}

fn repr(vm: &mut Vm, v: Value) -> String {
    match vm.repr_string(v) {
        Ok(s) => s,
        Err(e) => format!("<exc {}>", vm.repr_string(e.0).unwrap_or_default()),
    }
}

fn new(vm: &mut Vm, t: &'static Type, args: &[Value]) -> Value {
    (t.make_new.unwrap())(vm, TypeRef::of_static(t), args, &[]).unwrap()
}

fn meth(vm: &mut Vm, o: Value, name: pyrite_core::Qstr, args: &[Value]) -> Value {
    match vm.call_method(o, name, args) {
        Ok(v) => v,
        Err(e) => panic!("{}", rp!(vm, e.0)),
    }
}

fn err(vm: &mut Vm, r: pyrite_core::PyResult<Value>) -> String {
    match r {
        Ok(v) => format!("ok {}", rp!(vm, v)),
        Err(e) => exc_repr(vm, e.0),
    }
}

/// `Name(repr(arg))` for an exception, independent of how exceptions print themselves.
fn exc_repr(vm: &mut Vm, e: Value) -> String {
    let name = vm.type_name(e).to_string();
    let args = e
        .downcast_layout::<pyrite_core::types::exception::ExcObj>()
        .map(|x| x.args.get());
    let inner = match args.and_then(tuple::tuple_items) {
        Some(t) if t.len() == 1 => {
            let a = t.items()[0];
            rp!(vm, a)
        }
        _ => String::new(),
    };
    format!("{}({})", name, inner)
}

fn ints(vm: &mut Vm, xs: &[isize]) -> Value {
    let v: Vec<Value> = xs.iter().map(|&i| int(i)).collect();
    list::new_list(vm, &v).unwrap()
}

fn s(vm: &mut Vm, t: &str) -> Value {
    pyrite_core::types::str::new_str(vm, t).unwrap()
}

#[test]
fn list_basics() {
    let mut vm = make_vm(1 << 20);
    let vm = &mut *vm;
    let l = ints(vm, &[3, 1, 2]);
    assert_eq!(rp!(vm, l), "[3, 1, 2]");
    meth(vm, l, Q::append, &[int(5)]);
    meth(vm, l, Q::insert, &[int(0), int(9)]);
    meth(vm, l, Q::insert, &[int(-1), int(7)]);
    meth(vm, l, Q::insert, &[int(100), int(8)]);
    assert_eq!(rp!(vm, l), "[9, 3, 1, 2, 7, 5, 8]");
    assert_eq!(rp!(vm, meth(vm, l, Q::pop, &[])), "8");
    assert_eq!(rp!(vm, meth(vm, l, Q::pop, &[int(0)])), "9");
    assert_eq!(rp!(vm, meth(vm, l, Q::index, &[int(2)])), "2");
    meth(vm, l, Q::remove, &[int(7)]);
    assert_eq!(rp!(vm, l), "[3, 1, 2, 5]");
    meth(vm, l, Q::sort, &[]);
    assert_eq!(rp!(vm, l), "[1, 2, 3, 5]");
    meth(vm, l, Q::reverse, &[]);
    assert_eq!(rp!(vm, l), "[5, 3, 2, 1]");
    assert_eq!(rp!(vm, meth(vm, l, Q::count, &[int(3)])), "1");
    let c = meth(vm, l, Q::copy, &[]);
    meth(vm, l, Q::clear, &[]);
    assert_eq!(rp!(vm, l), "[]");
    assert_eq!(rp!(vm, c), "[5, 3, 2, 1]");
    let e = vm.call_method(l, Q::pop, &[]);
    assert_eq!(err(vm, e), "IndexError('pop from empty list')");
    let e = vm.call_method(c, Q::index, &[int(42)]);
    assert_eq!(err(vm, e), "ValueError('object not in sequence')");
}

#[test]
fn list_index_and_slices() {
    let mut vm = make_vm(1 << 20);
    let vm = &mut *vm;
    let l = ints(vm, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert_eq!(rp!(vm, vm.subscr(l, int(-1)).unwrap()), "9");
    let e = vm.subscr(l, int(10));
    assert_eq!(err(vm, e), "IndexError('list index out of range')");
    let sl = slice::new_slice(vm, int(1), int(8), int(3)).unwrap();
    assert_eq!(rp!(vm, vm.subscr(l, sl).unwrap()), "[1, 4, 7]");
    let sl = slice::new_slice(vm, Value::NONE, Value::NONE, int(-2)).unwrap();
    assert_eq!(rp!(vm, vm.subscr(l, sl).unwrap()), "[9, 7, 5, 3, 1]");
    // Slice assignment growing and shrinking.
    let sl = slice::new_slice(vm, int(2), int(4), Value::NONE).unwrap();
    let repl = ints(vm, &[20, 21, 22, 23]);
    vm.store_subscr(l, sl, repl).unwrap();
    assert_eq!(rp!(vm, l), "[0, 1, 20, 21, 22, 23, 4, 5, 6, 7, 8, 9]");
    let sl = slice::new_slice(vm, int(2), int(6), Value::NONE).unwrap();
    let repl = ints(vm, &[2]);
    vm.store_subscr(l, sl, repl).unwrap();
    assert_eq!(rp!(vm, l), "[0, 1, 2, 4, 5, 6, 7, 8, 9]");
    // Self-assignment.
    let all = slice::new_slice(vm, Value::NONE, Value::NONE, Value::NONE).unwrap();
    vm.store_subscr(l, all, l).unwrap();
    assert_eq!(rp!(vm, l), "[0, 1, 2, 4, 5, 6, 7, 8, 9]");
    let sl = slice::new_slice(vm, int(3), int(3), Value::NONE).unwrap();
    vm.store_subscr(l, sl, l).unwrap();
    assert_eq!(
        rp!(vm, l).len(),
        "[0, 1, 2, 0, 1, 2, 4, 5, 6, 7, 8, 9, 4, 5, 6, 7, 8, 9]".len()
    );
    // Extended deletion and assignment.
    let l = ints(vm, &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let sl = slice::new_slice(vm, Value::NONE, Value::NONE, int(2)).unwrap();
    vm.delete_subscr(l, sl).unwrap();
    assert_eq!(rp!(vm, l), "[1, 3, 5, 7, 9]");
    let sl = slice::new_slice(vm, Value::NONE, Value::NONE, int(-2)).unwrap();
    let repl = ints(vm, &[90, 50, 10]);
    vm.store_subscr(l, sl, repl).unwrap();
    assert_eq!(rp!(vm, l), "[10, 3, 50, 7, 90]");
    let repl = ints(vm, &[1]);
    let e = vm.store_subscr(l, sl, repl).map(|_| Value::NONE);
    assert_eq!(
        err(vm, e),
        "ValueError('attempt to assign sequence of size 1 to extended slice of size 3')"
    );
    let sl = slice::new_slice(vm, int(-2), Value::NONE, int(-1)).unwrap();
    vm.delete_subscr(l, sl).unwrap();
    assert_eq!(rp!(vm, l), "[90]");
    vm.store_subscr(l, int(-1), int(4)).unwrap();
    assert_eq!(rp!(vm, l), "[4]");
    vm.delete_subscr(l, int(0)).unwrap();
    assert_eq!(rp!(vm, l), "[]");
    let sv = s(vm, "x");
    let e = vm.subscr(l, sv);
    assert_eq!(
        err(vm, e),
        "TypeError('list indices must be integers, not str')"
    );
    let sl = slice::new_slice(vm, Value::NONE, Value::NONE, int(0)).unwrap();
    let e = vm.subscr(l, sl);
    assert_eq!(err(vm, e), "ValueError(\"slice step can't be zero\")");
}

#[test]
fn list_ops() {
    let mut vm = make_vm(1 << 20);
    let vm = &mut *vm;
    let a = ints(vm, &[1, 2]);
    let b = ints(vm, &[3]);
    let c = vm.binary_op(BinOp::Add, a, b).unwrap();
    assert_eq!(rp!(vm, c), "[1, 2, 3]");
    let d = vm.binary_op(BinOp::Multiply, a, int(3)).unwrap();
    assert_eq!(rp!(vm, d), "[1, 2, 1, 2, 1, 2]");
    let d = vm.binary_op(BinOp::Multiply, a, int(-1)).unwrap();
    assert_eq!(rp!(vm, d), "[]");
    let x = vm.binary_op(BinOp::InplaceAdd, a, b).unwrap();
    assert_eq!(rp!(vm, x), "[1, 2, 3]");
    let x = vm.binary_op(BinOp::InplaceAdd, a, a).unwrap();
    assert_eq!(rp!(vm, x), "[1, 2, 3, 1, 2, 3]");
    let x = vm.binary_op(BinOp::Less, b, a).unwrap();
    assert_eq!(x, Value::FALSE);
    let p = ints(vm, &[1, 2]);
    let q = ints(vm, &[1, 2, 0]);
    assert_eq!(vm.binary_op(BinOp::Less, p, q).unwrap(), Value::TRUE);
    assert_eq!(vm.binary_op(BinOp::MoreEqual, p, q).unwrap(), Value::FALSE);
    let p2 = ints(vm, &[1, 2]);
    assert!(vm.eq(p, p2).unwrap());
    let t = tuple::new_tuple(vm, &[int(1), int(2)]).unwrap();
    assert!(!vm.eq(p, t).unwrap());
    assert!(vm.contains(p, int(2)).unwrap());
    assert!(!vm.contains(p, int(5)).unwrap());
    let e = vm.binary_op(BinOp::Add, p, t);
    assert_eq!(
        err(vm, e),
        "TypeError(\"unsupported types for __add__: 'list', 'tuple'\")"
    );
    let e = vm.hash(p).map(|_| Value::NONE);
    assert_eq!(
        err(vm, e),
        "TypeError(\"unsupported type for __hash__: 'list'\")"
    );
    assert_eq!(vm.len(c).unwrap(), 3);
    // Constructor from an iterable and nested repr.
    let r = new(vm, &range::RANGE_TYPE, &[int(4)]);
    let l = new(vm, &list::LIST_TYPE, &[r]);
    assert_eq!(rp!(vm, l), "[0, 1, 2, 3]");
    let n = list::new_list(vm, &[l, t]).unwrap();
    assert_eq!(rp!(vm, n), "[[0, 1, 2, 3], (1, 2)]");
}

#[test]
fn list_sort_stable_key_reverse() {
    let mut vm = make_vm(1 << 22);
    let vm = &mut *vm;
    // Pseudo-random ints; compare against Rust's sort.
    let mut x: u64 = 12345;
    let mut v = Vec::new();
    for _ in 0..1000 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        v.push(((x >> 33) % 500) as isize - 250);
    }
    let l = ints(vm, &v);
    list::list_sort(vm, list::list_obj(l).unwrap(), Value::NONE, false).unwrap();
    let mut w = v.clone();
    w.sort();
    let lw = ints(vm, &w);
    assert!(vm.eq(l, lw).unwrap());
    list::list_sort(vm, list::list_obj(l).unwrap(), Value::NONE, true).unwrap();
    w.reverse();
    let lw = ints(vm, &w);
    assert!(vm.eq(l, lw).unwrap());
    // Stability: sort tuples by a key that looks at the first item only (abs via key fn is
    // not available without the compiler: use tuple comparisons and check equal keys keep order).
    let mut items = Vec::new();
    for (i, &k) in v.iter().take(200).enumerate() {
        let k = k.rem_euclid(5);
        items.push((k, i as isize));
    }
    // (A Rust Vec is not scanned by the collector: build the list directly.)
    let l = list::new_list(vm, &[]).unwrap();
    for &(k, i) in &items {
        let t = tuple::new_tuple(vm, &[int(k), int(i)]).unwrap();
        list::list_append(vm, l, t).unwrap();
    }
    list::list_sort(vm, list::list_obj(l).unwrap(), Value::NONE, false).unwrap();
    items.sort();
    for (j, &(k, i)) in items.iter().enumerate() {
        let t = vm.subscr(l, int(j as isize)).unwrap();
        assert_eq!(rp!(vm, t), format!("({}, {})", k, i));
    }
    // sorted(): incomparable items raise TypeError, list unchanged.
    let sv = s(vm, "a");
    let mixed = list::new_list(vm, &[int(1), sv, int(0)]).unwrap();
    let e = list::builtin_sorted(vm, &[mixed], &[]);
    assert!(err(vm, e).starts_with("TypeError"));
    assert_eq!(rp!(vm, mixed), "[1, 'a', 0]");
    let rev = [Value::qstr(Q::reverse), Value::TRUE];
    let r = new(vm, &range::RANGE_TYPE, &[int(5)]);
    let out = list::builtin_sorted(vm, &[r], &rev).unwrap();
    assert_eq!(rp!(vm, out), "[4, 3, 2, 1, 0]");
}

#[test]
fn tuple_basics() {
    let mut vm = make_vm(1 << 20);
    let vm = &mut *vm;
    let t1 = tuple::new_tuple(vm, &[int(1)]).unwrap();
    assert_eq!(rp!(vm, t1), "(1,)");
    let t0 = tuple::new_tuple(vm, &[]).unwrap();
    assert_eq!(rp!(vm, t0), "()");
    let t = tuple::new_tuple(vm, &[int(1), int(2), int(3), int(2)]).unwrap();
    assert_eq!(rp!(vm, meth(vm, t, Q::count, &[int(2)])), "2");
    assert_eq!(rp!(vm, meth(vm, t, Q::index, &[int(2), int(2)])), "3");
    let sl = slice::new_slice(vm, int(1), Value::NONE, Value::NONE).unwrap();
    assert_eq!(rp!(vm, vm.subscr(t, sl).unwrap()), "(2, 3, 2)");
    let sl = slice::new_slice(vm, Value::NONE, Value::NONE, int(-1)).unwrap();
    assert_eq!(rp!(vm, vm.subscr(t, sl).unwrap()), "(2, 3, 2, 1)");
    let c = vm.binary_op(BinOp::Add, t1, t).unwrap();
    assert_eq!(rp!(vm, c), "(1, 1, 2, 3, 2)");
    let m = vm.binary_op(BinOp::Multiply, t1, int(3)).unwrap();
    assert_eq!(rp!(vm, m), "(1, 1, 1)");
    let e = vm.subscr(t, int(4));
    assert_eq!(err(vm, e), "IndexError('tuple index out of range')");
    let t2 = tuple::new_tuple(vm, &[int(1), int(2), int(3), int(2)]).unwrap();
    assert!(vm.eq(t, t2).unwrap());
    assert_eq!(vm.hash(t).unwrap(), vm.hash(t2).unwrap());
    assert_eq!(vm.binary_op(BinOp::Less, t1, t).unwrap(), Value::TRUE);
    let l = ints(vm, &[5, 6]);
    let tt = new(vm, &tuple::TUPLE_TYPE, &[l]);
    assert_eq!(rp!(vm, tt), "(5, 6)");
    let e = vm.store_subscr(t, int(0), int(1)).map(|_| Value::NONE);
    assert_eq!(
        err(vm, e),
        "TypeError(\"'tuple' object doesn't support item assignment\")"
    );
    let nested = tuple::new_tuple(vm, &[l]).unwrap();
    let e = vm.hash(nested).map(|_| Value::NONE);
    assert!(err(vm, e).starts_with("TypeError"));
}

#[test]
fn dict_basics() {
    let mut vm = make_vm(1 << 22);
    let vm = &mut *vm;
    let d = dict::new_dict(vm).unwrap().value();
    let ka = s(vm, "a");
    vm.store_subscr(d, ka, int(1)).unwrap();
    vm.store_subscr(d, int(2), int(20)).unwrap();
    assert_eq!(rp!(vm, d), "{'a': 1, 2: 20}");
    assert_eq!(rp!(vm, vm.subscr(d, ka).unwrap()), "1");
    let e = vm.subscr(d, int(3));
    assert_eq!(err(vm, e), "KeyError(3)");
    assert_eq!(rp!(vm, meth(vm, d, Q::get, &[int(3)])), "None");
    assert_eq!(rp!(vm, meth(vm, d, Q::get, &[int(3), int(0)])), "0");
    assert_eq!(
        rp!(vm, meth(vm, d, Q::setdefault, &[int(3), int(30)])),
        "30"
    );
    assert_eq!(
        rp!(vm, meth(vm, d, Q::setdefault, &[int(3), int(31)])),
        "30"
    );
    let keys = meth(vm, d, Q::keys, &[]);
    assert_eq!(rp!(vm, keys), "dict_keys(['a', 2, 3])");
    let vals = meth(vm, d, Q::values, &[]);
    assert_eq!(rp!(vm, vals), "dict_values([1, 20, 30])");
    let items = meth(vm, d, Q::items, &[]);
    assert_eq!(rp!(vm, items), "dict_items([('a', 1), (2, 20), (3, 30)])");
    assert!(vm.contains(keys, int(2)).unwrap());
    assert_eq!(vm.len(items).unwrap(), 3);
    assert_eq!(rp!(vm, meth(vm, d, Q::popitem, &[])), "(3, 30)");
    assert_eq!(rp!(vm, meth(vm, d, Q::pop, &[ka])), "1");
    assert_eq!(rp!(vm, d), "{2: 20}");
    // True and 1 are the same key.
    vm.store_subscr(d, Value::TRUE, int(5)).unwrap();
    assert_eq!(rp!(vm, vm.subscr(d, int(1)).unwrap()), "5");
    // Many keys: index mode, deletion, reinsertion, order.
    let d2 = dict::new_dict(vm).unwrap().value();
    for i in 0..1000 {
        vm.store_subscr(d2, int(i), int(i * 2)).unwrap();
    }
    for i in (0..1000).step_by(2) {
        vm.delete_subscr(d2, int(i)).unwrap();
    }
    assert_eq!(vm.len(d2).unwrap(), 500);
    for i in 0..1000 {
        let r = dict::dict_get(vm, d2, int(i)).unwrap();
        assert_eq!(r.is_some(), i % 2 == 1, "key {}", i);
    }
    for i in 0..1000 {
        let name = format!("key{}", i);
        let k = Value::qstr(vm.intern(&name));
        vm.store_subscr(d2, k, int(i)).unwrap();
    }
    for i in 0..1000 {
        let name = format!("key{}", i);
        let k = Value::qstr(vm.intern(&name));
        assert_eq!(vm.subscr(d2, k).unwrap(), int(i));
    }
    let e = vm.store_subscr(d2, d, int(0)).map(|_| Value::NONE);
    assert_eq!(
        err(vm, e),
        "TypeError(\"unsupported type for __hash__: 'dict'\")"
    );
    // Equality, copy, update, |.
    let c = meth(vm, d2, Q::copy, &[]);
    assert!(vm.eq(c, d2).unwrap());
    vm.store_subscr(c, int(-1), int(0)).unwrap();
    assert!(!vm.eq(c, d2).unwrap());
    let u = dict::new_dict(vm).unwrap().value();
    let pairs = tuple::new_tuple(vm, &[int(1), int(2)]).unwrap();
    let pl = list::new_list(vm, &[pairs]).unwrap();
    let kw = [Value::qstr(Q::key), int(9)];
    vm.call_method(u, Q::update, &[pl]).unwrap();
    let upd = vm.load_attr(u, Q::update).unwrap();
    vm.call(upd, &[pl], &kw).unwrap();
    assert_eq!(rp!(vm, u), "{1: 2, 'key': 9}");
    let o = vm.binary_op(BinOp::Or, u, d).unwrap();
    assert_eq!(rp!(vm, o), "{1: 5, 'key': 9, 2: 20}");
    let e = vm.call_method(u, Q::popitem, &[]);
    let _ = e;
    let e = vm.call_method(u, Q::popitem, &[]);
    let _ = e;
    let e = vm.call_method(u, Q::popitem, &[]);
    assert_eq!(err(vm, e), "KeyError('popitem(): dictionary is empty')");
    // fromkeys is a classmethod.
    let dt = Value::from_static(&dict::DICT_TYPE);
    let ks = ints(vm, &[1, 2]);
    let fk = meth(vm, dt, Q::fromkeys, &[ks, int(0)]);
    assert_eq!(rp!(vm, fk), "{1: 0, 2: 0}");
    let fk = meth(vm, fk, Q::fromkeys, &[ks]);
    assert_eq!(rp!(vm, fk), "{1: None, 2: None}");
    // Iteration notices size changes.
    let it = vm.get_iter(d2).unwrap();
    vm.iter_next(it).unwrap();
    vm.store_subscr(d2, int(-5), int(0)).unwrap();
    let e = vm.iter_next(it).map(|_| Value::NONE);
    assert_eq!(
        err(vm, e),
        "RuntimeError('dictionary changed size during iteration')"
    );
}

#[test]
fn set_basics() {
    let mut vm = make_vm(1 << 21);
    let vm = &mut *vm;
    let a = set::new_set(vm, &[int(1), int(2), int(3)]).unwrap();
    let b = set::new_set(vm, &[int(2), int(3), int(4)]).unwrap();
    assert_eq!(rp!(vm, a), "{1, 2, 3}");
    let x = vm.binary_op(BinOp::Or, a, b).unwrap();
    assert_eq!(rp!(vm, x), "{1, 2, 3, 4}");
    let x = vm.binary_op(BinOp::And, a, b).unwrap();
    assert_eq!(rp!(vm, x), "{2, 3}");
    let x = vm.binary_op(BinOp::Subtract, a, b).unwrap();
    assert_eq!(rp!(vm, x), "{1}");
    let x = vm.binary_op(BinOp::Xor, a, b).unwrap();
    assert_eq!(rp!(vm, x), "{1, 4}");
    let e = set::new_set(vm, &[]).unwrap();
    assert_eq!(rp!(vm, e), "set()");
    let f = new(vm, &set::FROZENSET_TYPE, &[a]);
    assert_eq!(rp!(vm, f), "frozenset({1, 2, 3})");
    assert!(vm.eq(f, a).unwrap());
    assert!(vm.hash(f).is_ok());
    let f2 = new(vm, &set::FROZENSET_TYPE, &[b]);
    let ss = set::new_set(vm, &[f, f2, f]).unwrap();
    assert_eq!(vm.len(ss).unwrap(), 2);
    let sub = set::new_set(vm, &[int(2)]).unwrap();
    assert_eq!(vm.binary_op(BinOp::Less, sub, a).unwrap(), Value::TRUE);
    assert_eq!(vm.binary_op(BinOp::LessEqual, a, a).unwrap(), Value::TRUE);
    assert_eq!(vm.binary_op(BinOp::Less, a, a).unwrap(), Value::FALSE);
    assert_eq!(rp!(vm, meth(vm, a, Q::issuperset, &[sub])), "True");
    assert_eq!(rp!(vm, meth(vm, a, Q::isdisjoint, &[b])), "False");
    meth(vm, a, Q::add, &[int(10)]);
    meth(vm, a, Q::discard, &[int(1)]);
    meth(vm, a, Q::discard, &[int(100)]);
    assert_eq!(rp!(vm, a), "{2, 3, 10}");
    let e = vm.call_method(a, Q::remove, &[int(100)]);
    assert_eq!(err(vm, e), "KeyError(100)");
    let p = meth(vm, a, Q::pop, &[]);
    assert_eq!(rp!(vm, p), "2");
    let l = ints(vm, &[7, 8]);
    meth(vm, a, Q::update, &[l, b]);
    assert_eq!(rp!(vm, a), "{3, 10, 7, 8, 2, 4}");
    meth(vm, a, Q::intersection_update, &[b]);
    assert_eq!(rp!(vm, a), "{3, 2, 4}");
    let e = vm.call_method(f, Q::add, &[int(1)]);
    assert!(err(vm, e).starts_with("AttributeError"));
    let e = set::set_add(vm, a, l).map(|_| Value::NONE);
    assert_eq!(
        err(vm, e),
        "TypeError(\"unsupported type for __hash__: 'list'\")"
    );
    let e = vm.binary_op(BinOp::Or, a, l);
    assert!(err(vm, e).starts_with("TypeError"));
    let u = meth(vm, a, Q::union, &[l]);
    assert_eq!(rp!(vm, u), "{3, 2, 4, 7, 8}");
}

#[test]
fn range_and_iterators() {
    let mut vm = make_vm(1 << 21);
    let vm = &mut *vm;
    let r = new(vm, &range::RANGE_TYPE, &[int(1), int(10), int(3)]);
    assert_eq!(rp!(vm, r), "range(1, 10, 3)");
    assert_eq!(vm.len(r).unwrap(), 3);
    assert!(vm.contains(r, int(7)).unwrap());
    assert!(!vm.contains(r, int(8)).unwrap());
    assert_eq!(rp!(vm, vm.subscr(r, int(-1)).unwrap()), "7");
    let sl = slice::new_slice(vm, Value::NONE, Value::NONE, int(-1)).unwrap();
    let rr = vm.subscr(r, sl).unwrap();
    assert_eq!(rp!(vm, rr), "range(7, -2, -3)");
    let l = new(vm, &list::LIST_TYPE, &[rr]);
    assert_eq!(rp!(vm, l), "[7, 4, 1]");
    let rev = new(vm, &iter::REVERSED_TYPE, &[r]);
    let l = new(vm, &list::LIST_TYPE, &[rev]);
    assert_eq!(rp!(vm, l), "[7, 4, 1]");
    let r0 = new(vm, &range::RANGE_TYPE, &[int(0)]);
    let r00 = new(vm, &range::RANGE_TYPE, &[int(5), int(2)]);
    assert!(vm.eq(r0, r00).unwrap());
    let e = (range::RANGE_TYPE.make_new.unwrap())(
        vm,
        TypeRef::of_static(&range::RANGE_TYPE),
        &[int(1), int(2), int(0)],
        &[],
    );
    assert_eq!(err(vm, e), "ValueError('zero step')");
    assert_eq!(rp!(vm, vm.load_attr(r, Q::step).unwrap()), "3");
    // enumerate / zip / map / filter / reversed(list)
    let abc = ints(vm, &[10, 20, 30]);
    let kw = [Value::qstr(Q::start), int(5)];
    let en = (iter::ENUMERATE_TYPE.make_new.unwrap())(
        vm,
        TypeRef::of_static(&iter::ENUMERATE_TYPE),
        &[abc],
        &kw,
    )
    .unwrap();
    let l = new(vm, &list::LIST_TYPE, &[en]);
    assert_eq!(rp!(vm, l), "[(5, 10), (6, 20), (7, 30)]");
    let r4 = new(vm, &range::RANGE_TYPE, &[int(4)]);
    let z = new(vm, &iter::ZIP_TYPE, &[abc, r4, abc]);
    let l = new(vm, &list::LIST_TYPE, &[z]);
    assert_eq!(rp!(vm, l), "[(10, 0, 10), (20, 1, 20), (30, 2, 30)]");
    let z = new(vm, &iter::ZIP_TYPE, &[]);
    let l = new(vm, &list::LIST_TYPE, &[z]);
    assert_eq!(rp!(vm, l), "[]");
    let zero_one = ints(vm, &[0, 1, 0, 2]);
    let f = new(vm, &iter::FILTER_TYPE, &[Value::NONE, zero_one]);
    let l = new(vm, &list::LIST_TYPE, &[f]);
    assert_eq!(rp!(vm, l), "[1, 2]");
    let mx = iter::builtin_max(vm, &[zero_one], &[]).unwrap();
    assert_eq!(rp!(vm, mx), "2");
    let mn = iter::builtin_min(vm, &[int(3), int(1), int(2)], &[]).unwrap();
    assert_eq!(rp!(vm, mn), "1");
    let empty = ints(vm, &[]);
    let e = iter::builtin_min(vm, &[empty], &[]);
    assert_eq!(err(vm, e), "ValueError('arg is an empty sequence')");
    let rv = new(vm, &iter::REVERSED_TYPE, &[abc]);
    let l = new(vm, &list::LIST_TYPE, &[rv]);
    assert_eq!(rp!(vm, l), "[30, 20, 10]");
    let t = tuple::new_tuple(vm, &[int(1), int(2)]).unwrap();
    let m = new(
        vm,
        &iter::MAP_TYPE,
        &[Value::from_static(&iter::MAX_FN), abc, abc],
    );
    let l = new(vm, &list::LIST_TYPE, &[m]);
    assert_eq!(rp!(vm, l), "[10, 20, 30]");
    let _ = t;
    // slice.indices
    let sl = slice::new_slice(vm, int(2), int(7), int(-2)).unwrap();
    assert_eq!(rp!(vm, meth(vm, sl, Q::indices, &[int(10)])), "(2, 7, -2)");
    let sl = slice::new_slice(vm, int(7), int(2), int(-2)).unwrap();
    assert_eq!(rp!(vm, meth(vm, sl, Q::indices, &[int(5)])), "(4, 2, -2)");
    assert_eq!(rp!(vm, sl), "slice(7, 2, -2)");
}

#[test]
fn gc_survives_heavy_use() {
    let mut vm = make_vm(2 << 20);
    let vm = &mut *vm;
    let keep = list::new_list(vm, &[]).unwrap();
    vm.roots.push(keep);
    for round in 0..20 {
        let d = dict::new_dict(vm).unwrap().value();
        list::list_append(vm, keep, d).unwrap();
        for i in 0..200 {
            let name = format!("k{}_{}", round, i);
            let k = Value::qstr(vm.intern(&name));
            let sv = s(vm, &name);
            let t = tuple::new_tuple(vm, &[sv, int(i)]).unwrap();
            vm.store_subscr(d, k, t).unwrap();
        }
        if round % 2 == 1 {
            meth(vm, keep, Q::pop, &[int(0)]);
        }
        vm.collect();
    }
    assert_eq!(vm.len(keep).unwrap(), 10);
    let d = vm.subscr(keep, int(-1)).unwrap();
    let k = Value::qstr(vm.intern("k19_199"));
    let t = vm.subscr(d, k).unwrap();
    assert_eq!(rp!(vm, t), "('k19_199', 199)");
}

#[test]
fn deep_nesting_raises_instead_of_overflowing() {
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(|| {
            // (gc-stress collects at every allocation: keep the heap and the depth small.)
            let (heap, depth) = if cfg!(feature = "gc-stress") {
                (512 << 10, 3_000)
            } else {
                (16 << 20, 200_000)
            };
            let mut vm = make_vm(heap);
            let vm = &mut *vm;
            let mut x = list::new_list(vm, &[]).unwrap();
            vm.roots.push(x);
            for _ in 0..depth {
                x = list::new_list(vm, &[x]).unwrap();
                vm.roots.pop();
                vm.roots.push(x);
            }
            let e = vm.repr_string(x);
            assert!(e.is_err());
            let y = list::new_list(vm, &[x]).unwrap();
            let e = vm.eq(x, y);
            assert!(e.is_err());
            let t = tuple::new_tuple(vm, &[x]).unwrap();
            let _ = vm.hash(t);
        })
        .unwrap()
        .join()
        .unwrap();
}
