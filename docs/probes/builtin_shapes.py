"""Probe of HPy 0.9's builtin shapes: python builtin_shapes.py F|U|L|I|T (see ../builtin-shapes.md).

Needs the module `shapes` built from builtin_shapes.c (universal ABI) in the current directory.
"""

import gc
import sys
import time
import weakref

sys.path.insert(0, ".")
import shapes as s  # noqa: E402


class Item:
    """A list item that can be weakly referenced."""


item = Item()
VALUES = {
    "F": (s.F, 2.5),
    "U": (s.U, "héllo"),
    "L": (s.L, [1, item, 3]),
    "I": (s.I, 2**200),  # a multi-digit int
    "T": (s.T, tuple(range(10))),  # a tuple longer than one item
}
cls, value = VALUES[sys.argv[1]]
x = cls(value)
x.settag(3)
print("value kept:", x == value, "struct:", x.gettag(), flush=True)
n = s.ndestroyed()
for i in range(1000):
    cls(value).settag(i)
weak_item = weakref.ref(item)
del x, item, VALUES, value
for _ in range(50):
    gc.collect()
    if s.ndestroyed() - n >= 1001:
        break
    time.sleep(0.05)
print("destroyed:", s.ndestroyed() - n, "of 1001", flush=True)
if sys.argv[1] == "L":
    print("list item:", "freed" if weak_item() is None else "leaked", flush=True)
