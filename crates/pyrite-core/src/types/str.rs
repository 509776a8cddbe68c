//! `str` (UTF-8 text; interned strings are qstr values) and the shared string layout.

use alloc::string::String;
use core::cell::Cell;

use crate::obj::{flags, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::value::{Gc, ObjHeader, Value, VarObj};
use crate::vm::Vm;
use crate::PyResult;

/// Head of a str/bytes object; the bytes follow inline.
#[repr(C)]
pub struct StrHead {
    pub hdr: ObjHeader,
    /// Cached hash (0 = not computed yet).
    pub hash: Cell<usize>,
    /// Number of characters (code points) for str; byte length for bytes.
    pub char_len: usize,
}

/// A str or bytes object.
pub type StrObj = VarObj<StrHead, u8>;

pub static STR_TYPE: Type = Type {
    print: Some(str_print),
    ..Type::new(Q::str)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE);

/// The text of a str value (qstr or str object), borrowed from a handle the caller keeps.
pub enum StrData {
    Static(&'static str),
    Obj(Gc<StrObj>),
}

impl StrData {
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            StrData::Static(s) => s.as_bytes(),
            StrData::Obj(o) => o.items(),
        }
    }
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

/// A str object handle if `v` is a str object (not a qstr).
pub fn str_obj(v: Value) -> Option<Gc<StrObj>> {
    let h = v.as_obj()?;
    if h.ty.get().is(&STR_TYPE) {
        Some(crate::value::Gc::from_raw(core::ptr::NonNull::new(
            h.as_ptr() as *mut StrObj,
        )?))
    } else {
        None
    }
}

/// The text of `v` if it is a str (qstr or object).
pub fn str_data(vm: &Vm, v: Value) -> Option<StrData> {
    if let Some(q) = v.as_qstr() {
        return Some(StrData::Static(vm.qstr_str(q)));
    }
    str_obj(v).map(StrData::Obj)
}

/// True if `v` is a str object whose text equals qstr `q`.
pub fn value_eq_qstr(vm: &Vm, v: Value, q: Qstr) -> bool {
    match str_obj(v) {
        Some(s) => s.items() == vm.qstr_str(q).as_bytes(),
        None => false,
    }
}

/// Make a str value from text: a qstr if already interned, otherwise a new str object.
pub fn new_str(vm: &mut Vm, s: &str) -> PyResult<Value> {
    if let Some(q) = vm.qstrs.find(s) {
        return Ok(Value::qstr(q));
    }
    let head = StrHead {
        hdr: ObjHeader::new(&STR_TYPE),
        hash: Cell::new(0),
        char_len: s.chars().count(),
    };
    Ok(vm.alloc_var(head, s.as_bytes())?.value())
}

fn str_print(vm: &mut Vm, v: Value, kind: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(d) = str_data(vm, v) else {
        return Ok(());
    };
    if kind == PrintKind::Str {
        out.push_str(d.as_str());
    } else {
        let s = d.as_str();
        let q = if s.contains('\'') && !s.contains('"') {
            '"'
        } else {
            '\''
        };
        out.push(q);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c == q => {
                    out.push('\\');
                    out.push(c)
                }
                c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                    let _ = core::fmt::Write::write_fmt(out, format_args!("\\x{:02x}", c as u32));
                }
                c => out.push(c),
            }
        }
        out.push(q);
    }
    Ok(())
}
