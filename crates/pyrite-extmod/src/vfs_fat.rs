//! `vfs.VfsFat`: a FAT filesystem (fat/) over a Python block device, with MicroPython's
//! user-filesystem methods (what the `vfs` mount table calls) and file objects.
//!
//! Also defined here and shared with `vfs_lfs.rs`:
//! - [`PyDev`]: a block device object (`readblocks(n, buf[, off])`, `writeblocks(n, buf[, off])`,
//!   `ioctl(op, arg)`, or the old `sync()`/`count()` protocol) seen from Rust. A Python
//!   exception raised by the device is kept and re-raised unchanged after the operation.
//! - [`VfsFileObj`]: the file objects `open()` returns (`FileIO` for binary modes,
//!   `TextIOWrapper` for text), with read/readinto/readline/readlines/write/seek/tell/flush/
//!   close, line iteration and the context manager protocol. They keep their state in plain
//!   fields and every write goes through to the device before the call returns, so a file that
//!   is dropped without `close()` loses nothing (MicroPython's finaliser closes it; here nothing
//!   is left to close).
//!
//! FAT details: `VfsFat(bdev)` mounts at once (an unformatted device is accepted: methods then
//! raise `OSError(ENODEV)` until `mkfs`); `mount(readonly, mkfs)` may format; the current
//! directory is a path kept in the object; `stat` reports FAT's 2-second mtime as seconds since
//! 1970; `statvfs` counts clusters.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::modules::builtins::{arg_int, buffer_bytes};
use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::obj::{
    flags, with_buffer_read, with_buffer_write, BuiltinFn, Kw, PrintKind, Type,
};
use pyrite_core::qstr::Q;
use pyrite_core::types;
use pyrite_core::types::descr::StaticMethodObj;
use pyrite_core::value::{Gc, ObjHeader, TypeRef, Value};
use pyrite_core::vm::Vm;
use pyrite_core::{fixed_dict, fnv, PyErr, PyResult};

use crate::fat::{self, errno::*, BlockDev, Dir, FileState, Fs, FsResult, Vol};

/// Modules defined in this file (none: `vfs` exposes the class).
pub static MODULES: &[&BuiltinModuleDef] = &[];

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
    /// Blocks written since the last sync.
    pub dirty: bool,
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
            dirty: false,
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
        let r = self.rw(Q::readblocks, n, None, out.len(), off);
        let buf = r?;
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
        self.dirty = true;
        Ok(())
    }

    /// Call readblocks/writeblocks with a fixed-size buffer (a memoryview of a new
    /// bytearray, as MicroPython passes); the bytearray is left pushed on `vm.roots` on
    /// success. The call's result: None or 0 is success; a negative int is an errno (for
    /// LittleFS; FAT reports EIO for any failure), a positive one EINVAL (LittleFS) or EIO.
    fn rw(
        &mut self,
        name: pyrite_core::qstr::Qstr,
        n: u64,
        data: Option<&[u8]>,
        len: usize,
        off: Option<u32>,
    ) -> FsResult<Value> {
        let buf = match data {
            Some(d) => types::bytes::new_bytearray(self.vm, d),
            None => types::bytes::new_bytearray(self.vm, &vec![0u8; len]),
        };
        let buf = match buf {
            Ok(b) => b,
            Err(e) => return Err(self.keep(e)),
        };
        self.vm.roots.push(buf);
        let fail = |this: &mut Self, e| {
            this.vm.roots.pop();
            Err(this.keep(e))
        };
        let mv = match types::memoryview::new_memoryview(self.vm, buf) {
            Ok(v) => v,
            Err(e) => return fail(self, e),
        };
        self.vm.roots.push(mv);
        let nv = match types::int::int_from_u64(self.vm, n) {
            Ok(v) => v,
            Err(e) => {
                self.vm.roots.pop();
                return fail(self, e);
            }
        };
        let r = match off {
            Some(o) => {
                let ov = Value::small_int(o as isize).unwrap_or(Value::NONE);
                self.vm.call_method(self.bdev, name, &[nv, mv, ov])
            }
            None => self.vm.call_method(self.bdev, name, &[nv, mv]),
        };
        self.vm.roots.pop();
        match r {
            Ok(v) if v.is_none() => Ok(buf),
            Ok(v) => match arg_int(self.vm, v) {
                Ok(0) => Ok(buf),
                Ok(i) => {
                    self.vm.roots.pop();
                    Err(if !self.lfs {
                        EIO
                    } else if i < 0 {
                        i.unsigned_abs().min(i32::MAX as usize) as i32
                    } else {
                        EINVAL
                    })
                }
                Err(e) => fail(self, e),
            },
            Err(e) => fail(self, e),
        }
    }

    /// `bdev.ioctl(op, arg)`, or the old protocol (`count()` for 4, `sync()` for 3). Returns
    /// the result (None when the device lacks the method).
    pub fn ioctl(&mut self, op: u32, arg: isize) -> FsResult<Option<Value>> {
        let r = match self.vm.load_attr_maybe(self.bdev, Q::ioctl) {
            Ok(Some(f)) => {
                let a = [
                    Value::small_int(op as isize).unwrap_or(Value::NONE),
                    Value::small_int(arg).unwrap_or(Value::NONE),
                ];
                self.vm.call(f, &a, &[])
            }
            Ok(None) => {
                let name = match op {
                    3 => Q::sync,
                    4 => Q::count,
                    _ => return Ok(None),
                };
                match self.vm.load_attr_maybe(self.bdev, name) {
                    Ok(Some(f)) => self.vm.call(f, &[], &[]),
                    Ok(None) => return Ok(None),
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        match r {
            Ok(v) => Ok(Some(v)),
            Err(e) => Err(self.keep(e)),
        }
    }

    /// An ioctl's int result (None if the device gave none).
    pub fn ioctl_int(&mut self, op: u32, arg: isize) -> FsResult<Option<i64>> {
        match self.ioctl(op, arg)? {
            Some(v) if v.is_none() => Ok(None),
            Some(v) => match types::int::value_to_i64(self.vm, v) {
                Ok(i) => Ok(Some(i)),
                Err(e) => Err(self.keep(e)),
            },
            None => Ok(None),
        }
    }

    /// Turn an errno from an operation into the Python exception to raise.
    pub fn error(&mut self, e: i32) -> PyErr {
        match self.err.take() {
            Some(x) => x,
            None => {
                let e = if e == EDEVEXC { EIO } else { e };
                self.vm.os_error(e)
            }
        }
    }
}

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
    Err(pyrite_core::modules::builtins::bad_implicit_conversion(
        vm, v,
    ))
}

/// Normalise `path` against the current directory `cwd` (absolute, "/"-separated):
/// the list of components with "." and ".." resolved.
pub fn normalise(cwd: &str, path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let full_rel = !path.starts_with('/');
    if full_rel {
        for c in cwd.split('/').filter(|c| !c.is_empty()) {
            out.push(String::from(c));
        }
    }
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            _ => out.push(String::from(c)),
        }
    }
    out
}

