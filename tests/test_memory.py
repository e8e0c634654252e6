"""Memory: resident-size growth over many rounds of every kernel and error path stays small.

CI runs ``tests/memory_growth.py`` with a short round count (``OXHPY_MEMORY_ROUNDS``: 2000, 100 in
PyPy's debug mode and on GraalPy); the issue's bound (< 2 MiB over 200 000 rounds) is the script's
own command: ``python tests/memory_growth.py 200000`` (any interpreter, any ``HPY`` mode).
"""

import os

import memory_growth
from conftest import DEBUG, IMPL

# A round costs about 0.3 ms on CPython, 1 ms on PyPy, 65 ms in PyPy's debug mode and on GraalPy
# (interpreter-only JVM), measured on a loaded 2-core machine.
ROUNDS = int(
    os.environ.get(
        "OXHPY_MEMORY_ROUNDS", "2000" if IMPL == "cpython" or (IMPL == "pypy" and not DEBUG) else "100"
    )
)


def test_every_round_is_correct():
    memory_growth.one_round()


def test_memory_growth_over_rounds():
    result = memory_growth.measure(ROUNDS, warmup=max(200, ROUNDS // 2))
    print(f"\n{result}")
    growth = result.get("jvm_heap_growth_bytes", result["rss_growth_bytes"])
    assert growth < 2 * 2**20, result
