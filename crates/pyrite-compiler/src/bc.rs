//! MicroPython's bytecode (the ISA of .mpy version 6), defined once.
//!
//! The [`OPCODES`] table is the single definition of the instruction set: every entry gives the
//! name, the byte value, the operand format and a one-line statement of semantics. The encoder
//! ([`encode_uint`], [`encode_sint`]), the decoder ([`decode_insn`]), the verifier
//! ([`verify_code`]) and the disassembler ([`disassemble`]) all derive from it; the VM dispatches on
//! the constants in [`op`].
//!
//! Encoding of operands (facts from MicroPython's py/bc0.h):
//! - var uint: big-endian groups of 7 bits, high bit set on all but the last byte;
//! - signed var int (LOAD_CONST_SMALL_INT): same, and bit 0x40 of the first byte is the sign;
//! - jump offset, relative to the end of the instruction: 1 byte if bit 7 is clear (signed:
//!   value - 0x40), else 2 bytes `(b0 & 0x7f) | b1 << 7` (signed: value - 0x4000);
//! - MAKE_CLOSURE(_DEFARGS) and UNWIND_JUMP carry one extra byte after their operand.
//!
//! Stack effects are noted as `( before -- after )`, top of stack on the right.

use crate::text::push_byte;
use crate::text::push_bytes;
use crate::text::push_char;
use crate::text::push_str;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

/// The kind of operand an opcode carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    /// No operand.
    None,
    /// var uint: index into the module's qstr table.
    Qstr,
    /// var uint: a count or local index.
    Uint,
    /// signed var int (small integer constant).
    Int,
    /// var uint: index into the module's constant-object table.
    Obj,
    /// var uint: index into the code's children.
    Child,
    /// signed jump offset (1 or 2 bytes), relative to the next instruction.
    SJump,
    /// unsigned (forward) jump offset (1 or 2 bytes), relative to the next instruction.
    UJump,
}

/// One opcode's definition.
#[derive(Clone, Copy, Debug)]
pub struct OpInfo {
    pub name: &'static str,
    pub code: u8,
    pub operand: Operand,
    /// A single byte follows the operand (closure cell count / unwind depth).
    pub extra_byte: bool,
    /// One-line semantics.
    pub doc: &'static str,
}

macro_rules! opcodes {
    ($( $name:ident = $val:expr, $operand:ident, $extra:expr, $doc:literal; )*) => {
        /// Opcode byte values.
        pub mod op {
            $( pub const $name: u8 = $val; )*
        }
        const OPCODES_ARRAY: [OpInfo; 73] = [
            $( OpInfo { name: stringify!($name), code: $val, operand: Operand::$operand, extra_byte: $extra, doc: $doc }, )*
        ];
        /// The instruction set (single opcodes; the "multi" ranges are in [`MULTI_RANGES`]).
        pub static OPCODES: &[OpInfo] = &OPCODES_ARRAY;
    };
}

