# str methods: search, split/join, strip, replace, partition, case, predicates
s = "hello world, hello pyrite"
print(s.find("hello"), s.find("hello", 1), s.rfind("hello"), s.find("xyz"))
print(s.index("world"), s.rindex("o"), s.count("l"), s.count("hello", 5))
print(s.find("o", -5), s.rfind("o", 0, 5), s.find("", 3), s.find("", 100))
for f in (s.index, s.rindex):
    try:
        f("nope")
    except ValueError:
        print("ValueError")
print(s.startswith("hello"), s.startswith("world", 6), s.startswith(("x", "he")))
print(s.endswith("pyrite"), s.endswith("hello", 0, 18), s.endswith(("a", "b")))
print(s.split(), s.split(","), s.split("l", 2), s.rsplit("l", 2))
print("  a  b  c  ".split(), "  a  b  c  ".split(None, 1), "  a  b  c  ".rsplit(None, 1))
print("a,,b,".split(","), "".split(","), "".split(), "abc".split("abc"))
print("line1\nline2\r\nline3\rline4".splitlines())
print("line1\nline2\r\n".splitlines(True))
print("-".join(["a", "b", "c"]), "".join([]), ", ".join("xyz"), "/".join(("p",)))
print("-".join(str(i) for i in range(5)))
print(repr("  \t pad \n ".strip()), repr("xxpadxx".strip("x")), repr("  pad".lstrip()))
print(repr("pad  ".rstrip()), repr("abcpadcba".strip("abc")), repr("".strip()))
print(s.replace("hello", "bye"), s.replace("l", "L", 2), s.replace("zz", "y"))
print("abc".replace("", "."), "aaa".replace("a", "aa"), "abc".replace("b", ""))
print(s.partition(", "), s.rpartition("hello"), s.partition("#"), s.rpartition("#"))
print("Hello World".upper(), "Hello World".lower(), repr("abc".center(9)), repr("ab".center(7, "*")))
print(" \t\n".isspace(), "".isspace(), "abc".isalpha(), "ab1".isalpha(), "0123".isdigit())
print("ABC".isupper(), "AbC".isupper(), "abc".islower(), "ab1 c".islower(), "1".islower())
print("abc".encode(), "héllo".encode(), "x".encode("ascii"))
try:
    "x".split("")
except ValueError:
    print("ValueError empty separator")
try:
    ",".join(["a", 1])
except TypeError:
    print("TypeError join")
try:
    "abc".find(1)
except TypeError:
    print("TypeError find")
