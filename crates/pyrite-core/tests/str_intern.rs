//! str representation invariants: qstr and object strings behave identically; the interning
//! policy for run-time strings; one-allocation building.
use pyrite_core::host::NullHost;
use pyrite_core::obj::BinOp;
use pyrite_core::types::{dict, str as pstr};
use pyrite_core::{Value, Vm};

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

#[test]
fn qstr_and_object_strings_are_interchangeable() {
    let mut vm = make_vm(256 * 1024);
    let q = Value::qstr(vm.intern("some_name"));
    let a = pstr::new_str(&mut vm, "some_").unwrap();
    let b = pstr::new_str(&mut vm, "name_x").unwrap();
    let rstrip = vm.intern("rstrip");
    let suffix = pstr::new_str(&mut vm, "_x").unwrap();
    let sl = vm.call_method(b, rstrip, &[suffix]);
    let obj = vm.binary_op(BinOp::Add, a, sl.unwrap()).unwrap();
    assert!(!obj.is_qstr(), "concatenation results are objects");
    assert!(vm.eq(q, obj).unwrap());
    assert!(vm.eq(obj, q).unwrap());
    assert_eq!(vm.hash(q).unwrap(), vm.hash(obj).unwrap());
    // A dict holds either kind of key.
    let d = dict::new_dict(&mut vm).unwrap();
    vm.roots.push(d.value());
    d.map
        .set(&mut vm, obj, Value::small_int(7).unwrap())
        .unwrap();
    assert_eq!(d.map.get(&mut vm, q).unwrap(), Value::small_int(7));
    d.map.set(&mut vm, q, Value::small_int(8).unwrap()).unwrap();
    assert_eq!(d.map.len(), 1);
    assert_eq!(d.map.get(&mut vm, obj).unwrap(), Value::small_int(8));
    // Ordering is by code point for both kinds.
    let z = pstr::new_str(&mut vm, "zzz not interned").unwrap();
    assert_eq!(vm.binary_op(BinOp::Less, q, z).unwrap(), Value::TRUE);
    assert_eq!(vm.binary_op(BinOp::More, z, q).unwrap(), Value::TRUE);
}

#[test]
fn interning_policy() {
    let mut vm = make_vm(256 * 1024);
    let s = pstr::new_str(&mut vm, "hello world, not a qstr").unwrap();
    assert!(!s.is_qstr());
    // Indexing and iterating ASCII text gives interned one-character strings.
    let c = vm.subscr(s, Value::small_int(1).unwrap()).unwrap();
    assert!(c.is_qstr());
    assert_eq!(pstr::str_data(&vm, c).unwrap().as_str(), "e");
    // Empty results are the empty qstr.
    let sl = pyrite_core::types::slice::new_slice(
        &mut vm,
        Value::NONE,
        Value::small_int(0).unwrap(),
        Value::NONE,
    )
    .unwrap();
    let e = vm.subscr(s, sl).unwrap();
    assert!(e.is_qstr());
    // new_str reuses an existing qstr but never adds one.
    let before = vm.qstrs.dynamic_count();
    let n = pstr::new_str(&mut vm, "a fresh string of text").unwrap();
    assert!(!n.is_qstr());
    assert_eq!(vm.qstrs.dynamic_count(), before);
    vm.intern("a fresh string of text");
    let m = pstr::new_str(&mut vm, "a fresh string of text").unwrap();
    assert!(m.is_qstr());
}

#[test]
fn invalid_utf8_is_rejected() {
    let mut vm = make_vm(64 * 1024);
    assert!(pstr::new_str_from_utf8(&mut vm, b"ok \xc3\xa9").is_ok());
    let e = pstr::new_str_from_utf8(&mut vm, b"bad \xff").unwrap_err();
    assert_eq!(vm.type_name(e.0), "UnicodeError");
}

#[test]
fn big_strings_and_memory_error() {
    let mut vm = make_vm(128 * 1024);
    let s = pstr::new_str(&mut vm, "abcdefgh").unwrap();
    vm.roots.push(s);
    // 8 * SMALL_INT_MAX bytes cannot be allocated: MemoryError, not a panic.
    let r = vm.binary_op(
        BinOp::Multiply,
        s,
        Value::small_int(pyrite_core::value::SMALL_INT_MAX).unwrap(),
    );
    assert!(r.is_err());
    let r = vm
        .binary_op(BinOp::Multiply, s, Value::small_int(1000).unwrap())
        .unwrap();
    assert_eq!(vm.len(r).unwrap(), 8000);
    let r = vm.binary_op(
        BinOp::Multiply,
        s,
        Value::small_int(isize::MAX >> 2).unwrap(),
    );
    assert!(r.is_err());
}
