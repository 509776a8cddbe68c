//! Bytecode dumps in the layout of MicroPython's `-v -v` output (`micropython -v -v file.py`):
//! per code block a header, the raw bytes, argument names, `N_STATE`/`N_EXC_STACK`, closed-over
//! cells, the line-number table and one line per instruction (`NN NAME operands`). Built on
//! the opcode table and decoder in [`crate::bc`]; nothing here executes code.
//!
//! Addresses (descriptor, bytecode, function pointers, constant objects) have no meaning for
//! compiled-but-not-loaded code, so stable made-up numbers are printed where MicroPython
//! prints pointers.

use crate::bc::{self, op, Operand};
use crate::raw::{CompiledModule, RawCode};
use crate::text::push_char;
use crate::text::push_str;
use alloc::string::String;
use core::fmt::Write;

fn qstr(m: &CompiledModule, i: i64) -> &str {
    usize::try_from(i)
        .ok()
        .and_then(|i| m.qstrs.get(i))
        .map(|s| s.as_str())
        .unwrap_or("?")
}

/// A made-up but stable "address" for things MicroPython prints as pointers.
fn fake_addr(kind: usize, n: usize) -> usize {
    0x7f00_0000usize
        .wrapping_add(kind.wrapping_mul(0x10_0000))
        .wrapping_add(n.wrapping_mul(0x40))
}

/// One instruction at `code[pc]` as MicroPython prints it; returns the text and its length.
fn insn_text(m: &CompiledModule, code: &[u8], pc: usize) -> (String, usize) {
    let mut s = String::new();
    let insn = match bc::decode_insn(code, pc) {
        Ok(i) => i,
        Err(e) => {
            let _ = write!(s, "<{}>", e);
            return (s, code.len().saturating_sub(pc).max(1));
        }
    };
    let o = insn.opcode;
    let name = bc::info(o).map(|i| i.name).unwrap_or("?");
    let target = || insn.jump_target(pc).map(|t| t as i64).unwrap_or(-1);
    match o {
        0x70..=0xaf => {
            let _ = write!(s, "LOAD_CONST_SMALL_INT {}", o as i64 - 0x70 - 16);
        }
        0xb0..=0xbf => {
            let _ = write!(s, "LOAD_FAST {}", o - 0xb0);
        }
        0xc0..=0xcf => {
            let _ = write!(s, "STORE_FAST {}", o - 0xc0);
        }
        0xd0..=0xd6 => {
            let k = (o - 0xd0) as usize;
            let n = bc::unary::NAMES.get(k).copied().unwrap_or("?");
            // MicroPython's table names `not` with the empty qstr.
            let n = if n == "<not>" { "" } else { n };
            let _ = write!(s, "UNARY_OP {} {}", k, n);
        }
        0xd7..=0xff => {
            let k = (o - 0xd7) as usize;
            let n = bc::binary::NAMES.get(k).copied().unwrap_or("?");
            // Operators without a special method (`is`, exception match) print an empty name.
            let n = if n.starts_with("<") && n.len() > 2 {
                ""
            } else {
                n
            };
            let _ = write!(s, "BINARY_OP {} {}", k, n);
        }
        op::LOAD_CONST_STRING | op::IMPORT_NAME | op::IMPORT_FROM => {
            let _ = write!(s, "{} '{}'", name, qstr(m, insn.arg));
        }
        op::CALL_FUNCTION | op::CALL_FUNCTION_VAR_KW | op::CALL_METHOD | op::CALL_METHOD_VAR_KW => {
            let _ = write!(
                s,
                "{} n={} nkw={}",
                name,
                insn.arg & 0xff,
                (insn.arg >> 8) & 0xff
            );
        }
        op::LOAD_CONST_OBJ => {
            let i = usize::try_from(insn.arg).unwrap_or(usize::MAX);
            let _ = write!(s, "LOAD_CONST_OBJ 0x{:x}=", fake_addr(1, i));
            match m.consts.get(i) {
                Some(c) => bc::fmt_const(c, &mut s, bc::ConstStyle::Python),
                None => push_char(&mut s, '?'),
            }
        }
        op::MAKE_FUNCTION | op::MAKE_FUNCTION_DEFARGS => {
            let i = usize::try_from(insn.arg).unwrap_or(0);
            let _ = write!(s, "{} 0x{:x}", name, fake_addr(2, i));
        }
        op::MAKE_CLOSURE | op::MAKE_CLOSURE_DEFARGS => {
            let i = usize::try_from(insn.arg).unwrap_or(0);
            let _ = write!(s, "{} 0x{:x} {}", name, fake_addr(2, i), insn.extra);
        }
        op::UNWIND_JUMP => {
            let _ = write!(s, "UNWIND_JUMP {} {}", target(), insn.extra);
        }
        _ => {
            push_str(&mut s, name);
            match bc::info(o).map(|i| i.operand).unwrap_or(Operand::None) {
                Operand::None => {}
                Operand::Qstr => {
                    let _ = write!(s, " {}", qstr(m, insn.arg));
                }
                Operand::Uint | Operand::Child | Operand::Int | Operand::Obj => {
                    let _ = write!(s, " {}", insn.arg);
                }
                Operand::SJump | Operand::UJump => {
                    let _ = write!(s, " {}", target());
                }
            }
        }
    }
    (s, insn.len)
}

