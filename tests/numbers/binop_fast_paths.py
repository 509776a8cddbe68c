# Binary operations the dispatch loop computes without generic dispatch: small ints that
# overflow into big ints, int/int true division, float with int operands, comparisons.
i = 1 << 40
print(i * i, i * -i, -i * -i)
j = (1 << 62) - 1
print(j + j, j - (-j), -j - j)
print(7 / 2, -7 / 2, 6 / 3, 1 / 3)
print((1 << 53) / 3, ((1 << 53) + 1) / 1)
print(1.5 + 2, 2 + 1.5, 3 - 0.5, 0.5 - 3, 2 * 1.25, 1.25 * 2, 5 / 2.0, 5.0 / 2)
x = 2**53 + 1
print(float(x) == x, x == float(x), x > float(x), float(x) < x)
print(0.1 + 0.2, 1e308 * 10, -1e308 * 10)
for a, b in [(1, 1.0), (1.0, 2), (2.5, 2.5), (float("nan"), 1.0), (3, 2.5)]:
    print(a < b, a > b, a <= b, a >= b, a == b, a != b)
try:
    1.0 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError")
try:
    1 / 0
except ZeroDivisionError as e:
    print("ZeroDivisionError")
y = 1.0
y += 2
y *= 3
y -= 0.5
y /= 2
print(y)
print(True + 1.5, 2.5 * False)
