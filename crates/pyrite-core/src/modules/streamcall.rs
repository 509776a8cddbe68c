//! Calling any Python stream from Rust (for `websocket`, `deflate`): a stream is anything with
//! `read(n)` (or `readinto(buf)`) and `write(buf)` methods: io.BytesIO, files, sockets, and
//! Python classes (IOBase subclasses or not).

use alloc::vec::Vec;
use pyrite_compiler::text::bytes_vec;

use crate::obj::with_buffer_read;
use crate::qstr::Q;
use crate::types;
use crate::value::Value;
use crate::vm::Vm;
use crate::PyResult;

/// Read up to `n` bytes from `s`. `Ok(None)`: no data now (a non-blocking stream returned
/// None); `Ok(Some(empty))`: end of stream.
pub fn read(vm: &mut Vm, s: Value, n: usize) -> PyResult<Option<Vec<u8>>> {
    let nv = Value::small_int(n.min(1 << 20) as isize).unwrap_or(Value::small_int_unchecked(4096));
    let r = if vm.load_attr_maybe(s, Q::read)?.is_some() {
        vm.call_method(s, Q::read, &[nv])?
    } else {
        // readinto-only streams.
        let buf = types::bytes::new_bytearray(vm, &alloc::vec![0u8; n.min(1 << 20)])?;
        let k = vm.call_method(s, Q::readinto, &[buf])?;
        if k.is_none() {
            return Ok(None);
        }
        let k = super::builtins::arg_int(vm, k)?;
        if k < 0 {
            // MicroPython's convention for Python streams: a negative result is -errno.
            return Err(vm.os_error(k.saturating_neg().min(i32::MAX as isize) as i32));
        }
        let k = k as usize;
        if k > n {
            // The stream claims more than the buffer holds (MicroPython: EIO).
            return Err(vm.os_error(5));
        }
        let mut b = with_buffer_read(vm, buf, bytes_vec)?.unwrap_or_default();
        b.truncate(k);
        return Ok(Some(b));
    };
    if r.is_none() {
        return Ok(None);
    }
    if let Some(b) = with_buffer_read(vm, r, bytes_vec)? {
        let mut b = b;
        b.truncate(n);
        return Ok(Some(b));
    }
    if let Some(t) = types::str::str_data(vm, r) {
        return Ok(Some(bytes_vec(t.as_bytes())));
    }
    Err(vm.type_error("stream read didn't return bytes"))
}

/// Write all of `data` to `s` (repeating partial writes; stops if the stream accepts nothing).
/// A negative result from the stream's `write` is `-errno`, as MicroPython treats it.
pub fn write(vm: &mut Vm, s: Value, data: &[u8]) -> PyResult<()> {
    let mut off = 0;
    while off < data.len() {
        let b = types::bytes::new_bytearray(vm, &data[off..])?;
        let r = vm.call_method(s, Q::write, &[b])?;
        let n = match r.as_small_int() {
            Some(n) if n > 0 => n as usize,
            Some(n) if n < 0 => {
                return Err(vm.os_error(n.saturating_neg().min(i32::MAX as isize) as i32))
            }
            _ if r.is_none() || r.as_small_int() == Some(0) => break,
            // A stream that reports nothing useful wrote everything.
            _ => data.len() - off,
        };
        off = off.saturating_add(n);
    }
    Ok(())
}

/// Write `data` with one `write` call that must take all of it (`OSError(EINVAL)` otherwise).
pub fn write_exact(vm: &mut Vm, s: Value, data: &[u8]) -> PyResult<()> {
    let b = types::bytes::new_bytearray(vm, data)?;
    let r = vm.call_method(s, Q::write, &[b])?;
    match r.as_small_int() {
        Some(n) if n as usize == data.len() && n >= 0 => Ok(()),
        Some(_) => Err(vm.os_error(22)),
        None => Ok(()),
    }
}
