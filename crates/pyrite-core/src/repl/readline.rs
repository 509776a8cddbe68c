//! The friendly REPL's line editor: Emacs-style keys, VT100 arrow/Home/End/Delete sequences,
//! history and tab completion. Output follows MicroPython's readline so terminals (and its
//! tests) see the same bytes: the cursor moves back with `\b` (or `ESC[nD` past 4 columns) and
//! text is erased with `ESC[K`.

use alloc::string::String;
use alloc::vec::Vec;

use super::Console;

/// How many lines the history keeps.
pub const HISTORY_LEN: usize = 50;

/// What `read_line` ended with.
#[derive(Debug, PartialEq, Eq)]
pub enum LineEnd {
    /// Enter.
    Enter,
    /// Ctrl-C: the line is abandoned.
    Cancel,
    /// Ctrl-D on an empty line.
    Eof,
    /// End of input (the console closed).
    Closed,
    /// Ctrl-A / Ctrl-B / Ctrl-E on an empty line: a mode switch, handled by the caller.
    Control(u8),
}

/// Editing state that outlives one line.
#[derive(Default)]
pub struct Editor {
    pub history: Vec<String>,
    /// Auto-indent is on for the statement being typed (set by the caller at its first line;
    /// turned off by a space or tab typed right after an auto-indent).
    pub auto_indent: bool,
}

/// Count of bytes in `line` forming a word step from `pos` (backward when `fwd` is false):
/// first skip non-word characters, then word characters.
fn word_step(line: &[u8], pos: usize, fwd: bool) -> usize {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80;
    let mut n = 0;
    if fwd {
        let mut i = pos;
        while i < line.len() && !is_word(line[i]) {
            i += 1;
            n += 1;
        }
        while i < line.len() && is_word(line[i]) {
            i += 1;
            n += 1;
        }
    } else {
        let mut i = pos;
        while i > 0 && !is_word(line[i - 1]) {
            i -= 1;
            n += 1;
        }
        while i > 0 && is_word(line[i - 1]) {
            i -= 1;
            n += 1;
        }
    }
    n
}

struct Line<'a, C: Console + ?Sized> {
    con: &'a mut C,
    buf: Vec<u8>,
    cursor: usize,
}

impl<C: Console + ?Sized> Line<'_, C> {
    fn back(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        if n <= 4 {
            self.con.write(&b"\x08\x08\x08\x08"[..n]);
        } else {
            let s = alloc::format!("\x1b[{}D", n);
            self.con.write(s.as_bytes());
        }
    }

    /// Redraw after an edit: step the cursor back, rewrite from it (erasing leftovers when
    /// the line got shorter than `old_len`), then step forward.
    fn redraw(&mut self, step_back: usize, from_cursor: bool, step_fwd: usize, old_len: usize) {
        let step_back = step_back.min(self.cursor);
        if step_back > 0 {
            self.back(step_back);
            self.cursor -= step_back;
        }
        if from_cursor {
            if self.buf.len() < old_len {
                self.con.write(b"\x1b[K");
            }
            let tail = self.buf.get(self.cursor..).unwrap_or(&[]).to_vec();
            self.con.write(&tail);
            let target = (self.cursor + step_fwd).min(self.buf.len());
            self.back(self.buf.len() - target);
            self.cursor = target;
        } else if step_fwd > 0 {
            let end = (self.cursor + step_fwd).min(self.buf.len());
            let seg = self.buf[self.cursor..end].to_vec();
            self.con.write(&seg);
            self.cursor = end;
        }
    }

    /// Replace the whole editable text with `new` (history), cursor at its end.
    fn replace(&mut self, new: &[u8]) {
        let old_len = self.buf.len();
        let back = self.cursor;
        self.buf.truncate(0);
        self.buf.extend_from_slice(new);
        self.cursor = back; // step back from the old position
        self.redraw(back, true, new.len(), old_len);
    }
}

impl Editor {
    pub fn new() -> Editor {
        Editor {
            history: Vec::new(),
            auto_indent: true,
        }
    }

    fn push_history(&mut self, line: &str) {
        if line.trim().is_empty() {
            return;
        }
        if self.history.first().map(|h| h == line).unwrap_or(false) {
            return;
        }
        self.history.insert(0, String::from(line));
        self.history.truncate(HISTORY_LEN);
    }

