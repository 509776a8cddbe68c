# Regenerates str_cases.txt's expected column with CPython: python3 gen_str_cases.py < cases.in > str_cases.txt
# Each input line is an expression in the small grammar tests/str_cases.rs understands.
import sys
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line.strip() or line.startswith("#"):
        continue
    try:
        r = repr(eval(line))
    except Exception as e:
        r = "!" + type(e).__name__
    print(line + "\t" + r)
