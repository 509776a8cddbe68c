# compile-time errors of viper code (ViperTypeError, the last one found is reported)


def test(code):
    try:
        exec(code)
        print("ok")
    except (SyntaxError, ViperTypeError, NotImplementedError) as e:
        print(type(e).__name__, e)


print(issubclass(ViperTypeError, TypeError))
test("@micropython.viper\ndef f(x: int) -> uint: return x")
test("@micropython.viper\ndef f(x: int) -> int: return x")
test("@micropython.viper\ndef f(x: int, y: uint):\n z = x + y\n w = y + x")
test("@micropython.viper\ndef f(x: int, y: uint):\n z = x == y")
test("@micropython.viper\ndef f(x: bool, y: bool):\n z = x + y")
test("@micropython.viper\ndef f(x: ptr8):\n z = x + 1")
test("@micropython.viper\ndef f(x: int):\n z = x.foo")
test("@micropython.viper\ndef f(x: int):\n z = (x < 1) + 1")
test("@micropython.viper\ndef f(x: int):\n z = x ** 2")
test("@micropython.viper\ndef f(x: int):\n z = x / 2")
test("@micropython.viper\ndef f(x: ptr8):\n z = x[None]")
test("@micropython.viper\ndef f(x: ptr):\n z = x[0]")
test("@micropython.viper\ndef f(x):\n z = [i + 1 for i in x]")
test("@micropython.viper\ndef f():\n x = 1\n del x")
test("@micropython.viper\ndef f(x: int):\n y = None\n if y: pass")
test("@micropython.viper\ndef f(x: int):\n y = 1\n y = x\n y = 2\n y = []")
test("@micropython.viper\ndef f(): return (yield)")
test("@micropython.viper\ndef f(): return [ptr8(0)]")
test("@micropython.viper\ndef f(x:int, y:unknown): pass")
test("@micropython.viper\ndef f(x:int=1, y:int.x=2): pass")
test("@micropython.native\ndef f():\n raise")
test("@micropython.native\ndef f():\n raise ValueError from None")
test("@micropython.native\ndef f():\n yield 1")
test("@micropython.asm_thumb\ndef f(): pass")
test("@micropython.foo\ndef f(): pass")
