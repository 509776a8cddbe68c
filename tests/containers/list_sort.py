# list.sort / sorted: stable, key=, reverse=
a = [5, 2, 9, 1, 5, 6, -3, 0]
a.sort()
print(a)
a.sort(reverse=True)
print(a)
print(sorted([3, 1, 2]), sorted("hello"), sorted((3.5, 1, 2)), sorted({3: 0, 1: 0}))
print(sorted([], reverse=True), sorted([1]))

words = ["banana", "Apple", "cherry", "date", "Elder", "fig", "apple"]
print(sorted(words))
print(sorted(words, key=len))
print(sorted(words, key=len, reverse=True))
print(sorted(words, key=lambda w: w.lower()))

# stability: equal keys keep their order, also with reverse=True
pairs = [(i % 3, i) for i in range(12)]
print(sorted(pairs, key=lambda p: p[0]))
print(sorted(pairs, key=lambda p: p[0], reverse=True))

# big sort
xs = [(i * 7919) % 1009 for i in range(2000)]
ys = sorted(xs)
print(all(ys[i] <= ys[i + 1] for i in range(len(ys) - 1)), len(ys), ys[:5], ys[-3:])

# exceptions from comparisons propagate
try:
    [1, "a", 2].sort()
except TypeError:
    print("TypeError")
def bad(x):
    raise ValueError("key")
try:
    [1, 2].sort(key=bad)
except ValueError as e:
    print("ValueError", e)
l = [3, 1, 2]
try:
    l.sort(key=bad)
except ValueError:
    print(l)

# __lt__ only
class K:
    def __init__(self, v):
        self.v = v
    def __lt__(self, o):
        return self.v < o.v
    def __repr__(self):
        return "K(%d)" % self.v
print(sorted([K(3), K(1), K(2)]))
print(sorted([K(3), K(1), K(2)], reverse=True))
