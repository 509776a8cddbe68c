# Subclassing builtin types.
class L(list):
    def total(self):
        return sum(self)


l = L([1, 2, 3])
l.append(4)
print(l, len(l), l[0], l.total(), type(l).__name__, isinstance(l, list))
l += [5]
print(l, type(l).__name__)
print(l + [6], l[1:3], 3 in l, list(l), sorted(L([3, 1, 2])))


class L2(list):
    def __init__(self, n):
        super().__init__()
        for i in range(n):
            self.append(i * i)


print(L2(4), len(L2(3)))


class D(dict):
    def __missing__(self, k):
        return "missing"


d = D(a=1)
d["b"] = 2
print(sorted(d.items()), d["a"], len(d), isinstance(d, dict))


class Str(str):
    def shout(self):
        return self.upper() + "!"


s = Str("hi")
print(s, s.shout(), s + "x", len(s), s == "hi", repr(s), {s: 1}["hi"])


class Int(int):
    def double(self):
        return self * 2


i = Int(21)
print(i, i.double(), i + 1, i * 2, -i, i == 21, int(i), isinstance(i, int), hash(i) == hash(21))


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
