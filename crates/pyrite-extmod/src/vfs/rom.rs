//! `vfs.VfsRom`: a read-only filesystem in a buffer, in MicroPython's ROMFS format.
//!
//! The format (from MicroPython's documentation of it): a *varuint* is big-endian base-128 with
//! the high bit set on every byte but the last; a *record* is `kind` (varuint), `length`
//! (varuint), then `length` payload bytes. The filesystem is one record of kind 0x14a6b1
//! (encoded `d2 cd 31`, "RM1") whose payload is records: 1 padding (skipped), 2 verbatim data,
//! 3 data pointer (varuint size, varuint offset from the start of the image), 4 directory
//! (varuint name length, name, nested records), 5 file (varuint name length, name, nested
//! records, one of them the data); other kinds are skipped, kind 0 means corruption.
//!
//! Every offset read from the image is checked against the record that holds it, so a
//! corrupt image gives `OSError`, never a panic. Files are read-only streams over the image,
//! with the buffer protocol (`memoryview(f)` gives the file's bytes inside the image).

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::fixed_dict;
use pyrite_core::fnv;
use pyrite_core::modules::builtins::arg_string;
use pyrite_core::obj::{
    flags, with_buffer_read, AttrAction, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type,
};
use pyrite_core::types::str as pystr;
use pyrite_core::value::{ObjHeader, TypeRef};
use pyrite_core::{PyResult, Qstr, Value, Vm, Q};

use crate::vfs_file::{make_file, FileSt, Mode, RomFileObj};

use super::{path_string, ListEnt, EINVAL, ENODEV, ENOENT, EPERM, EROFS};

const EIO: i32 = 5;
const EISDIR: i32 = 21;
const EOPNOTSUPP: i32 = 95;
const IFDIR: isize = 0x4000;
const IFREG: isize = 0x8000;

const KIND_UNUSED: u64 = 0;
const KIND_DATA_VERBATIM: u64 = 2;
const KIND_DATA_POINTER: u64 = 3;
const KIND_DIRECTORY: u64 = 4;
const KIND_FILE: u64 = 5;
const KIND_FILESYSTEM: u64 = 0x14a6b1;

