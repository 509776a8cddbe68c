//! The `re` module (also `ure`): MicroPython's regular expression subset.
//!
//! Syntax: literals, `.`, `[...]`/`[^...]` with ranges and escapes, `^`, `$`, `*`, `+`, `?`
//! and their lazy forms, `|`, `(...)`, `(?:...)`, and the classes `\d \D \w \W \s \S`.
//! A bad pattern raises `ValueError("error in regex")`.
//! API: `compile`, `match`, `search`, `sub` (string templates with `\N`/`\g<N>`, or a
//! function; `count`), `split` (`maxsplit`); compiled patterns have `match`, `search`, `sub`,
//! `split`; match objects have `group`, `groups`, `start`, `end`, `span`.
//!
//! Matching is backtracking over the text's characters (bytes for bytes patterns), with a
//! bound on the recursion depth (RuntimeError beyond it) so no pattern can overflow the
//! native stack. Patterns are parsed on each use (the parsed form holds Rust memory, which
//! must not live in GC objects).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, kw_get, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::arg_int;
use super::BuiltinModuleDef;

// ---- parsing ----

#[derive(Debug)]
enum Node {
    Char(u32),
    Any,
    Class(Vec<ClassItem>, bool),
    Start,
    End,
    Group(Box<Node>, Option<usize>),
    Alt(Vec<Node>),
    Concat(Vec<Node>),
    Repeat(Box<Node>, usize, Option<usize>, bool),
}

#[derive(Debug, Clone, Copy)]
enum ClassItem {
    Range(u32, u32),
    Named(u8),
}

struct Parser<'a> {
    p: &'a [u32],
    i: usize,
    groups: usize,
    depth: usize,
}

/// Deepest group nesting accepted (the parser recurses per level).
const MAX_NESTING: usize = 200;

type PResult<T> = Result<T, ()>;

fn named_match(k: u8, c: u32) -> bool {
    let ch = char::from_u32(c).unwrap_or('\0');
    match k {
        b'd' => ch.is_ascii_digit(),
        b'D' => !ch.is_ascii_digit(),
        b'w' => ch.is_ascii_alphanumeric() || ch == '_',
        b'W' => !(ch.is_ascii_alphanumeric() || ch == '_'),
        b's' => ch.is_ascii_whitespace() || ch == '\x0b',
        b'S' => !(ch.is_ascii_whitespace() || ch == '\x0b'),
        _ => false,
    }
}

