//! Robustness: corrupted bytecode and .mpy data must give Python exceptions, never a Rust
//! panic or a hang.
mod common;

use pyrite_compiler::{CompiledModule, Mode, Options, RawCode};

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const PROGRAMS: &[&str] = &[
    "def f(a, b=2, *c, d, **e):\n    return a + b\nx = [f(i, d=1) for i in range(3)]\nprint(x)\n",
    "def g():\n    try:\n        yield 1\n    finally:\n        print('f')\nfor i in g():\n    with open('x') as q:\n        pass\n",
    "class A:\n    def m(self):\n        return super().m()\ntry:\n    A().m()\nexcept Exception as e:\n    print(e)\nwhile True:\n    break\n",
    "a, *b = (1, 2, 3)\nimport sys\nfrom sys import path\nx = {1: 2, 3: 4}\nprint(*b, sep=',')\n",
];

fn mutate_raw(r: &mut RawCode, rng: &mut Rng) {
    if !r.bytecode.is_empty() {
        for _ in 0..(1 + rng.next() % 3) {
            let i = (rng.next() as usize) % r.bytecode.len();
            r.bytecode[i] = rng.next() as u8;
        }
        if rng.next().is_multiple_of(8) {
            let n = (rng.next() as usize) % r.bytecode.len();
            r.bytecode.truncate(n);
        }
    }
    for c in &mut r.children {
        if rng.next().is_multiple_of(2) {
            mutate_raw(c, rng);
        }
    }
}

fn run_module(m: &CompiledModule) {
    let mut env = common::make_env(Default::default(), Some(2000));
    let vm = &mut env.vm;
    let g = common::main_globals(vm);
    let r = pyrite_core::interp::load_compiled(vm, m, g)
        .and_then(|f| pyrite_core::interp::run_code(vm, f, g, g));
    let _ = r;
    vm.roots.pop();
}

#[test]
fn mutated_bytecode_does_not_panic() {
    common::big_stack(|| {
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for src in PROGRAMS {
            let m = pyrite_compiler::compile(src, "f.py", Mode::File, &Options::default())
                .expect("compiles");
            run_module(&m);
            for _ in 0..1500 {
                let mut mm = m.clone();
                mutate_raw(&mut mm.root, &mut rng);
                run_module(&mm);
            }
        }
    });
}

#[test]
fn corrupted_mpy_does_not_panic() {
    common::big_stack(|| {
        let mut rng = Rng(0x0ddb_a11c_afe0_0001);
        for src in PROGRAMS {
            let m = pyrite_compiler::compile(src, "f.py", Mode::File, &Options::default())
                .expect("compiles");
            let bytes = pyrite_compiler::write_mpy(&m, 31);
            for _ in 0..600 {
                let mut b = bytes.clone();
                for _ in 0..(1 + rng.next() % 4) {
                    let i = (rng.next() as usize) % b.len();
                    b[i] = rng.next() as u8;
                }
                if rng.next().is_multiple_of(4) {
                    let n = (rng.next() as usize) % b.len();
                    b.truncate(n);
                }
                let mut env = common::make_env(Default::default(), Some(2000));
                let vm = &mut env.vm;
                let g = common::main_globals(vm);
                let r = pyrite_core::interp::load_mpy(vm, &b)
                    .and_then(|f| pyrite_core::interp::run_code(vm, f, g, g));
                let _ = r;
                vm.roots.pop();
            }
        }
    });
}
