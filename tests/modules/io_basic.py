# io: StringIO, BytesIO, IOBase subclasses as streams.
import io

s = io.StringIO("héllo\nwörld\nlast")
print(s.read(2), s.readline(), s.readline(), s.readline(), repr(s.readline()))
s.seek(0)
print(list(s))
s.seek(0)
print(s.readlines())
s = io.StringIO()
print(s.write("abc"), s.tell(), s.write("dé"), s.getvalue())
s.seek(1)
s.write("X")
print(s.getvalue(), s.read())
print("to file", 1, 2, sep="-", end="!\n", file=s)
print(repr(s.getvalue()))
with io.StringIO() as w:
    w.write("in with")
    print(w.getvalue())
try:
    w.getvalue()
except ValueError:
    print("closed")

b = io.BytesIO(b"0123456789")
print(b.read(3), b.read(), b.read())
print(b.seek(-2, 2), b.read(), b.seek(2), b.tell())
buf = bytearray(4)
print(b.readinto(buf), buf)
b.seek(12)
b.write(b"!")
print(b.getvalue())
src = bytearray(b"abc")
b2 = io.BytesIO(src)
b2.write(b"Z")
print(src, b2.getvalue())
print(io.BytesIO(b"a\nb\n").readlines())

class Sink(io.IOBase):
    def __init__(self):
        self.parts = []

    def write(self, data):
        self.parts.append(data)
        return len(data)

k = Sink()
print("x", "y", file=k)
print(k.parts)

class MyString(io.StringIO):
    pass

m = MyString()
m.write("one\ntwo\n")
m.seek(0)
print([line for line in m])
