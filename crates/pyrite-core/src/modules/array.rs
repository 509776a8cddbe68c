//! The `array` module (also `uarray`): `array.array(typecode[, initializer])`.
//!
//! Typecodes `b B h H i I l L q Q e f d P` hold numbers in native layout (binary.rs); the
//! items live in a GC byte array and the object exposes them through the buffer protocol
//! (read and write), so `bytes(a)`, `memoryview(a)`, `struct.pack_into(..., a, ...)` work.
//! Typecode `O` (MicroPython's extension) holds arbitrary objects in a GC array of values;
//! it has no buffer protocol, so no raw bytes can ever be reinterpreted as objects.
//!
//! Behaviour follows MicroPython's: integers are truncated to the item size; `+` accepts any
//! buffer on the right; comparisons between arrays of different binary layouts (or of floats)
//! raise NotImplementedError; `x in a` for a number raises NotImplementedError; slice
//! assignment needs an array or buffer of the same item size; no item deletion.
//! Methods: `append`, `extend`.

use crate::types::arg;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;
use pyrite_compiler::text::bytes_vec;
use pyrite_compiler::text::push_char;
use pyrite_compiler::text::push_str;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{
    flags, with_buffer_read, BinOp, BufferFlags, BufferInfo, BuiltinFn, Kw, PrintKind, Type,
    UnaryOp,
};
use crate::qstr::Q;
use crate::types;
use crate::types::slice::{is_slice, seq_index, slice_indices, slice_len};
use crate::value::{Gc, GcArray, ObjHeader, TypeRef, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::binary::{self, Layout, NATIVE_BIG};
use super::BuiltinModuleDef;

/// An `array.array`.
#[repr(C)]
pub struct ArrayObj {
    pub hdr: ObjHeader,
    pub typecode: u8,
    /// Number of items.
    pub len: Cell<usize>,
    /// Item bytes (numeric typecodes); capacity in bytes.
    pub data: Cell<GcArray<u8>>,
    /// Items of an `O` array.
    pub objs: Cell<GcArray<Value>>,
}

crate::py_object!(ArrayObj, ARRAY_TYPE);

pub static ARRAY_TYPE: Type = Type {
    make_new: Some(array_make_new),
    print: Some(array_print),
    unary_op: Some(array_unary_op),
    binary_op: Some(array_binary_op),
    subscr: Some(array_subscr),
    getiter: Some(array_getiter),
    buffer: Some(array_buffer),
    ..Type::new(Q::array)
}
.with_flags(flags::BASETYPE | flags::EQ_CHECKS_OTHER_TYPE)
.with_locals(&ARRAY_LOCALS);

static APPEND: BuiltinFn = BuiltinFn::new(Q::append, 2, 2, array_append_meth);
static EXTEND: BuiltinFn = BuiltinFn::new(Q::extend, 2, 2, array_extend_meth);

fixed_dict!(
    ARRAY_LOCALS,
    [(Q::append, fnv!(APPEND)), (Q::extend, fnv!(EXTEND)),]
);

/// Size in bytes of one item of a valid typecode.
pub fn item_size(tc: u8) -> usize {
    match tc {
        b'O' | b'S' => core::mem::size_of::<usize>(),
        _ => binary::size_align(Layout::Native, tc)
            .map(|x| x.0)
            .unwrap_or(1),
    }
}

fn valid_typecode(tc: u8) -> bool {
    matches!(tc, b'O' | b'S') || (tc != b'?' && binary::size_align(Layout::Native, tc).is_some())
}

/// Typecode used for decoding and for the buffer protocol (`S` items read as pointers).
fn value_code(tc: u8) -> u8 {
    if tc == b'S' {
        b'P'
    } else {
        tc
    }
}

/// A new empty array of typecode `tc` with room for `cap` items.
pub fn new_array(vm: &mut Vm, tc: u8, cap: usize) -> PyResult<Gc<ArrayObj>> {
    let (data, objs) = if tc == b'O' {
        (GcArray::empty(), vm.alloc_array::<Value>(cap)?)
    } else {
        let n = cap
            .checked_mul(item_size(tc))
            .ok_or_else(|| vm.memory_error())?;
        (vm.alloc_array::<u8>(n)?, GcArray::empty())
    };
    vm.alloc_obj(ArrayObj {
        hdr: ObjHeader::new(&ARRAY_TYPE),
        typecode: tc,
        len: Cell::new(0),
        data: Cell::new(data),
        objs: Cell::new(objs),
    })
}

/// The array object behind `v` (an array or an instance of a subclass).
pub fn array_obj(v: Value) -> Option<Gc<ArrayObj>> {
    if let Some(a) = v.downcast::<ArrayObj>() {
        return Some(a);
    }
    types::class::native_self(v, &ARRAY_TYPE).and_then(|n| n.downcast::<ArrayObj>())
}

fn this(vm: &mut Vm, v: Value) -> PyResult<Gc<ArrayObj>> {
    match array_obj(v) {
        Some(a) => Ok(a),
        None => {
            let m = format!(
                "descriptor requires a 'array' object but received a '{}'",
                vm.type_name(v)
            );
            Err(vm.type_error(&m))
        }
    }
}

impl ArrayObj {
    fn is_obj_array(&self) -> bool {
        self.typecode == b'O'
    }
    /// Item bytes in use (a copy).
    pub fn to_bytes(&self) -> Vec<u8> {
        let a = self.data.get();
        let n = self.nbytes().min(a.capacity());
        a.cells()[..n].iter().map(|c| c.get()).collect()
    }
    fn nbytes(&self) -> usize {
        if self.is_obj_array() {
            0
        } else {
            self.len.get().saturating_mul(item_size(self.typecode))
        }
    }
    /// The raw bytes of item `i` (None if out of range).
    fn item_bytes(&self, i: usize) -> Option<[u8; 8]> {
        if i >= self.len.get() {
            return None;
        }
        let sz = item_size(self.typecode);
        let a = self.data.get();
        let cells = a.cells().get(i * sz..i * sz + sz)?;
        let mut b = [0u8; 8];
        for (d, c) in b.iter_mut().zip(cells) {
            *d = c.get();
        }
        Some(b)
    }
    fn obj_item(&self, i: usize) -> Option<Value> {
        if i >= self.len.get() {
            return None;
        }
        self.objs.get().get(i)
    }
}

/// Item `i` as a Python value (None if out of range).
pub(crate) fn get_item(vm: &mut Vm, a: Gc<ArrayObj>, i: usize) -> PyResult<Option<Value>> {
    if a.is_obj_array() {
        return Ok(a.obj_item(i));
    }
    let Some(b) = a.item_bytes(i) else {
        return Ok(None);
    };
    let sz = item_size(a.typecode);
    binary::decode(vm, value_code(a.typecode), &b[..sz], NATIVE_BIG).map(Some)
}

/// Convert `v` to the bytes of one item.
fn encode_item(vm: &mut Vm, tc: u8, v: Value) -> PyResult<[u8; 8]> {
    let mut b = [0u8; 8];
    let sz = item_size(tc);
    binary::encode(vm, value_code(tc), v, NATIVE_BIG, &mut b[..sz])?;
    Ok(b)
}

/// Make room for `extra` more items.
fn reserve(vm: &mut Vm, a: Gc<ArrayObj>, extra: usize) -> PyResult<()> {
    let need = a
        .len
        .get()
        .checked_add(extra)
        .ok_or_else(|| vm.memory_error())?;
    if a.is_obj_array() {
        let arr = a.objs.get();
        if need > arr.capacity() {
            let cap = need.max(arr.capacity().saturating_mul(2)).max(4);
            let new = vm.realloc_array(arr, cap)?;
            a.objs.set(new);
        }
    } else {
        let sz = item_size(a.typecode);
        let need_b = need.checked_mul(sz).ok_or_else(|| vm.memory_error())?;
        let arr = a.data.get();
        if need_b > arr.capacity() {
            let cap = need_b.max(arr.capacity().saturating_mul(2)).max(8);
            let new = vm.realloc_array(arr, cap)?;
            a.data.set(new);
        }
    }
    Ok(())
}

/// Append one value.
pub fn array_push(vm: &mut Vm, a: Gc<ArrayObj>, v: Value) -> PyResult<()> {
    if a.is_obj_array() {
        reserve(vm, a, 1)?;
        let n = a.len.get();
        a.objs.get().set(n, v);
        a.len.set(n + 1);
        return Ok(());
    }
    let b = encode_item(vm, a.typecode, v)?;
    reserve(vm, a, 1)?;
    let sz = item_size(a.typecode);
    let n = a.len.get();
    let arr = a.data.get();
    for (k, &byte) in b[..sz].iter().enumerate() {
        arr.set(n * sz + k, byte);
    }
    a.len.set(n + 1);
    Ok(())
}

/// Append raw item bytes (whole items only; a partial trailing item is dropped).
fn push_bytes(vm: &mut Vm, a: Gc<ArrayObj>, bytes: &[u8]) -> PyResult<()> {
    let sz = item_size(a.typecode);
    let items = bytes.len() / sz;
    reserve(vm, a, items)?;
    let start = a.len.get() * sz;
    let arr = a.data.get();
    for (k, &byte) in bytes[..items * sz].iter().enumerate() {
        arr.set(start + k, byte);
    }
    a.len.set(a.len.get() + items);
    Ok(())
}

/// Append every item of an iterable (or the raw bytes of a buffer object).
pub fn array_extend(vm: &mut Vm, a: Gc<ArrayObj>, src: Value) -> PyResult<()> {
    if !a.is_obj_array() {
        if let Some(bytes) = with_buffer_read(vm, src, bytes_vec)? {
            return push_bytes(vm, a, &bytes);
        }
    } else if let Some(o) = src.downcast::<ArrayObj>() {
        if o.is_obj_array() {
            // Snapshot first: `a.extend(a)`.
            let items = types::list::new_list_with_capacity(vm, o.len.get())?;
            for i in 0..o.len.get() {
                if let Some(v) = o.obj_item(i) {
                    types::list::list_append(vm, items.value(), v)?;
                }
            }
            return array_extend(vm, a, items.value());
        }
    }
    let it = vm.get_iter(src)?;
    while let Some(v) = vm.iter_next(it)? {
        array_push(vm, a, v)?;
    }
    Ok(())
}

// ---- construction ----

fn typecode_arg(vm: &mut Vm, v: Value) -> PyResult<u8> {
    let Some(s) = types::str::str_data(vm, v) else {
        return Err(super::builtins::bad_implicit_conversion(vm, v));
    };
    let tc = s.as_str().as_bytes().first().copied().unwrap_or(0);
    if !valid_typecode(tc) {
        return Err(vm.value_error("bad typecode"));
    }
    Ok(tc)
}

fn array_make_new(vm: &mut Vm, _ty: TypeRef, args: &[Value], kw: Kw) -> PyResult<Value> {
    if !kw.is_empty() {
        return Err(vm.type_error("function doesn't take keyword arguments"));
    }
    if args.is_empty() || args.len() > 2 {
        let m = if args.is_empty() {
            "function missing 1 required positional arguments"
        } else {
            "function expected at most 2 arguments"
        };
        return Err(vm.type_error(m));
    }
    let tc = typecode_arg(vm, arg(args, 0))?;
    let Some(&init) = args.get(1) else {
        return Ok(new_array(vm, tc, 0)?.value());
    };
    // Raw copy from bytes and bytearray only (other buffers are iterated, as MicroPython).
    if tc != b'O'
        && (types::bytes::bytes_obj(init).is_some() || types::bytes::bytearray_obj(init).is_some())
    {
        let bytes = with_buffer_read(vm, init, bytes_vec)?.unwrap_or_default();
        let a = new_array(vm, tc, bytes.len() / item_size(tc))?;
        push_bytes(vm, a, &bytes)?;
        return Ok(a.value());
    }
    let hint = if tc == b'O' { 0 } else { len_hint(vm, init) };
    let a = new_array(vm, tc, hint)?;
    array_extend_iter(vm, a, init)?;
    Ok(a.value())
}

/// Append the items of `src` by iteration (never as raw bytes).
fn array_extend_iter(vm: &mut Vm, a: Gc<ArrayObj>, src: Value) -> PyResult<()> {
    let it = vm.get_iter(src)?;
    while let Some(v) = vm.iter_next(it)? {
        array_push(vm, a, v)?;
    }
    Ok(())
}

/// Length of lists and tuples (to size the first allocation), else 0.
fn len_hint(_vm: &mut Vm, v: Value) -> usize {
    if let Some(l) = types::list::list_obj(v) {
        return l.len().min(1 << 16);
    }
    if let Some(t) = types::tuple::tuple_items(v) {
        return t.len().min(1 << 16);
    }
    0
}

/// A new array of typecode `tc` holding `bytes` (whole items).
pub fn array_from_bytes(vm: &mut Vm, tc: u8, bytes: &[u8]) -> PyResult<Value> {
    let a = new_array(vm, tc, bytes.len() / item_size(tc))?;
    push_bytes(vm, a, bytes)?;
    Ok(a.value())
}

// ---- slots ----

fn array_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let Some(a) = array_obj(v) else {
        return Ok(());
    };
    push_str(out, "array('");
    out.push(a.typecode as char);
    push_char(out, '\'');
    if a.len.get() > 0 {
        push_str(out, ", [");
        let mut i = 0;
        while let Some(x) = get_item(vm, a, i)? {
            if i > 0 {
                push_str(out, ", ");
            }
            vm.print_to(x, PrintKind::Repr, out)?;
            i += 1;
        }
        push_char(out, ']');
    }
    push_char(out, ')');
    Ok(())
}

