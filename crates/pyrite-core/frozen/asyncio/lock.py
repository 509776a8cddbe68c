# Pyrite's asyncio: Lock.

from . import core


class Lock:
    def __init__(self):
        # owner: None (unlocked), True (locked), or the waiting task the lock was handed to
        # and that has not run yet.
        self.owner = None
        self.waiting = core._Queue()

    def locked(self):
        # A lock handed to a waiter that has not run yet reads as unlocked, as in CPython.
        return self.owner is True

    def release(self):
        if self.owner is None:
            raise RuntimeError("Lock not acquired")
        w = self.waiting.head
        if w is not None:
            # Hand the lock to the first waiter.
            self.owner = w
            core._wake(w)
        else:
            self.owner = None

    def acquire(self):
        if self.owner is not None:
            t = core._cur
            self.waiting.push(t, 0)
            t._on = self.waiting
            try:
                yield
            except core.CancelledError:
                if self.owner is t:
                    # The lock was handed to us just as we were cancelled: pass it on.
                    self.owner = True
                    self.release()
                raise
        self.owner = True
        return True

    async def __aenter__(self):
        return await self.acquire()

    async def __aexit__(self, exc_type, exc, tb):
        self.release()
