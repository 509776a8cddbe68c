# Operators ints support but floats/complexes do not, with an int on either side: each must raise
# TypeError (a reflected int op once bounced back to the float forever).
ops = ["&", "|", "^", "<<", ">>", "@"]
for a, b in [(1.5, 3), (3, 1.5), (1j, 2), (2, 1j), (True, 2.5), (2.5, False), (-0.0, 1 << 70), (1 << 70, 2.0)]:
    for op in ops:
        try:
            r = eval("a %s b" % op)
            print(op, "gave", r)
        except TypeError:
            print(op, type(a).__name__, type(b).__name__, "TypeError")
# The operations they do share still work both ways.
print(1.5 + 3, 3 + 1.5, 2 ** 0.5, 0.5 ** 2, 1j * 2, 2 - 1j, 7 // 2.0, 7.0 % 2)
