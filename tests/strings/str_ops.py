# str operators, indexing, slicing, iteration, comparisons, hashing
a = "abc"
b = "def"
print(a + b, a * 3, 2 * a, a * 0, a * -1, repr(a * 0))
print(a == "abc", a != b, a < b, a <= "abc", b > a, "abd" >= "abc", "" < "a")
print("b" in a, "bc" in a, "" in a, "x" in a, "ac" not in a)
print(len(""), len(a), len(a * 100))
print(a[0], a[-1], a[1:], a[:-1], a[::-1], a[::2], a[5:], a[-10:2], a[1:1])
s = "0123456789"
print(s[2:8:3], s[8:2:-2], s[::-3], s[-3:], s[:100], s[100:])
for i in range(-3, 3):
    print(s[i], end=" ")
print()
try:
    s[10]
except IndexError:
    print("IndexError")
try:
    s["1"]
except TypeError:
    print("TypeError")
try:
    s[0] = "x"
except TypeError:
    print("TypeError assign")
print(list("hey"), [c for c in "xy"], tuple("ab"))
d = {}
key = "".join(["ke", "y"])
d["key"] = 1
print(d[key], key in d, hash(key) == hash("key"))
d[key] = 2
print(len(d), d["key"])
print(sorted(["pear", "apple", "fig", "Apple"]))
print(str(), str(1), str(-2.5), str(None), str(True), str([1, "a"]), str((1,)))
print(repr("it's"), repr('say "x"'), repr("both ' \""), repr("\n\t\\\x01\x7f"))
print(str(b"abc", "utf-8"), str(b"\xc3\xa9", "utf8"))
x = "a"
for i in range(10):
    x += "b"
print(x, len(x))
parts = []
for i in range(100):
    parts.append(str(i))
big = ",".join(parts)
print(len(big), big[:20], big[-10:], big.count(","))
print(ord("a"), ord("\n"), chr(65), chr(0x41) + chr(97))
try:
    ord("ab")
except TypeError:
    print("TypeError ord")
try:
    chr(-1)
except ValueError:
    print("ValueError chr")
print("%s" % a, a.__class__ is str, isinstance(a, str), type(a + b) is str)
