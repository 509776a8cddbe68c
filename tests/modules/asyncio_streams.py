# asyncio streams over TCP on 127.0.0.1: start_server, open_connection, readline,
# readexactly, write/drain of a large buffer, close/wait_closed, Server.close.
import asyncio

async def handle(reader, writer):
    peer = writer.get_extra_info("peername")
    print("server: client connected", peer is not None)
    while True:
        line = await reader.readline()
        if not line:
            break
        writer.write(b"echo:" + line)
        await writer.drain()
    print("server: client gone")
    writer.close()
    await writer.wait_closed()

async def client(port):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    for i in range(3):
        w.write(b"msg %d\n" % i)
        await w.drain()
        print("client got", await r.readline())
    w.write(b"x" * 5000 + b"\n")
    await w.drain()
    data = await r.readexactly(5006)
    print("client got big", len(data), data[:8], data[-2:])
    w.close()
    await w.wait_closed()

async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", 18765)
    await client(18765)
    await asyncio.sleep(0.05)
    srv.close()
    await srv.wait_closed()
    print("server closed")

asyncio.run(main())
