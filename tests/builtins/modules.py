# The builtins, sys and gc modules as objects.
import builtins
import sys
import gc

print(type(sys).__name__, sys.__name__, builtins.__name__, gc.__name__)
print(builtins.len("abc"), builtins.abs is abs)
print(type(sys.path), type(sys.argv), type(sys.modules))
print(sys.byteorder in ("little", "big"), sys.maxsize > 2**30)
print(sys.implementation.name in ("cpython", "micropython"))
print(type(sys.version), sys.version_info[0])
print(sys.platform == "linux")
print(hasattr(sys.stdout, "write"), hasattr(sys.stdin, "readline"))
print(callable(sys.exit))
print(gc.isenabled())
gc.disable()
print(gc.isenabled())
gc.enable()
print(gc.isenabled())
gc.collect()
for args in ((), (0,), (42,), ("message",)):
    try:
        sys.exit(*args)
    except SystemExit as e:
        print("SystemExit", e.args)
print(__name__)
m = __import__("sys")
print(m is sys)
try:
    import no_such_module_here
except ImportError:
    print("ImportError")
builtins.my_global_name = 123
print(my_global_name)
del builtins.my_global_name
try:
    my_global_name
except NameError:
    print("NameError")
