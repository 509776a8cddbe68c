# Pyrite's asyncio: Event and ThreadSafeFlag.

from . import core


class Event:
    def __init__(self):
        self.state = False
        self.waiting = core._Queue()

    def is_set(self):
        return self.state

    def set(self):
        # Wake every waiting task (they run in the order they started waiting).
        w = self.waiting
        while w.head is not None:
            core._wake(w.head)
        self.state = True

    def clear(self):
        self.state = False

    def wait(self):
        if not self.state:
            t = core._cur
            self.waiting.push(t, 0)
            t._on = self.waiting
            yield
        return True


class ThreadSafeFlag:
    # A flag that may be set from an interrupt handler, a scheduled callback or another
    # thread: set() only stores a flag, which the scheduler checks while it waits.
    def __init__(self):
        self._flag = 0
        self._task = None

    def set(self):
        self._flag = 1

    def clear(self):
        self._flag = 0

    def _fire(self):
        # Called by the scheduler when the flag is set and a task waits.
        t = self._task
        self._task = None
        if self in core._flags:
            core._flags.remove(self)
        if t is not None:
            core._wake(t)

    def _drop(self, t):
        if self._task is t:
            self._task = None
            if self in core._flags:
                core._flags.remove(self)

    def wait(self):
        if not self._flag:
            if self._task is not None:
                raise RuntimeError("ThreadSafeFlag already waited on")
            t = core._cur
            self._task = t
            t._on = self
            core._flags.append(self)
            yield
        self._flag = 0