fn dump_one(m: &CompiledModule, rc: &RawCode, index: usize, out: &mut String) {
    let bcode = &rc.bytecode;
    let p = match bc::decode_prelude(bcode) {
        Ok(p) => p,
        Err(e) => {
            let _ = writeln!(out, "bad bytecode: {}", e);
            return;
        }
    };
    let _ = writeln!(
        out,
        "File {}, code block '{}' (descriptor: 0x{:x}, bytecode @0x{:x} {} bytes)",
        qstr(m, 0),
        qstr(m, p.name_qstr as i64),
        fake_addr(3, index),
        fake_addr(4, index),
        bcode.len()
    );
    let _ = writeln!(
        out,
        "Raw bytecode (code_info_size={}, bytecode_size={}):",
        p.code_offset,
        bcode.len() - p.code_offset
    );
    for (i, b) in bcode.iter().enumerate() {
        if i > 0 && i % 16 == 0 {
            push_char(out, '\n');
        }
        let _ = write!(out, " {:02x}", b);
    }
    push_char(out, '\n');
    push_str(out, "arg names:");
    for q in bc::arg_name_qstrs(bcode, &p) {
        let _ = write!(out, " {}", qstr(m, q as i64));
    }
    push_char(out, '\n');
    let _ = writeln!(out, "(N_STATE {})", p.n_state);
    let _ = writeln!(out, "(N_EXC_STACK {})", p.n_exc_stack);
    for c in bcode.get(p.cells_offset..p.code_offset).unwrap_or(&[]) {
        let _ = writeln!(out, "(INIT_CELL {})", c);
    }
    // The line-number table, entry by entry.
    let mut off = 0usize;
    let mut line = 1u32;
    let _ = writeln!(out, "  bc={} line={}", off, line);
    let end = p.line_info_end.min(bcode.len());
    let mut pos = p.line_info_offset;
    while pos < end {
        let c = bcode[pos];
        let (b, l, n) = if c & 0x80 == 0 {
            ((c & 0x1f) as usize, (c >> 5) as u32, 1)
        } else {
            let Some(&c2) = bcode.get(pos + 1).filter(|_| pos + 1 < end) else {
                break;
            };
            (
                (c & 0xf) as usize,
                (((c as u32) << 4) & 0x700) | c2 as u32,
                2,
            )
        };
        off = off.saturating_add(b);
        line = line.saturating_add(l);
        let _ = writeln!(out, "  bc={} line={}", off, line);
        pos += n;
    }
    let code = &bcode[p.code_offset..];
    let mut pc = 0;
    while pc < code.len() {
        let (text, len) = insn_text(m, code, pc);
        let _ = writeln!(out, "{:02} {}", pc, text);
        pc += len;
    }
}

/// Code blocks in the order MicroPython's compiler finishes them: the module, then the scopes
/// it creates in source order, each scope's own nested scopes queued after it (breadth first).
fn dump_all(m: &CompiledModule, out: &mut String) {
    let mut queue: alloc::collections::VecDeque<&RawCode> = alloc::collections::VecDeque::new();
    queue.push_back(&m.root);
    let mut index = 0;
    while let Some(rc) = queue.pop_front() {
        dump_one(m, rc, index, out);
        index += 1;
        queue.extend(rc.children.iter());
    }
}

/// The `-v -v` dump of a whole module: the module's code block, then each nested code block
/// (functions, classes, comprehensions) breadth first.
pub fn show_module(m: &CompiledModule) -> String {
    let mut out = String::new();
    dump_all(m, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_dump_layout() {
        let opts = crate::Options {
            opt_level: 0,
            small_int_bits: 31,
            native: false,
        };
        let m = crate::compile("x = 1\nprint(x + 2)\n", "t.py", crate::Mode::File, &opts)
            .expect("compiles");
        let s = show_module(&m);
        assert!(s.starts_with("File t.py, code block '<module>' (descriptor: "));
        assert!(s.contains("\narg names:\n(N_STATE "));
        assert!(s.contains("\n  bc=0 line=1\n"));
        assert!(s.contains("\n00 LOAD_CONST_SMALL_INT 1\n01 STORE_NAME x\n"));
        assert!(s.contains(" BINARY_OP 26 __add__\n") || s.contains(" BINARY_OP 27 __add__\n"));
        assert!(s.contains(" CALL_FUNCTION n=1 nkw=0\n"));
    }
}
