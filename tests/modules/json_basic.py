# json: dumps/loads round trips, separators, dump/load with streams, errors.
import json
import io

for v in (None, True, False, 0, -12, 2**70, 1.5, "a\"b\\c\n\t\x01", [], [1, [2, (3,)]], {}, {"k": [None, {"x": 1}]}):
    s = json.dumps(v)
    print(s, json.loads(s))
print(json.dumps({"a": 1, "b": [1, 2]}, separators=(",", ":")))
print(json.dumps({1: 2, None: 3, True: 4}))
print(json.loads(' { "a" : [ 1 , 2.5e1 , -3 , true , false , null ] , "b" : "\\u00e9\\ud83d\\ude00\\n" } '))
print(json.loads(b'[1, "x"]'), json.loads(bytearray(b"7")))
s = io.StringIO()
json.dump([1, {"z": "y"}], s)
print(s.getvalue(), json.load(io.StringIO(s.getvalue())))
for bad in ("", "[1,", "{1: 2}", "[1] x", '"abc', "tru", "-", "[1 2]", "{\"a\" 1}"):
    try:
        json.loads(bad)
        print("no error", repr(bad))
    except ValueError:
        print("ValueError", repr(bad))
try:
    json.dumps(object())
except TypeError:
    print("TypeError")
