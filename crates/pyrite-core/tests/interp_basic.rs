//! Interpreter tests: small programs run through the loader and dispatch loop, output compared
//! with CPython's (python3) where the two agree.
mod common;

fn check(src: &str) {
    let src = src.to_string();
    common::big_stack(move || {
        let want = common::cpython(&src);
        let got = common::run(&src).unwrap();
        assert_eq!(got, want, "program (pyrite compiler):\n{}", src);
        if let Some(got) = common::run_mpy(&src) {
            if !got.starts_with("COMPILE ERROR") {
                assert_eq!(got, want, "program (mpy-cross):\n{}", src);
            }
        }
    });
}

fn check_out(src: &str, want: &str) {
    let src = src.to_string();
    let want = want.to_string();
    common::big_stack(move || {
        let got = common::run(&src).unwrap();
        assert_eq!(got, want, "program (pyrite compiler):\n{}", src);
        if let Some(got) = common::run_mpy(&src) {
            if !got.starts_with("COMPILE ERROR") {
                assert_eq!(got, want, "program (mpy-cross):\n{}", src);
            }
        }
    });
}

#[test]
fn arithmetic_and_print() {
    check("print(1 + 2, 7 - 10, 6 * 7)\nprint(7 // 2, -7 // 2, 7 % 3, -7 % 3)\nx = 5\nx += 3\nprint(x, x < 9, x == 8, x != 8)\n");
}

#[test]
fn while_loop_and_if() {
    check("i = 0\ns = 0\nwhile i < 100:\n    if i % 3 == 0:\n        s += i\n    elif i % 5 == 0:\n        s -= 1\n    else:\n        pass\n    i += 1\nprint(s)\n");
}

#[test]
fn functions_and_defaults() {
    check("def f(a, b=2, *args, c=3, **kw):\n    print(a, b, args, c, kw is None)\nf(1)\nf(1, 5)\nf(1, 5, 6, 7)\nf(1, c=9)\nf(1, 2, 3, c=4, d=5)\ndef g(x):\n    return x * 2\nprint(g(21))\n");
}

#[test]
fn recursion() {
    check("def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\nprint(fib(20))\n");
}

#[test]
fn for_loops_lists_tuples() {
    check("s = 0\nfor x in [1, 2, 3, 4]:\n    s += x\nfor y in (10, 20):\n    s += y\nprint(s)\nfor a, b in [(1, 2), (3, 4)]:\n    print(a, b)\nl = [1, 2, 3]\nl[1] = 20\nprint(l[1], l[-1], len(l))\n");
}

#[test]
fn break_continue_else() {
    check("for i in [1, 2, 3, 4, 5]:\n    if i == 2:\n        continue\n    if i == 4:\n        break\n    print(i)\nelse:\n    print('no')\nfor i in [1]:\n    pass\nelse:\n    print('else')\n");
}

#[test]
fn closures() {
    check("def outer(n):\n    def inner(k):\n        return n + k\n    return inner\nf = outer(10)\nprint(f(5))\ndef counter():\n    c = 0\n    def inc():\n        nonlocal c\n        c += 1\n        return c\n    return inc\ni = counter()\ni()\ni()\nprint(i())\n");
}

#[test]
fn exceptions_basic() {
    check("try:\n    raise ValueError\nexcept ValueError as e:\n    print('caught', repr(e))\ntry:\n    try:\n        raise ZeroDivisionError\n    finally:\n        print('finally')\nexcept ZeroDivisionError:\n    print('zde')\ndef f():\n    try:\n        return 1\n    finally:\n        print('f finally')\nprint(f())\n");
}

#[test]
fn exceptions_through_frames() {
    check("def a():\n    raise KeyError\ndef b():\n    a()\ntry:\n    b()\nexcept KeyError as e:\n    print('ok', repr(e))\nfor i in [1, 2, 3]:\n    try:\n        if i == 2:\n            continue\n        print(i)\n    finally:\n        print('fin', i)\n");
}

#[test]
fn reraise_and_nested() {
    check("try:\n    try:\n        raise ValueError\n    except ValueError:\n        print('inner')\n        raise\nexcept ValueError as e:\n    print('outer', e)\ntry:\n    try:\n        raise TypeError\n    except ValueError:\n        print('no')\nexcept TypeError:\n    print('type')\n");
}

#[test]
fn generators() {
    check("def gen(n):\n    for i in [1, 2, 3]:\n        if i > n:\n            return\n        yield i\nfor x in gen(2):\n    print(x)\ndef g2():\n    x = yield 1\n    print('got', x)\n    yield x * 2\ng = g2()\nprint(next(g))\nprint(g.send(21))\ndef g3():\n    yield from gen(5)\n    r = yield from sub()\n    print('r', r)\ndef sub():\n    yield 'a'\n    return 'done'\nprint(*list(g3()))\n");
}

