//! MicroPython's REPL, written once against a [`Console`] so every port (the host `pyrite`,
//! the simulated board's UART, bare-metal firmware) serves the same protocol:
//!
//! - the friendly REPL (`>>> `/`... `, auto-indent, history, Emacs-style editing, tab
//!   completion; see [`readline`]),
//! - paste mode (Ctrl-E; `=== ` echo; Ctrl-D runs, Ctrl-C cancels),
//! - the raw REPL (Ctrl-A; Ctrl-D runs the buffer answering `OK`, output, `\x04`, error text,
//!   `\x04>`; Ctrl-B back), raw-paste mode (`\x05A\x01`, flow-controlled), and soft reset
//!   (Ctrl-D on an empty raw-REPL line, or Ctrl-D in the friendly REPL of a board).
//!
//! A soft reset needs a fresh interpreter, which only the port can make: [`Repl::run`] returns
//! [`Exit::SoftReset`], the port builds a new `Vm`, writes `MPY: soft reboot` and calls
//! [`Repl::run`] again with the same `Repl` (which remembers the mode and the history).
//! Output of running code goes through the `Host` as usual (ports with board-like consoles
//! translate `\n` to `\r\n` there); the REPL's own text goes through the console.

pub mod readline;

use alloc::string::String;
use alloc::vec::Vec;

use pyrite_compiler::Mode;

use crate::qstr::Q;
use crate::types::exception as exc;
use crate::value::Value;
use crate::vm::Vm;

pub use readline::{Editor, LineEnd};

/// A byte-stream console (a terminal, a UART, a socket).
pub trait Console {
    /// Block until a byte arrives; None at end of input.
    fn read_byte(&mut self) -> Option<u8>;
    /// A byte if one is already waiting (never blocks).
    fn poll_byte(&mut self) -> Option<u8> {
        None
    }
    /// Write all of `data`.
    fn write(&mut self, data: &[u8]);
    /// True if text written to this console should end lines with `\r\n` (a board console);
    /// false when the terminal translates `\n` itself.
    fn crlf(&self) -> bool {
        false
    }
    /// Called before code runs and after it finished (a host terminal restores its normal
    /// mode there so Ctrl-C raises SIGINT, as MicroPython's unix port does).
    fn enter_exec(&mut self) {}
    fn leave_exec(&mut self) {}
}

/// Which REPL is active.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ReplMode {
    Friendly,
    Raw,
}

/// Why [`Repl::run`] returned.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Exit {
    /// End of the program with this exit status (Ctrl-D in the host's friendly REPL,
    /// `sys.exit()`, end of input).
    Code(i32),
    /// A soft reset was asked for: make a fresh interpreter and call `run` again.
    SoftReset,
}

/// REPL state that survives a soft reset.
pub struct Repl {
    pub editor: Editor,
    pub mode: ReplMode,
    /// The first banner line, e.g. "MicroPython compatible Pyrite v0.1; linux [Rust] version".
    pub banner: String,
    /// On a board, Ctrl-D in the friendly REPL soft-resets; on the host it exits.
    pub ctrl_d_soft_reset: bool,
}

/// Write text to the console, translating `\n` to `\r\n` when it wants that.
pub fn write_text<C: Console + ?Sized>(con: &mut C, s: &str) {
    if con.crlf() {
        let mut out = Vec::with_capacity(s.len() + 8);
        let mut prev = 0u8;
        for &b in s.as_bytes() {
            if b == b'\n' && prev != b'\r' {
                out.push(b'\r');
            }
            out.push(b);
            prev = b;
        }
        con.write(&out);
    } else {
        con.write(s.as_bytes());
    }
}

/// Outcome of running one piece of input.
enum Ran {
    Ok,
    Exit(i32),
}

impl Repl {
    pub fn new(banner: &str) -> Repl {
        Repl {
            editor: Editor::new(),
            mode: ReplMode::Friendly,
            banner: String::from(banner),
            ctrl_d_soft_reset: false,
        }
    }

    fn write_banner<C: Console + ?Sized>(&self, con: &mut C) {
        let s = alloc::format!("{}\nType \"help()\" for more information.\n", self.banner);
        write_text(con, &s);
    }

