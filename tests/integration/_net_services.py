#!/usr/bin/env python3
"""Real programs over real servers: micropython-lib's `umqtt.simple` publishing and subscribing
(QoS 0 and 1) through a mosquitto broker on 127.0.0.1, and `ntptime` against a local NTP server
(chrony), all run unmodified under pyrite; and `ssl`/`tls` against CPython's ssl module (pyrite
as a verifying client and as a server, with a test CA made by openssl).

usage: tests/integration/_net_services.py [PYRITE_BINARY] [--tls-binary BINARY]
       (default: target/release/pyrite; the TLS part runs on --tls-binary when given, e.g. a
       build with `--features tls`, as the default build has no ssl/tls)

What it installs and starts itself:
- mosquitto, mosquitto-clients and chrony from Debian (apt-get), when missing;
- umqtt.simple: the `micropython-umqtt.simple` sdist from PyPI (found through PyPI's JSON API,
  checked against the sha256 PyPI publishes; pip itself cannot fetch it, as the sdist has no
  setup.py), unpacked into a cache directory;
- ntptime: micropython-lib publishes it on no registry this project can reach (not on PyPI,
  Debian or npm), so it is taken from a micropython-lib checkout named by $MICROPYTHON_LIB
  (default /work/ref/micropython-lib) and used unmodified;
- a mosquitto broker on a free port of 127.0.0.1 and chronyd serving NTP on 127.0.0.1:123
  (port 123 needs root: ntptime always asks port 123).

A part is skipped, with a line saying why, only when what it needs cannot be installed or found
(no network, no micropython-lib checkout, not root for port 123). Every other problem is a
failure. Ends with "N passed, N failed, N skipped"; exit status 1 if anything failed.
"""
import hashlib
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(os.path.expanduser("~"), ".cache", "pyrite-integration")
UMQTT_PKG = "micropython-umqtt.simple"

results = {"passed": 0, "failed": 0, "skipped": 0}


def report(kind, name, msg=""):
    results[kind] += 1
    word = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[kind]
    print("%s %s%s" % (word, name, (": " + msg) if msg else ""), flush=True)


def have_network(host="pypi.org", port=443):
    try:
        socket.create_connection((host, port), timeout=10).close()
        return True
    except OSError:
        return False


def apt_install(pkgs, tools):
    """Install Debian packages unless every tool is already on PATH. Returns None or why not."""
    if all(shutil.which(t) or os.path.exists(os.path.join("/usr/sbin", t)) for t in tools):
        return None
    if os.geteuid() != 0:
        return "not root, cannot apt-get install %s" % " ".join(pkgs)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for attempt in range(2):
        r = subprocess.run(
            ["apt-get", "install", "-y", "-qq"] + pkgs, env=env, capture_output=True, timeout=600
        )
        if r.returncode == 0:
            return None
        if attempt == 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, timeout=600)
    tail = (r.stdout + r.stderr).decode(errors="replace").strip().splitlines()[-3:]
    return "apt-get install %s failed: %s" % (" ".join(pkgs), " | ".join(tail))


def tool(name):
    return shutil.which(name) or os.path.join("/usr/sbin", name)


