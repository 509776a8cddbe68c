//! Calls: the `function` type's call slot, argument binding (MicroPython's rules and
//! messages), `*args`/`**kwargs` expansion, and calling Python from Rust.

use alloc::format;
use alloc::vec::Vec;

use pyrite_compiler::raw::scope_flags;

use crate::interp::code::FunObj;
use crate::interp::exec::{self, Exit};
use crate::map::DictObj;
use crate::obj::Kw;
use crate::qstr::Qstr;
use crate::types::tuple::{new_tuple, tuple_items};
use crate::value::{Gc, Value};
use crate::vm::Vm;
use crate::PyResult;

/// `Type::call` of `function`.
pub fn fun_call(vm: &mut Vm, f: Value, args: &[Value], kw: Kw) -> PyResult<Value> {
    let Some(fo) = f.downcast::<FunObj>() else {
        return Err(vm.type_error("not a function"));
    };
    call_fun(vm, fo, Value::NULL, args, kw, Value::NULL)
}

/// Call a Python function from Rust: `self_arg` (if not NULL) is passed before `args`;
/// `locals` (if not NULL) is the dict NAME ops use (class bodies).
pub fn call_fun(
    vm: &mut Vm,
    fo: Gc<FunObj>,
    self_arg: Value,
    args: &[Value],
    kw: Kw,
    locals: Value,
) -> PyResult<Value> {
    if fo.code.is_generator() {
        return super::gen::new_generator(vm, fo, self_arg, args, kw);
    }
    crate::interp::init(vm)?;
    exec::push_frame(vm, fo, self_arg, args, kw, true, locals)?;
    let r = exec::run(vm, Value::NULL);
    vm.interp.frames.pop();
    match r? {
        Exit::Return(v) => Ok(v),
        Exit::Yield(_) => Err(vm.runtime_error("yield outside generator")),
        Exit::Switched => Err(vm.runtime_error("thread scheduler state")),
    }
}

/// Call `f(self, *args, **kw)` without building a new argument array where possible.
pub fn call_with_self(
    vm: &mut Vm,
    f: Value,
    selfv: Value,
    args: &[Value],
    kw: Kw,
) -> PyResult<Value> {
    if let Some(fo) = f.downcast::<FunObj>() {
        return call_fun(vm, fo, selfv, args, kw, Value::NULL);
    }
    if args.len() < 15 {
        let mut buf = super::ArgBuf::new();
        buf.push(selfv);
        buf.extend(args);
        return vm.call(f, buf.as_slice(), kw);
    }
    let mut all: Vec<Value> = Vec::with_capacity(args.len() + 1);
    all.push(selfv);
    all.extend_from_slice(args);
    // The values are all rooted by the caller (selfv and args are on the caller's stack).
    vm.call(f, &all, kw)
}

/// Call a method given as (function, self-or-NULL) slots, as LOAD_METHOD leaves them.
pub fn call_method_slots(vm: &mut Vm, m: Value, selfv: Value, args: &[Value]) -> PyResult<Value> {
    if selfv.is_null() {
        vm.call(m, args, &[])
    } else {
        call_with_self(vm, m, selfv, args, &[])
    }
}

#[cold]
fn pos_mismatch(vm: &mut Vm, name: Qstr, expected: usize, given: usize) -> crate::PyErr {
    let m = format!(
        "{}() takes {} positional arguments but {} were given",
        vm.qstr_str(name),
        expected,
        given
    );
    vm.type_error(&m)
}

/// The qstr of a keyword-argument key (a str value).
fn kw_key(vm: &mut Vm, k: Value) -> PyResult<Qstr> {
    if let Some(q) = k.as_qstr() {
        return Ok(q);
    }
    match crate::types::str::str_data(vm, k) {
        Some(d) => {
            let s = alloc::string::String::from(d.as_str());
            vm.intern_name(&s)
        }
        None => Err(vm.type_error("keywords must be strings")),
    }
}

