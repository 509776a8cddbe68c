//! `vfs`: the mount table and `VfsPosix`, as MicroPython's docs/library/vfs.rst describes them.
//!
//! The mount table is a tuple of `(path, fs)` entries (replaced, never mutated, on mount and
//! umount), kept with the current mount in the rooted extmod state (`vm.sys.ext_root`). A
//! filesystem is any object with the VFS methods (`mount`, `umount`, `open`, `ilistdir`,
//! `stat`, `statvfs`, `mkdir`, `rmdir`, `remove`, `rename`, `chdir`, `getcwd`): they are
//! called through Python attribute lookup, so filesystems written in Python (and FAT/LittleFS
//! classes) all work the same way. Path lookup follows MicroPython: an absolute path (or any
//! path while the current directory is the virtual root) is matched against mount points; the
//! path inside the filesystem starts with `/`; a relative path goes to the current mount.
//!
//! `VfsRom(buffer)` (vfs/rom.rs) is a read-only ROMFS image in memory.
//!
//! `VfsPosix(root=None)` is the host's directory tree through the port's
//! [`HostFs`](pyrite_hal::fs::HostFs); its files are the core's file objects.
//!
//! The core's `open()`, import and `execfile` reach this module through
//! [`pyrite_core::modules::FsHooks`] ([`HOOKS`]), installed by [`install`].

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::fixed_dict;
use pyrite_core::fnv;
use pyrite_core::host::PathKind;
use pyrite_core::map::DictObj;
use pyrite_core::modules::builtins::{arg_string, err_is, parse_kw};
use pyrite_core::modules::{BuiltinModuleDef, FsHooks};
use pyrite_core::obj::{flags, BuiltinFn, Kw, PrintKind, Type};
use pyrite_core::types::exception::OS_ERROR;
use pyrite_core::types::{bytes, int, list, str as pystr, tuple};
use pyrite_core::value::{ObjHeader, TypeRef};
use pyrite_core::{PyResult, Qstr, Value, Vm, Q};
use pyrite_hal::fs::{HostFs, S_IFDIR};

pub mod rom;

pub const EPERM: i32 = 1;
pub const ENOENT: i32 = 2;
pub const EIO: i32 = 5;
pub const ENODEV: i32 = 19;
pub const EEXIST: i32 = 17;
pub const EINVAL: i32 = 22;
pub const EROFS: i32 = 30;

/// Longest path MicroPython's unix port handles (`f_namemax` of the empty root).
const PATH_MAX: isize = 4096;

// ---- rooted state ----

/// The extmod state dict (`vm.sys.ext_root`), made on first use.
fn ext_dict(vm: &mut Vm) -> PyResult<Value> {
    if vm.sys.ext_root.is_null() {
        let d = pyrite_core::types::dict::new_dict(vm)?;
        vm.sys.ext_root = d.value();
    }
    Ok(vm.sys.ext_root)
}

fn state_get(vm: &mut Vm, key: Qstr) -> PyResult<Value> {
    let d = ext_dict(vm)?;
    Ok(d.downcast::<DictObj>()
        .and_then(|d| d.map.get_qstr(vm, key))
        .unwrap_or(Value::NULL))
}

fn state_set(vm: &mut Vm, key: Qstr, v: Value) -> PyResult<()> {
    let d = ext_dict(vm)?;
    if let Some(d) = d.downcast::<DictObj>() {
        d.map.set_qstr(vm, key, v)?;
    }
    Ok(())
}

/// The mount table: a tuple of `(path, fs)` tuples, root-mounted entry last.
fn mount_table(vm: &mut Vm) -> PyResult<Value> {
    let t = state_get(vm, Q::_vfs_mounts)?;
    if t.is_null() {
        return tuple::new_tuple(vm, &[]);
    }
    Ok(t)
}

/// The entries of the mount table (a copy of the tuple's items; the tuple stays rooted).
fn mounts(vm: &mut Vm) -> PyResult<(Value, Vec<Value>)> {
    let t = mount_table(vm)?;
    let items = tuple::tuple_items(t)
        .map(|t| t.items().to_vec())
        .unwrap_or_default();
    Ok((t, items))
}

/// The current mount entry, or None for the virtual root directory.
fn cur(vm: &mut Vm) -> PyResult<Value> {
    let c = state_get(vm, Q::_vfs_cur)?;
    Ok(if c.is_null() { Value::NONE } else { c })
}

fn entry_parts(e: Value) -> (Value, Value) {
    match tuple::tuple_items(e) {
        Some(t) if t.items().len() == 2 => (t.items()[0], t.items()[1]),
        _ => (Value::NONE, Value::NONE),
    }
}

/// The mount point of an entry, as text.
fn entry_path(vm: &mut Vm, e: Value) -> String {
    let (p, _) = entry_parts(e);
    pystr::str_data(vm, p)
        .map(|s| String::from(s.as_str()))
        .unwrap_or_default()
}

// ---- paths ----

