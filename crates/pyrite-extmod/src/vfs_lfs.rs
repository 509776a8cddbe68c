//! `vfs.VfsLfs2` (and `vfs.VfsLfs1`): LittleFS (lfs/) over a Python block device with the
//! extended interface (`readblocks(block, buf, off)`, `writeblocks(block, buf, off)`,
//! `ioctl(6, block)` to erase). The methods and file objects are vfs_blk.rs's and
//! vfs_file.rs's; this is the LittleFS backend they run.
//!
//! `VfsLfs2(bdev, readsize=32, progsize=32, lookahead=32, mtime=True)` mounts at once (an
//! unformatted or corrupt device raises `OSError`). With `mtime`, files carry MicroPython's
//! modification-time attribute (type 1: 8 bytes, nanoseconds since 1970), set when a file is
//! created, truncated or written and reported by `stat`. Files are found by path on every
//! call, so each call sees the device as it is (the state of an open file is its path, mode,
//! position and whether it was written since the last flush).

use alloc::string::String;
use alloc::vec::Vec;

use pyrite_core::modules::builtins::{arg_int, parse_kw};
use pyrite_core::obj::{BuiltinFn, Kw, Type};
use pyrite_core::qstr::{Qstr, Q};
use pyrite_core::types;
use pyrite_core::types::descr::StaticMethodObj;
use pyrite_core::value::{TypeRef, Value};
use pyrite_core::vm::Vm;
use pyrite_core::PyResult;

use crate::fat::errno::*;
use crate::fat::FsResult;
use crate::lfs::{self, Cfg, Dev, FileHandle, Lfs, MEntry, Struct};
use crate::vfs::ListEnt;
use crate::vfs_blk::{
    blk_obj, blkfs_locals, blkfs_type, check_writable, new_blkfs, strs, Backend, BlkRef, BlockFs,
    PyDev, S_IFDIR, S_IFREG,
};
use crate::vfs_file::{FileRef, FileSt, Mode};

/// What a `VfsLfs1`/`VfsLfs2` keeps between operations.
#[derive(Clone, Copy)]
pub struct LfsState {
    pub cfg: Cfg,
    /// Keep modification times (v2 only).
    pub mtime: bool,
}

pub static VFSLFS1_TYPE: Type = blkfs_type(Q::VfsLfs1, lfs1_make_new, &LFS1_LOCALS);
pub static VFSLFS2_TYPE: Type = blkfs_type(Q::VfsLfs2, lfs2_make_new, &LFS2_LOCALS);

static MKFS2_FN: BuiltinFn = BuiltinFn::new_kw(Q::mkfs, 1, 4, m_mkfs2);
static MKFS2: StaticMethodObj = StaticMethodObj::fixed(&MKFS2_FN);
static MKFS1_FN: BuiltinFn = BuiltinFn::new_kw(Q::mkfs, 1, 4, m_mkfs1);
static MKFS1: StaticMethodObj = StaticMethodObj::fixed(&MKFS1_FN);
blkfs_locals!(LFS2_LOCALS, MKFS2);
blkfs_locals!(LFS1_LOCALS, MKFS1);

/// A Python block device seen as LittleFS erase blocks, during one session.
pub struct LfsDev<'a, 'b> {
    d: &'b mut PyDev<'a>,
    bs: u32,
    count: u32,
    /// The modification-time attribute to give what this session writes (with `mtime`).
    stamp: Option<[u8; 8]>,
}

