//! `os` (also `uos`), as MicroPython's docs/library/os.rst describes it: the filesystem
//! functions (through the mount table in vfs.rs), `urandom`, `uname`, `dupterm` (console
//! output copied to a stream's `write`, its `readinto`/`read` polled for input), `sync`,
//! `sep`, the VFS classes, and, where the port's filesystem has a process environment (the
//! unix port), `getenv`/`putenv`/`unsetenv`/`system`/`errno`.

use pyrite_core::fixed_dict;
use pyrite_core::fnv;
use pyrite_core::map::DictObj;
use pyrite_core::modules::builtins::{arg_int, arg_string};
use pyrite_core::modules::BuiltinModuleDef;
use pyrite_core::obj::{BuiltinFn, Kw};
use pyrite_core::types::{bytes, list, str as pystr, tuple};
use pyrite_core::{PyResult, Value, Vm, Q};

use crate::vfs;

fn os_urandom(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = arg_int(vm, args[0])?;
    if n < 0 {
        return Err(vm.value_error("negative length"));
    }
    let n = n as usize;
    let mut buf = alloc::vec![0u8; n];
    let ok = match crate::platform(vm) {
        Some(p) => p.urandom(&mut buf),
        None => false,
    };
    if !ok {
        return Err(vm.os_error(vfs::ENODEV));
    }
    bytes::new_bytes(vm, &buf)
}
static URANDOM: BuiltinFn = BuiltinFn::new(Q::urandom, 1, 1, os_urandom);

fn os_uname(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let fields = [
        Value::qstr(Q::sysname),
        Value::qstr(Q::nodename),
        Value::qstr(Q::release),
        Value::qstr(Q::version),
        Value::qstr(Q::machine),
    ];
    let names = tuple::new_tuple(vm, &fields)?;
    let ty = pyrite_core::modules::collections::new_namedtuple_type(vm, Q::uname_result, names)?;
    let platform = vm.config.platform;
    let sysname = pystr::new_str(vm, platform)?;
    let release = pystr::new_str(vm, env!("CARGO_PKG_VERSION"))?;
    let version = pystr::new_str(vm, concat!("Pyrite ", env!("CARGO_PKG_VERSION")))?;
    let machine = pystr::new_str(
        vm,
        if platform == "linux" {
            "unix"
        } else {
            platform
        },
    )?;
    vm.call(ty, &[sysname, sysname, release, version, machine], &[])
}
static UNAME: BuiltinFn = BuiltinFn::new(Q::uname, 0, 0, os_uname);

fn os_sync(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    if let Some(fs) = crate::platform(vm).and_then(|p| p.fs()) {
        fs.sync();
    }
    Ok(Value::NONE)
}
static SYNC: BuiltinFn = BuiltinFn::new(Q::sync, 0, 0, os_sync);

fn os_getenv(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = arg_string(vm, args[0])?;
    let v = vfs::with_fs(vm, |f| Ok(f.getenv(&name)))?;
    match v {
        Some(b) => pystr::new_str(vm, &alloc::string::String::from_utf8_lossy(&b)),
        None => Ok(args.get(1).copied().unwrap_or(Value::NONE)),
    }
}
static GETENV: BuiltinFn = BuiltinFn::new(Q::getenv, 1, 2, os_getenv);

fn os_putenv(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = arg_string(vm, args[0])?;
    let value = arg_string(vm, args[1])?;
    vfs::with_fs(vm, |f| f.putenv(&name, &value))?;
    Ok(Value::NONE)
}
static PUTENV: BuiltinFn = BuiltinFn::new(Q::putenv, 2, 2, os_putenv);

fn os_unsetenv(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let name = arg_string(vm, args[0])?;
    vfs::with_fs(vm, |f| f.unsetenv(&name))?;
    Ok(Value::NONE)
}
static UNSETENV: BuiltinFn = BuiltinFn::new(Q::unsetenv, 1, 1, os_unsetenv);

fn os_system(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let cmd = arg_string(vm, args[0])?;
    let r = vfs::with_fs(vm, |f| f.system(&cmd))?;
    Ok(Value::small_int_unchecked(r as isize))
}
static SYSTEM: BuiltinFn = BuiltinFn::new(Q::system, 1, 1, os_system);

