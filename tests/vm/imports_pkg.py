import sys
print("sys" in sys.modules or True)
try:
    import no_such_module_xyz
except ImportError as e:
    print("ImportError", e)
try:
    from sys import no_such_name_xyz
except ImportError as e:
    print("ImportError from")
