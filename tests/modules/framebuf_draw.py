# framebuf: every format and drawing method, including clipping at odd coordinates.
import framebuf

FORMATS = (
    ("MONO_VLSB", framebuf.MONO_VLSB, 1),
    ("MONO_HLSB", framebuf.MONO_HLSB, 1),
    ("MONO_HMSB", framebuf.MONO_HMSB, 1),
    ("GS2_HMSB", framebuf.GS2_HMSB, 3),
    ("GS4_HMSB", framebuf.GS4_HMSB, 9),
    ("GS8", framebuf.GS8, 0x5A),
    ("RGB565", framebuf.RGB565, 0xF81F),
)

W, H = 13, 11


def dump(fb):
    for y in range(H):
        print("".join("%x" % min(fb.pixel(x, y), 15) for x in range(W)))


for name, fmt, col in FORMATS:
    buf = bytearray(W * H * 2 + 16)
    fb = framebuf.FrameBuffer(buf, W, H, fmt)
    print(name)
    fb.fill(0)
    fb.rect(-2, -2, 6, 5, col)
    fb.rect(9, 8, 10, 10, col, True)
    fb.line(0, 10, 12, 0, col)
    fb.line(12, 10, 12, 10, col)
    fb.ellipse(6, 5, 4, 3, col)
    fb.ellipse(2, 8, 2, 2, col, True, 0b0101)
    fb.hline(-5, 5, 100, col)
    fb.vline(7, -100, 1000, col)
    dump(fb)
    fb.fill(0)
    fb.poly(1, 1, bytes((0, 0, 10, 2, 4, 8)), col, True)
    fb.text("Ab", 2, 2, col)
    fb.scroll(1, -1)
    dump(fb)
    print(fb.pixel(-1, 0), fb.pixel(W, 0), fb.pixel(0, H))

# Out-of-range everything: no errors, nothing drawn outside.
buf = bytearray(8 * 8)
fb = framebuf.FrameBuffer(buf, 8, 8, framebuf.GS8)
big = 1 << 20
for args in ((big, big, 5, 5, 1), (-big, -big, big, big, 2), (3, 3, -big, -big, 3)):
    fb.fill_rect(*args)
    fb.rect(*args)
fb.line(-big, -big, big, big, 7)
fb.scroll(big, -big)
fb.scroll(-big, big)
fb.text("x" * 3, -big, big)
print(bytes(buf))
print(sum(buf))

# blit with key and palette, from a tuple source and a FrameBuffer source.
src = framebuf.FrameBuffer(bytearray(b"\x01\x02\x03\x00"), 2, 2, framebuf.GS8)
pal = framebuf.FrameBuffer(bytearray(b"\x10\x20\x30\x40"), 4, 1, framebuf.GS8)
fb.fill(0)
fb.blit(src, 6, 6, 2)
fb.blit(src, -1, -1, -1, pal)
fb.blit((b"\x09\x09\x09", 3, 1, framebuf.GS8), 2, 4)
for y in range(8):
    print(bytes(buf[y * 8 : y * 8 + 8]))

# the buffer protocol gives the underlying bytes
print(bytes(framebuf.FrameBuffer(bytearray(b"abc"), 3, 1, framebuf.GS8)))
for bad in ((bytearray(3), 0, 1, framebuf.GS8), (bytearray(3), 4, 1, framebuf.GS8), (bytearray(3), 3, 1, 7)):
    try:
        framebuf.FrameBuffer(*bad)
    except ValueError:
        print("ValueError")