/// Decode a varuint at `*p`, not reading at or past `end`.
fn varuint(img: &[u8], p: &mut usize, end: usize) -> Option<u64> {
    let mut v: u64 = 0;
    loop {
        if *p >= end {
            return None;
        }
        let b = *img.get(*p)?;
        *p += 1;
        v = v.checked_shl(7)? | (b & 0x7f) as u64;
        if v >> 57 != 0 {
            return None;
        }
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
}

/// A record at `*p` (before `end`): its kind, with `*p` moved to its payload and the
/// payload's end returned. Kind 0 (corrupt) when the header does not decode or the payload
/// runs past `end`.
fn record(img: &[u8], p: &mut usize, end: usize) -> (u64, usize) {
    let Some(kind) = varuint(img, p, end) else {
        return (KIND_UNUSED, end);
    };
    let Some(len) = varuint(img, p, end) else {
        return (KIND_UNUSED, end);
    };
    match usize::try_from(len).ok().and_then(|l| p.checked_add(l)) {
        Some(next) if next <= end => (kind, next),
        _ => (KIND_UNUSED, end),
    }
}

/// The data of a file whose nested records are `p..end`: (offset, size) in the image. Data
/// pointers are offsets from `base`, the start of the filesystem record's payload.
fn file_data(img: &[u8], base: usize, mut p: usize, end: usize) -> Option<(usize, usize)> {
    while p < end {
        let (kind, next) = record(img, &mut p, end);
        match kind {
            KIND_UNUSED => return None,
            KIND_DATA_VERBATIM => return Some((p, next - p)),
            KIND_DATA_POINTER => {
                let size = usize::try_from(varuint(img, &mut p, next)?).ok()?;
                let off = usize::try_from(varuint(img, &mut p, next)?).ok()?;
                let off = base.checked_add(off)?;
                let stop = off.checked_add(size)?;
                if stop > img.len() {
                    return None;
                }
                return Some((off, size));
            }
            _ => p = next,
        }
    }
    None
}

enum Found {
    Missing,
    /// A directory: its records span.
    Dir(usize, usize),
    /// A file: its data (offset, size) in the image.
    File(usize, usize),
}

/// Find `path` in the filesystem whose records are `start..end`.
fn search(img: &[u8], start: usize, end: usize, path: &[u8]) -> Found {
    let mut path = path.strip_prefix(b"/").unwrap_or(path);
    let (mut p, mut top) = (start, end);
    while !path.is_empty() && p < top {
        let (kind, next) = record(img, &mut p, top);
        match kind {
            KIND_UNUSED => return Found::Missing,
            KIND_DIRECTORY | KIND_FILE => {
                let Some(nlen) = varuint(img, &mut p, next).and_then(|n| usize::try_from(n).ok())
                else {
                    return Found::Missing;
                };
                let Some(name) = p
                    .checked_add(nlen)
                    .filter(|&e| e <= next)
                    .map(|e| &img[p..e])
                else {
                    return Found::Missing;
                };
                let matches =
                    path.starts_with(name) && (path.len() == nlen || path.get(nlen) == Some(&b'/'));
                if !matches {
                    p = next;
                    continue;
                }
                p += nlen;
                top = next;
                path = &path[nlen..];
                if kind == KIND_DIRECTORY {
                    path = path.strip_prefix(b"/").unwrap_or(path);
                } else {
                    if !path.is_empty() {
                        return Found::Missing;
                    }
                    return match file_data(img, start, p, top) {
                        Some((off, size)) => Found::File(off, size),
                        None => Found::Missing,
                    };
                }
            }
            _ => p = next,
        }
    }
    if path.is_empty() {
        Found::Dir(p, top)
    } else {
        Found::Missing
    }
}

/// The entries of a directory's records.
fn list_dir(img: &[u8], base: usize, mut p: usize, top: usize) -> Vec<ListEnt> {
    let mut out = Vec::new();
    while p < top {
        let (kind, next) = record(img, &mut p, top);
        match kind {
            KIND_UNUSED => break,
            KIND_DIRECTORY | KIND_FILE => {
                let Some(nlen) = varuint(img, &mut p, next).and_then(|n| usize::try_from(n).ok())
                else {
                    break;
                };
                let Some(ne) = p.checked_add(nlen).filter(|&e| e <= next) else {
                    break;
                };
                let name = img[p..ne].to_vec();
                let (kind, size) = if kind == KIND_DIRECTORY {
                    (IFDIR, next - ne)
                } else {
                    match file_data(img, base, ne, next) {
                        Some((_, size)) => (IFREG, size),
                        None => break,
                    }
                };
                out.push(ListEnt {
                    name,
                    kind: kind as u32,
                    ino: 0,
                    size: Some(size as u64),
                });
                p = next;
            }
            _ => p = next,
        }
    }
    out
}

// ---- the filesystem object ----

#[repr(C)]
pub struct VfsRomObj {
    pub hdr: ObjHeader,
    /// The buffer object holding the image.
    pub mem: Cell<Value>,
    /// The filesystem record's payload, as offsets into the image.
    pub start: Cell<usize>,
    pub end: Cell<usize>,
}
pyrite_core::py_object!(VfsRomObj, VFS_ROM_TYPE);

pub static VFS_ROM_TYPE: Type = Type {
    make_new: Some(rom_make_new),
    print: Some(rom_print),
    ..Type::new(Q::VfsRom)
}
.with_flags(flags::EQ_IS_IDENTITY)
.with_locals(&ROM_LOCALS);

fn rom_print(_vm: &mut Vm, _v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    out.push_str("<VfsRom>");
    Ok(())
}

/// Run `f` over the image bytes of buffer object `mem`.
fn with_image<R>(vm: &mut Vm, mem: Value, f: impl FnOnce(&[u8]) -> R) -> PyResult<R> {
    match with_buffer_read(vm, mem, f)? {
        Some(r) => Ok(r),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn rom_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if args.len() != 1 {
        return Err(vm.type_error("function takes 1 positional argument"));
    }
    let mem = args[0];
    let r = with_image(vm, mem, |img| {
        if img.len() < 4 || img[..3] != [0xd2, 0xcd, 0x31] {
            return Err(ENODEV);
        }
        let mut p = 0;
        let (kind, next) = record(img, &mut p, img.len());
        if kind != KIND_FILESYSTEM {
            return Err(ENODEV);
        }
        Ok((p, next))
    })?;
    let (start, end) = r.map_err(|e| vm.os_error(e))?;
    Ok(vm
        .alloc_obj(VfsRomObj {
            hdr: ObjHeader::new(&VFS_ROM_TYPE),
            mem: Cell::new(mem),
            start: Cell::new(start),
            end: Cell::new(end),
        })?
        .value())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<pyrite_core::Gc<VfsRomObj>> {
    match v.downcast::<VfsRomObj>() {
        Some(s) => Ok(s),
        None => Err(vm.type_error("expected a VfsRom")),
    }
}

fn find(vm: &mut Vm, s: pyrite_core::Gc<VfsRomObj>, path: &str) -> PyResult<Found> {
    let (a, b) = (s.start.get(), s.end.get());
    with_image(vm, s.mem.get(), |img| {
        if b > img.len() {
            return Found::Missing;
        }
        search(img, a, b, path.as_bytes())
    })
}

fn rom_mount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, args[0])?;
    if vm.is_true(args[2])? {
        return Err(vm.os_error(EPERM));
    }
    Ok(Value::NONE)
}

fn rom_umount(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, args[0])?;
    Ok(Value::NONE)
}