    /// Run the REPL until it exits or a soft reset is asked for.
    pub fn run<C: Console + ?Sized>(&mut self, vm: &mut Vm, con: &mut C) -> Exit {
        match self.mode {
            ReplMode::Friendly => self.write_banner(con),
            ReplMode::Raw => con.write(b"raw REPL; CTRL-B to exit\r\n"),
        }
        loop {
            let r = match self.mode {
                ReplMode::Friendly => self.friendly(vm, con),
                ReplMode::Raw => self.raw(vm, con),
            };
            if let Some(e) = r {
                return e;
            }
        }
    }

    /// The friendly REPL until a mode change (None) or exit.
    fn friendly<C: Console + ?Sized>(&mut self, vm: &mut Vm, con: &mut C) -> Option<Exit> {
        loop {
            let ps1 = prompt(vm, Q::ps1, ">>> ");
            self.editor.auto_indent = true;
            // A heap left locked would leave no way out but a reset: unlock it (as MicroPython).
            vm.heap.lock_depth = 0;
            write_text(con, &ps1);
            let (first, end) = {
                let mut comp = |w: &str| complete(vm, w);
                self.editor.read_line(con, "", &mut comp, ">>> ")
            };
            match end {
                LineEnd::Enter => {}
                LineEnd::Cancel => continue,
                LineEnd::Closed => {
                    con.write(b"\r\n");
                    return Some(Exit::Code(0));
                }
                LineEnd::Eof => {
                    if self.ctrl_d_soft_reset {
                        con.write(b"\r\n");
                        return Some(Exit::SoftReset);
                    }
                    con.write(b"\r\n");
                    return Some(Exit::Code(0));
                }
                LineEnd::Control(0x01) => {
                    con.write(b"\r\nraw REPL; CTRL-B to exit\r\n");
                    self.mode = ReplMode::Raw;
                    return None;
                }
                LineEnd::Control(0x02) => {
                    con.write(b"\r\n");
                    self.write_banner(con);
                    continue;
                }
                LineEnd::Control(0x05) => {
                    if let Some(e) = self.paste(vm, con) {
                        return Some(e);
                    }
                    continue;
                }
                LineEnd::Control(_) => continue,
            }
            let mut input = first;
            let mut cancelled = false;
            while pyrite_compiler::repl::continue_with_input(&input) {
                let ps2 = prompt(vm, Q::ps2, "... ");
                write_text(con, &ps2);
                let indent = if self.editor.auto_indent {
                    auto_indent(&input)
                } else {
                    String::new()
                };
                let (line, end) = {
                    let mut comp = |w: &str| complete(vm, w);
                    self.editor.read_line(con, &indent, &mut comp, "... ")
                };
                match end {
                    LineEnd::Enter => {
                        input.push('\n');
                        input.push_str(&line);
                    }
                    LineEnd::Cancel => {
                        cancelled = true;
                        break;
                    }
                    LineEnd::Eof => {
                        con.write(b"\r\n");
                        break;
                    }
                    LineEnd::Closed => return Some(Exit::Code(0)),
                    LineEnd::Control(_) => {}
                }
            }
            if cancelled || input.trim().is_empty() {
                continue;
            }
            if let Ran::Exit(code) = self.execute(vm, con, &input, Mode::Single, false) {
                return Some(Exit::Code(code));
            }
        }
    }

    /// Paste mode: lines echoed after `=== `, Ctrl-D runs, Ctrl-C cancels.
    fn paste<C: Console + ?Sized>(&mut self, vm: &mut Vm, con: &mut C) -> Option<Exit> {
        con.write(b"\r\npaste mode; Ctrl-C to cancel, Ctrl-D to finish\r\n=== ");
        let mut buf: Vec<u8> = Vec::new();
        let mut after_cr = false;
        loop {
            let Some(c) = con.read_byte() else {
                return Some(Exit::Code(0));
            };
            let was_cr = after_cr;
            after_cr = c == b'\r';
            match c {
                0x03 => {
                    con.write(b"\r\n");
                    return None;
                }
                0x04 => {
                    con.write(b"\r\n");
                    break;
                }
                // CR, LF or CR LF end a line
                b'\n' if was_cr => {}
                b'\r' | b'\n' => {
                    buf.push(b'\n');
                    con.write(b"\r\n=== ");
                }
                c => {
                    buf.push(c);
                    con.write(&[c]);
                }
            }
        }
        let src = String::from_utf8_lossy(&buf).into_owned();
        match self.execute(vm, con, &src, Mode::File, false) {
            Ran::Exit(code) => Some(Exit::Code(code)),
            Ran::Ok => None,
        }
    }

