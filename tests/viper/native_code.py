# native and viper functions have no __code__ and cannot be marshalled (as in MicroPython)
import marshal


@micropython.native
def f():
    pass


def g():
    @micropython.viper
    def h():
        pass

    return h


for fun in (f, g(), g):
    try:
        fun.__code__
        print("has __code__")
    except AttributeError:
        print("AttributeError")
try:
    marshal.dumps(g.__code__)
    print("dumped")
except ValueError:
    print("ValueError")
print(type(marshal.dumps((lambda: 1).__code__)))
