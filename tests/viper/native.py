# @micropython.native functions behave like ordinary ones (generators, closures, exceptions)


@micropython.native
def gen(n):
    for i in range(n):
        yield i * i
    return "done"


g = gen(3)
print(list(g))
g = gen(1)
print(next(g))
try:
    next(g)
except StopIteration as e:
    print("stop", e.value)


@micropython.native
def outer(a):
    b = a * 2

    def inner(c):
        return a + b + c

    return inner


print(outer(1)(10))


@micropython.native
def tryit(x):
    try:
        return 10 // x
    except ZeroDivisionError:
        return "div0"
    finally:
        print("finally", x)


print(tryit(2), tryit(0))


class C:
    @micropython.native
    def meth(self, x):
        return [x, self.__class__.__name__]


print(C().meth(1))
print(type(tryit).__name__, tryit.__name__)


@micropython.viper
def vmain(n: int) -> int:
    # a nested plain def inherits viper
    def helper(x: int) -> int:
        return x * 3

    return int(helper(n)) + 1


print(vmain(4))


@micropython.viper
def vcall(f, n: int):
    return f(n, n + 1, True, None)


print(vcall(lambda *a: a, 5))