    /// The raw REPL until Ctrl-B (None) or exit/soft reset.
    fn raw<C: Console + ?Sized>(&mut self, vm: &mut Vm, con: &mut C) -> Option<Exit> {
        loop {
            con.write(b">");
            let mut buf: Vec<u8> = Vec::new();
            loop {
                let Some(c) = con.read_byte() else {
                    return Some(Exit::Code(0));
                };
                match c {
                    0x01 => {
                        // Ctrl-A in raw mode: start over
                        con.write(b"raw REPL; CTRL-B to exit\r\n>");
                        buf.clear();
                    }
                    0x02 => {
                        con.write(b"\r\n");
                        self.mode = ReplMode::Friendly;
                        self.write_banner(con);
                        return None;
                    }
                    0x03 => buf.clear(),
                    0x04 if buf.is_empty() => {
                        con.write(b"OK\r\n");
                        return Some(Exit::SoftReset);
                    }
                    0x04 => break,
                    0x05 if buf.is_empty() => {
                        // raw-paste needs "A\x01" next
                        let a = con.read_byte();
                        let b = con.read_byte();
                        if a == Some(b'A') && b == Some(0x01) {
                            if let Ran::Exit(code) = self.raw_paste(vm, con) {
                                return Some(Exit::Code(code));
                            }
                            break;
                        }
                        buf.push(0x05);
                        buf.extend(a);
                        buf.extend(b);
                    }
                    c => buf.push(c),
                }
            }
            if buf.is_empty() {
                // raw paste already ran its code
                continue;
            }
            con.write(b"OK");
            let src = String::from_utf8_lossy(&buf).into_owned();
            if let Ran::Exit(code) = self.execute(vm, con, &src, Mode::File, true) {
                return Some(Exit::Code(code));
            }
        }
    }

    /// Raw-paste: receive code with flow control, then run it as the raw REPL does.
    fn raw_paste<C: Console + ?Sized>(&mut self, vm: &mut Vm, con: &mut C) -> Ran {
        const WINDOW: u16 = 128;
        let w = WINDOW.to_le_bytes();
        con.write(&[b'R', 0x01, w[0], w[1], 0x01]);
        let mut buf: Vec<u8> = Vec::new();
        let mut since_credit: usize = 0;
        loop {
            let Some(c) = con.read_byte() else {
                return Ran::Exit(0);
            };
            if c == 0x04 {
                break;
            }
            if c == 0x03 {
                // cancelled by the host
                con.write(b"\x04");
                buf.clear();
                return Ran::Ok;
            }
            buf.push(c);
            since_credit += 1;
            if since_credit >= WINDOW as usize {
                since_credit = 0;
                con.write(b"\x01");
            }
        }
        con.write(b"\x04");
        let src = String::from_utf8_lossy(&buf).into_owned();
        self.execute(vm, con, &src, Mode::File, true)
    }

    /// Compile and run `src` in `__main__`. In raw mode the answer is framed: output, `\x04`,
    /// error text, `\x04` (the caller already sent `OK`).
    fn execute<C: Console + ?Sized>(
        &mut self,
        vm: &mut Vm,
        con: &mut C,
        src: &str,
        mode: Mode,
        raw: bool,
    ) -> Ran {
        let globals = crate::modules::main_globals(vm);
        con.enter_exec();
        let r = crate::modules::glue::exec_source(vm, src, Q::LT_STDIN, mode, globals, globals)
            .and_then(|_| crate::modules::micropython::run_scheduled(vm));
        con.leave_exec();
        let mut err_text = String::new();
        let mut exit = None;
        if let Err(e) = r {
            if let Some(code) = crate::modules::sys::exit_code(vm, e.0) {
                exit = Some(code);
            } else if exc::print_exception(vm, e.0, &mut err_text).is_err() {
                err_text = String::from("Traceback (most recent call last):\n(error)\n");
            }
        }
        if raw {
            con.write(b"\x04");
            write_text(con, &err_text);
            con.write(b"\x04");
        } else {
            write_text(con, &err_text);
        }
        match exit {
            Some(code) if !raw => Ran::Exit(code),
            _ => Ran::Ok,
        }
    }
}

/// `sys.ps1`/`sys.ps2` (or the default).
fn prompt(vm: &mut Vm, name: crate::qstr::Qstr, default: &str) -> String {
    let v = crate::modules::sys_attr(vm, name);
    if v.is_null() {
        return String::from(default);
    }
    vm.str_string(v).unwrap_or_else(|_| String::from(default))
}

