//! The `re` module (also `ure`): MicroPython's regular-expression subset.
//!
//! Syntax: `.` `[...]` `[^...]` `^` `$` `?` `*` `+` (and lazy `??` `*?` `+?`), `|`, `(...)`,
//! `(?:...)`, `\d \D \s \S \w \W`, and `\x` for any other `x` as a literal. Matching is on
//! bytes (UTF-8 for str), `.` matches any byte, `^` only at the real start of the subject and
//! `$` only at its end (or `endpos`), as MicroPython's engine does.
//!
//! The pattern is parsed into a tree and compiled into a small instruction list that a
//! backtracking matcher runs with an explicit stack (no native recursion driven by input).
//! The stack has a fixed limit: a pattern that loops without consuming input (`(a*)*`)
//! or backtracks too deeply raises `RuntimeError`, as MicroPython's stack check does.
//! MicroPython encodes jumps in one signed byte; patterns whose encoding would overflow it
//! (long alternatives, more than 63 groups, classes with more than 127 ranges) raise
//! `ValueError("error in regex")` here too, so both accept the same patterns.
//!
//! Objects: a regex keeps its pattern source and is compiled again for each operation
//! (compilation is linear and cheap; nothing outside the GC heap has to be kept alive).
//! A match object keeps the subject and a tuple of byte offsets (-1 for unset).

use crate::types::arg;
use alloc::string::String;
use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::types;
use crate::types::str::Kind;
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

use super::builtins::arg_int;
use super::BuiltinModuleDef;

const FLAG_DEBUG: isize = 0x1000;
/// Most backtrack entries a match may hold.
const MAX_STACK: usize = 200_000;
/// Most instructions one match attempt may execute before giving up.
const MAX_STEPS: u64 = 200_000_000;
/// Deepest group nesting accepted by the parser.
const MAX_NEST: usize = 200;

// ---------------------------------------------------------------- parsing

#[derive(Clone, Copy)]
enum ClassItem {
    Range(u8, u8),
    Named(u8),
}

enum Node {
    Char(u8),
    Any,
    Class(bool, Vec<ClassItem>),
    Named(u8),
    Group(Option<usize>, Box<Node>),
    Bol,
    Eol,
    Seq(Vec<Node>),
    Alt(Box<Node>, Box<Node>),
    /// kind: 0 = `?`, 1 = `*`, 2 = `+`; greedy.
    Rep(u8, bool, Box<Node>),
}

use alloc::boxed::Box;

struct Parser<'a> {
    p: &'a [u8],
    i: usize,
    groups: usize,
}

fn is_named(c: u8) -> bool {
    matches!(c, b'd' | b'D' | b's' | b'S' | b'w' | b'W')
}

