# hex/oct/bin of int subclass instances use their int value
class I(int):
    pass


print(hex(I(255)), oct(I(8)), bin(I(3)), hex(I(2**70)), hex(I(-5)))


class J:
    pass


try:
    hex(J())
except TypeError:
    print("TypeError")
