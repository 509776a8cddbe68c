# open() modes through the VFS: append, '+', readinto with a length, seek/tell, iteration.
# Output matches CPython's.
import os

name = "/tmp/pyrite_open_modes_%s" % "".join("%02x" % b for b in os.urandom(4))

with open(name, "w") as f:
    print(f.write("line1\n"), f.write("line2\n"))
with open(name, "a") as f:
    f.write("line3\n")
with open(name) as f:
    print(f.read())
with open(name) as f:
    print([l for l in f])
with open(name, "r+b") as f:
    f.seek(2)
    f.write(b"XY")
    f.seek(0)
    print(f.read(8))
    print(f.tell())
with open(name, "rb") as f:
    b = bytearray(10)
    print(f.readinto(b))
    print(b)
with open(name, "w+") as f:
    f.write("abc")
    f.seek(0)
    print(repr(f.read()))
with open(name, "a+b") as f:
    f.write(b"def")
    f.seek(0)
    print(f.read())
try:
    open(name, "x")
except OSError as e:
    print("x: OSError", e.errno == 17)
os.remove(name)
try:
    open(name)
except OSError as e:
    print("missing: OSError", e.errno == 2)
