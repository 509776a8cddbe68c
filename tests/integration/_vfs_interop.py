#!/usr/bin/env python3
"""Filesystem images shared with Linux tools: pyrite's VfsFat against mtools/dosfstools, and
VfsLfs2 against littlefs-python (the reference littlefs C code, from PyPI).

usage: tests/integration/_vfs_interop.py [PYRITE_BINARY]   (default: target/release/pyrite)

What it installs itself: mtools and dosfstools from Debian (apt-get) when missing;
littlefs-python (pinned) into a virtualenv in ~/.cache/pyrite-integration.

Checks, each both ways: an image made by the Linux tool is read by pyrite (names, sizes,
contents) and then written by pyrite; the tool then reads what pyrite wrote and still reads its
own files; fsck.fat finds nothing to fix; an image formatted by pyrite is accepted by the tool.
Ends with "N passed, N failed"; exit status 1 if anything failed.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "pyrite-integration")
LITTLEFS_PYTHON = "littlefs-python==0.19.0"

passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print("ok  ", name)
    else:
        failed += 1
        print("FAIL", name, detail)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)


def ensure_apt(tools, packages):
    if all(shutil.which(t) for t in tools):
        return
    run(["apt-get", "update"])
    r = run(["apt-get", "install", "-y"] + packages)
    if r.returncode != 0:
        sys.exit("cannot install %s: %s" % (packages, r.stderr[-500:]))


def ensure_littlefs():
    venv = os.path.join(CACHE, "lfs-venv")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        os.makedirs(CACHE, exist_ok=True)
        r = run([sys.executable, "-m", "venv", venv])
        if r.returncode != 0:
            sys.exit("cannot make a virtualenv: " + r.stderr)
    r = run([py, "-c", "import littlefs"])
    if r.returncode != 0:
        r = run([py, "-m", "pip", "install", "-q", LITTLEFS_PYTHON])
        if r.returncode != 0:
            sys.exit("cannot install littlefs-python: " + r.stderr[-500:])
    return py


# A block device over an image file, in pyrite's Python.
FILEDEV = """
import vfs
class FileDev:
    def __init__(self, path, bs):
        self.f = open(path, "r+b")
        self.bs = bs
        self.f.seek(0, 2)
        self.n = self.f.tell() // bs
    def readblocks(self, b, buf, off=0):
        self.f.seek(b * self.bs + off)
        self.f.readinto(buf)
    def writeblocks(self, b, buf, off=0):
        self.f.seek(b * self.bs + off)
        self.f.write(buf)
    def ioctl(self, op, arg):
        if op == 3:
            self.f.flush()
        if op == 4:
            return self.n
        if op == 5:
            return self.bs
        if op == 6:
            return 0
"""


def pyrite(binary, code):
    r = run([binary, "-c", FILEDEV + code])
    return r.returncode == 0, (r.stdout + r.stderr).strip()


def payload(i):
    return ("%d:" % i + "pyrite interop " * (i * 37 % 400)).encode()


def fat_tests(binary, tmp):
    ensure_apt(["mdir", "mcopy", "mmd", "fsck.fat", "mkfs.fat"], ["mtools", "dosfstools"])
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    for label, mkfs_args, sectors in (
        ("FAT12", ["-F", "12"], 4000),
        ("FAT16", ["-F", "16"], 40000),
        ("FAT32", ["-F", "32"], 140000),
    ):
        img = os.path.join(tmp, label + ".img")
        if os.path.exists(img):
            os.remove(img)
        r = run(["mkfs.fat", "-C"] + mkfs_args + [img, str(sectors // 2)])
        check(label + " mkfs.fat", r.returncode == 0, r.stderr)
        src = os.path.join(tmp, "src.bin")
        with open(src, "wb") as f:
            f.write(bytes(range(256)) * 40)
        run(["mmd", "-i", img, "::/Linux Dir"], env=env)
        r = run(["mcopy", "-i", img, src, "::/Linux Dir/A Long Linux Name.bin"], env=env)
        check(label + " mcopy in", r.returncode == 0, r.stderr)
        code = """
fs = vfs.VfsFat(FileDev(%r, 512))
d = fs.open("/linux dir/a long linux name.BIN", "rb").read()
assert d == bytes(range(256)) * 40, len(d)
fs.mkdir("/From Pyrite")
for i in range(30):
    with fs.open("/From Pyrite/file number %%d.dat" %% i, "wb") as f:
        f.write(("%%d:" %% i + "pyrite interop " * (i * 37 %% 400)).encode())
fs.remove("/From Pyrite/file number 7.dat")
fs.rename("/From Pyrite/file number 8.dat", "/Linux Dir/renamed.dat")
print("done")
""" % img
        ok, out = pyrite(binary, code)
        check(label + " pyrite reads and writes", ok and out.endswith("done"), out[-300:])
        r = run(["fsck.fat", "-n", img])
        check(label + " fsck.fat clean", r.returncode == 0, r.stdout[-500:])
        good = True
        for i in range(30):
            if i in (7, 8):
                continue
            out_path = os.path.join(tmp, "out.dat")
            if os.path.exists(out_path):
                os.remove(out_path)
            r = run(["mcopy", "-i", img, "::/From Pyrite/file number %d.dat" % i, out_path], env=env)
            if r.returncode != 0 or open(out_path, "rb").read() != payload(i):
                good = False
                break
        check(label + " mtools reads pyrite's files", good)
        r = run(["mtype", "-i", img, "::/Linux Dir/renamed.dat"], env=env)
        check(label + " renamed file", r.stdout.encode() == payload(8), r.stderr)

    # An image pyrite formats.
    for sectors in (3000, 100000):
        img = os.path.join(tmp, "pyrite-mkfs.img")
        with open(img, "wb") as f:
            f.truncate(sectors * 512)
        code = """