/// "/a/b" from components.
pub fn join(comps: &[String]) -> String {
    if comps.is_empty() {
        return String::from("/");
    }
    let mut s = String::new();
    for c in comps {
        s.push('/');
        s.push_str(c);
    }
    s
}

/// A str or bytes value of `s`.
pub fn name_value(vm: &mut Vm, s: &str, bytes: bool) -> PyResult<Value> {
    if bytes {
        types::bytes::new_bytes(vm, s.as_bytes())
    } else {
        types::str::new_str(vm, s)
    }
}

pub fn int(vm: &mut Vm, v: i64) -> PyResult<Value> {
    types::int::int_from_i64(vm, v)
}

/// The current time in seconds since 1970, if the port has a clock.
pub fn now_secs(vm: &mut Vm) -> Option<i64> {
    vm.host.time_ns().map(|ns| (ns / 1_000_000_000) as i64)
}

// ---------------------------------------------------------------------------------------------
// The VfsFat object

/// A `VfsFat`.
#[repr(C)]
pub struct FatObj {
    pub hdr: ObjHeader,
    pub bdev: Cell<Value>,
    /// Current directory (a str; NULL means "/").
    pub cwd: Cell<Value>,
    pub vol: Cell<Option<Vol>>,
    pub ss: Cell<u32>,
    pub readonly: Cell<bool>,
    /// Free clusters if known (u32::MAX: unknown).
    pub free: Cell<u32>,
    pub next_free: Cell<u32>,
}
pyrite_core::py_object!(FatObj, VFSFAT_TYPE);

pub static VFSFAT_TYPE: Type = Type {
    make_new: Some(fat_make_new),
    print: Some(fat_print),
    ..Type::new(Q::VfsFat)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&FAT_LOCALS);

fn fat_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str(&alloc::format!("<VfsFat 0x{:x}>", v.word()));
    Ok(())
}

fn fat_obj(vm: &mut Vm, v: Value) -> PyResult<Gc<FatObj>> {
    match v.downcast::<FatObj>() {
        Some(o) => Ok(o),
        None => Err(vm.type_error("VfsFat object required")),
    }
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
    let bdev = args[0];
    let o = vm.alloc_obj(FatObj {
        hdr: ObjHeader::new(&VFSFAT_TYPE),
        bdev: Cell::new(bdev),
        cwd: Cell::new(Value::NULL),
        vol: Cell::new(None),
        ss: Cell::new(512),
        readonly: Cell::new(false),
        free: Cell::new(u32::MAX),
        next_free: Cell::new(2),
    })?;
    vm.roots.push(o.value());
    let r = remount(vm, o);
    vm.roots.pop();
    r?;
    Ok(o.value())
}