fn rom_chdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, args[0])?;
    let p = path_string(vm, args[1])?;
    if p != "/" {
        return Err(vm.os_error(EOPNOTSUPP));
    }
    Ok(Value::NONE)
}

fn rom_getcwd(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    this(vm, args[0])?;
    Ok(Value::qstr(Q::EMPTY))
}

fn rom_ilistdir(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    let as_bytes = !pystr::is_str(args[1]);
    let p = path_string(vm, args[1])?;
    let Found::Dir(a, b) = find(vm, s, &p)? else {
        return Err(vm.os_error(ENOENT));
    };
    let base = s.start.get();
    let entries = with_image(vm, s.mem.get(), |img| {
        if b > img.len() {
            return Vec::new();
        }
        list_dir(img, base, a, b)
    })?;
    super::ilistdir_result(vm, entries, as_bytes)
}

fn rom_stat(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    let p = path_string(vm, args[1])?;
    let (mode, size) = match find(vm, s, &p)? {
        Found::Missing => return Err(vm.os_error(ENOENT)),
        Found::Dir(a, b) => (IFDIR, b - a),
        Found::File(_, size) => (IFREG, size),
    };
    let mut items = [0; 10];
    items[0] = mode as i128;
    items[6] = size as i128;
    super::int_tuple(vm, &items)
}

fn rom_statvfs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    let mut items = [0; 10];
    items[0] = 1;
    items[2] = s.end.get().saturating_sub(s.start.get()) as i128;
    items[9] = 32767;
    super::int_tuple(vm, &items)
}

fn rom_open(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = this(vm, args[0])?;
    let mode = arg_string(vm, args[2])?;
    let mut text = true;
    for c in mode.chars() {
        match c {
            'r' | 't' => {}
            'b' => text = false,
            'w' | 'a' | '+' | 'x' => return Err(vm.os_error(EROFS)),
            _ => return Err(vm.os_error(EINVAL)),
        }
    }
    let p = path_string(vm, args[1])?;
    match find(vm, s, &p)? {
        Found::Missing => Err(vm.os_error(ENOENT)),
        Found::Dir(..) => Err(vm.os_error(EISDIR)),
        Found::File(off, len) => {
            let mode = Mode {
                read: true,
                binary: !text,
                ..Mode::default()
            };
            make_file(vm, args[0], mode, FileSt::Rom { off, len })
        }
    }
}

