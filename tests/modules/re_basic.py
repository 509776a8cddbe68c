# re: MicroPython's subset (no counted repetition, no lookaround).
import re

m = re.match(r"(\w+)@(\w+)\.(com|org)", "joe@example.org rest")
print(m.group(0), m.group(1), m.group(2, 3), m.groups(), m.span(), m.start(2), m.end(2))
print(re.search(r"\d+", "abc 123 def").group(0), re.search(r"x", "abc"))
print(re.match(r"a.*?b", "aXbXb").group(0), re.match(r"a.*b", "aXbXb").group(0))
print(re.match(r"[^\s,]+", "word, x").group(0), re.match(r"(?:ab)+", "ababx").group(0))
print(re.match(r"(a)|(b)", "b").groups(), re.match(r"(a)?b", "b").groups("-"))
print(re.sub(r"(\d+)", r"<\1>", "a1b22c333"), re.sub(r"\s+", " ", "a  b \t c", 1))
print(re.sub(r"[aeiou]", lambda m: m.group(0).upper(), "hello world"))
print(re.sub(r"(\w)(\w)", r"\g<2>\g<1>", "abcd"))
print(re.split(r",\s*", "a, b,c,   d"), re.split(r";", "x;y;z", 1))
r = re.compile(r"^\s*(\S+)\s*=\s*(\S+)\s*$")
for line in ("key = value", "  a=b  ", "bad line here"):
    m = r.match(line)
    print(m and m.groups())
print(re.match(b"\x00*[a-c]+", b"\x00\x00abcd").group(0))
print(re.compile("o").search("dog", 2), re.compile("o").match("dog", 1).group(0))
for bad in ("*a", "(", "a)", "[a", "a|*"):
    try:
        re.compile(bad)
        print("compiled", bad)
    except Exception:
        print("error", bad)
