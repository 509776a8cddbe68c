# subclasses of builtin containers and iterator types
class E(enumerate):
    pass
print(list(E("ab", 1)))
class Z(zip):
    def extra(self):
        return 1
z = Z([1, 2], "xy")
print(list(z), z.extra())
class F(filter):
    pass
print(list(F(None, [0, 1, 2])))
class R(reversed):
    pass
print(list(R([1, 2, 3])))
class S(set):
    def __init__(self, it):
        super().__init__(it)
        self.n = len(self)
s = S([1, 2, 2])
print(s.n, sorted(s), s | {5} == {1, 2, 5})
class L(list):
    def __init__(self, *a):
        super().__init__(*a)
l = L(range(3))
l.sort(reverse=True)
print(l, l[0], l[-1:], len(l), sorted(l), l == [2, 1, 0])
class D(dict):
    def __setitem__(self, k, v):
        super().__setitem__(k, v * 2)
d = D()
d['a'] = 1
print(d, d['a'], list(d.items()))