/// The bytes of a str or bytes path, and whether it was bytes.
fn path_bytes(vm: &mut Vm, v: Value) -> PyResult<(Vec<u8>, bool)> {
    if let Some(s) = pystr::str_data(vm, v) {
        return Ok((s.as_bytes().to_vec(), false));
    }
    if let Some(b) = bytes::bytes_obj(v) {
        return Ok((b.items().to_vec(), true));
    }
    Err(pyrite_core::modules::builtins::bad_implicit_conversion(
        vm, v,
    ))
}

/// A path as text (bytes must be UTF-8).
pub fn path_string(vm: &mut Vm, v: Value) -> PyResult<String> {
    let (b, _) = path_bytes(vm, v)?;
    String::from_utf8(b).map_err(|_| vm.os_error(EINVAL))
}

fn new_path(vm: &mut Vm, b: &[u8], is_bytes: bool) -> PyResult<Value> {
    if is_bytes {
        bytes::new_bytes(vm, b)
    } else {
        pystr::new_str_from_utf8(vm, b)
    }
}

/// Where a path leads.
enum Target {
    /// Nothing mounted there.
    None,
    /// The virtual root directory.
    Root,
    /// Inside a mounted filesystem: the mount entry and the path within it.
    Mount { entry: Value, path: Vec<u8> },
}

fn lookup_bytes(vm: &mut Vm, path: &[u8]) -> PyResult<Target> {
    let cur = cur(vm)?;
    if path.first() == Some(&b'/') || cur.is_none() {
        let is_abs = path.first() == Some(&b'/');
        let rest = if is_abs { &path[1..] } else { path };
        if rest.is_empty() {
            return Ok(Target::Root);
        }
        let (_t, entries) = mounts(vm)?;
        for e in entries {
            let mp = entry_path(vm, e);
            let mb = mp.as_bytes();
            let len = mb.len().saturating_sub(1);
            if len == 0 {
                return Ok(Target::Mount {
                    entry: e,
                    path: path.to_vec(),
                });
            }
            let mname = &mb[1..];
            if rest.starts_with(mname) {
                match rest.get(len) {
                    Some(b'/') => {
                        return Ok(Target::Mount {
                            entry: e,
                            path: rest[len..].to_vec(),
                        })
                    }
                    None => {
                        return Ok(Target::Mount {
                            entry: e,
                            path: alloc::vec![b'/'],
                        })
                    }
                    _ => {}
                }
            }
        }
        return Ok(Target::None);
    }
    Ok(Target::Mount {
        entry: cur,
        path: path.to_vec(),
    })
}

/// Look a path value up: the target and the path within it as a value of the same type.
fn lookup(vm: &mut Vm, v: Value) -> PyResult<(Target, Value)> {
    let (b, is_bytes) = path_bytes(vm, v)?;
    let t = lookup_bytes(vm, &b)?;
    let out = match &t {
        Target::Mount { path, .. } => new_path(vm, path, is_bytes)?,
        _ => Value::NULL,
    };
    Ok((t, out))
}

fn target_fs(vm: &mut Vm, t: &Target) -> PyResult<Value> {
    match t {
        Target::None => Err(vm.os_error(ENODEV)),
        Target::Root => Err(vm.os_error(EPERM)),
        Target::Mount { entry, .. } => Ok(entry_parts(*entry).1),
    }
}

/// Call `meth` of the filesystem a lookup found.
fn proxy(vm: &mut Vm, t: &Target, meth: Qstr, args: &[Value]) -> PyResult<Value> {
    let fs = target_fs(vm, t)?;
    vm.call_method(fs, meth, args)
}

fn root_entry(vm: &mut Vm) -> PyResult<Option<Value>> {
    let (_t, entries) = mounts(vm)?;
    for e in entries {
        if entry_path(vm, e).len() == 1 {
            return Ok(Some(e));
        }
    }
    Ok(None)
}

// ---- vfs.mount / umount ----

fn vfs_mount(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    if args.is_empty() && kw.is_empty() {
        let (_t, entries) = mounts(vm)?;
        let out = list::new_list(vm, &[])?;
        for e in entries {
            let (p, fs) = entry_parts(e);
            let item = tuple::new_tuple(vm, &[fs, p])?;
            list::list_append(vm, out, item)?;
        }
        return Ok(out);
    }
    let mut opts = [Value::NULL; 2];
    parse_kw(vm, kw, &[Q::readonly, Q::mkfs], &mut opts)?;
    if args.len() != 2 {
        return Err(vm.type_error("function takes 2 positional arguments"));
    }
    let ro = if opts[0].is_null() {
        Value::FALSE
    } else {
        opts[0]
    };
    let mkfs = if opts[1].is_null() {
        Value::FALSE
    } else {
        opts[1]
    };
    let mut fs = args[0];
    let mp = args[1];
    let mp_text = match pystr::str_data(vm, mp) {
        Some(s) => String::from(s.as_str()),
        None => return Err(vm.type_error("mount point must be a str")),
    };
    if pyrite_core::types::class::load_method_maybe(vm, fs, Q::mount)?.is_none() {
        fs = autodetect(vm, fs)?;
    }
    vm.call_method(fs, Q::mount, &[ro, mkfs])?;
    // The mount point must be unused (except that something may be mounted inside a
    // filesystem mounted at the root).
    match lookup_bytes(vm, mp_text.as_bytes())? {
        Target::Mount { entry, .. } => {
            let existing_is_root = entry_path(vm, entry).len() == 1;
            if !(mp_text.len() != 1 && existing_is_root) {
                return Err(vm.os_error(EPERM));
            }
        }
        Target::None | Target::Root => {}
    }
    let entry = tuple::new_tuple(vm, &[mp, fs])?;
    let (_t, mut entries) = mounts(vm)?;
    let mut at = entries.len();
    for (i, &e) in entries.iter().enumerate() {
        if entry_path(vm, e).len() == 1 {
            at = i;
            break;
        }
    }
    entries.insert(at, entry);
    let nt = tuple::new_tuple(vm, &entries)?;
    state_set(vm, Q::_vfs_mounts, nt)?;
    Ok(Value::NONE)
}
pub static MOUNT: BuiltinFn = BuiltinFn::new_kw(Q::mount, 0, 2, vfs_mount);

