# Runs one benchmark program under any interpreter (pyrite, MicroPython, CPython):
#   <interp> harness.py NAME N PROGS_DIR
# and prints main(N)'s result, which must be the same everywhere. Where the interpreter keeps
# a GC-heap high-water mark (`micropython.mem_peak()`: pyrite, MicroPython builds with memory
# statistics), it goes to stderr as "heap peak <bytes>" for run.py.
import sys

sys.path.insert(0, sys.argv[3])
mod = __import__(sys.argv[1])
print(mod.main(int(sys.argv[2])))
try:
    import micropython

    sys.stderr.write("heap peak %d\n" % micropython.mem_peak())
except (ImportError, AttributeError):
    pass
