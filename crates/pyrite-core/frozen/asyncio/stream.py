# Pyrite's asyncio: streams over sockets and other stream objects (open_connection,
# start_server, Stream).  socket and select are imported only when used.

from . import core


class Stream:
    def __init__(self, s, e={}):
        self.s = s
        self.e = e
        self.out_buf = b""

    def get_extra_info(self, v):
        return self.e[v]

    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        await self.aclose()

    def close(self):
        self.s.close()

    async def wait_closed(self):
        # close() has already closed the stream; closing again is harmless.
        self.s.close()

    async def aclose(self):
        await self.drain()
        self.close()
        await self.wait_closed()

    async def read(self, n=-1):
        r = b""
        while True:
            await core._wait_io(self.s, 0)
            r2 = self.s.read(n)
            if r2 is not None:
                if n >= 0:
                    return r2
                if not len(r2):
                    return r
                r += r2

    async def readinto(self, buf):
        while True:
            await core._wait_io(self.s, 0)
            n = self.s.readinto(buf)
            if n is not None:
                return n

    async def readexactly(self, n):
        r = b""
        while n:
            await core._wait_io(self.s, 0)
            r2 = self.s.read(n)
            if r2 is not None:
                if not len(r2):
                    raise EOFError
                r += r2
                n -= len(r2)
        return r

    async def readline(self):
        l = b""
        while True:
            await core._wait_io(self.s, 0)
            l2 = self.s.readline()
            if l2 is None:
                continue
            l += l2
            if not l2 or l[-1] == 10:
                return l

    def write(self, buf):
        # Write what the stream takes now; keep the rest for drain().  Writing to a stream
        # that takes all of buf, or buffering a bytes object, allocates nothing.
        if not self.out_buf:
            ret = self.s.write(buf)
            if ret == len(buf):
                return
            if ret is not None:
                buf = buf[ret:]
            if type(buf) is bytes:
                self.out_buf = buf
            else:
                self.out_buf = bytes(buf)
            return
        self.out_buf += buf

    async def drain(self):
        if not self.out_buf:
            # Give other tasks a turn, as a drain that had to wait would.
            return await core.sleep_ms(0)
        mv = memoryview(self.out_buf)
        off = 0
        while off < len(mv):
            await core._wait_io(self.s, 1)
            ret = self.s.write(mv[off:])
            if ret is not None:
                off += ret
        self.out_buf = b""


StreamReader = Stream
StreamWriter = Stream


def _ssl_context(ssl, server):
    if ssl is True:
        import ssl as _ssl

        ssl = _ssl.SSLContext(_ssl.PROTOCOL_TLS_SERVER if server else _ssl.PROTOCOL_TLS_CLIENT)
    return ssl


async def open_connection(host, port, ssl=None, server_hostname=None):
    import socket

    ai = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    if not ai:
        raise OSError(-2)
    ai = ai[0]
    s = socket.socket(ai[0], ai[1], ai[2])
    s.setblocking(False)
    try:
        s.connect(ai[-1])
    except OSError as er:
        if er.errno != 115:  # EINPROGRESS
            raise er
    if ssl:
        ssl = _ssl_context(ssl, False)
        if not server_hostname:
            server_hostname = host
        s = ssl.wrap_socket(s, server_hostname=server_hostname, do_handshake_on_connect=False)
        s.setblocking(False)
    ss = Stream(s)
    await core._wait_io(s, 1)
    return ss, ss


class Server:
    async def __aenter__(self):
        return self

    async def __aexit__(self, exc_type, exc, tb):
        self.close()
        await self.wait_closed()

    def close(self):
        self.task.cancel()

    async def wait_closed(self):
        await self.task

    async def _serve(self, s, cb, ssl):
        self.state = False
        try:
            while True:
                await core._wait_io(s, 0)
                try:
                    s2, addr = s.accept()
                except OSError:
                    continue
                if self.state:
                    s2.close()
                    continue
                s2.setblocking(False)
                if ssl:
                    s2 = ssl.wrap_socket(s2, server_side=True, do_handshake_on_connect=False)
                    s2.setblocking(False)
                s2s = Stream(s2, {"peername": addr})
                core.create_task(cb(s2s, s2s))
        except core.CancelledError:
            self.state = True
        finally:
            s.close()


async def start_server(cb, host, port, backlog=5, ssl=None):
    import socket

    ai = socket.getaddrinfo(host, port)
    if not ai:
        raise OSError(-2)
    ai = ai[0]
    s = socket.socket()
    s.setblocking(False)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(ai[-1])
    s.listen(backlog)
    if ssl:
        ssl = _ssl_context(ssl, True)
    srv = Server()
    srv.task = core.create_task(srv._serve(s, cb, ssl))
    return srv


async def stream_awrite(self, buf, off=0, sz=-1):
    if off != 0 or sz != -1:
        buf = memoryview(buf)
        if sz == -1:
            sz = len(buf)
        buf = buf[off : off + sz]
    self.write(buf)
    await self.drain()


Stream.awrite = stream_awrite
Stream.awritestr = stream_awrite
