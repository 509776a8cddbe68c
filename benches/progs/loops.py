# Nested while/for loops with small-int arithmetic.
def main(n):
    total = 0
    i = 0
    while i < n:
        j = 0
        while j < 10:
            total += (i ^ j) & 0xFF
            j += 1
        i += 1
    for k in range(n):
        total -= k % 7
    return total
