# dicts: construction, access, methods
d = {'a': 1, 'b': 2}
print(d, len(d), d['a'], d.get('c'), d.get('c', 0), 'a' in d, 'z' in d)
print(dict(), dict(a=1, b=2), dict([(1, 2), [3, 4]]), dict({1: 2}, x=3), dict(zip("ab", range(2))))
try:
    d['zz']
except KeyError as e:
    print("KeyError", repr(e.args[0]))
try:
    dict([(1, 2, 3)])
except ValueError:
    print("ValueError")
d['c'] = 3
d['a'] = 10
print(d)
del d['b']
print(d)
try:
    del d['b']
except KeyError:
    print("KeyError")
print(d.pop('a'), d.pop('nope', 'dflt'), d)
try:
    d.pop('nope')
except KeyError:
    print("KeyError")
print(d.setdefault('x', []), d.setdefault('x', [1]), d)
d.setdefault('y')
print(d)
d.update({'q': 1}, w=2)
d.update([('e', 5)])
print(d)
print(d.popitem(), d.popitem(), d)
e = {}
try:
    e.popitem()
except KeyError:
    print("KeyError")
c = d.copy()
c['new'] = 1
print(d, c, c == d, c != d)
d.clear()
print(d, len(d), bool(d), bool(c))
print(dict.fromkeys([1, 2, 3]), dict.fromkeys("ab", 0), {}.fromkeys([1]))

# equality ignores order
print({1: 2, 3: 4} == {3: 4, 1: 2}, {1: 2} == {1: 3}, {1: 2} == [(1, 2)], {} == {})

# insertion order is kept
o = {}
for k in [5, 3, 9, 1, 7]:
    o[k] = k * k
del o[9]
o[9] = 0
print(o, list(o), list(o.keys()), list(o.values()), list(o.items()))

# numeric keys: 1, 1.0 and True are the same key
n = {1: 'int'}
n[1.0] = 'float'
n[True] = 'bool'
print(n, n[1], 2.0 in {2: 0})

# unhashable keys
for k in ([], {}, set()):
    try:
        {k: 1}
    except TypeError:
        print("TypeError")

# | and |=
a = {1: 'a', 2: 'b'}
b = {2: 'B', 3: 'C'}
print(a | b, b | a)
a |= b
print(a)
a |= [(4, 'D')]
print(a)

# views
v = {'x': 1, 'y': 2}
k = v.keys()
vals = v.values()
it = v.items()
print(k, vals, it, len(k), 'x' in k, 1 in vals, ('y', 2) in it, ('y', 3) in it)
v['z'] = 3
print(k, list(vals), sorted(it))
print(k == {'x', 'y', 'z'}, sorted(k & {'x', 'q'}), sorted(k | {'q'}), sorted(k - {'x'}), sorted(k ^ {'x', 'q'}))

# many keys
m = {}
for i in range(1000):
    m[i] = str(i)
for i in range(0, 1000, 3):
    del m[i]
print(len(m), m[1], m[998], 999 in m, 3 in m, sum(m))
m2 = {}
for i in range(500):
    m2[str(i)] = i
print(m2['123'], len(m2), sum(m2.values()))

# modifying during iteration
q = {1: 1, 2: 2}
try:
    for key in q:
        q[key + 10] = 0
except RuntimeError:
    print("RuntimeError")

# repr with nested containers and strings
print({'a': [1, {'b': (2,)}], (1, 2): None, 3.5: 'x'})
