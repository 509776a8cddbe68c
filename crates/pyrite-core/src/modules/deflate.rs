//! The `deflate` module: `DeflateIO(stream, format=AUTO, wbits=0, close=False)`, a stream that
//! decompresses what it reads from `stream` and compresses what is written to it (RFC 1950
//! zlib, RFC 1951 raw deflate, RFC 1952 gzip), as MicroPython's docs/library/deflate.rst
//! describes.
//!
//! Decompression is our own streaming inflate (stored, fixed and dynamic Huffman blocks): it
//! reads the source a byte at a time, only as far as the output asked for needs, keeps the
//! last 2^wbits output bytes as its window, and checks the zlib Adler-32 or the gzip CRC-32
//! and length at the end. `AUTO` detects zlib or gzip headers. Corrupt data raises
//! `OSError(EINVAL)`, a truncated stream `EOFError`; a back-reference beyond the window (or
//! before the start of the data) is corrupt data.
//!
//! Compression writes one final fixed-Huffman block with greedy LZ77 matching (a hash of the
//! next 3 bytes gives the last position they occurred at, within the window), so each
//! `write` is encoded at once; `close()` ends the block and writes the zlib/gzip trailer.
//!
//! Window sizes: wbits 5..15 or 0 (default: 8 for RAW and for compression, the header's for
//! zlib, 15 for gzip); others are `ValueError`, as is an unknown format.

use crate::types::arg;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{flags, with_buffer_read, with_buffer_write, BuiltinFn, Kw, Type};
use crate::qstr::Q;
use crate::types;
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::{PyErr, PyResult};

use super::binascii::crc32_update;
use super::builtins::{arg_int, size_arg};
use super::streamcall;
use super::BuiltinModuleDef;

const EINVAL: i32 = 22;

const AUTO: u8 = 0;
const RAW: u8 = 1;
const ZLIB: u8 = 2;
const GZIP: u8 = 3;

