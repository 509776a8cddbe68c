# Pyrite's asyncio: the scheduler.
#
# Written for Pyrite from MicroPython's documented asyncio behaviour (docs/library/asyncio.rst)
# and CPython's semantics where MicroPython follows them.
#
# Design:
# - A Task sits in at most one _Queue at a time: an intrusive, doubly-linked list kept sorted by
#   due time (time.ticks_ms values compared with ticks_diff), ties in arrival order.
#   Event/Lock/Task-completion waits use it as a plain FIFO. The run queue (_runq, a _RunQ) is
#   two of them: tasks due now (a FIFO: appending is O(1) however many tasks sleep) and tasks
#   due later (sorted); the next task is the earlier of the two heads. Scheduling and sleep_ms
#   allocate nothing on the heap.
# - A coroutine hands control back by yielding None after it has put its task wherever it must
#   wait (run queue with a due time, a wait queue, the IO table, a ThreadSafeFlag).
# - task._exc is an exception to throw into the coroutine when it next runs (cancellation);
#   task._on is what the task waits on (a Task it awaits, a wait _Queue, a ThreadSafeFlag or
#   the IO table), so cancel() can take it out of there.

from time import ticks_ms, ticks_diff, ticks_add, sleep_ms as _sleep_ms


class CancelledError(BaseException):
    pass


class TimeoutError(Exception):
    pass


class _Queue:
    # Sorted intrusive list of tasks (links live in the tasks: _prev, _next, _key, _q).
    def __init__(self):
        self.head = None
        self.tail = None

    def peek(self):
        return self.head

    def push(self, t, key=None):
        # Insert t with due time `key` (None: now), after every task due at or before it.
        if key is None:
            key = ticks_ms()
        t._key = key
        t._q = self
        p = self.tail
        while p is not None and ticks_diff(p._key, key) > 0:
            p = p._prev
        if p is None:
            t._prev = None
            t._next = self.head
            if self.head is not None:
                self.head._prev = t
            else:
                self.tail = t
            self.head = t
        else:
            n = p._next
            t._prev = p
            t._next = n
            p._next = t
            if n is not None:
                n._prev = t
            else:
                self.tail = t

    def push_head(self, t):
        # Make t the first task (used for the stop marker).
        if self.head is None:
            self.push(t)
            return
        t._key = self.head._key
        t._q = self
        t._prev = None
        t._next = self.head
        self.head._prev = t
        self.head = t

    def pop(self):
        t = self.head
        if t is not None:
            self.remove(t)
        return t

    def remove(self, t):
        if t._q is not self:
            return False
        p = t._prev
        n = t._next
        if p is None:
            self.head = n
        else:
            p._next = n
        if n is None:
            self.tail = p
        else:
            n._prev = p
        t._prev = None
        t._next = None
        t._q = None
        return True


class _RunQ:
    # Tasks ready to run (`ready`, in arrival order) and sleeping ones (`timed`, by due time).
    def __init__(self):
        self.ready = _Queue()
        self.timed = _Queue()

    def push(self, t, key=None):
        now = ticks_ms()
        if key is None or ticks_diff(key, now) <= 0:
            self.ready.push(t, now)
        else:
            self.timed.push(t, key)

    def peek(self):
        # The task to run next: the earlier head; on equal times the sleeping one, which was
        # queued first.
        a = self.ready.head
        b = self.timed.head
        if b is None:
            return a
        if a is None or ticks_diff(b._key, a._key) <= 0:
            return b
        return a

    def has(self, t):
        return t._q is self.ready or t._q is self.timed

    def remove(self, t):
        if t._q is self.ready or t._q is self.timed:
            return t._q.remove(t)
        return False

    def busy(self):
        return self.ready.head is not None or self.timed.head is not None


class Task:
    # A coroutine scheduled to run.  Public: coro, data (the result or exception once done),
    # done(), cancel(), awaitable.
    def __init__(self, coro, g=None):
        self.coro = coro
        self.data = None
        self._done = False
        self._err = None  # exception the task ended with (None: it returned)
        self._exc = None  # exception to throw in when it next runs
        self._on = None  # what it waits on
        self._waiters = None  # None, a _Queue of tasks awaiting it, or a gather hook
        self._unseen = False  # ended by an exception nobody has retrieved yet
        self._prev = None
        self._next = None
        self._key = 0
        self._q = None
        self._io = None  # the stream it waits on, when waiting for IO

    def __repr__(self):
        return "<Task>"

    def done(self):
        return self._done

    def cancel(self, msg=None):
        if self._done:
            return False
        if self is _cur:
            raise RuntimeError("can't cancel self")
        t = self
        # Cancelling a task that awaits another task cancels the awaited one; its
        # CancelledError then reaches this task through the await.
        while isinstance(t._on, Task) and not t._on._done:
            t = t._on
        t._exc = CancelledError
        if _runq.has(t) and ticks_diff(t._key, ticks_ms()) <= 0:
            # Already due to run: it keeps its place and gets the CancelledError then.
            return True
        _detach(t)
        _runq.push(t)
        return True

    def __iter__(self):
        return self

    __await__ = __iter__

    def __next__(self):
        if not self._done:
            w = self._waiters
            if w is None:
                w = self._waiters = _Queue()
            elif not isinstance(w, _Queue):
                raise RuntimeError("can't wait")
            w.push(_cur, 0)
            _cur._on = self
            return None
        self._unseen = False
        if self._err is not None:
            raise self._err
        raise StopIteration(self.data)


