#!/usr/bin/env python3
"""Writes link/hot-functions.txt, the order in which the linker lays out `pyrite`'s functions.

A host process pays resident memory for every 64 KiB window of code it touches (the kernel
maps the pages around each fault). Left to itself the linker scatters the code that start-up
and a typical program run over almost every window of the text, so `pyrite -c pass` had
nearly all of its code resident. Placing the functions that run first and most often next to
each other keeps the touched windows few.

usage: python3 ports/unix/link/order.py target/release/pyrite > ports/unix/link/hot-functions.txt

The binary must be a release build with symbols (not stripped). Functions are found by running
it under valgrind's cachegrind: first everything `pyrite -c pass` runs (start-up), then
everything the programs in benches/progs run, busiest first, then everything our test programs
(tests/<area>/*.py) run, those used by the most programs first. Symbol names carry crate hashes
that stay the same from build to build of one release configuration; names that no longer
exist are ignored by the linker, and new functions go after the listed ones, so the list only
needs regenerating when it has drifted far (compare `/usr/bin/time -f %M pyrite -c pass`).
"""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))


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
    sys.stdout.write("".join(name + "\n" for name in order))


if __name__ == "__main__":
    main()
