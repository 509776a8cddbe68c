# \N{...} escapes are not implemented (as in MicroPython): compiling one raises
# NotImplementedError, not SyntaxError; other escapes still work.
for src in ('"\\N{LATIN SMALL LETTER A}"', 'b"x" + "\\N{DASH}"'):
    try:
        exec(src)
        print("no error")
    except SyntaxError:
        print("SyntaxError")
    except NotImplementedError as e:
        print("NotImplementedError", e)
print("\x41\u0042\U00000043\103")
