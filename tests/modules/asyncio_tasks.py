# asyncio: tasks, ordering, cancellation, gather, wait_for, Event, Lock (same output as CPython).
import asyncio


async def worker(name, n, log):
    for i in range(n):
        log.append((name, i))
        await asyncio.sleep(0)
    return name * 2


async def sleeper(t, tag):
    try:
        await asyncio.sleep(t)
        print("woke", tag)
        return tag
    except asyncio.CancelledError:
        print("cancelled", tag)
        raise


async def failing(msg):
    await asyncio.sleep(0)
    raise ValueError(msg)


async def main():
    # Round-robin order of ready tasks.
    log = []
    ts = [asyncio.create_task(worker(c, 3, log)) for c in "abc"]
    for t in ts:
        print(await t)
    print(log)

    # Return values and gather.
    print(await asyncio.gather(worker("x", 1, log), worker("y", 2, log)))
    print(await asyncio.gather())
    r = await asyncio.gather(failing("boom"), sleeper(0.01, "g"), return_exceptions=True)
    print([(type(x).__name__, str(x)) for x in r])
    try:
        await asyncio.gather(failing("first"), sleeper(0.01, "h"))
    except ValueError as e:
        print("gather raised", e)
    await asyncio.sleep(0.02)

    # Cancellation of a sleeping task, and of a task awaiting another task.
    t = asyncio.create_task(sleeper(1, "c1"))
    await asyncio.sleep(0)
    print("cancel ->", t.cancel())
    try:
        await t
    except asyncio.CancelledError:
        print("await cancelled task: CancelledError")
    print("done", t.done(), "cancel again ->", t.cancel())

    inner = asyncio.create_task(sleeper(1, "inner"))

    async def outer():
        try:
            await inner
        except asyncio.CancelledError:
            print("outer sees CancelledError")
            raise

    o = asyncio.create_task(outer())
    await asyncio.sleep(0.01)
    o.cancel()
    await asyncio.sleep(0.01)
    print("inner done", inner.done(), "outer done", o.done())

    # wait_for: result, timeout, exception.
    print(await asyncio.wait_for(sleeper(0.01, "wf"), 1))
    try:
        await asyncio.wait_for(sleeper(1, "slow"), 0.02)
    except asyncio.TimeoutError:
        print("TimeoutError")
    try:
        await asyncio.wait_for(failing("wf-err"), 1)
    except ValueError as e:
        print("wait_for raised", e)

    # Event.
    ev = asyncio.Event()

    async def waiter(i):
        print("waiter", i, "waiting", ev.is_set())
        await ev.wait()
        print("waiter", i, "got it")

    ws = [asyncio.create_task(waiter(i)) for i in range(3)]
    await asyncio.sleep(0)
    print("setting")
    ev.set()
    for w in ws:
        await w
    ev.clear()
    print("cleared", ev.is_set())

    # Lock: mutual exclusion and order.
    lock = asyncio.Lock()
    order = []

    async def locker(i):
        async with lock:
            order.append(("in", i))
            await asyncio.sleep(0.005)
            order.append(("out", i))

    await asyncio.gather(*[locker(i) for i in range(3)])
    print(order, lock.locked())

    # current_task.
    async def who():
        return asyncio.current_task()

    t = asyncio.create_task(who())
    print((await t) is t)


asyncio.run(main())
print("finished")
