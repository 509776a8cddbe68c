//! Runs the programs in the workspace's tests/viper/ directory (`@micropython.native` and
//! `@micropython.viper` functions) through pyrite's compiler and VM and compares their output
//! with the `.py.exp` files (also under the `gc-stress` feature, so the viper runtime's
//! rooting is checked by a collection at every allocation).
mod common;

#[test]
fn viper_programs() {
    common::big_stack(|| {
        let mut failures = Vec::new();
        let names = common::area_programs("viper", &[]);
        assert!(!names.is_empty(), "no programs in tests/viper");
        for p in &names {
            let src = std::fs::read_to_string(p).unwrap();
            let want = std::fs::read_to_string(p.with_extension("py.exp")).unwrap();
            let mut env = common::make_env(Default::default(), None);
            if !common::have_full_builtins(&mut env) {
                eprintln!("note: builtins module not available; skipping tests/viper programs");
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