fn array_unary_op(_vm: &mut Vm, op: UnaryOp, v: Value) -> PyResult<Value> {
    let Some(a) = array_obj(v) else {
        return Ok(Value::NULL);
    };
    Ok(match op {
        UnaryOp::Bool => Value::from_bool(a.len.get() != 0),
        UnaryOp::Len => Value::small_int(a.len.get() as isize).unwrap_or(Value::NULL),
        _ => Value::NULL,
    })
}

/// Lower-case typecode for comparisons, and whether it was unsigned.
fn cmp_code(tc: u8) -> (u8, bool) {
    if tc.is_ascii_uppercase() {
        (tc.to_ascii_lowercase(), true)
    } else {
        (tc, false)
    }
}

/// Compare byte strings for `op` (lexicographic).
fn cmp_bytes(op: BinOp, a: &[u8], b: &[u8]) -> bool {
    use core::cmp::Ordering::*;
    let o = a.cmp(b);
    match op {
        BinOp::Equal => o == Equal,
        BinOp::Less => o == Less,
        BinOp::LessEqual => o != Greater,
        BinOp::More => o == Greater,
        BinOp::MoreEqual => o != Less,
        _ => false,
    }
}

/// The typecode and bytes of the other operand of a comparison or `+` (None: no buffer).
fn other_buffer(vm: &mut Vm, v: Value) -> PyResult<Option<(u8, Vec<u8>)>> {
    if let Some(o) = array_obj(v) {
        return Ok(Some((o.typecode, o.to_bytes())));
    }
    let Some(b) = v.type_of().buffer else {
        return Ok(None);
    };
    let Some(info) = b(vm, v, BufferFlags::Read)? else {
        return Ok(None);
    };
    let tc = info.typecode;
    let bytes = with_buffer_read(vm, v, bytes_vec)?.unwrap_or_default();
    Ok(Some((tc, bytes)))
}