def _detach(t):
    # Take t out of whatever it waits on (wait queue, run queue, IO, flag).
    on = t._on
    t._on = None
    if t._q is not None:
        t._q.remove(t)
    if on is not None and not isinstance(on, (Task, _Queue)):
        on._drop(t)


def _wake(t):
    # Make a waiting task runnable now.
    t._on = None
    if t._q is not None:
        t._q.remove(t)
    _runq.push(t)


class _Sleep:
    # The awaitable sleep_ms returns: one preallocated object, so sleeping allocates nothing.
    def __init__(self):
        self.key = None
        self.stop = StopIteration()

    def __iter__(self):
        return self

    def __next__(self):
        k = self.key
        if k is not None:
            self.key = None
            _runq.push(_cur, k)
            return None
        self.stop.__traceback__ = None
        raise self.stop


_sleeper = _Sleep()


def sleep_ms(t, sgen=_sleeper):
    # ticks_add raises OverflowError for intervals beyond half the ticks period.
    sgen.key = ticks_add(ticks_ms(), max(0, t))
    return sgen


def sleep(t):
    return sleep_ms(int(t * 1000))


# ---- IO waiting ----


class _IOTable:
    # Tasks waiting for a stream to become readable (mode 0) or writable (mode 1), polled
    # through select.poll (imported on first use). Where there is no select module, streams
    # with a Python-visible ioctl() (Python classes, micropython.RingIO) are polled through it.
    def __init__(self):
        self.map = {}  # stream -> [reader task, writer task, registered with the poller]
        self.poller = None
        self.noselect = False
        self.polled = 0  # streams registered with the poller

    def _entry(self, s):
        e = self.map.get(s)
        if e is None:
            e = self.map[s] = [None, None, False]
        return e

    def _update(self, s, e):
        if e[0] is None and e[1] is None:
            del self.map[s]
            if e[2]:
                self.poller.unregister(s)
                self.polled -= 1
            return
        if self.poller is None and not self.noselect:
            try:
                import select

                self.poller = select.poll()
            except ImportError:
                self.noselect = True
        if self.poller is None:
            if not hasattr(s, "ioctl"):
                raise OSError(95)  # EOPNOTSUPP: nothing can poll this stream
            return
        mask = (1 if e[0] is not None else 0) | (4 if e[1] is not None else 0)
        if e[2]:
            self.poller.modify(s, mask)
        else:
            self.poller.register(s, mask)
            e[2] = True
            self.polled += 1

    def wait(self, s, mode):
        e = self._entry(s)
        if e[mode] is not None:
            raise RuntimeError("stream already waited on")
        e[mode] = _cur
        _cur._on = self
        _cur._io = s
        self._update(s, e)

    def _drop(self, t):
        s = t._io
        e = self.map.get(s)
        if e is None:
            return
        if e[0] is t:
            e[0] = None
        if e[1] is t:
            e[1] = None
        self._update(s, e)

    def _ready(self, s, rd, wr):
        e = self.map.get(s)
        if e is None:
            return
        if rd and e[0] is not None:
            t = e[0]
            e[0] = None
            _wake(t)
        if wr and e[1] is not None:
            t = e[1]
            e[1] = None
            _wake(t)
        self._update(s, e)

    def poll_direct(self):
        # Check the streams that are polled through their ioctl(); True if any woke.
        woke = False
        for s in list(self.map):
            e = self.map.get(s)
            if e is None or e[2]:
                continue
            mask = (1 if e[0] is not None else 0) | (4 if e[1] is not None else 0)
            try:
                r = s.ioctl(3, mask)
            except OSError:
                r = mask
            if r:
                # Errors and hang-ups wake both sides so their read/write sees them.
                self._ready(s, r & ~4, r & ~1)
                woke = True
        return woke

    def wait_polled(self, dt):
        for r in self.poller.ipoll(dt):
            ev = r[1]
            # Errors and hang-ups (other bits) wake both sides.
            self._ready(r[0], ev & ~4, ev & ~1)


_io = _IOTable()


def _wait_io(s, mode):
    # Generator: wait until stream s is readable (0) or writable (1).
    _io.wait(s, mode)
    yield


# ---- ThreadSafeFlags being waited on ----

_flags = []


