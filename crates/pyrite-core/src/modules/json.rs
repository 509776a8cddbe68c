//! The `json` module (also `ujson`): `dumps`, `dump`, `loads`, `load`.
//!
//! Output as MicroPython's: `separators=(item, key)` (default `", "` and `": "`), no other
//! options; text is written as UTF-8 (only `"`, `\` and control characters are escaped);
//! bytes are written as strings; dict keys that are not strings are written as their JSON
//! text in quotes (`{"1": 2}`, `{"null": 0}`). Objects of other types raise TypeError.
//! Input: str, bytes or bytearray; numbers become int (arbitrary precision) or float;
//! `\uXXXX` escapes (with surrogate pairs) are decoded; any error is
//! `ValueError("syntax error in JSON")`.

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
use crate::obj::{kw_get, with_buffer_read, BuiltinFn, Kw, PrintKind};
use crate::qstr::Q;
use crate::types;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

use super::BuiltinModuleDef;

// ---- dumping ----

struct Seps {
    item: String,
    key: String,
}

fn separators(vm: &mut Vm, kw: Kw) -> PyResult<Seps> {
    let v = kw_get(kw, Q::separators).unwrap_or(Value::NONE);
    if v.is_none() {
        return Ok(Seps {
            item: String::from(", "),
            key: String::from(": "),
        });
    }
    if types::list::list_obj(v).is_none() && types::tuple::tuple_items(v).is_none() {
        return Err(vm.type_error("separators must be a tuple or list"));
    }
    let n = vm.len(v)?;
    if n != 2 {
        return Err(vm.value_error("separators must have 2 items"));
    }
    let a = vm.subscr(v, Value::small_int_unchecked(0))?;
    let b = vm.subscr(v, Value::small_int_unchecked(1))?;
    Ok(Seps {
        item: super::builtins::arg_string(vm, a)?,
        key: super::builtins::arg_string(vm, b)?,
    })
}

fn escape_into(s: &str, out: &mut String) {
    push_char(out, '"');
    for c in s.chars() {
        match c {
            '"' => push_str(out, "\\\""),
            '\\' => push_str(out, "\\\\"),
            '\n' => push_str(out, "\\n"),
            '\r' => push_str(out, "\\r"),
            '\t' => push_str(out, "\\t"),
            '\u{8}' => push_str(out, "\\b"),
            '\u{c}' => push_str(out, "\\f"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                push_str(out, &alloc::format!("\\u{:04x}", c as u32));
            }
            c => push_char(out, c),
        }
    }
    push_char(out, '"');
}

/// Append the JSON text of `v` to `out`.
fn dump_value(vm: &mut Vm, v: Value, seps: &Seps, out: &mut String) -> PyResult<()> {
    types::list::check_stack(vm)?;
    if v.is_none() {
        push_str(out, "null");
    } else if v == Value::TRUE {
        push_str(out, "true");
    } else if v == Value::FALSE {
        push_str(out, "false");
    } else if types::int::is_int(v) || types::float::float_value(v).is_some() {
        vm.print_to(v, PrintKind::Repr, out)?;
    } else if let Some(s) = types::str::str_data(vm, v) {
        escape_into(s.as_str(), out);
    } else if let Some(b) = types::bytes::bytes_obj(v) {
        escape_into(&String::from_utf8_lossy(b.items()), out);
    } else if let Some(d) = types::dict::dict_obj(v) {
        push_char(out, '{');
        let mut pos = 0;
        let mut first = true;
        while let Some((k, val)) = d.map.next_entry(&mut pos) {
            if !first {
                push_str(out, &seps.item);
            }
            first = false;
            if let Some(s) = types::str::str_data(vm, k) {
                escape_into(s.as_str(), out);
            } else {
                let mut key = String::new();
                dump_value(vm, k, seps, &mut key)?;
                escape_into(&key, out);
            }
            push_str(out, &seps.key);
            dump_value(vm, val, seps, out)?;
        }
        push_char(out, '}');
    } else if types::list::list_obj(v).is_some() || types::tuple::tuple_items(v).is_some() {
        push_char(out, '[');
        let mut i = 0;
        loop {
            // Re-read each step: the list may change under us.
            let item = if let Some(l) = types::list::list_obj(v) {
                l.get(i)
            } else {
                types::tuple::tuple_items(v).and_then(|t| t.items().get(i).copied())
            };
            let Some(item) = item else { break };
            if i > 0 {
                push_str(out, &seps.item);
            }
            dump_value(vm, item, seps, out)?;
            i += 1;
        }
        push_char(out, ']');
    } else {
        let m = alloc::format!(
            "Object of type {} is not JSON serializable",
            vm.type_name(v)
        );
        return Err(vm.type_error(&m));
    }
    Ok(())
}