fn array_binary_op(vm: &mut Vm, op: BinOp, lhs: Value, rhs: Value) -> PyResult<Value> {
    let Some(a) = array_obj(lhs) else {
        return Ok(Value::NULL);
    };
    match op {
        BinOp::Add => {
            if a.is_obj_array() {
                let Some(o) = array_obj(rhs).filter(|o| o.is_obj_array()) else {
                    return Ok(Value::NULL);
                };
                let r = new_array(vm, b'O', a.len.get() + o.len.get())?;
                array_extend(vm, r, lhs)?;
                array_extend(vm, r, o.value())?;
                return Ok(r.value());
            }
            let Some((_, rb)) = other_buffer(vm, rhs)? else {
                return Ok(Value::NULL);
            };
            let lb = a.to_bytes();
            let r = new_array(
                vm,
                a.typecode,
                a.len.get() + rb.len() / item_size(a.typecode),
            )?;
            push_bytes(vm, r, &lb)?;
            push_bytes(vm, r, &rb)?;
            Ok(r.value())
        }
        BinOp::InplaceAdd => {
            if a.is_obj_array() {
                if array_obj(rhs).is_none_or(|o| !o.is_obj_array()) {
                    return Ok(Value::NULL);
                }
            } else if rhs.type_of().buffer.is_none() {
                return Ok(Value::NULL);
            }
            array_extend(vm, a, rhs)?;
            Ok(lhs)
        }
        BinOp::Contains => {
            if rhs.type_of().buffer.is_some() {
                return Ok(Value::FALSE);
            }
            if types::int::is_int(rhs) || types::float::float_value(rhs).is_some() {
                return Err(vm.not_implemented(""));
            }
            Ok(Value::FALSE)
        }
        BinOp::Equal | BinOp::Less | BinOp::LessEqual | BinOp::More | BinOp::MoreEqual => {
            // As MicroPython (array has no EQ_CHECKS_OTHER_TYPE): an array only equals arrays.
            if op == BinOp::Equal && array_obj(rhs).is_none() {
                return Ok(Value::NULL);
            }
            if a.is_obj_array() {
                if let Some(o) = array_obj(rhs).filter(|o| o.is_obj_array()) {
                    if op == BinOp::Equal {
                        return obj_arrays_equal(vm, a, o).map(Value::from_bool);
                    }
                }
                if array_obj(rhs).is_none() && rhs.type_of().buffer.is_none() {
                    return Ok(Value::FALSE);
                }
                return Err(vm.not_implemented(""));
            }
            let Some((rtc, rb)) = other_buffer(vm, rhs)? else {
                return Ok(Value::FALSE);
            };
            let (lc, lu) = cmp_code(a.typecode);
            let (rc, ru) = cmp_code(rtc);
            let unsigned = lu || ru;
            if lc == rc && lc != b'f' && lc != b'd' && (op == BinOp::Equal || unsigned) {
                let lb = a.to_bytes();
                return Ok(Value::from_bool(cmp_bytes(op, &lb, &rb)));
            }
            Err(vm.not_implemented(""))
        }
        _ => Ok(Value::NULL),
    }
}

