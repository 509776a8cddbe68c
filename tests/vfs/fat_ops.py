# VfsFat on a RAM disk: names (short, long, mixed case, non-ASCII), directories, file
# methods, rename/remove, errors with MicroPython's errno values, remounting.
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0] if "/" in __file__ else ".")
import errno, vfs
from _ramdev import RAMSimple

dev = RAMSimple(400)
vfs.VfsFat.mkfs(dev)
fs = vfs.VfsFat(dev)
total = fs.statvfs("/")
print(total)

fs.mkdir("Docs")
fs.mkdir("Docs/A rather long directory name")
names = ["readme.txt", "README2.TXT", "MixedCase.Txt", "a.b.c.d", "café.txt", "x" * 100]
for n in names:
    with fs.open("Docs/" + n, "w") as f:
        f.write(n * 3)
print(sorted(e[0] for e in fs.ilistdir("Docs")))
for n in names:
    with fs.open("docs/" + n.upper(), "r") as f:
        assert f.read() == n * 3, n
print(b"README  TXT" in dev.data, b"README2 TXT" in dev.data)

# Text and binary files, seek/tell, readline and iteration.
with fs.open("lines.txt", "w") as f:
    for i in range(50):
        f.write("line %d\n" % i)
with fs.open("lines.txt", "r") as f:
    print(f.readline(), f.readline(3), f.readline())
    print(len(list(f)))
with fs.open("lines.txt", "rb") as f:
    f.seek(-8, 2)
    print(f.read(), f.tell())
    f.seek(7)
    buf = bytearray(6)
    print(f.readinto(buf), buf)
with fs.open("bin.dat", "wb") as f:
    f.write(bytes(range(256)) * 20)
with fs.open("bin.dat", "r+b") as f:
    f.seek(1000)
    f.write(b"HELLO")
    f.seek(0, 2)
    f.write(b"END")
with fs.open("bin.dat", "rb") as f:
    d = f.read()
print(len(d), d[998:1007], d[-4:])
with fs.open("bin.dat", "a") as f:
    f.write("more")
print(fs.stat("bin.dat")[6])

# Rename and remove.
fs.rename("lines.txt", "Docs/A rather long directory name/moved lines.txt")
print(list(fs.ilistdir("Docs/A rather long directory name")))
fs.rename("Docs/A rather long directory name", "Top")
print(sorted(e[0] for e in fs.ilistdir("/")))
fs.chdir("Top")
print(fs.getcwd(), [e[0] for e in fs.ilistdir()])
with fs.open("../Docs/readme.txt", "r") as f:
    print(f.read(10))
fs.chdir("/")

# Errors.
def err(f, *a):
    try:
        f(*a)
        print("no error")
    except OSError as e:
        print("OSError", e.errno)

err(fs.mkdir, "Docs")
err(fs.rmdir, "Docs")
err(fs.rmdir, "bin.dat")
err(fs.remove, "Docs")
err(fs.remove, "nothing")
err(fs.open, "nothing", "r")
err(fs.open, "bin.dat", "x")
err(fs.open, "no/dir/file", "w")
err(fs.chdir, "bin.dat")
err(fs.stat, "Docs/nothing")
err(fs.mkdir, "bad:name")
f = fs.open("bin.dat", "r")
f.close()
err(f.read)

# Everything survives a new VfsFat on the same device.
fs = vfs.VfsFat(dev)
print(sorted(e[0] for e in fs.ilistdir("/")), fs.stat("Top/moved lines.txt")[6])
for n in names:
    fs.remove("Docs/" + n)
fs.remove("Top/moved lines.txt")
fs.rmdir("Top")
fs.rmdir("Docs")
fs.remove("bin.dat")
print(list(fs.ilistdir("/")), fs.statvfs("/") == total)

# Filling the disk gives ENOSPC and keeps what was written.
f = fs.open("big", "wb")
try:
    for i in range(1000):
        f.write(bytearray(1024))
except OSError as e:
    print("ENOSPC", e.errno == 28)
f.close()
print(fs.statvfs("/")[3], fs.stat("big")[6] == total[2] * total[0])