fn escape_char(c: u32) -> u32 {
    match char::from_u32(c) {
        Some('n') => '\n' as u32,
        Some('t') => '\t' as u32,
        Some('r') => '\r' as u32,
        _ => c,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<u32> {
        self.p.get(self.i).copied()
    }
    /// The character of an escape `\e` whose `e` was just consumed (`\xHH` reads two more).
    fn escaped(&mut self, e: u32) -> PResult<u32> {
        if e == 'x' as u32 {
            let h = self.p.get(self.i..self.i + 2).ok_or(())?;
            let d = |c: u32| char::from_u32(c).and_then(|c| c.to_digit(16)).ok_or(());
            let v = d(h[0])? * 16 + d(h[1])?;
            self.i += 2;
            return Ok(v);
        }
        Ok(escape_char(e))
    }
    fn alt(&mut self) -> PResult<Node> {
        let mut branches = alloc::vec![self.concat()?];
        while self.peek() == Some('|' as u32) {
            self.i += 1;
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().ok_or(())?
        } else {
            Node::Alt(branches)
        })
    }
    fn concat(&mut self) -> PResult<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' as u32 || c == ')' as u32 {
                break;
            }
            let atom = self.atom()?;
            items.push(self.postfix(atom)?);
        }
        Ok(Node::Concat(items))
    }
    fn postfix(&mut self, atom: Node) -> PResult<Node> {
        let Some(c) = self.peek() else {
            return Ok(atom);
        };
        let (min, max) = match char::from_u32(c) {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            _ => return Ok(atom),
        };
        self.i += 1;
        let mut greedy = true;
        if self.peek() == Some('?' as u32) {
            self.i += 1;
            greedy = false;
        }
        if matches!(atom, Node::Start | Node::End) {
            return Err(());
        }
        Ok(Node::Repeat(Box::new(atom), min, max, greedy))
    }
    fn atom(&mut self) -> PResult<Node> {
        let c = self.peek().ok_or(())?;
        self.i += 1;
        Ok(match char::from_u32(c) {
            Some('.') => Node::Any,
            Some('^') => Node::Start,
            Some('$') => Node::End,
            Some('*') | Some('+') | Some('?') => return Err(()),
            Some('(') => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(());
                }
                let idx = if self.p.get(self.i..self.i + 2) == Some(&['?' as u32, ':' as u32]) {
                    self.i += 2;
                    None
                } else {
                    self.groups += 1;
                    Some(self.groups)
                };
                let inner = self.alt()?;
                if self.peek() != Some(')' as u32) {
                    return Err(());
                }
                self.i += 1;
                self.depth -= 1;
                Node::Group(Box::new(inner), idx)
            }
            Some('[') => self.class()?,
            Some('\\') => {
                let e = self.peek().ok_or(())?;
                self.i += 1;
                match char::from_u32(e) {
                    Some(k @ ('d' | 'D' | 'w' | 'W' | 's' | 'S')) => {
                        Node::Class(alloc::vec![ClassItem::Named(k as u8)], false)
                    }
                    _ => Node::Char(self.escaped(e)?),
                }
            }
            _ => Node::Char(c),
        })
    }
    fn class(&mut self) -> PResult<Node> {
        let mut neg = false;
        if self.peek() == Some('^' as u32) {
            self.i += 1;
            neg = true;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek().ok_or(())?;
            self.i += 1;
            if c == ']' as u32 && !first {
                break;
            }
            first = false;
            let lo = if c == '\\' as u32 {
                let e = self.peek().ok_or(())?;
                self.i += 1;
                match char::from_u32(e) {
                    Some(k @ ('d' | 'D' | 'w' | 'W' | 's' | 'S')) => {
                        items.push(ClassItem::Named(k as u8));
                        continue;
                    }
                    _ => self.escaped(e)?,
                }
            } else {
                c
            };
            // A range `lo-hi` (a '-' before ']' is literal).
            if self.peek() == Some('-' as u32)
                && self.p.get(self.i + 1).is_some_and(|&n| n != ']' as u32)
            {
                self.i += 1;
                let mut hi = self.peek().ok_or(())?;
                self.i += 1;
                if hi == '\\' as u32 {
                    let e = self.peek().ok_or(())?;
                    self.i += 1;
                    hi = self.escaped(e)?;
                }
                items.push(ClassItem::Range(lo, hi));
            } else {
                items.push(ClassItem::Range(lo, lo));
            }
        }
        Ok(Node::Class(items, neg))
    }
}

struct Regex {
    root: Node,
    groups: usize,
}

fn parse(p: &[u32]) -> PResult<Regex> {
    let mut ps = Parser {
        p,
        i: 0,
        groups: 0,
        depth: 0,
    };
    let root = ps.alt()?;
    if ps.i != p.len() {
        return Err(());
    }
    Ok(Regex {
        root,
        groups: ps.groups,
    })
}

// ---- matching ----

const MAX_DEPTH: usize = 4000;

/// Group spans of a match (group 0 is the whole match).
type Spans = Vec<Option<(usize, usize)>>;

struct Matcher<'a> {
    s: &'a [u32],
    caps: Vec<Option<(usize, usize)>>,
    depth: usize,
    overflow: bool,
    /// The interpreter's native stack bounds (`vm.stack_top`, `vm.config.stack_limit`).
    stack_top: usize,
    stack_limit: usize,
}

type Cont<'c, 'a> = &'c mut dyn FnMut(&mut Matcher<'a>, usize) -> bool;

