//! Small text helpers shared by the compiler and the core.

use alloc::string::String;

/// `s.push(c)`, out of line: `String::push` inlines UTF-8 encoding and the growth check at
/// every call (30-60 bytes each), and formatting code pushes single characters in hundreds of
/// places.
#[inline(never)]
pub fn push_char(s: &mut String, c: char) {
    s.push(c);
}

/// `s.push_str(t)`, out of line for the same reason as [`push_char`] (~190 places).
#[inline(never)]
pub fn push_str(s: &mut String, t: &str) {
    s.push_str(t);
}

/// `v.extend_from_slice(b)` for byte buffers, out of line for the same reason as [`push_char`].
#[inline(never)]
pub fn push_bytes(v: &mut alloc::vec::Vec<u8>, b: &[u8]) {
    v.extend_from_slice(b);
}

/// `v.push(b)` for byte buffers, out of line for the same reason as [`push_char`].
#[inline(never)]
pub fn push_byte(v: &mut alloc::vec::Vec<u8>, b: u8) {
    v.push(b);
}

/// `b.to_vec()` for bytes, out of line for the same reason as [`push_char`].
#[inline(never)]
pub fn bytes_vec(b: &[u8]) -> alloc::vec::Vec<u8> {
    b.to_vec()
}
