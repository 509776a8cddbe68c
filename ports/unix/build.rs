//! Link `pyrite` as a position-dependent executable: a PIE carries a dynamic relocation for
//! every pointer in its read-only tables (~120 KB of `.rela.dyn`), which costs file size and
//! start-up time for nothing on a host tool.
fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
}
