# str.format and format()
print("{} {}".format(1, "a"), "{1} {0}".format("x", "y"), "{a}-{b}".format(a=1, b=2))
print("{0}{0}{1}".format("ab", "c"), "{{}} {{{}}}".format(5))
print("{!r} {!s}".format("q", "q"), "{0!r:>6}|".format("q"))
print("{:5}|{:<5}|{:>5}|{:^5}|".format("ab", "ab", "ab", "ab"))
print("{:*^9}|{:-<4}|{:.2}|".format("mid", "x", "abcdef"))
print("{:5}|{:<5}|{:^5}|{:05}|{:+}|{: }|".format(42, 42, 42, 42, 42, 42))
print("{:x} {:X} {:o} {:b} {:#x} {:#o} {:#b} {:c}".format(255, 255, 8, 5, 255, 8, 5, 65))
print("{:,} {:_} {:,} {:_x} {:010,}".format(1234567, 1234567, -987654321, 0xFFFFFF, 1234))
print("{:08.3f} {:.2e} {:g} {:G} {:%} {:.1%}".format(3.14159, 12345.678, 0.00001, 1e50, 0.5, 0.123))
print("{:f} {:.0f} {:e} {:.3g} {}".format(1.5, 2.5, 0.0, 1234.5, 0.1))
print("{:10.4f}|{:<10.2f}|{:^10.1f}|{:+.2f}|".format(3.14159, 2.5, -1.25, 1.0))
print("{:,.2f} {:.3} {:.3} {}".format(1234567.891, 1.0, 1234567.0, 1e16))
print("{0[0]} {0[1]} {1[k]}".format(["a", "b"], {"k": "v"}))
class P:
    x = 3
    y = "why"
print("{0.x} {0.y}".format(P()))
print("{:{}}|{:{w}.{p}f}|".format("a", 4, 3.14159, w=8, p=2))
print(format(42), format(42, "5"), format(3.5, "06.2f"), format("s", ">3"))
print(format(-0.0), format(1e100), format(float("inf"), "f"), format(float("nan"), "5"))
print(format(2 ** 70, ","), format(-(2 ** 65), "x"), format(10 ** 20, "_d"))
print(format(True, "d"), format(1.5, ""), format(12, "n"))
for bad in ("{", "}", "{0", "{!x}", "{:d}"):
    try:
        print(bad.format("s"))
    except ValueError:
        print("ValueError", repr(bad))
try:
    "{} {}".format(1)
except IndexError:
    print("IndexError")
try:
    "{x}".format(y=1)
except KeyError:
    print("KeyError")
try:
    "{} {1}".format(1, 2)
except ValueError:
    print("ValueError numbering")
try:
    format(1.5, "d")
except ValueError:
    print("ValueError d")
try:
    format("s", "+")
except ValueError:
    print("ValueError sign")
