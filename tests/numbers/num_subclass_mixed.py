# Subclasses of number types, buffers as number text, mixed int/float operations, formatting.
class F(float):
    pass
f = F(1.5)
print(f, f + 1, 2 * f, f == 1.5, hash(f) == hash(1.5), isinstance(f, float), float(f), int(f), round(f))
class I(int):
    pass
i = I(2 ** 70)
print(i, i + 1, i * 2, i == 2 ** 70, hash(i) == hash(2 ** 70), int(i), float(i), i.to_bytes(10, 'big'))
class C(complex):
    pass
c = C(1, 2)
print(c, c * 2, c.real, abs(c))
print(int("12", base=8), int(bytearray(b"42")), float(bytearray(b"1.5")), int(memoryview(b"7")))
print(int.from_bytes(bytearray(b"\x01\x00"), "little"), int.from_bytes(b"\xff", "big", True) if False else 0)
print((255).to_bytes(2, "little"), (-1).to_bytes(2, "little", signed=True), int.from_bytes(b"\xff\xff", "little", signed=True))
import math
print(math.floor(I(7)), math.sqrt(I(16)), math.log(2 ** 2000) / math.log(2))
print(1e300 * 1e10, -1e300 * 1e10, 2.0 ** 1e5 if False else 0, 10 ** 20 / 3, 7 // 2.0, 2 ** 100 // 3.0)
print(round(2 ** 100 + 0.0), round(1e20), round(-0.5), round(0.5), round(1.5), round(-1.5))
print(divmod(2 ** 100, 7.0), divmod(-7, 2.5), (2 ** 100) % 7.5)
print(format(1.5, ".3f"), format(2 ** 70, "x"), format(255, "#b"), format(1e20, "g"), format(0.1, ".20f"))
print("%d %i %x %o %e %g" % (2 ** 70, -5, 255, 8, 1.5, 2 ** 70))
print(str(0.1 + 0.2), 1 / 3, 2 / 3, 1e-7, 123e-20, -1.5e300)
