#!/usr/bin/env python3
"""Pyrite's benchmark runner.

Times every program in benches/progs under pyrite, python3 and (when the MICROPYTHON environment
variable names a binary) MicroPython, interleaved, and prints per benchmark the median wall time,
the ratios pyrite/python3 and pyrite/micropython, peak RSS, and pyrite's peak GC-heap use.
Every interpreter must print the same result for a benchmark; a mismatch is reported.

usage: benches/run.py [--pyrite PATH] [--reps R] [--n N] [--only a,b] [--json FILE]
No timing is asserted anywhere: this is a measuring tool, not a test.
"""
import argparse, json, math, os, re, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGS = os.path.join(HERE, "progs")


RSS_HELPER = None


def rss_helper():
    """Build benches/rss.c (gcc is on every machine we use) once, into a temporary directory."""
    global RSS_HELPER
    if RSS_HELPER is None:
        d = tempfile.mkdtemp(prefix="pyrite-bench-")
        exe = os.path.join(d, "rss")
        subprocess.run(["gcc", "-O2", "-o", exe, os.path.join(HERE, "rss.c")], check=True)
        RSS_HELPER = (exe, os.path.join(d, "rss.out"))
    return RSS_HELPER


def run_once(argv, env=None):
    exe, outfile = rss_helper()
    t0 = time.perf_counter()
    p = subprocess.run([exe, outfile] + argv, capture_output=True, env=env)
    wall = time.perf_counter() - t0
    try:
        rss = int(open(outfile).read())
    except (OSError, ValueError):
        rss = 0
    return wall, p.stdout.decode(errors="replace").strip(), p.stderr.decode(errors="replace"), p.returncode, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pyrite", default=os.path.join(HERE, "..", "target", "release", "pyrite"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--n", type=int, default=100000)
    ap.add_argument("--only", default="")
    ap.add_argument("--json", default="")
    a = ap.parse_args()
    interps = [("pyrite", os.path.abspath(a.pyrite)), ("python3", sys.executable)]
    mp = os.environ.get("MICROPYTHON")
    if mp:
        interps.append(("micropython", mp))
    names = sorted(f[:-3] for f in os.listdir(PROGS) if f.endswith(".py"))
    if a.only:
        names = [n for n in names if n in a.only.split(",")]
    harness = os.path.join(HERE, "harness.py")
    times = {(b, i): [] for b in names for i, _ in interps}
    rss = {(b, i): 0 for b in names for i, _ in interps}
    results = {}
    heap = {}
    env = dict(os.environ)
    for rep in range(a.reps):
        for b in names:
            for iname, path in interps:
                wall, out, err, code, r = run_once([path, harness, b, str(a.n), PROGS], env)
                if code != 0:
                    results[(b, iname)] = "error: " + (err.strip().splitlines() or ["exit %d" % code])[-1]
                    continue
                times[(b, iname)].append(wall)
                rss[(b, iname)] = max(rss[(b, iname)], r)
                results[(b, iname)] = out
                m = re.search(r"heap peak (\d+)", err)
                if m and iname == "pyrite":
                    heap[b] = int(m.group(1))
    rows = []
    print("%-12s %10s %10s %10s %8s %8s %9s %9s %9s" % ("benchmark", "pyrite s", "python3 s", "mpy s",
          "/py3", "/mpy", "rss KiB", "mpy rss", "heap KiB"))
    logs = {"py3": [], "mpy": []}
    for b in names:
        med = {i: (statistics.median(times[(b, i)]) if times[(b, i)] else None) for i, _ in interps}
        ref = results.get((b, "python3"))
        bad = [i for i, _ in interps if results.get((b, i)) != ref]
        r3 = med["pyrite"] / med["python3"] if med.get("pyrite") and med.get("python3") else None
        rm = med["pyrite"] / med["micropython"] if med.get("pyrite") and med.get("micropython") else None
        if r3 and not bad:
            logs["py3"].append(math.log(r3))
        if rm and not bad:
            logs["mpy"].append(math.log(rm))
        f = lambda x, p="%.3f": (p % x) if x is not None else "-"
        print("%-12s %10s %10s %10s %8s %8s %9s %9s %9s%s" % (
            b, f(med.get("pyrite")), f(med.get("python3")), f(med.get("micropython")), f(r3, "%.2f"),
            f(rm, "%.2f"), rss.get((b, "pyrite"), 0), rss.get((b, "micropython"), "-"),
            (heap[b] // 1024) if b in heap else "-",
            ("   MISMATCH: " + ", ".join("%s=%s" % (i, results.get((b, i))) for i in bad)) if bad else ""))
        rows.append({"bench": b, "median": med, "ratio_py3": r3, "ratio_mpy": rm, "results": {i: results.get((b, i)) for i, _ in interps},
                     "rss_kib": {i: rss[(b, i)] for i, _ in interps}, "heap_peak": heap.get(b)})
    for k, label in (("py3", "python3"), ("mpy", "micropython")):
        if logs[k]:
            print("geometric mean pyrite/%s: %.3f over %d benchmarks" % (label, math.exp(sum(logs[k]) / len(logs[k])), len(logs[k])))
    if a.json:
        json.dump(rows, open(a.json, "w"), indent=1)


if __name__ == "__main__":
    main()
