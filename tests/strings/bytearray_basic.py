# bytearray
a = bytearray(b"abc")
print(a, len(a), a[0], a[-1], a[1:], list(a), bytearray(), bytearray(2), bytearray([1, 2]))
a[0] = 65
print(a)
a.append(100)
a.extend(b"ef")
a.extend([103, 104])
print(a)
a += b"ij"
print(a, a == b"Abcdefghij", b"Abcdefghij" == a)
a[1:3] = b"XYZ"
print(a)
a[0:2] = b""
print(a)
del a[0]
print(a)
del a[2:4]
print(a)
a[::2] = b"12345"[: len(a[::2])]
print(a)
print(a + b"!", b"?" + a, a * 2)
print(a.find(b"e"), a.split(b"f"), a.upper(), a.decode(), a.hex())
print(bytes(a), bytearray(a) == a, bytearray(b"x") is not bytearray(b"x"))
b = bytearray(b"  strip  ")
print(b.strip(), b.replace(b"s", b"S"), b.partition(b"t"))
try:
    hash(a)
except TypeError:
    print("TypeError unhashable")
try:
    a[0] = 256
except ValueError:
    print("ValueError")
try:
    a[100]
except IndexError:
    print("IndexError")
try:
    bytearray("x")
except TypeError:
    print("TypeError")
c = bytearray(b"xy")
d = c
d += b"z"
print(c is d, c)
for x in bytearray(b"\x01\x02"):
    print(x)