/// A block device given to `mount`: make the filesystem its superblock names (LittleFS v1/v2
/// signatures in block 0 or 1, read with the extended `readblocks(block, buf, offset)`;
/// otherwise FAT), as MicroPython does.
fn autodetect(vm: &mut Vm, bdev: Value) -> PyResult<Value> {
    let mut kind = None;
    for block in 0..2 {
        let buf = bytes::new_bytearray(vm, &[0u8; 44])?;
        let r = vm.call_method(bdev, Q::readblocks, &[small(block), buf, small(8)]);
        // A failed read (an exception, or a non-zero result code) means "not LittleFS";
        // a result that is not an int is a TypeError, as in MicroPython.
        match r {
            Err(_) => break,
            Ok(v) if !v.is_none() && pyrite_core::modules::builtins::arg_int(vm, v)? != 0 => break,
            Ok(_) => {}
        }
        let data = pyrite_core::modules::builtins::buffer_bytes(vm, buf)?.unwrap_or_default();
        if data.get(32..40) == Some(b"littlefs") {
            kind = Some(Q::VfsLfs1);
            break;
        }
        if data.get(0..8) == Some(b"littlefs") {
            kind = Some(Q::VfsLfs2);
            break;
        }
    }
    let q = kind.unwrap_or(Q::VfsFat);
    if let Some(cls) = class_named(vm, q)? {
        return vm.call(cls, &[bdev], &[]);
    }
    Err(vm.os_error(ENODEV))
}

/// A filesystem class exported by `vfs` (FAT/LittleFS classes may be missing).
fn class_named(vm: &mut Vm, q: Qstr) -> PyResult<Option<Value>> {
    let Some(m) = pyrite_core::modules::find_builtin(vm, Q::vfs) else {
        return Ok(None);
    };
    vm.load_attr_maybe(m, q)
}

fn vfs_umount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let arg = args[0];
    let text = pystr::str_data(vm, arg).map(|s| String::from(s.as_str()));
    let (_t, mut entries) = mounts(vm)?;
    let mut found = None;
    for (i, &e) in entries.iter().enumerate() {
        let (_p, fs) = entry_parts(e);
        let hit = match &text {
            Some(t) => entry_path(vm, e) == *t,
            None => false,
        } || fs == arg;
        if hit {
            found = Some(i);
            break;
        }
    }
    let Some(i) = found else {
        return Err(vm.os_error(EINVAL));
    };
    let e = entries.remove(i);
    let nt = tuple::new_tuple(vm, &entries)?;
    state_set(vm, Q::_vfs_mounts, nt)?;
    if cur(vm)? == e {
        state_set(vm, Q::_vfs_cur, Value::NONE)?;
    }
    let (_p, fs) = entry_parts(e);
    vm.call_method(fs, Q::umount, &[])?;
    Ok(Value::NONE)
}
pub static UMOUNT: BuiltinFn = BuiltinFn::new(Q::umount, 1, 1, vfs_umount);

// ---- the os-level operations ----

fn vfs_open(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut opts = [Value::NULL; 4];
    parse_kw(
        vm,
        kw,
        &[Q::file, Q::mode, Q::buffering, Q::encoding],
        &mut opts,
    )?;
    for (i, &a) in args.iter().enumerate() {
        if i < opts.len() {
            opts[i] = a;
        }
    }
    if opts[0].is_null() {
        return Err(vm.type_error("function missing 1 required positional arguments"));
    }
    let mode = if opts[1].is_null() {
        Value::qstr(Q::r)
    } else {
        opts[1]
    };
    if opts[0].as_small_int().is_some() {
        let m = arg_string(vm, mode)?;
        return pyrite_core::modules::io::open_host(vm, opts[0], &m);
    }
    let (t, p) = lookup(vm, opts[0])?;
    proxy(vm, &t, Q::open, &[p, mode])
}
pub static OPEN: BuiltinFn = BuiltinFn::new_kw(Q::open, 0, 4, vfs_open);

