# micropython.RingIO: wrap-around, readline, readinto, in-place buffers, polling
import micropython

r = micropython.RingIO(5)
print(r.write(b"abc"), r.any(), r.read(2))
print(r.write(b"defgh"), r.any())
print(r.read())
print(r.write(b"x\nyz\n"), r.readline(), r.readline(1), r.readline())
print(r.readline(), r.read(), r.any())

buf = bytearray(4)
r = micropython.RingIO(buf)
print(r.write(b"123456"))
print(buf)
dest = bytearray(5)
print(r.readinto(dest), dest)
print(r.write(b"AB"), r.readinto(dest, 1), dest, r.any())
print(r.close())

for arg in (-1, 0, 65535, bytearray(1), b"abc", None, 1.5):
    try:
        micropython.RingIO(arg)
        print("ok", arg)
    except (ValueError, TypeError) as e:
        print(type(e).__name__)

import select

r = micropython.RingIO(2)
p = select.poll()
p.register(r, select.POLLIN | select.POLLOUT)
print([ev for (_, ev) in p.poll(0)])
r.write(b"zz")
print([ev for (_, ev) in p.poll(0)])
