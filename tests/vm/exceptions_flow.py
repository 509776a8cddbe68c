def f(n):
    try:
        if n == 0:
            raise ValueError("zero")
        if n == 1:
            return "one"
        return "other"
    except ValueError as e:
        return "caught " + str(e)
    finally:
        print("finally", n)

for i in range(3):
    print(f(i))

def g():
    for i in range(5):
        try:
            try:
                if i == 1:
                    continue
                if i == 3:
                    break
                print("body", i)
            finally:
                print("inner finally", i)
        finally:
            print("outer finally", i)
    return "done"

print(g())

def h():
    try:
        return 1
    finally:
        return 2

print(h())

def k():
    try:
        raise KeyError("a")
    except KeyError:
        try:
            raise IndexError("b")
        except IndexError as e:
            print("inner", repr(e))
        raise

try:
    k()
except KeyError as e:
    print("outer", repr(e))

class MyErr(Exception):
    pass

try:
    raise MyErr("custom")
except Exception as e:
    print(type(e).__name__, e.args)

def swallow():
    try:
        1 / 0
    except ZeroDivisionError:
        pass
    return "ok"

print(swallow())

try:
    try:
        raise TypeError("t")
    finally:
        print("cleanup")
except TypeError as e:
    print("propagated", e)

def nested_loops():
    out = []
    for a in range(3):
        for b in range(3):
            try:
                if b == 1:
                    break
                out.append((a, b))
            finally:
                out.append("f")
    return out

print(nested_loops())

try:
    raise
except RuntimeError as e:
    print("RuntimeError")
