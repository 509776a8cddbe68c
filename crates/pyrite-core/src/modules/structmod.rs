//! The `struct` module (also `ustruct`): pack, pack_into, unpack, unpack_from, calcsize.
//!
//! Formats as MicroPython's: an optional first character `@` (native sizes and alignment,
//! the default), `<`, `>`, `!` or `=` (standard sizes, no alignment), then items, each an
//! optional decimal count and a typecode: `b B h H i I l L q Q e f d ? P` (see binary.rs),
//! `s` (a byte string of `count` bytes) and `x` (`count` pad bytes). Whitespace between items
//! is ignored (as CPython does).
//!
//! MicroPython's relaxations are kept: `unpack` accepts a buffer that is larger than needed,
//! `pack` accepts fewer values than the format holds (the rest stay zero) and ignores extra
//! ones. Errors are ValueError ("bad typecode", "buffer too small"), as in MicroPython.

use crate::types::arg;
use alloc::vec;
use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{kw_get, with_buffer_read, with_buffer_write, BuiltinFn, Kw, VAR_ARGS};
use crate::qstr::Q;
use crate::types;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

use super::binary::{self, Layout};
use super::BuiltinModuleDef;

/// One format item: `count` times typecode `code`.
#[derive(Clone, Copy, Debug)]
pub struct Item {
    pub count: usize,
    pub code: u8,
}

/// A parsed format.
pub struct Format {
    pub layout: Layout,
    pub items: Vec<Item>,
    /// Total size in bytes.
    pub size: usize,
    /// Number of values packed/unpacked.
    pub nvalues: usize,
}

#[cold]
fn bad_typecode(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("bad typecode")
}

#[cold]
fn too_small(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("buffer too small")
}

/// Parse a format string.
pub fn parse_format(vm: &mut Vm, fmt: &[u8]) -> PyResult<Format> {
    let (layout, mut rest) = match fmt.first() {
        Some(b'@') => (Layout::Native, &fmt[1..]),
        Some(b'<') => (Layout::Standard { big: false }, &fmt[1..]),
        Some(b'>') | Some(b'!') => (Layout::Standard { big: true }, &fmt[1..]),
        Some(b'=') => (
            Layout::Standard {
                big: binary::NATIVE_BIG,
            },
            &fmt[1..],
        ),
        _ => (Layout::Native, fmt),
    };
    let mut items = Vec::new();
    let mut size: usize = 0;
    let mut nvalues: usize = 0;
    loop {
        while let Some((c, r)) = rest.split_first() {
            if c.is_ascii_whitespace() {
                rest = r;
            } else {
                break;
            }
        }
        let Some(&first) = rest.first() else { break };
        let mut count: usize = 1;
        if first.is_ascii_digit() {
            let mut n: usize = 0;
            while let Some((&c, r)) = rest.split_first() {
                if !c.is_ascii_digit() {
                    break;
                }
                n = match n
                    .checked_mul(10)
                    .and_then(|n| n.checked_add((c - b'0') as usize))
                {
                    Some(n) => n,
                    None => return Err(vm.overflow_error("struct format count too large")),
                };
                rest = r;
            }
            count = n;
        }
        let Some((&code, r)) = rest.split_first() else {
            return Err(bad_typecode(vm));
        };
        rest = r;
        let overflow = |vm: &mut Vm| vm.overflow_error("struct format too large");
        match code {
            b'x' => {
                size = size.checked_add(count).ok_or_else(|| overflow(vm))?;
            }
            b's' => {
                size = size.checked_add(count).ok_or_else(|| overflow(vm))?;
                nvalues += 1;
            }
            _ => {
                let Some((sz, align)) = size_align(layout, code) else {
                    return Err(bad_typecode(vm));
                };
                if count > 0 {
                    // Alignment applies before each item; items of one code are all aligned
                    // once the first is.
                    size = size
                        .checked_add(align - 1)
                        .map(|s| s / align * align)
                        .and_then(|s| s.checked_add(sz.checked_mul(count)?))
                        .ok_or_else(|| overflow(vm))?;
                }
                nvalues = nvalues.checked_add(count).ok_or_else(|| overflow(vm))?;
            }
        }
        items.push(Item { count, code });
    }
    Ok(Format {
        layout,
        items,
        size,
        nvalues,
    })
}

/// The bytes of a format argument (str or bytes).
fn format_arg(vm: &mut Vm, v: Value) -> PyResult<Vec<u8>> {
    if let Some(s) = types::str::str_data(vm, v) {
        return Ok(s.as_str().as_bytes().to_vec());
    }
    if let Some(b) = types::bytes::bytes_obj(v) {
        return Ok(bytes_vec(b.items()));
    }
    Err(super::builtins::bad_implicit_conversion(vm, v))
}

