# sets and frozensets (printed sorted where CPython's order is hash-based)
s = {3, 1, 2}
print(sorted(s), len(s), 2 in s, 5 in s, set(), frozenset(), {1}, frozenset([7]))
s.add(4)
s.add(1)
s.discard(10)
s.discard(3)
print(sorted(s))
s.remove(4)
try:
    s.remove(4)
except KeyError:
    print("KeyError")
x = s.pop()
print(len(s), x in (1, 2))
try:
    set().pop()
except KeyError:
    print("KeyError")
s.clear()
print(s)

a = {1, 2, 3, 4}
b = {3, 4, 5}
print(sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union(b, [9])), sorted(a.intersection(b, [4])), sorted(a.difference([1], (2,))), sorted(a.symmetric_difference([4, 6])))
print(a.issubset(a), {1}.issubset(a), a.issuperset([1, 2]), a.isdisjoint([7]), a.isdisjoint(b))
print({1} < a, a < a, a <= a, a > {1}, a >= b, a == {4, 3, 2, 1}, a != b, a == frozenset(a), {1} == [1])
c = set(a)
c |= b
print(sorted(c))
c &= {1, 5, 99}
print(sorted(c))
c -= {1}
print(sorted(c))
c ^= {5, 6}
print(sorted(c))
c.update([1, 2], (3,))
print(sorted(c))
c.intersection_update([1, 2, 3, 4])
print(sorted(c))
c.difference_update([1])
print(sorted(c))
c.symmetric_difference_update({2, 8})
print(sorted(c))
try:
    a | [1]
except TypeError:
    print("TypeError")

# frozenset
f = frozenset([1, 2, 3])
print(sorted(f), type(f | {4}).__name__, type({4} | f).__name__, hash(f) == hash(frozenset([3, 2, 1])))
print(f.copy() == f, type(f.copy()).__name__, f == {1, 2, 3})
try:
    f.add(1)
except AttributeError:
    print("AttributeError")
try:
    hash({1})
except TypeError:
    print("TypeError")
print({frozenset([1]): 'a'}[frozenset([1])])
ss = {frozenset([1, 2]), frozenset([2, 1]), frozenset()}
print(len(ss))

try:
    {[1]}
except TypeError:
    print("TypeError")
try:
    [] in {1}
except TypeError:
    print("TypeError")

# set of mixed numbers
print(len({1, 1.0, True}), sorted(set("mississippi")))
print(set(range(5)) == set([0, 1, 2, 3, 4]), {i % 3 for i in range(10)} == {0, 1, 2})
try:
    for v in a:
        a.add(v + 100)
except RuntimeError:
    print("RuntimeError")