impl<'a> Matcher<'a> {
    fn m(&mut self, node: &Node, pos: usize, k: Cont<'_, 'a>) -> bool {
        let here = 0u8;
        let addr = &here as *const u8 as usize;
        let deep = self.stack_top != 0
            && self.stack_top > addr
            && self.stack_top - addr > self.stack_limit;
        if self.depth > MAX_DEPTH || deep {
            self.overflow = true;
            return false;
        }
        self.depth += 1;
        let r = self.m_inner(node, pos, k);
        self.depth -= 1;
        r
    }

    fn m_inner(&mut self, node: &Node, pos: usize, k: Cont<'_, 'a>) -> bool {
        if self.overflow {
            return false;
        }
        let cur = self.s.get(pos).copied();
        match node {
            Node::Char(c) => cur == Some(*c) && k(self, pos + 1),
            Node::Any => cur.is_some_and(|c| c != '\n' as u32) && k(self, pos + 1),
            Node::Class(items, neg) => {
                let Some(c) = cur else { return false };
                let hit = items.iter().any(|it| match *it {
                    ClassItem::Range(lo, hi) => lo <= c && c <= hi,
                    ClassItem::Named(n) => named_match(n, c),
                });
                hit != *neg && k(self, pos + 1)
            }
            Node::Start => pos == 0 && k(self, pos),
            Node::End => pos == self.s.len() && k(self, pos),
            Node::Group(inner, idx) => {
                let Some(idx) = *idx else {
                    return self.m(inner, pos, k);
                };
                let saved = self.caps.get(idx).copied().flatten();
                let ok = self.m(inner, pos, &mut |m: &mut Matcher<'a>, p| {
                    let old = m.caps[idx];
                    m.caps[idx] = Some((pos, p));
                    if k(m, p) {
                        true
                    } else {
                        m.caps[idx] = old;
                        false
                    }
                });
                if !ok {
                    self.caps[idx] = saved;
                }
                ok
            }
            Node::Alt(bs) => {
                for b in bs {
                    if self.m(b, pos, k) {
                        return true;
                    }
                    if self.overflow {
                        return false;
                    }
                }
                false
            }
            Node::Concat(items) => self.seq(items, pos, k),
            Node::Repeat(inner, min, max, greedy) => {
                self.rep(inner, *min, *max, *greedy, 0, pos, k)
            }
        }
    }

    fn seq(&mut self, items: &[Node], pos: usize, k: Cont<'_, 'a>) -> bool {
        match items.split_first() {
            None => k(self, pos),
            Some((first, rest)) => {
                self.m(first, pos, &mut |m: &mut Matcher<'a>, p| m.seq(rest, p, k))
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rep(
        &mut self,
        inner: &Node,
        min: usize,
        max: Option<usize>,
        greedy: bool,
        count: usize,
        pos: usize,
        k: Cont<'_, 'a>,
    ) -> bool {
        let can_more = max.is_none_or(|mx| count < mx);
        let more = |m: &mut Matcher<'a>, k: Cont<'_, 'a>| -> bool {
            can_more
                && m.m(inner, pos, &mut |m2: &mut Matcher<'a>, p| {
                    // An empty iteration cannot make progress: stop repeating.
                    if p == pos && count >= min {
                        return false;
                    }
                    m2.rep(inner, min, max, greedy, count + 1, p, k)
                })
        };
        if greedy {
            if more(self, k) {
                return true;
            }
            count >= min && !self.overflow && k(self, pos)
        } else {
            if count >= min && k(self, pos) {
                return true;
            }
            !self.overflow && more(self, k)
        }
    }
}

/// Match `re` at `start` in `s` (anchored); the group spans on success.
fn match_at(vm: &mut Vm, re: &Regex, s: &[u32], start: usize) -> PyResult<Option<Spans>> {
    let mut m = Matcher {
        s,
        caps: alloc::vec![None; re.groups + 1],
        depth: 0,
        overflow: false,
        stack_top: vm.stack_top,
        stack_limit: vm.config.stack_limit,
    };
    let mut end = None;
    let ok = m.m(&re.root, start, &mut |_m, p| {
        end = Some(p);
        true
    });
    if m.overflow {
        return Err(vm.runtime_error("maximum recursion depth exceeded"));
    }
    if !ok {
        return Ok(None);
    }
    let mut caps = m.caps;
    caps[0] = end.map(|e| (start, e));
    Ok(Some(caps))
}

fn search_from(
    vm: &mut Vm,
    re: &Regex,
    s: &[u32],
    from: usize,
    anchored: bool,
) -> PyResult<Option<Spans>> {
    let mut st = from;
    while st <= s.len() {
        if let Some(c) = match_at(vm, re, s, st)? {
            return Ok(Some(c));
        }
        if anchored {
            break;
        }
        st += 1;
    }
    Ok(None)
}

// ---- objects ----

#[repr(C)]
pub struct RegexObj {
    pub hdr: ObjHeader,
    pub pattern: Value,
}

#[repr(C)]
pub struct MatchObj {
    pub hdr: ObjHeader,
    pub string: Value,
    /// Tuple of 2 * (groups + 1) ints: start, end (-1 for unmatched groups).
    pub spans: Value,
}

crate::py_object!(RegexObj, REGEX_TYPE);
crate::py_object!(MatchObj, MATCH_TYPE);

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

fn regex_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(r) = v.downcast::<RegexObj>() {
        out.push_str("re.compile(");
        vm.print_to(r.pattern, PrintKind::Repr, out)?;
        out.push(')');
    }
    Ok(())
}

