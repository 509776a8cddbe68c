# The program ends when the main thread finishes, even while a thread waits inside
# __init__ for a lock that is never released.
import _thread, time
lock = _thread.allocate_lock()
lock.acquire()
class C:
    def __init__(self):
        lock.acquire()
        print("never")
def t():
    C()
_thread.start_new_thread(t, ())
time.sleep(0.05)
print("main done")
