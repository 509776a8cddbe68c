//! Console and file I/O for the builtins: `print`, `input`, `open`, and the file objects
//! behind `sys.stdin/stdout/stderr` and `open()` (`TextIOWrapper` for text, `FileIO` for
//! binary, as MicroPython names them), over the Host's console and file API.
//!
//! Contract for others: `new_file(vm, fd, binary)`, `write_to(vm, file, text)` (print's path to
//! any file-like object), `read_line(vm, fd)`.

use crate::types::arg;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_byte;
use pyrite_compiler::text::push_bytes;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::host::OpenMode;
use crate::obj::{flags, AttrAction, BuiltinFn, Kw, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::types;
use crate::value::{ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::{arg_int, arg_string, bad_implicit_conversion, buffer_bytes, parse_kw};

/// A text file (`TextIOWrapper`): reads give str.
#[repr(C)]
pub struct TextFileObj {
    pub hdr: ObjHeader,
    /// Host handle; -1 once closed.
    pub fd: Cell<isize>,
}
crate::py_object!(TextFileObj, TEXTIO_TYPE);

/// A binary file (`FileIO`): reads give bytes.
#[repr(C)]
pub struct BinFileObj {
    pub hdr: ObjHeader,
    pub fd: Cell<isize>,
}
crate::py_object!(BinFileObj, FILEIO_TYPE);

pub static TEXTIO_TYPE: Type = Type {
    print: Some(file_print),
    finalise: Some(file_finalise),
    attr: Some(file_attr),
    getiter: Some(file_getiter),
    iternext: Some(file_iternext),
    ..Type::new(Q::TextIOWrapper)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&FILE_LOCALS);

pub static FILEIO_TYPE: Type = Type {
    print: Some(file_print),
    finalise: Some(file_finalise),
    getiter: Some(file_getiter),
    iternext: Some(file_iternext),
    ..Type::new(Q::FileIO)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::ITER_IS_SELF)
.with_locals(&FILE_LOCALS);

/// The handle of a file object (-1 if closed), or None if `v` is not one of ours.
pub fn file_fd(v: Value) -> Option<isize> {
    if let Some(f) = v.downcast::<TextFileObj>() {
        return Some(f.fd.get());
    }
    v.downcast::<BinFileObj>().map(|f| f.fd.get())
}

fn set_fd(v: Value, fd: isize) {
    if let Some(f) = v.downcast::<TextFileObj>() {
        f.fd.set(fd);
    } else if let Some(f) = v.downcast::<BinFileObj>() {
        f.fd.set(fd);
    }
}

fn is_binary(v: Value) -> bool {
    v.downcast::<BinFileObj>().is_some()
}

/// A new file object over host handle `fd`.
pub fn new_file(vm: &mut Vm, fd: isize, binary: bool) -> PyResult<Value> {
    if binary {
        Ok(vm
            .alloc_obj(BinFileObj {
                hdr: ObjHeader::new(&FILEIO_TYPE),
                fd: Cell::new(fd),
            })?
            .value())
    } else {
        Ok(vm
            .alloc_obj(TextFileObj {
                hdr: ObjHeader::new(&TEXTIO_TYPE),
                fd: Cell::new(fd),
            })?
            .value())
    }
}

/// A file object that owns its handle (made by `open` on a path), collected while still open:
/// close the handle, so unreachable files give their OS descriptors back.
fn file_finalise(vm: &mut Vm, v: Value) {
    if let Some(fd) = file_fd(v) {
        if fd > 2 {
            set_fd(v, -1);
            let _ = vm.host.file_close(fd as i32);
        }
    }
}

/// A new file object that owns host handle `fd`: it is closed when the object is collected.
pub fn new_owned_file(vm: &mut Vm, fd: isize, binary: bool) -> PyResult<Value> {
    if binary {
        Ok(vm
            .alloc_obj_finalised(BinFileObj {
                hdr: ObjHeader::new(&FILEIO_TYPE),
                fd: Cell::new(fd),
            })?
            .value())
    } else {
        Ok(vm
            .alloc_obj_finalised(TextFileObj {
                hdr: ObjHeader::new(&TEXTIO_TYPE),
                fd: Cell::new(fd),
            })?
            .value())
    }
}

fn file_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let fd = file_fd(v).unwrap_or(-1);
    push_str(out, "<io.");
    push_str(out, vm.type_name(v));
    push_str(out, &alloc::format!(" {}>", fd));
    Ok(())
}

fn file_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    if name == Q::buffer && action == AttrAction::Load {
        if let Some(fd) = file_fd(v) {
            return new_file(vm, fd, true).map(Some);
        }
    }
    Ok(None)
}