fn json_dumps(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let seps = separators(vm, kw)?;
    let mut out = String::new();
    dump_value(vm, arg(args, 0), &seps, &mut out)?;
    types::str::new_str(vm, &out)
}

fn json_dump(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let seps = separators(vm, kw)?;
    let mut out = String::new();
    dump_value(vm, arg(args, 0), &seps, &mut out)?;
    let s = types::str::new_str(vm, &out)?;
    vm.call_method(arg(args, 1), Q::write, &[s])?;
    Ok(Value::NONE)
}

// ---- loading ----

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

#[cold]
fn syntax(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("syntax error in JSON")
}

impl Parser<'_> {
    fn ws(&mut self) {
        while let Some(&c) = self.s.get(self.i) {
            if c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' {
                self.i += 1;
            } else {
                break;
            }
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn eat(&mut self, word: &[u8]) -> bool {
        if self.s.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            true
        } else {
            false
        }
    }
    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let t = core::str::from_utf8(h).ok()?;
        let v = u32::from_str_radix(t, 16).ok()?;
        self.i += 4;
        Some(v)
    }
    /// A string body after the opening quote.
    fn string(&mut self, vm: &mut Vm) -> PyResult<String> {
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(syntax(vm));
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else {
                        return Err(syntax(vm));
                    };
                    self.i += 1;
                    let ch: u32 = match e {
                        b'"' => b'"' as u32,
                        b'\\' => b'\\' as u32,
                        b'/' => b'/' as u32,
                        b'b' => 8,
                        b'f' => 12,
                        b'n' => b'\n' as u32,
                        b'r' => b'\r' as u32,
                        b't' => b'\t' as u32,
                        b'u' => {
                            let Some(mut u) = self.hex4() else {
                                return Err(syntax(vm));
                            };
                            if (0xd800..0xdc00).contains(&u)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                match self.hex4() {
                                    Some(lo) if (0xdc00..0xe000).contains(&lo) => {
                                        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                                    }
                                    _ => self.i = save,
                                }
                            }
                            u
                        }
                        _ => return Err(syntax(vm)),
                    };
                    let c = char::from_u32(ch).unwrap_or('\u{fffd}');
                    let mut b = [0u8; 4];
                    push_bytes(&mut out, c.encode_utf8(&mut b).as_bytes());
                }
                c => push_byte(&mut out, c),
            }
        }
        match String::from_utf8(out) {
            Ok(s) => Ok(s),
            Err(_) => Err(syntax(vm)),
        }
    }
    fn number(&mut self, vm: &mut Vm) -> PyResult<Value> {
        let start = self.i;
        let mut is_float = false;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while let Some(c) = self.peek() {
            match c {
                b'0'..=b'9' => {}
                b'.' | b'e' | b'E' => is_float = true,
                b'+' | b'-' if is_float => {}
                _ => break,
            }
            self.i += 1;
        }
        let text = core::str::from_utf8(&self.s[start..self.i]).unwrap_or("");
        if text.is_empty() || text == "-" {
            return Err(syntax(vm));
        }
        let r = if is_float {
            types::float::parse_float(vm, text)
        } else {
            types::int::parse_int(vm, text, 10)
        };
        r.map_err(|_| syntax(vm))
    }
    fn value(&mut self, vm: &mut Vm) -> PyResult<Value> {
        types::list::check_stack(vm)?;
        self.ws();
        let Some(c) = self.peek() else {
            return Err(syntax(vm));
        };
        match c {
            b'n' if self.eat(b"null") => Ok(Value::NONE),
            b't' if self.eat(b"true") => Ok(Value::TRUE),
            b'f' if self.eat(b"false") => Ok(Value::FALSE),
            b'"' => {
                self.i += 1;
                let s = self.string(vm)?;
                types::str::new_str(vm, &s)
            }
            b'-' | b'0'..=b'9' => self.number(vm),
            b'[' => {
                self.i += 1;
                let list = types::list::new_list(vm, &[])?;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Ok(list);
                }
                loop {
                    let v = self.value(vm)?;
                    types::list::list_append(vm, list, v)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(list);
                        }
                        _ => return Err(syntax(vm)),
                    }
                }
            }
            b'{' => {
                self.i += 1;
                let d = types::dict::new_dict(vm)?;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Ok(d.value());
                }
                loop {
                    self.ws();
                    if self.peek() != Some(b'"') {
                        return Err(syntax(vm));
                    }
                    self.i += 1;
                    let k = self.string(vm)?;
                    let kv = types::str::new_str(vm, &k)?;
                    self.ws();
                    if self.peek() != Some(b':') {
                        return Err(syntax(vm));
                    }
                    self.i += 1;
                    let v = self.value(vm)?;
                    d.map.set(vm, kv, v)?;
                    self.ws();
                    match self.peek() {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(d.value());
                        }
                        _ => return Err(syntax(vm)),
                    }
                }
            }
            _ => Err(syntax(vm)),
        }
    }
}