impl Parser<'_> {
    fn peek(&self, k: usize) -> Option<u8> {
        self.p.get(self.i + k).copied()
    }

    /// Parse alternatives up to `)` or the end.
    fn alt(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_NEST {
            return None;
        }
        let mut left: Option<Node> = None;
        let mut seq: Vec<Node> = Vec::new();
        // Whether the last item may take a quantifier.
        let mut term = false;
        while let Some(c) = self.peek(0) {
            if c == b')' {
                break;
            }
            self.i += 1;
            match c {
                b'\\' => {
                    let e = self.peek(0)?;
                    self.i += 1;
                    seq.push(if is_named(e) {
                        Node::Named(e)
                    } else {
                        Node::Char(e)
                    });
                    term = true;
                }
                b'.' => {
                    seq.push(Node::Any);
                    term = true;
                }
                b'[' => {
                    seq.push(self.class()?);
                    term = true;
                }
                b'(' => {
                    let capture = !(self.peek(0) == Some(b'?') && self.peek(1) == Some(b':'));
                    let idx = if capture {
                        self.groups += 1;
                        Some(self.groups)
                    } else {
                        self.i += 2;
                        None
                    };
                    let inner = self.alt(depth + 1)?;
                    if self.peek(0) != Some(b')') {
                        return None;
                    }
                    self.i += 1;
                    seq.push(Node::Group(idx, Box::new(inner)));
                    term = true;
                }
                b'?' | b'*' | b'+' => {
                    if !term {
                        return None;
                    }
                    let greedy = if self.peek(0) == Some(b'?') {
                        self.i += 1;
                        false
                    } else {
                        true
                    };
                    let kind = match c {
                        b'?' => 0,
                        b'*' => 1,
                        _ => 2,
                    };
                    let body = seq.pop()?;
                    seq.push(Node::Rep(kind, greedy, Box::new(body)));
                    term = false;
                }
                b'|' => {
                    let cur = Node::Seq(core::mem::take(&mut seq));
                    left = Some(match left.take() {
                        None => cur,
                        Some(l) => Node::Alt(Box::new(l), Box::new(cur)),
                    });
                    term = false;
                }
                b'^' => {
                    seq.push(Node::Bol);
                    term = false;
                }
                b'$' => {
                    seq.push(Node::Eol);
                    term = false;
                }
                _ => {
                    seq.push(Node::Char(c));
                    term = true;
                }
            }
        }
        let cur = Node::Seq(seq);
        Some(match left {
            None => cur,
            Some(l) => Node::Alt(Box::new(l), Box::new(cur)),
        })
    }

    /// After `[`.
    fn class(&mut self) -> Option<Node> {
        let neg = if self.peek(0) == Some(b'^') {
            self.i += 1;
            true
        } else {
            false
        };
        let mut items = Vec::new();
        loop {
            let mut c = self.peek(0)?;
            if c == b']' {
                self.i += 1;
                break;
            }
            if c == b'\\' {
                self.i += 1;
                c = self.peek(0)?;
                if is_named(c) {
                    items.push(ClassItem::Named(c));
                    self.i += 1;
                    continue;
                }
            }
            if self.peek(1) == Some(b'-') && self.peek(2) != Some(b']') {
                let hi = self.peek(2)?;
                items.push(ClassItem::Range(c, hi));
                self.i += 3;
            } else {
                items.push(ClassItem::Range(c, c));
                self.i += 1;
            }
        }
        Some(Node::Class(neg, items))
    }
}

// ---------------------------------------------------------------- program

#[derive(Clone, Copy)]
enum Inst {
    Char(u8),
    Any,
    /// Index into `Prog::classes`, negated.
    Class(usize, bool),
    Named(u8),
    /// Try the first target, then the second.
    Split(usize, usize),
    Jmp(usize),
    Save(usize),
    Bol,
    Eol,
    Match,
}

struct Prog {
    insts: Vec<Inst>,
    classes: Vec<Vec<ClassItem>>,
    groups: usize,
}

/// Index of the instruction where anchored matching starts (after the search prefix).
const ANCHORED_START: usize = 3;

impl Prog {
    fn emit(&mut self, i: Inst) -> usize {
        self.insts.push(i);
        self.insts.len() - 1
    }

    fn gen(&mut self, n: &Node) {
        match n {
            Node::Char(c) => {
                self.emit(Inst::Char(*c));
            }
            Node::Any => {
                self.emit(Inst::Any);
            }
            Node::Named(c) => {
                self.emit(Inst::Named(*c));
            }
            Node::Class(neg, items) => {
                self.classes.push(items.clone());
                let k = self.classes.len() - 1;
                self.emit(Inst::Class(k, *neg));
            }
            Node::Bol => {
                self.emit(Inst::Bol);
            }
            Node::Eol => {
                self.emit(Inst::Eol);
            }
            Node::Seq(items) => {
                for it in items {
                    self.gen(it);
                }
            }
            Node::Group(idx, inner) => {
                if let Some(g) = idx {
                    self.emit(Inst::Save(2 * g));
                }
                self.gen(inner);
                if let Some(g) = idx {
                    self.emit(Inst::Save(2 * g + 1));
                }
            }
            Node::Alt(a, b) => {
                let split = self.emit(Inst::Split(0, 0));
                self.gen(a);
                let jmp = self.emit(Inst::Jmp(0));
                let second = self.insts.len();
                self.gen(b);
                let end = self.insts.len();
                self.insts[split] = Inst::Split(split + 1, second);
                self.insts[jmp] = Inst::Jmp(end);
            }
            Node::Rep(kind, greedy, body) => match kind {
                0 => {
                    let split = self.emit(Inst::Split(0, 0));
                    self.gen(body);
                    let end = self.insts.len();
                    self.insts[split] = pick(*greedy, split + 1, end);
                }
                1 => {
                    let split = self.emit(Inst::Split(0, 0));
                    self.gen(body);
                    self.emit(Inst::Jmp(split));
                    let end = self.insts.len();
                    self.insts[split] = pick(*greedy, split + 1, end);
                }
                _ => {
                    let start = self.insts.len();
                    self.gen(body);
                    let split = self.insts.len();
                    self.emit(pick(*greedy, start, split + 1));
                }
            },
        }
    }

