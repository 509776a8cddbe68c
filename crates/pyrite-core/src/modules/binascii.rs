//! The `binascii` module (also `ubinascii`): hexlify/unhexlify (with a separator),
//! a2b_base64/b2a_base64 (`newline=`), crc32.
//!
//! Base64 decoding is lenient as CPython's default: characters outside the alphabet are
//! skipped, a complete pad ends the data; a leftover partial quantum is
//! `ValueError("incorrect padding")`.

use crate::types::arg;
use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{kw_get, with_buffer_read, BuiltinFn, Kw};
use crate::qstr::Q;
use crate::types;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

use super::BuiltinModuleDef;

/// The bytes of a buffer argument (str gives its UTF-8 bytes).
pub fn buffer_arg(vm: &mut Vm, v: Value) -> PyResult<Vec<u8>> {
    match with_buffer_read(vm, v, bytes_vec)? {
        Some(b) => Ok(b),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn hexlify(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let data = buffer_arg(vm, arg(args, 0))?;
    let sep = match args.get(1) {
        Some(&s) if !s.is_none() => buffer_arg(vm, s)?,
        _ => Vec::new(),
    };
    super::binary::check_alloc(vm, data.len().saturating_mul(2 + sep.len()))?;
    let mut out = Vec::with_capacity(data.len() * (2 + sep.len()));
    for (i, &b) in data.iter().enumerate() {
        if i > 0 {
            push_bytes(&mut out, &sep);
        }
        push_byte(&mut out, HEX[(b >> 4) as usize]);
        push_byte(&mut out, HEX[(b & 15) as usize]);
    }
    types::bytes::new_bytes(vm, &out)
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn unhexlify(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let data = buffer_arg(vm, arg(args, 0))?;
    if data.len() % 2 != 0 {
        return Err(vm.value_error("odd-length string"));
    }
    let mut out = Vec::with_capacity(data.len() / 2);
    for pair in data.chunks_exact(2) {
        match (hex_digit(pair[0]), hex_digit(pair[1])) {
            (Some(h), Some(l)) => push_byte(&mut out, h << 4 | l),
            _ => return Err(vm.value_error("non-hex digit found")),
        }
    }
    types::bytes::new_bytes(vm, &out)
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 text of `data` (no newline).
pub fn b64_encode(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len().div_ceil(3) * 4 + 1);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        push_byte(&mut out, B64[(n >> 18) as usize & 63]);
        push_byte(&mut out, B64[(n >> 12) as usize & 63]);
        push_byte(
            &mut out,
            if chunk.len() > 1 {
                B64[(n >> 6) as usize & 63]
            } else {
                b'='
            },
        );
        push_byte(
            &mut out,
            if chunk.len() > 2 {
                B64[n as usize & 63]
            } else {
                b'='
            },
        );
    }
    out
}

fn b64_value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

/// Decode base64 leniently; None for incorrect padding.
pub fn b64_decode(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len() / 4 * 3);
    let mut quad = 0;
    let mut left: u32 = 0;
    let mut pads = 0;
    for &c in data {
        if c == b'=' {
            if quad >= 2 {
                pads += 1;
                if quad + pads >= 4 {
                    return Some(out);
                }
            }
            continue;
        }
        let Some(v) = b64_value(c) else { continue };
        let v = v as u32;
        pads = 0;
        match quad {
            0 => {
                left = v;
                quad = 1;
            }
            1 => {
                push_byte(&mut out, ((left << 2) | (v >> 4)) as u8);
                left = v & 0x0f;
                quad = 2;
            }
            2 => {
                push_byte(&mut out, ((left << 4) | (v >> 2)) as u8);
                left = v & 0x03;
                quad = 3;
            }
            _ => {
                push_byte(&mut out, ((left << 6) | v) as u8);
                left = 0;
                quad = 0;
            }
        }
    }
    if quad != 0 {
        return None;
    }
    Some(out)
}

fn a2b_base64(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let data = buffer_arg(vm, arg(args, 0))?;
    match b64_decode(&data) {
        Some(out) => types::bytes::new_bytes(vm, &out),
        None => Err(vm.value_error("incorrect padding")),
    }
}

fn b2a_base64(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let data = buffer_arg(vm, arg(args, 0))?;
    let newline = match kw_get(kw, Q::newline) {
        Some(v) => vm.is_true(v)?,
        None => true,
    };
    super::binary::check_alloc(vm, data.len().saturating_mul(2))?;
    let mut out = b64_encode(&data);
    if newline {
        push_byte(&mut out, b'\n');
    }
    types::bytes::new_bytes(vm, &out)
}

/// CRC-32 (IEEE 802.3, as zlib) of `data` continuing from `crc`.
pub fn crc32_update(crc: u32, data: &[u8]) -> u32 {
    let mut c = !crc;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn crc32(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let data = buffer_arg(vm, arg(args, 0))?;
    let init = match args.get(1) {
        Some(&v) => super::binary::int_low_bits(vm, v)? as u32,
        None => 0,
    };
    types::int::int_from_u64(vm, crc32_update(init, &data) as u64)
}

static HEXLIFY: BuiltinFn = BuiltinFn::new(Q::hexlify, 1, 2, hexlify);
static UNHEXLIFY: BuiltinFn = BuiltinFn::new(Q::unhexlify, 1, 1, unhexlify);
static A2B_BASE64: BuiltinFn = BuiltinFn::new(Q::a2b_base64, 1, 1, a2b_base64);
static B2A_BASE64: BuiltinFn = BuiltinFn::new_kw(Q::b2a_base64, 1, 1, b2a_base64);
static CRC32: BuiltinFn = BuiltinFn::new(Q::crc32, 1, 2, crc32);

fixed_dict!(
    BINASCII_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::binascii)),
        (Q::hexlify, fnv!(HEXLIFY)),
        (Q::unhexlify, fnv!(UNHEXLIFY)),
        (Q::a2b_base64, fnv!(A2B_BASE64)),
        (Q::b2a_base64, fnv!(B2A_BASE64)),
        (Q::crc32, fnv!(CRC32)),
    ]
);

pub static BINASCII_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::binascii,
    globals: &BINASCII_GLOBALS,
    init: None,
    extensible: true,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_crc() {
        assert_eq!(b64_encode(b"foobar"), b"Zm9vYmFy");
        assert_eq!(b64_encode(b"fo"), b"Zm8=");
        assert_eq!(b64_decode(b"Zm9v===YmFy"), Some(b"foobar".to_vec()));
        assert_eq!(b64_decode(b"abc"), None);
        assert_eq!(
            crc32_update(0, b"The quick brown fox jumps over the lazy dog"),
            0x414f_a339
        );
    }
}
