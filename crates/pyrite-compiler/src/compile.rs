//! Code generation: scope analysis and bytecode emission, producing the same bytecode as
//! MicroPython's compiler (same passes: scope, stack size, code size, emit until stable).

use crate::text::push_byte;
use crate::text::push_bytes;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

use crate::ast::*;
use crate::bc::{self, binary, op, unary};
use crate::num::{self, Obj};
use crate::parser::{is_const_bool, Interner};
use crate::raw::{
    CompileError, CompiledModule, Const, ErrorKind, Mode, Options, RawCode, RawCodeKind,
};

mod viper;
use viper::{VEntry, EMIT_BYTECODE, EMIT_NATIVE, EMIT_VIPER, VT};

const INVALID_LABEL: u32 = 0xffff;
const BREAK_FROM_FOR: u32 = 0x8000;

const FLAG_GENERATOR: u16 = 0x01;
const FLAG_VARKEYWORDS: u16 = 0x02;
const FLAG_VARARGS: u16 = 0x04;
const FLAG_DEFKWARGS: u16 = 0x08;

const ID_IS_PARAM: u8 = 1;
const ID_IS_STAR_PARAM: u8 = 2;
const ID_IS_DBL_STAR_PARAM: u8 = 4;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Pass {
    Scope,
    StackSize,
    CodeSize,
    Emit,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum ScopeKind {
    Module,
    Class,
    Lambda,
    ListComp,
    DictComp,
    SetComp,
    GenExpr,
    Function,
}

impl ScopeKind {
    fn is_func_like(self) -> bool {
        !matches!(self, ScopeKind::Module | ScopeKind::Class)
    }
    fn is_comp_like(self) -> bool {
        matches!(
            self,
            ScopeKind::ListComp | ScopeKind::DictComp | ScopeKind::SetComp | ScopeKind::GenExpr
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum IdKind {
    Undecided,
    GlobalImplicit,
    GlobalImplicitAssigned,
    GlobalExplicit,
    Local,
    Cell,
    Free,
}

#[derive(Clone, Copy, Debug)]
struct IdInfo {
    kind: IdKind,
    flags: u8,
    local_num: u32,
    qst: Sym,
}

#[derive(Clone, Copy)]
enum ScopeNode<'a> {
    Module(&'a [Stmt]),
    Eval(&'a Expr),
    Func(&'a FuncDef),
    Class(&'a ClassDef),
    Comp(&'a Comp),
}

struct Scope<'a> {
    kind: ScopeKind,
    parent: Option<usize>,
    node: ScopeNode<'a>,
    simple_name: Sym,
    line: u32,
    scope_flags: u16,
    num_pos_args: u32,
    num_kwonly_args: u32,
    num_def_pos_args: u32,
    num_locals: u32,
    stack_size: u32,
    exc_stack_size: u32,
    ids: Table<IdInfo>,
    /// index of `ids` by name
    /// (u32 indices: the same map type as `Compiler::qstr_map`, so one instantiation of the
    /// map code serves both.)
    id_map: BTreeMap<Sym, u32>,
    /// final bytecode and children (scope indices), once emitted
    bytecode: Vec<u8>,
    children: Vec<usize>,
    /// EMIT_BYTECODE, EMIT_NATIVE (`@micropython.native`) or EMIT_VIPER.
    emit_opt: u8,
    /// Viper: declared return type and parameter types (native type numbers; 0 = object).
    viper_ret: u8,
    arg_vt: Vec<(Sym, u8)>,
}

/// A `Vec` whose `[i]` shares one out-of-range panic (the compiler indexes its scope and id
/// tables in over a hundred places; a plain `Vec` index costs a panic `Location` record and
/// call per place).
#[derive(Clone, Default)]
struct Table<T>(Vec<T>);

impl<T> core::ops::Deref for Table<T> {
    type Target = Vec<T>;
    #[inline]
    fn deref(&self) -> &Vec<T> {
        &self.0
    }
}

impl<T> core::ops::DerefMut for Table<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T> core::ops::Index<usize> for Table<T> {
    type Output = T;
    #[inline]
    fn index(&self, i: usize) -> &T {
        match self.0.get(i) {
            Some(x) => x,
            None => bad_table_index(),
        }
    }
}

impl<T> core::ops::IndexMut<usize> for Table<T> {
    #[inline]
    fn index_mut(&mut self, i: usize) -> &mut T {
        match self.0.get_mut(i) {
            Some(x) => x,
            None => bad_table_index(),
        }
    }
}

#[cold]
#[inline(never)]
fn bad_table_index() -> ! {
    panic!("compiler table index out of range")
}

impl<'a> Scope<'a> {
    fn find(&self, q: Sym) -> Option<usize> {
        self.id_map.get(&q).map(|&i| i as usize)
    }
    fn find_or_add(&mut self, q: Sym, kind: IdKind) -> usize {
        if let Some(i) = self.find(q) {
            return i;
        }
        self.ids.push(IdInfo {
            kind,
            flags: 0,
            local_num: 0,
            qst: q,
        });
        self.id_map.insert(q, (self.ids.len() - 1) as u32);
        self.ids.len() - 1
    }
}

/// The bytecode emitter state for one scope (kept across that scope's passes).
#[derive(Default)]
struct Emitter {
    suppress: bool,
    stack_size: i32,
    last_source_line_offset: usize,
    last_source_line: u32,
    label_offsets: Vec<usize>,
    code_info: Vec<u8>,
    bytecode: Vec<u8>,
    code_info_size: usize,
    bytecode_size: usize,
    n_info: usize,
    n_cell: usize,
    overflow: bool,
    children: Vec<usize>,
    /// Viper type tracking (see compile/viper.rs); `viper` is false outside viper scopes.
    viper: bool,
    vstack: Vec<VEntry>,
    local_vt: Vec<VT>,
    saved_vt: VT,
    verr: Option<Box<Err0>>,
    /// A NotImplementedError from the native emitter rules: stops compilation.
    hard_err: Option<Box<Err0>>,
}

struct Err0 {
    msg: String,
    line: u32,
    kind: ErrorKind,
}

/// Boxed: a `?` then moves one pointer instead of copying a 32-byte error (the compiler has
/// hundreds of `?`s).
type CResult<T> = Result<T, Box<Err0>>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum AssignKind {
    Store,
    AugLoad,
    AugStore,
}

struct Names {
    class: Sym,
    name: Sym,
    module: Sym,
    qualname: Sym,
    assertion_error: Sym,
    repl_print: Sym,
    super_: Sym,
    range: Sym,
    empty: Sym,
    star: Sym,
    micropython: Sym,
    bytecode: Sym,
    aiter: Sym,
    anext: Sym,
    aenter: Sym,
    aexit: Sym,
    stop_async_iteration: Sym,
    base_exception: Sym,
}

pub struct Compiler<'a> {
    pub names: Interner,
    n: Names,
    opts: Options,
    is_repl: bool,
    scopes: Table<Scope<'a>>,
    cur: usize,
    pass: Pass,
    next_label: u32,
    break_label: u32,
    continue_label: u32,
    cur_except_level: u32,
    break_continue_except_level: u32,
    have_star: bool,
    num_dict_params: u32,
    num_default_params: u32,
    emit: Emitter,
    qstr_map: BTreeMap<Sym, u32>,
    qstr_list: Vec<Sym>,
    consts: Vec<Obj>,
    const_index: BTreeMap<u64, Vec<usize>>,
    ct_cur_child: usize,
    stmt_line: u32,
    depth: u32,
    max_depth: u32,
    /// Emit option for the next scope made (from `@micropython.*` decorators).
    next_emit_opt: Option<u8>,
}

#[inline]
fn serr<T>(msg: &str, line: u32) -> CResult<T> {
    Err(serr_box(msg, line))
}

/// The non-generic part of [`serr`] (one copy instead of one per result type).
#[cold]
#[inline(never)]
fn serr_box(msg: &str, line: u32) -> Box<Err0> {
    Box::new(Err0 {
        msg: msg.into(),
        line,
        kind: ErrorKind::SyntaxError,
    })
}

impl<'a> Compiler<'a> {
    pub fn new(
        mut names: Interner,
        opts: &Options,
        is_repl: bool,
        source_file: &str,
    ) -> Compiler<'a> {
        let n = Names {
            class: names.intern(b"__class__"),
            name: names.intern(b"__name__"),
            module: names.intern(b"__module__"),
            qualname: names.intern(b"__qualname__"),
            assertion_error: names.intern(b"AssertionError"),
            repl_print: names.intern(b"__repl_print__"),
            super_: names.intern(b"super"),
            range: names.intern(b"range"),
            empty: names.intern(b""),
            star: names.intern(b"*"),
            micropython: names.intern(b"micropython"),
            bytecode: names.intern(b"bytecode"),
            aiter: names.intern(b"__aiter__"),
            anext: names.intern(b"__anext__"),
            aenter: names.intern(b"__aenter__"),
            aexit: names.intern(b"__aexit__"),
            stop_async_iteration: names.intern(b"StopAsyncIteration"),
            base_exception: names.intern(b"BaseException"),
        };
        let file = names.intern(source_file.as_bytes());
        let mut c = Compiler {
            names,
            n,
            opts: opts.clone(),
            is_repl,
            scopes: Table(Vec::new()),
            cur: 0,
            pass: Pass::Scope,
            next_label: 0,
            break_label: INVALID_LABEL,
            continue_label: INVALID_LABEL,
            cur_except_level: 0,
            break_continue_except_level: 0,
            have_star: false,
            num_dict_params: 0,
            num_default_params: 0,
            emit: Emitter::default(),
            qstr_map: BTreeMap::new(),
            qstr_list: Vec::new(),
            consts: Vec::new(),
            const_index: BTreeMap::new(),
            ct_cur_child: 0,
            stmt_line: 0,
            depth: 0,
            max_depth: crate::parser::MAX_DEPTH,
            next_emit_opt: None,
        };
        c.qstr_map.insert(file, 0);
        c.qstr_list.push(file);
        c
    }

    // ---- scopes --------------------------------------------------------------------------------

    fn new_scope(&mut self, kind: ScopeKind, node: ScopeNode<'a>, line: u32) -> usize {
        let simple_name = match (kind, node) {
            (ScopeKind::Function, ScopeNode::Func(f)) => f.name,
            (ScopeKind::Class, ScopeNode::Class(c)) => c.name,
            (ScopeKind::Module, _) => self.names.intern(b"<module>"),
            (ScopeKind::Lambda, _) => self.names.intern(b"<lambda>"),
            (ScopeKind::ListComp, _) => self.names.intern(b"<listcomp>"),
            (ScopeKind::DictComp, _) => self.names.intern(b"<dictcomp>"),
            (ScopeKind::SetComp, _) => self.names.intern(b"<setcomp>"),
            _ => self.names.intern(b"<genexpr>"),
        };
        let parent = if self.scopes.is_empty() {
            None
        } else {
            Some(self.cur)
        };
        let emit_opt = match (self.next_emit_opt.take(), parent) {
            (Some(o), _) => o,
            (None, Some(p)) => self.scopes[p].emit_opt,
            (None, None) => EMIT_BYTECODE,
        };
        self.scopes.push(Scope {
            kind,
            parent,
            node,
            simple_name,
            line,
            scope_flags: 0,
            num_pos_args: 0,
            num_kwonly_args: 0,
            num_def_pos_args: 0,
            num_locals: 0,
            stack_size: 0,
            exc_stack_size: 0,
            ids: Table(Vec::new()),
            id_map: BTreeMap::new(),
            bytecode: Vec::new(),
            children: Vec::new(),
            emit_opt,
            viper_ret: 0,
            arg_vt: Vec::new(),
        });
        self.scopes.len() - 1
    }

    fn sc(&self) -> &Scope<'a> {
        &self.scopes[self.cur]
    }
    fn scm(&mut self) -> &mut Scope<'a> {
        &mut self.scopes[self.cur]
    }

    fn close_over_in_parents(&mut self, scope: usize, q: Sym) {
        let mut s = self.scopes[scope].parent;
        while let Some(si) = s {
            if self.scopes[si].parent.is_none() {
                break;
            }
            let idx = self.scopes[si].find_or_add(q, IdKind::Undecided);
            let id = &mut self.scopes[si].ids[idx];
            if id.kind == IdKind::Undecided {
                id.kind = IdKind::Free;
            } else {
                if id.kind == IdKind::Local {
                    id.kind = IdKind::Cell;
                }
                return;
            }
            s = self.scopes[si].parent;
        }
    }

    fn check_to_close_over(&mut self, scope: usize, idx: usize) {
        let q = self.scopes[scope].ids[idx].qst;
        let mut s = self.scopes[scope].parent;
        while let Some(si) = s {
            if self.scopes[si].parent.is_none() {
                break;
            }
            if let Some(j) = self.scopes[si].find(q) {
                let k = self.scopes[si].ids[j].kind;
                if matches!(k, IdKind::Local | IdKind::Cell | IdKind::Free) {
                    self.scopes[scope].ids[idx].kind = IdKind::Free;
                    self.close_over_in_parents(scope, q);
                }
                break;
            }
            s = self.scopes[si].parent;
        }
    }

    fn compute_things(&mut self, si: usize) {
        let class_q = self.n.class;
        let scope = &mut self.scopes[si];
        if scope.scope_flags & FLAG_VARARGS != 0 {
            let mut id_param: Option<usize> = None;
            for i in (0..scope.ids.len()).rev() {
                let id = scope.ids[i];
                if id.flags & ID_IS_STAR_PARAM != 0 {
                    if let Some(p) = id_param {
                        scope.ids.swap(p, i);
                        let (qp, qi) = (scope.ids[p].qst, scope.ids[i].qst);
                        scope.id_map.insert(qp, p as u32);
                        scope.id_map.insert(qi, i as u32);
                    }
                    break;
                } else if id_param.is_none() && id.flags == ID_IS_PARAM {
                    id_param = Some(i);
                }
            }
        }
        scope.num_locals = 0;
        let func_like = scope.kind.is_func_like();
        let is_class = scope.kind == ScopeKind::Class;
        for id in scope.ids.iter_mut() {
            if is_class && id.qst == class_q {
                continue;
            }
            if func_like && id.kind == IdKind::GlobalImplicit {
                id.kind = IdKind::GlobalExplicit;
            }
            if id.kind == IdKind::Local || id.flags & ID_IS_PARAM != 0 {
                id.local_num = scope.num_locals;
                scope.num_locals += 1;
            }
        }
        for id in scope.ids.iter_mut() {
            if id.kind == IdKind::Cell && id.flags & ID_IS_PARAM == 0 {
                id.local_num = scope.num_locals;
                scope.num_locals += 1;
            }
        }
        if let Some(pi) = self.scopes[si].parent {
            let parent_ids: Vec<IdInfo> = self.scopes[pi].ids.to_vec();
            let scope = &mut self.scopes[si];
            let mut num_free: u32 = 0;
            for pid in parent_ids.iter() {
                if pid.kind == IdKind::Cell || pid.kind == IdKind::Free {
                    for id2 in scope.ids.iter_mut() {
                        if id2.kind == IdKind::Free && id2.qst == pid.qst {
                            id2.local_num = num_free;
                            num_free += 1;
                        }
                    }
                }
            }
            if num_free > 0 {
                for id in scope.ids.iter_mut() {
                    if id.kind != IdKind::Free || id.flags & ID_IS_PARAM != 0 {
                        id.local_num += num_free;
                    }
                }
                scope.num_pos_args += num_free;
                scope.num_locals += num_free;
            }
        }
    }

    // ---- qstrs/consts -------------------------------------------------------------------------

    fn use_qstr(&mut self, q: Sym) -> u32 {
        if let Some(&i) = self.qstr_map.get(&q) {
            return i;
        }
        let i = self.qstr_list.len() as u32;
        self.qstr_map.insert(q, i);
        self.qstr_list.push(q);
        i
    }

    fn use_const(&mut self, o: &Obj) -> usize {
        // MicroPython searches its list linearly; a hash index gives the same answer in O(1)
        let h = num::const_hash(o);
        let bucket = self.const_index.entry(h).or_default();
        for &i in bucket.iter() {
            if self.consts[i].strictly_equal(o) {
                return i;
            }
        }
        self.consts.push(o.clone());
        let i = self.consts.len() - 1;
        bucket.push(i);
        i
    }

    // ---- emitter ------------------------------------------------------------------------------

    fn adjust_stack(&mut self, delta: i32) {
        if self.pass == Pass::Scope {
            return;
        }
        if self.emit.viper {
            self.v_adjust(delta);
        }
        self.emit.stack_size += delta;
        if self.emit.stack_size > self.sc().stack_size as i32 {
            let v = self.emit.stack_size.max(0) as u32;
            self.scm().stack_size = v;
        }
    }

    /// A stack adjustment made by the compiler (not by an instruction): where code paths join,
    /// a single re-pushed entry keeps the type saved by the last conditional jump.
    fn adjust_stack_c(&mut self, delta: i32) {
        self.adjust_stack(delta);
        if self.emit.viper && delta == 1 {
            let vt = self.emit.saved_vt;
            self.vset_top(vt, false);
        }
    }

    fn write_bytes(&mut self, b: &[u8]) {
        if !self.emit.suppress {
            push_bytes(&mut self.emit.bytecode, b);
        }
    }

    fn op0(&mut self, stack: i32, opcode: u8) {
        self.adjust_stack(stack);
        self.write_bytes(&[opcode]);
    }

    fn op_uint(&mut self, stack: i32, opcode: u8, v: u64) {
        self.adjust_stack(stack);
        if !self.emit.suppress {
            push_byte(&mut self.emit.bytecode, opcode);
            bc::encode_uint(&mut self.emit.bytecode, v);
        }
    }

    fn op_qstr(&mut self, stack: i32, opcode: u8, q: Sym) {
        let i = self.use_qstr(q);
        self.op_uint(stack, opcode, i as u64);
    }

    fn op_label(&mut self, stack: i32, opcode: u8, label: u32) {
        self.adjust_stack(stack);
        if self.emit.suppress {
            return;
        }
        let is_signed = opcode <= op::POP_JUMP_IF_FALSE;
        let mut size = 1;
        let mut off: i64 = 0;
        if self.pass >= Pass::CodeSize {
            let target = self
                .emit
                .label_offsets
                .get(label as usize)
                .copied()
                .unwrap_or(0) as i64;
            off = target - self.emit.bytecode.len() as i64 - 2;
            if (is_signed && (-64..=63).contains(&off)) || (!is_signed && (0..=127).contains(&off))
            {
                size = 0;
            }
            off -= size as i64;
        }
        let bcv = &mut self.emit.bytecode;
        push_byte(bcv, opcode);
        if size == 0 {
            if is_signed {
                off += 0x40;
            }
            push_byte(bcv, (off & 0x7f) as u8);
        } else {
            if is_signed {
                off += 0x4000;
            }
            if self.pass == Pass::Emit && !(0..=0x7fff).contains(&off) {
                self.emit.overflow = true;
            }
            push_byte(bcv, 0x80 | (off & 0x7f) as u8);
            push_byte(bcv, ((off >> 7) & 0xff) as u8);
        }
    }

    fn new_label(&mut self) -> u32 {
        let l = self.next_label;
        self.next_label += 1;
        if self.emit.label_offsets.len() <= l as usize {
            self.emit.label_offsets.resize(l as usize + 1, 0);
        }
        l
    }

    fn label_assign(&mut self, l: u32) {
        self.emit.suppress = false;
        if self.pass == Pass::Scope {
            return;
        }
        let off = self.emit.bytecode.len();
        if let Some(x) = self.emit.label_offsets.get_mut(l as usize) {
            *x = off;
        }
    }

    fn set_source_line(&mut self, line: u32) {
        if self.opts.opt_level >= 3 {
            return;
        }
        if line > self.emit.last_source_line {
            let bytes = self.emit.bytecode.len() - self.emit.last_source_line_offset;
            let lines = (line - self.emit.last_source_line) as usize;
            bc::encode_line_info(&mut self.emit.code_info, bytes, lines);
            self.emit.last_source_line_offset = self.emit.bytecode.len();
            self.emit.last_source_line = line;
        }
    }

    fn load_const_tok_none(&mut self) {
        self.op0(1, op::LOAD_CONST_NONE);
        if self.emit.viper {
            self.vset_top(VT::PtrNone, true);
        }
    }

    fn load_const_bool(&mut self, b: bool) {
        self.op0(
            1,
            if b {
                op::LOAD_CONST_TRUE
            } else {
                op::LOAD_CONST_FALSE
            },
        );
        if self.emit.viper {
            self.vset_top(VT::Bool, true);
        }
    }

    fn load_const_small_int(&mut self, v: i64) {
        if (-bc::LOAD_CONST_SMALL_INT_MULTI_EXCESS
            ..bc::LOAD_CONST_SMALL_INT_MULTI_NUM - bc::LOAD_CONST_SMALL_INT_MULTI_EXCESS)
            .contains(&v)
        {
            self.op0(
                1,
                (bc::LOAD_CONST_SMALL_INT_MULTI as i64 + bc::LOAD_CONST_SMALL_INT_MULTI_EXCESS + v)
                    as u8,
            );
        } else {
            self.adjust_stack(1);
            if !self.emit.suppress {
                push_byte(&mut self.emit.bytecode, op::LOAD_CONST_SMALL_INT);
                bc::encode_sint(&mut self.emit.bytecode, v);
            }
        }
        if self.emit.viper {
            self.vset_top(VT::Int, true);
        }
    }

    fn load_const_obj(&mut self, o: &Obj) {
        let i = self.use_const(o);
        self.op_uint(1, op::LOAD_CONST_OBJ, i as u64);
    }

    fn load_null(&mut self) {
        self.op0(1, op::LOAD_NULL);
        if self.emit.viper {
            self.vset_top(VT::Obj, true);
        }
    }

    fn load_fast(&mut self, n: u32) {
        self.load_fast_named(n, None);
    }

    fn load_fast_named(&mut self, n: u32, q: Option<Sym>) {
        if n <= 15 {
            self.op0(1, bc::LOAD_FAST_MULTI + n as u8);
        } else {
            self.op_uint(1, op::LOAD_FAST_N, n as u64);
        }
        if self.emit.viper {
            self.v_load_fast(n, q);
        }
    }

    fn dup_top(&mut self) {
        self.op0(1, op::DUP_TOP);
        if self.emit.viper {
            let e = self.vpeek(1);
            self.vset(0, e);
        }
    }
    fn dup_top_two(&mut self) {
        self.op0(2, op::DUP_TOP_TWO);
        if self.emit.viper {
            let (a, b) = (self.vpeek(3), self.vpeek(2));
            self.vset(1, a);
            self.vset(0, b);
        }
    }
    fn pop_top(&mut self) {
        self.op0(-1, op::POP_TOP);
    }
    fn rot_two(&mut self) {
        self.op0(0, op::ROT_TWO);
        if self.emit.viper {
            let (a, b) = (self.vpeek(1), self.vpeek(0));
            self.vset(1, b);
            self.vset(0, a);
        }
    }
    fn rot_three(&mut self) {
        self.op0(0, op::ROT_THREE);
        if self.emit.viper {
            // ( a b c -- c a b )
            let (a, b, c) = (self.vpeek(2), self.vpeek(1), self.vpeek(0));
            self.vset(2, c);
            self.vset(1, a);
            self.vset(0, b);
        }
    }
    fn jump(&mut self, l: u32) {
        self.op_label(0, op::JUMP, l);
        self.emit.suppress = true;
    }
    fn pop_jump_if(&mut self, cond: bool, l: u32) {
        if self.emit.viper {
            self.v_jump_check();
        }
        self.op_label(
            -1,
            if cond {
                op::POP_JUMP_IF_TRUE
            } else {
                op::POP_JUMP_IF_FALSE
            },
            l,
        );
    }
    fn jump_if_or_pop(&mut self, cond: bool, l: u32) {
        if self.emit.viper {
            self.v_jump_check();
        }
        self.op_label(
            -1,
            if cond {
                op::JUMP_IF_TRUE_OR_POP
            } else {
                op::JUMP_IF_FALSE_OR_POP
            },
            l,
        );
    }
    fn unwind_jump(&mut self, label: u32, except_depth: u32) {
        if except_depth == 0 {
            if label & BREAK_FROM_FOR != 0 {
                for _ in 0..bc::ITER_BUF_NSLOTS {
                    self.write_bytes(&[op::POP_TOP]);
                }
            }
            self.op_label(0, op::JUMP, label & !BREAK_FROM_FOR);
        } else {
            self.op_label(0, op::UNWIND_JUMP, label & !BREAK_FROM_FOR);
            let b =
                (if label & BREAK_FROM_FOR != 0 { 0x80 } else { 0 }) | (except_depth as u8 & 0x7f);
            self.write_bytes(&[b]);
        }
        self.emit.suppress = true;
    }
    fn setup_block(&mut self, label: u32, opcode: u8) {
        if self.emit.viper && opcode == op::SETUP_WITH {
            self.v_to_obj(1, false);
        }
        let adj = if opcode == op::SETUP_WITH { 2 } else { 0 };
        self.op_label(adj, opcode, label);
    }
    fn with_cleanup(&mut self, label: u32) {
        self.load_const_tok_none();
        self.label_assign(label);
        self.op0(2, op::WITH_CLEANUP);
        self.adjust_stack(-4);
    }
    fn end_finally(&mut self) {
        self.op0(-1, op::END_FINALLY);
    }
    fn get_iter(&mut self, use_stack: bool) {
        if self.emit.viper {
            self.v_to_obj(1, false);
        }
        if use_stack {
            self.op0(bc::ITER_BUF_NSLOTS as i32 - 1, op::GET_ITER_STACK);
        } else {
            self.op0(0, op::GET_ITER);
        }
    }
    fn for_iter(&mut self, l: u32) {
        self.op_label(1, op::FOR_ITER, l);
    }
    fn for_iter_end(&mut self) {
        self.adjust_stack(-(bc::ITER_BUF_NSLOTS as i32));
    }
    fn pop_except_jump(&mut self, l: u32) {
        self.op_label(0, op::POP_EXCEPT_JUMP, l);
        self.emit.suppress = true;
    }
    fn unary_op(&mut self, o: u8) {
        if self.emit.viper {
            return self.v_unary_op(o);
        }
        self.op0(0, bc::UNARY_OP_MULTI + o);
    }
    fn binary_op(&mut self, o: u8) {
        if self.emit.viper && self.v_binary_op(o) {
            return;
        }
        let (o, invert) = match o {
            binary::NOT_IN => (binary::IN, true),
            binary::IS_NOT => (binary::IS, true),
            _ => (o, false),
        };
        self.op0(-1, bc::BINARY_OP_MULTI + o);
        if invert {
            self.op0(0, bc::UNARY_OP_MULTI + unary::NOT);
        }
    }
    fn build(&mut self, n: usize, opcode: u8) {
        if self.emit.viper && opcode != op::BUILD_MAP {
            self.v_to_obj(n, opcode != op::BUILD_SLICE);
        }
        let adj = if opcode == op::BUILD_MAP {
            1
        } else {
            1 - n as i32
        };
        self.op_uint(adj, opcode, n as u64);
    }
    fn store_map(&mut self) {
        if self.emit.viper {
            self.v_to_obj(3, false);
        }
        self.op0(-2, op::STORE_MAP);
    }
    fn store_comp(&mut self, kind: ScopeKind, idx: usize) {
        let (n, t) = match kind {
            ScopeKind::ListComp => (0, 0),
            ScopeKind::DictComp => (1, 1),
            _ => (0, 2),
        };
        if self.emit.viper {
            self.v_to_obj(1 + n, false);
        }
        self.op_uint(-1 - n as i32, op::STORE_COMP, (((idx + n) << 2) | t) as u64);
    }
    fn unpack_sequence(&mut self, n: usize) {
        if self.emit.viper {
            self.v_to_obj(1, false);
        }
        self.op_uint(-1 + n as i32, op::UNPACK_SEQUENCE, n as u64);
    }
    fn unpack_ex(&mut self, l: usize, r: usize) {
        if self.emit.viper {
            self.v_to_obj(1, false);
        }
        self.op_uint(
            -1 + l as i32 + r as i32 + 1,
            op::UNPACK_EX,
            (l | (r << 8)) as u64,
        );
    }
    fn alloc_child(&mut self, scope: usize) -> usize {
        if self.pass == Pass::Emit {
            self.emit.children.push(scope);
        }
        let i = self.ct_cur_child;
        self.ct_cur_child += 1;
        i
    }
    fn make_function(&mut self, scope: usize, n_pos: u32, n_kw: u32) {
        if self.emit.viper && (n_pos != 0 || n_kw != 0) {
            self.v_to_obj(2, true);
        }
        let ci = self.alloc_child(scope);
        if n_pos == 0 && n_kw == 0 {
            self.op_uint(1, op::MAKE_FUNCTION, ci as u64);
        } else {
            self.op_uint(-1, op::MAKE_FUNCTION_DEFARGS, ci as u64);
        }
    }
    fn make_closure(&mut self, scope: usize, nfree: usize, n_pos: u32, n_kw: u32) {
        if self.emit.viper {
            let extra = if n_pos != 0 || n_kw != 0 { 2 } else { 0 };
            self.v_to_obj(nfree + extra, true);
        }
        let ci = self.alloc_child(scope);
        if n_pos == 0 && n_kw == 0 {
            self.op_uint(1 - nfree as i32, op::MAKE_CLOSURE, ci as u64);
        } else {
            self.op_uint(-2 - nfree as i32 + 1, op::MAKE_CLOSURE_DEFARGS, ci as u64);
        }
        self.write_bytes(&[nfree as u8]);
    }
    fn call(&mut self, method: bool, n_pos: usize, n_kw: usize, star: bool) {
        if self.emit.viper && self.v_call(method, n_pos, n_kw, star) {
            return;
        }
        let base = if method {
            op::CALL_METHOD
        } else {
            op::CALL_FUNCTION
        };
        let mut adj: i32 = if method { -1 } else { 0 };
        if star {
            adj -= n_pos as i32 + 2 * n_kw as i32 + 1;
            self.op_uint(adj, base + 1, ((n_kw << 8) | n_pos) as u64);
        } else {
            adj -= n_pos as i32 + 2 * n_kw as i32;
            self.op_uint(adj, base, ((n_kw << 8) | n_pos) as u64);
        }
    }
    fn return_value(&mut self) {
        if self.emit.viper {
            self.v_return();
        }
        self.op0(-1, op::RETURN_VALUE);
        self.emit.suppress = true;
    }
    fn raise(&mut self, n: u8) {
        if self.pass != Pass::Scope && self.sc().emit_opt != EMIT_BYTECODE {
            self.v_raise(n);
        }
        self.op0(-(n as i32), op::RAISE_LAST + n);
        self.emit.suppress = true;
    }
    fn yield_(&mut self, from: bool) {
        if self.emit.viper {
            self.vhard("native yield");
        }
        if from {
            self.op0(-1, op::YIELD_FROM);
        } else {
            self.op0(0, op::YIELD_VALUE);
        }
        self.scm().scope_flags |= FLAG_GENERATOR;
    }
    fn load_method(&mut self, q: Sym, is_super: bool) {
        if self.emit.viper {
            self.v_to_obj(if is_super { 3 } else { 1 }, false);
        }
        if is_super {
            self.op_qstr(-1, op::LOAD_SUPER_METHOD, q);
        } else {
            self.op_qstr(1, op::LOAD_METHOD, q);
        }
    }
    fn load_attr(&mut self, q: Sym) {
        if self.emit.viper {
            self.v_to_obj(1, false);
        }
        self.op_qstr(0, op::LOAD_ATTR, q);
    }
    fn store_attr(&mut self, q: Sym) {
        if self.emit.viper {
            self.v_to_obj(2, false);
        }
        self.op_qstr(-2, op::STORE_ATTR, q);
    }
    fn load_subscr(&mut self) {
        if self.emit.viper && self.v_load_subscr() {
            return;
        }
        self.op0(-1, op::LOAD_SUBSCR);
    }
    fn store_subscr(&mut self) {
        if self.emit.viper && self.v_store_subscr() {
            return;
        }
        self.op0(-3, op::STORE_SUBSCR);
    }
    fn import_op(&mut self, stack: i32, opcode: u8, q: Option<Sym>) {
        if self.emit.viper {
            let n = match opcode {
                op::IMPORT_NAME => 2,
                _ => 1,
            };
            self.v_to_obj(n, false);
        }
        match q {
            Some(q) => self.op_qstr(stack, opcode, q),
            None => self.op0(stack, opcode),
        }
    }
    fn load_const_str(&mut self, q: Sym) {
        self.op_qstr(1, op::LOAD_CONST_STRING, q);
    }
    fn load_global_direct(&mut self, q: Sym) {
        self.op_qstr(1, op::LOAD_GLOBAL, q);
    }

    // ---- identifiers --------------------------------------------------------------------------

    fn id_for_modification(&mut self, scope: usize, q: Sym) -> usize {
        let idx = self.scopes[scope].find_or_add(q, IdKind::GlobalImplicit);
        let fl = self.scopes[scope].kind.is_func_like();
        let id = &mut self.scopes[scope].ids[idx];
        if id.kind == IdKind::GlobalImplicit {
            id.kind = if fl {
                IdKind::Local
            } else {
                IdKind::GlobalImplicitAssigned
            };
        }
        idx
    }

    /// 0 load, 1 store, 2 delete
    fn id_op(&mut self, q: Sym, what: u8) {
        let id = match self.sc().find(q) {
            Some(i) => self.sc().ids[i],
            None => IdInfo {
                kind: IdKind::GlobalImplicit,
                flags: 0,
                local_num: 0,
                qst: q,
            },
        };
        let (stack, base_name, base_fast) = match what {
            0 => (1, op::LOAD_NAME, op::LOAD_FAST_N),
            1 => (-1, op::STORE_NAME, op::STORE_FAST_N),
            _ => (0, op::DELETE_NAME, op::DELETE_FAST),
        };
        if self.emit.viper {
            match (what, id.kind) {
                (0, IdKind::GlobalExplicit) => {
                    if let Some(t) = self.v_cast_name(q) {
                        // A casting operator: only a placeholder on the stack.
                        self.op0(1, op::LOAD_CONST_NONE);
                        self.vset_top(VT::Cast(t), true);
                        return;
                    }
                }
                (1, IdKind::Local) => {
                    let e = self.vpeek(0);
                    self.v_store_fast(id.local_num, q, e);
                }
                (1, _) => self.v_to_obj(1, false),
                (2, IdKind::Local) => {
                    let none = VEntry {
                        vt: VT::PtrNone,
                        imm: true,
                    };
                    self.v_store_fast(id.local_num, q, none);
                }
                _ => {}
            }
        }
        match id.kind {
            IdKind::GlobalImplicit | IdKind::GlobalImplicitAssigned | IdKind::Undecided => {
                self.op_qstr(stack, base_name, q)
            }
            IdKind::GlobalExplicit => self.op_qstr(stack, base_name + 1, q),
            IdKind::Local => {
                if what == 0 {
                    self.load_fast_named(id.local_num, Some(q));
                } else if what == 1 && id.local_num <= 15 {
                    self.op0(-1, bc::STORE_FAST_MULTI + id.local_num as u8);
                } else {
                    self.op_uint(stack, base_fast, id.local_num as u64);
                }
            }
            IdKind::Cell | IdKind::Free => self.op_uint(stack, base_fast + 1, id.local_num as u64),
        }
    }

    fn load_id(&mut self, q: Sym) {
        if self.pass == Pass::Scope {
            let cur = self.cur;
            self.scopes[cur].find_or_add(q, IdKind::GlobalImplicit);
        } else {
            self.id_op(q, 0);
        }
    }
    fn store_id(&mut self, q: Sym) {
        if self.pass == Pass::Scope {
            let cur = self.cur;
            self.id_for_modification(cur, q);
        } else {
            self.id_op(q, 1);
        }
    }
    fn delete_id(&mut self, q: Sym) {
        if self.pass == Pass::Scope {
            let cur = self.cur;
            self.id_for_modification(cur, q);
        } else {
            self.id_op(q, 2);
        }
    }

    fn increase_except_level(&mut self, label: u32, opcode: u8) {
        self.setup_block(label, opcode);
        self.cur_except_level += 1;
        if self.cur_except_level > self.sc().exc_stack_size {
            let v = self.cur_except_level;
            self.scm().exc_stack_size = v;
        }
    }
    fn decrease_except_level(&mut self) {
        self.cur_except_level = self.cur_except_level.saturating_sub(1);
        self.end_finally();
    }

    fn line_or_stmt(&self, line: u32) -> u32 {
        if line != 0 {
            line
        } else {
            self.stmt_line
        }
    }

    // ---- statements ---------------------------------------------------------------------------

    fn enter(&mut self) -> CResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth * 4 {
            return serr("too deeply nested", self.stmt_line);
        }
        Ok(())
    }

    fn compile_block(&mut self, body: &'a [Stmt]) -> CResult<()> {
        for s in body {
            self.compile_stmt(s)?;
        }
        Ok(())
    }

    fn compile_stmt(&mut self, s: &'a Stmt) -> CResult<()> {
        self.enter()?;
        let saved = self.stmt_line;
        if s.line != 0 {
            self.stmt_line = s.line;
        }
        self.set_source_line(s.line);
        let r = self.compile_stmt_inner(s);
        self.stmt_line = saved;
        self.depth -= 1;
        if let Some(e) = self.emit.hard_err.take() {
            return Err(e);
        }
        r
    }

    fn compile_stmt_inner(&mut self, s: &'a Stmt) -> CResult<()> {
        match &s.kind {
            StmtKind::Expr(e) => {
                if self.is_repl && self.sc().kind == ScopeKind::Module {
                    self.load_id(self.n.repl_print);
                    self.compile_expr(e)?;
                    self.call(false, 1, 0, false);
                    self.pop_top();
                } else if matches!(
                    e.kind,
                    ExprKind::SmallInt(_)
                        | ExprKind::Str(_)
                        | ExprKind::None
                        | ExprKind::True
                        | ExprKind::False
                        | ExprKind::Ellipsis
                        | ExprKind::Const(_)
                ) {
                    // lonely constant
                } else {
                    self.compile_expr(e)?;
                    self.pop_top();
                }
            }
            StmtKind::Assign(targets, value) => {
                if targets.len() == 1 {
                    let lhs = &targets[0];
                    if let (ExprKind::Tuple(l, true), ExprKind::Tuple(r, true)) =
                        (&lhs.kind, &value.kind)
                    {
                        let n = l.len();
                        if n == r.len()
                            && (n == 2 || n == 3)
                            && !l.iter().any(|e| matches!(e.kind, ExprKind::Star(_)))
                        {
                            self.compile_expr(&r[0])?;
                            self.compile_expr(&r[1])?;
                            if n == 3 {
                                self.compile_expr(&r[2])?;
                                self.rot_three();
                            }
                            self.rot_two();
                            for t in l.iter() {
                                self.c_assign(t, AssignKind::Store)?;
                            }
                            return Ok(());
                        }
                    }
                    self.compile_expr(value)?;
                    self.c_assign(lhs, AssignKind::Store)?;
                } else {
                    self.compile_expr(value)?;
                    self.dup_top();
                    self.c_assign(&targets[0], AssignKind::Store)?;
                    let rest = &targets[1..];
                    for (i, t) in rest.iter().enumerate() {
                        if i + 1 < rest.len() {
                            self.dup_top();
                        }
                        self.c_assign(t, AssignKind::Store)?;
                    }
                }
            }
            StmtKind::AugAssign(b) => {
                let (target, o, value) = &**b;
                self.c_assign(target, AssignKind::AugLoad)?;
                self.compile_expr(value)?;
                self.binary_op(*o);
                self.c_assign(target, AssignKind::AugStore)?;
            }
            StmtKind::AnnDecl(target) => {
                if self.sc().kind == ScopeKind::Function {
                    if let ExprKind::Name(q) = target.kind {
                        let cur = self.cur;
                        self.scopes[cur].find_or_add(q, IdKind::Local);
                    }
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break | StmtKind::Continue => {
                let label = if matches!(s.kind, StmtKind::Break) {
                    self.break_label
                } else {
                    self.continue_label
                };
                if label == INVALID_LABEL {
                    return serr("'break'/'continue' outside loop", s.line);
                }
                let d = self
                    .cur_except_level
                    .saturating_sub(self.break_continue_except_level);
                self.unwind_jump(label, d);
            }
            StmtKind::Return(v) => {
                if self.sc().kind != ScopeKind::Function {
                    return serr("'return' outside function", s.line);
                }
                match v {
                    None => self.load_const_tok_none(),
                    Some(e) => {
                        if let ExprKind::IfExp { body, test, orelse } = &e.kind {
                            let l_fail = self.new_label();
                            self.c_if_cond(test, false, l_fail)?;
                            self.compile_expr(body)?;
                            self.return_value();
                            self.label_assign(l_fail);
                            self.compile_expr(orelse)?;
                        } else {
                            self.compile_expr(e)?;
                        }
                    }
                }
                self.return_value();
            }
            StmtKind::Raise(r) => match r.as_deref() {
                None => self.raise(0),
                Some((e, Some(c))) => {
                    self.compile_expr(e)?;
                    self.compile_expr(c)?;
                    self.raise(2);
                }
                Some((e, None)) => {
                    self.compile_expr(e)?;
                    self.raise(1);
                }
            },
            StmtKind::YieldStmt(e) => {
                self.compile_expr(e)?;
                self.pop_top();
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.c_del(t)?;
                }
            }
            StmtKind::Import(names) => {
                for (dotted, asname) in names {
                    self.load_const_small_int(0);
                    self.load_const_tok_none();
                    let q_base = self.do_import_name(Some(dotted), *asname);
                    self.store_id(q_base);
                }
            }
            StmtKind::ImportFrom {
                level,
                module,
                names,
            } => match names {
                ImportNames::Star => {
                    if self.sc().kind != ScopeKind::Module {
                        return serr("import * not at module level", s.line);
                    }
                    self.load_const_small_int(*level as i64);
                    self.load_const_str(self.n.star);
                    self.build(1, op::BUILD_TUPLE);
                    self.do_import_name(module.as_deref(), None);
                    self.import_op(-1, op::IMPORT_STAR, None);
                }
                ImportNames::Names(list) => {
                    self.load_const_small_int(*level as i64);
                    for (n, _) in list {
                        self.load_const_str(*n);
                    }
                    self.build(list.len(), op::BUILD_TUPLE);
                    self.do_import_name(module.as_deref(), None);
                    for (n, a) in list {
                        self.import_op(1, op::IMPORT_FROM, Some(*n));
                        self.store_id(a.unwrap_or(*n));
                    }
                    self.pop_top();
                }
            },
            StmtKind::Global(names) | StmtKind::Nonlocal(names) => {
                if self.pass == Pass::Scope {
                    let is_global = matches!(s.kind, StmtKind::Global(_));
                    if !is_global && self.sc().kind == ScopeKind::Module {
                        return serr("can't declare nonlocal in outer code", s.line);
                    }
                    for &q in names {
                        let cur = self.cur;
                        let idx = self.scopes[cur].find_or_add(q, IdKind::Undecided);
                        self.declare_global_or_nonlocal(idx, is_global, s.line)?;
                    }
                }
            }
            StmtKind::Assert(b) => {
                let (test, msg) = &**b;
                if self.opts.opt_level != 0 {
                    return Ok(());
                }
                let l_end = self.new_label();
                self.c_if_cond(test, true, l_end)?;
                self.load_global_direct(self.n.assertion_error);
                if let Some(m) = msg {
                    self.compile_expr(m)?;
                    self.call(false, 1, 0, false);
                }
                self.raise(1);
                self.label_assign(l_end);
            }
            StmtKind::If(b) => {
                let IfStmt {
                    test,
                    body,
                    elifs,
                    orelse,
                } = &**b;
                let l_end = self.new_label();
                let mut done = false;
                if !is_const_bool(test, false) {
                    let l_fail = self.new_label();
                    self.c_if_cond(test, false, l_fail)?;
                    self.compile_block(body)?;
                    if is_const_bool(test, true) {
                        done = true;
                    } else {
                        if !(elifs.is_empty() && orelse.is_none()) {
                            self.jump(l_end);
                        }
                        self.label_assign(l_fail);
                    }
                }
                if !done {
                    for (t, b) in elifs {
                        if !is_const_bool(t, false) {
                            let l_fail = self.new_label();
                            self.c_if_cond(t, false, l_fail)?;
                            self.compile_block(b)?;
                            if is_const_bool(t, true) {
                                done = true;
                                break;
                            }
                            self.jump(l_end);
                            self.label_assign(l_fail);
                        }
                    }
                }
                if !done {
                    if let Some(o) = orelse {
                        self.compile_block(o)?;
                    }
                }
                self.label_assign(l_end);
            }
            StmtKind::While(b) => {
                let WhileStmt { test, body, orelse } = &**b;
                let (old_b, old_c, old_l) = (
                    self.break_label,
                    self.continue_label,
                    self.break_continue_except_level,
                );
                let break_label = self.new_label();
                let continue_label = self.new_label();
                self.break_label = break_label;
                self.continue_label = continue_label;
                self.break_continue_except_level = self.cur_except_level;
                if !is_const_bool(test, false) {
                    let top = self.new_label();
                    if !is_const_bool(test, true) {
                        self.jump(continue_label);
                    }
                    self.label_assign(top);
                    self.compile_block(body)?;
                    self.label_assign(continue_label);
                    self.c_if_cond(test, true, top)?;
                }
                self.break_label = old_b;
                self.continue_label = old_c;
                self.break_continue_except_level = old_l;
                if let Some(o) = orelse {
                    self.compile_block(o)?;
                }
                self.label_assign(break_label);
            }
            StmtKind::For(b) => {
                let ForStmt {
                    target,
                    iter,
                    body,
                    orelse,
                    is_async,
                } = &**b;
                if *is_async {
                    self.check_async_allowed(s.line)?;
                    return self.compile_async_for(target, iter, body, orelse.as_deref());
                }
                self.compile_for(target, iter, body, orelse.as_deref())?;
            }
            StmtKind::Try(b) => {
                let TryStmt {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                } = &**b;
                match finalbody {
                    Some(f) => self.compile_try_finally(body, handlers, orelse.as_deref(), f)?,
                    None => self.compile_try_except(body, handlers, orelse.as_deref())?,
                }
            }
            StmtKind::With {
                items,
                body,
                is_async,
            } => {
                if *is_async {
                    self.check_async_allowed(s.line)?;
                    return self.compile_async_with(items, body);
                }
                self.compile_with(items, body)?;
            }
            StmtKind::FuncDef(f, decs) => {
                let n_builtin = self.compile_decorators(decs, s.line)?;
                let name = self.compile_funcdef_helper(f)?;
                for _ in 0..(decs.len() - n_builtin) {
                    self.call(false, 1, 0, false);
                }
                self.store_id(name);
            }
            StmtKind::ClassDef(c, decs) => {
                let n_builtin = self.compile_decorators(decs, s.line)?;
                let name = self.compile_classdef_helper(c)?;
                for _ in 0..(decs.len() - n_builtin) {
                    self.call(false, 1, 0, false);
                }
                self.store_id(name);
            }
            StmtKind::Bad(m) => return serr(m, s.line),
        }
        Ok(())
    }

    fn check_async_allowed(&self, line: u32) -> CResult<()> {
        if self.sc().scope_flags & FLAG_GENERATOR == 0 {
            return serr("async for/with outside async function", line);
        }
        Ok(())
    }

    fn declare_global_or_nonlocal(
        &mut self,
        idx: usize,
        is_global: bool,
        line: u32,
    ) -> CResult<()> {
        let cur = self.cur;
        if is_global {
            let k = self.scopes[cur].ids[idx].kind;
            if k != IdKind::Undecided && k != IdKind::GlobalExplicit {
                return serr("identifier redefined as global", line);
            }
            self.scopes[cur].ids[idx].kind = IdKind::GlobalExplicit;
            let q = self.scopes[cur].ids[idx].qst;
            if let Some(j) = self.scopes[0].find(q) {
                self.scopes[0].ids[j].kind = IdKind::GlobalExplicit;
            }
        } else {
            let k = self.scopes[cur].ids[idx].kind;
            if k == IdKind::Undecided {
                self.scopes[cur].ids[idx].kind = IdKind::GlobalImplicit;
                self.check_to_close_over(cur, idx);
                if self.scopes[cur].ids[idx].kind == IdKind::GlobalImplicit {
                    return serr("no binding for nonlocal found", line);
                }
            } else if k != IdKind::Free {
                return serr("identifier redefined as nonlocal", line);
            }
        }
        Ok(())
    }

    fn do_import_name(&mut self, dotted: Option<&[Sym]>, asname: Option<Sym>) -> Sym {
        let dotted = match dotted {
            None => {
                self.import_op(-1, op::IMPORT_NAME, Some(self.n.empty));
                return self.n.empty;
            }
            Some(d) => d,
        };
        if dotted.len() == 1 {
            self.import_op(-1, op::IMPORT_NAME, Some(dotted[0]));
            return asname.unwrap_or(dotted[0]);
        }
        let mut full: Vec<u8> = Vec::new();
        for (i, &q) in dotted.iter().enumerate() {
            if i > 0 {
                push_byte(&mut full, b'.');
            }
            push_bytes(&mut full, self.names.get(q));
        }
        let qf = self.names.intern(&full);
        self.import_op(-1, op::IMPORT_NAME, Some(qf));
        match asname {
            Some(a) => {
                for &q in &dotted[1..] {
                    self.load_attr(q);
                }
                a
            }
            None => dotted[0],
        }
    }

    fn compile_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: Option<&'a [Stmt]>,
    ) -> CResult<()> {
        // for x in range(...) optimisation
        if let (ExprKind::Name(_), ExprKind::AtomExpr(ax)) = (&target.kind, &iter.kind) {
            let (atom, trailers) = (&ax.atom, &ax.trailers);
            if !ax.await_
                && matches!(atom.kind, ExprKind::Name(q) if q == self.n.range)
                && trailers.len() == 1
            {
                if let Trailer::Call(_, args) = &trailers[0] {
                    let plain = |a: &Arg| matches!(a, Arg::Pos(_));
                    let get = |a: &'a Arg| -> Option<&'a Expr> {
                        match a {
                            Arg::Pos(e) => Some(e),
                            _ => None,
                        }
                    };
                    let n = args.len();
                    if (1..=3).contains(&n) {
                        let mut ok = true;
                        let zero = Expr::leaf(ExprKind::SmallInt(0));
                        let one_step: i64;
                        let (start, end): (Option<&'a Expr>, Option<&'a Expr>);
                        let mut step_expr: Option<&'a Expr> = None;
                        if n == 1 {
                            start = None;
                            end = get(&args[0]);
                            one_step = 1;
                            if !plain(&args[0]) {
                                ok = false;
                            }
                        } else {
                            start = get(&args[0]);
                            end = get(&args[1]);
                            if !plain(&args[0]) || !plain(&args[1]) {
                                ok = false;
                            }
                            if n == 3 {
                                match &args[2] {
                                    Arg::Pos(e) => match e.kind {
                                        ExprKind::SmallInt(v) if v != 0 => {
                                            one_step = v;
                                            step_expr = Some(e);
                                        }
                                        _ => {
                                            ok = false;
                                            one_step = 1;
                                        }
                                    },
                                    _ => {
                                        ok = false;
                                        one_step = 1;
                                    }
                                }
                            } else {
                                one_step = 1;
                            }
                        }
                        if ok {
                            if let Some(end) = end {
                                return self.compile_for_range(
                                    target, start, &zero, end, one_step, step_expr, body, orelse,
                                );
                            }
                        }
                    }
                }
            }
        }
        let (old_b, old_c, old_l) = (
            self.break_label,
            self.continue_label,
            self.break_continue_except_level,
        );
        let break_label = self.new_label();
        let continue_label = self.new_label();
        self.break_label = break_label | BREAK_FROM_FOR;
        self.continue_label = continue_label;
        self.break_continue_except_level = self.cur_except_level;
        let pop_label = self.new_label();
        self.compile_expr(iter)?;
        self.get_iter(true);
        self.label_assign(continue_label);
        self.for_iter(pop_label);
        self.c_assign(target, AssignKind::Store)?;
        self.compile_block(body)?;
        self.jump(continue_label);
        self.label_assign(pop_label);
        self.for_iter_end();
        self.break_label = old_b;
        self.continue_label = old_c;
        self.break_continue_except_level = old_l;
        if let Some(o) = orelse {
            self.compile_block(o)?;
        }
        self.label_assign(break_label);
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn compile_for_range(
        &mut self,
        var: &'a Expr,
        start: Option<&'a Expr>,
        zero: &Expr,
        end: &'a Expr,
        step: i64,
        _step_expr: Option<&'a Expr>,
        body: &'a [Stmt],
        orelse: Option<&'a [Stmt]>,
    ) -> CResult<()> {
        let (old_b, old_c, old_l) = (
            self.break_label,
            self.continue_label,
            self.break_continue_except_level,
        );
        let break_label = self.new_label();
        let continue_label = self.new_label();
        self.break_label = break_label;
        self.continue_label = continue_label;
        self.break_continue_except_level = self.cur_except_level;
        let top_label = self.new_label();
        let entry_label = self.new_label();
        let end_on_stack = !matches!(end.kind, ExprKind::SmallInt(_));
        if end_on_stack {
            self.compile_expr(end)?;
        }
        match start {
            Some(s) => self.compile_expr(s)?,
            None => self.compile_expr_nolifetime(zero)?,
        }
        self.jump(entry_label);
        self.label_assign(top_label);
        self.dup_top();
        self.c_assign(var, AssignKind::Store)?;
        self.compile_block(body)?;
        self.label_assign(continue_label);
        self.load_const_small_int(step);
        self.binary_op(binary::INPLACE_ADD);
        self.label_assign(entry_label);
        if end_on_stack {
            self.dup_top_two();
            self.rot_two();
        } else {
            self.dup_top();
            self.compile_expr(end)?;
        }
        if step >= 0 {
            self.binary_op(binary::LESS);
        } else {
            self.binary_op(binary::MORE);
        }
        self.pop_jump_if(true, top_label);
        self.break_label = old_b;
        self.continue_label = old_c;
        self.break_continue_except_level = old_l;
        let mut end_label = 0;
        if let Some(o) = orelse {
            self.pop_top();
            if end_on_stack {
                self.pop_top();
            }
            self.compile_block(o)?;
            end_label = self.new_label();
            self.jump(end_label);
            self.adjust_stack_c(1 + end_on_stack as i32);
        }
        self.label_assign(break_label);
        self.pop_top();
        if end_on_stack {
            self.pop_top();
        }
        if orelse.is_some() {
            self.label_assign(end_label);
        }
        Ok(())
    }

    fn compile_try_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [Handler],
        orelse: Option<&'a [Stmt]>,
    ) -> CResult<()> {
        let l1 = self.new_label();
        let success_label = self.new_label();
        self.increase_except_level(l1, op::SETUP_EXCEPT);
        self.compile_block(body)?;
        self.pop_except_jump(success_label);
        self.label_assign(l1);
        self.adjust_stack_c(4);
        let l2 = self.new_label();
        for (i, h) in handlers.iter().enumerate() {
            let end_finally_label = self.new_label();
            match &h.typ {
                None => {
                    if i + 1 != handlers.len() {
                        return serr("default 'except' must be last", h.line);
                    }
                }
                Some(t) => {
                    self.dup_top();
                    self.compile_expr(t)?;
                    self.binary_op(binary::EXCEPTION_MATCH);
                    self.pop_jump_if(false, end_finally_label);
                }
            }
            match h.name {
                None => self.pop_top(),
                Some(n) => self.store_id(n),
            }
            let mut l3 = 0;
            if h.name.is_some() {
                l3 = self.new_label();
                self.increase_except_level(l3, op::SETUP_FINALLY);
            }
            self.compile_block(&h.body)?;
            if let Some(n) = h.name {
                self.load_const_tok_none();
                self.label_assign(l3);
                self.adjust_stack_c(1);
                self.load_const_tok_none();
                self.store_id(n);
                self.delete_id(n);
                self.adjust_stack_c(-1);
                self.decrease_except_level();
            }
            self.pop_except_jump(l2);
            self.label_assign(end_finally_label);
            self.adjust_stack_c(1);
        }
        self.decrease_except_level();
        self.adjust_stack_c(-3);
        self.label_assign(success_label);
        if let Some(o) = orelse {
            self.compile_block(o)?;
        }
        self.label_assign(l2);
        Ok(())
    }

    fn compile_try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [Handler],
        orelse: Option<&'a [Stmt]>,
        finalbody: &'a [Stmt],
    ) -> CResult<()> {
        let l_finally = self.new_label();
        self.increase_except_level(l_finally, op::SETUP_FINALLY);
        if handlers.is_empty() {
            self.adjust_stack_c(3);
            self.compile_block(body)?;
            self.adjust_stack_c(-3);
        } else {
            self.compile_try_except(body, handlers, orelse)?;
        }
        self.load_const_tok_none();
        self.label_assign(l_finally);
        self.adjust_stack_c(1);
        self.compile_block(finalbody)?;
        self.adjust_stack_c(-1);
        self.decrease_except_level();
        Ok(())
    }

    fn compile_with(&mut self, items: &'a [(Expr, Option<Expr>)], body: &'a [Stmt]) -> CResult<()> {
        if items.is_empty() {
            return self.compile_block(body);
        }
        let l_end = self.new_label();
        let (e, t) = &items[0];
        self.compile_expr(e)?;
        self.increase_except_level(l_end, op::SETUP_WITH);
        match t {
            Some(t) => self.c_assign(t, AssignKind::Store)?,
            None => self.pop_top(),
        }
        self.compile_with(&items[1..], body)?;
        self.with_cleanup(l_end);
        self.decrease_except_level();
        Ok(())
    }

    fn compile_yield_from(&mut self) {
        self.get_iter(false);
        self.load_const_tok_none();
        self.yield_(true);
    }

    fn compile_await_object_method(&mut self, q: Sym) {
        self.load_method(q, false);
        self.call(true, 0, 0, false);
        self.compile_yield_from();
    }

    fn compile_async_for(
        &mut self,
        target: &'a Expr,
        iter: &'a Expr,
        body: &'a [Stmt],
        orelse: Option<&'a [Stmt]>,
    ) -> CResult<()> {
        let while_else_label = self.new_label();
        let try_exception_label = self.new_label();
        let try_else_label = self.new_label();
        let try_finally_label = self.new_label();
        self.compile_expr(iter)?;
        self.load_method(self.n.aiter, false);
        self.call(true, 0, 0, false);
        let (old_b, old_c, old_l) = (
            self.break_label,
            self.continue_label,
            self.break_continue_except_level,
        );
        let break_label = self.new_label();
        let continue_label = self.new_label();
        self.break_label = break_label;
        self.continue_label = continue_label;
        self.break_continue_except_level = self.cur_except_level;
        self.label_assign(continue_label);
        self.increase_except_level(try_exception_label, op::SETUP_EXCEPT);
        self.dup_top();
        self.compile_await_object_method(self.n.anext);
        self.c_assign(target, AssignKind::Store)?;
        self.pop_except_jump(try_else_label);
        self.label_assign(try_exception_label);
        self.adjust_stack_c(4);
        self.dup_top();
        self.load_global_direct(self.n.stop_async_iteration);
        self.binary_op(binary::EXCEPTION_MATCH);
        self.pop_jump_if(false, try_finally_label);
        self.pop_top();
        self.pop_except_jump(while_else_label);
        self.label_assign(try_finally_label);
        self.adjust_stack_c(1);
        self.decrease_except_level();
        self.adjust_stack_c(-3);
        self.label_assign(try_else_label);
        self.compile_block(body)?;
        self.jump(continue_label);
        self.break_label = old_b;
        self.continue_label = old_c;
        self.break_continue_except_level = old_l;
        self.label_assign(while_else_label);
        if let Some(o) = orelse {
            self.compile_block(o)?;
        }
        self.label_assign(break_label);
        self.pop_top();
        Ok(())
    }

    fn compile_async_with(
        &mut self,
        items: &'a [(Expr, Option<Expr>)],
        body: &'a [Stmt],
    ) -> CResult<()> {
        if items.is_empty() {
            return self.compile_block(body);
        }
        let l_finally_block = self.new_label();
        let l_aexit_no_exc = self.new_label();
        let l_ret_unwind_jump = self.new_label();
        let l_end = self.new_label();
        let (e, t) = &items[0];
        self.compile_expr(e)?;
        self.dup_top();
        self.compile_await_object_method(self.n.aenter);
        match t {
            Some(t) => self.c_assign(t, AssignKind::Store)?,
            None => self.pop_top(),
        }
        self.increase_except_level(l_finally_block, op::SETUP_FINALLY);
        self.adjust_stack_c(3);
        self.compile_async_with(&items[1..], body)?;
        self.adjust_stack_c(-3);
        // async_with_setup_finally
        self.load_const_tok_none();
        self.rot_two();
        self.jump(l_aexit_no_exc);
        self.label_assign(l_finally_block);
        self.dup_top();
        self.load_global_direct(self.n.base_exception);
        self.binary_op(binary::EXCEPTION_MATCH);
        self.pop_jump_if(false, l_ret_unwind_jump);
        // case 2
        self.dup_top();
        self.rot_three();
        self.rot_two();
        self.load_method(self.n.aexit, false);
        self.rot_three();
        self.rot_three();
        self.dup_top();
        self.load_attr(self.n.class);
        self.rot_two();
        self.load_const_tok_none();
        self.call(true, 3, 0, false);
        self.compile_yield_from();
        self.pop_jump_if(false, l_end);
        self.pop_top();
        self.load_const_tok_none();
        self.jump(l_end);
        self.adjust_stack_c(2);
        // case 3
        self.label_assign(l_ret_unwind_jump);
        self.rot_three();
        self.rot_three();
        self.label_assign(l_aexit_no_exc);
        self.load_method(self.n.aexit, false);
        self.load_const_tok_none();
        self.dup_top();
        self.dup_top();
        self.call(true, 3, 0, false);
        self.compile_yield_from();
        self.pop_top();
        self.adjust_stack_c(-1);
        self.label_assign(l_end);
        self.decrease_except_level();
        Ok(())
    }

    /// Returns the number of built-in (micropython.*) decorators. In the scope pass, the emit
    /// option they select is left in `next_emit_opt` for the function/class scope.
    fn compile_decorators(&mut self, decs: &'a [Decorator], line: u32) -> CResult<usize> {
        let mut n_builtin = 0;
        let mut emit_opt = None;
        for d in decs {
            if d.names.first() == Some(&self.n.micropython) {
                n_builtin += 1;
                if d.names.len() != 2 {
                    return serr("invalid micropython decorator", line);
                }
                let attr = d.names[1];
                if attr == self.n.bytecode {
                    emit_opt = Some(EMIT_BYTECODE);
                    continue;
                }
                let a = self.names.get(attr);
                if self.opts.native {
                    if a == b"native" {
                        emit_opt = Some(EMIT_NATIVE);
                        continue;
                    }
                    if a == b"viper" {
                        emit_opt = Some(EMIT_VIPER);
                        continue;
                    }
                } else if a == b"native"
                    || a == b"viper"
                    || a == b"asm_thumb"
                    || a == b"asm_xtensa"
                    || a == b"asm_rv32"
                {
                    return serr("invalid arch", line);
                }
                return serr("invalid micropython decorator", line);
            }
            self.load_id(d.names[0]);
            for &q in &d.names[1..] {
                self.load_attr(q);
            }
            if let Some((l, args)) = &d.call {
                self.set_source_line(*l);
                self.compile_trailer_paren_helper(args, false, 0)?;
            }
        }
        if self.pass == Pass::Scope {
            self.next_emit_opt = emit_opt;
        }
        Ok(n_builtin)
    }

    fn compile_funcdef_helper(&mut self, f: &'a FuncDef) -> CResult<Sym> {
        let emit_opt = self.next_emit_opt.take();
        if self.pass == Pass::Scope {
            self.next_emit_opt = emit_opt;
            let s = self.new_scope(ScopeKind::Function, ScopeNode::Func(f), f.line);
            f.scope.set(s as u32);
            if f.is_async {
                self.scopes[s].scope_flags |= FLAG_GENERATOR;
            }
        }
        let s = f.scope.get() as usize;
        self.compile_funcdef_lambdef(s, &f.params)?;
        Ok(f.name)
    }

    fn compile_classdef_helper(&mut self, c: &'a ClassDef) -> CResult<Sym> {
        let emit_opt = self.next_emit_opt.take();
        if self.pass == Pass::Scope {
            self.next_emit_opt = emit_opt;
            let s = self.new_scope(ScopeKind::Class, ScopeNode::Class(c), c.line);
            c.scope.set(s as u32);
        }
        self.op0(1, op::LOAD_BUILD_CLASS);
        let s = c.scope.get() as usize;
        self.close_over_variables_etc(s, 0, 0);
        self.load_const_str(c.name);
        match &c.args {
            None => self.compile_trailer_paren_helper(&[], false, 2)?,
            Some(a) => self.compile_trailer_paren_helper(a, false, 2)?,
        }
        Ok(c.name)
    }

    fn compile_funcdef_lambdef(&mut self, scope: usize, params: &'a [Param]) -> CResult<()> {
        let saved = (
            self.have_star,
            self.num_dict_params,
            self.num_default_params,
        );
        self.have_star = false;
        self.num_dict_params = 0;
        self.num_default_params = 0;
        for p in params {
            match p.kind {
                ParamKind::Star => self.have_star = true,
                ParamKind::DblStar => {}
                ParamKind::Normal => match &p.default {
                    None => {
                        if !self.have_star && self.num_default_params != 0 {
                            return serr(
                                "non-default argument follows default argument",
                                self.line_or_stmt(p.line),
                            );
                        }
                    }
                    Some(d) => {
                        if self.have_star {
                            self.num_dict_params += 1;
                            if self.num_dict_params == 1 {
                                if self.num_default_params > 0 {
                                    self.build(self.num_default_params as usize, op::BUILD_TUPLE);
                                } else {
                                    self.load_null();
                                }
                                self.build(0, op::BUILD_MAP);
                            }
                            self.compile_expr(d)?;
                            self.load_const_str(p.name.unwrap_or(self.n.empty));
                            self.store_map();
                        } else {
                            self.num_default_params += 1;
                            self.compile_expr(d)?;
                        }
                    }
                },
            }
        }
        if self.num_default_params > 0 && self.num_dict_params == 0 {
            self.build(self.num_default_params as usize, op::BUILD_TUPLE);
            self.load_null();
        }
        let (nd, nk) = (self.num_default_params, self.num_dict_params);
        self.close_over_variables_etc(scope, nd, nk);
        self.have_star = saved.0;
        self.num_dict_params = saved.1;
        self.num_default_params = saved.2;
        Ok(())
    }

    fn close_over_variables_etc(&mut self, this: usize, n_pos: u32, n_kw: u32) {
        if n_kw > 0 {
            self.scopes[this].scope_flags |= FLAG_DEFKWARGS;
        }
        self.scopes[this].num_def_pos_args = n_pos;
        let mut nfree = 0;
        if self.sc().kind != ScopeKind::Module {
            let cur_ids: Vec<IdInfo> = self.sc().ids.to_vec();
            for id in cur_ids.iter() {
                if id.kind == IdKind::Cell || id.kind == IdKind::Free {
                    let matches = self.scopes[this]
                        .ids
                        .iter()
                        .filter(|id2| id2.kind == IdKind::Free && id2.qst == id.qst)
                        .count();
                    for _ in 0..matches {
                        self.load_fast(id.local_num);
                        nfree += 1;
                    }
                }
            }
        }
        if nfree == 0 {
            self.make_function(this, n_pos, n_kw);
        } else {
            self.make_closure(this, nfree, n_pos, n_kw);
        }
    }

    // ---- assignment ---------------------------------------------------------------------------

    fn c_assign(&mut self, e: &'a Expr, kind: AssignKind) -> CResult<()> {
        match &e.kind {
            ExprKind::Name(q) => {
                match kind {
                    AssignKind::Store | AssignKind::AugStore => self.store_id(*q),
                    AssignKind::AugLoad => self.load_id(*q),
                }
                Ok(())
            }
            ExprKind::AtomExpr(ax) if !ax.await_ => {
                let (atom, trailers) = (&ax.atom, &ax.trailers);
                let n = trailers.len();
                if kind != AssignKind::AugStore {
                    self.compile_expr(atom)?;
                    for t in &trailers[..n - 1] {
                        self.compile_trailer(t)?;
                    }
                }
                match &trailers[n - 1] {
                    Trailer::Index(_, idx) => {
                        if kind == AssignKind::AugStore {
                            self.rot_three();
                            self.store_subscr();
                        } else {
                            self.compile_expr(idx)?;
                            if kind == AssignKind::AugLoad {
                                self.dup_top_two();
                                self.load_subscr();
                            } else {
                                self.store_subscr();
                            }
                        }
                        Ok(())
                    }
                    Trailer::Attr(_, q) => {
                        if kind == AssignKind::AugLoad {
                            self.dup_top();
                            self.load_attr(*q);
                        } else {
                            if kind == AssignKind::AugStore {
                                self.rot_two();
                            }
                            self.store_attr(*q);
                        }
                        Ok(())
                    }
                    Trailer::Call(..) => {
                        serr("can't assign to expression", self.line_or_stmt(e.line))
                    }
                }
            }
            ExprKind::Tuple(items, _) => {
                if kind != AssignKind::Store {
                    return serr("can't assign to expression", self.line_or_stmt(e.line));
                }
                self.c_assign_tuple(items)
            }
            ExprKind::List(items) => {
                if kind != AssignKind::Store {
                    return serr("can't assign to expression", self.line_or_stmt(e.line));
                }
                self.c_assign_tuple(items)
            }
            _ => serr("can't assign to expression", self.line_or_stmt(e.line)),
        }
    }

    fn c_assign_tuple(&mut self, items: &'a [Expr]) -> CResult<()> {
        let mut star: Option<usize> = None;
        for (i, it) in items.iter().enumerate() {
            if matches!(it.kind, ExprKind::Star(_)) {
                if star.is_none() {
                    self.unpack_ex(i, items.len() - i - 1);
                    star = Some(i);
                } else {
                    return serr("multiple *x in assignment", self.line_or_stmt(it.line));
                }
            }
        }
        if star.is_none() {
            self.unpack_sequence(items.len());
        } else if items.len() > 0xff {
            return serr("too many targets", self.stmt_line);
        }
        for it in items {
            match &it.kind {
                ExprKind::Star(inner) => self.c_assign(inner, AssignKind::Store)?,
                _ => self.c_assign(it, AssignKind::Store)?,
            }
        }
        Ok(())
    }

    fn c_del(&mut self, e: &'a Expr) -> CResult<()> {
        match &e.kind {
            ExprKind::Name(q) => {
                self.delete_id(*q);
                Ok(())
            }
            ExprKind::AtomExpr(ax) if !ax.await_ => {
                let (atom, trailers) = (&ax.atom, &ax.trailers);
                self.compile_expr(atom)?;
                let n = trailers.len();
                for t in &trailers[..n - 1] {
                    self.compile_trailer(t)?;
                }
                match &trailers[n - 1] {
                    Trailer::Index(_, idx) => {
                        self.compile_expr(idx)?;
                        self.load_null();
                        self.rot_three();
                        self.store_subscr();
                        Ok(())
                    }
                    Trailer::Attr(_, q) => {
                        self.load_null();
                        self.rot_two();
                        self.store_attr(*q);
                        Ok(())
                    }
                    _ => serr("can't delete expression", self.line_or_stmt(e.line)),
                }
            }
            ExprKind::Tuple(items, false) => {
                for it in items {
                    self.c_del(it)?;
                }
                Ok(())
            }
            _ => serr("can't delete expression", self.line_or_stmt(e.line)),
        }
    }

    // ---- expressions --------------------------------------------------------------------------

    fn c_if_cond(&mut self, e: &'a Expr, jump_if: bool, label: u32) -> CResult<()> {
        if is_const_bool(e, false) {
            if !jump_if {
                self.jump(label);
            }
            return Ok(());
        }
        if is_const_bool(e, true) {
            if jump_if {
                self.jump(label);
            }
            return Ok(());
        }
        match &e.kind {
            ExprKind::BoolOp(is_or, items) => {
                let logic1 = if *is_or { !jump_if } else { jump_if };
                if logic1 {
                    let label2 = self.new_label();
                    let n = items.len();
                    for it in &items[..n - 1] {
                        self.c_if_cond(it, !jump_if, label2)?;
                    }
                    self.c_if_cond(&items[n - 1], jump_if, label)?;
                    self.label_assign(label2);
                } else {
                    for it in items {
                        self.c_if_cond(it, jump_if, label)?;
                    }
                }
                Ok(())
            }
            ExprKind::Not(inner) => self.c_if_cond(inner, !jump_if, label),
            _ => {
                self.compile_expr(e)?;
                self.pop_jump_if(jump_if, label);
                Ok(())
            }
        }
    }

    /// Compile an expression that is not borrowed for the AST lifetime (only leaves).
    fn compile_expr_nolifetime(&mut self, e: &Expr) -> CResult<()> {
        if let ExprKind::SmallInt(v) = e.kind {
            self.load_const_small_int(v);
        }
        Ok(())
    }

    fn compile_expr(&mut self, e: &'a Expr) -> CResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth * 4 {
            self.depth -= 1;
            return serr("too deeply nested", self.stmt_line);
        }
        self.set_source_line(e.line);
        let r = self.compile_expr_inner(e);
        self.depth -= 1;
        r
    }

    fn compile_expr_inner(&mut self, e: &'a Expr) -> CResult<()> {
        match &e.kind {
            ExprKind::Name(q) => self.load_id(*q),
            ExprKind::SmallInt(v) => self.load_const_small_int(*v),
            ExprKind::Str(q) => self.load_const_str(*q),
            ExprKind::Const(o) => self.load_const_obj(o),
            ExprKind::None => self.load_const_tok_none(),
            ExprKind::True => self.load_const_bool(true),
            ExprKind::False => self.load_const_bool(false),
            ExprKind::Ellipsis => self.load_const_obj(&Obj::Ellipsis),
            ExprKind::Tuple(items, _) => {
                for it in items {
                    self.compile_expr(it)?;
                }
                self.build(items.len(), op::BUILD_TUPLE);
            }
            ExprKind::EmptyTuple => self.build(0, op::BUILD_TUPLE),
            ExprKind::List(items) => {
                for it in items {
                    self.compile_expr(it)?;
                }
                self.build(items.len(), op::BUILD_LIST);
            }
            ExprKind::Dict(items) => {
                self.build(items.len(), op::BUILD_MAP);
                for (k, v, l) in items {
                    self.set_source_line(*l);
                    self.compile_expr(v)?;
                    self.compile_expr(k)?;
                    self.store_map();
                }
            }
            ExprKind::Set(items) => {
                for it in items {
                    self.compile_expr(it)?;
                }
                self.build(items.len(), op::BUILD_SET);
            }
            ExprKind::ListComp(c) => self.compile_comprehension(c, ScopeKind::ListComp)?,
            ExprKind::SetComp(c) => self.compile_comprehension(c, ScopeKind::SetComp)?,
            ExprKind::DictComp(c) => self.compile_comprehension(c, ScopeKind::DictComp)?,
            ExprKind::GenExp(c) => self.compile_comprehension(c, ScopeKind::GenExpr)?,
            ExprKind::Star(_) => {
                return serr("*x must be assignment target", self.line_or_stmt(e.line))
            }
            ExprKind::BinChain(chain) => {
                let (first, rest) = &**chain;
                self.compile_expr(first)?;
                for (o, x) in rest {
                    self.compile_expr(x)?;
                    self.binary_op(*o);
                }
            }
            ExprKind::Power(a, b) => {
                self.compile_expr(a)?;
                self.compile_expr(b)?;
                self.binary_op(binary::POWER);
            }
            ExprKind::Unary(o, x) => {
                self.compile_expr(x)?;
                self.unary_op(*o);
            }
            ExprKind::Not(x) => {
                self.compile_expr(x)?;
                self.unary_op(unary::NOT);
            }
            ExprKind::BoolOp(is_or, items) => {
                let l_end = self.new_label();
                let n = items.len();
                for (i, it) in items.iter().enumerate() {
                    self.compile_expr(it)?;
                    if i + 1 < n {
                        self.jump_if_or_pop(*is_or, l_end);
                    }
                }
                self.label_assign(l_end);
            }
            ExprKind::Compare(cmp) => {
                let (first, rest) = &**cmp;
                self.compile_expr(first)?;
                let multi = rest.len() > 1;
                let l_fail = if multi { self.new_label() } else { 0 };
                for (i, (o, x)) in rest.iter().enumerate() {
                    self.compile_expr(x)?;
                    let last = i + 1 == rest.len();
                    if !last {
                        self.dup_top();
                        self.rot_three();
                    }
                    let bop = match o {
                        CmpOp::Lt => binary::LESS,
                        CmpOp::Gt => binary::MORE,
                        CmpOp::Eq => binary::EQUAL,
                        CmpOp::LtE => binary::LESS_EQUAL,
                        CmpOp::GtE => binary::MORE_EQUAL,
                        CmpOp::NotEq => binary::NOT_EQUAL,
                        CmpOp::In => binary::IN,
                        CmpOp::NotIn => binary::NOT_IN,
                        CmpOp::Is => binary::IS,
                        CmpOp::IsNot => binary::IS_NOT,
                    };
                    self.binary_op(bop);
                    if !last {
                        self.jump_if_or_pop(false, l_fail);
                    }
                }
                if multi {
                    let l_end = self.new_label();
                    self.jump(l_end);
                    self.label_assign(l_fail);
                    self.adjust_stack_c(1);
                    self.rot_two();
                    self.pop_top();
                    self.label_assign(l_end);
                }
            }
            ExprKind::IfExp { body, test, orelse } => {
                let l_fail = self.new_label();
                let l_end = self.new_label();
                self.c_if_cond(test, false, l_fail)?;
                self.compile_expr(body)?;
                self.jump(l_end);
                self.label_assign(l_fail);
                self.adjust_stack_c(-1);
                self.compile_expr(orelse)?;
                self.label_assign(l_end);
            }
            ExprKind::Lambda(f) => {
                if self.pass == Pass::Scope {
                    let s = self.new_scope(ScopeKind::Lambda, ScopeNode::Func(f), f.line);
                    f.scope.set(s as u32);
                }
                let s = f.scope.get() as usize;
                self.compile_funcdef_lambdef(s, &f.params)?;
            }
            ExprKind::AtomExpr(ax) => {
                let (atom, trailers, await_) = (&ax.atom, &ax.trailers, &ax.await_);
                if *await_ {
                    let k = self.sc().kind;
                    if k != ScopeKind::Function && k != ScopeKind::Lambda {
                        return serr("'await' outside function", self.line_or_stmt(e.line));
                    }
                }
                self.compile_atom_expr(atom, trailers)?;
                if *await_ {
                    self.compile_yield_from();
                }
            }
            ExprKind::Slice {
                lower,
                upper,
                step,
                has_step: _,
            } => {
                match lower {
                    Some(l) => self.compile_expr(l)?,
                    None => self.load_const_tok_none(),
                }
                match upper {
                    None => {
                        self.load_const_tok_none();
                        match step {
                            Some(s) => {
                                self.compile_expr(s)?;
                                self.build(3, op::BUILD_SLICE);
                            }
                            None => self.build(2, op::BUILD_SLICE),
                        }
                    }
                    Some(u) => {
                        self.compile_expr(u)?;
                        match step {
                            Some(s) => {
                                self.compile_expr(s)?;
                                self.build(3, op::BUILD_SLICE);
                            }
                            None => self.build(2, op::BUILD_SLICE),
                        }
                    }
                }
            }
            ExprKind::Yield(v) => {
                let k = self.sc().kind;
                if k != ScopeKind::Function && k != ScopeKind::Lambda {
                    return serr("'yield' outside function", self.line_or_stmt(e.line));
                }
                match v {
                    None => self.load_const_tok_none(),
                    Some(x) => self.compile_expr(x)?,
                }
                self.yield_(false);
            }
            ExprKind::YieldFrom(x) => {
                let k = self.sc().kind;
                if k != ScopeKind::Function && k != ScopeKind::Lambda {
                    return serr("'yield' outside function", self.line_or_stmt(e.line));
                }
                self.compile_expr(x)?;
                self.compile_yield_from();
            }
            ExprKind::Named(t, v) => self.compile_namedexpr(t, v)?,
            ExprKind::Bad(m) => return serr(m, self.line_or_stmt(e.line)),
        }
        Ok(())
    }

    fn compile_namedexpr(&mut self, t: &'a Expr, v: &'a Expr) -> CResult<()> {
        let target = match t.kind {
            ExprKind::Name(q) => q,
            _ => return serr("can't assign to expression", self.line_or_stmt(t.line)),
        };
        self.compile_expr(v)?;
        self.dup_top();
        if self.pass == Pass::Scope && self.sc().kind.is_comp_like() {
            let cur = self.cur;
            let parent = self.scopes[cur].parent.unwrap_or(0);
            let pidx = self.id_for_modification(parent, target);
            if self.scopes[parent].ids[pidx].kind == IdKind::GlobalExplicit {
                self.scopes[cur].find_or_add(target, IdKind::GlobalExplicit);
            } else {
                let idx = self.scopes[cur].find_or_add(target, IdKind::Undecided);
                let is_global = self.scopes[parent].parent.is_none();
                if !is_global && self.scopes[cur].ids[idx].kind == IdKind::GlobalImplicit {
                    self.scopes[cur].ids[idx].kind = IdKind::Undecided;
                }
                self.declare_global_or_nonlocal(idx, is_global, self.line_or_stmt(t.line))?;
            }
        }
        self.store_id(target);
        Ok(())
    }

    fn compile_trailer(&mut self, t: &'a Trailer) -> CResult<()> {
        match t {
            Trailer::Call(l, args) => {
                self.set_source_line(*l);
                self.compile_trailer_paren_helper(args, false, 0)
            }
            Trailer::Index(l, idx) => {
                self.set_source_line(*l);
                self.compile_expr(idx)?;
                self.load_subscr();
                Ok(())
            }
            Trailer::Attr(l, q) => {
                self.set_source_line(*l);
                self.load_attr(*q);
                Ok(())
            }
        }
    }

    fn compile_atom_expr(&mut self, atom: &'a Expr, trailers: &'a [Trailer]) -> CResult<()> {
        self.compile_expr(atom)?;
        let n = trailers.len();
        let mut i = 0;
        if n > 0
            && self.sc().kind == ScopeKind::Function
            && matches!(atom.kind, ExprKind::Name(q) if q == self.n.super_)
            && matches!(&trailers[0], Trailer::Call(_, a) if a.is_empty())
        {
            self.load_id(self.n.class);
            let first_param = self
                .sc()
                .ids
                .iter()
                .find(|id| id.flags & ID_IS_PARAM != 0)
                .map(|id| id.qst);
            match first_param {
                Some(q) => self.load_id(q),
                None => {
                    let l = match &trailers[0] {
                        Trailer::Call(l, _) => *l,
                        _ => 0,
                    };
                    return serr("super() can't find self", self.line_or_stmt(l));
                }
            }
            if n >= 3 {
                if let (Trailer::Attr(_, q), Trailer::Call(_, args)) = (&trailers[1], &trailers[2])
                {
                    self.load_method(*q, true);
                    self.compile_trailer_paren_helper(args, true, 0)?;
                    i = 3;
                }
            }
            if i == 0 {
                self.call(false, 2, 0, false);
                i = 1;
            }
        }
        while i < n {
            if i + 1 < n {
                if let (Trailer::Attr(_, q), Trailer::Call(_, args)) =
                    (&trailers[i], &trailers[i + 1])
                {
                    self.load_method(*q, false);
                    self.compile_trailer_paren_helper(args, true, 0)?;
                    i += 2;
                    continue;
                }
            }
            self.compile_trailer(&trailers[i])?;
            i += 1;
        }
        Ok(())
    }

    fn compile_trailer_paren_helper(
        &mut self,
        args: &'a [Arg],
        is_method: bool,
        n_positional_extra: usize,
    ) -> CResult<()> {
        let mut n_positional = n_positional_extra;
        let mut n_keyword = 0usize;
        let mut star_single = false;
        let mut star_double = false;
        let mut star_args: u64 = 0;
        for (i, a) in args.iter().enumerate() {
            match a {
                Arg::Star(x, star_line) => {
                    if star_double {
                        return serr("* arg after **", *star_line);
                    }
                    if n_keyword > 0 {
                        return serr("* arg after kwarg", *star_line);
                    }
                    if i + 1 >= self.opts.small_int_bits as usize {
                        return serr("too many args", *star_line);
                    }
                    star_single = true;
                    star_args |= 1u64 << i;
                    self.compile_expr(x)?;
                    n_positional += 1;
                }
                Arg::DblStar(x) => {
                    star_double = true;
                    self.load_null();
                    self.compile_expr(x)?;
                    n_keyword += 1;
                }
                Arg::Named(t, v) => {
                    self.compile_namedexpr(t, v)?;
                    n_positional += 1;
                }
                Arg::Kw(k, v) => {
                    let q = match k.kind {
                        ExprKind::Name(q) => q,
                        _ => {
                            return serr(
                                "LHS of keyword arg must be an id",
                                self.line_or_stmt(k.line),
                            )
                        }
                    };
                    self.load_const_str(q);
                    self.compile_expr(v)?;
                    n_keyword += 1;
                }
                Arg::Gen(c) => {
                    self.compile_comprehension(c, ScopeKind::GenExpr)?;
                    n_positional += 1;
                }
                Arg::Pos(x) => {
                    if star_double {
                        return serr("positional arg after **", self.line_or_stmt(x.line));
                    }
                    if n_keyword > 0 {
                        return serr(
                            "positional arg after keyword arg",
                            self.line_or_stmt(x.line),
                        );
                    }
                    self.compile_expr(x)?;
                    n_positional += 1;
                }
            }
        }
        if n_positional > 0xff || n_keyword > 0xff {
            return serr("too many args", self.stmt_line);
        }
        let star = star_single || star_double;
        if star {
            self.load_const_small_int(star_args as i64);
        }
        self.call(is_method, n_positional, n_keyword, star);
        Ok(())
    }

    fn compile_comprehension(&mut self, c: &'a Comp, kind: ScopeKind) -> CResult<()> {
        if self.pass == Pass::Scope {
            let s = self.new_scope(kind, ScopeNode::Comp(c), c.line);
            c.scope.set(s as u32);
        }
        let s = c.scope.get() as usize;
        self.close_over_variables_etc(s, 0, 0);
        match c.clauses.first() {
            Some(CompClause::For { iter, .. }) => self.compile_expr(iter)?,
            _ => return serr("invalid syntax", self.line_or_stmt(c.line)),
        }
        if kind == ScopeKind::GenExpr {
            self.get_iter(false);
        }
        self.call(false, 1, 0, false);
        Ok(())
    }

    fn compile_comp_iter(
        &mut self,
        c: &'a Comp,
        clause_idx: usize,
        for_depth: usize,
    ) -> CResult<()> {
        let l_top = self.new_label();
        let l_end = self.new_label();
        self.label_assign(l_top);
        self.for_iter(l_end);
        if let Some(CompClause::For { target, .. }) = c.clauses.get(clause_idx) {
            self.c_assign(target, AssignKind::Store)?;
        }
        let mut i = clause_idx + 1;
        loop {
            match c.clauses.get(i) {
                None => {
                    let kind = self.sc().kind;
                    match &c.value {
                        Some(v) => {
                            self.set_source_line(c.line);
                            self.compile_expr(v)?;
                            self.compile_expr(&c.elt)?;
                        }
                        None => self.compile_expr(&c.elt)?,
                    }
                    if kind == ScopeKind::GenExpr {
                        self.yield_(false);
                        self.pop_top();
                    } else {
                        self.store_comp(kind, 4 * for_depth + 5);
                    }
                    break;
                }
                Some(CompClause::If(cond)) => {
                    self.c_if_cond(cond, false, l_top)?;
                    i += 1;
                }
                Some(CompClause::For { iter, .. }) => {
                    self.compile_expr(iter)?;
                    self.get_iter(true);
                    self.compile_comp_iter(c, i, for_depth + 1)?;
                    break;
                }
            }
        }
        self.jump(l_top);
        self.label_assign(l_end);
        self.for_iter_end();
        Ok(())
    }

    // ---- scope driver -------------------------------------------------------------------------

    fn start_pass(&mut self) {
        self.emit.stack_size = 0;
        self.emit.suppress = false;
        self.emit.last_source_line_offset = 0;
        self.emit.last_source_line = 1;
        self.emit.code_info.clear();
        self.emit.bytecode.clear();
        self.emit.overflow = false;
        self.emit.children.clear();
        let sc = &self.scopes[self.cur];
        let mut n_state = sc.num_locals as usize + sc.stack_size as usize;
        if n_state == 0 {
            n_state = 1;
        }
        let (exc, flags, a, k, d) = (
            sc.exc_stack_size as usize,
            sc.scope_flags,
            sc.num_pos_args as usize,
            sc.num_kwonly_args as usize,
            sc.num_def_pos_args as usize,
        );
        bc::encode_prelude_sig(
            &mut self.emit.code_info,
            n_state,
            exc,
            (flags & 0x0f) as u8,
            a,
            k,
            d,
        );
        if self.pass >= Pass::CodeSize {
            let (ni, nc) = (self.emit.n_info, self.emit.n_cell);
            bc::encode_prelude_size(&mut self.emit.code_info, ni, nc);
        }
        self.emit.n_info = self.emit.code_info.len();
        let name = self.scopes[self.cur].simple_name;
        let qi = self.use_qstr(name);
        bc::encode_uint(&mut self.emit.code_info, qi as u64);
        let n_args = sc_args(&self.scopes[self.cur]);
        for i in 0..n_args {
            let mut q = self.n.star;
            for id in self.scopes[self.cur].ids.iter() {
                if id.flags & ID_IS_PARAM != 0 && id.local_num as usize == i {
                    q = id.qst;
                    break;
                }
            }
            let qi = self.use_qstr(q);
            bc::encode_uint(&mut self.emit.code_info, qi as u64);
        }
        self.v_start_pass();
    }

    /// Returns true when the pass is complete (false: another EMIT pass is needed).
    fn end_pass(&mut self) -> CResult<bool> {
        if self.pass == Pass::Scope {
            return Ok(true);
        }
        if let Some(e) = self.emit.hard_err.take() {
            return Err(e);
        }
        if let Some(e) = self.emit.verr.take() {
            return Err(e);
        }
        self.emit.n_info = self.emit.code_info.len() - self.emit.n_info;
        self.emit.n_cell = 0;
        let cells: Vec<u32> = self.scopes[self.cur]
            .ids
            .iter()
            .filter(|id| id.kind == IdKind::Cell)
            .map(|id| id.local_num)
            .collect();
        for c in cells {
            push_byte(&mut self.emit.code_info, c as u8);
            self.emit.n_cell += 1;
        }
        if self.pass == Pass::CodeSize {
            self.emit.code_info_size = self.emit.code_info.len();
            self.emit.bytecode_size = self.emit.bytecode.len();
        } else if self.pass == Pass::Emit {
            if self.emit.code_info.len() != self.emit.code_info_size
                || self.emit.bytecode.len() != self.emit.bytecode_size
            {
                self.emit.code_info_size = self.emit.code_info.len();
                self.emit.bytecode_size = self.emit.bytecode.len();
                return Ok(false);
            }
            if self.emit.overflow {
                return serr("bytecode overflow", self.scopes[self.cur].line);
            }
            let sc = &self.scopes[self.cur];
            let too_big = sc.num_locals as usize + sc.stack_size as usize > 0xffff
                || sc.exc_stack_size > 0xffff
                || sc.num_pos_args > 0xffff
                || sc.num_kwonly_args > 0xffff
                || sc
                    .ids
                    .iter()
                    .any(|id| id.kind == IdKind::Cell && id.local_num > 255);
            if too_big {
                return serr("too many locals or arguments", sc.line);
            }
            let mut code = core::mem::take(&mut self.emit.code_info);
            push_bytes(&mut code, &self.emit.bytecode);
            let cur = self.cur;
            self.scopes[cur].bytecode = code;
            self.scopes[cur].children = core::mem::take(&mut self.emit.children);
        }
        Ok(true)
    }

    fn compile_scope(&mut self, si: usize, pass: Pass) -> CResult<bool> {
        self.pass = pass;
        self.cur = si;
        self.next_label = 0;
        self.ct_cur_child = 0;
        self.break_label = INVALID_LABEL;
        self.continue_label = INVALID_LABEL;
        self.cur_except_level = 0;
        self.break_continue_except_level = 0;
        self.start_pass();
        if pass == Pass::Scope {
            self.scopes[si].stack_size = 0;
            self.scopes[si].exc_stack_size = 0;
        }
        let node = self.scopes[si].node;
        self.stmt_line = self.scopes[si].line;
        match node {
            ScopeNode::Eval(e) => {
                self.compile_expr(e)?;
                self.return_value();
            }
            ScopeNode::Module(body) => {
                self.compile_block(body)?;
                self.load_const_tok_none();
                self.return_value();
            }
            ScopeNode::Func(f) if self.scopes[si].kind == ScopeKind::Function => {
                if pass == Pass::Scope {
                    self.have_star = false;
                    for p in &f.params {
                        self.compile_scope_param(p)?;
                    }
                    if self.scopes[si].emit_opt == EMIT_VIPER {
                        let t = self.viper_annotation(f.ret_annot.as_ref(), f.line)?;
                        self.scopes[si].viper_ret = t;
                    }
                }
                if self.emit.viper {
                    self.v_convert_args();
                }
                self.compile_block(&f.body)?;
                self.load_const_tok_none();
                self.return_value();
            }
            ScopeNode::Func(f) => {
                // lambda
                self.set_source_line(f.line);
                if pass == Pass::Scope {
                    self.have_star = false;
                    for p in &f.params {
                        self.compile_scope_param(p)?;
                    }
                }
                if let Some(b) = &f.lambda_body {
                    self.compile_expr(b)?;
                }
                if self.sc().scope_flags & FLAG_GENERATOR != 0 {
                    self.pop_top();
                    self.load_const_tok_none();
                }
                self.return_value();
            }
            ScopeNode::Comp(c) => {
                let kind = self.scopes[si].kind;
                let q_arg = self.n.empty;
                if pass == Pass::Scope {
                    self.scopes[si].find_or_add(q_arg, IdKind::Local);
                    self.scopes[si].num_pos_args = 1;
                }
                self.set_source_line(c.line);
                match kind {
                    ScopeKind::ListComp => self.build(0, op::BUILD_LIST),
                    ScopeKind::DictComp => self.build(0, op::BUILD_MAP),
                    ScopeKind::SetComp => self.build(0, op::BUILD_SET),
                    _ => {}
                }
                if kind == ScopeKind::GenExpr {
                    self.load_null();
                    self.load_id(q_arg);
                    self.load_null();
                    self.load_null();
                } else {
                    self.load_id(q_arg);
                    self.get_iter(true);
                }
                self.compile_comp_iter(c, 0, 0)?;
                if kind == ScopeKind::GenExpr {
                    self.load_const_tok_none();
                }
                self.return_value();
            }
            ScopeNode::Class(c) => {
                if pass == Pass::Scope {
                    let q = self.n.class;
                    self.scopes[si].find_or_add(q, IdKind::Local);
                }
                self.load_id(self.n.name);
                self.store_id(self.n.module);
                self.load_const_str(c.name);
                self.store_id(self.n.qualname);
                self.compile_block(&c.body)?;
                let id = self.sc().find(self.n.class).map(|i| self.sc().ids[i]);
                match id {
                    Some(id) if id.kind != IdKind::Local => self.load_fast(id.local_num),
                    _ => self.load_const_tok_none(),
                }
                self.return_value();
            }
        }
        self.end_pass()
    }

    fn compile_scope_param(&mut self, p: &'a Param) -> CResult<()> {
        let line = self.line_or_stmt(p.line);
        if self.sc().scope_flags & FLAG_VARKEYWORDS != 0 {
            return serr("invalid syntax", line);
        }
        let mut flag = ID_IS_PARAM;
        let name = match p.kind {
            ParamKind::Normal => {
                if self.have_star {
                    self.scm().num_kwonly_args += 1;
                } else {
                    self.scm().num_pos_args += 1;
                }
                p.name
            }
            ParamKind::Star => {
                if self.have_star {
                    return serr("invalid syntax", line);
                }
                self.have_star = true;
                flag |= ID_IS_STAR_PARAM;
                if p.name.is_some() {
                    self.scm().scope_flags |= FLAG_VARARGS;
                }
                p.name
            }
            ParamKind::DblStar => {
                flag |= ID_IS_DBL_STAR_PARAM;
                self.scm().scope_flags |= FLAG_VARKEYWORDS;
                p.name
            }
        };
        if let Some(q) = name {
            let cur = self.cur;
            let idx = self.scopes[cur].find_or_add(q, IdKind::Undecided);
            if self.scopes[cur].ids[idx].kind != IdKind::Undecided {
                return serr("argument name reused", line);
            }
            self.scopes[cur].ids[idx].kind = IdKind::Local;
            self.scopes[cur].ids[idx].flags = flag;
            if self.scopes[cur].emit_opt == EMIT_VIPER
                && matches!(p.kind, ParamKind::Normal)
                && (p.annot.is_some() || p.default.is_some())
            {
                let t = self.viper_annotation(p.annot.as_ref(), line)?;
                self.scopes[cur].arg_vt.push((q, t));
            }
        }
        Ok(())
    }

    /// The native type a viper annotation names (0 = object when absent).
    fn viper_annotation(&mut self, a: Option<&Annot>, line: u32) -> CResult<u8> {
        match a {
            None => Ok(0),
            Some(Annot::Name(q)) => match viper::native_type_from_name(self.names.get(*q)) {
                Some(t) => Ok(t),
                None => Err(Box::new(Err0 {
                    msg: alloc::format!("unknown type '{}'", lossy(self.names.get(*q))),
                    line,
                    kind: ErrorKind::ViperTypeError,
                })),
            },
            Some(Annot::Other(l)) => serr("annotation must be an identifier", *l),
        }
    }

    /// Run all passes over all scopes.
    fn run(&mut self, root: ScopeNode<'a>) -> CResult<()> {
        self.new_scope(ScopeKind::Module, root, 1);
        let mut i = 0;
        while i < self.scopes.len() {
            self.emit = Emitter::default();
            self.compile_scope(i, Pass::Scope)?;
            let n = self.scopes[i].ids.len();
            for j in 0..n {
                if self.scopes[i].ids[j].kind == IdKind::GlobalImplicit {
                    self.check_to_close_over(i, j);
                }
            }
            i += 1;
        }
        for i in 0..self.scopes.len() {
            self.compute_things(i);
        }
        for i in 0..self.scopes.len() {
            self.emit = Emitter::default();
            self.compile_scope(i, Pass::StackSize)?;
            self.compile_scope(i, Pass::CodeSize)?;
            let mut tries = 0;
            while !self.compile_scope(i, Pass::Emit)? {
                tries += 1;
                if tries > 64 {
                    return serr("bytecode overflow", self.scopes[i].line);
                }
            }
        }
        Ok(())
    }

    fn build_raw(&mut self, si: usize) -> RawCode {
        let bytecode = core::mem::take(&mut self.scopes[si].bytecode);
        let children_idx = core::mem::take(&mut self.scopes[si].children);
        let children = children_idx
            .into_iter()
            .map(|c| self.build_raw(c))
            .collect();
        let kind = match self.scopes[si].emit_opt {
            EMIT_NATIVE => RawCodeKind::Native,
            EMIT_VIPER => RawCodeKind::Viper,
            _ => RawCodeKind::Bytecode,
        };
        RawCode {
            kind,
            bytecode,
            children,
        }
    }
}

