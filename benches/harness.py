# Runs one benchmark program under any interpreter (pyrite, MicroPython, CPython):
#   <interp> harness.py NAME N PROGS_DIR
# and prints main(N)'s result, which must be the same everywhere.
import sys

sys.path.insert(0, sys.argv[3])
mod = __import__(sys.argv[1])
print(mod.main(int(sys.argv[2])))
