//! `vfs.VfsLfs2` (and `vfs.VfsLfs1`): LittleFS (lfs/) over a Python block device with the
//! extended interface (`readblocks(block, buf, off)`, `writeblocks(block, buf, off)`,
//! `ioctl(6, block)` to erase), with the same user-filesystem methods as `VfsFat`.
//!
//! `VfsLfs2(bdev, readsize=32, progsize=32, lookahead=32, mtime=True)` mounts at once (an
//! unformatted or corrupt device raises `OSError`). With `mtime`, files carry MicroPython's
//! modification-time attribute (type 1: 8 bytes, nanoseconds since 1970), set when a file is
//! created, truncated or written and reported by `stat`. Files are found by path on every
//! call, so each call sees the device as it is (the state of an open file is its path, mode,
//! position and whether it was written since the last flush).

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::modules::builtins::{arg_int, parse_kw};
use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use pyrite_core::qstr::{Qstr, Q};
use pyrite_core::types;
use pyrite_core::types::descr::StaticMethodObj;
use pyrite_core::value::{Gc, ObjHeader, TypeRef, Value};
use pyrite_core::vm::Vm;
use pyrite_core::{fixed_dict, fnv, PyResult};

use crate::fat::errno::*;
use crate::fat::FsResult;
use crate::lfs::{self, Cfg, Dev, FileHandle, Lfs, MEntry, Struct};
use crate::vfs_fat::{
    int, join, name_value, new_file, normalise, path_arg, stat_tuple, strs, FileRef, FileSt, Mode,
    PyDev,
};

/// Modules defined in this file (none: `vfs` exposes the classes).
pub static MODULES: &[&BuiltinModuleDef] = &[];

/// A Python block device seen as LittleFS erase blocks.
struct LfsDev<'a, 'b> {
    d: &'b mut PyDev<'a>,
    bs: u32,
    count: u32,
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

/// A `VfsLfs2` (or `VfsLfs1`).
#[repr(C)]
pub struct LfsObj {
    pub hdr: ObjHeader,
    pub bdev: Cell<Value>,
    pub cwd: Cell<Value>,
    pub cfg: Cell<Option<Cfg>>,
    pub readonly: Cell<bool>,
    pub mtime: Cell<bool>,
    pub read_size: Cell<u32>,
    pub prog_size: Cell<u32>,
}
pyrite_core::py_object!(LfsObj, VFSLFS2_TYPE);

/// A `VfsLfs1` (same fields).
#[repr(C)]
pub struct Lfs1Obj(pub LfsObj);
pyrite_core::py_object!(Lfs1Obj, VFSLFS1_TYPE);

/// A handle on either kind of LittleFS object.
#[derive(Clone, Copy)]
pub enum LfsRef {
    V2(Gc<LfsObj>),
    V1(Gc<Lfs1Obj>),
}

impl core::ops::Deref for LfsRef {
    type Target = LfsObj;
    fn deref(&self) -> &LfsObj {
        match self {
            LfsRef::V2(g) => g,
            LfsRef::V1(g) => &g.0,
        }
    }
}

pub static VFSLFS1_TYPE: Type = Type {
    make_new: Some(lfs1_make_new),
    print: Some(lfs_print),
    ..Type::new(Q::VfsLfs1)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&LFS1_LOCALS);

pub static VFSLFS2_TYPE: Type = Type {
    make_new: Some(lfs2_make_new),
    print: Some(lfs_print),
    ..Type::new(Q::VfsLfs2)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&LFS2_LOCALS);

fn lfs_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let name = vm.type_name(v);
    out.push_str(&alloc::format!("<{} 0x{:x}>", name, v.word()));
    Ok(())
}

