# strings as dict/set keys: interned and run-time strings are the same keys
words = "the quick brown fox jumps over the lazy dog the end".split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
print(sorted(counts.items()))
key = "".join(["qu", "ick"])
print(counts[key], key in counts, "quick" in counts)
s = set(words)
print(len(s), "fox" in s, "f" + "ox" in s, "cat" in s)
attrs = {}
for i in range(20):
    attrs["name%d" % i] = i
print(attrs["name7"], attrs["name" + str(19)], len(attrs))
class A:
    pass
a = A()
setattr(a, "dyn" + "amic", 5)
print(a.dynamic, getattr(a, "".join(["d", "ynamic"])), hasattr(a, "dyn"))
print(hash("abc") == hash("ab" + "c"), hash(b"abc") == hash(b"ab" + b"c"))
big = "x" * 10000
print(len(big), big.count("x"), len(big.replace("x", "yz")), big[5000:5003])
print(len(",".join(str(i) for i in range(1000))), "-".join(["a"] * 5))
