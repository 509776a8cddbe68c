# memoryview
b = b"abcdef"
m = memoryview(b)
print(len(m), m[0], m[-1], bytes(m), bytes(m[1:4]), bytes(m[1:5][1:3]), list(m[:3]))
ba = bytearray(b"hello")
mv = memoryview(ba)
mv[0] = 72
print(ba)
mv[1:3] = b"EL"
print(ba)
sub = mv[2:]
sub[0] = 76
print(ba, bytes(sub), len(sub))
print(m == b"abcdef", bytes(memoryview(mv)))
try:
    m[0] = 1
except TypeError:
    print("TypeError readonly")
try:
    m[10]
except IndexError:
    print("IndexError")
try:
    memoryview(1)
except TypeError:
    print("TypeError buffer")
try:
    mv[0:2] = b"xyz"
except ValueError:
    print("ValueError size")
for x in memoryview(b"\x05\x06"):
    print(x)
