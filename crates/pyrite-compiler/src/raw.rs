//! Compiled code as MicroPython's .mpy v6 (sub-version 3) holds it, in memory.
//!
//! This is the contract between the compiler (which produces it), the `.mpy` reader/writer
//! (which serialises it) and the runtime's loader (which turns it into function objects).
//! Bytecode is stored exactly as in a .mpy file: a prelude (signature, sizes, source info:
//! simple name, argument names, line-number table; then the cell-local indices) followed by
//! the opcodes. Qstr operands in the bytecode are indices into `CompiledModule::qstrs`, and
//! `LOAD_CONST_OBJ` / `MAKE_FUNCTION` operands index `consts` / `RawCode::children`,
//! as in MicroPython's persistent-code format.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// One compilation unit (a module, an `exec`/`eval` string, or a loaded `.mpy` file).
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledModule {
    /// The module's qstr table. Entry 0 is the source file name (as in .mpy files),
    /// used for tracebacks. Bytecode qstr operands are indices into this table.
    pub qstrs: Vec<String>,
    /// The module's constant-object table, referenced by `LOAD_CONST_OBJ n`.
    pub consts: Vec<Const>,
    /// The outermost code (the module body).
    pub root: RawCode,
}

/// A constant object, as a .mpy file encodes it (numbers are kept as source text so that the
/// runtime parses them at its own precision: double on the host, single on a board).
#[derive(Clone, Debug, PartialEq)]
pub enum Const {
    Str(String),
    Bytes(Vec<u8>),
    /// An integer too big for a small int, as decimal text (optionally with leading `-`).
    Int(String),
    /// A float, as text that round-trips (e.g. "0.1", "1e+100", "inf").
    Float(String),
    /// The imaginary part of an imaginary literal (`2j` -> "2.0"), as float text. (The .mpy
    /// file stores MicroPython's complex repr, "2j"; the reader/writer convert.)
    Complex(String),
    Ellipsis,
    /// None/True/False only occur inside constant tuples (e.g. `(1, None)`).
    None,
    True,
    False,
    Tuple(Vec<Const>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawCodeKind {
    Bytecode,
    /// `@micropython.native`: standard bytecode, run with MicroPython's native-code semantics.
    /// Only made when [`Options::native`] is set (never written to .mpy files).
    Native,
    /// `@micropython.viper`: bytecode that may use the VM-internal `VIPER` opcode (typed machine
    /// word operations). Only made when [`Options::native`] is set; never in .mpy files.
    Viper,
}

/// One function body (module, function, lambda, class body, comprehension, generator).
#[derive(Clone, Debug, PartialEq)]
pub struct RawCode {
    pub kind: RawCodeKind,
    /// Prelude + opcodes, byte for byte as in a .mpy file.
    pub bytecode: Vec<u8>,
    /// Nested code referenced by `MAKE_FUNCTION`/`MAKE_CLOSURE` operands, in order.
    pub children: Vec<RawCode>,
}

/// Scope flags stored in the prelude signature (MicroPython's MP_SCOPE_FLAG_*).
pub mod scope_flags {
    pub const GENERATOR: u8 = 0x01;
    pub const VARKEYWORDS: u8 = 0x02;
    pub const VARARGS: u8 = 0x04;
    pub const DEFKWARGS: u8 = 0x08;
    pub const REFGLOBALS: u8 = 0x10;
    pub const HASCONSTS: u8 = 0x20;
    pub const VIPERRET_POS: u8 = 6;
}

/// What the compiler was asked to compile (as `compile()`'s `mode`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// A module or `exec` string.
    File,
    /// One interactive statement (REPL). As MicroPython does, each expression statement at module
    /// level compiles to `__repl_print__(expr)` (LOAD_NAME `__repl_print__`, the expression,
    /// CALL_FUNCTION 1, POP_TOP): the runtime must provide the builtin `__repl_print__`, which
    /// prints `repr(value)` unless value is None, and stores it in `builtins._`. There is no
    /// PRINT_EXPR opcode.
    Single,
    /// One expression; the code returns its value.
    Eval,
}

/// Compiler options.
#[derive(Clone, Debug)]
pub struct Options {
    /// `micropython.opt_level()`: 0 keeps asserts and `__debug__` true; >=1 drops asserts;
    /// >=3 drops line numbers.
    pub opt_level: u8,
    /// Bits in the target's small int (31 on 32-bit targets; 63 on 64-bit). Integer literals
    /// that do not fit become `Const::Int`.
    pub small_int_bits: u8,
    /// Accept `@micropython.native` and `@micropython.viper` (the runtime sets this; a
    /// cross-compiler leaves it off and rejects them with "invalid arch", as mpy-cross does
    /// without `-march`).
    pub native: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            opt_level: 0,
            small_int_bits: 31,
            native: false,
        }
    }
}

/// Which exception the runtime should raise for a compile error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    SyntaxError,
    IndentationError,
    /// A viper function's types do not check (MicroPython's ViperTypeError).
    ViperTypeError,
    /// A construct the native/viper emitter does not support (e.g. "native yield").
    NotImplementedError,
}

/// A compile error: the runtime turns it into a SyntaxError/IndentationError whose traceback
/// names `file` and `line`, printed as MicroPython prints it.
#[derive(Clone, Debug, PartialEq)]
pub struct CompileError {
    pub kind: ErrorKind,
    /// MicroPython's message, e.g. "invalid syntax", "unindent doesn't match any outer indent level".
    pub msg: Box<str>,
    pub file: Box<str>,
    pub line: u32,
    /// The code block (scope) name for errors found by the compiler, which MicroPython prints
    /// as `File "f.py", line 3, in <block>`; None for errors found by the lexer/parser.
    pub block: Option<Box<str>>,
}

impl core::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::IndentationError => "IndentationError",
            ErrorKind::ViperTypeError => "ViperTypeError",
            ErrorKind::NotImplementedError => "NotImplementedError",
        })
    }
}

impl core::fmt::Display for CompileError {
    /// MicroPython's traceback form:
    /// `File "f.py", line 3, in <module>` / `SyntaxError: invalid syntax` (two lines).
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.block {
            Some(b) => writeln!(f, "  File \"{}\", line {}, in {}", self.file, self.line, b)?,
            None => writeln!(f, "  File \"{}\", line {}", self.file, self.line)?,
        }
        write!(f, "{}: {}", self.kind, self.msg)
    }
}
