# struct: formats, byte orders, alignment, counts, pack_into/unpack_from, errors.
import struct

for fmt in ("b", "B", "h", "H", "i", "I", "q", "Q", "f", "d", "<h", ">h", "!I", "<q", ">d", "<e", ">e"):
    print(fmt, struct.calcsize(fmt))

print(struct.pack("<hHiI", -2, 65535, -70000, 4000000000))
print(struct.pack(">hHiI", -2, 65535, -70000, 4000000000))
print(struct.unpack("<hHiI", struct.pack("<hHiI", -2, 65535, -70000, 4000000000)))
print(struct.pack("<qQ", -(2**63), 2**64 - 1))
print(struct.unpack(">qQ", struct.pack(">qQ", -(2**63), 2**64 - 1)))
print(struct.pack("<fd", 1.5, -0.1))
print(struct.unpack("<fd", struct.pack("<fd", 1.5, -0.1)))
print(struct.pack("<e", 0.333), struct.unpack("<e", b"\x55\x35"))
print(struct.pack(">e", 65504.0), struct.unpack(">e", b"\x7b\xff"))

# native alignment
print(struct.calcsize("bi"), struct.calcsize("<bi"), struct.calcsize("bhbi"))
print(struct.pack("@bi", 1, 2) == struct.pack("<b3xi", 1, 2))

# counts, strings and padding
print(struct.calcsize("3h2s4x"))
print(struct.pack("<3h2s4x", 1, 2, 3, b"abc"))
print(struct.unpack("<3h2s4x", b"\x01\x00\x02\x00\x03\x00ab\x00\x00\x00\x00"))
print(struct.pack("5s", b"ab"))
print(struct.unpack("0s", b""))

# pack_into / unpack_from with offsets (negative counts from the end)
buf = bytearray(10)
struct.pack_into("<HH", buf, 2, 0x1234, 0x5678)
print(buf)
struct.pack_into("<b", buf, -1, -1)
print(buf)
print(struct.unpack_from("<HH", buf, 2))
print(struct.unpack_from("<b", buf, -1))
print(struct.unpack_from("<HH", memoryview(buf)[2:]))

# errors
for f, a in (
    (lambda: struct.pack("z", 1), "bad typecode"),
    (lambda: struct.calcsize("3"), "count without type"),
    (lambda: struct.pack_into("<I", bytearray(3), 0, 1), "too small"),
    (lambda: struct.pack_into("<b", bytearray(3), 3, 1), "offset at end"),
    (lambda: struct.unpack_from("<b", b"12", -3), "negative offset"),
    (lambda: struct.pack("<i", 1.5), "float for int"),
    (lambda: struct.pack("<f", "x"), "str for float"),
    (lambda: struct.pack("<3s", 5), "int for s"),
):
    try:
        f()
        print("no error:", a)
    except (ValueError, TypeError, struct.error if hasattr(struct, "error") else ValueError) as e:
        print(a, type(e).__name__ in ("ValueError", "TypeError", "error"))
