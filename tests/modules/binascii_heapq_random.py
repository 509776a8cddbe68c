# binascii, heapq and random.
import binascii, heapq, random

print(binascii.hexlify(b"\x00\xffab"), binascii.hexlify(b"abc", "-"), binascii.unhexlify(b"00ff6162"))
print(binascii.unhexlify("4142"))
for d in (b"", b"f", b"fo", b"foo", b"foob", bytes(range(256))[:40]):
    e = binascii.b2a_base64(d)
    print(e, binascii.b2a_base64(d, newline=False), binascii.a2b_base64(e) == d)
print(binascii.a2b_base64(b"Zm9v\nYmFy"), binascii.a2b_base64("Zm9vYg=="))
print(hex(binascii.crc32(b"hello")), hex(binascii.crc32(b"world", binascii.crc32(b"hello "))))
for bad in (lambda: binascii.unhexlify(b"abc"), lambda: binascii.unhexlify(b"zz"), lambda: binascii.a2b_base64(b"Zm9vY")):
    try:
        bad()
    except ValueError:
        print("ValueError")

h = []
for x in (5, 1, 9, 3, 7, 1, 0):
    heapq.heappush(h, x)
print([heapq.heappop(h) for _ in range(len(h))])
h = [9, 8, 7, 6, 5, 4, 3, 2, 1]
heapq.heapify(h)
print(h[0], [heapq.heappop(h) for _ in range(len(h))])
try:
    heapq.heappop([])
except IndexError:
    print("IndexError")

random.seed(42)
a = [random.getrandbits(32) for _ in range(5)]
random.seed(42)
print(a == [random.getrandbits(32) for _ in range(5)])
print(random.getrandbits(0), 0 <= random.getrandbits(100) < 2**100)
for _ in range(200):
    assert 3 <= random.randint(3, 5) <= 5
    assert random.randrange(10, 0, -3) in (10, 7, 4, 1)
    assert 0.0 <= random.random() < 1.0
    assert 2.0 <= random.uniform(2, 3) <= 3.0
    assert random.choice("abc") in "abc"
print(sorted(set(random.randrange(4) for _ in range(200))))
for bad in (lambda: random.randrange(0), lambda: random.randint(2, 1), lambda: random.getrandbits(-1), lambda: random.randrange(1, 2, 0)):
    try:
        bad()
    except ValueError:
        print("ValueError")
try:
    random.choice([])
except IndexError:
    print("IndexError")
