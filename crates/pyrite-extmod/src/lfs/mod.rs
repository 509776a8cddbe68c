//! LittleFS v2, written from littlefs's SPEC.md (on-disk version 2.0; images of version 2.1
//! are read too).
//!
//! Reading follows the specification fully: metadata pairs (the block with the newer revision
//! that holds a valid commit), commit logs with XOR-chained big-endian tags and CRCs, the
//! create/delete id splicing, user attributes, hard/soft tails, global move state, inline and
//! CTZ skip-list files. Every walk is bounded (pairs by a visited set, lists by the block
//! count), and anything inconsistent is `ECORRUPT` (84, littlefs's LFS_ERR_CORRUPT).
//!
//! Writing is deliberately simple: every change to a metadata pair rewrites the whole pair
//! into its other block with the next revision (one commit, padded with 0xff), so an update is
//! atomic per pair; a pair that no longer fits its block is split along a hard tail. File data
//! is copy-on-write: changing a file rewrites its CTZ list from the first changed block on,
//! then commits the new head and size. Free blocks are those no metadata pair or file
//! references (found by walking the filesystem, as littlefs does). New directories are
//! threaded into the soft-tail list so littlefs's own allocator sees them.

use alloc::vec;
use alloc::vec::Vec;

use crate::fat::errno::*;
use crate::fat::FsResult;

pub mod v1;

/// littlefs's LFS_ERR_CORRUPT.
pub const ECORRUPT: i32 = 84;
pub const NULL: u32 = 0xffff_ffff;

/// State of an open LittleFS file kept by the binding between calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileHandle {
    /// Written since the last flush (close/flush then commit the modification time).
    pub dirty: bool,
}

/// A block device with erase blocks, read and programmed at offsets.
pub trait Dev {
    fn block_size(&self) -> u32;
    fn block_count(&self) -> u32;
    fn read(&mut self, block: u32, off: u32, buf: &mut [u8]) -> FsResult<()>;
    fn prog(&mut self, block: u32, off: u32, data: &[u8]) -> FsResult<()>;
    fn erase(&mut self, block: u32) -> FsResult<()>;
    fn sync(&mut self) -> FsResult<()>;
}

/// CRC-32 as littlefs uses it (reflected 0x04c11db7, no final inversion).
pub fn crc32(mut crc: u32, data: &[u8]) -> u32 {
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    crc
}

