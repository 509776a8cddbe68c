# print(): sep, end, file.
print()
print(1, 2, 3)
print(1, 2, 3, sep="")
print(1, 2, 3, sep=", ", end=".\n")
print("no newline", end="")
print(" then newline")
print("a", "b", sep=None, end=None)


class Collector:
    def __init__(self):
        self.parts = []

    def write(self, s):
        self.parts.append(s)


c = Collector()
print("x", 1, [2], sep="-", end="!", file=c)
print("".join(c.parts))
print(file=c)
print(repr("".join(c.parts)))
import sys

print("to stdout", file=sys.stdout)
sys.stdout.write("written\n")
print(str(None), str(1.5), str([1, "a"]), str((1,)))
