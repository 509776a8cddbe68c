//! Python source to MicroPython bytecode. `#![no_std]` + `alloc`; knows nothing of the runtime's objects.
//!
//! - [`compile()`]: source -> [`CompiledModule`]. The output is byte-identical to MicroPython's
//!   `mpy-cross` (v1.2x, .mpy v6.3) for almost all programs: same parse-time constant folding
//!   (ints of any size, floats, `and`/`or`/`not`, constant tuples, `math.*` constants,
//!   `micropython.const`), same qstr/constant table order, same line-number tables, same error
//!   messages and lines. `tools/compare-mpy.py` measures this against MicroPython's test suite.
//! - [`mpy`]: .mpy v6 reader/writer ([`read_mpy`], [`write_mpy`]).
//! - [`bc`]: the opcode table (one definition), operand codecs, prelude decoder, line table,
//!   bytecode verifier and disassembler, and MicroPython's unary/binary op numbering.
//! - [`repl`]: the REPL's "needs a continuation line?" rule.
//!
//! What the VM may rely on:
//! - Every [`RawCode`] produced by [`compile()`] or accepted by [`read_mpy`] passes
//!   [`bc::verify_code`]: valid prelude (all parts inside the bytecode), valid opcodes, qstr /
//!   constant / child operands in range of the module's tables, local indices (`*_FAST_N`,
//!   `*_DEREF`, fast-multi opcodes, cell indices) below `n_state`, and every jump landing on an
//!   instruction start inside the code. Stack depth is *not* verified: the VM must still check
//!   `sp` against `n_state` (or trust compiler output only).
//! - Jump offsets are relative to the end of the offset field ([`bc::Insn::jump_target`]);
//!   for UNWIND_JUMP that is before its extra byte, as in MicroPython's VM.
//! - In REPL mode ([`Mode::Single`]) expression statements call the builtin `__repl_print__`.
//! - t-strings compile to a call of the builtin `__template__(strings_tuple, value, expr_text,
//!   conversion, format_spec, ...)` exactly as MicroPython does.
//!
//! Limits: expressions/blocks nested deeper than [`parser::MAX_DEPTH`] give a SyntaxError
//! ("too deeply nested") instead of exhausting the native stack. The recursive-descent parser
//! uses about 2.1 KB of native stack per bracket nesting level on x86-64 (release build; less
//! on 32-bit targets), so a microcontroller port should compile on a task with a generous
//! stack (32 KB covers ~12 levels of brackets plus statement nesting); an explicit-stack
//! parser would remove this requirement. `cargo run --release --example stack_probe` measures it.
#![no_std]
extern crate alloc;

pub mod ast;
pub mod bc;
pub mod bigint;
pub mod compile;
pub mod lexer;
pub mod mpy;
pub mod num;
pub mod parser;
pub mod qstr_tables;
pub mod raw;
pub mod repl;
pub mod showbc;
pub mod sort;
pub mod text;

pub use compile::{compile, compile_with_limit};
pub use mpy::{read_mpy, write_mpy, MpyError};
pub use raw::{
    CompileError, CompiledModule, Const, ErrorKind, Mode, Options, RawCode, RawCodeKind,
};