/// The open handle of file object `v`, or ValueError for a closed file.
fn open_fd(vm: &mut Vm, v: Value) -> PyResult<i32> {
    match file_fd(v) {
        Some(fd) if fd >= 0 => Ok(fd as i32),
        Some(_) => Err(vm.value_error("I/O operation on closed file")),
        None => Err(vm.type_error("expected a file object")),
    }
}

// ---- low-level reads and writes ----

/// Write bytes to handle `fd` (1 and 2 are the console).
pub fn write_fd(vm: &mut Vm, fd: i32, data: &[u8]) -> PyResult<usize> {
    if fd == 1 || fd == 2 {
        console_write(vm, fd as u8, data);
        return Ok(data.len());
    }
    match vm.host.file_write(fd, data) {
        Ok(n) => Ok(n),
        Err(e) => Err(vm.os_error(e)),
    }
}

/// Write to the console (`fd` 1: stdout, 2: stderr) and to every stream attached with
/// `os.dupterm` (its `write(bytes)`). A stream whose `write` raises is detached, as in
/// MicroPython.
pub fn console_write(vm: &mut Vm, fd: u8, data: &[u8]) {
    console_write_mode(vm, fd, data, false)
}

/// Write to the console, binary-clean when `binary` (`sys.stdout.buffer`), and to any
/// `os.dupterm` streams.
pub fn console_write_mode(vm: &mut Vm, fd: u8, data: &[u8], binary: bool) {
    if binary {
        vm.host.write_binary(fd, data);
    } else {
        vm.host.write(fd, data);
    }
    let l = vm.sys.dupterm;
    let Some(list) = types::list::list_obj(l) else {
        return;
    };
    if vm.sys.in_dupterm || data.is_empty() {
        return;
    }
    vm.sys.in_dupterm = true;
    for i in 0..list.len() {
        let Some(s) = list.get(i) else { continue };
        if s.is_none() || s.is_null() {
            continue;
        }
        let r = types::bytes::new_bytes(vm, data).and_then(|b| vm.call_method(s, Q::write, &[b]));
        if r.is_err() {
            list.set(i, Value::NONE);
            vm.host
                .write(2, b"dupterm: Exception in write() method, deactivating\n");
        }
    }
    vm.sys.in_dupterm = false;
}

/// Input waiting on a dupterm stream (its `readinto`, or `read`), polled before the console
/// is read: None when no stream has any.
fn dupterm_read(vm: &mut Vm) -> Option<Vec<u8>> {
    let list = types::list::list_obj(vm.sys.dupterm)?;
    if vm.sys.in_dupterm {
        return None;
    }
    vm.sys.in_dupterm = true;
    let mut got = None;
    for i in 0..list.len() {
        let Some(s) = list.get(i) else { continue };
        if s.is_none() || s.is_null() {
            continue;
        }
        let r = (|| -> PyResult<Option<Vec<u8>>> {
            if crate::types::class::load_method_maybe(vm, s, Q::readinto)?.is_some() {
                let buf = types::bytes::new_bytearray(vm, &[0u8; 64])?;
                let n = vm.call_method(s, Q::readinto, &[buf])?;
                let n = match n.as_small_int() {
                    Some(n) if n > 0 => n as usize,
                    _ => return Ok(None),
                };
                let mut d = buffer_bytes(vm, buf)?.unwrap_or_default();
                d.truncate(n);
                Ok(Some(d))
            } else {
                let n = Value::small_int_unchecked(64);
                let d = vm.call_method(s, Q::read, &[n])?;
                if d.is_none() {
                    return Ok(None);
                }
                let d = match types::str::str_data(vm, d) {
                    Some(t) => bytes_vec(t.as_bytes()),
                    None => buffer_bytes(vm, d)?.unwrap_or_default(),
                };
                Ok(if d.is_empty() { None } else { Some(d) })
            }
        })();
        match r {
            Ok(Some(d)) => {
                got = Some(d);
                break;
            }
            Ok(None) => {}
            Err(_) => {
                list.set(i, Value::NONE);
                vm.host
                    .write(2, b"dupterm: Exception in read() method, deactivating\n");
            }
        }
    }
    vm.sys.in_dupterm = false;
    got
}

