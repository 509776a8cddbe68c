# list methods, indexing and mutation
def err(f):
    try:
        r = f()
        print("ok", r)
    except Exception as e:
        print(type(e).__name__)

a = [5, 3, 8]
a.append(1)
a.extend((9, 0))
a.extend(range(2))
a.insert(0, -1)
a.insert(-1, 42)
a.insert(100, 7)
a.insert(-100, 6)
print(a, len(a))
print(a.pop(), a.pop(0), a.pop(-2), a)
print(a.index(8), a.index(1, 2), a.count(0), a.count(99))
err(lambda: a.index(1000))
err(lambda: a.index(5, 2, 3))
err(lambda: a.remove(8))
err(lambda: a.remove(42))
print(a)
a.reverse()
print(a)
b = a.copy()
a.clear()
print(a, b, b is a)
err(lambda: [].pop())
err(lambda: [1].pop(5))

# negative indices, item assignment and deletion
c = list(range(10))
print(c[-1], c[-10], c[0])
err(lambda: c[10])
err(lambda: c[-11])
err(lambda: c["x"])
c[-1] = 'last'
c[0] = 'first'
del c[1]
del c[-2]
print(c)
def setbad():
    c[20] = 1
err(setbad)

# bool / len / in / is
print(bool([]), bool([0]), len([1, 2, 3]))
print(3 in [1, 2, 3], 4 in [1, 2, 3], 4 not in [1, 2])
print([1, [2, 3]] == [1, [2, 3]], [1] == (1,), [] == [], [1, 2] != [1, 3])

# list() from various iterables
print(list(), list("abc"), list((1, 2)), list({1: 2, 3: 4}), list(x * x for x in range(4)))
print(list(range(3, -3, -2)))

# append amortised: many items
big = []
for i in range(10000):
    big.append(i)
print(len(big), big[-1], sum(big))
while big:
    big.pop()
print(big)
