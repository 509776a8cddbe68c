//! Recursive-descent parser producing [`crate::ast`], with MicroPython's parse-time
//! transformations: constant folding (numbers, `and`/`or`/`not` on constants, constant tuples,
//! `math.*` constants), `micropython.const()` declarations, removal of lonely constant
//! statements (doc strings), and its choice of which string literals become qstrs.

use crate::text::push_bytes;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::cell::Cell;

use crate::ast::*;
use crate::bc::{binary, unary};
use crate::lexer::{Lexer, Tok};
use crate::num::{self, Obj};
use crate::raw::ErrorKind;

/// Default maximum nesting of expressions/blocks before the parser gives up (bounds native
/// recursion; see [`crate::compile_with_limit`]).
pub const MAX_DEPTH: u32 = 100;

/// Strings of at most this many bytes are always interned (MICROPY_ALLOC_PARSE_INTERN_STRING_LEN).
const INTERN_STRING_LEN: usize = 10;

#[derive(Debug)]
pub struct ParseError {
    pub kind: ErrorKind,
    pub msg: alloc::string::String,
    pub line: u32,
}

type PResult<T> = Result<T, Box<ParseError>>;

#[cold]
#[inline(never)]
fn err_box_msg(msg: &str, line: u32) -> Box<ParseError> {
    Box::new(ParseError {
        kind: ErrorKind::SyntaxError,
        msg: msg.into(),
        line,
    })
}

/// What to parse.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    File,
    Single,
    Eval,
}

/// The parse result.
pub enum Tree {
    Module(Vec<Stmt>),
    Eval(Expr),
}

/// String table shared by parser and compiler.
#[derive(Default)]
pub struct Interner {
    /// all strings, concatenated; string `i` is `data[ends[i-1]..ends[i]]`
    data: Vec<u8>,
    ends: Vec<u32>,
    /// open-addressing hash table of symbol + 1 (0 = empty)
    table: Vec<u32>,
}