impl Dev for LfsDev<'_, '_> {
    fn block_size(&self) -> u32 {
        self.bs
    }
    fn block_count(&self) -> u32 {
        self.count
    }
    fn read(&mut self, block: u32, off: u32, buf: &mut [u8]) -> FsResult<()> {
        if block >= self.count {
            return Err(lfs::ECORRUPT);
        }
        self.d.readblocks(block as u64, buf, Some(off))
    }
    fn prog(&mut self, block: u32, off: u32, data: &[u8]) -> FsResult<()> {
        if block >= self.count {
            return Err(lfs::ECORRUPT);
        }
        self.d.writeblocks(block as u64, data, Some(off))
    }
    fn erase(&mut self, block: u32) -> FsResult<()> {
        if self.d.readonly {
            return Err(EROFS);
        }
        match self.d.ioctl_int(6, block as isize)? {
            Some(r) if r != 0 => Err(EIO),
            _ => Ok(()),
        }
    }
    fn sync(&mut self) -> FsResult<()> {
        self.d.ioctl(3, 0).map(|_| ())
    }
}

/// Block size and count from the device.
fn geometry(dev: &mut PyDev) -> FsResult<(u32, u32)> {
    let bs = dev.ioctl_int(5, 0)?.unwrap_or(512);
    let n = dev.ioctl_int(4, 0)?.unwrap_or(0);
    if !(1..=(1 << 20)).contains(&bs) || !(0..=(u32::MAX as i64)).contains(&n) {
        return Err(EINVAL);
    }
    Ok((bs as u32, n as u32))
}

fn lfs2_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    setup(vm, args, kw, false, true)
}

fn lfs1_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    setup(vm, args, kw, true, true)
}

fn m_mkfs2(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    setup(vm, args, kw, false, false)
}

fn m_mkfs1(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    setup(vm, args, kw, true, false)
}

/// `VfsLfsN(bdev, readsize=32, progsize=32, lookahead=32, mtime=True)` (`mount`: the object,
/// mounted) or `VfsLfsN.mkfs(...)` (format the device).
fn setup(vm: &mut Vm, args: &[Value], kw: Kw, v1: bool, mount: bool) -> PyResult<Value> {
    let Some(&bdev) = args.first() else {
        return Err(vm.type_error("function missing required positional argument"));
    };
    let names: [Qstr; 4] = [Q::readsize, Q::progsize, Q::lookahead, Q::mtime];
    let mut opt = [Value::NULL; 4];
    for (i, &a) in args[1..].iter().enumerate().take(4) {
        opt[i] = a;
    }
    parse_kw(vm, kw, &names, &mut opt)?;
    let mut size = [32u32; 2];
    for (s, &v) in size.iter_mut().zip(&opt) {
        if !v.is_null() {
            *s = arg_int(vm, v)?.clamp(1, 1 << 20) as u32;
        }
    }
    let mtime = opt[3].is_null() || vm.is_true(opt[3])?;
    let o = if mount {
        let ty = if v1 { &VFSLFS1_TYPE } else { &VFSLFS2_TYPE };
        let cfg = Cfg::new(0, 0, 1, 1);
        // MicroPython keeps modification times on LittleFS v2 only.
        let st = LfsState {
            cfg,
            mtime: mtime && !v1,
        };
        let o = new_blkfs(vm, ty, bdev, Backend::Lfs(st))?;
        let no_write = vm.load_attr_maybe(bdev, Q::writeblocks)?.is_none();
        o.readonly.set(no_write);
        Some(o)
    } else {
        None
    };
    let mut dev = PyDev::new(vm, bdev, 512);
    dev.lfs = true;
    let r = (|| -> FsResult<Cfg> {
        let (bs, n) = geometry(&mut dev)?;
        let mut cfg = Cfg::new(bs, n, size[0], size[1]);
        if v1 {
            cfg = cfg.v1();
        }
        let mut ld = LfsDev {
            d: &mut dev,
            bs,
            count: n,
            stamp: None,
        };
        let mut fs = Lfs::new(&mut ld, cfg);
        if mount {
            fs.mount_check()?;
        } else {
            fs.format()?;
        }
        Ok(fs.cfg)
    })();
    let cfg = dev.result(r)?;
    match o {
        Some(o) => {
            if let Backend::Lfs(mut st) = o.state.get() {
                st.cfg = cfg;
                o.state.set(Backend::Lfs(st));
            }
            Ok(o.value())
        }
        None => Ok(Value::NONE),
    }
}

