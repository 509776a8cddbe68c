# VfsLfs2 and VfsLfs1 on a RAM device: directories, file methods, rename/remove, errors,
# remounting, filling up, and mtime on v2.
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0] if "/" in __file__ else ".")
import vfs
from _ramdev import RAMExt


def err(f, *a):
    try:
        f(*a)
        print("no error")
    except OSError as e:
        print("OSError", e.errno)


def test(cls):
    print(cls)
    dev = RAMExt(64)
    cls.mkfs(dev)
    fs = cls(dev)
    total = fs.statvfs("/")
    print(total)
    fs.mkdir("d")
    fs.mkdir("d/sub")
    for i in range(20):
        with fs.open("d/f%d" % i, "w") as f:
            f.write("file %d " % i * i)
    print(sorted(fs.ilistdir("d")))
    with fs.open("big", "wb") as f:
        for i in range(40):
            f.write(bytes([i]) * 100)
    with fs.open("big", "r+b") as f:
        f.seek(1234)
        f.write(b"MID")
        f.seek(0, 2)
        f.write(b"END")
    with fs.open("big", "rb") as f:
        d = f.read()
    print(len(d), d[1230:1240], d[-5:])
    with fs.open("big", "rb") as f:
        f.seek(3000)
        print(f.read(4), f.tell())
    with fs.open("text", "w") as f:
        f.write("one\ntwo\nthree\n")
    with fs.open("text", "r") as f:
        print(list(f))
    fs.rename("d/f3", "d/sub/g3")
    fs.rename("text", "d/text2")
    fs.rename("d/f4", "d/f5")
    print(sorted(fs.ilistdir("d")), list(fs.ilistdir("d/sub")))
    fs.chdir("d/sub")
    print(fs.getcwd(), fs.stat("g3")[6], fs.stat("../text2")[6])
    fs.chdir("/")
    err(fs.mkdir, "d")
    err(fs.rmdir, "d")
    err(fs.remove, "nothing")
    err(fs.open, "nothing", "r")
    err(fs.open, "big", "x")
    err(fs.open, "d", "r")
    err(fs.chdir, "big")
    err(fs.rename, "d", "big")
    err(fs.rename, "big", "d")
    # Remount and clean up.
    fs = cls(dev)
    print(sorted(e[0] for e in fs.ilistdir("/")))
    for e in list(fs.ilistdir("d")):
        if e[1] == 0x8000:
            fs.remove("d/" + e[0])
    fs.remove("d/sub/g3")
    fs.rmdir("d/sub")
    fs.rmdir("d")
    fs.remove("big")
    print(list(fs.ilistdir("/")), fs.statvfs("/") == total)
    f = fs.open("fill", "wb")
    try:
        for i in range(100):
            f.write(bytearray(512))
    except OSError as e:
        print("full", e.errno)
    f.close()
    fs.remove("fill")
    print(fs.statvfs("/") == total)


test(vfs.VfsLfs2)
test(vfs.VfsLfs1)