#[test]
fn generator_close_throw() {
    check("def g():\n    try:\n        yield 1\n        yield 2\n    except ValueError:\n        print('ve')\n        yield 3\n    finally:\n        print('cleanup')\nx = g()\nprint(next(x))\nprint(x.throw(ValueError))\nx.close()\ny = g()\nnext(y)\ny.close()\nprint('end')\n");
}

#[test]
fn with_statement() {
    check_out(
        "class CM:\n    def __enter__(self):\n        print('enter')\n        return 5\n    def __exit__(self, a, b, c):\n        print('exit', a is None)\n        return True\n",
        "",
    );
}

#[test]
fn unpack() {
    check("a, *b, c = [1, 2, 3, 4, 5]\nprint(a, *b, c)\n*x, y = (1, 2)\nprint(*x, y)\na, b = 1, 2\na, b = b, a\nprint(a, b)\n");
}

#[test]
fn star_call() {
    check("def f(*a, **k):\n    print(a, k is None)\nl = [1, 2]\nf(*l)\nf(0, *l, *(3, 4))\nd = {'x': 1}\nf(**d)\nf(1, *l, y=2, **d)\n");
}

#[test]
fn arg_errors() {
    check_out(
        "def f(a, b):\n    pass\ntry:\n    f(1)\nexcept TypeError as e:\n    print(e)\ntry:\n    f(1, 2, 3)\nexcept TypeError as e:\n    print(e)\ntry:\n    f(1, c=2)\nexcept TypeError as e:\n    print(e)\ntry:\n    f(1, a=2)\nexcept TypeError as e:\n    print(e)\n",
        "f() takes 2 positional arguments but 1 were given\nf() takes 2 positional arguments but 3 were given\nunexpected keyword argument 'c'\nfunction got multiple values for argument 'a'\n",
    );
}

#[test]
fn name_errors() {
    check_out(
        "try:\n    foo\nexcept NameError as e:\n    print(e)\ndef f():\n    x = y\n    y = 1\ntry:\n    f()\nexcept NameError as e:\n    print(e)\n",
        "name 'foo' isn't defined\nlocal variable referenced before assignment\n",
    );
}

#[test]
fn deep_recursion_is_runtime_error() {
    check_out(
        "def f(n):\n    return f(n + 1)\ntry:\n    f(0)\nexcept RuntimeError as e:\n    print(e)\n",
        "maximum recursion depth exceeded\n",
    );
}

#[test]
fn comprehensions_and_lambda() {
    check("print(*[x * 2 for x in [1, 2, 3]])\nf = lambda a, b=1: a + b\nprint(f(1), f(1, 2))\nprint(*[(a, b) for a in [1, 2] for b in [3] if a > 1])\ndef g():\n    yield 5\n    yield 6\nprint(*list(x for x in g()))\n");
}

#[test]
fn globals_and_del() {
    check("g = 1\ndef f():\n    global g\n    g = 2\nf()\nprint(g)\nx = 3\ndel x\ntry:\n    x\nexcept NameError:\n    print('gone')\n");
}

#[test]
fn keyboard_interrupt() {
    common::big_stack(|| {
        let mut env = common::make_env(Default::default(), Some(3));
        let out = common::run_env(&mut env, "try:\n    while True:\n        pass\nexcept KeyboardInterrupt:\n    print('interrupted')\n");
        assert_eq!(out, "interrupted\n");
    });
}

#[test]
fn import_from_files() {
    common::big_stack(|| {
        let mut files = std::collections::HashMap::new();
        let mut add = |k: &str, v: &str| {
            files.insert(k.to_string(), v.as_bytes().to_vec());
        };
        add("pkg/__init__.py", "X = 1\nprint('init pkg')\n");
        add(
            "pkg/mod.py",
            "from . import helper\nfrom .helper import twice\ndef f():\n    return twice(21)\n",
        );
        add("pkg/helper.py", "def twice(x):\n    return 2 * x\n");
        add("pkg/sub/__init__.py", "from .. import X as Y\n");
        add(
            "circ_a.py",
            "import circ_b\nA = 1\ndef get():\n    return circ_b.B\n",
        );
        add("circ_b.py", "import circ_a\nB = 2\n");
        add("bad.py", "x = 1\nraise ValueError\n");
        add("nopkg/inner.py", "V = 'ns'\n");
        let mut env = common::make_env(files, None);
        let out = common::run_env(
            &mut env,
            "import pkg.mod\nprint(pkg.X, pkg.mod.f())\nimport pkg.mod as m2\nprint(m2 is pkg.mod)\nfrom pkg import helper\nprint(helper.twice(4))\nfrom pkg.sub import Y\nprint(Y)\nimport circ_a\nprint(circ_a.get())\ntry:\n    import bad\nexcept ValueError:\n    print('bad failed')\ntry:\n    import bad\nexcept ValueError:\n    print('bad failed again')\ntry:\n    import nosuch\nexcept ImportError as e:\n    print(e)\ntry:\n    from pkg import nothing\nexcept ImportError as e:\n    print(e)\nimport nopkg.inner\nprint(nopkg.inner.V)\n",
        );
        assert_eq!(
            out,
            "init pkg\n1 42\nTrue\n8\n1\n2\nbad failed\nbad failed again\nno module named 'nosuch'\nno module named 'pkg.nothing'\nns\n"
        );
    });
}

