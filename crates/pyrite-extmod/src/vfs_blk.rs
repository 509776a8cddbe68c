//! The Python face shared by the filesystems on block devices: `vfs.VfsFat` (vfs_fat.rs over
//! fat/) and `vfs.VfsLfs1`/`vfs.VfsLfs2` (vfs_lfs.rs over lfs/).
//!
//! - [`PyDev`]: a block device object (`readblocks(n, buf[, off])`, `writeblocks(n, buf[, off])`,
//!   `ioctl(op, arg)`, or the old `sync()`/`count()` protocol) seen from Rust. A Python
//!   exception raised by the device is kept and re-raised unchanged after the operation.
//! - [`BlkFsObj`]: the filesystem object of all three classes, and one set of the
//!   user-filesystem methods the `vfs` mount table calls (`mount`, `umount`, `ilistdir`,
//!   `mkdir`, `rmdir`, `remove`, `rename`, `stat`, `statvfs`, `chdir`, `getcwd`, `open`). Each
//!   method resolves its paths against the object's current directory and runs one session of
//!   the backend ([`BlockFs`], through [`with_blockfs`]); only `mkfs` and the constructors
//!   belong to the backends. Open files are vfs_file.rs's objects.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::modules::builtins::{arg_int, arg_string, bad_implicit_conversion};
use pyrite_core::obj::Kw;
use pyrite_core::obj::{flags, with_buffer_read, BuiltinFn, MakeNewFn, PrintKind, Type};
use pyrite_core::qstr::{Qstr, Q};
use pyrite_core::types;
use pyrite_core::value::{Gc, ObjHeader, Value};
use pyrite_core::vm::Vm;
use pyrite_core::{PyErr, PyResult};

use crate::fat::errno::*;
use crate::fat::FsResult;
use crate::vfs::{ilistdir_result, int_tuple, ListEnt};
use crate::vfs_fat::FatState;
use crate::vfs_file::{file_obj, new_file, FileSt, Mode};
use crate::vfs_lfs::LfsState;

// ---------------------------------------------------------------------------------------------
// Block devices

/// A Python block device during one operation.
pub struct PyDev<'a> {
    pub vm: &'a mut Vm,
    pub bdev: Value,
    pub ss: usize,
    /// The exception the device raised, if any.
    pub err: Option<PyErr>,
    pub readonly: bool,
    /// LittleFS's reading of block device results (see `rw`).
    pub lfs: bool,
}

impl<'a> PyDev<'a> {
    pub fn new(vm: &'a mut Vm, bdev: Value, ss: usize) -> Self {
        PyDev {
            vm,
            bdev,
            ss,
            err: None,
            readonly: false,
            lfs: false,
        }
    }

    fn keep(&mut self, e: PyErr) -> i32 {
        if self.err.is_none() {
            self.err = Some(e);
        }
        EDEVEXC
    }

    /// `bdev.readblocks(n, buf[, off])` into `out`.
    pub fn readblocks(&mut self, n: u64, out: &mut [u8], off: Option<u32>) -> FsResult<()> {
        let buf = self.rw(Q::readblocks, n, None, out.len(), off)?;
        let ok = with_buffer_read(self.vm, buf, |b| {
            if b.len() == out.len() {
                out.copy_from_slice(b);
                true
            } else {
                false
            }
        });
        self.vm.roots.pop();
        match ok {
            Ok(Some(true)) => Ok(()),
            Ok(_) => Err(EIO),
            Err(e) => Err(self.keep(e)),
        }
    }

    /// `bdev.writeblocks(n, buf[, off])`.
    pub fn writeblocks(&mut self, n: u64, data: &[u8], off: Option<u32>) -> FsResult<()> {
        if self.readonly {
            return Err(EROFS);
        }
        self.rw(Q::writeblocks, n, Some(data), data.len(), off)?;
        self.vm.roots.pop();
        Ok(())
    }

