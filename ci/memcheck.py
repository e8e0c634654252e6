"""Judges valgrind memcheck XML files (ci/memcheck.sh): zero errors may touch our libraries.

    python ci/memcheck.py XML... [--json FILE]

Every error goes into exactly one class, decided from its stack and, for uses of uninitialised
values, from the stack that *created* the value (``--track-origins=yes``):

* ``ours``: a frame of the error or of its origin lies in one of our binaries (an ``.hpy0.so`` built
  from this repository: the kernels, the test extensions). Must be zero.
* ``cpython-int0``: an uninitialised value created by CPython 3.11's ``_PyLong_New`` (from
  ``_PyLong_FromByteArray``, ``PyLong_FromString``, ``long_bitwise``, ...). For a zero it makes an int
  with no digits whose first digit is never written, and ``maybe_small_long`` reads it (as
  ``0 * digit``); memcheck then follows the pointer to the small int 0 it picks into every later use.
  CPython's own false positive (3.12 writes the digit), not ours.
* ``libc-overread``: an invalid read by a vectorised string function of glibc or its loader
  (``strncmp``, ``memcmp``, ``wmemcmp``...) within 32 bytes past a block's end: they load whole aligned
  words, which never cross a page; the result does not depend on the bytes past the end.
* ``hpy``: frames in the HPy runtime only (``hpy/universal``, ``hpy/debug``), none of ours. Listed.
* ``leak``: blocks left at exit, not judged (the interpreter does not free everything at exit; HPy's
  module definitions live as long as the process).
* ``other``: anything else. Must be zero too: each new kind needs its own explained class here.

Exits 1 if ``ours`` or ``other`` is not empty.
"""

import argparse
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict


def frames(stack):
    return [
        {k: (f.findtext(k) or "") for k in ("obj", "fn", "file", "line")}
        for f in (stack.findall("frame") if stack is not None else [])
    ]


def ours(frame):
    return frame["obj"].endswith(".hpy0.so")


def in_hpy(frame):
    return "/hpy/" in frame["obj"] or "/hpy/" in frame["file"] or "hpy/universal" in frame["obj"]


def classify(error):
    stacks = error.findall("stack")
    stack = frames(stacks[0]) if stacks else []
    origin = frames(stacks[1]) if len(stacks) > 1 else []
    kind = error.findtext("kind") or ""
    if kind.startswith("Leak_"):
        return "leak"
    # A value made from the digit CPython's _PyLong_New left unwritten is CPython's, whoever called the
    # int operation (our binaries too: `x & 0` through HPy_And); our code never reads an int's digits.
    if kind.startswith("Uninit") and origin[1:2] and origin[1]["fn"] == "_PyLong_New":
        return "cpython-int0"
    if any(ours(f) for f in stack + origin):
        return "ours"
    if kind == "InvalidRead" and stack and _vector_string_fn(stack[0]) and _just_past_a_block(error):
        return "libc-overread"
    if any(in_hpy(f) for f in stack + origin):
        return "hpy"
    return "other"


def _vector_string_fn(frame):
    lib = frame["obj"].rsplit("/", 1)[-1]
    name = frame["fn"].lstrip("_")
    return lib.startswith(("libc.so", "ld-linux")) and name.startswith(("str", "mem", "wmem", "wcs"))


def _just_past_a_block(error):
    """'Address ... is N bytes inside/after a block of size M' with the read ending within 32 bytes."""
    size = re.search(r"of size (\d+)", error.findtext("what") or "")
    aux = " ".join(a.text or "" for a in error.iter("auxwhat"))
    m = re.search(r"is (\d+) bytes (inside|after) a block of size (\d+)", aux)
    if not (size and m):
        return False
    offset = int(m.group(1)) + (int(m.group(3)) if m.group(2) == "after" else 0)
    return offset + int(size.group(1)) <= int(m.group(3)) + 32


def describe(error):
    stack = frames(error.find("stack"))
    where = next((f for f in stack if ours(f)), stack[0] if stack else {"fn": "?", "obj": "?"})
    what = error.findtext("what") or error.findtext("xwhat/text") or error.findtext("kind")
    top = " <- ".join(f"{f['fn'] or '?'} ({f['obj'].rsplit('/', 1)[-1]})" for f in stack[:6])
    return f"{what}: at {where['fn']} [{where['obj']}]; {top}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("xml", nargs="+")
    ap.add_argument("--json", help="write the counts and the listed errors here")
    args = ap.parse_args()
    unique, listed = Counter(), defaultdict(list)
    processes = 0
    for path in args.xml:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:  # a process killed on purpose (a test's abort) leaves it unfinished
            print(f"note: {path}: unfinished XML ({e}); its complete errors are still counted")
            root = ET.fromstring(_complete(path))
        processes += 1
        for error in root.iter("error"):
            cls = classify(error)
            unique[cls] += 1
            if cls in ("ours", "other", "hpy") and len(listed[cls]) < 50:
                listed[cls].append(describe(error))
    print(f"memcheck: {processes} process(es)")
    for cls in ("ours", "other", "hpy", "cpython-int0", "libc-overread", "leak"):
        print(f"  {cls:13s} {unique[cls]:5d} error contexts")
        for line in listed[cls][:20]:
            print(f"      {line}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"processes": processes, "contexts": unique, "listed": listed}, f, indent=1)
    bad = unique["ours"] + unique["other"]
    print("memcheck: " + ("no error in our libraries" if not bad else f"{bad} error context(s) to fix"))
    return 1 if bad else 0


def _complete(path):
    """The errors of an XML file that stops mid-way, closed into a parseable document."""
    text = open(path, encoding="utf-8", errors="replace").read()
    cut = text.rfind("</error>")
    body = text[: cut + len("</error>")] if cut >= 0 else text[: text.find("<error>")]
    return body + "\n</valgrindoutput>\n"


if __name__ == "__main__":
    sys.exit(main())
