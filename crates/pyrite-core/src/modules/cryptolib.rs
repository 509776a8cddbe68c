//! The `cryptolib` module: `aes(key, mode[, IV])` with ECB (1), CBC (2) and CTR (6) modes,
//! 128-, 192- and 256-bit keys, `encrypt(in[, out])` and `decrypt(in[, out])`, as
//! MicroPython's docs/library/cryptolib.rst describes.
//!
//! AES is our own implementation of FIPS-197; the S-box is computed at compile time from its
//! definition (multiplicative inverse in GF(2^8) followed by the affine map), so no tables
//! are typed in. As in MicroPython: ECB and CBC need whole 16-byte blocks
//! (`ValueError("blksize % 16")`), CBC and CTR need a 16-byte IV, an object encrypts or
//! decrypts but not both (`ValueError("can't encrypt & decrypt")`; CTR does either), CTR keeps
//! its counter and key-stream position across calls, and the output buffer may be the input.

use crate::types::arg;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, with_buffer_read, with_buffer_write, BuiltinFn, Kw, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::arg_int;
use super::BuiltinModuleDef;

const MODE_ECB: u8 = 1;
const MODE_CBC: u8 = 2;
const MODE_CTR: u8 = 6;

/// Multiply by x in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1.
const fn xtime(a: u8) -> u8 {
    (a << 1) ^ if a & 0x80 != 0 { 0x1b } else { 0 }
}

const fn gmul(mut a: u8, mut b: u8) -> u8 {
    let mut r = 0;
    while b != 0 {
        if b & 1 != 0 {
            r ^= a;
        }
        a = xtime(a);
        b >>= 1;
    }
    r
}

/// The S-box: walk the multiplicative group with generator 3 (p) and its inverse (q), so
/// that q = p^-1, and apply the affine transformation to q at position p.
const fn make_sbox() -> [u8; 256] {
    let mut s = [0u8; 256];
    let (mut p, mut q) = (1u8, 1u8);
    loop {
        p = p ^ xtime(p); // p * 3
                          // q / 3: multiply by 0xf6, the inverse of 3.
        q = gmul(q, 0xf6);
        let x = q ^ q.rotate_left(1) ^ q.rotate_left(2) ^ q.rotate_left(3) ^ q.rotate_left(4);
        s[p as usize] = x ^ 0x63;
        if p == 1 {
            break;
        }
    }
    s[0] = 0x63;
    s
}

const fn invert(s: &[u8; 256]) -> [u8; 256] {
    let mut inv = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        inv[s[i] as usize] = i as u8;
        i += 1;
    }
    inv
}

static SBOX: [u8; 256] = make_sbox();
static INV_SBOX: [u8; 256] = invert(&SBOX);

/// Expanded key: (rounds + 1) round keys of 16 bytes.
#[derive(Clone, Copy)]
struct Aes {
    rk: [u8; 240],
    rounds: usize,
}

impl Aes {
    fn new(key: &[u8]) -> Aes {
        let nk = key.len() / 4;
        let rounds = nk + 6;
        let mut rk = [0u8; 240];
        rk[..key.len()].copy_from_slice(key);
        let mut rcon = 1u8;
        for i in nk..4 * (rounds + 1) {
            let mut t = [rk[4 * i - 4], rk[4 * i - 3], rk[4 * i - 2], rk[4 * i - 1]];
            if i % nk == 0 {
                t = [
                    SBOX[t[1] as usize] ^ rcon,
                    SBOX[t[2] as usize],
                    SBOX[t[3] as usize],
                    SBOX[t[0] as usize],
                ];
                rcon = xtime(rcon);
            } else if nk > 6 && i % nk == 4 {
                for b in t.iter_mut() {
                    *b = SBOX[*b as usize];
                }
            }
            for k in 0..4 {
                rk[4 * i + k] = rk[4 * (i - nk) + k] ^ t[k];
            }
        }
        Aes { rk, rounds }
    }

    fn add_key(&self, s: &mut [u8; 16], round: usize) {
        for (b, k) in s.iter_mut().zip(&self.rk[16 * round..16 * round + 16]) {
            *b ^= k;
        }
    }