/// Make sure the stdin buffer holds at least one byte (false at end of input).
fn stdin_fill(vm: &mut Vm) -> PyResult<bool> {
    stdin_fill_max(vm, 512)
}

/// Like [`stdin_fill`], but take at most `max` bytes from the console: a sized binary read
/// (e.g. a protocol reading a 4-byte header) must not swallow bytes that a later `select.poll`
/// of stdin or the REPL after a soft reset should still see.
fn stdin_fill_max(vm: &mut Vm, max: usize) -> PyResult<bool> {
    if !vm.sys.stdin_buf.is_empty() {
        return Ok(true);
    }
    if let Some(d) = dupterm_read(vm) {
        vm.sys.stdin_buf.extend_from_slice(&d);
        return Ok(true);
    }
    if vm.sys.stdin_eof {
        return Ok(false);
    }
    let mut buf = [0u8; 512];
    let max = max.clamp(1, buf.len());
    let n = vm.host.read_stdin(&mut buf[..max]);
    if n == 0 {
        // A read cut short by Ctrl-C raises KeyboardInterrupt; the console stays open.
        crate::interp::exec::poll_slow(vm)?;
        vm.sys.stdin_eof = true;
        return Ok(false);
    }
    vm.sys.stdin_buf.extend_from_slice(&buf[..n.min(buf.len())]);
    Ok(true)
}

/// Read one byte from handle `fd` (None at end of file).
fn read_byte(vm: &mut Vm, fd: i32) -> PyResult<Option<u8>> {
    if fd == 0 {
        if !stdin_fill(vm)? {
            return Ok(None);
        }
        let b = vm.sys.stdin_buf.remove(0);
        return Ok(Some(b));
    }
    let mut b = [0u8; 1];
    match vm.host.file_read(fd, &mut b) {
        Ok(0) => Ok(None),
        Ok(_) => Ok(Some(b[0])),
        Err(e) => Err(vm.os_error(e)),
    }
}

/// Read up to `n` bytes (all when `n` is None) from handle `fd`.
fn read_bytes(vm: &mut Vm, fd: i32, n: Option<usize>) -> PyResult<Vec<u8>> {
    let mut out = Vec::new();
    if fd == 0 {
        loop {
            if n.is_some_and(|n| out.len() >= n) {
                break;
            }
            let want = n.map(|n| n - out.len()).unwrap_or(usize::MAX);
            if !stdin_fill_max(vm, want)? {
                break;
            }
            let take = want.min(vm.sys.stdin_buf.len());
            out.extend(vm.sys.stdin_buf.drain(..take));
        }
        return Ok(out);
    }
    let mut buf = [0u8; 4096];
    loop {
        let want = match n {
            Some(n) if out.len() >= n => break,
            Some(n) => (n - out.len()).min(buf.len()),
            None => buf.len(),
        };
        match vm.host.file_read(fd, &mut buf[..want]) {
            Ok(0) => break,
            Ok(k) => push_bytes(&mut out, &buf[..k.min(want)]),
            Err(e) => return Err(vm.os_error(e)),
        }
    }
    Ok(out)
}

/// Read a line (with its `\n`, if any) from handle `fd`; empty at end of file.
pub fn read_line(vm: &mut Vm, fd: i32, limit: Option<usize>) -> PyResult<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        match read_byte(vm, fd)? {
            None => break,
            Some(b) => {
                push_byte(&mut out, b);
                if b == b'\n' {
                    break;
                }
            }
        }
    }
    Ok(out)
}

/// Read `n` characters (UTF-8) for a text read.
fn read_chars(vm: &mut Vm, fd: i32, n: usize) -> PyResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut chars = 0;
    while chars < n {
        let Some(b) = read_byte(vm, fd)? else { break };
        push_byte(&mut out, b);
        let extra = match b {
            0xc0..=0xdf => 1,
            0xe0..=0xef => 2,
            0xf0..=0xf7 => 3,
            _ => 0,
        };
        for _ in 0..extra {
            match read_byte(vm, fd)? {
                Some(c) => push_byte(&mut out, c),
                None => break,
            }
        }
        chars += 1;
    }
    Ok(out)
}

/// Turn bytes read from a file into the result object (str for text files).
fn make_result(vm: &mut Vm, data: &[u8], binary: bool) -> PyResult<Value> {
    if binary {
        return types::bytes::new_bytes(vm, data);
    }
    match core::str::from_utf8(data) {
        Ok(s) => types::str::new_str(vm, s),
        Err(_) => Err(vm.new_exception(
            &types::exception::UNICODE_ERROR,
            "invalid UTF-8 in text file",
        )),
    }
}