fn vfs_chdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (t, p) = lookup(vm, args[0])?;
    match t {
        Target::Root => {
            if let Some(e) = root_entry(vm)? {
                let (_p, fs) = entry_parts(e);
                vm.call_method(fs, Q::chdir, &[Value::qstr(Q::SLASH)])?;
            }
            state_set(vm, Q::_vfs_cur, Value::NONE)?;
        }
        Target::Mount { entry, .. } => {
            let (_p, fs) = entry_parts(entry);
            vm.call_method(fs, Q::chdir, &[p])?;
            state_set(vm, Q::_vfs_cur, entry)?;
        }
        Target::None => return Err(vm.os_error(ENODEV)),
    }
    Ok(Value::NONE)
}
pub static CHDIR: BuiltinFn = BuiltinFn::new(Q::chdir, 1, 1, vfs_chdir);

fn vfs_getcwd(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let c = cur(vm)?;
    if c.is_none() {
        return Ok(Value::qstr(Q::SLASH));
    }
    let (_p, fs) = entry_parts(c);
    let cwd = vm.call_method(fs, Q::getcwd, &[])?;
    let mp = entry_path(vm, c);
    if mp.len() == 1 {
        return Ok(cwd);
    }
    let cw = arg_string(vm, cwd)?;
    let mut out = mp;
    if cw != "/" {
        out.push_str(&cw);
    }
    pystr::new_str(vm, &out)
}
pub static GETCWD: BuiltinFn = BuiltinFn::new(Q::getcwd, 0, 0, vfs_getcwd);

fn vfs_ilistdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let arg = args.first().copied().unwrap_or(Value::qstr(Q::EMPTY));
    let (t, p) = lookup(vm, arg)?;
    if let Target::Root = t {
        let is_str = pystr::is_str(arg);
        let out = list::new_list(vm, &[])?;
        let (_t, entries) = mounts(vm)?;
        for e in entries {
            let mp = entry_path(vm, e);
            if mp.len() == 1 {
                let (_p, fs) = entry_parts(e);
                let it = vm.call_method(fs, Q::ilistdir, &[Value::qstr(Q::SLASH)])?;
                let it = vm.get_iter(it)?;
                while let Some(x) = vm.iter_next(it)? {
                    list::list_append(vm, out, x)?;
                }
            } else {
                let name = new_path(vm, mp.as_bytes().get(1..).unwrap_or(&[]), !is_str)?;
                let item = tuple::new_tuple(
                    vm,
                    &[
                        name,
                        Value::small_int_unchecked(S_IFDIR as isize),
                        Value::small_int_unchecked(0),
                    ],
                )?;
                list::list_append(vm, out, item)?;
            }
        }
        return vm.get_iter(out);
    }
    proxy(vm, &t, Q::ilistdir, &[p])
}
pub static ILISTDIR: BuiltinFn = BuiltinFn::new(Q::ilistdir, 0, 1, vfs_ilistdir);

fn vfs_listdir(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let it = vfs_ilistdir(vm, args, kw)?;
    let it = vm.get_iter(it)?;
    let out = list::new_list(vm, &[])?;
    while let Some(x) = vm.iter_next(it)? {
        let name = vm.subscr(x, Value::small_int_unchecked(0))?;
        list::list_append(vm, out, name)?;
    }
    Ok(out)
}
pub static LISTDIR: BuiltinFn = BuiltinFn::new(Q::listdir, 0, 1, vfs_listdir);

fn vfs_mkdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (t, p) = lookup(vm, args[0])?;
    match &t {
        Target::Root => return Err(vm.os_error(EEXIST)),
        Target::Mount { path, .. } if path.as_slice() == b"/" => return Err(vm.os_error(EEXIST)),
        _ => {}
    }
    proxy(vm, &t, Q::mkdir, &[p])
}
pub static MKDIR: BuiltinFn = BuiltinFn::new(Q::mkdir, 1, 1, vfs_mkdir);

fn vfs_remove(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (t, p) = lookup(vm, args[0])?;
    proxy(vm, &t, Q::remove, &[p])
}
pub static REMOVE: BuiltinFn = BuiltinFn::new(Q::remove, 1, 1, vfs_remove);

fn vfs_rmdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (t, p) = lookup(vm, args[0])?;
    proxy(vm, &t, Q::rmdir, &[p])
}
pub static RMDIR: BuiltinFn = BuiltinFn::new(Q::rmdir, 1, 1, vfs_rmdir);

fn vfs_rename(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (t1, p1) = lookup(vm, args[0])?;
    let (t2, p2) = lookup(vm, args[1])?;
    let same = match (&t1, &t2) {
        (Target::Mount { entry: a, .. }, Target::Mount { entry: b, .. }) => a == b,
        (Target::Root, Target::Root) | (Target::None, Target::None) => true,
        _ => false,
    };
    if !same {
        return Err(vm.os_error(EPERM));
    }
    proxy(vm, &t1, Q::rename, &[p1, p2])
}
pub static RENAME: BuiltinFn = BuiltinFn::new(Q::rename, 2, 2, vfs_rename);

fn small(n: isize) -> Value {
    Value::small_int_unchecked(n)
}