/// Order in which code-length code lengths are stored in a dynamic block header.
const CLEN_ORDER: [u8; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Extra bits and base of length code `i` (symbols 257 + i, i < 29).
fn len_code(i: usize) -> (u32, u32) {
    if i == 28 {
        return (0, 258);
    }
    let extra = if i < 8 { 0 } else { (i as u32 - 4) / 4 };
    let mut base = 3;
    for k in 0..i {
        base += 1 << if k < 8 { 0 } else { (k as u32 - 4) / 4 };
    }
    (extra, base)
}

/// Extra bits and base of distance code `i` (i < 30).
fn dist_code(i: usize) -> (u32, u32) {
    let extra = |k: usize| if k < 4 { 0 } else { (k as u32 - 2) / 2 };
    let mut base = 1;
    for k in 0..i {
        base += 1 << extra(k);
    }
    (extra(i), base)
}

fn adler32(mut adler: u32, data: &[u8]) -> u32 {
    let (mut a, mut b) = (adler & 0xffff, adler >> 16);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    adler = (b << 16) | a;
    adler
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
#[derive(Clone, Copy)]
struct Huff<const N: usize> {
    count: [u16; 16],
    sym: [u16; N],
}

impl<const N: usize> Huff<N> {
    const EMPTY: Self = Huff {
        count: [0; 16],
        sym: [0; N],
    };

    /// Build from code lengths; false if the lengths over-subscribe the code space (an
    /// incomplete code is allowed: reading an unused code is then an error).
    fn build(&mut self, lens: &[u8]) -> bool {
        self.count = [0; 16];
        for &l in lens {
            self.count[l as usize & 15] += 1;
        }
        self.count[0] = 0;
        let mut left: i32 = 1;
        for l in 1..16 {
            left = left * 2 - self.count[l] as i32;
            if left < 0 {
                return false;
            }
        }
        let mut offs = [0u16; 16];
        for l in 1..15 {
            offs[l + 1] = offs[l] + self.count[l];
        }
        for (s, &l) in lens.iter().enumerate() {
            if l != 0 {
                let o = offs[l as usize] as usize;
                if o < N {
                    self.sym[o] = s as u16;
                }
                offs[l as usize] += 1;
            }
        }
        true
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Nothing read yet (the header, if any, comes first).
    Start,
    /// Before a block header.
    Block,
    /// Inside a stored block with `stored` bytes left.
    Stored,
    /// Inside a Huffman-coded block.
    Coded,
    /// The last block ended; the trailer is checked next.
    Trailer,
    /// All done: reads give b"".
    Done,
}

/// The decompressor's state (kept in the object between reads).
#[derive(Clone, Copy)]
struct Inflate {
    phase: Phase,
    /// The format, once known (AUTO resolved).
    format: u8,
    wbits: u8,
    last: bool,
    bits: u32,
    nbits: u32,
    stored: u32,
    copy_len: u32,
    copy_dist: u32,
    total: u64,
    check: u32,
    lit: Huff<288>,
    dist: Huff<32>,
}

/// Why decoding stopped.
enum Fail {
    /// The source ended early.
    Eof,
    /// Invalid data.
    Bad,
    /// A Python exception from the source stream.
    Py(PyErr),
}

impl From<PyErr> for Fail {
    fn from(e: PyErr) -> Fail {
        Fail::Py(e)
    }
}

/// The object: source/sink stream, options, and both directions' state.
#[repr(C)]
pub struct DeflateObj {
    pub hdr: ObjHeader,
    stream: Cell<Value>,
    format: Cell<u8>,
    wbits: Cell<u8>,
    close_stream: Cell<bool>,
    closed: Cell<bool>,
    inf: Cell<Inflate>,
    /// Inflate window (2^wbits bytes, a ring indexed by total output).
    window: Cell<GcArray<u8>>,
    def: Cell<Deflate>,
    /// Compression history (ring of 2^wbits input bytes) and hash heads (absolute position + 1).
    hist: Cell<GcArray<u8>>,
    heads: Cell<GcArray<u32>>,
}
crate::py_object!(DeflateObj, DEFLATEIO_TYPE);

pub static DEFLATEIO_TYPE: Type = Type {
    make_new: Some(d_make_new),
    ..Type::new(Q::DeflateIO)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&D_LOCALS);

fn d_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.is_empty() || args.len() > 4 {
        return Err(vm.type_error("DeflateIO(stream, format=AUTO, wbits=0, close=False)"));
    }
    let format = match args.get(1) {
        Some(&f) => arg_int(vm, f)?,
        None => AUTO as isize,
    };
    if !(0..=3).contains(&format) {
        return Err(vm.value_error("format"));
    }
    let wbits = match args.get(2) {
        Some(&w) => arg_int(vm, w)?,
        None => 0,
    };
    if wbits != 0 && !(5..=15).contains(&wbits) {
        return Err(vm.value_error("wbits"));
    }
    let close = match args.get(3) {
        Some(&c) => vm.is_true(c)?,
        None => false,
    };
    let inf = Inflate {
        phase: Phase::Start,
        format: format as u8,
        wbits: wbits as u8,
        last: false,
        bits: 0,
        nbits: 0,
        stored: 0,
        copy_len: 0,
        copy_dist: 0,
        total: 0,
        check: 0,
        lit: Huff::EMPTY,
        dist: Huff::EMPTY,
    };
    let o = vm.alloc_obj(DeflateObj {
        hdr: ObjHeader::new(&DEFLATEIO_TYPE),
        stream: Cell::new(arg(args, 0)),
        format: Cell::new(format as u8),
        wbits: Cell::new(wbits as u8),
        close_stream: Cell::new(close),
        closed: Cell::new(false),
        inf: Cell::new(inf),
        window: Cell::new(GcArray::empty()),
        def: Cell::new(Deflate::default()),
        hist: Cell::new(GcArray::empty()),
        heads: Cell::new(GcArray::empty()),
    })?;
    Ok(o.value())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<DeflateObj>> {
    match v.downcast::<DeflateObj>() {
        Some(d) if d.closed.get() => Err(vm.os_error(EINVAL)),
        Some(d) => Ok(d),
        None => Err(vm.type_error("expected a DeflateIO")),
    }
}

// ---- decompression ----

/// The decoder at work: state, window and source for one read call.
struct Reader<'a> {
    vm: &'a mut Vm,
    src: Value,
    st: Inflate,
    win: GcArray<u8>,
    obj: Gc<DeflateObj>,
}

impl Reader<'_> {
    #[inline(never)]
    fn byte(&mut self) -> Result<u8, Fail> {
        match streamcall::read(self.vm, self.src, 1)? {
            Some(b) if !b.is_empty() => Ok(b[0]),
            _ => Err(Fail::Eof),
        }
    }

    #[inline(never)]
    fn bits(&mut self, n: u32) -> Result<u32, Fail> {
        while self.st.nbits < n {
            let b = self.byte()? as u32;
            self.st.bits |= b << self.st.nbits;
            self.st.nbits += 8;
        }
        let v = self.st.bits & ((1u32 << n) - 1);
        self.st.bits = if n >= 32 { 0 } else { self.st.bits >> n };
        self.st.nbits -= n;
        Ok(v)
    }

    fn decode<const N: usize>(&mut self, h: &Huff<N>) -> Result<usize, Fail> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for l in 1..16 {
            code |= self.bits(1)? as i32;
            let count = h.count[l] as i32;
            if code - first < count {
                return h
                    .sym
                    .get((index + code - first) as usize)
                    .map(|&s| s as usize)
                    .ok_or(Fail::Bad);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(Fail::Bad)
    }

    /// Parse the zlib or gzip header (per the format, AUTO detecting) and set the window.
    #[inline(never)]
    fn header(&mut self) -> Result<(), Fail> {
        let fmt = self.st.format;
        let user = self.st.wbits;
        let mut wbits = if user != 0 { user } else { 8 };
        if fmt != RAW {
            let b0 = self.byte()?;
            let b1 = self.byte()?;
            let is_gzip = b0 == 0x1f && b1 == 0x8b;
            let is_zlib =
                b0 & 0x0f == 8 && b0 >> 4 <= 7 && ((b0 as u32) << 8 | b1 as u32).is_multiple_of(31);
            if is_gzip && (fmt == GZIP || fmt == AUTO) {
                self.st.format = GZIP;
                if self.byte()? != 8 {
                    return Err(Fail::Bad);
                }
                let flg = self.byte()?;
                for _ in 0..6 {
                    self.byte()?;
                }
                if flg & 4 != 0 {
                    let n = self.byte()? as u32 | (self.byte()? as u32) << 8;
                    for _ in 0..n {
                        self.byte()?;
                    }
                }
                for bit in [8, 16] {
                    if flg & bit != 0 {
                        while self.byte()? != 0 {}
                    }
                }
                if flg & 2 != 0 {
                    self.byte()?;
                    self.byte()?;
                }
                wbits = if user != 0 { user } else { 15 };
                self.st.check = 0;
            } else if is_zlib && b1 & 0x20 == 0 && (fmt == ZLIB || fmt == AUTO) {
                self.st.format = ZLIB;
                let hw = (b0 >> 4) + 8;
                wbits = if user != 0 { user.min(hw) } else { hw };
                self.st.check = 1;
            } else {
                return Err(Fail::Bad);
            }
        }
        self.st.wbits = wbits;
        if self.win.capacity() < 1 << wbits {
            self.win = self.vm.alloc_array::<u8>(1 << wbits)?;
            // Reachable from the object at once, not only from this native frame.
            self.obj.window.set(self.win);
        }
        self.st.phase = Phase::Block;
        Ok(())
    }

    #[inline(never)]
    fn block_header(&mut self) -> Result<(), Fail> {
        self.st.last = self.bits(1)? == 1;
        match self.bits(2)? {
            0 => {
                self.st.bits = 0;
                self.st.nbits = 0;
                let len = self.bits(16)?;
                let nlen = self.bits(16)?;
                if len != !nlen & 0xffff {
                    return Err(Fail::Bad);
                }
                self.st.stored = len;
                self.st.phase = Phase::Stored;
            }
            1 => {
                let mut lens = [0u8; 288];
                for (s, l) in lens.iter_mut().enumerate() {
                    *l = match s {
                        0..=143 => 8,
                        144..=255 => 9,
                        256..=279 => 7,
                        _ => 8,
                    };
                }
                self.st.lit.build(&lens);
                self.st.dist.build(&[5u8; 30]);
                self.st.phase = Phase::Coded;
            }
            2 => {
                self.dynamic_tables()?;
                self.st.phase = Phase::Coded;
            }
            _ => return Err(Fail::Bad),
        }
        Ok(())
    }

    #[inline(never)]
    fn dynamic_tables(&mut self) -> Result<(), Fail> {
        let nlen = self.bits(5)? as usize + 257;
        let ndist = self.bits(5)? as usize + 1;
        let ncode = self.bits(4)? as usize + 4;
        if nlen > 286 || ndist > 30 {
            return Err(Fail::Bad);
        }
        let mut clens = [0u8; 19];
        for &k in CLEN_ORDER.iter().take(ncode) {
            clens[k as usize] = self.bits(3)? as u8;
        }
        let mut ch: Huff<19> = Huff::EMPTY;
        if !ch.build(&clens) {
            return Err(Fail::Bad);
        }
        let mut lens = [0u8; 316];
        let mut i = 0;
        while i < nlen + ndist {
            let sym = self.decode(&ch)?;
            let (val, rep) = match sym {
                0..=15 => (sym as u8, 1),
                16 => {
                    if i == 0 {
                        return Err(Fail::Bad);
                    }
                    (lens[i - 1], 3 + self.bits(2)? as usize)
                }
                17 => (0, 3 + self.bits(3)? as usize),
                _ => (0, 11 + self.bits(7)? as usize),
            };
            if i + rep > nlen + ndist {
                return Err(Fail::Bad);
            }
            lens[i..i + rep].fill(val);
            i += rep;
        }
        if lens[256] == 0 {
            return Err(Fail::Bad);
        }
        if !self.st.lit.build(&lens[..nlen]) || !self.st.dist.build(&lens[nlen..nlen + ndist]) {
            return Err(Fail::Bad);
        }
        Ok(())
    }

    /// Append a byte to the output window.
    fn put(&mut self, b: u8) {
        let mask = (1u64 << self.st.wbits) - 1;
        self.win.set((self.st.total & mask) as usize, b);
        self.st.total += 1;
    }

    /// Verify the trailer of a zlib/gzip stream.
    #[inline(never)]
    fn trailer(&mut self, out_check: u32) -> Result<(), Fail> {
        self.st.bits = 0;
        self.st.nbits = 0;
        let mut t = [0u8; 8];
        let n = match self.st.format {
            ZLIB => 4,
            GZIP => 8,
            _ => 0,
        };
        for b in t.iter_mut().take(n) {
            *b = self.byte()?;
        }
        let ok = match self.st.format {
            ZLIB => u32::from_be_bytes([t[0], t[1], t[2], t[3]]) == out_check,
            GZIP => {
                u32::from_le_bytes([t[0], t[1], t[2], t[3]]) == out_check
                    && u32::from_le_bytes([t[4], t[5], t[6], t[7]]) == self.st.total as u32
            }
            _ => true,
        };
        if !ok {
            return Err(Fail::Bad);
        }
        Ok(())
    }

    /// Produce up to `max` bytes of output (fewer only at the end of the data).
    fn run(&mut self, max: usize, out: &mut Vec<u8>) -> Result<(), Fail> {
        let start = out.len();
        while out.len() - start < max {
            if self.st.copy_len > 0 {
                let mask = (1u64 << self.st.wbits) - 1;
                let from = self.st.total.wrapping_sub(self.st.copy_dist as u64) & mask;
                let b = self.win.get(from as usize).unwrap_or(0);
                self.put(b);
                push_byte(out, b);
                self.st.copy_len -= 1;
                continue;
            }
            match self.st.phase {
                Phase::Start => self.header()?,
                Phase::Block => self.block_header()?,
                Phase::Stored => {
                    if self.st.stored == 0 {
                        self.end_block();
                        continue;
                    }
                    let b = self.byte()?;
                    self.st.stored -= 1;
                    self.put(b);
                    push_byte(out, b);
                }
                Phase::Coded => {
                    let lit = self.st.lit;
                    let sym = self.decode(&lit)?;
                    if sym < 256 {
                        self.put(sym as u8);
                        push_byte(out, sym as u8);
                    } else if sym == 256 {
                        self.end_block();
                    } else {
                        if sym > 285 {
                            return Err(Fail::Bad);
                        }
                        let (e, base) = len_code(sym - 257);
                        let len = base + self.bits(e)?;
                        let dist_h = self.st.dist;
                        let ds = self.decode(&dist_h)?;
                        if ds >= 30 {
                            return Err(Fail::Bad);
                        }
                        let (e, base) = dist_code(ds);
                        let dist = base + self.bits(e)?;
                        if dist as u64 > self.st.total || dist > 1 << self.st.wbits {
                            return Err(Fail::Bad);
                        }
                        self.st.copy_len = len;
                        self.st.copy_dist = dist;
                    }
                }
                Phase::Trailer => {
                    // The checksum covers everything, including what this call produced.
                    let check = match self.st.format {
                        ZLIB => adler32(self.st.check, &out[start..]),
                        _ => crc32_update(self.st.check, &out[start..]),
                    };
                    self.trailer(check)?;
                    self.st.phase = Phase::Done;
                }
                Phase::Done => break,
            }
        }
        Ok(())
    }

    fn end_block(&mut self) {
        self.st.phase = if self.st.last {
            Phase::Trailer
        } else {
            Phase::Block
        };
    }
}

/// Read up to `n` decompressed bytes (all when None).
fn inflate_read(vm: &mut Vm, d: Gc<DeflateObj>, n: Option<usize>) -> PyResult<Vec<u8>> {
    let mut r = Reader {
        src: d.stream.get(),
        st: d.inf.get(),
        win: d.window.get(),
        obj: d,
        vm: &mut *vm,
    };
    let mut out = Vec::new();
    let res = r.run(n.unwrap_or(usize::MAX), &mut out);
    // Running checksum of what was produced.
    if r.st.phase != Phase::Done {
        r.st.check = match r.st.format {
            ZLIB => adler32(r.st.check, &out),
            GZIP => crc32_update(r.st.check, &out),
            _ => 0,
        };
    }
    let (st, win) = (r.st, r.win);
    d.inf.set(st);
    d.window.set(win);
    match res {
        Ok(()) => Ok(out),
        Err(Fail::Py(e)) => Err(e),
        Err(f) => {
            // The stream cannot continue after an error.
            let mut st = d.inf.get();
            st.phase = Phase::Done;
            d.inf.set(st);
            match f {
                Fail::Eof => Err(vm.new_exception(&types::exception::EOF_ERROR, "")),
                _ => Err(vm.os_error(EINVAL)),
            }
        }
    }
}

// ---- compression ----

#[derive(Clone, Copy, Default)]
struct Deflate {
    /// The header and block header are written.
    started: bool,
    bits: u32,
    nbits: u32,
    /// Bytes of input so far.
    total: u64,
    check: u32,
}

struct Writer {
    st: Deflate,
    out: Vec<u8>,
}

impl Writer {
    #[inline(never)]
    fn put_bits(&mut self, v: u32, n: u32) {
        self.st.bits |= v << self.st.nbits;
        self.st.nbits += n;
        while self.st.nbits >= 8 {
            push_byte(&mut self.out, self.st.bits as u8);
            self.st.bits >>= 8;
            self.st.nbits -= 8;
        }
    }

    /// A Huffman code (sent most significant bit first).
    fn put_code(&mut self, code: u32, n: u32) {
        let rev = code.reverse_bits() >> (32 - n);
        self.put_bits(rev, n);
    }

    /// Literal/length symbol in the fixed code.
    fn put_sym(&mut self, s: u32) {
        match s {
            0..=143 => self.put_code(0x30 + s, 8),
            144..=255 => self.put_code(0x190 + s - 144, 9),
            256..=279 => self.put_code(s - 256, 7),
            _ => self.put_code(0xc0 + s - 280, 8),
        }
    }

    #[inline(never)]
    fn put_match(&mut self, len: u32, dist: u32) {
        let mut i = 28;
        while len_code(i).1 > len {
            i -= 1;
        }
        let (e, base) = len_code(i);
        self.put_sym(257 + i as u32);
        self.put_bits(len - base, e);
        let mut j = 29;
        while dist_code(j).1 > dist {
            j -= 1;
        }
        let (e, base) = dist_code(j);
        self.put_code(j as u32, 5);
        self.put_bits(dist - base, e);
    }
}

fn hash3(a: u8, b: u8, c: u8, nbits: u32) -> usize {
    let h = ((a as u32) << 16 | (b as u32) << 8 | c as u32).wrapping_mul(0x9E37_79B1);
    (h >> (32 - nbits)) as usize
}

fn deflate_write(vm: &mut Vm, d: Gc<DeflateObj>, data: &[u8]) -> PyResult<()> {
    let fmt = d.format.get();
    let wbits = match d.wbits.get() {
        0 => 8,
        w => w,
    } as u32;
    let wsize = 1usize << wbits;
    let mut w = Writer {
        st: d.def.get(),
        out: Vec::new(),
    };
    if !w.st.started {
        d.hist.set(vm.alloc_array::<u8>(wsize)?);
        let hbits = (wbits + 1).min(12);
        d.heads.set(vm.alloc_array::<u32>(1 << hbits)?);
        // The zlib/gzip header goes out in one write of its own (as MicroPython does).
        match fmt {
            ZLIB => {
                // Windows under 512 bytes are announced as 512 (zlib itself never writes
                // CINFO 0, and MicroPython does the same).
                let cmf = ((wbits.max(9) - 8) << 4 | 8) as u8;
                let mut flg = 0x80u8;
                flg += (31 - ((cmf as u32) << 8 | flg as u32) % 31) as u8 % 31;
                streamcall::write_exact(vm, d.stream.get(), &[cmf, flg])?;
                w.st.check = 1;
            }
            GZIP => {
                streamcall::write_exact(vm, d.stream.get(), &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 3])?
            }
            _ => {}
        }
        w.put_bits(1, 1);
        w.put_bits(1, 2);
        w.st.started = true;
    }
    let hist = d.hist.get();
    let heads = d.heads.get();
    let hbits = (wbits + 1).min(12);
    let base = w.st.total;
    // Byte at absolute input position p (p < base + data.len()).
    let at = |p: u64| -> u8 {
        if p >= base {
            data.get((p - base) as usize).copied().unwrap_or(0)
        } else {
            hist.get((p as usize) & (wsize - 1)).unwrap_or(0)
        }
    };
    let n = data.len();
    let mut i = 0;
    while i < n {
        let pos = base + i as u64;
        let mut best = 0usize;
        let mut dist = 0u64;
        if i + 3 <= n {
            let h = hash3(data[i], data[i + 1], data[i + 2], hbits);
            let cand = heads.get(h).unwrap_or(0) as u64;
            heads.set(h, (pos + 1) as u32);
            if cand > 0 {
                let c = cand - 1;
                // Positions are kept modulo 2^32; a stale candidate just fails to match.
                let c = (pos & !0xffff_ffff) | c;
                if c < pos && pos - c <= wsize as u64 {
                    let limit = (n - i).min(258);
                    let mut l = 0;
                    while l < limit && at(c + l as u64) == data[i + l] {
                        l += 1;
                    }
                    if l >= 3 {
                        best = l;
                        dist = pos - c;
                    }
                }
            }
        }
        if best >= 3 {
            w.put_match(best as u32, dist as u32);
            // Index the positions inside the match too.
            for k in i + 1..i + best {
                if k + 3 <= n {
                    let h = hash3(data[k], data[k + 1], data[k + 2], hbits);
                    heads.set(h, (base + k as u64 + 1) as u32);
                }
            }
            i += best;
        } else {
            w.put_sym(data[i] as u32);
            i += 1;
        }
    }
    for (k, &b) in data.iter().enumerate() {
        hist.set(((base + k as u64) as usize) & (wsize - 1), b);
    }
    w.st.total = base + n as u64;
    w.st.check = match fmt {
        ZLIB => adler32(w.st.check, data),
        GZIP => crc32_update(w.st.check, data),
        _ => 0,
    };
    d.def.set(w.st);
    if !w.out.is_empty() {
        streamcall::write(vm, d.stream.get(), &w.out)?;
    }
    Ok(())
}

/// End the compressed stream: end-of-block, padding and the trailer.
fn deflate_finish(vm: &mut Vm, d: Gc<DeflateObj>) -> PyResult<()> {
    let mut w = Writer {
        st: d.def.get(),
        out: Vec::new(),
    };
    w.put_sym(256);
    if w.st.nbits > 0 {
        w.put_bits(0, 8 - w.st.nbits);
    }
    w.st.started = false;
    d.def.set(w.st);
    let s = d.stream.get();
    // The last bits go out a byte at a time, then the trailer in one write (as MicroPython).
    for &b in &w.out {
        streamcall::write(vm, s, &[b])?;
    }
    let mut t = Vec::new();
    match d.format.get() {
        ZLIB => push_bytes(&mut t, &w.st.check.to_be_bytes()),
        GZIP => {
            push_bytes(&mut t, &w.st.check.to_le_bytes());
            push_bytes(&mut t, &(w.st.total as u32).to_le_bytes());
        }
        _ => {}
    }
    streamcall::write(vm, s, &t)
}

// ---- methods ----

fn m_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    let n = size_arg(vm, args.get(1))?;
    let out = inflate_read(vm, d, n)?;
    types::bytes::new_bytes(vm, &out)
}