pub(crate) fn le32(b: &[u8], o: usize) -> u32 {
    match b.get(o..o + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}
fn be32(b: &[u8], o: usize) -> u32 {
    match b.get(o..o + 4) {
        Some(s) => u32::from_be_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}

fn mktag(type3: u32, id: u32, len: u32) -> u32 {
    ((type3 & 0x7ff) << 20) | ((id & 0x3ff) << 10) | (len & 0x3ff)
}

pub const TYPE_REG: u8 = 1;
pub const TYPE_DIR: u8 = 2;
pub const TYPE_SUPER: u8 = 0xff;
/// MicroPython's modification-time attribute (8 bytes, ns since 1970, little-endian).
pub const ATTR_MTIME: u8 = 1;

/// How an entry's contents are stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Struct {
    None,
    Inline(Vec<u8>),
    Ctz { head: u32, size: u32 },
    Dir([u32; 2]),
}

/// One id of a metadata pair.
#[derive(Clone, Debug)]
pub struct MEntry {
    pub kind: u8,
    pub name: Vec<u8>,
    pub st: Struct,
    pub attrs: Vec<(u8, Vec<u8>)>,
}

impl MEntry {
    fn empty() -> MEntry {
        MEntry {
            kind: 0,
            name: Vec::new(),
            st: Struct::None,
            attrs: Vec::new(),
        }
    }
    pub fn size(&self) -> u32 {
        match &self.st {
            Struct::Inline(d) => d.len() as u32,
            Struct::Ctz { size, .. } => *size,
            _ => 0,
        }
    }
    pub fn attr(&self, t: u8) -> Option<&[u8]> {
        self.attrs
            .iter()
            .find(|(k, _)| *k == t)
            .map(|(_, v)| v.as_slice())
    }
    pub fn set_attr(&mut self, t: u8, v: &[u8]) {
        match self.attrs.iter_mut().find(|(k, _)| *k == t) {
            Some(a) => a.1 = v.to_vec(),
            None => self.attrs.push((t, v.to_vec())),
        }
    }
}

/// A metadata pair as read.
#[derive(Clone, Debug)]
pub struct MPair {
    /// blocks[0] holds the current contents; blocks[1] is written next.
    pub blocks: [u32; 2],
    pub rev: u32,
    pub entries: Vec<MEntry>,
    /// (hard, pair)
    pub tail: Option<(bool, [u32; 2])>,
    pub gdelta: [u8; 12],
}

/// Parse one metadata block: (revision, entries, tail, gstate delta), or None if it holds
/// no valid commit.
#[allow(clippy::type_complexity)]
fn parse_block(data: &[u8]) -> Option<(u32, Vec<MEntry>, Option<(bool, [u32; 2])>, [u8; 12])> {
    let bs = data.len();
    if bs < 16 {
        return None;
    }
    let rev = le32(data, 0);
    let mut crc = crc32(0xffff_ffff, &data[0..4]);
    let mut off = 4usize;
    let mut ptag: u32 = 0xffff_ffff;
    let mut ents: Vec<MEntry> = Vec::new();
    let mut tail = None;
    let mut gd = [0u8; 12];
    let mut committed = None;
    loop {
        if off + 4 > bs {
            break;
        }
        let raw = be32(data, off);
        let tag = raw ^ ptag;
        if tag & 0x8000_0000 != 0 {
            break;
        }
        let type3 = (tag >> 20) & 0x7ff;
        let id = (tag >> 10) & 0x3ff;
        let len = tag & 0x3ff;
        let dsize = if len == 0x3ff { 0 } else { len as usize };
        if off + 4 + dsize > bs {
            break;
        }
        crc = crc32(crc, &data[off..off + 4]);
        if type3 & 0x700 == 0x500 && type3 != 0x5ff {
            // A CRC tag ends a commit.
            if dsize < 4 {
                break;
            }
            if crc != le32(data, off + 4) {
                break;
            }
            committed = Some((ents.clone(), tail, gd));
            ptag = tag ^ ((type3 & 1) << 31);
            off += 4 + dsize;
            crc = 0xffff_ffff;
            continue;
        }
        let d = &data[off + 4..off + 4 + dsize];
        crc = crc32(crc, d);
        apply_tag(&mut ents, &mut tail, &mut gd, type3, id, len, d);
        ptag = tag;
        off += 4 + dsize;
    }
    let (mut ents, tail, gd) = committed?;
    // Ids that never got a name are not files.
    ents.retain(|e| e.kind != 0);
    Some((rev, ents, tail, gd))
}

fn apply_tag(
    ents: &mut Vec<MEntry>,
    tail: &mut Option<(bool, [u32; 2])>,
    gd: &mut [u8; 12],
    type3: u32,
    id: u32,
    len: u32,
    d: &[u8],
) {
    let idx = id as usize;
    let slot = |ents: &mut Vec<MEntry>| {
        while ents.len() <= idx {
            ents.push(MEntry::empty());
        }
    };
    match type3 {
        0x401 if id != 0x3ff => {
            if idx <= ents.len() {
                ents.insert(idx, MEntry::empty());
            } else {
                slot(ents);
            }
        }
        0x4ff if idx < ents.len() => {
            ents.remove(idx);
        }
        0x001 | 0x002 | 0x0ff if id != 0x3ff => {
            slot(ents);
            ents[idx].kind = type3 as u8;
            ents[idx].name = d.to_vec();
        }
        0x200..=0x202 if id != 0x3ff => {
            slot(ents);
            let st = match type3 {
                0x200 if d.len() >= 8 => Struct::Dir([le32(d, 0), le32(d, 4)]),
                0x201 if len != 0x3ff => Struct::Inline(d.to_vec()),
                0x202 if d.len() >= 8 => Struct::Ctz {
                    head: le32(d, 0),
                    size: le32(d, 4),
                },
                _ => Struct::None,
            };
            ents[idx].st = st;
        }
        t if t & 0x700 == 0x300 && id != 0x3ff => {
            slot(ents);
            let at = (t & 0xff) as u8;
            let e = &mut ents[idx];
            e.attrs.retain(|(k, _)| *k != at);
            if len != 0x3ff {
                e.attrs.push((at, d.to_vec()));
            }
        }
        0x600 | 0x601 if d.len() >= 8 => {
            *tail = Some((type3 == 0x601, [le32(d, 0), le32(d, 4)]));
        }
        0x7ff => {
            for (g, b) in gd.iter_mut().zip(d.iter()) {
                *g ^= b;
            }
        }
        _ => {}
    }
}

/// Configuration of a mounted filesystem.
#[derive(Clone, Copy, Debug)]
pub struct Cfg {
    pub block_size: u32,
    pub block_count: u32,
    pub prog_size: u32,
    pub inline_max: u32,
    pub name_max: u32,
    /// LittleFS v1 on-disk format (see v1.rs).
    pub v1: bool,
}

impl Cfg {
    pub fn new(block_size: u32, block_count: u32, read: u32, prog: u32) -> Cfg {
        let cache = block_size.min(4 * read.max(prog));
        Cfg {
            block_size,
            block_count,
            prog_size: prog.max(1),
            inline_max: cache.min(1022).min(block_size / 8),
            name_max: 255,
            v1: false,
        }
    }

    /// The same geometry for the v1 format (no inline files).
    pub fn v1(mut self) -> Cfg {
        self.v1 = true;
        self.inline_max = 0;
        self
    }
}

/// One operation on a LittleFS v2 volume.
pub struct Lfs<'d, D: Dev> {
    pub dev: &'d mut D,
    pub cfg: Cfg,
    used: Option<Vec<bool>>,
    next_alloc: u32,
}