    /// Call readblocks/writeblocks with a fixed-size buffer (a memoryview of a new
    /// bytearray, as MicroPython passes); the bytearray is left pushed on `vm.roots` on
    /// success. The call's result: None or 0 is success; a negative int is an errno (for
    /// LittleFS; FAT reports EIO for any failure), a positive one EINVAL (LittleFS) or EIO.
    fn rw(
        &mut self,
        name: Qstr,
        n: u64,
        data: Option<&[u8]>,
        len: usize,
        off: Option<u32>,
    ) -> FsResult<Value> {
        let buf = match data {
            Some(d) => types::bytes::new_bytearray(self.vm, d),
            None => types::bytes::new_bytearray(self.vm, &vec![0u8; len]),
        };
        let buf = buf.map_err(|e| self.keep(e))?;
        self.vm.roots.push(buf);
        let r = self.call_rw(name, n, buf, off);
        let r = match r {
            Ok(v) if v.is_none() => return Ok(buf),
            Ok(v) => arg_int(self.vm, v),
            Err(e) => Err(e),
        };
        let code = match r {
            Ok(0) => return Ok(buf),
            Ok(_) if !self.lfs => EIO,
            Ok(i) if i < 0 => i.unsigned_abs().min(i32::MAX as usize) as i32,
            Ok(_) => EINVAL,
            Err(e) => self.keep(e),
        };
        self.vm.roots.pop();
        Err(code)
    }

    /// `bdev.name(n, memoryview(buf)[, off])`.
    fn call_rw(&mut self, name: Qstr, n: u64, buf: Value, off: Option<u32>) -> PyResult<Value> {
        let mv = types::memoryview::new_memoryview(self.vm, buf)?;
        self.vm.roots.push(mv);
        let r = types::int::int_from_u64(self.vm, n).and_then(|nv| match off {
            Some(o) => {
                let ov = Value::small_int(o as isize).unwrap_or(Value::NONE);
                self.vm.call_method(self.bdev, name, &[nv, mv, ov])
            }
            None => self.vm.call_method(self.bdev, name, &[nv, mv]),
        });
        self.vm.roots.pop();
        r
    }

    /// `bdev.ioctl(op, arg)`, or the old protocol (`count()` for 4, `sync()` for 3). Returns
    /// the result (None when the device lacks the method).
    pub fn ioctl(&mut self, op: u32, arg: isize) -> FsResult<Option<Value>> {
        let r = (|| -> PyResult<Option<Value>> {
            if let Some(f) = self.vm.load_attr_maybe(self.bdev, Q::ioctl)? {
                let a = [
                    Value::small_int(op as isize).unwrap_or(Value::NONE),
                    Value::small_int(arg).unwrap_or(Value::NONE),
                ];
                return self.vm.call(f, &a, &[]).map(Some);
            }
            let name = match op {
                3 => Q::sync,
                4 => Q::count,
                _ => return Ok(None),
            };
            match self.vm.load_attr_maybe(self.bdev, name)? {
                Some(f) => self.vm.call(f, &[], &[]).map(Some),
                None => Ok(None),
            }
        })();
        r.map_err(|e| self.keep(e))
    }

    /// An ioctl's int result (None if the device gave none).
    pub fn ioctl_int(&mut self, op: u32, arg: isize) -> FsResult<Option<i64>> {
        match self.ioctl(op, arg)? {
            Some(v) if !v.is_none() => match types::int::value_to_i64(self.vm, v) {
                Ok(i) => Ok(Some(i)),
                Err(e) => Err(self.keep(e)),
            },
            _ => Ok(None),
        }
    }

    /// Turn an errno from an operation into the Python exception to raise.
    #[cold]
    pub fn error(&mut self, e: i32) -> PyErr {
        match self.err.take() {
            Some(x) => x,
            None => {
                let e = if e == EDEVEXC { EIO } else { e };
                self.vm.os_error(e)
            }
        }
    }

    /// `r`, or the Python exception for its errno.
    pub fn result<R>(&mut self, r: FsResult<R>) -> PyResult<R> {
        r.map_err(|e| self.error(e))
    }
}

// ---------------------------------------------------------------------------------------------
// Paths

/// Text of a str or bytes path argument, and whether it was bytes.
pub fn path_arg(vm: &mut Vm, v: Value) -> PyResult<(String, bool)> {
    if let Some(s) = types::str::str_data(vm, v) {
        return Ok((String::from(s.as_str()), false));
    }
    if let Some(b) = types::bytes::bytes_data(v) {
        return match core::str::from_utf8(b.items()) {
            Ok(s) => Ok((String::from(s), true)),
            Err(_) => Err(vm.os_error(EINVAL)),
        };
    }
    Err(bad_implicit_conversion(vm, v))
}

