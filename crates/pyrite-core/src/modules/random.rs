//! The `random` module (also `urandom`): getrandbits, seed, randrange, randint, choice,
//! random, uniform.
//!
//! The generator is xorshift64* seeded through splitmix64 (our own choice; MicroPython's
//! sequence is not reproduced). `seed(n)` makes the sequence repeatable; `seed()` or
//! `seed(None)` seeds from the host clock. The state lives in the module (one per
//! interpreter); the module starts seeded from the clock.

use crate::types::arg;
use core::cell::Cell;

use crate::fixed_dict;
use crate::fnv;
use crate::obj::{BuiltinFn, Kw, Type};
use crate::qstr::Q;
use crate::types;
use crate::types::bigint::{Limb, LIMB_BITS};
use crate::value::{Gc, ObjHeader, Value};
use crate::vm::Vm;
use crate::PyResult;

use super::builtins::arg_int;
use super::BuiltinModuleDef;

/// The generator state (kept in the module's globals).
#[repr(C)]
pub struct RngObj {
    pub hdr: ObjHeader,
    pub state: Cell<u64>,
    pub seeds: Cell<u64>,
}

pub static RNG_TYPE: Type = Type::new(Q::random);
crate::py_object!(RngObj, RNG_TYPE);

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl RngObj {
    fn seed(&self, s: u64) {
        let mut st = splitmix(s);
        if st == 0 {
            st = 0x2545_f491_4f6c_dd1d;
        }
        self.state.set(st);
    }
    fn next(&self) -> u64 {
        let mut x = self.state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state.set(x);
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    /// Uniform in 0..n (n > 0).
    fn below(&self, n: u64) -> u64 {
        let bits = 64 - (n - 1).leading_zeros();
        loop {
            let r = if bits == 0 {
                0
            } else {
                self.next() >> (64 - bits)
            };
            if r < n {
                return r;
            }
        }
    }
    fn float(&self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

fn clock_seed(vm: &mut Vm, counter: u64) -> u64 {
    let t = vm.host.time_ns().unwrap_or(0);
    let u = vm.host.ticks_us();
    t ^ u.rotate_left(32) ^ splitmix(counter)
}

fn rng(vm: &mut Vm) -> PyResult<Gc<RngObj>> {
    let g = super::find_builtin(vm, Q::random)
        .and_then(super::module_globals)
        .and_then(types::dict::dict_obj);
    let Some(g) = g else {
        return Err(vm.runtime_error("random module missing"));
    };
    if let Some(r) = g
        .map
        .get_qstr(vm, Q::__rng__)
        .and_then(|v| v.downcast::<RngObj>())
    {
        return Ok(r);
    }
    let r = vm.alloc_obj(RngObj {
        hdr: ObjHeader::new(&RNG_TYPE),
        state: Cell::new(0),
        seeds: Cell::new(0),
    })?;
    let s = clock_seed(vm, 0);
    r.seed(s);
    g.map.set_qstr(vm, Q::__rng__, r.value())?;
    Ok(r)
}

fn random_init(vm: &mut Vm, _m: Value) -> PyResult<()> {
    let _ = vm;
    Ok(())
}

fn seed(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = rng(vm)?;
    match args.first() {
        Some(&v) if !v.is_none() => {
            let s = super::binary::int_low_bits(vm, v)?;
            r.seed(s);
        }
        _ => {
            let n = r.seeds.get().wrapping_add(1);
            r.seeds.set(n);
            let s = clock_seed(vm, n) ^ r.next();
            r.seed(s);
        }
    }
    Ok(Value::NONE)
}

fn getrandbits(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = arg_int(vm, arg(args, 0))?;
    if n < 0 {
        return Err(vm.value_error("negative number of bits"));
    }
    let r = rng(vm)?;
    let n = n as usize;
    if n <= 64 {
        let v = if n == 0 { 0 } else { r.next() >> (64 - n) };
        return types::int::int_from_u64(vm, v);
    }
    super::binary::check_alloc(vm, n / 8)?;
    let limbs = n.div_ceil(LIMB_BITS as usize);
    let mut mag: alloc::vec::Vec<Limb> = (0..limbs).map(|_| r.next() as Limb).collect();
    let extra = limbs * LIMB_BITS as usize - n;
    if let Some(top) = mag.last_mut() {
        *top = if extra > 0 { *top >> extra } else { *top };
    }
    types::bigint::trim(&mut mag);
    types::int::int_from_parts(vm, false, &mag)
}

/// A uniformly chosen value of `range(start, stop, step)`.
fn pick(vm: &mut Vm, start: i64, stop: i64, step: i64) -> PyResult<Value> {
    if step == 0 {
        return Err(vm.value_error("zero step for randrange()"));
    }
    let width = stop as i128 - start as i128;
    let n = if step > 0 {
        (width + step as i128 - 1) / step as i128
    } else {
        (width + step as i128 + 1) / step as i128
    };
    if n <= 0 {
        return Err(vm.value_error("empty range for randrange()"));
    }
    let r = rng(vm)?;
    let k = r.below(n.min(u64::MAX as i128) as u64) as i128;
    let v = start as i128 + k * step as i128;
    types::int::int_from_i64(vm, v as i64)
}

fn randrange(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let a = types::int::value_to_i64(vm, arg(args, 0))?;
    match (args.get(1), args.get(2)) {
        (None, _) => pick(vm, 0, a, 1),
        (Some(&b), None) => {
            let b = types::int::value_to_i64(vm, b)?;
            pick(vm, a, b, 1)
        }
        (Some(&b), Some(&s)) => {
            let b = types::int::value_to_i64(vm, b)?;
            let s = types::int::value_to_i64(vm, s)?;
            pick(vm, a, b, s)
        }
    }
}

fn randint(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let a = types::int::value_to_i64(vm, arg(args, 0))?;
    let b = types::int::value_to_i64(vm, arg(args, 1))?;
    if b < a {
        return Err(vm.value_error("empty range for randint()"));
    }
    let Some(stop) = b.checked_add(1) else {
        return Err(vm.overflow_error("randint range too large"));
    };
    pick(vm, a, stop, 1)
}

fn choice(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let n = vm.len(arg(args, 0))?;
    if n == 0 {
        return Err(vm.index_error("can't choose from an empty sequence"));
    }
    let r = rng(vm)?;
    let i = r.below(n as u64);
    let idx = types::int::int_from_u64(vm, i)?;
    vm.subscr(arg(args, 0), idx)
}

fn random_fn(vm: &mut Vm, _args: &[Value], _kw: Kw) -> PyResult<Value> {
    let r = rng(vm)?;
    let f = r.float();
    types::float::new_float(vm, f)
}

fn uniform(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let a = types::float::value_to_f64(vm, arg(args, 0))?;
    let b = types::float::value_to_f64(vm, arg(args, 1))?;
    let r = rng(vm)?;
    let f = a + (b - a) * r.float();
    types::float::new_float(vm, f)
}

static SEED: BuiltinFn = BuiltinFn::new(Q::seed, 0, 1, seed);
static GETRANDBITS: BuiltinFn = BuiltinFn::new(Q::getrandbits, 1, 1, getrandbits);
static RANDRANGE: BuiltinFn = BuiltinFn::new(Q::randrange, 1, 3, randrange);
static RANDINT: BuiltinFn = BuiltinFn::new(Q::randint, 2, 2, randint);
static CHOICE: BuiltinFn = BuiltinFn::new(Q::choice, 1, 1, choice);
static RANDOM: BuiltinFn = BuiltinFn::new(Q::random, 0, 0, random_fn);
static UNIFORM: BuiltinFn = BuiltinFn::new(Q::uniform, 2, 2, uniform);

fixed_dict!(
    RANDOM_GLOBALS,
    [
        (Q::__name__, Value::qstr(Q::random)),
        (Q::seed, fnv!(SEED)),
        (Q::getrandbits, fnv!(GETRANDBITS)),
        (Q::randrange, fnv!(RANDRANGE)),
        (Q::randint, fnv!(RANDINT)),
        (Q::choice, fnv!(CHOICE)),
        (Q::random, fnv!(RANDOM)),
        (Q::uniform, fnv!(UNIFORM)),
    ]
);

pub static RANDOM_MODULE: BuiltinModuleDef = BuiltinModuleDef {
    name: Q::random,
    globals: &RANDOM_GLOBALS,
    init: Some(random_init),
    extensible: true,
};
