#!/usr/bin/env python3
"""The board tools MicroPython users have, unmodified from PyPI, against `pyrite` as a board:
mpremote (over TCP with `socket://` and over a pseudo-terminal), rshell and adafruit-ampy (over a
pseudo-terminal made by socat, as `socat pty,... EXEC:pyrite --board`).

usage: tests/integration/_clients.py [PYRITE_BINARY]   (default: target/release/pyrite)

What it installs itself: socat from Debian (apt-get) when missing; mpremote, rshell and
adafruit-ampy (pinned versions) into a virtualenv in ~/.cache/pyrite-integration. Not being able
to install them is a failure, not a skip: these tools are what the REPL issue is measured by.

Every check compares what the tool reports or leaves on disk with what was sent: files go both
ways in text and binary (all 256 byte values), hashes are recomputed here, listings are checked
for the names. The "board" runs in a fresh temporary directory (its current directory), so
files the tools write land there and are checked on the host side too.
Ends with "N passed, N failed"; exit status 1 if anything failed.
"""
import hashlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "pyrite-integration")
VENV = os.path.join(CACHE, "clients-venv")
PACKAGES = ["mpremote==1.29.0", "rshell==0.0.36", "adafruit-ampy==1.1.0", "pyserial==3.5"]
TIMEOUT = 90

PYRITE = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/pyrite"))
results = {"passed": 0, "failed": 0}


def report(ok, name, msg=""):
    results["passed" if ok else "failed"] += 1
    print("%s %s%s" % ("PASS" if ok else "FAIL", name, (": " + msg) if msg and not ok else ""), flush=True)


def die(msg):
    print("FAIL setup: " + msg, flush=True)
    sys.exit(1)


def setup_tools():
    if not shutil.which("socat"):
        if os.geteuid() != 0:
            die("socat is missing and we are not root to apt-get install it")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        r = subprocess.run(["apt-get", "install", "-y", "-qq", "socat"], env=env, capture_output=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
            r = subprocess.run(["apt-get", "install", "-y", "-qq", "socat"], env=env, capture_output=True)
        if r.returncode != 0 or not shutil.which("socat"):
            die("apt-get install socat failed: %s" % (r.stdout + r.stderr).decode(errors="replace")[-300:])
    stamp = os.path.join(VENV, "installed.txt")
    want = "\n".join(PACKAGES)
    if not (os.path.exists(stamp) and open(stamp).read() == want):
        shutil.rmtree(VENV, ignore_errors=True)
        r = subprocess.run([sys.executable, "-m", "venv", VENV], capture_output=True)
        if r.returncode != 0:
            die("python3 -m venv failed (apt-get install python3-venv?): %s" % r.stderr.decode()[-300:])
        r = subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q"] + PACKAGES,
                           capture_output=True, timeout=900)
        if r.returncode != 0:
            die("pip install %s failed: %s" % (" ".join(PACKAGES), (r.stdout + r.stderr).decode()[-500:]))
        with open(stamp, "w") as f:
            f.write(want)


def bin_(name):
    return os.path.join(VENV, "bin", name)


def run(argv, cwd, timeout=TIMEOUT, input=None):
    """Run a client; returns (returncode, stdout+stderr text)."""
    try:
        r = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout, input=input)
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + (e.stderr or b"")
        return -1, "TIMEOUT after %ss: %s" % (timeout, out.decode(errors="replace")[-500:])
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


