# websocket: framing over io.BytesIO in both directions.
import io
import websocket

# Round trip of several sizes (short, 16-bit length) from a client to a server.
for n in (0, 1, 125, 126, 300, 65535):
    s = io.BytesIO()
    c = websocket.websocket(s, True)
    data = bytes((i * 7) & 0xFF for i in range(n))
    print(n, c.write(data))
    s.seek(0)
    srv = websocket.websocket(s)
    got = srv.read(n)
    print(len(got), got == data, srv.read(1))

# Binary frames after ioctl(SET_DATA_OPTS, 2); the receiver sees the opcode.
s = io.BytesIO()
w = websocket.websocket(s)
print(w.ioctl(9, 2))
w.write(b"\x00\x01")
print(s.getvalue())
s.seek(0)
r = websocket.websocket(s)
print(r.read(2), r.ioctl(8))

# readline and readinto across frames, with a ping in between.
s = io.BytesIO(b"\x01\x03ab\n\x89\x01x\x80\x04cd\nz")
r = websocket.websocket(s)
print(r.readline(), r.readline())
b = bytearray(4)
print(r.readinto(b), b)

# Truncated streams end the read without an error.
for raw in (b"\x81", b"\x81\x05ab", b"\x81\xfe\x00", b"\x81\x85mas"):
    print(websocket.websocket(io.BytesIO(raw)).read(10))
