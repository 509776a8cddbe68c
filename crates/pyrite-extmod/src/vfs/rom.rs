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
use pyrite_core::modules::builtins::{arg_int, arg_string};
use pyrite_core::obj::{
    flags, with_buffer_read, AttrAction, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type,
};
use pyrite_core::types::{bytes, list, str as pystr};
use pyrite_core::value::{ObjHeader, TypeRef};
use pyrite_core::{PyResult, Qstr, Value, Vm, Q};

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
        Found::File(off, size) => Ok(vm
            .alloc_obj(RomFileObj {
                hdr: ObjHeader::new(&ROM_FILE_TYPE),
                mem: Cell::new(s.mem.get()),
                off: Cell::new(off),
                len: Cell::new(size),
                pos: Cell::new(0),
                closed: Cell::new(false),
                text: Cell::new(text),
            })?
            .value()),
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

/// An open file of a VfsRom: `len` bytes at `off` in the image `mem`.
#[repr(C)]
pub struct RomFileObj {
    pub hdr: ObjHeader,
    pub mem: Cell<Value>,
    pub off: Cell<usize>,
    pub len: Cell<usize>,
    pub pos: Cell<usize>,
    pub closed: Cell<bool>,
    /// Text mode: reads give str.
    pub text: Cell<bool>,
}

pyrite_core::py_object!(RomFileObj, ROM_FILE_TYPE);

/// A VfsRom file (text or binary: `RomFileObj::text`).
pub static ROM_FILE_TYPE: Type = Type {
    print: Some(file_print),
    getiter: Some(pyrite_core::types::iter::iter_self),
    iternext: Some(file_iternext),
    buffer: Some(file_buffer),
    attr: Some(file_attr),
    ..Type::new(Q::FileIO)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&FILE_LOCALS);

fn file_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let text = v.downcast::<RomFileObj>().is_some_and(|f| f.text.get());
    out.push_str(if text {
        "<io.TextIOWrapper>"
    } else {
        "<io.FileIO>"
    });
    Ok(())
}

fn file_attr(_vm: &mut Vm, _v: Value, _n: Qstr, _a: AttrAction) -> PyResult<Option<Value>> {
    Ok(None)
}

fn file(vm: &mut Vm, v: Value) -> PyResult<(pyrite_core::Gc<RomFileObj>, bool)> {
    match v.downcast::<RomFileObj>() {
        Some(f) if f.closed.get() => Err(vm.value_error("I/O operation on closed file")),
        Some(f) => Ok((f, f.text.get())),
        None => Err(vm.type_error("expected a VfsRom file")),
    }
}

/// The memory behind the file: the image's buffer, offset to the file's data.
fn file_buffer(vm: &mut Vm, v: Value, fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    if fl == BufferFlags::Write {
        return Ok(None);
    }
    let Some(f) = v.downcast::<RomFileObj>() else {
        return Ok(None);
    };
    let mem = f.mem.get();
    let Some(b) = mem.type_of().buffer else {
        return Ok(None);
    };
    let Some(info) = b(vm, mem, BufferFlags::Read)? else {
        return Ok(None);
    };
    let (off, len) = (f.off.get(), f.len.get());
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

/// Bytes `from..to` of the file (clamped to it).
fn file_bytes(
    vm: &mut Vm,
    f: pyrite_core::Gc<RomFileObj>,
    from: usize,
    to: usize,
) -> PyResult<Vec<u8>> {
    let (off, len) = (f.off.get(), f.len.get());
    let to = to.min(len);
    if from >= to {
        return Ok(Vec::new());
    }
    let r = with_image(vm, f.mem.get(), |img| {
        img.get(off + from..off + to).map(|s| s.to_vec())
    })?;
    r.ok_or_else(|| vm.os_error(EIO))
}

fn result(vm: &mut Vm, data: &[u8], text: bool) -> PyResult<Value> {
    if text {
        pystr::new_str_from_utf8(vm, data)
    } else {
        bytes::new_bytes(vm, data)
    }
}

fn file_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (f, text) = file(vm, args[0])?;
    let pos = f.pos.get();
    let n = match args.get(1) {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            if n < 0 {
                usize::MAX
            } else {
                n as usize
            }
        }
        _ => usize::MAX,
    };
    let rest = file_bytes(vm, f, pos, f.len.get())?;
    let mut take = n.min(rest.len());
    if text && n != usize::MAX {
        // n characters.
        let mut chars = 0;
        take = 0;
        while take < rest.len() && chars < n {
            take += 1;
            while take < rest.len() && rest[take] & 0xc0 == 0x80 {
                take += 1;
            }
            chars += 1;
        }
    }
    f.pos.set(pos + take);
    result(vm, &rest[..take], text)
}

