# property, classmethod, staticmethod, descriptors, __getattr__, __setattr__.
class P:
    def __init__(self):
        self._x = 0

    @property
    def x(self):
        return self._x

    @x.setter
    def x(self, v):
        self._x = v * 2

    @x.deleter
    def x(self):
        print("deleting")
        self._x = None

    @property
    def ro(self):
        return "read-only"


p = P()
print(p.x)
p.x = 5
print(p.x, p._x)
del p.x
print(p.x)
print(p.ro)
try:
    p.ro = 1
except AttributeError:
    print("AttributeError")
print(type(P.x).__name__)


class Old:
    def getv(self):
        return 11

    v = property(getv)


print(Old().v)


class M:
    n = 3

    @classmethod
    def make(cls, a):
        return (cls.__name__, cls.n, a)

    @staticmethod
    def stat(a, b):
        return a + b


class N(M):
    n = 4


print(M.make(1), M().make(2), N.make(3), N().make(4))
print(M.stat(1, 2), M().stat(3, 4))


class Desc:
    def __get__(self, obj, objtype=None):
        return ("get", type(obj).__name__, objtype.__name__)

    def __set__(self, obj, value):
        obj.__dict__["_d"] = value * 10

    def __delete__(self, obj):
        print("desc delete")


class UsesDesc:
    d = Desc()


u = UsesDesc()
print(u.d)
u.d = 4
print(u._d)
del u.d


class Named:
    def __set_name__(self, owner, name):
        self.name = name
        self.owner = owner.__name__


class HasNamed:
    foo = Named()
    bar = Named()


print(HasNamed.foo.name, HasNamed.bar.name, HasNamed.foo.owner)


class GA:
    a = 1

    def __getattr__(self, name):
        if name == "magic":
            return 42
        raise AttributeError(name)


g = GA()
print(g.a, g.magic, getattr(g, "other", "dflt"), hasattr(g, "x"))


class SA:
    def __setattr__(self, name, value):
        print("setattr", name, value)
        object.__setattr__(self, name, value + 1)

    def __delattr__(self, name):
        print("delattr", name)
        object.__delattr__(self, name)


s = SA()
s.q = 1
print(s.q)
del s.q
print(hasattr(s, "q"))
