#!/usr/bin/env python3
"""Generate float formatting/parsing cases from CPython for crates/pyrite-core/tests/num_float.rs.
Each line: bits_hex;spec;expected  (spec 'r' = repr, else printf-style like '.3e', '#.0f')."""
import random, struct, sys

r = random.Random(777)
vals = [0.0, -0.0, 1.0, 0.1, 0.5, 2.5, 1e16, 1e15, 123456789.0, 1e-5, 1e-4, 5e-324, 2.2250738585072014e-308,
        1.7976931348623157e308, 9.999999999999999e22, 0.3, 2 / 3, 1e100, 1.5, 999999.5, 0.000123456, 12345.6789]
for _ in range(700):
    k = r.random()
    if k < 0.3:
        v = struct.unpack('<d', struct.pack('<Q', r.getrandbits(64)))[0]
        if v != v or v in (float('inf'), float('-inf')):
            continue
    elif k < 0.6:
        v = r.uniform(-1e6, 1e6)
    elif k < 0.8:
        v = round(r.uniform(-1000, 1000), r.randint(0, 4))
    else:
        v = r.randint(-10**6, 10**6) * 10.0 ** r.randint(-30, 30)
    vals.append(v)
specs = ['r', '.0f', '.1f', '.3f', '.6f', '.12f', '.0e', '.3e', '.6e', '.16e', '.0g', '.1g', '.3g', '.6g', '.10g', '.17g', '#.3g', '#.0f', '#.0e', '.2%', '.20f']
out = []
for i, v in enumerate(vals):
    for s in (['r'] + r.sample(specs[1:], 4)):
        if s == 'r':
            t = repr(v)
        else:
            t = format(v, s) if s.endswith('%') else ('%' + s) % v
        if len(t) > 400:
            continue
        out.append('%016x;%s;%s' % (struct.unpack('<Q', struct.pack('<d', v))[0], s, t))
sys.stdout.write('\n'.join(out) + '\n')
