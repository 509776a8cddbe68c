//! A FAT12/16/32 filesystem with long file names, written from Microsoft's FAT specification
//! ("Microsoft Extensible Firmware Initiative FAT32 File System Specification", v1.03).
//!
//! Nothing here knows Python: the filesystem runs over a [`BlockDev`] and reports failures as
//! errno values (see [`errno`]). The Python face is `vfs_fat.rs`.
//!
//! Shape of the code:
//! - [`Vol`]: the geometry of a mounted volume (parsed from the boot sector by [`Vol::parse`]),
//!   plain data that the Python object keeps between calls.
//! - [`Fs`]: one operation's view of a volume: the device, the geometry, a small write-back
//!   sector cache that [`Fs::flush`] writes out (every public operation of the binding ends with
//!   a flush, so the image on the device is consistent between calls, and an unclosed file loses
//!   nothing).
//! - [`mkfs`]: formatting, choosing the same layout as MicroPython's `VfsFat.mkfs` (FAT12/16 on
//!   an unpartitioned volume with one FAT and 512 root entries, FAT32 in an MBR partition
//!   at sector 63 when the volume is too big for FAT16).
//!
//! Robustness: every value read from the image is checked before use (cluster numbers against
//! the cluster count, chain walks bounded by the cluster count, sizes against the chain), and
//! a corrupt image gives `EIO` (or `ENODEV` for an unrecognisable boot sector), never a panic or
//! an endless loop.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

pub mod name;
pub mod time;

/// errno values as MicroPython numbers them.
pub mod errno {
    pub const ENOENT: i32 = 2;
    pub const EIO: i32 = 5;
    pub const EBADF: i32 = 9;
    pub const ENOMEM: i32 = 12;
    pub const EACCES: i32 = 13;
    pub const EEXIST: i32 = 17;
    pub const ENODEV: i32 = 19;
    pub const ENOTDIR: i32 = 20;
    pub const EISDIR: i32 = 21;
    pub const EINVAL: i32 = 22;
    pub const EFBIG: i32 = 27;
    pub const ENOSPC: i32 = 28;
    pub const EROFS: i32 = 30;
    pub const ENAMETOOLONG: i32 = 36;
    pub const ENOTEMPTY: i32 = 39;
    /// Not an errno: the block device raised a Python exception, which the binding kept and
    /// re-raises.
    pub const EDEVEXC: i32 = -1;
}
use errno::*;

pub type FsResult<T> = Result<T, i32>;

/// A block device of fixed-size sectors.
pub trait BlockDev {
    /// Bytes per sector.
    fn sector_size(&self) -> usize;
    /// Read `buf.len()` bytes (one sector) from sector `lba`.
    fn read(&mut self, lba: u64, buf: &mut [u8]) -> FsResult<()>;
    /// Write one sector.
    fn write(&mut self, lba: u64, buf: &[u8]) -> FsResult<()>;
    /// Make written data durable.
    fn sync(&mut self) -> FsResult<()>;
}

/// FAT variant.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FatType {
    Fat12,
    Fat16,
    Fat32,
}

/// Directory attributes.
pub const ATTR_RO: u8 = 0x01;
pub const ATTR_HIDDEN: u8 = 0x02;
pub const ATTR_SYSTEM: u8 = 0x04;
pub const ATTR_VOLUME: u8 = 0x08;
pub const ATTR_DIR: u8 = 0x10;
pub const ATTR_ARCHIVE: u8 = 0x20;
pub const ATTR_LFN: u8 = 0x0f;

/// Geometry of a mounted volume.
#[derive(Clone, Copy, Debug)]
pub struct Vol {
    pub ftype: FatType,
    /// Bytes per sector.
    pub ss: u32,
    /// Sectors per cluster.
    pub spc: u32,
    /// First sector of the volume (non-zero inside a partition).
    pub base: u64,
    pub fat_start: u64,
    pub fat_size: u32,
    pub nfats: u32,
    /// FAT12/16 root directory region (sector, entries); FAT32 uses `root_cluster`.
    pub root_start: u64,
    pub root_entries: u32,
    pub root_cluster: u32,
    pub data_start: u64,
    /// Number of data clusters (valid cluster numbers are 2..nclusters+2).
    pub nclusters: u32,
    /// FAT32 FSInfo sector (absolute), 0 if none.
    pub fsinfo: u64,
}

fn le16(b: &[u8], o: usize) -> u32 {
    match b.get(o..o + 2) {
        Some(s) => u16::from_le_bytes([s[0], s[1]]) as u32,
        None => 0,
    }
}
fn le32(b: &[u8], o: usize) -> u32 {
    match b.get(o..o + 4) {
        Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
        None => 0,
    }
}
fn put16(b: &mut [u8], o: usize, v: u32) {
    if let Some(s) = b.get_mut(o..o + 2) {
        s.copy_from_slice(&(v as u16).to_le_bytes());
    }
}
fn put32(b: &mut [u8], o: usize, v: u32) {
    if let Some(s) = b.get_mut(o..o + 4) {
        s.copy_from_slice(&v.to_le_bytes());
    }
}

