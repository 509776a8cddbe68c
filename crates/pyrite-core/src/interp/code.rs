//! The loader: a [`CompiledModule`] (MicroPython .mpy v6 bytecode held in memory) becomes
//! runtime objects in the GC heap:
//!
//! - a [`ModuleCtx`] per compilation unit: the module's qstr table mapped to runtime qstrs, the
//!   constant table as a tuple of objects, and the source file name (for tracebacks);
//! - a [`CodeObj`] per function body: its bytecode (prelude + opcodes, byte for byte as in the
//!   .mpy file, in a GC byte array), its children (a tuple of `CodeObj`s), the decoded prelude
//!   fields the VM needs, and the argument names as runtime qstrs;
//! - [`FunObj`] function objects, made by MAKE_FUNCTION/MAKE_CLOSURE (and for the module body
//!   by [`make_function`]): code + globals + defaults + kw-defaults + closure cells.
//!
//! Every function's bytecode is checked with `bc::verify_code` when it is loaded, so the
//! dispatch loop can rely on valid opcodes, in-range qstr/const/child/local operands and jump
//! targets that land on instruction starts. The value stack depth is not verified statically;
//! the dispatch loop bounds-checks pushes and pops against the frame instead.

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::Cell;

use pyrite_compiler::bc;
use pyrite_compiler::raw::scope_flags;
use pyrite_compiler::{CompiledModule, Const, RawCode};

use crate::obj::{flags, AttrAction, PrintKind, Type};
use crate::qstr::{Qstr, Q};
use crate::types::tuple::new_tuple;
use crate::value::{Gc, ObjHeader, Value, VarObj};
use crate::vm::Vm;
use crate::PyResult;

/// Internal type of loader-made helper objects (module context, qstr tables, bytecode).
pub static CODE_INTERNAL_TYPE: Type = Type::new(Q::code).with_flags(flags::EQ_IS_IDENTITY);

/// A module's qstr table: bytecode qstr operand `i` names runtime qstr `items()[i]`.
pub type QstrTable = VarObj<ObjHeader, Qstr>;
/// Bytecode bytes (prelude + opcodes).
pub type BytecodeObj = VarObj<ObjHeader, u8>;

/// Per-compilation-unit context shared by all its functions.
#[repr(C)]
pub struct ModuleCtx {
    pub hdr: ObjHeader,
    /// The source file name (qstr table entry 0).
    pub file: Qstr,
    pub qstrs: Gc<QstrTable>,
    /// The constant table (a tuple).
    pub consts: Value,
}
crate::py_object!(ModuleCtx, MODULE_CTX_TYPE);
pub static MODULE_CTX_TYPE: Type = Type::new(Q::code).with_flags(flags::EQ_IS_IDENTITY);

/// One function body.
#[repr(C)]
pub struct CodeObj {
    pub hdr: ObjHeader,
    pub ctx: Gc<ModuleCtx>,
    pub bc: Gc<BytecodeObj>,
    /// Nested code (a tuple of CodeObj values).
    pub children: Value,
    /// Argument names (positional then keyword-only) as runtime qstrs.
    pub arg_names: Gc<QstrTable>,
    /// The function's simple name.
    pub name: Qstr,
    pub n_state: u32,
    pub n_exc_stack: u32,
    pub scope_flags: u8,
    pub n_pos_args: u8,
    pub n_kwonly_args: u8,
    pub n_def_pos_args: u8,
    pub n_cell: u32,
    pub cells_offset: u32,
    pub code_offset: u32,
    pub line_info_offset: u32,
    pub line_info_end: u32,
    /// Compiled from `@micropython.native` or `@micropython.viper` (as MicroPython's native
    /// functions: no `__code__`, cannot be marshalled).
    pub native: bool,
}
crate::py_object!(CodeObj, CODE_TYPE);
pub static CODE_TYPE: Type = Type {
    print: Some(code_print),
    ..Type::new(Q::code)
}
.with_flags(flags::EQ_IS_IDENTITY);

fn code_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(c) = v.downcast::<CodeObj>() {
        out.push_str("<code object ");
        out.push_str(vm.qstr_str(c.name));
        out.push('>');
    }
    Ok(())
}

