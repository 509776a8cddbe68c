# Function and method calls: positional, keyword, default and *args calls.
def add(a, b):
    return a + b

def kw(a, b=2, *, c=3):
    return a + b + c

def var(*args):
    return len(args)

class Acc:
    def __init__(self):
        self.total = 0

    def add(self, x):
        self.total += x
        return self


def main(n):
    s = 0
    acc = Acc()
    for i in range(n):
        s = add(s, i)
        s += kw(i, c=1)
        s += var(i, i, i)
        acc.add(i)
    return s + acc.total
