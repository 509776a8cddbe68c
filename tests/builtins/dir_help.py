# dir() of modules, classes and instances.
import sys

print("__name__" in dir())
print("version" in dir(sys), "path" in dir(sys))
print("append" in dir(list), "keys" in dir({}))


class Base:
    def base_method(self):
        pass


class Derived(Base):
    attr = 1

    def __init__(self):
        self.inst = 2


d = dir(Derived())
print("base_method" in d, "attr" in d, "inst" in d, "__init__" in d)
print(d == sorted(d))