    fn encrypt(&self, s: &mut [u8; 16]) {
        self.add_key(s, 0);
        for round in 1..=self.rounds {
            // SubBytes and ShiftRows (row r rotates left by r; byte (r, c) is s[r + 4c]).
            let t = *s;
            for c in 0..4 {
                for r in 0..4 {
                    s[r + 4 * c] = SBOX[t[r + 4 * ((c + r) % 4)] as usize];
                }
            }
            if round != self.rounds {
                for c in 0..4 {
                    let a = [s[4 * c], s[4 * c + 1], s[4 * c + 2], s[4 * c + 3]];
                    let all = a[0] ^ a[1] ^ a[2] ^ a[3];
                    for r in 0..4 {
                        s[4 * c + r] = a[r] ^ all ^ xtime(a[r] ^ a[(r + 1) % 4]);
                    }
                }
            }
            self.add_key(s, round);
        }
    }

    fn decrypt(&self, s: &mut [u8; 16]) {
        self.add_key(s, self.rounds);
        for round in (0..self.rounds).rev() {
            // Inverse ShiftRows and SubBytes.
            let t = *s;
            for c in 0..4 {
                for r in 0..4 {
                    s[r + 4 * ((c + r) % 4)] = INV_SBOX[t[r + 4 * c] as usize];
                }
            }
            self.add_key(s, round);
            if round != 0 {
                for c in 0..4 {
                    let a = [s[4 * c], s[4 * c + 1], s[4 * c + 2], s[4 * c + 3]];
                    for r in 0..4 {
                        s[4 * c + r] = gmul(a[r], 14)
                            ^ gmul(a[(r + 1) % 4], 11)
                            ^ gmul(a[(r + 2) % 4], 13)
                            ^ gmul(a[(r + 3) % 4], 9);
                    }
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    None,
    Enc,
    Dec,
}

#[derive(Clone, Copy)]
struct State {
    aes: Aes,
    mode: u8,
    dir: Dir,
    /// CBC: the previous cipher block; CTR: the counter block.
    iv: [u8; 16],
    /// CTR: the current key-stream block and how much of it is used (16: none left).
    stream: [u8; 16],
    used: u8,
}

#[repr(C)]
pub struct AesObj {
    pub hdr: ObjHeader,
    st: Cell<State>,
}
crate::py_object!(AesObj, AES_TYPE);

pub static AES_TYPE: Type = Type {
    make_new: Some(aes_make_new),
    ..Type::new(Q::aes)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&AES_LOCALS);

fn buffer(vm: &mut Vm, v: Value) -> PyResult<Vec<u8>> {
    match with_buffer_read(vm, v, bytes_vec)? {
        Some(b) => Ok(b),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn aes_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if !(2..=3).contains(&args.len()) {
        return Err(vm.type_error("aes(key, mode[, IV])"));
    }
    let mode = arg_int(vm, arg(args, 1))?;
    if ![MODE_ECB, MODE_CBC, MODE_CTR]
        .iter()
        .any(|&m| m as isize == mode)
    {
        return Err(vm.value_error("mode"));
    }
    let mode = mode as u8;
    let key = buffer(vm, arg(args, 0))?;
    if !matches!(key.len(), 16 | 24 | 32) {
        return Err(vm.value_error("key"));
    }
    let mut iv = [0u8; 16];
    match args.get(2) {
        Some(&v) if !v.is_none() => {
            let b = buffer(vm, v)?;
            if b.len() != 16 {
                return Err(vm.value_error("IV"));
            }
            iv.copy_from_slice(&b);
        }
        _ if mode != MODE_ECB => return Err(vm.value_error("IV")),
        _ => {}
    }
    let st = State {
        aes: Aes::new(&key),
        mode,
        dir: Dir::None,
        iv,
        stream: [0; 16],
        used: 16,
    };
    Ok(vm
        .alloc_obj(AesObj {
            hdr: ObjHeader::new(&AES_TYPE),
            st: Cell::new(st),
        })?
        .value())
}

impl State {
    fn run(&mut self, data: &mut [u8], enc: bool) {
        match self.mode {
            MODE_CTR => {
                for b in data.iter_mut() {
                    if self.used >= 16 {
                        self.stream = self.iv;
                        self.aes.encrypt(&mut self.stream);
                        self.used = 0;
                        // Increment the counter block as a big-endian number.
                        for c in self.iv.iter_mut().rev() {
                            *c = c.wrapping_add(1);
                            if *c != 0 {
                                break;
                            }
                        }
                    }
                    *b ^= self.stream[self.used as usize];
                    self.used += 1;
                }
            }
            mode => {
                for chunk in data.chunks_exact_mut(16) {
                    let mut blk = [0u8; 16];
                    blk.copy_from_slice(chunk);
                    if enc {
                        if mode == MODE_CBC {
                            for (b, v) in blk.iter_mut().zip(self.iv.iter()) {
                                *b ^= v;
                            }
                        }
                        self.aes.encrypt(&mut blk);
                        self.iv = blk;
                    } else {
                        let cipher = blk;
                        self.aes.decrypt(&mut blk);
                        if mode == MODE_CBC {
                            for (b, v) in blk.iter_mut().zip(self.iv.iter()) {
                                *b ^= v;
                            }
                        }
                        self.iv = cipher;
                    }
                    chunk.copy_from_slice(&blk);
                }
            }
        }
    }
}

fn crypt(vm: &mut Vm, args: &[Value], enc: bool) -> PyResult<Value> {
    let Some(o) = arg(args, 0).downcast::<AesObj>() else {
        return Err(vm.type_error("expected an aes object"));
    };
    let o: Gc<AesObj> = o;
    let mut data = buffer(vm, arg(args, 1))?;
    let mut st = o.st.get();
    if st.mode != MODE_CTR && data.len() % 16 != 0 {
        return Err(vm.value_error("blksize % 16"));
    }
    let out = match args.get(2) {
        Some(&v) if !v.is_none() => {
            let Some(room) = with_buffer_write(vm, v, |c| c.len())? else {
                return Err(vm.type_error("object with buffer protocol required"));
            };
            if room < data.len() {
                return Err(vm.value_error("output too small"));
            }
            Some(v)
        }
        _ => None,
    };
    if st.mode != MODE_CTR {
        let want = if enc { Dir::Enc } else { Dir::Dec };
        if st.dir == Dir::None {
            st.dir = want;
        } else if st.dir != want {
            return Err(vm.value_error("can't encrypt & decrypt"));
        }
    }
    st.run(&mut data, enc);
    o.st.set(st);
    match out {
        Some(v) => {
            with_buffer_write(vm, v, |c| {
                for (cell, &b) in c.iter().zip(data.iter()) {
                    cell.set(b);
                }
            })?;
            Ok(v)
        }
        None => types::bytes::new_bytes(vm, &data),
    }
}

fn m_encrypt(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    crypt(vm, args, true)
}

fn m_decrypt(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    crypt(vm, args, false)
}

static ENCRYPT: BuiltinFn = BuiltinFn::new(Q::encrypt, 2, 3, m_encrypt);
static DECRYPT: BuiltinFn = BuiltinFn::new(Q::decrypt, 2, 3, m_decrypt);

fixed_dict!(
    AES_LOCALS,
    [(Q::encrypt, fnv!(ENCRYPT)), (Q::decrypt, fnv!(DECRYPT)),]
);

fixed_dict!(
    CRYPTOLIB_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::cryptolib)),
        (Q::aes, Value::from_static(&AES_TYPE)),
        (Q::MODE_ECB, Value::small_int_unchecked(MODE_ECB as isize)),
        (Q::MODE_CBC, Value::small_int_unchecked(MODE_CBC as isize)),
        (Q::MODE_CTR, Value::small_int_unchecked(MODE_CTR as isize)),
    ]
);

pub static CRYPTOLIB_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::cryptolib,
    globals: &CRYPTOLIB_GLOBALS,
    init: None,
    extensible: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn sbox() {
        assert_eq!(SBOX[0x00], 0x63);
        assert_eq!(SBOX[0x01], 0x7c);
        assert_eq!(SBOX[0x53], 0xed);
        assert_eq!(SBOX[0xff], 0x16);
        assert_eq!(INV_SBOX[0x63], 0x00);
    }

    /// FIPS-197 appendix C: the example vectors for the three key sizes.
    #[test]
    fn fips197_vectors() {
        let pt = hex("00112233445566778899aabbccddeeff");
        let cases = [
            (
                "000102030405060708090a0b0c0d0e0f",
                "69c4e0d86a7b0430d8cdb78070b4c55a",
            ),
            (
                "000102030405060708090a0b0c0d0e0f1011121314151617",
                "dda97ca4864cdfe06eaf70a0ec0d7191",
            ),
            (
                "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
                "8ea2b7ca516745bfeafc49904b496089",
            ),
        ];
        for (key, ct) in cases {
            let aes = Aes::new(&hex(key));
            let mut b = [0u8; 16];
            b.copy_from_slice(&pt);
            aes.encrypt(&mut b);
            assert_eq!(b.to_vec(), hex(ct));
            aes.decrypt(&mut b);
            assert_eq!(b.to_vec(), pt);
        }
    }
}