fn obj_arrays_equal(vm: &mut Vm, a: Gc<ArrayObj>, b: Gc<ArrayObj>) -> PyResult<bool> {
    if a.len.get() != b.len.get() {
        return Ok(false);
    }
    let mut i = 0;
    while let (Some(x), Some(y)) = (a.obj_item(i), b.obj_item(i)) {
        if !vm.eq(x, y)? {
            return Ok(false);
        }
        i += 1;
    }
    Ok(a.len.get() == b.len.get())
}

fn array_subscr(vm: &mut Vm, obj: Value, index: Value, value: Value) -> PyResult<Value> {
    if value.is_null() {
        // Deletion is not supported (MicroPython): the runtime raises the TypeError.
        return Ok(Value::NULL);
    }
    let Some(a) = array_obj(obj) else {
        return Ok(Value::NULL);
    };
    if is_slice(index) {
        let len = a.len.get();
        let (start, stop, step) = slice_indices(vm, index, len)?;
        if value == Value::SENTINEL {
            let n = slice_len(start, stop, step);
            let r = new_array(vm, a.typecode, n)?;
            let mut i = start;
            for _ in 0..n {
                if i < 0 {
                    break;
                }
                if a.is_obj_array() {
                    if let Some(v) = a.obj_item(i as usize) {
                        array_push(vm, r, v)?;
                    }
                } else if let Some(b) = a.item_bytes(i as usize) {
                    push_bytes(vm, r, &b[..item_size(a.typecode)])?;
                }
                i += step;
            }
            return Ok(r.value());
        }
        if step != 1 {
            return Err(vm.not_implemented("only slices with step=1 (aka None) are supported"));
        }
        let stop = stop.max(start);
        slice_assign(vm, a, start as usize, stop as usize, value)?;
        return Ok(Value::NONE);
    }
    let i = seq_index(vm, index, a.len.get(), "array")?;
    if value == Value::SENTINEL {
        return match get_item(vm, a, i)? {
            Some(v) => Ok(v),
            None => Err(vm.index_error("array index out of range")),
        };
    }
    if a.is_obj_array() {
        a.objs.get().set(i, value);
        return Ok(Value::NONE);
    }
    let b = encode_item(vm, a.typecode, value)?;
    // Converting the value may have run Python code that shrank the array.
    if i >= a.len.get() {
        return Err(vm.index_error("array index out of range"));
    }
    let sz = item_size(a.typecode);
    let arr = a.data.get();
    for (k, &byte) in b[..sz].iter().enumerate() {
        arr.set(i * sz + k, byte);
    }
    Ok(Value::NONE)
}

