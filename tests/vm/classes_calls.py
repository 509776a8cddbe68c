class Base:
    def __init__(self, x):
        self.x = x
    def get(self):
        return self.x
    def describe(self):
        return "Base(%d)" % self.x

class Child(Base):
    def __init__(self, x, y):
        super().__init__(x)
        self.y = y
    def describe(self):
        return "Child:" + super().describe() + str(self.y)

c = Child(1, 2)
print(c.get(), c.describe())

class CM:
    def __init__(self, name, swallow=False):
        self.name = name
        self.swallow = swallow
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, t, v, tb):
        print("exit", self.name, t is None)
        return self.swallow

with CM("a") as m:
    print("inside", m.name)

with CM("b", True):
    raise ValueError("hidden")
print("after b")

try:
    with CM("c"):
        raise KeyError("seen")
except KeyError:
    print("caught c")

def use_with():
    with CM("d"):
        return "returned"

print(use_with())

for i in range(2):
    with CM("loop%d" % i):
        if i == 0:
            continue
        break

def kw(a, *, b, c=3, **rest):
    return (a, b, c, sorted(rest.items()))

print(kw(1, b=2))
print(kw(1, b=2, c=4, d=5))
try:
    kw(1)
except TypeError as e:
    print("TypeError")

def va(*args, **kwargs):
    return args, sorted(kwargs)

print(va(*range(3), *[4], x=1, **{"y": 2}))

class Callable:
    def __call__(self, *a):
        return sum(a)

print(Callable()(1, 2, 3))

m = c.describe
print(m())
print(list(map(lambda v: v * 2, [1, 2])))
print(sorted([3, 1, 2], key=lambda v: -v))
