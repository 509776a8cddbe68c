# Raising and catching exceptions, try/finally and with-statements.
class Ctx:
    def __init__(self):
        self.n = 0

    def __enter__(self):
        self.n += 1
        return self

    def __exit__(self, *a):
        return False


def check(i):
    if i % 3 == 0:
        raise ValueError(i)
    return i


def main(n):
    caught = 0
    ctx = Ctx()
    for i in range(n):
        try:
            check(i)
        except ValueError as e:
            caught += 1
        finally:
            caught += 1
        with ctx:
            pass
    return caught + ctx.n