#[cold]
fn incompatible(vm: &mut Vm) -> crate::PyErr {
    vm.value_error("lhs and rhs should be compatible")
}

/// `a[start:stop] = value` (step 1).
fn slice_assign(
    vm: &mut Vm,
    a: Gc<ArrayObj>,
    start: usize,
    stop: usize,
    value: Value,
) -> PyResult<()> {
    if a.is_obj_array() {
        let Some(src) = array_obj(value).filter(|o| o.is_obj_array()) else {
            return Err(vm.not_implemented("array/bytes required on right side"));
        };
        let vals = types::list::new_list_with_capacity(vm, a.len.get())?;
        let lv = vals.value();
        for i in 0..start.min(a.len.get()) {
            if let Some(v) = a.obj_item(i) {
                types::list::list_append(vm, lv, v)?;
            }
        }
        for i in 0..src.len.get() {
            if let Some(v) = src.obj_item(i) {
                types::list::list_append(vm, lv, v)?;
            }
        }
        for i in stop..a.len.get() {
            if let Some(v) = a.obj_item(i) {
                types::list::list_append(vm, lv, v)?;
            }
        }
        let n = vals.len();
        let arr = vm.alloc_array::<Value>(n.max(1))?;
        for i in 0..n {
            arr.set(i, vals.get(i).unwrap_or(Value::NONE));
        }
        a.objs.set(arr);
        a.len.set(n);
        return Ok(());
    }
    let sz = item_size(a.typecode);
    let src: Vec<u8> = if let Some(o) = array_obj(value) {
        if o.is_obj_array() || item_size(o.typecode) != sz {
            return Err(incompatible(vm));
        }
        o.to_bytes()
    } else {
        let Some(b) = value.type_of().buffer else {
            return Err(vm.not_implemented("array/bytes required on right side"));
        };
        let Some(info) = b(vm, value, BufferFlags::Read)? else {
            return Err(vm.not_implemented("array/bytes required on right side"));
        };
        if types::memoryview::itemsize(info.typecode) != sz {
            return Err(incompatible(vm));
        }
        with_buffer_read(vm, value, bytes_vec)?.unwrap_or_default()
    };
    let old = a.to_bytes();
    let (s, e) = (start * sz, (stop * sz).min(old.len()));
    let s = s.min(e);
    let mut new = Vec::with_capacity(old.len() - (e - s) + src.len());
    new.extend_from_slice(&old[..s]);
    new.extend_from_slice(&src[..src.len() / sz * sz]);
    new.extend_from_slice(&old[e..]);
    let arr = vm.alloc_array::<u8>(new.len().max(1))?;
    for (k, &byte) in new.iter().enumerate() {
        arr.set(k, byte);
    }
    a.data.set(arr);
    a.len.set(new.len() / sz);
    Ok(())
}

