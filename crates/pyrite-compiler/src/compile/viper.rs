//! Viper type tracking for `@micropython.viper` functions.
//!
//! MicroPython compiles viper functions to machine code with statically typed locals and stack
//! entries ("vtypes"): `object`, `bool`, `int`, `uint`, `ptr`, `ptr8`, `ptr16`, `ptr32`. We keep
//! its observable semantics without a native code generator: the compiler tracks the same vtypes
//! while it emits ordinary bytecode, and realises the typed operations (machine-word arithmetic,
//! comparisons, conversions, pointer loads and stores) with the VM-internal `VIPER` opcode
//! (operand layout in [`crate::bc::viper`]). At run time a native value is a Python int holding
//! the machine word (a bool may also be True/False, `None` counts as 0), so every value on the
//! stack stays a valid object and the rest of the VM needs no change.
//!
//! Errors follow MicroPython's emitter: ViperTypeErrors are collected while the scope is
//! compiled and the last one is reported at the end of the scope's first code pass;
//! NotImplementedErrors ("native yield", "casting", ...) stop compilation at once.

use alloc::format;
use alloc::string::String;

use super::{Compiler, Err0, IdKind, Pass, ScopeKind, ID_IS_PARAM};
use crate::ast::Sym;
use crate::bc::{self, binary, op, unary, viper as vop};
use crate::raw::ErrorKind;

/// Emit option of a scope (MicroPython's MP_EMIT_OPT_*).
pub(super) const EMIT_BYTECODE: u8 = 0;
pub(super) const EMIT_NATIVE: u8 = 1;
pub(super) const EMIT_VIPER: u8 = 2;

/// A viper type of a stack entry or local.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(super) enum VT {
    #[default]
    Obj,
    Bool,
    Int,
    UInt,
    Ptr,
    Ptr8,
    Ptr16,
    Ptr32,
    /// The constant None (a pointer-like 0 that converts to None or 0).
    PtrNone,
    /// A local not yet assigned (its type is not known).
    Unbound,
    /// A casting name (`int`, `ptr8`, ...) about to be called; the native type number.
    Cast(u8),
}

impl VT {
    pub(super) fn from_native(t: u8) -> VT {
        match t {
            1 => VT::Bool,
            2 => VT::Int,
            3 => VT::UInt,
            4 => VT::Ptr,
            5 => VT::Ptr8,
            6 => VT::Ptr16,
            7 => VT::Ptr32,
            _ => VT::Obj,
        }
    }
    /// The native type number (MP_NATIVE_TYPE_*) used by the runtime conversions.
    fn native(self) -> u32 {
        match self {
            VT::Bool => vop::T_BOOL,
            VT::Int => vop::T_INT,
            VT::UInt => vop::T_UINT,
            VT::Ptr | VT::PtrNone => vop::T_PTR,
            VT::Ptr8 => vop::T_PTR8,
            VT::Ptr16 => vop::T_PTR16,
            VT::Ptr32 => vop::T_PTR32,
            _ => vop::T_OBJ,
        }
    }
    fn name(self) -> &'static str {
        match self {
            VT::Obj => "object",
            VT::Bool => "bool",
            VT::Int => "int",
            VT::UInt => "uint",
            VT::Ptr => "ptr",
            VT::Ptr8 => "ptr8",
            VT::Ptr16 => "ptr16",
            VT::Ptr32 => "ptr32",
            _ => "None",
        }
    }
    fn is_intlike(self) -> bool {
        matches!(self, VT::Int | VT::UInt)
    }
    /// log2 of the item size for pointer loads/stores.
    fn ptr_shift(self) -> Option<u32> {
        match self {
            VT::Ptr8 => Some(0),
            VT::Ptr16 => Some(1),
            VT::Ptr32 => Some(2),
            _ => None,
        }
    }
}

/// One tracked stack entry: its type and whether it is a compile-time constant ("immediate").
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) struct VEntry {
    pub vt: VT,
    pub imm: bool,
}

impl VEntry {
    const OBJ: VEntry = VEntry {
        vt: VT::Obj,
        imm: false,
    };
}

