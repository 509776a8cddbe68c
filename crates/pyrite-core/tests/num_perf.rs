//! Big-int throughput check (run with `cargo test --release -p pyrite-core --test num_perf --
//! --ignored --nocapture`): the pidigits spigot through the int slots, as bm_pidigits-style
//! programs exercise them. Prints timing; asserts only the digits.
use pyrite_core::host::NullHost;
use pyrite_core::{BinOp, Value, Vm};

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

fn i(n: isize) -> Value {
    Value::small_int(n).unwrap()
}

fn pidigits(vm: &mut Vm, n: usize) -> Vec<u8> {
    let op = |vm: &mut Vm, o: BinOp, a: Value, b: Value| vm.binary_op(o, a, b).unwrap();
    let (mut q, mut r, mut t, mut k, mut m, mut x) = (i(1), i(0), i(1), i(1), i(3), i(3));
    let mut out = Vec::new();
    while out.len() < n {
        // 4*q + r - t < m*t
        let a = op(vm, BinOp::Multiply, i(4), q);
        let a = op(vm, BinOp::Add, a, r);
        let a = op(vm, BinOp::Subtract, a, t);
        let b = op(vm, BinOp::Multiply, m, t);
        if op(vm, BinOp::Less, a, b) == Value::TRUE {
            out.push(m.as_small_int().unwrap() as u8);
            let nq = op(vm, BinOp::Multiply, i(10), q);
            let mt = op(vm, BinOp::Multiply, m, t);
            let rm = op(vm, BinOp::Subtract, r, mt);
            let nr = op(vm, BinOp::Multiply, i(10), rm);
            let q3 = op(vm, BinOp::Multiply, i(3), q);
            let q3r = op(vm, BinOp::Add, q3, r);
            let q3r10 = op(vm, BinOp::Multiply, i(10), q3r);
            let d = op(vm, BinOp::FloorDivide, q3r10, t);
            let m10 = op(vm, BinOp::Multiply, i(10), m);
            m = op(vm, BinOp::Subtract, d, m10);
            q = nq;
            r = nr;
        } else {
            let nq = op(vm, BinOp::Multiply, q, k);
            let q2 = op(vm, BinOp::Multiply, i(2), q);
            let q2r = op(vm, BinOp::Add, q2, r);
            let nr = op(vm, BinOp::Multiply, q2r, x);
            let nt = op(vm, BinOp::Multiply, t, x);
            let k7 = op(vm, BinOp::Multiply, i(7), k);
            let k72 = op(vm, BinOp::Add, k7, i(2));
            let qk = op(vm, BinOp::Multiply, q, k72);
            let rx = op(vm, BinOp::Multiply, r, x);
            let num = op(vm, BinOp::Add, qk, rx);
            m = op(vm, BinOp::FloorDivide, num, nt);
            q = nq;
            r = nr;
            t = nt;
            k = op(vm, BinOp::Add, k, i(1));
            x = op(vm, BinOp::Add, x, i(2));
        }
    }
    out
}

#[test]
#[ignore]
fn pidigits_3000() {
    let mut vm = make_vm(8 << 20);
    let t0 = std::time::Instant::now();
    let d = pidigits(
        &mut vm,
        std::env::var("PIDIG")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(3000),
    );
    let el = t0.elapsed();
    let tail: String = d[d.len() - 10..]
        .iter()
        .map(|c| (b'0' + c) as char)
        .collect();
    println!("pidigits(3000): {:?}, last digits {}", el, tail);
    if d.len() == 3000 {
        assert_eq!(tail, "8649423196");
    }
}

#[test]
fn pidigits_small() {
    let mut vm = make_vm(1 << 20);
    let d = pidigits(&mut vm, 30);
    let s: String = d.iter().map(|c| (b'0' + c) as char).collect();
    assert_eq!(s, "314159265358979323846264338327");
}