impl Vol {
    /// Parse a boot sector found at absolute sector `base`; None if it is not a FAT volume.
    pub fn parse(b: &[u8], base: u64, dev_ss: usize) -> Option<Vol> {
        if b.len() < 512 || b[510] != 0x55 || b[511] != 0xaa {
            return None;
        }
        if !(b[0] == 0xeb || b[0] == 0xe9) {
            return None;
        }
        let ss = le16(b, 11);
        if !matches!(ss, 512 | 1024 | 2048 | 4096) || ss as usize != dev_ss {
            return None;
        }
        let spc = b[13] as u32;
        if spc == 0 || !spc.is_power_of_two() {
            return None;
        }
        let rsv = le16(b, 14);
        let nfats = b[16] as u32;
        let root_entries = le16(b, 17);
        let tot16 = le16(b, 19);
        let fsz16 = le16(b, 22);
        let tot32 = le32(b, 32);
        if rsv == 0 || nfats == 0 || nfats > 2 {
            return None;
        }
        let fat_size = if fsz16 != 0 { fsz16 } else { le32(b, 36) };
        let total = if tot16 != 0 { tot16 } else { tot32 } as u64;
        if fat_size == 0 || total == 0 {
            return None;
        }
        let root_secs = (root_entries as u64 * 32).div_ceil(ss as u64);
        let meta = rsv as u64 + nfats as u64 * fat_size as u64 + root_secs;
        if meta >= total {
            return None;
        }
        let nclusters64 = (total - meta) / spc as u64;
        if nclusters64 == 0 || nclusters64 > 0x0fff_fff5 {
            return None;
        }
        let nclusters = nclusters64 as u32;
        let ftype = if nclusters < 4085 {
            FatType::Fat12
        } else if nclusters < 65525 {
            FatType::Fat16
        } else {
            FatType::Fat32
        };
        // The FAT must hold an entry for every cluster.
        let need_bytes: u64 = match ftype {
            FatType::Fat12 => (nclusters as u64 + 2) * 3 / 2,
            FatType::Fat16 => (nclusters as u64 + 2) * 2,
            FatType::Fat32 => (nclusters as u64 + 2) * 4,
        };
        if (fat_size as u64) * (ss as u64) < need_bytes {
            return None;
        }
        let fat_start = base + rsv as u64;
        let root_start = fat_start + nfats as u64 * fat_size as u64;
        let (root_cluster, fsinfo) = if ftype == FatType::Fat32 {
            if root_entries != 0 || fsz16 != 0 {
                return None;
            }
            let rc = le32(b, 44) & 0x0fff_ffff;
            if rc < 2 || rc >= nclusters + 2 {
                return None;
            }
            let fi = le16(b, 48);
            let fsinfo = if fi != 0 && fi < rsv {
                base + fi as u64
            } else {
                0
            };
            (rc, fsinfo)
        } else {
            if root_entries == 0 {
                return None;
            }
            (0, 0)
        };
        Some(Vol {
            ftype,
            ss,
            spc,
            base,
            fat_start,
            fat_size,
            nfats,
            root_start,
            root_entries,
            root_cluster,
            data_start: root_start + root_secs,
            nclusters,
            fsinfo,
        })
    }

    /// Bytes per cluster.
    pub fn cluster_bytes(&self) -> u32 {
        self.ss * self.spc
    }

    fn cluster_lba(&self, c: u32) -> u64 {
        self.data_start + (c as u64 - 2) * self.spc as u64
    }

    fn valid_cluster(&self, c: u32) -> bool {
        c >= 2 && c < self.nclusters.saturating_add(2)
    }

    fn eoc(&self) -> u32 {
        match self.ftype {
            FatType::Fat12 => 0xfff,
            FatType::Fat16 => 0xffff,
            FatType::Fat32 => 0x0fff_ffff,
        }
    }
}

/// Find and parse the volume on a device: a boot sector at sector 0, or the first FAT
/// partition of an MBR there.
pub fn mount<D: BlockDev>(dev: &mut D) -> FsResult<Vol> {
    let ss = dev.sector_size();
    let mut b = vec![0u8; ss];
    dev.read(0, &mut b)?;
    if let Some(v) = Vol::parse(&b, 0, ss) {
        return Ok(v);
    }
    if b.len() >= 512 && b[510] == 0x55 && b[511] == 0xaa {
        for i in 0..4 {
            let e = 446 + 16 * i;
            let ptype = b[e + 4];
            let start = le32(&b, e + 8) as u64;
            if ptype == 0 || start == 0 {
                continue;
            }
            let mut pb = vec![0u8; ss];
            dev.read(start, &mut pb)?;
            if let Some(v) = Vol::parse(&pb, start, ss) {
                return Ok(v);
            }
        }
    }
    Err(ENODEV)
}

/// A directory: the FAT12/16 root region or a cluster chain.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dir {
    Root16,
    Chain(u32),
}

/// Where a 32-byte directory entry lives.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Loc {
    pub lba: u64,
    pub off: u32,
}

/// A directory entry as read.
#[derive(Clone, Debug)]
pub struct Entry {
    pub name: String,
    pub sfn: [u8; 11],
    pub attr: u8,
    pub cluster: u32,
    pub size: u32,
    pub wtime: u16,
    pub wdate: u16,
    /// The short entry.
    pub loc: Loc,
    /// The long-name entries before it (may be empty).
    pub lfn: Vec<Loc>,
}

impl Entry {
    pub fn is_dir(&self) -> bool {
        self.attr & ATTR_DIR != 0
    }
}

/// State of an open file that the binding keeps between calls.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileState {
    pub loc: Loc,
    pub cluster: u32,
    pub size: u32,
    /// Cached position in the chain: cluster number `hint_clu` is the `hint_idx`-th.
    pub hint_idx: u32,
    pub hint_clu: u32,
}

struct CacheEntry {
    lba: u64,
    data: Vec<u8>,
    dirty: bool,
}

const CACHE_SLOTS: usize = 6;

/// One operation's view of a volume.
pub struct Fs<'d, D: BlockDev> {
    pub dev: &'d mut D,
    pub vol: Vol,
    cache: Vec<CacheEntry>,
    /// Free cluster count if known (kept by the caller between operations).
    pub free: Option<u32>,
    /// Where to start looking for a free cluster.
    pub next_free: u32,
    /// Current time as (FAT date, FAT time), for timestamps.
    pub now: (u16, u16),
    free_changed: bool,
}

impl<'d, D: BlockDev> Fs<'d, D> {
    pub fn new(dev: &'d mut D, vol: Vol) -> Self {
        Fs {
            dev,
            vol,
            cache: Vec::new(),
            free: None,
            next_free: 2,
            now: (time::DEFAULT_DATE, 0),
            free_changed: false,
        }
    }

