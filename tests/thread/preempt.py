# Busy threads are preempted: a thread spinning on a flag lets the others run, and
# many threads updating shared state under a lock get the right totals.
import _thread
import time

flag = False
seen = []


def spinner():
    n = 0
    while not flag:
        n += 1
    seen.append(n >= 0)


def setter():
    global flag
    flag = True


_thread.start_new_thread(spinner, ())
_thread.start_new_thread(setter, ())
while not seen:
    pass
print(seen)

# shared counter under a lock
counter = 0
lock = _thread.allocate_lock()
finished = 0


def add(n):
    global counter, finished
    for i in range(n):
        with lock:
            counter += 1
    with lock:
        finished += 1


for i in range(6):
    _thread.start_new_thread(add, (2000,))
while finished < 6:
    time.sleep(0)
print(counter)

# shared list mutated without a lock: no item is lost
lst = []
finished = 0


def appender(base):
    global finished
    for i in range(500):
        lst.append(base + i)
    with lock:
        finished += 1


for i in range(4):
    _thread.start_new_thread(appender, (i * 1000,))
while finished < 4:
    pass
print(len(lst), sorted(lst) == sorted(b * 1000 + i for b in range(4) for i in range(500)))

# deep recursion in a thread raises RuntimeError in that thread only
res = []


def rec(n):
    return rec(n + 1)


def deep():
    try:
        rec(0)
    except RuntimeError:
        res.append("RuntimeError")


_thread.start_new_thread(deep, ())
while not res:
    time.sleep(0.001)
print(res)
