# asyncio's MicroPython API: Loop methods, exception handler, ThreadSafeFlag set from a
# scheduled callback, sleep_ms/wait_for_ms, Task repr (checked against MicroPython).
import asyncio
import micropython
import time


def handler(loop, ctx):
    print("handler:", ctx["message"], repr(ctx["exception"]), ctx["future"])


async def bad(n):
    raise ValueError(n)


async def ticker(n):
    for i in range(n):
        print("tick", i)
        await asyncio.sleep_ms(10)
    return n


async def long_sleep():
    print("long sleep")
    try:
        await asyncio.sleep_ms(1000)
    except asyncio.CancelledError:
        print("long sleep cancelled")
        raise


async def stopper(loop):
    await asyncio.sleep_ms(50)
    print("stopping")
    loop.stop()


loop = asyncio.get_event_loop()
print(loop is asyncio.get_event_loop(), loop.get_exception_handler())
loop.set_exception_handler(handler)
print(loop.get_exception_handler() is handler)
t = loop.create_task(ticker(2))
print(t, t.done())
loop.create_task(bad(1))
loop.create_task(stopper(loop))
loop.run_forever()
print("after run_forever")
print(loop.run_until_complete(ticker(1)))

try:
    asyncio.current_task()
except RuntimeError:
    print("no current task")


async def flag_waiter(f):
    print("flag wait")
    await f.wait()
    print("flag set")


async def main():
    f = asyncio.ThreadSafeFlag()
    w = asyncio.create_task(flag_waiter(f))
    await asyncio.sleep_ms(2)
    micropython.schedule(lambda _: f.set(), None)
    await w
    print(await asyncio.wait_for_ms(ticker(1), 100))
    try:
        await asyncio.wait_for_ms(long_sleep(), 5)
    except asyncio.TimeoutError:
        print("timeout")
    try:
        await asyncio.sleep_ms(time.ticks_add(0, -1) // 2 + 1)
    except OverflowError:
        print("OverflowError")
    asyncio.create_task(bad(2))
    await asyncio.sleep_ms(0)
    await asyncio.sleep_ms(0)
    print("main done")


asyncio.run(main())
loop = asyncio.new_event_loop()
print(loop is asyncio.get_event_loop())
loop.set_exception_handler(None)
