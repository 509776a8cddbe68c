# Special methods through user classes.
class V:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __repr__(self):
        return "V(%d, %d)" % (self.x, self.y)

    def __add__(self, o):
        return V(self.x + o.x, self.y + o.y)

    def __sub__(self, o):
        return V(self.x - o.x, self.y - o.y)

    def __mul__(self, k):
        return V(self.x * k, self.y * k)

    def __rmul__(self, k):
        return V(self.x * k * 10, self.y * k * 10)

    def __neg__(self):
        return V(-self.x, -self.y)

    def __pos__(self):
        return self

    def __abs__(self):
        return abs(self.x) + abs(self.y)

    def __invert__(self):
        return V(self.y, self.x)

    def __eq__(self, o):
        return isinstance(o, V) and self.x == o.x and self.y == o.y

    def __hash__(self):
        return hash((self.x, self.y))

    def __lt__(self, o):
        return (self.x, self.y) < (o.x, o.y)

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

    def __bool__(self):
        return self.x != 0 or self.y != 0

    def __call__(self, *args):
        return ("called", args)


a = V(1, 2)
b = V(3, 4)
print(a + b, a - b, a * 3, 3 * a, -a, +a, abs(V(-1, 2)), ~a)
print(a == V(1, 2), a != V(1, 2), a == b, a != b, a < b, a > b)
print(len(a), a[0], a[1], list(a), 2 in a, 5 in a, 5 not in a)
print(bool(a), bool(V(0, 0)), not V(0, 0))
print(a(1, 2), a())
print(hash(a) == hash(V(1, 2)))
print(sorted([V(3, 1), V(1, 2), V(2, 0)]))
d = {a: "a"}
print(d[V(1, 2)])
x, y = a
print(x, y)
print(str(a), repr(a), "%s" % a, [a])


class S:
    def __str__(self):
        return "str of S"


s = S()
print(str(s), s)
print(repr(s).startswith("<"))


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

    def __add__(self, o):
        return Inplace(self.v + o + 1000)


i = Inplace(1)
j = i
i += 5
print(i.v, i is j)
i = i + 5
print(i.v, i is j)


class OnlyAdd:
    def __init__(self, v):
        self.v = v

    def __add__(self, o):
        return OnlyAdd(self.v + o)


o = OnlyAdd(1)
o2 = o
o += 2
print(o.v, o is o2)


class NI:
    def __eq__(self, o):
        return NotImplemented

    def __lt__(self, o):
        return NotImplemented

    def __add__(self, o):
        return NotImplemented


class RAdd:
    def __radd__(self, o):
        return "radd"


print(NI() + RAdd())
try:
    NI() < NI()
except TypeError:
    print("TypeError lt")
try:
    NI() + 1
except TypeError:
    print("TypeError add")
n = NI()
print(n == n, n == NI())


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
it[2] = 3
print(it["a"], it[2])
del it["a"]
print(sorted(it.d.items()))
try:
    it["zz"]
except KeyError as e:
    print("KeyError", e.args)


class Iter:
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


print(list(Iter(4)), sum(Iter(10)))
for v in Iter(2):
    print("it", v)


class GetItemOnly:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return i * i


print(list(GetItemOnly()))


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
print(hash(p) == hash(p), p == p, p != Plain())
try:
    p + 1
except TypeError:
    print("TypeError")
try:
    len(p)
except TypeError:
    print("TypeError len")
try:
    p()
except TypeError:
    print("TypeError call")
try:
    p[0]
except TypeError:
    print("TypeError subscr")
try:
    iter(p)
except TypeError:
    print("TypeError iter")


class Num:
    def __int__(self):
        return 42

    def __float__(self):
        return 1.5


print(int(Num()), float(Num()))


class Bool2:
    def __len__(self):
        return 0


print(bool(Bool2()), "yes" if Bool2() else "no")