/// Initialise the device and look for a volume (none found is not an error).
fn remount(vm: &mut Vm, o: Gc<FatObj>) -> PyResult<()> {
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
    match r {
        Ok((ss, vol)) => {
            o.ss.set(ss as u32);
            o.vol.set(vol);
            o.free.set(u32::MAX);
            o.next_free.set(2);
            if let Some(v) = vol {
                if v.fsinfo != 0 {
                    // Trust FSInfo's free count and hint when they are plausible.
                    let mut b = vec![0u8; ss];
                    if dev.read(v.fsinfo, &mut b).is_ok()
                        && b.get(0..4) == Some(&[0x52, 0x52, 0x61, 0x41])
                        && b.get(484..488) == Some(&[0x72, 0x72, 0x41, 0x61])
                    {
                        let f = u32::from_le_bytes([b[488], b[489], b[490], b[491]]);
                        let nx = u32::from_le_bytes([b[492], b[493], b[494], b[495]]);
                        if f <= v.nclusters {
                            o.free.set(f);
                        }
                        if nx >= 2 && nx < v.nclusters + 2 {
                            o.next_free.set(nx);
                        }
                    }
                }
            }
            Ok(())
        }
        Err(e) => Err(dev.error(e)),
    }
}

/// Run one filesystem operation and write back what it changed.
fn with_fs<R>(
    vm: &mut Vm,
    o: Gc<FatObj>,
    write: bool,
    f: impl FnOnce(&mut Fs<PyDev>) -> FsResult<R>,
) -> PyResult<R> {
    let Some(vol) = o.vol.get() else {
        return Err(vm.os_error(ENODEV));
    };
    if write && o.readonly.get() {
        return Err(vm.os_error(EROFS));
    }
    let now = now_secs(vm);
    let mut dev = PyDev::new(vm, o.bdev.get(), o.ss.get() as usize);
    let r = {
        let mut fs = Fs::new(&mut dev, vol);
        if o.free.get() != u32::MAX {
            fs.free = Some(o.free.get());
        }
        fs.next_free = o.next_free.get();
        if let Some(t) = now {
            fs.now = fat::time::fat_from_unix(t);
        }
        let r = f(&mut fs);
        let fl = fs.flush();
        o.free.set(fs.free.unwrap_or(u32::MAX));
        o.next_free.set(fs.next_free);
        match (r, fl) {
            (Ok(v), Ok(())) => Ok(v),
            (Err(e), _) => Err(e),
            (Ok(_), Err(e)) => Err(e),
        }
    };
    match r {
        Ok(v) => Ok(v),
        Err(e) => {
            // A failed device write leaves the cache; the volume may have changed.
            Err(dev.error(e))
        }
    }
}

fn cwd_of(vm: &Vm, o: &FatObj) -> String {
    let c = o.cwd.get();
    if c.is_null() {
        return String::from("/");
    }
    types::str::str_data(vm, c)
        .map(|s| String::from(s.as_str()))
        .unwrap_or_else(|| String::from("/"))
}

fn comps_of(vm: &mut Vm, o: &FatObj, path: Value) -> PyResult<(Vec<String>, bool)> {
    let (p, bytes) = path_arg(vm, path)?;
    let cwd = cwd_of(vm, o);
    Ok((normalise(&cwd, &p), bytes))
}

pub(crate) fn strs(c: &[String]) -> Vec<&str> {
    c.iter().map(|s| s.as_str()).collect()
}

// ---- methods ----

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
    match r {
        Ok(()) => Ok(Value::NONE),
        Err(e) => Err(dev.error(e)),
    }
}

fn m_mount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let readonly = match args.get(1) {
        Some(&v) => vm.is_true(v)?,
        None => false,
    };
    let mkfs = match args.get(2) {
        Some(&v) => vm.is_true(v)?,
        None => false,
    };
    if o.vol.get().is_none() {
        remount(vm, o)?;
    }
    if o.vol.get().is_none() && mkfs {
        m_mkfs(vm, &[o.bdev.get()], &[])?;
        remount(vm, o)?;
    }
    if o.vol.get().is_none() {
        return Err(vm.os_error(ENODEV));
    }
    let no_write = vm.load_attr_maybe(o.bdev.get(), Q::writeblocks)?.is_none();
    o.readonly.set(readonly || no_write);
    Ok(Value::NONE)
}

fn m_umount(_vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::NONE)
}

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

fn m_ilistdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let path = args.get(1).copied().unwrap_or(Value::qstr(Q::EMPTY));
    let (comps, bytes) = comps_of(vm, &o, path)?;
    let entries = with_fs(vm, o, false, |fs| {
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
            let n = name_value(vm, &e.name, bytes)?;
            vm.roots.push(n);
            let kind =
                Value::small_int(if e.is_dir() { 0x4000 } else { 0x8000 }).unwrap_or(Value::NONE);
            let size = int(vm, e.size as i64)?;
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
    let o = fat_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    with_fs(vm, o, true, |fs| {
        let c = strs(&comps);
        let Some((last, _)) = c.split_last() else {
            return Err(EEXIST);
        };
        match fs.resolve(&c)? {
            (_, Some(_)) => Err(EEXIST),
            (parent, None) => fs.mkdir(parent, last),
        }
    })?;
    Ok(Value::NONE)
}

fn remove_impl(vm: &mut Vm, args: &[Value], want_dir: bool) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    with_fs(vm, o, true, |fs| {
        let c = strs(&comps);
        if c.is_empty() {
            return Err(EACCES);
        }
        let e = match fs.resolve(&c)? {
            (_, Some(e)) => e,
            (_, None) => return Err(ENOENT),
        };
        if e.is_dir() != want_dir {
            return Err(if want_dir { ENOTDIR } else { EISDIR });
        }
        if e.attr & fat::ATTR_RO != 0 {
            return Err(EACCES);
        }
        if want_dir {
            let d = fs.entry_dir(&e)?;
            if !fs.dir_is_empty(d)? {
                return Err(EACCES);
            }
        }
        fs.delete_entry(&e)?;
        fs.free_entry_data(&e)
    })?;
    Ok(Value::NONE)
}

