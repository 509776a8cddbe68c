# Floats: repr, arithmetic with Python's sign rules, conversions, rounding.
for x in (0.1, 1e16, 1e15, 1.5e-7, 0.0001, 1e-5, -0.0, 1.0, 123456789.125, 1e22, 5e-324, 1.7976931348623157e308, 2.0 ** 0.5, 1 / 3):
    print(repr(x), str(x))
print(float("inf"), float("-inf"), float("nan"), float(" 1_000.25 "), float("1e3"), float(".5"), float("5."), float("-Infinity"))
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 7.5 % -2, divmod(7.5, 2), divmod(-7.5, 2), 5.0 // 0.5, -0.0 % 5)
print(2.0 ** 10, 2 ** 0.5, 4 ** 0.5, (-8.0) ** 2, 10.0 ** -2, 0.0 ** 0)
print(1.0 + 2, 3 - 0.5, 2 * 0.25, 1 / 8, 3.0 == 3, 0.1 + 0.2, 0.1 + 0.2 == 0.3)
print(round(2.5), round(3.5), round(-2.5), round(0.125, 2), round(2.675, 2), round(1234.5678, -2), round(1.5, 0), type(round(1.5)).__name__)
print(int(2.9), int(-2.9), float(7), float(True), float(2 ** 60), abs(-1.5), -(1.5), +1.5)
print(float("nan") == float("nan"), float("inf") > 10 ** 300, 1e308 * 10, -1e308 * 10)
n = float("nan")
print(n != n, n == n, n < 1, n > 1, [n] == [n])
print(hash(0.0), hash(-0.0), hash(1.0), hash(2.0), hash(-12.0), hash(12345.0), hash(0.5) == hash(0.5))
print("%.3f %e %g %G %.0f %.10g %5.1f|%-8.2e|%+g" % (3.14159, 12345.678, 0.00001234, 1e-10, 2.5, 1 / 3, 2.25, 1234.5, 1.0))
print("%.2f%%" % 99.5, "%g" % 100000, "%g" % 1e6, "%#.3g" % 1, "%.1e" % 0.0, "%g" % float("inf"))
for bad in ("", ".", "1e", "e5", "1.2.3", "abc", "1__0", "--1"):
    try:
        float(bad)
    except ValueError:
        print("ValueError", repr(bad))
for op in (lambda: 1.0 / 0, lambda: 1.0 // 0.0, lambda: 1.0 % 0.0, lambda: divmod(1.0, 0), lambda: 0.0 ** -1):
    try:
        op()
    except ZeroDivisionError:
        print("ZeroDivisionError")
for v in (float("inf"), float("nan")):
    try:
        int(v)
    except (OverflowError, ValueError) as e:
        print(type(e).__name__)
print((-8) ** (1 / 3), (-1.0) ** 0.5)
