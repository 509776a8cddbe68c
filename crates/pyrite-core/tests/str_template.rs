//! t-string objects: the `__template__` builtin, Template and Interpolation.
use pyrite_core::host::NullHost;
use pyrite_core::obj::BinOp;
use pyrite_core::types::{str as pstr, template, tuple};
use pyrite_core::{TypeRef, Value, Vm};

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

fn s(vm: &mut Vm, t: &str) -> Value {
    let v = pstr::new_str(vm, t).unwrap();
    vm.roots.push(v);
    v
}

#[test]
fn template_builtin_and_ops() {
    let mut vm = make_vm(256 * 1024);
    let a = s(&mut vm, "hello ");
    let b = s(&mut vm, "!");
    let strings = tuple::new_tuple(&mut vm, &[a, b]).unwrap();
    vm.roots.push(strings);
    let x = s(&mut vm, "x");
    let spec = s(&mut vm, ">4");
    let r = Value::qstr(vm.intern("r"));
    let f = Value::from_static(&template::TEMPLATE_BUILTIN);
    let t = vm
        .call(
            f,
            &[strings, Value::small_int(42).unwrap(), x, r, spec],
            &[],
        )
        .unwrap();
    vm.roots.push(t);
    assert_eq!(
        vm.repr_string(t).unwrap(),
        "Template(strings=('hello ', '!'), interpolations=(Interpolation(42, 'x', 'r', '>4'),))"
    );
    let values = {
        let q = vm.intern("values");
        vm.load_attr(t, q)
    }
    .unwrap();
    assert_eq!(vm.repr_string(values).unwrap(), "(42,)");
    // Iteration skips empty strings.
    let e = Value::qstr(pyrite_core::Q::EMPTY);
    let strings2 = tuple::new_tuple(&mut vm, &[e, e]).unwrap();
    vm.roots.push(strings2);
    let t2 = vm
        .call(
            f,
            &[strings2, Value::small_int(1).unwrap(), x, Value::NONE, e],
            &[],
        )
        .unwrap();
    vm.roots.push(t2);
    let it = vm.get_iter(t2).unwrap();
    let mut n = 0;
    while vm.iter_next(it).unwrap().is_some() {
        n += 1;
    }
    assert_eq!(n, 1);
    // Template + Template merges the touching strings.
    let sum = vm.binary_op(BinOp::Add, t, t2).unwrap();
    assert_eq!(
        vm.repr_string(sum).unwrap(),
        "Template(strings=('hello ', '!', ''), interpolations=(Interpolation(42, 'x', 'r', '>4'), Interpolation(1, 'x', None, '')))"
    );
    assert!(vm.binary_op(BinOp::Add, t, a).is_err());
}

#[test]
fn template_constructor() {
    let mut vm = make_vm(256 * 1024);
    let ity = TypeRef::of_static(&template::INTERPOLATION_TYPE);
    let tty = TypeRef::of_static(&template::TEMPLATE_TYPE);
    let x = s(&mut vm, "x");
    let i1 =
        (ity.make_new.unwrap())(&mut vm, ity, &[Value::small_int(1).unwrap(), x], &[]).unwrap();
    vm.roots.push(i1);
    let a = s(&mut vm, "A");
    let b = s(&mut vm, "B");
    let c = s(&mut vm, "C");
    let t = (tty.make_new.unwrap())(&mut vm, tty, &[a, b, i1, c], &[]).unwrap();
    vm.roots.push(t);
    let strings = {
        let q = vm.intern("strings");
        vm.load_attr(t, q)
    }
    .unwrap();
    assert_eq!(vm.repr_string(strings).unwrap(), "('AB', 'C')");
    let t = (tty.make_new.unwrap())(&mut vm, tty, &[i1, i1], &[]).unwrap();
    let strings = {
        let q = vm.intern("strings");
        vm.load_attr(t, q)
    }
    .unwrap();
    assert_eq!(vm.repr_string(strings).unwrap(), "('', '', '')");
    let one = Value::small_int(1).unwrap();
    assert!((tty.make_new.unwrap())(&mut vm, tty, &[one], &[]).is_err());
}