fn m_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    let Some(room) = with_buffer_write(vm, arg(args, 1), |c| c.len())? else {
        return Err(vm.type_error("object with buffer protocol required"));
    };
    let n = size_arg(vm, args.get(2))?.unwrap_or(room).min(room);
    let out = inflate_read(vm, d, Some(n))?;
    with_buffer_write(vm, arg(args, 1), |c| {
        for (cell, &b) in c.iter().zip(out.iter()) {
            cell.set(b);
        }
    })?;
    Ok(Value::small_int_unchecked(out.len() as isize))
}

fn m_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    let limit = size_arg(vm, args.get(1))?;
    let mut line = Vec::new();
    while limit.is_none_or(|l| line.len() < l) {
        let b = inflate_read(vm, d, Some(1))?;
        let Some(&c) = b.first() else { break };
        push_byte(&mut line, c);
        if c == b'\n' {
            break;
        }
    }
    types::bytes::new_bytes(vm, &line)
}

fn m_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let d = this(vm, arg(args, 0))?;
    let data = match with_buffer_read(vm, arg(args, 1), bytes_vec)? {
        Some(b) => b,
        None => match types::str::str_data(vm, arg(args, 1)) {
            Some(s) => bytes_vec(s.as_bytes()),
            None => return Err(vm.type_error("object with buffer protocol required")),
        },
    };
    deflate_write(vm, d, &data)?;
    Ok(Value::small_int(data.len() as isize).unwrap_or(Value::NONE))
}

