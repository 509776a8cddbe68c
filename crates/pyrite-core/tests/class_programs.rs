//! Class and exception programs run through the compiler and VM; output compared with CPython
//! (or with MicroPython's behaviour where it deliberately differs).
mod common;

use pyrite_core::obj::{BuiltinFn, Kw, UnaryOp};
use pyrite_core::types::{class, descr, exception as e};
use pyrite_core::value::TypeRef;
use pyrite_core::{PyResult, Value, Vm};

fn name_arg(vm: &mut Vm, v: Value) -> PyResult<pyrite_core::Qstr> {
    match class::attr_name(vm, v) {
        Some(q) => Ok(q),
        None => Err(vm.type_error("attribute name must be a str")),
    }
}

fn bi_getattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let q = name_arg(vm, args[1])?;
    if args.len() == 3 {
        return match vm.load_attr_maybe(args[0], q) {
            Ok(v) => Ok(v.unwrap_or(args[2])),
            Err(err) if e::exception_match(vm, err.0, Value::from_static(&e::ATTRIBUTE_ERROR))? => {
                Ok(args[2])
            }
            Err(err) => Err(err),
        };
    }
    vm.load_attr(args[0], q)
}
fn bi_hasattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let q = name_arg(vm, args[1])?;
    match vm.load_attr_maybe(args[0], q) {
        Ok(v) => Ok(Value::from_bool(v.is_some())),
        Err(err) if e::exception_match(vm, err.0, Value::from_static(&e::ATTRIBUTE_ERROR))? => {
            Ok(Value::FALSE)
        }
        Err(err) => Err(err),
    }
}
fn bi_setattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let q = name_arg(vm, args[1])?;
    vm.store_attr(args[0], q, args[2])?;
    Ok(Value::NONE)
}
fn bi_delattr(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let q = name_arg(vm, args[1])?;
    vm.delete_attr(args[0], q)?;
    Ok(Value::NONE)
}
fn bi_hash(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let h = vm.hash(args[0])?;
    Ok(Value::small_int((h as isize) & pyrite_core::value::SMALL_INT_MAX).unwrap())
}
fn bi_abs(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    vm.unary_op(UnaryOp::Abs, args[0])
}
fn bi_str(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let s = vm.str_string(args[0])?;
    pyrite_core::types::str::new_str(vm, &s)
}
fn bi_callable(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    Ok(Value::from_bool(vm.is_callable(args[0])))
}
fn bi_print_exception(vm: &mut Vm, args: &[Value], _kw: Kw) -> PyResult<Value> {
    let mut out = String::new();
    e::print_exception(vm, args[0], &mut out)?;
    vm.write_stdout(&out);
    Ok(Value::NONE)
}

static GETATTR: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 2, 3, bi_getattr);
static HASATTR: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 2, 2, bi_hasattr);
static SETATTR: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 3, 3, bi_setattr);
static DELATTR: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 2, 2, bi_delattr);
static HASH: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 1, 1, bi_hash);
static ABS: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 1, 1, bi_abs);
static STR: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 1, 1, bi_str);
static CALLABLE: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 1, 1, bi_callable);
static PRINT_EXC: BuiltinFn = BuiltinFn::new(pyrite_core::Q::EMPTY, 1, 1, bi_print_exception);