/// The indent for the next continuation line (MicroPython's rule): as many 4-space levels as
/// the last line's leading spaces, one more after a trailing colon; none when the last two
/// lines are both blank (that ends the block).
fn auto_indent(input: &str) -> String {
    let mut lines = input.rsplit('\n');
    let last = lines.next().unwrap_or("");
    let blank = |l: &str| l.bytes().all(|b| b == b' ');
    if blank(last) {
        if let Some(prev) = lines.next() {
            if blank(prev) {
                return String::new();
            }
        }
    }
    let spaces = last.len() - last.trim_start_matches(' ').len();
    let mut n = spaces / 4;
    if last.ends_with(':') {
        n += 1;
    }
    let mut s = String::new();
    for _ in 0..n {
        s.push_str("    ");
    }
    s
}

/// Names of the keys of a dict, or of the items `dir(obj)` lists.
fn names_of(vm: &mut Vm, obj: Value, out: &mut Vec<String>) {
    let it = match vm.get_iter(obj) {
        Ok(it) => it,
        Err(_) => return,
    };
    let mut guard = 0;
    while guard < 10_000 {
        guard += 1;
        match vm.iter_next(it) {
            Ok(None) => break,
            Ok(Some(v)) => {
                if let Ok(s) = vm.str_string(v) {
                    out.push(s);
                }
            }
            Err(_) => break,
        }
    }
}

/// Completions for the text before the cursor: the dotted name at its end completed from the
/// globals of `__main__` and the builtins, or from an object's attributes (names starting with
/// `_` only when the prefix is non-empty); after `import `, builtin module names; and `import `
/// itself for a first word nothing else matches. Returns full candidate names, sorted.
pub fn complete(vm: &mut Vm, head: &str) -> Vec<String> {
    let start = head
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
        .map(|i| i + 1)
        .unwrap_or(0);
    let word = &head[start..];
    let mut parts: Vec<&str> = word.split('.').collect();
    let prefix = parts.pop().unwrap_or("");
    let mut names: Vec<String> = Vec::new();
    if head.starts_with("import ") && parts.is_empty() {
        let m = vm.interp.builtin_modules;
        names_of(vm, m, &mut names);
    } else if parts.is_empty() {
        let g = crate::modules::main_globals(vm);
        names_of(vm, g, &mut names);
        let b = vm.interp.builtins;
        if !b.is_null() {
            names_of(vm, b, &mut names);
        }
    } else {
        let mut parts = parts.into_iter();
        let first = parts.next().unwrap_or("");
        let q = vm.intern(first);
        let g = crate::modules::main_globals(vm);
        let mut obj = Value::NULL;
        for d in [g, vm.interp.builtins] {
            if let Some(dict) = d.downcast::<crate::map::DictObj>() {
                if let Some(v) = dict.map.get(vm, Value::qstr(q)).ok().flatten() {
                    obj = v;
                    break;
                }
            }
        }
        if obj.is_null() {
            return Vec::new();
        }
        for p in parts {
            let q = vm.intern(p);
            match vm.load_attr(obj, q) {
                Ok(v) => obj = v,
                Err(_) => return Vec::new(),
            }
        }
        let dir = vm.intern("dir");
        let b = vm.interp.builtins;
        let Some(bd) = b.downcast::<crate::map::DictObj>() else {
            return Vec::new();
        };
        let Some(f) = bd.map.get(vm, Value::qstr(dir)).ok().flatten() else {
            return Vec::new();
        };
        if let Ok(l) = vm.call(f, &[obj], &[]) {
            names_of(vm, l, &mut names);
        }
    }
    let mut out: Vec<String> = names
        .into_iter()
        .filter(|n| n.starts_with(prefix) && !(prefix.is_empty() && n.starts_with('_')))
        .collect();
    pyrite_compiler::sort::sort(&mut out);
    out.dedup();
    if out.is_empty() && start == 0 && !prefix.is_empty() && "import ".starts_with(word) {
        out.push(String::from("import "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::auto_indent;

    #[test]
    fn indent() {
        assert_eq!(auto_indent("if 1:"), "    ");
        assert_eq!(auto_indent("if 1:\n    x"), "    ");
        assert_eq!(auto_indent("if 1:\n    if 2:"), "        ");
    }
}
