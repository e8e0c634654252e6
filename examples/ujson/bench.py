"""Calls per second of ``dumps``/``loads`` on ujson's own benchmark cases (tests/benchmark.py of its sdist:
the same data, seeded), for whichever ``ujson`` this interpreter imports, or ``orjson`` / ``json``.

    python bench.py [ujson|orjson|json] [--factor F] [--json OUT]

Run it once in each environment (this port, ujson's C extension, orjson) and compare the rates; one
process per library because this port and ujson share the import name.
"""

import argparse
import importlib
import json as stdjson
import os
import random
import sys
import timeit

USER = {
    "userId": 3381293,
    "age": 213,
    "username": "johndoe",
    "fullname": "John Doe the Second",
    "isAuthorized": True,
    "liked": 31231.31231202,
    "approval": 31.1471,
    "jobs": [1, 2],
    "currJob": None,
}
FRIENDS = [USER] * 8
ARABIC = (
    "نظام الحكم سلطاني وراثي "
    "في الذكور من ذرية السيد تركي بن سعيد بن سلطان ويشترط فيمن يختار لولاية"
    " الحكم من بينهم ان يكون مسلما رشيدا عاقلا ًوابنا شرعيا لابوين عمانيين "
)


def cases():
    r = random.Random(0)
    yield "256 doubles", [sys.maxsize * r.random() for _ in range(256)], 10000
    yield "256 UTF-8 strings", [ARABIC] * 256, 2000
    yield "256 ASCII strings", ["A pretty long string which is in a list"] * 256, 10000
    yield "medium complex object", [[USER, FRIENDS]] * 6, 5000
    yield "256 True", [True] * 256, 20000
    pairs = [{"".join(r.choice("abcdefgh") for _ in range(12)): r.randrange(1000)} for _ in range(256)]
    yield "256 dict{str: int}", pairs, 5000
    big = {str(i): [dict(p) for p in pairs] for i in range(256)}
    yield "dict of 256 arrays of 256 dict{str: int}", big, 20
    sample = os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample.json")
    if os.path.exists(sample):
        with open(sample, encoding="utf-8") as f:
            yield "complex object (sample.json)", stdjson.load(f), 100


def rate(f, number, repeat):
    return number / min(timeit.repeat(f, number=number, repeat=repeat))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("library", nargs="?", default="ujson")
    p.add_argument("--factor", type=float, default=1.0)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--json")
    args = p.parse_args()
    lib = importlib.import_module(args.library)
    if args.library == "ujson":

        def dumps(o):
            return lib.dumps(o, ensure_ascii=False)
    else:
        dumps = lib.dumps
    results = {}
    for name, obj, count in cases():
        n = max(1, int(count * args.factor))
        text = stdjson.dumps(obj)
        enc = rate(lambda obj=obj: dumps(obj), n, args.repeat)
        dec = rate(lambda text=text: lib.loads(text), n, args.repeat)
        results[name] = {"dumps": enc, "loads": dec}
        print(f"{name:45} dumps {enc:12,.0f}/s   loads {dec:12,.0f}/s", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            stdjson.dump({"library": lib.__file__, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