/// Bind the arguments of a call to `fo` into the (zeroed) frame at `base`, as MicroPython's
/// `mp_setup_code_state` does: closure cells first, then `self_arg` (if not NULL), then
/// `args`; keywords by name; defaults; `*args` tuple; `**kwargs` dict; cells for cell locals.
pub(crate) fn bind_args(
    vm: &mut Vm,
    fo: Gc<FunObj>,
    base: usize,
    self_arg: Value,
    args: &[Value],
    kw: &[Value],
) -> PyResult<()> {
    let code = fo.code;
    let nst = code.n_state as usize;
    let n_pos = code.n_pos_args as usize;
    let n_kwonly = code.n_kwonly_args as usize;
    let n_def = code.n_def_pos_args as usize;
    let flags = code.scope_flags;
    let cells: &[Value] = match tuple_items(fo.closure) {
        Some(t) => {
            let it = t.items();
            // SAFETY: the closure tuple is immutable and kept alive by `fo` (rooted by the
            // frame record) for the whole binding.
            unsafe { core::slice::from_raw_parts(it.as_ptr(), it.len()) }
        }
        None => &[],
    };
    // Fast path: exact positional call, no keywords/defaults/star-args/cells.
    if kw.is_empty()
        && cells.is_empty()
        && flags & (scope_flags::VARARGS | scope_flags::VARKEYWORDS | scope_flags::DEFKWARGS) == 0
        && n_kwonly == 0
        && code.n_cell == 0
        && args.len() + (!self_arg.is_null() as usize) == n_pos
    {
        let mut i = 0;
        if !self_arg.is_null() {
            vm.interp.stack.set(base + nst - 1, self_arg);
            i = 1;
        }
        for &a in args {
            vm.interp.stack.set(base + nst - 1 - i, a);
            i += 1;
        }
        return Ok(());
    }
    let has_self = !self_arg.is_null() as usize;
    let n_pre = cells.len() + has_self;
    let n_args = n_pre + args.len();
    let arg_at = |i: usize| -> Value {
        if i < cells.len() {
            cells[i]
        } else if i < n_pre {
            self_arg
        } else {
            args.get(i - n_pre).copied().unwrap_or(Value::NULL)
        }
    };
    // Local i lives at base + nst - 1 - i (callers guarantee i < nst via the loader's checks).
    let slot = |i: usize| base + nst - 1 - i;
    let mut var_local = n_pos + n_kwonly;
    let mut n_bind = n_args;
    let defaults: &[Value] = match tuple_items(fo.defaults) {
        Some(t) => {
            let it = t.items();
            // SAFETY: as for `cells`: an immutable tuple kept alive by `fo`.
            unsafe { core::slice::from_raw_parts(it.as_ptr(), it.len()) }
        }
        None => &[],
    };

    if n_args > n_pos {
        if flags & scope_flags::VARARGS == 0 {
            return Err(pos_mismatch(vm, code.name, n_pos, n_args));
        }
        let t = if n_pos >= n_pre {
            new_tuple(vm, &args[n_pos - n_pre..])?
        } else {
            let extra: Vec<Value> = (n_pos..n_args).map(arg_at).collect();
            new_tuple(vm, &extra)?
        };
        vm.interp.stack.set(slot(var_local), t);
        var_local += 1;
        n_bind = n_pos;
    } else {
        if flags & scope_flags::VARARGS != 0 {
            let t = new_tuple(vm, &[])?;
            vm.interp.stack.set(slot(var_local), t);
            var_local += 1;
        }
        if kw.is_empty() && flags & scope_flags::DEFKWARGS == 0 {
            if n_args + n_def >= n_pos {
                for i in n_args..n_pos {
                    let d = defaults
                        .get(i + n_def - n_pos)
                        .copied()
                        .unwrap_or(Value::NULL);
                    if d.is_null() {
                        return Err(pos_mismatch(vm, code.name, n_pos - n_def, n_args));
                    }
                    vm.interp.stack.set(slot(i), d);
                }
            } else {
                return Err(pos_mismatch(vm, code.name, n_pos - n_def, n_args));
            }
        }
    }
    for i in 0..n_bind {
        vm.interp.stack.set(slot(i), arg_at(i));
    }

    if !kw.is_empty() || flags & scope_flags::DEFKWARGS != 0 {
        let dict = if flags & scope_flags::VARKEYWORDS != 0 {
            let d = crate::types::dict::new_dict(vm)?.value();
            vm.interp.stack.set(slot(var_local), d);
            d
        } else {
            Value::NULL
        };
        let names = code.arg_names;
        for pair in kw.chunks_exact(2) {
            let name = kw_key(vm, pair[0])?;
            let pos = names.items().iter().position(|&q| q == name);
            match pos {
                Some(j) if j < n_pos + n_kwonly => {
                    if !vm.interp.stack.get(slot(j)).is_null() {
                        let m = format!(
                            "function got multiple values for argument '{}'",
                            vm.qstr_str(name)
                        );
                        return Err(vm.type_error(&m));
                    }
                    vm.interp.stack.set(slot(j), pair[1]);
                }
                _ => {
                    let Some(d) = dict.downcast::<DictObj>() else {
                        let m = format!("unexpected keyword argument '{}'", vm.qstr_str(name));
                        return Err(vm.type_error(&m));
                    };
                    if d.map.get_qstr(vm, name).is_some() {
                        let m = format!(
                            "function got multiple values for argument '{}'",
                            vm.qstr_str(name)
                        );
                        return Err(vm.type_error(&m));
                    }
                    d.map.set_qstr(vm, name, pair[1])?;
                }
            }
        }
        // Positional defaults fill from the right.
        for k in 0..n_def.min(n_pos) {
            let li = n_pos - 1 - k;
            if vm.interp.stack.get(slot(li)).is_null() {
                let d = if defaults.len() > k {
                    defaults[defaults.len() - 1 - k]
                } else {
                    Value::NULL
                };
                vm.interp.stack.set(slot(li), d);
            }
        }
        let mut li = n_pos.saturating_sub(n_def);
        while li > 0 {
            li -= 1;
            if vm.interp.stack.get(slot(li)).is_null() {
                let m = format!("function missing required positional argument #{}", li + 1);
                return Err(vm.type_error(&m));
            }
        }
        for i in 0..n_kwonly {
            let li = n_pos + i;
            if vm.interp.stack.get(slot(li)).is_null() {
                let name = names
                    .items()
                    .get(li)
                    .copied()
                    .unwrap_or(crate::qstr::Q::EMPTY);
                let mut v = None;
                if flags & scope_flags::DEFKWARGS != 0 {
                    if let Some(d) = fo.kwdefaults.downcast::<DictObj>() {
                        v = d.map.get_qstr(vm, name);
                    }
                }
                match v {
                    Some(v) => vm.interp.stack.set(slot(li), v),
                    None => {
                        let m = format!(
                            "function missing required keyword argument '{}'",
                            vm.qstr_str(name)
                        );
                        return Err(vm.type_error(&m));
                    }
                }
            }
        }
    } else {
        if n_kwonly != 0 {
            return Err(vm.type_error("function missing keyword-only argument"));
        }
        if flags & scope_flags::VARKEYWORDS != 0 {
            let d = crate::types::dict::new_dict(vm)?.value();
            vm.interp.stack.set(slot(var_local), d);
        }
    }

    // Cell locals.
    let n_cell = code.n_cell as usize;
    let off = code.cells_offset as usize;
    for k in 0..n_cell {
        let Some(&c) = code.bytes().get(off + k) else {
            break;
        };
        let c = c as usize;
        if c < nst {
            exec::make_cell_local(vm, slot(c))?;
        }
    }
    Ok(())
}

