# TCP between a listening socket and a client in one program: connect, accept, send/recv,
# sendall of a large buffer, shutdown and end of stream, getsockname/getpeername.
import socket

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(2)
host, port = srv.getsockname()
print("bound", host, port > 0)

cli = socket.socket()
cli.connect(("127.0.0.1", port))
conn, peer = srv.accept()
print("peer", peer[0], peer[1] == cli.getsockname()[1])
print("peername", cli.getpeername() == ("127.0.0.1", port))

print(cli.send(b"ping") == 4)
print(conn.recv(10))
conn.send(b"pong")
print(cli.recv(10))

# A buffer larger than the socket buffers needs the reader to keep up: alternate.
data = bytes(range(256)) * 1024
got = bytearray()
cli.setblocking(False)
conn.setblocking(False)
sent = 0
while len(got) < len(data):
    if sent < len(data):
        try:
            sent += cli.send(data[sent : sent + 65536])
        except OSError:
            pass
    try:
        chunk = conn.recv(65536)
        got.extend(chunk)
    except OSError:
        pass
print("bulk", len(got), bytes(got) == data)
cli.setblocking(True)
conn.setblocking(True)

cli.sendall(b"last words")
cli.shutdown(socket.SHUT_WR) if hasattr(socket, "SHUT_WR") else cli.shutdown(1)
buf = b""
while True:
    c = conn.recv(3)
    if not c:
        break
    buf += c
print(buf)
print("eof", conn.recv(10))

for s in (conn, cli, srv):
    s.close()
print("fileno after close", cli.fileno())
