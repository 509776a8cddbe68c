def ret_in_finally_swallows():
    try:
        raise ValueError("lost")
    finally:
        return "finally wins"

print(ret_in_finally_swallows())

def break_in_finally():
    for i in range(3):
        try:
            raise KeyError(i)
        finally:
            break
    return i

print(break_in_finally())

def continue_in_finally():
    out = []
    for i in range(3):
        try:
            if i == 1:
                raise KeyError(i)
            out.append(i)
        finally:
            continue
    return out

print(continue_in_finally())

def nested_finally_return():
    try:
        try:
            return "inner"
        finally:
            print("f1")
    finally:
        print("f2")

print(nested_finally_return())

def return_from_loop_in_try():
    for i in range(5):
        for j in range(5):
            try:
                if j == 2:
                    return (i, j)
            finally:
                print("cleanup", i, j)

print(return_from_loop_in_try())

class CM:
    def __init__(self, name):
        self.name = name
    def __enter__(self):
        print("enter", self.name)
        return self
    def __exit__(self, *a):
        print("exit", self.name, a[0].__name__ if a[0] else None)

def nested_with():
    with CM("a"), CM("b"):
        with CM("c"):
            raise IndexError
try:
    nested_with()
except IndexError:
    print("IndexError out")

class BadExit:
    def __enter__(self):
        return self
    def __exit__(self, *a):
        raise RuntimeError("from exit")

try:
    with BadExit():
        raise ValueError("body")
except RuntimeError as e:
    print("RuntimeError", e)

def exc_in_except():
    try:
        raise ValueError
    except ValueError:
        try:
            raise KeyError
        except KeyError:
            pass
        raise

try:
    exc_in_except()
except ValueError:
    print("re-raised ValueError")

def finally_runs_on_break_out_of_with():
    for i in range(3):
        with CM(str(i)):
            if i == 1:
                break
    return i

print(finally_runs_on_break_out_of_with())

def gen_with_finally():
    try:
        yield 1
        yield 2
    finally:
        print("gen finally")

for v in gen_with_finally():
    print(v)
    break
g = gen_with_finally()
next(g)
g.close()

def while_else():
    n = 0
    while n < 3:
        n += 1
        try:
            pass
        finally:
            if n == 2:
                continue
    else:
        print("while else", n)

while_else()

def deep_unwind():
    try:
        for a in range(2):
            try:
                for b in range(2):
                    try:
                        return a, b
                    finally:
                        print("inner", a, b)
            finally:
                print("middle", a)
    finally:
        print("outer")

print(deep_unwind())
