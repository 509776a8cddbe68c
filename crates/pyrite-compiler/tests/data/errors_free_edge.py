# line-number table edge cases
x = (1 +
     2)
y = [
    1,
    2,
]


def f(a,
      b):
    return (a
            .real
            .imag)


z = f(
    1,
    2,
).bit_length()