fn sc_args(s: &Scope) -> usize {
    s.num_pos_args as usize + s.num_kwonly_args as usize
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Convert a compile-time constant to the contract's representation.
pub fn obj_to_const(o: &Obj) -> Const {
    match o {
        Obj::Int(v) => Const::Int(alloc::format!("{}", v)),
        Obj::Mpz(b) => Const::Int(b.to_decimal()),
        Obj::Float(f) => Const::Float(num::float_repr(*f, true)),
        Obj::Complex(f) => Const::Complex(num::float_repr(*f, true)),
        Obj::Str(s) => Const::Str(lossy(s)),
        Obj::Bytes(b) => Const::Bytes(b.clone()),
        Obj::Tuple(t) => Const::Tuple(t.iter().map(obj_to_const).collect()),
        Obj::None => Const::None,
        Obj::True => Const::True,
        Obj::False => Const::False,
        Obj::Ellipsis => Const::Ellipsis,
    }
}

/// Compile Python source to a module (see the crate docs).
pub fn compile(
    source: &str,
    filename: &str,
    mode: Mode,
    opts: &Options,
) -> Result<CompiledModule, CompileError> {
    compile_with_limit(
        source.as_bytes(),
        filename,
        mode,
        opts,
        crate::parser::MAX_DEPTH,
    )
}

/// Like [`compile`], for source bytes that need not be UTF-8 (MicroPython's lexer is 8-bit
/// clean; invalid UTF-8 in names/strings is replaced by U+FFFD in the output tables), and
/// with an explicit nesting limit: each level costs about 2.1 KB of native stack on x86-64
/// (less on 32-bit targets), so a port compiling on a small task stack should pass
/// `stack_bytes / 2500` or so. Deeper nesting gives SyntaxError "too deeply nested".
pub fn compile_with_limit(
    source: &[u8],
    filename: &str,
    mode: Mode,
    opts: &Options,
    max_depth: u32,
) -> Result<CompiledModule, CompileError> {
    use crate::parser::{InputKind, Parser, Tree};
    let input = match mode {
        Mode::File => InputKind::File,
        Mode::Single => InputKind::Single,
        Mode::Eval => InputKind::Eval,
    };
    let mut opts = opts.clone();
    opts.small_int_bits = opts.small_int_bits.clamp(8, 63);
    let mut p = Parser::new(source, input, opts.opt_level, opts.small_int_bits);
    p.max_depth = max_depth.max(1);
    let tree = match p.parse() {
        Ok(t) => t,
        Err(e) => {
            return Err(CompileError {
                kind: e.kind,
                msg: e.msg.into_boxed_str(),
                file: filename.into(),
                line: e.line,
                block: None,
            })
        }
    };
    let names = core::mem::take(&mut p.names);
    drop(p);
    let tree: Box<Tree> = Box::new(tree);
    let tree_ref: &Tree = &tree;
    let mut c = Compiler::new(names, &opts, mode == Mode::Single, filename);
    c.max_depth = max_depth.max(1);
    let root = match tree_ref {
        Tree::Module(b) => ScopeNode::Module(b),
        Tree::Eval(e) => ScopeNode::Eval(e),
    };
    if let Err(e) = c.run(root) {
        let line = if e.line == 0 { 1 } else { e.line };
        let block = c
            .scopes
            .get(c.cur)
            .map(|s| lossy(c.names.get(s.simple_name)).into_boxed_str());
        return Err(CompileError {
            kind: e.kind,
            msg: e.msg.into_boxed_str(),
            file: filename.into(),
            line,
            block,
        });
    }
    let root = c.build_raw(0);
    let qstrs = c.qstr_list.iter().map(|&q| lossy(c.names.get(q))).collect();
    let consts = c.consts.iter().map(obj_to_const).collect();
    Ok(CompiledModule {
        qstrs,
        consts,
        root,
    })
}
