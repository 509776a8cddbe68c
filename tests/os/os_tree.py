# os functions on the host filesystem (VfsPosix mounted at /): mkdir, listdir, ilistdir,
# stat, rename, remove, rmdir, chdir/getcwd, and errno-formatted errors.
import os

base = "/tmp/pyrite_os_tree_%s" % "".join("%02x" % b for b in os.urandom(4))
os.mkdir(base)
os.mkdir(base + "/sub")
with open(base + "/a.txt", "w") as f:
    f.write("hello")
print(sorted(os.listdir(base)))
print(sorted((n, t) for n, t, *_ in os.ilistdir(base)))
print(sorted(n for n, *_ in os.ilistdir(base.encode())))
st = os.stat(base + "/a.txt")
print(len(st), st[0] & 0o170000 == 0o100000, st[6])
print(os.stat(base)[0] & 0o170000 == 0o040000)
os.rename(base + "/a.txt", base + "/sub/b.txt")
print(os.listdir(base + "/sub"))
cwd = os.getcwd()
os.chdir(base + "/sub")
print(os.getcwd() == base + "/sub", os.listdir())
with open("b.txt") as f:
    print(f.read())
os.chdir("..")
print(os.getcwd() == base)
os.chdir(cwd)
try:
    os.mkdir(base)
except OSError as e:
    print(e)
try:
    os.remove(base + "/nothing")
except OSError as e:
    print(e)
try:
    os.rmdir(base + "/sub")
except OSError as e:
    print("rmdir non-empty:", e.errno)
os.remove(base + "/sub/b.txt")
os.rmdir(base + "/sub")
os.rmdir(base)
print(os.path if hasattr(os, "path") else "no os.path")
print(os.sep, type(os.urandom(8)), len(os.urandom(8)))
print(len(os.statvfs("/")), os.getcwd() == cwd)
import uos
print(uos is os)
