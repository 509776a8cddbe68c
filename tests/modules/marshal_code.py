# marshal round-trips code objects (functions, closures, constants, generators)
import marshal

ftype = type(lambda: 0)


def outer(n):
    k = n * 2

    def inner(x, y=3, *args, z=4, **kw):
        return (k, x, y, args, z, sorted(kw.items()), 1.5, -7, 2**70, b"by", "st", (1, (2, None)))

    return inner


def gen(n):
    for i in range(n):
        yield i * i


code = marshal.loads(marshal.dumps(outer.__code__))
f = ftype(code, {"sorted": sorted})
print(f(5)(1))
print(f(1)(1, 2, 3, z=9, q=1))
g = ftype(marshal.loads(marshal.dumps(gen.__code__)), {"range": range})
print(list(g(5)))
data = marshal.dumps(compile("x = 3\ny = x * 4\n", "<m>", "exec"))
print(type(data))
ns = {}
exec(marshal.loads(data), ns)
print(ns["x"], ns["y"])