fn file_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (f, _) = file(vm, args[0])?;
    let mut n = vm.len(args[1])?;
    if let Some(&l) = args.get(2) {
        n = n.min(usize::try_from(arg_int(vm, l)?).unwrap_or(0));
    }
    let pos = f.pos.get();
    let data = file_bytes(vm, f, pos, pos.saturating_add(n))?;
    let done = pyrite_core::obj::with_buffer_write(vm, args[1], |cells| {
        for (c, &b) in cells.iter().zip(data.iter()) {
            c.set(b);
        }
        cells.len().min(data.len())
    })?;
    match done {
        Some(k) => {
            f.pos.set(pos + k);
            Ok(Value::small_int_unchecked(k as isize))
        }
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn read_line(vm: &mut Vm, f: pyrite_core::Gc<RomFileObj>) -> PyResult<Vec<u8>> {
    let pos = f.pos.get();
    let rest = file_bytes(vm, f, pos, f.len.get())?;
    let take = match rest.iter().position(|&b| b == b'\n') {
        Some(i) => i + 1,
        None => rest.len(),
    };
    f.pos.set(pos + take);
    Ok(rest[..take].to_vec())
}

fn file_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (f, text) = file(vm, args[0])?;
    let line = read_line(vm, f)?;
    result(vm, &line, text)
}

fn file_readlines(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (f, text) = file(vm, args[0])?;
    let out = list::new_list(vm, &[])?;
    loop {
        let line = read_line(vm, f)?;
        if line.is_empty() {
            break;
        }
        let v = result(vm, &line, text)?;
        list::list_append(vm, out, v)?;
    }
    Ok(out)
}

fn file_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let (f, text) = file(vm, v)?;
    let line = read_line(vm, f)?;
    if line.is_empty() {
        return Ok(Value::STOP);
    }
    result(vm, &line, text)
}

fn file_seek(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (f, _) = file(vm, args[0])?;
    let off = arg_int(vm, args[1])? as i64;
    let whence = match args.get(2) {
        Some(&w) => arg_int(vm, w)?,
        None => 0,
    };
    let len = f.len.get() as i64;
    let base = match whence {
        0 => 0,
        1 => f.pos.get() as i64,
        2 => len,
        _ => return Err(vm.os_error(EINVAL)),
    };
    let new = base.saturating_add(off);
    if new < 0 {
        return Err(vm.os_error(EINVAL));
    }
    let new = new.min(len);
    f.pos.set(new as usize);
    Ok(Value::small_int_unchecked(new as isize))
}

fn file_tell(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let (f, _) = file(vm, args[0])?;
    Ok(Value::small_int_unchecked(f.pos.get() as isize))
}

fn file_close(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(f) = args[0].downcast::<RomFileObj>() {
        f.closed.set(true);
    }
    Ok(Value::NONE)
}

fn file_enter(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(args[0])
}

fn file_exit(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    file_close(vm, &args[..1], kw)
}

fn file_write(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    Err(vm.os_error(EROFS))
}

static F_READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, file_read);
static F_READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, file_readinto);
static F_READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, file_readline);
static F_READLINES: BuiltinFn = BuiltinFn::new(Q::readlines, 1, 1, file_readlines);
static F_WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 4, file_write);
static F_SEEK: BuiltinFn = BuiltinFn::new(Q::seek, 2, 3, file_seek);
static F_TELL: BuiltinFn = BuiltinFn::new(Q::tell, 1, 1, file_tell);
static F_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, file_close);
static F_ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, file_enter);
static F_EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 1, 4, file_exit);

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
        (Q::close, fnv!(F_CLOSE)),
        (Q::__enter__, fnv!(F_ENTER)),
        (Q::__exit__, fnv!(F_EXIT)),
    ]
);
