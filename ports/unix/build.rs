//! Link options for `pyrite`.
//!
//! - Position-dependent executable: a PIE carries a dynamic relocation for every pointer in its
//!   read-only tables (~120 KB of `.rela.dyn`), which costs file size and start-up time for
//!   nothing on a host tool.
//! - Release builds (the release profile sets panic = "abort") drop the unwind tables with a small GNU ld script
//!   (link/discard-unwind.ld): nothing unwinds, and they are ~190 KB. Set PYRITE_KEEP_UNWIND=1
//!   to keep them (e.g. to profile with a DWARF unwinder).
//! - Release builds lay out the functions that start-up and typical programs run first and
//!   next to each other (the linker script link/hot.ld, made by link/order.py), so a run
//!   touches few 64 KiB windows of code and little of the binary becomes resident (`pyrite -c
//!   pass`: ~2.45 -> ~1.7 MB peak RSS). The profile behind it was taken on x86_64; set
//!   PYRITE_NO_ORDER=1 to link without it.
use std::env;

fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rerun-if-changed=link/discard-unwind.ld");
    println!("cargo:rerun-if-changed=link/hot.ld");
    println!("cargo:rerun-if-env-changed=PYRITE_KEEP_UNWIND");
    println!("cargo:rerun-if-env-changed=PYRITE_NO_ORDER");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let linux = env::var("CARGO_CFG_TARGET_OS").is_ok_and(|o| o == "linux");
    let keep = env::var_os("PYRITE_KEEP_UNWIND").is_some_and(|v| !v.is_empty() && v != "0");
    let order = !env::var_os("PYRITE_NO_ORDER").is_some_and(|v| !v.is_empty() && v != "0");
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    if release && linux && !keep {
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{dir}/link/discard-unwind.ld");
    }
    let x86_64 = env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "x86_64");
    if release && linux && x86_64 && order {
        println!("cargo:rustc-link-arg-bins=-Wl,-T,{dir}/link/hot.ld");
    }
}
