def f(a, b, c=3, *args, d, e=5, **kw):
    return (a, b, c, args, d, e, sorted(kw.items()))

print(f(1, 2, d=4))
print(f(1, 2, 3, 4, 5, d=6, z=7))
print(f(*[1, 2], **{"d": 1, "e": 2, "y": 3}))
print(f(1, *(2, 3), *[4], d=0, **{"q": 1}, r=2))

def g(*, only):
    return only

print(g(only=9))
for call in (lambda: g(1), lambda: g(), lambda: f(1), lambda: f(1, 2), lambda: f(1, 2, d=1, a=3)):
    try:
        call()
    except TypeError:
        print("TypeError")

def defaults(a, b=[]):
    b.append(a)
    return b

print(defaults(1), defaults(2))

def star_gen():
    yield 1
    yield 2

print(f(*star_gen(), d=3))

class A:
    def m(self, x, y=2):
        return (self.__class__.__name__, x, y)
    @classmethod
    def c(cls, *a):
        return (cls.__name__, a)
    @staticmethod
    def s(**k):
        return sorted(k)

a = A()
print(a.m(1), a.m(x=3), a.m(1, y=5), A.m(a, 4))
print(A.c(1, 2), a.c(), A.s(p=1, q=2))
bm = a.m
print(bm(*[7], **{"y": 8}))

def kwonly_default(a, *, b=2, c):
    return a, b, c

print(kwonly_default(1, c=3))

def many(*a):
    return len(a)

print(many(*range(100)))
print(many(*range(20), *range(20)))

def ret_multiple():
    return 1, 2, 3

x, y, z = ret_multiple()
print(x + y + z)

def closure_args(n):
    def inner(*a, k=n):
        return n, a, k
    return inner

print(closure_args(5)(1, 2), closure_args(6)(k=0))

print((lambda *a, **k: (a, sorted(k)))(1, x=2))
