# Exceptions: hierarchy, args, attributes, matching, chaining basics.
for cls in (ValueError, KeyError, IndexError, TypeError, ZeroDivisionError, OSError,
            StopIteration, RuntimeError, NotImplementedError, AttributeError,
            NameError, ImportError, AssertionError, MemoryError, OverflowError,
            LookupError, ArithmeticError, Exception, SystemExit, KeyboardInterrupt,
            GeneratorExit, EOFError, UnicodeError, IndentationError, SyntaxError):
    print(cls.__name__, issubclass(cls, BaseException), issubclass(cls, Exception))

print(issubclass(KeyError, LookupError), issubclass(ZeroDivisionError, ArithmeticError))
print(issubclass(NotImplementedError, RuntimeError), issubclass(UnicodeError, ValueError))

e = ValueError("msg")
print(e.args, str(e), type(e).__name__)
e = ValueError()
print(e.args, repr(str(e)))
e = ValueError(1, 2)
print(e.args, str(e))
print(StopIteration(5).value, StopIteration().value)
print(OSError(2, "x").errno)


def f():
    raise ValueError("from f")


try:
    f()
except ValueError as e:
    print("caught", e)

try:
    raise KeyError
except LookupError as e:
    print("lookup", type(e).__name__, e.args)

try:
    1 / 0
except (TypeError, ZeroDivisionError) as e:
    print("tuple match", type(e).__name__)


class MyError(Exception):
    def __init__(self, a, b):
        self.a = a
        self.b = b


try:
    raise MyError(1, 2)
except MyError as e:
    print(e.a, e.b, e.args, isinstance(e, Exception))


class Sub(MyError):
    pass


try:
    raise Sub(3, 4)
except MyError as e:
    print(type(e).__name__, e.a)

try:
    try:
        raise ValueError("inner")
    except ValueError:
        raise TypeError("outer")
except TypeError as e:
    print("outer caught", e)

try:
    raise 5
except TypeError as e:
    print("TypeError raise")


def g():
    try:
        return 1
    finally:
        print("finally")


print(g())

try:
    try:
        raise ValueError
    finally:
        print("cleanup")
except ValueError:
    print("after cleanup")
print(repr(Exception), Exception.__name__)