    // ---- sector cache ----

    fn slot(&mut self, lba: u64) -> FsResult<usize> {
        if let Some(i) = self.cache.iter().position(|e| e.lba == lba) {
            return Ok(i);
        }
        if self.cache.len() >= CACHE_SLOTS {
            // Evict the oldest (writing it back first).
            let e = self.cache.remove(0);
            if e.dirty {
                self.dev.write(e.lba, &e.data)?;
            }
        }
        let mut data = vec![0u8; self.vol.ss as usize];
        self.dev.read(lba, &mut data)?;
        self.cache.push(CacheEntry {
            lba,
            data,
            dirty: false,
        });
        Ok(self.cache.len() - 1)
    }

    fn sector(&mut self, lba: u64) -> FsResult<&[u8]> {
        let i = self.slot(lba)?;
        Ok(&self.cache[i].data)
    }

    fn sector_mut(&mut self, lba: u64) -> FsResult<&mut [u8]> {
        let i = self.slot(lba)?;
        let e = &mut self.cache[i];
        e.dirty = true;
        Ok(&mut e.data)
    }

    /// A sector that will be completely overwritten (not read first).
    fn sector_new(&mut self, lba: u64) -> FsResult<&mut [u8]> {
        if let Some(i) = self.cache.iter().position(|e| e.lba == lba) {
            let e = &mut self.cache[i];
            e.dirty = true;
            e.data.fill(0);
            return Ok(&mut e.data);
        }
        if self.cache.len() >= CACHE_SLOTS {
            let e = self.cache.remove(0);
            if e.dirty {
                self.dev.write(e.lba, &e.data)?;
            }
        }
        self.cache.push(CacheEntry {
            lba,
            data: vec![0u8; self.vol.ss as usize],
            dirty: true,
        });
        let n = self.cache.len() - 1;
        Ok(&mut self.cache[n].data)
    }

    /// Write every dirty sector (and the FSInfo free count on FAT32).
    pub fn flush(&mut self) -> FsResult<()> {
        if self.free_changed && self.vol.fsinfo != 0 {
            self.free_changed = false;
            let (free, next) = (self.free, self.next_free);
            let lba = self.vol.fsinfo;
            let s = self.sector(lba)?;
            if le32(s, 0) == 0x4161_5252 && le32(s, 484) == 0x6141_7272 {
                let s = self.sector_mut(lba)?;
                put32(s, 488, free.unwrap_or(0xffff_ffff));
                put32(s, 492, next);
            }
        }
        for e in self.cache.iter_mut() {
            if e.dirty {
                self.dev.write(e.lba, &e.data)?;
                e.dirty = false;
            }
        }
        Ok(())
    }

    // ---- the FAT ----

    fn fat_byte_loc(&self, byte: u64) -> (u64, usize) {
        let ss = self.vol.ss as u64;
        (self.vol.fat_start + byte / ss, (byte % ss) as usize)
    }

    /// The FAT entry of cluster `c` (raw).
    fn fat_get(&mut self, c: u32) -> FsResult<u32> {
        if !self.vol.valid_cluster(c) {
            return Err(EIO);
        }
        match self.vol.ftype {
            FatType::Fat12 => {
                let off = c as u64 + c as u64 / 2;
                let (l0, o0) = self.fat_byte_loc(off);
                let b0 = self.sector(l0)?[o0] as u32;
                let (l1, o1) = self.fat_byte_loc(off + 1);
                let b1 = self.sector(l1)?[o1] as u32;
                let v = b0 | (b1 << 8);
                Ok(if c & 1 == 1 { v >> 4 } else { v & 0xfff })
            }
            FatType::Fat16 => {
                let (l, o) = self.fat_byte_loc(c as u64 * 2);
                Ok(le16(self.sector(l)?, o))
            }
            FatType::Fat32 => {
                let (l, o) = self.fat_byte_loc(c as u64 * 4);
                Ok(le32(self.sector(l)?, o) & 0x0fff_ffff)
            }
        }
    }

    fn fat_set(&mut self, c: u32, v: u32) -> FsResult<()> {
        if !self.vol.valid_cluster(c) {
            return Err(EIO);
        }
        for k in 0..self.vol.nfats {
            let shift = k as u64 * self.vol.fat_size as u64 * self.vol.ss as u64;
            match self.vol.ftype {
                FatType::Fat12 => {
                    let off = c as u64 + c as u64 / 2 + shift;
                    let (l0, o0) = self.fat_byte_loc(off);
                    let (l1, o1) = self.fat_byte_loc(off + 1);
                    if c & 1 == 1 {
                        let s = self.sector_mut(l0)?;
                        s[o0] = (s[o0] & 0x0f) | ((v << 4) as u8 & 0xf0);
                        let s = self.sector_mut(l1)?;
                        s[o1] = (v >> 4) as u8;
                    } else {
                        let s = self.sector_mut(l0)?;
                        s[o0] = v as u8;
                        let s = self.sector_mut(l1)?;
                        s[o1] = (s[o1] & 0xf0) | ((v >> 8) as u8 & 0x0f);
                    }
                }
                FatType::Fat16 => {
                    let (l, o) = self.fat_byte_loc(c as u64 * 2 + shift);
                    put16(self.sector_mut(l)?, o, v);
                }
                FatType::Fat32 => {
                    let (l, o) = self.fat_byte_loc(c as u64 * 4 + shift);
                    let s = self.sector_mut(l)?;
                    let old = le32(s, o);
                    put32(s, o, (old & 0xf000_0000) | (v & 0x0fff_ffff));
                }
            }
        }
        Ok(())
    }