/// One entry of an `ilistdir` result.
pub struct ListEnt {
    pub name: Vec<u8>,
    /// `S_IFDIR`, `S_IFREG`... (0 if unknown).
    pub kind: u32,
    /// Inode number (0 if none).
    pub ino: u64,
    /// The size, for filesystems that report it (a fourth tuple item).
    pub size: Option<u64>,
}

/// An iterator over `(name, type, inode[, size])` tuples, names as bytes if `as_bytes` (else
/// str, undecodable bytes replaced).
pub(crate) fn ilistdir_result(
    vm: &mut Vm,
    entries: Vec<ListEnt>,
    as_bytes: bool,
) -> PyResult<Value> {
    let out = list::new_list(vm, &[])?;
    vm.roots.push(out);
    let depth = vm.roots.len();
    let r = (|| -> PyResult<()> {
        for e in entries {
            let name = if as_bytes {
                bytes::new_bytes(vm, &e.name)?
            } else {
                pystr::new_str(vm, &String::from_utf8_lossy(&e.name))?
            };
            vm.roots.push(name);
            let ino = int::int_from_u64(vm, e.ino)?;
            vm.roots.push(ino);
            let kind = small(e.kind as isize);
            let t = match e.size {
                Some(s) => {
                    let s = int::int_from_u64(vm, s)?;
                    tuple::new_tuple(vm, &[name, kind, ino, s])?
                }
                None => tuple::new_tuple(vm, &[name, kind, ino])?,
            };
            vm.roots.truncate(depth);
            list::list_append(vm, out, t)?;
        }
        Ok(())
    })();
    vm.roots.truncate(depth - 1);
    r?;
    vm.get_iter(out)
}

/// A tuple of ints (a `stat` or `statvfs` result).
pub(crate) fn int_tuple(vm: &mut Vm, v: &[i128]) -> PyResult<Value> {
    let mut items = Vec::with_capacity(v.len());
    let depth = vm.roots.len();
    let r = (|| -> PyResult<Value> {
        for &x in v {
            let i = match i64::try_from(x) {
                Ok(i) => int::int_from_i64(vm, i)?,
                Err(_) => int::int_from_u64(vm, x as u64)?,
            };
            vm.roots.push(i);
            items.push(i);
        }
        tuple::new_tuple(vm, &items)
    })();
    vm.roots.truncate(depth);
    r
}

fn vfs_stat(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (t, p) = lookup(vm, args[0])?;
    if let Target::Root = t {
        let mut items = [0; 10];
        items[0] = S_IFDIR as i128;
        return int_tuple(vm, &items);
    }
    proxy(vm, &t, Q::stat, &[p])
}
pub static STAT: BuiltinFn = BuiltinFn::new(Q::stat, 1, 1, vfs_stat);

fn vfs_statvfs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (t, p) = lookup(vm, args[0])?;
    if let Target::Root = t {
        match root_entry(vm)? {
            None => {
                let mut items = [0; 10];
                items[9] = PATH_MAX as i128;
                return int_tuple(vm, &items);
            }
            Some(e) => {
                let (_p, fs) = entry_parts(e);
                return vm.call_method(fs, Q::statvfs, &[Value::qstr(Q::SLASH)]);
            }
        }
    }
    proxy(vm, &t, Q::statvfs, &[p])
}
pub static STATVFS: BuiltinFn = BuiltinFn::new(Q::statvfs, 1, 1, vfs_statvfs);

// ---- hooks for the core: open, import ----

fn is_posix(v: Value) -> Option<pyrite_core::Gc<VfsPosixObj>> {
    v.downcast::<VfsPosixObj>()
}

fn hook_import_stat(vm: &mut Vm, path: &str) -> PathKind {
    let t = match lookup_bytes(vm, path.as_bytes()) {
        Ok(t) => t,
        Err(_) => return PathKind::Missing,
    };
    let Target::Mount { entry, path: inner } = t else {
        return PathKind::Missing;
    };
    let (_p, fs) = entry_parts(entry);
    if let Some(px) = is_posix(fs) {
        let real = match core::str::from_utf8(&inner) {
            Ok(s) => px.real_path(vm, s),
            Err(_) => return PathKind::Missing,
        };
        return match with_fs(vm, |f| f.stat(&real)) {
            Ok(st) if st.mode & 0o170000 == S_IFDIR => PathKind::Dir,
            Ok(_) => PathKind::File,
            Err(_) => PathKind::Missing,
        };
    }
    let r = (|| -> PyResult<PathKind> {
        let p = pystr::new_str_from_utf8(vm, &inner)?;
        let st = vm.call_method(fs, Q::stat, &[p])?;
        let mode = vm.subscr(st, small(0))?;
        let mode = int::value_to_i64(vm, mode)?;
        Ok(if mode & S_IFDIR as i64 != 0 {
            PathKind::Dir
        } else {
            PathKind::File
        })
    })();
    r.unwrap_or(PathKind::Missing)
}

/// MicroPython's stream ioctl requests used when reading a file for import.
const STREAM_CLOSE: isize = 4;
const STREAM_GET_BUFFER_SIZE: isize = 11;

