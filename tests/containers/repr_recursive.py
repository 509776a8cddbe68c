# self-containing containers print with ... (CPython's guard)
a = [1]
a.append(a)
print(a, repr(a), str(a))
d = {'k': 0}
d['self'] = d
print(d)
x = [a, d, (a,)]
print(x)
b = []
c = [b]
b.append(c)
print(b, c)
v = {}
v[1] = [v]
print(v, list(v.values()))
# the guard is released after an error inside repr
class Bad:
    def __repr__(self):
        raise ValueError("no")
e = [Bad()]
e.append(e)
try:
    print(e)
except ValueError:
    print("ValueError")
e.pop(0)
print(e)