fn run(src: &str) -> String {
    let mut env = common::make_env(Default::default(), None);
    let vm = &mut env.vm;
    let b = vm
        .interp
        .builtins
        .downcast::<pyrite_core::map::DictObj>()
        .unwrap();
    let add = |vm: &mut Vm, name: &str, v: Value| {
        let q = vm.intern(name);
        b.map.set_qstr(vm, q, v).unwrap();
    };
    for (n, f) in [
        ("getattr", &GETATTR),
        ("hasattr", &HASATTR),
        ("setattr", &SETATTR),
        ("delattr", &DELATTR),
        ("hash", &HASH),
        ("abs", &ABS),
        ("str", &STR),
        ("callable", &CALLABLE),
        ("print_exception", &PRINT_EXC),
        ("issubclass", &class::ISSUBCLASS_FN),
        ("isinstance", &class::ISINSTANCE_FN),
        ("__build_class__", &class::BUILD_CLASS_FN),
    ] {
        add(vm, n, f.value());
    }
    for (n, t) in [
        ("property", &descr::PROPERTY_TYPE),
        ("classmethod", &descr::CLASSMETHOD_TYPE),
        ("staticmethod", &descr::STATICMETHOD_TYPE),
        ("super", &descr::SUPER_TYPE),
        ("int", &pyrite_core::types::int::INT_TYPE),
        ("list", &pyrite_core::types::list::LIST_TYPE),
        ("dict", &pyrite_core::types::dict::DICT_TYPE),
        ("tuple", &pyrite_core::types::tuple::TUPLE_TYPE),
        ("range", &pyrite_core::types::range::RANGE_TYPE),
    ] {
        add(vm, n, TypeRef::of_static(t).value());
    }
    add(vm, "NotImplemented", Value::NOT_IMPLEMENTED);
    for t in e::BUILTIN_EXCEPTIONS {
        let n = vm.qstr_str(t.name);
        add(vm, n, TypeRef::of_static(t).value());
    }
    common::run_env(&mut env, src)
}

fn check(src: &str) {
    let src = src.to_string();
    common::big_stack(move || {
        let want = common::cpython(&src);
        let got = run(&src);
        assert_eq!(got, want, "program:\n{}", src);
    });
}

fn check_out(src: &str, want: &str) {
    let src = src.to_string();
    let want = want.to_string();
    common::big_stack(move || {
        let got = run(&src);
        assert_eq!(got, want, "program:\n{}", src);
    });
}

#[test]
fn class_basics() {
    check(
        r#"
class A:
    x = 1
    def __init__(self, v):
        self.v = v
    def get(self):
        return self.v
    def set(self, v):
        self.v = v
        return self
a = A(5)
print(a.v, a.x, a.get(), A.x, a.set(7).get())
a.x = 10
print(a.x, A.x)
del a.x
print(a.x, type(a) is A, type(a).__name__, A.__name__, a.__class__ is A)
print(isinstance(a, A), isinstance(a, object), isinstance(1, A), issubclass(A, object))
m = a.get
print(m(), A.get(a))
class B(A):
    y = 2
    def get(self):
        return ("B", A.get(self))
b = B(3)
print(b.get(), b.y, b.x, isinstance(b, A), issubclass(B, A), issubclass(A, B))
print(B.__bases__ == (A,), A.__bases__ == (object,))
class C:
    def who(self):
        return "C"
class D(B, C):
    pass
d = D(1)
print(d.get(), d.who(), isinstance(d, C), issubclass(D, (C, int)))
try:
    a.nope
except AttributeError as e:
    print(e)
print(getattr(a, "nope", "dflt"), hasattr(a, "v"), hasattr(a, "nope"))
setattr(a, "w", 42)
print(a.w)
delattr(a, "w")
print(hasattr(a, "w"))
T = type("T", (A,), {"z": 3})
t = T(4)
print(T.__name__, t.z, t.v, t.get(), isinstance(t, A))
print(type(A) is type, type(type) is type)
"#,
    );
}

