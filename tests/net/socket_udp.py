# UDP: sendto/recvfrom between two sockets, timeouts, non-blocking receive.
import socket

a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
a.bind(("127.0.0.1", 0))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
b.bind(("127.0.0.1", 0))
addr_a = a.getsockname()
addr_b = b.getsockname()

print(b.sendto(b"hello", addr_a))
data, frm = a.recvfrom(100)
print(data, frm == addr_b)

# Datagrams keep their boundaries; a short buffer truncates.
b.sendto(b"one", addr_a)
b.sendto(b"two-two", addr_a)
print(a.recv(100), a.recv(3))

a.settimeout(0.05)
try:
    a.recv(10)
except OSError as e:
    print("timed out", isinstance(e, OSError))

a.setblocking(False)
try:
    a.recvfrom(10)
except OSError as e:
    print("would block", isinstance(e, OSError))

# connect() on UDP fixes the peer: send/recv without addresses.
b.connect(addr_a)
b.send(b"connected")
a.settimeout(1)
print(a.recv(100))
a.close()
b.close()

for info in socket.getaddrinfo("127.0.0.1", 1234):
    if info[1] == socket.SOCK_DGRAM:
        print(info[0] == socket.AF_INET, info[-1])
