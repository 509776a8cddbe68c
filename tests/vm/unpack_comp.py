a, (b, c), *d = 1, (2, 3), 4, 5
print(a, b, c, d)
first, *mid, last = "hello"
print(first, mid, last)
x = {k: v for k, v in zip("abc", range(3))}
print(sorted(x.items()))
s = {v % 3 for v in range(10)}
print(sorted(s))
print([(i, j) for i in range(3) for j in range(i)])
try:
    a, b = [1, 2, 3]
except ValueError as e:
    print("ValueError")
try:
    a, b, c = [1]
except ValueError as e:
    print("ValueError")
t = 1, 2
u, v = t
print(u + v)
l = [0] * 3
l[0], l[1] = 5, 6
print(l)
print(*[1, 2], sep="-")