/// Parse JSON text into a Python value.
pub fn parse_json(vm: &mut Vm, text: &[u8]) -> PyResult<Value> {
    let mut p = Parser { s: text, i: 0 };
    let v = p.value(vm)?;
    p.ws();
    if p.i != text.len() {
        return Err(syntax(vm));
    }
    Ok(v)
}

fn json_loads(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let v = arg(args, 0);
    let text = if let Some(s) = types::str::str_data(vm, v) {
        s.as_str().as_bytes().to_vec()
    } else {
        match with_buffer_read(vm, v, bytes_vec)? {
            Some(b) => b,
            None => return Err(super::builtins::bad_implicit_conversion(vm, v)),
        }
    };
    parse_json(vm, &text)
}

fn json_load(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    if vm.load_attr_maybe(arg(args, 0), Q::read)?.is_none() {
        // A stream with only `readinto` (e.g. an io.IOBase subclass): read it byte by byte,
        // as MicroPython's stream reader does.
        let mut all = alloc::vec::Vec::new();
        while let Some(b) = super::streamcall::read(vm, arg(args, 0), 1)? {
            if b.is_empty() {
                break;
            }
            push_bytes(&mut all, &b);
        }
        let data = crate::types::bytes::new_bytes(vm, &all)?;
        return json_loads(vm, &[data], kw);
    }
    let data = vm.call_method(arg(args, 0), Q::read, &[])?;
    json_loads(vm, &[data], kw)
}

static DUMPS: BuiltinFn = BuiltinFn::new_kw(Q::dumps, 1, 1, json_dumps);
static DUMP: BuiltinFn = BuiltinFn::new_kw(Q::dump, 2, 2, json_dump);
static LOADS: BuiltinFn = BuiltinFn::new(Q::loads, 1, 1, json_loads);
static LOAD: BuiltinFn = BuiltinFn::new(Q::load, 1, 1, json_load);

fixed_dict!(
    JSON_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::json)),
        (Q::dumps, fnv!(DUMPS)),
        (Q::dump, fnv!(DUMP)),
        (Q::loads, fnv!(LOADS)),
        (Q::load, fnv!(LOAD)),
    ]
);

pub static JSON_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::json,
    globals: &JSON_GLOBALS,
    init: None,
    extensible: true,
};
