//! FAT names: 8.3 short names, long-name (LFN) directory entries, and the choice between them.
//!
//! A name that fits 8.3 with one case per part (`foo_file.txt`, `README.TXT`) is stored as a
//! short entry only, its lower-case parts recorded in the entry's case bits (byte 12: 0x08 for
//! the base, 0x10 for the extension), as Windows NT and MicroPython do. Any other name gets
//! long-name entries plus a generated short name with a numeric tail (`FILE-I~1TXT`).

use alloc::string::String;
use alloc::vec::Vec;

use super::errno::*;
use super::{FsResult, Loc};

/// Characters allowed in a short name besides letters and digits.
const SFN_SPECIAL: &[u8] = b"!#$%&'()-@^_`{}~";
/// Characters never allowed in a name.
const ILLEGAL: &[char] = &['"', '*', '/', ':', '<', '>', '?', '\\', '|', '\x7f'];

fn sfn_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || (c.is_ascii() && SFN_SPECIAL.contains(&(c as u8)))
}

/// Checksum of a short name, stored in each of its long-name entries.
pub fn checksum(sfn: &[u8; 11]) -> u8 {
    let mut sum: u8 = 0;
    for &b in sfn {
        sum = sum.rotate_right(1).wrapping_add(b);
    }
    sum
}

/// How to store a name.
pub struct Plan {
    /// A short name that represents the name exactly, with its case bits.
    pub short: Option<([u8; 11], u8)>,
    /// Basis for generated short names (`with_tail`).
    pub basis: [u8; 11],
    pub needs_lfn: bool,
}

/// Check a name and decide how to store it.
pub fn plan(name: &str) -> FsResult<Plan> {
    if name.is_empty() || name == "." || name == ".." {
        return Err(EINVAL);
    }
    if name
        .chars()
        .any(|c| (c as u32) < 0x20 || ILLEGAL.contains(&c))
    {
        return Err(EINVAL);
    }
    if name.encode_utf16().count() > 255 {
        return Err(ENAMETOOLONG);
    }
    if let Some(s) = fits_83(name) {
        return Ok(Plan {
            short: Some(s),
            basis: s.0,
            needs_lfn: false,
        });
    }
    Ok(Plan {
        short: None,
        basis: basis(name),
        needs_lfn: true,
    })
}

fn part_case(p: &str) -> Option<bool> {
    let lower = p.chars().any(|c| c.is_ascii_lowercase());
    let upper = p.chars().any(|c| c.is_ascii_uppercase());
    if lower && upper {
        None
    } else {
        Some(lower)
    }
}

fn fits_83(name: &str) -> Option<([u8; 11], u8)> {
    let (base, ext) = match name.find('.') {
        None => (name, ""),
        Some(0) => return None,
        Some(i) => (&name[..i], &name[i + 1..]),
    };
    if base.is_empty() || base.len() > 8 || ext.len() > 3 || ext.contains('.') {
        return None;
    }
    if !base.chars().all(sfn_char_ok) || !ext.chars().all(sfn_char_ok) {
        return None;
    }
    if name.ends_with('.') {
        return None;
    }
    let bl = part_case(base)?;
    let el = part_case(ext)?;
    let mut sfn = [b' '; 11];
    for (i, c) in base.bytes().enumerate() {
        sfn[i] = c.to_ascii_uppercase();
    }
    for (i, c) in ext.bytes().enumerate() {
        sfn[8 + i] = c.to_ascii_uppercase();
    }
    if sfn[0] == 0xe5 {
        sfn[0] = 0x05;
    }
    let case = (if bl { 0x08 } else { 0 }) | (if el { 0x10 } else { 0 });
    Some((sfn, case))
}

fn basis(name: &str) -> [u8; 11] {
    let trimmed: String = name
        .trim_start_matches('.')
        .chars()
        .filter(|&c| c != ' ')
        .collect();
    let (base, ext) = match trimmed.rfind('.') {
        Some(i) => (&trimmed[..i], &trimmed[i + 1..]),
        None => (&trimmed[..], ""),
    };
    let conv = |c: char| -> u8 {
        if sfn_char_ok(c) {
            c.to_ascii_uppercase() as u8
        } else {
            b'_'
        }
    };
    let mut sfn = [b' '; 11];
    let mut n = 0;
    for c in base.chars().filter(|&c| c != '.') {
        if n == 8 {
            break;
        }
        sfn[n] = conv(c);
        n += 1;
    }
    if n == 0 {
        sfn[0] = b'_';
    }
    for (i, c) in ext.chars().take(3).enumerate() {
        sfn[8 + i] = conv(c);
    }
    sfn
}

/// A short name from `basis` with numeric tail `~k`.
pub fn with_tail(basis: &[u8; 11], k: u32) -> [u8; 11] {
    let mut tail = [0u8; 8];
    let mut t = 0;
    let mut digits = [0u8; 7];
    let mut nd = 0;
    let mut v = k;
    loop {
        digits[nd] = b'0' + (v % 10) as u8;
        nd += 1;
        v /= 10;
        if v == 0 || nd == digits.len() {
            break;
        }
    }
    tail[t] = b'~';
    t += 1;
    for i in (0..nd).rev() {
        tail[t] = digits[i];
        t += 1;
    }
    let base_len = basis[..8].iter().position(|&b| b == b' ').unwrap_or(8);
    let keep = base_len.min(8 - t);
    let mut out = [b' '; 11];
    out[..keep].copy_from_slice(&basis[..keep]);
    out[keep..keep + t].copy_from_slice(&tail[..t]);
    out[8..].copy_from_slice(&basis[8..]);
    out
}

