# Blocking inside callbacks (not called directly by the bytecode): a lock acquired in a sort
# key, sleep inside a generator and in __init__, acquire through a bound-method object.
import _thread
import time

lock = _thread.allocate_lock()
log = []
done = _thread.allocate_lock()
n_done = 0


def finish():
    global n_done
    with done:
        n_done += 1


def key(x):
    lock.acquire()
    lock.release()
    return -x


def sorter():
    log.append(sorted([3, 1, 2], key=key))
    finish()


def gen():
    for i in range(3):
        time.sleep(0.001)
        yield i


def generator_user():
    log.append(list(gen()))
    finish()


class Slow:
    def __init__(self):
        time.sleep(0.01)
        self.ok = True


def init_user():
    log.append(Slow().ok)
    finish()


def bound_acquire():
    acq = lock.acquire
    acq()
    log.append("bound")
    lock.release()
    finish()


lock.acquire()
for f in (sorter, generator_user, init_user, bound_acquire):
    _thread.start_new_thread(f, ())
time.sleep(0.05)
lock.release()
while True:
    with done:
        if n_done == 4:
            break
    time.sleep(0.001)
print(sorted(str(x) for x in log))