/// Normalise `path` against the current directory `cwd` (both "/"-separated): the absolute
/// path ("/a/b", "/" for the root) with "." and ".." resolved.
pub fn normalise(cwd: &str, path: &str) -> String {
    let mut out = String::new();
    let rel = if path.starts_with('/') { "" } else { cwd };
    for c in rel.split('/').chain(path.split('/')) {
        match c {
            "" | "." => {}
            ".." => out.truncate(out.rfind('/').unwrap_or(0)),
            _ => {
                out.push('/');
                out.push_str(c);
            }
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The components of a normalised path (none for the root).
pub(crate) fn strs(path: &str) -> Vec<&str> {
    path.split('/').filter(|c| !c.is_empty()).collect()
}

pub fn int(vm: &mut Vm, v: i64) -> PyResult<Value> {
    types::int::int_from_i64(vm, v)
}

// ---------------------------------------------------------------------------------------------
// The filesystem objects

/// A `VfsFat`, `VfsLfs1` or `VfsLfs2` (the last two as [`Lfs1Obj`]/[`Lfs2Obj`], same fields).
#[repr(C)]
pub struct BlkFsObj {
    pub hdr: ObjHeader,
    pub bdev: Cell<Value>,
    /// Current directory (a str; NULL means "/").
    pub cwd: Cell<Value>,
    pub readonly: Cell<bool>,
    /// The backend's own state.
    pub state: Cell<Backend>,
}
pyrite_core::py_object!(BlkFsObj, crate::vfs_fat::VFSFAT_TYPE);

/// A `VfsLfs2`.
#[repr(C)]
pub struct Lfs2Obj(pub BlkFsObj);
pyrite_core::py_object!(Lfs2Obj, crate::vfs_lfs::VFSLFS2_TYPE);

/// A `VfsLfs1`.
#[repr(C)]
pub struct Lfs1Obj(pub BlkFsObj);
pyrite_core::py_object!(Lfs1Obj, crate::vfs_lfs::VFSLFS1_TYPE);

/// The state of the filesystem kind behind a [`BlkFsObj`].
#[derive(Clone, Copy)]
pub enum Backend {
    Fat(FatState),
    Lfs(LfsState),
}

/// A handle on any of the three object types.
#[derive(Clone, Copy)]
pub enum BlkRef {
    Fat(Gc<BlkFsObj>),
    Lfs2(Gc<Lfs2Obj>),
    Lfs1(Gc<Lfs1Obj>),
}

impl core::ops::Deref for BlkRef {
    type Target = BlkFsObj;
    fn deref(&self) -> &BlkFsObj {
        match self {
            BlkRef::Fat(g) => g,
            BlkRef::Lfs2(g) => &g.0,
            BlkRef::Lfs1(g) => &g.0,
        }
    }
}

impl BlkRef {
    pub fn value(self) -> Value {
        match self {
            BlkRef::Fat(g) => g.value(),
            BlkRef::Lfs2(g) => g.value(),
            BlkRef::Lfs1(g) => g.value(),
        }
    }
}

/// The filesystem object behind `v`.
pub fn blk_obj(vm: &mut Vm, v: Value) -> PyResult<BlkRef> {
    if let Some(o) = v.downcast::<BlkFsObj>() {
        return Ok(BlkRef::Fat(o));
    }
    if let Some(o) = v.downcast::<Lfs2Obj>() {
        return Ok(BlkRef::Lfs2(o));
    }
    match v.downcast::<Lfs1Obj>() {
        Some(o) => Ok(BlkRef::Lfs1(o)),
        None => Err(vm.type_error("VfsFat or VfsLfs object required")),
    }
}

/// A new filesystem object of type `ty` (one of the three) on `bdev`.
pub fn new_blkfs(vm: &mut Vm, ty: &'static Type, bdev: Value, st: Backend) -> PyResult<BlkRef> {
    let fields = BlkFsObj {
        hdr: ObjHeader::new(ty),
        bdev: Cell::new(bdev),
        cwd: Cell::new(Value::NULL),
        readonly: Cell::new(false),
        state: Cell::new(st),
    };
    Ok(if core::ptr::eq(ty, &crate::vfs_lfs::VFSLFS2_TYPE) {
        BlkRef::Lfs2(vm.alloc_obj(Lfs2Obj(fields))?)
    } else if core::ptr::eq(ty, &crate::vfs_lfs::VFSLFS1_TYPE) {
        BlkRef::Lfs1(vm.alloc_obj(Lfs1Obj(fields))?)
    } else {
        BlkRef::Fat(vm.alloc_obj(fields)?)
    })
}

/// A type of this family: `name`, made by `make_new`, with the shared methods and `mkfs`.
pub const fn blkfs_type(
    name: Qstr,
    make_new: MakeNewFn,
    locals: &'static pyrite_core::map::DictObj,
) -> Type {
    Type {
        make_new: Some(make_new),
        print: Some(blkfs_print),
        ..Type::new(name)
    }
    .with_flags(flags::EQ_IS_IDENTITY)
    .with_locals(locals)
}

fn blkfs_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let name = vm.type_name(v);
    crate::push_obj_repr(out, name, v);
    Ok(())
}

/// What a backend does inside one session over its block device. Paths are components from
/// the filesystem's root; errors are errnos ([`PyDev::error`] turns them into exceptions).
pub trait BlockFs {
    /// The entries of directory `dir` (ENOTDIR if it is a file).
    fn list(&mut self, dir: &[&str]) -> FsResult<Vec<ListEnt>>;
    /// Ok if `dir` is a directory (ENOTDIR if it is a file).
    fn check_dir(&mut self, dir: &[&str]) -> FsResult<()>;
    /// (is a directory, size, modification time in seconds since 1970) of a path other than
    /// the root.
    fn stat(&mut self, path: &[&str]) -> FsResult<(bool, u64, i64)>;
    /// Make directory `path` (not the root).
    fn mkdir(&mut self, path: &[&str]) -> FsResult<()>;
    /// Remove the file (`dir` false) or empty directory (`dir` true) `path`.
    fn remove(&mut self, path: &[&str], dir: bool) -> FsResult<()>;
    fn rename(&mut self, from: &[&str], to: &[&str]) -> FsResult<()>;
    /// (block size, blocks, free blocks, longest name).
    fn statvfs(&mut self) -> FsResult<[u32; 4]>;
    /// Open file `path` (not the root) as `mode` says: its state, size, and for a LittleFS
    /// inline file its contents.
    fn open(&mut self, path: &[&str], mode: Mode) -> FsResult<(FileSt, u64, Option<Vec<u8>>)>;
}

/// Run `f` in one session of the backend of `o`. `write`: the operation changes the
/// filesystem (OSError(EROFS) on a read-only mount).
pub fn with_blockfs(
    vm: &mut Vm,
    o: BlkRef,
    write: bool,
    f: &mut dyn FnMut(&mut dyn BlockFs) -> FsResult<()>,
) -> PyResult<()> {
    match o.state.get() {
        Backend::Fat(_) => crate::vfs_fat::session(vm, o, write, &mut |fs| f(fs)),
        Backend::Lfs(_) => crate::vfs_lfs::session(vm, o, write, &mut |fs| f(fs)),
    }
}

/// OSError(EROFS) for a write on a read-only mount.
pub fn check_writable(vm: &mut Vm, o: &BlkFsObj, write: bool) -> PyResult<()> {
    if write && o.readonly.get() {
        return Err(vm.os_error(EROFS));
    }
    Ok(())
}

fn cwd_of(vm: &Vm, o: &BlkFsObj) -> String {
    let c = o.cwd.get();
    types::str::str_data(vm, c)
        .map(|s| String::from(s.as_str()))
        .unwrap_or_else(|| String::from("/"))
}

/// Path argument `path` normalised against the current directory, and whether it was bytes.
fn comps_of(vm: &mut Vm, o: &BlkFsObj, path: Value) -> PyResult<(String, bool)> {
    let (p, bytes) = path_arg(vm, path)?;
    let cwd = cwd_of(vm, o);
    Ok((normalise(&cwd, &p), bytes))
}

/// The object and its normalised path argument `args[i]`.
fn obj_path(vm: &mut Vm, args: &[Value], i: usize) -> PyResult<(BlkRef, String)> {
    let o = blk_obj(vm, args[0])?;
    let (c, _) = comps_of(vm, &o, args[i])?;
    Ok((o, c))
}

pub(crate) const S_IFDIR: u32 = 0x4000;
pub(crate) const S_IFREG: u32 = 0x8000;

// ---- methods ----

fn m_mount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = blk_obj(vm, args[0])?;
    let readonly = match args.get(1) {
        Some(&v) => vm.is_true(v)?,
        None => false,
    };
    let mkfs = match args.get(2) {
        Some(&v) => vm.is_true(v)?,
        None => false,
    };
    if let Backend::Fat(_) = o.state.get() {
        crate::vfs_fat::prepare_mount(vm, o, mkfs)?;
    }
    let no_write = vm.load_attr_maybe(o.bdev.get(), Q::writeblocks)?.is_none();
    o.readonly.set(readonly || no_write);
    Ok(Value::NONE)
}

fn m_umount(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::NONE)
}