/// Long-name entries for `name` in on-disk order (highest sequence number first).
pub fn lfn_entries(name: &str, sfn: &[u8; 11]) -> FsResult<Vec<[u8; 32]>> {
    let units: Vec<u16> = name.encode_utf16().collect();
    if units.is_empty() || units.len() > 255 {
        return Err(EINVAL);
    }
    let n = units.len().div_ceil(13);
    let sum = checksum(sfn);
    let mut out = Vec::with_capacity(n);
    for ord in (1..=n).rev() {
        let mut e = [0u8; 32];
        e[0] = ord as u8 | if ord == n { 0x40 } else { 0 };
        e[11] = super::ATTR_LFN;
        e[13] = sum;
        for (k, &off) in LFN_OFFSETS.iter().enumerate() {
            let i = (ord - 1) * 13 + k;
            let u: u16 = match i.cmp(&units.len()) {
                core::cmp::Ordering::Less => units[i],
                core::cmp::Ordering::Equal => 0,
                core::cmp::Ordering::Greater => 0xffff,
            };
            e[off..off + 2].copy_from_slice(&u.to_le_bytes());
        }
        out.push(e);
    }
    Ok(out)
}

/// Byte offsets of the 13 UTF-16 units in a long-name entry.
const LFN_OFFSETS: [usize; 13] = [1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30];

/// Collects long-name entries while a directory is read.
#[derive(Default)]
pub struct LfnAccum {
    units: Vec<u16>,
    /// Next sequence number expected (0 = none pending).
    expect: u8,
    sum: u8,
    locs: Vec<Loc>,
    valid: bool,
}

impl LfnAccum {
    pub fn reset(&mut self) {
        self.units.clear();
        self.locs.clear();
        self.expect = 0;
        self.valid = false;
    }

    pub fn add(&mut self, e: &[u8; 32], l: Loc) {
        let ord = e[0] & 0x3f;
        if e[0] & 0x40 != 0 {
            self.reset();
            if ord == 0 || ord > 20 {
                return;
            }
            self.units = alloc::vec![0xffff; ord as usize * 13];
            self.expect = ord;
            self.sum = e[13];
            self.valid = true;
        }
        if !self.valid || ord != self.expect || e[13] != self.sum || ord == 0 {
            self.reset();
            return;
        }
        let start = (ord as usize - 1) * 13;
        for (k, off) in LFN_OFFSETS.iter().enumerate() {
            if let Some(u) = self.units.get_mut(start + k) {
                *u = u16::from_le_bytes([e[*off], e[off + 1]]);
            }
        }
        self.locs.push(l);
        self.expect = ord - 1;
    }

    /// The long name belonging to short entry `sfn`, if one was collected completely.
    pub fn take(&mut self, sfn: &[u8; 11]) -> (Option<String>, Vec<Loc>) {
        let ok = self.valid && self.expect == 0 && checksum(sfn) == self.sum;
        let r = if ok {
            let end = self
                .units
                .iter()
                .position(|&u| u == 0 || u == 0xffff)
                .unwrap_or(self.units.len());
            let s: String = char::decode_utf16(self.units[..end].iter().copied())
                .map(|r| r.unwrap_or('\u{fffd}'))
                .collect();
            if s.is_empty() {
                (None, Vec::new())
            } else {
                (Some(s), core::mem::take(&mut self.locs))
            }
        } else {
            (None, Vec::new())
        };
        self.reset();
        r
    }
}

/// A short name as shown (`FOO.TXT`, or `foo.txt` with the case bits).
pub fn sfn_display(sfn: &[u8; 11], case: u8) -> String {
    let mut s = String::new();
    let base_end = sfn[..8]
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |i| i + 1);
    let ext_end = sfn[8..]
        .iter()
        .rposition(|&b| b != b' ')
        .map_or(0, |i| i + 1);
    let push = |s: &mut String, b: u8, lower: bool| {
        let c = if b >= 0x80 {
            char::from(b)
        } else if lower {
            (b as char).to_ascii_lowercase()
        } else {
            b as char
        };
        s.push(c);
    };
    for (i, &b) in sfn[..base_end].iter().enumerate() {
        let b = if i == 0 && b == 0x05 { 0xe5 } else { b };
        push(&mut s, b, case & 0x08 != 0);
    }
    if ext_end > 0 {
        s.push('.');
        for &b in &sfn[8..8 + ext_end] {
            push(&mut s, b, case & 0x10 != 0);
        }
    }
    s
}

/// Case-insensitive name comparison (as FAT lookups are).
pub fn eq_nocase(a: &str, b: &str) -> bool {
    if a.len() == b.len() && a.eq_ignore_ascii_case(b) {
        return true;
    }
    let mut x = a.chars().flat_map(|c| c.to_uppercase());
    let mut y = b.chars().flat_map(|c| c.to_uppercase());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(p), Some(q)) if p == q => {}
            _ => return false,
        }
    }
}
