x = "global"

def read_global():
    return x

def shadow():
    x = "local"
    return x

def modify_global():
    global x
    x = "modified"

print(read_global(), shadow())
modify_global()
print(x)

class K:
    x = "class"
    y = x + "!"
    def m(self):
        return x

print(K.y, K().m())

def outer():
    v = 1
    class Inner:
        w = v + 1
        def get(self):
            return v
    v = 10
    return Inner.w, Inner().get()

print(outer())

def nonlocal_chain():
    a = 0
    def f1():
        nonlocal a
        a += 1
        def f2():
            nonlocal a
            a += 10
        f2()
    f1()
    f1()
    return a

print(nonlocal_chain())

def comprehension_scope():
    n = 3
    return [n * i for i in range(n)], {i: n for i in range(2)}

print(comprehension_scope())

try:
    del undefined_name
except (NameError, KeyError):
    print("NameError del")

def unbound():
    print(y_later)
    y_later = 1

try:
    unbound()
except NameError:
    print("NameError unbound")

g = {"__name__": "gmod"}
exec("a = 1\nb = a + 1\ndef f():\n    return b * 10\nc = f()", g)
print(g["a"], g["b"], g["c"])
print(eval("a + b", g))
l = {}
exec("z = 5", g, l)
print(l.get("z"), "z" in g)
print(globals()["x"])
def loc():
    q = 1
    return sorted(k for k in locals() if not k.startswith("__"))
print(loc())