    /// Size in MicroPython's byte encoding (for its offset limits and the debug dump).
    fn size(&self, i: &Inst) -> usize {
        match i {
            Inst::Any | Inst::Bol | Inst::Eol | Inst::Match => 1,
            Inst::Class(k, _) => 2 + 2 * self.classes.get(*k).map_or(0, |c| c.len()),
            _ => 2,
        }
    }

    fn addrs(&self) -> Vec<usize> {
        let mut a = Vec::with_capacity(self.insts.len() + 1);
        let mut pc = 0;
        for i in &self.insts {
            a.push(pc);
            pc += self.size(i);
        }
        a.push(pc);
        a
    }

    /// The encoded target and offset of a jump instruction at `k`, with its mnemonic.
    fn jump_of(&self, k: usize, addrs: &[usize]) -> Option<(&'static str, usize, isize)> {
        let (name, target) = match self.insts.get(k)? {
            Inst::Split(a, b) => {
                if *a == k + 1 {
                    ("split", *b)
                } else {
                    ("rsplit", *a)
                }
            }
            Inst::Jmp(t) => ("jmp", *t),
            _ => return None,
        };
        let here = *addrs.get(k)? as isize;
        let to = *addrs.get(target)?;
        Some((name, to, to as isize - here - 2))
    }

    /// True if the program fits MicroPython's encoding limits.
    fn fits(&self) -> bool {
        let addrs = self.addrs();
        for (k, i) in self.insts.iter().enumerate() {
            match i {
                Inst::Class(c, _) if self.classes.get(*c).map_or(0, |c| c.len()) > 127 => {
                    return false;
                }
                Inst::Save(s) if k > ANCHORED_START && *s > 127 => {
                    return false;
                }
                Inst::Split(..) | Inst::Jmp(_) if k >= ANCHORED_START => {
                    if let Some((_, _, off)) = self.jump_of(k, &addrs) {
                        if !(-128..=127).contains(&off) {
                            return false;
                        }
                    }
                }
                _ => {}
            }
        }
        true
    }

    fn dump(&self) -> String {
        let addrs = self.addrs();
        let mut s = String::new();
        for (k, i) in self.insts.iter().enumerate() {
            let a = addrs.get(k).copied().unwrap_or(0);
            push_str(&mut s, &alloc::format!("{:2}: ", a));
            match i {
                Inst::Split(..) | Inst::Jmp(_) => {
                    if let Some((name, to, off)) = self.jump_of(k, &addrs) {
                        push_str(&mut s, &alloc::format!("{} {} ({})\n", name, to, off));
                    }
                }
                Inst::Char(c) => push_str(&mut s, &alloc::format!("char {}\n", *c as char)),
                Inst::Any => push_str(&mut s, "any\n"),
                Inst::Class(c, neg) => {
                    let items = self.classes.get(*c).map_or(&[][..], |v| &v[..]);
                    push_str(
                        &mut s,
                        &alloc::format!("class{} {}", if *neg { "not" } else { "" }, items.len()),
                    );
                    for it in items {
                        let (lo, hi) = match it {
                            ClassItem::Range(l, h) => (*l, *h),
                            ClassItem::Named(n) => (b':', *n),
                        };
                        push_str(&mut s, &alloc::format!(" 0x{:02x}-0x{:02x}", lo, hi));
                    }
                    push_char(&mut s, '\n');
                }
                Inst::Named(c) => push_str(&mut s, &alloc::format!("namedclass {}\n", *c as char)),
                Inst::Match => push_str(&mut s, "match\n"),
                Inst::Save(n) => push_str(&mut s, &alloc::format!("save {}\n", n)),
                Inst::Bol => push_str(&mut s, "assert bol\n"),
                Inst::Eol => push_str(&mut s, "assert eol\n"),
            }
        }
        push_str(
            &mut s,
            &alloc::format!(
                "Bytes: {}, insts: {}\n",
                addrs.last().copied().unwrap_or(0),
                self.insts.len()
            ),
        );
        s
    }
}