fn m_remove(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    remove_impl(vm, args, false)
}

fn m_rmdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    remove_impl(vm, args, true)
}

fn m_rename(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let (from, _) = comps_of(vm, &o, args[1])?;
    let (to, _) = comps_of(vm, &o, args[2])?;
    with_fs(vm, o, true, |fs| {
        let fc = strs(&from);
        let tc = strs(&to);
        if fc.is_empty() || tc.is_empty() {
            return Err(EINVAL);
        }
        let old = match fs.resolve(&fc)? {
            (_, Some(e)) => e,
            (_, None) => return Err(ENOENT),
        };
        if old.is_dir() && tc.len() > fc.len() && tc[..fc.len()] == fc[..] {
            return Err(EINVAL);
        }
        let (new_parent, existing) = fs.resolve(&tc)?;
        let old_parent = fs.resolve(&fc[..fc.len() - 1]).and_then(|(_, e)| match e {
            Some(e) => fs.entry_dir(&e),
            None => Ok(fs.root()),
        })?;
        if let Some(ex) = existing {
            if ex.loc == old.loc {
                // Same entry (a change of case only): recreate under the new name.
            } else {
                if ex.is_dir() {
                    let d = fs.entry_dir(&ex)?;
                    if !fs.dir_is_empty(d)? {
                        return Err(EACCES);
                    }
                }
                fs.delete_entry(&ex)?;
                fs.free_entry_data(&ex)?;
            }
        }
        let last = tc.last().copied().ok_or(EINVAL)?;
        let loc = fs.create_entry(new_parent, last, old.attr, old.cluster)?;
        fs.update_entry(loc, old.cluster, old.size, false)?;
        fs.copy_times(old.loc, loc)?;
        fs.delete_entry(&old)?;
        if old.is_dir() && old_parent != new_parent && old.cluster != 0 {
            fs.set_dotdot(old.cluster, new_parent)?;
        }
        Ok(())
    })?;
    Ok(Value::NONE)
}

pub(crate) fn stat_tuple(vm: &mut Vm, mode: i64, size: u64, mtime: i64) -> PyResult<Value> {
    let z = Value::small_int(0).unwrap_or(Value::NONE);
    let m = int(vm, mode)?;
    let s = types::int::int_from_u64(vm, size)?;
    vm.roots.push(s);
    let t = int(vm, mtime);
    vm.roots.pop();
    let t = t?;
    types::tuple::new_tuple(vm, &[m, z, z, z, z, z, s, t, t, t])
}

fn m_stat(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    let r = with_fs(vm, o, false, |fs| {
        let c = strs(&comps);
        if c.is_empty() {
            return Ok(None);
        }
        match fs.resolve(&c)? {
            (_, Some(e)) => Ok(Some(e)),
            (_, None) => Err(ENOENT),
        }
    })?;
    match r {
        None => stat_tuple(vm, 0x4000, 0, 0),
        Some(e) => {
            let mode = if e.is_dir() { 0x4000 } else { 0x8000 };
            let t = fat::time::unix_from_fat(e.wdate, e.wtime);
            stat_tuple(vm, mode, e.size as u64, t)
        }
    }
}

fn m_statvfs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let (bsize, total, free) = with_fs(vm, o, false, |fs| {
        let f = fs.free_clusters()?;
        Ok((fs.vol.cluster_bytes(), fs.vol.nclusters, f))
    })?;
    let z = Value::small_int(0).unwrap_or(Value::NONE);
    let b = int(vm, bsize as i64)?;
    let t = int(vm, total as i64)?;
    vm.roots.push(t);
    let f = int(vm, free as i64);
    vm.roots.pop();
    let f = f?;
    let nm = Value::small_int(255).unwrap_or(Value::NONE);
    types::tuple::new_tuple(vm, &[b, b, t, f, f, z, z, z, z, nm])
}

fn m_chdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let (comps, _) = comps_of(vm, &o, args[1])?;
    with_fs(vm, o, false, |fs| match dir_of(fs, &strs(&comps)) {
        Err(ENOTDIR) => Err(ENOENT),
        r => r.map(|_| ()),
    })?;
    let s = types::str::new_str(vm, &join(&comps))?;
    o.cwd.set(s);
    Ok(Value::NONE)
}