/// Run `f` on the filesystem of `o`.
pub fn session(
    vm: &mut Vm,
    o: BlkRef,
    write: bool,
    f: &mut dyn FnMut(&mut Lfs<LfsDev>) -> FsResult<()>,
) -> PyResult<()> {
    let Backend::Lfs(st) = o.state.get() else {
        return Err(vm.os_error(ENODEV));
    };
    check_writable(vm, &o, write)?;
    let stamp = match st.mtime {
        true => Some(vm.host.time_ns().unwrap_or(0).to_le_bytes()),
        false => None,
    };
    let cfg = st.cfg;
    let mut dev = PyDev::new(vm, o.bdev.get(), cfg.block_size as usize);
    dev.readonly = o.readonly.get();
    dev.lfs = true;
    let r = {
        let mut ld = LfsDev {
            d: &mut dev,
            bs: cfg.block_size,
            count: cfg.block_count,
            stamp,
        };
        f(&mut Lfs::new(&mut ld, cfg))
    };
    dev.result(r)
}

fn check_name(cfg: &Cfg, n: &str) -> FsResult<()> {
    if n.len() > cfg.name_max as usize {
        return Err(ENAMETOOLONG);
    }
    Ok(())
}

/// The directory a path names (root for no components).
fn dir_of(fs: &mut Lfs<LfsDev>, comps: &[&str]) -> FsResult<[u32; 2]> {
    if comps.is_empty() {
        return fs.root();
    }
    match fs.resolve(comps)? {
        (
            _,
            Some(MEntry {
                kind: lfs::TYPE_DIR,
                st: Struct::Dir(p),
                ..
            }),
        ) => Ok(p),
        (_, Some(_)) => Err(ENOTDIR),
        (_, None) => Err(ENOENT),
    }
}

/// Remove a file or an empty directory.
fn remove_at(fs: &mut Lfs<LfsDev>, comps: &[&str]) -> FsResult<()> {
    let Some((last, _)) = comps.split_last() else {
        return Err(EINVAL);
    };
    let (parent, e) = fs.resolve(comps)?;
    let e = e.ok_or(ENOENT)?;
    if let Struct::Dir(d) = e.st {
        if !fs.list(d)?.is_empty() {
            return Err(ENOTEMPTY);
        }
        fs.remove_entry(parent, last.as_bytes())?;
        fs.unthread(d)?;
        return Ok(());
    }
    fs.remove_entry(parent, last.as_bytes()).map(|_| ())
}

/// Give `e` this session's modification time (with `mtime`).
fn stamp(fs: &Lfs<LfsDev>, e: &mut MEntry) {
    if let Some(s) = &fs.dev.stamp {
        e.set_attr(lfs::ATTR_MTIME, s);
    }
}

