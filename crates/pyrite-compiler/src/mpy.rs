//! Reading and writing .mpy files (version 6, sub-version 3), bytecode only.
//!
//! Layout (MicroPython's docs/reference/mpyfiles.rst): header `'M', 6, flags, small_int_bits`;
//! qstr count and object count; the qstrs (static ones as `index << 1 | 1`, others as
//! `len << 1` then the bytes and a NUL); the constant objects (a type byte then data); then the
//! outer raw code, recursively: `len << 3 | has_children << 2 | kind`, the bytecode, and if it
//! has children their count and the children.

use crate::text::bytes_vec;
use crate::text::push_byte;
use crate::text::push_bytes;
use crate::text::push_char;
use alloc::string::String;
use alloc::vec::Vec;

use crate::bc;
use crate::num::float_repr;
use crate::qstr_tables::STATIC_QSTRS;
use crate::raw::{CompiledModule, Const, RawCode, RawCodeKind};

pub const MPY_VERSION: u8 = 6;
pub const MPY_SUB_VERSION: u8 = 3;

const OBJ_NONE: u8 = 1;
const OBJ_FALSE: u8 = 2;
const OBJ_TRUE: u8 = 3;
const OBJ_ELLIPSIS: u8 = 4;
const OBJ_STR: u8 = 5;
const OBJ_BYTES: u8 = 6;
const OBJ_INT: u8 = 7;
const OBJ_FLOAT: u8 = 8;
const OBJ_COMPLEX: u8 = 9;
const OBJ_TUPLE: u8 = 10;

/// Why a .mpy file could not be loaded. `message()` gives MicroPython's ValueError text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MpyError {
    /// Not a .mpy file of a version we read ("incompatible .mpy file").
    Incompatible,
    /// Contains native code for some architecture ("incompatible .mpy arch").
    IncompatibleArch,
    /// Truncated or corrupt contents.
    Corrupt(&'static str),
}

impl MpyError {
    pub fn message(&self) -> &'static str {
        match self {
            MpyError::Incompatible => "incompatible .mpy file",
            MpyError::IncompatibleArch => "incompatible .mpy arch",
            MpyError::Corrupt(_) => "incompatible .mpy file",
        }
    }
}

impl core::fmt::Display for MpyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            MpyError::Corrupt(why) => write!(f, "incompatible .mpy file ({})", why),
            e => f.write_str(e.message()),
        }
    }
}

fn static_index(s: &str) -> Option<usize> {
    STATIC_QSTRS
        .iter()
        .skip(1)
        .position(|&x| x == s)
        .map(|i| i + 1)
}

fn put_uint(out: &mut Vec<u8>, v: usize) {
    bc::encode_uint(out, v as u64);
}

fn complex_text(imag: &str) -> String {
    // MicroPython writes complex constants as their repr: "2j", "1.5j"
    let v: f64 = imag.parse().unwrap_or(0.0);
    let mut s = float_repr(v, false);
    push_char(&mut s, 'j');
    s
}

fn write_obj(out: &mut Vec<u8>, c: &Const) {
    match c {
        Const::Str(s) => {
            push_byte(out, OBJ_STR);
            put_uint(out, s.len());
            push_bytes(out, s.as_bytes());
            push_byte(out, 0);
        }
        Const::Bytes(b) => {
            push_byte(out, OBJ_BYTES);
            put_uint(out, b.len());
            push_bytes(out, b);
            push_byte(out, 0);
        }
        Const::None => push_byte(out, OBJ_NONE),
        Const::False => push_byte(out, OBJ_FALSE),
        Const::True => push_byte(out, OBJ_TRUE),
        Const::Ellipsis => push_byte(out, OBJ_ELLIPSIS),
        Const::Tuple(items) => {
            push_byte(out, OBJ_TUPLE);
            put_uint(out, items.len());
            for it in items {
                write_obj(out, it);
            }
        }
        Const::Int(s) | Const::Float(s) => {
            push_byte(
                out,
                if matches!(c, Const::Int(_)) {
                    OBJ_INT
                } else {
                    OBJ_FLOAT
                },
            );
            put_uint(out, s.len());
            push_bytes(out, s.as_bytes());
        }
        Const::Complex(s) => {
            let t = complex_text(s);
            push_byte(out, OBJ_COMPLEX);
            put_uint(out, t.len());
            push_bytes(out, t.as_bytes());
        }
    }
}

