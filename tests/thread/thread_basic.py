# Starting threads with positional and keyword arguments, waiting for them with locks,
# get_ident, stack_size, exit and SystemExit ending a thread silently.
import _thread

print(type(_thread.allocate_lock()) == _thread.LockType)

done = _thread.allocate_lock()
results = []
n_done = 0


def worker(a, b, c=0, d=0):
    global n_done
    results.append((a, b, c, d))
    with done:
        n_done += 1


_thread.start_new_thread(worker, (1, 2))
_thread.start_new_thread(worker, (3, 4), {"c": 5})
_thread.start_new_thread(worker, (6,), {"b": 7, "d": 8})
while True:
    with done:
        if n_done == 3:
            break
print(sorted(results))

# argument errors are raised by start_new_thread itself
for bad in [(worker, 1), (worker, (), ())]:
    try:
        _thread.start_new_thread(*bad)
    except TypeError:
        print("TypeError")

# thread idents: distinct ints, and start_new_thread returns the new thread's
idents = {}
ready = _thread.allocate_lock()
ready.acquire()


def ident_entry(key):
    idents[key] = _thread.get_ident()
    if len(idents) == 2:
        ready.release()


t1 = _thread.start_new_thread(ident_entry, ("a",))
t2 = _thread.start_new_thread(ident_entry, ("b",))
ready.acquire()
print(idents["a"] == t1, idents["b"] == t2, t1 != t2)
print(_thread.get_ident() not in (t1, t2), type(_thread.get_ident()) is int)

# ending a thread early
finished = []
gate = _thread.allocate_lock()
gate.acquire()


def ender(how):
    try:
        if how == "exit":
            _thread.exit()
        raise SystemExit
    finally:
        finished.append(how)
        if len(finished) == 2:
            gate.release()
    finished.append("not reached")


_thread.start_new_thread(ender, ("exit",))
_thread.start_new_thread(ender, ("raise",))
gate.acquire()
print(sorted(finished))

# stack_size: the previous value; no argument resets to the default (0)
print(_thread.stack_size())
print(_thread.stack_size(64 * 1024))
print(_thread.stack_size())
print(_thread.stack_size())
