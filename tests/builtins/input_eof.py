# input() at the end of input raises EOFError (the runner gives tests an empty stdin).
try:
    input()
except EOFError:
    print("EOFError")
import sys

print(repr(sys.stdin.read()), repr(sys.stdin.readline()))
