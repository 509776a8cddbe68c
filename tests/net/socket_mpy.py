# MicroPython's socket behaviour: stream methods return None when a non-blocking socket has
# nothing, timeouts raise OSError(ETIMEDOUT), closed sockets raise OSError(EBADF), makefile
# returns the socket, ioctl answers the stream requests, sockets iterate by lines, ipoll.
import socket, select, errno, io

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
cli = socket.socket()
cli.connect(srv.getsockname())
conn, _ = srv.accept()

conn.setblocking(False)
print("read", conn.read(10), conn.readline(), conn.readinto(bytearray(4)))
try:
    conn.recv(1)
except OSError as e:
    print("recv EAGAIN", e.errno == errno.EAGAIN)
try:
    srv.setblocking(False)
    srv.accept()
except OSError as e:
    print("accept EAGAIN", e.errno == errno.EAGAIN)

conn.settimeout(0.05)
try:
    conn.read(1)
except OSError as e:
    print("timeout", e.errno == errno.ETIMEDOUT)
conn.settimeout(None)

f = cli.makefile("rwb", 0)
print("makefile is self", f is cli)
print(cli.write(b"line one\nline two\nrest"), cli.write("text\n"))
buf = bytearray(5)
print(conn.readline(), conn.readinto(buf), buf)
print(conn.readline(4), conn.readline())
cli.write(b"a\nb\n")
cli.close()
print([l for l in conn])

# ioctl: 3 = poll, 10 = get fileno, 4 = close.
print("ioctl poll", conn.ioctl(3, 4), conn.ioctl(10, 0) == conn.fileno())
conn.ioctl(4, 0)
print("closed", conn.fileno())
for op in ("recv", "send", "read"):
    try:
        if op == "recv":
            conn.recv(1)
        elif op == "send":
            conn.send(b"x")
        else:
            conn.read(1)
    except OSError as e:
        print(op, "EBADF", e.errno == errno.EBADF)
conn.close()  # closing twice is fine
srv.close()

# ipoll with the one-shot flag, and POLLNVAL for a closed socket.
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", 0))
p = select.poll()
p.register(u)
print([(o is u, ev) for o, ev in p.ipoll(0, 1)])
print(list(p.ipoll(0)))
p.modify(u, select.POLLOUT)
print([(o is u, ev) for o, ev in p.ipoll(0)])
u.close()
print([(o is u, ev) for o, ev in p.poll(0)])


# A Python stream in the same poller as a socket.
class Flag(io.IOBase):
    def __init__(self):
        self.ready = 0

    def ioctl(self, req, arg):
        if req == 3:
            return self.ready & arg
        return -1


fl = Flag()
p = select.poll()
p.register(fl, select.POLLIN)
print(p.poll(0))
fl.ready = select.POLLIN
print([(o is fl, ev) for o, ev in p.poll(100)])

# Sockets are closed when collected.
import gc

fds = []
for i in range(3):
    s = socket.socket()
    fds.append(s.fileno())
s = None
gc.collect()
n = socket.socket()
print("descriptor reused", n.fileno() in fds)
n.close()

print(repr(socket.socket).startswith("<class"), type(n).__name__)
try:
    socket.getaddrinfo("no-such-host.invalid", 80)
except OSError as e:
    print("getaddrinfo failed")
