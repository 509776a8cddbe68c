# Our own program exercising most compiler features; expected .mpy made by mpy-cross.
from micropython import const
import sys, os.path as osp
from . import sibling
from ..pkg.mod import (a as b, c,)

_PRIVATE = const(42)
PUBLIC = const(_PRIVATE * 2 + 1)
BIG = 1 << 100
NEG = -(2 ** 62)
F = 1.5e-3 * 2
T = (1, "two", b"three", None, True, ..., 4.5, 6j)


def gen(n, *args, key=None, **kw):
    """docstring is dropped"""
    global G
    total = 0
    for i in range(n):
        total += i
    for j in range(10, 0, -3):
        yield j
    for x, *rest in args:
        yield from rest
    G = total
    return total if key else -total


async def coro(q):
    async with q as r:
        async for item in r:
            await item
    return [i for i in ()] if 0 else None


class Base:
    attr: int = 5

    def __init__(self, v):
        self.v = v

    @property
    def value(self):
        return super().value + self.v


class Derived(Base, metaclass=type):
    def method(self, a, b=2, *, c, d=4):
        nonlocal_free = [a]

        def inner():
            nonlocal nonlocal_free
            nonlocal_free = nonlocal_free + [b]
            return lambda z=1: (z, c, d)

        return inner


def control(x):
    while x > 0:
        x -= 1
        if x == 5:
            continue
        elif x == 3:
            break
    else:
        pass
    try:
        y = 1 / x
    except ZeroDivisionError as e:
        raise ValueError("bad") from e
    except (TypeError, KeyError):
        y = None
    else:
        y = 2
    finally:
        del x
    with open("f") as fh, open("g"):
        pass
    assert y, "message"
    return {k: v for k, v in enumerate(range(3)) if k} | {1, 2} and [a for a in "xy"]


print(f"{PUBLIC!r:>10} {BIG=} {{braces}}", sep="")
print(1 < 2 <= 3 != 4, not 0, 1 if 2 else 3, (n := 10), [()][::2] if 0 else 0)
a, b = b, a
a, b, c = c, b, a
x = y = z = 0
s = "implicit" "concatenation" r"\raw" '''triple'''
