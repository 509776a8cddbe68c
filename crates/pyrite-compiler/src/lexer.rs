//! Tokenizer with MicroPython's behaviour: indentation tokens, implicit line joining inside
//! brackets, adjacent string concatenation, and f-strings rewritten in the lexer into
//! `'...{}...'.format(args)` (the format arguments are injected back into the input stream,
//! exactly as MicroPython does, so `f'{x!r:>4}'` becomes `'{!r:>4}'.format((x),)`).

use crate::text::push_byte;
use crate::text::push_bytes;
use alloc::vec::Vec;

/// Token kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    End,
    Invalid,
    DedentMismatch,
    LonelyStringOpen,
    MalformedFstring,
    /// A string with a `\N{...}` escape (not implemented, as in MicroPython).
    UnicodeNameEscape,
    Newline,
    Indent,
    Dedent,
    Name,
    Integer,
    FloatOrImag,
    Str,
    Bytes,
    Ellipsis,
    // keywords
    KwFalse,
    KwNone,
    KwTrue,
    KwAnd,
    KwAs,
    KwAssert,
    KwAsync,
    KwAwait,
    KwBreak,
    KwClass,
    KwContinue,
    KwDef,
    KwDel,
    KwElif,
    KwElse,
    KwExcept,
    KwFinally,
    KwFor,
    KwFrom,
    KwGlobal,
    KwIf,
    KwImport,
    KwIn,
    KwIs,
    KwLambda,
    KwNonlocal,
    KwNot,
    KwOr,
    KwPass,
    KwRaise,
    KwReturn,
    KwTry,
    KwWhile,
    KwWith,
    KwYield,
    // delimiters and operators
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Semicolon,
    Tilde,
    Colon,
    Walrus,
    Less,
    LessEq,
    Shl,
    ShlEq,
    More,
    MoreEq,
    Shr,
    ShrEq,
    Star,
    StarEq,
    DblStar,
    DblStarEq,
    Plus,
    PlusEq,
    Minus,
    MinusEq,
    Arrow,
    Amp,
    AmpEq,
    Pipe,
    PipeEq,
    Slash,
    SlashEq,
    DblSlash,
    DblSlashEq,
    Percent,
    PercentEq,
    Caret,
    CaretEq,
    At,
    AtEq,
    Assign,
    EqEq,
    NotEq,
    Dot,
}

const KEYWORDS: &[(&str, Tok)] = &[
    ("False", Tok::KwFalse),
    ("None", Tok::KwNone),
    ("True", Tok::KwTrue),
    ("and", Tok::KwAnd),
    ("as", Tok::KwAs),
    ("assert", Tok::KwAssert),
    ("async", Tok::KwAsync),
    ("await", Tok::KwAwait),
    ("break", Tok::KwBreak),
    ("class", Tok::KwClass),
    ("continue", Tok::KwContinue),
    ("def", Tok::KwDef),
    ("del", Tok::KwDel),
    ("elif", Tok::KwElif),
    ("else", Tok::KwElse),
    ("except", Tok::KwExcept),
    ("finally", Tok::KwFinally),
    ("for", Tok::KwFor),
    ("from", Tok::KwFrom),
    ("global", Tok::KwGlobal),
    ("if", Tok::KwIf),
    ("import", Tok::KwImport),
    ("in", Tok::KwIn),
    ("is", Tok::KwIs),
    ("lambda", Tok::KwLambda),
    ("nonlocal", Tok::KwNonlocal),
    ("not", Tok::KwNot),
    ("or", Tok::KwOr),
    ("pass", Tok::KwPass),
    ("raise", Tok::KwRaise),
    ("return", Tok::KwReturn),
    ("try", Tok::KwTry),
    ("while", Tok::KwWhile),
    ("with", Tok::KwWith),
    ("yield", Tok::KwYield),
];

const EOF: u32 = 0;
const INVALID_BYTE: u32 = 1;
const TAB_SIZE: isize = 8;

