# os.dupterm: console output copied to a stream, console input read from it, detaching.
import os, io
class S(io.IOBase):
    def __init__(self):
        self.out = bytearray()
        self.inp = bytearray(b"typed\n")
    def write(self, b):
        self.out += b
        return len(b)
    def readinto(self, buf):
        n = min(len(buf), len(self.inp))
        buf[:n] = self.inp[:n]
        self.inp = self.inp[n:]
        return n
s = S()
print(os.dupterm(s))
print("hello")
print(input("> "))
prev = os.dupterm(None)
print(prev is s, bytes(s.out))
try:
    os.dupterm(s, 5)
except ValueError as e:
    print(e)