opcodes! {
    LOAD_CONST_STRING = 0x10, Qstr, false, "( -- str ) push the qstr operand as a str";
    LOAD_NAME = 0x11, Qstr, false, "( -- v ) look the name up in locals dict, then globals, then builtins";
    LOAD_GLOBAL = 0x12, Qstr, false, "( -- v ) look the name up in globals, then builtins";
    LOAD_ATTR = 0x13, Qstr, false, "( obj -- obj.attr )";
    LOAD_METHOD = 0x14, Qstr, false, "( obj -- meth self|NULL... ) push 2 entries: method and self (or attr and NULL)";
    LOAD_SUPER_METHOD = 0x15, Qstr, false, "( super_cls self -- meth self ) super().name lookup, 3 entries in, 2 out (net -1 after the loaded 'super' args)";
    STORE_NAME = 0x16, Qstr, false, "( v -- ) store into locals dict";
    STORE_GLOBAL = 0x17, Qstr, false, "( v -- ) store into globals dict";
    STORE_ATTR = 0x18, Qstr, false, "( v obj -- ) obj.attr = v";
    DELETE_NAME = 0x19, Qstr, false, "( -- ) delete from locals dict (NameError if absent)";
    DELETE_GLOBAL = 0x1a, Qstr, false, "( -- ) delete from globals dict (NameError if absent)";
    IMPORT_NAME = 0x1b, Qstr, false, "( fromlist level -- module ) __import__(name, fromlist, level)";
    IMPORT_FROM = 0x1c, Qstr, false, "( module -- module attr ) get attr from module (ImportError if absent)";
    MAKE_CLOSURE = 0x20, Child, true, "( cells*n -- fn ) make closure of child over n cells (n is the extra byte)";
    MAKE_CLOSURE_DEFARGS = 0x21, Child, true, "( defpos defkw cells*n -- fn ) closure with default args";
    LOAD_CONST_SMALL_INT = 0x22, Int, false, "( -- int ) push small int operand";
    LOAD_CONST_OBJ = 0x23, Obj, false, "( -- obj ) push constant object";
    LOAD_FAST_N = 0x24, Uint, false, "( -- v ) push local n (UnboundLocalError if NULL)";
    LOAD_DEREF = 0x25, Uint, false, "( -- v ) push contents of cell in local n";
    STORE_FAST_N = 0x26, Uint, false, "( v -- ) local n = v";
    STORE_DEREF = 0x27, Uint, false, "( v -- ) store v into cell in local n";
    DELETE_FAST = 0x28, Uint, false, "( -- ) local n = NULL (UnboundLocalError if already NULL)";
    DELETE_DEREF = 0x29, Uint, false, "( -- ) empty the cell in local n";
    BUILD_TUPLE = 0x2a, Uint, false, "( x*n -- tuple )";
    BUILD_LIST = 0x2b, Uint, false, "( x*n -- list )";
    BUILD_MAP = 0x2c, Uint, false, "( -- dict ) new dict sized for n entries";
    BUILD_SET = 0x2d, Uint, false, "( x*n -- set )";
    BUILD_SLICE = 0x2e, Uint, false, "( start stop [step] -- slice ) n is 2 or 3";
    STORE_COMP = 0x2f, Uint, false, "( coll .. item -- coll .. ) add item (or key/value) to collection at depth arg>>2; arg&3: 0 list, 1 dict, 2 set";
    UNPACK_SEQUENCE = 0x30, Uint, false, "( seq -- x*n ) unpack exactly n items, last item on bottom";
    UNPACK_EX = 0x31, Uint, false, "( seq -- ... ) unpack n_left=arg&0xff items, a list, n_right=arg>>8 items";
    MAKE_FUNCTION = 0x32, Child, false, "( -- fn ) make function from child";
    MAKE_FUNCTION_DEFARGS = 0x33, Child, false, "( defpos defkw -- fn ) function with defaults tuple and kw-defaults dict (or NULL)";
    CALL_FUNCTION = 0x34, Uint, false, "( fn args*npos (k v)*nkw -- result ) npos=arg&0xff, nkw=arg>>8";
    CALL_FUNCTION_VAR_KW = 0x35, Uint, false, "( fn args (k v)* bitmap -- result ) like CALL_FUNCTION; bitmap's bits mark *args (positional) / **kw (key NULL) entries";
    CALL_METHOD = 0x36, Uint, false, "( meth self args (k v)* -- result ) self may be NULL (then not passed)";
    CALL_METHOD_VAR_KW = 0x37, Uint, false, "( meth self args (k v)* bitmap -- result )";
    UNWIND_JUMP = 0x40, SJump, true, "unwind extra byte&0x7f exception-stack levels (running finally blocks) then jump; bit 7: also pop a for-iterator";
    JUMP = 0x42, SJump, false, "jump";
    POP_JUMP_IF_TRUE = 0x43, SJump, false, "( v -- ) jump if v is true";
    POP_JUMP_IF_FALSE = 0x44, SJump, false, "( v -- ) jump if v is false";
    JUMP_IF_TRUE_OR_POP = 0x45, UJump, false, "( v -- v|) if v true jump keeping v, else pop";
    JUMP_IF_FALSE_OR_POP = 0x46, UJump, false, "( v -- v|) if v false jump keeping v, else pop";
    SETUP_WITH = 0x47, UJump, false, "( mgr -- exit mgr value ) call __enter__, push exception handler (target = cleanup)";
    SETUP_EXCEPT = 0x48, UJump, false, "push except handler at target";
    SETUP_FINALLY = 0x49, UJump, false, "push finally handler at target";
    POP_EXCEPT_JUMP = 0x4a, UJump, false, "pop an exception handler and jump (end of except clause)";
    FOR_ITER = 0x4b, UJump, false, "( iter -- iter next ) or, when exhausted, pop the iterator slots and jump";
    LOAD_CONST_FALSE = 0x50, None, false, "( -- False )";
    LOAD_CONST_NONE = 0x51, None, false, "( -- None )";
    LOAD_CONST_TRUE = 0x52, None, false, "( -- True )";
    LOAD_NULL = 0x53, None, false, "( -- NULL ) push the null sentinel";
    LOAD_BUILD_CLASS = 0x54, None, false, "( -- __build_class__ )";
    LOAD_SUBSCR = 0x55, None, false, "( obj index -- obj[index] )";
    STORE_SUBSCR = 0x56, None, false, "( v obj index -- ) obj[index] = v (v NULL: delete)";
    DUP_TOP = 0x57, None, false, "( a -- a a )";
    DUP_TOP_TWO = 0x58, None, false, "( a b -- a b a b )";
    POP_TOP = 0x59, None, false, "( a -- )";
    ROT_TWO = 0x5a, None, false, "( a b -- b a )";
    ROT_THREE = 0x5b, None, false, "( a b c -- c a b )";
    WITH_CLEANUP = 0x5c, None, false, "call __exit__ of a with block with the exception state (or None x3); may swallow the exception";
    END_FINALLY = 0x5d, None, false, "( x -- ) end of finally: x None: continue; exception: re-raise; small int: resume unwind";
    GET_ITER = 0x5e, None, false, "( obj -- iter )";
    GET_ITER_STACK = 0x5f, None, false, "( obj -- iterbuf(4 slots) ) iterator stored in the stack slots";
    STORE_MAP = 0x62, None, false, "( dict v k -- dict ) dict[k] = v";
    RETURN_VALUE = 0x63, None, false, "( v -- ) return v (running pending finally blocks)";
    RAISE_LAST = 0x64, None, false, "re-raise the exception being handled (RuntimeError if none)";
    RAISE_OBJ = 0x65, None, false, "( exc -- ) raise exc (class is instantiated)";
    RAISE_FROM = 0x66, None, false, "( exc cause -- ) raise exc with __cause__";
    YIELD_VALUE = 0x67, None, false, "( v -- sent ) yield v from the generator";
    YIELD_FROM = 0x68, None, false, "( iter v -- iter|result ) delegate to sub-iterator";
    IMPORT_STAR = 0x69, None, false, "( module -- ) import all public names into locals";
    VIPER = 0x3f, Uint, false, "VM-internal (viper functions only, never in .mpy): typed machine-word operation arg&7 with parameter arg>>3 (see the `viper` module)";
}

/// Operand layout of the VM-internal [`op::VIPER`] instruction: `kind | param << 3`.
/// Native values (viper int/uint/bool/ptr) live on the stack as Python ints holding the
/// machine word (bool: True/False or any int, None: 0).
pub mod viper {
    /// `( .. x .. -- .. obj .. )` convert the slot at depth `param >> 3` (0 = top) from native
    /// type `param & 7` to an object.
    pub const TO_OBJ: u32 = 0;
    /// `( obj -- native )` convert an object to native type `param` (MicroPython's
    /// mp_native_from_obj; pointers from objects with the buffer protocol).
    pub const FROM_OBJ: u32 = 1;
    /// `( a b -- a op b )` machine-word binary op: param = MP_BINARY_OP number | 0x40 if unsigned.
    pub const BINOP: u32 = 2;
    /// `( a -- op a )` machine-word unary op: param = MP_UNARY_OP number (negative, invert).
    pub const UNOP: u32 = 3;
    /// `( ptr index -- value )` load a 2^param-byte unsigned item from the pointer.
    pub const LOAD: u32 = 4;
    /// `( value ptr index -- )` store the low 2^param bytes of value at the pointer.
    pub const STORE: u32 = 5;
    /// Flag in a BINOP parameter: operands are unsigned.
    pub const UNSIGNED: u32 = 0x40;
    /// Native type numbers (MicroPython's MP_NATIVE_TYPE_*).
    pub const T_OBJ: u32 = 0;
    pub const T_BOOL: u32 = 1;
    pub const T_INT: u32 = 2;
    pub const T_UINT: u32 = 3;
    pub const T_PTR: u32 = 4;
    pub const T_PTR8: u32 = 5;
    pub const T_PTR16: u32 = 6;
    pub const T_PTR32: u32 = 7;
}

