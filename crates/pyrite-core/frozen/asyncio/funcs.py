# Pyrite's asyncio: gather, wait_for, wait_for_ms.

from time import ticks_ms, ticks_add
from . import core


def _gather_unhook(ts, hook, cancel):
    # Stop watching the sub-tasks still running; cancel them if the gather was cancelled.
    for t in ts:
        if t._waiters is hook:
            t._waiters = None
            if cancel:
                t.cancel()


def _collect(ts, return_exceptions):
    out = []
    for t in ts:
        if t._err is None:
            out.append(t.data)
        elif return_exceptions:
            out.append(t._err)
        else:
            raise t._err
    return out


def gather(*aws, return_exceptions=False):
    ts = [core._promote(aw) for aw in aws]
    for t in ts:
        if not t._done and t._waiters is not None:
            raise RuntimeError("can't gather")
    me = core._cur
    # st: [sub-tasks still running, first exception, gather woken]
    st = [0, None, False]

    def hook(t):
        if st[2]:
            return
        if t._err is not None and not return_exceptions:
            st[1] = t._err
        else:
            st[0] -= 1
            if st[0] > 0:
                return
        st[2] = True
        core._wake(me)

    for t in ts:
        if t._done:
            t._unseen = False
            if t._err is not None and not return_exceptions and st[1] is None:
                st[1] = t._err
        else:
            t._waiters = hook
            st[0] += 1
    if st[0] and st[1] is None:
        try:
            yield
        except core.CancelledError:
            st[2] = True
            _gather_unhook(ts, hook, True)
            raise
    st[2] = True
    _gather_unhook(ts, hook, False)
    if st[1] is not None:
        raise st[1]
    return _collect(ts, return_exceptions)


async def _wait_runner(st, aw):
    # Await aw for wait_for, record how it ended and wake the waiter if it is still waiting.
    try:
        st[1] = await aw
    except BaseException as e:
        st[2] = e
    st[0] = True
    w = st[3]
    if st[4] and core._runq.has(w):
        core._runq.remove(w)
        core._runq.push(w)


def _wait_timeout(st, ms):
    # Generator: sleep up to ms, ended early by _wait_runner.
    st[4] = True
    core._runq.push(core._cur, ticks_add(ticks_ms(), ms))
    try:
        yield
    finally:
        st[4] = False


async def wait_for_ms(aw, timeout):
    aw = core._promote(aw)
    if timeout is None:
        return await aw
    # st: [aw ended, its result, its exception, waiting task, waiter sleeping]
    st = [False, None, None, core._cur, False]
    runner = core.create_task(_wait_runner(st, aw))
    try:
        await _wait_timeout(st, max(0, timeout))
    except core.CancelledError:
        runner.cancel()
        raise
    if st[0]:
        if st[2] is not None:
            raise st[2]
        return st[1]
    # Timed out: cancel aw, let it finish, then report the timeout.
    runner.cancel()
    await runner
    raise core.TimeoutError


def wait_for(aw, timeout):
    return wait_for_ms(aw, None if timeout is None else int(timeout * 1000))