fn match_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str(&alloc::format!("<match 0x{:x}>", v.word()));
    Ok(())
}

/// The code points (or bytes) of a str/bytes value, and whether it is bytes.
fn text_of(vm: &mut Vm, v: Value) -> PyResult<(Vec<u32>, bool)> {
    if let Some(s) = types::str::str_data(vm, v) {
        return Ok((s.as_str().chars().map(|c| c as u32).collect(), false));
    }
    if let Some(b) = types::bytes::bytes_obj(v) {
        return Ok((b.items().iter().map(|&c| c as u32).collect(), true));
    }
    if let Some(b) = types::bytes::bytearray_obj(v) {
        return Ok((b.to_vec().iter().map(|&c| c as u32).collect(), true));
    }
    Err(super::builtins::bad_implicit_conversion(vm, v))
}

fn make_text(vm: &mut Vm, cps: &[u32], bytes: bool) -> PyResult<Value> {
    if bytes {
        let b: Vec<u8> = cps.iter().map(|&c| c as u8).collect();
        types::bytes::new_bytes(vm, &b)
    } else {
        let s: String = cps.iter().filter_map(|&c| char::from_u32(c)).collect();
        types::str::new_str(vm, &s)
    }
}

/// The pattern value of a str/bytes pattern or a compiled regex.
fn pattern_of(vm: &mut Vm, v: Value) -> PyResult<Value> {
    if let Some(r) = v.downcast::<RegexObj>() {
        return Ok(r.pattern);
    }
    if types::str::str_data(vm, v).is_some() || types::bytes::bytes_obj(v).is_some() {
        return Ok(v);
    }
    Err(vm.type_error("expected str, bytes or a compiled regex"))
}

fn compile_pattern(vm: &mut Vm, pat: Value) -> PyResult<Regex> {
    let (p, _) = text_of(vm, pat)?;
    match parse(&p) {
        Ok(r) => Ok(r),
        Err(()) => Err(vm.value_error("error in regex")),
    }
}

fn new_match(vm: &mut Vm, string: Value, caps: &[Option<(usize, usize)>]) -> PyResult<Value> {
    let list = types::list::new_list(vm, &[])?;
    for c in caps {
        let (a, b) = match c {
            Some((a, b)) => (*a as isize, *b as isize),
            None => (-1, -1),
        };
        types::list::list_append(vm, list, Value::small_int(a).unwrap_or(Value::NONE))?;
        types::list::list_append(vm, list, Value::small_int(b).unwrap_or(Value::NONE))?;
    }
    let spans = types::tuple::tuple_from_iter(vm, list)?;
    Ok(vm
        .alloc_obj(MatchObj {
            hdr: ObjHeader::new(&MATCH_TYPE),
            string,
            spans,
        })?
        .value())
}