/// First opcode of LOAD_CONST_SMALL_INT_MULTI: value = op - 0x70 - 16 (range -16..=47).
pub const LOAD_CONST_SMALL_INT_MULTI: u8 = 0x70;
pub const LOAD_CONST_SMALL_INT_MULTI_EXCESS: i64 = 16;
pub const LOAD_CONST_SMALL_INT_MULTI_NUM: i64 = 64;
/// LOAD_FAST_MULTI + n (n < 16): push local n.
pub const LOAD_FAST_MULTI: u8 = 0xb0;
/// STORE_FAST_MULTI + n (n < 16): pop into local n.
pub const STORE_FAST_MULTI: u8 = 0xc0;
/// UNARY_OP_MULTI + op (op < 4): ( a -- op(a) ).
pub const UNARY_OP_MULTI: u8 = 0xd0;
/// BINARY_OP_MULTI + op (op < 35): ( a b -- a op b ).
pub const BINARY_OP_MULTI: u8 = 0xd7;
/// Number of stack slots an iterator occupies after GET_ITER_STACK (MP_OBJ_ITER_BUF_NSLOTS).
pub const ITER_BUF_NSLOTS: usize = 4;

/// The "multi" opcode ranges: (first, last, name, semantics).
pub static MULTI_RANGES: &[(u8, u8, &str, &str)] = &MULTI_ARRAY;

/// Unary operators as numbered by MicroPython (MP_UNARY_OP_*). Only the first 4 appear in bytecode.
pub mod unary {
    pub const POSITIVE: u8 = 0;
    pub const NEGATIVE: u8 = 1;
    pub const INVERT: u8 = 2;
    pub const NOT: u8 = 3;
    /// Number of unary ops that may appear in bytecode.
    pub const NUM_BYTECODE: u8 = 4;
    pub const BOOL: u8 = 4;
    pub const LEN: u8 = 5;
    pub const HASH: u8 = 6;
    pub const ABS: u8 = 7;
    pub const INT_MAYBE: u8 = 8;
    pub const FLOAT_MAYBE: u8 = 9;
    pub const COMPLEX_MAYBE: u8 = 10;
    pub const SIZEOF: u8 = 11;
    pub const NAMES: [&str; 12] = [
        "__pos__",
        "__neg__",
        "__invert__",
        "<not>",
        "__bool__",
        "__len__",
        "__hash__",
        "__abs__",
        "__int__",
        "__float__",
        "__complex__",
        "__sizeof__",
    ];
}

/// Binary operators as numbered by MicroPython (MP_BINARY_OP_*). The first 35 appear in bytecode.
pub mod binary {
    pub const LESS: u8 = 0;
    pub const MORE: u8 = 1;
    pub const EQUAL: u8 = 2;
    pub const LESS_EQUAL: u8 = 3;
    pub const MORE_EQUAL: u8 = 4;
    pub const NOT_EQUAL: u8 = 5;
    pub const IN: u8 = 6;
    pub const IS: u8 = 7;
    pub const EXCEPTION_MATCH: u8 = 8;
    pub const INPLACE_OR: u8 = 9;
    pub const INPLACE_XOR: u8 = 10;
    pub const INPLACE_AND: u8 = 11;
    pub const INPLACE_LSHIFT: u8 = 12;
    pub const INPLACE_RSHIFT: u8 = 13;
    pub const INPLACE_ADD: u8 = 14;
    pub const INPLACE_SUBTRACT: u8 = 15;
    pub const INPLACE_MULTIPLY: u8 = 16;
    pub const INPLACE_MAT_MULTIPLY: u8 = 17;
    pub const INPLACE_FLOOR_DIVIDE: u8 = 18;
    pub const INPLACE_TRUE_DIVIDE: u8 = 19;
    pub const INPLACE_MODULO: u8 = 20;
    pub const INPLACE_POWER: u8 = 21;
    pub const OR: u8 = 22;
    pub const XOR: u8 = 23;
    pub const AND: u8 = 24;
    pub const LSHIFT: u8 = 25;
    pub const RSHIFT: u8 = 26;
    pub const ADD: u8 = 27;
    pub const SUBTRACT: u8 = 28;
    pub const MULTIPLY: u8 = 29;
    pub const MAT_MULTIPLY: u8 = 30;
    pub const FLOOR_DIVIDE: u8 = 31;
    pub const TRUE_DIVIDE: u8 = 32;
    pub const MODULO: u8 = 33;
    pub const POWER: u8 = 34;
    /// Number of binary ops that may appear in bytecode.
    pub const NUM_BYTECODE: u8 = 35;
    /// Runtime only (divmod()).
    pub const DIVMOD: u8 = 35;
    /// Runtime only: `in` with swapped arguments, what a type implements (__contains__).
    pub const CONTAINS: u8 = 36;
    /// REVERSE_x = x - OR + REVERSE_OR (reflected operators __rxxx__).
    pub const REVERSE_OR: u8 = 37;
    pub const REVERSE_XOR: u8 = 38;
    pub const REVERSE_AND: u8 = 39;
    pub const REVERSE_LSHIFT: u8 = 40;
    pub const REVERSE_RSHIFT: u8 = 41;
    pub const REVERSE_ADD: u8 = 42;
    pub const REVERSE_SUBTRACT: u8 = 43;
    pub const REVERSE_MULTIPLY: u8 = 44;
    pub const REVERSE_MAT_MULTIPLY: u8 = 45;
    pub const REVERSE_FLOOR_DIVIDE: u8 = 46;
    pub const REVERSE_TRUE_DIVIDE: u8 = 47;
    pub const REVERSE_MODULO: u8 = 48;
    pub const REVERSE_POWER: u8 = 49;
    /// Compiler only (emitted as IN/IS followed by NOT).
    pub const NOT_IN: u8 = 50;
    pub const IS_NOT: u8 = 51;
    /// Special method names, indexed by op number (0..=49).
    pub const NAMES: [&str; 50] = [
        "__lt__",
        "__gt__",
        "__eq__",
        "__le__",
        "__ge__",
        "__ne__",
        "__contains__",
        "<is>",
        "<exc match>",
        "__ior__",
        "__ixor__",
        "__iand__",
        "__ilshift__",
        "__irshift__",
        "__iadd__",
        "__isub__",
        "__imul__",
        "__imatmul__",
        "__ifloordiv__",
        "__itruediv__",
        "__imod__",
        "__ipow__",
        "__or__",
        "__xor__",
        "__and__",
        "__lshift__",
        "__rshift__",
        "__add__",
        "__sub__",
        "__mul__",
        "__matmul__",
        "__floordiv__",
        "__truediv__",
        "__mod__",
        "__pow__",
        "__divmod__",
        "__contains__",
        "__ror__",
        "__rxor__",
        "__rand__",
        "__rlshift__",
        "__rrshift__",
        "__radd__",
        "__rsub__",
        "__rmul__",
        "__rmatmul__",
        "__rfloordiv__",
        "__rtruediv__",
        "__rmod__",
        "__rpow__",
    ];
    /// Symbols for the operators that appear in source (for messages), indexed by op number.
    pub const SYMBOLS: [&str; 35] = [
        "<",
        ">",
        "==",
        "<=",
        ">=",
        "!=",
        "in",
        "is",
        "<exc match>",
        "|=",
        "^=",
        "&=",
        "<<=",
        ">>=",
        "+=",
        "-=",
        "*=",
        "@=",
        "//=",
        "/=",
        "%=",
        "**=",
        "|",
        "^",
        "&",
        "<<",
        ">>",
        "+",
        "-",
        "*",
        "@",
        "//",
        "/",
        "%",
        "**",
    ];
}

