# Big ints: growth past machine words, normalisation back to small ints, mixed operations.
a = 2 ** 100
b = 3 ** 70
print(a, b, a + b, a - b, b - a, a * b)
print(a // b, a % b, b // 12345, b % 12345, divmod(a, -b), divmod(-a, b), -a // 7, -a % 7)
print(a >> 50, a >> 200, -a >> 3, -a >> 500, a << 100, (a + 1) & (b - 1), a | b, a ^ b, -a & b, -a | -b, ~a)
print(a - a, type(a - a + 5).__name__, (a * b) // b == a, a == 2 ** 100, a != a + 1, a < b, -a < -b)
print(a / b, b / a, a / 3, (10 ** 400) / (10 ** 399), 1 / (10 ** 300))
print(abs(-a), -(-a), +a, hash(a) == hash(2 ** 100), hash(a) == hash(float(a)), float(a) == a, a + 1 == float(a))
print(str(10 ** 50), repr(-(10 ** 30)), hex(a), oct(b), bin(2 ** 70 + 1), hex(-a))
print(int("123456789" * 5), int("-" + "9" * 40), int("0x" + "f" * 30, 16), int("1" * 70, 2))
print(pow(2, 200, 10 ** 9 + 7), pow(3, 10 ** 20, 1000), pow(-5, 3, 10 ** 30 + 1), pow(b, -1, 101))
print(2 ** 64 - 1, -(2 ** 63), 2 ** 63, (2 ** 62 - 1) * 2 + 2, 4611686018427387904 - 1)
x = 1
for i in range(1, 60):
    x *= i
print(x, len(str(x)), x % 1000003, x // 10 ** 50)
f = [0, 1]
for i in range(300):
    f.append(f[-1] + f[-2])
print(f[-1], f[-1] % 2 ** 64, f[-1] >> 150)
print(round(123456789012345678901234567890, -10), round(15 * 10 ** 20, -21), round(25 * 10 ** 20, -21))
print(int(1e30), int(-2.5e20), int(2.0 ** 100), float(2 ** 1023 * 2 - 1) if False else 1.0)
try:
    float(10 ** 400)
except OverflowError:
    print("OverflowError")
try:
    (10 ** 400) * 1.5
except OverflowError:
    print("OverflowError")
print(10 ** 400 > 1e308, -(10 ** 400) < -1e308, 10 ** 400 < float("inf"), 2 ** 53 + 1 > 2.0 ** 53, 2 ** 53 + 1 == 2.0 ** 53)
d = {2 ** 70: "big", 1: "one"}
print(d[2 ** 70], d[1.0], d[True])
