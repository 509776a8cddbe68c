//! Syntax tree. Each node carries the source line MicroPython's parser would give the
//! corresponding parse-tree struct node (0 for nodes that are leaves there: names, small ints,
//! interned strings, keyword constants, and folded constants), because the compiler emits a
//! line-table entry exactly where MicroPython does.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::Cell;

use crate::num::Obj;

/// An interned name or string (index into the parser's string table).
pub type Sym = u32;

#[derive(Debug)]
pub struct Expr {
    pub line: u32,
    pub kind: ExprKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Gt,
    Eq,
    LtE,
    GtE,
    NotEq,
    In,
    NotIn,
    Is,
    IsNot,
}

#[derive(Debug)]
pub enum Trailer {
    /// `(args)`; line of the `(`.
    Call(u32, Vec<Arg>),
    /// `[index]`; line of the `[`.
    Index(u32, Box<Expr>),
    /// `.name`; line of the `.`.
    Attr(u32, Sym),
}

#[derive(Debug)]
pub enum Arg {
    Pos(Expr),
    /// `*x`, with the line of the `*`
    Star(Expr, u32),
    DblStar(Expr),
    /// keyword argument `name=value` (the lhs is checked to be a name by the compiler)
    Kw(Expr, Expr),
    /// `name := value` as an argument
    Named(Expr, Expr),
    /// a bare generator expression argument `f(x for x in y)`
    Gen(Box<Comp>),
}

/// A comprehension: element(s) and the `for`/`if` clauses. `scope` is assigned by the compiler.
#[derive(Debug)]
pub struct Comp {
    pub elt: Expr,
    /// value for dict comprehensions (elt is the key)
    pub value: Option<Expr>,
    pub clauses: Vec<CompClause>,
    pub scope: Cell<u32>,
    /// line of the parse node that becomes the comprehension's scope (start of the element)
    pub line: u32,
}

#[derive(Debug)]
pub enum CompClause {
    For { target: Expr, iter: Expr },
    If(Expr),
}

#[derive(Debug)]
pub enum ExprKind {
    Name(Sym),
    /// Small integer (fits the target's small int), a parse-tree leaf.
    SmallInt(i64),
    /// Interned string, a parse-tree leaf.
    Str(Sym),
    /// Constant object (big int, float, complex, bytes, long string, constant tuple).
    Const(Box<Obj>),
    None,
    True,
    False,
    Ellipsis,
    /// `(a, b)`, `a, b`, `x[a, b]` index tuple; the flag is true for bare tuples
    /// (testlist/testlist_star_expr/exprlist), false for parenthesised/subscript ones
    Tuple(Vec<Expr>, bool),
    /// The empty tuple `()` (kept as its own node: it is a parse-tree struct).
    EmptyTuple,
    List(Vec<Expr>),
    /// Dict display: items are (key, value, item line).
    Dict(Vec<(Expr, Expr, u32)>),
    Set(Vec<Expr>),
    ListComp(Box<Comp>),
    SetComp(Box<Comp>),
    DictComp(Box<Comp>),
    GenExp(Box<Comp>),
    Star(Box<Expr>),
    /// `a | b | c` etc.: first operand and (binary op number, operand) pairs, flat like
    /// MicroPython's list rules (so folding is all-or-nothing).
    BinChain(Box<(Expr, Vec<(u8, Expr)>)>),
    /// `a ** b`
    Power(Box<Expr>, Box<Expr>),
    /// unary + - ~ (MicroPython unary op number)
    Unary(u8, Box<Expr>),
    Not(Box<Expr>),
    /// `or` (true) / `and` (false) chains
    BoolOp(bool, Vec<Expr>),
    Compare(Box<(Expr, Vec<(CmpOp, Expr)>)>),
    IfExp {
        body: Box<Expr>,
        test: Box<Expr>,
        orelse: Box<Expr>,
    },
    Lambda(Box<FuncDef>),
    /// atom with trailers (or `await atom trailers`)
    AtomExpr(Box<AtomX>),
    /// slice inside a subscript: lower, upper, step; `has_step` for `a:b:` forms
    Slice {
        lower: Option<Box<Expr>>,
        upper: Option<Box<Expr>>,
        step: Option<Box<Expr>>,
        has_step: bool,
    },
    Yield(Option<Box<Expr>>),
    YieldFrom(Box<Expr>),
    Named(Box<Expr>, Box<Expr>),
    /// A construct the parser accepts but the compiler rejects with this message.
    Bad(&'static str),
}

/// An atom followed by trailers; `await_` for `await atom trailers`.
#[derive(Debug)]
pub struct AtomX {
    pub atom: Expr,
    pub trailers: Vec<Trailer>,
    pub await_: bool,
}

#[derive(Debug)]
pub enum ParamKind {
    Normal,
    Star,
    DblStar,
}

#[derive(Debug)]
pub struct Param {
    pub kind: ParamKind,
    /// None for a bare `*`
    pub name: Option<Sym>,
    pub default: Option<Expr>,
    pub line: u32,
    /// The annotation of a plain named parameter (`x: int`), kept for viper types.
    pub annot: Option<Annot>,
}

/// A parameter or return annotation, as viper functions use them for types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Annot {
    /// A bare identifier.
    Name(Sym),
    /// Anything else (viper: "annotation must be an identifier"), with its line.
    Other(u32),
}

