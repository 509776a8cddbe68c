# Attribute and global lookups that remember dict slots per instruction: results must follow
# every change to the dicts involved.
class A:
    def m(self):
        return "A.m"


class B(A):
    pass


def get_x(o):
    return o.x


def call_m(o):
    return o.m()


def set_x(o, v):
    o.x = v


a = A()
b = B()
for o in [a, b]:
    o.x = 1
    o.y = 2
print(get_x(a), get_x(b), call_m(a), call_m(b))
del a.x
a.z = 3
a.x = 4
print(get_x(a), a.z, a.y)
try:
    del b.x
    get_x(b)
except AttributeError:
    print("AttributeError")
a.m = lambda: "instance m"
print(call_m(a), call_m(b))
del a.m
A.m = lambda self: "new A.m"
print(call_m(a), call_m(b))
B.m = lambda self: "B.m"
print(call_m(a), call_m(b))
for i in range(3):
    set_x(a, i)
print(a.x, a.__dict__["x"])


class P:
    def __init__(self):
        self._v = 0

    @property
    def x(self):
        return self._v * 10

    @x.setter
    def x(self, v):
        self._v = v


p = P()
set_x(p, 5)
print(get_x(p), p._v)


class S:
    def __setattr__(self, k, v):
        object.__setattr__(self, k, v * 2)


s = S()
set_x(s, 1)
set_x(s, 2)
print(get_x(s))

# Builtin methods of builtin types, and a subclass overriding one.
class D(dict):
    def get(self, k, d=None):
        return "D.get"


def get_k(d):
    return d.get("k", 0)


print(get_k({}), get_k({"k": 1}), get_k(D()))

# Globals: rebinding, deleting, shadowing a builtin.
g = 1


def read_g():
    return g


def read_len():
    return len("abc")


print(read_g(), read_len())
g = 2
print(read_g())
len = lambda s: 42
print(read_len())
del len
print(read_len())
del g
try:
    read_g()
except NameError:
    print("NameError")
globals()["g"] = 7
print(read_g())
