# framebuf: extreme coordinates and radii neither fail nor take long.
import framebuf
from array import array
fb = framebuf.FrameBuffer(bytearray(64), 8, 8, framebuf.GS8)
M = -(1 << 63)
for a in ((M, M, M, M, 1), (M, 0, -1, 5, 2), (0, M, 5, M, 3), ((1<<63)-1, 0, (1<<63)-1, 2, 4)):
    fb.fill_rect(*a); fb.rect(*a); fb.rect(*a, True); fb.hline(a[0], a[1], a[2], 5); fb.vline(a[0], a[1], a[3], 6)
    fb.line(*a); fb.ellipse(*a)
fb.poly(0, 0, array('q', [M, M, (1<<63)-1, 0, 0, (1<<63)-1]), 7, True)
fb.poly(0, 0, array('i', [-(1<<31), -5, (1<<31)-1, 3, 2, (1<<31)-1]), 8, True)
fb.scroll(M, (1<<63)-1); fb.text("hi", M, M); fb.blit(fb, M, M)
print(len(bytes(fb)), "done")