static R_MOUNT: BuiltinFn = BuiltinFn::new(Q::mount, 3, 3, rom_mount);
static R_UMOUNT: BuiltinFn = BuiltinFn::new(Q::umount, 1, 1, rom_umount);
static R_OPEN: BuiltinFn = BuiltinFn::new(Q::open, 3, 3, rom_open);
static R_CHDIR: BuiltinFn = BuiltinFn::new(Q::chdir, 2, 2, rom_chdir);
static R_GETCWD: BuiltinFn = BuiltinFn::new(Q::getcwd, 1, 1, rom_getcwd);
static R_ILISTDIR: BuiltinFn = BuiltinFn::new(Q::ilistdir, 2, 2, rom_ilistdir);
static R_STAT: BuiltinFn = BuiltinFn::new(Q::stat, 2, 2, rom_stat);
static R_STATVFS: BuiltinFn = BuiltinFn::new(Q::statvfs, 2, 2, rom_statvfs);

fixed_dict!(
    ROM_LOCALS,
    [
        (Q::mount, fnv!(R_MOUNT)),
        (Q::umount, fnv!(R_UMOUNT)),
        (Q::open, fnv!(R_OPEN)),
        (Q::chdir, fnv!(R_CHDIR)),
        (Q::getcwd, fnv!(R_GETCWD)),
        (Q::ilistdir, fnv!(R_ILISTDIR)),
        (Q::stat, fnv!(R_STAT)),
        (Q::statvfs, fnv!(R_STATVFS)),
    ]
);

// ---- files ----

/// A VfsRom file: vfs_file.rs's file object (state [`FileSt::Rom`]) with the buffer protocol.
/// Text files are of this type too.
pub static ROM_FILE_TYPE: Type = Type {
    print: Some(crate::vfs_file::file_print),
    getiter: Some(pyrite_core::types::iter::iter_self),
    iternext: Some(crate::vfs_file::file_iternext),
    buffer: Some(file_buffer),
    attr: Some(file_attr),
    ..Type::new(Q::FileIO)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&crate::vfs_file::FILE_LOCALS);

fn file_attr(_vm: &mut Vm, _v: Value, _n: Qstr, _a: AttrAction) -> PyResult<Option<Value>> {
    Ok(None)
}

/// The image buffer of VfsRom `fs`.
fn image_of(fs: Value) -> Option<Value> {
    fs.downcast::<VfsRomObj>().map(|s| s.mem.get())
}

/// The memory behind the file: the image's buffer, offset to the file's data.
fn file_buffer(vm: &mut Vm, v: Value, fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    if fl == BufferFlags::Write {
        return Ok(None);
    }
    let Some(f) = v.downcast::<RomFileObj>() else {
        return Ok(None);
    };
    let FileSt::Rom { off, len } = f.0.st.get() else {
        return Ok(None);
    };
    let Some(mem) = image_of(f.0.fs.get()) else {
        return Ok(None);
    };
    let Some(b) = mem.type_of().buffer else {
        return Ok(None);
    };
    let Some(info) = b(vm, mem, BufferFlags::Read)? else {
        return Ok(None);
    };
    match off.checked_add(len) {
        Some(end) if end <= info.len && !info.ptr.is_null() => Ok(Some(BufferInfo {
            // The offset stays inside the image's buffer (checked above).
            ptr: info.ptr.wrapping_add(off),
            len,
            typecode: b'B',
        })),
        _ => Err(vm.os_error(EIO)),
    }
}

/// Read from byte `pos` of the file of `len` bytes at `off` in the image of VfsRom `fs`.
pub(crate) fn read_at(
    vm: &mut Vm,
    fs: Value,
    off: usize,
    len: usize,
    pos: u64,
    buf: &mut [u8],
) -> PyResult<usize> {
    let Some(mem) = image_of(fs) else {
        return Err(vm.os_error(EIO));
    };
    let from = usize::try_from(pos).unwrap_or(usize::MAX).min(len);
    let n = buf.len().min(len - from);
    let r = with_image(vm, mem, |img| {
        let a = off.checked_add(from)?;
        let src = img.get(a..a.checked_add(n)?)?;
        buf[..n].copy_from_slice(src);
        Some(n)
    })?;
    r.ok_or_else(|| vm.os_error(EIO))
}