#[test]
fn traceback_format() {
    check_out(
        "def f():\n    raise ValueError\n\ndef g():\n    f()\n\ng()\n",
        "Traceback (most recent call last):\n  File \"t.py\", line 7, in <module>\n  File \"t.py\", line 5, in g\n  File \"t.py\", line 2, in f\nValueError: \n",
    );
}

#[test]
fn syntax_error_traceback() {
    check_out(
        "x = (\n",
        "Traceback (most recent call last):\n  File \"t.py\", line 2\nSyntaxError: invalid syntax\n",
    );
}

#[test]
fn deep_native_recursion_is_runtime_error() {
    check_out(
        "class A:\n    def __init__(self, n):\n        A(n + 1)\ntry:\n    A(0)\nexcept RuntimeError as e:\n    print(e)",
        "maximum recursion depth exceeded\n",
    );
}

#[test]
fn class_features() {
    check("class B:\n    def __init__(self, x):\n        self.x = x\n    def get(self):\n        return self.x\nclass C(B):\n    def __init__(self, x, y):\n        super().__init__(x)\n        self.y = y\n    def get(self):\n        return super().get() + self.y\nc = C(1, 2)\nprint(c.get())\nm = c.get\nprint(m())\nclass K:\n    n = 0\n    @staticmethod\n    def s(a):\n        return a * 2\n    @classmethod\n    def c(cls, a):\n        return cls.n + a\nprint(K.s(2), K.c(3), K().c(4))\n");
}

#[test]
fn with_in_loop_and_return() {
    check("class CM:\n    def __init__(self, n):\n        self.n = n\n    def __enter__(self):\n        print('enter', self.n)\n        return self\n    def __exit__(self, a, b, c):\n        print('exit', self.n, a is None)\n        return self.n == 9\ndef f():\n    with CM(1):\n        return 5\nprint(f())\nfor i in (2, 3):\n    with CM(i):\n        if i == 2:\n            continue\n        break\nwith CM(9):\n    raise ValueError\nprint('swallowed')\ntry:\n    with CM(4):\n        raise KeyError\nexcept KeyError:\n    print('propagated')\n");
}

#[test]
fn async_coroutines() {
    check("async def add(a, b):\n    return a + b\nasync def main():\n    x = await add(1, 2)\n    y = await add(x, 3)\n    return y\nc = main()\ntry:\n    c.send(None)\nexcept StopIteration as e:\n    print('result', e.args[0])\n");
}

#[test]
fn range_loops() {
    check("s = []\nfor i in range(10, 0, -3):\n    s.append(i)\nfor i in range(3):\n    s.append(i)\nfor i in range(5, 5):\n    s.append('never')\nfor i in range(4611686018427387900, 4611686018427387904):\n    s.append(i)\nprint(s)\nr = range(2, 8, 2)\nfor i in r:\n    for j in r:\n        if j > i:\n            break\n        print(i, j, end=';')\nprint()\n");
}

#[test]
fn generator_pend_throw() {
    check_out(
        "def gen():\n    i = 0\n    while 1:\n        yield i\n        i += 1\ng = gen()\nprint(next(g))\ng.pend_throw(ValueError())\ntry:\n    next(g)\nexcept ValueError as e:\n    print('raised', repr(e))\ng = gen()\nnext(g)\nprint(repr(g.pend_throw(KeyError())))\nprint(repr(g.pend_throw(None)))\nprint(next(g))\n",
        "0\nraised ValueError()\nNone\nKeyError()\n1\n",
    );
}

#[test]
fn generator_resumed_at_other_depth() {
    // A generator suspended inside try/except is resumed from a deeper native call chain:
    // its handlers must still match (saved stack depths are frame-relative).
    check("def gen2(x):\n    try:\n        yield\n    except ValueError:\n        print('caught')\n    return x\ndef deeper(g, n):\n    if n:\n        return deeper(g, n - 1)\n    try:\n        g.throw(ValueError)\n    except StopIteration as e:\n        print('stop', e.args)\ng = gen2(5)\nnext(g)\nprint(*list(map(lambda k: deeper(g, 3) if k else None, [1])))\n");
}
