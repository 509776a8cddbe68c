# % formatting
print("%s %s" % ("a", "b"), "%r" % "a", "%s" % 1, "%s" % (1,), "%s" % [1, 2])
print("%d %i %5d| %-5d| %05d %+d % d" % (1, -2, 3, 4, -5, 6, 7))
print("%x %X %o %#x %#X %#o %.3d" % (255, 255, 8, 255, 255, 8, 7))
print("%f %.2f %10.3f| %-10.1f| %010.2f %e %E %g %G" % (1.5, 3.14159, 2.5, 2.5, -1.5, 1234.5, 0.00012, 0.0001, 1e30))
print("%c%c%c" % (72, "i", 33), "%5s|%-5s|%.2s|" % ("ab", "cd", "xyz"))
print("%*d|%-*d|%.*f" % (5, 42, 5, 42, 2, 3.14159))
print("%(name)s is %(age)d" % {"name": "Ann", "age": 30})
print("100%%", "%s%%" % 50, "%d%%" % 3)
print("%d" % 3.9, "%d" % -3.9, "%s" % None, "%s" % 2.5, "%r" % 0.1)
print("%s" % "é", "%3s|" % "é", "%a" % "é")
print("%d" % (2 ** 70), "%x" % (2 ** 64))
for fmt, args in (("%s %s", ("a",)), ("%s", ("a", "b")), ("%", ()), ("%y", 1), ("%(a)s", 1), ("%d", "x"), ("%c", "ab")):
    try:
        print(fmt % args)
    except (TypeError, ValueError) as e:
        print(type(e).__name__)
