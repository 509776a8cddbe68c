//! String formatting: `%` formatting (str and bytes), `str.format`, the format-spec
//! mini-language for str/int/float, and the `format()` builtin.
//! Contract: `format_value(vm, v, spec) -> PyResult<Value>` (the `format()` builtin),
//! `format_into(vm, v, spec, &mut String)`, `str_modulo`, `bytes_modulo`, `str_format`.
//!
//! Float digits come from `types::float::format_float` (called with the absolute value; sign,
//! padding and grouping are applied here). Int digits are produced here for small ints and
//! through the generic int operations (`//`, `%`) for big ints.
//!
//! Error messages are MicroPython's where it has one (e.g. "incomplete format",
//! "format string needs more arguments", "format string didn't convert all arguments",
//! "unsupported format character 'y' (0x79) at index 1", "format needs a dict").

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::obj::{flags, BinOp, Kw, PrintKind, UnaryOp};
use crate::qstr::Q;
use crate::types::str::{self as s, Kind};
use crate::value::{TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

// ---------------------------------------------------------------------------------------------
// Numbers to text

/// The absolute value of int `v` in `base` (2, 8, 10 or 16) and whether it is negative.
pub fn int_digits(vm: &mut Vm, v: Value, base: u32, upper: bool) -> PyResult<(bool, String)> {
    if let Some(i) = small_of(v) {
        let neg = i < 0;
        return Ok((neg, digits_u64(i.unsigned_abs() as u64, base, upper)));
    }
    if crate::types::int::is_int(v) {
        let mut t = String::new();
        crate::types::int::format_int_ex(vm, v, base, upper, &mut t)?;
        return Ok(match t.strip_prefix('-') {
            Some(r) => (true, String::from(r)),
            None => (false, t),
        });
    }
    // Other int-likes (subclass instances): peel off chunks that fit a small int.
    let zero = Value::small_int_unchecked(0);
    let neg = vm.binary_op(BinOp::Less, v, zero)? == Value::TRUE;
    let mut x = if neg {
        vm.unary_op(UnaryOp::Negative, v)?
    } else {
        v
    };
    // The largest power of the base that is still a small int.
    let mut chunk_digits = 0usize;
    let mut chunk: isize = 1;
    while let Some(next) = chunk.checked_mul(base as isize) {
        if next > crate::value::SMALL_INT_MAX {
            break;
        }
        chunk = next;
        chunk_digits += 1;
    }
    let cv = Value::small_int_unchecked(chunk);
    let mut parts: Vec<String> = Vec::new();
    loop {
        if let Some(i) = x.as_small_int() {
            parts.push(digits_u64(i as u64, base, upper));
            break;
        }
        let r = vm.binary_op(BinOp::Modulo, x, cv)?;
        x = vm.binary_op(BinOp::FloorDivide, x, cv)?;
        let Some(ri) = r.as_small_int() else {
            return Err(vm.type_error("int formatting failed"));
        };
        let d = digits_u64(ri as u64, base, upper);
        let mut padded = String::new();
        for _ in d.len()..chunk_digits {
            push_char(&mut padded, '0');
        }
        push_str(&mut padded, &d);
        parts.push(padded);
    }
    let mut out = String::new();
    for p in parts.iter().rev() {
        out.push_str(p);
    }
    Ok((neg, out))
}

fn small_of(v: Value) -> Option<isize> {
    if let Some(i) = v.as_small_int() {
        return Some(i);
    }
    if v.is_bool() {
        return Some((v == Value::TRUE) as isize);
    }
    None
}

fn digits_u64(n: u64, base: u32, upper: bool) -> String {
    let table: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let mut buf = [0u8; 130];
    let mut i = buf.len();
    let mut m = n;
    let b = base as u64;
    loop {
        i -= 1;
        buf[i] = table[(m % b) as usize];
        m /= b;
        if m == 0 {
            break;
        }
    }
    String::from_utf8_lossy(&buf[i..]).into_owned()
}

fn is_int_value(vm: &mut Vm, v: Value) -> bool {
    if v.is_small_int() || v.is_bool() {
        return true;
    }
    let t = v.type_of();
    t.is(&crate::types::int::INT_TYPE)
        || vm.is_subclass(t, TypeRef::of_static(&crate::types::int::INT_TYPE))
}

fn is_float_value(vm: &mut Vm, v: Value) -> bool {
    let t = v.type_of();
    t.is(&crate::types::float::FLOAT_TYPE)
        || vm.is_subclass(t, TypeRef::of_static(&crate::types::float::FLOAT_TYPE))
}

/// A float from a float or int value; None for other types.
fn float_of(vm: &mut Vm, v: Value) -> PyResult<Option<f64>> {
    if let Some(f) = crate::types::float::float_value(v) {
        return Ok(Some(f));
    }
    if let Some(i) = small_of(v) {
        return Ok(Some(i as f64));
    }
    if crate::types::int::is_int(v) {
        return crate::types::int::int_to_f64(vm, v).map(Some);
    }
    if is_int_value(vm, v) || is_float_value(vm, v) {
        let r = vm.unary_op(UnaryOp::FloatMaybe, v)?;
        if let Some(f) = crate::types::float::float_value(r) {
            return Ok(Some(f));
        }
        let ft = Value::from_static(&crate::types::float::FLOAT_TYPE);
        let r = vm.call(ft, &[v], &[])?;
        return Ok(crate::types::float::float_value(r));
    }
    Ok(None)
}

/// The digits of |f| for printf-style `fmt` (e f g, or upper-case) and precision; "inf"/"nan"
/// for non-finite values.
fn float_body(f: f64, fmt: u8, prec: usize, alt: bool) -> String {
    let mut out = String::new();
    let a = f.abs();
    if a.is_infinite() {
        out.push_str("inf");
    } else if a.is_nan() {
        out.push_str("nan");
    } else {
        crate::types::float::format_float(&mut out, a, fmt.to_ascii_lowercase(), prec, alt);
    }
    if fmt.is_ascii_uppercase() {
        out.make_ascii_uppercase();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Format specs

/// A parsed format spec: `[[fill]align][sign][z][#][0][width][grouping][.precision][type]`.
#[derive(Clone, Copy, Debug)]
struct Spec {
    fill: char,
    /// The fill character was given explicitly.
    fill_set: bool,
    align: u8,
    sign: u8,
    alt: bool,
    zero: bool,
    width: usize,
    grouping: u8,
    prec: Option<usize>,
    ty: u8,
    /// 'z': coerce negative zero (floats only).
    z: bool,
}

fn parse_spec(vm: &mut Vm, spec: &str) -> PyResult<Spec> {
    let cs: Vec<char> = spec.chars().collect();
    let mut sp = Spec {
        fill: ' ',
        fill_set: false,
        align: 0,
        sign: 0,
        alt: false,
        zero: false,
        width: 0,
        grouping: 0,
        prec: None,
        ty: 0,
        z: false,
    };
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    let mut i = 0;
    if cs.len() >= 2 && is_align(cs[1]) {
        sp.fill = cs[0];
        sp.fill_set = true;
        sp.align = cs[1] as u8;
        i = 2;
    } else if !cs.is_empty() && is_align(cs[0]) {
        sp.align = cs[0] as u8;
        i = 1;
    }
    if let Some(&c) = cs.get(i) {
        if matches!(c, '+' | '-' | ' ') {
            sp.sign = c as u8;
            i += 1;
        }
    }
    if cs.get(i) == Some(&'z') {
        sp.z = true;
        i += 1;
    }
    if cs.get(i) == Some(&'#') {
        sp.alt = true;
        i += 1;
    }
    if cs.get(i) == Some(&'0') {
        sp.zero = true;
        i += 1;
    }
    let mut w: usize = 0;
    while let Some(d) = cs.get(i).and_then(|c| c.to_digit(10)) {
        w = w.saturating_mul(10).saturating_add(d as usize);
        i += 1;
    }
    sp.width = w;
    if let Some(&c) = cs.get(i) {
        if c == ',' || c == '_' {
            sp.grouping = c as u8;
            i += 1;
        }
    }
    if cs.get(i) == Some(&'.') {
        i += 1;
        let st = i;
        let mut p: usize = 0;
        while let Some(d) = cs.get(i).and_then(|c| c.to_digit(10)) {
            p = p.saturating_mul(10).saturating_add(d as usize);
            i += 1;
        }
        if i == st {
            return Err(vm.value_error("Format specifier missing precision"));
        }
        sp.prec = Some(p);
    }
    if let Some(&c) = cs.get(i) {
        if !c.is_ascii() {
            return Err(vm.value_error("invalid format specifier"));
        }
        sp.ty = c as u8;
        i += 1;
    }
    if i != cs.len() {
        return Err(vm.value_error("invalid format specifier"));
    }
    if sp.width > 1 << 24 || sp.prec.unwrap_or(0) > 1 << 24 {
        return Err(vm.value_error("too many decimal digits in format string"));
    }
    Ok(sp)
}

/// Append `text` padded to the spec's width (fill/alignment); `default` alignment if none.
fn pad_text(out: &mut String, text: &str, sp: &Spec, default: u8) {
    let n = text.chars().count();
    let pad = sp.width.saturating_sub(n);
    let align = if sp.align == 0 { default } else { sp.align };
    let (l, r) = match align {
        b'<' => (0, pad),
        b'^' => (pad / 2, pad - pad / 2),
        _ => (pad, 0),
    };
    for _ in 0..l {
        out.push(sp.fill);
    }
    push_str(out, text);
    for _ in 0..r {
        out.push(sp.fill);
    }
}

/// Insert a grouping separator every `every` digits of a digit run.
fn group(digits: &str, sep: char, every: usize) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / every);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// Append a number: `prefix` (sign and 0x...), `body` (digits...), padded per the spec with
/// '=' (fill after the sign) as zero-padding does.
fn pad_number(out: &mut String, prefix: &str, body: &str, sp: &Spec) {
    let (fill, align) = if sp.zero && !sp.fill_set {
        ('0', if sp.align == 0 { b'=' } else { sp.align })
    } else {
        (sp.fill, if sp.align == 0 { b'>' } else { sp.align })
    };
    let n = prefix.chars().count() + body.chars().count();
    let pad = sp.width.saturating_sub(n);
    match align {
        b'=' => {
            push_str(out, prefix);
            for _ in 0..pad {
                out.push(fill);
            }
            push_str(out, body);
        }
        b'<' => {
            push_str(out, prefix);
            push_str(out, body);
            for _ in 0..pad {
                out.push(fill);
            }
        }
        b'^' => {
            for _ in 0..pad / 2 {
                out.push(fill);
            }
            push_str(out, prefix);
            push_str(out, body);
            for _ in 0..pad - pad / 2 {
                out.push(fill);
            }
        }
        _ => {
            for _ in 0..pad {
                out.push(fill);
            }
            push_str(out, prefix);
            push_str(out, body);
        }
    }
}

fn sign_str(neg: bool, sign: u8) -> &'static str {
    if neg {
        "-"
    } else if sign == b'+' {
        "+"
    } else if sign == b' ' {
        " "
    } else {
        ""
    }
}

#[cold]
fn unknown_code(vm: &mut Vm, ty: u8, v: Value) -> crate::PyErr {
    let m = format!(
        "unknown format code '{}' for object of type '{}'",
        ty as char,
        vm.type_name(v)
    );
    vm.value_error(&m)
}

fn format_int_spec(vm: &mut Vm, v: Value, sp: &Spec, out: &mut String) -> PyResult<()> {
    let (base, upper, prefix) = match sp.ty {
        0 | b'd' | b'n' => (10, false, ""),
        b'b' => (2, false, "0b"),
        b'o' => (8, false, "0o"),
        b'x' => (16, false, "0x"),
        b'X' => (16, true, "0X"),
        b'c' => {
            if sp.sign != 0 {
                return Err(vm.value_error("Sign not allowed with integer format specifier 'c'"));
            }
            let n = s::int_arg(vm, v)?;
            let Some(c) = u32::try_from(n).ok().and_then(char::from_u32) else {
                return Err(vm.overflow_error("%c arg not in range(0x110000)"));
            };
            let t = String::from(c);
            let mut sp2 = *sp;
            if sp2.zero && !sp2.fill_set {
                sp2.fill = '0';
            }
            pad_text(out, &t, &sp2, b'>');
            return Ok(());
        }
        b'e' | b'E' | b'f' | b'F' | b'g' | b'G' | b'%' => {
            let f = float_of(vm, v)?.unwrap_or(0.0);
            return format_float_spec(vm, f, sp, out, v);
        }
        t => return Err(unknown_code(vm, t, v)),
    };
    if sp.prec.is_some() {
        return Err(vm.value_error("Precision not allowed in integer format specifier"));
    }
    if sp.z {
        return Err(
            vm.value_error("Negative zero coercion (z) not allowed in integer format specifier")
        );
    }
    if sp.grouping == b',' && base != 10 {
        let m = format!("Cannot specify ',' with '{}'.", sp.ty as char);
        return Err(vm.value_error(&m));
    }
    let (neg, mut digits) = int_digits(vm, v, base, upper)?;
    let sign = sign_str(neg, sp.sign);
    let pre = if sp.alt { prefix } else { "" };
    let mut p = String::from(sign);
    push_str(&mut p, pre);
    if sp.grouping != 0 {
        let sep = sp.grouping as char;
        let every = if base == 10 { 3 } else { 4 };
        let mut g = group(&digits, sep, every);
        if sp.zero && !sp.fill_set && sp.align == 0 {
            // Zero padding is grouped too.
            while p.len() + g.len() < sp.width {
                digits.insert(0, '0');
                g = group(&digits, sep, every);
            }
        }
        pad_number(out, &p, &g, sp);
    } else {
        pad_number(out, &p, &digits, sp);
    }
    Ok(())
}

/// int(f) for a float value (truncating).
fn float_to_int(vm: &mut Vm, _fv: Value, f: f64) -> PyResult<Value> {
    crate::types::int::int_from_f64(vm, f)
}

fn format_float_spec(vm: &mut Vm, f: f64, sp: &Spec, out: &mut String, v: Value) -> PyResult<()> {
    let mut neg = f.is_sign_negative() && !f.is_nan();
    let mut body = match sp.ty {
        b'f' | b'F' | b'e' | b'E' | b'g' | b'G' => {
            float_body(f, sp.ty, sp.prec.unwrap_or(6), sp.alt)
        }
        b'n' => float_body(f, b'g', sp.prec.unwrap_or(6), sp.alt),
        b'%' => {
            let mut b = float_body(f * 100.0, b'f', sp.prec.unwrap_or(6), sp.alt);
            push_char(&mut b, '%');
            b
        }
        0 => match sp.prec {
            None => {
                let mut b = String::new();
                if f.is_finite() {
                    crate::types::float::float_repr(&mut b, f.abs());
                } else {
                    b = float_body(f, b'g', 0, false);
                }
                b
            }
            Some(p) => {
                let mut b = String::new();
                if f.is_finite() {
                    crate::types::float::format_float_none(&mut b, f.abs(), p);
                } else {
                    b = float_body(f, b'g', 0, false);
                }
                b
            }
        },
        t => return Err(unknown_code(vm, t, v)),
    };
    if sp.z && neg {
        let mant = body.split(['e', 'E']).next().unwrap_or("");
        if !mant.bytes().any(|c| (b'1'..=b'9').contains(&c)) {
            neg = false;
        }
    }
    if sp.grouping != 0 && f.is_finite() {
        let end = body
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(body.len());
        let g = group(&body[..end], sp.grouping as char, 3);
        body = format!("{}{}", g, &body[end..]);
    }
    let sign = sign_str(neg, sp.sign);
    // MicroPython zero-pads inf and nan too (`{:06e}` of inf is `000inf`; CPython pads with
    // spaces).
    pad_number(out, sign, &body, sp);
    Ok(())
}

/// Append `format(v, spec)` to `out`.
pub fn format_into(vm: &mut Vm, v: Value, spec: &str, out: &mut String) -> PyResult<()> {
    let t = v.type_of();
    if t.has_flag(flags::USER_CLASS) {
        if let Some(f) = crate::types::class::lookup(vm, t, Q::__format__) {
            let sv = s::new_str(vm, spec)?;
            let r = vm.call(f, &[v, sv], &[])?;
            match s::str_data(vm, r) {
                Some(d) => {
                    push_str(out, d.as_str());
                    return Ok(());
                }
                None => {
                    let m = format!("__format__ must return a str, not {}", vm.type_name(r));
                    return Err(vm.type_error(&m));
                }
            }
        }
    }
    if spec.is_empty() {
        return vm.print_to(v, PrintKind::Str, out);
    }
    let sp = parse_spec(vm, spec)?;
    if is_int_value(vm, v) {
        return format_int_spec(vm, v, &sp, out);
    }
    if is_float_value(vm, v) {
        let f = float_of(vm, v)?.unwrap_or(0.0);
        return format_float_spec(vm, f, &sp, out, v);
    }
    // str, and (as MicroPython) any other object through str().
    // CPython rejects non-empty specs for objects without __format__; MicroPython formats
    // str(obj), and so do we.
    if sp.ty != 0 && sp.ty != b's' {
        return Err(unknown_code(vm, sp.ty, v));
    }
    if sp.z {
        return Err(
            vm.value_error("Negative zero coercion (z) not allowed in string format specifier")
        );
    }
    if sp.sign != 0 {
        return Err(vm.value_error("Sign not allowed in string format specifier"));
    }
    if sp.align == b'=' {
        return Err(vm.value_error("'=' alignment not allowed in string format specifier"));
    }
    if sp.alt {
        return Err(vm.value_error("Alternate form (#) not allowed in string format specifier"));
    }
    let text = vm.str_string(v)?;
    let text: &str = match sp.prec {
        Some(p) => match text.char_indices().nth(p) {
            Some((i, _)) => &text[..i],
            None => &text,
        },
        None => &text,
    };
    let mut sp2 = sp;
    if sp2.zero && !sp2.fill_set {
        sp2.fill = '0';
    }
    pad_text(out, text, &sp2, b'<');
    Ok(())
}

/// `format(v, spec)`.
pub fn format_value(vm: &mut Vm, v: Value, spec: &str) -> PyResult<Value> {
    let mut out = String::new();
    format_into(vm, v, spec, &mut out)?;
    s::new_str_unchecked(vm, out.as_bytes(), None)
}

// ---------------------------------------------------------------------------------------------
// str.format

/// `fmt.format(*args, **kw)`.
pub fn str_format(vm: &mut Vm, fmt: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(d) = s::sdata(vm, fmt) else {
        return Err(s::bad_implicit(vm, fmt, Kind::Str));
    };
    let kind = d.kind;
    let text = match core::str::from_utf8(d.bytes()) {
        Ok(t) => t,
        Err(_) => return Err(vm.value_error("bad format string")),
    };
    let mut out = String::with_capacity(text.len() + 16);
    let mut auto: Option<usize> = None; // Some(next) once automatic numbering is used
    let mut manual = false;
    format_template(vm, text, args, kw, &mut out, &mut auto, &mut manual, 0)?;
    s::new_kind(vm, kind, out.as_bytes())
}

#[allow(clippy::too_many_arguments)]
fn format_template(
    vm: &mut Vm,
    text: &str,
    args: &[Value],
    kw: Kw,
    out: &mut String,
    auto: &mut Option<usize>,
    manual: &mut bool,
    depth: usize,
) -> PyResult<()> {
    if depth > 2 {
        return Err(vm.value_error("Max string recursion exceeded"));
    }
    let b = text.as_bytes();
    let mut i = 0;
    let mut lit_start = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'}' {
            push_str(out, &text[lit_start..i]);
            if b.get(i + 1) == Some(&b'}') {
                push_char(out, '}');
                i += 2;
                lit_start = i;
                continue;
            }
            return Err(vm.value_error("single '}' encountered in format string"));
        }
        if c != b'{' {
            i += 1;
            continue;
        }
        push_str(out, &text[lit_start..i]);
        if b.get(i + 1) == Some(&b'{') {
            push_char(out, '{');
            i += 2;
            lit_start = i;
            continue;
        }
        // Find the end of the field, allowing nested {} in the spec and [...] in the name.
        let start = i + 1;
        let mut j = start;
        let mut nest = 0usize;
        let mut in_bracket = false;
        loop {
            let Some(&cj) = b.get(j) else {
                return Err(vm.value_error("unmatched '{' in format"));
            };
            if in_bracket {
                if cj == b']' {
                    in_bracket = false;
                }
            } else if cj == b'[' && nest == 0 {
                in_bracket = true;
            } else if cj == b'{' {
                nest += 1;
            } else if cj == b'}' {
                if nest == 0 {
                    break;
                }
                nest -= 1;
            }
            j += 1;
        }
        let field = &text[start..j];
        i = j + 1;
        lit_start = i;
        format_field(vm, field, args, kw, out, auto, manual, depth)?;
    }
    push_str(out, &text[lit_start..]);
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn format_field(
    vm: &mut Vm,
    field: &str,
    args: &[Value],
    kw: Kw,
    out: &mut String,
    auto: &mut Option<usize>,
    manual: &mut bool,
    depth: usize,
) -> PyResult<()> {
    // Split name / conversion / spec.
    let fb = field.as_bytes();
    let mut k = 0;
    let mut in_bracket = false;
    while k < fb.len() {
        let c = fb[k];
        if in_bracket {
            if c == b']' {
                in_bracket = false;
            }
        } else if c == b'[' {
            in_bracket = true;
        } else if c == b'!' || c == b':' {
            break;
        }
        k += 1;
    }
    let name = &field[..k];
    let mut conv = 0u8;
    let mut rest = &field[k..];
    if let Some(r) = rest.strip_prefix('!') {
        let mut it = r.chars();
        match it.next() {
            None => {
                return Err(vm.value_error("end of format while looking for conversion specifier"))
            }
            Some(c) if c.is_ascii() => conv = c as u8,
            Some(c) => {
                let m = format!("unknown conversion specifier {}", c);
                return Err(vm.value_error(&m));
            }
        }
        rest = it.as_str();
        if !rest.is_empty() && !rest.starts_with(':') {
            return Err(vm.value_error("expected ':' after format specifier"));
        }
    }
    let spec_raw = rest.strip_prefix(':').unwrap_or("");
    // Resolve the object.
    let nb = name.as_bytes();
    let first_end = nb
        .iter()
        .position(|&c| c == b'.' || c == b'[')
        .unwrap_or(nb.len());
    let first = &name[..first_end];
    let mut obj = if first.is_empty() {
        if *manual {
            return Err(vm.value_error(
                "can't switch from manual field specification to automatic field numbering",
            ));
        }
        let n = auto.unwrap_or(0);
        *auto = Some(n + 1);
        match args.get(n) {
            Some(&v) => v,
            None => return Err(vm.index_error("tuple index out of range")),
        }
    } else if first.bytes().all(|c| c.is_ascii_digit()) {
        if auto.is_some() {
            return Err(vm.value_error(
                "can't switch from automatic field numbering to manual field specification",
            ));
        }
        *manual = true;
        let n: usize = first.parse().unwrap_or(usize::MAX);
        match args.get(n) {
            Some(&v) => v,
            None => return Err(vm.index_error("tuple index out of range")),
        }
    } else {
        let q = vm.intern_name(first)?;
        match crate::obj::kw_get(kw, q) {
            Some(v) => v,
            None => {
                let key = s::new_str(vm, first)?;
                return Err(vm.key_error(key));
            }
        }
    };
    // Attribute and index lookups.
    let mut p = first_end;
    while p < nb.len() {
        if nb[p] == b'.' {
            let e = nb[p + 1..]
                .iter()
                .position(|&c| c == b'.' || c == b'[')
                .map_or(nb.len(), |x| x + p + 1);
            let attr = &name[p + 1..e];
            if attr.is_empty() {
                return Err(vm.value_error("Empty attribute in format string"));
            }
            let q = vm.intern(attr);
            obj = vm.load_attr(obj, q)?;
            p = e;
        } else if nb[p] == b'[' {
            let Some(close) = nb[p..].iter().position(|&c| c == b']') else {
                return Err(vm.value_error("Missing ']' in format string"));
            };
            let key = &name[p + 1..p + close];
            let kv = if !key.is_empty() && key.bytes().all(|c| c.is_ascii_digit()) {
                match key.parse::<isize>().ok().and_then(Value::small_int) {
                    Some(v) => v,
                    None => s::new_str(vm, key)?,
                }
            } else {
                s::new_str(vm, key)?
            };
            obj = vm.subscr(obj, kv)?;
            p += close + 1;
        } else {
            return Err(vm.value_error("Only '.' or '[' may follow ']' in format field specifier"));
        }
    }
    // Conversion.
    match conv {
        0 => {}
        b'r' | b's' | b'a' => {
            let mut t = String::new();
            vm.print_to(
                obj,
                if conv == b's' {
                    PrintKind::Str
                } else {
                    PrintKind::Repr
                },
                &mut t,
            )?;
            if conv == b'a' {
                t = ascii_escape(&t);
            }
            obj = s::new_str_unchecked(vm, t.as_bytes(), None)?;
        }
        c => {
            let m = format!("unknown conversion specifier {}", c as char);
            return Err(vm.value_error(&m));
        }
    }
    // Nested fields in the spec.
    if spec_raw.contains('{') {
        let mut spec = String::new();
        format_template(vm, spec_raw, args, kw, &mut spec, auto, manual, depth + 1)?;
        format_into(vm, obj, &spec, out)
    } else {
        format_into(vm, obj, spec_raw, out)
    }
}

/// Escape non-ASCII characters as `ascii()` does.
pub fn ascii_escape(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{:02x}", n));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{:04x}", n));
        } else {
            out.push_str(&format!("\\U{:08x}", n));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// % formatting

/// `fmt % args` for str.
pub fn str_modulo(vm: &mut Vm, fmt: Value, args: Value) -> PyResult<Value> {
    percent(vm, fmt, args, false)
}

/// `fmt % args` for bytes.
pub fn bytes_modulo(vm: &mut Vm, fmt: Value, args: Value) -> PyResult<Value> {
    percent(vm, fmt, args, true)
}

fn percent(vm: &mut Vm, fmt: Value, argv: Value, is_bytes: bool) -> PyResult<Value> {
    let Some(d) = s::sdata(vm, fmt) else {
        return Ok(Value::NULL);
    };
    let f = d.bytes();
    // Positional args: a tuple's items, or the one value. A dict is used for %(name)s.
    let tuple = crate::types::tuple::tuple_items(argv);
    let dict = if tuple.is_none() && argv.downcast::<crate::map::DictObj>().is_some() {
        Some(argv)
    } else {
        None
    };
    let one = [argv];
    let args: &[Value] = match &tuple {
        Some(t) => t.items(),
        None => &one,
    };
    let mut out: Vec<u8> = Vec::with_capacity(f.len() + 16);
    let mut ai = 0usize;
    let mut i = 0usize;
    while i < f.len() {
        let c = f[i];
        if c != b'%' {
            // Copy a run of literal bytes.
            let e = f[i..]
                .iter()
                .position(|&x| x == b'%')
                .map_or(f.len(), |x| x + i);
            out.extend_from_slice(&f[i..e]);
            i = e;
            continue;
        }
        let start = i;
        i += 1;
        let Some(&c) = f.get(i) else {
            return Err(vm.value_error("incomplete format"));
        };
        if c == b'%' {
            out.push(b'%');
            i += 1;
            continue;
        }
        let mut arg = Value::NULL;
        if c == b'(' {
            let Some(dv) = dict else {
                return Err(vm.type_error("format needs a dict"));
            };
            let ks = i + 1;
            let mut depth = 1;
            let mut j = ks;
            while j < f.len() {
                if f[j] == b'(' {
                    depth += 1;
                } else if f[j] == b')' {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                j += 1;
            }
            if j >= f.len() {
                return Err(vm.value_error("incomplete format key"));
            }
            // MicroPython interns the key.
            vm.check_name_len(j - ks)?;
            let key = if is_bytes {
                crate::types::bytes::new_bytes(vm, &f[ks..j])?
            } else {
                s::new_str_unchecked(vm, &f[ks..j], None)?
            };
            arg = match dv.downcast::<crate::map::DictObj>() {
                Some(dobj) if dv.type_of().is(&crate::types::dict::DICT_TYPE) => {
                    match dobj.map.get(vm, key)? {
                        Some(x) => x,
                        None => return Err(vm.key_error(key)),
                    }
                }
                _ => vm.subscr(dv, key)?,
            };
            ai = args.len();
            i = j + 1;
        }
        // Flags.
        let (mut left, mut plus, mut space, mut alt, mut zero) =
            (false, false, false, false, false);
        while let Some(&c) = f.get(i) {
            match c {
                b'-' => left = true,
                b'+' => plus = true,
                b' ' => space = true,
                b'#' => alt = true,
                b'0' => zero = true,
                _ => break,
            }
            i += 1;
        }
        // Width.
        let mut width: isize = 0;
        if f.get(i) == Some(&b'*') {
            let Some(&w) = args.get(ai) else {
                return Err(vm.type_error("format string needs more arguments"));
            };
            ai += 1;
            width = s::int_arg(vm, w)?;
            if width < 0 {
                left = true;
                width = width.saturating_neg();
            }
            i += 1;
        } else {
            while let Some(&c) = f.get(i) {
                if !c.is_ascii_digit() {
                    break;
                }
                width = width.saturating_mul(10).saturating_add((c - b'0') as isize);
                i += 1;
            }
        }
        // Precision.
        let mut prec: Option<usize> = None;
        if f.get(i) == Some(&b'.') {
            i += 1;
            if f.get(i) == Some(&b'*') {
                let Some(&p) = args.get(ai) else {
                    return Err(vm.type_error("format string needs more arguments"));
                };
                ai += 1;
                prec = Some(s::int_arg(vm, p)?.max(0) as usize);
                i += 1;
            } else {
                let mut p: usize = 0;
                while let Some(&c) = f.get(i) {
                    if !c.is_ascii_digit() {
                        break;
                    }
                    p = p.saturating_mul(10).saturating_add((c - b'0') as usize);
                    i += 1;
                }
                prec = Some(p);
            }
        }
        if width > 1 << 24 || prec.unwrap_or(0) > 1 << 24 {
            return Err(vm.value_error("width too big"));
        }
        // Length modifiers are accepted and ignored (as CPython).
        while matches!(f.get(i), Some(b'h' | b'l' | b'L')) {
            i += 1;
        }
        let Some(&conv) = f.get(i) else {
            return Err(vm.value_error("incomplete format"));
        };
        i += 1;
        if arg.is_null() {
            let Some(&a) = args.get(ai) else {
                return Err(vm.type_error("format string needs more arguments"));
            };
            ai += 1;
            arg = a;
        }
        let width = width as usize;
        // Fast paths for the most common directives: plain %d of a small int, plain %s of a str.
        if width == 0 && prec.is_none() && !plus && !space && !alt {
            if matches!(conv, b'd' | b'i' | b'u') {
                if let Some(n) = arg.as_small_int() {
                    push_decimal(&mut out, n);
                    continue;
                }
            } else if conv == b's' && !is_bytes {
                if let Some(sd) = s::str_data(vm, arg) {
                    out.extend_from_slice(sd.as_bytes());
                    continue;
                }
            }
        }
        let sign = |neg: bool| -> &'static str {
            if neg {
                "-"
            } else if plus {
                "+"
            } else if space {
                " "
            } else {
                ""
            }
        };
        let mut piece = String::new();
        let mut raw: Option<Vec<u8>> = None;
        match conv {
            b'd' | b'i' | b'u' | b'o' | b'x' | b'X' => {
                let (base, upper) = match conv {
                    b'o' => (8, false),
                    b'x' => (16, false),
                    b'X' => (16, true),
                    _ => (10, false),
                };
                let iv = if is_int_value(vm, arg) {
                    arg
                } else if base == 10 && is_float_value(vm, arg) {
                    let fv = float_of(vm, arg)?.unwrap_or(0.0);
                    float_to_int(vm, arg, fv)?
                } else if base == 10 && !s::is_str(arg) {
                    // Objects with __int__ (MicroPython calls int() on them).
                    let it = Value::from_static(&crate::types::int::INT_TYPE);
                    match vm.call(it, &[arg], &[]) {
                        Ok(v) => v,
                        Err(_) => {
                            let m = format!(
                                "%{} format: a number is required, not {}",
                                conv as char,
                                vm.type_name(arg)
                            );
                            return Err(vm.type_error(&m));
                        }
                    }
                } else if base == 10 {
                    let m = format!(
                        "%{} format: a number is required, not {}",
                        conv as char,
                        vm.type_name(arg)
                    );
                    return Err(vm.type_error(&m));
                } else {
                    let m = format!(
                        "%{} format: an integer is required, not {}",
                        conv as char,
                        vm.type_name(arg)
                    );
                    return Err(vm.type_error(&m));
                };
                let (neg, mut digits) = int_digits(vm, iv, base, upper)?;
                if let Some(p) = prec {
                    while digits.len() < p {
                        digits.insert(0, '0');
                    }
                }
                let mut prefix = String::from(sign(neg));
                if alt {
                    match conv {
                        b'o' => push_str(&mut prefix, "0o"),
                        b'x' => push_str(&mut prefix, "0x"),
                        b'X' => push_str(&mut prefix, "0X"),
                        _ => {}
                    }
                }
                printf_pad(&mut piece, &prefix, &digits, width, left, zero);
            }
            b'e' | b'E' | b'f' | b'F' | b'g' | b'G' => {
                let Some(fv) = float_of(vm, arg)? else {
                    let m = format!("can't convert {} to float", vm.type_name(arg));
                    return Err(vm.type_error(&m));
                };
                let body = float_body(fv, conv, prec.unwrap_or(6), alt);
                let neg = fv.is_sign_negative() && !fv.is_nan();
                printf_pad(&mut piece, sign(neg), &body, width, left, zero);
            }
            b'c' => {
                let ch: String = if let Some(cd) = s::sdata(vm, arg) {
                    if cd.chars != 1 || (cd.kind == Kind::Str) == is_bytes {
                        return Err(vm.type_error("%c needs int or char"));
                    }
                    if is_bytes {
                        raw = Some(bytes_vec(cd.bytes()));
                        String::new()
                    } else {
                        String::from(core::str::from_utf8(cd.bytes()).unwrap_or(""))
                    }
                } else if is_int_value(vm, arg) {
                    let n = s::int_arg(vm, arg)?;
                    if is_bytes {
                        if !(0..256).contains(&n) {
                            return Err(vm.overflow_error("%c arg not in range(256)"));
                        }
                        raw = Some(alloc::vec![n as u8]);
                        String::new()
                    } else {
                        match u32::try_from(n).ok().and_then(char::from_u32) {
                            Some(c) => String::from(c),
                            None => return Err(vm.overflow_error("%c arg not in range(0x110000)")),
                        }
                    }
                } else {
                    return Err(vm.type_error("%c needs int or char"));
                };
                if let Some(r) = raw.take() {
                    let pad = width.saturating_sub(1);
                    if !left {
                        out.extend(core::iter::repeat_n(b' ', pad));
                    }
                    out.extend_from_slice(&r);
                    if left {
                        out.extend(core::iter::repeat_n(b' ', pad));
                    }
                    continue;
                }
                text_pad(&mut piece, &ch, width, left);
            }
            b's' | b'r' | b'a' | b'b' => {
                if is_bytes && (conv == b's' || conv == b'b') {
                    // Bytes-like arguments are copied raw.
                    let data = match s::sdata(vm, arg) {
                        Some(x) if x.kind != Kind::Str => Some(bytes_vec(x.bytes())),
                        _ => crate::obj::with_buffer_read(vm, arg, bytes_vec)?
                            .filter(|_| !s::is_str(arg)),
                    };
                    if let Some(mut data) = data {
                        if let Some(p) = prec {
                            data.truncate(p);
                        }
                        let pad = width.saturating_sub(data.len());
                        if !left {
                            out.extend(core::iter::repeat_n(b' ', pad));
                        }
                        out.extend_from_slice(&data);
                        if left {
                            out.extend(core::iter::repeat_n(b' ', pad));
                        }
                        continue;
                    }
                }
                if conv == b'b' && !is_bytes {
                    let m = format!("unsupported format character 'b' (0x62) at index {}", i - 1);
                    return Err(vm.value_error(&m));
                }
                let mut t = String::new();
                vm.print_to(
                    arg,
                    if conv == b'r' || conv == b'a' {
                        PrintKind::Repr
                    } else {
                        PrintKind::Str
                    },
                    &mut t,
                )?;
                if conv == b'a' {
                    t = ascii_escape(&t);
                }
                let t: &str = match prec.and_then(|p| t.char_indices().nth(p)) {
                    Some((k, _)) => &t[..k],
                    None => &t,
                };
                text_pad(&mut piece, t, width, left);
            }
            c => {
                let idx = if d.kind == Kind::Str {
                    s::char_count(&f[..i - 1])
                } else {
                    i - 1
                };
                let ch = if d.kind == Kind::Str {
                    core::str::from_utf8(&f[i - 1..])
                        .ok()
                        .and_then(|x| x.chars().next())
                        .unwrap_or(c as char)
                } else {
                    c as char
                };
                let _ = start;
                let m = format!(
                    "unsupported format character '{}' (0x{:x}) at index {}",
                    ch, ch as u32, idx
                );
                return Err(vm.value_error(&m));
            }
        }
        out.extend_from_slice(piece.as_bytes());
    }
    if dict.is_none() && ai != args.len() {
        return Err(vm.type_error("format string didn't convert all arguments"));
    }
    if is_bytes {
        crate::types::bytes::new_bytes(vm, &out)
    } else {
        s::new_str_unchecked(vm, &out, None)
    }
}

/// Append the decimal digits of `n` (with '-' if negative).
fn push_decimal(out: &mut Vec<u8>, n: isize) {
    if n < 0 {
        push_byte(out, b'-');
    }
    let mut m = n.unsigned_abs() as u64;
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    push_bytes(out, &buf[i..]);
}

fn printf_pad(out: &mut String, prefix: &str, body: &str, width: usize, left: bool, zero: bool) {
    let n = prefix.len() + body.chars().count();
    let pad = width.saturating_sub(n);
    if left {
        push_str(out, prefix);
        push_str(out, body);
        out.extend(core::iter::repeat_n(' ', pad));
    } else if zero {
        push_str(out, prefix);
        out.extend(core::iter::repeat_n('0', pad));
        push_str(out, body);
    } else {
        out.extend(core::iter::repeat_n(' ', pad));
        push_str(out, prefix);
        push_str(out, body);
    }
}

fn text_pad(out: &mut String, t: &str, width: usize, left: bool) {
    let pad = width.saturating_sub(t.chars().count());
    if !left {
        out.extend(core::iter::repeat_n(' ', pad));
    }
    push_str(out, t);
    if left {
        out.extend(core::iter::repeat_n(' ', pad));
    }
}
