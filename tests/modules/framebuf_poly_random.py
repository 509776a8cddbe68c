# framebuf: filled and outlined random polygons (output checked against MicroPython).
import framebuf
from array import array
buf = bytearray(23 * 17)
fb = framebuf.FrameBuffer(buf, 23, 17, framebuf.GS8)
seed = 777
def rnd(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
for i in range(300):
    fb.fill(0)
    n = 1 + rnd(7)
    pts = array('h', [rnd(40) - 8 for _ in range(2 * n)])
    fb.poly(rnd(10) - 5, rnd(10) - 5, pts, 1 + rnd(9), i % 2 == 0)
    print(i, sum(j*b for j,b in enumerate(buf)))
