//! Interned strings (qstrs): identifiers, attribute names, short string constants.
//!
//! A qstr is an index. Indices below `STATIC_QSTRS.len()` name the static table built from every
//! `Q::name` in the sources (see build.rs); higher ones name strings interned at run time, which
//! live for the rest of the program. Two qstrs are equal iff their texts are equal, so comparing
//! names is comparing words.

use alloc::boxed::Box;
use alloc::vec::Vec;

/// An interned string.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(transparent)]
pub struct Qstr(pub u32);

include!(concat!(env!("OUT_DIR"), "/qstrs.rs"));

/// The string hash used for qstrs and str/bytes objects alike (they must agree, since a dict
/// may hold both kinds of key). FNV-1a, folded to the word size, never 0.
#[inline]
pub fn hash_bytes(data: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in data {
        h ^= b as u32;
        h = h.wrapping_mul(0x0100_0193);
    }
    let h = (h & 0x3fff_ffff) as usize;
    if h == 0 {
        1
    } else {
        h
    }
}

impl Qstr {
    /// The text of a static qstr (None for run-time ones: use `QstrPool::get`).
    pub fn static_str(self) -> Option<&'static str> {
        STATIC_QSTRS.get(self.0 as usize).copied()
    }
    /// Find a static qstr by text.
    pub fn find_static(s: &str) -> Option<Qstr> {
        STATIC_QSTRS.binary_search(&s).ok().map(|i| Qstr(i as u32))
    }
}

/// Strings interned at run time, plus a hash index over all qstrs.
pub struct QstrPool {
    dynamic: Vec<(&'static str, usize)>,
    /// Open-addressing index into `dynamic` (entry = index + 1; 0 = empty).
    index: Vec<u32>,
    static_hashes: Vec<usize>,
    /// Bytes of text interned at run time.
    pub dynamic_bytes: usize,
}

impl Default for QstrPool {
    fn default() -> Self {
        Self::new()
    }
}

impl QstrPool {
    pub fn new() -> QstrPool {
        QstrPool {
            dynamic: Vec::new(),
            index: Vec::new(),
            static_hashes: STATIC_QSTRS
                .iter()
                .map(|s| hash_bytes(s.as_bytes()))
                .collect(),
            dynamic_bytes: 0,
        }
    }

    /// Number of qstrs (static + dynamic).
    pub fn len(&self) -> usize {
        STATIC_QSTRS.len() + self.dynamic.len()
    }
    pub fn is_empty(&self) -> bool {
        false
    }
    pub fn dynamic_count(&self) -> usize {
        self.dynamic.len()
    }

    /// The text of a qstr.
    #[inline]
    pub fn get(&self, q: Qstr) -> &'static str {
        let i = q.0 as usize;
        match STATIC_QSTRS.get(i) {
            Some(s) => s,
            None => self
                .dynamic
                .get(i - STATIC_QSTRS.len())
                .map(|e| e.0)
                .unwrap_or(""),
        }
    }

    /// The hash of a qstr's text (same as `hash_bytes` of it).
    #[inline]
    pub fn hash(&self, q: Qstr) -> usize {
        let i = q.0 as usize;
        match self.static_hashes.get(i) {
            Some(h) => *h,
            None => self
                .dynamic
                .get(i - STATIC_QSTRS.len())
                .map(|e| e.1)
                .unwrap_or(1),
        }
    }

    /// Find an existing qstr.
    pub fn find(&self, s: &str) -> Option<Qstr> {
        if let Some(q) = Qstr::find_static(s) {
            return Some(q);
        }
        if self.index.is_empty() {
            return None;
        }
        let h = hash_bytes(s.as_bytes());
        let mask = self.index.len() - 1;
        let mut i = h & mask;
        loop {
            let e = self.index[i];
            if e == 0 {
                return None;
            }
            let (t, th) = self.dynamic[(e - 1) as usize];
            if th == h && t == s {
                return Some(Qstr((STATIC_QSTRS.len() + (e - 1) as usize) as u32));
            }
            i = (i + 1) & mask;
        }
    }

    /// Intern `s`, adding it if new.
    pub fn intern(&mut self, s: &str) -> Qstr {
        if let Some(q) = self.find(s) {
            return q;
        }
        let text: &'static str = Box::leak(Box::<str>::from(s));
        let h = hash_bytes(s.as_bytes());
        self.dynamic.push((text, h));
        self.dynamic_bytes += s.len();
        if self.dynamic.len() * 2 > self.index.len() {
            let n = (self.index.len() * 2).max(64);
            self.index = alloc::vec![0; n];
            for k in 0..self.dynamic.len() {
                self.insert_index(k);
            }
        } else {
            self.insert_index(self.dynamic.len() - 1);
        }
        Qstr((STATIC_QSTRS.len() + self.dynamic.len() - 1) as u32)
    }

    fn insert_index(&mut self, k: usize) {
        let mask = self.index.len() - 1;
        let mut i = self.dynamic[k].1 & mask;
        while self.index[i] != 0 {
            i = (i + 1) & mask;
        }
        self.index[i] = (k + 1) as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn intern_roundtrip() {
        let mut p = QstrPool::new();
        let a = p.intern("hello_world_xyz");
        let b = p.intern("hello_world_xyz");
        assert_eq!(a, b);
        assert_eq!(p.get(a), "hello_world_xyz");
        assert_eq!(p.intern("__init__"), Q::__init__);
        assert_eq!(p.get(Q::__init__), "__init__");
        assert_eq!(p.get(Q::EMPTY), "");
        assert_eq!(p.hash(a), hash_bytes(b"hello_world_xyz"));
        for i in 0..1000 {
            let s = alloc::format!("name{}", i);
            let q = p.intern(&s);
            assert_eq!(p.find(&s), Some(q));
        }
    }
}