fn lfs_obj(vm: &mut Vm, v: Value) -> PyResult<LfsRef> {
    if let Some(o) = v.downcast::<LfsObj>() {
        return Ok(LfsRef::V2(o));
    }
    match v.downcast::<Lfs1Obj>() {
        Some(o) => Ok(LfsRef::V1(o)),
        None => Err(vm.type_error("VfsLfs object required")),
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

/// (readsize, progsize, lookahead, mtime) keyword arguments.
fn lfs_args(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<(u32, u32, bool)> {
    let names: [Qstr; 4] = [Q::readsize, Q::progsize, Q::lookahead, Q::mtime];
    let mut out = [Value::NULL; 4];
    for (i, &a) in args.iter().enumerate().take(4) {
        out[i] = a;
    }
    parse_kw(vm, kw, &names, &mut out)?;
    let mut num = |v: Value, d: u32| -> PyResult<u32> {
        if v.is_null() {
            Ok(d)
        } else {
            let n = arg_int(vm, v)?;
            Ok(n.clamp(1, 1 << 20) as u32)
        }
    };
    let r = num(out[0], 32)?;
    let p = num(out[1], 32)?;
    let m = if out[3].is_null() {
        true
    } else {
        vm.is_true(out[3])?
    };
    Ok((r, p, m))
}

fn lfs2_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    make_new(vm, args, kw, false)
}

fn lfs1_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    make_new(vm, args, kw, true)
}

fn make_new(vm: &mut Vm, args: &[Value], kw: Kw, v1: bool) -> PyResult<Value> {
    let Some(&bdev) = args.first() else {
        return Err(vm.type_error("function missing required positional argument"));
    };
    let (rs, ps, mtime) = lfs_args(vm, &args[1..], kw)?;
    let fields = LfsObj {
        hdr: ObjHeader::new(if v1 { &VFSLFS1_TYPE } else { &VFSLFS2_TYPE }),
        bdev: Cell::new(bdev),
        cwd: Cell::new(Value::NULL),
        cfg: Cell::new(None),
        readonly: Cell::new(false),
        // MicroPython keeps modification times on LittleFS v2 only.
        mtime: Cell::new(mtime && !v1),
        read_size: Cell::new(rs),
        prog_size: Cell::new(ps),
    };
    let o = if v1 {
        LfsRef::V1(vm.alloc_obj(Lfs1Obj(fields))?)
    } else {
        LfsRef::V2(vm.alloc_obj(fields)?)
    };
    let ov = match o {
        LfsRef::V1(g) => g.value(),
        LfsRef::V2(g) => g.value(),
    };
    let no_write = vm.load_attr_maybe(bdev, Q::writeblocks)?.is_none();
    o.readonly.set(no_write);
    let mut dev = PyDev::new(vm, bdev, 512);
    dev.lfs = true;
    let r = (|| -> FsResult<Cfg> {
        let (bs, n) = geometry(&mut dev)?;
        let mut cfg = Cfg::new(bs, n, rs, ps);
        if v1 {
            cfg = cfg.v1();
        }
        let mut ld = LfsDev {
            d: &mut dev,
            bs,
            count: n,
        };
        let mut fs = Lfs::new(&mut ld, cfg);
        fs.mount_check()?;
        Ok(fs.cfg)
    })();
    match r {
        Ok(cfg) => {
            o.cfg.set(Some(cfg));
            Ok(ov)
        }
        Err(e) => Err(dev.error(e)),
    }
}

/// Run one operation on a mounted filesystem.
fn with_lfs<R>(
    vm: &mut Vm,
    o: LfsRef,
    write: bool,
    f: impl FnOnce(&mut Lfs<LfsDev>) -> FsResult<R>,
) -> PyResult<R> {
    let Some(cfg) = o.cfg.get() else {
        return Err(vm.os_error(ENODEV));
    };
    if write && o.readonly.get() {
        return Err(vm.os_error(EROFS));
    }
    let mut dev = PyDev::new(vm, o.bdev.get(), cfg.block_size as usize);
    dev.readonly = o.readonly.get();
    dev.lfs = true;
    let r = {
        let mut ld = LfsDev {
            d: &mut dev,
            bs: cfg.block_size,
            count: cfg.block_count,
        };
        let mut fs = Lfs::new(&mut ld, cfg);
        f(&mut fs)
    };
    match r {
        Ok(v) => Ok(v),
        Err(e) => Err(dev.error(e)),
    }
}

fn cwd_of(vm: &Vm, o: &LfsObj) -> String {
    let c = o.cwd.get();
    if c.is_null() {
        return String::from("/");
    }
    types::str::str_data(vm, c)
        .map(|s| String::from(s.as_str()))
        .unwrap_or_else(|| String::from("/"))
}

fn comps_of(vm: &mut Vm, o: &LfsObj, path: Value) -> PyResult<(Vec<String>, bool)> {
    let (p, bytes) = path_arg(vm, path)?;
    let cwd = cwd_of(vm, o);
    Ok((normalise(&cwd, &p), bytes))
}

fn mtime_attr(vm: &mut Vm) -> Vec<u8> {
    let ns = vm.host.time_ns().unwrap_or(0);
    ns.to_le_bytes().to_vec()
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

// ---- methods ----

fn m_mkfs2(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    mkfs(vm, args, kw, false)
}

fn m_mkfs1(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    mkfs(vm, args, kw, true)
}

fn mkfs(vm: &mut Vm, args: &[Value], kw: Kw, v1: bool) -> PyResult<Value> {
    let Some(&bdev) = args.first() else {
        return Err(vm.type_error("function missing required positional argument"));
    };
    let (rs, ps, _) = lfs_args(vm, &args[1..], kw)?;
    let mut dev = PyDev::new(vm, bdev, 512);
    dev.lfs = true;
    let r = (|| -> FsResult<()> {
        let (bs, n) = geometry(&mut dev)?;
        let mut cfg = Cfg::new(bs, n, rs, ps);
        if v1 {
            cfg = cfg.v1();
        }
        let mut ld = LfsDev {
            d: &mut dev,
            bs,
            count: n,
        };
        Lfs::new(&mut ld, cfg).format()
    })();
    match r {
        Ok(()) => Ok(Value::NONE),
        Err(e) => Err(dev.error(e)),
    }
}

fn m_mount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let readonly = match args.get(1) {
        Some(&v) => vm.is_true(v)?,
        None => false,
    };
    let no_write = vm.load_attr_maybe(o.bdev.get(), Q::writeblocks)?.is_none();
    o.readonly.set(readonly || no_write);
    Ok(Value::NONE)
}

fn m_umount(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::NONE)
}