#[derive(Debug)]
pub struct FuncDef {
    pub name: Sym,
    pub params: Vec<Param>,
    /// body for def; for lambda a single `Return`-like expression is in `lambda_body`
    pub body: Vec<Stmt>,
    pub lambda_body: Option<Expr>,
    /// `-> annotation` (kept for viper return types).
    pub ret_annot: Option<Annot>,
    pub is_async: bool,
    pub line: u32,
    pub scope: Cell<u32>,
}

#[derive(Debug)]
pub struct ClassDef {
    pub name: Sym,
    /// None for `class C:` and `class C():`
    pub args: Option<Vec<Arg>>,
    pub body: Vec<Stmt>,
    pub line: u32,
    pub scope: Cell<u32>,
}

#[derive(Debug)]
pub struct Decorator {
    pub names: Vec<Sym>,
    /// call arguments, with the line of the `(`
    pub call: Option<(u32, Vec<Arg>)>,
}

#[derive(Debug)]
pub struct Handler {
    pub line: u32,
    pub typ: Option<Expr>,
    pub name: Option<Sym>,
    pub body: Vec<Stmt>,
}

#[derive(Debug)]
pub enum ImportNames {
    Star,
    Names(Vec<(Sym, Option<Sym>)>),
}

#[derive(Debug)]
pub struct Stmt {
    pub line: u32,
    pub kind: StmtKind,
}

#[derive(Debug)]
pub struct IfStmt {
    pub test: Expr,
    pub body: Vec<Stmt>,
    pub elifs: Vec<(Expr, Vec<Stmt>)>,
    pub orelse: Option<Vec<Stmt>>,
}

#[derive(Debug)]
pub struct WhileStmt {
    pub test: Expr,
    pub body: Vec<Stmt>,
    pub orelse: Option<Vec<Stmt>>,
}

#[derive(Debug)]
pub struct ForStmt {
    pub target: Expr,
    pub iter: Expr,
    pub body: Vec<Stmt>,
    pub orelse: Option<Vec<Stmt>>,
    pub is_async: bool,
}

#[derive(Debug)]
pub struct TryStmt {
    pub body: Vec<Stmt>,
    pub handlers: Vec<Handler>,
    pub orelse: Option<Vec<Stmt>>,
    pub finalbody: Option<Vec<Stmt>>,
}

#[derive(Debug)]
pub enum StmtKind {
    Expr(Expr),
    /// `t1 = t2 = ... = value`
    Assign(Vec<Expr>, Expr),
    AugAssign(Box<(Expr, u8, Expr)>),
    /// `x: ann` (no value): declares a local in functions
    AnnDecl(Expr),
    Pass,
    Break,
    Continue,
    Return(Option<Expr>),
    Raise(Option<Box<(Expr, Option<Expr>)>>),
    YieldStmt(Expr),
    Del(Vec<Expr>),
    /// `import a.b.c as d, e`: (dotted name, as-name)
    Import(Vec<(Vec<Sym>, Option<Sym>)>),
    ImportFrom {
        level: u32,
        module: Option<Vec<Sym>>,
        names: ImportNames,
    },
    Global(Vec<Sym>),
    Nonlocal(Vec<Sym>),
    Assert(Box<(Expr, Option<Expr>)>),
    // compound statements are boxed to keep `Stmt` small (most statements are simple)
    If(Box<IfStmt>),
    While(Box<WhileStmt>),
    For(Box<ForStmt>),
    Try(Box<TryStmt>),
    With {
        items: Vec<(Expr, Option<Expr>)>,
        body: Vec<Stmt>,
        is_async: bool,
    },
    FuncDef(Box<FuncDef>, Vec<Decorator>),
    ClassDef(Box<ClassDef>, Vec<Decorator>),
    /// `async` in front of something that is not allowed (reported by the compiler)
    Bad(&'static str),
}

impl Expr {
    pub fn new(line: u32, kind: ExprKind) -> Expr {
        Expr { line, kind }
    }
    pub fn leaf(kind: ExprKind) -> Expr {
        Expr { line: 0, kind }
    }
}