/// The native type named by a viper annotation or cast (MicroPython's mp_native_type_from_qstr).
pub(super) fn native_type_from_name(s: &[u8]) -> Option<u8> {
    Some(match s {
        b"object" => 0,
        b"bool" => 1,
        b"int" => 2,
        b"uint" => 3,
        b"ptr" => 4,
        b"ptr8" => 5,
        b"ptr16" => 6,
        b"ptr32" => 7,
        _ => return None,
    })
}

/// The special-method name MicroPython prints for a binary op in "binary op %q not implemented"
/// (empty for operators without one).
fn binop_method_name(o: u8) -> &'static str {
    match o {
        binary::LESS => "__lt__",
        binary::MORE => "__gt__",
        binary::EQUAL => "__eq__",
        binary::LESS_EQUAL => "__le__",
        binary::MORE_EQUAL => "__ge__",
        binary::NOT_EQUAL => "__ne__",
        binary::OR => "__or__",
        binary::XOR => "__xor__",
        binary::AND => "__and__",
        binary::LSHIFT => "__lshift__",
        binary::RSHIFT => "__rshift__",
        binary::ADD => "__add__",
        binary::SUBTRACT => "__sub__",
        binary::MULTIPLY => "__mul__",
        binary::MAT_MULTIPLY => "__matmul__",
        binary::FLOOR_DIVIDE => "__floordiv__",
        binary::TRUE_DIVIDE => "__truediv__",
        binary::MODULO => "__mod__",
        binary::POWER => "__pow__",
        _ => "",
    }
}

impl<'a> Compiler<'a> {
    // ---- state ----------------------------------------------------------------------------

    /// Set up type tracking at the start of a code pass over a viper scope.
    pub(super) fn v_start_pass(&mut self) {
        let si = self.cur;
        let on = self.pass >= Pass::StackSize && self.scopes[si].emit_opt == EMIT_VIPER;
        self.emit.viper = on;
        self.emit.vstack.clear();
        self.emit.local_vt.clear();
        self.emit.saved_vt = VT::Obj;
        self.emit.verr = None;
        if !on {
            return;
        }
        let sc = &self.scopes[si];
        let mut lv = alloc::vec![VT::Unbound; sc.num_locals as usize];
        for id in sc.ids.iter() {
            let n = id.local_num as usize;
            if n >= lv.len() {
                continue;
            }
            if id.flags & ID_IS_PARAM != 0 {
                lv[n] = sc
                    .arg_vt
                    .iter()
                    .find(|(q, _)| *q == id.qst)
                    .map(|&(_, t)| VT::from_native(t))
                    .unwrap_or(VT::Obj);
            }
            if matches!(id.kind, IdKind::Cell | IdKind::Free) {
                lv[n] = VT::Obj;
            }
        }
        self.emit.local_vt = lv;
    }

    /// Record a ViperTypeError (MicroPython reports the last one of the pass).
    pub(super) fn verr(&mut self, msg: String) {
        if self.emit.hard_err.is_some() {
            return;
        }
        let line = self.sc().line;
        self.emit.verr = Some(alloc::boxed::Box::new(Err0 {
            msg,
            line,
            kind: ErrorKind::ViperTypeError,
        }));
    }

    /// Record a NotImplementedError: compilation stops at the next check.
    pub(super) fn vhard(&mut self, msg: &str) {
        if self.emit.hard_err.is_none() {
            let line = self.stmt_line;
            self.emit.hard_err = Some(alloc::boxed::Box::new(Err0 {
                msg: msg.into(),
                line,
                kind: ErrorKind::NotImplementedError,
            }));
        }
    }

    /// Mirror a stack adjustment of `delta` entries (pushes are objects).
    pub(super) fn v_adjust(&mut self, delta: i32) {
        if delta >= 0 {
            for _ in 0..delta {
                self.emit.vstack.push(VEntry::OBJ);
            }
        } else {
            let n = self.emit.vstack.len().saturating_sub((-delta) as usize);
            self.emit.vstack.truncate(n);
        }
    }

