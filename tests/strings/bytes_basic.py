# bytes
b = b"hello"
print(b, repr(b), b[0], b[-1], b[1:3], b[::-1], len(b), list(b))
print(b + b" world", b * 2, 2 * b"ab", b == b"hello", b != b"x", b < b"help", b"" < b"a")
print(104 in b, b"ell" in b, b"" in b)
try:
    300 in b
except ValueError:
    print("ValueError")
print(bytes(), bytes(3), bytes([65, 66, 67]), bytes(range(5)), bytes("é", "utf-8"), bytes(b"x"))
print(b.find(b"l"), b.rfind(b"l"), b.index(b"e"), b.count(b"l"), b.find(b"z"))
print(b.split(b"l"), b"a b  c".split(), b"a,b,c".rsplit(b",", 1), b"  x ".strip(), b"xxhixx".strip(b"x"))
print(b.replace(b"l", b"L"), b"-".join([b"a", b"b"]), b.startswith(b"he"), b.endswith(b"lo"))
print(b.upper(), b"ABC".lower(), b"abc".isalpha(), b"123".isdigit(), b" ".isspace())
print(b.partition(b"l"), b.rpartition(b"l"), b"ab".center(6))
print(b.decode(), b"\xc3\xa9".decode(), b"abc".decode("ascii"), str(b, "utf-8"))
print(b.hex(), b"\x00\xff".hex(), bytes.fromhex("48 65 6c"), b"\x01\x02".hex("-"))
print(repr(b"\x00\x7f\x80\xff\t\n\r'\\"), repr(b'"'), repr(b"'\""))
print(b"%s=%d" % (b"k", 5), b"%x" % 255, b"%c" % 65, b"%5s|" % b"ab")
print(hash(b"abc") == hash(b"a" + b"bc"), {b"k": 1}[b"k"])
for x in b"ab":
    print(x)
for bad in (lambda: b[10], lambda: bytes([256]), lambda: bytes(-1), lambda: b + "s", lambda: b"a" < "a", lambda: bytes("s"), lambda: b"\xff".decode()):
    try:
        bad()
    except (IndexError, ValueError, TypeError, UnicodeError) as e:
        print(type(e).__name__ if not isinstance(e, UnicodeError) else "UnicodeError")