fn m_ilistdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = blk_obj(vm, args[0])?;
    let path = args.get(1).copied().unwrap_or(Value::qstr(Q::EMPTY));
    let (comps, as_bytes) = comps_of(vm, &o, path)?;
    let mut entries = Vec::new();
    with_blockfs(vm, o, false, &mut |fs| {
        entries = match fs.list(&strs(&comps)) {
            Err(ENOTDIR) => Err(ENOENT),
            r => r,
        }?;
        Ok(())
    })?;
    ilistdir_result(vm, entries, as_bytes)
}

fn m_mkdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (o, comps) = obj_path(vm, args, 1)?;
    with_blockfs(vm, o, true, &mut |fs| {
        let c = strs(&comps);
        if c.is_empty() {
            return Err(EEXIST);
        }
        fs.mkdir(&c)
    })?;
    Ok(Value::NONE)
}

fn remove(vm: &mut Vm, args: &[Value], dir: bool) -> PyResult<Value> {
    let (o, comps) = obj_path(vm, args, 1)?;
    with_blockfs(vm, o, true, &mut |fs| fs.remove(&strs(&comps), dir))?;
    Ok(Value::NONE)
}

fn m_remove(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    remove(vm, args, false)
}

fn m_rmdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    remove(vm, args, true)
}