/// Pack `args` by `f` into `out` (which has `f.size` bytes).
pub fn pack_values(vm: &mut Vm, f: &Format, out: &mut [u8], args: &[Value]) -> PyResult<()> {
    let big = f.layout.big_endian();
    let mut pos: usize = 0;
    let mut ai = 0;
    for it in &f.items {
        if ai >= args.len() {
            break;
        }
        match it.code {
            b'x' => pos += it.count,
            b's' => {
                let arg = args[ai];
                ai += 1;
                let end = pos + it.count;
                let dst = out.get_mut(pos..end).ok_or_else(|| too_small(vm))?;
                let r = with_buffer_read(vm, arg, |b| {
                    let n = b.len().min(dst.len());
                    dst[..n].copy_from_slice(&b[..n]);
                })?;
                if r.is_none() {
                    return Err(vm.type_error("object with buffer protocol required"));
                }
                pos = end;
            }
            code => {
                let Some((sz, align)) = size_align(f.layout, code) else {
                    return Err(bad_typecode(vm));
                };
                for _ in 0..it.count {
                    if ai >= args.len() {
                        break;
                    }
                    pos = pos.div_ceil(align) * align;
                    let end = pos + sz;
                    let Some(dst) = out.get_mut(pos..end) else {
                        return Err(too_small(vm));
                    };
                    if code == b'O' {
                        let id = register_object(vm, args[ai])?;
                        binary::write_uint(dst, id, big);
                    } else if code == b'S' {
                        // A pointer to a C string: the address as an integer.
                        let a = binary::int_low_bits(vm, args[ai])?;
                        binary::write_uint(dst, a, big);
                    } else {
                        binary::encode(vm, code, args[ai], big, dst)?;
                    }
                    ai += 1;
                    pos = end;
                }
            }
        }
    }
    Ok(())
}

/// Unpack values by `f` from `data` (at least `f.size` bytes) into a tuple.
pub fn unpack_values(vm: &mut Vm, f: &Format, data: &[u8]) -> PyResult<Value> {
    let big = f.layout.big_endian();
    let list = types::list::new_list_with_capacity(vm, f.nvalues)?;
    let lv = list.value();
    let mut pos: usize = 0;
    for it in &f.items {
        match it.code {
            b'x' => pos += it.count,
            b's' => {
                let end = pos + it.count;
                let b = data.get(pos..end).ok_or_else(|| too_small(vm))?;
                let v = types::bytes::new_bytes(vm, b)?;
                types::list::list_append(vm, lv, v)?;
                pos = end;
            }
            code => {
                let Some((sz, align)) = size_align(f.layout, code) else {
                    return Err(bad_typecode(vm));
                };
                for _ in 0..it.count {
                    pos = pos.div_ceil(align) * align;
                    let end = pos + sz;
                    let Some(b) = data.get(pos..end) else {
                        return Err(too_small(vm));
                    };
                    let v = if code == b'O' {
                        lookup_object(vm, binary::read_uint(b, big))?
                    } else if code == b'S' {
                        let addr = binary::read_uint(b, big) as usize;
                        match super::uctypes::read_cstr(vm, addr) {
                            Some(t) => match core::str::from_utf8(&t) {
                                Ok(s) => types::str::new_str(vm, s)?,
                                Err(_) => return Err(vm.value_error("invalid UTF-8 string")),
                            },
                            None => return Err(vm.os_error(14)),
                        }
                    } else {
                        binary::decode(vm, code, b, big)?
                    };
                    types::list::list_append(vm, lv, v)?;
                    pos = end;
                }
            }
        }
    }
    types::tuple::tuple_from_iter(vm, lv)
}

/// Size and alignment of a typecode, including MicroPython's `O` (an object reference).
fn size_align(layout: Layout, code: u8) -> Option<(usize, usize)> {
    if code == b'O' || code == b'S' {
        let w = core::mem::size_of::<usize>();
        return Some((w, if layout == Layout::Native { w } else { 1 }));
    }
    binary::size_align(layout, code)
}

/// The registry behind the `O` typecode: a dict id -> object in the module's globals. Packing
/// an object stores its id and keeps the object alive; unpacking finds it again by id, so no
/// bytes are ever turned into an object reference that was not packed.
fn registry(vm: &mut Vm) -> PyResult<crate::value::Gc<crate::map::DictObj>> {
    let Some(m) = super::find_builtin(vm, Q::r#struct) else {
        return Err(vm.runtime_error("struct module missing"));
    };
    let g = super::module_globals(m).and_then(types::dict::dict_obj);
    let Some(g) = g else {
        return Err(vm.runtime_error("struct module missing"));
    };
    if let Some(d) = g
        .map
        .get_qstr(vm, Q::__objects__)
        .and_then(types::dict::dict_obj)
    {
        return Ok(d);
    }
    let d = types::dict::new_dict(vm)?;
    g.map.set_qstr(vm, Q::__objects__, d.value())?;
    Ok(d)
}

fn register_object(vm: &mut Vm, v: Value) -> PyResult<u64> {
    let id = v.word() as u64;
    let reg = registry(vm)?;
    let key = types::int::int_from_u64(vm, id)?;
    reg.map.set(vm, key, v)?;
    Ok(id)
}

