# micropython.schedule from several threads: every scheduled function runs once, in the
# thread that polls next; a full queue raises RuntimeError and the producer backs off.
import _thread
import time
import micropython

n = 0


def task(x):
    global n
    n += x


lock = _thread.allocate_lock()
done = 0
full = 0


def producer():
    global done, full
    for i in range(100):
        while True:
            try:
                micropython.schedule(task, 1)
                break
            except RuntimeError:
                full += 1
                time.sleep_ms(1)
    with lock:
        done += 1


for i in range(3):
    _thread.start_new_thread(producer, ())
while done < 3:
    time.sleep_ms(1)
for i in range(5000):
    pass
print(n)