def fetch_umqtt():
    """The directory holding umqtt/simple.py from PyPI's sdist (cached), or raise."""
    dest = os.path.join(CACHE, "umqtt-lib")
    if os.path.exists(os.path.join(dest, "umqtt", "simple.py")):
        return dest
    meta = json.load(
        urllib.request.urlopen("https://pypi.org/pypi/%s/json" % UMQTT_PKG, timeout=60)
    )
    sdists = [u for u in meta["urls"] if u["packagetype"] == "sdist"]
    if not sdists:
        raise RuntimeError("PyPI lists no sdist for %s" % UMQTT_PKG)
    u = sdists[0]
    data = urllib.request.urlopen(u["url"], timeout=60).read()
    if hashlib.sha256(data).hexdigest() != u["digests"]["sha256"]:
        raise RuntimeError("sha256 mismatch for %s" % u["filename"])
    os.makedirs(os.path.join(dest, "umqtt"), exist_ok=True)
    with tempfile.TemporaryDirectory() as td:
        p = os.path.join(td, u["filename"])
        with open(p, "wb") as f:
            f.write(data)
        with tarfile.open(p) as tf:
            for m in tf.getmembers():
                if m.name.endswith("umqtt/simple.py"):
                    src = tf.extractfile(m).read()
                    with open(os.path.join(dest, "umqtt", "simple.py"), "wb") as f:
                        f.write(src)
    if not os.path.exists(os.path.join(dest, "umqtt", "simple.py")):
        raise RuntimeError("no umqtt/simple.py in %s" % u["filename"])
    print("umqtt.simple %s from PyPI (%s)" % (meta["info"]["version"], u["filename"]))
    return dest


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def wait_port(port, udp=False, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def pub_ext(port, topic, msg):
    subprocess.run(
        [tool("mosquitto_pub"), "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", topic,
         "-m", msg],
        timeout=20, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def run_pyrite(binary, code, path, timeout=60):
    env = dict(os.environ, MICROPYPATH=path)
    r = subprocess.run(
        [binary, "-c", code], env=env, capture_output=True, timeout=timeout
    )
    return r.returncode, (r.stdout + r.stderr).decode(errors="replace")


MQTT_PROGRAM = r"""
import time
from umqtt.simple import MQTTClient

PORT = %d
got = []

def cb(topic, msg):
    got.append((topic, msg))

sub = MQTTClient(b"pyrite-sub", "127.0.0.1", port=PORT)
sub.set_callback(cb)
sub.connect()
sub.subscribe(b"pyrite/q0", qos=0)
sub.subscribe(b"pyrite/q1", qos=1)
sub.subscribe(b"ext/in", qos=1)

pub = MQTTClient(b"pyrite-pub", "127.0.0.1", port=PORT)
pub.connect()
pub.publish(b"pyrite/q0", b"hello at qos 0")
pub.publish(b"pyrite/q1", b"hello at qos 1", qos=1)  # returns after the broker's PUBACK
print("published")

# Tell the test driver we are subscribed, then wait for its message too.
pub.publish(b"pyrite/ready", b"1", qos=1)
deadline = time.time() + 20
while len(got) < 3 and time.time() < deadline:
    sub.check_msg()
    time.sleep(0.01)
for t, m in sorted(got):
    print(t, m)
pub.disconnect()
sub.disconnect()
"""

NTP_PROGRAM = r"""
import time
import ntptime
ntptime.host = "127.0.0.1"
ntptime.timeout = 5
t = ntptime.time()
print("ntp", t, time.time())
"""


def test_mqtt(binary):
    why = apt_install(["mosquitto", "mosquitto-clients"], ["mosquitto", "mosquitto_sub"])
    if why:
        if not have_network():
            return report("skipped", "mqtt", "no network to install mosquitto (%s)" % why)
        return report("failed", "mqtt", why)
    try:
        lib = fetch_umqtt()
    except Exception as e:
        if not have_network():
            return report("skipped", "mqtt", "no network to fetch %s from PyPI" % UMQTT_PKG)
        return report("failed", "mqtt", "fetching %s: %s" % (UMQTT_PKG, e))
    port = free_port()
    td = tempfile.mkdtemp(prefix="pyrite-mqtt-")
    conf = os.path.join(td, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write("listener %d 127.0.0.1\nallow_anonymous true\npersistence false\n" % port)
    broker = subprocess.Popen(
        [tool("mosquitto"), "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    ext_sub = None
    try:
        if not wait_port(port):
            return report("failed", "mqtt", "mosquitto did not start on port %d" % port)
        # An outside subscriber sees what pyrite publishes. Probe until it is subscribed.
        ext_sub = subprocess.Popen(
            [tool("mosquitto_sub"), "-h", "127.0.0.1", "-p", str(port), "-v", "-q", "1",
             "-t", "pyrite/#", "-t", "probe"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        lines = queue.Queue()
        threading.Thread(
            target=lambda: [lines.put(l.rstrip("\n")) for l in ext_sub.stdout], daemon=True
        ).start()
        for _ in range(100):
            pub_ext(port, "probe", "x")
            try:
                if lines.get(timeout=0.3) == "probe x":
                    break
            except queue.Empty:
                pass
        else:
            return report("failed", "mqtt", "mosquitto_sub never saw its probe")
        proc = subprocess.Popen(
            [binary, "-c", MQTT_PROGRAM % port], env=dict(os.environ, MICROPYPATH=lib),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        # Once pyrite says it is ready (it publishes pyrite/ready after subscribing), publish
        # to it from outside.
        ext_lines = []
        end = time.time() + 30
        while "pyrite/ready 1" not in ext_lines and time.time() < end:
            try:
                line = lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line != "probe x":
                ext_lines.append(line)
        pub_ext(port, "ext/in", "from outside")
        out, _ = proc.communicate(timeout=60)
        out = out.decode(errors="replace")
        ext_lines.sort()
        want_out = [
            "published",
            "b'ext/in' b'from outside'",
            "b'pyrite/q0' b'hello at qos 0'",
            "b'pyrite/q1' b'hello at qos 1'",
        ]
        want_ext = ["pyrite/q0 hello at qos 0", "pyrite/q1 hello at qos 1", "pyrite/ready 1"]
        if proc.returncode == 0 and out.splitlines() == want_out and ext_lines == want_ext:
            report("passed", "mqtt", "umqtt.simple publish/subscribe at QoS 0 and 1")
        else:
            report(
                "failed", "mqtt",
                "pyrite exit %s, output:\n%s\noutside subscriber saw: %s"
                % (proc.returncode, out, ext_lines),
            )
    except subprocess.TimeoutExpired:
        report("failed", "mqtt", "timed out")
    finally:
        for p in (ext_sub, broker):
            if p and p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(td, ignore_errors=True)


def test_ntp(binary):
    libdir = os.environ.get("MICROPYTHON_LIB", "/work/ref/micropython-lib")
    ntp_dir = os.path.join(libdir, "micropython", "net", "ntptime")
    if not os.path.exists(os.path.join(ntp_dir, "ntptime.py")):
        return report(
            "skipped", "ntp",
            "ntptime is on no reachable registry and no micropython-lib checkout was found at "
            "%s (set MICROPYTHON_LIB)" % libdir,
        )
    if os.geteuid() != 0:
        return report("skipped", "ntp", "NTP serves on port 123, which needs root")
    why = apt_install(["chrony"], ["chronyd"])
    if why:
        if not have_network("deb.debian.org", 80):
            return report("skipped", "ntp", "no network to install chrony (%s)" % why)
        return report("failed", "ntp", why)
    td = tempfile.mkdtemp(prefix="pyrite-ntp-")
    conf = os.path.join(td, "chrony.conf")
    with open(conf, "w") as f:
        f.write(
            "bindaddress 127.0.0.1\nport 123\nallow 127.0.0.1\nlocal stratum 8\ncmdport 0\n"
            "pidfile %s/chronyd.pid\ndriftfile %s/drift\n" % (td, td)
        )
    # -x: serve time without touching the system clock; -d: stay in the foreground.
    server = subprocess.Popen(
        [tool("chronyd"), "-x", "-d", "-f", conf], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(1.0)
        if server.poll() is not None:
            out = server.stdout.read().decode(errors="replace")
            return report("failed", "ntp", "chronyd exited:\n" + out)
        code, out = "", ""
        for _ in range(5):  # chronyd may need a moment before it answers
            code, out = run_pyrite(binary, NTP_PROGRAM, ntp_dir)
            if code == 0:
                break
            time.sleep(1)
        parts = out.split()
        if code == 0 and len(parts) == 3 and parts[0] == "ntp":
            t_ntp, t_local = int(parts[1]), float(parts[2])
            if abs(t_ntp - t_local) <= 5 and abs(t_ntp - time.time()) <= 10:
                return report("passed", "ntp", "ntptime.time() = %d from chrony" % t_ntp)
        report("failed", "ntp", "pyrite exit %s, output:\n%s" % (code, out))
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(td, ignore_errors=True)


TLS_CLIENT_PROGRAM = r"""
import socket, ssl, tls
s = socket.socket()
s.connect(("127.0.0.1", %d))
ctx = tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(open("%s", "rb").read())
ss = ctx.wrap_socket(s, server_hostname="localhost")
ss.write(b"hello from pyrite\n")
print(ss.readline())
ss.close()
s = socket.socket()
s.connect(("127.0.0.1", %d))
try:
    ssl.wrap_socket(s, cert_reqs=ssl.CERT_REQUIRED, cadata=open("%s", "rb").read(),
                    server_hostname="not-the-name.example")
    print("accepted a certificate for the wrong name")
except OSError as e:
    print("refused wrong name")
"""

TLS_SERVER_PROGRAM = r"""
import socket, ssl
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1])
c, _ = s.accept()
t = ssl.wrap_socket(c, server_side=True, cert="%s", key="%s")
print(t.readline())
t.write(b"hi from pyrite\n")
t.close()
s.close()
"""


def make_certs(td):
    """A test CA and a server certificate for localhost/127.0.0.1, made with openssl."""
    run = lambda *a: subprocess.run(a, cwd=td, check=True, capture_output=True, timeout=60)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run("openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "30",
        "-subj", "/CN=Pyrite Test CA")
    run("openssl", "req", *ec, "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost")
    with open(os.path.join(td, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n")
    run("openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "srv.pem", "-days", "30", "-extfile", "ext.cnf")


def test_tls(binary):
    code, out = run_pyrite(binary, "import ssl, tls\nprint('ok')", "")
    if code != 0 or out.strip() != "ok":
        return report("skipped", "tls", "this pyrite was built without the 'tls' feature")
    if not shutil.which("openssl"):
        why = apt_install(["openssl"], ["openssl"])
        if why:
            return report("skipped" if not have_network() else "failed", "tls", why)
    import ssl
    import threading as th

    td = tempfile.mkdtemp(prefix="pyrite-tls-")
    try:
        make_certs(td)
        # 1. CPython serves, pyrite is the verifying client (and refuses a wrong name).
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(td, "srv.pem"), os.path.join(td, "srv.key"))
        lsock = socket.socket()
        lsock.bind(("127.0.0.1", 0))
        lsock.listen(2)
        port = lsock.getsockname()[1]
        got = []

        def serve():
            try:
                c, _ = lsock.accept()
                with ctx.wrap_socket(c, server_side=True) as t:
                    line = t.recv(100)
                    got.append(line)
                    t.sendall(b"echo " + line)
                c2, _ = lsock.accept()
                try:
                    ctx.wrap_socket(c2, server_side=True)
                except (ssl.SSLError, OSError):
                    pass
            except Exception as e:  # reported through `got`
                got.append(repr(e))

        th.Thread(target=serve, daemon=True).start()
        ca = os.path.join(td, "ca.pem")
        code, out = run_pyrite(binary, TLS_CLIENT_PROGRAM % (port, ca, port, ca), "")
        lsock.close()
        want = "b'echo hello from pyrite\\n'\nrefused wrong name"
        if code != 0 or out.strip() != want:
            return report("failed", "tls", "client: exit %s, output:\n%s" % (code, out))
        # 2. pyrite serves, CPython is the verifying client.
        prog = TLS_SERVER_PROGRAM % (os.path.join(td, "srv.pem"), os.path.join(td, "srv.key"))
        proc = subprocess.Popen([binary, "-c", prog], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        port = int(proc.stdout.readline())
        cctx = ssl.create_default_context(cafile=ca)
        with socket.create_connection(("127.0.0.1", port), timeout=20) as s:
            with cctx.wrap_socket(s, server_hostname="localhost") as t:
                t.sendall(b"hello from cpython\n")
                reply = t.recv(100)
        rest, _ = proc.communicate(timeout=30)
        if proc.returncode != 0 or reply != b"hi from pyrite\n" or "hello from cpython" not in rest:
            return report("failed", "tls", "server: exit %s, reply %r, output:\n%s"
                          % (proc.returncode, reply, rest))
        report("passed", "tls", "client with verification and server side, against CPython's ssl")
    except Exception as e:
        report("failed", "tls", repr(e))
    finally:
        shutil.rmtree(td, ignore_errors=True)


INTERRUPT_PROGRAM = r"""
import socket, select
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print("waiting")
try:
    s.accept()
except KeyboardInterrupt:
    print("interrupted accept")
p = select.poll()
p.register(s, select.POLLIN)
print("polling")
try:
    p.poll()
except KeyboardInterrupt:
    print("interrupted poll")
"""


def test_interrupt(binary):
    """Ctrl-C (SIGINT) ends blocking socket and poll calls with KeyboardInterrupt."""
    import signal

    proc = subprocess.Popen([binary, "-c", INTERRUPT_PROGRAM], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        for expect in ("waiting", "polling"):
            line = proc.stdout.readline().strip()
            lines.append(line)
            if line != expect:
                break
            time.sleep(0.3)
            proc.send_signal(signal.SIGINT)
            lines.append(proc.stdout.readline().strip())
        rest, _ = proc.communicate(timeout=10)
        lines += rest.split()
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    want = ["waiting", "interrupted accept", "polling", "interrupted poll"]
    if lines == want and proc.returncode == 0:
        report("passed", "interrupt", "Ctrl-C ends blocking accept() and poll()")
    else:
        report("failed", "interrupt", "exit %s, output %r" % (proc.returncode, lines))


def main():
    args = sys.argv[1:]
    tls_binary = None
    if "--tls-binary" in args:
        i = args.index("--tls-binary")
        tls_binary = os.path.abspath(args[i + 1]) if i + 1 < len(args) else None
        del args[i : i + 2]
    binary = os.path.abspath(
        args[0] if args else os.path.join(ROOT, "target", "release", "pyrite")
    )
    if not os.access(binary, os.X_OK):
        print("no pyrite binary at %s" % binary)
        print("0 passed, 1 failed")
        return 1
    test_interrupt(binary)
    test_mqtt(binary)
    test_ntp(binary)
    test_tls(tls_binary or binary)
    print("%d passed, %d failed, %d skipped" % (results["passed"], results["failed"], results["skipped"]))
    return 1 if results["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