    /// Read one line after the prompt has been written. `initial` is text already in the line
    /// (auto-indent), shown by this function. `complete` is asked for the completions of the
    /// word before the cursor.
    pub fn read_line<C: Console + ?Sized>(
        &mut self,
        con: &mut C,
        initial: &str,
        complete: &mut dyn FnMut(&str) -> Vec<String>,
        prompt: &str,
    ) -> (String, LineEnd) {
        let mut l = Line {
            con,
            buf: Vec::new(),
            cursor: 0,
        };
        l.buf.extend_from_slice(initial.as_bytes());
        l.con.write(initial.as_bytes());
        l.cursor = l.buf.len();
        let mut hist_idx: isize = -1;
        let mut auto_indent = !initial.is_empty();
        // escape sequence state: 0 none, 1 after ESC, 2 after ESC [, 3 after ESC O
        let mut esc = 0u8;
        let mut esc_arg: Vec<u8> = Vec::new();
        loop {
            let Some(c) = l.con.read_byte() else {
                return (String::new(), LineEnd::Closed);
            };
            let old_len = l.buf.len();
            let (mut back, mut from, mut fwd) = (0usize, false, 0usize);
            let was_auto = auto_indent;
            auto_indent = false;
            if esc == 1 {
                esc = 0;
                match c {
                    b'[' => esc = 2,
                    b'O' => esc = 3,
                    b'b' => back = word_step(&l.buf, l.cursor, false),
                    b'f' => fwd = word_step(&l.buf, l.cursor, true),
                    b'd' => {
                        let n = word_step(&l.buf, l.cursor, true);
                        l.buf.drain(l.cursor..l.cursor + n);
                        from = true;
                    }
                    0x7f | 0x08 => {
                        let n = word_step(&l.buf, l.cursor, false);
                        l.buf.drain(l.cursor - n..l.cursor);
                        back = n;
                        from = true;
                    }
                    _ => {}
                }
            } else if esc == 2 {
                if c.is_ascii_digit() || c == b';' {
                    esc_arg.push(c);
                    continue;
                }
                esc = 0;
                let arg = core::mem::take(&mut esc_arg);
                match (c, arg.as_slice()) {
                    (b'A', _) => {
                        if (hist_idx + 1) < self.history.len() as isize {
                            hist_idx += 1;
                            let h = self.history[hist_idx as usize].clone();
                            l.replace(h.as_bytes());
                        }
                        continue;
                    }
                    (b'B', _) => {
                        if hist_idx >= 0 {
                            hist_idx -= 1;
                            let h = if hist_idx >= 0 {
                                self.history[hist_idx as usize].clone()
                            } else {
                                String::new()
                            };
                            l.replace(h.as_bytes());
                        }
                        continue;
                    }
                    (b'C', b"1;5") => fwd = word_step(&l.buf, l.cursor, true),
                    (b'D', b"1;5") => back = word_step(&l.buf, l.cursor, false),
                    (b'C', _) => fwd = usize::from(l.cursor < l.buf.len()),
                    (b'D', _) => back = usize::from(l.cursor > 0),
                    (b'H', _) => back = l.cursor,
                    (b'F', _) => fwd = l.buf.len() - l.cursor,
                    (b'~', b"1") | (b'~', b"7") => back = l.cursor,
                    (b'~', b"4") | (b'~', b"8") => fwd = l.buf.len() - l.cursor,
                    (b'~', b"3") if l.cursor < l.buf.len() => {
                        l.buf.remove(l.cursor);
                        from = true;
                    }
                    _ => {}
                }
            } else if esc == 3 {
                esc = 0;
                match c {
                    b'H' => back = l.cursor,
                    b'F' => fwd = l.buf.len() - l.cursor,
                    _ => {}
                }
            } else {
                match c {
                    b'\r' | b'\n' => {
                        l.con.write(b"\r\n");
                        let s = String::from_utf8_lossy(&l.buf).into_owned();
                        self.push_history(&s);
                        return (s, LineEnd::Enter);
                    }
                    0x03 => {
                        l.con.write(b"\r\n");
                        return (String::new(), LineEnd::Cancel);
                    }
                    0x04 if l.buf.is_empty() => {
                        return (String::new(), LineEnd::Eof);
                    }
                    0x04 if l.cursor < l.buf.len() => {
                        l.buf.remove(l.cursor);
                        from = true;
                    }
                    0x01 | 0x02 | 0x05 if l.buf.is_empty() && prompt == ">>> " => {
                        return (String::new(), LineEnd::Control(c));
                    }
                    0x01 => back = l.cursor,
                    0x05 => fwd = l.buf.len() - l.cursor,
                    0x02 => back = usize::from(l.cursor > 0),
                    0x06 => fwd = usize::from(l.cursor < l.buf.len()),
                    0x0b => {
                        l.buf.truncate(l.cursor);
                        from = true;
                    }
                    0x0e => {
                        // Ctrl-N: next history line
                        if hist_idx >= 0 {
                            hist_idx -= 1;
                            let h = if hist_idx >= 0 {
                                self.history[hist_idx as usize].clone()
                            } else {
                                String::new()
                            };
                            l.replace(h.as_bytes());
                        }
                        continue;
                    }
                    0x10 => {
                        // Ctrl-P: previous history line
                        if (hist_idx + 1) < self.history.len() as isize {
                            hist_idx += 1;
                            let h = self.history[hist_idx as usize].clone();
                            l.replace(h.as_bytes());
                        }
                        continue;
                    }
                    0x15 => {
                        let n = l.cursor;
                        l.buf.drain(..n);
                        back = n;
                        from = true;
                    }
                    0x17 => {
                        let n = word_step(&l.buf, l.cursor, false);
                        l.buf.drain(l.cursor - n..l.cursor);
                        back = n;
                        from = true;
                    }
                    0x1b => esc = 1,
                    0x08 | 0x7f if l.cursor > 0 => {
                        // inside leading spaces, remove a whole indent level (4 spaces)
                        let lead = l.buf[..l.cursor].iter().all(|&b| b == b' ');
                        let n = if lead && l.cursor >= 4 { 4 } else { 1 };
                        l.buf.drain(l.cursor - n..l.cursor);
                        back = n;
                        from = true;
                    }
                    b' ' | b'\t' if was_auto && l.buf.len() >= 4 && l.cursor == l.buf.len() => {
                        // space/tab right after an auto-indent: stop auto-indenting; a space
                        // leaves one space of the indent, a tab the whole indent
                        self.auto_indent = false;
                        if c == b' ' {
                            let n = l.buf.len() - 3;
                            l.buf.truncate(n);
                            back = 3;
                        }
                    }
                    b'\t' => {
                        let head = &l.buf[..l.cursor];
                        let start = head
                            .iter()
                            .rposition(|&b| {
                                !(b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b >= 0x80)
                            })
                            .map(|p| p + 1)
                            .unwrap_or(0);
                        let word = String::from_utf8_lossy(&head[start..]).into_owned();
                        if head.iter().all(|&b| b == b' ') {
                            // Tab at the start of a line indents.
                            let spaces = b"    ";
                            for (k, &s) in spaces.iter().enumerate() {
                                l.buf.insert(l.cursor + k, s);
                            }
                            from = true;
                            fwd = 4;
                        } else {
                            let cands = complete(&word);
                            let prefix = match word.rfind('.') {
                                Some(i) => &word[i + 1..],
                                None => &word[..],
                            };
                            if cands.len() == 1 {
                                let add = cands[0].get(prefix.len()..).unwrap_or("");
                                let add = add.as_bytes().to_vec();
                                for (k, &b) in add.iter().enumerate() {
                                    l.buf.insert(l.cursor + k, b);
                                }
                                from = true;
                                fwd = add.len();
                            } else if cands.len() > 1 {
                                // common prefix
                                let mut common = cands[0].clone();
                                for c in &cands[1..] {
                                    let n = common
                                        .bytes()
                                        .zip(c.bytes())
                                        .take_while(|(a, b)| a == b)
                                        .count();
                                    common.truncate(n);
                                }
                                if common.len() > prefix.len() {
                                    let add = common.as_bytes()[prefix.len()..].to_vec();
                                    for (k, &b) in add.iter().enumerate() {
                                        l.buf.insert(l.cursor + k, b);
                                    }
                                    from = true;
                                    fwd = add.len();
                                } else {
                                    // list the candidates, then redraw prompt and line
                                    let mut out = String::from("\r\n");
                                    let mut col = 0;
                                    for c in &cands {
                                        let w = (c.len() / 16 + 1) * 16;
                                        if col + w > 80 && col > 0 {
                                            out.push_str("\r\n");
                                            col = 0;
                                        }
                                        out.push_str(c);
                                        for _ in c.len()..w {
                                            out.push(' ');
                                        }
                                        col += w;
                                    }
                                    out.push_str("\r\n");
                                    out.push_str(prompt);
                                    l.con.write(out.as_bytes());
                                    let all = l.buf.clone();
                                    l.con.write(&all);
                                    let after = l.buf.len() - l.cursor;
                                    l.back(after);
                                    continue;
                                }
                            }
                        }
                    }
                    c if c >= 0x20 => {
                        l.buf.insert(l.cursor, c);
                        from = true;
                        fwd = 1;
                    }
                    _ => {}
                }
            }
            l.redraw(back, from, fwd, old_len);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::word_step;

    #[test]
    fn words() {
        assert_eq!(word_step(b"12 34", 5, false), 2);
        assert_eq!(word_step(b"12 34  ", 7, false), 4);
        assert_eq!(word_step(b"12 34", 0, true), 2);
        assert_eq!(word_step(b"12 34", 2, true), 3);
    }
}
