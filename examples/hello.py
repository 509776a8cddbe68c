# A first Pyrite program: python3 and pyrite print the same.
import sys


def greet(name, times=1):
    for i in range(times):
        print("Hello, {}! ({}/{})".format(name, i + 1, times))


greet("Pyrite", 2)
squares = [n * n for n in range(10)]
print("squares:", squares, "sum:", sum(squares))
print("running on", sys.implementation.name)
