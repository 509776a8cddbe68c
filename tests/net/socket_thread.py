# A blocking accept()/recv() in the main thread while another thread connects and sends:
# blocking socket calls let other threads run.
import _thread, socket, select, time

srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(1)
addr = srv.getsockname()
done = _thread.allocate_lock()
done.acquire()


def client():
    time.sleep(0.05)
    c = socket.socket()
    c.connect(addr)
    time.sleep(0.05)
    c.send(b"from thread")
    c.close()
    done.release()


_thread.start_new_thread(client, ())
conn, _ = srv.accept()
print(conn.recv(100))
p = select.poll()
p.register(conn, select.POLLIN)
print(len(p.poll(1000)))
print(conn.recv(10))
done.acquire()
conn.close()
srv.close()
print("done")
