# Small ints, bools and mixed arithmetic.
print(1 + 2, 7 - 10, 6 * 7, 7 // 2, -7 // 2, 7 // -2, 7 % 3, -7 % 3, 7 % -3, 7 / 2, -1 / 4)
print(divmod(17, 5), divmod(-17, 5), divmod(17, -5), divmod(-17, -5))
print(2 ** 10, 2 ** -1, (-2) ** 3, (-2) ** -2, 0 ** 0)
print(1 << 3, 1 << 62, 1 << 63, 1 << 64, -1 << 70, 5 >> 1, -5 >> 1, -1 >> 100, 12345 >> 200)
print(6 & 3, 6 | 3, 6 ^ 3, ~5, ~-1, -6 & 3, -6 | 3, -6 ^ 3, -6 & -3)
print(True + True, True * 10, -True, ~True, +True, abs(-True), True / 2, True // 2)
print(True & False, True | False, True ^ True, type(True & False).__name__, type(True & 1).__name__)
print(int(), int(True), int(-3.9), int(3.9), int("  42 "), int("-0x10", 16), int("z", 36), int("0b11", 0))
print(int("1_000"), int("0o777", 0), int(b"12"), int(" 0 ", 0))
print(abs(-5), abs(5), abs(0), -(-5), +5)
print(1 == 1.0, 1 == True, 0 == False, 2 < 2.5, 3 > 2.5, 1 != 1.0, hash(1) == hash(1.0) == hash(True))
print(bool(0), bool(7), bool(-1), str(123), repr(-456))
print(hex(255), oct(8), bin(5), hex(-255), bin(0), oct(-1))
print(round(7), round(15, -1), round(25, -1), round(-15, -1), round(123, 2))
print(pow(3, 4), pow(3, 4, 5), pow(-3, 3, 7), pow(2, -1), pow(3, 0, 1))
for bad in ("", "1__0", "_1", "1_", "12a", "0x", "012", "1 1"):
    try:
        int(bad, 0)
    except ValueError:
        print("ValueError", repr(bad))
for op in (lambda: 1 // 0, lambda: 1 % 0, lambda: 1 / 0, lambda: divmod(1, 0)):
    try:
        op()
    except ZeroDivisionError:
        print("ZeroDivisionError")
try:
    1 << -1
except ValueError:
    print("ValueError")
try:
    int("10", 99)
except ValueError:
    print("ValueError")
try:
    int([])
except TypeError:
    print("TypeError")
try:
    pow(1.0, 2, 3)
except TypeError:
    print("TypeError")
print((10).to_bytes(2, "big"), (258).to_bytes(2, "little"), (-2).to_bytes(2, "little", signed=True))
print(int.from_bytes(b"\x01\x02", "big"), int.from_bytes(b"\x01\x02", "little"))
try:
    (256).to_bytes(1, "big")
except OverflowError:
    print("OverflowError")
print(3 * "ab", [0] * 3, (1,) * 2, "x" * True)