impl CodeObj {
    #[inline(always)]
    pub fn is_generator(&self) -> bool {
        self.scope_flags & scope_flags::GENERATOR != 0
    }
    /// The whole bytecode (prelude + opcodes).
    #[inline(always)]
    pub fn bytes(&self) -> &[u8] {
        self.bc.items()
    }
    /// Number of exception-stack words (3 per handler).
    #[inline(always)]
    pub fn exc_words(&self) -> usize {
        self.n_exc_stack as usize * 3
    }
    /// Total frame words: state (locals + value stack) + exception stack.
    #[inline(always)]
    pub fn frame_words(&self) -> usize {
        self.n_state as usize + self.exc_words()
    }
    /// Source line of the opcode at `pc` (an offset into the whole bytecode).
    pub fn line_of(&self, pc: usize) -> usize {
        let p = bc::Prelude {
            line_info_offset: self.line_info_offset as usize,
            line_info_end: self.line_info_end as usize,
            ..Default::default()
        };
        let off = pc.saturating_sub(self.code_offset as usize);
        bc::source_line(self.bytes(), &p, off) as usize
    }
    /// Child code `i`.
    pub fn child(&self, i: usize) -> Option<Gc<CodeObj>> {
        let t = crate::types::tuple::tuple_items(self.children)?;
        t.items().get(i)?.downcast::<CodeObj>()
    }
}

/// A Python function (`def`, `lambda`, comprehension, module body).
#[repr(C)]
pub struct FunObj {
    pub hdr: ObjHeader,
    pub code: Gc<CodeObj>,
    /// The module's globals dict.
    pub globals: Value,
    /// Default positional values (a tuple) or NULL.
    pub defaults: Value,
    /// Keyword-only defaults (a dict) or NULL.
    pub kwdefaults: Value,
    /// Closed-over cells (a tuple, passed as the first positional arguments) or NULL.
    pub closure: Value,
    /// `__dict__` for function attributes (NULL until needed; unsupported for now).
    pub dict: Cell<Value>,
}
crate::py_object!(FunObj, FUNCTION_TYPE);

/// `function`: functions defined in Python.
pub static FUNCTION_TYPE: Type = Type {
    make_new: Some(fun_make_new),
    print: Some(fun_print),
    call: Some(crate::interp::call::fun_call),
    attr: Some(fun_attr),
    ..Type::new(Q::function)
}
.with_flags(flags::EQ_IS_IDENTITY | flags::BINDS_SELF);

/// `function(code, globals)` (`type(lambda: 0)(...)`): a new function running `code` (a code
/// object, or a function whose code is taken) with `globals`; no defaults, no closure.
fn fun_make_new(
    vm: &mut Vm,
    _ty: crate::value::TypeRef,
    args: &[Value],
    kw: crate::obj::Kw,
) -> PyResult<Value> {
    if args.len() != 2 || !kw.is_empty() {
        return Err(vm.type_error("function takes 2 positional arguments"));
    }
    let code = match args[0].downcast::<CodeObj>() {
        Some(c) => c,
        None => match args[0].downcast::<FunObj>() {
            Some(f) => f.code,
            None => return Err(vm.type_error("expected a code object")),
        },
    };
    if args[1].downcast::<crate::map::DictObj>().is_none() {
        return Err(vm.type_error("globals must be a dict"));
    }
    make_function(vm, code, args[1], Value::NULL, Value::NULL, Value::NULL)
}

fn fun_print(vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    if let Some(f) = v.downcast::<FunObj>() {
        if f.closure.is_null() {
            out.push_str("<function ");
            out.push_str(vm.qstr_str(f.code.name));
            let _ = core::fmt::Write::write_fmt(out, format_args!(" at 0x{:x}>", v.word()));
        } else {
            out.push_str("<closure ");
            out.push_str(vm.qstr_str(f.code.name));
            let _ = core::fmt::Write::write_fmt(out, format_args!(" at 0x{:x}>", v.word()));
        }
    }
    Ok(())
}

