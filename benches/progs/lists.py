# List building, indexing, slicing, sorting, comprehensions and sets.
def chunk(m):
    a = [(i * 7919) % 1009 for i in range(m)]
    b = sorted(a)
    c = a[::3] + b[-50:]
    s = set(a)
    t = 0
    for i in range(0, len(b), 5):
        t += b[i] - a[i]
    c.reverse()
    evens = [x for x in c if x % 2 == 0]
    return t + len(s) + sum(evens) + max(a) - min(b)


def main(n):
    t = 0
    for _ in range(n // 2000):
        t += chunk(2000)
    return t
