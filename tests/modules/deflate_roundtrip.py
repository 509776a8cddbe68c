# deflate: compress with every format and window size, in pieces, and read it back.
import deflate
import io

seed = 99


def rnd():
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    return seed >> 8


def sample(n, kind):
    if kind == 0:
        return bytes(rnd() & 0xFF for _ in range(n))
    if kind == 1:
        return bytes(b"abc"[rnd() % 3] for _ in range(n))
    return (b"The quick brown fox. " * (n // 21 + 1))[:n]


for n in (0, 1, 3, 300, 3000):
    for kind in range(3):
        data = sample(n, kind)
        for fmt in (deflate.RAW, deflate.ZLIB, deflate.GZIP):
            for wbits in (0, 5, 9, 15):
                b = io.BytesIO()
                with deflate.DeflateIO(b, fmt, wbits) as g:
                    g.write(b"")  # starts the stream even for no data
                    k = 0
                    while k < len(data):
                        step = 1 + rnd() % 700
                        g.write(data[k : k + step])
                        k += step
                packed = b.getvalue()
                back = deflate.DeflateIO(io.BytesIO(packed), fmt, wbits or 8).read()
                if back != data:
                    print("mismatch", n, kind, fmt, wbits)
                if kind == 2 and n == 3000 and len(packed) > 400:
                    print("poor compression", fmt, wbits, len(packed))
        print(n, kind, "ok")

# The same DeflateIO with readline, readinto and the close option.
b = io.BytesIO()
g = deflate.DeflateIO(b, deflate.ZLIB)
print(g.write(b"line one\nline two\n"), g.write("text\n"))
g.close()
r = deflate.DeflateIO(io.BytesIO(b.getvalue()), deflate.AUTO, 0, True)
print(r.readline(), r.readline(4))
buf = bytearray(8)
print(r.readinto(buf), buf)
print(r.read(), r.read())
r.close()
try:
    r.read()
except OSError:
    print("OSError")
for bad in ((deflate.RAW, 4), (deflate.RAW, 16), (7, 0)):
    try:
        deflate.DeflateIO(io.BytesIO(), *bad)
    except ValueError:
        print("ValueError")
