"""Drive `pyrite --board` through MicroPython's raw REPL protocols, as mpremote does.

Usage: python3 tests/repl/_raw_repl.py [path/to/pyrite]   (exit status 0 when all checks pass)
"""
import os
import subprocess
import sys
import time

PYRITE = sys.argv[1] if len(sys.argv) > 1 else "target/release/pyrite"


class Board:
    def __init__(self):
        self.p = subprocess.Popen([PYRITE, "--board"], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, bufsize=0)
        os.set_blocking(self.p.stdout.fileno(), False)
        self.buf = b""

    def write(self, b):
        self.p.stdin.write(b)
        self.p.stdin.flush()

    def read_until(self, end, timeout=5.0):
        t = time.time() + timeout
        while end not in self.buf:
            if time.time() > t:
                raise AssertionError("timeout waiting for %r, have %r" % (end, self.buf))
            try:
                d = self.p.stdout.read(4096)
            except BlockingIOError:
                d = None
            if d:
                self.buf += d
            else:
                time.sleep(0.01)
        i = self.buf.index(end) + len(end)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def close(self):
        self.p.stdin.close()
        self.p.wait(5)


def check(name, got, want):
    if got != want:
        print("FAIL", name, "got", repr(got), "want", repr(want))
        sys.exit(1)
    print("ok", name)


b = Board()
banner = b.read_until(b">>> ")
check("banner crlf", b"\r\nType \"help()\"" in banner, True)
b.write(b"1+2\r")
check("friendly eval", b.read_until(b">>> "), b"1+2\r\n3\r\n>>> ")
b.write(b"\x01")
check("enter raw", b.read_until(b"raw REPL; CTRL-B to exit\r\n>"), b"\r\nraw REPL; CTRL-B to exit\r\n>")
b.write(b"print(1)\nprint(2)\x04")
check("raw exec", b.read_until(b"\x04>"), b"OK1\r\n2\r\n\x04\x04>")
b.write(b"1/0\x04")
out = b.read_until(b"\x04>")
check("raw error", out.startswith(b"OK\x04Traceback") and b"ZeroDivisionError" in out, True)
b.write(b"x = 42\x04")
b.read_until(b"\x04>")
# raw paste
b.write(b"\x05A\x01")
hdr = b.read_until(b"\x01", 5)
check("raw-paste accept", hdr, b"R\x01")
win = b.read_until(b"\x01")  # window size (2 bytes) + first credit
check("raw-paste window", win, b"\x80\x00\x01")
code = b"print(x + 1)\n" + b"# padding\n" * 40
sent = 0
credits = 128 + 128
while sent < len(code):
    n = min(credits, len(code) - sent)
    b.write(code[sent:sent + n])
    sent += n
    credits -= n
    if credits == 0:
        b.read_until(b"\x01")
        credits += 128
b.write(b"\x04")
out = b.read_until(b"\x04\x04>")
check("raw-paste run", out.endswith(b"\x0443\r\n\x04\x04>"), True)
# soft reset: x is gone afterwards
b.write(b"\x04")
check("soft reset", b.read_until(b"raw REPL; CTRL-B to exit\r\n>"),
      b"OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>")
b.write(b"print('x' in globals())\x04")
check("fresh globals", b.read_until(b"\x04>"), b"OKFalse\r\n\x04\x04>")
# Ctrl-C interrupts running code
b.write(b"while True: pass\x04")
b.read_until(b"OK")
time.sleep(0.2)
b.write(b"\x03")
out = b.read_until(b"\x04>")
check("ctrl-c", b"KeyboardInterrupt" in out, True)
# back to friendly
b.write(b"\x02")
b.read_until(b">>> ")
b.write(b"\x05")
b.read_until(b"=== ")
b.write(b"def f():\r    return 5\r\rprint(f())\r\x04")
out = b.read_until(b">>> ")
check("paste mode", b"\r\n5\r\n>>> " in out, True)
b.close()
print("all ok")
