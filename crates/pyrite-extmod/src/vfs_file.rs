//! The file objects `open()` returns on a `VfsFat`, `VfsLfs1` or `VfsLfs2` (`FileIO` for binary
//! modes, `TextIOWrapper` for text), with read/readinto/readline/readlines/write/seek/tell/
//! flush/close, line iteration and the context manager protocol. The methods are the same for
//! every filesystem; what a file is on its filesystem is its [`FileSt`], and reads, writes and
//! flushes go to the backend (vfs_fat.rs or vfs_lfs.rs) through it. Files keep their state in
//! plain fields and every write goes through to the device before the call returns, so a file
//! that is dropped without `close()` loses nothing (MicroPython's finaliser closes it; here
//! nothing is left to close).

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_core::modules::builtins::{arg_int, buffer_bytes, size_arg};
use pyrite_core::obj::{flags, with_buffer_write, BuiltinFn, Kw, PrintKind, Type};
use pyrite_core::qstr::Q;
use pyrite_core::types;
use pyrite_core::value::{Gc, ObjHeader, Value};
use pyrite_core::vm::Vm;
use pyrite_core::{fixed_dict, fnv, PyResult};

use crate::fat::errno::*;
use crate::fat::FileState;
use crate::vfs_blk::int;

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
    /// A VfsRom file: `len` bytes at `off` in the image of the filesystem object.
    Rom {
        off: usize,
        len: usize,
    },
}

/// A file opened on a VfsFat, VfsLfs or VfsRom.
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

/// A VfsRom file, text or binary (same fields as [`VfsFileObj`]; its type is
/// [`ROM_FILE_TYPE`](crate::vfs::rom::ROM_FILE_TYPE), which adds the buffer protocol).
#[repr(C)]
pub struct RomFileObj(pub VfsFileObj);
pyrite_core::py_object!(RomFileObj, crate::vfs::rom::ROM_FILE_TYPE);

/// A handle on any kind of file object.
#[derive(Clone, Copy)]
pub enum FileRef {
    Bin(Gc<VfsFileObj>),
    Text(Gc<TextFileObj>),
    Rom(Gc<RomFileObj>),
}

