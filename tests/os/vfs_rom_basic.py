# vfs.VfsRom over a hand-built ROMFS image: listing, stat, reading, seeking, mounting,
# importing from it, and corrupt images giving OSError.
import os, sys, vfs


def uint(n):
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.insert(0, 0x80 | (n & 0x7F))
        n >>= 7
    return bytes(out)


def rec(kind, payload):
    return uint(kind) + uint(len(payload)) + payload


def named(kind, name, body):
    return rec(kind, uint(len(name)) + name + body)


body = named(5, b"hello.txt", rec(2, b"hello\nworld\n"))
body += named(4, b"lib", named(5, b"romlib.py", rec(2, b"VALUE = 'from rom'\n")))
img = b"\xd2\xcd\x31" + uint(len(body)) + body
if len(img) % 2:
    img = b"\xd2\xcd\x31\x80" + uint(len(body)) + body

fs = vfs.VfsRom(img)
print(list(fs.ilistdir("/")))
print(fs.stat("/hello.txt")[0] == 0x8000, fs.stat("/hello.txt")[6], fs.stat("/lib")[0] == 0x4000)
with fs.open("/hello.txt", "r") as f:
    print(repr(f.readline()), f.tell())
    f.seek(-3, 2)
    print(repr(f.read()))
with fs.open("/hello.txt", "rb") as f:
    print(bytes(memoryview(f)))
for bad in ("w", "a", "r+"):
    try:
        fs.open("/hello.txt", bad)
    except OSError as e:
        print(bad, e.errno)
vfs.mount(fs, "/rom")
print(os.listdir("/rom"), os.listdir("/rom/lib"))
sys.path.append("/rom/lib")
import romlib

print(romlib.VALUE, romlib.__file__)
sys.path.pop()
try:
    open("/rom/lib")
except OSError as e:
    print(e)
vfs.umount("/rom")
for bad in (b"", b"RM1x", b"\xd2\xcd\x31\x7f", bytes(img[:-2])):
    try:
        vfs.VfsRom(bad)
        print("no error")
    except OSError as e:
        print("bad image:", e.errno)
broken = bytearray(img)
broken[8:] = b"\xff" * (len(img) - 8)
fs = vfs.VfsRom(broken)
try:
    fs.stat("/hello.txt")
except OSError as e:
    print("corrupt:", e)
print(list(fs.ilistdir("")))
