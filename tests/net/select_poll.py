# select.poll and select.select on sockets (CPython-compatible parts).
# (CPython reports descriptors where MicroPython reports the registered objects.)
import select, socket

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)

p = select.poll()
p.register(srv, select.POLLIN)
print("idle listener", p.poll(0))

cli = socket.socket()
cli.connect(srv.getsockname())
res = p.poll(1000)
print("pending accept", len(res), res[0][0] in (srv, srv.fileno()), res[0][1] & select.POLLIN)
conn, _ = srv.accept()

p.register(conn, select.POLLIN)
p.unregister(srv)
print("no data", p.poll(10))
cli.send(b"x")
res = p.poll(1000)
print("data", res[0][0] in (conn, conn.fileno()), res[0][1] == select.POLLIN)
print(conn.recv(1))

p.modify(conn, select.POLLOUT)
res = p.poll(0)
print("writable", res[0][1] == select.POLLOUT)

r, w, x = select.select([conn, cli], [cli], [], 0)
print("select", r, w == [cli], x)
cli.send(b"y")
r, w, x = select.select([conn], [], [], 1.0)
print("select readable", r == [conn])

cli.close()
# The peer closed: readable (end of stream), recv gives b"".
r, w, x = select.select([conn], [], [], 1.0)
print("hangup readable", r == [conn], conn.recv(1), conn.recv(1))
conn.close()
srv.close()
