# io.StringIO / io.BytesIO and the errno module.
import io
import errno

s = io.StringIO("héllo\nworld\n")
print(s.read(2), s.readline(), s.readline(), repr(s.readline()))
s.seek(0)
print(list(s))
s = io.StringIO()
print(s.write("abc"), s.write("d"), s.getvalue(), s.tell())
s.seek(1)
s.write("X")
print(s.getvalue())
b = io.BytesIO(b"0123456789")
print(b.read(3), b.read(), b.read())
b.seek(2)
b.write(b"ab")
print(b.getvalue(), b.tell())
b.seek(0, 2)
print(b.tell())
with io.BytesIO() as w:
    w.write(bytearray(b"xy"))
    print(w.getvalue())
try:
    w.getvalue()
except ValueError:
    print("ValueError closed")
print(errno.ENOENT, errno.EEXIST, errno.errorcode[errno.ENOENT])
try:
    open("/no/such/dir/file.txt")
except OSError as e:
    print(e.args[0] == errno.ENOENT)