fn m_ilistdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let path = args.get(1).copied().unwrap_or(Value::qstr(Q::EMPTY));
    let (comps, bytes) = comps_of(vm, &o, path)?;
    let entries = with_lfs(vm, o, false, |fs| {
        let d = match dir_of(fs, &strs(&comps)) {
            Err(ENOTDIR) => return Err(ENOENT),
            r => r?,
        };
        fs.list(d)
    })?;
    let list = types::list::new_list(vm, &[])?;
    vm.roots.push(list);
    let r = (|| -> PyResult<()> {
        for e in entries {
            let text = String::from_utf8_lossy(&e.name).into_owned();
            let n = name_value(vm, &text, bytes)?;
            vm.roots.push(n);
            let is_dir = e.kind == lfs::TYPE_DIR;
            let kind =
                Value::small_int(if is_dir { 0x4000 } else { 0x8000 }).unwrap_or(Value::NONE);
            let size = int(vm, if is_dir { 0 } else { e.size() as i64 })?;
            let t = types::tuple::new_tuple(
                vm,
                &[n, kind, Value::small_int(0).unwrap_or(Value::NONE), size],
            );
            vm.roots.pop();
            types::list::list_append(vm, list, t?)?;
        }
        Ok(())
    })();
    vm.roots.pop();
    r?;
    vm.get_iter(list)
}

fn m_mkdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    let attrs = if o.mtime.get() {
        alloc::vec![(lfs::ATTR_MTIME, mtime_attr(vm))]
    } else {
        Vec::new()
    };
    with_lfs(vm, o, true, |fs| {
        let c = strs(&comps);
        let Some((last, _)) = c.split_last() else {
            return Err(EEXIST);
        };
        check_name(&fs.cfg, last)?;
        match fs.resolve(&c)? {
            (_, Some(_)) => Err(EEXIST),
            (parent, None) => fs.mkdir(parent, last.as_bytes(), attrs),
        }
    })?;
    Ok(Value::NONE)
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

fn m_remove(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    with_lfs(vm, o, true, |fs| remove_at(fs, &strs(&comps)))?;
    Ok(Value::NONE)
}