#[test]
fn special_methods() {
    check(
        r#"
class V:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __repr__(self):
        return "V(" + str(self.x) + ", " + str(self.y) + ")"
    def __add__(self, o):
        return V(self.x + o.x, self.y + o.y)
    def __mul__(self, k):
        return V(self.x * k, self.y * k)
    def __rmul__(self, k):
        return V(self.x * k * 10, self.y * k * 10)
    def __neg__(self):
        return V(-self.x, -self.y)
    def __abs__(self):
        return abs(self.x) + abs(self.y)
    def __eq__(self, o):
        return isinstance(o, V) and self.x == o.x and self.y == o.y
    def __hash__(self):
        return self.x * 1000 + self.y
    def __lt__(self, o):
        return self.x < o.x
    def __len__(self):
        return 2
    def __getitem__(self, i):
        if i == 0:
            return self.x
        if i == 1:
            return self.y
        raise IndexError("V index")
    def __contains__(self, v):
        return v == self.x or v == self.y
    def __call__(self, *args):
        return ("called", args)
a = V(1, 2)
b = V(3, 4)
print(a + b, a * 3, 3 * a, -a, abs(V(-1, 2)))
print(a == V(1, 2), a != V(1, 2), a == b, a != b, a < b, a > b)
print(len(a), a[0], a[1], list(a), 2 in a, 5 in a, 5 not in a)
print(a(1, 2), a())
print(hash(a) == hash(V(1, 2)))
x, y = a
print(x, y, str(a), repr(a), [a])
class S:
    def __str__(self):
        return "str of S"
print(str(S()), S())
class R:
    def __repr__(self):
        return "repr of R"
print(str(R()), repr(R()), R())
class Inplace:
    def __init__(self, v):
        self.v = v
    def __iadd__(self, o):
        self.v += o
        return self
i = Inplace(1)
j = i
i += 5
print(i.v, i is j)
class NI:
    def __add__(self, o):
        return NotImplemented
class RAdd:
    def __radd__(self, o):
        return "radd"
print(NI() + RAdd())
try:
    NI() + 1
except TypeError:
    print("TypeError add")
class Items:
    def __init__(self):
        self.d = {}
    def __setitem__(self, k, v):
        self.d[k] = v
    def __getitem__(self, k):
        return self.d[k]
    def __delitem__(self, k):
        del self.d[k]
it = Items()
it["a"] = 1
print(it["a"])
del it["a"]
print(len(it.d))
class It:
    def __init__(self, n):
        self.n = n
        self.i = 0
    def __iter__(self):
        return self
    def __next__(self):
        if self.i >= self.n:
            raise StopIteration
        self.i += 1
        return self.i
print(list(It(4)))
for v in It(2):
    print("it", v)
class EqOnly:
    def __eq__(self, o):
        return True
try:
    hash(EqOnly())
except TypeError:
    print("unhashable")
class Plain:
    pass
p = Plain()
print(hash(p) == hash(p), p == p, p != Plain(), callable(p), callable(a))
for f in (lambda: p + 1, lambda: len(p), lambda: p(), lambda: p[0], lambda: iter(p)):
    try:
        f()
    except TypeError:
        print("TypeError")
class Bool2:
    def __len__(self):
        return 0
print("yes" if Bool2() else "no")
class Ctx:
    def __enter__(self):
        print("enter")
        return self
    def __exit__(self, a, b, c):
        print("exit", a is None)
        return True
with Ctx() as c:
    print("body", type(c).__name__)
with Ctx():
    raise ValueError
print("suppressed")
"#,
    );
}

