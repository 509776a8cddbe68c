# super() and __init__ chains, __new__, __init_subclass__.
class A:
    def __init__(self, v):
        print("A.__init__", v)
        self.v = v

    def f(self):
        return "A.f"

    @classmethod
    def c(cls):
        return "A.c " + cls.__name__


class B(A):
    def __init__(self, v):
        print("B.__init__", v)
        super().__init__(v + 1)

    def f(self):
        return "B.f>" + super().f()

    @classmethod
    def c(cls):
        return "B.c>" + super().c()


class C(B):
    def f(self):
        return "C.f>" + super(C, self).f()


c = C(1)
print(c.v, c.f(), C.c(), c.c())


class Base:
    def hello(self):
        return "base hello"


class Left(Base):
    def hello(self):
        return "left>" + super().hello()


class Other:
    def hello(self):
        return "other"


class Both(Left, Other):
    pass


print(Both().hello())


class WithNew:
    def __new__(cls, *args):
        print("__new__", cls.__name__, args)
        o = super().__new__(cls)
        o.made_by_new = True
        return o

    def __init__(self, a):
        print("__init__", a)


w = WithNew(5)
print(w.made_by_new)


class NewOther:
    def __new__(cls):
        return 42

    def __init__(self):
        print("not called")


print(NewOther())


class Plugin:
    registry = []

    def __init_subclass__(cls, **kw):
        Plugin.registry.append(cls.__name__)


class P1(Plugin):
    pass


class P2(Plugin):
    pass


print(Plugin.registry)


class O:
    def __init__(self):
        super().__init__()
        print("O init ok")


O()
try:
    class Bad:
        def __init__(self):
            return 5

    Bad()
except TypeError:
    print("TypeError init")
