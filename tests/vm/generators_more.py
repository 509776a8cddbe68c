def countdown(n):
    while n > 0:
        yield n
        n -= 1
    return "liftoff"

print(list(countdown(3)))

def delegator():
    r = yield from countdown(2)
    yield r

print(list(delegator()))

def echo():
    received = []
    try:
        while True:
            x = yield len(received)
            received.append(x)
    except GeneratorExit:
        print("closing with", received)
        raise

e = echo()
print(next(e))
print(e.send("a"))
print(e.send("b"))
e.close()

def catcher():
    while True:
        try:
            yield "ready"
        except ValueError as ex:
            yield "caught " + str(ex)

c = catcher()
print(next(c))
print(c.throw(ValueError("boom")))
print(next(c))

def outer_gen():
    try:
        yield from catcher()
    finally:
        print("outer cleanup")

o = outer_gen()
print(next(o))
print(o.throw(ValueError("inner")))
o.close()

def gen_exc():
    yield 1
    raise KeyError("k")

g = gen_exc()
print(next(g))
try:
    next(g)
except KeyError as ex:
    print("KeyError", ex)
try:
    next(g)
except StopIteration:
    print("exhausted")

def stop_inside():
    yield 1
    raise StopIteration

try:
    list(stop_inside())
except RuntimeError as ex:
    print("RuntimeError", ex)

squares = (x * x for x in range(5))
print(sum(squares))

def running():
    yield gr.send(None)

gr = running()
try:
    next(gr)
except ValueError as ex:
    print("ValueError", ex)

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b

out = []
for v in fib():
    if v > 50:
        break
    out.append(v)
print(out)
