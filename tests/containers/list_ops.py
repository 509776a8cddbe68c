# operators on lists
a = [1, 2]
b = [3]
print(a + b, a * 3, 3 * a, a * 0, a * -2, [] * 5)
c = a
c += b
print(a, c is a)
c += (4, 5)
print(a)
c *= 2
print(a, c is a)
c *= 0
print(a)
try:
    [1] + (2,)
except TypeError:
    print("TypeError")
try:
    [1] * 'x'
except TypeError:
    print("TypeError")

# comparisons
print([1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 9], [1, 2] <= [1, 2], [1, 2] >= [1, 3])
print([] < [0], [0] > [], [[1]] < [[2]], ["a"] < ["b"])
try:
    [1] < (1,)
except TypeError:
    print("TypeError")
try:
    [1, "a"] < [1, 2]
except TypeError:
    print("TypeError")

# repr of nested lists
x = [1, 'two', (3,), [4, [5]], None, True]
print(x)
print(repr(x), str(x))

# hashing a list fails
try:
    hash([])
except TypeError:
    print("TypeError")
try:
    {[1]: 2}
except TypeError:
    print("TypeError")

# identity vs equality in 'in' and count
class E:
    def __eq__(self, o):
        return True
e = E()
print(e in [1], [1, 2, 3].count(e), [5, 6].index(e))
