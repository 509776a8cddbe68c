//! The `errno` module: MicroPython's errno constants (Linux values) and the read-only
//! `errorcode` dict (number -> name).
//!
//! Contract for others: `errno_name(n) -> Option<Qstr>` (e.g. for printing
//! `OSError: [Errno 2] ENOENT`).

use crate::fixed_dict;
use crate::map::DictObj;
use crate::qstr::{Qstr, Q};
use crate::value::Value;

use super::BuiltinModuleDef;

macro_rules! errnos {
    ($($name:path = $n:expr),* $(,)?) => {
        /// (number, name) of every errno the module knows.
        pub static ERRNOS: &[(isize, Qstr)] = &[$(($n, $name)),*];

        static ERRORCODE_TABLE: &[[Value; 2]] =
            &[$([Value::small_int_unchecked($n), Value::qstr($name)]),*];

        fixed_dict!(ERRNO_GLOBALS, [
            (Q::__name__, Value::qstr(Q::errno)),
            (Q::errorcode, Value::from_static(&ERRORCODE)),
            $(($name, Value::small_int_unchecked($n))),*
        ]);
    };
}

errnos!(
    Q::EPERM = 1,
    Q::ENOENT = 2,
    Q::EIO = 5,
    Q::EBADF = 9,
    Q::EAGAIN = 11,
    Q::ENOMEM = 12,
    Q::EACCES = 13,
    Q::EEXIST = 17,
    Q::ENODEV = 19,
    Q::EISDIR = 21,
    Q::EINVAL = 22,
    Q::EOPNOTSUPP = 95,
    Q::EADDRINUSE = 98,
    Q::ECONNABORTED = 103,
    Q::ECONNRESET = 104,
    Q::ENOBUFS = 105,
    Q::ENOTCONN = 107,
    Q::ETIMEDOUT = 110,
    Q::ECONNREFUSED = 111,
    Q::EHOSTUNREACH = 113,
    Q::EALREADY = 114,
    Q::EINPROGRESS = 115,
);

/// `errno.errorcode`: a fixed (read-only) dict.
static ERRORCODE: DictObj = DictObj::fixed(ERRORCODE_TABLE);

/// The name of an errno value (`ENOENT` for 2), if the module knows it.
pub fn errno_name(n: isize) -> Option<Qstr> {
    ERRNOS.iter().find(|e| e.0 == n).map(|e| e.1)
}

pub static ERRNO_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::errno,
    globals: &ERRNO_GLOBALS,
    init: None,
    extensible: true,
};