fn fun_attr(vm: &mut Vm, v: Value, name: Qstr, action: AttrAction) -> PyResult<Option<Value>> {
    let Some(f) = v.downcast::<FunObj>() else {
        return Ok(None);
    };
    if action != AttrAction::Load {
        return Ok(None);
    }
    Ok(match name {
        Q::__name__ => Some(Value::qstr(f.code.name)),
        Q::__globals__ => Some(f.globals),
        Q::__code__ if !f.code.native => Some(f.code.value()),
        Q::__module__ => {
            let g = f.globals;
            match g.downcast::<crate::map::DictObj>() {
                Some(d) => d.map.get_qstr(vm, Q::__name__),
                None => None,
            }
        }
        _ => None,
    })
}

/// True if `v` is a Python function (of any kind: plain, closure, generator function).
pub fn is_function(v: Value) -> bool {
    v.downcast::<FunObj>().is_some()
}

/// A cell: the box of a variable shared between a function and its closures.
#[repr(C)]
pub struct CellObj {
    pub hdr: ObjHeader,
    pub value: Cell<Value>,
}
crate::py_object!(CellObj, CELL_TYPE);
pub static CELL_TYPE: Type = Type {
    print: Some(cell_print),
    ..Type::new(Q::cell)
}
.with_flags(flags::EQ_IS_IDENTITY);

fn cell_print(_vm: &mut Vm, v: Value, _k: PrintKind, out: &mut String) -> PyResult<()> {
    let _ = core::fmt::Write::write_fmt(out, format_args!("<cell 0x{:x}>", v.word()));
    Ok(())
}

/// A new cell holding `v` (NULL for an empty cell).
pub fn new_cell(vm: &mut Vm, v: Value) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(CellObj {
            hdr: ObjHeader::new(&CELL_TYPE),
            value: Cell::new(v),
        })?
        .value())
}

// ---------------------------------------------------------------------------------------------
// Loading

#[cold]
fn bad_code(vm: &mut Vm, e: bc::BcError) -> crate::PyErr {
    let m = alloc::format!("invalid bytecode: {}", e);
    vm.value_error(&m)
}

/// Turn one constant into an object.
fn load_const(vm: &mut Vm, c: &Const) -> PyResult<Value> {
    Ok(match c {
        Const::Str(s) => crate::types::str::new_str(vm, s)?,
        Const::Bytes(b) => crate::types::bytes::new_bytes(vm, b)?,
        Const::Int(t) => crate::types::int::parse_int(vm, t, 10)?,
        Const::Float(t) => crate::types::float::parse_float(vm, t)?,
        Const::Complex(t) => {
            let im = crate::types::float::parse_float(vm, t)?;
            let f = crate::types::float::float_value(im).unwrap_or(0.0);
            crate::types::complex::new_complex(vm, 0.0, f)?
        }
        Const::Ellipsis => Value::ELLIPSIS,
        Const::None => Value::NONE,
        Const::True => Value::TRUE,
        Const::False => Value::FALSE,
        Const::Tuple(items) => {
            let mark = vm.roots.len();
            for it in items {
                let v = match load_const(vm, it) {
                    Ok(v) => v,
                    Err(e) => {
                        vm.roots.truncate(mark);
                        return Err(e);
                    }
                };
                vm.roots.push(v);
            }
            let vals: Vec<Value> = vm.roots[mark..].to_vec();
            let t = new_tuple(vm, &vals);
            vm.roots.truncate(mark);
            t?
        }
    })
}

/// Load a compiled module: returns the code object of its body.
pub fn load_module(vm: &mut Vm, m: &CompiledModule) -> PyResult<Gc<CodeObj>> {
    let mark = vm.roots.len();
    let r = load_module_inner(vm, m);
    vm.roots.truncate(mark);
    r
}

