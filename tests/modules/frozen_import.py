# Frozen modules: importable through the ".frozen" entry of sys.path, with MicroPython's
# __file__ and __path__ for frozen packages; removing the entry hides them.
import sys

print(".frozen" in sys.path)
import asyncio

print(asyncio.__name__, asyncio.__file__, asyncio.__path__)
import asyncio.core

print(asyncio.core.__name__, asyncio.core.__file__)
from asyncio import funcs

print(funcs.__name__, funcs.__file__)
import uasyncio

print(uasyncio.sleep_ms is asyncio.sleep_ms)

for name in ("asyncio", "asyncio.core", "asyncio.funcs", "asyncio.event", "asyncio.lock",
             "asyncio.stream", "uasyncio"):
    sys.modules.pop(name, None)
saved = sys.path[:]
sys.path[:] = [p for p in sys.path if p != ".frozen"]
try:
    import asyncio
except ImportError as e:
    print("ImportError", e)
sys.path[:] = saved
import asyncio

print(asyncio.Event)
try:
    import asyncio.nosuch
except ImportError as e:
    print("ImportError", e)
