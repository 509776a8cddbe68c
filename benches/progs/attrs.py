# Attribute loads and stores on instances and classes.
class Point:
    scale = 3

    def __init__(self, x, y):
        self.x = x
        self.y = y


def main(n):
    p = Point(1, 2)
    t = 0
    for i in range(n):
        p.x = p.y + i
        p.y = p.x - i
        t += p.x * Point.scale + p.y
    return t