fn hash_bytes(s: &[u8]) -> u32 {
    // FNV-1a, folded: well mixed in the low bits used by the table
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in s {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    (h ^ (h >> 29) ^ (h >> 47)) as u32
}

impl Interner {
    fn find_slot(&self, s: &[u8]) -> (usize, Option<Sym>) {
        let mask = self.table.len() - 1;
        let mut i = hash_bytes(s) as usize & mask;
        loop {
            match self.table[i] {
                0 => return (i, None),
                v => {
                    let q = v - 1;
                    if self.get(q) == s {
                        return (i, Some(q));
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }

    fn grow(&mut self) {
        let n = (self.table.len() * 2).max(64);
        self.table = alloc::vec![0; n];
        for q in 0..self.ends.len() as u32 {
            let s = self.get(q).to_vec();
            let (slot, _) = self.find_slot(&s);
            self.table[slot] = q + 1;
        }
    }

    pub fn intern(&mut self, s: &[u8]) -> Sym {
        if self.table.is_empty() || (self.ends.len() + 1) * 2 > self.table.len() {
            self.grow();
        }
        let (slot, found) = self.find_slot(s);
        if let Some(q) = found {
            return q;
        }
        let q = self.ends.len() as Sym;
        push_bytes(&mut self.data, s);
        self.ends.push(self.data.len() as u32);
        self.table[slot] = q + 1;
        q
    }

    pub fn lookup(&self, s: &[u8]) -> Option<Sym> {
        if self.table.is_empty() {
            return None;
        }
        self.find_slot(s).1
    }

    pub fn get(&self, q: Sym) -> &[u8] {
        let q = q as usize;
        let end = match self.ends.get(q) {
            Some(&e) => e as usize,
            None => return b"",
        };
        let start = if q == 0 { 0 } else { self.ends[q - 1] as usize };
        self.data.get(start..end).unwrap_or(b"")
    }
}

pub struct Parser<'a> {
    lex: Lexer<'a>,
    pub names: Interner,
    consts: BTreeMap<Sym, Obj>,
    small_int_bits: u8,
    depth: u32,
    /// nesting limit (see MAX_DEPTH)
    pub max_depth: u32,
    input: InputKind,
}

/// What a viper function needs of an annotation: the identifier, or where a non-identifier was.
fn annot_of(e: &Expr) -> Annot {
    match e.kind {
        ExprKind::Name(q) => Annot::Name(q),
        _ => Annot::Other(e.line),
    }
}

fn is_const(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::SmallInt(_)
            | ExprKind::Str(_)
            | ExprKind::None
            | ExprKind::True
            | ExprKind::False
            | ExprKind::Ellipsis
            | ExprKind::Const(_)
            | ExprKind::EmptyTuple
    )
}

/// Is `e` a constant with the given truth value (MicroPython's mp_parse_node_is_const_true/false)?
pub fn is_const_bool(e: &Expr, value: bool) -> bool {
    let t = match &e.kind {
        ExprKind::SmallInt(v) => *v != 0,
        ExprKind::Str(q) => *q != EMPTY_STR_SYM,
        ExprKind::None | ExprKind::False => false,
        ExprKind::True | ExprKind::Ellipsis => true,
        ExprKind::Const(o) => o.is_true(),
        ExprKind::EmptyTuple => false,
        _ => return false,
    };
    t == value
}

/// The interner always assigns this symbol to the empty string.
pub const EMPTY_STR_SYM: Sym = 0;

/// Build an `or`/`and` chain with MicroPython's constant folding: drop constants that cannot
/// decide the result, stop at one that does.
fn fold_bool_chain(is_or: bool, line: u32, items: Vec<Expr>) -> Expr {
    if items.len() == 1 {
        return items
            .into_iter()
            .next()
            .unwrap_or_else(|| Expr::leaf(ExprKind::None));
    }
    let n = items.len();
    let mut kept: Vec<Expr> = Vec::with_capacity(n);
    for (i, e) in items.into_iter().enumerate() {
        if i + 1 == n || is_const_bool(&e, is_or) {
            kept.push(e);
            break;
        } else if !is_const_bool(&e, !is_or) {
            kept.push(e);
        }
    }
    if kept.len() == 1 {
        return kept.pop().unwrap_or_else(|| Expr::leaf(ExprKind::None));
    }
    Expr::new(line, ExprKind::BoolOp(is_or, kept))
}

fn number_of(e: &Expr) -> Option<Obj> {
    match &e.kind {
        ExprKind::SmallInt(v) => Some(Obj::Int(*v as i128)),
        ExprKind::Const(o) if o.is_number() => Some((**o).clone()),
        _ => None,
    }
}

fn const_to_obj(e: &Expr, names: &Interner) -> Obj {
    match &e.kind {
        ExprKind::SmallInt(v) => Obj::Int(*v as i128),
        ExprKind::Str(q) => Obj::Str(names.get(*q).to_vec()),
        ExprKind::None => Obj::None,
        ExprKind::True => Obj::True,
        ExprKind::False => Obj::False,
        ExprKind::Ellipsis => Obj::Ellipsis,
        ExprKind::Const(o) => (**o).clone(),
        _ => Obj::Tuple(Vec::new()),
    }
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a [u8], input: InputKind, opt_level: u8, small_int_bits: u8) -> Parser<'a> {
        let mut names = Interner::default();
        names.intern(b"");
        Parser {
            lex: Lexer::new(src, opt_level),
            names,
            consts: BTreeMap::new(),
            small_int_bits,
            depth: 0,
            max_depth: MAX_DEPTH,
            input,
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /// The error for the current token. Generic wrappers stay tiny: the work is in the
    /// non-generic [`Parser::err_box`] / [`err_box_msg`] (one copy instead of one per result type).
    #[inline]
    fn err<T>(&self) -> PResult<T> {
        Err(self.err_box())
    }

    #[cold]
    #[inline(never)]
    fn err_box(&self) -> Box<ParseError> {
        let (kind, msg) = match self.lex.tok {
            Tok::Indent => (ErrorKind::IndentationError, "unexpected indent"),
            Tok::DedentMismatch => (
                ErrorKind::IndentationError,
                "unindent doesn't match any outer indent level",
            ),
            Tok::MalformedFstring => (ErrorKind::SyntaxError, "malformed f-string"),
            Tok::UnicodeNameEscape => (ErrorKind::NotImplementedError, "unicode name escapes"),
            _ => (ErrorKind::SyntaxError, "invalid syntax"),
        };
        Box::new(ParseError {
            kind,
            msg: msg.into(),
            line: self.lex.tok_line,
        })
    }

    #[inline]
    fn err_msg<T>(&self, msg: &str, line: u32) -> PResult<T> {
        Err(err_box_msg(msg, line))
    }

    #[inline]
    fn tok(&self) -> Tok {
        self.lex.tok
    }
    #[inline]
    fn tline(&self) -> u32 {
        self.lex.tok_line
    }
    fn advance(&mut self) {
        self.lex.next();
    }
    fn accept(&mut self, t: Tok) -> bool {
        if self.lex.tok == t {
            self.lex.next();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, t: Tok) -> PResult<()> {
        if self.accept(t) {
            Ok(())
        } else {
            self.err()
        }
    }
    fn name(&mut self) -> PResult<Sym> {
        if self.lex.tok == Tok::Name {
            let q = self.names.intern(&self.lex.text);
            self.lex.next();
            Ok(q)
        } else {
            self.err()
        }
    }
    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return self.err_msg("too deeply nested", self.lex.tok_line);
        }
        Ok(())
    }
    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- top level ---------------------------------------------------------------------------

    pub fn parse(&mut self) -> PResult<Tree> {
        match self.input {
            InputKind::Eval => {
                let e = self.parse_testlist()?;
                while self.tok() == Tok::Newline {
                    self.advance();
                }
                if self.tok() != Tok::End {
                    return self.err();
                }
                Ok(Tree::Eval(e))
            }
            InputKind::Single => {
                let mut body = Vec::new();
                if self.tok() == Tok::Newline {
                    self.advance();
                } else if self.is_compound_start() {
                    self.parse_compound(&mut body)?;
                } else {
                    self.parse_simple_stmt(&mut body)?;
                }
                if self.tok() != Tok::End {
                    return self.err();
                }
                Ok(Tree::Module(body))
            }
            InputKind::File => {
                let mut body = Vec::new();
                loop {
                    match self.tok() {
                        Tok::Newline => self.advance(),
                        Tok::End => break,
                        _ => self.parse_stmt(&mut body)?,
                    }
                }
                Ok(Tree::Module(body))
            }
        }
    }

    fn is_compound_start(&self) -> bool {
        matches!(
            self.tok(),
            Tok::KwIf
                | Tok::KwWhile
                | Tok::KwFor
                | Tok::KwTry
                | Tok::KwWith
                | Tok::KwDef
                | Tok::KwClass
                | Tok::At
                | Tok::KwAsync
        )
    }

    fn parse_stmt(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        if self.is_compound_start() {
            self.enter()?;
            let r = self.parse_compound(out);
            self.leave();
            r
        } else {
            self.parse_simple_stmt(out)
        }
    }

    fn parse_suite(&mut self) -> PResult<Vec<Stmt>> {
        let mut body = Vec::new();
        if self.tok() == Tok::Newline {
            self.advance();
            if self.tok() != Tok::Indent {
                return self.err();
            }
            self.advance();
            loop {
                self.parse_stmt(&mut body)?;
                if self.tok() == Tok::Dedent {
                    self.advance();
                    break;
                }
            }
        } else {
            self.parse_simple_stmt(&mut body)?;
        }
        Ok(body)
    }

    fn parse_simple_stmt(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        loop {
            let s = self.parse_small_stmt()?;
            out.push(s);
            if self.accept(Tok::Semicolon) {
                if self.tok() == Tok::Newline {
                    break;
                }
                continue;
            }
            break;
        }
        self.expect(Tok::Newline)
    }

    fn parse_small_stmt(&mut self) -> PResult<Stmt> {
        let line = self.tline();
        let kind = match self.tok() {
            Tok::KwPass => {
                self.advance();
                StmtKind::Pass
            }
            Tok::KwBreak => {
                self.advance();
                StmtKind::Break
            }
            Tok::KwContinue => {
                self.advance();
                StmtKind::Continue
            }
            Tok::KwDel => {
                self.advance();
                let e = self.parse_exprlist()?;
                let targets = match e.kind {
                    ExprKind::Tuple(items, true) => items,
                    kind => alloc::vec![Expr { line: e.line, kind }],
                };
                StmtKind::Del(targets)
            }
            Tok::KwReturn => {
                self.advance();
                if self.at_expr_end() {
                    StmtKind::Return(None)
                } else {
                    StmtKind::Return(Some(self.parse_testlist()?))
                }
            }
            Tok::KwRaise => {
                self.advance();
                if self.at_expr_end() {
                    StmtKind::Raise(None)
                } else {
                    let e = self.parse_test()?;
                    let cause = if self.accept(Tok::KwFrom) {
                        Some(self.parse_test()?)
                    } else {
                        None
                    };
                    StmtKind::Raise(Some(Box::new((e, cause))))
                }
            }
            Tok::KwYield => {
                let e = self.parse_yield_expr()?;
                StmtKind::YieldStmt(e)
            }
            Tok::KwImport => {
                self.advance();
                let mut names = Vec::new();
                loop {
                    let dotted = self.parse_dotted_name()?;
                    let asname = if self.accept(Tok::KwAs) {
                        Some(self.name()?)
                    } else {
                        None
                    };
                    names.push((dotted, asname));
                    if !self.accept(Tok::Comma) {
                        break;
                    }
                }
                StmtKind::Import(names)
            }
            Tok::KwFrom => {
                self.advance();
                let mut level = 0u32;
                loop {
                    if self.accept(Tok::Dot) {
                        level += 1;
                    } else if self.accept(Tok::Ellipsis) {
                        level += 3;
                    } else {
                        break;
                    }
                }
                let module = if self.tok() == Tok::Name {
                    Some(self.parse_dotted_name()?)
                } else if level == 0 {
                    return self.err();
                } else {
                    None
                };
                self.expect(Tok::KwImport)?;
                let names = if self.accept(Tok::Star) {
                    ImportNames::Star
                } else {
                    let paren = self.accept(Tok::LParen);
                    let mut v = Vec::new();
                    loop {
                        let n = self.name()?;
                        let a = if self.accept(Tok::KwAs) {
                            Some(self.name()?)
                        } else {
                            None
                        };
                        v.push((n, a));
                        if !self.accept(Tok::Comma) {
                            break;
                        }
                        if self.tok() != Tok::Name {
                            // trailing comma allowed (import_as_names is list_with_end)
                            break;
                        }
                    }
                    if paren {
                        self.expect(Tok::RParen)?;
                    }
                    ImportNames::Names(v)
                };
                StmtKind::ImportFrom {
                    level,
                    module,
                    names,
                }
            }
            Tok::KwGlobal | Tok::KwNonlocal => {
                let g = self.tok() == Tok::KwGlobal;
                self.advance();
                let mut v = Vec::new();
                loop {
                    v.push(self.name()?);
                    if !self.accept(Tok::Comma) {
                        break;
                    }
                }
                if g {
                    StmtKind::Global(v)
                } else {
                    StmtKind::Nonlocal(v)
                }
            }
            Tok::KwAssert => {
                self.advance();
                let t = self.parse_test()?;
                let m = if self.accept(Tok::Comma) {
                    Some(self.parse_test()?)
                } else {
                    None
                };
                StmtKind::Assert(Box::new((t, m)))
            }
            _ => return self.parse_expr_stmt(),
        };
        Ok(Stmt { line, kind })
    }

    fn at_expr_end(&self) -> bool {
        matches!(self.tok(), Tok::Newline | Tok::Semicolon | Tok::End)
    }

    fn parse_dotted_name(&mut self) -> PResult<Vec<Sym>> {
        let mut v = alloc::vec![self.name()?];
        while self.accept(Tok::Dot) {
            v.push(self.name()?);
        }
        Ok(v)
    }

    fn parse_expr_stmt(&mut self) -> PResult<Stmt> {
        let line = self.tline();
        let lhs = self.parse_testlist_star_expr()?;
        let aug = match self.tok() {
            Tok::PipeEq => Some(binary::INPLACE_OR),
            Tok::CaretEq => Some(binary::INPLACE_XOR),
            Tok::AmpEq => Some(binary::INPLACE_AND),
            Tok::ShlEq => Some(binary::INPLACE_LSHIFT),
            Tok::ShrEq => Some(binary::INPLACE_RSHIFT),
            Tok::PlusEq => Some(binary::INPLACE_ADD),
            Tok::MinusEq => Some(binary::INPLACE_SUBTRACT),
            Tok::StarEq => Some(binary::INPLACE_MULTIPLY),
            Tok::AtEq => Some(binary::INPLACE_MAT_MULTIPLY),
            Tok::DblSlashEq => Some(binary::INPLACE_FLOOR_DIVIDE),
            Tok::SlashEq => Some(binary::INPLACE_TRUE_DIVIDE),
            Tok::PercentEq => Some(binary::INPLACE_MODULO),
            Tok::DblStarEq => Some(binary::INPLACE_POWER),
            _ => None,
        };
        if let Some(op) = aug {
            self.advance();
            let rhs = if self.tok() == Tok::KwYield {
                self.parse_yield_expr()?
            } else {
                self.parse_testlist()?
            };
            return Ok(Stmt {
                line,
                kind: StmtKind::AugAssign(Box::new((lhs, op, rhs))),
            });
        }
        if self.tok() == Tok::Colon {
            // annotation
            self.advance();
            let _ann = self.parse_test()?;
            if self.accept(Tok::Assign) {
                let rhs = if self.tok() == Tok::KwYield {
                    self.parse_yield_expr()?
                } else {
                    self.parse_testlist_star_expr()?
                };
                return self.finish_single_assign(line, lhs, rhs);
            }
            return Ok(Stmt {
                line,
                kind: StmtKind::AnnDecl(lhs),
            });
        }
        if self.tok() == Tok::Assign {
            let mut parts = alloc::vec![lhs];
            while self.accept(Tok::Assign) {
                let e = if self.tok() == Tok::KwYield {
                    self.parse_yield_expr()?
                } else {
                    self.parse_testlist_star_expr()?
                };
                parts.push(e);
            }
            if parts.len() == 2 {
                let rhs = parts.pop().unwrap_or_else(|| Expr::leaf(ExprKind::None));
                let lhs = parts.pop().unwrap_or_else(|| Expr::leaf(ExprKind::None));
                return self.finish_single_assign(line, lhs, rhs);
            }
            let rhs = parts.pop().unwrap_or_else(|| Expr::leaf(ExprKind::None));
            return Ok(Stmt {
                line,
                kind: StmtKind::Assign(parts, rhs),
            });
        }
        // expression statement; lonely constants are dropped (except for the REPL)
        if self.input != InputKind::Single
            && is_const(&lhs)
            && !matches!(lhs.kind, ExprKind::EmptyTuple)
        {
            return Ok(Stmt {
                line,
                kind: StmtKind::Pass,
            });
        }
        Ok(Stmt {
            line,
            kind: StmtKind::Expr(lhs),
        })
    }

    /// `x = v` (or `x: T = v`): handles `X = const(v)`.
    fn finish_single_assign(&mut self, line: u32, lhs: Expr, mut rhs: Expr) -> PResult<Stmt> {
        if let ExprKind::Name(id) = lhs.kind {
            let is_const_call = match &rhs.kind {
                ExprKind::AtomExpr(ax) if !ax.await_ => {
                    matches!(ax.atom.kind, ExprKind::Name(q) if self.names.get(q) == b"const")
                        && ax.trailers.len() == 1
                        && matches!(ax.trailers[0], Trailer::Call(..))
                }
                _ => false,
            };
            if is_const_call {
                let rline = rhs.line;
                let value = match &mut rhs.kind {
                    ExprKind::AtomExpr(ax) => match ax.trailers.pop() {
                        Some(Trailer::Call(_, mut args)) if args.len() == 1 => match args.pop() {
                            Some(Arg::Pos(v)) => Some(v),
                            _ => None,
                        },
                        _ => None,
                    },
                    _ => None,
                };
                let value = match value {
                    Some(v) if is_const(&v) => v,
                    _ => return self.err_msg("not a constant", rline),
                };
                let obj = const_to_obj(&value, &self.names);
                self.consts.insert(id, obj);
                if self.names.get(id).first() == Some(&b'_') {
                    return Ok(Stmt {
                        line: 0,
                        kind: StmtKind::Pass,
                    });
                }
                return Ok(Stmt {
                    line,
                    kind: StmtKind::Assign(alloc::vec![lhs], value),
                });
            }
        }
        Ok(Stmt {
            line,
            kind: StmtKind::Assign(alloc::vec![lhs], rhs),
        })
    }

    // ---- compound statements -----------------------------------------------------------------

    fn parse_compound(&mut self, out: &mut Vec<Stmt>) -> PResult<()> {
        let line = self.tline();
        let kind = match self.tok() {
            Tok::KwIf => {
                self.advance();
                let test = self.parse_namedexpr_test()?;
                self.expect(Tok::Colon)?;
                let body = self.parse_suite()?;
                let mut elifs = Vec::new();
                while self.tok() == Tok::KwElif {
                    self.advance();
                    let t = self.parse_namedexpr_test()?;
                    self.expect(Tok::Colon)?;
                    let b = self.parse_suite()?;
                    elifs.push((t, b));
                }
                let orelse = self.parse_else()?;
                StmtKind::If(Box::new(IfStmt {
                    test,
                    body,
                    elifs,
                    orelse,
                }))
            }
            Tok::KwWhile => {
                self.advance();
                let test = self.parse_namedexpr_test()?;
                self.expect(Tok::Colon)?;
                let body = self.parse_suite()?;
                let orelse = self.parse_else()?;
                StmtKind::While(Box::new(WhileStmt { test, body, orelse }))
            }
            Tok::KwFor => self.parse_for(false)?,
            Tok::KwTry => {
                self.advance();
                self.expect(Tok::Colon)?;
                let body = self.parse_suite()?;
                let mut handlers = Vec::new();
                while self.tok() == Tok::KwExcept {
                    let hline = self.tline();
                    self.advance();
                    let mut typ = None;
                    let mut name = None;
                    if self.tok() != Tok::Colon {
                        typ = Some(self.parse_test()?);
                        if self.accept(Tok::KwAs) {
                            name = Some(self.name()?);
                        }
                    }
                    self.expect(Tok::Colon)?;
                    let b = self.parse_suite()?;
                    handlers.push(Handler {
                        line: hline,
                        typ,
                        name,
                        body: b,
                    });
                }
                let orelse = if handlers.is_empty() {
                    None
                } else {
                    self.parse_else()?
                };
                let finalbody = if self.tok() == Tok::KwFinally {
                    self.advance();
                    self.expect(Tok::Colon)?;
                    Some(self.parse_suite()?)
                } else {
                    None
                };
                if handlers.is_empty() && finalbody.is_none() {
                    return self.err();
                }
                StmtKind::Try(Box::new(TryStmt {
                    body,
                    handlers,
                    orelse,
                    finalbody,
                }))
            }
            Tok::KwWith => self.parse_with(false)?,
            Tok::KwDef => {
                let f = self.parse_funcdef(false)?;
                StmtKind::FuncDef(f, Vec::new())
            }
            Tok::KwClass => {
                let c = self.parse_classdef()?;
                StmtKind::ClassDef(c, Vec::new())
            }
            Tok::At => {
                let mut decs = Vec::new();
                while self.accept(Tok::At) {
                    let names = self.parse_dotted_name()?;
                    let call = if self.tok() == Tok::LParen {
                        let l = self.tline();
                        self.advance();
                        let args = self.parse_arglist(Tok::RParen)?;
                        Some((l, args))
                    } else {
                        None
                    };
                    self.expect(Tok::Newline)?;
                    decs.push(Decorator { names, call });
                }
                match self.tok() {
                    Tok::KwDef => StmtKind::FuncDef(self.parse_funcdef(false)?, decs),
                    Tok::KwClass => StmtKind::ClassDef(self.parse_classdef()?, decs),
                    Tok::KwAsync => {
                        self.advance();
                        if self.tok() != Tok::KwDef {
                            return self.err();
                        }
                        StmtKind::FuncDef(self.parse_funcdef(true)?, decs)
                    }
                    _ => return self.err(),
                }
            }
            Tok::KwAsync => {
                self.advance();
                match self.tok() {
                    Tok::KwDef => StmtKind::FuncDef(self.parse_funcdef(true)?, Vec::new()),
                    Tok::KwWith => self.parse_with(true)?,
                    Tok::KwFor => self.parse_for(true)?,
                    _ => return self.err(),
                }
            }
            _ => return self.err(),
        };
        out.push(Stmt { line, kind });
        Ok(())
    }

    fn parse_else(&mut self) -> PResult<Option<Vec<Stmt>>> {
        if self.tok() == Tok::KwElse {
            self.advance();
            self.expect(Tok::Colon)?;
            Ok(Some(self.parse_suite()?))
        } else {
            Ok(None)
        }
    }

    fn parse_for(&mut self, is_async: bool) -> PResult<StmtKind> {
        self.expect(Tok::KwFor)?;
        let target = self.parse_exprlist()?;
        self.expect(Tok::KwIn)?;
        let iter = self.parse_testlist()?;
        self.expect(Tok::Colon)?;
        let body = self.parse_suite()?;
        let orelse = self.parse_else()?;
        Ok(StmtKind::For(Box::new(ForStmt {
            target,
            iter,
            body,
            orelse,
            is_async,
        })))
    }

    fn parse_with(&mut self, is_async: bool) -> PResult<StmtKind> {
        self.expect(Tok::KwWith)?;
        let mut items = Vec::new();
        loop {
            let e = self.parse_test()?;
            let t = if self.accept(Tok::KwAs) {
                Some(self.parse_expr()?)
            } else {
                None
            };
            items.push((e, t));
            if !self.accept(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::Colon)?;
        let body = self.parse_suite()?;
        Ok(StmtKind::With {
            items,
            body,
            is_async,
        })
    }

    fn parse_funcdef(&mut self, is_async: bool) -> PResult<Box<FuncDef>> {
        let line = self.tline();
        self.expect(Tok::KwDef)?;
        let name = self.name()?;
        self.expect(Tok::LParen)?;
        let params = self.parse_params(true, Tok::RParen)?;
        self.expect(Tok::RParen)?;
        let ret_annot = if self.accept(Tok::Arrow) {
            Some(annot_of(&self.parse_test()?))
        } else {
            None
        };
        self.expect(Tok::Colon)?;
        let body = self.parse_suite()?;
        Ok(Box::new(FuncDef {
            name,
            params,
            body,
            lambda_body: None,
            ret_annot,
            is_async,
            line,
            scope: Cell::new(0),
        }))
    }

    fn parse_classdef(&mut self) -> PResult<Box<ClassDef>> {
        let line = self.tline();
        self.expect(Tok::KwClass)?;
        let name = self.name()?;
        let args = if self.accept(Tok::LParen) {
            let a = self.parse_arglist(Tok::RParen)?;
            if a.is_empty() {
                None
            } else {
                Some(a)
            }
        } else {
            None
        };
        self.expect(Tok::Colon)?;
        let body = self.parse_suite()?;
        Ok(Box::new(ClassDef {
            name,
            args,
            body,
            line,
            scope: Cell::new(0),
        }))
    }

    /// Parameters up to (not including) `end`. `typed` allows annotations (def, not lambda).
    fn parse_params(&mut self, typed: bool, end: Tok) -> PResult<Vec<Param>> {
        let mut params = Vec::new();
        while self.tok() != end {
            let line = self.tline();
            let p = if self.accept(Tok::Star) {
                let name = if self.tok() == Tok::Name {
                    let n = self.name()?;
                    if typed && self.accept(Tok::Colon) {
                        let _ = self.parse_test()?;
                    }
                    Some(n)
                } else {
                    None
                };
                Param {
                    kind: ParamKind::Star,
                    name,
                    default: None,
                    line,
                    annot: None,
                }
            } else if self.accept(Tok::DblStar) {
                let n = self.name()?;
                if typed && self.accept(Tok::Colon) {
                    let _ = self.parse_test()?;
                }
                Param {
                    kind: ParamKind::DblStar,
                    name: Some(n),
                    default: None,
                    line,
                    annot: None,
                }
            } else {
                let n = self.name()?;
                let mut has_struct = false;
                let mut annot = None;
                if typed && self.accept(Tok::Colon) {
                    annot = Some(annot_of(&self.parse_test()?));
                    has_struct = true;
                }
                let default = if self.accept(Tok::Assign) {
                    has_struct = true;
                    Some(self.parse_test()?)
                } else {
                    None
                };
                Param {
                    kind: ParamKind::Normal,
                    name: Some(n),
                    default,
                    line: if has_struct { line } else { 0 },
                    annot,
                }
            };
            params.push(p);
            if !self.accept(Tok::Comma) {
                break;
            }
        }
        Ok(params)
    }

    // ---- expressions -------------------------------------------------------------------------

    fn parse_yield_expr(&mut self) -> PResult<Expr> {
        let line = self.tline();
        self.expect(Tok::KwYield)?;
        if self.accept(Tok::KwFrom) {
            let e = self.parse_test()?;
            return Ok(Expr::new(line, ExprKind::YieldFrom(Box::new(e))));
        }
        if matches!(
            self.tok(),
            Tok::Newline
                | Tok::Semicolon
                | Tok::End
                | Tok::RParen
                | Tok::Assign
                | Tok::RBracket
                | Tok::RBrace
        ) {
            return Ok(Expr::new(line, ExprKind::Yield(None)));
        }
        let e = self.parse_testlist()?;
        Ok(Expr::new(line, ExprKind::Yield(Some(Box::new(e)))))
    }

    /// testlist_star_expr: (test|star_expr) (',' (test|star_expr))* [',']
    fn parse_testlist_star_expr(&mut self) -> PResult<Expr> {
        self.parse_list_generic(true, false)
    }

    /// testlist: test (',' test)* [',']
    fn parse_testlist(&mut self) -> PResult<Expr> {
        self.parse_list_generic(false, false)
    }

    /// exprlist: (expr|star_expr) (',' (expr|star_expr))* [',']
    fn parse_exprlist(&mut self) -> PResult<Expr> {
        self.parse_list_generic(true, true)
    }

    fn parse_list_generic(&mut self, allow_star: bool, expr_only: bool) -> PResult<Expr> {
        let line = self.tline();
        let first = self.parse_list_item(allow_star, expr_only)?;
        if self.tok() != Tok::Comma {
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.accept(Tok::Comma) {
            if self.starts_expr() || (allow_star && self.tok() == Tok::Star) {
                items.push(self.parse_list_item(allow_star, expr_only)?);
            } else {
                break;
            }
        }
        Ok(self.make_tuple(line, items, !expr_only, true))
    }

    fn parse_list_item(&mut self, allow_star: bool, expr_only: bool) -> PResult<Expr> {
        if allow_star && self.tok() == Tok::Star {
            let line = self.tline();
            self.advance();
            let e = self.parse_expr()?;
            return Ok(Expr::new(line, ExprKind::Star(Box::new(e))));
        }
        if expr_only {
            self.parse_expr()
        } else {
            self.parse_test()
        }
    }

    /// A tuple node; constant tuples are folded (`fold` false for exprlist, which MicroPython
    /// does not fold).
    fn make_tuple(&mut self, line: u32, items: Vec<Expr>, fold: bool, bare: bool) -> Expr {
        if fold && items.iter().all(is_const) {
            let objs = items.iter().map(|e| const_to_obj(e, &self.names)).collect();
            return Expr::new(line, ExprKind::Const(Box::new(Obj::Tuple(objs))));
        }
        Expr::new(line, ExprKind::Tuple(items, bare))
    }

    fn starts_expr(&self) -> bool {
        matches!(
            self.tok(),
            Tok::Name
                | Tok::Integer
                | Tok::FloatOrImag
                | Tok::Str
                | Tok::Bytes
                | Tok::Ellipsis
                | Tok::KwNone
                | Tok::KwTrue
                | Tok::KwFalse
                | Tok::LParen
                | Tok::LBracket
                | Tok::LBrace
                | Tok::Minus
                | Tok::Plus
                | Tok::Tilde
                | Tok::KwNot
                | Tok::KwLambda
                | Tok::KwAwait
        )
    }

    #[inline(always)]
    fn parse_namedexpr_test(&mut self) -> PResult<Expr> {
        let line = self.tline();
        let t = self.parse_test()?;
        if self.accept(Tok::Walrus) {
            let v = self.parse_test()?;
            return Ok(Expr::new(line, ExprKind::Named(Box::new(t), Box::new(v))));
        }
        Ok(t)
    }

    pub fn parse_test(&mut self) -> PResult<Expr> {
        self.enter()?;
        let r = self.parse_test_inner();
        self.leave();
        r
    }

    #[inline(always)]
    fn parse_test_inner(&mut self) -> PResult<Expr> {
        if self.tok() == Tok::KwLambda {
            return self.parse_lambda(false);
        }
        let line = self.tline();
        let body = self.parse_or_test()?;
        if self.accept(Tok::KwIf) {
            let test = self.parse_or_test()?;
            self.expect(Tok::KwElse)?;
            let orelse = self.parse_test()?;
            return Ok(Expr::new(
                line,
                ExprKind::IfExp {
                    body: Box::new(body),
                    test: Box::new(test),
                    orelse: Box::new(orelse),
                },
            ));
        }
        Ok(body)
    }

    fn parse_test_nocond(&mut self) -> PResult<Expr> {
        if self.tok() == Tok::KwLambda {
            return self.parse_lambda(true);
        }
        self.parse_or_test()
    }

    #[inline(never)]
    fn parse_lambda(&mut self, nocond: bool) -> PResult<Expr> {
        let line = self.tline();
        self.expect(Tok::KwLambda)?;
        let params = self.parse_params(false, Tok::Colon)?;
        self.expect(Tok::Colon)?;
        let body = if nocond {
            self.parse_test_nocond()?
        } else {
            self.parse_test()?
        };
        let name = self.names.intern(b"<lambda>");
        Ok(Expr::new(
            line,
            ExprKind::Lambda(Box::new(FuncDef {
                name,
                params,
                body: Vec::new(),
                lambda_body: Some(body),
                ret_annot: None,
                is_async: false,
                line,
                scope: Cell::new(0),
            })),
        ))
    }

    /// or_test / and_test (flat chains, with MicroPython's constant folding), iteratively.
    fn parse_or_test(&mut self) -> PResult<Expr> {
        let or_line = self.tline();
        let mut or_items: Vec<Expr> = Vec::new();
        loop {
            let and_line = self.tline();
            let mut and_items: Vec<Expr> = Vec::new();
            loop {
                and_items.push(self.parse_not_test()?);
                if !self.accept(Tok::KwAnd) {
                    break;
                }
            }
            or_items.push(fold_bool_chain(false, and_line, and_items));
            if !self.accept(Tok::KwOr) {
                break;
            }
        }
        Ok(fold_bool_chain(true, or_line, or_items))
    }

    #[inline(always)]
    fn parse_not_test(&mut self) -> PResult<Expr> {
        // `not not x`: collect the prefix lines, parse the operand, apply inside out
        let mut nots: Vec<u32> = Vec::new();
        while self.tok() == Tok::KwNot {
            nots.push(self.tline());
            self.advance();
            if nots.len() as u32 > self.max_depth {
                return self.err_msg("too deeply nested", self.tline());
            }
        }
        let mut e = self.parse_comparison()?;
        while let Some(line) = nots.pop() {
            e = if is_const_bool(&e, false) {
                Expr::leaf(ExprKind::True)
            } else if is_const_bool(&e, true) {
                Expr::leaf(ExprKind::False)
            } else {
                Expr::new(line, ExprKind::Not(Box::new(e)))
            };
        }
        Ok(e)
    }

    #[inline(always)]
    fn parse_comparison(&mut self) -> PResult<Expr> {
        let line = self.tline();
        let first = self.parse_expr()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.tok() {
                Tok::Less => CmpOp::Lt,
                Tok::More => CmpOp::Gt,
                Tok::EqEq => CmpOp::Eq,
                Tok::LessEq => CmpOp::LtE,
                Tok::MoreEq => CmpOp::GtE,
                Tok::NotEq => CmpOp::NotEq,
                Tok::KwIn => CmpOp::In,
                Tok::KwNot => {
                    self.advance();
                    if self.tok() != Tok::KwIn {
                        return self.err();
                    }
                    CmpOp::NotIn
                }
                Tok::KwIs => {
                    self.advance();
                    if self.tok() == Tok::KwNot {
                        CmpOp::IsNot
                    } else {
                        rest.push((CmpOp::Is, self.parse_expr()?));
                        continue;
                    }
                }
                _ => break,
            };
            self.advance();
            rest.push((op, self.parse_expr()?));
        }
        if rest.is_empty() {
            return Ok(first);
        }
        Ok(Expr::new(line, ExprKind::Compare(Box::new((first, rest)))))
    }

    /// expr: `| ^ & << >> + - * @ / % //` by operator precedence, building flat same-level chains
    /// (as MicroPython's list rules do, so folding is all-or-nothing per chain).
    pub fn parse_expr(&mut self) -> PResult<Expr> {
        // operand stack: (expression, line of its first token); operator stack: (level, op)
        let mut operands: Vec<(Expr, u32)> = Vec::new();
        let mut ops: Vec<(u8, u8)> = Vec::new();
        let l0 = self.tline();
        operands.push((self.parse_factor()?, l0));
        loop {
            let (level, op) = match self.tok() {
                Tok::Pipe => (0, binary::OR),
                Tok::Caret => (1, binary::XOR),
                Tok::Amp => (2, binary::AND),
                Tok::Shl => (3, binary::LSHIFT),
                Tok::Shr => (3, binary::RSHIFT),
                Tok::Plus => (4, binary::ADD),
                Tok::Minus => (4, binary::SUBTRACT),
                Tok::Star => (5, binary::MULTIPLY),
                Tok::At => (5, binary::MAT_MULTIPLY),
                Tok::Slash => (5, binary::TRUE_DIVIDE),
                Tok::Percent => (5, binary::MODULO),
                Tok::DblSlash => (5, binary::FLOOR_DIVIDE),
                _ => break,
            };
            while ops.last().map(|t| t.0 > level).unwrap_or(false) {
                self.reduce_chain(&mut operands, &mut ops);
            }
            self.advance();
            ops.push((level, op));
            let l = self.tline();
            operands.push((self.parse_factor()?, l));
        }
        while !ops.is_empty() {
            self.reduce_chain(&mut operands, &mut ops);
        }
        Ok(operands
            .pop()
            .map(|x| x.0)
            .unwrap_or_else(|| Expr::leaf(ExprKind::None)))
    }

    /// Pop the run of same-level operators at the top and their operands into one chain.
    #[inline(never)]
    fn reduce_chain(&self, operands: &mut Vec<(Expr, u32)>, ops: &mut Vec<(u8, u8)>) {
        let level = match ops.last() {
            Some(t) => t.0,
            None => return,
        };
        let mut n = 0;
        while n < ops.len() && ops[ops.len() - 1 - n].0 == level {
            n += 1;
        }
        let chain_ops: Vec<u8> = ops.drain(ops.len() - n..).map(|t| t.1).collect();
        let mut items: Vec<(Expr, u32)> = operands.drain(operands.len() - (n + 1)..).collect();
        let line = items[0].1;
        // all-or-nothing folding, left to right
        if let Some(mut acc) = number_of(&items[0].0) {
            let mut ok = true;
            for (op, (e, _)) in chain_ops.iter().zip(items[1..].iter()) {
                match number_of(e).and_then(|b| num::fold_binary(*op, &acc, &b)) {
                    Some(r) => acc = r,
                    None => {
                        ok = false;
                        break;
                    }
                }
            }
            if ok {
                operands.push((self.const_node(0, acc), line));
                return;
            }
        }
        let rest: Vec<(u8, Expr)> = chain_ops
            .into_iter()
            .zip(items.drain(1..).map(|x| x.0))
            .collect();
        let first = items
            .pop()
            .map(|x| x.0)
            .unwrap_or_else(|| Expr::leaf(ExprKind::None));
        operands.push((
            Expr::new(line, ExprKind::BinChain(Box::new((first, rest)))),
            line,
        ));
    }

    /// `math.pi` etc. are replaced by their values, as MicroPython's parser does.
    #[inline(never)]
    fn fold_module_const(&self, atom: &Expr, trailer: &Trailer) -> Option<Expr> {
        if let (ExprKind::Name(base), Trailer::Attr(_, attr)) = (&atom.kind, trailer) {
            if self.names.get(*base) == b"math" {
                let v = match self.names.get(*attr) {
                    b"pi" => Some(core::f64::consts::PI),
                    b"e" => Some(core::f64::consts::E),
                    b"tau" => Some(core::f64::consts::TAU),
                    b"inf" => Some(f64::INFINITY),
                    b"nan" => Some(f64::NAN),
                    _ => None,
                };
                if let Some(v) = v {
                    return Some(Expr::new(0, ExprKind::Const(Box::new(Obj::Float(v)))));
                }
            }
        }
        None
    }

    /// A folded/loaded constant: small ints become leaves, other objects const nodes.
    fn const_node(&self, line: u32, o: Obj) -> Expr {
        if let Obj::Int(v) = o {
            if num::fits_small_int(v, self.small_int_bits) {
                return Expr::leaf(ExprKind::SmallInt(v as i64));
            }
        }
        Expr::new(line, ExprKind::Const(Box::new(o)))
    }

    fn parse_factor(&mut self) -> PResult<Expr> {
        // prefix + - ~ : collect, parse the operand, apply inside out (with folding)
        let mut prefix: Vec<(u8, u32)> = Vec::new();
        loop {
            let op = match self.tok() {
                Tok::Plus => unary::POSITIVE,
                Tok::Minus => unary::NEGATIVE,
                Tok::Tilde => unary::INVERT,
                _ => break,
            };
            prefix.push((op, self.tline()));
            self.advance();
            if prefix.len() as u32 > self.max_depth {
                return self.err_msg("too deeply nested", self.tline());
            }
        }
        let mut e = self.parse_power()?;
        while let Some((op, line)) = prefix.pop() {
            e = match number_of(&e).and_then(|n| num::fold_unary(op, &n)) {
                Some(r) => self.const_node(0, r),
                None => Expr::new(line, ExprKind::Unary(op, Box::new(e))),
            };
        }
        Ok(e)
    }

    #[inline(always)]
    fn parse_power(&mut self) -> PResult<Expr> {
        let line = self.tline();
        let base = self.parse_atom_expr()?;
        if self.accept(Tok::DblStar) {
            self.enter()?;
            let exp = self.parse_factor();
            self.leave();
            let exp = exp?;
            if let (Some(a), Some(b)) = (number_of(&base), number_of(&exp)) {
                if let Some(r) = num::fold_binary(binary::POWER, &a, &b) {
                    return Ok(self.const_node(0, r));
                }
            }
            return Ok(Expr::new(
                line,
                ExprKind::Power(Box::new(base), Box::new(exp)),
            ));
        }
        Ok(base)
    }

    #[inline(always)]
    fn parse_atom_expr(&mut self) -> PResult<Expr> {
        let line = self.tline();
        let await_ = self.accept(Tok::KwAwait);
        let atom = self.parse_atom()?;
        let mut trailers = Vec::new();
        loop {
            let tl = self.tline();
            match self.tok() {
                Tok::LParen => {
                    self.advance();
                    let args = self.parse_arglist(Tok::RParen)?;
                    trailers.push(Trailer::Call(tl, args));
                }
                Tok::LBracket => {
                    self.advance();
                    let idx = self.parse_subscriptlist()?;
                    self.expect(Tok::RBracket)?;
                    trailers.push(Trailer::Index(tl, Box::new(idx)));
                }
                Tok::Dot => {
                    self.advance();
                    let n = self.name()?;
                    trailers.push(Trailer::Attr(tl, n));
                }
                _ => break,
            }
        }
        if trailers.is_empty() && !await_ {
            return Ok(atom);
        }
        if !await_ && trailers.len() == 1 {
            if let Some(e) = self.fold_module_const(&atom, &trailers[0]) {
                return Ok(e);
            }
        }
        Ok(Expr::new(
            line,
            ExprKind::AtomExpr(Box::new(AtomX {
                atom,
                trailers,
                await_,
            })),
        ))
    }

    #[inline(never)]
    fn parse_subscriptlist(&mut self) -> PResult<Expr> {
        let line = self.tline();
        let first = self.parse_subscript()?;
        if self.tok() != Tok::Comma {
            return Ok(first);
        }
        let mut items = alloc::vec![first];
        while self.accept(Tok::Comma) {
            if self.tok() == Tok::RBracket {
                break;
            }
            items.push(self.parse_subscript()?);
        }
        Ok(self.make_tuple(line, items, true, false))
    }

    #[inline(never)]
    fn parse_subscript(&mut self) -> PResult<Expr> {
        let line = self.tline();
        let lower = if self.tok() != Tok::Colon {
            let t = self.parse_test()?;
            if self.tok() != Tok::Colon {
                return Ok(t);
            }
            Some(Box::new(t))
        } else {
            None
        };
        self.expect(Tok::Colon)?;
        let upper = if self.tok() != Tok::Colon
            && self.tok() != Tok::RBracket
            && self.tok() != Tok::Comma
        {
            Some(Box::new(self.parse_test()?))
        } else {
            None
        };
        let mut step = None;
        let mut has_step = false;
        if self.accept(Tok::Colon) {
            has_step = true;
            if self.tok() != Tok::RBracket && self.tok() != Tok::Comma {
                step = Some(Box::new(self.parse_test()?));
            }
        }
        Ok(Expr::new(
            line,
            ExprKind::Slice {
                lower,
                upper,
                step,
                has_step,
            },
        ))
    }

    #[inline(never)]
    fn parse_arglist(&mut self, end: Tok) -> PResult<Vec<Arg>> {
        let mut args = Vec::new();
        while self.tok() != end {
            let line = self.tline();
            if self.accept(Tok::Star) {
                args.push(Arg::Star(self.parse_test()?, line));
            } else if self.accept(Tok::DblStar) {
                args.push(Arg::DblStar(self.parse_test()?));
            } else {
                let t = self.parse_test()?;
                if self.tok() == Tok::KwFor || self.tok() == Tok::KwAsync {
                    let clauses = self.parse_comp_clauses()?;
                    args.push(Arg::Gen(Box::new(Comp {
                        elt: t,
                        value: None,
                        clauses,
                        scope: Cell::new(0),
                        line,
                    })));
                } else if self.accept(Tok::Assign) {
                    let v = self.parse_test()?;
                    args.push(Arg::Kw(t, v));
                } else if self.accept(Tok::Walrus) {
                    let v = self.parse_test()?;
                    args.push(Arg::Named(t, v));
                } else {
                    args.push(Arg::Pos(t));
                }
            }
            if !self.accept(Tok::Comma) {
                break;
            }
        }
        self.expect(end)?;
        Ok(args)
    }

    #[inline(never)]
    fn parse_comp_clauses(&mut self) -> PResult<Vec<CompClause>> {
        let mut clauses = Vec::new();
        loop {
            if self.accept(Tok::KwFor) {
                let target = self.parse_exprlist()?;
                self.expect(Tok::KwIn)?;
                let iter = self.parse_or_test()?;
                clauses.push(CompClause::For { target, iter });
            } else if self.tok() == Tok::KwIf {
                self.advance();
                let c = self.parse_test_nocond()?;
                clauses.push(CompClause::If(c));
            } else {
                break;
            }
        }
        Ok(clauses)
    }

    #[inline(never)]
    fn parse_atom(&mut self) -> PResult<Expr> {
        let line = self.tline();
        match self.tok() {
            Tok::Name => {
                let q = self.names.intern(&self.lex.text);
                self.advance();
                if let Some(o) = self.consts.get(&q) {
                    let o = o.clone();
                    return Ok(self.const_node(line, o));
                }
                Ok(Expr::leaf(ExprKind::Name(q)))
            }
            Tok::Integer | Tok::FloatOrImag | Tok::Str | Tok::Bytes => self.parse_literal(line),
            Tok::Ellipsis => {
                self.advance();
                Ok(Expr::leaf(ExprKind::Ellipsis))
            }
            Tok::KwNone => {
                self.advance();
                Ok(Expr::leaf(ExprKind::None))
            }
            Tok::KwTrue => {
                self.advance();
                Ok(Expr::leaf(ExprKind::True))
            }
            Tok::KwFalse => {
                self.advance();
                Ok(Expr::leaf(ExprKind::False))
            }
            Tok::LParen => {
                self.advance();
                self.enter()?;
                let r = self.parse_paren(line);
                self.leave();
                r
            }
            Tok::LBracket => {
                self.advance();
                self.enter()?;
                let r = self.parse_bracket(line);
                self.leave();
                r
            }
            Tok::LBrace => {
                self.advance();
                self.enter()?;
                let r = self.parse_brace(line);
                self.leave();
                r
            }
            _ => self.err(),
        }
    }

    /// Number, string and bytes literals (kept out of `parse_atom` to keep its frame small).
    #[inline(never)]
    fn parse_literal(&mut self, line: u32) -> PResult<Expr> {
        match self.tok() {
            Tok::Integer => {
                let r = num::parse_int_literal(&self.lex.text);
                match r {
                    Ok(o) => {
                        self.advance();
                        Ok(self.const_node(line, o))
                    }
                    Err((base, digits)) => {
                        let m = alloc::format!(
                            "invalid syntax for integer with base {}: '{}'",
                            base,
                            alloc::string::String::from_utf8_lossy(digits)
                        );
                        self.err_msg(&m, line)
                    }
                }
            }
            Tok::FloatOrImag => match num::parse_float_literal(&self.lex.text) {
                Some(o) => {
                    self.advance();
                    Ok(Expr::new(line, ExprKind::Const(Box::new(o))))
                }
                None => self.err_msg("invalid syntax for number", line),
            },
            Tok::Str => {
                let text = core::mem::take(&mut self.lex.text);
                let e = if text.len() <= INTERN_STRING_LEN {
                    Expr::leaf(ExprKind::Str(self.names.intern(&text)))
                } else if let Some(q) = self.names.lookup(&text) {
                    Expr::leaf(ExprKind::Str(q))
                } else if core::str::from_utf8(&text)
                    .ok()
                    .map(|s| {
                        crate::qstr_tables::KNOWN_LONG_QSTRS
                            .binary_search(&s)
                            .is_ok()
                    })
                    .unwrap_or(false)
                {
                    Expr::leaf(ExprKind::Str(self.names.intern(&text)))
                } else {
                    Expr::new(line, ExprKind::Const(Box::new(Obj::Str(text))))
                };
                self.advance();
                Ok(e)
            }
            Tok::Bytes => {
                let text = core::mem::take(&mut self.lex.text);
                self.advance();
                Ok(Expr::new(line, ExprKind::Const(Box::new(Obj::Bytes(text)))))
            }
            _ => self.err(),
        }
    }

    #[inline(always)]
    fn parse_testlist_comp_item(&mut self) -> PResult<Expr> {
        if self.tok() == Tok::Star {
            let line = self.tline();
            self.advance();
            let e = self.parse_expr()?;
            return Ok(Expr::new(line, ExprKind::Star(Box::new(e))));
        }
        self.parse_namedexpr_test()
    }

    #[inline(never)]
    fn parse_paren(&mut self, line: u32) -> PResult<Expr> {
        if self.accept(Tok::RParen) {
            return Ok(Expr::new(line, ExprKind::EmptyTuple));
        }
        if self.tok() == Tok::KwYield {
            let e = self.parse_yield_expr()?;
            self.expect(Tok::RParen)?;
            return Ok(e);
        }
        let inner_line = self.tline();
        let first = self.parse_testlist_comp_item()?;
        if self.tok() == Tok::KwFor || self.tok() == Tok::KwAsync {
            let clauses = self.parse_comp_clauses()?;
            self.expect(Tok::RParen)?;
            let c = Comp {
                elt: first,
                value: None,
                clauses,
                scope: Cell::new(0),
                line: inner_line,
            };
            return Ok(Expr::new(line, ExprKind::GenExp(Box::new(c))));
        }
        if self.accept(Tok::RParen) {
            return Ok(first);
        }
        self.expect(Tok::Comma)?;
        let mut items = alloc::vec![first];
        let mut second_line = inner_line;
        let mut first_after = true;
        while self.tok() != Tok::RParen {
            if first_after {
                second_line = self.tline();
                first_after = false;
            }
            items.push(self.parse_testlist_comp_item()?);
            if !self.accept(Tok::Comma) {
                break;
            }
        }
        self.expect(Tok::RParen)?;
        if items.iter().all(is_const) {
            let const_line = if items.len() == 1 {
                inner_line
            } else {
                second_line
            };
            let objs = items.iter().map(|e| const_to_obj(e, &self.names)).collect();
            return Ok(Expr::new(
                const_line,
                ExprKind::Const(Box::new(Obj::Tuple(objs))),
            ));
        }
        Ok(Expr::new(line, ExprKind::Tuple(items, false)))
    }

    #[inline(never)]
    fn parse_bracket(&mut self, line: u32) -> PResult<Expr> {
        if self.accept(Tok::RBracket) {
            return Ok(Expr::new(line, ExprKind::List(Vec::new())));
        }
        let inner_line = self.tline();
        let first = self.parse_testlist_comp_item()?;
        if self.tok() == Tok::KwFor || self.tok() == Tok::KwAsync {
            let clauses = self.parse_comp_clauses()?;
            self.expect(Tok::RBracket)?;
            let c = Comp {
                elt: first,
                value: None,
                clauses,
                scope: Cell::new(0),
                line: inner_line,
            };
            return Ok(Expr::new(line, ExprKind::ListComp(Box::new(c))));
        }
        let mut items = alloc::vec![first];
        while self.accept(Tok::Comma) {
            if self.tok() == Tok::RBracket {
                break;
            }
            items.push(self.parse_testlist_comp_item()?);
        }
        self.expect(Tok::RBracket)?;
        Ok(Expr::new(line, ExprKind::List(items)))
    }

    #[inline(never)]
    fn parse_brace(&mut self, line: u32) -> PResult<Expr> {
        if self.accept(Tok::RBrace) {
            return Ok(Expr::new(line, ExprKind::Dict(Vec::new())));
        }
        // items: (key, Some(value)) for dict items, (value, None) for set items
        let mut items: Vec<(Expr, Option<Expr>, u32)> = Vec::new();
        let inner_line = self.tline();
        let k = self.parse_test()?;
        let v = if self.accept(Tok::Colon) {
            Some(self.parse_test()?)
        } else {
            None
        };
        if self.tok() == Tok::KwFor || self.tok() == Tok::KwAsync {
            let clauses = self.parse_comp_clauses()?;
            self.expect(Tok::RBrace)?;
            let is_dict = v.is_some();
            let c = Comp {
                elt: k,
                value: v,
                clauses,
                scope: Cell::new(0),
                line: inner_line,
            };
            return Ok(Expr::new(
                line,
                if is_dict {
                    ExprKind::DictComp(Box::new(c))
                } else {
                    ExprKind::SetComp(Box::new(c))
                },
            ));
        }
        items.push((k, v, inner_line));
        while self.accept(Tok::Comma) {
            if self.tok() == Tok::RBrace {
                break;
            }
            let il = self.tline();
            let k = self.parse_test()?;
            let v = if self.accept(Tok::Colon) {
                Some(self.parse_test()?)
            } else {
                None
            };
            items.push((k, v, il));
        }
        self.expect(Tok::RBrace)?;
        let is_dict = items[0].1.is_some();
        if is_dict {
            let mut d = Vec::new();
            for (k, v, il) in items {
                match v {
                    Some(v) => d.push((k, v, il)),
                    None => {
                        return Ok(Expr::new(
                            line,
                            ExprKind::Bad("expecting key:value for dict"),
                        ))
                    }
                }
            }
            Ok(Expr::new(line, ExprKind::Dict(d)))
        } else {
            let mut s = Vec::new();
            for (k, v, _) in items {
                if v.is_some() {
                    return Ok(Expr::new(
                        line,
                        ExprKind::Bad("expecting just a value for set"),
                    ));
                }
                s.push(k);
            }
            Ok(Expr::new(line, ExprKind::Set(s)))
        }
    }
}
