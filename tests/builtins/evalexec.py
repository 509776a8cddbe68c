# eval, exec, compile, globals, locals.
x = 10
print(eval("x + 1"), eval("1 + 2 * 3"), eval("[i for i in range(3)]"))
print(eval("y * 2", {"y": 21}), eval("a + b", {"a": 1}, {"b": 2}))
g = {}
exec("z = 5\ndef f():\n    return z * 2\n", g)
print(g["z"], g["f"]())
exec("w = x * 3")
print(w)
c = compile("1 + 1", "<test>", "eval")
print(eval(c))
c = compile("q = 7", "<test>", "exec")
exec(c)
print(q)
print("x" in globals(), globals()["x"])

print(locals() is globals())
try:
    eval("1 +")
except SyntaxError:
    print("SyntaxError")
try:
    compile("1", "<test>", "bogus")
except ValueError:
    print("ValueError")
print(eval(b"2 ** 3"))