fn m_getcwd(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let c = cwd_of(vm, &o);
    types::str::new_str(vm, &c)
}

fn m_open(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let o = fat_obj(vm, args[0])?;
    let mode_s = match args.get(2) {
        Some(&m) => pyrite_core::modules::builtins::arg_string(vm, m)?,
        None => String::from("r"),
    };
    let mode = Mode::parse(&mode_s).ok_or_else(|| vm.value_error("invalid mode"))?;
    // The file object first, so a full heap fails before the filesystem changes.
    let file = new_file(vm, args[0], mode)?;
    vm.roots.push(file);
    let (comps, _) = match comps_of(vm, &o, args[1]) {
        Ok(c) => c,
        Err(e) => {
            vm.roots.pop();
            return Err(e);
        }
    };
    let r = with_fs(vm, o, mode.writes(), |fs| {
        let c = strs(&comps);
        let Some((last, _)) = c.split_last() else {
            return Err(EISDIR);
        };
        let (parent, e) = fs.resolve(&c)?;
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
                if e.cluster != 0 && !fs.vol_valid(e.cluster) {
                    return Err(EIO);
                }
                if mode.trunc {
                    fs.truncate(&mut st)?;
                }
            }
            None if !mode.create => return Err(ENOENT),
            None => {
                st.loc = fs.create_entry(parent, last, fat::ATTR_ARCHIVE, 0)?;
            }
        }
        Ok(st)
    });
    vm.roots.pop();
    let st = r?;
    if let Some(f) = file_obj(file) {
        f.st.set(FileSt::Fat(st));
        if mode.append {
            f.pos.set(st.size as u64);
        }
    }
    Ok(file)
}

static MKFS_FN: BuiltinFn = BuiltinFn::new(Q::mkfs, 1, 1, m_mkfs);
static MKFS: StaticMethodObj = StaticMethodObj::fixed(&MKFS_FN);
static MOUNT: BuiltinFn = BuiltinFn::new(Q::mount, 1, 3, m_mount);
static UMOUNT: BuiltinFn = BuiltinFn::new(Q::umount, 1, 1, m_umount);
static ILISTDIR: BuiltinFn = BuiltinFn::new(Q::ilistdir, 1, 2, m_ilistdir);
static MKDIR: BuiltinFn = BuiltinFn::new(Q::mkdir, 2, 2, m_mkdir);
static RMDIR: BuiltinFn = BuiltinFn::new(Q::rmdir, 2, 2, m_rmdir);
static REMOVE: BuiltinFn = BuiltinFn::new(Q::remove, 2, 2, m_remove);
static RENAME: BuiltinFn = BuiltinFn::new(Q::rename, 3, 3, m_rename);
static STAT: BuiltinFn = BuiltinFn::new(Q::stat, 2, 2, m_stat);
static STATVFS: BuiltinFn = BuiltinFn::new(Q::statvfs, 2, 2, m_statvfs);
static CHDIR: BuiltinFn = BuiltinFn::new(Q::chdir, 2, 2, m_chdir);
static GETCWD: BuiltinFn = BuiltinFn::new(Q::getcwd, 1, 1, m_getcwd);
static OPEN: BuiltinFn = BuiltinFn::new(Q::open, 2, 3, m_open);

fixed_dict!(
    FAT_LOCALS,
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

impl<D: BlockDev> Fs<'_, D> {
    fn vol_valid(&self, c: u32) -> bool {
        c >= 2 && c < self.vol.nclusters.saturating_add(2)
    }
}

// ---------------------------------------------------------------------------------------------
// File objects (shared with vfs_lfs.rs)

/// An open mode.
#[derive(Clone, Copy, Debug, Default)]
pub struct Mode {
    pub read: bool,
    pub write: bool,
    pub append: bool,
    pub create: bool,
    pub trunc: bool,
    pub excl: bool,
    pub binary: bool,
}

impl Mode {
    /// Parse "r", "w+b", "at", "x"...
    pub fn parse(s: &str) -> Option<Mode> {
        let mut m = Mode::default();
        let mut base = 0;
        for c in s.chars() {
            match c {
                'r' => {
                    m.read = true;
                    base += 1;
                }
                'w' => {
                    m.write = true;
                    m.create = true;
                    m.trunc = true;
                    base += 1;
                }
                'a' => {
                    m.write = true;
                    m.create = true;
                    m.append = true;
                    base += 1;
                }
                'x' => {
                    m.write = true;
                    m.create = true;
                    m.excl = true;
                    base += 1;
                }
                '+' => {
                    m.read = true;
                    m.write = true;
                }
                'b' => m.binary = true,
                't' => m.binary = false,
                _ => return None,
            }
        }
        if base > 1 {
            return None;
        }
        if base == 0 {
            m.read = true;
        }
        Some(m)
    }
    pub fn writes(&self) -> bool {
        self.write
    }
}

/// Per-filesystem state of an open file.
#[derive(Clone, Copy, Debug)]
pub enum FileSt {
    None,
    Fat(FileState),
    Lfs(crate::lfs::FileHandle),
}