fn array_buffer(_vm: &mut Vm, v: Value, _fl: BufferFlags) -> PyResult<Option<BufferInfo>> {
    let Some(a) = array_obj(v) else {
        return Ok(None);
    };
    if a.is_obj_array() {
        return Ok(None);
    }
    let arr = a.data.get();
    let len = a.nbytes().min(arr.capacity());
    let ptr = if arr.capacity() == 0 {
        core::ptr::null_mut()
    } else {
        arr.cells().as_ptr() as *mut u8
    };
    Ok(Some(BufferInfo {
        ptr,
        len,
        typecode: value_code(a.typecode),
    }))
}

// ---- iteration ----

#[repr(C)]
pub struct ArrayIterObj {
    pub hdr: ObjHeader,
    pub array: Value,
    pub cur: Cell<usize>,
}

crate::py_object!(ArrayIterObj, ARRAY_ITER_TYPE);

pub static ARRAY_ITER_TYPE: Type = Type {
    getiter: Some(types::iter::iter_self),
    iternext: Some(array_iternext),
    ..Type::new(Q::iterator)
}
.with_flags(flags::ITER_IS_SELF | flags::EQ_IS_IDENTITY);

fn array_getiter(vm: &mut Vm, v: Value) -> PyResult<Value> {
    let Some(a) = array_obj(v) else {
        return Ok(Value::NULL);
    };
    Ok(vm
        .alloc_obj(ArrayIterObj {
            hdr: ObjHeader::new(&ARRAY_ITER_TYPE),
            array: a.value(),
            cur: Cell::new(0),
        })?
        .value())
}

fn array_iternext(vm: &mut Vm, it: Value) -> PyResult<Value> {
    let Some(it) = it.downcast::<ArrayIterObj>() else {
        return Ok(Value::STOP);
    };
    let Some(a) = it.array.downcast::<ArrayObj>() else {
        return Ok(Value::STOP);
    };
    let i = it.cur.get();
    match get_item(vm, a, i)? {
        Some(v) => {
            it.cur.set(i + 1);
            Ok(v)
        }
        None => Ok(Value::STOP),
    }
}

// ---- methods ----

fn array_append_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let a = this(vm, arg(args, 0))?;
    array_push(vm, a, arg(args, 1))?;
    Ok(Value::NONE)
}

fn array_extend_meth(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let a = this(vm, arg(args, 0))?;
    array_extend(vm, a, arg(args, 1))?;
    Ok(Value::NONE)
}

fixed_dict!(
    ARRAY_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::array)),
        (Q::array, Value::from_static(&ARRAY_TYPE)),
    ]
);

pub static ARRAY_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::array,
    globals: &ARRAY_GLOBALS,
    init: None,
    extensible: true,
};