fn m_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let Some(d) = arg(args, 0).downcast::<DeflateObj>() else {
        return Err(vm.type_error("expected a DeflateIO"));
    };
    if d.closed.get() {
        return Ok(Value::NONE);
    }
    d.closed.set(true);
    let res = if d.def.get().started {
        deflate_finish(vm, d)
    } else {
        Ok(())
    };
    // Drop the buffers.
    for a in [d.window.get(), d.hist.get()] {
        vm.free_array(a);
    }
    vm.free_array(d.heads.get());
    d.window.set(GcArray::empty());
    d.hist.set(GcArray::empty());
    d.heads.set(GcArray::empty());
    res?;
    if d.close_stream.get() {
        let s = d.stream.get();
        if vm.load_attr_maybe(s, Q::close)?.is_some() {
            vm.call_method(s, Q::close, &[])?;
        } else if vm.load_attr_maybe(s, Q::ioctl)?.is_some() {
            let args = [Value::small_int_unchecked(4), Value::small_int_unchecked(0)];
            vm.call_method(s, Q::ioctl, &args)?;
        }
    }
    Ok(Value::NONE)
}

fn m_enter(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(arg(args, 0))
}

fn m_exit(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    m_close(vm, &args[..1], kw)
}

static READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, m_read);
static READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, m_readinto);
static READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, m_readline);
static WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 2, m_write);
static CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, m_close);
static ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, m_enter);
static EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 1, 4, m_exit);

