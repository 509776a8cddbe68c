class Awaitable:
    def __init__(self, v):
        self.v = v
    def __await__(self):
        yield ("suspend", self.v)
        return self.v * 2
    __iter__ = __await__  # MicroPython's await uses the iterator protocol

async def inner(x):
    r = await Awaitable(x)
    return r + 1

async def outer():
    a = await inner(1)
    b = await inner(a)
    return [a, b]

def run(coro):
    sent = None
    while True:
        try:
            req = coro.send(sent)
        except StopIteration as e:
            return e.args[0] if e.args else None
        print("request", req)
        sent = None

print(run(outer()))

async def raiser():
    await Awaitable(0)
    raise ValueError("async boom")

try:
    run(raiser())
except ValueError as e:
    print("caught", e)

class AsyncCM:
    async def __aenter__(self):
        print("aenter")
        return self
    async def __aexit__(self, *a):
        print("aexit", a[0])

async def use_cm():
    async with AsyncCM() as c:
        print("in body")
    return "cm done"

print(run(use_cm()))

class AIter:
    def __init__(self, n):
        self.i = 0
        self.n = n
    def __aiter__(self):
        return self
    async def __anext__(self):
        if self.i >= self.n:
            raise StopAsyncIteration
        self.i += 1
        return self.i

async def use_for():
    out = []
    async for v in AIter(3):
        out.append(v)
    return out

print(run(use_for()))

def gen_expr_closure():
    k = 10
    return list(x + k for x in range(3))

print(gen_expr_closure())

def two_way():
    total = 0
    while True:
        v = yield total
        if v is None:
            return total
        total += v

g = two_way()
next(g)
for i in range(4):
    g.send(i)
try:
    g.send(None)
except StopIteration as e:
    print("total", e.args)
