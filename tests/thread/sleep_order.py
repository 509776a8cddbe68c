# Sleeping threads wake in deadline order, and the main thread's sleep lets them run.
import _thread
import time

order = []
lock = _thread.allocate_lock()


def sleeper(name, ms):
    time.sleep(ms / 1000)
    with lock:
        order.append(name)


for name, ms in [("c", 150), ("a", 30), ("b", 90)]:
    _thread.start_new_thread(sleeper, (name, ms))
t0 = time.time()
time.sleep(0.3)
print(order)
print(0.25 < time.time() - t0 < 1.0)

# a thread sleeping while holding a lock blocks others only until it releases it
log = []


def holder():
    with lock:
        log.append("holder in")
        time.sleep(0.05)
        log.append("holder out")


def taker():
    time.sleep(0.01)
    with lock:
        log.append("taker")


_thread.start_new_thread(holder, ())
_thread.start_new_thread(taker, ())
time.sleep(0.2)
print(log)
