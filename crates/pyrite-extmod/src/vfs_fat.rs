//! `vfs.VfsFat`: a FAT filesystem (fat/) over a Python block device. The methods and file
//! objects are vfs_blk.rs's and vfs_file.rs's; this is the FAT backend they run: the
//! constructor, `mkfs`, one session over the device ([`session`]) and the filesystem
//! operations ([`BlockFs`] for [`Fs`]).
//!
//! FAT details: `VfsFat(bdev)` mounts at once (an unformatted device is accepted: methods then
//! raise `OSError(ENODEV)` until `mkfs`); `mount(readonly, mkfs)` may format; `stat` reports
//! FAT's 2-second mtime as seconds since 1970; `statvfs` counts clusters.

use alloc::vec;
use alloc::vec::Vec;

use pyrite_core::obj::{BuiltinFn, Kw, Type};
use pyrite_core::qstr::Q;
use pyrite_core::types::descr::StaticMethodObj;
use pyrite_core::value::{TypeRef, Value};
use pyrite_core::vm::Vm;
use pyrite_core::PyResult;

use crate::fat::{self, errno::*, BlockDev, Dir, FileState, Fs, FsResult, Vol};
use crate::vfs::ListEnt;
use crate::vfs_blk::{
    blkfs_locals, blkfs_type, check_writable, new_blkfs, Backend, BlkRef, BlockFs, PyDev, S_IFDIR,
    S_IFREG,
};
use crate::vfs_file::{FileRef, FileSt, IoBuf, Mode};

/// What a `VfsFat` keeps between operations.
#[derive(Clone, Copy)]
pub struct FatState {
    /// The volume, None while the device holds none.
    pub vol: Option<Vol>,
    /// Sector size.
    pub ss: u32,
    /// Free clusters if known (u32::MAX: unknown).
    pub free: u32,
    pub next_free: u32,
}

pub static VFSFAT_TYPE: Type = blkfs_type(Q::VfsFat, fat_make_new, &FAT_LOCALS);

static MKFS_FN: BuiltinFn = BuiltinFn::new(Q::mkfs, 1, 1, m_mkfs);
static MKFS: StaticMethodObj = StaticMethodObj::fixed(&MKFS_FN);
blkfs_locals!(FAT_LOCALS, MKFS);

impl BlockDev for PyDev<'_> {
    fn sector_size(&self) -> usize {
        self.ss
    }
    fn read(&mut self, lba: u64, buf: &mut [u8]) -> FsResult<()> {
        self.readblocks(lba, buf, None)
    }
    fn write(&mut self, lba: u64, buf: &[u8]) -> FsResult<()> {
        self.writeblocks(lba, buf, None)
    }
    fn sync(&mut self) -> FsResult<()> {
        self.ioctl(3, 0).map(|_| ())
    }
}

/// The current time in seconds since 1970, if the port has a clock.
fn now_secs(vm: &mut Vm) -> Option<i64> {
    vm.host.time_ns().map(|ns| (ns / 1_000_000_000) as i64)
}

fn block_size(dev: &mut PyDev) -> FsResult<usize> {
    let ss = dev.ioctl_int(5, 0)?.unwrap_or(512);
    if !matches!(ss, 512 | 1024 | 2048 | 4096) {
        return Err(EINVAL);
    }
    Ok(ss as usize)
}

fn fat_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(vm.type_error("function takes 1 positional argument"));
    }
    let st = FatState {
        vol: None,
        ss: 512,
        free: u32::MAX,
        next_free: 2,
    };
    let o = new_blkfs(vm, &VFSFAT_TYPE, args[0], Backend::Fat(st))?;
    vm.roots.push(o.value());
    let r = remount(vm, o);
    vm.roots.pop();
    r?;
    Ok(o.value())
}

fn fat_state(o: &BlkRef) -> FatState {
    match o.state.get() {
        Backend::Fat(st) => st,
        Backend::Lfs(_) => FatState {
            vol: None,
            ss: 512,
            free: u32::MAX,
            next_free: 2,
        },
    }
}