fn m_rename(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (o, from) = obj_path(vm, args, 1)?;
    let (to, _) = comps_of(vm, &o, args[2])?;
    with_blockfs(vm, o, true, &mut |fs| {
        let (fc, tc) = (strs(&from), strs(&to));
        if fc.is_empty() || tc.is_empty() {
            return Err(EINVAL);
        }
        fs.rename(&fc, &tc)
    })?;
    Ok(Value::NONE)
}

fn m_stat(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (o, comps) = obj_path(vm, args, 1)?;
    let mut st = (true, 0, 0);
    with_blockfs(vm, o, false, &mut |fs| {
        let c = strs(&comps);
        if !c.is_empty() {
            st = fs.stat(&c)?;
        }
        Ok(())
    })?;
    let (dir, size, t) = st;
    let mode = if dir { S_IFDIR } else { S_IFREG } as i128;
    int_tuple(
        vm,
        &[
            mode,
            0,
            0,
            0,
            0,
            0,
            size as i128,
            t as i128,
            t as i128,
            t as i128,
        ],
    )
}

fn m_statvfs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = blk_obj(vm, args[0])?;
    let mut r = [0u32; 4];
    with_blockfs(vm, o, false, &mut |fs| {
        r = fs.statvfs()?;
        Ok(())
    })?;
    let [b, t, f, nm] = r.map(|x| x as i128);
    int_tuple(vm, &[b, b, t, f, f, 0, 0, 0, 0, nm])
}

fn m_chdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (o, comps) = obj_path(vm, args, 1)?;
    with_blockfs(vm, o, false, &mut |fs| match fs.check_dir(&strs(&comps)) {
        Err(ENOTDIR) => Err(ENOENT),
        r => r,
    })?;
    let s = types::str::new_str(vm, &comps)?;
    o.cwd.set(s);
    Ok(Value::NONE)
}

fn m_getcwd(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = blk_obj(vm, args[0])?;
    let c = cwd_of(vm, &o);
    types::str::new_str(vm, &c)
}

fn m_open(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = blk_obj(vm, args[0])?;
    let mode_s = match args.get(2) {
        Some(&m) => arg_string(vm, m)?,
        None => String::from("r"),
    };
    let mode = Mode::parse(&mode_s).ok_or_else(|| vm.value_error("invalid mode"))?;
    // The file object first, so a full heap fails before the filesystem changes.
    let file = new_file(vm, args[0], mode)?;
    vm.roots.push(file);
    let r = open_into(vm, o, file, mode, args[1]);
    vm.roots.pop();
    r?;
    Ok(file)
}

