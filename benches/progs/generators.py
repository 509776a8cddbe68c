# Generators, generator expressions and yield from.
def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1

def chained(n):
    yield from count_up(n)
    yield from count_up(n // 2)


def main(n):
    t = 0
    for x in chained(n):
        t += x
    t += sum(x * 2 for x in count_up(n) if x & 1)
    return t
