#!/usr/bin/env python3
"""Pyrite's test runner.

Runs every test program tests/**/*.py (names starting with "_" are helper modules, not tests)
with the pyrite binary and compares its output (stdout and stderr together) with the expected
output: the `.exp` file beside the test when there is one (where MicroPython deliberately
differs from CPython), otherwise what `python3` prints for the same file. A test whose output is
exactly "SKIP" is skipped. Known failures may be listed in tests/skip.txt, one path per line
followed by `#` and the reason (an entry without a reason is an error).

usage: tests/run.py [-b BINARY] [-j JOBS] [--keep-going] [--show N] [TEST_OR_DIR ...]
Prints one line per failure, a diff for the first few, and closes with "N passed, N failed".
Exit status 1 if any test failed.
"""
import argparse
import concurrent.futures
import difflib
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TIMEOUT = 60


def find_tests(paths):
    found = []
    for p in paths:
        p = os.path.abspath(p)
        if os.path.isfile(p):
            found.append(p)
            continue
        for dirpath, dirnames, filenames in os.walk(p):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
            if os.path.abspath(dirpath) == HERE:
                continue  # the runner and its lists live at the top
            for f in sorted(filenames):
                if f.endswith(".py") and not f.startswith("_"):
                    found.append(os.path.join(dirpath, f))
    return sorted(set(found))


def read_skips():
    path = os.path.join(HERE, "skip.txt")
    skips = {}
    if not os.path.exists(path):
        return skips
    bad = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition("#")
            name, reason = name.strip(), reason.strip()
            if not reason:
                bad.append("skip.txt:%d: entry %r has no reason" % (n, name))
                continue
            skips[os.path.normpath(os.path.join(HERE, name))] = reason
    if bad:
        print("\n".join(bad))
        sys.exit(2)
    return skips


def run(cmd, cwd, stdin_data=None):
    env = dict(os.environ)
    env.setdefault("MICROPYPATH", ".frozen:" + os.path.join(HERE, "lib"))
    env["PYTHONIOENCODING"] = "utf-8"
    try:
        p = subprocess.run(
            cmd,
            cwd=cwd,
            input=stdin_data if stdin_data is not None else b"",
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=TIMEOUT,
            env=env,
        )
        return p.stdout, p.returncode
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"") + b"\nTIMEOUT\n", -1


def expected_output(test):
    exp = test + ".exp"
    if os.path.exists(exp):
        with open(exp, "rb") as f:
            return f.read()
    out, _ = run([sys.executable, os.path.basename(test)], os.path.dirname(test))
    return out


def check(binary, test):
    """Returns (status, got, expected): status is 'pass', 'fail' or 'skip'."""
    got, rc = run([binary, os.path.basename(test)], os.path.dirname(test))
    got = got.replace(b"\r\n", b"\n")
    if got == b"SKIP\n":
        return "skip", got, b""
    if b"panicked at" in got or (rc < 0 and rc != -1):
        return "fail", got + b"\n(crashed: status %d)\n" % rc, b""
    exp = expected_output(test).replace(b"\r\n", b"\n")
    return ("pass" if got == exp else "fail"), got, exp


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-b", "--binary", default=os.path.join(ROOT, "target", "release", "pyrite"))
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--show", type=int, default=5, help="diffs to print (default 5)")
    ap.add_argument("tests", nargs="*")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    if not os.access(binary, os.X_OK):
        print("run.py: no pyrite binary at %s (cargo build --release first)" % binary)
        sys.exit(2)
    tests = find_tests(a.tests or [HERE])
    skips = read_skips()
    passed, failed, skipped = [], [], []
    todo = []
    for t in tests:
        if os.path.normpath(t) in skips:
            skipped.append(t)
        else:
            todo.append(t)
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        results = list(pool.map(lambda t: (t, check(binary, t)), todo))
    shown = 0
    for t, (status, got, exp) in results:
        rel = os.path.relpath(t, HERE)
        if status == "pass":
            passed.append(t)
        elif status == "skip":
            skipped.append(t)
        else:
            failed.append(t)
            print("FAIL", rel)
            if shown < a.show:
                shown += 1
                diff = difflib.unified_diff(
                    exp.decode("utf-8", "replace").splitlines(),
                    got.decode("utf-8", "replace").splitlines(),
                    "expected", "pyrite", lineterm="", n=2,
                )
                lines = list(diff)
                print("\n".join("    " + l for l in lines[:40]))
                if len(lines) > 40:
                    print("    ... (%d more lines)" % (len(lines) - 40))
    for t in skipped:
        rel = os.path.relpath(t, HERE)
        if os.path.normpath(t) in skips:
            print("skip %s (%s)" % (rel, skips[os.path.normpath(t)]))
    print("%d passed, %d failed, %d skipped" % (len(passed), len(failed), len(skipped)))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
