#!/usr/bin/env python3
"""Derive framebuf's 8x8 font from the observable behaviour of a MicroPython binary.

Usage: tools/gen-framebuf-font.py /path/to/micropython > font.txt

MicroPython's `FrameBuffer.text()` draws characters 32..127 from an 8x8 bitmap font. To draw
the same pixels, we render each character into a 8x8 MONO_VLSB frame buffer with the given
binary and print the resulting 8 column bytes per glyph (bit 0 = top row), as the rows of the
`FONT` table in crates/pyrite-core/src/modules/framebuf.rs.
"""
import subprocess, sys

PROBE = r"""
import framebuf
for c in range(32, 128):
    b = bytearray(8)
    framebuf.FrameBuffer(b, 8, 8, framebuf.MONO_VLSB).text(chr(c), 0, 0, 1)
    print(' '.join('%d' % x for x in b))
"""

out = subprocess.run([sys.argv[1], "-c", PROBE], capture_output=True, text=True, check=True).stdout
for i, line in enumerate(out.split("\n")[:96]):
    cols = [int(x) for x in line.split()]
    print("    " + ", ".join("0x%02x" % x for x in cols) + ",")
