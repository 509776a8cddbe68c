//! The `hashlib` module (also `uhashlib`): `sha256`, `sha1`, `md5` (our own implementations
//! of FIPS 180-4 and RFC 1321).
//!
//! `h = hashlib.sha256([data])`, `h.update(data)`, `h.digest()`, `h.hexdigest()`. As in
//! MicroPython, a hash is finished by `digest()`: calling `digest()` or `update()` again
//! raises `ValueError`. The round constants below were computed from their definitions
//! (cube/square roots of primes, `abs(sin(i + 1))`).

use crate::types::arg;
use core::cell::Cell;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::binascii::buffer_arg;
use super::BuiltinModuleDef;

const SHA256_K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const SHA256_H: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];
const MD5_K: [u32; 64] = [
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Algo {
    Sha256,
    Sha1,
    Md5,
}

/// Incremental hash state.
#[derive(Clone, Copy)]
pub struct HashState {
    algo: Algo,
    h: [u32; 8],
    buf: [u8; 64],
    buflen: usize,
    total: u64,
}

impl HashState {
    fn new(algo: Algo) -> HashState {
        let h = match algo {
            Algo::Sha256 => SHA256_H,
            Algo::Sha1 => [
                0x6745_2301,
                0xefcd_ab89,
                0x98ba_dcfe,
                0x1032_5476,
                0xc3d2_e1f0,
                0,
                0,
                0,
            ],
            Algo::Md5 => [
                0x6745_2301,
                0xefcd_ab89,
                0x98ba_dcfe,
                0x1032_5476,
                0,
                0,
                0,
                0,
            ],
        };
        HashState {
            algo,
            h,
            buf: [0; 64],
            buflen: 0,
            total: 0,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.total = self.total.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let take = (64 - self.buflen).min(data.len());
            self.buf[self.buflen..self.buflen + take].copy_from_slice(&data[..take]);
            self.buflen += take;
            data = &data[take..];
            if self.buflen == 64 {
                let block = self.buf;
                self.compress(&block);
                self.buflen = 0;
            }
        }
    }

    fn finish(mut self) -> ([u8; 32], usize) {
        let bits = self.total.wrapping_mul(8);
        let mut pad = [0u8; 72];
        pad[0] = 0x80;
        let padlen = if self.buflen < 56 {
            56 - self.buflen
        } else {
            120 - self.buflen
        };
        let len_bytes = if self.algo == Algo::Md5 {
            bits.to_le_bytes()
        } else {
            bits.to_be_bytes()
        };
        pad[padlen..padlen + 8].copy_from_slice(&len_bytes);
        let total = self.total;
        self.update(&pad[..padlen + 8]);
        self.total = total;
        let mut out = [0u8; 32];
        let n = match self.algo {
            Algo::Sha256 => 8,
            Algo::Sha1 => 5,
            Algo::Md5 => 4,
        };
        for i in 0..n {
            let b = if self.algo == Algo::Md5 {
                self.h[i].to_le_bytes()
            } else {
                self.h[i].to_be_bytes()
            };
            out[i * 4..i * 4 + 4].copy_from_slice(&b);
        }
        (out, n * 4)
    }

    fn compress(&mut self, block: &[u8; 64]) {
        match self.algo {
            Algo::Sha256 => self.sha256(block),
            Algo::Sha1 => self.sha1(block),
            Algo::Md5 => self.md5(block),
        }
    }

    fn sha256(&mut self, block: &[u8; 64]) {
        let mut w = [0u32; 64];
        for (i, c) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = self.h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = h
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(SHA256_K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            h = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, v) in self.h.iter_mut().zip([a, b, c, d, e, f, g, h]) {
            *x = x.wrapping_add(v);
        }
    }

    fn sha1(&mut self, block: &[u8; 64]) {
        let mut w = [0u32; 80];
        for (i, c) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e, ..] = self.h;
        for (i, &wi) in w.iter().enumerate() {
            let (f, k) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5a82_7999),
                1 => (b ^ c ^ d, 0x6ed9_eba1),
                2 => ((b & c) | (b & d) | (c & d), 0x8f1b_bcdc),
                _ => (b ^ c ^ d, 0xca62_c1d6),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, v) in self.h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(v);
        }
    }

    fn md5(&mut self, block: &[u8; 64]) {
        const S: [u32; 16] = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
        let mut m = [0u32; 16];
        for (i, c) in block.chunks_exact(4).enumerate() {
            m[i] = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        }
        let [mut a, mut b, mut c, mut d, ..] = self.h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let s = S[(i / 16) * 4 + i % 4];
            let t = a.wrapping_add(f).wrapping_add(MD5_K[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(t.rotate_left(s));
        }
        for (x, v) in self.h.iter_mut().zip([a, b, c, d]) {
            *x = x.wrapping_add(v);
        }
    }
}

/// A hash object.
#[repr(C)]
pub struct HashObj {
    pub hdr: ObjHeader,
    state: Cell<HashState>,
    finished: Cell<bool>,
}