const MULTI_ARRAY: [(u8, u8, &str, &str); 5] = [
    (
        0x70,
        0xaf,
        "LOAD_CONST_SMALL_INT_MULTI",
        "( -- int ) push op-0x70-16",
    ),
    (0xb0, 0xbf, "LOAD_FAST_MULTI", "( -- v ) push local op-0xb0"),
    (0xc0, 0xcf, "STORE_FAST_MULTI", "( v -- ) local op-0xc0 = v"),
    (0xd0, 0xd3, "UNARY_OP_MULTI", "( a -- r ) unary op op-0xd0"),
    (
        0xd7,
        0xf9,
        "BINARY_OP_MULTI",
        "( a b -- r ) binary op op-0xd7",
    ),
];

/// What the decoder, verifier and disassembler need of an opcode (its [`OpInfo`] less the
/// documentation, which stays out of the binary).
#[derive(Clone, Copy, Debug)]
pub struct OpDesc {
    pub name: &'static str,
    pub operand: Operand,
    /// A single byte follows the operand (closure cell count / unwind depth).
    pub extra_byte: bool,
}

const N_DESCS: usize = OPCODES_ARRAY.len() + MULTI_ARRAY.len();

/// One [`OpDesc`] per opcode and per "multi" range, derived from [`OPCODES`] and
/// [`MULTI_RANGES`]; [`OP_INDEX`] maps each byte to its entry.
static OP_DESCS: [OpDesc; N_DESCS] = build_descs();

/// Opcode byte -> index into the descriptions (`NO_OP`: invalid opcode). A byte-sized index
/// with one small description per entry instead of a 256-entry table of full records: the
/// table is 256 + 78 * 24 bytes instead of 10 KB.
static OP_INDEX: [u8; 256] = build_index();

const NO_OP: u8 = 0xff;

const fn build_descs() -> [OpDesc; N_DESCS] {
    let mut t = [OpDesc {
        name: "",
        operand: Operand::None,
        extra_byte: false,
    }; N_DESCS];
    let mut i = 0;
    while i < OPCODES_ARRAY.len() {
        let e = OPCODES_ARRAY[i];
        t[i] = OpDesc {
            name: e.name,
            operand: e.operand,
            extra_byte: e.extra_byte,
        };
        i += 1;
    }
    let mut m = 0;
    while m < MULTI_ARRAY.len() {
        t[OPCODES_ARRAY.len() + m].name = MULTI_ARRAY[m].2;
        m += 1;
    }
    t
}

const fn build_index() -> [u8; 256] {
    let mut t = [NO_OP; 256];
    let mut i = 0;
    while i < OPCODES_ARRAY.len() {
        t[OPCODES_ARRAY[i].code as usize] = i as u8;
        i += 1;
    }
    let mut m = 0;
    while m < MULTI_ARRAY.len() {
        let (lo, hi, _, _) = MULTI_ARRAY[m];
        let mut c = lo as usize;
        while c <= hi as usize {
            t[c] = (OPCODES_ARRAY.len() + m) as u8;
            c += 1;
        }
        m += 1;
    }
    t
}

/// The definition of an opcode byte (None: invalid opcode).
#[inline]
pub fn info(opcode: u8) -> Option<&'static OpDesc> {
    OP_DESCS.get(OP_INDEX[opcode as usize] as usize)
}

/// True for jump opcodes whose offset is signed (UNWIND_JUMP..=POP_JUMP_IF_FALSE).
#[inline]
pub const fn has_signed_offset(opcode: u8) -> bool {
    opcode >= 0x40 && opcode <= op::POP_JUMP_IF_FALSE
}

// ---------------------------------------------------------------------------------------------
// Encoding

/// Append `v` as a var uint (big-endian 7-bit groups).
pub fn encode_uint(out: &mut Vec<u8>, v: u64) {
    let mut buf = [0u8; 10];
    let mut p = buf.len() - 1;
    buf[p] = (v & 0x7f) as u8;
    let mut n = v >> 7;
    while n != 0 {
        p -= 1;
        buf[p] = 0x80 | (n & 0x7f) as u8;
        n >>= 7;
    }
    push_bytes(out, &buf[p..]);
}

/// Number of bytes `encode_uint(v)` produces.
pub fn uint_len(v: u64) -> usize {
    let mut n = 1;
    let mut x = v >> 7;
    while x != 0 {
        n += 1;
        x >>= 7;
    }
    n
}

/// Append `v` as a signed var int (operand of LOAD_CONST_SMALL_INT).
pub fn encode_sint(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 11];
    let mut p = buf.len();
    let mut num = v;
    loop {
        p -= 1;
        buf[p] = (num & 0x7f) as u8;
        num >>= 7;
        if num == 0 || num == -1 {
            break;
        }
    }
    if num == -1 && buf[p] & 0x40 == 0 {
        p -= 1;
        buf[p] = 0x7f;
    } else if num == 0 && buf[p] & 0x40 != 0 {
        p -= 1;
        buf[p] = 0;
    }
    let last = buf.len() - 1;
    for (i, b) in buf.iter().enumerate().take(buf.len()).skip(p) {
        push_byte(out, if i == last { *b } else { *b | 0x80 });
    }
}

/// Append the prelude signature (n_state, n_exc_stack, scope flags, arg counts).
pub fn encode_prelude_sig(
    out: &mut Vec<u8>,
    n_state: usize,
    n_exc_stack: usize,
    scope_flags: u8,
    n_pos_args: usize,
    n_kwonly_args: usize,
    n_def_pos_args: usize,
) {
    let mut s = n_state.saturating_sub(1);
    let mut e = n_exc_stack;
    let mut f = (scope_flags & 0x0f) as usize;
    let mut a = n_pos_args;
    let mut k = n_kwonly_args;
    let mut d = n_def_pos_args;
    let mut z = ((s & 0xf) << 3 | (e & 1) << 2 | (a & 3)) as u8;
    s >>= 4;
    e >>= 1;
    a >>= 2;
    while (s | e | f | a | k | d) != 0 {
        push_byte(out, 0x80 | z);
        z = ((f & 1) << 6 | (s & 3) << 4 | (k & 1) << 3 | (a & 1) << 2 | (e & 1) << 1 | (d & 1))
            as u8;
        s >>= 2;
        e >>= 1;
        f >>= 1;
        a >>= 1;
        k >>= 1;
        d >>= 1;
    }
    push_byte(out, z);
}

