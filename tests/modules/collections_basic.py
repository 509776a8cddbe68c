# collections: deque (fixed maxlen), namedtuple, OrderedDict.
from collections import deque, namedtuple, OrderedDict

d = deque([1, 2, 3, 4, 5], 3)
print(d, len(d), list(d), d[0], d[-1], d.maxlen)
d.append(6)
d.appendleft(0)
print(d, d.pop(), d.popleft(), d)
d.extend(range(10, 14))
print(list(d), bool(d))
d[1] = "x"
print(d[1])
while d:
    d.pop()
print(bool(d), len(d))
for f in (d.pop, d.popleft, lambda: d[0]):
    try:
        f()
    except IndexError:
        print("IndexError")

P = namedtuple("P", "x y")
p = P(1, y=2)
print(p, p.x, p.y, p[0], p[-1], len(p), list(p), p == (1, 2), (1, 2) == p)
print(p + (3,), p * 2, isinstance(p, tuple), P._fields, hash(p) == hash((1, 2)))
print("%d-%d" % p, p._replace(x=5), dict(p._asdict()))
x, y = p
print(x, y, P(*[7, 8]))
Q = namedtuple("Q", ["a", "b", "c"])
print(Q(1, 2, 3), Q(c=3, b=2, a=1))
try:
    p.x = 3
except AttributeError:
    print("AttributeError")
for bad in (lambda: P(1), lambda: P(1, 2, 3), lambda: P(1, z=2), lambda: P(1, x=2)):
    try:
        bad()
    except TypeError:
        print("TypeError")

class P2(namedtuple("P2", ["u", "v"])):
    def total(self):
        return self.u + self.v

print(P2(3, 4).total(), P2(3, 4)[1])

o = OrderedDict([("z", 1), ("a", 2)])
o["m"] = 3
print(list(o.keys()), list(o.items()), o["a"], len(o), isinstance(o, dict))
print(o.popitem(), list(o))
del o["z"]
print(list(o), o == {"a": 2}, o == OrderedDict(a=2))
o2 = OrderedDict(b=1, c=2)
o3 = OrderedDict(c=2, b=1)
print(o2 == o3, dict(o2) == dict(o3))
