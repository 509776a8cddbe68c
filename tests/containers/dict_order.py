# insertion order, reversed dicts and views, popitem LIFO, re-insertion after deletion
d = {}
for k in "hello world":
    d[k] = d.get(k, 0) + 1
print(d)
print(list(reversed(d)), list(reversed(d.keys())), list(reversed(d.values())), list(reversed(d.items()))[:3])
del d['l']
d['l'] = 'back'
print(list(d), d.popitem(), d.popitem(), list(d))
e = dict.fromkeys(range(20))
for i in range(0, 20, 3):
    del e[i]
e[0] = 'new'
print(list(e), len(e))
print(list(reversed(e))[:4])
it = iter(d)
print(next(it), list(it))
# iteration after clear/refill keeps working
f = {1: 1}
f.clear()
f.update(a=1, b=2)
print(f, list(f.items()))
# dict from keys of many types
g = {None: 0, True: 1, 2.5: 2, (1, 2): 3, 'x': 4, b'y': 5, frozenset([1]): 6, -7: 7}
print(g)
print([g[k] for k in [None, 1, 2.5, (1, 2), 'x', b'y', frozenset([1]), -7]])