impl core::ops::Deref for FileRef {
    type Target = VfsFileObj;
    fn deref(&self) -> &VfsFileObj {
        match self {
            FileRef::Bin(g) => g,
            FileRef::Text(g) => &g.0,
            FileRef::Rom(g) => &g.0,
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

pub(crate) fn file_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let name = vm.type_name(v);
    // MicroPython prints LittleFS and ROM files without an address.
    match file_obj(v) {
        Some(f) if matches!(f, FileRef::Rom(_)) => {
            let name = if f.mode.get().binary {
                "FileIO"
            } else {
                "TextIOWrapper"
            };
            out.push_str("<io.");
            out.push_str(name);
            out.push('>');
        }
        Some(f) if matches!(f.st.get(), FileSt::Lfs(_)) => {
            out.push_str("<io.");
            out.push_str(name);
            out.push('>');
        }
        _ => {
            let mut n = String::from("io.");
            n.push_str(name);
            crate::push_obj_repr(out, &n, v);
        }
    }
    Ok(())
}

/// The file object behind `v` (any type).
pub fn file_obj(v: Value) -> Option<FileRef> {
    if let Some(b) = v.downcast::<VfsFileObj>() {
        return Some(FileRef::Bin(b));
    }
    if let Some(r) = v.downcast::<RomFileObj>() {
        return Some(FileRef::Rom(r));
    }
    v.downcast::<TextFileObj>().map(FileRef::Text)
}

/// A new (not yet usable) file object on filesystem `fs`.
pub fn new_file(vm: &mut Vm, fs: Value, mode: Mode) -> PyResult<Value> {
    make_file(vm, fs, mode, FileSt::None)
}

/// A new file object on filesystem `fs` in state `st`.
pub(crate) fn make_file(vm: &mut Vm, fs: Value, mode: Mode, st: FileSt) -> PyResult<Value> {
    let rom = matches!(st, FileSt::Rom { .. });
    let ty: &'static Type = if rom {
        &crate::vfs::rom::ROM_FILE_TYPE
    } else if mode.binary {
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
        st: Cell::new(st),
        path: Cell::new(Value::NONE),
        cache: Cell::new(Value::NONE),
    };
    Ok(if rom {
        vm.alloc_obj(RomFileObj(fields))?.value()
    } else if mode.binary {
        vm.alloc_obj(fields)?.value()
    } else {
        vm.alloc_obj(TextFileObj(fields))?.value()
    })
}

pub(crate) fn open_file(vm: &mut Vm, v: Value) -> PyResult<FileRef> {
    match file_obj(v) {
        Some(f) if !f.closed.get() => Ok(f),
        Some(FileRef::Rom(_)) => Err(vm.value_error("I/O operation on closed file")),
        Some(_) => Err(vm.os_error(EINVAL)),
        None => Err(vm.type_error("file object required")),
    }
}

/// Backend read at `pos`.
fn backend_read(vm: &mut Vm, f: FileRef, pos: u64, buf: &mut [u8]) -> PyResult<usize> {
    match f.st.get() {
        FileSt::Fat(_) => crate::vfs_fat::file_io(vm, f, pos, IoBuf::Read(buf)),
        FileSt::Lfs(_) => crate::vfs_lfs::file_read(vm, f, pos, buf),
        FileSt::Rom { off, len } => crate::vfs::rom::read_at(vm, f.fs.get(), off, len, pos, buf),
        FileSt::None => Err(vm.os_error(EBADF)),
    }
}

fn backend_write(vm: &mut Vm, f: FileRef, pos: u64, data: &[u8]) -> PyResult<usize> {
    match f.st.get() {
        FileSt::Fat(_) => crate::vfs_fat::file_io(vm, f, pos, IoBuf::Write(data)),
        FileSt::Lfs(_) => crate::vfs_lfs::file_write(vm, f, pos, data),
        FileSt::Rom { .. } | FileSt::None => Err(vm.os_error(EBADF)),
    }
}

/// The buffer of a read or a write.
pub enum IoBuf<'a> {
    Read(&'a mut [u8]),
    Write(&'a [u8]),
}

fn backend_size(vm: &mut Vm, f: FileRef) -> PyResult<u64> {
    match f.st.get() {
        FileSt::Fat(st) => Ok(st.size as u64),
        FileSt::Lfs(_) => crate::vfs_lfs::file_size(vm, f),
        FileSt::Rom { len, .. } => Ok(len as u64),
        FileSt::None => Err(vm.os_error(EBADF)),
    }
}

/// Commit what the filesystem keeps of an open file (LittleFS: the modification time).
fn backend_flush(vm: &mut Vm, f: FileRef) -> PyResult<()> {
    match f.st.get() {
        FileSt::Lfs(_) => crate::vfs_lfs::file_flush(vm, f),
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

pub(crate) fn file_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let f = open_file(vm, v)?;
    let line = read_line(vm, f, None)?;
    if line.is_empty() {
        return Ok(Value::STOP);
    }
    result(vm, &f, &line)
}

fn f_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(FileRef::Rom(_)) = file_obj(args[0]) {
        return Err(vm.os_error(EROFS));
    }
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
    let mut new = base.saturating_add(off);
    let max: i64 = match f.st.get() {
        FileSt::Lfs(_) => 0x7fff_ffff,
        FileSt::Rom { len, .. } => {
            // ROM files seek no further than their end.
            new = new.min(len as i64);
            i64::MAX
        }
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
    backend_flush(vm, f)?;
    Ok(Value::NONE)
}

fn f_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(f) = file_obj(args[0]) {
        if !f.closed.get() {
            let r = backend_flush(vm, f);
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
    pub(crate) FILE_LOCALS,
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
