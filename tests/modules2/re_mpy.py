# Behaviour where MicroPython's re deliberately differs from CPython's.
import re

# A loop that can match empty forever exhausts the matcher's stack.
try:
    re.match("(a*)*", "aaa")
except RuntimeError:
    print("RuntimeError")
# An empty match stops sub() and split().
print(re.sub("x*", "-", "abc"))
print(re.compile(" *").split("a b  c"))
# Escapes like \n are literal letters; ^ only at the real start even with pos.
print(re.match("\\n", "n").group(0))
print(re.compile("^b").match("ab", 1))
# Bad patterns raise ValueError; split with groups is not implemented.
try:
    re.compile("(")
except ValueError as e:
    print("ValueError:", e)
try:
    re.compile("(,)").split("a,b")
except NotImplementedError as e:
    print("NotImplementedError:", e)
m = re.match("(a)(b)?", "ab")
print(m)
print(re.compile("a").match("a") is not None)
# Matching is on UTF-8 bytes: + repeats the last byte of a multibyte char; spans are in chars.
print(re.search("é+", "aééb").span())
print(re.search("(?:é)+", "aééb").span())