    /// The entry at `depth` (0 = top).
    pub(super) fn vpeek(&self, depth: usize) -> VEntry {
        let v = &self.emit.vstack;
        if depth < v.len() {
            v[v.len() - 1 - depth]
        } else {
            VEntry::OBJ
        }
    }

    pub(super) fn vset(&mut self, depth: usize, e: VEntry) {
        let v = &mut self.emit.vstack;
        let n = v.len();
        if depth < n {
            v[n - 1 - depth] = e;
        }
    }

    pub(super) fn vset_top(&mut self, vt: VT, imm: bool) {
        self.vset(0, VEntry { vt, imm });
    }

    fn emit_viper(&mut self, stack: i32, kind: u32, param: u64) {
        self.op_uint(stack, op::VIPER, kind as u64 | (param << 3));
    }

    /// Make the top `n` entries objects, converting native values (MicroPython converts the
    /// arguments of calls and builds this way; `strict`: constant pointers cannot be converted).
    pub(super) fn v_to_obj(&mut self, n: usize, strict: bool) {
        for d in 0..n {
            let e = self.vpeek(d);
            if e.vt == VT::Obj {
                continue;
            }
            if e.imm {
                if strict && !matches!(e.vt, VT::Bool | VT::Int | VT::UInt | VT::PtrNone) {
                    self.vhard("conversion to object");
                }
            } else if !matches!(e.vt, VT::Unbound | VT::Cast(_)) {
                self.emit_viper(0, vop::TO_OBJ, e.vt.native() as u64 | ((d as u64) << 3));
            }
            self.vset(d, VEntry::OBJ);
        }
    }

    // ---- hooks called by the emitter ---------------------------------------------------------

    /// Convert the typed positional arguments on function entry (MicroPython converts the
    /// incoming objects to the annotated native types).
    pub(super) fn v_convert_args(&mut self) {
        let sc = self.sc();
        if sc.kind != ScopeKind::Function {
            return;
        }
        let mut todo: alloc::vec::Vec<(u32, u8)> = alloc::vec::Vec::new();
        for id in sc.ids.iter() {
            if id.flags == ID_IS_PARAM && id.kind == IdKind::Local {
                if let Some(&(_, t)) = sc.arg_vt.iter().find(|(q, _)| *q == id.qst) {
                    if t != 0 {
                        todo.push((id.local_num, t));
                    }
                }
            }
        }
        crate::sort::sort(&mut todo);
        for (n, t) in todo {
            self.raw_load_fast(n);
            self.emit_viper(0, vop::FROM_OBJ, t as u64);
            self.raw_store_fast(n);
        }
    }

    fn raw_load_fast(&mut self, n: u32) {
        if n <= 15 {
            self.op0(1, bc::LOAD_FAST_MULTI + n as u8);
        } else {
            self.op_uint(1, op::LOAD_FAST_N, n as u64);
        }
    }

    fn raw_store_fast(&mut self, n: u32) {
        if n <= 15 {
            self.op0(-1, bc::STORE_FAST_MULTI + n as u8);
        } else {
            self.op_uint(-1, op::STORE_FAST_N, n as u64);
        }
    }

    /// The type of local `n` for a load (`q` names it in the error).
    pub(super) fn v_load_fast(&mut self, n: u32, q: Option<Sym>) {
        let vt = self
            .emit
            .local_vt
            .get(n as usize)
            .copied()
            .unwrap_or(VT::Obj);
        let vt = if vt == VT::Unbound {
            if let Some(q) = q {
                let name = String::from_utf8_lossy(self.names.get(q)).into_owned();
                self.verr(format!("local '{}' used before type known", name));
            }
            VT::Obj
        } else {
            vt
        };
        self.vset_top(vt, false);
    }

    /// Type check of a store of `e` into local `n`.
    pub(super) fn v_store_fast(&mut self, n: u32, q: Sym, e: VEntry) {
        let Some(cur) = self.emit.local_vt.get(n as usize).copied() else {
            return;
        };
        if cur == VT::Unbound {
            self.emit.local_vt[n as usize] = e.vt;
        } else if cur != e.vt {
            let name = String::from_utf8_lossy(self.names.get(q)).into_owned();
            self.verr(format!(
                "local '{}' has type '{}' but source is '{}'",
                name,
                cur.name(),
                e.vt.name()
            ));
        }
    }

