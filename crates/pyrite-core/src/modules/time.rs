//! The `time` module (MicroPython's `time`/`utime`): ticks_ms/us/cpu, ticks_diff, ticks_add,
//! sleep/sleep_ms/sleep_us, time, time_ns, gmtime, localtime, mktime. Clocks come from the
//! port's [`Host`](crate::host::Host).

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{BuiltinFn, Kw};
use crate::qstr::Q;
use crate::types::arg;
use crate::types::{float, int, tuple};
use crate::value::{Value, SMALL_INT_MAX};
use crate::vm::Vm;
use crate::PyResult;

use super::BuiltinModuleDef;

/// Ticks wrap at this period (a power of two: every ticks value is a positive small int).
const PERIOD: u64 = SMALL_INT_MAX as u64 + 1;

fn ticks(v: u64) -> Value {
    Value::small_int_unchecked((v & (PERIOD - 1)) as isize)
}

fn time_ticks_ms(vm: &mut Vm, _a: &[Value], _k: Kw) -> PyResult<Value> {
    Ok(ticks(vm.host.ticks_us() / 1000))
}
static TICKS_MS: BuiltinFn = BuiltinFn::new(Q::ticks_ms, 0, 0, time_ticks_ms);

fn time_ticks_us(vm: &mut Vm, _a: &[Value], _k: Kw) -> PyResult<Value> {
    Ok(ticks(vm.host.ticks_us()))
}
static TICKS_US: BuiltinFn = BuiltinFn::new(Q::ticks_us, 0, 0, time_ticks_us);
static TICKS_CPU: BuiltinFn = BuiltinFn::new(Q::ticks_cpu, 0, 0, time_ticks_us);

fn ticks_arg(vm: &mut Vm, v: Value) -> PyResult<i64> {
    int::value_to_i64(vm, v)
}

fn time_ticks_diff(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let end = ticks_arg(vm, arg(a, 0))? as u64;
    let start = ticks_arg(vm, arg(a, 1))? as u64;
    let half = PERIOD / 2;
    let d = (end.wrapping_sub(start).wrapping_add(half) & (PERIOD - 1)) as i64 - half as i64;
    Ok(Value::small_int_unchecked(d as isize))
}
static TICKS_DIFF: BuiltinFn = BuiltinFn::new(Q::ticks_diff, 2, 2, time_ticks_diff);

fn time_ticks_add(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let t = ticks_arg(vm, arg(a, 0))?;
    let delta = ticks_arg(vm, arg(a, 1))?;
    let half = (PERIOD / 2) as i64;
    if delta <= -half || delta >= half {
        return Err(vm.overflow_error("ticks interval overflow"));
    }
    Ok(ticks(t.wrapping_add(delta) as u64))
}
static TICKS_ADD: BuiltinFn = BuiltinFn::new(Q::ticks_add, 2, 2, time_ticks_add);

fn sleep_us(vm: &mut Vm, us: u64, direct: bool) -> PyResult<Value> {
    // Through the thread scheduler: other threads run meanwhile, and scheduled functions run.
    crate::interp::thread::sleep_us(vm, us, direct)?;
    Ok(Value::NONE)
}

fn time_sleep(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let direct = crate::interp::thread::called_directly(vm);
    let s = float::value_to_f64(vm, arg(a, 0))?;
    if s.is_nan() || s < 0.0 {
        return Err(vm.value_error("sleep length must be non-negative"));
    }
    sleep_us(vm, (s * 1e6).min(u64::MAX as f64) as u64, direct)
}
static SLEEP: BuiltinFn = BuiltinFn::new(Q::sleep, 1, 1, time_sleep);

fn time_sleep_ms(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let direct = crate::interp::thread::called_directly(vm);
    let ms = ticks_arg(vm, arg(a, 0))?;
    sleep_us(vm, (ms.max(0) as u64).saturating_mul(1000), direct)
}
static SLEEP_MS: BuiltinFn = BuiltinFn::new(Q::sleep_ms, 1, 1, time_sleep_ms);

fn time_sleep_us(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let direct = crate::interp::thread::called_directly(vm);
    let us = ticks_arg(vm, arg(a, 0))?;
    sleep_us(vm, us.max(0) as u64, direct)
}
static SLEEP_US: BuiltinFn = BuiltinFn::new(Q::sleep_us, 1, 1, time_sleep_us);

fn now_ns(vm: &mut Vm) -> PyResult<u64> {
    match vm.host.time_ns() {
        Some(t) => Ok(t),
        None => Err(vm.os_error(crate::modules::time::ENODEV)),
    }
}

/// errno ENODEV: no clock on this port.
pub const ENODEV: i32 = 19;

fn time_time(vm: &mut Vm, _a: &[Value], _k: Kw) -> PyResult<Value> {
    let ns = now_ns(vm)?;
    float::new_float(vm, ns as f64 / 1e9)
}
static TIME: BuiltinFn = BuiltinFn::new(Q::time, 0, 0, time_time);

