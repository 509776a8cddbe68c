# Classes: definition, instances, attributes, methods, inheritance.
class A:
    x = 1

    def __init__(self, v):
        self.v = v

    def get(self):
        return self.v

    def set(self, v):
        self.v = v
        return self


a = A(5)
print(a.v, a.x, a.get(), A.x)
print(a.set(7).get())
a.x = 10
print(a.x, A.x)
del a.x
print(a.x)
print(type(a) is A, type(a).__name__, A.__name__, a.__class__ is A)
print(isinstance(a, A), isinstance(a, object), isinstance(1, A))
print(issubclass(A, object), issubclass(A, A), issubclass(bool, int))
print(isinstance(a, (int, A)), isinstance(a, (int, str)))

m = a.get
print(m())
a.set(9)
print(m())
f = A.get
print(f(a))


class B(A):
    y = 2

    def get(self):
        return ("B", A.get(self))


b = B(3)
print(b.get(), b.y, b.x, isinstance(b, A), issubclass(B, A), issubclass(A, B))
print(B.__bases__ == (A,), A.__bases__ == (object,))


class C:
    def who(self):
        return "C"

    def only_c(self):
        return "only C"


class D(B, C):
    pass


d = D(1)
print(d.get(), d.who(), d.only_c(), isinstance(d, C), issubclass(D, (C, int)))

try:
    a.nope
except AttributeError as e:
    print("AttributeError")
try:
    A.nope
except AttributeError as e:
    print("AttributeError")
print(getattr(a, "nope", "default"), hasattr(a, "v"), hasattr(a, "nope"))
setattr(a, "w", 42)
print(a.w, getattr(a, "w"))
delattr(a, "w")
print(hasattr(a, "w"))


class E:
    pass


e = E()
e.a = 1
e.b = 2
print(sorted(e.__dict__.items()))
print(E.__name__, type(e).__name__)


class Counter:
    count = 0

    def __init__(self):
        Counter.count += 1


Counter()
Counter()
print(Counter.count)


class WithClassAttrFunc:
    def method(self):
        return "method"


w = WithClassAttrFunc()
w.method2 = lambda: "instance lambda"
print(w.method(), w.method2())
print(type(A) is type, type(type) is type, type(object))
T = type("T", (A,), {"z": 3})
t = T(4)
print(T.__name__, t.z, t.v, t.get(), isinstance(t, A))