fn write_raw(out: &mut Vec<u8>, rc: &RawCode) {
    put_uint(
        out,
        (rc.bytecode.len() << 3) | ((!rc.children.is_empty() as usize) << 2),
    );
    push_bytes(out, &rc.bytecode);
    if !rc.children.is_empty() {
        put_uint(out, rc.children.len());
        for c in &rc.children {
            write_raw(out, c);
        }
    }
}

/// Serialise a module as a .mpy file for a target with `small_int_bits`-bit small ints.
pub fn write_mpy(m: &CompiledModule, small_int_bits: u8) -> Vec<u8> {
    let mut out = alloc::vec![b'M', MPY_VERSION, 0, small_int_bits];
    put_uint(&mut out, m.qstrs.len());
    put_uint(&mut out, m.consts.len());
    for q in &m.qstrs {
        match static_index(q) {
            Some(i) => put_uint(&mut out, (i << 1) | 1),
            None => {
                put_uint(&mut out, q.len() << 1);
                out.extend_from_slice(q.as_bytes());
                out.push(0);
            }
        }
    }
    for c in &m.consts {
        write_obj(&mut out, c);
    }
    write_raw(&mut out, &m.root);
    out
}

struct Reader<'a> {
    d: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, MpyError> {
        let b = *self.d.get(self.p).ok_or(MpyError::Corrupt("truncated"))?;
        self.p += 1;
        Ok(b)
    }
    fn uint(&mut self) -> Result<usize, MpyError> {
        let mut v: usize = 0;
        for _ in 0..5 {
            let b = self.byte()?;
            v = v.checked_mul(128).ok_or(MpyError::Corrupt("bad integer"))? | (b & 0x7f) as usize;
            if b & 0x80 == 0 {
                if v > u32::MAX as usize {
                    return Err(MpyError::Corrupt("bad integer"));
                }
                return Ok(v);
            }
        }
        Err(MpyError::Corrupt("bad integer"))
    }
    fn bytes(&mut self, n: usize) -> Result<&'a [u8], MpyError> {
        let end = self
            .p
            .checked_add(n)
            .ok_or(MpyError::Corrupt("truncated"))?;
        let s = self
            .d
            .get(self.p..end)
            .ok_or(MpyError::Corrupt("truncated"))?;
        self.p = end;
        Ok(s)
    }
    fn text(&mut self, n: usize) -> Result<String, MpyError> {
        let b = self.bytes(n)?;
        core::str::from_utf8(b)
            .map(String::from)
            .map_err(|_| MpyError::Corrupt("invalid utf-8"))
    }
}

fn read_obj(r: &mut Reader, depth: u32) -> Result<Const, MpyError> {
    if depth > 32 {
        return Err(MpyError::Corrupt("nesting too deep"));
    }
    let t = r.byte()?;
    Ok(match t {
        OBJ_NONE => Const::None,
        OBJ_FALSE => Const::False,
        OBJ_TRUE => Const::True,
        OBJ_ELLIPSIS => Const::Ellipsis,
        OBJ_STR | OBJ_BYTES => {
            let n = r.uint()?;
            let b = r.bytes(n)?;
            if r.byte()? != 0 {
                return Err(MpyError::Corrupt("missing terminator"));
            }
            if t == OBJ_STR {
                Const::Str(String::from(
                    core::str::from_utf8(b).map_err(|_| MpyError::Corrupt("invalid utf-8"))?,
                ))
            } else {
                Const::Bytes(bytes_vec(b))
            }
        }
        OBJ_TUPLE => {
            let n = r.uint()?;
            if n > r.d.len() {
                return Err(MpyError::Corrupt("truncated"));
            }
            let mut v = Vec::with_capacity(n.min(64));
            for _ in 0..n {
                v.push(read_obj(r, depth + 1)?);
            }
            Const::Tuple(v)
        }
        OBJ_INT => {
            let n = r.uint()?;
            let s = r.text(n)?;
            let digits = s.strip_prefix('-').unwrap_or(&s);
            if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return Err(MpyError::Corrupt("bad int constant"));
            }
            Const::Int(s)
        }
        OBJ_FLOAT => {
            let n = r.uint()?;
            let s = r.text(n)?;
            if s.parse::<f64>().is_err() && !matches!(s.as_str(), "inf" | "-inf" | "nan" | "-nan") {
                return Err(MpyError::Corrupt("bad float constant"));
            }
            Const::Float(s)
        }
        OBJ_COMPLEX => {
            let n = r.uint()?;
            let s = r.text(n)?;
            let im = s
                .strip_suffix('j')
                .ok_or(MpyError::Corrupt("bad complex constant"))?;
            let v: f64 = match im {
                "inf" => f64::INFINITY,
                "-inf" => f64::NEG_INFINITY,
                "nan" | "-nan" => f64::NAN,
                _ => im
                    .parse()
                    .map_err(|_| MpyError::Corrupt("unsupported complex constant"))?,
            };
            Const::Complex(float_repr(v, true))
        }
        _ => return Err(MpyError::Corrupt("bad object type")),
    })
}

