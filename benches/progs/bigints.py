# Big-int arithmetic: Fibonacci numbers, factorials and modular powers past machine words.
def main(n):
    t = 0
    for rep in range(n // 2000):
        a, b = 0, 1
        for _ in range(1000):
            a, b = b, a + b
        f = 1
        for k in range(2, 300):
            f *= k
        t += (a % 1000000007) + (f // (a + 1)) % 998244353 + len(str(f))
        t += pow(a, 65537, (1 << 127) - 1) % 1000
    return t
