# cryptolib: FIPS-197 and NIST SP 800-38A known answers, round trips, errors.
from binascii import hexlify, unhexlify
import cryptolib

h = unhexlify
PT = h("00112233445566778899aabbccddeeff")
for key, ct in (
    ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
    ("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"),
    (
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
        "8ea2b7ca516745bfeafc49904b496089",
    ),
):
    print(len(key) * 4, cryptolib.aes(h(key), 1).encrypt(PT) == h(ct))
    print(cryptolib.aes(h(key), 1).decrypt(h(ct)) == PT)

# SP 800-38A, AES-128: first block of the ECB, CBC and CTR examples.
K = h("2b7e151628aed2a6abf7158809cf4f3c")
P = h("6bc1bee22e409f96e93d7e117393172a")
print(hexlify(cryptolib.aes(K, cryptolib.MODE_ECB).encrypt(P)))
print(hexlify(cryptolib.aes(K, cryptolib.MODE_CBC, bytes(range(16))).encrypt(P)))
ctr = h("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
print(hexlify(cryptolib.aes(K, cryptolib.MODE_CTR, ctr).encrypt(P)))

# CTR continues across calls of any length; the counter carries into higher bytes.
data = bytes(range(256)) * 3
c = cryptolib.aes(K, 6, b"\xff" * 16)
enc = b"".join(c.encrypt(data[i : i + 13]) for i in range(0, len(data), 13))
print(enc == cryptolib.aes(K, 6, b"\xff" * 16).encrypt(data))
print(cryptolib.aes(K, 6, b"\xff" * 16).decrypt(enc) == data)

# CBC round trip with 192- and 256-bit keys, into a separate and the same buffer.
for kl in (24, 32):
    key = bytes(range(kl))
    buf = bytearray(data[:160])
    out = bytearray(160)
    r = cryptolib.aes(key, 2, b"iv" * 8).encrypt(buf, out)
    print(r is out, out != buf)
    cryptolib.aes(key, 2, b"iv" * 8).decrypt(out, out)
    print(out == buf)

for args in ((b"short", 1), (K, 3), (K, 2), (K, 6, b"x" * 15), (K, 2, b"x" * 17)):
    try:
        cryptolib.aes(*args)
    except ValueError as e:
        print("ValueError", e)
c = cryptolib.aes(K, 1)
for call in (lambda: c.encrypt(b"x" * 15), lambda: c.encrypt(b"x" * 16, bytearray(8))):
    try:
        call()
    except ValueError as e:
        print("ValueError", e)
c.encrypt(b"x" * 16)
try:
    c.decrypt(b"x" * 16)
except ValueError as e:
    print("ValueError", e)