/// The lexer. `tok`, `tok_line`, `tok_col` and `text` describe the current token.
pub struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    chr0: u32,
    chr1: u32,
    chr2: u32,
    inject: Vec<u8>,
    inject_idx: usize,
    fstring_args: Vec<u8>,
    line: u32,
    column: isize,
    emit_dent: i32,
    nested_bracket_level: i32,
    indent_level: Vec<usize>,
    opt_level: u8,
    pub tok: Tok,
    pub tok_line: u32,
    pub tok_col: isize,
    pub text: Vec<u8>,
}

fn is_space(c: u32) -> bool {
    c == b' ' as u32 || (9..=13).contains(&c)
}
fn is_alpha(c: u32) -> bool {
    (b'a' as u32..=b'z' as u32).contains(&c) || (b'A' as u32..=b'Z' as u32).contains(&c)
}
fn is_dig(c: u32) -> bool {
    (b'0' as u32..=b'9' as u32).contains(&c)
}
fn is_xdigit(c: u32) -> bool {
    is_dig(c)
        || (b'a' as u32..=b'f' as u32).contains(&c)
        || (b'A' as u32..=b'F' as u32).contains(&c)
}
fn xdigit_value(c: u32) -> u32 {
    if is_dig(c) {
        c - b'0' as u32
    } else {
        (c | 0x20) - b'a' as u32 + 10
    }
}