    /// A global name that is a casting operator in viper code (`int`, `ptr8`, ...).
    pub(super) fn v_cast_name(&self, q: Sym) -> Option<u8> {
        match native_type_from_name(self.names.get(q)) {
            Some(t) if t >= 1 => Some(t),
            _ => None,
        }
    }

    pub(super) fn v_jump_check(&mut self) {
        let e = self.vpeek(0);
        if !matches!(e.vt, VT::Obj | VT::Bool | VT::Int | VT::UInt) {
            self.verr(format!(
                "can't implicitly convert '{}' to 'bool'",
                e.vt.name()
            ));
        }
        self.emit.saved_vt = e.vt;
    }

    pub(super) fn v_unary_op(&mut self, o: u8) {
        let e = self.vpeek(0);
        if e.vt.is_intlike() {
            match o {
                unary::POSITIVE => {}
                unary::NEGATIVE | unary::INVERT => {
                    self.emit_viper(0, vop::UNOP, o as u64);
                    self.vset_top(e.vt, false);
                }
                _ => {
                    self.verr("'not' not implemented".into());
                    self.op0(0, bc::UNARY_OP_MULTI + o);
                    self.vset_top(e.vt, false);
                }
            }
        } else if e.vt == VT::Obj {
            self.op0(0, bc::UNARY_OP_MULTI + o);
        } else {
            self.verr(format!("can't do unary op of '{}'", e.vt.name()));
            self.op0(0, bc::UNARY_OP_MULTI + o);
            self.vset_top(e.vt, false);
        }
    }

    /// Returns true when it emitted the operation (typed or an error); false: emit the
    /// standard object binary op.
    pub(super) fn v_binary_op(&mut self, o: u8) -> bool {
        let rhs = self.vpeek(0);
        let lhs = self.vpeek(1);
        if lhs.vt.is_intlike() && rhs.vt.is_intlike() {
            let mut o = o;
            if (binary::INPLACE_OR..=binary::INPLACE_POWER).contains(&o) {
                o = o - binary::INPLACE_OR + binary::OR;
            }
            let unsigned = if lhs.vt == VT::UInt { vop::UNSIGNED } else { 0 };
            let result = match o {
                binary::LSHIFT
                | binary::RSHIFT
                | binary::OR
                | binary::XOR
                | binary::AND
                | binary::ADD
                | binary::SUBTRACT
                | binary::MULTIPLY => Some(lhs.vt),
                binary::FLOOR_DIVIDE | binary::MODULO => {
                    if lhs.vt != VT::Int {
                        self.verr("div/mod not implemented for uint".into());
                    }
                    Some(VT::Int)
                }
                binary::LESS..=binary::NOT_EQUAL => {
                    if lhs.vt != rhs.vt {
                        self.verr("comparison of int and uint".into());
                    }
                    Some(VT::Bool)
                }
                _ => None,
            };
            match result {
                Some(vt) => {
                    self.emit_viper(-1, vop::BINOP, (o as u32 | unsigned) as u64);
                    self.vset_top(vt, false);
                }
                None => {
                    self.verr(format!(
                        "binary op {} not implemented",
                        binop_method_name(o)
                    ));
                    self.op0(-1, bc::BINARY_OP_MULTI + (o % 35));
                    self.vset_top(lhs.vt, false);
                }
            }
            true
        } else if lhs.vt == VT::Obj && rhs.vt == VT::Obj {
            false
        } else {
            self.verr(format!(
                "can't do binary op between '{}' and '{}'",
                lhs.vt.name(),
                rhs.vt.name()
            ));
            self.op0(-1, bc::BINARY_OP_MULTI + (o % 35));
            self.vset_top(lhs.vt, false);
            true
        }
    }