fn hook_read_file(vm: &mut Vm, path: &str) -> PyResult<Option<Vec<u8>>> {
    let t = lookup_bytes(vm, path.as_bytes())?;
    let Target::Mount { entry, path: inner } = t else {
        return Ok(None);
    };
    let (_p, fs) = entry_parts(entry);
    if let Some(px) = is_posix(fs) {
        let Ok(s) = core::str::from_utf8(&inner) else {
            return Ok(None);
        };
        let real = px.real_path(vm, s);
        return Ok(vm.host.read_file(&real));
    }
    let p = pystr::new_str_from_utf8(vm, &inner)?;
    let f = match vm.call_method(fs, Q::open, &[p, Value::qstr(Q::rb)]) {
        Ok(f) => f,
        Err(e) if err_is(vm, e, &OS_ERROR) => return Ok(None),
        Err(e) => return Err(e),
    };
    read_stream_all(vm, f).map(Some)
}

/// Read a whole stream object (for import), then close it, the way MicroPython's reader does:
/// Python streams (`io.IOBase` subclasses) are asked for their buffer size and closed with
/// `ioctl`; others are read with `readinto`/`read` and closed with `close()`.
pub fn read_stream_all(vm: &mut Vm, f: Value) -> PyResult<Vec<u8>> {
    let user = f.type_of().has_flag(flags::USER_CLASS);
    let ioctl = if user {
        pyrite_core::types::class::load_method_maybe(vm, f, Q::ioctl)?
    } else {
        None
    };
    let mut bufsize = 256usize;
    if let Some(m) = ioctl {
        let r = pyrite_core::types::class::call_method_pair(
            vm,
            m,
            &[small(STREAM_GET_BUFFER_SIZE), small(0)],
            &[],
        )?;
        if let Some(n) = r.as_small_int() {
            if n > 0 {
                bufsize = (n as usize).min(255);
            }
        }
    }
    let r = (|| -> PyResult<Vec<u8>> {
        let mut out = Vec::new();
        if pyrite_core::types::class::load_method_maybe(vm, f, Q::readinto)?.is_some() {
            let buf = bytes::new_bytearray(vm, &alloc::vec![0u8; bufsize])?;
            loop {
                let n = vm.call_method(f, Q::readinto, &[buf])?;
                let n = match n.as_small_int() {
                    Some(n) if n > 0 => n as usize,
                    _ => break,
                };
                let chunk =
                    pyrite_core::modules::builtins::buffer_bytes(vm, buf)?.unwrap_or_default();
                out.extend_from_slice(&chunk[..n.min(chunk.len())]);
            }
        } else if pyrite_core::types::class::load_method_maybe(vm, f, Q::read)?.is_some() {
            let d = vm.call_method(f, Q::read, &[])?;
            if let Some(b) = pyrite_core::modules::builtins::buffer_bytes(vm, d)? {
                out = b;
            }
        } else {
            // Not a stream.
            return Err(vm.os_error(EINVAL));
        }
        Ok(out)
    })();
    let closed = match ioctl {
        Some(m) => pyrite_core::types::class::call_method_pair(
            vm,
            m,
            &[small(STREAM_CLOSE), small(0)],
            &[],
        )
        .map(|_| ()),
        None => match pyrite_core::types::class::load_method_maybe(vm, f, Q::close) {
            Ok(Some(m)) => pyrite_core::types::class::call_method_pair(vm, m, &[], &[]).map(|_| ()),
            Ok(None) => Ok(()),
            Err(e) => Err(e),
        },
    };
    let data = r?;
    closed?;
    Ok(data)
}

/// The hooks [`install`] gives the core.
pub static HOOKS: FsHooks = FsHooks {
    open: vfs_open,
    import_stat: hook_import_stat,
    read_file: hook_read_file,
};

/// Route the core's files and imports through the mount table, and mount the port's own
/// filesystem (if it has one) at `/` as the current directory, as MicroPython's unix port does.
pub fn install(vm: &mut Vm) -> PyResult<()> {
    vm.sys.fs_hooks = Some(&HOOKS);
    let has_fs = crate::platform(vm).is_some_and(|p| p.fs().is_some());
    if has_fs {
        let fs = new_posix(vm, Value::qstr(Q::EMPTY), true)?;
        let entry = tuple::new_tuple(vm, &[Value::qstr(Q::SLASH), fs])?;
        let t = tuple::new_tuple(vm, &[entry])?;
        state_set(vm, Q::_vfs_mounts, t)?;
        state_set(vm, Q::_vfs_cur, entry)?;
    }
    Ok(())
}

// ---- the port's filesystem ----

/// The port's filesystem, if it has one.
fn host_fs(vm: &mut Vm) -> Option<&mut dyn HostFs> {
    crate::platform(vm).and_then(|p| p.fs())
}

/// Run `f` on the port's filesystem; errno results become OSError.
#[inline]
pub fn with_fs<R>(vm: &mut Vm, f: impl FnOnce(&mut dyn HostFs) -> Result<R, i32>) -> PyResult<R> {
    let r = match host_fs(vm) {
        Some(fs) => f(fs),
        None => Err(ENODEV),
    };
    r.map_err(|e| errno_error(vm, e))
}

