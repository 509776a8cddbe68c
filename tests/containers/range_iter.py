# range
r = range(2, 20, 3)
print(r, range(5), range(0, -5, -1), len(r), r[0], r[-1], r[2], r.start, r.stop, r.step)
print(list(r), list(range(5, 0, -2)), list(range(0)), list(range(3, 3)), list(range(5, 1)))
print(r[1:3], r[::-1], r[::2], list(r[::-1]), range(10)[-3:], range(10)[::-3])
print(8 in r, 9 in r, 20 in r, 2 in r, 8.0 in r, 'x' in r, -1 in range(0, -5, -1))
try:
    r[100]
except IndexError:
    print("IndexError")
try:
    range(1, 2, 0)
except ValueError:
    print("ValueError")
print(range(0) == range(5, 2), range(1, 5, 2) == range(1, 6, 2), range(3) == range(3), range(3) == [0, 1, 2])
print(bool(range(0)), bool(range(1)), len(range(10**6)), range(10**6)[-1])
print(sum(range(101)), list(reversed(range(1, 10, 4))), list(reversed(range(0))))

# enumerate
print(list(enumerate("abc")), list(enumerate([5, 6], 10)), list(enumerate([], start=3)), list(enumerate("xy", start=-1)))
# zip
print(list(zip()), list(zip([1, 2, 3])), list(zip("ab", [1, 2, 3])), list(zip(range(3), "xyz", (True, False, None))))
# map
print(list(map(abs, [-1, 2, -3])), list(map(lambda a, b: a * b, [1, 2, 3], [4, 5])), list(map(str, range(3))))
# filter
print(list(filter(None, [0, 1, '', 'a', None, [], [0]])), list(filter(lambda x: x % 2, range(10))))
# reversed
print(list(reversed([1, 2, 3])), list(reversed((1, 2))), list(reversed("abc")), list(reversed([])))
class R:
    def __reversed__(self):
        return iter([3, 2, 1])
print(list(reversed(R())))
class Seq:
    def __len__(self):
        return 3
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return i * 10
print(list(reversed(Seq())), list(Seq()), 20 in Seq(), 5 in Seq())
try:
    reversed({1: 2})
except TypeError:
    print("TypeError")

# iterators are their own iterators and are exhausted once
it = iter([1, 2, 3])
print(iter(it) is it, next(it), list(it), list(it))
m = map(abs, [-1])
print(list(m), list(m))
e = enumerate("ab")
print(next(e), next(e))
try:
    next(e)
except StopIteration:
    print("StopIteration")

# min / max
print(min([3, 1, 2]), max([3, 1, 2]), min(3, 1, 2), max("abc"), min([], default=7), max([1, -5, 3], key=abs))
print(min([(2, 'b'), (1, 'z'), (1, 'a')]), max(range(5), key=lambda x: -x))
try:
    min([])
except ValueError:
    print("ValueError")