    /// The cluster after `c` in its chain, None at the end; EIO for a bad link.
    pub fn next(&mut self, c: u32) -> FsResult<Option<u32>> {
        let v = self.fat_get(c)?;
        let end = match self.vol.ftype {
            FatType::Fat12 => 0xff8,
            FatType::Fat16 => 0xfff8,
            FatType::Fat32 => 0x0fff_fff8,
        };
        if v >= end {
            Ok(None)
        } else if self.vol.valid_cluster(v) {
            Ok(Some(v))
        } else {
            Err(EIO)
        }
    }

    /// Count free clusters (cached in `self.free`).
    pub fn free_clusters(&mut self) -> FsResult<u32> {
        if let Some(f) = self.free {
            if f <= self.vol.nclusters {
                return Ok(f);
            }
        }
        let mut n = 0;
        for c in 2..self.vol.nclusters + 2 {
            if self.fat_get(c)? == 0 {
                n += 1;
            }
        }
        self.free = Some(n);
        Ok(n)
    }

    /// Allocate a cluster, mark it end-of-chain and link it after `prev` (if any).
    fn alloc_cluster(&mut self, prev: Option<u32>) -> FsResult<u32> {
        if self.free == Some(0) {
            return Err(ENOSPC);
        }
        let n = self.vol.nclusters;
        let start = if self.vol.valid_cluster(self.next_free) {
            self.next_free
        } else {
            2
        };
        let mut c = start;
        let mut found = None;
        for _ in 0..n {
            if self.fat_get(c)? == 0 {
                found = Some(c);
                break;
            }
            c += 1;
            if c >= n + 2 {
                c = 2;
            }
        }
        let Some(c) = found else {
            self.free = Some(0);
            return Err(ENOSPC);
        };
        let eoc = self.vol.eoc();
        self.fat_set(c, eoc)?;
        if let Some(p) = prev {
            self.fat_set(p, c)?;
        }
        self.next_free = if c + 1 < n + 2 { c + 1 } else { 2 };
        if let Some(f) = self.free.as_mut() {
            *f = f.saturating_sub(1);
        }
        self.free_changed = true;
        Ok(c)
    }

    /// Free the chain starting at `c` (0 = nothing).
    fn free_chain(&mut self, mut c: u32) -> FsResult<()> {
        let mut steps = 0;
        while c != 0 {
            steps += 1;
            if steps > self.vol.nclusters {
                return Err(EIO);
            }
            let nx = self.next(c)?;
            self.fat_set(c, 0)?;
            if let Some(f) = self.free.as_mut() {
                *f = (*f + 1).min(self.vol.nclusters);
            }
            self.free_changed = true;
            c = nx.unwrap_or(0);
        }
        Ok(())
    }

    fn zero_cluster(&mut self, c: u32) -> FsResult<()> {
        let lba = self.vol.cluster_lba(c);
        for i in 0..self.vol.spc as u64 {
            self.sector_new(lba + i)?;
        }
        Ok(())
    }

    // ---- directories ----

    pub fn root(&self) -> Dir {
        match self.vol.ftype {
            FatType::Fat32 => Dir::Chain(self.vol.root_cluster),
            _ => Dir::Root16,
        }
    }

    /// Locations of all entry slots of `dir`, in order.
    fn dir_slots(&mut self, dir: Dir) -> FsResult<Vec<Loc>> {
        let per = self.vol.ss / 32;
        let mut out = Vec::new();
        match dir {
            Dir::Root16 => {
                for i in 0..self.vol.root_entries {
                    out.push(Loc {
                        lba: self.vol.root_start + (i / per) as u64,
                        off: (i % per) * 32,
                    });
                }
            }
            Dir::Chain(mut c) => {
                let mut steps = 0;
                loop {
                    steps += 1;
                    if steps > self.vol.nclusters || !self.vol.valid_cluster(c) {
                        return Err(EIO);
                    }
                    // A directory holds at most 65536 entries (2 MiB): more means a loop.
                    if out.len() >= 65536 {
                        return Err(EIO);
                    }
                    let lba = self.vol.cluster_lba(c);
                    for s in 0..self.vol.spc as u64 {
                        for k in 0..per {
                            out.push(Loc {
                                lba: lba + s,
                                off: k * 32,
                            });
                        }
                    }
                    match self.next(c)? {
                        Some(n) => c = n,
                        None => break,
                    }
                }
            }
        }
        Ok(out)
    }

    fn raw_entry(&mut self, l: Loc) -> FsResult<[u8; 32]> {
        let s = self.sector(l.lba)?;
        let mut e = [0u8; 32];
        let o = l.off as usize;
        e.copy_from_slice(s.get(o..o + 32).ok_or(EIO)?);
        Ok(e)
    }

    fn put_entry(&mut self, l: Loc, e: &[u8; 32]) -> FsResult<()> {
        let s = self.sector_mut(l.lba)?;
        let o = l.off as usize;
        s.get_mut(o..o + 32).ok_or(EIO)?.copy_from_slice(e);
        Ok(())
    }

    /// Every live entry of `dir` (without "." and "..", volume labels and long-name parts).
    pub fn list(&mut self, dir: Dir) -> FsResult<Vec<Entry>> {
        let slots = self.dir_slots(dir)?;
        let mut out = Vec::new();
        let mut lfn = name::LfnAccum::default();
        for l in slots {
            let e = self.raw_entry(l)?;
            if e[0] == 0 {
                break;
            }
            if e[0] == 0xe5 {
                lfn.reset();
                continue;
            }
            if e[11] & 0x3f == ATTR_LFN {
                lfn.add(&e, l);
                continue;
            }
            if e[11] & ATTR_VOLUME != 0 {
                lfn.reset();
                continue;
            }
            let mut sfn = [0u8; 11];
            sfn.copy_from_slice(&e[..11]);
            if sfn[0] == b'.' && (&sfn[1..] == b"          " || &sfn[1..] == b".         ") {
                lfn.reset();
                continue;
            }
            let (long, locs) = lfn.take(&sfn);
            let name = match long {
                Some(n) => n,
                None => name::sfn_display(&sfn, e[12]),
            };
            let hi = if self.vol.ftype == FatType::Fat32 {
                le16(&e, 20) << 16
            } else {
                0
            };
            out.push(Entry {
                name,
                sfn,
                attr: e[11],
                cluster: hi | le16(&e, 26),
                size: le32(&e, 28),
                wtime: le16(&e, 22) as u16,
                wdate: le16(&e, 24) as u16,
                loc: l,
                lfn: locs,
            });
        }
        Ok(out)
    }

