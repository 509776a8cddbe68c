# viper machine-word arithmetic: wrapping, shifts, signed/unsigned, casts, conversions
import sys

BITS = 64 if sys.maxsize > 2**32 else 32
MASK = (1 << BITS) - 1


@micropython.viper
def add(a: int, b: int) -> int:
    return a + b


@micropython.viper
def mul(a: int, b: int) -> int:
    return a * b


@micropython.viper
def shl(a: int, b: int) -> int:
    return a << b


@micropython.viper
def shr(a: int, b: int) -> int:
    return a >> b


@micropython.viper
def ushr(a: uint, b: uint) -> uint:
    return a >> b


@micropython.viper
def divmod_(a: int, b: int):
    return a // b, a % b


@micropython.viper
def cmp(a: int, b: int):
    return a < b, a <= b, a == b, a != b, a >= b, a > b


@micropython.viper
def ucmp(a: uint, b: uint):
    return a < b, a <= b, a == b, a != b, a >= b, a > b


@micropython.viper
def neg_inv(a: int):
    return -a, ~a, +a


@micropython.viper
def as_uint(a: int) -> uint:
    return uint(a)


@micropython.viper
def as_bool(a) -> bool:
    return bool(a)


@micropython.viper
def int_of(a) -> int:
    return int(a)


@micropython.viper
def none_is_zero() -> int:
    return None


@micropython.viper
def none_local():
    x = None
    return (x,)


@micropython.viper
def bool_arg(b: bool):
    return b, int(b)


print(add(1, 2), add(-5, 3))
print(add(sys.maxsize, 1) == -sys.maxsize - 1)
print(mul(1 << (BITS - 2), 4))
print(shl(1, 3), shl(1, BITS + 2), shr(-16, 2), shr(16, BITS + 1))
print(ushr(-1, 1) == MASK >> 1)
for a in (-7, 7):
    for b in (-2, 2, 3, -3):
        print(a, b, divmod_(a, b), divmod(a, b))
print(cmp(1, 2), cmp(2, 2))
print(ucmp(-1, 1), ucmp(1, -1))
print(neg_inv(5), neg_inv(-5), neg_inv(0))
print(as_uint(-1) == MASK, as_uint(5))
print(as_bool([]), as_bool([0]), as_bool(0), as_bool("x"))
print(int_of(2**100 + 7), int_of(True), int_of(-(2**100) - 1) & 0xFF)
try:
    int_of(1.5)
except TypeError as e:
    print("TypeError", e)
print(none_is_zero(), none_local())
print(bool_arg(7), bool_arg([]))

# Pyrite raises where MicroPython's native code would trap (SIGFPE)
try:
    divmod_(1, 0)
except ZeroDivisionError:
    print("ZeroDivisionError")
