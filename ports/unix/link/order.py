#!/usr/bin/env python3
"""Writes link/hot.ld, the order in which the linker lays out `pyrite`'s hot functions.

A host process pays resident memory for every 64 KiB window of code it touches (the kernel
maps the pages around each fault). Left to itself the linker scatters the code that start-up
and a typical program run over almost every window of the text, so `pyrite -c pass` had
nearly all of its code resident. Placing the functions that run first and most often next to
each other keeps the touched windows few.

usage: python3 ports/unix/link/order.py target/release/pyrite > ports/unix/link/hot.ld

The binary must be a release build with symbols (not stripped). Functions are found by running
it under valgrind's cachegrind: first everything `pyrite -c pass` runs (start-up) and then a
small everyday program (SMALL below), then
everything the programs in benches/progs run, busiest first, then everything our test programs
(tests/<area>/*.py) run, those used by the most programs first.

The output is a GNU ld/lld script (added to the default one by build.rs) that gathers these
functions' sections, in that order, into an output section `.text.hot` placed before `.text`.
Functions are named by their symbol without its hash (`..17h<hash>E` of the legacy mangling,
`.<n>` suffixes LTO adds), as a section-name pattern, because hashes change whenever a crate's
code changes: the list stays valid across edits. Functions that no longer exist match nothing;
new ones land in `.text` after the hot ones. Regenerate when the list has drifted far (compare
`/usr/bin/time -f %M pyrite -c pass` with and without PYRITE_NO_ORDER=1).
"""
import re
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


# A small everyday program: what most runs do besides start-up.
SMALL = """
import sys, time
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y
    def __repr__(self):
        return "Point(%d, %d)" % (self.x, self.y)
def total(items):
    n = 0
    for i in items:
        n += i
    return n
d = {"a": 1, "b": [1, 2, 3]}
d["c"] = total(range(10))
s = "-".join(str(k) + "=" + str(v) for k, v in sorted(d.items()))
try:
    int("x")
except ValueError as e:
    msg = str(e)
time.sleep(0.001)
print(Point(1, 2), s, msg, len(sys.argv), 1.5 * 2, f"{d['c']:>4}")
"""


def text_symbols(binary):
    out = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True)
    syms = set()
    for line in out.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            syms.add(parts[2])
    return syms


def profile(args, cwd=ROOT):
    """Instructions per function (mangled names) for one run."""
    with tempfile.NamedTemporaryFile(suffix=".cg") as f:
        subprocess.run(
            ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--demangle=no",
             "--cachegrind-out-file=" + f.name] + args,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
            cwd=cwd, check=False, timeout=300)
        counts = {}
        fn = None
        for line in open(f.name, encoding="utf-8", errors="replace"):
            if line.startswith("fn="):
                fn = line[3:].strip()
            elif fn and line[:1].isdigit():
                parts = line.split()
                if len(parts) >= 2:
                    counts[fn] = counts.get(fn, 0) + int(parts[1])
        return counts


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = os.path.abspath(sys.argv[1])
    syms = text_symbols(binary)
    order = []
    seen = set()

    def take(counts):
        for name, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if name in syms and name not in seen:
                seen.add(name)
                order.append(name)

    take(profile([binary, "-c", "pass"]))
    take(profile([binary, "-c", SMALL]))
    progs = os.path.join(ROOT, "benches", "progs")
    harness = os.path.join(ROOT, "benches", "harness.py")
    total = {}
    for p in sorted(os.listdir(progs)):
        if p.endswith(".py"):
            for name, n in profile([binary, harness, p[:-3], "100", progs]).items():
                total[name] = total.get(name, 0) + n
    take(total)
    tests = os.path.join(ROOT, "tests")
    users = {}
    for area in sorted(os.listdir(tests)):
        d = os.path.join(tests, area)
        if not os.path.isdir(d) or area in ("integration", "net", "repl", "thread"):
            continue
        for t in sorted(os.listdir(d)):
            if t.endswith(".py") and not t.startswith("_"):
                try:
                    counts = profile([binary, t], cwd=d)
                except subprocess.TimeoutExpired:
                    continue
                for name in counts:
                    users[name] = users.get(name, 0) + 1
    take(users)
    patterns = []
    done = set()
    for name in order:
        name = re.sub(r"\.\d+$", "", name)
        m = re.match(r"^(_ZN.*17h)[0-9a-f]{16}E$", name)
        pat = (m.group(1) if m else name) + "*"
        if pat not in done:
            done.add(pat)
            patterns.append(pat)
    out = ["/* Made by link/order.py: the functions start-up and typical programs run, first and",
           "   together (see there). Cold functions (LLVM's .text.unlikely.*) are included. */",
           "SECTIONS", "{", "  .text.hot : {"]
    out += ["    *(.text.%s .text.unlikely.%s)" % (p, p) for p in patterns]
    out += ["  }", "}", "INSERT BEFORE .text;", ""]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
