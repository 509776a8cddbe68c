# marshal.loads refuses corrupt data with ValueError
import marshal

good = marshal.dumps((lambda a: a + 1).__code__)
for bad in (b"", b"garbage", good[:5], good[:-3], b"M\x06" + bytes(40)):
    try:
        marshal.loads(bad)
        print("loaded")
    except ValueError:
        print("ValueError")
try:
    marshal.dumps(1)
except ValueError:
    print("ValueError")
# flipping every byte never crashes
n = 0
for i in range(len(good)):
    d = bytearray(good)
    d[i] ^= 0xFF
    try:
        marshal.loads(d)
    except ValueError:
        n += 1
print(n >= 0)
