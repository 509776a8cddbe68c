# A filesystem written in Python, mounted with vfs.mount: the mount table, path dispatch,
# cwd handling inside a mount, open() and import through it, umount.
import io, os, sys, vfs


class RamFS:
    def __init__(self):
        self.files = {}
        self.dirs = {"/"}
        self.cwd = "/"

    def _abs(self, p):
        if not p.startswith("/"):
            p = self.cwd.rstrip("/") + "/" + p
        return p if p == "/" else p.rstrip("/")

    def mount(self, readonly, mkfs):
        print("mount", readonly, mkfs)

    def umount(self):
        print("umount")

    def ilistdir(self, path):
        d = self._abs(path)
        pre = "/" if d == "/" else d + "/"
        for p in sorted(self.dirs | set(self.files)):
            if p != d and p.startswith(pre) and "/" not in p[len(pre) :]:
                yield (p[len(pre) :], 0x4000 if p in self.dirs else 0x8000, 0)

    def stat(self, path):
        p = self._abs(path)
        if p in self.dirs:
            return (0x4000, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        if p in self.files:
            return (0x8000, 0, 0, 0, 0, 0, len(self.files[p]), 0, 0, 0)
        raise OSError(2)

    def statvfs(self, path):
        return (512, 512, 100, 50, 50, 0, 0, 0, 0, 255)

    def mkdir(self, path):
        p = self._abs(path)
        if p in self.dirs or p in self.files:
            raise OSError(17)
        self.dirs.add(p)

    def rmdir(self, path):
        self.dirs.remove(self._abs(path))

    def remove(self, path):
        del self.files[self._abs(path)]

    def rename(self, a, b):
        self.files[self._abs(b)] = self.files.pop(self._abs(a))

    def chdir(self, path):
        p = self._abs(path)
        if p not in self.dirs:
            raise OSError(2)
        self.cwd = p

    def getcwd(self):
        return self.cwd

    def open(self, path, mode):
        p = self._abs(path)
        fs = self

        class File(io.BytesIO):
            def close(self):
                if "w" in mode or "a" in mode:
                    fs.files[p] = self.getvalue()

        if "r" in mode:
            if p not in self.files:
                raise OSError(2)
            data = self.files[p]
            return io.BytesIO(data) if "b" in mode else io.StringIO(data.decode())
        f = File()
        if "a" in mode:
            f.write(self.files.get(p, b""))
        if "b" not in mode:
            w = io.StringIO()
            orig = w

            class Text:
                def write(self, s):
                    return orig.write(s)

                def close(self):
                    fs.files[p] = orig.getvalue().encode()

                def __enter__(self):
                    return self

                def __exit__(self, *a):
                    self.close()

            return Text()
        return f


fs = RamFS()
vfs.mount(fs, "/ram")
print([m[1] for m in vfs.mount()])
print("ram" in os.listdir("/"))
with open("/ram/hello.txt", "w") as f:
    f.write("hi there")
print(os.listdir("/ram"))
print(open("/ram/hello.txt").read())
print(os.stat("/ram/hello.txt")[6])
os.mkdir("/ram/lib")
with open("/ram/lib/ramtest.py", "w") as f:
    f.write("print('ramtest imported')\nX = 42\n")
sys.path.insert(0, "/ram/lib")
import ramtest

print(ramtest.X, ramtest.__file__)
sys.path.pop(0)
cwd = os.getcwd()
os.chdir("/ram/lib")
print(os.getcwd(), os.listdir())
os.chdir("/ram")
print(os.getcwd())
os.rename("hello.txt", "bye.txt")
print(os.listdir(""))
print(os.statvfs("/ram")[0])
try:
    os.rename("/ram/bye.txt", "/tmp/bye.txt")
except OSError as e:
    print("cross-fs rename:", e)
try:
    vfs.mount(RamFS(), "/ram")
except OSError as e:
    print("mount again:", e)
os.chdir(cwd)
print(os.getcwd() == cwd)
vfs.umount("/ram")
print("ram" in os.listdir("/"))
try:
    vfs.umount("/ram")
except OSError as e:
    print(e)
try:
    open("/ram/bye.txt")
except OSError as e:
    print("after umount:", type(e).__name__)
