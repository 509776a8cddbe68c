//! Random inputs to formatting and text methods: any result or Python exception is fine, a
//! panic is not. Deterministic (fixed-seed LCG).
use pyrite_core::host::NullHost;
use pyrite_core::obj::BinOp;
use pyrite_core::types::{bytes, float, slice, str as pstr, strfmt, tuple};
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

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn text(&mut self, alphabet: &[&str], max: usize) -> String {
        let n = self.below(max + 1);
        (0..n)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

const SPEC: &[&str] = &[
    "<", ">", "^", "=", "+", "-", " ", "#", "0", "1", "9", "12", ",", "_", ".", "3", "d", "x", "X",
    "o", "b", "c", "e", "E", "f", "F", "g", "G", "%", "n", "s", "z", "*", "é",
];
const TEMPLATE: &[&str] = &[
    "{", "}", "{}", "{0}", "{1}", "{x}", "!r", "!s", "!", ":", ">5", "[0]", ".real", "a", "é",
    "{{", "}}", "{:", "{0:{1}}",
];
const PERCENT: &[&str] = &[
    "%", "s", "d", "i", "x", "X", "o", "c", "r", "a", "e", "f", "g", "%%", "(", ")", "k", "*", ".",
    "5", "-", "+", " ", "#", "0", "l", "y", "é", "b",
];
const TEXT: &[&str] = &[
    "a", "b", " ", ",", "é", "日", "😀", "\n", "\r", "ab", "\t", "x",
];

#[test]
fn fuzz_formatting_and_methods() {
    let mut vm = make_vm(1 << 20);
    let mut r = Rng(0x5eed);
    let i42 = Value::small_int(42).unwrap();
    let neg = Value::small_int(-7).unwrap();
    let f = float::new_float(&mut vm, 3.25).unwrap();
    vm.roots.push(f);
    let big = vm
        .binary_op(
            BinOp::Lshift,
            Value::small_int(1).unwrap(),
            Value::small_int(80).unwrap(),
        )
        .unwrap();
    vm.roots.push(big);
    let word = pstr::new_str(&mut vm, "wörd").unwrap();
    vm.roots.push(word);
    let by = bytes::new_bytes(&mut vm, b"by\xfftes").unwrap();
    vm.roots.push(by);
    let values = [i42, neg, f, big, word, Value::NONE, Value::TRUE, by];
    for _ in 0..4000 {
        // format(v, spec)
        let spec = r.text(SPEC, 6);
        let v = values[r.below(values.len())];
        let _ = strfmt::format_value(&mut vm, v, &spec);
        // str.format
        let t = r.text(TEMPLATE, 6);
        let tv = pstr::new_str(&mut vm, &t).unwrap();
        vm.roots.push(tv);
        let x = vm.intern("x");
        let _ = strfmt::str_format(&mut vm, tv, &[v, i42], &[Value::qstr(x), word]);
        // % formatting, with a tuple, a single value and a dict
        let p = r.text(PERCENT, 8);
        let pv = pstr::new_str(&mut vm, &p).unwrap();
        vm.roots.push(pv);
        let tup = tuple::new_tuple(&mut vm, &[v, i42, word]).unwrap();
        vm.roots.push(tup);
        let _ = vm.binary_op(BinOp::Modulo, pv, tup);
        let _ = vm.binary_op(BinOp::Modulo, pv, v);
        let pb = bytes::new_bytes(&mut vm, p.as_bytes()).unwrap();
        vm.roots.push(pb);
        let _ = vm.binary_op(BinOp::Modulo, pb, tup);
        // text methods with random arguments
        let s1 = r.text(TEXT, 12);
        let s2 = r.text(TEXT, 2);
        let a = pstr::new_str(&mut vm, &s1).unwrap();
        vm.roots.push(a);
        let b = pstr::new_str(&mut vm, &s2).unwrap();
        vm.roots.push(b);
        let ints = [-3isize, -1, 0, 1, 2, 5, 100];
        let i1 = Value::small_int(ints[r.below(ints.len())]).unwrap();
        let i2 = Value::small_int(ints[r.below(ints.len())]).unwrap();
        for m in [
            "find",
            "rfind",
            "index",
            "count",
            "split",
            "rsplit",
            "strip",
            "replace",
            "partition",
            "rpartition",
            "center",
            "startswith",
            "endswith",
            "splitlines",
            "join",
            "lower",
            "upper",
            "encode",
        ] {
            let q = vm.intern(m);
            let args: &[Value] = match r.below(4) {
                0 => &[],
                1 => &[b],
                2 => &[b, i1],
                _ => &[b, i1, i2],
            };
            let _ = vm.call_method(a, q, args);
        }
        let sl = slice::new_slice(
            &mut vm,
            i1,
            i2,
            Value::small_int(ints[r.below(5)] | 1).unwrap(),
        )
        .unwrap();
        vm.roots.push(sl);
        let _ = vm.subscr(a, sl);
        let _ = vm.subscr(a, i1);
        let _ = vm.binary_op(BinOp::Multiply, a, i2);
        vm.roots.truncate(5);
    }
}
