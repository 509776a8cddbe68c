# Class creation, inheritance, super() and special methods.
class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def __eq__(self, o):
        return self.x == o.x and self.y == o.y

    def norm1(self):
        return abs(self.x) + abs(self.y)


class Vec3(Vec):
    def __init__(self, x, y, z):
        super().__init__(x, y)
        self.z = z

    def norm1(self):
        return super().norm1() + abs(self.z)


def main(n):
    acc = Vec(0, 0)
    t = 0
    for i in range(n):
        acc = acc + Vec(i, -i)
        v = Vec3(i, i, -i)
        t += v.norm1()
        if acc == Vec(0, 0):
            t += 1
    return t + acc.x