fn m_rename(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let (from, _) = comps_of(vm, &o, args[1])?;
    let (to, _) = comps_of(vm, &o, args[2])?;
    with_lfs(vm, o, true, |fs| {
        let fc = strs(&from);
        let tc = strs(&to);
        let (Some(fl), Some(tl)) = (fc.last(), tc.last()) else {
            return Err(EINVAL);
        };
        check_name(&fs.cfg, tl)?;
        let (fparent, e) = fs.resolve(&fc)?;
        let mut e = e.ok_or(ENOENT)?;
        if fc == tc {
            return Ok(());
        }
        if e.kind == lfs::TYPE_DIR && tc.len() > fc.len() && tc[..fc.len()] == fc[..] {
            return Err(EINVAL);
        }
        let (tparent, existing) = fs.resolve(&tc)?;
        if let Some(x) = existing {
            match (x.kind == lfs::TYPE_DIR, e.kind == lfs::TYPE_DIR) {
                (true, false) => return Err(EISDIR),
                // littlefs v1 reports any type mismatch as EISDIR.
                (false, true) => return Err(if fs.cfg.v1 { EISDIR } else { ENOTDIR }),
                _ => {}
            }
            remove_at(fs, &tc)?;
        }
        if lfs::same_pair(fparent, tparent) {
            // One pair or one directory: remove and insert.
            fs.remove_entry(fparent, fl.as_bytes())?;
            e.name = tl.as_bytes().to_vec();
            fs.insert(tparent, e)
        } else {
            let name = e.name.clone();
            e.name = tl.as_bytes().to_vec();
            fs.insert(tparent, e)?;
            fs.remove_entry(fparent, &name).map(|_| ())
        }
    })?;
    Ok(Value::NONE)
}

fn m_stat(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    let e = with_lfs(vm, o, false, |fs| {
        let c = strs(&comps);
        if c.is_empty() {
            return Ok(None);
        }
        match fs.resolve(&c)? {
            (_, Some(e)) => Ok(Some(e)),
            (_, None) => Err(ENOENT),
        }
    })?;
    match e {
        None => stat_tuple(vm, 0x4000, 0, 0),
        Some(e) => {
            let dir = e.kind == lfs::TYPE_DIR;
            let t = match e.attr(lfs::ATTR_MTIME) {
                Some(a) if a.len() == 8 => {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(a);
                    (u64::from_le_bytes(b) / 1_000_000_000) as i64
                }
                _ => 0,
            };
            let mode = if dir { 0x4000 } else { 0x8000 };
            stat_tuple(vm, mode, if dir { 0 } else { e.size() as u64 }, t)
        }
    }
}

fn m_statvfs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let (bs, n, used, nm) = with_lfs(vm, o, false, |fs| {
        let u = fs.used_blocks()?;
        Ok((fs.cfg.block_size, fs.cfg.block_count, u, fs.cfg.name_max))
    })?;
    let z = Value::small_int(0).unwrap_or(Value::NONE);
    let b = int(vm, bs as i64)?;
    let t = int(vm, n as i64)?;
    vm.roots.push(t);
    let f = int(vm, n.saturating_sub(used) as i64);
    vm.roots.pop();
    let f = f?;
    let nm = int(vm, nm as i64)?;
    types::tuple::new_tuple(vm, &[b, b, t, f, f, z, z, z, z, nm])
}

fn m_chdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    with_lfs(vm, o, false, |fs| match dir_of(fs, &strs(&comps)) {
        Err(ENOTDIR) => Err(ENOENT),
        r => r.map(|_| ()),
    })?;
    let s = types::str::new_str(vm, &join(&comps))?;
    o.cwd.set(s);
    Ok(Value::NONE)
}

fn m_getcwd(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let c = cwd_of(vm, &o);
    types::str::new_str(vm, &c)
}

fn m_open(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = lfs_obj(vm, args[0])?;
    let mode_s = match args.get(2) {
        Some(&m) => pyrite_core::modules::builtins::arg_string(vm, m)?,
        None => String::from("r"),
    };
    let mode = Mode::parse(&mode_s).ok_or_else(|| vm.value_error("invalid mode"))?;
    let file = new_file(vm, args[0], mode)?;
    vm.roots.push(file);
    let r = open_inner(vm, o, file, mode, args[1]);
    vm.roots.pop();
    r?;
    Ok(file)
}