/// A file opened on a VfsFat or VfsLfs.
#[repr(C)]
pub struct VfsFileObj {
    pub hdr: ObjHeader,
    /// The filesystem object.
    pub fs: Cell<Value>,
    pub mode: Cell<Mode>,
    pub closed: Cell<bool>,
    pub pos: Cell<u64>,
    pub st: Cell<FileSt>,
    /// The file's absolute path within its filesystem (LittleFS files are found by it).
    pub path: Cell<Value>,
    /// LittleFS: the contents of an inline file as bytes (read from here, as littlefs
    /// reads an inline file from its cache), or None.
    pub cache: Cell<Value>,
}

// FileIO objects are VfsFileObj; TextIOWrapper objects the same fields in TextFileObj.
pyrite_core::py_object!(VfsFileObj, FILEIO_TYPE);

/// A text-mode file (same fields as [`VfsFileObj`]).
#[repr(C)]
pub struct TextFileObj(pub VfsFileObj);
pyrite_core::py_object!(TextFileObj, TEXTIO_TYPE);

/// A handle on either kind of file object.
#[derive(Clone, Copy)]
pub enum FileRef {
    Bin(Gc<VfsFileObj>),
    Text(Gc<TextFileObj>),
}

impl core::ops::Deref for FileRef {
    type Target = VfsFileObj;
    fn deref(&self) -> &VfsFileObj {
        match self {
            FileRef::Bin(g) => g,
            FileRef::Text(g) => &g.0,
        }
    }
}

pub static FILEIO_TYPE: Type = Type {
    print: Some(file_print),
    getiter: Some(types::iter::iter_self),
    iternext: Some(file_iternext),
    ..Type::new(Q::FileIO)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&FILE_LOCALS);

pub static TEXTIO_TYPE: Type = Type {
    print: Some(file_print),
    getiter: Some(types::iter::iter_self),
    iternext: Some(file_iternext),
    ..Type::new(Q::TextIOWrapper)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&FILE_LOCALS);

fn file_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let name = vm.type_name(v);
    // MicroPython prints LittleFS files without an address.
    match file_obj(v).map(|f| f.st.get()) {
        Some(FileSt::Lfs(_)) => out.push_str(&alloc::format!("<io.{}>", name)),
        _ => out.push_str(&alloc::format!("<io.{} 0x{:x}>", name, v.word())),
    }
    Ok(())
}

/// The file object behind `v` (either type).
pub fn file_obj(v: Value) -> Option<FileRef> {
    if let Some(b) = v.downcast::<VfsFileObj>() {
        return Some(FileRef::Bin(b));
    }
    v.downcast::<TextFileObj>().map(FileRef::Text)
}

/// A new (not yet usable) file object on filesystem `fs`.
pub fn new_file(vm: &mut Vm, fs: Value, mode: Mode) -> PyResult<Value> {
    let ty: &'static Type = if mode.binary {
        &FILEIO_TYPE
    } else {
        &TEXTIO_TYPE
    };
    let fields = VfsFileObj {
        hdr: ObjHeader::new(ty),
        fs: Cell::new(fs),
        mode: Cell::new(mode),
        closed: Cell::new(false),
        pos: Cell::new(0),
        st: Cell::new(FileSt::None),
        path: Cell::new(Value::NONE),
        cache: Cell::new(Value::NONE),
    };
    if mode.binary {
        Ok(vm.alloc_obj(fields)?.value())
    } else {
        Ok(vm.alloc_obj(TextFileObj(fields))?.value())
    }
}

pub(crate) fn open_file(vm: &mut Vm, v: Value) -> PyResult<FileRef> {
    match file_obj(v) {
        Some(f) if !f.closed.get() => Ok(f),
        Some(_) => Err(vm.os_error(EINVAL)),
        None => Err(vm.type_error("file object required")),
    }
}

/// Backend read at `pos`.
fn backend_read(vm: &mut Vm, f: FileRef, pos: u64, buf: &mut [u8]) -> PyResult<usize> {
    match f.st.get() {
        FileSt::Fat(mut st) => {
            let o = fat_obj(vm, f.fs.get())?;
            let r = with_fs(vm, o, false, |fs| fs.read_file(&mut st, pos, buf));
            f.st.set(FileSt::Fat(st));
            r
        }
        FileSt::Lfs(_) => crate::vfs_lfs::file_read(vm, f, pos, buf),
        FileSt::None => Err(vm.os_error(EBADF)),
    }
}

fn backend_write(vm: &mut Vm, f: FileRef, pos: u64, data: &[u8]) -> PyResult<usize> {
    match f.st.get() {
        FileSt::Fat(mut st) => {
            let o = fat_obj(vm, f.fs.get())?;
            let r = with_fs(vm, o, true, |fs| fs.write_file(&mut st, pos, data));
            f.st.set(FileSt::Fat(st));
            r
        }
        FileSt::Lfs(_) => crate::vfs_lfs::file_write(vm, f, pos, data),
        FileSt::None => Err(vm.os_error(EBADF)),
    }
}

