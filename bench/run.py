"""Speed of oxhpy_kernels against the machine and numpy, measured side by side in one run.

    python bench/run.py [--probe PATH] [--mib 64] [--rounds 15] [--json FILE]

Runs on any interpreter where ``oxhpy_kernels`` is installed. Three groups, each interleaved round
by round with its references so that a slow phase of the machine hits all of them alike:

* ``sum_bytes`` on ``--mib`` MiB against the single-thread read bandwidth measured by the native
  probe (``bench/probe``: the best of the kernels' own AVX2 loop and two loads-only loops, reading
  one stream or four) on an array of the same size, and numpy's ``uint8`` sum;
* ``saxpy`` on ``--mib`` MiB float32 arrays (``array.array`` and numpy) against the probe's native
  triad over the very same arrays (the bandwidth-bound time: read x, read y, write dst) and numpy's
  ``y += a*x``;
* ``sum_u32`` on ``--mib`` MiB of ``uint32`` (``array.array('I')`` and numpy), which splits its
  input across all cores, against the probe's all-core read (the same split, one thread per CPU,
  thread start included) over the very same array, and numpy's ``uint32`` sum;
* the per-call cost of taking a buffer view: ``sum_bytes`` on a 1-byte ``bytes``, ``bytearray``,
  ``memoryview`` and ``array.array`` (and numpy), minus a no-op call (``add(1, 2)``), in ns per call;
  and minus ``sum_bytes(b"\\x01")`` (the zero-copy ``bytes`` path), the better baseline on PyPy,
  where ``add``'s two int arguments cost more than that whole call.

Each large operation is timed twice per round (the better time counts for the round); the table
gives the best and the median over the rounds, and each ratio twice: of the bests, and the median of
the ratios within each round (which cancels slow drifts of a shared machine, and is what the target
column judges: sum_bytes >= 0.9x the read bandwidth, saxpy <= 1.15x the triad time). The probe is a
shared library loaded with ctypes, so that it runs in this process, on the same CPU and allocator
as the kernels: ``--probe PATH/liboxhpy_probe.so``, else ``$OXHPY_PROBE``, else built with cargo.
Prints a table; ``--json FILE`` also writes every figure. Exits 1 only if a kernel result is wrong.
"""

import argparse
import array
import ctypes
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

import oxhpy_kernels as k

try:
    import numpy as np
except ImportError:
    np = None

HERE = os.path.dirname(os.path.abspath(__file__))
INNER = 2  # timings of a large operation per round; the round keeps the best