fn pick(greedy: bool, body: usize, skip: usize) -> Inst {
    if greedy {
        Inst::Split(body, skip)
    } else {
        Inst::Split(skip, body)
    }
}

/// Compile a pattern; None if it is malformed or too large.
fn compile(pat: &[u8]) -> Option<Prog> {
    let mut p = Parser {
        p: pat,
        i: 0,
        groups: 0,
    };
    let tree = p.alt(0)?;
    if p.i != pat.len() {
        return None; // unbalanced ')'
    }
    let mut prog = Prog {
        insts: Vec::new(),
        classes: Vec::new(),
        groups: p.groups,
    };
    // Search prefix: lazily skip any bytes, then the anchored program.
    prog.emit(Inst::Split(3, 1));
    prog.emit(Inst::Any);
    prog.emit(Inst::Jmp(0));
    prog.emit(Inst::Save(0));
    prog.gen(&tree);
    prog.emit(Inst::Save(1));
    prog.emit(Inst::Match);
    if !prog.fits() {
        return None;
    }
    Some(prog)
}

// ---------------------------------------------------------------- matching

fn named_match(n: u8, b: u8) -> bool {
    let r = match n | 0x20 {
        b'd' => b.is_ascii_digit(),
        b's' => b == b' ' || (b'\t'..=b'\r').contains(&b),
        _ => b.is_ascii_alphanumeric() || b == b'_',
    };
    if n.is_ascii_uppercase() {
        !r
    } else {
        r
    }
}

enum Bt {
    Try(usize, usize),
    Restore(usize, isize),
}

enum Outcome {
    Found,
    NotFound,
    TooDeep,
}