    /// `base[index]` with a native base: a pointer load. Returns false for an object base
    /// (standard subscription, index converted).
    pub(super) fn v_load_subscr(&mut self) -> bool {
        let idx = self.vpeek(0);
        let base = self.vpeek(1);
        if base.vt == VT::Obj {
            self.v_to_obj(1, false);
            return false;
        }
        if !idx.vt.is_intlike() {
            self.verr(format!("can't load with '{}' index", idx.vt.name()));
        }
        let shift = match base.vt.ptr_shift() {
            Some(s) => s,
            None => {
                self.verr(format!("can't load from '{}'", base.vt.name()));
                0
            }
        };
        self.emit_viper(-1, vop::LOAD, shift as u64);
        self.vset_top(VT::Int, false);
        true
    }

    /// `base[index] = value` with a native base: a pointer store. Returns false for an object
    /// base (standard store, operands converted).
    pub(super) fn v_store_subscr(&mut self) -> bool {
        let idx = self.vpeek(0);
        let base = self.vpeek(1);
        let val = self.vpeek(2);
        if base.vt == VT::Obj {
            if idx.vt != VT::Obj || val.vt != VT::Obj {
                self.v_to_obj(3, true);
            }
            return false;
        }
        if !idx.vt.is_intlike() {
            self.verr(format!("can't store with '{}' index", idx.vt.name()));
        }
        if !matches!(val.vt, VT::Bool | VT::Int | VT::UInt) {
            self.verr(format!("can't store '{}'", val.vt.name()));
        }
        let shift = match base.vt.ptr_shift() {
            Some(s) => s,
            None => {
                self.verr(format!("can't store to '{}'", base.vt.name()));
                0
            }
        };
        self.emit_viper(-3, vop::STORE, shift as u64);
        true
    }

    /// A call of a casting name (`int(x)`, `ptr8(buf)`): convert or retype the argument.
    /// Returns false if the callee is not a cast (the arguments are converted to objects).
    pub(super) fn v_call(&mut self, method: bool, n_pos: usize, n_kw: usize, star: bool) -> bool {
        let n_args = n_pos + 2 * n_kw + star as usize;
        if !method {
            if let VT::Cast(t) = self.vpeek(n_args).vt {
                if n_pos != 1 || n_kw != 0 || star {
                    self.vhard("casting");
                    self.v_to_obj(n_args + 1, false);
                    return false;
                }
                let a = self.vpeek(0);
                let cast = VT::from_native(t);
                match a.vt {
                    VT::Obj => {
                        self.emit_viper(0, vop::FROM_OBJ, t as u64);
                        self.rot_two();
                        self.pop_top();
                        self.vset_top(cast, false);
                    }
                    VT::Unbound | VT::Cast(_) => {
                        self.vhard("casting");
                        self.rot_two();
                        self.pop_top();
                        self.vset_top(cast, false);
                    }
                    _ => {
                        self.rot_two();
                        self.pop_top();
                        self.vset_top(cast, a.imm);
                    }
                }
                return true;
            }
        }
        self.v_to_obj(n_args + if method { 2 } else { 1 }, true);
        false
    }

    /// Before RETURN_VALUE: check and convert the value to the declared return type.
    pub(super) fn v_return(&mut self) {
        let ret = match self.sc().kind {
            ScopeKind::Function => VT::from_native(self.sc().viper_ret),
            _ => VT::Obj,
        };
        let e = self.vpeek(0);
        if e.vt == VT::PtrNone {
            if ret != VT::Obj {
                self.op0(-1, op::POP_TOP);
                if ret == VT::Bool {
                    self.op0(1, op::LOAD_CONST_FALSE);
                } else {
                    self.op0(1, bc::LOAD_CONST_SMALL_INT_MULTI + 16);
                }
            }
            return;
        }
        if e.vt != ret {
            self.verr(format!(
                "return expected '{}' but got '{}'",
                ret.name(),
                e.vt.name()
            ));
        }
        if ret != VT::Obj {
            self.emit_viper(0, vop::TO_OBJ, ret.native() as u64);
            self.vset_top(VT::Obj, false);
        }
    }

    pub(super) fn v_raise(&mut self, n: u8) {
        if n != 1 {
            self.vhard("native raise");
            return;
        }
        if self.emit.viper && self.vpeek(0).vt != VT::Obj {
            self.verr("must raise an object".into());
        }
    }
}
