# Pseudo-random slice reads, assignments and deletions on lists, checked against a
# straightforward model built from single-item operations.
seed = 12345
def rnd(n):
    global seed
    seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
    return seed % n

def pick():
    # None or an index in roughly [-12, 12]
    r = rnd(16)
    if r < 3:
        return None
    return rnd(25) - 12

def model_indices(n, start, stop, step):
    return list(range(n))[slice(start, stop, step)]

errors = 0
for trial in range(400):
    n = rnd(10)
    a = list(range(100, 100 + n))
    start, stop = pick(), pick()
    step = None if rnd(2) else rnd(7) - 3
    if step == 0:
        step = None
    idx = model_indices(n, start, stop, step)
    # read
    got = a[start:stop:step]
    if got != [a[i] for i in idx]:
        errors += 1
        print("read", n, start, stop, step, got)
    # delete
    b = a[:]
    del b[start:stop:step]
    want = [a[i] for i in range(n) if i not in idx]
    if b != want:
        errors += 1
        print("del", n, start, stop, step, b, want)
    # assign
    c = a[:]
    if step is None or step == 1:
        m = rnd(5)
        new = list(range(-m, 0))
        c[start:stop:step] = new
        lo = idx[0] if idx else None
        if lo is None:
            # empty slice: insertion point is the clamped start
            st = 0 if start is None else (start + n if start < 0 else start)
            lo = min(max(st, 0), n)
            want = a[:lo] + new + a[lo:]
        else:
            want = a[:lo] + new + a[idx[-1] + 1:]
        if c != want:
            errors += 1
            print("assign", n, start, stop, step, c, want)
    else:
        new = [-1 - i for i in range(len(idx))]
        c[start:stop:step] = new
        want = a[:]
        for j, i in enumerate(idx):
            want[i] = new[j]
        if c != want:
            errors += 1
            print("xassign", n, start, stop, step, c, want)
        try:
            c[start:stop:step] = new + [0]
            errors += 1
            print("no error", n, start, stop, step)
        except ValueError:
            pass
    # tuples and ranges slice the same way
    if tuple(a)[start:stop:step] != tuple(got):
        errors += 1
        print("tuple", n, start, stop, step)
    if list(range(100, 100 + n)[start:stop:step]) != got:
        errors += 1
        print("range", n, start, stop, step)
print("errors", errors)