/// Append the prelude size (n_info, n_cell).
pub fn encode_prelude_size(out: &mut Vec<u8>, n_info: usize, n_cell: usize) {
    let mut i = n_info;
    let mut c = n_cell;
    loop {
        let mut z = ((i & 0x3f) << 1 | (c & 1)) as u8;
        c >>= 1;
        i >>= 6;
        if (c | i) != 0 {
            z |= 0x80;
        }
        push_byte(out, z);
        if (c | i) == 0 {
            break;
        }
    }
}

/// Append line-number-table entries advancing `bytes` bytecode bytes and `lines` source lines.
pub fn encode_line_info(out: &mut Vec<u8>, mut bytes: usize, mut lines: usize) {
    while bytes > 0 || lines > 0 {
        let (b, l);
        if lines <= 6 || bytes > 0xf {
            b = bytes.min(0x1f);
            l = if b < bytes { 0 } else { lines.min(3) };
            push_byte(out, (b | (l << 5)) as u8);
        } else {
            b = bytes.min(0xf);
            l = lines.min(0x7ff);
            push_byte(out, (0x80 | b | ((l >> 4) & 0x70)) as u8);
            push_byte(out, (l & 0xff) as u8);
        }
        bytes -= b;
        lines -= l;
    }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/// Why bytecode could not be decoded or verified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BcError {
    Truncated,
    BadOpcode(u8),
    BadOperand,
    BadJump,
    BadPrelude,
}

impl core::fmt::Display for BcError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            BcError::Truncated => f.write_str("truncated bytecode"),
            BcError::BadOpcode(b) => write!(f, "invalid opcode 0x{:02x}", b),
            BcError::BadOperand => f.write_str("bytecode operand out of range"),
            BcError::BadJump => f.write_str("bytecode jump out of range"),
            BcError::BadPrelude => f.write_str("invalid bytecode prelude"),
        }
    }
}

/// Read a var uint at `*pos`, advancing it. Values above u32::MAX are rejected.
pub fn decode_uint(code: &[u8], pos: &mut usize) -> Result<u32, BcError> {
    let mut v: u64 = 0;
    for _ in 0..6 {
        let b = *code.get(*pos).ok_or(BcError::Truncated)?;
        *pos += 1;
        v = (v << 7) | (b & 0x7f) as u64;
        if v > u32::MAX as u64 {
            return Err(BcError::BadOperand);
        }
        if b & 0x80 == 0 {
            return Ok(v as u32);
        }
    }
    Err(BcError::BadOperand)
}

/// Read a signed var int at `*pos` (LOAD_CONST_SMALL_INT operand), advancing it.
pub fn decode_sint(code: &[u8], pos: &mut usize) -> Result<i64, BcError> {
    let first = *code.get(*pos).ok_or(BcError::Truncated)?;
    let mut v: i64 = if first & 0x40 != 0 { -1 } else { 0 };
    for _ in 0..10 {
        let b = *code.get(*pos).ok_or(BcError::Truncated)?;
        *pos += 1;
        v = v.checked_mul(128).ok_or(BcError::BadOperand)? | (b & 0x7f) as i64;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(BcError::BadOperand)
}

/// One decoded instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    pub opcode: u8,
    /// Operand: qstr/const/child index, count, small int value, or jump offset (relative to
    /// the end of the offset field, i.e. the end of the instruction except for UNWIND_JUMP,
    /// whose extra byte follows the offset and is not counted). 0 when the opcode has none.
    pub arg: i64,
    /// The extra byte (MAKE_CLOSURE*, UNWIND_JUMP), else 0.
    pub extra: u8,
    /// Total length in bytes.
    pub len: usize,
}

impl Insn {
    /// Absolute target of a jump instruction at `pc` (for UNWIND_JUMP the offset is relative
    /// to the extra byte, as MicroPython's VM computes it).
    pub fn jump_target(&self, pc: usize) -> Option<usize> {
        let extra = if self.opcode == op::UNWIND_JUMP { 1 } else { 0 };
        let next = pc.checked_add(self.len)?.checked_sub(extra)? as i64;
        let t = next.checked_add(self.arg)?;
        usize::try_from(t).ok()
    }
}

/// Decode the instruction at `code[pc]`.
pub fn decode_insn(code: &[u8], pc: usize) -> Result<Insn, BcError> {
    let opcode = *code.get(pc).ok_or(BcError::Truncated)?;
    let inf = info(opcode).ok_or(BcError::BadOpcode(opcode))?;
    let mut pos = pc + 1;
    let arg = match inf.operand {
        Operand::None => 0,
        Operand::Qstr | Operand::Uint | Operand::Obj | Operand::Child => {
            decode_uint(code, &mut pos)? as i64
        }
        Operand::Int => decode_sint(code, &mut pos)?,
        Operand::SJump | Operand::UJump => {
            let b0 = *code.get(pos).ok_or(BcError::Truncated)?;
            pos += 1;
            let mut v = if b0 & 0x80 == 0 {
                let v = b0 as i64;
                if inf.operand == Operand::SJump {
                    v - 0x40
                } else {
                    v
                }
            } else {
                let b1 = *code.get(pos).ok_or(BcError::Truncated)?;
                pos += 1;
                (b0 & 0x7f) as i64 | (b1 as i64) << 7
            };
            if b0 & 0x80 != 0 && inf.operand == Operand::SJump {
                v -= 0x4000;
            }
            v
        }
    };
    let mut extra = 0;
    if inf.extra_byte {
        extra = *code.get(pos).ok_or(BcError::Truncated)?;
        pos += 1;
    }
    Ok(Insn {
        opcode,
        arg,
        extra,
        len: pos - pc,
    })
}

/// A decoded bytecode prelude. Offsets are relative to the start of the function's bytecode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Prelude {
    /// Number of value-stack + local slots.
    pub n_state: usize,
    /// Number of exception-handler slots.
    pub n_exc_stack: usize,
    /// Low 4 bits of MP_SCOPE_FLAG_* (generator, varkeywords, varargs, defkwargs).
    pub scope_flags: u8,
    pub n_pos_args: usize,
    pub n_kwonly_args: usize,
    pub n_def_pos_args: usize,
    /// Size of the source-info section (name, arg names, line table).
    pub n_info: usize,
    /// Number of cell entries (one byte each) after the source info.
    pub n_cell: usize,
    /// Qstr-table index of the function's simple name.
    pub name_qstr: u32,
    /// Offset of the first argument-name var uint (there are n_pos_args + n_kwonly_args).
    pub arg_names_offset: usize,
    /// Offset of the line-number table.
    pub line_info_offset: usize,
    /// End (exclusive) of the line-number table = start of the cell indices.
    pub line_info_end: usize,
    /// Offset of the cell-local indices (n_cell bytes).
    pub cells_offset: usize,
    /// Offset of the first opcode.
    pub code_offset: usize,
}