pub static SHA256_TYPE: Type = Type {
    make_new: Some(sha256_new),
    print: Some(hash_print),
    ..Type::new(Q::sha256)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&HASH_LOCALS);
pub static SHA1_TYPE: Type = Type {
    make_new: Some(sha1_new),
    print: Some(hash_print),
    ..Type::new(Q::sha1)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&HASH_LOCALS);
pub static MD5_TYPE: Type = Type {
    make_new: Some(md5_new),
    print: Some(hash_print),
    ..Type::new(Q::md5)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&HASH_LOCALS);

crate::py_object!(HashObj, SHA256_TYPE);

fn hash_obj(vm: &mut Vm, v: Value) -> PyResult<Gc<HashObj>> {
    if let Some(h) = v.as_obj() {
        let t = h.ty.get();
        if t.is(&SHA256_TYPE) || t.is(&SHA1_TYPE) || t.is(&MD5_TYPE) {
            if let Some(p) = core::ptr::NonNull::new(h.as_ptr() as *mut HashObj) {
                return Ok(Gc::from_raw(p));
            }
        }
    }
    Err(vm.type_error("expected a hash object"))
}

fn make(vm: &mut Vm, ty: &'static Type, algo: Algo, args: &[Value]) -> PyResult<Value> {
    let mut st = HashState::new(algo);
    if let Some(&d) = args.first() {
        let data = buffer_arg(vm, d)?;
        st.update(&data);
    }
    Ok(vm
        .alloc_obj(HashObj {
            hdr: ObjHeader::new(ty),
            state: Cell::new(st),
            finished: Cell::new(false),
        })?
        .value())
}

fn sha256_new(vm: &mut Vm, _t: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    make(vm, &SHA256_TYPE, Algo::Sha256, args)
}
fn sha1_new(vm: &mut Vm, _t: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    make(vm, &SHA1_TYPE, Algo::Sha1, args)
}
fn md5_new(vm: &mut Vm, _t: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    make(vm, &MD5_TYPE, Algo::Md5, args)
}

fn hash_print(
    vm: &mut Vm,
    v: Value,
    _k: PrintKind,
    out: &mut alloc::string::String,
) -> PyResult<()> {
    push_str(out, &alloc::format!("<{} object>", vm.type_name(v)));
    Ok(())
}

#[cold]
fn finished(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("hash is final")
}

fn m_update(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let h = hash_obj(vm, arg(args, 0))?;
    if h.finished.get() {
        return Err(finished(vm));
    }
    let data = buffer_arg(vm, arg(args, 1))?;
    let mut st = h.state.get();
    st.update(&data);
    h.state.set(st);
    Ok(Value::NONE)
}

fn final_digest(vm: &mut Vm, v: Value) -> PyResult<([u8; 32], usize)> {
    let h = hash_obj(vm, v)?;
    if h.finished.get() {
        return Err(finished(vm));
    }
    h.finished.set(true);
    Ok(h.state.get().finish())
}

fn m_digest(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (d, n) = final_digest(vm, arg(args, 0))?;
    types::bytes::new_bytes(vm, &d[..n])
}

fn m_hexdigest(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (d, n) = final_digest(vm, arg(args, 0))?;
    let mut s = alloc::string::String::new();
    for b in &d[..n] {
        push_str(&mut s, &alloc::format!("{:02x}", b));
    }
    types::str::new_str(vm, &s)
}

static UPDATE: BuiltinFn = BuiltinFn::new(Q::update, 2, 2, m_update);
static DIGEST: BuiltinFn = BuiltinFn::new(Q::digest, 1, 1, m_digest);
static HEXDIGEST: BuiltinFn = BuiltinFn::new(Q::hexdigest, 1, 1, m_hexdigest);

fixed_dict!(
    HASH_LOCALS,
    [
        (Q::update, fnv!(UPDATE)),
        (Q::digest, fnv!(DIGEST)),
        (Q::hexdigest, fnv!(HEXDIGEST)),
    ]
);

fixed_dict!(
    HASHLIB_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::hashlib)),
        (Q::sha256, Value::from_static(&SHA256_TYPE)),
        (Q::sha1, Value::from_static(&SHA1_TYPE)),
        (Q::md5, Value::from_static(&MD5_TYPE)),
    ]
);

pub static HASHLIB_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::hashlib,
    globals: &HASHLIB_GLOBALS,
    init: None,
    extensible: true,
};

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(algo: Algo, data: &[u8]) -> alloc::string::String {
        let mut st = HashState::new(algo);
        st.update(data);
        let (d, n) = st.finish();
        d[..n].iter().map(|b| alloc::format!("{:02x}", b)).collect()
    }

    #[test]
    fn known_digests() {
        assert_eq!(
            hex(Algo::Sha256, b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(Algo::Sha1, b"abc"),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(hex(Algo::Md5, b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(hex(Algo::Md5, b""), "d41d8cd98f00b204e9800998ecf8427e");
    }
}
