# robustness: mutation during callbacks, recursion, subclasses, sequence protocol

# key function that mutates the list being sorted
l = [3, 1, 2]
def k(x):
    l.append(x)
    return x
try:
    l.sort(key=k)
    print("no error", l)
except ValueError:
    print("ValueError", sorted(l))

# __eq__ that mutates the list it is compared in
class Evil:
    def __init__(self, lst):
        self.lst = lst
    def __eq__(self, o):
        self.lst.clear()
        return False
lst = [1, 2, 3]
lst.insert(0, Evil(lst))
print(5 in lst, len(lst))
lst2 = [Evil(None), 1]
lst2[0].lst = lst2
print(lst2.count(7), len(lst2))

# __lt__ that mutates
class M:
    def __init__(self, v, owner):
        self.v = v
        self.owner = owner
    def __lt__(self, o):
        self.owner.clear()
        return self.v < o.v
own = []
own.extend([M(3, own), M(1, own), M(2, own)])
try:
    own.sort()
    print("sorted", len(own))
except ValueError:
    print("ValueError", [m.v for m in own])

# dict with keys whose __eq__ mutates the dict
class K:
    def __init__(self, d):
        self.d = d
    def __hash__(self):
        return 1
    def __eq__(self, o):
        self.d.clear()
        return False
d = {}
d[K(d)] = 1
d[K(d)] = 2
print(len(d) <= 2)

# hash/eq protocol for user keys
class P:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __hash__(self):
        return hash((self.x, self.y))
    def __eq__(self, o):
        return isinstance(o, P) and (self.x, self.y) == (o.x, o.y)
dp = {P(1, 2): 'a'}
dp[P(1, 2)] = 'b'
print(len(dp), dp[P(1, 2)], P(1, 2) in dp, P(2, 1) in dp, P(1, 2) in {P(1, 2)})

# many user keys (hashed index)
many = {}
for i in range(100):
    many[P(i, -i)] = i
print(len(many), many[P(57, -57)], sum(many.values()))
for i in range(0, 100, 2):
    del many[P(i, -i)]
print(len(many), P(3, -3) in many, P(4, -4) in many)

# sequence protocol: __getitem__ only
class G:
    def __getitem__(self, i):
        if i > 4:
            raise IndexError
        return i * i
print(list(G()), 9 in G(), 7 in G(), sorted(G(), reverse=True), tuple(G()))
for a, b in zip(G(), "xyz"):
    print(a, b)

# subclasses of builtin containers
class L(list):
    def total(self):
        return sum(self)
x = L([1, 2, 3])
x.append(4)
print(x.total(), len(x), x[1:3], x + [5], isinstance(x, list))
class D(dict):
    def __missing__(self, k):
        return 0
dd = D(a=1)
dd['b'] = 2
print(sorted(dd.items()), len(dd), 'a' in dd)
class S(set):
    pass
ss = S([1, 2])
ss.add(3)
print(sorted(ss), len(ss), 2 in ss)
class T(tuple):
    pass
t = T((1, 2, 3))
print(t[0], len(t), t.count(2), t.index(3))

# list containing itself, comparisons of identical objects
a = [1, 2]
a.append(a)
print(a[2] is a, a == a, len(a))
nan = float('nan')
print(nan in [nan], [nan] == [nan], (nan,) == (nan,), nan in {nan}, {nan: 1}[nan])

# large slices and negative steps
r = list(range(100))
print(r[::-7], r[95::-30], r[-3:-100:-40], len(r[::3]))
del r[::-2]
print(len(r), r[:5])
r[10:90] = []
print(r)

# range extremes
big = range(-10**9, 10**9, 7)
print(len(big), big[12345], 7 in big, -10**9 + 14 in big)