fn do_match(
    vm: &mut Vm,
    pat: Value,
    string: Value,
    anchored: bool,
    pos: usize,
    endpos: Option<usize>,
) -> PyResult<Value> {
    let pat = pattern_of(vm, pat)?;
    let re = compile_pattern(vm, pat)?;
    let (mut s, _) = text_of(vm, string)?;
    if let Some(e) = endpos {
        s.truncate(e);
    }
    match search_from(vm, &re, &s, pos.min(s.len()), anchored)? {
        Some(caps) => new_match(vm, string, &caps),
        None => Ok(Value::NONE),
    }
}

fn pos_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<usize> {
    match v {
        Some(&v) => Ok(arg_int(vm, v)?.max(0) as usize),
        None => Ok(0),
    }
}

fn re_match(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    do_match(vm, args[0], args[1], true, 0, None)
}
fn re_search(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    do_match(vm, args[0], args[1], false, 0, None)
}
fn regex_match(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let p = pos_arg(vm, args.get(2))?;
    let e = match args.get(3) {
        Some(_) => Some(pos_arg(vm, args.get(3))?),
        None => None,
    };
    do_match(vm, args[0], args[1], true, p, e)
}
fn regex_search(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let p = pos_arg(vm, args.get(2))?;
    let e = match args.get(3) {
        Some(_) => Some(pos_arg(vm, args.get(3))?),
        None => None,
    };
    do_match(vm, args[0], args[1], false, p, e)
}

fn re_compile(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let pat = pattern_of(vm, args[0])?;
    compile_pattern(vm, pat)?;
    Ok(vm
        .alloc_obj(RegexObj {
            hdr: ObjHeader::new(&REGEX_TYPE),
            pattern: pat,
        })?
        .value())
}

/// Expand a `sub` template for one match.
fn expand(
    vm: &mut Vm,
    tpl: &[u32],
    s: &[u32],
    caps: &[Option<(usize, usize)>],
    out: &mut Vec<u32>,
) -> PyResult<()> {
    let mut i = 0;
    let bad = |vm: &mut Vm| vm.value_error("invalid group reference");
    while i < tpl.len() {
        let c = tpl[i];
        if c != '\\' as u32 || i + 1 >= tpl.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = tpl[i + 1];
        let group = if (('0' as u32)..=('9' as u32)).contains(&n) {
            let mut j = i + 1;
            let mut g: usize = 0;
            while j < tpl.len() && (('0' as u32)..=('9' as u32)).contains(&tpl[j]) {
                g = g
                    .checked_mul(10)
                    .and_then(|g| g.checked_add((tpl[j] - '0' as u32) as usize))
                    .ok_or_else(|| bad(vm))?;
                j += 1;
            }
            i = j;
            Some(g)
        } else if n == 'g' as u32 && tpl.get(i + 2) == Some(&('<' as u32)) {
            let mut j = i + 3;
            let mut g: usize = 0;
            while j < tpl.len() && tpl[j] != '>' as u32 {
                let d = tpl[j].wrapping_sub('0' as u32);
                if d > 9 {
                    return Err(bad(vm));
                }
                g = g
                    .checked_mul(10)
                    .and_then(|g| g.checked_add(d as usize))
                    .ok_or_else(|| bad(vm))?;
                j += 1;
            }
            if j >= tpl.len() {
                return Err(bad(vm));
            }
            i = j + 1;
            Some(g)
        } else {
            None
        };
        match group {
            Some(g) => {
                if g >= caps.len() {
                    return Err(bad(vm));
                }
                if let Some((a, b)) = caps[g] {
                    out.extend_from_slice(&s[a..b]);
                }
            }
            None => {
                out.push(escape_char(n));
                if n == '\\' as u32 {
                    // `\\` gives one backslash.
                }
                i += 2;
            }
        }
    }
    Ok(())
}