d = FileDev(%r, 512)
vfs.VfsFat.mkfs(d)
fs = vfs.VfsFat(d)
fs.mkdir("dir")
with fs.open("dir/Hello World.txt", "w") as f:
    f.write("hello from pyrite")
print("done")
""" % img
        ok, out = pyrite(binary, code)
        check("pyrite mkfs %d" % sectors, ok, out)
        r = run(["fsck.fat", "-n", img])
        check("pyrite mkfs %d fsck.fat clean" % sectors, r.returncode == 0, r.stdout[-500:])
        r = run(["mtype", "-i", img, "::/dir/Hello World.txt"], env=env)
        check("pyrite mkfs %d mtype" % sectors, r.stdout == "hello from pyrite", r.stderr)


LFS_MAKE = """
import sys, littlefs
path, bs, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
fs = littlefs.LittleFS(block_size=bs, block_count=n)
fs.mkdir("linux")
with fs.open("linux/small.txt", "w") as f:
    f.write("small")
with fs.open("linux/big.bin", "wb") as f:
    f.write(bytes(range(256)) * 50)
for i in range(12):
    with fs.open("linux/n%d" % i, "w") as f:
        f.write("x" * i * 30)
with open(path, "wb") as f:
    f.write(fs.context.buffer)
"""

LFS_CHECK = """
import sys, littlefs
path, bs, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ctx = littlefs.UserContext(bs * n)
ctx.buffer[:] = open(path, "rb").read()
fs = littlefs.LittleFS(context=ctx, block_size=bs, block_count=n)
assert fs.open("linux/small.txt", "r").read() == "small"
assert fs.open("linux/big.bin", "rb").read() == bytes(range(256)) * 50
for i in range(30):
    if i in (4, 5):
        continue
    want = ("%d:" % i + "pyrite interop " * (i * 37 % 400)).encode()
    got = fs.open("pyrite/f%d" % i, "rb").read()
    assert got == want, (i, len(got), len(want))
assert fs.open("linux/moved", "rb").read() == ("5:" + "pyrite interop " * (5 * 37 % 400)).encode()
assert "n3" not in fs.listdir("linux")
print("done")
"""


def lfs_tests(binary, tmp):
    py = ensure_littlefs()
    bs, n = 512, 256
    img = os.path.join(tmp, "lfs.img")
    r = run([py, "-c", LFS_MAKE, img, str(bs), str(n)])
    check("littlefs-python makes an image", r.returncode == 0, r.stderr[-500:])
    code = """
fs = vfs.VfsLfs2(FileDev(%r, %d))
assert fs.open("linux/small.txt", "r").read() == "small"
assert fs.open("linux/big.bin", "rb").read() == bytes(range(256)) * 50
fs.mkdir("pyrite")
for i in range(30):
    with fs.open("pyrite/f%%d" %% i, "wb") as f:
        f.write(("%%d:" %% i + "pyrite interop " * (i * 37 %% 400)).encode())
fs.remove("pyrite/f4")
fs.rename("pyrite/f5", "linux/moved")
fs.remove("linux/n3")
print("done")
""" % (img, bs)
    ok, out = pyrite(binary, code)
    check("pyrite reads and writes a littlefs-python image", ok and out.endswith("done"), out[-300:])
    r = run([py, "-c", LFS_CHECK, img, str(bs), str(n)])
    check("littlefs-python reads pyrite's writes", r.stdout.strip() == "done", r.stderr[-800:])

    img2 = os.path.join(tmp, "lfs2.img")
    with open(img2, "wb") as f:
        f.write(b"\xff" * bs * n)
    code = """
d = FileDev(%r, %d)
vfs.VfsLfs2.mkfs(d)
fs = vfs.VfsLfs2(d)
fs.mkdir("linux")
with fs.open("linux/small.txt", "w") as f:
    f.write("small")
with fs.open("linux/big.bin", "wb") as f:
    f.write(bytes(range(256)) * 50)
fs.mkdir("pyrite")
for i in range(30):
    with fs.open("pyrite/f%%d" %% i, "wb") as f:
        f.write(("%%d:" %% i + "pyrite interop " * (i * 37 %% 400)).encode())
fs.remove("pyrite/f4")
fs.rename("pyrite/f5", "linux/moved")
print("done")
""" % (img2, bs)
    ok, out = pyrite(binary, code)
    check("pyrite formats a LittleFS image", ok and out.endswith("done"), out[-300:])
    r = run([py, "-c", LFS_CHECK, img2, str(bs), str(n)])
    check("littlefs-python reads pyrite's image", r.stdout.strip() == "done", r.stderr[-800:])


def main():
    binary = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(
        ROOT, "target", "release", "pyrite")
    with tempfile.TemporaryDirectory() as tmp:
        fat_tests(binary, tmp)
        lfs_tests(binary, tmp)
    print("%d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
