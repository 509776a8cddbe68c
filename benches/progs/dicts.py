# Dict insertion, lookup, update and iteration with str and int keys.
def chunk(base, m):
    d = {}
    for i in range(base, base + m):
        d["k" + str(i % 500)] = i
        d[i] = i * 2
    total = 0
    for i in range(base, base + m):
        total += d.get("k" + str(i % 700), 0)
        if i in d:
            total += d[i]
    for k, v in d.items():
        if isinstance(k, int):
            total -= v
    return total + len(d)


def main(n):
    t = 0
    for base in range(0, n, 2000):
        t += chunk(base, 2000)
    return t