/// Decode the prelude at the start of `bc`, checking that every part lies inside `bc`.
pub fn decode_prelude(bc: &[u8]) -> Result<Prelude, BcError> {
    let mut pos = 0usize;
    let get = |pos: &mut usize| -> Result<u8, BcError> {
        let b = *bc.get(*pos).ok_or(BcError::Truncated)?;
        *pos += 1;
        Ok(b)
    };
    let mut z = get(&mut pos)?;
    let mut s = ((z >> 3) & 0xf) as usize;
    let mut e = ((z >> 2) & 1) as usize;
    let mut f = 0usize;
    let mut a = (z & 3) as usize;
    let mut k = 0usize;
    let mut d = 0usize;
    let mut n = 0u32;
    while z & 0x80 != 0 {
        if n > 20 {
            return Err(BcError::BadPrelude);
        }
        z = get(&mut pos)?;
        s |= ((z & 0x30) as usize) << (2 * n);
        e |= ((z & 0x02) as usize) << n;
        f |= (((z & 0x40) >> 6) as usize) << n;
        a |= ((z & 0x4) as usize) << n;
        k |= (((z & 0x08) >> 3) as usize) << n;
        d |= ((z & 0x1) as usize) << n;
        n += 1;
    }
    let n_state = s + 1;
    let mut n_info = 0usize;
    let mut n_cell = 0usize;
    let mut n = 0u32;
    loop {
        if n > 5 {
            return Err(BcError::BadPrelude);
        }
        let z = get(&mut pos)?;
        n_cell |= ((z & 1) as usize) << n;
        n_info |= (((z & 0x7e) >> 1) as usize) << (6 * n);
        n += 1;
        if z & 0x80 == 0 {
            break;
        }
    }
    if f > 0x0f
        || n_state > 0xffff
        || a > 0xffff
        || k > 0xffff
        || d > a
        || n_cell > 0xffff
        || e > 0xffff
    {
        return Err(BcError::BadPrelude);
    }
    let info_start = pos;
    let cells_offset = info_start.checked_add(n_info).ok_or(BcError::BadPrelude)?;
    let code_offset = cells_offset
        .checked_add(n_cell)
        .ok_or(BcError::BadPrelude)?;
    if code_offset > bc.len() {
        return Err(BcError::BadPrelude);
    }
    let info = &bc[..cells_offset];
    let mut p = info_start;
    let name_qstr = decode_uint(info, &mut p).map_err(|_| BcError::BadPrelude)?;
    let arg_names_offset = p;
    for _ in 0..(a + k) {
        decode_uint(info, &mut p).map_err(|_| BcError::BadPrelude)?;
    }
    Ok(Prelude {
        n_state,
        n_exc_stack: e,
        scope_flags: f as u8,
        n_pos_args: a,
        n_kwonly_args: k,
        n_def_pos_args: d,
        n_info,
        n_cell,
        name_qstr,
        arg_names_offset,
        line_info_offset: p,
        line_info_end: cells_offset,
        cells_offset,
        code_offset,
    })
}

/// The argument names' qstr-table indices (positional then keyword-only).
pub fn arg_name_qstrs(bc: &[u8], p: &Prelude) -> Vec<u32> {
    let mut out = Vec::new();
    let mut pos = p.arg_names_offset;
    let end = p.line_info_offset.min(bc.len());
    for _ in 0..(p.n_pos_args + p.n_kwonly_args) {
        match decode_uint(&bc[..end], &mut pos) {
            Ok(q) => out.push(q),
            Err(_) => break,
        }
    }
    out
}

/// Map an opcode's offset (relative to `p.code_offset`) to its source line, using the line table.
pub fn source_line(bc: &[u8], p: &Prelude, bc_offset: usize) -> u32 {
    let end = p.line_info_end.min(bc.len());
    let mut pos = p.line_info_offset;
    let mut line: u32 = 1;
    let mut off = bc_offset;
    while pos < end {
        let c = bc[pos];
        let (b, l, n) = if c & 0x80 == 0 {
            ((c & 0x1f) as usize, (c >> 5) as u32, 1)
        } else {
            let c2 = match bc.get(pos + 1) {
                Some(&x) if pos + 1 < end => x,
                _ => break,
            };
            (
                (c & 0xf) as usize,
                (((c as u32) << 4) & 0x700) | c2 as u32,
                2,
            )
        };
        if off >= b {
            off -= b;
            line = line.saturating_add(l);
        } else {
            break;
        }
        pos += n;
    }
    line
}

/// Check one function's opcodes: valid opcodes, operands in range, jumps landing on instruction
/// starts inside the code, locals inside n_state. `n_qstr`/`n_obj` are the module's table sizes.
pub fn verify_code(
    bc: &[u8],
    n_qstr: usize,
    n_obj: usize,
    n_children: usize,
) -> Result<Prelude, BcError> {
    verify_code_ext(bc, n_qstr, n_obj, n_children, false)
}