class Probe:
    """``liboxhpy_probe`` loaded into this process: native loops timed on this process's memory."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        ptr, size, f32, dbl = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_float, ctypes.c_double
        for name, args in (
            ("read_sum", [ptr, size]),
            ("read_xor", [ptr, size]),
            ("read_xor4", [ptr, size]),
            ("triad", [ptr, ptr, ptr, size, f32]),
            ("triad_inplace", [ptr, ptr, size, f32]),
            ("read_par", [ptr, size, size]),
        ):
            fn = getattr(lib, "oxhpy_probe_" + name)
            fn.argtypes, fn.restype = args, dbl
            setattr(self, name, fn)
        lib.oxhpy_probe_avx2.restype = ctypes.c_int
        self.avx2 = bool(lib.oxhpy_probe_avx2())
        self.lib = lib

    def read(self, loop, arr, reps=INNER):
        """Best of ``reps`` passes of the read ``loop`` over the array ``arr`` (seconds)."""
        addr, n = arr.buffer_info()
        return min(loop(addr, n * arr.itemsize) for _ in range(reps))

    def read_all_cores(self, arr, reps=INNER):
        """Best of ``reps`` all-core reads of ``arr`` (seconds), one thread per CPU."""
        addr, n = buffer_info(arr)
        return min(self.read_par(addr, n * arr.itemsize, os.cpu_count() or 1) for _ in range(reps))

    def saxpy(self, dst, x, y, a, reps=INNER):
        """Best of ``reps`` native ``dst = a*x + y`` over float32 arrays (``dst`` may be ``y``)."""
        (d, n), (xa, _), (ya, _) = buffer_info(dst), buffer_info(x), buffer_info(y)
        if d == ya:
            return min(self.triad_inplace(d, xa, n, a) for _ in range(reps))
        return min(self.triad(d, xa, ya, n, a) for _ in range(reps))


def buffer_info(arr):
    """(address, length) of an ``array.array`` or a 1-D numpy array."""
    if isinstance(arr, array.array):
        return arr.buffer_info()
    return arr.__array_interface__["data"][0], len(arr)


def find_probe(given):
    """The probe library: ``given``, else ``$OXHPY_PROBE``, else built by cargo."""
    path = given or os.environ.get("OXHPY_PROBE")
    if path:
        return path
    cargo = shutil.which("cargo")
    if cargo is None:
        sys.exit("run.py: no probe: pass --probe PATH or set OXHPY_PROBE (cargo is not on PATH to build it)")
    manifest = os.path.join(HERE, "probe", "Cargo.toml")
    out = subprocess.run(
        [cargo, "build", "--release", "--manifest-path", manifest, "--message-format=json"],
        stdout=subprocess.PIPE,
        check=True,
        text=True,
    ).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and "cdylib" in msg.get("target", {}).get("kind", []):
            return next(f for f in msg["filenames"] if f.endswith((".so", ".dylib", ".dll")))
    sys.exit("run.py: cargo built no probe library")


def best_time(fn, reps=INNER, budget=0.25):
    """Best of ``reps`` timings of ``fn()``, fewer once ``budget`` seconds are spent (slow paths)."""
    best, spent = float("inf"), 0.0
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        dt = time.perf_counter() - t
        best, spent = min(best, dt), spent + dt
        if spent > budget:
            break
    return best


def loop_time(fn, arg, n):
    """Seconds for ``n`` calls of ``fn(arg)`` (``fn(1, 2)`` when ``arg`` is None)."""
    r = range(n)
    if arg is None:
        t = time.perf_counter()
        for _ in r:
            fn(1, 2)
        return time.perf_counter() - t
    t = time.perf_counter()
    for _ in r:
        fn(arg)
    return time.perf_counter() - t


class Series:
    """Per-round results of named measurements."""

    def __init__(self):
        self.rounds = {}

    def add(self, name, seconds):
        self.rounds.setdefault(name, []).append(seconds)

    def best(self, name):
        return min(self.rounds[name])

    def median(self, name):
        return statistics.median(self.rounds[name])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--probe", help="liboxhpy_probe.so (default: $OXHPY_PROBE, or build it with cargo)")
    ap.add_argument("--mib", type=int, default=64, help="size of the large inputs (default 64)")
    ap.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    probe = Probe(find_probe(args.probe))
    result = measure(probe, args.mib, max(args.rounds, 1))
    print_table(result)
    if args.json:
        with open(args.json, "w") as f:
            # numpy scalars (numpy.bool in the checks) as plain Python values.
            json.dump(result, f, indent=1, default=lambda o: o.item())
            f.write("\n")
    return 0 if all(result["checks"].values()) else 1


def measure(probe, mib, rounds):
    nbytes = mib << 20
    n = nbytes // 4
    checks = {}

    # Inputs. Every page is written before timing starts. The byte buffers (and the probe's copy,
    # an array of the same size and kind of allocation) are made anew every round: where the OS puts
    # a buffer moves its bandwidth by several per cent.
    buf = {}

    def fresh_bytes():
        buf.clear()
        gc.collect()
        buf["bytes"] = bytes(range(256)) * (nbytes // 256)
        buf["bytearray"] = bytearray(buf["bytes"])
        if np is not None:
            buf["numpy"] = np.frombuffer(buf["bytes"], dtype=np.uint8)
        buf["probe"] = array.array("B", buf["bytes"])

    fresh_bytes()
    want = 255 * 256 // 2 * (nbytes // 256)
    a = 0.5
    x = array.array("f", [1.5]) * n
    y = array.array("f", [0.25]) * n
    dst = array.array("f", [0.0]) * n
    u32 = array.array("I", range(256)) * (n // 256)
    want_u32 = 255 * 256 // 2 * (n // 256)
    npx = npy = npd = npu32 = None
    if np is not None:
        # An array numpy owns (not a view of `u32`): zero-copy on PyPy too.
        npu32 = np.array(u32, dtype=np.uint32)
        npx = np.full(n, 1.5, dtype=np.float32)
        npy = np.full(n, 0.25, dtype=np.float32)
        npd = np.zeros(n, dtype=np.float32)

    checks["sum_bytes(bytes)"] = k.sum_bytes(buf["bytes"]) == want
    checks["sum_bytes(bytearray)"] = k.sum_bytes(buf["bytearray"]) == want
    k.saxpy(dst, x, y, a)
    checks["saxpy"] = dst[0] == dst[n - 1] == 1.0
    checks["sum_u32"] = k.sum_u32(u32) == want_u32
    if np is not None:
        checks["numpy sum"] = int(buf["numpy"].sum()) == want
        k.saxpy(npd, npx, npy, a)
        checks["saxpy numpy"] = npd[0] == npd[n - 1] == 1.0
        checks["sum_u32 numpy"] = k.sum_u32(npu32) == want_u32 == int(npu32.sum(dtype=np.uint64))

    big = [
        # Each operation follows one on another buffer, so none finds its data left in the L3
        # cache (32 MiB here) by the operation before it.
        ("probe read_sum", lambda: probe.read(probe.read_sum, buf["probe"])),
        ("sum_bytes(bytes)", lambda: best_time(lambda: k.sum_bytes(buf["bytes"]))),
        ("probe read_xor", lambda: probe.read(probe.read_xor, buf["probe"])),
        ("sum_bytes(bytearray)", lambda: best_time(lambda: k.sum_bytes(buf["bytearray"]))),
        ("probe read_xor4", lambda: probe.read(probe.read_xor4, buf["probe"])),
        ("numpy sum", lambda: best_time(lambda: buf["numpy"].sum())),
        ("probe triad", lambda: probe.saxpy(dst, x, y, a)),
        ("saxpy(dst, x, y)", lambda: best_time(lambda: k.saxpy(dst, x, y, a))),
        ("probe triad_inplace", lambda: probe.saxpy(y, x, y, a)),
        ("saxpy(y, x, y)", lambda: best_time(lambda: k.saxpy(y, x, y, a))),
        ("numpy y += a*x", lambda: best_time(lambda: numpy_saxpy(npx, npy, a))),
        ("probe triad numpy", lambda: probe.saxpy(npd, npx, npy, a)),
        ("saxpy(dst, x, y) numpy", lambda: best_time(lambda: k.saxpy(npd, npx, npy, a))),
        ("probe read all cores", lambda: probe.read_all_cores(u32)),
        ("sum_u32(array)", lambda: best_time(lambda: k.sum_u32(u32))),
        ("numpy uint32 sum", lambda: best_time(lambda: npu32.sum(dtype=np.uint64))),
        ("sum_u32(numpy)", lambda: best_time(lambda: k.sum_u32(npu32))),
    ]
    if np is None:
        big = [(name, f) for name, f in big if "numpy" not in name]

    one = b"\x01"
    small = [
        ("add(1, 2)", k.add, None),
        ("bytes", k.sum_bytes, one),
        ("bytearray", k.sum_bytes, bytearray(one)),
        ("memoryview(bytearray)", k.sum_bytes, memoryview(bytearray(one))),
        ("memoryview(bytes)", k.sum_bytes, memoryview(one)),
        ("array.array('B')", k.sum_bytes, array.array("B", one)),
    ]
    if np is not None:
        small.append(("numpy uint8[1]", k.sum_bytes, np.ones(1, dtype=np.uint8)))
    for name, fn, arg in small[1:]:
        checks[f"sum_bytes({name}) small"] = fn(arg) == 1

    # Warm-up (the JIT on PyPy), then calibrate the call loops to about 20 ms each.
    for _, f in big:
        f()
    calls = {}
    for name, fn, arg in small:
        c = 1000
        while loop_time(fn, arg, c) < 0.02 and c < 10_000_000:
            c *= 2
        calls[name] = c

    big_s, small_s = Series(), Series()
    for i in range(rounds):
        fresh_bytes()
        # Every other round backwards: a kernel and its reference on the same arrays (saxpy) take
        # turns at running first, when the cache holds none of their data.
        for name, f in big if i % 2 == 0 else big[::-1]:
            big_s.add(name, f())
        for name, fn, arg in small:
            small_s.add(name, loop_time(fn, arg, calls[name]) / calls[name])

    return report(probe.avx2, nbytes, rounds, big_s, small_s, calls, checks)


def numpy_saxpy(x, y, a):
    y += a * x


def report(avx2, nbytes, rounds, big_s, small_s, calls, checks):
    f32_streams = 3 * nbytes
    big = {}
    for name in big_s.rounds:
        moved = nbytes if ("sum" in name or "read" in name) else f32_streams
        big[name] = {
            "best_ms": big_s.best(name) * 1e3,
            "median_ms": big_s.median(name) * 1e3,
            "best_gbs": moved / big_s.best(name) / 1e9,
            "median_gbs": moved / big_s.median(name) / 1e9,
            "rounds_ms": [round(t * 1e3, 3) for t in big_s.rounds[name]],
        }
    # The machine's read bandwidth: the fastest of the probe's read loops, in each round.
    loops = [big_s.rounds[f"probe {op}"] for op in ("read_sum", "read_xor", "read_xor4")]
    read_ref_s = [min(ts) for ts in zip(*loops)]
    read_ref = nbytes / min(read_ref_s) / 1e9
    ratios = {}
    for name in ("sum_bytes(bytes)", "sum_bytes(bytearray)", "numpy sum"):
        if name in big:
            ratios[f"{name} / read bandwidth"] = {
                "best": big[name]["best_gbs"] / read_ref,
                "median": statistics.median(r / t for r, t in zip(read_ref_s, big_s.rounds[name])),
            }
    if "probe read all cores" in big_s.rounds:
        all_cores = big_s.rounds["probe read all cores"]
        for name in ("sum_u32(array)", "sum_u32(numpy)", "numpy uint32 sum"):
            if name in big:
                ratios[f"{name} / all-core read bandwidth"] = {
                    "best": big[name]["best_gbs"] / big["probe read all cores"]["best_gbs"],
                    "median": statistics.median(r / t for r, t in zip(all_cores, big_s.rounds[name])),
                }
    if "numpy y += a*x" in big:
        # How many times faster than numpy's own in-place saxpy (both y = a*x + y on float32).
        ratios["numpy y += a*x time / saxpy(y, x, y) time"] = {
            "best": big["numpy y += a*x"]["best_ms"] / big["saxpy(y, x, y)"]["best_ms"],
            "median": statistics.median(
                t / b for t, b in zip(big_s.rounds["numpy y += a*x"], big_s.rounds["saxpy(y, x, y)"])
            ),
        }
    for name, bound in (
        ("saxpy(dst, x, y)", "probe triad"),
        ("saxpy(y, x, y)", "probe triad_inplace"),
        ("numpy y += a*x", "probe triad_inplace"),
        ("saxpy(dst, x, y) numpy", "probe triad numpy"),
    ):
        if name in big:
            ratios[f"{name} time / {bound} time"] = {
                "best": big[name]["best_ms"] / big[bound]["best_ms"],
                "median": statistics.median(t / b for t, b in zip(big_s.rounds[name], big_s.rounds[bound])),
            }
    per_call = {}
    for name in small_s.rounds:
        entry = {
            "calls": calls[name],
            "best_ns": small_s.best(name) * 1e9,
            "median_ns": small_s.median(name) * 1e9,
        }
        if name != "add(1, 2)":
            for key, base in (("view", "add(1, 2)"), ("beyond_bytes", "bytes")):
                entry[f"{key}_best_ns"] = (small_s.best(name) - small_s.best(base)) * 1e9
                entry[f"{key}_median_ns"] = (small_s.median(name) - small_s.median(base)) * 1e9
        per_call[name] = entry
    impl = sys.implementation
    try:
        import hpy.universal

        hpy_version = hpy.universal.get_version()[0]
    except Exception:
        hpy_version = "?"
    return {
        "mode": "kernels",
        "interpreter": impl.name,
        "version": platform.python_version(),
        "hpy": hpy_version,
        "numpy": np.__version__ if np is not None else None,
        "machine": {
            "cpus": os.cpu_count(),
            "avx2": avx2,
            "cpu": cpu_name(),
        },
        "mib": nbytes >> 20,
        "rounds": rounds,
        "inner": INNER,
        "large": big,
        "read_bandwidth_gbs": {"best": read_ref, "median": nbytes / statistics.median(read_ref_s) / 1e9},
        "ratios": ratios,
        "per_call": per_call,
        "checks": checks,
    }


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


LABELS = {
    "probe read_sum": "probe: sum of bytes, kernels' AVX2 loop (native)",
    "probe read_xor": "probe: loads only (native)",
    "probe read_xor4": "probe: loads only, 4 streams (native)",
    "sum_bytes(bytes)": "sum_bytes(bytes)",
    "sum_bytes(bytearray)": "sum_bytes(bytearray)",
    "numpy sum": "numpy uint8 .sum()",
    "probe triad": "probe: dst = a*x + y (native)",
    "saxpy(dst, x, y)": "saxpy(dst, x, y), array('f')",
    "probe triad_inplace": "probe: y = a*x + y (native)",
    "saxpy(y, x, y)": "saxpy(y, x, y), array('f')",
    "numpy y += a*x": "numpy y += a*x",
    "probe triad numpy": "probe: dst = a*x + y (native), numpy arrays",
    "saxpy(dst, x, y) numpy": "saxpy(dst, x, y), numpy float32",
    "probe read all cores": "probe: loads only, all cores (native)",
    "sum_u32(array)": "sum_u32(array('I')), all cores",
    "numpy uint32 sum": "numpy uint32 .sum() (one core)",
    "sum_u32(numpy)": "sum_u32(numpy uint32), all cores",
}


# The targets (issue: kernels at the limit), judged on the median of the per-round ratios.
TARGETS = {
    "sum_bytes(bytes) / read bandwidth": (">=", 0.9),
    "saxpy(dst, x, y) time / probe triad time": ("<=", 1.15),
    "saxpy(dst, x, y) numpy time / probe triad numpy time": ("<=", 1.15),
    "numpy y += a*x time / saxpy(y, x, y) time": (">=", 2.0),
    "sum_u32(array) / all-core read bandwidth": (">=", 0.8),
    "sum_u32(numpy) / all-core read bandwidth": (">=", 0.8),
}


# The ratios whose kernel reads a copy on PyPy (an `array.array`, or a numpy array over one: PyPy can
# resize those while exported, so oxhpy copies them): the targets apply "wherever the view is zero-copy".
COPIED_ON_PYPY = {
    "saxpy(dst, x, y) time / probe triad time",
    "numpy y += a*x time / saxpy(y, x, y) time",
    "sum_u32(array) / all-core read bandwidth",
}


def target_mark(name, v, interpreter="cpython"):
    """'>= 0.90: yes' (or NO) for a ratio with a target, else ''."""
    goal = TARGETS.get(name)
    if not goal:
        return ""
    if interpreter == "pypy" and name in COPIED_ON_PYPY:
        return f"{goal[0]} {goal[1]:.2f}: n/a (a copy on PyPy)"
    ok = v["median"] >= goal[1] if goal[0] == ">=" else v["median"] <= goal[1]
    return f"{goal[0]} {goal[1]:.2f}: {'yes' if ok else 'NO'}"


def table(head, rows):
    w = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    out = ["| " + " | ".join(str(v).ljust(n) for v, n in zip(head, w)) + " |"]
    out.append("|" + "|".join("-" * (n + 2) for n in w) + "|")
    out += ["| " + " | ".join(str(v).ljust(n) for v, n in zip(r, w)) + " |" for r in rows]
    return "\n".join(out)


def fmt_ns(v):
    return "" if v is None else f"{v:.0f}"


def print_table(r):
    mib = r["mib"]
    print(
        f"\n{r['interpreter']} {r['version']}, HPy {r['hpy']}, numpy {r['numpy'] or '-'}; "
        f"{r['machine']['cpu']}, {r['machine']['cpus']} cpus, avx2={r['machine']['avx2']}; "
        f"{r['rounds']} interleaved rounds, best of {r['inner']} per round\n"
    )
    big = r["large"]
    rows = []
    for name, v in big.items():
        rows.append(
            [
                LABELS.get(name, name),
                f"{v['best_ms']:.2f}",
                f"{v['median_ms']:.2f}",
                f"{v['best_gbs']:.1f}",
                f"{v['median_gbs']:.1f}",
            ]
        )
    print(f"{mib} MiB inputs (GB/s: bytes read for sums; 3 x {mib} MiB for saxpy, as STREAM counts a triad)")
    print(table(["operation", "best ms", "median ms", "best GB/s", "median GB/s"], rows))
    print()
    rows = [
        [name, f"{v['best']:.2f}", f"{v['median']:.2f}", target_mark(name, v, r["interpreter"])]
        for name, v in r["ratios"].items()
    ]
    print(table(["ratio", "of bests", "median per round", "target"], rows))
    print()
    rows = []
    for name, v in r["per_call"].items():
        label = "add(1, 2) (no-op call)" if name == "add(1, 2)" else f"sum_bytes({name}), 1 byte"
        cols = ("view_best_ns", "view_median_ns", "beyond_bytes_best_ns")
        rows.append(
            [label, f"{v['best_ns']:.0f}", f"{v['median_ns']:.0f}"] + [fmt_ns(v.get(c)) for c in cols]
        )
    print("per call, ns; view = the call minus the no-op call (best, median); last: minus sum_bytes(bytes)")
    print(table(["call", "best", "median", "view", "view, median", "- sum_bytes(bytes)"], rows))
    bad = [name for name, ok in r["checks"].items() if not ok]
    print("\nchecks: " + ("all results correct" if not bad else "WRONG: " + ", ".join(bad)))


if __name__ == "__main__":
    sys.exit(main())
