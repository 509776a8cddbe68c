# The micropython and gc modules (MicroPython-only behaviour: expected output in the .exp file).
import micropython
import gc

print(micropython.const(42), micropython.opt_level())
micropython.opt_level(2)
print(micropython.opt_level())
micropython.opt_level(0)

micropython.heap_lock()
try:
    x = [1, 2, 3] * 100
except MemoryError:
    print("MemoryError while locked")
print(micropython.heap_locked(), micropython.heap_unlock(), micropython.heap_locked())
x = [1, 2, 3] * 100
print(len(x))

total = gc.mem_free() + gc.mem_alloc()
x = None
gc.collect()
print(gc.mem_free() + gc.mem_alloc() == total)
gc.threshold(4096)
print(gc.threshold())
gc.threshold(-1)
print(gc.threshold())
print(type(micropython.stack_use()))
micropython.kbd_intr(-1)
micropython.kbd_intr(3)
try:
    micropython.x = 1
except AttributeError:
    print("AttributeError read-only module")
import sys

try:
    sys.stdout = None
except AttributeError:
    print("AttributeError sys.stdout")
sys.ps1 = "> "
print(sys.ps1, sys.implementation.name, sys.implementation._mpy & 0xFF)
print(type(sys.exc_info()))
try:
    raise ValueError("x")
except ValueError:
    t = sys.exc_info()
    print(t[0] is ValueError, t[1].args)
sys.print_exception(ValueError("boom"))