fn do_sub(vm: &mut Vm, pat: Value, repl: Value, string: Value, count: usize) -> PyResult<Value> {
    let pat = pattern_of(vm, pat)?;
    let re = compile_pattern(vm, pat)?;
    let (s, bytes) = text_of(vm, string)?;
    let tpl = if vm.is_callable(repl) {
        None
    } else {
        Some(text_of(vm, repl)?.0)
    };
    let mut out: Vec<u32> = Vec::new();
    let mut pos = 0;
    let mut last = 0;
    let mut n = 0;
    while pos <= s.len() && (count == 0 || n < count) {
        let Some(caps) = search_from(vm, &re, &s, pos, false)? else {
            break;
        };
        let Some((a, b)) = caps[0] else { break };
        out.extend_from_slice(&s[last..a]);
        match &tpl {
            Some(t) => expand(vm, t, &s, &caps, &mut out)?,
            None => {
                let m = new_match(vm, string, &caps)?;
                let r = vm.call(repl, &[m], &[])?;
                let (rt, _) = text_of(vm, r)?;
                out.extend_from_slice(&rt);
            }
        }
        last = b;
        n += 1;
        pos = if b == a {
            if let Some(&c) = s.get(a) {
                out.push(c);
            }
            last = (a + 1).min(s.len());
            a + 1
        } else {
            b
        };
    }
    if last < s.len() {
        out.extend_from_slice(&s[last..]);
    }
    make_text(vm, &out, bytes)
}

fn re_sub(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let count = match args.get(3).copied().or_else(|| kw_get(kw, Q::count)) {
        Some(c) => arg_int(vm, c)?.max(0) as usize,
        None => 0,
    };
    do_sub(vm, args[0], args[1], args[2], count)
}

fn do_split(vm: &mut Vm, pat: Value, string: Value, maxsplit: usize) -> PyResult<Value> {
    let pat = pattern_of(vm, pat)?;
    let re = compile_pattern(vm, pat)?;
    if re.groups > 0 {
        return Err(vm.not_implemented("splitting with sub-captures"));
    }
    let (s, bytes) = text_of(vm, string)?;
    let list = types::list::new_list(vm, &[])?;
    let mut last = 0;
    let mut pos = 0;
    let mut n = 0;
    while pos <= s.len() && (maxsplit == 0 || n < maxsplit) {
        let Some(caps) = search_from(vm, &re, &s, pos, false)? else {
            break;
        };
        let Some((a, b)) = caps[0] else { break };
        if a == b {
            // MicroPython: an empty match ends the splitting.
            break;
        }
        let piece = make_text(vm, &s[last..a], bytes)?;
        types::list::list_append(vm, list, piece)?;
        last = b;
        pos = b;
        n += 1;
    }
    let piece = make_text(vm, &s[last.min(s.len())..], bytes)?;
    types::list::list_append(vm, list, piece)?;
    Ok(list)
}

fn re_split(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let maxsplit = match args.get(2).copied().or_else(|| kw_get(kw, Q::maxsplit)) {
        Some(c) => arg_int(vm, c)?.max(0) as usize,
        None => 0,
    };
    do_split(vm, args[0], args[1], maxsplit)
}

// ---- match object methods ----

fn match_obj(vm: &mut Vm, v: Value) -> PyResult<Gc<MatchObj>> {
    match v.downcast::<MatchObj>() {
        Some(m) => Ok(m),
        None => Err(vm.type_error("expected a match object")),
    }
}

fn span_of(vm: &mut Vm, m: Gc<MatchObj>, g: Value) -> PyResult<(isize, isize)> {
    let i = arg_int(vm, g)?;
    let t = types::tuple::tuple_items(m.spans);
    let items = t.map(|t| t.items().to_vec()).unwrap_or_default();
    if i < 0 || (2 * i as usize + 1) >= items.len() {
        return Err(vm.index_error("no such group"));
    }
    let a = items[2 * i as usize].as_small_int().unwrap_or(-1);
    let b = items[2 * i as usize + 1].as_small_int().unwrap_or(-1);
    Ok((a, b))
}

fn group_value(vm: &mut Vm, m: Gc<MatchObj>, g: Value) -> PyResult<Value> {
    let (a, b) = span_of(vm, m, g)?;
    if a < 0 {
        return Ok(Value::NONE);
    }
    let (s, bytes) = text_of(vm, m.string)?;
    let (a, b) = (a as usize, (b as usize).min(s.len()));
    make_text(vm, &s[a.min(b)..b], bytes)
}

