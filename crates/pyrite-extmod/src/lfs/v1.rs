//! The LittleFS v1 on-disk format (littlefs's v1 SPEC.md), sharing the engine of mod.rs.
//!
//! A v1 metadata block is `revision, dir size (bit 31: the directory continues in the
//! tail), tail pair, entries, CRC` with no commit log: every update rewrites the block, which
//! is also what our v2 writer does. Entries are `type (0x11 file, 0x22 dir, 0x2e
//! superblock; bit 7 marks a moved entry, which is ignored), data length, attribute length,
//! name length, data, attributes, name`. The superblock lives in pair {0, 1} and points at
//! the root directory's pair; files are CTZ skip-lists as in v2 (an empty file has a null
//! head). Entries keep creation order.

use alloc::vec::Vec;

use super::{
    crc32, le32, Dev, Lfs, MEntry, MPair, Struct, ECORRUPT, NULL, TYPE_DIR, TYPE_REG, TYPE_SUPER,
};
use crate::fat::errno::*;
use crate::fat::FsResult;

#[allow(clippy::type_complexity)]
pub(super) fn parse_block(
    data: &[u8],
) -> Option<(u32, Vec<MEntry>, Option<(bool, [u32; 2])>, [u8; 12])> {
    if data.len() < 20 {
        return None;
    }
    let rev = le32(data, 0);
    let dsize = le32(data, 4);
    let size = (dsize & 0x7fff_ffff) as usize;
    if !(20..=data.len()).contains(&size) {
        return None;
    }
    if crc32(0xffff_ffff, &data[..size - 4]) != le32(data, size - 4) {
        return None;
    }
    let t0 = le32(data, 8);
    let t1 = le32(data, 12);
    let tail = if t0 == NULL && t1 == NULL {
        None
    } else {
        Some((dsize & 0x8000_0000 != 0, [t0, t1]))
    };
    let mut ents = Vec::new();
    let mut off = 16;
    let end = size - 4;
    while off + 4 <= end {
        let ty = data[off];
        let el = data[off + 1] as usize;
        let al = data[off + 2] as usize;
        let nl = data[off + 3] as usize;
        let next = off + 4 + el + al + nl;
        if next > end {
            return None;
        }
        let d = &data[off + 4..off + 4 + el];
        let name = data[off + 4 + el + al..next].to_vec();
        off = next;
        if ty & 0x80 != 0 {
            continue;
        }
        let e = match ty {
            0x11 if el >= 8 => MEntry {
                kind: TYPE_REG,
                name,
                st: Struct::Ctz {
                    head: le32(d, 0),
                    size: le32(d, 4),
                },
                attrs: Vec::new(),
            },
            0x22 if el >= 8 => MEntry {
                kind: TYPE_DIR,
                name,
                st: Struct::Dir([le32(d, 0), le32(d, 4)]),
                attrs: Vec::new(),
            },
            0x2e => MEntry {
                kind: TYPE_SUPER,
                name,
                st: Struct::Inline(d.to_vec()),
                attrs: Vec::new(),
            },
            _ => continue,
        };
        ents.push(e);
    }
    Some((rev, ents, tail, [0; 12]))
}

pub(super) fn serialise(bs: usize, p: &MPair, rev: u32) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(bs);
    out.extend_from_slice(&rev.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    let (hard, t) = match p.tail {
        Some((h, t)) => (h, t),
        None => (false, [NULL, NULL]),
    };
    out.extend_from_slice(&t[0].to_le_bytes());
    out.extend_from_slice(&t[1].to_le_bytes());
    for e in &p.entries {
        if e.name.len() > 255 {
            return None;
        }
        let (ty, data): (u8, Vec<u8>) = match &e.st {
            Struct::Ctz { head, size } => {
                let mut d = Vec::new();
                d.extend_from_slice(&(if *size == 0 { NULL } else { *head }).to_le_bytes());
                d.extend_from_slice(&size.to_le_bytes());
                (0x11, d)
            }
            Struct::Inline(d) if e.kind == TYPE_SUPER => (0x2e, d.clone()),
            Struct::Inline(d) if d.is_empty() => {
                let mut d = Vec::new();
                d.extend_from_slice(&NULL.to_le_bytes());
                d.extend_from_slice(&0u32.to_le_bytes());
                (0x11, d)
            }
            Struct::Dir(pr) => {
                let mut d = Vec::new();
                d.extend_from_slice(&pr[0].to_le_bytes());
                d.extend_from_slice(&pr[1].to_le_bytes());
                (0x22, d)
            }
            _ => return None,
        };
        if data.len() > 255 {
            return None;
        }
        out.push(ty);
        out.push(data.len() as u8);
        out.push(0);
        out.push(e.name.len() as u8);
        out.extend_from_slice(&data);
        out.extend_from_slice(&e.name);
    }
    let size = out.len() + 4;
    if size > bs {
        return None;
    }
    let dsize = size as u32 | if hard { 0x8000_0000 } else { 0 };
    out[4..8].copy_from_slice(&dsize.to_le_bytes());
    let crc = crc32(0xffff_ffff, &out);
    out.extend_from_slice(&crc.to_le_bytes());
    out.resize(bs, 0xff);
    Some(out)
}

fn superblock<D: Dev>(fs: &mut Lfs<D>) -> FsResult<Vec<u8>> {
    let sb = fs.fetch([0, 1])?;
    let e = sb.entries.first().ok_or(ECORRUPT)?;
    if e.kind != TYPE_SUPER || e.name != b"littlefs" {
        return Err(ECORRUPT);
    }
    match &e.st {
        Struct::Inline(d) if d.len() >= 20 => Ok(d.clone()),
        _ => Err(ECORRUPT),
    }
}

pub(super) fn mount_check<D: Dev>(fs: &mut Lfs<D>) -> FsResult<()> {
    let d = superblock(fs)?;
    let version = le32(&d, 16);
    if version >> 16 != 1 {
        return Err(EINVAL);
    }
    if le32(&d, 8) != fs.cfg.block_size || le32(&d, 12) != fs.cfg.block_count {
        return Err(EINVAL);
    }
    let root = [le32(&d, 0), le32(&d, 4)];
    fs.fetch(root)?;
    fs.pairs()?;
    Ok(())
}

pub(super) fn root<D: Dev>(fs: &mut Lfs<D>) -> FsResult<[u32; 2]> {
    let d = superblock(fs)?;
    Ok([le32(&d, 0), le32(&d, 4)])
}

pub(super) fn format<D: Dev>(fs: &mut Lfs<D>) -> FsResult<()> {
    if fs.cfg.block_count < 4 {
        return Err(ENOSPC);
    }
    // The root directory in {2, 3}, then the superblock in {0, 1} pointing at it.
    fs.invalidate(3)?;
    let mut root = MPair {
        blocks: [3, 2],
        rev: 0,
        entries: Vec::new(),
        tail: None,
        gdelta: [0; 12],
    };
    fs.commit(&mut root)?;
    let mut sbd = Vec::new();
    for v in [2u32, 3, fs.cfg.block_size, fs.cfg.block_count, 0x0001_0001] {
        sbd.extend_from_slice(&v.to_le_bytes());
    }
    fs.invalidate(1)?;
    let mut sb = MPair {
        blocks: [1, 0],
        rev: 0,
        entries: alloc::vec![MEntry {
            kind: TYPE_SUPER,
            name: b"littlefs".to_vec(),
            st: Struct::Inline(sbd),
            attrs: Vec::new(),
        }],
        tail: Some((false, [2, 3])),
        gdelta: [0; 12],
    };
    fs.commit(&mut sb)?;
    fs.dev.sync()
}
