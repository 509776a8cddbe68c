# Lock objects: acquire with waitflag and timeout, release from another thread, locked(),
# the context manager, and releasing an unlocked lock.
import _thread
import time

lock = _thread.allocate_lock()
print(lock.locked(), lock.acquire(), lock.locked())
print(lock.acquire(0), lock.acquire(False), lock.acquire(1, 0))
t0 = time.time()
print(lock.acquire(1, 0.05))
print(time.time() - t0 >= 0.04)
print(lock.acquire(True, timeout=0.01))
lock.release()
print(lock.locked())
try:
    lock.release()
except RuntimeError:
    print("RuntimeError")

# with: released on normal exit and on an exception
with lock:
    print(lock.locked())
try:
    with lock:
        raise KeyError(1)
except KeyError:
    print("KeyError", lock.locked())

# a lock taken by one thread and released by another
handoff = _thread.allocate_lock()
handoff.acquire()
log = []


def releaser():
    log.append("releasing")
    handoff.release()


_thread.start_new_thread(releaser, ())
handoff.acquire()
log.append("main has it")
print(log)

# a waiter that times out while another thread holds the lock, then one that gets it
held = _thread.allocate_lock()
held.acquire()
out = []
out_lock = _thread.allocate_lock()
waiting = _thread.allocate_lock()
waiting.acquire()


def waiter(timeout):
    r = held.acquire(1, timeout)
    with out_lock:
        out.append((timeout, r))
    if r:
        held.release()
    if len(out) == 2:
        waiting.release()


_thread.start_new_thread(waiter, (0.01,))
time.sleep(0.1)
_thread.start_new_thread(waiter, (5,))
time.sleep(0.01)
held.release()
waiting.acquire()
print(sorted(out))
