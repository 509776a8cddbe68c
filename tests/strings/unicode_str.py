# non-ASCII text: code point indexing, slicing, methods, repr
s = "héllo wörld 日本語 😀"
print(s, len(s), s[1], s[-1], s[12:15], s[::-1], s[1::4])
print(s.find("ö"), s.find("日本"), s.rfind("l"), s.index("😀"), s.count("l"))
print(s.split(), s.upper(), "ÉCOLE".lower(), s.replace("ö", "o"))
print(list("añb"), [ord(c) for c in "añ😀"], chr(233) + chr(0x65e5) + chr(0x1f600))
print(s.encode(), len(s.encode()), s.encode().decode() == s)
print(repr("é"), repr("日本"), repr("\x80"), repr("\xa0"), repr("\u200b"), repr("😀"))
print("{:^9}|{:>4}|{:.2}".format("日本", "é", "日本語"), "%3s|" % "é")
print("é" < "z", "é" > "e", sorted(["é", "e", "z", "a"]))
print(" é ".strip(), "éaé".strip("é"), "aé".center(5, "*"), "x日y".partition("日"))
print("日本" in s, "本日" in s, s.startswith("hé"), s.endswith("😀"))
for c in "aé日😀":
    print(c, len(c), len(c.encode()))
try:
    b"\xff\xfe".decode()
except UnicodeError:
    print("UnicodeError")
print(str(b"a\xffb", "utf-8", "ignore"), str(b"a\xffb", "utf-8", "replace") == "a\ufffdb")