fn lookup_object(vm: &mut Vm, id: u64) -> PyResult<Value> {
    let reg = registry(vm)?;
    let key = types::int::int_from_u64(vm, id)?;
    match reg.map.get(vm, key)? {
        Some(v) => Ok(v),
        None => Err(vm.value_error("no object packed with this id")),
    }
}

fn struct_init(_vm: &mut Vm, _m: Value) -> PyResult<()> {
    Ok(())
}

fn struct_calcsize(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fmt = format_arg(vm, arg(args, 0))?;
    let f = parse_format(vm, &fmt)?;
    types::int::int_from_u64(vm, f.size as u64)
}

fn struct_pack(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fmt = format_arg(vm, arg(args, 0))?;
    let f = parse_format(vm, &fmt)?;
    binary::check_alloc(vm, f.size)?;
    let mut out = vec![0u8; f.size];
    pack_values(vm, &f, &mut out, &args[1..])?;
    types::bytes::new_bytes(vm, &out)
}

/// Normalise a (possibly negative) offset into a buffer of `len` bytes.
fn buffer_offset(vm: &mut Vm, off: Value, len: usize) -> PyResult<usize> {
    let o = super::builtins::arg_int(vm, off)?;
    if o < 0 {
        let back = o.unsigned_abs();
        if back > len {
            return Err(too_small(vm));
        }
        Ok(len - back)
    } else {
        Ok(o as usize)
    }
}

/// Byte length of an object's buffer (TypeError if it has none).
fn buffer_len(vm: &mut Vm, v: Value) -> PyResult<usize> {
    match with_buffer_read(vm, v, |b| b.len())? {
        Some(n) => Ok(n),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn struct_pack_into(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fmt = format_arg(vm, arg(args, 0))?;
    let f = parse_format(vm, &fmt)?;
    let buf = arg(args, 1);
    let len = buffer_len(vm, buf)?;
    let off = buffer_offset(vm, arg(args, 2), len)?;
    if off.checked_add(f.size).is_none_or(|e| e > len) {
        return Err(too_small(vm));
    }
    binary::check_alloc(vm, f.size)?;
    let mut out = vec![0u8; f.size];
    pack_values(vm, &f, &mut out, &args[3..])?;
    // Converting the values may have run Python code that resized the buffer: check again.
    let r = with_buffer_write(vm, buf, |cells| {
        let Some(dst) = cells.get(off..off + out.len()) else {
            return false;
        };
        for (c, &b) in dst.iter().zip(out.iter()) {
            c.set(b);
        }
        true
    })?;
    match r {
        Some(true) => Ok(Value::NONE),
        Some(false) => Err(too_small(vm)),
        None => Err(vm.type_error("object with buffer protocol required")),
    }
}

fn struct_unpack_from(vm: &mut Vm, args: &[Value], kw: Kw) -> PyResult<Value> {
    let fmt = format_arg(vm, arg(args, 0))?;
    let f = parse_format(vm, &fmt)?;
    let buf = match args.get(1).copied().or_else(|| kw_get(kw, Q::buffer)) {
        Some(b) => b,
        None => return Err(vm.type_error("function missing 1 required positional arguments")),
    };
    let len = buffer_len(vm, buf)?;
    let off = match args.get(2).copied().or_else(|| kw_get(kw, Q::offset)) {
        Some(o) => buffer_offset(vm, o, len)?,
        None => 0,
    };
    let end = match off.checked_add(f.size) {
        Some(e) if e <= len => e,
        _ => return Err(too_small(vm)),
    };
    let data = with_buffer_read(vm, buf, |b| b.get(off..end).map(bytes_vec))?;
    match data.flatten() {
        Some(d) => unpack_values(vm, &f, &d),
        None => Err(too_small(vm)),
    }
}

static CALCSIZE: BuiltinFn = BuiltinFn::new(Q::calcsize, 1, 1, struct_calcsize);
static PACK: BuiltinFn = BuiltinFn::new(Q::pack, 1, VAR_ARGS, struct_pack);
static PACK_INTO: BuiltinFn = BuiltinFn::new(Q::pack_into, 3, VAR_ARGS, struct_pack_into);
static UNPACK: BuiltinFn = BuiltinFn::new(Q::unpack, 2, 2, struct_unpack_from);
static UNPACK_FROM: BuiltinFn = BuiltinFn::new_kw(Q::unpack_from, 1, 3, struct_unpack_from);

fixed_dict!(
    STRUCT_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::r#struct)),
        (Q::calcsize, fnv!(CALCSIZE)),
        (Q::pack, fnv!(PACK)),
        (Q::pack_into, fnv!(PACK_INTO)),
        (Q::unpack, fnv!(UNPACK)),
        (Q::unpack_from, fnv!(UNPACK_FROM)),
    ]
);

pub static STRUCT_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::r#struct,
    globals: &STRUCT_GLOBALS,
    init: Some(struct_init),
    extensible: true,
};
