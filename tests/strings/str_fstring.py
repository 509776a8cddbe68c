# f-strings (compiled to str.format) with conversions, specs and nesting
x = 42
name = "pyrite"
pi = 3.14159
print(f"{x}", f"{x!r}", f"{name!r}", f"{name!s:>10}|", f"{x:05d}", f"{x:#x}")
print(f"{pi:.2f} {pi:10.3f}| {pi:<8.1f}| {-pi:+.3e}")
w, p = 10, 3
print(f"{pi:{w}.{p}f}|", f"{name:{'*'}^{w}}", f"{'nested'}")
print(f"{x + 1} {x * 2} {[1, 2][0]} {{literal}} {x}{x}")
d = {"k": "v", 1: "one"}
print(f"{d['k']} {d[1]} {len(d)}")
print(f"{'é':>3}|{'日本':^6}|")
print(f"{1234567:,} {1234567:_} {0.5:%} {2**70:,}")
print(f"{x=}", f"{pi=:.2f}")  # (MicroPython prints {s=} with str(), CPython with repr())
print(f"multi" f"part {x}" "plain")
class C:
    def __repr__(self):
        return "C()"
    def __str__(self):
        return "c-str"
c = C()
print(f"{c} {c!r} {c!s}")
print(f"{True} {None} {b'x'} {(1, 'a')}")
