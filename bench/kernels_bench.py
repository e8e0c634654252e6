"""Short benchmark of oxhpy_kernels on the running interpreter; prints one JSON line.

Wall-clock figures are noisy on shared machines: compare ratios measured in the same run
(kernel vs. the interpreter's own operation), not absolute numbers across runs.
"""

import hashlib
import json
import os
import sys
import time

import hpy.universal

import oxhpy_kernels as k


def best_of(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def per_call_ns(fn, n=200_000):
    def loop():
        for i in range(n):
            fn(i, 3)

    return best_of(loop) / n * 1e9


def wheel_sha256():
    """sha256 of the wheel file named by OXHPY_WHEEL (ci/main.sh: the file this interpreter installed)."""
    path = os.environ.get("OXHPY_WHEEL")
    if not path:
        return ""
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def main():
    data = bytes(range(256)) * (64 * 1024 * 1024 // 256)  # 64 MiB
    assert k.sum_bytes(data) == 127.5 * len(data)
    t_sum = best_of(lambda: k.sum_bytes(data))
    small = data[: 1 << 20]
    t_py_sum = best_of(lambda: sum(small), repeat=3) * (len(data) / len(small))
    result = {
        "interpreter": sys.implementation.name,
        "version": ".".join(map(str, sys.version_info[:3])),
        "hpy": hpy.universal.get_version()[0],
        "add_ns": per_call_ns(k.add),
        "py_add_ns": per_call_ns(lambda a, b: a + b),
        "div_floor_ns": per_call_ns(k.div_floor),
        "sum_bytes_gbs": len(data) / t_sum / 1e9,
        "py_sum_gbs": len(data) / t_py_sum / 1e9,
        "checks": [k.add(2, 3) == 5, k.div_floor(-7, 2) == -4, k.sum_bytes(b"\x01\xff") == 256],
        "wheel_sha256": wheel_sha256(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