    /// The entry called `n` in `dir` (case-insensitive, long or short name).
    pub fn find(&mut self, dir: Dir, n: &str) -> FsResult<Option<Entry>> {
        let list = self.list(dir)?;
        for e in list {
            if name::eq_nocase(&e.name, n) || name::sfn_display(&e.sfn, 0).eq_ignore_ascii_case(n) {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// The directory an entry names (EIO if its cluster is bad).
    pub fn entry_dir(&self, e: &Entry) -> FsResult<Dir> {
        if e.cluster == 0 {
            return Ok(self.root());
        }
        if !self.vol.valid_cluster(e.cluster) {
            return Err(EIO);
        }
        Ok(Dir::Chain(e.cluster))
    }

    /// Walk path components (already normalised: no "." or "..") from the root. Returns the
    /// directory holding the last component and that component's entry if it exists.
    /// An empty component list means the root itself (parent = root, entry None, is_root).
    pub fn resolve(&mut self, comps: &[&str]) -> FsResult<(Dir, Option<Entry>)> {
        let mut dir = self.root();
        let Some((last, parents)) = comps.split_last() else {
            return Ok((dir, None));
        };
        for c in parents {
            match self.find(dir, c)? {
                Some(e) if e.is_dir() => dir = self.entry_dir(&e)?,
                Some(_) => return Err(ENOENT),
                None => return Err(ENOENT),
            }
        }
        let e = self.find(dir, last)?;
        Ok((dir, e))
    }

    /// Find `count` consecutive free slots in `dir`, growing a chain directory if needed.
    fn free_run(&mut self, dir: Dir, count: usize) -> FsResult<Vec<Loc>> {
        for _attempt in 0..4 {
            let slots = self.dir_slots(dir)?;
            let mut run: Vec<Loc> = Vec::new();
            for l in slots.iter() {
                let e = self.raw_entry(*l)?;
                if e[0] == 0 || e[0] == 0xe5 {
                    run.push(*l);
                    if run.len() == count {
                        return Ok(run);
                    }
                } else {
                    run.clear();
                }
            }
            // Grow the directory by one cluster.
            let Dir::Chain(first) = dir else {
                return Err(ENOSPC);
            };
            let mut last = first;
            let mut steps = 0;
            while let Some(n) = self.next(last)? {
                steps += 1;
                if steps > self.vol.nclusters {
                    return Err(EIO);
                }
                last = n;
            }
            let nc = self.alloc_cluster(Some(last))?;
            self.zero_cluster(nc)?;
        }
        Err(ENOSPC)
    }

    /// Create an entry called `n` in `dir` with the given attributes and first cluster.
    pub fn create_entry(&mut self, dir: Dir, n: &str, attr: u8, cluster: u32) -> FsResult<Loc> {
        let plan = name::plan(n)?;
        let existing = self.list(dir)?;
        let (sfn, case) = match plan.short {
            Some(s) => s,
            None => {
                let mut chosen = None;
                for k in 1..=999_999u32 {
                    let cand = name::with_tail(&plan.basis, k);
                    if !existing.iter().any(|e| e.sfn == cand) {
                        chosen = Some(cand);
                        break;
                    }
                    if k > existing.len() as u32 + 2 {
                        break;
                    }
                }
                (chosen.ok_or(EEXIST)?, 0)
            }
        };
        let lfn_entries = if plan.needs_lfn {
            name::lfn_entries(n, &sfn)?
        } else {
            Vec::new()
        };
        let run = self.free_run(dir, lfn_entries.len() + 1)?;
        for (i, le) in lfn_entries.iter().enumerate() {
            self.put_entry(run[i], le)?;
        }
        let mut e = self.short_entry(&sfn, attr, cluster);
        e[12] = case;
        let loc = *run.last().ok_or(EIO)?;
        self.put_entry(loc, &e)?;
        Ok(loc)
    }

    /// Mark an entry (and its long-name parts) deleted.
    pub fn delete_entry(&mut self, e: &Entry) -> FsResult<()> {
        for l in e.lfn.iter().chain(core::iter::once(&e.loc)) {
            let mut r = self.raw_entry(*l)?;
            r[0] = 0xe5;
            self.put_entry(*l, &r)?;
        }
        Ok(())
    }

    /// Rewrite the size/cluster/mtime fields of a short entry.
    pub fn update_entry(&mut self, l: Loc, cluster: u32, size: u32, touch: bool) -> FsResult<()> {
        let mut r = self.raw_entry(l)?;
        put16(&mut r, 20, cluster >> 16);
        put16(&mut r, 26, cluster & 0xffff);
        put32(&mut r, 28, size);
        if touch {
            let (d, t) = self.now;
            put16(&mut r, 22, t as u32);
            put16(&mut r, 24, d as u32);
            put16(&mut r, 18, d as u32);
            r[11] |= ATTR_ARCHIVE;
        }
        self.put_entry(l, &r)
    }

    /// Copy the creation/modification times of one short entry to another.
    pub fn copy_times(&mut self, from: Loc, to: Loc) -> FsResult<()> {
        let a = self.raw_entry(from)?;
        let mut b = self.raw_entry(to)?;
        b[13..20].copy_from_slice(&a[13..20]);
        b[22..26].copy_from_slice(&a[22..26]);
        self.put_entry(to, &b)
    }

    /// True if a directory has no entries besides "." and "..".
    pub fn dir_is_empty(&mut self, dir: Dir) -> FsResult<bool> {
        Ok(self.list(dir)?.is_empty())
    }

    /// A short directory entry for `name` with attributes `attr` and first cluster `cluster`,
    /// created, written and accessed now.
    fn short_entry(&self, name: &[u8; 11], attr: u8, cluster: u32) -> [u8; 32] {
        let mut e = [0u8; 32];
        e[..11].copy_from_slice(name);
        e[11] = attr;
        let (d, t) = self.now;
        put16(&mut e, 14, t as u32);
        put16(&mut e, 16, d as u32);
        put16(&mut e, 18, d as u32);
        put16(&mut e, 20, cluster >> 16);
        put16(&mut e, 22, t as u32);
        put16(&mut e, 24, d as u32);
        put16(&mut e, 26, cluster & 0xffff);
        e
    }

    /// Make a directory called `n` in `parent`.
    pub fn mkdir(&mut self, parent: Dir, n: &str) -> FsResult<()> {
        let c = self.alloc_cluster(None)?;
        self.zero_cluster(c)?;
        let parent_cluster = match parent {
            Dir::Root16 => 0,
            Dir::Chain(p) if self.vol.ftype == FatType::Fat32 && p == self.vol.root_cluster => 0,
            Dir::Chain(p) => p,
        };
        let lba = self.vol.cluster_lba(c);
        let dot = self.short_entry(b".          ", ATTR_DIR, c);
        let dotdot = self.short_entry(b"..         ", ATTR_DIR, parent_cluster);
        self.put_entry(Loc { lba, off: 0 }, &dot)?;
        self.put_entry(Loc { lba, off: 32 }, &dotdot)?;
        match self.create_entry(parent, n, ATTR_DIR, c) {
            Ok(_) => Ok(()),
            Err(e) => {
                let _ = self.free_chain(c);
                Err(e)
            }
        }
    }

    /// Point a directory's ".." at a new parent.
    pub fn set_dotdot(&mut self, dir_cluster: u32, parent: Dir) -> FsResult<()> {
        let parent_cluster = match parent {
            Dir::Root16 => 0,
            Dir::Chain(p) if self.vol.ftype == FatType::Fat32 && p == self.vol.root_cluster => 0,
            Dir::Chain(p) => p,
        };
        if !self.vol.valid_cluster(dir_cluster) {
            return Err(EIO);
        }
        let l = Loc {
            lba: self.vol.cluster_lba(dir_cluster),
            off: 32,
        };
        let mut r = self.raw_entry(l)?;
        if &r[..2] == b".." {
            put16(&mut r, 20, parent_cluster >> 16);
            put16(&mut r, 26, parent_cluster & 0xffff);
            self.put_entry(l, &r)?;
        }
        Ok(())
    }

    /// Free a file's clusters and set its size to 0.
    pub fn truncate(&mut self, f: &mut FileState) -> FsResult<()> {
        self.free_chain(f.cluster)?;
        f.cluster = 0;
        f.size = 0;
        f.hint_idx = 0;
        f.hint_clu = 0;
        self.update_entry(f.loc, 0, 0, true)
    }

    /// Free an entry's clusters (for remove).
    pub fn free_entry_data(&mut self, e: &Entry) -> FsResult<()> {
        if e.cluster != 0 {
            if !self.vol.valid_cluster(e.cluster) {
                return Err(EIO);
            }
            self.free_chain(e.cluster)?;
        }
        Ok(())
    }

    /// The cluster holding byte `pos` of a file, extending the chain when `grow`.
    fn cluster_at(&mut self, f: &mut FileState, pos: u64, grow: bool) -> FsResult<Option<u32>> {
        let cb = self.vol.cluster_bytes() as u64;
        let idx = (pos / cb) as u32;
        if f.cluster == 0 {
            if !grow {
                return Ok(None);
            }
            let c = self.alloc_cluster(None)?;
            f.cluster = c;
            f.hint_idx = 0;
            f.hint_clu = c;
        }
        if !self.vol.valid_cluster(f.cluster) {
            return Err(EIO);
        }
        let (mut i, mut c) = if f.hint_clu != 0 && f.hint_idx <= idx {
            (f.hint_idx, f.hint_clu)
        } else {
            (0, f.cluster)
        };
        while i < idx {
            if i > self.vol.nclusters {
                return Err(EIO);
            }
            c = match self.next(c)? {
                Some(n) => n,
                None => {
                    if !grow {
                        return Ok(None);
                    }
                    self.alloc_cluster(Some(c))?
                }
            };
            i += 1;
        }
        f.hint_idx = i;
        f.hint_clu = c;
        Ok(Some(c))
    }

    /// Read from a file at `pos`; returns bytes read (short at end of file).
    pub fn read_file(&mut self, f: &mut FileState, pos: u64, buf: &mut [u8]) -> FsResult<usize> {
        let size = f.size as u64;
        if pos >= size {
            return Ok(0);
        }
        let want = (buf.len() as u64).min(size - pos) as usize;
        let ss = self.vol.ss as u64;
        let cb = self.vol.cluster_bytes() as u64;
        let mut done = 0usize;
        while done < want {
            let p = pos + done as u64;
            let Some(c) = self.cluster_at(f, p, false)? else {
                return Err(EIO);
            };
            let in_cl = p % cb;
            let lba = self.vol.cluster_lba(c) + in_cl / ss;
            let o = (in_cl % ss) as usize;
            let n = (ss as usize - o).min(want - done);
            let s = self.sector(lba)?;
            buf[done..done + n].copy_from_slice(&s[o..o + n]);
            done += n;
        }
        Ok(done)
    }

    /// Write to a file at `pos` (growing it; a gap after the old end reads as zeros).
    pub fn write_file(&mut self, f: &mut FileState, pos: u64, data: &[u8]) -> FsResult<usize> {
        let end = pos.checked_add(data.len() as u64).ok_or(EFBIG)?;
        if end > u32::MAX as u64 {
            return Err(EFBIG);
        }
        // Zero-fill a gap between the old size and pos.
        if pos > f.size as u64 {
            let gap = vec![0u8; (pos - f.size as u64).min(1 << 20) as usize];
            let mut p = f.size as u64;
            while p < pos {
                let n = ((pos - p) as usize).min(gap.len());
                self.write_span(f, p, &gap[..n])?;
                p += n as u64;
                f.size = p as u32;
            }
        }
        let r = self.write_span(f, pos, data);
        let written = match r {
            Ok(n) => n,
            Err(e) => {
                self.update_entry(f.loc, f.cluster, f.size, true)?;
                return Err(e);
            }
        };
        let new_end = pos + written as u64;
        if new_end > f.size as u64 {
            f.size = new_end as u32;
        }
        self.update_entry(f.loc, f.cluster, f.size, true)?;
        Ok(written)
    }

    fn write_span(&mut self, f: &mut FileState, pos: u64, data: &[u8]) -> FsResult<usize> {
        let ss = self.vol.ss as u64;
        let cb = self.vol.cluster_bytes() as u64;
        let mut done = 0usize;
        while done < data.len() {
            let p = pos + done as u64;
            let c = match self.cluster_at(f, p, true) {
                Ok(Some(c)) => c,
                Ok(None) => return Err(EIO),
                Err(ENOSPC) if done > 0 => {
                    let new_end = p as u32;
                    if new_end > f.size {
                        f.size = new_end;
                    }
                    return Err(ENOSPC);
                }
                Err(e) => return Err(e),
            };
            let in_cl = p % cb;
            let lba = self.vol.cluster_lba(c) + in_cl / ss;
            let o = (in_cl % ss) as usize;
            let n = (ss as usize - o).min(data.len() - done);
            let whole = o == 0 && n == ss as usize;
            let s = if whole || p >= f.size as u64 && o == 0 {
                self.sector_new(lba)?
            } else {
                self.sector_mut(lba)?
            };
            s[o..o + n].copy_from_slice(&data[done..done + n]);
            done += n;
            if p + n as u64 > f.size as u64 {
                f.size = (p + n as u64) as u32;
            }
        }
        Ok(done)
    }

    /// Set the volume label entry in the root directory (creating it if needed).
    pub fn set_label(&mut self, label: &[u8; 11]) -> FsResult<()> {
        let root = self.root();
        let slots = self.dir_slots(root)?;
        for l in &slots {
            let e = self.raw_entry(*l)?;
            if e[0] == 0 {
                break;
            }
            if e[0] != 0xe5 && e[11] & 0x3f != ATTR_LFN && e[11] & ATTR_VOLUME != 0 {
                let mut r = e;
                r[..11].copy_from_slice(label);
                return self.put_entry(*l, &r);
            }
        }
        let run = self.free_run(root, 1)?;
        let mut e = [0u8; 32];
        e[..11].copy_from_slice(label);
        e[11] = ATTR_VOLUME | ATTR_ARCHIVE;
        self.put_entry(run[0], &e)
    }

    /// The volume label entry's name, if any.
    pub fn label(&mut self) -> FsResult<Option<[u8; 11]>> {
        let root = self.root();
        for l in self.dir_slots(root)? {
            let e = self.raw_entry(l)?;
            if e[0] == 0 {
                break;
            }
            if e[0] != 0xe5 && e[11] & 0x3f != ATTR_LFN && e[11] & ATTR_VOLUME != 0 {
                let mut n = [0u8; 11];
                n.copy_from_slice(&e[..11]);
                return Ok(Some(n));
            }
        }
        Ok(None)
    }
}

/// Layout chosen by [`mkfs`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    pub ftype: FatType,
    pub base: u64,
    pub total: u64,
    pub spc: u32,
    pub rsv: u32,
    pub fat_size: u32,
    pub root_entries: u32,
}

const MAX_FAT12: u64 = 4084;
const MAX_FAT16: u64 = 65524;
const MAX_FAT32: u64 = 0x0fff_fff5;

/// The FAT12/16 layout for a volume of `sectors`, or None if it cannot be FAT12/16.
pub fn layout_fat16(sectors: u64, ss: u32) -> Option<Layout> {
    let root_entries = 512u32;
    let root_secs = (root_entries as u64 * 32).div_ceil(ss as u64);
    // Cluster size grows with the volume: 1 sector under 2 MiB-ish (4096 sectors), then
    // doubling at 4K, 16K, 64K, 256K and 512K sectors of 512 bytes.
    let units = sectors / 4096;
    let mut spc: u64 = 1;
    for step in [1u64, 4, 16, 64, 256, 512] {
        if step <= units {
            spc *= 2;
        } else {
            break;
        }
    }
    loop {
        let est = sectors / spc;
        let fat12 = est <= MAX_FAT12;
        let fat_bytes = if fat12 {
            (est * 3).div_ceil(2) + 3
        } else {
            est * 2 + 4
        };
        let fat_size = fat_bytes.div_ceil(ss as u64);
        let meta = 1 + fat_size + root_secs;
        if meta >= sectors {
            return None;
        }
        let n = (sectors - meta) / spc;
        if !fat12 {
            if n > MAX_FAT16 {
                if spc * 2 <= 128 {
                    spc *= 2;
                    continue;
                }
                return None;
            }
            if n <= MAX_FAT12 {
                if spc * 2 <= 128 {
                    spc *= 2;
                    continue;
                }
                return None;
            }
        } else if n > MAX_FAT12 {
            return None;
        }
        if n == 0 {
            return None;
        }
        return Some(Layout {
            ftype: if n <= MAX_FAT12 {
                FatType::Fat12
            } else {
                FatType::Fat16
            },
            base: 0,
            total: sectors,
            spc: spc as u32,
            rsv: 1,
            fat_size: fat_size as u32,
            root_entries,
        });
    }
}

/// The FAT32 layout (inside an MBR partition starting at sector 63).
pub fn layout_fat32(sectors: u64, ss: u32) -> Option<Layout> {
    let base = 63u64;
    if sectors <= base + 128 {
        return None;
    }
    let total = sectors - base;
    let units = total / 0x20000;
    let mut spc: u64 = 1;
    for step in [1u64, 2, 4, 8, 16, 32] {
        if step <= units {
            spc *= 2;
        } else {
            break;
        }
    }
    let rsv = 32u64;
    loop {
        let est = total / spc;
        let fat_size = (est * 4 + 8).div_ceil(ss as u64);
        let meta = rsv + fat_size;
        if meta >= total {
            return None;
        }
        let n = (total - meta) / spc;
        if n > MAX_FAT32 {
            return None;
        }
        if n <= MAX_FAT16 {
            if spc > 1 {
                spc /= 2;
                continue;
            }
            return None;
        }
        return Some(Layout {
            ftype: FatType::Fat32,
            base,
            total,
            spc: spc as u32,
            rsv: rsv as u32,
            fat_size: fat_size as u32,
            root_entries: 0,
        });
    }
}

/// Format a device of `sectors` sectors. `serial` is the volume serial number.
pub fn mkfs<D: BlockDev>(dev: &mut D, sectors: u64, serial: u32) -> FsResult<Layout> {
    let ss = dev.sector_size() as u32;
    if !matches!(ss, 512 | 1024 | 2048 | 4096) {
        return Err(EINVAL);
    }
    let lay = match layout_fat16(sectors, ss) {
        Some(l) => l,
        None => layout_fat32(sectors, ss).ok_or(EIO)?,
    };
    let ssz = ss as usize;
    let mut bs = vec![0u8; ssz];
    bs[0] = 0xeb;
    bs[1] = 0xfe;
    bs[2] = 0x90;
    bs[3..11].copy_from_slice(b"MSDOS5.0");
    put16(&mut bs, 11, ss);
    bs[13] = lay.spc as u8;
    put16(&mut bs, 14, lay.rsv);
    bs[16] = 1;
    put16(&mut bs, 17, lay.root_entries);
    if lay.total < 0x10000 && lay.ftype != FatType::Fat32 {
        put16(&mut bs, 19, lay.total as u32);
    } else {
        put32(&mut bs, 32, lay.total.min(u32::MAX as u64) as u32);
    }
    bs[21] = 0xf8;
    put16(&mut bs, 24, 63);
    put16(&mut bs, 26, 255);
    put32(&mut bs, 28, lay.base as u32);
    let ext = if lay.ftype == FatType::Fat32 {
        put32(&mut bs, 36, lay.fat_size);
        put32(&mut bs, 44, 2);
        put16(&mut bs, 48, 1);
        put16(&mut bs, 50, 6);
        bs[82..90].copy_from_slice(b"FAT32   ");
        64
    } else {
        put16(&mut bs, 22, lay.fat_size);
        bs[54..62].copy_from_slice(b"FAT     ");
        36
    };
    bs[ext] = 0x80;
    bs[ext + 2] = 0x29;
    put32(&mut bs, ext + 3, serial);
    bs[ext + 7..ext + 18].copy_from_slice(b"NO NAME    ");
    bs[510] = 0x55;
    bs[511] = 0xaa;

    let base = lay.base;
    if lay.ftype == FatType::Fat32 {
        // MBR with one FAT32 (LBA) partition.
        let mut mbr = vec![0u8; ssz];
        let e = 446;
        mbr[e + 1] = 1;
        mbr[e + 2] = 1;
        mbr[e + 4] = 0x0c;
        mbr[e + 5] = 0xfe;
        mbr[e + 6] = 0xbf;
        mbr[e + 7] = 0x0a;
        put32(&mut mbr, e + 8, base as u32);
        put32(&mut mbr, e + 12, lay.total.min(u32::MAX as u64) as u32);
        mbr[510] = 0x55;
        mbr[511] = 0xaa;
        dev.write(0, &mbr)?;
        dev.write(base, &bs)?;
        dev.write(base + 6, &bs)?;
        let mut fi = vec![0u8; ssz];
        put32(&mut fi, 0, 0x4161_5252);
        put32(&mut fi, 484, 0x6141_7272);
        let ncl = (lay.total - lay.rsv as u64 - lay.fat_size as u64) / lay.spc as u64;
        put32(&mut fi, 488, (ncl as u32).saturating_sub(1));
        put32(&mut fi, 492, 2);
        fi[510] = 0x55;
        fi[511] = 0xaa;
        dev.write(base + 1, &fi)?;
        dev.write(base + 7, &fi)?;
    } else {
        dev.write(0, &bs)?;
    }
    // Clear the FAT, the root region / root cluster.
    let fat_start = base + lay.rsv as u64;
    let zero = vec![0u8; ssz];
    let mut first = vec![0u8; ssz];
    match lay.ftype {
        FatType::Fat12 => first[..3].copy_from_slice(&[0xf8, 0xff, 0xff]),
        FatType::Fat16 => first[..4].copy_from_slice(&[0xf8, 0xff, 0xff, 0xff]),
        FatType::Fat32 => {
            put32(&mut first, 0, 0x0fff_fff8);
            put32(&mut first, 4, 0xffff_ffff);
            put32(&mut first, 8, 0x0fff_ffff);
        }
    }
    dev.write(fat_start, &first)?;
    for i in 1..lay.fat_size as u64 {
        dev.write(fat_start + i, &zero)?;
    }
    let after_fat = fat_start + lay.fat_size as u64;
    let n = if lay.ftype == FatType::Fat32 {
        lay.spc as u64
    } else {
        (lay.root_entries as u64 * 32).div_ceil(ss as u64)
    };
    for i in 0..n {
        dev.write(after_fat + i, &zero)?;
    }
    dev.sync()?;
    Ok(lay)
}

/// Split a normalised absolute path into its components.
pub fn components(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

#[cfg(test)]
mod tests;