impl BlockFs for Lfs<'_, LfsDev<'_, '_>> {
    fn list(&mut self, dir: &[&str]) -> FsResult<Vec<ListEnt>> {
        let d = dir_of(self, dir)?;
        Ok(Lfs::list(self, d)?
            .into_iter()
            .map(|e| {
                let dir = e.kind == lfs::TYPE_DIR;
                ListEnt {
                    // As text: undecodable bytes are replaced even in bytes listings.
                    name: String::from_utf8_lossy(&e.name).into_owned().into_bytes(),
                    kind: if dir { S_IFDIR } else { S_IFREG },
                    ino: 0,
                    size: Some(if dir { 0 } else { e.size() as u64 }),
                }
            })
            .collect())
    }

    fn check_dir(&mut self, dir: &[&str]) -> FsResult<()> {
        dir_of(self, dir).map(|_| ())
    }

    fn stat(&mut self, path: &[&str]) -> FsResult<(bool, u64, i64)> {
        let e = self.resolve(path)?.1.ok_or(ENOENT)?;
        let dir = e.kind == lfs::TYPE_DIR;
        let t = match e.attr(lfs::ATTR_MTIME) {
            Some(&[b0, b1, b2, b3, b4, b5, b6, b7]) => {
                (u64::from_le_bytes([b0, b1, b2, b3, b4, b5, b6, b7]) / 1_000_000_000) as i64
            }
            _ => 0,
        };
        Ok((dir, if dir { 0 } else { e.size() as u64 }, t))
    }

    fn mkdir(&mut self, path: &[&str]) -> FsResult<()> {
        let Some(last) = path.last() else {
            return Err(EEXIST);
        };
        check_name(&self.cfg, last)?;
        let attrs = match self.dev.stamp {
            Some(s) => alloc::vec![(lfs::ATTR_MTIME, s.to_vec())],
            None => Vec::new(),
        };
        match self.resolve(path)? {
            (_, Some(_)) => Err(EEXIST),
            (parent, None) => Lfs::mkdir(self, parent, last.as_bytes(), attrs),
        }
    }

    fn remove(&mut self, path: &[&str], _dir: bool) -> FsResult<()> {
        // As littlefs's lfs_remove: rmdir and remove both take files and empty directories.
        remove_at(self, path)
    }

    fn rename(&mut self, fc: &[&str], tc: &[&str]) -> FsResult<()> {
        let (Some(fl), Some(tl)) = (fc.last(), tc.last()) else {
            return Err(EINVAL);
        };
        check_name(&self.cfg, tl)?;
        let (fparent, e) = self.resolve(fc)?;
        let mut e = e.ok_or(ENOENT)?;
        if fc == tc {
            return Ok(());
        }
        if e.kind == lfs::TYPE_DIR && tc.len() > fc.len() && tc[..fc.len()] == fc[..] {
            return Err(EINVAL);
        }
        let (tparent, existing) = self.resolve(tc)?;
        if let Some(x) = existing {
            match (x.kind == lfs::TYPE_DIR, e.kind == lfs::TYPE_DIR) {
                (true, false) => return Err(EISDIR),
                // littlefs v1 reports any type mismatch as EISDIR.
                (false, true) => return Err(if self.cfg.v1 { EISDIR } else { ENOTDIR }),
                _ => {}
            }
            remove_at(self, tc)?;
        }
        let name = core::mem::replace(&mut e.name, tl.as_bytes().to_vec());
        if lfs::same_pair(fparent, tparent) {
            // One pair or one directory: remove and insert.
            self.remove_entry(fparent, fl.as_bytes())?;
            self.insert(tparent, e)
        } else {
            self.insert(tparent, e)?;
            self.remove_entry(fparent, &name).map(|_| ())
        }
    }

    fn statvfs(&mut self) -> FsResult<[u32; 4]> {
        let u = self.used_blocks()?;
        let c = self.cfg;
        Ok([
            c.block_size,
            c.block_count,
            c.block_count.saturating_sub(u),
            c.name_max,
        ])
    }

    fn open(&mut self, path: &[&str], mode: Mode) -> FsResult<(FileSt, u64, Option<Vec<u8>>)> {
        let Some(last) = path.last() else {
            return Err(EISDIR);
        };
        check_name(&self.cfg, last)?;
        let (parent, e) = self.resolve(path)?;
        let (size, inline) = match e {
            Some(e) if e.kind == lfs::TYPE_DIR => return Err(EISDIR),
            Some(_) if mode.excl => return Err(EEXIST),
            Some(mut e) => {
                if mode.trunc {
                    e.st = Struct::Inline(Vec::new());
                    stamp(self, &mut e);
                    self.replace_entry(parent, last.as_bytes(), e)?;
                    (0, Some(Vec::new()))
                } else {
                    let inline = match &e.st {
                        Struct::Inline(d) => Some(d.clone()),
                        _ => None,
                    };
                    (e.size(), inline)
                }
            }
            None if !mode.create => return Err(ENOENT),
            None => {
                let mut e = MEntry {
                    kind: lfs::TYPE_REG,
                    name: last.as_bytes().to_vec(),
                    st: Struct::Inline(Vec::new()),
                    attrs: Vec::new(),
                };
                stamp(self, &mut e);
                self.insert(parent, e)?;
                (0, Some(Vec::new()))
            }
        };
        Ok((
            FileSt::Lfs(FileHandle { dirty: false }),
            size as u64,
            inline,
        ))
    }
}

