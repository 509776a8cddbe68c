# array.array: construction, repr, items, slices, growth, buffer protocol, comparisons.
from array import array
import struct

for tc in "bBhHiIlLqQfd":
    a = array(tc, [1, 2, 3])
    print(a, len(a), a[0], a[-1], list(a), bytes(a) == bytes(memoryview(a)))

print(array("i"), array("d", [0.5, -1.25]))
print(array("q", [-(2**63), 2**63 - 1]), array("Q", [2**64 - 1]))
print(array("h", b"\x01\x00\x02\x00"), array("B", bytearray(b"xy")))
print(array("b", (i * i for i in range(5))))
print(array("H", array("b", [1, 2])))

a = array("i", [1, 2, 3, 4, 5])
print(a[1:3], a[::2], a[::-1], a[10:])
a[0] = -7
a[1:3] = array("i", [20, 30, 40])
print(a, len(a))
a[2:] = array("i")
print(a)
a.append(8)
a.extend([9, 10])
a.extend(array("i", [11]))
a += array("i", [12])
print(a, len(a), bool(a), bool(array("i")))
print(a + array("i", [1]))

# writes through the buffer protocol
b = array("H", [0, 0])
struct.pack_into("<H", b, 2, 0xBEEF)
print(b)
m = memoryview(b)
m[0] = 5
print(b, list(m))
print(bytearray(array("h", [0x102])), bytes(array("b", [-1])))

# iteration is live
it = iter(a)
print(next(it), next(it))

# comparisons of compatible arrays
print(array("b", [1, 2]) == array("b", [1, 2]), array("b", [1, 2]) != array("b", [1, 3]))
print(array("B", [1, 2]) < array("B", [1, 3]), array("B", [2]) > array("B", [1, 9]))

class A(array):
    pass

x = A("h", [1, 2])
x.append(3)
print(len(x), list(x), bytes(x) == bytes(array("h", [1, 2, 3])))

for bad in (lambda: array("X"), lambda: array("i", ["a"]), lambda: array("i", [1])[5]):
    try:
        bad()
    except (ValueError, TypeError, IndexError) as e:
        print(type(e).__name__)