/// Initialise the device and look for a volume (none found is not an error).
fn remount(vm: &mut Vm, o: BlkRef) -> PyResult<()> {
    let mut dev = PyDev::new(vm, o.bdev.get(), 512);
    let r = (|| -> FsResult<(usize, Option<Vol>)> {
        dev.ioctl(1, 0)?;
        let ss = block_size(&mut dev)?;
        dev.ss = ss;
        match fat::mount(&mut dev) {
            Ok(v) => Ok((ss, Some(v))),
            Err(ENODEV) => Ok((ss, None)),
            Err(e) => Err(e),
        }
    })();
    let (ss, vol) = dev.result(r)?;
    let mut st = FatState {
        vol,
        ss: ss as u32,
        free: u32::MAX,
        next_free: 2,
    };
    if let Some(v) = vol.filter(|v| v.fsinfo != 0) {
        // Trust FSInfo's free count and hint when they are plausible.
        let mut b = vec![0u8; ss];
        if dev.read(v.fsinfo, &mut b).is_ok()
            && b.get(0..4) == Some(&[0x52, 0x52, 0x61, 0x41])
            && b.get(484..488) == Some(&[0x72, 0x72, 0x41, 0x61])
        {
            let f = u32::from_le_bytes([b[488], b[489], b[490], b[491]]);
            let nx = u32::from_le_bytes([b[492], b[493], b[494], b[495]]);
            if f <= v.nclusters {
                st.free = f;
            }
            if nx >= 2 && nx < v.nclusters + 2 {
                st.next_free = nx;
            }
        }
    }
    o.state.set(Backend::Fat(st));
    Ok(())
}

fn m_mkfs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let bdev = args[0];
    let serial = now_secs(vm).unwrap_or(0) as u32;
    let mut dev = PyDev::new(vm, bdev, 512);
    let r = (|| -> FsResult<()> {
        dev.ioctl(1, 0)?;
        dev.ss = block_size(&mut dev)?;
        // MicroPython makes a VfsFat (which reads the boot sector) before formatting.
        match fat::mount(&mut dev) {
            Ok(_) | Err(ENODEV) => {}
            Err(e) => return Err(e),
        }
        let n = match dev.ioctl_int(4, 0)? {
            Some(n) if n > 0 => n as u64,
            _ => return Err(EINVAL),
        };
        fat::mkfs(&mut dev, n, serial)?;
        Ok(())
    })();
    dev.result(r)?;
    Ok(Value::NONE)
}

/// `mount(readonly, mkfs)`'s FAT part: look for the volume again if there was none, and
/// format first if asked to and there is still none.
pub fn prepare_mount(vm: &mut Vm, o: BlkRef, mkfs: bool) -> PyResult<()> {
    if fat_state(&o).vol.is_none() {
        remount(vm, o)?;
    }
    if fat_state(&o).vol.is_none() && mkfs {
        m_mkfs(vm, &[o.bdev.get()], &[])?;
        remount(vm, o)?;
    }
    if fat_state(&o).vol.is_none() {
        return Err(vm.os_error(ENODEV));
    }
    Ok(())
}

/// Run `f` on the volume of `o` and write back what it changed (the sector cache, the free
/// cluster count).
pub fn session(
    vm: &mut Vm,
    o: BlkRef,
    write: bool,
    f: &mut dyn FnMut(&mut Fs<PyDev>) -> FsResult<()>,
) -> PyResult<()> {
    let mut st = fat_state(&o);
    let Some(vol) = st.vol else {
        return Err(vm.os_error(ENODEV));
    };
    check_writable(vm, &o, write)?;
    let now = now_secs(vm);
    let mut dev = PyDev::new(vm, o.bdev.get(), st.ss as usize);
    let r = {
        let mut fs = Fs::new(&mut dev, vol);
        if st.free != u32::MAX {
            fs.free = Some(st.free);
        }
        fs.next_free = st.next_free;
        if let Some(t) = now {
            fs.now = fat::time::fat_from_unix(t);
        }
        let r = f(&mut fs);
        let fl = fs.flush();
        st.free = fs.free.unwrap_or(u32::MAX);
        st.next_free = fs.next_free;
        r.and(fl)
    };
    o.state.set(Backend::Fat(st));
    dev.result(r)
}

/// Read or write an open file at `pos`.
pub fn file_io(vm: &mut Vm, f: FileRef, pos: u64, buf: IoBuf) -> PyResult<usize> {
    let FileSt::Fat(mut st) = f.st.get() else {
        return Err(vm.os_error(EBADF));
    };
    let o = crate::vfs_blk::blk_obj(vm, f.fs.get())?;
    let write = matches!(buf, IoBuf::Write(_));
    let mut buf = buf;
    let mut n = 0;
    let r = session(vm, o, write, &mut |fs| {
        n = match &mut buf {
            IoBuf::Read(b) => fs.read_file(&mut st, pos, b)?,
            IoBuf::Write(d) => fs.write_file(&mut st, pos, d)?,
        };
        Ok(())
    });
    f.st.set(FileSt::Fat(st));
    r.map(|_| n)
}

/// The directory a path names (root for no components).
fn dir_of(fs: &mut Fs<PyDev>, comps: &[&str]) -> FsResult<Dir> {
    if comps.is_empty() {
        return Ok(fs.root());
    }
    match fs.resolve(comps)? {
        (_, Some(e)) if e.is_dir() => fs.entry_dir(&e),
        (_, Some(_)) => Err(ENOTDIR),
        (_, None) => Err(ENOENT),
    }
}

