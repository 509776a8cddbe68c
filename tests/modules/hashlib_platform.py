# hashlib digests against known values; platform strings.
import hashlib, platform

for name in ("sha256", "sha1", "md5"):
    algo = getattr(hashlib, name)
    for data in (b"", b"abc", b"\xff" * 55, b"\xff" * 56, b"\xff" * 64, b"x" * 1000):
        print(name, len(data), algo(data).hexdigest())
    h = algo()
    h.update(b"abcd" * 100)
    h.update(bytearray(b"tail"))
    print(name, h.digest() == algo(b"abcd" * 100 + b"tail").digest())
print(type(platform.platform()), type(platform.python_compiler()), type(platform.libc_ver()))