/// Expand a CALL_*_VAR_KW argument list: `args` with the positions marked in `bitmap`
/// unpacked (any iterable), `kw` pairs with NULL keys meaning `**mapping`. Returns a tuple of
/// `[positional..., k0, v0, k1, v1, ...]` and the number of positional items.
pub(crate) fn prepare_star_args(
    vm: &mut Vm,
    args: &[Value],
    kw: &[Value],
    bitmap: Value,
) -> PyResult<(Value, usize)> {
    let bits = bitmap.as_small_int().unwrap_or(0) as usize;
    let mark = vm.roots.len();
    let r = prepare_inner(vm, args, kw, bits, mark);
    vm.roots.truncate(mark);
    r
}

fn prepare_inner(
    vm: &mut Vm,
    args: &[Value],
    kw: &[Value],
    bits: usize,
    mark: usize,
) -> PyResult<(Value, usize)> {
    for (i, &a) in args.iter().enumerate() {
        if i < usize::BITS as usize && (bits >> i) & 1 != 0 {
            if let Some(t) = tuple_items(a) {
                vm.roots.extend_from_slice(t.items());
            } else if let Some(l) = crate::types::list::list_obj(a) {
                for j in 0..l.len() {
                    if let Some(v) = l.get(j) {
                        vm.roots.push(v);
                    }
                }
            } else {
                let it = vm.get_iter(a)?;
                vm.roots.push(it);
                let slot = vm.roots.len() - 1;
                while let Some(v) = vm.iter_next(it)? {
                    vm.roots.push(v);
                }
                vm.roots.remove(slot);
            }
        } else {
            vm.roots.push(a);
        }
    }
    let npos = vm.roots.len() - mark;
    for pair in kw.chunks_exact(2) {
        if !pair[0].is_null() {
            let q = kw_key(vm, pair[0])?;
            vm.roots.push(Value::qstr(q));
            vm.roots.push(pair[1]);
            continue;
        }
        let m = pair[1];
        if let Some(d) = m.downcast::<DictObj>() {
            let n = d.map.slots();
            for i in 0..n {
                let (k, v) = d.map.slot(i);
                if k.is_null() {
                    continue;
                }
                let q = kw_key(vm, k)?;
                vm.roots.push(Value::qstr(q));
                vm.roots.push(v);
            }
        } else {
            // Any mapping: keys() then m[key].
            let keys = vm.call_method(m, crate::qstr::Q::keys, &[])?;
            vm.roots.push(keys);
            let it = vm.get_iter(keys)?;
            vm.roots.push(it);
            while let Some(k) = vm.iter_next(it)? {
                vm.roots.push(k);
                let v = vm.subscr(m, k)?;
                let q = kw_key(vm, k)?;
                vm.roots.pop();
                vm.roots.push(Value::qstr(q));
                vm.roots.push(v);
            }
            // Drop `keys` and `it` from the middle by rebuilding below.
            let _ = (keys, it);
        }
    }
    // Remove helper entries (keys/iterator objects) that are not arguments: they were pushed
    // just before their pairs; rebuild the list without them.
    let all: Vec<Value> = vm.roots[mark..].to_vec();
    let mut clean: Vec<Value> = Vec::with_capacity(all.len());
    clean.extend_from_slice(&all[..npos]);
    let mut i = npos;
    while i < all.len() {
        let k = all[i];
        if k.is_qstr() && i + 1 < all.len() {
            clean.push(k);
            clean.push(all[i + 1]);
            i += 2;
        } else {
            i += 1;
        }
    }
    let t = new_tuple(vm, &clean)?;
    Ok((t, npos))
}

/// Run a function with a dict as its locals (class bodies: `__build_class__` calls this).
pub fn call_function_with_locals(vm: &mut Vm, fun: Value, locals: Value) -> PyResult<Value> {
    let Some(fo) = fun.downcast::<FunObj>() else {
        return vm.call(fun, &[], &[]);
    };
    call_fun(vm, fo, Value::NULL, &[], &[], locals)
}