fn load_module_inner(vm: &mut Vm, m: &CompiledModule) -> PyResult<Gc<CodeObj>> {
    let qs: Vec<Qstr> = m.qstrs.iter().map(|s| vm.intern(s)).collect();
    let file = qs.first().copied().unwrap_or(Q::LT_STRING);
    let qtab = vm.alloc_var(ObjHeader::new(&CODE_INTERNAL_TYPE), &qs)?;
    vm.roots.push(qtab.value());
    let mark = vm.roots.len();
    for c in &m.consts {
        let v = load_const(vm, c)?;
        vm.roots.push(v);
    }
    let vals: Vec<Value> = vm.roots[mark..].to_vec();
    let consts = new_tuple(vm, &vals)?;
    vm.roots.truncate(mark);
    vm.roots.push(consts);
    let ctx = vm.alloc_obj(ModuleCtx {
        hdr: ObjHeader::new(&MODULE_CTX_TYPE),
        file,
        qstrs: qtab,
        consts,
    })?;
    vm.roots.push(ctx.value());
    load_raw(vm, ctx, &qs, m.consts.len(), &m.root, 0)
}

fn load_raw(
    vm: &mut Vm,
    ctx: Gc<ModuleCtx>,
    qs: &[Qstr],
    n_obj: usize,
    raw: &RawCode,
    depth: usize,
) -> PyResult<Gc<CodeObj>> {
    if depth > 200 {
        return Err(vm.value_error("invalid bytecode: nesting too deep"));
    }
    let code = &raw.bytecode;
    let viper = raw.kind == pyrite_compiler::RawCodeKind::Viper;
    let p = bc::verify_code_ext(code, qs.len(), n_obj, raw.children.len(), viper)
        .map_err(|e| bad_code(vm, e))?;
    let extra = (p.scope_flags & scope_flags::VARARGS != 0) as usize
        + (p.scope_flags & scope_flags::VARKEYWORDS != 0) as usize;
    if p.n_pos_args + p.n_kwonly_args + extra > p.n_state || p.n_state > u16::MAX as usize {
        return Err(bad_code(vm, bc::BcError::BadPrelude));
    }
    // Children first (rooted in vm.roots until the tuple holds them).
    let mark = vm.roots.len();
    for ch in &raw.children {
        let c = load_raw(vm, ctx, qs, n_obj, ch, depth + 1)?;
        vm.roots.push(c.value());
    }
    let kids: Vec<Value> = vm.roots[mark..].to_vec();
    let children = new_tuple(vm, &kids)?;
    vm.roots.truncate(mark);
    vm.roots.push(children);
    let names: Vec<Qstr> = bc::arg_name_qstrs(code, &p)
        .into_iter()
        .map(|i| qs.get(i as usize).copied().unwrap_or(Q::EMPTY))
        .collect();
    let arg_names = vm.alloc_var(ObjHeader::new(&CODE_INTERNAL_TYPE), &names)?;
    vm.roots.push(arg_names.value());
    let bco = vm.alloc_var(ObjHeader::new(&CODE_INTERNAL_TYPE), code)?;
    vm.roots.push(bco.value());
    let name = qs.get(p.name_qstr as usize).copied().unwrap_or(Q::EMPTY);
    let c = vm.alloc_obj(CodeObj {
        hdr: ObjHeader::new(&CODE_TYPE),
        ctx,
        bc: bco,
        children,
        arg_names,
        name,
        n_state: p.n_state as u32,
        n_exc_stack: p.n_exc_stack as u32,
        scope_flags: p.scope_flags,
        n_pos_args: p.n_pos_args as u8,
        n_kwonly_args: p.n_kwonly_args as u8,
        n_def_pos_args: p.n_def_pos_args as u8,
        n_cell: p.n_cell as u32,
        cells_offset: p.cells_offset as u32,
        code_offset: p.code_offset as u32,
        line_info_offset: p.line_info_offset as u32,
        line_info_end: p.line_info_end as u32,
        native: raw.kind != pyrite_compiler::RawCodeKind::Bytecode,
    })?;
    vm.roots.truncate(mark);
    Ok(c)
}

/// Make a function object from code.
pub fn make_function(
    vm: &mut Vm,
    code: Gc<CodeObj>,
    globals: Value,
    defaults: Value,
    kwdefaults: Value,
    closure: Value,
) -> PyResult<Value> {
    Ok(vm
        .alloc_obj(FunObj {
            hdr: ObjHeader::new(&FUNCTION_TYPE),
            code,
            globals,
            defaults,
            kwdefaults,
            closure,
            dict: Cell::new(Value::NULL),
        })?
        .value())
}
