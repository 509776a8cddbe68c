# complex: construction, repr, arithmetic, comparison with other numbers.
print(1j, 2 + 3j, complex(1, 2), complex(), complex(2), complex("1+2j"), complex(" -1.5j "), complex("3"), complex(1j, 1j))
print(-1j, 0j, -0j, complex(-0.0, -1), complex(1.5, -0.0), 1e16j, complex(float("inf"), float("nan")))
z = 3 + 4j
print(z.real, z.imag, abs(z), z.conjugate(), -z, +z, z == 3 + 4j, z != 3, complex(2, 0) == 2, 2.0 == complex(2, 0))
print(z + 1, 1 + z, z - 1.5, 2 * z, z * z, z / 2, 1 / z, z / (1 - 2j), z ** 2, z ** -1, 2 ** z, z ** 0.5, (1j) ** 2)
print(hash(complex(5, 0)) == hash(5), bool(0j), bool(1j))
for op in (lambda: z / 0, lambda: z // 2, lambda: z % 2, lambda: z < z):
    try:
        op()
    except (ZeroDivisionError, TypeError) as e:
        print(type(e).__name__)
for bad in ("1+", "j1", "1+2", "abc"):
    try:
        complex(bad)
    except ValueError:
        print("ValueError")
