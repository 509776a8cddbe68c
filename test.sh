#!/usr/bin/env bash
# Runs every check CI runs: formatting, clippy, Rust tests (also with the GC collecting at
# every allocation), the Python test programs against the release binary, and the no_std
# build of the core for a bare-metal RISC-V target.
set -euo pipefail
cd "$(dirname "$0")"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

step "cargo test (gc stress: collect at every allocation)"
cargo test -p pyrite-core --features gc-stress

step "no_std build for riscv32imc-unknown-none-elf"
cargo build -p pyrite-core -p pyrite-compiler -p pyrite-hal -p pyrite-extmod --target riscv32imc-unknown-none-elf

step "cargo test on a 32-bit target (i686): no 64-bit assumption in the value representation"
if rustup target list --installed 2>/dev/null | grep -q i686-unknown-linux-gnu; then
    cargo test -p pyrite-core -p pyrite-compiler --target i686-unknown-linux-gnu
else
    echo "i686-unknown-linux-gnu is not installed (rustup target add i686-unknown-linux-gnu; apt install gcc-multilib)" >&2
    exit 1
fi

step "release build"
cargo build --release -p pyrite

step "Python test programs (tests/run.py)"
python3 tests/run.py

step "REPL protocols over pyrite --board (tests/repl/_raw_repl.py)"
python3 tests/repl/_raw_repl.py target/release/pyrite

step "integration: mpremote, rshell and ampy from PyPI against pyrite as a board (tests/integration/_clients.py)"
python3 tests/integration/_clients.py target/release/pyrite

step "integration: umqtt.simple through mosquitto, ntptime against chrony, ssl/tls against CPython (tests/integration/_net_services.py)"
# ssl/tls is an opt-in feature (size); its part runs on a dev build with it.
cargo build -p pyrite --features tls
cp target/debug/pyrite target/debug/pyrite-tls
python3 tests/integration/_net_services.py target/release/pyrite --tls-binary target/debug/pyrite-tls
