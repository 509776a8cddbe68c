//! A plain line-reading REPL (`>>> ` / `... ` prompts, compiled in single-statement mode).
//! The full friendly REPL (editing, history, completion, paste and raw modes) is separate work.

/// True if `input` (the lines typed so far, joined by `\n`) needs more lines before it can be
/// compiled: an open bracket or triple quote, a trailing backslash, or a compound statement
/// not yet ended by an empty line.
pub fn needs_more(input: &str) -> bool {
    if input.is_empty() {
        return false;
    }
    let first_word = input
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    let compound = input.starts_with('@')
        || matches!(
            first_word,
            "if" | "while" | "for" | "try" | "with" | "def" | "class" | "async"
        );

    #[derive(PartialEq, Clone, Copy)]
    enum Quote {
        None,
        Single(u8),
        Triple(u8),
    }
    let b = input.as_bytes();
    let mut q = Quote::None;
    let mut depth = [0i32; 3];
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\'' | b'"' => {
                let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                match q {
                    Quote::None if triple => {
                        q = Quote::Triple(c);
                        i += 2;
                    }
                    Quote::None => q = Quote::Single(c),
                    Quote::Triple(t) if t == c && triple => {
                        q = Quote::None;
                        i += 2;
                    }
                    Quote::Single(t) if t == c => q = Quote::None,
                    _ => {}
                }
            }
            b'\\' if q != Quote::None && matches!(b.get(i + 1), Some(b'\'' | b'"' | b'\\')) => {
                i += 1;
            }
            b'(' | b'[' | b'{' if q == Quote::None => depth[bracket(c)] += 1,
            b')' | b']' | b'}' if q == Quote::None => depth[bracket(c)] -= 1,
            _ => {}
        }
        i += 1;
    }
    if matches!(q, Quote::Triple(_)) {
        return true;
    }
    if depth.iter().any(|&d| d > 0) && q == Quote::None {
        return true;
    }
    let last = b[b.len() - 1];
    if last == b'\\' {
        return true;
    }
    compound && last != b'\n'
}

fn bracket(c: u8) -> usize {
    match c {
        b'(' | b')' => 0,
        b'[' | b']' => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::needs_more;

    #[test]
    fn continuation() {
        assert!(!needs_more(""));
        assert!(!needs_more("x = 1"));
        assert!(needs_more("if x:"));
        assert!(needs_more("if x:\n  y"));
        assert!(!needs_more("if x:\n  y\n"));
        assert!(needs_more("f(1,"));
        assert!(!needs_more("f(1, ')')"));
        assert!(needs_more("s = '''abc"));
        assert!(!needs_more("s = '''abc'''"));
        assert!(needs_more("x = 1 + \\"));
        assert!(needs_more("@dec"));
        assert!(!needs_more("iffy = 2"));
        assert!(!needs_more("'it\\'s'"));
    }
}