fn open_inner(vm: &mut Vm, o: LfsRef, file: Value, mode: Mode, path: Value) -> PyResult<()> {
    let (comps, _) = comps_of(vm, &o, path)?;
    let full = join(&comps);
    let pv = types::str::new_str(vm, &full)?;
    let Some(f) = crate::vfs_fat::file_obj(file) else {
        return Err(vm.type_error("file object required"));
    };
    f.path.set(pv);
    let stamp = if o.mtime.get() {
        Some(mtime_attr(vm))
    } else {
        None
    };
    let (size, inline) = with_lfs(vm, o, mode.writes(), |fs| {
        let c = strs(&comps);
        let Some((last, _)) = c.split_last() else {
            return Err(EISDIR);
        };
        check_name(&fs.cfg, last)?;
        let (parent, e) = fs.resolve(&c)?;
        match e {
            Some(e) if e.kind == lfs::TYPE_DIR => Err(EISDIR),
            Some(_) if mode.excl => Err(EEXIST),
            Some(mut e) => {
                if mode.trunc {
                    e.st = Struct::Inline(Vec::new());
                    if let Some(s) = &stamp {
                        e.set_attr(lfs::ATTR_MTIME, s);
                    }
                    fs.replace_entry(parent, last.as_bytes(), e)?;
                    Ok((0, Some(Vec::new())))
                } else {
                    let inline = match &e.st {
                        Struct::Inline(d) => Some(d.clone()),
                        _ => None,
                    };
                    Ok((e.size(), inline))
                }
            }
            None if !mode.create => Err(ENOENT),
            None => {
                let mut e = MEntry {
                    kind: lfs::TYPE_REG,
                    name: last.as_bytes().to_vec(),
                    st: Struct::Inline(Vec::new()),
                    attrs: Vec::new(),
                };
                if let Some(s) = &stamp {
                    e.set_attr(lfs::ATTR_MTIME, s);
                }
                fs.insert(parent, e)?;
                Ok((0, Some(Vec::new())))
            }
        }
    })?;
    if let Some(d) = inline {
        let b = types::bytes::new_bytes(vm, &d)?;
        f.cache.set(b);
    }
    f.st.set(FileSt::Lfs(FileHandle { dirty: false }));
    if mode.append {
        f.pos.set(size as u64);
    }
    Ok(())
}

// ---- file backend (called from vfs_fat.rs) ----

fn file_ctx(vm: &mut Vm, f: FileRef) -> PyResult<(LfsRef, Vec<String>)> {
    let o = lfs_obj(vm, f.fs.get())?;
    let p = f.path.get();
    let s = types::str::str_data(vm, p)
        .map(|s| String::from(s.as_str()))
        .unwrap_or_default();
    Ok((o, normalise("/", &s)))
}

fn file_entry(fs: &mut Lfs<LfsDev>, comps: &[String]) -> FsResult<([u32; 2], MEntry)> {
    let c = strs(comps);
    match fs.resolve(&c)? {
        (parent, Some(e)) if e.kind == lfs::TYPE_REG => Ok((parent, e)),
        (_, Some(_)) => Err(EISDIR),
        (_, None) => Err(ENOENT),
    }
}

pub fn file_read(vm: &mut Vm, f: FileRef, pos: u64, buf: &mut [u8]) -> PyResult<usize> {
    if let Some(c) = types::bytes::bytes_data(f.cache.get()) {
        let d = c.items();
        if pos >= d.len() as u64 {
            return Ok(0);
        }
        let p = pos as usize;
        let n = buf.len().min(d.len() - p);
        buf[..n].copy_from_slice(&d[p..p + n]);
        return Ok(n);
    }
    let (o, comps) = file_ctx(vm, f)?;
    with_lfs(vm, o, false, |fs| {
        let (_, e) = file_entry(fs, &comps)?;
        fs.read_file(&e, pos, buf)
    })
}

pub fn file_write(vm: &mut Vm, f: FileRef, pos: u64, data: &[u8]) -> PyResult<usize> {
    let (o, comps) = file_ctx(vm, f)?;
    let stamp = if o.mtime.get() {
        Some(mtime_attr(vm))
    } else {
        None
    };
    let (n, inline) = with_lfs(vm, o, true, |fs| {
        let (parent, mut e) = file_entry(fs, &comps)?;
        e.st = fs.write_file(&e, pos, data)?;
        if let Some(s) = &stamp {
            e.set_attr(lfs::ATTR_MTIME, s);
        }
        let inline = match &e.st {
            Struct::Inline(d) => Some(d.clone()),
            _ => None,
        };
        let name = e.name.clone();
        fs.replace_entry(parent, &name, e)?;
        Ok((data.len(), inline))
    })?;
    f.st.set(FileSt::Lfs(FileHandle { dirty: true }));
    match inline {
        Some(d) => {
            let b = types::bytes::new_bytes(vm, &d)?;
            f.cache.set(b);
        }
        None => f.cache.set(Value::NONE),
    }
    Ok(n)
}

pub fn file_size(vm: &mut Vm, f: FileRef) -> PyResult<u64> {
    if let Some(c) = types::bytes::bytes_data(f.cache.get()) {
        return Ok(c.items().len() as u64);
    }
    let (o, comps) = file_ctx(vm, f)?;
    with_lfs(vm, o, false, |fs| {
        let (_, e) = file_entry(fs, &comps)?;
        Ok(e.size() as u64)
    })
}

