# Closures, nonlocal and lambdas.
def counter():
    c = 0

    def inc(k):
        nonlocal c
        c += k
        return c
    return inc


def main(n):
    inc = counter()
    f = lambda x: x * 2 + 1
    t = 0
    for i in range(n):
        t += inc(1)
        t += f(i)
    return t