fn read_raw(r: &mut Reader, n_qstr: usize, n_obj: usize, depth: u32) -> Result<RawCode, MpyError> {
    if depth > 64 {
        return Err(MpyError::Corrupt("nesting too deep"));
    }
    let kl = r.uint()?;
    let kind = kl & 3;
    let has_children = kl & 4 != 0;
    let len = kl >> 3;
    if kind != 0 {
        return Err(MpyError::IncompatibleArch);
    }
    let bytecode = r.bytes(len)?.to_vec();
    let mut children = Vec::new();
    if has_children {
        let n = r.uint()?;
        if n > r.d.len() {
            return Err(MpyError::Corrupt("truncated"));
        }
        for _ in 0..n {
            children.push(read_raw(r, n_qstr, n_obj, depth + 1)?);
        }
    }
    bc::verify_code(&bytecode, n_qstr, n_obj, children.len())
        .map_err(|_| MpyError::Corrupt("invalid bytecode"))?;
    Ok(RawCode {
        kind: RawCodeKind::Bytecode,
        bytecode,
        children,
    })
}

/// Load a .mpy file. Never panics; bytecode is verified (operands in range, jumps on
/// instruction boundaries) before it is returned.
pub fn read_mpy(data: &[u8]) -> Result<CompiledModule, MpyError> {
    let mut r = Reader { d: data, p: 0 };
    let h = r.bytes(4).map_err(|_| MpyError::Incompatible)?;
    if h[0] != b'M' || h[1] != MPY_VERSION {
        return Err(MpyError::Incompatible);
    }
    let arch = (h[2] >> 2) & 0x2f;
    if arch != 0 {
        if h[2] & 3 != MPY_SUB_VERSION {
            return Err(MpyError::Incompatible);
        }
        return Err(MpyError::IncompatibleArch);
    }
    if h[2] & 0x40 != 0 {
        return Err(MpyError::Incompatible);
    }
    if h[3] > 64 || h[3] < 2 {
        return Err(MpyError::Incompatible);
    }
    let n_qstr = r.uint()?;
    let n_obj = r.uint()?;
    if n_qstr > data.len() || n_obj > data.len() {
        return Err(MpyError::Corrupt("truncated"));
    }
    let mut qstrs = Vec::with_capacity(n_qstr);
    for _ in 0..n_qstr {
        let v = r.uint()?;
        if v & 1 != 0 {
            let i = v >> 1;
            match STATIC_QSTRS.get(i) {
                Some(s) if i > 0 => qstrs.push(String::from(*s)),
                _ => return Err(MpyError::Corrupt("bad static qstr")),
            }
        } else {
            let b = r.bytes(v >> 1)?;
            if r.byte()? != 0 {
                return Err(MpyError::Corrupt("missing terminator"));
            }
            qstrs.push(String::from_utf8_lossy(b).into_owned());
        }
    }
    let mut consts = Vec::with_capacity(n_obj);
    for _ in 0..n_obj {
        consts.push(read_obj(&mut r, 0)?);
    }
    let root = read_raw(&mut r, n_qstr, n_obj, 0)?;
    Ok(CompiledModule {
        qstrs,
        consts,
        root,
    })
}