fn m_group(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = match_obj(vm, args[0])?;
    if args.len() <= 2 {
        let g = args
            .get(1)
            .copied()
            .unwrap_or(Value::small_int_unchecked(0));
        return group_value(vm, m, g);
    }
    let list = types::list::new_list(vm, &[])?;
    for &g in &args[1..] {
        let v = group_value(vm, m, g)?;
        types::list::list_append(vm, list, v)?;
    }
    types::tuple::tuple_from_iter(vm, list)
}

fn m_groups(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = match_obj(vm, args[0])?;
    let n = types::tuple::tuple_items(m.spans)
        .map(|t| t.len() / 2)
        .unwrap_or(1);
    let list = types::list::new_list(vm, &[])?;
    for i in 1..n {
        let mut v = group_value(vm, m, Value::small_int_unchecked(i as isize))?;
        if v.is_none() {
            if let Some(&d) = args.get(1) {
                v = d;
            }
        }
        types::list::list_append(vm, list, v)?;
    }
    types::tuple::tuple_from_iter(vm, list)
}

fn m_span(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = match_obj(vm, args[0])?;
    let g = args
        .get(1)
        .copied()
        .unwrap_or(Value::small_int_unchecked(0));
    let (a, b) = span_of(vm, m, g)?;
    let a = Value::small_int_unchecked(a);
    let b = Value::small_int_unchecked(b);
    types::tuple::new_tuple(vm, &[a, b])
}

fn m_start(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = match_obj(vm, args[0])?;
    let g = args
        .get(1)
        .copied()
        .unwrap_or(Value::small_int_unchecked(0));
    Ok(Value::small_int_unchecked(span_of(vm, m, g)?.0))
}

fn m_end(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let m = match_obj(vm, args[0])?;
    let g = args
        .get(1)
        .copied()
        .unwrap_or(Value::small_int_unchecked(0));
    Ok(Value::small_int_unchecked(span_of(vm, m, g)?.1))
}

static COMPILE: BuiltinFn = BuiltinFn::new(Q::compile, 1, 2, re_compile);
static MATCH: BuiltinFn = BuiltinFn::new(Q::r#match, 2, 3, re_match);
static SEARCH: BuiltinFn = BuiltinFn::new(Q::search, 2, 3, re_search);
static SUB: BuiltinFn = BuiltinFn::new_kw(Q::sub, 3, 5, re_sub);
static SPLIT: BuiltinFn = BuiltinFn::new_kw(Q::split, 2, 4, re_split);
static R_MATCH: BuiltinFn = BuiltinFn::new(Q::r#match, 2, 4, regex_match);
static R_SEARCH: BuiltinFn = BuiltinFn::new(Q::search, 2, 4, regex_search);
static M_GROUP: BuiltinFn = BuiltinFn::new(Q::group, 1, crate::obj::VAR_ARGS, m_group);
static M_GROUPS: BuiltinFn = BuiltinFn::new(Q::groups, 1, 2, m_groups);
static M_SPAN: BuiltinFn = BuiltinFn::new(Q::span, 1, 2, m_span);
static M_START: BuiltinFn = BuiltinFn::new(Q::start, 1, 2, m_start);
static M_END: BuiltinFn = BuiltinFn::new(Q::end, 1, 2, m_end);

fixed_dict!(
    REGEX_LOCALS,
    [
        (Q::r#match, fnv!(R_MATCH)),
        (Q::search, fnv!(R_SEARCH)),
        (Q::sub, fnv!(SUB)),
        (Q::split, fnv!(SPLIT)),
    ]
);

fixed_dict!(
    MATCH_LOCALS,
    [
        (Q::group, fnv!(M_GROUP)),
        (Q::groups, fnv!(M_GROUPS)),
        (Q::span, fnv!(M_SPAN)),
        (Q::start, fnv!(M_START)),
        (Q::end, fnv!(M_END)),
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
    ]
);

pub static RE_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::re,
    globals: &RE_GLOBALS,
    init: None,
    extensible: true,
};
