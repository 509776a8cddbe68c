# str and bytes subclasses
class S(str):
    def shout(self):
        return self.upper() + "!"

s = S("hello")
print(s, len(s), s.shout(), s + " world", s[1:3], s == "hello", "hello" == s)
print(isinstance(s, str), type(s).__name__, s.startswith("he"), s.split("l"))
print("-".join([s, "x"]), "{} {}".format(s, s.upper()), "%s" % s)
d = {"hello": 1}
print(d[s], s in d, s in "say hello")
print(repr(s), str(s), sorted([S("b"), "a", S("c")]))

class B(bytes):
    pass

b = B(b"abc")
print(b, len(b), b[0], b + b"d", b.upper(), b == b"abc", isinstance(b, bytes))
