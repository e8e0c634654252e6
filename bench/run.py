"""Speed of oxhpy_kernels against the machine and numpy, measured side by side in one run.

    python bench/run.py [--probe PATH] [--mib 64] [--rounds 9] [--json FILE]

Runs on any interpreter where ``oxhpy_kernels`` is installed. Three groups, each interleaved round
by round with its references so that a slow phase of the machine hits all of them alike:

* ``sum_bytes`` on ``--mib`` MiB against the single-thread read bandwidth of the native probe
  (``bench/probe``: the kernels' own AVX2 loop and a loads-only loop, in a separate process) and
  numpy's ``uint8`` sum;
* ``saxpy`` on ``--mib`` MiB float32 arrays against the probe's native triad of the same shape
  (the bandwidth-bound time: read x, read y, write dst) and numpy's ``y += a*x``;
* the per-call cost of taking a buffer view: ``sum_bytes`` on a 1-byte ``bytes``, ``bytearray``,
  ``memoryview`` and ``array.array``, minus a no-op call (``add(1, 2)``), in ns per call.

Each large operation is timed three times per round (the best of the three counts for the round);
the table gives the best and the median over the rounds, and ratios of bests. The probe is
``--probe PATH``, else ``$OXHPY_PROBE``, else built with cargo when cargo is on PATH.
Prints a table; ``--json FILE`` also writes every figure. Exits 1 only if a kernel result is wrong.
"""

import argparse
import array
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
INNER = 3  # timings of a large operation per round; the round keeps the best