fixed_dict!(
    D_LOCALS,
    [
        (Q::read, fnv!(READ)),
        (Q::readinto, fnv!(READINTO)),
        (Q::readline, fnv!(READLINE)),
        (Q::write, fnv!(WRITE)),
        (Q::close, fnv!(CLOSE)),
        (Q::__enter__, fnv!(ENTER)),
        (Q::__exit__, fnv!(EXIT)),
    ]
);

fixed_dict!(
    DEFLATE_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::deflate)),
        (Q::DeflateIO, Value::from_static(&DEFLATEIO_TYPE)),
        (Q::AUTO, Value::small_int_unchecked(AUTO as isize)),
        (Q::RAW, Value::small_int_unchecked(RAW as isize)),
        (Q::ZLIB, Value::small_int_unchecked(ZLIB as isize)),
        (Q::GZIP, Value::small_int_unchecked(GZIP as isize)),
    ]
);

pub static DEFLATE_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::deflate,
    globals: &DEFLATE_GLOBALS,
    init: None,
    extensible: false,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_tables() {
        assert_eq!(len_code(0), (0, 3));
        assert_eq!(len_code(8), (1, 11));
        assert_eq!(len_code(27), (5, 227));
        assert_eq!(len_code(28), (0, 258));
        assert_eq!(dist_code(4), (1, 5));
        assert_eq!(dist_code(29), (13, 24577));
        assert_eq!(adler32(1, b"Wikipedia"), 0x11E6_0398);
    }
}
