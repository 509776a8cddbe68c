//! Float text conversion: CPython-exact `repr`, printf-style formatting ('e' 'f' 'g' '%'),
//! and parsing of float literals. Digits come from core::fmt, which produces the shortest
//! round-trip digits (`{:e}`) and correctly rounded fixed-precision digits (`{:.N}`,
//! `{:.Ne}`), ties to even on the exact binary value, as CPython does.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

/// Decimal digits and exponent: value = d0.d1d2... * 10^exp.
struct Digits {
    digits: Vec<u8>,
    exp: i32,
}

/// Parse the output of `{:e}` / `{:.Ne}` for a non-negative finite float.
fn sci_digits(s: &str) -> Digits {
    let (mant, exp) = match s.find('e') {
        Some(p) => (&s[..p], s[p + 1..].parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let digits: Vec<u8> = mant.bytes().filter(|c| c.is_ascii_digit()).collect();
    Digits { digits, exp }
}

fn shortest(f: f64) -> Digits {
    let mut s = String::new();
    let _ = write!(s, "{:e}", f);
    sci_digits(&s)
}

fn with_precision(f: f64, prec: usize) -> Digits {
    let mut s = String::new();
    let _ = write!(s, "{:.*e}", prec, f);
    sci_digits(&s)
}

fn push_exp(out: &mut String, e: i32, upper: bool) {
    out.push(if upper { 'E' } else { 'e' });
    out.push(if e < 0 { '-' } else { '+' });
    let a = e.unsigned_abs();
    if a < 10 {
        push_char(out, '0');
    }
    let _ = write!(out, "{}", a);
}

/// Append repr(f) exactly as CPython prints it ("0.1", "1e+16", "1.5e-07", "inf", "-0.0").
pub fn float_repr(out: &mut String, f: f64) {
    if f.is_nan() {
        push_str(out, "nan");
        return;
    }
    if f.is_sign_negative() {
        push_char(out, '-');
    }
    let a = f.abs();
    if a.is_infinite() {
        push_str(out, "inf");
        return;
    }
    if a == 0.0 {
        push_str(out, "0.0");
        return;
    }
    let d = shortest(a);
    let n = d.digits.len() as i32;
    let x = d.exp;
    if !(-4..16).contains(&x) {
        out.push(d.digits[0] as char);
        if n > 1 {
            push_char(out, '.');
            for &c in &d.digits[1..] {
                out.push(c as char);
            }
        }
        push_exp(out, x, false);
    } else if x >= 0 {
        for i in 0..=x {
            out.push(if i < n {
                d.digits[i as usize] as char
            } else {
                '0'
            });
        }
        push_char(out, '.');
        if n > x + 1 {
            for &c in &d.digits[(x + 1) as usize..] {
                out.push(c as char);
            }
        } else {
            push_char(out, '0');
        }
    } else {
        push_str(out, "0.");
        for _ in 0..(-x - 1) {
            push_char(out, '0');
        }
        for &c in &d.digits {
            out.push(c as char);
        }
    }
}

/// Lay out digits in scientific notation with `prec` digits after the point.
fn layout_e(out: &mut String, d: &Digits, alt: bool, upper: bool) {
    out.push(d.digits[0] as char);
    if d.digits.len() > 1 || alt {
        push_char(out, '.');
    }
    for &c in &d.digits[1..] {
        out.push(c as char);
    }
    push_exp(out, d.exp, upper);
}

/// Append `f` formatted as printf's `%.{prec}{fmt}` (fmt: b'e' b'E' b'f' b'F' b'g' b'G' b'%'),
/// `alt` for the '#' flag. Writes '-' for negative values (including -0.0; not for nan);
/// sign flags and padding are the caller's.
pub fn format_float(out: &mut String, f: f64, fmt: u8, prec: usize, alt: bool) {
    let upper = fmt.is_ascii_uppercase();
    let prec = prec.min(10_000);
    if f.is_nan() {
        push_str(out, if upper { "NAN" } else { "nan" });
        if fmt == b'%' {
            push_char(out, '%');
        }
        return;
    }
    if f.is_sign_negative() {
        push_char(out, '-');
    }
    let a = f.abs();
    if a.is_infinite() {
        push_str(out, if upper { "INF" } else { "inf" });
        if fmt == b'%' {
            push_char(out, '%');
        }
        return;
    }
    match fmt {
        b'e' | b'E' => {
            let d = with_precision(a, prec);
            layout_e(out, &d, alt, upper);
        }
        b'f' | b'F' | b'%' => {
            let v = if fmt == b'%' { a * 100.0 } else { a };
            let _ = write!(out, "{:.*}", prec, v);
            if alt && prec == 0 {
                push_char(out, '.');
            }
            if fmt == b'%' {
                push_char(out, '%');
            }
        }
        _ => {
            // 'g' / 'G'
            let p = if prec == 0 { 1 } else { prec };
            let d = if a == 0.0 {
                Digits {
                    digits: alloc::vec![b'0'; p],
                    exp: 0,
                }
            } else {
                with_precision(a, p - 1)
            };
            let x = d.exp;
            let mut s = String::new();
            if x >= -4 && x < p as i32 {
                let decimals = (p as i32 - 1 - x).max(0) as usize;
                let _ = write!(s, "{:.*}", decimals, a);
                if alt && decimals == 0 {
                    push_char(&mut s, '.');
                }
                if !alt && s.contains('.') {
                    while s.ends_with('0') {
                        s.pop();
                    }
                    if s.ends_with('.') {
                        s.pop();
                    }
                }
            } else {
                let mut dd = d;
                if !alt {
                    while dd.digits.len() > 1 && dd.digits.last() == Some(&b'0') {
                        dd.digits.pop();
                    }
                }
                layout_e(&mut s, &dd, alt, upper);
            }
            push_str(out, &s);
        }
    }
}

/// Format like `str.format`'s float presentation with no type letter and a precision
/// (`'{:.3}'`): as 'g' but never stripping to an integer-looking result in fixed notation
/// ("1.0" style) and switching to exponent when exp >= prec.
pub fn format_float_none(out: &mut String, f: f64, prec: usize) {
    let mut s = String::new();
    format_float(&mut s, f, b'g', prec, false);
    if f.is_finite() && !s.contains(['.', 'e']) {
        push_str(&mut s, ".0");
    }
    push_str(out, &s);
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// Scan an unsigned float literal (digits with single underscores between them, optional
/// fraction, optional exponent; or inf/infinity/nan) at the start of `s`. Returns the value
/// and the number of bytes used, or None if there is none.
pub fn scan_unsigned_float(s: &[u8]) -> Option<(f64, usize)> {
    let lower = |i: usize| s.get(i).map(|c| c | 0x20);
    if lower(0) == Some(b'i') && lower(1) == Some(b'n') && lower(2) == Some(b'f') {
        let inf8 = s.len() >= 8 && s[..8].eq_ignore_ascii_case(b"infinity");
        return Some((f64::INFINITY, if inf8 { 8 } else { 3 }));
    }
    if lower(0) == Some(b'n') && lower(1) == Some(b'a') && lower(2) == Some(b'n') {
        return Some((f64::NAN, 3));
    }
    let mut clean: Vec<u8> = Vec::with_capacity(s.len());
    let mut i = 0;
    // digits with underscores
    let digits = |i: &mut usize, clean: &mut Vec<u8>| -> Option<usize> {
        let start = clean.len();
        while *i < s.len() {
            let c = s[*i];
            if c.is_ascii_digit() {
                push_byte(clean, c);
                *i += 1;
            } else if c == b'_'
                && clean.len() > start
                && s.get(*i + 1).is_some_and(|d| d.is_ascii_digit())
            {
                *i += 1;
            } else {
                break;
            }
        }
        Some(clean.len() - start)
    };
    let n_int = digits(&mut i, &mut clean)?;
    let mut n_frac = 0;
    if i < s.len() && s[i] == b'.' {
        let save = i;
        clean.push(b'.');
        i += 1;
        n_frac = digits(&mut i, &mut clean)?;
        if n_int == 0 && n_frac == 0 {
            let _ = save;
            return None;
        }
    }
    if n_int == 0 && n_frac == 0 {
        return None;
    }
    if i < s.len() && (s[i] | 0x20) == b'e' {
        let mut j = i + 1;
        let mut e: Vec<u8> = alloc::vec![b'e'];
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            push_byte(&mut e, s[j]);
            j += 1;
        }
        let mut n = 0;
        let mut ed: Vec<u8> = Vec::new();
        let _ = digits(&mut j, &mut ed);
        n += ed.len();
        if n > 0 {
            // keep the exponent bounded so parse() sees a sane number
            let mut ev: u32 = 0;
            for &c in &ed {
                ev = (ev * 10 + (c - b'0') as u32).min(100_000);
            }
            let _ = write!(StrBuf(&mut e), "{}", ev);
            push_bytes(&mut clean, &e);
            i = j;
        }
    }
    let text = core::str::from_utf8(&clean).ok()?;
    let v = text.parse::<f64>().ok()?;
    Some((v, i))
}

struct StrBuf<'a>(&'a mut Vec<u8>);
impl core::fmt::Write for StrBuf<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

/// Parse a whole float string as `float(text)` does (whitespace, sign). None if invalid.
pub fn parse_float_text(s: &[u8]) -> Option<f64> {
    let mut i = 0;
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    let mut end = s.len();
    while end > i && is_space(s[end - 1]) {
        end -= 1;
    }
    let s = &s[i..end];
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (v, n) = scan_unsigned_float(body)?;
    if n != body.len() {
        return None;
    }
    Some(if neg { -v } else { v })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(f: f64) -> String {
        let mut s = String::new();
        float_repr(&mut s, f);
        s
    }
    fn fm(f: f64, c: u8, p: usize, alt: bool) -> String {
        let mut s = String::new();
        format_float(&mut s, f, c, p, alt);
        s
    }

    #[test]
    fn repr_like_cpython() {
        assert_eq!(r(0.1), "0.1");
        assert_eq!(r(1e16), "1e+16");
        assert_eq!(r(1.5e-7), "1.5e-07");
        assert_eq!(r(-0.0), "-0.0");
        assert_eq!(r(1.0), "1.0");
        assert_eq!(r(123456789012345680.0), "1.2345678901234568e+17");
        assert_eq!(r(1234567890123456.0), "1234567890123456.0");
        assert_eq!(r(0.0001), "0.0001");
        assert_eq!(r(0.00001), "1e-05");
        assert_eq!(r(f64::INFINITY), "inf");
        assert_eq!(r(f64::NAN), "nan");
        assert_eq!(r(5e-324), "5e-324");
        assert_eq!(r(1e22), "1e+22");
    }

    #[test]
    fn printf_like() {
        assert_eq!(fm(1e-5, b'g', 3, false), "1e-05");
        assert_eq!(fm(12345.0, b'e', 0, true), "1.e+04");
        assert_eq!(fm(2.5, b'f', 0, true), "2.");
        assert_eq!(fm(100000.0, b'g', 6, false), "100000");
        assert_eq!(fm(1e6, b'g', 6, false), "1e+06");
        assert_eq!(fm(0.0, b'e', 6, false), "0.000000e+00");
        assert_eq!(fm(-0.0, b'g', 6, false), "-0");
        assert_eq!(fm(0.1, b'g', 17, false), "0.10000000000000001");
        assert_eq!(fm(f64::NAN, b'G', 6, false), "NAN");
        assert_eq!(fm(0.5, b'%', 1, false), "50.0%");
        assert_eq!(fm(123.456, b'g', 2, true), "1.2e+02");
        assert_eq!(fm(0.0, b'g', 3, true), "0.00");
    }

    #[test]
    fn parse() {
        assert_eq!(parse_float_text(b" 1_000.5 "), Some(1000.5));
        assert_eq!(parse_float_text(b"1e5"), Some(1e5));
        assert_eq!(parse_float_text(b".5"), Some(0.5));
        assert_eq!(parse_float_text(b"1."), Some(1.0));
        assert_eq!(parse_float_text(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_float_text(b"Infinity"), Some(f64::INFINITY));
        assert!(parse_float_text(b"nan").unwrap().is_nan());
        assert_eq!(parse_float_text(b"."), None);
        assert_eq!(parse_float_text(b"1e"), None);
        assert_eq!(parse_float_text(b"1__0"), None);
        assert_eq!(parse_float_text(b"_1"), None);
        assert_eq!(parse_float_text(b"1e400"), Some(f64::INFINITY));
        assert_eq!(parse_float_text(b"1e-400"), Some(0.0));
        assert_eq!(parse_float_text(b""), None);
    }
}
