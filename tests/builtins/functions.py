# Builtin functions: results that CPython and Pyrite agree on.

print(abs(-5), abs(0), abs(7), abs(-2.5))
print(all([]), all([1, 2]), all([1, 0]), any([]), any([0, 0, 3]), any(x > 2 for x in range(4)))
print(bin(0), bin(5), bin(-5), oct(8), oct(-9), hex(255), hex(-255), hex(0))
print(callable(len), callable(1), callable(lambda: 0), callable(int))


class WithCall:
    def __call__(self):
        return 1


print(callable(WithCall()), callable(WithCall))
print(chr(65), chr(0x263A), ord("A"), ord("\u263a"), ord(b"z"))
for bad in (-1, 0x110000):
    try:
        chr(bad)
    except ValueError:
        print("ValueError", bad)
try:
    ord("ab")
except TypeError:
    print("TypeError ord")
print(divmod(7, 2), divmod(-7, 2), divmod(7, -2))
print(hash(1) == hash(1), hash("abc") == hash("ab" + "c"), hash(True) == hash(1))
a = [1]
b = a
print(id(a) == id(b), id(a) == id([1]))
print(len("hello"), len([1, 2, 3]), len(()), len({1: 2}))
print(repr("a'b"), repr([1, "x"]), repr(None))
print(isinstance(1, int), isinstance(True, int), isinstance("s", (int, str)), isinstance(1, (str, (bytes, int))))
print(issubclass(bool, int), issubclass(int, (str, object)), issubclass(int, str))
try:
    issubclass(1, int)
except TypeError:
    print("TypeError issubclass")
try:
    isinstance(1, 2)
except TypeError:
    print("TypeError isinstance")


class A:
    x = 1


o = A()
print(getattr(o, "x"), getattr(o, "y", 42), hasattr(o, "x"), hasattr(o, "y"))
setattr(o, "y", 5)
print(o.y, hasattr(o, "y"))
delattr(o, "y")
print(hasattr(o, "y"))
try:
    getattr(o, "nope")
except AttributeError:
    print("AttributeError getattr")

it = iter([1, 2])
print(next(it), next(it), next(it, "done"))
try:
    next(it)
except StopIteration:
    print("StopIteration")
count = [0]


def tick():
    count[0] += 1
    return count[0]


print(list(iter(tick, 4)))
print(min(3, 1, 2), max(3, 1, 2), min([4, 5, 0]), max("abc"))
print(min([], default=7), max([], default=None), min(["bb", "a", "ccc"], key=len))
print(max([(1, "b"), (3, "a"), (2, "c")], key=lambda t: t[1]))
try:
    min([])
except ValueError:
    print("ValueError min")
print(sum([1, 2, 3]), sum([1, 2], 10), sum([[1], [2]], []), sum(x * x for x in range(4)))
print(sorted([3, 1, 2]), sorted("cba"), sorted([3, 1, 2], reverse=True))
print(sorted(["bb", "a", "ccc"], key=len), sorted({2: 0, 1: 0}))
print(pow(2, 10), pow(2, 10, 1000), pow(3, 4, 5), pow(7, 0, 13), pow(2, 3, None))
print(round(2.5), round(3.5), round(-2.5), round(0.5), round(1.4999))
print(round(7), round(1234, -2), round(1250, -2), round(1350, -2), round(-1250, -2))
print(round(2.675, 2), round(1.25, 1), round(-0.5), round(123.456, -1), round(5, 0))
print(type(round(2.5)), type(round(2.5, 0)))
print(divmod(10, 3), pow(10, 2), abs(-10))
print(list(map(abs, [-1, -2])), list(filter(None, [0, 1, 2])), list(zip("ab", [1, 2])))
print(list(enumerate("ab")), list(reversed([1, 2, 3])), list(range(3)))
