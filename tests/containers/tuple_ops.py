# tuples
t = (1, 2, 3, 2)
print(t, (), (1,), ((1,),), (1, (2, (3,))))
print(t[0], t[-1], t[1:3], t[::-1], t[::2], t[:], t[10:])
print(t.count(2), t.index(2), t.index(2, 2), len(t), 2 in t, 5 in t)
try:
    t.index(9)
except ValueError:
    print("ValueError")
try:
    t[4]
except IndexError:
    print("IndexError")
try:
    t[0] = 1
except TypeError:
    print("TypeError")
try:
    del t[0]
except TypeError:
    print("TypeError")
print(t + (4,), t * 2, 2 * (0,), () * 3, (1,) * -1)
try:
    t + [1]
except TypeError:
    print("TypeError")
x = t
x += (9,)
print(x, t)
print((1, 2) < (1, 3), (1, 2) < (1, 2, 3), (2,) > (1, 9), (1, 2) == (1, 2), (1,) == [1], (1, 2) != (2, 1))
print(tuple(), tuple([1, 2]), tuple("ab"), tuple(range(3)), tuple(i for i in "xy"))
print(hash((1, 2)) == hash((1, 2)), hash((1, "a", (2.5, None))) == hash((1, "a", (2.5, None))))
print(hash((1, 2)) == hash((True, 2)))
d = {(1, 2): "a", (3,): "b"}
print(d[(1, 2)], d[3,])
try:
    hash((1, [2]))
except TypeError:
    print("TypeError")
a, b, *c = (1, 2, 3, 4)
print(a, b, c)
print(bool(()), bool((0,)))