/// Write `text` to any file-like object: ours directly, anything else through its `write`.
pub fn write_to(vm: &mut Vm, file: Value, text: &str) -> PyResult<()> {
    if let Some(fd) = file_fd(file) {
        if fd < 0 {
            return Err(vm.value_error("I/O operation on closed file"));
        }
        write_fd(vm, fd as i32, text.as_bytes())?;
        return Ok(());
    }
    let s = types::str::new_str(vm, text)?;
    let r = vm.call_method(file, Q::write, &[s])?;
    if let Some(n) = r.as_small_int() {
        if n > 0
            && n as usize > text.len()
            && vm.is_instance(
                file,
                crate::value::TypeRef::of_static(&super::stringio::IOBASE_TYPE),
            )
        {
            // An io.IOBase stream claiming to write more than it was given (MicroPython: EIO).
            return Err(vm.os_error(5));
        }
    }
    Ok(())
}

// ---- file methods ----

fn file_read(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = arg(args, 0);
    let fd = open_fd(vm, f)?;
    let n = match args.get(1) {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            if n < 0 {
                None
            } else {
                Some(n as usize)
            }
        }
        _ => None,
    };
    let binary = is_binary(f);
    let data = match n {
        Some(n) if !binary => read_chars(vm, fd, n)?,
        _ => read_bytes(vm, fd, n)?,
    };
    make_result(vm, &data, binary)
}

fn file_readline(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = arg(args, 0);
    let fd = open_fd(vm, f)?;
    let limit = match args.get(1) {
        Some(&v) if !v.is_none() => {
            let n = arg_int(vm, v)?;
            if n < 0 {
                None
            } else {
                Some(n as usize)
            }
        }
        _ => None,
    };
    let line = read_line(vm, fd, limit)?;
    make_result(vm, &line, is_binary(f))
}

fn file_readlines(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = arg(args, 0);
    let fd = open_fd(vm, f)?;
    let list = types::list::new_list(vm, &[])?;
    loop {
        let line = read_line(vm, fd, None)?;
        if line.is_empty() {
            break;
        }
        let v = make_result(vm, &line, is_binary(f))?;
        types::list::list_append(vm, list, v)?;
    }
    Ok(list)
}

/// `write(buf)`, `write(buf, max_len)`, `write(buf, off, max_len)` (MicroPython's stream write).
fn file_write(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = arg(args, 0);
    let fd = open_fd(vm, f)?;
    let v = arg(args, 1);
    let data: Vec<u8> = if let Some(s) = types::str::str_data(vm, v) {
        if is_binary(f) {
            return Err(vm.type_error("object with buffer protocol required"));
        }
        bytes_vec(s.as_bytes())
    } else {
        match buffer_bytes(vm, v)? {
            Some(data) => data.to_vec(),
            None => return Err(bad_implicit_conversion(vm, v)),
        }
    };
    let (off, max) = match args.len() {
        3 => (0, arg_int(vm, arg(args, 2))?),
        4 => (arg_int(vm, arg(args, 2))?, arg_int(vm, arg(args, 3))?),
        _ => (0, isize::MAX),
    };
    let start = usize::try_from(off).unwrap_or(0).min(data.len());
    let end = start
        .saturating_add(usize::try_from(max).unwrap_or(0))
        .min(data.len());
    let n = if (fd == 1 || fd == 2) && is_binary(f) {
        console_write_mode(vm, fd as u8, &data[start..end], true);
        end - start
    } else {
        write_fd(vm, fd, &data[start..end])?
    };
    Ok(Value::small_int(n as isize).unwrap_or(Value::NONE))
}