#[test]
fn descriptors() {
    check(
        r#"
class P:
    def __init__(self):
        self._x = 0
    @property
    def x(self):
        return self._x
    @x.setter
    def x(self, v):
        self._x = v * 2
    @x.deleter
    def x(self):
        print("deleting")
        self._x = None
    @property
    def ro(self):
        return "read-only"
p = P()
print(p.x)
p.x = 5
print(p.x, p._x)
del p.x
print(p.x, p.ro)
try:
    p.ro = 1
except AttributeError:
    print("AttributeError")
print(type(P.x).__name__)
class M:
    n = 3
    @classmethod
    def make(cls, a):
        return (cls.__name__, cls.n, a)
    @staticmethod
    def stat(a, b):
        return a + b
class N(M):
    n = 4
print(M.make(1), M().make(2), N.make(3), N().make(4), M.stat(1, 2), M().stat(3, 4))
class Desc:
    def __get__(self, obj, objtype=None):
        return ("get", type(obj).__name__, objtype.__name__)
    def __set__(self, obj, value):
        obj.__dict__["_d"] = value * 10
    def __delete__(self, obj):
        print("desc delete")
class UsesDesc:
    d = Desc()
u = UsesDesc()
print(u.d)
u.d = 4
print(u._d)
del u.d
class Named:
    def __set_name__(self, owner, name):
        self.name = name
        self.owner = owner.__name__
class HasNamed:
    foo = Named()
    bar = Named()
print(HasNamed.foo.name, HasNamed.bar.name, HasNamed.foo.owner)
class GA:
    a = 1
    def __getattr__(self, name):
        if name == "magic":
            return 42
        raise AttributeError(name)
g = GA()
print(g.a, g.magic, getattr(g, "other", "dflt"), hasattr(g, "x"))
class SA:
    def __setattr__(self, name, value):
        print("setattr", name, value)
        object.__setattr__(self, name, value + 1)
    def __delattr__(self, name):
        print("delattr", name)
        object.__delattr__(self, name)
s = SA()
s.q = 1
print(s.q)
del s.q
print(hasattr(s, "q"))
"#,
    );
}

#[test]
fn super_and_new() {
    check(
        r#"
class A:
    def __init__(self, v):
        print("A.__init__", v)
        self.v = v
    def f(self):
        return "A.f"
    @classmethod
    def c(cls):
        return "A.c " + cls.__name__
class B(A):
    def __init__(self, v):
        print("B.__init__", v)
        super().__init__(v + 1)
    def f(self):
        return "B.f>" + super().f()
    @classmethod
    def c(cls):
        return "B.c>" + super().c()
class C(B):
    def f(self):
        return "C.f>" + super(C, self).f()
c = C(1)
print(c.v, c.f(), C.c(), c.c())
s = super(C, c)
print(s.f())
class WithNew:
    def __new__(cls, *args):
        print("__new__", cls.__name__, args)
        o = super().__new__(cls)
        o.made_by_new = True
        return o
    def __init__(self, a):
        print("__init__", a)
w = WithNew(5)
print(w.made_by_new)
class NewOther:
    def __new__(cls):
        return 42
    def __init__(self):
        print("not called")
print(NewOther())
class Plugin:
    registry = []
    def __init_subclass__(cls, **kw):
        Plugin.registry.append((cls.__name__, kw))
class P1(Plugin):
    pass
class P2(Plugin, tag=1):
    pass
print(Plugin.registry)
class O:
    def __init__(self):
        super().__init__()
        print("O init ok")
O()
class Bad:
    def __init__(self):
        return 5
try:
    Bad()
except TypeError as e:
    print("TypeError", e)
"#,
    );
}

#[test]
fn native_bases() {
    check(
        r#"
class L(list):
    def total(self):
        t = 0
        for x in self:
            t += x
        return t
l = L([1, 2, 3])
l.append(4)
print(l, len(l), l[0], l.total(), type(l).__name__, isinstance(l, list))
l += [5]
print(l, type(l).__name__)
print(l + [6], 3 in l, list(l))
class L2(list):
    def __init__(self, n):
        super().__init__()
        for i in range(n):
            self.append(i * i)
print(L2(4), len(L2(3)))
class D(dict):
    pass
d = D(a=1)
d["b"] = 2
print(d["a"], d["b"], len(d), isinstance(d, dict))
class I(int):
    def double(self):
        return self * 2
i = I(21)
print(i, i.double(), i + 1, 1 + i, i * 2, -i, i == 21, isinstance(i, int), hash(i) == hash(21))
class Tup(tuple):
    pass
t = Tup((1, 2, 3))
print(t, len(t), t[1], t == (1, 2, 3), isinstance(t, tuple))
class MyErr(Exception):
    pass
class MyErr2(ValueError):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code
try:
    raise MyErr("boom", 2)
except Exception as e:
    print(type(e).__name__, e.args, str(e))
try:
    raise MyErr2("bad", 7)
except ValueError as e:
    print(type(e).__name__, e.args, e.code, str(e))
class WithStr(Exception):
    def __str__(self):
        return "custom message"
print(str(WithStr(1)))
try:
    class X(list, dict):
        pass
except TypeError:
    print("TypeError layout")
"#,
    );
}

