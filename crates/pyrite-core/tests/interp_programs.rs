//! Runs every Python program in the workspace's tests/vm/ directory through pyrite's compiler
//! and VM and compares stdout with CPython's (or with `NAME.py.exp` where MicroPython and
//! CPython differ).
mod common;

use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/vm")
}

#[test]
fn vm_programs() {
    common::big_stack(|| {
        let mut failures = Vec::new();
        let mut names: Vec<PathBuf> = std::fs::read_dir(dir())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().map(|x| x == "py").unwrap_or(false))
            .collect();
        names.sort();
        for p in &names {
            let src = std::fs::read_to_string(p).unwrap();
            let exp = p.with_extension("py.exp");
            let want = match std::fs::read_to_string(&exp) {
                Ok(s) => s,
                Err(_) => common::cpython(&src),
            };
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
