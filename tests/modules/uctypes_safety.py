# uctypes over raw addresses: valid accesses work, anything outside memory we can
# verify raises OSError instead of touching it.
import uctypes

buf = bytearray(16)
a = uctypes.addressof(buf)
desc = {
    "u16": uctypes.UINT16 | 0,
    "i8": uctypes.INT8 | 2,
    "bits": uctypes.BFUINT8 | 3 | 2 << uctypes.BF_POS | 3 << uctypes.BF_LEN,
    "f": uctypes.FLOAT32 | 4,
    "arr": (uctypes.ARRAY | 8, uctypes.UINT16 | 4),
    "raw": (uctypes.ARRAY | 8, uctypes.UINT8 | 8),
    "sub": (8, {"x": uctypes.UINT32 | 0}),
}
s = uctypes.struct(a, desc, uctypes.BIG_ENDIAN)
s.u16 = 0x1234
s.i8 = -5
s.bits = 0xF  # 3 bits kept
s.f = 1.5
s.arr[1] = 0xABCD
print(buf)
print(hex(s.u16), s.i8, s.bits, s.f, hex(s.arr[1]), hex(s.sub.x))
print(uctypes.sizeof(desc), uctypes.sizeof(desc, uctypes.LITTLE_ENDIAN))

# bytearray_at aliases memory
r = s.raw
r[0] = 0x41
r[-1] = 0x142  # low 8 bits
print(len(r), r, r[1:3], list(r)[:2], r == bytearray(r), buf[8], buf[15])
r[2:4] = b"xy"
print(bytes(buf[8:]))
try:
    r[8]
except IndexError:
    print("IndexError")

# bytes_at / bytearray_at
print(uctypes.bytes_at(a, 4), uctypes.bytearray_at(a + 2, 2))


def check(f):
    try:
        f()
        print("no error")
    except OSError as e:
        print("OSError", e.errno)


# addresses outside memory we know
bad = uctypes.struct(16, {"x": uctypes.UINT32 | 0})
check(lambda: bad.x)


def setbad():
    bad.x = 1


check(setbad)
check(lambda: uctypes.bytes_at(0, 8))
check(lambda: print(uctypes.bytearray_at(8, 8)))
# a range that runs past the end of an allocation
check(lambda: uctypes.bytes_at(a, 1 << 20))
# writing into an object that is not plain data (a bytes object) is refused
c = bytes(range(8))
cs = uctypes.struct(uctypes.addressof(c), {"x": uctypes.UINT8 | 0})
print(cs.x, c[0])


def setc():
    cs.x = 99


check(setc)
print(c[0])
# zero-length accesses need no memory
print(uctypes.bytes_at(0, 0), uctypes.sizeof({}))
# struct's S typecode: a pointer to a NUL-terminated string
import struct

sb = bytearray(b"hi\x00there")
p = struct.pack("<S", uctypes.addressof(sb))
print(struct.calcsize("S"), struct.unpack("<S", p))
try:
    struct.unpack("<S", struct.pack("<S", 12))
except OSError as e:
    print("OSError", e.errno)
