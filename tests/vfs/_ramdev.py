# RAM block devices for the vfs tests (helper module, not a test).


class RAMSimple:
    # The simple interface: whole sectors, readblocks(n, buf) / writeblocks(n, buf).
    def __init__(self, blocks, size=512):
        self.size = size
        self.data = bytearray(blocks * size)

    def readblocks(self, n, buf):
        a = n * self.size
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf):
        a = n * self.size
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 4:
            return len(self.data) // self.size
        if op == 5:
            return self.size


class RAMExt(RAMSimple):
    # The extended interface (offsets, erase) that LittleFS uses.
    def readblocks(self, n, buf, off=0):
        a = n * self.size + off
        buf[:] = self.data[a : a + len(buf)]

    def writeblocks(self, n, buf, off=0):
        a = n * self.size + off
        self.data[a : a + len(buf)] = buf

    def ioctl(self, op, arg):
        if op == 6:
            return 0
        return super().ioctl(op, arg)