fn time_time_ns(vm: &mut Vm, _a: &[Value], _k: Kw) -> PyResult<Value> {
    let ns = now_ns(vm)?;
    int::int_from_u64(vm, ns)
}
static TIME_NS: BuiltinFn = BuiltinFn::new(Q::time_ns, 0, 0, time_time_ns);

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// Civil date (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn time_tuple(vm: &mut Vm, secs: i64, isdst: bool) -> PyResult<Value> {
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    let (y, m, d) = civil_from_days(days);
    let wday = (days + 3).rem_euclid(7); // 1970-01-01 was a Thursday; Monday = 0
    let yday = days - days_from_civil(y, 1, 1) + 1;
    let mut items = [Value::NONE; 9];
    let fields = [y, m, d, rem / 3600, rem % 3600 / 60, rem % 60, wday, yday];
    for (slot, f) in items.iter_mut().zip(fields.iter()) {
        *slot = int::int_from_i64(vm, *f)?;
    }
    let n = if isdst {
        items[8] = Value::small_int_unchecked(0);
        9
    } else {
        8
    };
    tuple::new_tuple(vm, &items[..n])
}

fn secs_arg(vm: &mut Vm, a: &[Value]) -> PyResult<i64> {
    match a.first() {
        Some(v) if !v.is_none() => {
            if let Some(f) = float::float_value(*v) {
                if !f.is_finite() {
                    return Err(vm.overflow_error("timestamp out of range"));
                }
                // floor without libm: truncate, then step down for negative fractions.
                let i = f as i64;
                Ok(if (i as f64) > f { i - 1 } else { i })
            } else {
                int::value_to_i64(vm, *v)
            }
        }
        _ => Ok((now_ns(vm)? / 1_000_000_000) as i64),
    }
}

fn time_gmtime(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let s = secs_arg(vm, a)?;
    time_tuple(vm, s, vm_is_unix(vm))
}
static GMTIME: BuiltinFn = BuiltinFn::new(Q::gmtime, 0, 1, time_gmtime);

fn time_localtime(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let s = secs_arg(vm, a)?;
    let off = vm.host.utc_offset(s);
    time_tuple(vm, s.saturating_add(off), vm_is_unix(vm))
}
static LOCALTIME: BuiltinFn = BuiltinFn::new(Q::localtime, 0, 1, time_localtime);

/// MicroPython's unix port returns 9-tuples (with tm_isdst); bare-metal ports return 8.
fn vm_is_unix(vm: &Vm) -> bool {
    vm.config.platform == "linux"
}

fn time_mktime(vm: &mut Vm, a: &[Value], _k: Kw) -> PyResult<Value> {
    let t = arg(a, 0);
    let n = vm.len(t).unwrap_or(0);
    if n != 8 && n != 9 {
        return Err(vm.type_error("mktime needs a tuple of length 8 or 9"));
    }
    let mut f = [0i64; 6];
    for (i, slot) in f.iter_mut().enumerate() {
        let idx = Value::small_int_unchecked(i as isize);
        let v = vm.subscr(t, idx)?;
        *slot = int::value_to_i64(vm, v)?;
    }
    let [y, mon, d, h, mi, s] = f;
    // Normalise the month like C's mktime, then let days/hours/minutes/seconds overflow freely.
    let m0 = mon - 1;
    let y = y + m0.div_euclid(12);
    let m = m0.rem_euclid(12) + 1;
    let days = days_from_civil(y, m, 1) + (d - 1);
    let secs = days
        .checked_mul(86400)
        .and_then(|x| x.checked_add(h.checked_mul(3600)?))
        .and_then(|x| x.checked_add(mi.checked_mul(60)?))
        .and_then(|x| x.checked_add(s));
    let Some(secs) = secs else {
        return Err(vm.overflow_error("mktime overflow"));
    };
    let off = vm.host.utc_offset(secs);
    int::int_from_i64(vm, secs - off)
}
static MKTIME: BuiltinFn = BuiltinFn::new(Q::mktime, 1, 1, time_mktime);

fixed_dict!(pub TIME_GLOBALS, [
    (Q::__name__, Value::qstr(Q::time)),
    (Q::ticks_ms, fnv!(TICKS_MS)),
    (Q::ticks_us, fnv!(TICKS_US)),
    (Q::ticks_cpu, fnv!(TICKS_CPU)),
    (Q::ticks_diff, fnv!(TICKS_DIFF)),
    (Q::ticks_add, fnv!(TICKS_ADD)),
    (Q::sleep, fnv!(SLEEP)),
    (Q::sleep_ms, fnv!(SLEEP_MS)),
    (Q::sleep_us, fnv!(SLEEP_US)),
    (Q::time, fnv!(TIME)),
    (Q::time_ns, fnv!(TIME_NS)),
    (Q::gmtime, fnv!(GMTIME)),
    (Q::localtime, fnv!(LOCALTIME)),
    (Q::mktime, fnv!(MKTIME)),
]);

/// `time` (also importable as `utime`).
pub static TIME_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::time,
    globals: &TIME_GLOBALS,
    init: None,
    extensible: true,
};

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn civil_roundtrip() {
        for z in [-800_000i64, -1, 0, 1, 59, 365, 10_957, 19_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
