# String building, slicing, methods and formatting.
def chunk(base, m):
    parts = []
    for i in range(base, base + m):
        s = "item%d" % i
        parts.append(s.upper()[1:] + "-" + str(i * 3))
    joined = ",".join(parts)
    count = 0
    for w in joined.split(","):
        if w.startswith("TEM1") or "9" in w:
            count += 1
    out = ""
    for i in range(m // 10):
        out += "{}:{};".format(i, i * i)
    return count + len(joined) + len(out) + joined.count("-")


def main(n):
    t = 0
    for base in range(0, n, 1000):
        t += chunk(base, 1000)
    return t
