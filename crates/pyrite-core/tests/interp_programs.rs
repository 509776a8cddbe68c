//! Runs every Python program in the workspace's tests/vm/ directory through pyrite's compiler
//! and VM and compares stdout with CPython's (or with `NAME.py.exp` where MicroPython and
//! CPython differ).
mod common;

#[test]
fn vm_programs() {
    common::big_stack(|| {
        let mut failures = Vec::new();
        let names = common::area_programs("vm", &[]);
        assert!(!names.is_empty(), "no programs in tests/vm");
        for p in &names {
            let src = std::fs::read_to_string(p).unwrap();
            let want = common::expected_output(p);
            let mut env = common::make_env(Default::default(), None);
            if !common::have_full_builtins(&mut env) {
                eprintln!("note: builtins module not available yet; skipping tests/vm programs");
                return;
            }
            let got = common::run_env(&mut env, &src);
            if got != want {
                failures.push(format!(
                    "{}:\n--- got\n{}\n--- want\n{}",
                    p.display(),
                    got,
                    want
                ));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    });
}