fn push_utf8(v: &mut Vec<u8>, c: u32) {
    if c < 0x80 {
        push_byte(v, c as u8);
    } else if c < 0x800 {
        push_byte(v, (0xc0 | (c >> 6)) as u8);
        push_byte(v, (0x80 | (c & 0x3f)) as u8);
    } else if c < 0x10000 {
        push_byte(v, (0xe0 | (c >> 12)) as u8);
        push_byte(v, (0x80 | ((c >> 6) & 0x3f)) as u8);
        push_byte(v, (0x80 | (c & 0x3f)) as u8);
    } else {
        push_byte(v, (0xf0 | (c >> 18)) as u8);
        push_byte(v, (0x80 | ((c >> 12) & 0x3f)) as u8);
        push_byte(v, (0x80 | ((c >> 6) & 0x3f)) as u8);
        push_byte(v, (0x80 | (c & 0x3f)) as u8);
    }
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a [u8], opt_level: u8) -> Lexer<'a> {
        let mut lex = Lexer {
            src,
            pos: 0,
            chr0: 0,
            chr1: 0,
            chr2: 0,
            inject: Vec::new(),
            inject_idx: 0,
            fstring_args: Vec::new(),
            line: 1,
            column: -2,
            emit_dent: 0,
            nested_bracket_level: 0,
            indent_level: alloc::vec![0],
            opt_level,
            tok: Tok::End,
            tok_line: 1,
            tok_col: 1,
            text: Vec::new(),
        };
        lex.next_char();
        lex.next_char();
        lex.next_char();
        lex.next();
        if lex.tok_col != 1 && lex.tok != Tok::Newline {
            lex.tok = Tok::Indent;
        }
        lex
    }

    fn is(&self, c: u8) -> bool {
        self.chr0 == c as u32
    }
    fn is_end(&self) -> bool {
        self.chr0 == EOF
    }

    fn next_char(&mut self) {
        if self.chr0 == b'\n' as u32 {
            self.line = self.line.saturating_add(1);
            self.column = 1;
        } else if self.chr0 == b'\t' as u32 {
            self.column = ((self.column - 1 + TAB_SIZE) / TAB_SIZE) * TAB_SIZE + 1;
        } else {
            self.column += 1;
        }
        self.chr0 = self.chr1;
        self.chr1 = self.chr2;
        let mut chr2;
        loop {
            if self.inject_idx != 0 {
                chr2 = self
                    .inject
                    .get(self.inject_idx)
                    .copied()
                    .map(|b| b as u32)
                    .unwrap_or(EOF);
                self.inject_idx += 1;
                if self.inject_idx >= self.inject.len() {
                    self.inject.clear();
                    self.inject_idx = 0;
                }
            } else {
                chr2 = match self.src.get(self.pos) {
                    Some(&b) => {
                        self.pos += 1;
                        if b == 0 {
                            INVALID_BYTE
                        } else {
                            b as u32
                        }
                    }
                    None => EOF,
                };
            }
            if self.chr1 == b'\r' as u32 {
                self.chr1 = b'\n' as u32;
                if chr2 == b'\n' as u32 {
                    continue;
                }
            }
            break;
        }
        if chr2 == EOF && self.chr1 != EOF && self.chr1 != b'\n' as u32 {
            chr2 = b'\n' as u32;
        }
        self.chr2 = chr2;
    }

    fn is_string_or_bytes(&self) -> bool {
        let (c0, c1, c2) = (self.chr0, self.chr1, self.chr2);
        let q = |c: u32| c == b'\'' as u32 || c == b'"' as u32;
        let ch = |c: u32, x: u8| c == x as u32;
        q(c0)
            || ((ch(c0, b'r') || ch(c0, b'u') || ch(c0, b'b') || ch(c0, b'f') || ch(c0, b't'))
                && q(c1))
            || (((ch(c0, b'r') && ch(c1, b'f'))
                || (ch(c0, b'f') && ch(c1, b'r'))
                || (ch(c0, b'r') && ch(c1, b't'))
                || (ch(c0, b't') && ch(c1, b'r')))
                && q(c2))
            || (((ch(c0, b'r') && ch(c1, b'b')) || (ch(c0, b'b') && ch(c1, b'r'))) && q(c2))
    }

    fn is_head_of_identifier(&self) -> bool {
        is_alpha(self.chr0) || self.chr0 == b'_' as u32 || self.chr0 >= 0x80
    }

    fn get_hex(&mut self, n: usize) -> Option<u32> {
        let mut num: u32 = 0;
        for _ in 0..n {
            self.next_char();
            let c = self.chr0;
            if !is_xdigit(c) {
                return None;
            }
            num = (num << 4).wrapping_add(xdigit_value(c));
        }
        Some(num)
    }

    /// Parse one string literal (after its prefix) into `self.text`. f-strings collect their
    /// format arguments in `fstring_args`; t-strings are rewritten into the source text of a
    /// `__template__(...)` call (as MicroPython's lexer does).
    fn parse_string_literal(&mut self, is_raw: bool, is_fstring: bool, is_tstring: bool) {
        let quote = if self.is(b'"') { b'"' } else { b'\'' };
        self.next_char();
        let num_quotes = if self.chr0 == quote as u32 && self.chr1 == quote as u32 {
            self.next_char();
            self.next_char();
            3
        } else {
            1
        };
        let mut n_closing = 0;
        if is_fstring && self.fstring_args.is_empty() {
            push_bytes(&mut self.fstring_args, b".format(");
        }
        if is_tstring && self.fstring_args.is_empty() {
            push_bytes(&mut self.text, b"((");
            for _ in 0..num_quotes {
                push_byte(&mut self.text, quote);
            }
        }
        let mut tstring_num_interpolations = 0usize;
        let mut end_of_format_index = 0usize;
        let mut nested_formatting = 0usize;
        let mut nested_needs_fstring = false;
        while !self.is_end() && (num_quotes > 1 || !self.is(b'\n')) && n_closing < num_quotes {
            if self.is(quote) {
                n_closing += 1;
                push_byte(&mut self.text, quote);
            } else if is_tstring && self.is(b'\n') {
                push_bytes(&mut self.text, b"\\n");
            } else {
                n_closing = 0;
                if (is_fstring || is_tstring) && self.is(b'{') && nested_formatting == 0 {
                    self.next_char();
                    if self.is(b'{') {
                        if !is_tstring {
                            push_byte(&mut self.text, b'{');
                        }
                        self.next_char();
                    } else {
                        self.fstring_interpolation(
                            is_tstring,
                            quote,
                            num_quotes,
                            &mut end_of_format_index,
                        );
                        if is_tstring {
                            nested_formatting = 1;
                        }
                    }
                    push_byte(&mut self.text, b'{');
                    continue;
                }
                if is_tstring && self.is(b'{') {
                    nested_formatting += 1;
                }
                if is_tstring && self.is(b'\\') {
                    // kept verbatim: the text is lexed again as a string literal
                    push_byte(&mut self.text, b'\\');
                    if is_raw {
                        push_byte(&mut self.text, b'\\');
                    } else {
                        self.next_char();
                        push_byte(&mut self.text, self.chr0 as u8);
                    }
                } else if self.is(b'\\') {
                    self.next_char();
                    if !self.escape(is_raw) {
                        continue;
                    }
                } else if is_tstring && nested_formatting > 0 && self.is(b'}') {
                    nested_formatting -= 1;
                    if nested_formatting > 0 {
                        nested_needs_fstring = true;
                        push_byte(&mut self.text, b'}');
                    } else {
                        tstring_num_interpolations += 1;
                        if nested_needs_fstring {
                            push_byte(&mut self.fstring_args, b'f');
                            nested_needs_fstring = false;
                        }
                        push_byte(&mut self.fstring_args, quote);
                        let from = (end_of_format_index + 1).min(self.text.len());
                        let spec: Vec<u8> = self.text[from..].to_vec();
                        push_bytes(&mut self.fstring_args, &spec);
                        self.text.truncate(end_of_format_index.min(self.text.len()));
                        push_byte(&mut self.fstring_args, quote);
                        push_byte(&mut self.fstring_args, b',');
                    }
                } else {
                    push_byte(&mut self.text, self.chr0 as u8);
                    if is_tstring && self.is(b'}') && self.chr1 == b'}' as u32 {
                        self.next_char();
                    } else if is_tstring && self.is(b'}') {
                        self.tok = Tok::MalformedFstring;
                    }
                }
            }
            self.next_char();
        }
        if n_closing < num_quotes {
            self.tok = Tok::LonelyStringOpen;
        }
        if is_tstring {
            if nested_formatting > 0 {
                self.tok = Tok::MalformedFstring;
            }
            if 1 + tstring_num_interpolations * 4 > 255 {
                self.fstring_args.insert(0, b'(');
                push_byte(&mut self.fstring_args, b')');
            }
        } else {
            let l = self.text.len().saturating_sub(n_closing);
            self.text.truncate(l);
        }
    }

    /// `{expr!c:spec}` inside an f/t-string, entered just after the `{`: collect the
    /// expression into the format arguments (for t-strings also its text, conversion and the
    /// start of the format spec).
    fn fstring_interpolation(
        &mut self,
        is_tstring: bool,
        quote: u8,
        num_quotes: usize,
        end_of_format_index: &mut usize,
    ) {
        push_byte(&mut self.fstring_args, b'(');
        let i = self.fstring_args.len();
        let mut level: i32 = 0;
        while !self.is_end()
            && (level != 0
                || !(self.is(b':')
                    || self.is(b'}')
                    || (self.is(b'!')
                        && (self.chr1 == b'r' as u32 || self.chr1 == b's' as u32)
                        && (self.chr2 == b':' as u32 || self.chr2 == b'}' as u32))))
        {
            let c = self.chr0;
            if c == b'[' as u32 || c == b'{' as u32 {
                level += 1;
            } else if c == b']' as u32 || c == b'}' as u32 {
                level -= 1;
            }
            push_byte(&mut self.fstring_args, c as u8);
            self.next_char();
        }
        let mut was_debug = false;
        if self.fstring_args.last() == Some(&b'=') {
            let arg: Vec<u8> = self.fstring_args[i..].to_vec();
            push_bytes(&mut self.text, &arg);
            self.fstring_args.pop();
            was_debug = true;
        }
        if is_tstring {
            while self
                .fstring_args
                .last()
                .map(|&c| is_space(c as u32))
                .unwrap_or(false)
            {
                self.fstring_args.pop();
            }
        }
        if self.fstring_args.len() == i {
            self.tok = Tok::MalformedFstring;
        }
        push_byte(&mut self.fstring_args, b')');
        push_byte(&mut self.fstring_args, b',');
        if is_tstring {
            // the expression's text, as a string argument
            push_byte(&mut self.fstring_args, quote);
            let nn = self.fstring_args.len().saturating_sub(i + 3);
            for j in 0..nn {
                let b = self.fstring_args[i + j];
                if b == quote || b == b'\\' {
                    push_byte(&mut self.fstring_args, b'\\');
                }
                push_byte(&mut self.fstring_args, b);
            }
            push_byte(&mut self.fstring_args, quote);
            push_byte(&mut self.fstring_args, b',');
            // start the next string part as the next __template__ argument
            for _ in 0..num_quotes {
                push_byte(&mut self.text, quote);
            }
            push_byte(&mut self.text, b',');
            for _ in 0..num_quotes {
                push_byte(&mut self.text, quote);
            }
            if self.is(b'!') {
                self.next_char();
                push_byte(&mut self.fstring_args, quote);
                push_byte(&mut self.fstring_args, self.chr0 as u8);
                self.next_char();
                push_byte(&mut self.fstring_args, quote);
                push_byte(&mut self.fstring_args, b',');
            } else if was_debug && !self.is(b':') {
                push_bytes(&mut self.fstring_args, b"'r',");
            } else {
                push_bytes(&mut self.fstring_args, b"None,");
            }
            if self.is(b':') {
                self.next_char();
            }
            *end_of_format_index = self.text.len();
        }
    }

    /// Process the escape after a backslash (current char is the escaped one). Returns false
    /// when the escape produced nothing and the current char was already consumed.
    fn escape(&mut self, is_raw: bool) -> bool {
        let mut c = self.chr0;
        if is_raw {
            push_byte(&mut self.text, b'\\');
        } else {
            match c {
                0x0a => {
                    // escaped newline: ignored
                    self.next_char();
                    return false;
                }
                0x5c | 0x27 | 0x22 => {}
                0x61 => c = 7,
                0x62 => c = 8,
                0x74 => c = 9,
                0x6e => c = 10,
                0x76 => c = 11,
                0x66 => c = 12,
                0x72 => c = 13,
                0x75 | 0x55 | 0x78 => {
                    if (c == b'u' as u32 || c == b'U' as u32) && self.tok == Tok::Bytes {
                        push_byte(&mut self.text, b'\\');
                    } else {
                        let n = if c == b'x' as u32 {
                            2
                        } else if c == b'u' as u32 {
                            4
                        } else {
                            8
                        };
                        match self.get_hex(n) {
                            Some(v) => c = v,
                            None => {
                                self.tok = Tok::Invalid;
                                c = 0;
                            }
                        }
                    }
                }
                0x4e => {
                    // \N{...} is not supported (as in MicroPython)
                    self.tok = Tok::UnicodeNameEscape;
                    self.next_char();
                    return false;
                }
                _ => {
                    if (b'0' as u32..=b'7' as u32).contains(&c) {
                        let mut digits = 3;
                        let mut num = c - b'0' as u32;
                        while (b'0' as u32..=b'7' as u32).contains(&self.chr1) {
                            digits -= 1;
                            if digits == 0 {
                                break;
                            }
                            self.next_char();
                            num = num * 8 + (self.chr0 - b'0' as u32);
                        }
                        c = num;
                    } else {
                        push_byte(&mut self.text, b'\\');
                    }
                }
            }
        }
        if c < 0x110000 && self.tok == Tok::Str {
            push_utf8(&mut self.text, c);
        } else if c < 0x100 && self.tok == Tok::Bytes {
            push_byte(&mut self.text, c as u8);
        } else if self.tok == Tok::Str || self.tok == Tok::Bytes {
            self.tok = Tok::Invalid;
        } else if c < 0x100 {
            push_byte(&mut self.text, c as u8);
        }
        true
    }

    /// Skip whitespace/comments; returns whether a newline was crossed (when stopping at one).
    fn skip_whitespace(&mut self, stop_at_newline: bool) -> bool {
        while !self.is_end() {
            if self.is(b'\n') {
                if stop_at_newline && self.nested_bracket_level == 0 {
                    return true;
                }
                self.next_char();
            } else if is_space(self.chr0) {
                self.next_char();
            } else if self.is(b'#') {
                self.next_char();
                while !self.is_end() && !self.is(b'\n') {
                    self.next_char();
                }
            } else if self.is(b'\\') && self.chr1 == b'\n' as u32 {
                self.next_char();
                self.next_char();
            } else {
                break;
            }
        }
        false
    }

    /// Advance to the next token.
    pub fn next(&mut self) {
        self.text.clear();
        let had_newline = self.skip_whitespace(true);
        self.tok_line = self.line;
        self.tok_col = self.column;
        if self.emit_dent < 0 {
            self.tok = Tok::Dedent;
            self.emit_dent += 1;
        } else if self.emit_dent > 0 {
            self.tok = Tok::Indent;
            self.emit_dent -= 1;
        } else if had_newline {
            self.skip_whitespace(false);
            self.tok = Tok::Newline;
            let num_spaces = (self.column - 1).max(0) as usize;
            let top = *self.indent_level.last().unwrap_or(&0);
            if num_spaces == top {
            } else if num_spaces > top {
                self.indent_level.push(num_spaces);
                self.emit_dent += 1;
            } else {
                while num_spaces < *self.indent_level.last().unwrap_or(&0) {
                    self.indent_level.pop();
                    self.emit_dent -= 1;
                }
                if num_spaces != *self.indent_level.last().unwrap_or(&0) {
                    self.tok = Tok::DedentMismatch;
                }
            }
        } else if self.is_end() {
            self.tok = Tok::End;
        } else if self.is_string_or_bytes() {
            self.tok = Tok::End;
            let mut had_tstring = false;
            loop {
                let mut is_raw = false;
                let mut is_fstring = false;
                let mut is_tstring = false;
                let mut kind = Tok::Str;
                let mut n_char = 0;
                if self.is(b'u') {
                    n_char = 1;
                } else if self.is(b'b') {
                    kind = Tok::Bytes;
                    n_char = 1;
                    if self.chr1 == b'r' as u32 {
                        is_raw = true;
                        n_char = 2;
                    }
                } else if self.is(b'r') {
                    is_raw = true;
                    n_char = 1;
                    if self.chr1 == b'b' as u32 {
                        kind = Tok::Bytes;
                        n_char = 2;
                    } else if self.chr1 == b'f' as u32 {
                        is_fstring = true;
                        n_char = 2;
                    } else if self.chr1 == b't' as u32 {
                        is_tstring = true;
                        n_char = 2;
                    }
                } else if self.is(b'f') {
                    is_fstring = true;
                    n_char = 1;
                    if self.chr1 == b'r' as u32 {
                        is_raw = true;
                        n_char = 2;
                    }
                } else if self.is(b't') {
                    is_tstring = true;
                    n_char = 1;
                    if self.chr1 == b'r' as u32 {
                        is_raw = true;
                        n_char = 2;
                    }
                }
                if is_tstring {
                    had_tstring = true;
                }
                if self.tok == Tok::End {
                    self.tok = kind;
                } else if self.tok != kind {
                    break;
                }
                for _ in 0..n_char {
                    self.next_char();
                }
                self.parse_string_literal(is_raw, is_fstring, is_tstring);
                self.skip_whitespace(true);
                if !self.is_string_or_bytes() {
                    break;
                }
            }
            if had_tstring {
                push_bytes(&mut self.text, b",),");
                let mut args = core::mem::take(&mut self.text);
                push_bytes(&mut args, &self.fstring_args);
                self.fstring_args = args;
                if !matches!(
                    self.tok,
                    Tok::End
                        | Tok::Invalid
                        | Tok::DedentMismatch
                        | Tok::LonelyStringOpen
                        | Tok::MalformedFstring
                ) {
                    self.tok = Tok::Name;
                    self.text.clear();
                    push_bytes(&mut self.text, b"__template__");
                }
            }
            if !self.fstring_args.is_empty() {
                push_byte(&mut self.fstring_args, b')');
                if self.inject_idx == 0 {
                    // switch from the stream to injected chars: save the 3 lookahead chars
                    self.inject.clear();
                    push_bytes(
                        &mut self.inject,
                        &[self.chr0 as u8, self.chr1 as u8, self.chr2 as u8],
                    );
                } else {
                    // already injecting: rewind the 3 cached chars to insert before them
                    self.inject_idx = self.inject_idx.saturating_sub(3);
                }
                let at = self.inject_idx.min(self.inject.len());
                let args = core::mem::take(&mut self.fstring_args);
                self.inject.splice(at..at, args.iter().copied());
                let get = |v: &Vec<u8>, i: usize| v.get(i).copied().unwrap_or(0) as u32;
                self.chr0 = get(&self.inject, at);
                self.chr1 = get(&self.inject, at + 1);
                self.chr2 = get(&self.inject, at + 2);
                self.inject_idx = at + 3;
                if self.inject_idx >= self.inject.len() {
                    self.inject.clear();
                    self.inject_idx = 0;
                }
            }
        } else if self.is_head_of_identifier() {
            self.tok = Tok::Name;
            push_byte(&mut self.text, self.chr0 as u8);
            self.next_char();
            while !self.is_end() && (self.is_head_of_identifier() || is_dig(self.chr0)) {
                push_byte(&mut self.text, self.chr0 as u8);
                self.next_char();
            }
            for &(kw, t) in KEYWORDS {
                if kw.as_bytes() == self.text.as_slice() {
                    self.tok = t;
                    break;
                }
            }
            if self.text.as_slice() == b"__debug__" {
                self.tok = if self.opt_level == 0 {
                    Tok::KwTrue
                } else {
                    Tok::KwFalse
                };
            }
        } else if is_dig(self.chr0) || (self.is(b'.') && is_dig(self.chr1)) {
            let mut forced_integer = false;
            if self.is(b'.') {
                self.tok = Tok::FloatOrImag;
            } else {
                self.tok = Tok::Integer;
                let c1 = self.chr1 | 0x20;
                if self.is(b'0') && (c1 == b'b' as u32 || c1 == b'o' as u32 || c1 == b'x' as u32) {
                    forced_integer = true;
                }
            }
            push_byte(&mut self.text, self.chr0 as u8);
            self.next_char();
            while !self.is_end() {
                if !forced_integer && (self.is(b'e') || self.is(b'E')) {
                    self.tok = Tok::FloatOrImag;
                    push_byte(&mut self.text, b'e');
                    self.next_char();
                    if self.is(b'+') || self.is(b'-') {
                        push_byte(&mut self.text, self.chr0 as u8);
                        self.next_char();
                    }
                } else if is_alpha(self.chr0) || is_dig(self.chr0) || self.is(b'.') {
                    if self.is(b'.') || self.is(b'j') || self.is(b'J') {
                        self.tok = Tok::FloatOrImag;
                    }
                    push_byte(&mut self.text, self.chr0 as u8);
                    self.next_char();
                } else if self.is(b'_') {
                    self.next_char();
                } else {
                    break;
                }
            }
        } else {
            self.lex_operator();
        }
    }

    fn lex_operator(&mut self) {
        let c = self.chr0;
        let ch = |x: u8| c == x as u32;
        self.next_char();
        let single = |t: Tok| t;
        let tok = if ch(b'(') {
            self.nested_bracket_level += 1;
            single(Tok::LParen)
        } else if ch(b')') {
            self.nested_bracket_level -= 1;
            Tok::RParen
        } else if ch(b'[') {
            self.nested_bracket_level += 1;
            Tok::LBracket
        } else if ch(b']') {
            self.nested_bracket_level -= 1;
            Tok::RBracket
        } else if ch(b'{') {
            self.nested_bracket_level += 1;
            Tok::LBrace
        } else if ch(b'}') {
            self.nested_bracket_level -= 1;
            Tok::RBrace
        } else if ch(b',') {
            Tok::Comma
        } else if ch(b';') {
            Tok::Semicolon
        } else if ch(b'~') {
            Tok::Tilde
        } else if ch(b':') {
            self.eq_or(Tok::Colon, Tok::Walrus)
        } else if ch(b'<') {
            self.dbl_op(b'<', Tok::Less, Tok::LessEq, Tok::Shl, Tok::ShlEq)
        } else if ch(b'>') {
            self.dbl_op(b'>', Tok::More, Tok::MoreEq, Tok::Shr, Tok::ShrEq)
        } else if ch(b'*') {
            self.dbl_op(b'*', Tok::Star, Tok::StarEq, Tok::DblStar, Tok::DblStarEq)
        } else if ch(b'/') {
            self.dbl_op(
                b'/',
                Tok::Slash,
                Tok::SlashEq,
                Tok::DblSlash,
                Tok::DblSlashEq,
            )
        } else if ch(b'+') {
            self.eq_or(Tok::Plus, Tok::PlusEq)
        } else if ch(b'-') {
            if self.is(b'=') {
                self.next_char();
                Tok::MinusEq
            } else if self.is(b'>') {
                self.next_char();
                Tok::Arrow
            } else {
                Tok::Minus
            }
        } else if ch(b'&') {
            self.eq_or(Tok::Amp, Tok::AmpEq)
        } else if ch(b'|') {
            self.eq_or(Tok::Pipe, Tok::PipeEq)
        } else if ch(b'%') {
            self.eq_or(Tok::Percent, Tok::PercentEq)
        } else if ch(b'^') {
            self.eq_or(Tok::Caret, Tok::CaretEq)
        } else if ch(b'@') {
            self.eq_or(Tok::At, Tok::AtEq)
        } else if ch(b'=') {
            self.eq_or(Tok::Assign, Tok::EqEq)
        } else if ch(b'!') {
            if self.is(b'=') {
                self.next_char();
                Tok::NotEq
            } else {
                Tok::Invalid
            }
        } else if ch(b'.') {
            if self.is(b'.') && self.chr1 == b'.' as u32 {
                self.next_char();
                self.next_char();
                Tok::Ellipsis
            } else {
                Tok::Dot
            }
        } else {
            Tok::Invalid
        };
        self.tok = tok;
    }

    fn eq_or(&mut self, a: Tok, b: Tok) -> Tok {
        if self.is(b'=') {
            self.next_char();
            b
        } else {
            a
        }
    }

    fn dbl_op(&mut self, c: u8, single: Tok, single_eq: Tok, dbl: Tok, dbl_eq: Tok) -> Tok {
        if self.is(b'=') {
            self.next_char();
            single_eq
        } else if self.is(c) {
            self.next_char();
            if self.is(b'=') {
                self.next_char();
                dbl_eq
            } else {
                dbl
            }
        } else {
            single
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn toks(s: &str) -> Vec<Tok> {
        let mut l = Lexer::new(s.as_bytes(), 0);
        let mut v = vec![];
        for _ in 0..1000 {
            v.push(l.tok);
            if l.tok == Tok::End {
                break;
            }
            l.next();
        }
        v
    }

    #[test]
    fn basic() {
        assert_eq!(
            toks("x = 1\n"),
            vec![Tok::Name, Tok::Assign, Tok::Integer, Tok::Newline, Tok::End]
        );
        assert_eq!(
            toks("if x:\n  y\n"),
            vec![
                Tok::KwIf,
                Tok::Name,
                Tok::Colon,
                Tok::Newline,
                Tok::Indent,
                Tok::Name,
                Tok::Newline,
                Tok::Dedent,
                Tok::End
            ]
        );
        assert_eq!(
            toks("a **= b"),
            vec![Tok::Name, Tok::DblStarEq, Tok::Name, Tok::Newline, Tok::End]
        );
    }

    #[test]
    fn fstring() {
        let mut l = Lexer::new(b"f'a{x}b'", 0);
        assert_eq!(l.tok, Tok::Str);
        assert_eq!(l.text, b"a{}b");
        let mut names = vec![];
        for _ in 0..20 {
            l.next();
            names.push((
                l.tok,
                alloc::string::String::from_utf8(l.text.clone()).unwrap(),
            ));
            if l.tok == Tok::End {
                break;
            }
        }
        assert_eq!(names[0].0, Tok::Dot);
        assert_eq!(names[1].1, "format");
    }
}