#[cold]
fn errno_error(vm: &mut Vm, e: i32) -> pyrite_core::PyErr {
    vm.os_error(e)
}

// ---- VfsPosix ----

/// `vfs.VfsPosix`: the host's tree, optionally below a root directory.
#[repr(C)]
pub struct VfsPosixObj {
    pub hdr: ObjHeader,
    /// "" (no root) or an absolute directory ending in `/`.
    pub root: Cell<Value>,
    pub readonly: Cell<bool>,
}
pyrite_core::py_object!(VfsPosixObj, VFS_POSIX_TYPE);

impl VfsPosixObj {
    fn root_text(&self, vm: &Vm) -> String {
        pystr::str_data(vm, self.root.get())
            .map(|s| String::from(s.as_str()))
            .unwrap_or_default()
    }
    /// The host path for a path inside this filesystem: absolute paths are below the root,
    /// relative ones relative to the host's current directory.
    fn real_path(&self, vm: &Vm, path: &str) -> String {
        let root = self.root_text(vm);
        if root.is_empty() || !path.starts_with('/') {
            return String::from(path);
        }
        let mut s = String::from(&root[..root.len() - 1]);
        s.push_str(path);
        s
    }
}

pub static VFS_POSIX_TYPE: Type = Type {
    make_new: Some(posix_make_new),
    print: Some(posix_print),
    ..Type::new(Q::VfsPosix)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&POSIX_LOCALS);

fn new_posix(vm: &mut Vm, root: Value, _default: bool) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(VfsPosixObj {
            hdr: ObjHeader::new(&VFS_POSIX_TYPE),
            root: Cell::new(root),
            readonly: Cell::new(false),
        })?
        .value())
}

fn posix_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.len() > 1 {
        return Err(vm.type_error("function takes at most 1 positional argument"));
    }
    let root = match args.first() {
        None => Value::qstr(Q::EMPTY),
        Some(&r) if r.is_none() => Value::qstr(Q::EMPTY),
        Some(&r) => {
            let r = path_string(vm, r)?;
            let mut s = String::new();
            if !r.starts_with('/') {
                let cwd = with_fs(vm, |f| f.getcwd())?;
                s.push_str(&cwd);
                s.push('/');
            }
            s.push_str(&r);
            s.push('/');
            pystr::new_str(vm, &s)?
        }
    };
    new_posix(vm, root, false)
}

fn posix_print(_vm: &mut Vm, _v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str("<VfsPosix>");
    Ok(())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<pyrite_core::Gc<VfsPosixObj>> {
    match is_posix(v) {
        Some(p) => Ok(p),
        None => Err(vm.type_error("expected a VfsPosix")),
    }
}

fn posix_path(vm: &mut Vm, args: &[Value]) -> PyResult<String> {
    let s = this(vm, args[0])?;
    let p = path_string(vm, args[1])?;
    Ok(s.real_path(vm, &p))
}

fn require_writable(vm: &mut Vm, v: Value) -> PyResult<()> {
    if this(vm, v)?.readonly.get() {
        return Err(vm.os_error(EROFS));
    }
    Ok(())
}

fn posix_mount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    if vm.is_true(args[1])? {
        s.readonly.set(true);
    }
    if vm.is_true(args[2])? {
        return Err(vm.os_error(EPERM));
    }
    Ok(Value::NONE)
}

fn posix_umount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, args[0])?;
    Ok(Value::NONE)
}

fn posix_open(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    let mode = match args.get(2) {
        Some(&m) => arg_string(vm, m)?,
        None => String::from("r"),
    };
    if s.readonly.get() && mode.contains(['w', 'a', '+', 'x']) {
        return Err(vm.os_error(EROFS));
    }
    if args[1].as_small_int().is_some() {
        return pyrite_core::modules::io::open_host(vm, args[1], &mode);
    }
    let p = posix_path(vm, args)?;
    let pv = pystr::new_str(vm, &p)?;
    pyrite_core::modules::io::open_host(vm, pv, &mode)
}

fn posix_chdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let p = posix_path(vm, args)?;
    with_fs(vm, |f| f.chdir(&p))?;
    Ok(Value::NONE)
}

fn posix_getcwd(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    let cwd = with_fs(vm, |f| f.getcwd())?;
    let root = s.root_text(vm);
    let out = if root.is_empty() {
        cwd.as_str()
    } else {
        cwd.get(root.len() - 1..).unwrap_or("")
    };
    pystr::new_str(vm, out)
}

fn posix_ilistdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let as_bytes = !pystr::is_str(args[1]);
    let p = posix_path(vm, args)?;
    let entries = with_fs(vm, |f| f.listdir(&p))?;
    let entries = entries
        .into_iter()
        .map(|e| ListEnt {
            name: e.name,
            kind: e.kind,
            ino: e.ino,
            size: None,
        })
        .collect();
    ilistdir_result(vm, entries, as_bytes)
}

