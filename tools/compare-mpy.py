#!/usr/bin/env python3
"""Compile every .py under MicroPython's test directories with both pyrite-cross and mpy-cross
and compare the .mpy output byte for byte.

Usage: tools/compare-mpy.py [--ours PATH] [--theirs PATH] [--tests DIR] [-v] [--list KIND] [dirs...]
Reports counts: identical / different / we-fail (they succeed) / they-fail (we succeed) /
both-fail (with the same or a different error message).
"""
import argparse, os, subprocess, sys, tempfile

DEFAULT_DIRS = ["basics", "float", "unicode", "micropython", "extmod", "import", "misc", "stress"]


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=60)
        return p.returncode, p.stdout + p.stderr
    except subprocess.TimeoutExpired:
        return -1, b"timeout"


def last_line(out):
    lines = [l for l in out.decode(errors="replace").splitlines() if l.strip()]
    return lines[-1] if lines else ""


def err_sig(out):
    """(line number, message) of a compile error report."""
    lines = [l.strip() for l in out.decode(errors="replace").splitlines() if l.strip()]
    ln = ""
    for l in lines:
        if l.startswith("File ") and ", line " in l:
            ln = l.split(", line ")[1].split(",")[0]
    msg = lines[-1].split(":", 1)[-1].strip() if lines else ""
    return ln, msg


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--ours", default=os.path.join(here, "..", "target", "debug", "pyrite-cross"))
    ap.add_argument("--theirs", default="/work/ref/micropython/mpy-cross/build/mpy-cross")
    ap.add_argument("--tests", default="/work/ref/micropython/tests")
    ap.add_argument("-v", action="store_true", help="print every non-identical file")
    ap.add_argument("--list", default="", help="comma list of categories to print: different,we-fail,they-fail,both-fail-msg")
    ap.add_argument("--flags", default="", help="extra flags for both compilers, e.g. '-O3 -msmall-int-bits=63'")
    ap.add_argument("dirs", nargs="*", default=DEFAULT_DIRS)
    a = ap.parse_args()
    show = set(a.list.split(",")) if a.list else set()
    counts = {"identical": 0, "different": 0, "we-fail": 0, "they-fail": 0, "both-fail": 0, "both-fail-msg": 0}  # both-fail-msg: different line or message
    with tempfile.TemporaryDirectory() as tmp:
        for d in a.dirs:
            base = os.path.join(a.tests, d)
            for root, _, files in os.walk(base):
                for f in sorted(files):
                    if not f.endswith(".py"):
                        continue
                    path = os.path.join(root, f)
                    rel = os.path.relpath(path, a.tests)
                    o1 = os.path.join(tmp, "ours.mpy")
                    o2 = os.path.join(tmp, "theirs.mpy")
                    for o in (o1, o2):
                        if os.path.exists(o):
                            os.unlink(o)
                    fl = a.flags.split()
                    r1, out1 = run([a.ours] + fl + ["-s", rel, "-o", o1, path])
                    r2, out2 = run([a.theirs] + fl + ["-s", rel, "-o", o2, path])
                    if r1 == 0 and r2 == 0:
                        same = open(o1, "rb").read() == open(o2, "rb").read()
                        k = "identical" if same else "different"
                    elif r1 != 0 and r2 == 0:
                        k = "we-fail"
                    elif r1 == 0:
                        k = "they-fail"
                    else:
                        k = "both-fail" if err_sig(out1) == err_sig(out2) else "both-fail-msg"
                    counts[k] += 1
                    if k != "identical" and (a.v or k in show):
                        extra = ""
                        if k in ("we-fail", "both-fail-msg"):
                            extra = " | ours: %s %s" % err_sig(out1)
                        if k in ("they-fail", "both-fail-msg"):
                            extra += " | theirs: %s %s" % err_sig(out2)
                        print("%-14s %s%s" % (k, rel, extra))
    total = sum(counts.values())
    print("total %d: " % total + ", ".join("%s %d" % kv for kv in counts.items()))


if __name__ == "__main__":
    main()