/// The entry a path names (ENOENT if none).
fn entry_of(fs: &mut Fs<PyDev>, comps: &[&str]) -> FsResult<fat::Entry> {
    fs.resolve(comps)?.1.ok_or(ENOENT)
}

impl BlockFs for Fs<'_, PyDev<'_>> {
    fn list(&mut self, dir: &[&str]) -> FsResult<Vec<ListEnt>> {
        let d = dir_of(self, dir)?;
        Ok(self
            .list(d)?
            .into_iter()
            .map(|e| ListEnt {
                kind: if e.is_dir() { S_IFDIR } else { S_IFREG },
                ino: 0,
                size: Some(e.size as u64),
                name: e.name.into_bytes(),
            })
            .collect())
    }

    fn check_dir(&mut self, dir: &[&str]) -> FsResult<()> {
        dir_of(self, dir).map(|_| ())
    }

    fn stat(&mut self, path: &[&str]) -> FsResult<(bool, u64, i64)> {
        let e = entry_of(self, path)?;
        let t = fat::time::unix_from_fat(e.wdate, e.wtime);
        Ok((e.is_dir(), e.size as u64, t))
    }

    fn mkdir(&mut self, path: &[&str]) -> FsResult<()> {
        let Some(last) = path.last() else {
            return Err(EEXIST);
        };
        match self.resolve(path)? {
            (_, Some(_)) => Err(EEXIST),
            (parent, None) => Fs::mkdir(self, parent, last),
        }
    }

    fn remove(&mut self, path: &[&str], want_dir: bool) -> FsResult<()> {
        if path.is_empty() {
            return Err(EACCES);
        }
        let e = entry_of(self, path)?;
        if e.is_dir() != want_dir {
            return Err(if want_dir { ENOTDIR } else { EISDIR });
        }
        if e.attr & fat::ATTR_RO != 0 {
            return Err(EACCES);
        }
        if want_dir {
            let d = self.entry_dir(&e)?;
            if !self.dir_is_empty(d)? {
                return Err(EACCES);
            }
        }
        self.delete_entry(&e)?;
        self.free_entry_data(&e)
    }

    fn rename(&mut self, fc: &[&str], tc: &[&str]) -> FsResult<()> {
        let old = entry_of(self, fc)?;
        if old.is_dir() && tc.len() > fc.len() && tc[..fc.len()] == fc[..] {
            return Err(EINVAL);
        }
        let (new_parent, existing) = self.resolve(tc)?;
        let old_parent = dir_of(self, &fc[..fc.len() - 1])?;
        if let Some(ex) = existing {
            // The same entry is a change of case only: recreate it under the new name.
            if ex.loc != old.loc {
                if ex.is_dir() {
                    let d = self.entry_dir(&ex)?;
                    if !self.dir_is_empty(d)? {
                        return Err(EACCES);
                    }
                }
                self.delete_entry(&ex)?;
                self.free_entry_data(&ex)?;
            }
        }
        let last = tc.last().copied().ok_or(EINVAL)?;
        let loc = self.create_entry(new_parent, last, old.attr, old.cluster)?;
        self.update_entry(loc, old.cluster, old.size, false)?;
        self.copy_times(old.loc, loc)?;
        self.delete_entry(&old)?;
        if old.is_dir() && old_parent != new_parent && old.cluster != 0 {
            self.set_dotdot(old.cluster, new_parent)?;
        }
        Ok(())
    }

    fn statvfs(&mut self) -> FsResult<[u32; 4]> {
        let f = self.free_clusters()?;
        Ok([self.vol.cluster_bytes(), self.vol.nclusters, f, 255])
    }

    fn open(&mut self, path: &[&str], mode: Mode) -> FsResult<(FileSt, u64, Option<Vec<u8>>)> {
        let Some(last) = path.last() else {
            return Err(EISDIR);
        };
        let (parent, e) = self.resolve(path)?;
        let mut st = FileState::default();
        match e {
            Some(e) if e.is_dir() => return Err(EISDIR),
            Some(_) if mode.excl => return Err(EEXIST),
            Some(e) => {
                if mode.writes() && e.attr & fat::ATTR_RO != 0 {
                    return Err(EACCES);
                }
                st.loc = e.loc;
                st.cluster = e.cluster;
                st.size = e.size;
                let valid = e.cluster >= 2 && e.cluster < self.vol.nclusters.saturating_add(2);
                if e.cluster != 0 && !valid {
                    return Err(EIO);
                }
                if mode.trunc {
                    self.truncate(&mut st)?;
                }
            }
            None if !mode.create => return Err(ENOENT),
            None => {
                st.loc = self.create_entry(parent, last, fat::ATTR_ARCHIVE, 0)?;
            }
        }
        Ok((FileSt::Fat(st), st.size as u64, None))
    }
}