/// A change to the host's tree at `args[1]` (and `args[2]`): OSError(EROFS) on a read-only
/// mount.
fn posix_change(
    vm: &mut Vm,
    args: &[Value],
    op: fn(&mut dyn HostFs, &str, &str) -> Result<(), i32>,
) -> PyResult<Value> {
    require_writable(vm, args[0])?;
    let a = posix_path(vm, args)?;
    let b = match args.get(2) {
        Some(&p) => posix_path(vm, &[args[0], p])?,
        None => String::new(),
    };
    with_fs(vm, |f| op(f, &a, &b))?;
    Ok(Value::NONE)
}

fn posix_mkdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    posix_change(vm, args, |f, p, _| f.mkdir(p))
}

fn posix_remove(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    posix_change(vm, args, |f, p, _| f.remove(p))
}

fn posix_rmdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    posix_change(vm, args, |f, p, _| f.rmdir(p))
}

fn posix_rename(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    posix_change(vm, args, |f, a, b| f.rename(a, b))
}

fn posix_stat(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let p = posix_path(vm, args)?;
    let st = with_fs(vm, |f| f.stat(&p))?;
    let times = [st.atime, st.mtime, st.ctime].map(|t| t as i128);
    let [a, m, c] = times;
    int_tuple(
        vm,
        &[
            st.mode as i128,
            st.ino as i128,
            st.dev as i128,
            st.nlink as i128,
            st.uid as i128,
            st.gid as i128,
            st.size as i128,
            a,
            m,
            c,
        ],
    )
}

fn posix_statvfs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let p = posix_path(vm, args)?;
    let s = with_fs(vm, |f| f.statvfs(&p))?;
    let v = [
        s.bsize, s.frsize, s.blocks, s.bfree, s.bavail, s.files, s.ffree, s.favail, s.flag,
        s.namemax,
    ];
    int_tuple(vm, &v.map(|x| x as i128))
}

static P_MOUNT: BuiltinFn = BuiltinFn::new(Q::mount, 3, 3, posix_mount);
static P_UMOUNT: BuiltinFn = BuiltinFn::new(Q::umount, 1, 1, posix_umount);
static P_OPEN: BuiltinFn = BuiltinFn::new(Q::open, 3, 3, posix_open);
static P_CHDIR: BuiltinFn = BuiltinFn::new(Q::chdir, 2, 2, posix_chdir);
static P_GETCWD: BuiltinFn = BuiltinFn::new(Q::getcwd, 1, 1, posix_getcwd);
static P_ILISTDIR: BuiltinFn = BuiltinFn::new(Q::ilistdir, 2, 2, posix_ilistdir);
static P_MKDIR: BuiltinFn = BuiltinFn::new(Q::mkdir, 2, 2, posix_mkdir);
static P_REMOVE: BuiltinFn = BuiltinFn::new(Q::remove, 2, 2, posix_remove);
static P_RMDIR: BuiltinFn = BuiltinFn::new(Q::rmdir, 2, 2, posix_rmdir);
static P_RENAME: BuiltinFn = BuiltinFn::new(Q::rename, 3, 3, posix_rename);
static P_STAT: BuiltinFn = BuiltinFn::new(Q::stat, 2, 2, posix_stat);
static P_STATVFS: BuiltinFn = BuiltinFn::new(Q::statvfs, 2, 2, posix_statvfs);

fixed_dict!(
    POSIX_LOCALS,
    [
        (Q::mount, fnv!(P_MOUNT)),
        (Q::umount, fnv!(P_UMOUNT)),
        (Q::open, fnv!(P_OPEN)),
        (Q::chdir, fnv!(P_CHDIR)),
        (Q::getcwd, fnv!(P_GETCWD)),
        (Q::ilistdir, fnv!(P_ILISTDIR)),
        (Q::mkdir, fnv!(P_MKDIR)),
        (Q::remove, fnv!(P_REMOVE)),
        (Q::rmdir, fnv!(P_RMDIR)),
        (Q::rename, fnv!(P_RENAME)),
        (Q::stat, fnv!(P_STAT)),
        (Q::statvfs, fnv!(P_STATVFS)),
    ]
);

// ---- the module ----

fixed_dict!(
    VFS_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::vfs)),
        (Q::mount, fnv!(MOUNT)),
        (Q::umount, fnv!(UMOUNT)),
        (Q::VfsPosix, Value::from_static(&VFS_POSIX_TYPE)),
        (Q::VfsRom, Value::from_static(&rom::VFS_ROM_TYPE)),
        (Q::VfsFat, Value::from_static(&crate::vfs_fat::VFSFAT_TYPE)),
        (
            Q::VfsLfs1,
            Value::from_static(&crate::vfs_lfs::VFSLFS1_TYPE)
        ),
        (
            Q::VfsLfs2,
            Value::from_static(&crate::vfs_lfs::VFSLFS2_TYPE)
        ),
    ]
);

pub static VFS_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::vfs,
    globals: &VFS_GLOBALS,
    init: None,
    extensible: false,
};

/// Modules defined in this file.
pub static MODULES: &[&BuiltinModuleDef] = &[&VFS_MODULE];