class Probe:
    """``oxhpy-probe --serve``: one native measurement per request, in its own process."""

    def __init__(self, path, mib):
        self.proc = subprocess.Popen(
            [path, "--serve", "--mib", str(mib)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            universal_newlines=True,
        )
        self.info = json.loads(self.proc.stdout.readline())

    def time(self, op, reps=INNER):
        """Best of ``reps`` native runs of ``op``: (seconds, bytes counted)."""
        self.proc.stdin.write(f"{op} {reps}\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"probe: {answer['error']}")
        return min(answer["times"]), answer["bytes"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def find_probe(given):
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
        if msg.get("reason") == "compiler-artifact" and msg.get("executable"):
            return msg["executable"]
    sys.exit("run.py: cargo built no probe executable")


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
    ap.add_argument("--probe", help="oxhpy-probe executable (default: $OXHPY_PROBE, or build it)")
    ap.add_argument("--mib", type=int, default=64, help="size of the large inputs (default 64)")
    ap.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9)")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    probe = Probe(find_probe(args.probe), args.mib)
    try:
        result = measure(probe, args.mib, max(args.rounds, 1))
    finally:
        probe.close()
    print_table(result)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")
    return 0 if all(result["checks"].values()) else 1


def measure(probe, mib, rounds):
    nbytes = mib << 20
    n = nbytes // 4
    checks = {}

    # Inputs. Every page is written before timing starts.
    data = bytes(range(256)) * (nbytes // 256)
    data_ba = bytearray(data)
    want = 255 * 256 // 2 * (nbytes // 256)
    a = 0.5
    x = array.array("f", [1.5]) * n
    y = array.array("f", [0.25]) * n
    dst = array.array("f", [0.0]) * n
    npd = npx = npy = None
    if np is not None:
        npd = np.frombuffer(data, dtype=np.uint8)
        npx = np.full(n, 1.5, dtype=np.float32)
        npy = np.full(n, 0.25, dtype=np.float32)

    checks["sum_bytes(bytes)"] = k.sum_bytes(data) == want
    checks["sum_bytes(bytearray)"] = k.sum_bytes(data_ba) == want
    k.saxpy(dst, x, y, a)
    checks["saxpy"] = dst[0] == dst[n - 1] == 1.0
    if np is not None:
        checks["numpy sum"] = int(npd.sum()) == want

    big = [
        ("probe read_sum", lambda: probe.time("read_sum")[0]),
        ("probe read_xor", lambda: probe.time("read_xor")[0]),
        ("sum_bytes(bytes)", lambda: best_time(lambda: k.sum_bytes(data))),
        ("sum_bytes(bytearray)", lambda: best_time(lambda: k.sum_bytes(data_ba))),
        ("numpy sum", lambda: best_time(lambda: npd.sum())),
        ("probe triad", lambda: probe.time("triad")[0]),
        ("saxpy(dst, x, y)", lambda: best_time(lambda: k.saxpy(dst, x, y, a))),
        ("probe triad_inplace", lambda: probe.time("triad_inplace")[0]),
        ("saxpy(y, x, y)", lambda: best_time(lambda: k.saxpy(y, x, y, a))),
        ("numpy y += a*x", lambda: best_time(lambda: numpy_saxpy(npx, npy, a))),
    ]
    if np is None:
        big = [(name, f) for name, f in big if not name.startswith("numpy")]

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
    for _ in range(rounds):
        for name, f in big:
            big_s.add(name, f())
        for name, fn, arg in small:
            small_s.add(name, loop_time(fn, arg, calls[name]) / calls[name])

    return report(probe.info, nbytes, rounds, big_s, small_s, calls, checks)


def numpy_saxpy(x, y, a):
    y += a * x


def report(info, nbytes, rounds, big_s, small_s, calls, checks):
    f32_streams = 3 * nbytes
    big = {}
    for name in big_s.rounds:
        moved = nbytes if ("sum" in name or "read" in name) else f32_streams
        big[name] = {
            "best_ms": big_s.best(name) * 1e3,
            "median_ms": big_s.median(name) * 1e3,
            "best_gbs": moved / big_s.best(name) / 1e9,
            "median_gbs": moved / big_s.median(name) / 1e9,
        }
    read_ref = max(big["probe read_sum"]["best_gbs"], big["probe read_xor"]["best_gbs"])
    read_ref_med = max(big["probe read_sum"]["median_gbs"], big["probe read_xor"]["median_gbs"])
    ratios = {}
    for name in ("sum_bytes(bytes)", "sum_bytes(bytearray)", "numpy sum"):
        if name in big:
            ratios[f"{name} / read bandwidth"] = {
                "best": big[name]["best_gbs"] / read_ref,
                "median": big[name]["median_gbs"] / read_ref_med,
            }
    for name, bound in (
        ("saxpy(dst, x, y)", "probe triad"),
        ("saxpy(y, x, y)", "probe triad_inplace"),
        ("numpy y += a*x", "probe triad_inplace"),
    ):
        if name in big:
            ratios[f"{name} time / {bound} time"] = {
                "best": big[name]["best_ms"] / big[bound]["best_ms"],
                "median": big[name]["median_ms"] / big[bound]["median_ms"],
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
        "interpreter": impl.name,
        "version": platform.python_version(),
        "hpy": hpy_version,
        "numpy": np.__version__ if np is not None else None,
        "machine": {
            "cpus": os.cpu_count(),
            "avx2": info.get("avx2"),
            "cpu": cpu_name(),
        },
        "mib": nbytes >> 20,
        "rounds": rounds,
        "inner": INNER,
        "large": big,
        "read_bandwidth_gbs": {"best": read_ref, "median": read_ref_med},
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
    "sum_bytes(bytes)": "sum_bytes(bytes)",
    "sum_bytes(bytearray)": "sum_bytes(bytearray)",
    "numpy sum": "numpy uint8 .sum()",
    "probe triad": "probe: dst = a*x + y (native)",
    "saxpy(dst, x, y)": "saxpy(dst, x, y), array('f')",
    "probe triad_inplace": "probe: y = a*x + y (native)",
    "saxpy(y, x, y)": "saxpy(y, x, y), array('f')",
    "numpy y += a*x": "numpy y += a*x",
}


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
    targets = {
        "sum_bytes(bytes) / read bandwidth": (">=", 0.9),
        "saxpy(dst, x, y) time / probe triad time": ("<=", 1.15),
    }
    rows = []
    for name, v in r["ratios"].items():
        goal = targets.get(name)
        mark = ""
        if goal:
            ok = v["best"] >= goal[1] if goal[0] == ">=" else v["best"] <= goal[1]
            mark = f"{goal[0]} {goal[1]:.2f}: {'yes' if ok else 'NO'}"
        rows.append([name, f"{v['best']:.2f}", f"{v['median']:.2f}", mark])
    print(table(["ratio", "of bests", "of medians", "target"], rows))
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