fn open_into(vm: &mut Vm, o: BlkRef, file: Value, mode: Mode, path: Value) -> PyResult<()> {
    let (comps, _) = comps_of(vm, &o, path)?;
    let Some(f) = file_obj(file) else {
        return Err(vm.type_error("file object required"));
    };
    if let Backend::Lfs(_) = o.state.get() {
        // LittleFS files are found by path on every call.
        let pv = types::str::new_str(vm, &comps)?;
        f.path.set(pv);
    }
    let mut opened = None;
    with_blockfs(vm, o, mode.writes(), &mut |fs| {
        let c = strs(&comps);
        if c.is_empty() {
            return Err(EISDIR);
        }
        opened = Some(fs.open(&c, mode)?);
        Ok(())
    })?;
    let Some((st, size, inline)) = opened else {
        return Err(vm.os_error(EIO));
    };
    if let Some(d) = inline {
        let b = types::bytes::new_bytes(vm, &d)?;
        f.cache.set(b);
    }
    f.st.set(st);
    if mode.append {
        f.pos.set(size);
    }
    Ok(())
}

pub static MOUNT: BuiltinFn = BuiltinFn::new(Q::mount, 1, 3, m_mount);
pub static UMOUNT: BuiltinFn = BuiltinFn::new(Q::umount, 1, 1, m_umount);
pub static ILISTDIR: BuiltinFn = BuiltinFn::new(Q::ilistdir, 1, 2, m_ilistdir);
pub static MKDIR: BuiltinFn = BuiltinFn::new(Q::mkdir, 2, 2, m_mkdir);
pub static RMDIR: BuiltinFn = BuiltinFn::new(Q::rmdir, 2, 2, m_rmdir);
pub static REMOVE: BuiltinFn = BuiltinFn::new(Q::remove, 2, 2, m_remove);
pub static RENAME: BuiltinFn = BuiltinFn::new(Q::rename, 3, 3, m_rename);
pub static STAT: BuiltinFn = BuiltinFn::new(Q::stat, 2, 2, m_stat);
pub static STATVFS: BuiltinFn = BuiltinFn::new(Q::statvfs, 2, 2, m_statvfs);
pub static CHDIR: BuiltinFn = BuiltinFn::new(Q::chdir, 2, 2, m_chdir);
pub static GETCWD: BuiltinFn = BuiltinFn::new(Q::getcwd, 1, 1, m_getcwd);
pub static OPEN: BuiltinFn = BuiltinFn::new(Q::open, 2, 3, m_open);

/// The locals dict `$name` of a filesystem type: its `mkfs` (a static method) and the shared
/// methods.
macro_rules! blkfs_locals {
    ($name:ident, $mkfs:expr) => {
        pyrite_core::fixed_dict!(
            $name,
            [
                (Q::mkfs, Value::from_static(&$mkfs)),
                (Q::mount, pyrite_core::fnv!($crate::vfs_blk::MOUNT)),
                (Q::umount, pyrite_core::fnv!($crate::vfs_blk::UMOUNT)),
                (Q::ilistdir, pyrite_core::fnv!($crate::vfs_blk::ILISTDIR)),
                (Q::mkdir, pyrite_core::fnv!($crate::vfs_blk::MKDIR)),
                (Q::rmdir, pyrite_core::fnv!($crate::vfs_blk::RMDIR)),
                (Q::remove, pyrite_core::fnv!($crate::vfs_blk::REMOVE)),
                (Q::rename, pyrite_core::fnv!($crate::vfs_blk::RENAME)),
                (Q::stat, pyrite_core::fnv!($crate::vfs_blk::STAT)),
                (Q::statvfs, pyrite_core::fnv!($crate::vfs_blk::STATVFS)),
                (Q::chdir, pyrite_core::fnv!($crate::vfs_blk::CHDIR)),
                (Q::getcwd, pyrite_core::fnv!($crate::vfs_blk::GETCWD)),
                (Q::open, pyrite_core::fnv!($crate::vfs_blk::OPEN)),
            ]
        );
    };
}
pub(crate) use blkfs_locals;