fn os_errno(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let set = match args.first() {
        Some(&v) => Some(arg_int(vm, v)? as i32),
        None => None,
    };
    let e = vfs::with_fs(vm, |f| Ok(f.errno(set)))?;
    if set.is_some() {
        return Ok(Value::NONE);
    }
    Ok(Value::small_int_unchecked(e as isize))
}
static ERRNO: BuiltinFn = BuiltinFn::new(Q::errno, 0, 1, os_errno);

/// Console slots `os.dupterm` offers.
const DUPTERM_SLOTS: usize = 2;

fn os_dupterm(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let idx = match args.get(1) {
        Some(&i) => arg_int(vm, i)?,
        None => 0,
    };
    if !(0..DUPTERM_SLOTS as isize).contains(&idx) {
        return Err(vm.value_error("invalid dupterm index"));
    }
    let idx = idx as usize;
    if list::list_obj(vm.sys.dupterm).is_none() {
        vm.sys.dupterm = list::new_list(vm, &[Value::NONE; DUPTERM_SLOTS])?;
    }
    let Some(l) = list::list_obj(vm.sys.dupterm) else {
        return Ok(Value::NONE);
    };
    let prev = l.get(idx).unwrap_or(Value::NONE);
    l.set(idx, args[0]);
    Ok(prev)
}
static DUPTERM: BuiltinFn = BuiltinFn::new(Q::dupterm, 1, 2, os_dupterm);

fixed_dict!(
    OS_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::os)),
        (Q::sep, Value::qstr(Q::SLASH)),
        (Q::listdir, fnv!(vfs::LISTDIR)),
        (Q::ilistdir, fnv!(vfs::ILISTDIR)),
        (Q::stat, fnv!(vfs::STAT)),
        (Q::statvfs, fnv!(vfs::STATVFS)),
        (Q::mkdir, fnv!(vfs::MKDIR)),
        (Q::rmdir, fnv!(vfs::RMDIR)),
        (Q::remove, fnv!(vfs::REMOVE)),
        (Q::unlink, fnv!(vfs::REMOVE)),
        (Q::rename, fnv!(vfs::RENAME)),
        (Q::getcwd, fnv!(vfs::GETCWD)),
        (Q::chdir, fnv!(vfs::CHDIR)),
        (Q::mount, fnv!(vfs::MOUNT)),
        (Q::umount, fnv!(vfs::UMOUNT)),
        (Q::VfsPosix, Value::from_static(&vfs::VFS_POSIX_TYPE)),
        (Q::VfsFat, Value::from_static(&crate::vfs_fat::VFSFAT_TYPE)),
        (
            Q::VfsLfs2,
            Value::from_static(&crate::vfs_lfs::VFSLFS2_TYPE)
        ),
        (Q::urandom, fnv!(URANDOM)),
        (Q::uname, fnv!(UNAME)),
        (Q::sync, fnv!(SYNC)),
        (Q::dupterm, fnv!(DUPTERM)),
    ]
);

/// The process-environment functions, added when the port's filesystem has them.
fn os_init(vm: &mut Vm, m: Value) -> PyResult<()> {
    let has_env = crate::platform(vm)
        .and_then(|p| p.fs())
        .is_some_and(|f| f.has_env());
    if !has_env {
        return Ok(());
    }
    let Some(g) = pyrite_core::modules::module_globals(m).and_then(|g| g.downcast::<DictObj>())
    else {
        return Ok(());
    };
    for (q, f) in [
        (Q::getenv, &GETENV),
        (Q::putenv, &PUTENV),
        (Q::unsetenv, &UNSETENV),
        (Q::system, &SYSTEM),
        (Q::errno, &ERRNO),
    ] {
        g.map.set_qstr(vm, q, f.value())?;
    }
    Ok(())
}

pub static OS_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::os,
    globals: &OS_GLOBALS,
    init: Some(os_init),
    extensible: true,
};

/// Modules defined in this file.
pub static MODULES: &[&BuiltinModuleDef] = &[&OS_MODULE];
