//! The `errno` module (also `uerrno`): MicroPython's errno constants (Linux numbering, as
//! py/mperrno.h) and `errorcode`, the dict from number to name.

use crate::map::DictObj;
use crate::qstr::Q;
use crate::value::Value;

use super::BuiltinModuleDef;

// (Written out: build.rs collects `Q::NAME` names from the source text.)
static ERRORCODE_TABLE: &[[Value; 2]] = &[
    [Value::small_int_unchecked(1), Value::qstr(Q::EPERM)],
    [Value::small_int_unchecked(2), Value::qstr(Q::ENOENT)],
    [Value::small_int_unchecked(5), Value::qstr(Q::EIO)],
    [Value::small_int_unchecked(9), Value::qstr(Q::EBADF)],
    [Value::small_int_unchecked(11), Value::qstr(Q::EAGAIN)],
    [Value::small_int_unchecked(12), Value::qstr(Q::ENOMEM)],
    [Value::small_int_unchecked(13), Value::qstr(Q::EACCES)],
    [Value::small_int_unchecked(17), Value::qstr(Q::EEXIST)],
    [Value::small_int_unchecked(19), Value::qstr(Q::ENODEV)],
    [Value::small_int_unchecked(21), Value::qstr(Q::EISDIR)],
    [Value::small_int_unchecked(22), Value::qstr(Q::EINVAL)],
    [Value::small_int_unchecked(95), Value::qstr(Q::EOPNOTSUPP)],
    [Value::small_int_unchecked(98), Value::qstr(Q::EADDRINUSE)],
    [
        Value::small_int_unchecked(103),
        Value::qstr(Q::ECONNABORTED),
    ],
    [Value::small_int_unchecked(104), Value::qstr(Q::ECONNRESET)],
    [Value::small_int_unchecked(105), Value::qstr(Q::ENOBUFS)],
    [Value::small_int_unchecked(107), Value::qstr(Q::ENOTCONN)],
    [Value::small_int_unchecked(110), Value::qstr(Q::ETIMEDOUT)],
    [
        Value::small_int_unchecked(111),
        Value::qstr(Q::ECONNREFUSED),
    ],
    [
        Value::small_int_unchecked(113),
        Value::qstr(Q::EHOSTUNREACH),
    ],
    [Value::small_int_unchecked(114), Value::qstr(Q::EALREADY)],
    [Value::small_int_unchecked(115), Value::qstr(Q::EINPROGRESS)],
];

static ERRNO_TABLE: &[[Value; 2]] = &[
    [Value::qstr(Q::__name__), Value::qstr(Q::errno)],
    [Value::qstr(Q::errorcode), Value::from_static(&ERRORCODE)],
    [Value::qstr(Q::EPERM), Value::small_int_unchecked(1)],
    [Value::qstr(Q::ENOENT), Value::small_int_unchecked(2)],
    [Value::qstr(Q::EIO), Value::small_int_unchecked(5)],
    [Value::qstr(Q::EBADF), Value::small_int_unchecked(9)],
    [Value::qstr(Q::EAGAIN), Value::small_int_unchecked(11)],
    [Value::qstr(Q::ENOMEM), Value::small_int_unchecked(12)],
    [Value::qstr(Q::EACCES), Value::small_int_unchecked(13)],
    [Value::qstr(Q::EEXIST), Value::small_int_unchecked(17)],
    [Value::qstr(Q::ENODEV), Value::small_int_unchecked(19)],
    [Value::qstr(Q::EISDIR), Value::small_int_unchecked(21)],
    [Value::qstr(Q::EINVAL), Value::small_int_unchecked(22)],
    [Value::qstr(Q::EOPNOTSUPP), Value::small_int_unchecked(95)],
    [Value::qstr(Q::EADDRINUSE), Value::small_int_unchecked(98)],
    [
        Value::qstr(Q::ECONNABORTED),
        Value::small_int_unchecked(103),
    ],
    [Value::qstr(Q::ECONNRESET), Value::small_int_unchecked(104)],
    [Value::qstr(Q::ENOBUFS), Value::small_int_unchecked(105)],
    [Value::qstr(Q::ENOTCONN), Value::small_int_unchecked(107)],
    [Value::qstr(Q::ETIMEDOUT), Value::small_int_unchecked(110)],
    [
        Value::qstr(Q::ECONNREFUSED),
        Value::small_int_unchecked(111),
    ],
    [
        Value::qstr(Q::EHOSTUNREACH),
        Value::small_int_unchecked(113),
    ],
    [Value::qstr(Q::EALREADY), Value::small_int_unchecked(114)],
    [Value::qstr(Q::EINPROGRESS), Value::small_int_unchecked(115)],
];

/// `errno.errorcode`.
pub static ERRORCODE: DictObj = DictObj::fixed(ERRORCODE_TABLE);

static ERRNO_GLOBALS: DictObj = DictObj::fixed(ERRNO_TABLE);

pub static ERRNO_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::errno,
    globals: &ERRNO_GLOBALS,
    init: None,
    extensible: true,
};
