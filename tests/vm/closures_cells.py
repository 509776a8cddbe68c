def make_adders():
    adders = []
    for i in (1, 2, 3):
        def add(x, i=i):
            return x + i
        adders.append(add)
    return adders

print([f(10) for f in make_adders()])

def outer():
    x = 1
    def mid():
        def inner():
            return x
        return inner
    x = 2
    return mid()()

print(outer())

def counter():
    n = 0
    def inc(step=1):
        nonlocal n
        n += step
        return n
    return inc

c = counter()
c()
c(5)
print(c())

def cell_in_loop():
    fs = []
    for k in range(3):
        fs.append(lambda: k)
    return [f() for f in fs]

print(cell_in_loop())

def deleter():
    v = 5
    def get():
        return v
    del v
    try:
        get()
    except NameError as e:
        print("NameError")

deleter()
