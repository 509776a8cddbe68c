# viper pointers: loads and stores through ptr8/ptr16/ptr32 into objects with the buffer protocol
import array


@micropython.viper
def fill8(p: ptr8, n: int, v: int):
    for i in range(n):
        p[i] = v + i


@micropython.viper
def sum8(p: ptr8, n: int) -> int:
    s = 0
    for i in range(n):
        s += p[i]
    return s


@micropython.viper
def get16(p: ptr16, i: int) -> int:
    return p[i]


@micropython.viper
def set32(p: ptr32, i: int, v: int):
    p[i] = v


@micropython.viper
def get32(p: ptr32, i: int) -> uint:
    return uint(p[i])


@micropython.viper
def addr(p: ptr) -> ptr:
    return p


@micropython.viper
def swap_bytes(buf):
    p = ptr8(buf)
    n = int(len(buf))
    i = 0
    while i < n - 1:
        t = p[i]
        p[i] = p[i + 1]
        p[i + 1] = t
        i += 2


b = bytearray(6)
fill8(b, 6, 250)
print(b)
print(sum8(b, 6), sum(b))
print(sum8(b"\x01\x02\x03", 3))

a = array.array("H", [1, 2, 0xFFFF])
print(get16(a, 0), get16(a, 2))
w = array.array("I", [0, 0])
set32(w, 1, -1)
set32(w, 0, 0x12345678)
print(w, hex(get32(w, 1)))

m = memoryview(b)
fill8(m[2:4], 2, 1)
print(b)

s = bytearray(b"abcdef")
swap_bytes(s)
print(s)

# an address is an int; pointers may be made from it while it lies in a known buffer
base = addr(b)
print(type(base))
fill8(base + 1, 2, 65)
print(b)

# memory safety: accesses outside every known buffer raise instead of touching memory
for f, args in ((sum8, (b, 7)), (fill8, (b, 7, 0)), (get16, (a, 3)), (sum8, (0, 1))):
    try:
        f(*args)
        print("no error")
    except IndexError as e:
        print("IndexError", e)
print(b)

# read-only buffers can be read but not written
try:
    fill8(b"xyz", 1, 0)
except TypeError as e:
    print("TypeError", e)