def _wait(dt):
    # Wait up to dt ms (-1: until something happens) for IO, ThreadSafeFlags and scheduled
    # callbacks, waking the tasks that can run.
    if _flags:
        for f in list(_flags):
            if f._flag:
                f._fire()
                dt = 0
    nio = len(_io.map)
    if nio > _io.polled:
        if _io.poll_direct():
            dt = 0
    if _flags or nio > _io.polled:
        if dt < 0 or dt > 1:
            dt = 1
    if _io.polled:
        _io.wait_polled(dt)
    elif dt != 0:
        # Sleep in short steps so that micropython.schedule callbacks (which may set Events)
        # run promptly.
        if dt < 0 or dt > 10:
            dt = 10
        _sleep_ms(dt)


# ---- the loop ----

_runq = _RunQ()
_cur = None
_stop_marker = Task(None)
_stop_marker._done = True
_stop_pending = False
_exc_handler = None


def _run(main):
    # Run tasks until `main` (a Task) is done, or, with main None, until stop() or until no
    # task can ever run again.
    global _cur, _stop_pending
    runq = _runq
    while True:
        while True:
            t = runq.peek()
            if t is not None:
                dt = ticks_diff(t._key, ticks_ms())
                if dt < 0:
                    dt = 0
            elif not _io.map and not _flags:
                if main is None or main._done:
                    _cur = None
                    return
                dt = 3
            else:
                dt = -1
            if _io.map or _flags or dt > 0:
                _wait(dt)
            t = runq.peek()
            if t is not None and ticks_diff(t._key, ticks_ms()) <= 0:
                break
        runq.remove(t)
        if t is _stop_marker:
            _stop_pending = False
            _cur = None
            return
        if t._done:
            # A task whose exception nobody retrieved: report it now.
            if t._unseen:
                t._unseen = False
                _loop.call_exception_handler(
                    {"message": "Task exception wasn't retrieved", "exception": t._err, "future": t}
                )
            continue
        _cur = t
        t._on = None
        exc = t._exc
        try:
            if exc is None:
                t.coro.send(None)
            else:
                t._exc = None
                t.coro.throw(exc)
            continue
        except StopIteration as e:
            t.data = e.value
            err = None
        except (CancelledError, Exception) as e:
            t.data = e
            err = e
        except BaseException as e:
            _cur = None
            raise
        _cur = None
        t._done = True
        t._err = err
        _finished(t, t is main)
        if t is main:
            if err is not None:
                raise err
            return t.data


def _finished(t, awaited):
    # Task t has ended: run its gather hook or wake the tasks awaiting it; an exception
    # nobody waits for is reported once the tasks ready now have had a chance to await it.
    w = t._waiters
    if w is not None:
        if isinstance(w, _Queue):
            while w.head is not None:
                awaited = True
                _wake(w.head)
        else:
            t._waiters = None
            w(t)
            awaited = True
    if not awaited and t._err is not None and not isinstance(t._err, CancelledError):
        t._unseen = True
        _runq.push(t)


def _promote(aw):
    # Tasks stay as they are; coroutines become new tasks.
    if isinstance(aw, Task):
        return aw
    return create_task(aw)


def create_task(coro):
    if not hasattr(coro, "send"):
        raise TypeError("coroutine expected")
    t = Task(coro, globals())
    _runq.push(t)
    return t


def current_task():
    if _cur is None:
        raise RuntimeError("no running event loop")
    return _cur


def run_until_complete(main_task=None):
    global _cur
    if main_task is not None:
        main_task = _promote(main_task)
        if main_task._done:
            main_task._unseen = False
            if main_task._err is not None:
                raise main_task._err
            return main_task.data
    prev = _cur
    try:
        return _run(main_task)
    finally:
        _cur = prev


def run(coro):
    return run_until_complete(create_task(coro))


class Loop:
    # The event loop.  There is one; get_event_loop() and new_event_loop() return it.
    def create_task(self, coro):
        return create_task(coro)

    def run_forever(self):
        global _stop_pending
        run_until_complete()
        _stop_pending = False

    def run_until_complete(self, aw):
        return run_until_complete(_promote(aw))

    def stop(self):
        global _stop_pending
        if not _stop_pending:
            _stop_pending = True
            _runq.push(_stop_marker)

    def close(self):
        pass

    def set_exception_handler(self, handler):
        global _exc_handler
        _exc_handler = handler

    def get_exception_handler(self):
        return _exc_handler

    def default_exception_handler(self, context):
        import sys

        print(context["message"], file=sys.stderr)
        fut = context.get("future")
        if fut is not None:
            print("future:", fut, "coro=", fut.coro, file=sys.stderr)
        exc = context.get("exception")
        if exc is not None:
            sys.print_exception(exc, sys.stderr)

    def call_exception_handler(self, context):
        h = _exc_handler
        if h is None:
            self.default_exception_handler(context)
        else:
            h(self, context)


_loop = Loop()


def get_event_loop(runq_len=0, waitq_len=0):
    return _loop


def new_event_loop():
    # Forget every task, IO wait and stop request: a fresh loop.
    global _runq, _io, _stop_pending
    _runq = _RunQ()
    _io = _IOTable()
    _stop_pending = False
    del _flags[:]
    return _loop
