//! REPL helper: decide whether the friendly REPL should ask for a continuation line (`... `),
//! with the same rules as MicroPython: open brackets or triple quotes, a trailing backslash, or
//! a compound statement (`if`, `def`, `@`, ...) that has not yet been ended by an empty line.

fn starts_with_word(s: &[u8], w: &[u8]) -> bool {
    s.starts_with(w)
        && s.get(w.len())
            .map(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))
            .unwrap_or(true)
}

/// `input` is everything typed so far (lines joined with '\n', no trailing newline after the
/// last line). Returns true when more input is needed before compiling.
pub fn continue_with_input(input: &str) -> bool {
    let s = input.as_bytes();
    if s.is_empty() {
        return false;
    }
    let compound = s[0] == b'@'
        || [
            &b"if"[..],
            b"while",
            b"for",
            b"try",
            b"with",
            b"def",
            b"class",
            b"async",
        ]
        .iter()
        .any(|w| starts_with_word(s, w));
    #[derive(PartialEq, Clone, Copy)]
    enum Q {
        None,
        Single1,
        Double1,
        Single3,
        Double3,
    }
    let mut q = Q::None;
    let (mut paren, mut brack, mut brace) = (0i32, 0i32, 0i32);
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        let next2 = |ch: u8| s.get(i + 1) == Some(&ch) && s.get(i + 2) == Some(&ch);
        if c == b'\'' || c == b'"' {
            let (one, three) = if c == b'\'' {
                (Q::Single1, Q::Single3)
            } else {
                (Q::Double1, Q::Double3)
            };
            if (q == Q::None || q == three) && next2(c) {
                i += 2;
                q = if q == Q::None { three } else { Q::None };
            } else if q == Q::None || q == one {
                q = if q == Q::None { one } else { Q::None };
            }
        } else if c == b'\\' && matches!(s.get(i + 1), Some(b'\'') | Some(b'"') | Some(b'\\')) {
            if q != Q::None {
                i += 1;
            }
        } else if q == Q::None {
            match c {
                b'(' => paren += 1,
                b')' => paren -= 1,
                b'[' => brack += 1,
                b']' => brack -= 1,
                b'{' => brace += 1,
                b'}' => brace -= 1,
                _ => {}
            }
        }
        i += 1;
    }
    if q == Q::Single3 || q == Q::Double3 {
        return true;
    }
    if (paren > 0 || brack > 0 || brace > 0) && q == Q::None {
        return true;
    }
    let last = *s.last().unwrap_or(&0);
    if last == b'\\' {
        return true;
    }
    compound && last != b'\n'
}

#[cfg(test)]
mod tests {
    use super::continue_with_input as c;

    #[test]
    fn continuation() {
        assert!(!c(""));
        assert!(!c("x = 1"));
        assert!(c("if x:"));
        assert!(c("if x:\n    y"));
        assert!(!c("if x:\n    y\n"));
        assert!(c("f(1,"));
        assert!(c("s = '''abc"));
        assert!(!c("s = '''abc'''"));
        assert!(c("x = 1 + \\"));
        assert!(!c("'('"));
        assert!(c("@dec"));
        assert!(!c("iffy = 2"));
        assert!(c("async def f():"));
    }
}