#[test]
fn exceptions() {
    check(
        r#"
for cls in (ValueError, KeyError, IndexError, TypeError, ZeroDivisionError, OSError,
            StopIteration, RuntimeError, NotImplementedError, AttributeError,
            NameError, ImportError, AssertionError, MemoryError, OverflowError,
            LookupError, ArithmeticError, Exception, SystemExit, KeyboardInterrupt,
            GeneratorExit, EOFError, UnicodeError, IndentationError, SyntaxError):
    print(cls.__name__, issubclass(cls, BaseException), issubclass(cls, Exception))
e = ValueError("msg")
print(e.args, str(e), type(e).__name__)
e = ValueError()
print(e.args, repr(str(e)))
e = ValueError(1, 2)
print(e.args, str(e))
print(StopIteration(5).value, StopIteration().value, OSError(2, "x").errno)
def f():
    raise ValueError("from f")
try:
    f()
except ValueError as e:
    print("caught", e)
try:
    raise KeyError
except LookupError as e:
    print("lookup", type(e).__name__, e.args)
try:
    1 // 0
except (TypeError, ZeroDivisionError) as e:
    print("tuple match", type(e).__name__)
class MyError(Exception):
    def __init__(self, a, b):
        self.a = a
        self.b = b
try:
    raise MyError(1, 2)
except MyError as e:
    print(e.a, e.b, e.args, isinstance(e, Exception))
class Sub(MyError):
    pass
try:
    raise Sub(3, 4)
except MyError as e:
    print(type(e).__name__, e.a)
try:
    raise 5
except TypeError as e:
    print("TypeError raise")
"#,
    );
}

#[test]
fn micropython_formats() {
    // Where MicroPython deliberately differs from CPython: exception reprs and the report.
    check_out(
        r#"
print(repr(ValueError('x')), repr(ValueError()), repr(ValueError(1, 2)))
class E(ValueError):
    def __init__(self, a):
        self.a = a
print(repr(E(5)), str(E(5)))
print(str(OSError(2, 'x')), str(OSError(2)))
def g():
    raise E(3)
def f():
    g()
try:
    f()
except E as e:
    print_exception(e)
class H(Exception):
    def __repr__(self):
        return "RRR"
try:
    raise H(1)
except Exception as e:
    print_exception(e)
try:
    raise ValueError
except Exception as e:
    print_exception(e)
class A:
    pass
print(repr(A())[:12], repr(A.__init__)[:9])
"#,
        "ValueError('x',) ValueError() ValueError(1, 2)\nE(5,) 5\n[Errno 2] ENOENT: x [Errno 2] ENOENT\n\
Traceback (most recent call last):\n  File \"t.py\", line 13, in <module>\n  File \"t.py\", line 11, in f\n  File \"t.py\", line 9, in g\nE: 3\n\
Traceback (most recent call last):\n  File \"t.py\", line 20, in <module>\nRRR\n\
Traceback (most recent call last):\n  File \"t.py\", line 24, in <module>\nValueError: \n\
<A object at <function\n",
    );
}

