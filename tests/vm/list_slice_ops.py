# Slicing lists right where the slice is built (BUILD_SLICE followed by a subscript).
a = list(range(10))
print(a[2:5], a[::2], a[::-1], a[7:2:-2], a[-3:], a[:-3], a[100:], a[:])
b = a[:]
b[2:4] = [20, 30, 40]
print(b)
b[::2] = b[1::2][: len(b[::2])] if len(b[1::2]) >= len(b[::2]) else b[::2]
print(b)
b[1:3] = (x * x for x in range(4))
print(b)
del b[::3]
print(b)
del b[1:2]
print(b)
b[:0] = "ab"
print(b)
b[len(b) :] = b
print(b)
try:
    a[1.5:2]
except TypeError:
    print("TypeError")
try:
    a[::0]
except ValueError:
    print("ValueError")
try:
    a[::2] = [1]
except ValueError:
    print("ValueError")


class L(list):
    def __getitem__(self, i):
        self.last = i
        return len(self)


c = L([1, 2, 3, 4])
print(c[1:3], c.last.start, c.last.stop, c.last.step)
k = 3
print(a[k - 1 : k + 2], a[: k + 1], a[k::-1])