pub fn file_flush(vm: &mut Vm, f: FileRef) -> PyResult<()> {
    let FileSt::Lfs(h) = f.st.get() else {
        return Ok(());
    };
    if !h.dirty {
        return Ok(());
    }
    let (o, comps) = file_ctx(vm, f)?;
    let stamp = if o.mtime.get() {
        Some(mtime_attr(vm))
    } else {
        None
    };
    with_lfs(vm, o, true, |fs| {
        let (parent, mut e) = file_entry(fs, &comps)?;
        if let Some(s) = &stamp {
            e.set_attr(lfs::ATTR_MTIME, s);
        }
        let name = e.name.clone();
        fs.replace_entry(parent, &name, e)?;
        fs.dev.sync()
    })?;
    f.st.set(FileSt::Lfs(FileHandle { dirty: false }));
    Ok(())
}

pub fn file_close(vm: &mut Vm, f: FileRef) -> PyResult<()> {
    file_flush(vm, f)
}

static MKFS_FN: BuiltinFn = BuiltinFn::new_kw(Q::mkfs, 1, 4, m_mkfs2);
static MKFS: StaticMethodObj = StaticMethodObj::fixed(&MKFS_FN);
static MKFS1_FN: BuiltinFn = BuiltinFn::new_kw(Q::mkfs, 1, 4, m_mkfs1);
static MKFS1: StaticMethodObj = StaticMethodObj::fixed(&MKFS1_FN);
static MOUNT: BuiltinFn = BuiltinFn::new(Q::mount, 1, 3, m_mount);
static UMOUNT: BuiltinFn = BuiltinFn::new(Q::umount, 1, 1, m_umount);
static ILISTDIR: BuiltinFn = BuiltinFn::new(Q::ilistdir, 1, 2, m_ilistdir);
static MKDIR: BuiltinFn = BuiltinFn::new(Q::mkdir, 2, 2, m_mkdir);
static RMDIR: BuiltinFn = BuiltinFn::new(Q::rmdir, 2, 2, m_remove);
static REMOVE: BuiltinFn = BuiltinFn::new(Q::remove, 2, 2, m_remove);
static RENAME: BuiltinFn = BuiltinFn::new(Q::rename, 3, 3, m_rename);
static STAT: BuiltinFn = BuiltinFn::new(Q::stat, 2, 2, m_stat);
static STATVFS: BuiltinFn = BuiltinFn::new(Q::statvfs, 2, 2, m_statvfs);
static CHDIR: BuiltinFn = BuiltinFn::new(Q::chdir, 2, 2, m_chdir);
static GETCWD: BuiltinFn = BuiltinFn::new(Q::getcwd, 1, 1, m_getcwd);
static OPEN: BuiltinFn = BuiltinFn::new(Q::open, 2, 3, m_open);

fixed_dict!(
    LFS2_LOCALS,
    [
        (Q::mkfs, Value::from_static(&MKFS)),
        (Q::mount, fnv!(MOUNT)),
        (Q::umount, fnv!(UMOUNT)),
        (Q::ilistdir, fnv!(ILISTDIR)),
        (Q::mkdir, fnv!(MKDIR)),
        (Q::rmdir, fnv!(RMDIR)),
        (Q::remove, fnv!(REMOVE)),
        (Q::rename, fnv!(RENAME)),
        (Q::stat, fnv!(STAT)),
        (Q::statvfs, fnv!(STATVFS)),
        (Q::chdir, fnv!(CHDIR)),
        (Q::getcwd, fnv!(GETCWD)),
        (Q::open, fnv!(OPEN)),
    ]
);

fixed_dict!(
    LFS1_LOCALS,
    [
        (Q::mkfs, Value::from_static(&MKFS1)),
        (Q::mount, fnv!(MOUNT)),
        (Q::umount, fnv!(UMOUNT)),
        (Q::ilistdir, fnv!(ILISTDIR)),
        (Q::mkdir, fnv!(MKDIR)),
        (Q::rmdir, fnv!(RMDIR)),
        (Q::remove, fnv!(REMOVE)),
        (Q::rename, fnv!(RENAME)),
        (Q::stat, fnv!(STAT)),
        (Q::statvfs, fnv!(STATVFS)),
        (Q::chdir, fnv!(CHDIR)),
        (Q::getcwd, fnv!(GETCWD)),
        (Q::open, fnv!(OPEN)),
    ]
);