class TcpBoard:
    """pyrite --board-tcp=PORT in directory `root`; mpremote reaches it as socket://."""

    def __init__(self, root):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.p = subprocess.Popen([PYRITE, "--board-tcp=%d" % self.port], cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        self.url = "socket://127.0.0.1:%d" % self.port

    def close(self):
        self.p.kill()
        self.p.wait()


class PtyBoard:
    """A pseudo-terminal at `link` whose other end is `pyrite --board` running in `root`."""

    def __init__(self, root, link):
        self.link = link
        self.p = subprocess.Popen(["socat", "pty,link=%s,raw,echo=0" % link,
                                   "EXEC:%s --board,nofork" % PYRITE], cwd=root,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(link) and time.time() < deadline:
            time.sleep(0.05)
        time.sleep(0.2)

    def close(self):
        self.p.terminate()
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            self.p.kill()


def make_files(local):
    text = "".join("line %d: the quick brown fox\n" % i for i in range(300))
    rnd = random.Random(1234)
    data = bytes(range(256)) * 8 + bytes(rnd.randrange(256) for _ in range(5000)) + b"\r\n\x00\x04\x03"
    with open(os.path.join(local, "text.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(local, "data.bin"), "wb") as f:
        f.write(data)
    with open(os.path.join(local, "script.py"), "w") as f:
        f.write("import sys\nprint('script ran', sum(range(10)), sys.platform)\n")
    os.mkdir(os.path.join(local, "lib"))
    with open(os.path.join(local, "lib", "mounted_mod.py"), "w") as f:
        f.write("VALUE = 'from the mounted directory'\n")
    with open(os.path.join(local, "lib", "mounted_big.py"), "w") as f:
        f.write("# a module larger than one read of the remote filesystem\n")
        f.write("".join("V%d = %d  # padding padding padding padding\n" % (i, i) for i in range(400)))
        f.write("def total():\n    return sum(globals()['V%d' % i] for i in range(400))\n")
    with open(os.path.join(local, "lib", "blob.bin"), "wb") as f:
        f.write(data)
    return text.encode(), data


def check(name, cond, out):
    report(bool(cond), name, out.strip()[-400:] if not cond else "")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def mpremote_checks(label, dev, board_root, local, text, data, mount=False):
    mp = [bin_("mpremote"), "connect", dev]
    rc, out = run(mp + ["exec", "print(6 * 7)"], local)
    check(label + " exec", rc == 0 and out.strip().endswith("42"), out)
    rc, out = run(mp + ["eval", "1 + 2 * 3"], local)
    check(label + " eval", rc == 0 and out.strip().endswith("7"), out)
    rc, out = run(mp + ["run", "script.py"], local)
    check(label + " run", rc == 0 and "script ran 45 linux" in out, out)
    rc, out = run(mp + ["fs", "mkdir", ":mpdir"], local)
    check(label + " fs mkdir", rc == 0 and os.path.isdir(os.path.join(board_root, "mpdir")), out)
    rc, out = run(mp + ["fs", "cp", "text.txt", ":mpdir/text.txt", "+", "fs", "cp", "data.bin", ":mpdir/data.bin"], local)
    ok = rc == 0 and read(os.path.join(board_root, "mpdir/text.txt")) == text \
        and read(os.path.join(board_root, "mpdir/data.bin")) == data
    check(label + " fs cp to board (text, binary)", ok, out)
    rc, out = run(mp + ["fs", "ls", ":mpdir"], local)
    check(label + " fs ls", rc == 0 and "text.txt" in out and "data.bin" in out, out)
    rc, out = run(mp + ["fs", "cat", ":mpdir/text.txt"], local)
    check(label + " fs cat", rc == 0 and "line 299: the quick brown fox" in out and "line 0:" in out, out)
    for f in ("text.txt", "data.bin"):
        try:
            os.remove(os.path.join(local, "back_" + f))
        except OSError:
            pass
    rc, out = run(mp + ["fs", "cp", ":mpdir/text.txt", "back_text.txt", "+", "fs", "cp", ":mpdir/data.bin", "back_data.bin"], local)
    ok = rc == 0 and read(os.path.join(local, "back_text.txt")) == text and read(os.path.join(local, "back_data.bin")) == data
    check(label + " fs cp from board (text, binary)", ok, out)
    rc, out = run(mp + ["fs", "sha256sum", ":mpdir/data.bin"], local)
    check(label + " fs sha256sum", rc == 0 and hashlib.sha256(data).hexdigest() in out, out)
    rc, out = run(mp + ["fs", "rm", ":mpdir/text.txt", "+", "fs", "rm", ":mpdir/data.bin"], local)
    check(label + " fs rm", rc == 0 and os.listdir(os.path.join(board_root, "mpdir")) == [], out)
    rc, out = run(mp + ["fs", "rmdir", ":mpdir"], local)
    check(label + " fs rmdir", rc == 0 and not os.path.exists(os.path.join(board_root, "mpdir")), out)
    if mount:
        # Not the first session after the board started (the checks above ran before), and
        # twice in a row: a module import, then a larger module and a binary file read back
        # through the remote filesystem.
        rc, out = run(mp + ["mount", "lib", "exec", "import mounted_mod; print(mounted_mod.VALUE)"], local)
        check(label + " mount", rc == 0 and "from the mounted directory" in out, out)
        prog = ("import mounted_big, hashlib, binascii; print('big', mounted_big.total());"
                "f = open('blob.bin', 'rb'); d = f.read(); f.close();"
                "print('blob', len(d), binascii.hexlify(hashlib.sha256(d).digest()).decode())")
        rc, out = run(mp + ["mount", "lib", "exec", prog], local)
        want_big = "big %d" % sum(range(400))
        want_blob = "blob %d %s" % (len(data), hashlib.sha256(data).hexdigest())
        check(label + " mount again (larger module, binary file)",
              rc == 0 and want_big in out and want_blob in out, out)
    rc, out = run(mp + ["exec", "marker_value = 5", "exec", "print('kept', 'marker_value' in globals())",
                        "soft-reset", "exec", "print('after reset', 'marker_value' in globals())"], local)
    check(label + " soft-reset", rc == 0 and "kept True" in out and "after reset False" in out, out)


def raw_console_checks(port):
    """The raw REPL driven by hand over TCP: Ctrl-C interrupts code blocked reading stdin
    (KeyboardInterrupt), and a later read in the same session still gets the bytes sent."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)

    def until(marker, limit=10.0):
        out = b""
        deadline = time.time() + limit
        s.settimeout(0.2)
        while marker not in out and time.time() < deadline:
            try:
                d = s.recv(4096)
            except socket.timeout:
                continue
            if not d:
                break
            out += d
        return out

    try:
        s.sendall(b"\r\x03\x03\x01")
        until(b"raw REPL; CTRL-B to exit\r\n>")
        s.sendall(b"import sys\nprint(sys.stdin.buffer.read(1))\x04")
        until(b"OK")
        time.sleep(0.3)
        s.sendall(b"\x03")
        out = until(b"\x04>").decode("latin-1")
        check("raw REPL: Ctrl-C interrupts a stdin read", "KeyboardInterrupt" in out, out)
        s.sendall(b"import sys\nprint(sys.stdin.buffer.read(3))\x04")
        until(b"OK")
        time.sleep(0.2)
        s.sendall(b"A\nB")
        out = until(b"\x04>").decode("latin-1")
        check("raw REPL: stdin reads work after an interrupted read", "b'A\\nB'" in out, out)
        s.sendall(b"\x02")
    finally:
        s.close()


def rshell_checks(tty, board_root, local, text, data):
    # rshell shows the board's root as /pyboard; the board's files are under its cwd.
    rd = "/pyboard" + os.path.join(board_root, "rsdir")
    rs = [bin_("rshell"), "-p", tty, "--quiet"]
    rc, out = run(rs + ["mkdir", rd], local)
    check("rshell mkdir", rc == 0 and os.path.isdir(os.path.join(board_root, "rsdir")), out)
    rc, out = run(rs + ["cp", "text.txt", "data.bin", rd], local)
    ok = rc == 0 and read(os.path.join(board_root, "rsdir/text.txt")) == text \
        and read(os.path.join(board_root, "rsdir/data.bin")) == data
    check("rshell cp to board (text, binary)", ok, out)
    rc, out = run(rs + ["ls", "-l", rd], local)
    check("rshell ls", rc == 0 and "text.txt" in out and "data.bin" in out and str(len(data)) in out, out)
    rc, out = run(rs + ["cat", rd + "/text.txt"], local)
    check("rshell cat", rc == 0 and "line 299: the quick brown fox" in out, out)
    os.makedirs(os.path.join(local, "rsback"), exist_ok=True)
    rc, out = run(rs + ["cp", rd + "/text.txt", rd + "/data.bin", "rsback"], local)
    ok = rc == 0 and read(os.path.join(local, "rsback/text.txt")) == text \
        and read(os.path.join(local, "rsback/data.bin")) == data
    check("rshell cp from board (text, binary)", ok, out)
    rc, out = run(rs + ["rm", rd + "/text.txt", rd + "/data.bin"], local)
    check("rshell rm", rc == 0 and os.listdir(os.path.join(board_root, "rsdir")) == [], out)
    rc, out = run(rs + ["rm", "-r", rd], local)
    check("rshell rm -r directory", rc == 0 and not os.path.exists(os.path.join(board_root, "rsdir")), out)


def ampy_checks(tty, board_root, local, text, data):
    am = [bin_("ampy"), "-p", tty]
    rc, out = run(am + ["mkdir", "amdir"], local)
    check("ampy mkdir", rc == 0 and os.path.isdir(os.path.join(board_root, "amdir")), out)
    rc1, out1 = run(am + ["put", "text.txt", "amdir/text.txt"], local)
    rc2, out2 = run(am + ["put", "data.bin", "amdir/data.bin"], local)
    ok = rc1 == 0 and rc2 == 0 and read(os.path.join(board_root, "amdir/text.txt")) == text \
        and read(os.path.join(board_root, "amdir/data.bin")) == data
    check("ampy put (text, binary)", ok, out1 + out2)
    # ampy lists from the root ("amdir" becomes "/amdir"); on the host the board's root is the
    # host's, so name the directory absolutely.
    rc, out = run(am + ["ls", os.path.join(board_root, "amdir")], local)
    check("ampy ls", rc == 0 and "text.txt" in out and "data.bin" in out, out)
    rc1, out1 = run(am + ["get", "amdir/text.txt", "am_text.txt"], local)
    rc2, out2 = run(am + ["get", "amdir/data.bin", "am_data.bin"], local)
    ok = rc1 == 0 and rc2 == 0 and read(os.path.join(local, "am_text.txt")) == text \
        and read(os.path.join(local, "am_data.bin")) == data
    check("ampy get (text, binary)", ok, out1 + out2)
    rc, out = run(am + ["run", "script.py"], local)
    check("ampy run", rc == 0 and "script ran 45 linux" in out, out)
    rc, out = run(am + ["rm", "amdir/text.txt"], local)
    check("ampy rm", rc == 0 and not os.path.exists(os.path.join(board_root, "amdir/text.txt")), out)
    rc, out = run(am + ["rmdir", "amdir"], local)
    check("ampy rmdir", rc == 0 and not os.path.exists(os.path.join(board_root, "amdir")), out)


def main():
    if not os.path.exists(PYRITE):
        die("no binary at %s (cargo build --release)" % PYRITE)
    setup_tools()
    with tempfile.TemporaryDirectory(prefix="pyrite-clients-") as tmp:
        tmp = os.path.realpath(tmp)
        board_root = os.path.join(tmp, "board")
        local = os.path.join(tmp, "local")
        os.mkdir(board_root)
        os.mkdir(local)
        text, data = make_files(local)

        b = TcpBoard(board_root)
        try:
            mpremote_checks("mpremote socket://", b.url, board_root, local, text, data, mount=True)
            raw_console_checks(b.port)
        finally:
            b.close()

        for name, checks in (("mpremote", None), ("rshell", rshell_checks), ("ampy", ampy_checks)):
            tty = os.path.join(tmp, "tty-" + name)
            b = PtyBoard(board_root, tty)
            try:
                if checks is None:
                    mpremote_checks("mpremote pty", tty, board_root, local, text, data, mount=True)
                else:
                    checks(tty, board_root, local, text, data)
            finally:
                b.close()
    print("%d passed, %d failed" % (results["passed"], results["failed"]))
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