fn seq_newer(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

/// Index and offset of byte `pos` of a CTZ file: (block index, offset in block).
fn ctz_pos(bs: u32, pos: u64, limit: u32) -> FsResult<(u32, u32)> {
    let mut i: u32 = 0;
    let mut rem = pos;
    loop {
        let cap = ctz_cap(bs, i) as u64;
        if rem < cap {
            return Ok((i, bs - cap as u32 + rem as u32));
        }
        rem -= cap;
        i += 1;
        if i > limit {
            return Err(ECORRUPT);
        }
    }
}

/// Pointers stored at the start of CTZ block `i`.
fn ctz_ptrs(i: u32) -> u32 {
    if i == 0 {
        0
    } else {
        i.trailing_zeros() + 1
    }
}

fn ctz_cap(bs: u32, i: u32) -> u32 {
    bs.saturating_sub(4 * ctz_ptrs(i))
}

impl<'d, D: Dev> Lfs<'d, D> {
    pub fn new(dev: &'d mut D, cfg: Cfg) -> Self {
        Lfs {
            dev,
            cfg,
            used: None,
            next_alloc: 0,
        }
    }

    fn check_block(&self, b: u32) -> FsResult<()> {
        if b >= self.cfg.block_count {
            Err(ECORRUPT)
        } else {
            Ok(())
        }
    }

    fn read_block(&mut self, b: u32) -> FsResult<Vec<u8>> {
        self.check_block(b)?;
        let mut buf = vec![0u8; self.cfg.block_size as usize];
        self.dev.read(b, 0, &mut buf)?;
        Ok(buf)
    }

    /// Read a metadata pair.
    pub fn fetch(&mut self, pair: [u32; 2]) -> FsResult<MPair> {
        let mut best: Option<MPair> = None;
        for (k, &b) in pair.iter().enumerate() {
            let data = self.read_block(b)?;
            let parsed = if self.cfg.v1 {
                v1::parse_block(&data)
            } else {
                parse_block(&data)
            };
            if let Some((rev, entries, tail, gdelta)) = parsed {
                let newer = match &best {
                    None => true,
                    Some(p) => seq_newer(rev, p.rev),
                };
                if newer {
                    best = Some(MPair {
                        blocks: [pair[k], pair[1 - k]],
                        rev,
                        entries,
                        tail,
                        gdelta,
                    });
                }
            }
        }
        best.ok_or(ECORRUPT)
    }

    /// Every pair on the threaded list from the superblock (bounded, cycle-checked), with
    /// the root: the last pair holding a superblock entry.
    pub fn pairs(&mut self) -> FsResult<(Vec<MPair>, usize)> {
        let mut out: Vec<MPair> = Vec::new();
        let mut next = Some([0u32, 1u32]);
        let mut root = None;
        while let Some(p) = next {
            if out.len() as u32 > self.cfg.block_count {
                return Err(ECORRUPT);
            }
            if out
                .iter()
                .any(|q| q.blocks.contains(&p[0]) || q.blocks.contains(&p[1]))
            {
                return Err(ECORRUPT);
            }
            let mp = self.fetch(p)?;
            if mp
                .entries
                .first()
                .is_some_and(|e| e.kind == TYPE_SUPER && e.name == b"littlefs")
            {
                root = Some(out.len());
            }
            next = mp.tail.map(|t| t.1);
            if next.is_some_and(|t| t[0] == NULL || t[1] == NULL) {
                next = None;
            }
            out.push(mp);
        }
        let root = root.ok_or(ECORRUPT)?;
        Ok((out, root))
    }

    /// Check the superblock against the configuration.
    pub fn mount_check(&mut self) -> FsResult<()> {
        if self.cfg.v1 {
            return v1::mount_check(self);
        }
        let sb = self.fetch([0, 1])?;
        let e = sb.entries.first().ok_or(ECORRUPT)?;
        if e.kind != TYPE_SUPER || e.name != b"littlefs" {
            return Err(ECORRUPT);
        }
        let Struct::Inline(d) = &e.st else {
            return Err(ECORRUPT);
        };
        if d.len() < 12 {
            return Err(ECORRUPT);
        }
        let version = le32(d, 0);
        if version >> 16 != 2 || (version & 0xffff) > 1 {
            return Err(EINVAL);
        }
        if le32(d, 4) != self.cfg.block_size {
            return Err(EINVAL);
        }
        let count = le32(d, 8);
        if count != self.cfg.block_count {
            return Err(EINVAL);
        }
        if d.len() >= 16 {
            let nm = le32(d, 12);
            if nm != 0 && nm < self.cfg.name_max {
                self.cfg.name_max = nm;
            }
        }
        self.pairs()?;
        Ok(())
    }

    /// The root directory's first pair.
    pub fn root(&mut self) -> FsResult<[u32; 2]> {
        if self.cfg.v1 {
            return v1::root(self);
        }
        let (pairs, r) = self.pairs()?;
        Ok(pairs[r].blocks_sorted())
    }

    /// All pairs of a directory (following hard tails).
    pub fn dir_pairs(&mut self, first: [u32; 2]) -> FsResult<Vec<MPair>> {
        let mut out: Vec<MPair> = Vec::new();
        let mut p = first;
        loop {
            if out.len() as u32 > self.cfg.block_count {
                return Err(ECORRUPT);
            }
            let mp = self.fetch(p)?;
            let next = match mp.tail {
                Some((true, t)) => Some(t),
                _ => None,
            };
            out.push(mp);
            match next {
                Some(t) => {
                    if out.iter().any(|q| q.blocks.contains(&t[0])) {
                        return Err(ECORRUPT);
                    }
                    p = t;
                }
                None => return Ok(out),
            }
        }
    }

    /// Entries of a directory (without the superblock entry): (pair index, id, entry).
    pub fn list(&mut self, first: [u32; 2]) -> FsResult<Vec<MEntry>> {
        let pairs = self.dir_pairs(first)?;
        let mut out = Vec::new();
        for p in pairs {
            for e in p.entries {
                if e.kind == TYPE_REG || e.kind == TYPE_DIR {
                    out.push(e);
                }
            }
        }
        Ok(out)
    }

    /// Find `name` in a directory: (pairs of the directory, pair index, entry index).
    #[allow(clippy::type_complexity)]
    pub fn find(
        &mut self,
        first: [u32; 2],
        name: &[u8],
    ) -> FsResult<(Vec<MPair>, Option<(usize, usize)>)> {
        let pairs = self.dir_pairs(first)?;
        for (pi, p) in pairs.iter().enumerate() {
            for (ei, e) in p.entries.iter().enumerate() {
                if (e.kind == TYPE_REG || e.kind == TYPE_DIR) && e.name == name {
                    return Ok((pairs, Some((pi, ei))));
                }
            }
        }
        Ok((pairs, None))
    }

    /// Resolve the directory holding the last component of `comps` (all but the last must be
    /// directories): its first pair, and the entry if it exists.
    pub fn resolve(&mut self, comps: &[&str]) -> FsResult<([u32; 2], Option<MEntry>)> {
        let mut dir = self.root()?;
        let Some((last, parents)) = comps.split_last() else {
            return Ok((dir, None));
        };
        for c in parents {
            let (pairs, at) = self.find(dir, c.as_bytes())?;
            match at {
                Some((pi, ei)) => match &pairs[pi].entries[ei].st {
                    Struct::Dir(p) if pairs[pi].entries[ei].kind == TYPE_DIR => dir = *p,
                    _ => return Err(ENOENT),
                },
                None => return Err(ENOENT),
            }
        }
        let (pairs, at) = self.find(dir, last.as_bytes())?;
        let e = at.map(|(pi, ei)| pairs[pi].entries[ei].clone());
        Ok((dir, e))
    }

    // ---- allocation ----

    fn mark_ctz(&mut self, used: &mut [bool], head: u32, size: u32) -> FsResult<()> {
        if size == 0 {
            return Ok(());
        }
        let (last, _) = ctz_pos(self.cfg.block_size, size as u64 - 1, self.cfg.block_count)?;
        let mut b = head;
        let mut i = last;
        loop {
            self.check_block(b)?;
            used[b as usize] = true;
            if i == 0 {
                return Ok(());
            }
            let mut p = [0u8; 4];
            self.dev.read(b, 0, &mut p)?;
            b = u32::from_le_bytes(p);
            i -= 1;
        }
    }

    /// Which blocks are in use (walking pairs, directories and files).
    fn compute_used(&mut self) -> FsResult<Vec<bool>> {
        let n = self.cfg.block_count as usize;
        let mut used = vec![false; n];
        let (pairs, _) = self.pairs()?;
        let mut todo: Vec<MPair> = pairs;
        let mut seen_pairs: Vec<u32> = Vec::new();
        let mut steps = 0u32;
        while let Some(p) = todo.pop() {
            steps += 1;
            if steps > 4 * self.cfg.block_count + 8 {
                return Err(ECORRUPT);
            }
            if seen_pairs.contains(&p.blocks[0]) {
                continue;
            }
            seen_pairs.push(p.blocks[0]);
            for &b in &p.blocks {
                self.check_block(b)?;
                used[b as usize] = true;
            }
            for e in &p.entries {
                match &e.st {
                    Struct::Ctz { head, size } => self.mark_ctz(&mut used, *head, *size)?,
                    Struct::Dir(d)
                        if !seen_pairs.contains(&d[0]) && !seen_pairs.contains(&d[1]) =>
                    {
                        let mp = self.fetch(*d)?;
                        todo.push(mp);
                    }
                    _ => {}
                }
            }
            if let Some((_, t)) = p.tail {
                if t[0] != NULL && !seen_pairs.contains(&t[0]) && !seen_pairs.contains(&t[1]) {
                    let mp = self.fetch(t)?;
                    todo.push(mp);
                }
            }
        }
        Ok(used)
    }

    /// Number of blocks in use, counted as littlefs's traversal reports them (which
    /// MicroPython's `statvfs` subtracts from the total): both blocks of every pair on the
    /// threaded list, again for every directory entry naming a pair, and each file block.
    pub fn used_blocks(&mut self) -> FsResult<u32> {
        // Walking everything also validates the image.
        let set = self.compute_used()?;
        if self.cfg.v1 {
            // littlefs v1's traversal reports each block once.
            return Ok(set.iter().filter(|&&x| x).count() as u32);
        }
        let (pairs, _) = self.pairs()?;
        let mut n: u32 = 0;
        for p in &pairs {
            n = n.saturating_add(2);
            for e in &p.entries {
                match &e.st {
                    Struct::Dir(_) => n = n.saturating_add(2),
                    Struct::Ctz { size, .. } if *size > 0 => {
                        let (last, _) =
                            ctz_pos(self.cfg.block_size, *size as u64 - 1, self.cfg.block_count)?;
                        n = n.saturating_add(last + 1);
                    }
                    _ => {}
                }
            }
        }
        Ok(n.min(self.cfg.block_count))
    }

    /// Allocate a free block (erased).
    fn alloc(&mut self) -> FsResult<u32> {
        if self.used.is_none() {
            self.used = Some(self.compute_used()?);
        }
        let n = self.cfg.block_count;
        let used = self.used.as_mut().ok_or(EIO)?;
        for k in 0..n {
            let b = (self.next_alloc + k) % n;
            if !used[b as usize] {
                used[b as usize] = true;
                self.next_alloc = (b + 1) % n;
                self.dev.erase(b)?;
                return Ok(b);
            }
        }
        Err(ENOSPC)
    }

    // ---- committing ----

    fn serialise(&self, p: &MPair, rev: u32) -> Option<Vec<u8>> {
        let bs = self.cfg.block_size as usize;
        let mut out: Vec<u8> = Vec::with_capacity(bs);
        out.extend_from_slice(&rev.to_le_bytes());
        let mut ptag: u32 = 0xffff_ffff;
        let mut crc = crc32(0xffff_ffff, &out);
        let mut push = |out: &mut Vec<u8>, crc: &mut u32, tag: u32, d: &[u8]| {
            let raw = (tag ^ ptag).to_be_bytes();
            out.extend_from_slice(&raw);
            out.extend_from_slice(d);
            *crc = crc32(crc32(*crc, &raw), d);
            ptag = tag;
        };
        if p.entries.len() >= 0x3ff {
            return None;
        }
        for (i, e) in p.entries.iter().enumerate() {
            let id = i as u32;
            if e.name.len() > 1022 {
                return None;
            }
            push(
                &mut out,
                &mut crc,
                mktag(e.kind as u32, id, e.name.len() as u32),
                &e.name,
            );
            match &e.st {
                Struct::None => {}
                Struct::Inline(d) => {
                    if d.len() > 1022 {
                        return None;
                    }
                    push(&mut out, &mut crc, mktag(0x201, id, d.len() as u32), d)
                }
                Struct::Ctz { head, size } => {
                    let mut d = [0u8; 8];
                    d[..4].copy_from_slice(&head.to_le_bytes());
                    d[4..].copy_from_slice(&size.to_le_bytes());
                    push(&mut out, &mut crc, mktag(0x202, id, 8), &d);
                }
                Struct::Dir(pr) => {
                    let mut d = [0u8; 8];
                    d[..4].copy_from_slice(&pr[0].to_le_bytes());
                    d[4..].copy_from_slice(&pr[1].to_le_bytes());
                    push(&mut out, &mut crc, mktag(0x200, id, 8), &d);
                }
            }
            for (t, v) in &e.attrs {
                if v.len() > 1022 {
                    return None;
                }
                push(
                    &mut out,
                    &mut crc,
                    mktag(0x300 | *t as u32, id, v.len() as u32),
                    v,
                );
            }
        }
        if let Some((hard, t)) = p.tail {
            let mut d = [0u8; 8];
            d[..4].copy_from_slice(&t[0].to_le_bytes());
            d[4..].copy_from_slice(&t[1].to_le_bytes());
            push(
                &mut out,
                &mut crc,
                mktag(if hard { 0x601 } else { 0x600 }, 0x3ff, 8),
                &d,
            );
        }
        if p.gdelta.iter().any(|&b| b != 0) {
            push(&mut out, &mut crc, mktag(0x7ff, 0x3ff, 12), &p.gdelta);
        }
        // The CRC tag, padded so the commit ends on a program boundary; the rest of the
        // block is 0xff, so the CRC tag's valid-state bit is 0.
        let prog = self.cfg.prog_size.max(1) as usize;
        let crc_off = out.len();
        let end = (crc_off + 8).div_ceil(prog) * prog;
        let len = (end - crc_off - 4) as u32;
        if end > bs || len > 0x3fe {
            return None;
        }
        let tag = mktag(0x500, 0x3ff, len);
        let raw = (tag ^ ptag).to_be_bytes();
        out.extend_from_slice(&raw);
        crc = crc32(crc, &raw);
        out.extend_from_slice(&crc.to_le_bytes());
        out.resize(bs, 0xff);
        Some(out)
    }

    /// Fill a block with 0xff so no stale commit in it can be taken for current.
    pub(crate) fn invalidate(&mut self, b: u32) -> FsResult<()> {
        self.check_block(b)?;
        self.dev.erase(b)?;
        let img = vec![0xffu8; self.cfg.block_size as usize];
        self.dev.prog(b, 0, &img)
    }

    /// Write a pair's contents into its other block (splitting it if it does not fit).
    pub fn commit(&mut self, p: &mut MPair) -> FsResult<()> {
        let rev = p.rev.wrapping_add(1);
        let img = if self.cfg.v1 {
            v1::serialise(self.cfg.block_size as usize, p, rev)
        } else {
            self.serialise(p, rev)
        };
        match img {
            Some(img) => {
                let b = p.blocks[1];
                self.check_block(b)?;
                self.dev.erase(b)?;
                self.dev.prog(b, 0, &img)?;
                p.blocks.swap(0, 1);
                p.rev = rev;
                Ok(())
            }
            None => {
                // Split: move the second half of the entries to a new pair after this one.
                let n = p.entries.len();
                let keep = n / 2;
                if keep == 0 || (keep == 1 && p.entries[0].kind == TYPE_SUPER && n < 3) {
                    return Err(ENOSPC);
                }
                let b0 = self.alloc()?;
                let b1 = self.alloc()?;
                self.invalidate(b1)?;
                let mut np = MPair {
                    blocks: [b1, b0],
                    rev: 0,
                    entries: p.entries.split_off(keep),
                    tail: p.tail,
                    gdelta: [0; 12],
                };
                self.commit(&mut np)?;
                p.tail = Some((true, np.blocks_sorted()));
                self.commit(p)
            }
        }
    }

    /// Format: an empty root holding the superblock in pair {0, 1}.
    pub fn format(&mut self) -> FsResult<()> {
        if self.cfg.block_count < 2 || self.cfg.block_size < 128 {
            return Err(EINVAL);
        }
        if self.cfg.v1 {
            return v1::format(self);
        }
        let mut sb = Vec::new();
        sb.extend_from_slice(&0x0002_0000u32.to_le_bytes());
        sb.extend_from_slice(&self.cfg.block_size.to_le_bytes());
        sb.extend_from_slice(&self.cfg.block_count.to_le_bytes());
        sb.extend_from_slice(&self.cfg.name_max.to_le_bytes());
        sb.extend_from_slice(&0x7fff_ffffu32.to_le_bytes());
        sb.extend_from_slice(&1022u32.to_le_bytes());
        let mut p = MPair {
            blocks: [1, 0],
            rev: 0,
            entries: vec![MEntry {
                kind: TYPE_SUPER,
                name: b"littlefs".to_vec(),
                st: Struct::Inline(sb),
                attrs: Vec::new(),
            }],
            tail: None,
            gdelta: [0; 12],
        };
        // Invalidate block 1 so an old commit there cannot win.
        self.invalidate(1)?;
        self.commit(&mut p)?;
        self.dev.sync()
    }

    /// Re-read a pair by its blocks and apply `f` to it, then commit.
    pub fn update_pair(
        &mut self,
        pair: [u32; 2],
        f: impl FnOnce(&mut MPair) -> FsResult<()>,
    ) -> FsResult<()> {
        let mut p = self.fetch(pair)?;
        f(&mut p)?;
        self.commit(&mut p)
    }

    /// Insert an entry into a directory at its sorted place (littlefs order: bytewise, and a
    /// name sorts before its own prefixes).
    pub fn insert(&mut self, dir: [u32; 2], e: MEntry) -> FsResult<()> {
        let pairs = self.dir_pairs(dir)?;
        if self.cfg.v1 {
            // v1 keeps entries in creation order.
            let mut p = pairs[pairs.len() - 1].clone();
            p.entries.push(e);
            return self.commit(&mut p);
        }
        // The pair to insert into: the first whose entries include a name greater than ours,
        // else the last.
        let mut target = pairs.len() - 1;
        'outer: for (pi, p) in pairs.iter().enumerate() {
            for x in &p.entries {
                if x.kind != TYPE_SUPER
                    && name_cmp(&x.name, &e.name) == core::cmp::Ordering::Greater
                {
                    target = pi;
                    break 'outer;
                }
            }
        }
        let mut p = pairs[target].clone();
        let pos = p
            .entries
            .iter()
            .position(|x| {
                x.kind != TYPE_SUPER && name_cmp(&x.name, &e.name) == core::cmp::Ordering::Greater
            })
            .unwrap_or(p.entries.len());
        p.entries.insert(pos, e);
        self.commit(&mut p)
    }

    /// Remove the entry called `name` from a directory; returns it.
    pub fn remove_entry(&mut self, dir: [u32; 2], name: &[u8]) -> FsResult<MEntry> {
        let (pairs, at) = self.find(dir, name)?;
        let (pi, ei) = at.ok_or(ENOENT)?;
        let mut p = pairs[pi].clone();
        let e = p.entries.remove(ei);
        self.commit(&mut p)?;
        Ok(e)
    }

    /// Replace the entry called `name` in a directory.
    pub fn replace_entry(&mut self, dir: [u32; 2], name: &[u8], e: MEntry) -> FsResult<()> {
        let (pairs, at) = self.find(dir, name)?;
        let (pi, ei) = at.ok_or(ENOENT)?;
        let mut p = pairs[pi].clone();
        p.entries[ei] = e;
        self.commit(&mut p)
    }

    /// Make a directory `name` in `parent`.
    pub fn mkdir(
        &mut self,
        parent: [u32; 2],
        name: &[u8],
        attrs: Vec<(u8, Vec<u8>)>,
    ) -> FsResult<()> {
        let b0 = self.alloc()?;
        let b1 = self.alloc()?;
        self.invalidate(b1)?;
        // Thread the new pair into the soft-tail list after the parent's last pair.
        let pairs = self.dir_pairs(parent)?;
        let mut last = pairs[pairs.len() - 1].clone();
        let mut np = MPair {
            blocks: [b1, b0],
            rev: 0,
            entries: Vec::new(),
            tail: last.tail,
            gdelta: [0; 12],
        };
        self.commit(&mut np)?;
        let new_pair = np.blocks_sorted();
        last.tail = Some((false, new_pair));
        self.commit(&mut last)?;
        self.insert(
            parent,
            MEntry {
                kind: TYPE_DIR,
                name: name.to_vec(),
                st: Struct::Dir(new_pair),
                attrs,
            },
        )
    }

    /// Unlink a removed directory's pairs from the soft-tail list.
    pub fn unthread(&mut self, dir: [u32; 2]) -> FsResult<()> {
        let dpairs = self.dir_pairs(dir)?;
        let after = dpairs[dpairs.len() - 1].tail;
        let (all, _) = self.pairs()?;
        for p in all {
            if let Some((_, t)) = p.tail {
                if same_pair(t, dir) {
                    let mut q = p.clone();
                    q.tail = after;
                    return self.commit(&mut q);
                }
            }
        }
        Ok(())
    }

    // ---- file data ----

    /// Block addresses of a CTZ list, index 0 first.
    fn ctz_blocks(&mut self, head: u32, size: u32) -> FsResult<Vec<u32>> {
        if size == 0 {
            return Ok(Vec::new());
        }
        let (last, _) = ctz_pos(self.cfg.block_size, size as u64 - 1, self.cfg.block_count)?;
        let mut out = vec![0u32; last as usize + 1];
        let mut b = head;
        let mut i = last;
        loop {
            self.check_block(b)?;
            out[i as usize] = b;
            if i == 0 {
                return Ok(out);
            }
            let mut p = [0u8; 4];
            self.dev.read(b, 0, &mut p)?;
            b = u32::from_le_bytes(p);
            i -= 1;
        }
    }

    /// Read file bytes at `pos`.
    pub fn read_file(&mut self, e: &MEntry, pos: u64, buf: &mut [u8]) -> FsResult<usize> {
        match &e.st {
            Struct::Inline(d) => {
                if pos >= d.len() as u64 {
                    return Ok(0);
                }
                let p = pos as usize;
                let n = buf.len().min(d.len() - p);
                buf[..n].copy_from_slice(&d[p..p + n]);
                Ok(n)
            }
            Struct::Ctz { head, size } => {
                let size = *size as u64;
                if pos >= size {
                    return Ok(0);
                }
                let want = (buf.len() as u64).min(size - pos) as usize;
                let (first, _) = ctz_pos(self.cfg.block_size, pos, self.cfg.block_count)?;
                let (last, _) = ctz_pos(self.cfg.block_size, size - 1, self.cfg.block_count)?;
                // Walk back from the head collecting only the blocks we need.
                let mut blocks = vec![0u32; (last - first) as usize + 1];
                let mut b = *head;
                let mut i = last;
                loop {
                    self.check_block(b)?;
                    if i >= first {
                        blocks[(i - first) as usize] = b;
                    }
                    if i == first {
                        break;
                    }
                    let mut p = [0u8; 4];
                    self.dev.read(b, 0, &mut p)?;
                    b = u32::from_le_bytes(p);
                    i -= 1;
                }
                let mut done = 0usize;
                while done < want {
                    let (bi, off) =
                        ctz_pos(self.cfg.block_size, pos + done as u64, self.cfg.block_count)?;
                    let blk = *blocks.get((bi - first) as usize).ok_or(ECORRUPT)?;
                    let n = ((self.cfg.block_size - off) as usize).min(want - done);
                    self.dev.read(blk, off, &mut buf[done..done + n])?;
                    done += n;
                }
                Ok(done)
            }
            _ => Err(EISDIR),
        }
    }

    /// Write `data` at `pos` of a file entry, returning the entry's new struct.
    pub fn write_file(&mut self, e: &MEntry, pos: u64, data: &[u8]) -> FsResult<Struct> {
        let old_size = e.size() as u64;
        let end = pos.checked_add(data.len() as u64).ok_or(EFBIG)?;
        if end > 0x7fff_ffff {
            return Err(EFBIG);
        }
        let new_size = old_size.max(end);
        let capacity = self.cfg.block_count as u64 * self.cfg.block_size as u64;
        if old_size > capacity {
            return Err(ECORRUPT);
        }
        if new_size > capacity {
            return Err(ENOSPC);
        }
        let inline_now = matches!(e.st, Struct::Inline(_) | Struct::None);
        if inline_now && new_size <= self.cfg.inline_max as u64 {
            let mut d = match &e.st {
                Struct::Inline(d) => d.clone(),
                _ => Vec::new(),
            };
            d.resize(new_size as usize, 0);
            d[pos as usize..end as usize].copy_from_slice(data);
            return Ok(Struct::Inline(d));
        }
        if new_size == 0 {
            return Ok(Struct::Inline(Vec::new()));
        }
        let bs = self.cfg.block_size;
        let start = pos.min(old_size);
        // Keep the blocks before the one holding `start`.
        let k = match e.st {
            Struct::Ctz { .. } => ctz_pos(bs, start, self.cfg.block_count.saturating_add(1))?.0,
            _ => 0,
        };
        let (mut blocks, block_start) = match &e.st {
            Struct::Ctz { head, size } => {
                let mut all = self.ctz_blocks(*head, *size)?;
                all.truncate(k as usize);
                let mut bstart = 0u64;
                for i in 0..k {
                    bstart += ctz_cap(bs, i) as u64;
                }
                (all, bstart)
            }
            _ => (Vec::new(), 0u64),
        };
        if blocks.len() != k as usize {
            return Err(ECORRUPT);
        }
        // The bytes from block k's start to the new end.
        let mut tail = vec![0u8; (new_size - block_start) as usize];
        let keep_old = (old_size - block_start.min(old_size)) as usize;
        if keep_old > 0 {
            let mut tmp = vec![0u8; keep_old];
            let n = self.read_file(e, block_start, &mut tmp)?;
            tail[..n].copy_from_slice(&tmp[..n]);
        }
        let o = (pos - block_start) as usize;
        tail[o..o + data.len()].copy_from_slice(data);
        let mut i = k;
        let mut off = 0usize;
        while off < tail.len() {
            let np = ctz_ptrs(i);
            let cap = ctz_cap(bs, i) as usize;
            let n = cap.min(tail.len() - off);
            let b = self.alloc()?;
            let mut img = Vec::with_capacity(bs as usize);
            for x in 0..np {
                let target = blocks.get((i - (1 << x)) as usize).copied().ok_or(EIO)?;
                img.extend_from_slice(&target.to_le_bytes());
            }
            img.extend_from_slice(&tail[off..off + n]);
            self.dev.prog(b, 0, &img)?;
            blocks.push(b);
            off += n;
            i += 1;
        }
        let head = *blocks.last().ok_or(EIO)?;
        Ok(Struct::Ctz {
            head,
            size: new_size as u32,
        })
    }
}

impl MPair {
    /// The pair's blocks in the order a pointer to it names them.
    pub fn blocks_sorted(&self) -> [u32; 2] {
        self.blocks
    }
}

/// Same pair, in either order.
pub fn same_pair(a: [u32; 2], b: [u32; 2]) -> bool {
    (a[0] == b[0] && a[1] == b[1]) || (a[0] == b[1] && a[1] == b[0])
}

/// littlefs's directory order.
pub fn name_cmp(a: &[u8], b: &[u8]) -> core::cmp::Ordering {
    let n = a.len().min(b.len());
    match a[..n].cmp(&b[..n]) {
        core::cmp::Ordering::Equal => b.len().cmp(&a.len()),
        o => o,
    }
}

#[cfg(test)]
mod tests;