fn backend_size(vm: &mut Vm, f: FileRef) -> PyResult<u64> {
    match f.st.get() {
        FileSt::Fat(st) => Ok(st.size as u64),
        FileSt::Lfs(_) => crate::vfs_lfs::file_size(vm, f),
        FileSt::None => Err(vm.os_error(EBADF)),
    }
}

fn backend_close(vm: &mut Vm, f: FileRef) -> PyResult<()> {
    match f.st.get() {
        FileSt::Lfs(_) => crate::vfs_lfs::file_close(vm, f),
        _ => Ok(()),
    }
}

fn is_text(f: &VfsFileObj) -> bool {
    !f.mode.get().binary
}

/// Read up to `n` bytes (all if None) from the current position.
fn read_bytes(vm: &mut Vm, f: FileRef, n: Option<usize>) -> PyResult<Vec<u8>> {
    if !f.mode.get().read {
        return Err(vm.os_error(EBADF));
    }
    let pos = f.pos.get();
    let size = backend_size(vm, f)?;
    let avail = size.saturating_sub(pos);
    let want = match n {
        Some(n) => (n as u64).min(avail),
        None => avail,
    };
    // Read in pieces, so a corrupt size cannot make us allocate more than the data there is.
    let mut out: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; (want.min(32 * 1024)) as usize];
    let mut done: u64 = 0;
    while done < want {
        let n = ((want - done) as usize).min(chunk.len());
        let got = backend_read(vm, f, pos + done, &mut chunk[..n])?;
        if got == 0 {
            break;
        }
        out.extend_from_slice(&chunk[..got]);
        done += got as u64;
    }
    f.pos.set(pos + done);
    Ok(out)
}

/// Read `n` characters of UTF-8 text (bytes for binary files).
fn read_chars(vm: &mut Vm, f: FileRef, n: Option<usize>) -> PyResult<Vec<u8>> {
    let Some(n) = n else {
        return read_bytes(vm, f, None);
    };
    if !is_text(&f) {
        return read_bytes(vm, f, Some(n));
    }
    let mut out = Vec::new();
    let mut chars = 0;
    while chars < n {
        let chunk = read_bytes(vm, f, Some(n - chars))?;
        if chunk.is_empty() {
            break;
        }
        out.extend_from_slice(&chunk);
        // Complete a character cut at the end.
        loop {
            let tail = incomplete_tail(&out);
            if tail == 0 {
                break;
            }
            let more = read_bytes(vm, f, Some(tail))?;
            if more.is_empty() {
                break;
            }
            out.extend_from_slice(&more);
        }
        chars = out.iter().filter(|&&b| b & 0xc0 != 0x80).count();
    }
    Ok(out)
}

/// Bytes missing to complete the last UTF-8 sequence of `b`.
fn incomplete_tail(b: &[u8]) -> usize {
    for back in 1..=4.min(b.len()) {
        let c = b[b.len() - back];
        if c & 0xc0 == 0x80 {
            continue;
        }
        let need = if c >= 0xf0 {
            4
        } else if c >= 0xe0 {
            3
        } else if c >= 0xc0 {
            2
        } else {
            1
        };
        return (need as usize).saturating_sub(back);
    }
    0
}

fn result(vm: &mut Vm, f: &VfsFileObj, data: &[u8]) -> PyResult<Value> {
    if is_text(f) {
        match core::str::from_utf8(data) {
            Ok(s) => types::str::new_str(vm, s),
            Err(_) => {
                Err(vm.new_exception(&types::exception::UNICODE_ERROR, "invalid UTF-8 in file"))
            }
        }
    } else {
        types::bytes::new_bytes(vm, data)
    }
}

fn size_arg(vm: &mut Vm, v: Option<&Value>) -> PyResult<Option<usize>> {
    match v {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            Ok(if n < 0 { None } else { Some(n as usize) })
        }
        _ => Ok(None),
    }
}

fn f_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    let n = size_arg(vm, args.get(1))?;
    let data = read_chars(vm, f, n)?;
    result(vm, &f, &data)
}

fn f_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    let room = match with_buffer_write(vm, args[1], |c| c.len())? {
        Some(n) => n,
        None => return Err(vm.type_error("object with buffer protocol required")),
    };
    let want = match size_arg(vm, args.get(2))? {
        Some(n) => n.min(room),
        None => room,
    };
    let data = read_bytes(vm, f, Some(want))?;
    with_buffer_write(vm, args[1], |cells| {
        for (c, &b) in cells.iter().zip(data.iter()) {
            c.set(b);
        }
    })?;
    int(vm, data.len() as i64)
}

