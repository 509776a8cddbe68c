//! Heap and value-representation tests.
use pyrite_core::host::NullHost;
use pyrite_core::types::str::{new_str, str_data};
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
fn value_is_one_word() {
    assert_eq!(core::mem::size_of::<Value>(), core::mem::size_of::<usize>());
    assert_eq!(
        core::mem::size_of::<Option<pyrite_core::Gc<u8>>>(),
        core::mem::size_of::<usize>()
    );
}

#[test]
fn small_ints() {
    for n in [
        0isize,
        1,
        -1,
        1 << 20,
        -(1 << 20),
        pyrite_core::value::SMALL_INT_MAX,
        pyrite_core::value::SMALL_INT_MIN,
    ] {
        let v = Value::small_int(n).unwrap();
        assert_eq!(v.as_small_int(), Some(n));
        assert!(!v.is_obj() && !v.is_qstr());
    }
    assert!(Value::small_int(isize::MAX).is_none());
}

#[test]
fn garbage_is_reclaimed_and_memory_error_recovers() {
    let mut vm = make_vm(64 * 1024);
    let free0 = vm.heap.free_bytes();
    for i in 0..10_000 {
        let s = format!("string number {} that is not interned", i);
        new_str(&mut vm, &s).unwrap();
    }
    vm.collect();
    assert!(
        vm.heap.free_bytes() + 256 >= free0,
        "free {} vs {}",
        vm.heap.free_bytes(),
        free0
    );
    // A live value survives collection.
    let keep = new_str(&mut vm, "kept alive across collections!").unwrap();
    vm.roots.push(keep);
    vm.collect();
    let d = str_data(&vm, keep).unwrap();
    assert_eq!(d.as_str(), "kept alive across collections!");
    // Running out raises MemoryError and the heap recovers.
    let big = vm.alloc_array::<Value>(1 << 20);
    assert!(big.is_err());
    assert!(vm.alloc_array::<Value>(16).is_ok());
    assert_eq!(
        vm.heap.used_bytes() + vm.heap.free_bytes(),
        vm.heap.total_bytes()
    );
}

#[test]
fn soft_limit_keeps_garbage_low_in_the_heap() {
    // 1 MiB heap, 64 KiB allowance: short-lived strings must be collected long before the heap
    // fills, and allocation must restart at the bottom, so the touched part stays small.
    let mut vm = make_vm(1024 * 1024);
    vm.heap.set_soft_min(64 * 1024);
    let before = vm.heap.collections;
    for i in 0..20_000 {
        let s = format!("short-lived string number {} (not interned)", i);
        new_str(&mut vm, &s).unwrap();
    }
    assert!(
        vm.heap.collections > before + 5,
        "{} collections",
        vm.heap.collections - before
    );
    assert!(
        vm.heap.high_water_bytes() < 256 * 1024,
        "touched {} bytes",
        vm.heap.high_water_bytes()
    );
    // Live data survives the early collections.
    let keep = new_str(&mut vm, "kept across collections, not interned").unwrap();
    vm.roots.push(keep);
    for i in 0..5_000 {
        new_str(&mut vm, &format!("more garbage {}", i)).unwrap();
    }
    let d = str_data(&vm, keep).unwrap();
    assert_eq!(d.as_str(), "kept across collections, not interned");
}