/// [`verify_code`], also accepting the VM-internal VIPER opcode when `viper` is set (code the
/// runtime compiled itself from a `@micropython.viper` function; never code from a .mpy file).
pub fn verify_code_ext(
    bc: &[u8],
    n_qstr: usize,
    n_obj: usize,
    n_children: usize,
    viper: bool,
) -> Result<Prelude, BcError> {
    let p = decode_prelude(bc)?;
    // name and arg names are qstr indices
    if p.name_qstr as usize >= n_qstr {
        return Err(BcError::BadPrelude);
    }
    for q in arg_name_qstrs(bc, &p) {
        if q as usize >= n_qstr {
            return Err(BcError::BadPrelude);
        }
    }
    let n_locals_max = p.n_state;
    for i in 0..p.n_cell {
        let c = *bc.get(p.cells_offset + i).ok_or(BcError::BadPrelude)? as usize;
        if c >= n_locals_max {
            return Err(BcError::BadPrelude);
        }
    }
    if p.n_pos_args + p.n_kwonly_args > p.n_state {
        return Err(BcError::BadPrelude);
    }
    let code = &bc[p.code_offset..];
    if code.is_empty() {
        return Err(BcError::Truncated);
    }
    let mut starts = alloc::vec![false; code.len() + 1];
    let mut jumps: Vec<usize> = Vec::new();
    let mut pc = 0;
    while pc < code.len() {
        starts[pc] = true;
        let insn = decode_insn(code, pc)?;
        let inf = info(insn.opcode).ok_or(BcError::BadOpcode(insn.opcode))?;
        if insn.opcode == op::VIPER && !viper {
            return Err(BcError::BadOpcode(insn.opcode));
        }
        let a = insn.arg;
        let ok = match inf.operand {
            Operand::Qstr => (a as usize) < n_qstr,
            Operand::Obj => (a as usize) < n_obj,
            Operand::Child => (a as usize) < n_children,
            Operand::SJump | Operand::UJump => {
                let t = insn.jump_target(pc).ok_or(BcError::BadJump)?;
                if t > code.len() {
                    return Err(BcError::BadJump);
                }
                jumps.push(t);
                true
            }
            Operand::Uint => match insn.opcode {
                op::LOAD_FAST_N
                | op::STORE_FAST_N
                | op::DELETE_FAST
                | op::LOAD_DEREF
                | op::STORE_DEREF
                | op::DELETE_DEREF => (a as usize) < n_locals_max,
                op::BUILD_SLICE => a == 2 || a == 3,
                // checked by the VM when run (depths against the stack, kinds and types)
                op::VIPER => a >= 0,
                _ => (a as usize) < (1 << 20),
            },
            _ => true,
        };
        if !ok {
            return Err(BcError::BadOperand);
        }
        let o = insn.opcode;
        if (LOAD_FAST_MULTI..STORE_FAST_MULTI + 16).contains(&o)
            && ((o & 0xf) as usize) >= n_locals_max
        {
            return Err(BcError::BadOperand);
        }
        if (o == op::MAKE_CLOSURE || o == op::MAKE_CLOSURE_DEFARGS)
            && insn.extra as usize > p.n_state
        {
            return Err(BcError::BadOperand);
        }
        pc += insn.len;
    }
    for t in jumps {
        if t < code.len() && !starts[t] {
            return Err(BcError::BadJump);
        }
        if t == code.len() {
            return Err(BcError::BadJump);
        }
    }
    Ok(p)
}

// ---------------------------------------------------------------------------------------------
// Disassembly

fn qstr_name(qstrs: &[String], i: i64) -> &str {
    usize::try_from(i)
        .ok()
        .and_then(|i| qstrs.get(i))
        .map(|s| s.as_str())
        .unwrap_or("?")
}

/// How [`fmt_const`] writes string and bytes constants: `Rust` as the disassembler always has
/// (`"..."`, `b"\xNN"`), `Python` as Python's repr (`-v -v` dumps in MicroPython's layout).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum ConstStyle {
    Rust,
    Python,
}

/// A constant as text; nested tuples keep the style.
pub(crate) fn fmt_const(c: &crate::raw::Const, out: &mut String, style: ConstStyle) {
    use crate::raw::Const;
    match (c, style) {
        (Const::Str(s), ConstStyle::Rust) => {
            let _ = write!(out, "{:?}", s);
        }
        (Const::Bytes(b), ConstStyle::Rust) => {
            push_str(out, "b\"");
            for &x in b {
                if (0x20..0x7f).contains(&x) && x != b'"' && x != b'\\' {
                    out.push(x as char);
                } else {
                    let _ = write!(out, "\\x{:02x}", x);
                }
            }
            push_char(out, '"');
        }
        (Const::Str(s), ConstStyle::Python) => {
            let q = if s.contains('\'') && !s.contains('"') {
                '"'
            } else {
                '\''
            };
            out.push(q);
            for ch in s.chars() {
                match ch {
                    '\\' => push_str(out, "\\\\"),
                    '\n' => push_str(out, "\\n"),
                    '\r' => push_str(out, "\\r"),
                    '\t' => push_str(out, "\\t"),
                    c if c == q => {
                        push_char(out, '\\');
                        push_char(out, c);
                    }
                    c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                        let _ = write!(out, "\\x{:02x}", c as u32);
                    }
                    c => push_char(out, c),
                }
            }
            out.push(q);
        }
        (Const::Bytes(b), ConstStyle::Python) => {
            push_str(out, "b'");
            for &x in b {
                match x {
                    b'\\' => push_str(out, "\\\\"),
                    b'\'' => push_str(out, "\\'"),
                    b'\n' => push_str(out, "\\n"),
                    b'\r' => push_str(out, "\\r"),
                    b'\t' => push_str(out, "\\t"),
                    0x20..=0x7e => out.push(x as char),
                    _ => {
                        let _ = write!(out, "\\x{:02x}", x);
                    }
                }
            }
            push_char(out, '\'');
        }
        (Const::Int(s) | Const::Float(s), _) => push_str(out, s),
        (Const::Complex(s), _) => {
            push_str(out, s);
            push_char(out, 'j');
        }
        (Const::Ellipsis, _) => push_str(out, "Ellipsis"),
        (Const::None, _) => push_str(out, "None"),
        (Const::True, _) => push_str(out, "True"),
        (Const::False, _) => push_str(out, "False"),
        (Const::Tuple(items), _) => {
            push_char(out, '(');
            for (i, it) in items.iter().enumerate() {
                if i > 0 {
                    push_str(out, ", ");
                }
                fmt_const(it, out, style);
            }
            if items.len() == 1 {
                push_char(out, ',');
            }
            push_char(out, ')');
        }
    }
}

/// Disassemble one instruction at `code[pc]` (code = opcodes only) into text.
pub fn disassemble_insn(
    code: &[u8],
    pc: usize,
    qstrs: &[String],
    consts: &[crate::raw::Const],
) -> (String, usize) {
    let insn = match decode_insn(code, pc) {
        Ok(i) => i,
        Err(e) => return (format!("<{}>", e), code.len().saturating_sub(pc).max(1)),
    };
    let o = insn.opcode;
    let mut s = String::new();
    let name = info(o).map(|i| i.name).unwrap_or("?");
    if (0x70..=0xaf).contains(&o) {
        let _ = write!(s, "LOAD_CONST_SMALL_INT {}", o as i64 - 0x70 - 16);
    } else if (0xb0..=0xbf).contains(&o) {
        let _ = write!(s, "LOAD_FAST {}", o - 0xb0);
    } else if (0xc0..=0xcf).contains(&o) {
        let _ = write!(s, "STORE_FAST {}", o - 0xc0);
    } else if (0xd0..=0xd3).contains(&o) {
        let _ = write!(
            s,
            "UNARY_OP {} {}",
            o - 0xd0,
            unary::NAMES[(o - 0xd0) as usize]
        );
    } else if (0xd7..=0xf9).contains(&o) {
        let _ = write!(
            s,
            "BINARY_OP {} {}",
            o - 0xd7,
            binary::NAMES[(o - 0xd7) as usize]
        );
    } else {
        push_str(&mut s, name);
        match info(o).map(|i| i.operand).unwrap_or(Operand::None) {
            Operand::None => {}
            Operand::Qstr => {
                let _ = write!(s, " {}", qstr_name(qstrs, insn.arg));
            }
            Operand::Uint | Operand::Child => {
                let _ = write!(s, " {}", insn.arg);
            }
            Operand::Int => {
                let _ = write!(s, " {}", insn.arg);
            }
            Operand::Obj => {
                push_char(&mut s, ' ');
                match usize::try_from(insn.arg).ok().and_then(|i| consts.get(i)) {
                    Some(c) => fmt_const(c, &mut s, ConstStyle::Rust),
                    None => push_char(&mut s, '?'),
                }
            }
            Operand::SJump | Operand::UJump => {
                let _ = write!(
                    s,
                    " {}",
                    insn.jump_target(pc).map(|t| t as i64).unwrap_or(-1)
                );
            }
        }
        if info(o).map(|i| i.extra_byte).unwrap_or(false) {
            if o == op::UNWIND_JUMP {
                let _ = write!(s, " {}", insn.extra);
            } else {
                let _ = write!(s, " n_closed_over={}", insn.extra);
            }
        }
    }
    (s, insn.len)
}

