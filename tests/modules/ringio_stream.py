# micropython.RingIO: FIFO semantics, wrap-around, limits, in-place buffers, and use as an
# asyncio stream (a writer task and a reader task sharing a small ring).
import micropython

r = micropython.RingIO(8)
print(r, r.any())
print(r.write(b"hello"), r.any())
print(r.read(2), r.any())
print(r.write(b" world!"), r.any())  # only 5 fit (8 - 3 waiting)
print(r.read(), r.any())
print(r.write(b"ab\ncd\nef"), r.readline(), r.readline(), r.readline(), r.readline())
buf = bytearray(4)
r.write(b"xyz")
print(r.readinto(buf), buf)
r.write(b"123456")
print(r.readinto(buf, 2), buf, r.read(1), r.read(100), r.read())

# In place over a bytearray: one byte is kept free.
ba = bytearray(5)
r = micropython.RingIO(ba)
print(r.write(b"abcdef"), r.read())
for bad in (0, 65535, bytearray(1), bytearray(0)):
    try:
        micropython.RingIO(bad)
    except ValueError:
        print("ValueError", type(bad).__name__)
for bad in (None, "abc", b"readonly"):
    try:
        micropython.RingIO(bad)
    except TypeError:
        print("TypeError", type(bad).__name__)

import asyncio

ring = micropython.RingIO(5)
stream = asyncio.StreamWriter(ring, {})


async def producer():
    for i in range(4):
        stream.write(b"line %d\n" % i)
        await stream.drain()
    stream.write(b"tail")
    await stream.drain()


async def consumer():
    for _ in range(4):
        print(await stream.readline())
    print(await stream.readexactly(4))


async def main():
    p = asyncio.create_task(producer())
    await consumer()
    await p
    print("stream done", ring.any())


asyncio.run(main())
