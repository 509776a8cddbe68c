# Garbage collection while several threads hold live data on their stacks.
import _thread
import gc

lock = _thread.allocate_lock()
ok = []


def work(seed):
    data = [bytearray(range(seed, seed + 16)) for i in range(20)]
    d = {i: str(i) * 3 for i in range(50)}
    for i in range(20):
        junk = [[j] * 4 for j in range(30)]
        gc.collect()
    good = all(b == bytearray(range(seed, seed + 16)) for b in data)
    good = good and all(d[i] == str(i) * 3 for i in range(50))
    with lock:
        ok.append(good)


for s in range(4):
    _thread.start_new_thread(work, (s * 10,))
work(100)
while True:
    with lock:
        if len(ok) == 5:
            break
print(ok)