fn file_readinto(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = arg(args, 0);
    let fd = open_fd(vm, f)?;
    let mut n = vm.len(arg(args, 1))?;
    if let Some(&l) = args.get(2) {
        let l = arg_int(vm, l)?;
        n = n.min(usize::try_from(l).unwrap_or(0));
    }
    let data = read_bytes(vm, fd, Some(n))?;
    let copied = crate::obj::with_buffer_write(vm, arg(args, 1), |cells| {
        let k = cells.len().min(data.len());
        for (c, &b) in cells.iter().zip(data.iter()) {
            c.set(b);
        }
        k
    })?;
    match copied {
        Some(k) => Ok(Value::small_int_unchecked(k as isize)),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn file_seek(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fd = open_fd(vm, arg(args, 0))?;
    let off = arg_int(vm, arg(args, 1))?;
    let whence = match args.get(2) {
        Some(&w) => arg_int(vm, w)?,
        None => 0,
    };
    if !(0..=2).contains(&whence) {
        return Err(vm.value_error("invalid whence"));
    }
    match vm.host.file_seek(fd, off as i64, whence as u8) {
        Ok(p) => super::builtins::new_int(vm, p as i64),
        Err(e) => Err(vm.os_error(e)),
    }
}

fn file_tell(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fd = open_fd(vm, arg(args, 0))?;
    match vm.host.file_seek(fd, 0, 1) {
        Ok(p) => super::builtins::new_int(vm, p as i64),
        Err(e) => Err(vm.os_error(e)),
    }
}

fn file_flush(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fd = open_fd(vm, arg(args, 0))?;
    if fd > 2 {
        if let Err(e) = vm.host.file_flush(fd) {
            return Err(vm.os_error(e));
        }
    }
    Ok(Value::NONE)
}

fn file_close(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let f = arg(args, 0);
    if let Some(fd) = file_fd(f) {
        if fd > 2 {
            set_fd(f, -1);
            if let Err(e) = vm.host.file_close(fd as i32) {
                return Err(vm.os_error(e));
            }
        }
    }
    Ok(Value::NONE)
}

fn file_fileno(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fd = open_fd(vm, arg(args, 0))?;
    Ok(Value::small_int_unchecked(fd as isize))
}

fn file_isatty(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fd = open_fd(vm, arg(args, 0))?;
    Ok(Value::from_bool(vm.host.file_isatty(fd)))
}

fn file_enter(_vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(arg(args, 0))
}

fn file_exit(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    file_close(vm, &args[..1], kw)
}

fn file_getiter(_vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(v)
}

fn file_iternext(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let fd = open_fd(vm, v)?;
    let line = read_line(vm, fd, None)?;
    if line.is_empty() {
        return Ok(Value::STOP);
    }
    make_result(vm, &line, is_binary(v))
}

static FILE_READ: BuiltinFn = BuiltinFn::new(Q::read, 1, 2, file_read);
static FILE_READLINE: BuiltinFn = BuiltinFn::new(Q::readline, 1, 2, file_readline);
static FILE_READLINES: BuiltinFn = BuiltinFn::new(Q::readlines, 1, 1, file_readlines);
static FILE_READINTO: BuiltinFn = BuiltinFn::new(Q::readinto, 2, 3, file_readinto);
static FILE_WRITE: BuiltinFn = BuiltinFn::new(Q::write, 2, 4, file_write);
static FILE_SEEK: BuiltinFn = BuiltinFn::new(Q::seek, 2, 3, file_seek);
static FILE_TELL: BuiltinFn = BuiltinFn::new(Q::tell, 1, 1, file_tell);
static FILE_FLUSH: BuiltinFn = BuiltinFn::new(Q::flush, 1, 1, file_flush);
static FILE_CLOSE: BuiltinFn = BuiltinFn::new(Q::close, 1, 1, file_close);
static FILE_FILENO: BuiltinFn = BuiltinFn::new(Q::fileno, 1, 1, file_fileno);
static FILE_ISATTY: BuiltinFn = BuiltinFn::new(Q::isatty, 1, 1, file_isatty);
static FILE_ENTER: BuiltinFn = BuiltinFn::new(Q::__enter__, 1, 1, file_enter);
static FILE_EXIT: BuiltinFn = BuiltinFn::new(Q::__exit__, 1, 4, file_exit);

fixed_dict!(
    FILE_LOCALS,
    [
        (Q::read, fnv!(FILE_READ)),
        (Q::readinto, fnv!(FILE_READINTO)),
        (Q::readline, fnv!(FILE_READLINE)),
        (Q::readlines, fnv!(FILE_READLINES)),
        (Q::write, fnv!(FILE_WRITE)),
        (Q::seek, fnv!(FILE_SEEK)),
        (Q::tell, fnv!(FILE_TELL)),
        (Q::flush, fnv!(FILE_FLUSH)),
        (Q::close, fnv!(FILE_CLOSE)),
        (Q::fileno, fnv!(FILE_FILENO)),
        (Q::isatty, fnv!(FILE_ISATTY)),
        (Q::__del__, fnv!(FILE_CLOSE)),
        (Q::__enter__, fnv!(FILE_ENTER)),
        (Q::__exit__, fnv!(FILE_EXIT)),
    ]
);

// ---- open ----

/// Parse an `open()` mode string: (mode, binary).
fn parse_mode(vm: &mut Vm, mode: &str) -> PyResult<(OpenMode, bool)> {
    let mut m = OpenMode::default();
    let mut binary = false;
    let mut kind = 0;
    for c in mode.chars() {
        match c {
            'r' => {
                m.read = true;
                kind += 1;
            }
            'w' => {
                m.write = true;
                m.create = true;
                m.truncate = true;
                kind += 1;
            }
            'a' => {
                m.write = true;
                m.create = true;
                m.append = true;
                kind += 1;
            }
            'x' => {
                m.write = true;
                m.create = true;
                m.exclusive = true;
                kind += 1;
            }
            '+' => {
                m.read = true;
                m.write = true;
            }
            'b' => binary = true,
            't' => {}
            _ => {
                let msg = alloc::format!("invalid mode: '{}'", mode);
                return Err(vm.value_error(&msg));
            }
        }
    }
    if kind == 0 {
        m.read = true;
    } else if kind > 1 {
        let msg = alloc::format!("invalid mode: '{}'", mode);
        return Err(vm.value_error(&msg));
    }
    Ok((m, binary))
}

fn builtin_open(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    if let Some(h) = vm.sys.fs_hooks {
        return (h.open)(vm, args, kw);
    }
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
        String::from("r")
    } else {
        arg_string(vm, opts[1])?
    };
    open_host(vm, opts[0], &mode)
}

/// Open `file` (a path, or a small int: an existing host handle) through the Host's file API
/// with `open()`'s `mode` string: the core's own files (and the VFS's `VfsPosix` files).
pub fn open_host(vm: &mut Vm, file: Value, mode: &str) -> PyResult<Value> {
    let (m, binary) = parse_mode(vm, mode)?;
    if let Some(fd) = file.as_small_int() {
        return new_file(vm, fd, binary);
    }
    let path = arg_string(vm, file)?;
    match vm.host.file_open(&path, m) {
        Ok(fd) => new_owned_file(vm, fd as isize, binary),
        Err(e) => Err(vm.os_error(e)),
    }
}
pub static OPEN: BuiltinFn = BuiltinFn::new_kw(Q::open, 0, 8, builtin_open);

// ---- print and input ----

fn builtin_print(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let mut opts = [Value::NULL; 4];
    parse_kw(vm, kw, &[Q::sep, Q::end, Q::file, Q::flush], &mut opts)?;
    let sep = if opts[0].is_null() || opts[0].is_none() {
        String::from(" ")
    } else {
        arg_string(vm, opts[0])?
    };
    let end = if opts[1].is_null() || opts[1].is_none() {
        String::from("\n")
    } else {
        arg_string(vm, opts[1])?
    };
    let file = if opts[2].is_null() || opts[2].is_none() {
        Value::NULL
    } else {
        opts[2]
    };
    if file.is_null() || file_fd(file).is_some() {
        // Our own stream: format everything, write once.
        let mut out = String::new();
        for (i, &a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(&sep);
            }
            vm.print_to(a, PrintKind::Str, &mut out)?;
        }
        out.push_str(&end);
        if file.is_null() {
            vm.write_stdout(&out);
        } else {
            write_to(vm, file, &out)?;
        }
        return Ok(Value::NONE);
    }
    // Any object with a write method: one call per piece, as CPython does.
    for (i, &a) in args.iter().enumerate() {
        if i > 0 {
            write_to(vm, file, &sep)?;
        }
        let s = vm.str_string(a)?;
        write_to(vm, file, &s)?;
    }
    write_to(vm, file, &end)?;
    Ok(Value::NONE)
}
pub static PRINT: BuiltinFn = BuiltinFn::new_kw(Q::print, 0, crate::obj::VAR_ARGS, builtin_print);

fn builtin_input(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(&p) = args.first() {
        let s = vm.str_string(p)?;
        vm.write_stdout(&s);
    }
    let mut line = read_line(vm, 0, None)?;
    if line.is_empty() {
        return Err(vm.new_exception_args(
            crate::value::TypeRef::of_static(&types::exception::EOF_ERROR),
            &[],
        ));
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    make_result(vm, &line, false)
}
pub static INPUT: BuiltinFn = BuiltinFn::new(Q::input, 0, 1, builtin_input);