fn disassemble_raw(rc: &crate::raw::RawCode, m: &crate::raw::CompiledModule, out: &mut String) {
    let bc = &rc.bytecode;
    match decode_prelude(bc) {
        Ok(p) => {
            let _ = writeln!(
                out,
                "code '{}' ({} bytes): n_state={} n_exc_stack={} flags=0x{:x} n_pos={} n_kwonly={} n_def={} n_info={} n_cell={}",
                qstr_name(&m.qstrs, p.name_qstr as i64),
                bc.len(),
                p.n_state,
                p.n_exc_stack,
                p.scope_flags,
                p.n_pos_args,
                p.n_kwonly_args,
                p.n_def_pos_args,
                p.n_info,
                p.n_cell
            );
            let args: Vec<&str> = arg_name_qstrs(bc, &p)
                .iter()
                .map(|&q| qstr_name(&m.qstrs, q as i64))
                .collect();
            if !args.is_empty() {
                let _ = writeln!(out, "  args: {}", args.join(" "));
            }
            if p.n_cell > 0 {
                let cells: Vec<String> = bc[p.cells_offset..p.code_offset]
                    .iter()
                    .map(|c| format!("{}", c))
                    .collect();
                let _ = writeln!(out, "  cells: {}", cells.join(" "));
            }
            let code = &bc[p.code_offset..];
            let mut pc = 0;
            let mut last_line = 0;
            while pc < code.len() {
                let line = source_line(bc, &p, pc);
                let (text, len) = disassemble_insn(code, pc, &m.qstrs, &m.consts);
                if line != last_line {
                    let _ = writeln!(out, "  {:>5} {:>4} {}", line, pc, text);
                    last_line = line;
                } else {
                    let _ = writeln!(out, "  {:>5} {:>4} {}", "", pc, text);
                }
                pc += len;
            }
        }
        Err(e) => {
            let _ = writeln!(out, "code: <{}>", e);
        }
    }
    for (i, c) in rc.children.iter().enumerate() {
        let _ = writeln!(out, "child {}:", i);
        disassemble_raw(c, m, out);
    }
}

/// Disassemble a whole compiled module (all functions, children after parents).
pub fn disassemble(m: &crate::raw::CompiledModule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "qstrs: {:?}", m.qstrs);
    if !m.consts.is_empty() {
        let mut s = String::new();
        for (i, c) in m.consts.iter().enumerate() {
            if i > 0 {
                push_str(&mut s, ", ");
            }
            fmt_const(c, &mut s, ConstStyle::Rust);
        }
        let _ = writeln!(out, "consts: [{}]", s);
    }
    disassemble_raw(&m.root, m, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_consistent() {
        assert_eq!(OPCODES.len(), 73); // 72 of MicroPython + the VM-internal VIPER
        for e in OPCODES {
            assert_eq!(info(e.code).map(|i| i.name), Some(e.name));
        }
        assert_eq!(op::FOR_ITER, 0x4b);
        assert!(info(0xd4).is_none());
        assert!(info(0xfa).is_none());
        assert_eq!(info(0xf9).map(|i| i.name), Some("BINARY_OP_MULTI"));
    }

    #[test]
    fn sint_roundtrip() {
        for v in [
            0i64,
            1,
            -1,
            63,
            64,
            -64,
            -65,
            1000,
            -1000,
            1 << 40,
            -(1 << 40),
            i32::MAX as i64,
        ] {
            let mut b = alloc::vec![op::LOAD_CONST_SMALL_INT];
            encode_sint(&mut b, v);
            let i = decode_insn(&b, 0).unwrap();
            assert_eq!(i.arg, v);
            assert_eq!(i.len, b.len());
        }
    }

    #[test]
    fn prelude_roundtrip() {
        let mut b = Vec::new();
        encode_prelude_sig(&mut b, 20, 3, 0x0b, 5, 2, 1);
        encode_prelude_size(&mut b, 9, 1);
        push_bytes(&mut b, &[0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        let p = decode_prelude(&b).unwrap();
        assert_eq!((p.n_state, p.n_exc_stack, p.scope_flags), (20, 3, 0x0b));
        assert_eq!((p.n_pos_args, p.n_kwonly_args, p.n_def_pos_args), (5, 2, 1));
        assert_eq!((p.n_info, p.n_cell), (9, 1));
    }

    #[test]
    fn line_table() {
        let mut li = Vec::new();
        encode_line_info(&mut li, 3, 1);
        encode_line_info(&mut li, 40, 100);
        let mut b = Vec::new();
        encode_prelude_sig(&mut b, 1, 0, 0, 0, 0, 0);
        encode_prelude_size(&mut b, 1 + li.len(), 0);
        b.push(0);
        push_bytes(&mut b, &li);
        b.push(op::RETURN_VALUE);
        let p = decode_prelude(&b).unwrap();
        assert_eq!(source_line(&b, &p, 0), 1);
        assert_eq!(source_line(&b, &p, 3), 2);
        assert_eq!(source_line(&b, &p, 43), 102);
    }

    #[test]
    fn jumps() {
        let code = [
            op::JUMP,
            0x40 + 2,
            op::POP_TOP,
            op::POP_TOP,
            op::JUMP,
            0x80 | 0x7c,
            0x7f,
        ];
        let i = decode_insn(&code, 0).unwrap();
        assert_eq!(i.jump_target(0), Some(4));
        let j = decode_insn(&code, 4).unwrap();
        assert_eq!(j.arg, -4);
    }
}