// ---- file backend (called from vfs_file.rs) ----

/// An operation on an open file: the session, the file's directory and its entry.
type FileOp<'x> = dyn FnMut(&mut Lfs<LfsDev>, [u32; 2], MEntry) -> FsResult<()> + 'x;

/// Run `op` on the entry of open file `f`.
fn with_file(vm: &mut Vm, f: FileRef, write: bool, op: &mut FileOp) -> PyResult<()> {
    let o = blk_obj(vm, f.fs.get())?;
    let p = types::str::str_data(vm, f.path.get())
        .map(|s| String::from(s.as_str()))
        .unwrap_or_default();
    session(vm, o, write, &mut |fs| match fs.resolve(&strs(&p))? {
        (parent, Some(e)) if e.kind == lfs::TYPE_REG => op(fs, parent, e),
        (_, Some(_)) => Err(EISDIR),
        (_, None) => Err(ENOENT),
    })
}

pub fn file_read(vm: &mut Vm, f: FileRef, pos: u64, buf: &mut [u8]) -> PyResult<usize> {
    // An inline file's contents are kept in the file object (littlefs reads an inline file
    // from its cache too).
    if let Some(c) = types::bytes::bytes_data(f.cache.get()) {
        let d = c.items();
        let Some(rest) = usize::try_from(pos).ok().and_then(|p| d.get(p..)) else {
            return Ok(0);
        };
        let n = buf.len().min(rest.len());
        buf[..n].copy_from_slice(&rest[..n]);
        return Ok(n);
    }
    let mut n = 0;
    with_file(vm, f, false, &mut |fs, _, e| {
        n = fs.read_file(&e, pos, buf)?;
        Ok(())
    })?;
    Ok(n)
}

pub fn file_write(vm: &mut Vm, f: FileRef, pos: u64, data: &[u8]) -> PyResult<usize> {
    let mut inline = None;
    with_file(vm, f, true, &mut |fs, parent, mut e| {
        e.st = fs.write_file(&e, pos, data)?;
        stamp(fs, &mut e);
        inline = match &e.st {
            Struct::Inline(d) => Some(d.clone()),
            _ => None,
        };
        let name = e.name.clone();
        fs.replace_entry(parent, &name, e)
    })?;
    f.st.set(FileSt::Lfs(FileHandle { dirty: true }));
    match inline {
        Some(d) => {
            let b = types::bytes::new_bytes(vm, &d)?;
            f.cache.set(b);
        }
        None => f.cache.set(Value::NONE),
    }
    Ok(data.len())
}

pub fn file_size(vm: &mut Vm, f: FileRef) -> PyResult<u64> {
    if let Some(c) = types::bytes::bytes_data(f.cache.get()) {
        return Ok(c.items().len() as u64);
    }
    let mut size = 0;
    with_file(vm, f, false, &mut |_, _, e| {
        size = e.size() as u64;
        Ok(())
    })?;
    Ok(size)
}

/// Commit the modification time of a file written since the last flush.
pub fn file_flush(vm: &mut Vm, f: FileRef) -> PyResult<()> {
    let FileSt::Lfs(h) = f.st.get() else {
        return Ok(());
    };
    if !h.dirty {
        return Ok(());
    }
    with_file(vm, f, true, &mut |fs, parent, mut e| {
        stamp(fs, &mut e);
        let name = e.name.clone();
        fs.replace_entry(parent, &name, e)?;
        fs.dev.sync()
    })?;
    f.st.set(FileSt::Lfs(FileHandle { dirty: false }));
    Ok(())
}