#[test]
fn more_semantics() {
    check(
        r#"
class E(Exception):
    def __init__(self, msg, *, code=0):
        super().__init__(msg)
        self.code = code
try:
    raise E("m", code=3)
except E as e:
    print(e.args, e.code, str(e))
class BadInit:
    def __init__(self):
        raise ValueError("in init")
try:
    BadInit()
except ValueError as e:
    print("init raised", e)
print(isinstance(1, (dict, (list, int))), isinstance("a", ((list,), (dict,))))
class K:
    @classmethod
    def make(cls, **kw):
        return (cls.__name__, kw)
    @staticmethod
    def st(*a, **kw):
        return (a, kw)
    def m(self, a, b=2, *, c=3):
        return (a, b, c)
k = K()
print(K.make(x=1), k.make(y=2), K.st(1, z=3), k.st(), k.m(1), k.m(1, c=9), k.m(b=5, a=0))
bm = k.m
print(bm.__self__ is k, bm.__func__ is K.m, bm == k.m, bm != k.m, hash(bm) == hash(k.m))
class Ctr:
    n = 0
    def bump(self):
        type(self).n += 1
        return self.n
c1 = Ctr()
c2 = Ctr()
c1.bump()
c2.bump()
print(Ctr.n, c1.n, c2.n)
def m1(self):
    return "m1 " + type(self).__name__
T = type("T", (), {"m1": m1, "v": 5})
print(T().m1(), T.v, T.__name__)
class G:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        for i in range(self.n):
            yield i * 10
print(list(G(3)), [x for x in G(2)])
class Neg:
    def __len__(self):
        return -1
try:
    len(Neg())
except ValueError:
    print("ValueError len")
cls = object
for i in range(200):
    cls = type("C%d" % i, (cls,), {"depth": i})
o = cls()
print(o.depth, isinstance(o, object), type(o).__name__)
class WithSuperProp:
    @property
    def p(self):
        return "base p"
class SubProp(WithSuperProp):
    @property
    def p(self):
        return "sub>" + super().p
print(SubProp().p)
class CM:
    @classmethod
    def who(cls):
        return cls.__name__
class CM2(CM):
    @classmethod
    def who(cls):
        return "2>" + super().who()
print(CM2.who(), CM2().who())
class UsesClass:
    def f(self):
        return __class__.__name__
print(UsesClass().f())
class Call:
    def __call__(self, a, *args, k=1, **kw):
        return (a, args, k, kw)
print(Call()(1, 2, k=3, z=4))
objs = []
for i in range(300):
    o = Ctr()
    o.idx = i
    o.payload = [i] * 3
    if i % 50 == 0:
        objs.append(o)
print([o.idx for o in objs], [o.payload[0] for o in objs])
class A:
    pass
a = A()
a.__dict__["z"] = 5
print(a.z, "z" in a.__dict__, A.__dict__["__module__"] if "__module__" in A.__dict__ else "nomod")
class Slots:
    __slots__ = ("a",)
s = Slots()
s.a = 1
print(s.a)
class StaticNew:
    def __new__(cls, x):
        o = object.__new__(cls)
        o.x = x
        return o
print(StaticNew(7).x)
"#,
    );
}

/// Run the program in $PYRITE_ADHOC and print its output (debugging aid).
#[test]
#[ignore]
fn adhoc() {
    if let Ok(p) = std::env::var("PYRITE_ADHOC") {
        let src = std::fs::read_to_string(p).unwrap();
        common::big_stack(move || {
            let got = run(&src);
            match std::env::var("PYRITE_ADHOC_OUT") {
                Ok(o) => std::fs::write(o, got).unwrap(),
                Err(_) => print!("{}", got),
            }
        });
    }
}

#[test]
fn object_methods() {
    check(
        r#"
class A:
    def __repr__(self):
        return "A+" + object.__repr__(self)[:1]
    def __eq__(self, o):
        return object.__eq__(self, o)
    def __hash__(self):
        return object.__hash__(self)
a = A()
print(repr(a), a == a, a == A(), hash(a) == hash(a), str(a))
class B:
    def __str__(self):
        return "B:" + super().__str__()[:1]
print(str(B()), hasattr(B(), "__init__"), hasattr(object, "__init__"))
"#,
    );
}
