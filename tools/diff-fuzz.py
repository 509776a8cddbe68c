#!/usr/bin/env python3
"""Differential fuzzing: mutate MicroPython test programs, compile with pyrite-cross and
mpy-cross, and report inputs where one fails and the other not, or outputs/errors differ.
Usage: tools/diff-fuzz.py [N] [seed]"""
import glob, os, random, subprocess, sys, tempfile

OURS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "debug", "pyrite-cross")
THEIRS = "/work/ref/micropython/mpy-cross/build/mpy-cross"
TOKENS = ["(", ")", "[", "]", "{", "}", ":", ",", "=", ":=", "*", "**", "lambda", "yield", "await", "not",
          "in", "is", "if", "else", "for", "return", "global", "nonlocal", "del", "0x", "1e", "j", "_",
          "...", ".", "-", "~", "<<", "!=", "0", "9999999999999999999999", "\n", "\n    ", "'", '"', "f'{",
          "}'", "t'{", "1.5", "None", "True", "and", "or", "async", "def", "class", "@", "\\\n", "#"]


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=30)
    except subprocess.TimeoutExpired:
        return -99, ["timeout"]
    lines = [l for l in (p.stdout + p.stderr).decode(errors="replace").splitlines() if l.strip()]
    # compare "line N[, in block]" and the message, not the file name (mpy-cross reports
    # parse errors with the real path)
    lines = [l.split('", ', 1)[-1] if l.strip().startswith("File ") else l for l in lines[-2:]]
    return p.returncode, lines if p.returncode else []


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    random.seed(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    files = []
    for d in ("basics", "float", "micropython", "misc", "extmod", "unicode", "stress"):
        files += sorted(glob.glob("/work/ref/micropython/tests/%s/*.py" % d))
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        src_path = os.path.join(tmp, "f.py")
        for i in range(n):
            s = open(random.choice(files), encoding="utf-8", errors="replace").read()
            for _ in range(random.randint(1, 3)):
                pos = random.randint(0, len(s))
                r = random.random()
                if r < 0.4:
                    s = s[:pos] + random.choice(TOKENS) + s[pos:]
                elif r < 0.8:
                    s = s[:pos] + s[pos + random.randint(1, 6):]
                else:
                    a = random.randint(0, len(s))
                    s = s[:pos] + s[a:a + random.randint(1, 30)] + s[pos:]
            open(src_path, "w", encoding="utf-8", errors="replace").write(s)
            o1, o2 = os.path.join(tmp, "o.mpy"), os.path.join(tmp, "t.mpy")
            flags = random.choice([[], [], ["-O1"], ["-O3"], ["-msmall-int-bits=63"], ["-msmall-int-bits=15"]])
            r1, e1 = run([OURS] + flags + ["-s", "f.py", "-o", o1, src_path])
            r2, e2 = run([THEIRS, "-X", "heapsize=64M"] + flags + ["-s", "f.py", "-o", o2, src_path])
            if r2 < 0 or r2 > 1:
                continue  # mpy-cross crashed (assertion etc.) or timed out
            if r1 == -99:
                print("%s: we time out" % src_path)
            if r1 == 0 and r2 == 0:
                if open(o1, "rb").read() != open(o2, "rb").read():
                    kind = "different"
                else:
                    continue
            elif r1 != 0 and r2 != 0:
                if e1 == e2:
                    continue
                kind = "error-differs %s | %s" % (e1, e2)
            else:
                kind = "we-fail %s" % e1 if r1 else "they-fail %s" % e2
            bad += 1
            keep = os.path.join("/tmp", "difffuzz-%d.py" % i)
            open(keep, "w", encoding="utf-8", errors="replace").write(s)
            print("%s: %s" % (keep, kind))
    print("%d programs, %d discrepancies" % (n, bad))


if __name__ == "__main__":
    main()
