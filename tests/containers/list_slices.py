# slicing, slice assignment and deletion
a = list(range(10))
print(a[2:5], a[:3], a[7:], a[-3:], a[:-7], a[::2], a[1::3], a[::-1], a[8:2:-2], a[-1:-5:-1])
print(a[100:], a[-100:2], a[5:2], a[2:5:-1], a[::100])
b = a[:]
print(b == a, b is a)

b[2:4] = ['x', 'y', 'z']
print(b)
b[1:6] = []
print(b)
b[:0] = [-2, -1]
print(b)
b[len(b):] = [100]
print(b)
b[:] = b
print(b)
b[2:2] = b
print(b)
b[-2:] = "ab"
print(b)
b[3:1] = [0]
print(b)

c = list(range(10))
c[::2] = ['e'] * 5
print(c)
c[::-3] = [1, 2, 3, 4]
print(c)
try:
    c[::2] = [1, 2]
except ValueError:
    print("ValueError")
try:
    c[::0]
except ValueError:
    print("ValueError")

d = list(range(12))
del d[::3]
print(d)
del d[-1:-6:-2]
print(d)
del d[2:4]
print(d)
del d[:]
print(d)
e = list(range(5))
del e[10:]
del e[3:1]
print(e)

# slice objects
s = slice(1, 4)
print(list(range(6))[s], s.start, s.stop, s.step)
print(slice(2, 7, 2).indices(5), slice(None, None, -1).indices(4), slice(-100, 100).indices(3))
print(slice(5), slice(1, 2, 3))