/// Run `prog` on `s[..end]` from `start`; `caps` holds byte offsets (-1 unset).
fn run(
    prog: &Prog,
    s: &[u8],
    start: usize,
    end: usize,
    anchored: bool,
    caps: &mut [isize],
) -> Outcome {
    let mut stack: Vec<Bt> = Vec::new();
    let mut pc = if anchored { ANCHORED_START } else { 0 };
    let mut sp = start;
    let mut steps: u64 = 0;
    loop {
        steps += 1;
        if steps > MAX_STEPS || stack.len() > MAX_STACK {
            return Outcome::TooDeep;
        }
        let ok = match prog.insts.get(pc) {
            None => false,
            Some(inst) => match *inst {
                Inst::Char(c) => {
                    if sp < end && s.get(sp) == Some(&c) {
                        sp += 1;
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Inst::Any => {
                    if sp < end {
                        sp += 1;
                        pc += 1;
                        true
                    } else {
                        false
                    }
                }
                Inst::Named(n) => match s.get(sp) {
                    Some(&b) if sp < end && named_match(n, b) => {
                        sp += 1;
                        pc += 1;
                        true
                    }
                    _ => false,
                },
                Inst::Class(k, neg) => match s.get(sp) {
                    Some(&b) if sp < end => {
                        let items = prog.classes.get(k).map_or(&[][..], |v| &v[..]);
                        let hit = items.iter().any(|it| match *it {
                            ClassItem::Range(lo, hi) => lo <= b && b <= hi,
                            ClassItem::Named(n) => named_match(n, b),
                        });
                        if hit != neg {
                            sp += 1;
                            pc += 1;
                            true
                        } else {
                            false
                        }
                    }
                    _ => false,
                },
                Inst::Split(a, b) => {
                    stack.push(Bt::Try(b, sp));
                    pc = a;
                    true
                }
                Inst::Jmp(t) => {
                    pc = t;
                    true
                }
                Inst::Save(n) => {
                    if let Some(slot) = caps.get_mut(n) {
                        stack.push(Bt::Restore(n, *slot));
                        *slot = sp as isize;
                    }
                    pc += 1;
                    true
                }
                Inst::Bol => {
                    pc += 1;
                    sp == 0
                }
                Inst::Eol => {
                    pc += 1;
                    sp == end
                }
                Inst::Match => return Outcome::Found,
            },
        };
        if !ok {
            // Backtrack.
            loop {
                match stack.pop() {
                    None => return Outcome::NotFound,
                    Some(Bt::Restore(n, old)) => {
                        if let Some(slot) = caps.get_mut(n) {
                            *slot = old;
                        }
                    }
                    Some(Bt::Try(p, s2)) => {
                        pc = p;
                        sp = s2;
                        break;
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- objects

#[repr(C)]
pub struct RegexObj {
    pub hdr: ObjHeader,
    pattern: Value,
}

#[repr(C)]
pub struct MatchObj {
    pub hdr: ObjHeader,
    subject: Value,
    /// Tuple of 2*(groups+1) small ints: byte offsets, -1 for unset.
    caps: Value,
}

pub static REGEX_TYPE: Type = Type {
    print: Some(regex_print),
    ..Type::new(Q::re)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&REGEX_LOCALS);

pub static MATCH_TYPE: Type = Type {
    print: Some(match_print),
    ..Type::new(Q::r#match)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&MATCH_LOCALS);

crate::py_object!(RegexObj, REGEX_TYPE);
crate::py_object!(MatchObj, MATCH_TYPE);

fn regex_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    push_str(
        out,
        &alloc::format!(
            "<re {:p}>",
            v.as_obj()
                .map_or(core::ptr::null(), |o| o.as_ptr() as *const u8)
        ),
    );
    Ok(())
}

fn match_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let m = match_obj(vm, v)?;
    let n = types::tuple::tuple_items(m.caps).map_or(0, |t| t.items().len() / 2);
    push_str(out, &alloc::format!("<match num={}>", n));
    Ok(())
}

fn match_obj(vm: &mut Vm, v: Value) -> PyResult<Gc<MatchObj>> {
    match v.downcast::<MatchObj>() {
        Some(m) => Ok(m),
        None => Err(vm.type_error("expected a match object")),
    }
}

#[cold]
fn regex_error(vm: &mut Vm) -> PyErr {
    vm.value_error("error in regex")
}

/// The bytes of a pattern or subject (str or bytes), and whether it is str.
fn text_of(vm: &mut Vm, v: Value) -> PyResult<(Vec<u8>, bool)> {
    match types::str::sdata(vm, v) {
        Some(d) if !matches!(d.kind, Kind::ByteArray) => {
            Ok((bytes_vec(d.bytes()), matches!(d.kind, Kind::Str)))
        }
        _ => {
            let m = alloc::format!(
                "can't convert '{}' object to str implicitly",
                vm.type_name(v)
            );
            Err(vm.type_error(&m))
        }
    }
}

fn compile_value(vm: &mut Vm, pat: Value) -> PyResult<Prog> {
    let (p, _) = text_of(vm, pat)?;
    match compile(&p) {
        Some(prog) => Ok(prog),
        None => Err(regex_error(vm)),
    }
}

/// The regex object (compiled) for a regex or pattern argument.
fn prog_of(vm: &mut Vm, v: Value) -> PyResult<(Prog, bool)> {
    if let Some(r) = v.downcast::<RegexObj>() {
        Ok((compile_value(vm, r.pattern)?, true))
    } else {
        Ok((compile_value(vm, v)?, false))
    }
}

fn exec(
    vm: &mut Vm,
    prog: &Prog,
    s: &[u8],
    start: usize,
    end: usize,
    anchored: bool,
) -> PyResult<Option<Vec<isize>>> {
    let mut caps = alloc::vec![-1isize; 2 * (prog.groups + 1)];
    match run(prog, s, start, end, anchored, &mut caps) {
        Outcome::Found => Ok(Some(caps)),
        Outcome::NotFound => Ok(None),
        Outcome::TooDeep => Err(vm.runtime_error("maximum recursion depth exceeded")),
    }
}

fn new_match(vm: &mut Vm, subject: Value, caps: &[isize]) -> PyResult<Value> {
    let mut vals: Vec<Value> = Vec::with_capacity(caps.len());
    for &c in caps {
        match Value::small_int(c) {
            Some(v) => vals.push(v),
            None => return Err(vm.overflow_error("offset too large")),
        }
    }
    let t = types::tuple::new_tuple(vm, &vals)?;
    Ok(vm
        .alloc_obj(MatchObj {
            hdr: ObjHeader::new(&MATCH_TYPE),
            subject,
            caps: t,
        })?
        .value())
}

fn new_text(vm: &mut Vm, is_str: bool, b: &[u8]) -> PyResult<Value> {
    if is_str {
        types::str::new_str_from_utf8(vm, b)
    } else {
        types::bytes::new_bytes(vm, b)
    }
}

fn exec_helper(vm: &mut Vm, args: &[Value], anchored: bool) -> PyResult<Value> {
    let (prog, compiled) = prog_of(vm, arg(args, 0))?;
    let subject = arg(args, 1);
    let (s, _) = text_of(vm, subject)?;
    let len = s.len() as isize;
    let mut start = 0isize;
    let mut end = len;
    if compiled {
        if let Some(&p) = args.get(2) {
            start = arg_int(vm, p)?.clamp(0, len);
            if let Some(&e) = args.get(3) {
                end = arg_int(vm, e)?.clamp(start, len);
            }
        }
    }
    match exec(vm, &prog, &s, start as usize, end as usize, anchored)? {
        Some(caps) => new_match(vm, subject, &caps),
        None => Ok(Value::NONE),
    }
}

fn re_match(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    exec_helper(vm, args, true)
}

fn re_search(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    exec_helper(vm, args, false)
}

fn re_split(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (prog, _) = prog_of(vm, arg(args, 0))?;
    let (s, is_str) = text_of(vm, arg(args, 1))?;
    let mut maxsplit = match args.get(2) {
        Some(&m) => arg_int(vm, m)?,
        None => 0,
    };
    let out = types::list::new_list(vm, &[])?;
    let mut begin = 0usize;
    while let Some(caps) = exec(vm, &prog, &s, begin, s.len(), false)? {
        let (m0, m1) = (caps[0], caps[1]);
        if m0 < 0 || m0 == m1 {
            break;
        }
        let (m0, m1) = (m0 as usize, m1 as usize);
        let piece = new_text(vm, is_str, s.get(begin..m0).unwrap_or(&[]))?;
        types::list::list_append(vm, out, piece)?;
        if prog.groups > 0 {
            return Err(vm.not_implemented("splitting with sub-captures"));
        }
        begin = m1;
        if maxsplit > 0 {
            maxsplit -= 1;
            if maxsplit == 0 {
                break;
            }
        }
    }
    let rest = new_text(vm, is_str, s.get(begin..).unwrap_or(&[]))?;
    types::list::list_append(vm, out, rest)?;
    Ok(out)
}

fn re_sub(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (prog, _) = prog_of(vm, arg(args, 0))?;
    let repl = arg(args, 1);
    let subject = arg(args, 2);
    let mut count = match args.get(3) {
        Some(&c) => arg_int(vm, c)?,
        None => 0,
    };
    let (s, is_str) = text_of(vm, subject)?;
    let callable = vm.is_callable(repl);
    let mut out: Vec<u8> = Vec::new();
    let mut begin = 0usize;
    let mut any = false;
    while let Some(caps) = exec(vm, &prog, &s, begin, s.len(), false)? {
        let (m0, m1) = (caps[0], caps[1]);
        if m0 < 0 || m0 == m1 {
            break;
        }
        any = true;
        out.extend_from_slice(s.get(begin..m0 as usize).unwrap_or(&[]));
        let r = if callable {
            let m = new_match(vm, subject, &caps)?;
            vm.call(repl, &[m], &[])?
        } else {
            repl
        };
        let (rb, _) = text_of(vm, r)?;
        expand(vm, &rb, &s, &caps, &mut out)?;
        begin = m1 as usize;
        if count > 0 {
            count -= 1;
            if count == 0 {
                break;
            }
        }
    }
    if !any {
        return Ok(subject);
    }
    out.extend_from_slice(s.get(begin..).unwrap_or(&[]));
    new_text(vm, is_str, &out)
}

/// Append replacement `r` with `\N`, `\g<N>` and `\\` expanded.
fn expand(vm: &mut Vm, r: &[u8], s: &[u8], caps: &[isize], out: &mut Vec<u8>) -> PyResult<()> {
    let mut i = 0;
    while i < r.len() {
        let c = r[i];
        if c != b'\\' {
            push_byte(out, c);
            i += 1;
            continue;
        }
        i += 1;
        let mut g_format = false;
        if r.get(i) == Some(&b'g') && r.get(i + 1) == Some(&b'<') {
            i += 2;
            g_format = true;
        }
        match r.get(i) {
            Some(d) if d.is_ascii_digit() => {
                let mut n: usize = 0;
                while let Some(&d) = r.get(i) {
                    if !d.is_ascii_digit() {
                        break;
                    }
                    n = n.saturating_mul(10).saturating_add((d - b'0') as usize);
                    i += 1;
                }
                if g_format && r.get(i) == Some(&b'>') {
                    i += 1;
                }
                if n >= caps.len() / 2 {
                    let v = Value::small_int(n.min(isize::MAX as usize >> 2) as isize)
                        .unwrap_or(Value::NONE);
                    return Err(vm.new_exception_args(
                        TypeRef::of_static(&types::exception::INDEX_ERROR),
                        &[v],
                    ));
                }
                let (a, b) = (caps[2 * n], caps[2 * n + 1]);
                if a >= 0 && b >= a {
                    push_bytes(out, s.get(a as usize..b as usize).unwrap_or(&[]));
                }
            }
            Some(b'\\') => {
                push_byte(out, b'\\');
                i += 1;
            }
            _ => {}
        }
    }
    Ok(())
}

fn re_compile(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let prog = compile_value(vm, arg(args, 0))?;
    let fl = match args.get(1) {
        Some(&f) => arg_int(vm, f)?,
        None => 0,
    };
    if fl & FLAG_DEBUG != 0 {
        let d = prog.dump();
        vm.write_stdout(&d);
    }
    Ok(vm
        .alloc_obj(RegexObj {
            hdr: ObjHeader::new(&REGEX_TYPE),
            pattern: arg(args, 0),
        })?
        .value())
}

// ---- match object methods

fn group_index(vm: &mut Vm, m: Gc<MatchObj>, v: Value) -> PyResult<(usize, Vec<isize>)> {
    let caps: Vec<isize> = types::tuple::tuple_items(m.caps)
        .map(|t| {
            t.items()
                .iter()
                .map(|x| x.as_small_int().unwrap_or(-1))
                .collect()
        })
        .unwrap_or_default();
    let n = arg_int(vm, v)?;
    if n < 0 || (n as usize) >= caps.len() / 2 {
        return Err(vm.new_exception_args(TypeRef::of_static(&types::exception::INDEX_ERROR), &[v]));
    }
    Ok((n as usize, caps))
}

fn group_value(vm: &mut Vm, m: Gc<MatchObj>, n: usize, caps: &[isize]) -> PyResult<Value> {
    let (a, b) = (caps[2 * n], caps[2 * n + 1]);
    if a < 0 || b < a {
        return Ok(Value::NONE);
    }
    let (s, is_str) = text_of(vm, m.subject)?;
    let part = s.get(a as usize..b as usize).unwrap_or(&[]);
    new_text(vm, is_str, part)
}

fn m_group(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = match_obj(vm, arg(args, 0))?;
    if args.len() > 2 {
        // CPython's group(a, b, ...) -> tuple (an extension over MicroPython).
        let out = types::list::new_list(vm, &[])?;
        for &idx in &args[1..] {
            let (n, caps) = group_index(vm, m, idx)?;
            let v = group_value(vm, m, n, &caps)?;
            types::list::list_append(vm, out, v)?;
        }
        return types::tuple::tuple_from_iter(vm, out);
    }
    let idx = args
        .get(1)
        .copied()
        .unwrap_or(Value::small_int_unchecked(0));
    let (n, caps) = group_index(vm, m, idx)?;
    group_value(vm, m, n, &caps)
}

fn m_groups(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = match_obj(vm, arg(args, 0))?;
    let (_, caps) = group_index(vm, m, Value::small_int_unchecked(0))?;
    let n = caps.len() / 2;
    let out = types::list::new_list(vm, &[])?;
    let default = args.get(1).copied().unwrap_or(Value::NONE);
    for g in 1..n {
        let mut v = group_value(vm, m, g, &caps)?;
        if v.is_none() {
            v = default;
        }
        types::list::list_append(vm, out, v)?;
    }
    types::tuple::tuple_from_iter(vm, out)
}

fn span_of(vm: &mut Vm, args: &[Value]) -> PyResult<(isize, isize)> {
    let m = match_obj(vm, arg(args, 0))?;
    let idx = args
        .get(1)
        .copied()
        .unwrap_or(Value::small_int_unchecked(0));
    let (n, caps) = group_index(vm, m, idx)?;
    let (a, b) = (caps[2 * n], caps[2 * n + 1]);
    if a < 0 || b < a {
        return Ok((-1, -1));
    }
    let (s, is_str) = text_of(vm, m.subject)?;
    if is_str {
        let ca = types::str::char_count(s.get(..a as usize).unwrap_or(&[])) as isize;
        let cb = types::str::char_count(s.get(..b as usize).unwrap_or(&[])) as isize;
        Ok((ca, cb))
    } else {
        Ok((a, b))
    }
}

fn m_span(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (a, b) = span_of(vm, args)?;
    let t = [Value::small_int_unchecked(a), Value::small_int_unchecked(b)];
    types::tuple::new_tuple(vm, &t)
}

fn m_start(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (a, _) = span_of(vm, args)?;
    Ok(Value::small_int_unchecked(a))
}

fn m_end(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (_, b) = span_of(vm, args)?;
    Ok(Value::small_int_unchecked(b))
}

static COMPILE: BuiltinFn = BuiltinFn::new(Q::compile, 1, 2, re_compile);
static MATCH: BuiltinFn = BuiltinFn::new(Q::r#match, 2, 4, re_match);
static SEARCH: BuiltinFn = BuiltinFn::new(Q::search, 2, 4, re_search);
static SPLIT: BuiltinFn = BuiltinFn::new(Q::split, 2, 3, re_split);
static SUB: BuiltinFn = BuiltinFn::new(Q::sub, 3, 5, re_sub);

static GROUP: BuiltinFn = BuiltinFn::new(Q::group, 1, 16, m_group);
static GROUPS: BuiltinFn = BuiltinFn::new(Q::groups, 1, 2, m_groups);
static SPAN: BuiltinFn = BuiltinFn::new(Q::span, 1, 2, m_span);
static START: BuiltinFn = BuiltinFn::new(Q::start, 1, 2, m_start);
static END: BuiltinFn = BuiltinFn::new(Q::end, 1, 2, m_end);

fixed_dict!(
    REGEX_LOCALS,
    [
        (Q::r#match, fnv!(MATCH)),
        (Q::search, fnv!(SEARCH)),
        (Q::split, fnv!(SPLIT)),
        (Q::sub, fnv!(SUB)),
    ]
);

fixed_dict!(
    MATCH_LOCALS,
    [
        (Q::group, fnv!(GROUP)),
        (Q::groups, fnv!(GROUPS)),
        (Q::span, fnv!(SPAN)),
        (Q::start, fnv!(START)),
        (Q::end, fnv!(END)),
    ]
);

fixed_dict!(
    RE_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::re)),
        (Q::compile, fnv!(COMPILE)),
        (Q::r#match, fnv!(MATCH)),
        (Q::search, fnv!(SEARCH)),
        (Q::sub, fnv!(SUB)),
        (Q::split, fnv!(SPLIT)),
        (Q::DEBUG, Value::small_int_unchecked(FLAG_DEBUG)),
    ]
);

pub static RE_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::re,
    globals: &RE_GLOBALS,
    init: None,
    extensible: true,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn find(p: &str, s: &str) -> Option<(isize, isize)> {
        let prog = compile(p.as_bytes())?;
        let mut caps = alloc::vec![-1isize; 2 * (prog.groups + 1)];
        match run(&prog, s.as_bytes(), 0, s.len(), false, &mut caps) {
            Outcome::Found => Some((caps[0], caps[1])),
            _ => None,
        }
    }

    #[test]
    fn basics() {
        assert_eq!(find("b+", "aabbbc"), Some((2, 5)));
        assert_eq!(find("b+?", "aabbbc"), Some((2, 3)));
        assert_eq!(find("a|bc", "xbc"), Some((1, 3)));
        assert_eq!(find("[0-9]+$", "ab12"), Some((2, 4)));
        assert!(compile(b"*").is_none());
        assert!(compile(b"(").is_none());
        assert!(compile(b")").is_none());
        assert!(compile(b"[a").is_none());
        let mut big = alloc::vec![b'b'; 63];
        push_bytes(&mut big, b"|a");
        assert!(compile(&big).is_none());
    }
}
