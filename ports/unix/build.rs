//! Link options for `pyrite`.
//!
//! - Position-dependent executable: a PIE carries a dynamic relocation for every pointer in its
//!   read-only tables (~120 KB of `.rela.dyn`), which costs file size and start-up time for
//!   nothing on a host tool.
//! - Release builds (the release profile sets panic = "abort") drop the unwind tables with a small GNU ld script
//!   (link/discard-unwind.ld): nothing unwinds, and they are ~190 KB. Set PYRITE_KEEP_UNWIND=1
//!   to keep them (e.g. to profile with a DWARF unwinder).
use std::env;

fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rerun-if-changed=link/discard-unwind.ld");
    println!("cargo:rerun-if-env-changed=PYRITE_KEEP_UNWIND");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let linux = env::var("CARGO_CFG_TARGET_OS").is_ok_and(|o| o == "linux");
    let keep = env::var_os("PYRITE_KEEP_UNWIND").is_some_and(|v| !v.is_empty() && v != "0");
    if release && linux && !keep {
        let dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{dir}/link/discard-unwind.ld");
    }
}