/// One line (up to `limit` bytes/characters), including its newline.
fn read_line(vm: &mut Vm, f: FileRef, limit: Option<usize>) -> PyResult<Vec<u8>> {
    if !f.mode.get().read {
        return Err(vm.os_error(EBADF));
    }
    let mut out = Vec::new();
    let text = is_text(&f);
    let mut chars = 0usize;
    loop {
        if let Some(l) = limit {
            if chars >= l {
                break;
            }
        }
        let pos = f.pos.get();
        let mut chunk = [0u8; 64];
        let size = backend_size(vm, f)?;
        if pos >= size {
            break;
        }
        let n = backend_read(vm, f, pos, &mut chunk)?;
        if n == 0 {
            break;
        }
        let mut used = 0;
        let mut done = false;
        while used < n {
            if let Some(l) = limit {
                if chars >= l {
                    // Finish a multi-byte character before stopping.
                    if !(text && chunk[used] & 0xc0 == 0x80) {
                        done = true;
                        break;
                    }
                }
            }
            let b = chunk[used];
            out.push(b);
            used += 1;
            if !text || b & 0xc0 != 0x80 {
                chars += 1;
            }
            if b == b'\n' {
                done = true;
                break;
            }
        }
        f.pos.set(pos + used as u64);
        if done {
            break;
        }
    }
    Ok(out)
}

fn f_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    let n = size_arg(vm, args.get(1))?;
    let line = read_line(vm, f, n)?;
    result(vm, &f, &line)
}

fn f_readlines(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    let list = types::list::new_list(vm, &[])?;
    vm.roots.push(list);
    let r = (|| -> PyResult<()> {
        loop {
            let line = read_line(vm, f, None)?;
            if line.is_empty() {
                return Ok(());
            }
            let v = result(vm, &f, &line)?;
            types::list::list_append(vm, list, v)?;
        }
    })();
    vm.roots.pop();
    r.map(|_| list)
}

fn file_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let f = open_file(vm, v)?;
    let line = read_line(vm, f, None)?;
    if line.is_empty() {
        return Ok(Value::STOP);
    }
    result(vm, &f, &line)
}

fn f_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    if !f.mode.get().write {
        return Err(vm.os_error(EBADF));
    }
    let data = match types::str::str_data(vm, args[1]) {
        Some(s) => s.as_bytes().to_vec(),
        None => match buffer_bytes(vm, args[1])? {
            Some(b) => b,
            None => return Err(vm.type_error("object with buffer protocol required")),
        },
    };
    let pos = if f.mode.get().append {
        backend_size(vm, f)?
    } else {
        f.pos.get()
    };
    let n = backend_write(vm, f, pos, &data)?;
    f.pos.set(pos + n as u64);
    int(vm, n as i64)
}

fn f_seek(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    let off = types::int::value_to_i64(vm, args[1])?;
    let whence = match args.get(2) {
        Some(&w) => arg_int(vm, w)?,
        None => 0,
    };
    let base: i64 = match whence {
        0 => 0,
        1 => f.pos.get() as i64,
        2 => backend_size(vm, f)? as i64,
        _ => return Err(vm.os_error(EINVAL)),
    };
    let new = base.saturating_add(off);
    let max: i64 = match f.st.get() {
        FileSt::Lfs(_) => 0x7fff_ffff,
        _ => u32::MAX as i64,
    };
    if new < 0 || new > max {
        return Err(vm.os_error(EINVAL));
    }
    f.pos.set(new as u64);
    types::int::int_from_u64(vm, new as u64)
}

fn f_tell(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    types::int::int_from_u64(vm, f.pos.get())
}

fn f_flush(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = open_file(vm, args[0])?;
    if let FileSt::Lfs(_) = f.st.get() {
        crate::vfs_lfs::file_flush(vm, f)?;
    }
    Ok(Value::NONE)
}

fn f_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(f) = file_obj(args[0]) {
        if !f.closed.get() {
            let r = backend_close(vm, f);
            f.closed.set(true);
            r?;
        }
    }
    Ok(Value::NONE)
}

fn f_enter(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(args[0])
}

fn f_exit(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    f_close(vm, &args[..1], kw)
}

static F_READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, f_read);
static F_READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, f_readinto);
static F_READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, f_readline);
static F_READLINES: BuiltinFn = BuiltinFn::new(Q::readlines, 1, 1, f_readlines);
static F_WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 2, f_write);
static F_SEEK: BuiltinFn = BuiltinFn::new(Q::seek, 2, 3, f_seek);
static F_TELL: BuiltinFn = BuiltinFn::new(Q::tell, 1, 1, f_tell);
static F_FLUSH: BuiltinFn = BuiltinFn::new(Q::flush, 1, 1, f_flush);
static F_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, f_close);
static F_ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, f_enter);
static F_EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 1, 4, f_exit);

fixed_dict!(
    FILE_LOCALS,
    [
        (Q::read, fnv!(F_READ)),
        (Q::readinto, fnv!(F_READINTO)),
        (Q::readline, fnv!(F_READLINE)),
        (Q::readlines, fnv!(F_READLINES)),
        (Q::write, fnv!(F_WRITE)),
        (Q::seek, fnv!(F_SEEK)),
        (Q::tell, fnv!(F_TELL)),
        (Q::flush, fnv!(F_FLUSH)),
        (Q::close, fnv!(F_CLOSE)),
        (Q::__enter__, fnv!(F_ENTER)),
        (Q::__exit__, fnv!(F_EXIT)),
    ]
);
