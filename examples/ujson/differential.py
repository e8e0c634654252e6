"""Differential check of this port against another ``ujson`` (the C original): the same seeded random
inputs through ``dumps`` and ``loads`` in two interpreters, every result or exception compared.

    python differential.py run OUT.pickle [N]    # in each environment (the one whose ujson is imported)
    python differential.py compare A.pickle B.pickle

``run`` records, for N seeded cases of each kind, the outcome of each call: the result's ``repr`` or the
exception's type name and message. ``compare`` prints every case whose outcomes differ.
"""

import math
import pickle
import random
import sys

KEYS = ["a", "b", "key", "\u00e9", "\U0001f600", "\ud800", "", "x/y", "<&>", "\x00", "\x1f"]
SEPARATORS = [None, (",", ":"), (", ", ": "), ("\u203d", "\u00a1"), ("\udc80", "\x00")]


def rand_str(r):
    n = r.randrange(8)
    pools = [
        lambda: chr(r.randrange(0x20, 0x7F)),
        lambda: chr(r.randrange(0x00, 0x20)),
        lambda: r.choice('"\\/<>&\x7f'),
        lambda: chr(r.randrange(0x80, 0x800)),
        lambda: chr(r.randrange(0x800, 0x10000)),
        lambda: chr(r.randrange(0x10000, 0x110000)),
        lambda: chr(r.randrange(0xD800, 0xE000)),
    ]
    return "".join(r.choice(pools)() for _ in range(n))


def rand_float(r):
    kind = r.randrange(6)
    if kind == 0:
        return r.choice([0.0, -0.0, math.inf, -math.inf, math.nan, 1e16, 1e-5, 1e-4, 1e15, 5e-324])
    if kind == 1:
        return r.uniform(-1e6, 1e6)
    if kind == 2:
        return float(r.randrange(-(10**17), 10**17))
    if kind == 3:
        return r.random() * 10 ** r.randrange(-30, 30)
    bits = r.getrandbits(64)
    import struct

    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def rand_int(r):
    kind = r.randrange(4)
    if kind == 0:
        return r.randrange(-1000, 1000)
    if kind == 1:
        return r.choice([2**63 - 1, -(2**63), 2**64 - 1, 2**64, -(2**63) - 1, 2**31, -1, 0])
    if kind == 2:
        return r.randrange(-(2**64), 2**64)
    return r.randrange(-(2**200), 2**200)


def rand_key(r):
    return r.choice(
        [
            lambda: r.choice(KEYS),
            lambda: rand_str(r),
            lambda: rand_int(r),
            lambda: rand_float(r),
            lambda: r.choice([True, False, None]),
            lambda: rand_str(r).encode("utf-8", "surrogatepass"),
        ]
    )()


def rand_value(r, depth=0):
    kinds = ["int", "float", "str", "bytes", "const"]
    if depth < 4:
        kinds += ["list", "tuple", "dict"] * 2
    kind = r.choice(kinds)
    if kind == "int":
        return rand_int(r)
    if kind == "float":
        return rand_float(r)
    if kind == "str":
        return rand_str(r)
    if kind == "bytes":
        return r.choice([rand_str(r).encode("utf-8", "surrogatepass"), r.randbytes(r.randrange(5))])
    if kind == "const":
        return r.choice([True, False, None])
    n = r.randrange(4)
    if kind == "list":
        return [rand_value(r, depth + 1) for _ in range(n)]
    if kind == "tuple":
        return tuple(rand_value(r, depth + 1) for _ in range(n))
    return {rand_key(r): rand_value(r, depth + 1) for _ in range(n)}


def rand_options(r):
    opts = {}
    for name in ("ensure_ascii", "encode_html_chars", "escape_forward_slashes", "sort_keys", "allow_nan"):
        if r.random() < 0.3:
            opts[name] = r.random() < 0.5
    if r.random() < 0.6:
        opts["reject_bytes"] = False
    if r.random() < 0.3:
        opts["indent"] = r.randrange(-3, 5)
    if r.random() < 0.2:
        opts["separators"] = r.choice(SEPARATORS)
    return opts


JSON_PIECES = [" ", "\n", "\x00", "9" * 25, '"\u00e9"', '"\U0001f600"'] + (
    r'[ ] { } , : " \ \u \uD83D \uDCA9 \n \x 0 1 - . e E + 12 1.5 1e5 -0 01 true false null NaN Infinity '
    r'-Infinity tru nul "a" 18446744073709551616'
).split()


def rand_json(r):
    kind = r.randrange(3)
    if kind == 0:
        return "".join(r.choice(JSON_PIECES) for _ in range(r.randrange(12)))
    import json

    doc = json.dumps(rand_value_json(r), ensure_ascii=r.random() < 0.5)
    if kind == 1:
        return doc
    b = bytearray(doc.encode("utf-8", "surrogatepass"))
    for _ in range(r.randrange(1, 4)):
        op = r.randrange(3)
        if op == 0 and b:
            b[r.randrange(len(b))] = r.randrange(256)
        elif op == 1 and b:
            del b[r.randrange(len(b)) :]
        else:
            b.insert(r.randrange(len(b) + 1), r.randrange(256))
    return bytes(b)


def rand_value_json(r, depth=0):
    v = rand_value(r, depth)
    if isinstance(v, bytes):
        return v.decode("latin-1")
    if isinstance(v, dict):
        return {str(k): rand_value_json(r, depth + 1) for k in v}
    if isinstance(v, (list, tuple)):
        return [rand_value_json(r, depth + 1) for _ in v]
    return v


def outcome(f, *args, **kwargs):
    try:
        return ("ok", repr(f(*args, **kwargs)))
    except Exception as e:
        return ("err", type(e).__name__, str(e))


def run(out, n):
    import ujson

    results = []
    for seed in range(n):
        r = random.Random(seed)
        value = rand_value(r)
        opts = rand_options(r)
        results.append(("dumps", seed, outcome(ujson.dumps, value, **opts)))
        text = rand_json(r)
        results.append(("loads", seed, outcome(ujson.loads, text)))
    with open(out, "wb") as f:
        pickle.dump(results, f)
    print(f"{len(results)} outcomes from {ujson.__file__}")


def compare(a, b):
    with open(a, "rb") as f:
        ra = pickle.load(f)
    with open(b, "rb") as f:
        rb = pickle.load(f)
    differ = 0
    for x, y in zip(ra, rb):
        if x != y:
            differ += 1
            if differ <= 30:
                print(f"{x[0]} seed {x[1]}:\n  {x[2]}\n  {y[2]}")
    print(f"{differ} of {len(ra)} outcomes differ")
    return differ


if __name__ == "__main__":
    if sys.argv[1] == "run":
        run(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 2000)
    else:
        sys.exit(1 if compare(sys.argv[2], sys.argv[3]) else 0)
