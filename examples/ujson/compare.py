"""The measurements behind compare.sh: this port against ujson's C extension and orjson on CPython
(callgrind instructions per call) and against ujson through cpyext and PyPy's own ``json`` on PyPy
(interleaved wall clock). The cases are bench.py's (ujson's own benchmark cases).

    python compare.py callgrind --lib KEY=MODULE:DIR ... --json OUT      CPython, under valgrind
    python compare.py rounds --rounds R --lib KEY=MODULE:DIR ... --json OUT   wall clock, any interpreter
    python compare.py report [--callgrind CG.json] [--rounds RT.json ...] [--command CMD]   markdown

KEY names a column (port, ujson, orjson, cpyext, json), MODULE the module imported (ujson, orjson, json),
DIR what goes first on sys.path (empty: none). Every library is called as ujson's tests/benchmark.py
calls it: ``dumps(obj)`` (ujson with ``ensure_ascii=False``, json and orjson with their defaults), the
same with sorted keys, and ``loads(text)`` of ``json.dumps(obj)`` (ASCII, non-ASCII as ``\\uXXXX``).

callgrind: one valgrind process per library; in it every case runs N and 2N times between markers (a
call of os.getppid, where callgrind dumps its counters), with the cyclic GC off (as timeit does):
(I(2N) - I(N)) / N, minus the same for an empty loop. Deterministic to the instruction.
rounds: each round runs one process per library, in turn; each process times every case (JIT warm-up,
then the best of 5 repeats of ~50 ms); the report takes per-round ratios and their median.
"""

import argparse
import gc
import importlib
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from itertools import repeat

HERE = os.path.dirname(os.path.abspath(__file__))
# Not this folder on sys.path: its ujson/ is the port's source, without the binary.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != HERE]
_spec = importlib.util.spec_from_file_location("bench", os.path.join(HERE, "bench.py"))
bench = importlib.util.module_from_spec(_spec)  # bench.py next to this file: the cases
_spec.loader.exec_module(bench)

MARKER = "os_getppid"  # CPython's C function behind os.getppid: callgrind dumps before each call
OPS = ("dumps", "dumps(sort_keys=True)", "loads")
LABELS = {
    "port": "this port (oxhpy, universal)",
    "ujson": "ujson 6.1.0 (C API)",
    "orjson": "orjson (PyO3)",
    "cpyext": "ujson 6.1.0 through cpyext",
    "json": "PyPy's `json`",
}


def library(module):
    """{op: (function, loop)} of the module the interpreter imports under that name, called as ujson's
    benchmark calls it: ujson with ``ensure_ascii=False``, json and orjson with their defaults."""
    lib = importlib.import_module(module)
    extra = ", ensure_ascii=False" if module == "ujson" else ""
    calls = {
        "dumps": (lib.dumps, f"f(x{extra})"),
        "dumps(sort_keys=True)": (lib.dumps, f"f(x{extra}, sort_keys=True)"),
        "loads": (lib.loads, "f(x)"),
    }
    if module == "orjson":
        calls["dumps(sort_keys=True)"] = (lib.dumps, "f(x, option=o)")
    return {op: (f, make_loop(body, lib)) for op, (f, body) in calls.items()}, lib


def describe(lib):
    return f"{lib.__name__} {getattr(lib, '__version__', '')} ({getattr(lib, '__file__', '')})"


def make_loop(body, lib):
    """A function running `body` n times (its own code object per call form, no wrapper frame)."""
    ns = {"repeat": repeat, "o": getattr(lib, "OPT_SORT_KEYS", None)}
    exec(f"def loop(f, x, n):\n    for _ in repeat(None, n):\n        {body}\n", ns)
    return ns["loop"]


def case_inputs(scale):
    """(name, op, argument, n): every case and op; n scaled from bench.py's count (at least 2)."""
    for name, obj, count in bench.cases():
        n = max(2, int(count * scale))
        yield name, "dumps", obj, n
        yield name, "dumps(sort_keys=True)", obj, n
        yield name, "loads", json.dumps(obj), n


def parse_libs(specs):
    libs = []
    for spec in specs:
        key, _, rest = spec.partition("=")
        module, _, path = rest.partition(":")
        libs.append((key, module, os.path.abspath(path) if path else ""))
    return libs


def run_env(path):
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)
    if path:
        env["PYTHONPATH"] = path
    return env


# --- callgrind (CPython) --------------------------------------------------------------------------


def empty(f, x, n):
    for _ in repeat(None, n):
        pass


def driver(args):
    """Runs inside valgrind: every segment between two markers, its label in dump order."""
    calls, lib = library(args.module)
    plan = [("empty", "loop", empty, None, None, 1000)]
    for name, op, x, n in case_inputs(args.scale):
        plan.append((name, op, calls[op][1], calls[op][0], x, n))
    labels = []
    gc.collect()
    gc.disable()
    for name, op, body, f, x, n in plan:
        # A warm-up (caches, first allocations), then N and 2N calls, each its own segment.
        for tag, count in (("warm", max(1, n // 10)), ("n", n), ("2n", 2 * n)):
            os.getppid()
            body(f, x, count)
            labels.append([name, op, tag, count])
    os.getppid()
    with open(args.out, "w") as out:
        json.dump({"labels": labels, "file": describe(lib)}, out)


def read_dump(path):
    """Total Ir of one callgrind dump, and the self cost per (object file, function)."""
    names = {"ob": {}, "fn": {}}
    self_cost = defaultdict(int)
    ob = fn = None
    skip = False
    total = 0
    ref = re.compile(r"\((\d+)\)(?: (.*))?")

    def name(kind, value):
        m = ref.match(value)
        if not m:
            return value
        if m.group(2) is not None:
            names[kind][m.group(1)] = m.group(2)
        return names[kind].get(m.group(1), "?")

    with open(path) as f:
        for line in f:
            if line.startswith(("ob=", "fn=")):
                value = name(line[:2], line[3:].rstrip("\n"))
                if line[0] == "o":
                    ob = value
                else:
                    fn = value
            elif line.startswith(("cob=", "cfn=")):
                name(line[1:3], line[4:].rstrip("\n"))
            elif line.startswith("calls="):
                skip = True  # the next cost line is the call's inclusive cost
            elif line[:1].isdigit() or line[:1] in "+-*":
                if skip:
                    skip = False
                    continue
                parts = line.split()
                if len(parts) > 1:
                    self_cost[os.path.basename(ob or "?"), fn] += int(parts[1])
            elif line.startswith(("summary:", "totals:")):
                total = int(line.split()[1])
    return total, self_cost


def callgrind(args):
    if platform.python_implementation() != "CPython":
        sys.exit("callgrind needs CPython")
    results, profiles, files = {}, {}, {}
    for key, module, path in parse_libs(args.lib):
        with tempfile.TemporaryDirectory(prefix="ujson-cg-") as tmp:
            labels_file = os.path.join(tmp, "labels.json")
            cmd = [
                "valgrind",
                "--tool=callgrind",
                f"--dump-before={MARKER}",
                f"--callgrind-out-file={tmp}/cg.out",
            ]
            cmd += [sys.executable, os.path.abspath(__file__), "driver", module, "--scale", str(args.scale)]
            cmd += ["--out", labels_file]
            print(f"callgrind: {key} ({module} from {path or 'sys.path'})", file=sys.stderr, flush=True)
            env = run_env(path)
            if key == "port":
                env["HPY"] = "universal"
            proc = subprocess.run(cmd, env=env, cwd=tmp, capture_output=True, text=True)
            if proc.returncode != 0 or not os.path.exists(labels_file):
                sys.exit(f"{key}: driver failed:\n{proc.stderr[-3000:]}")
            with open(labels_file) as f:
                run = json.load(f)
            files[key] = run["file"]
            # Dump k + 2 holds the segment after marker k (dump 1: everything before the first marker).
            seg = {
                (n, op, tag): (os.path.join(tmp, f"cg.out.{i + 2}"), c)
                for i, (n, op, tag, c) in enumerate(run["labels"])
            }
            per_call, per_fn = {}, {}
            for (name, op, tag), (p1, n) in seg.items():
                if tag != "n":
                    continue
                i1, f1 = read_dump(p1)
                i2, f2 = read_dump(seg[name, op, "2n"][0])
                per_call[name, op] = (i2 - i1) / n
                per_fn[name, op] = {fn: (f2.get(fn, 0) - f1.get(fn, 0)) / n for fn in set(f1) | set(f2)}
            base = per_call.pop(("empty", "loop"))
            base_fn = per_fn.pop(("empty", "loop"))
            results[key] = {f"{name}|{op}": round(v - base, 1) for (name, op), v in per_call.items()}
            for (name, op), fns in per_fn.items():
                rows = [(round(v - base_fn.get(fn, 0), 1), *fn) for fn, v in fns.items()]
                rows = sorted((r for r in rows if abs(r[0]) >= 1), key=lambda r: -abs(r[0]))[:25]
                profiles[f"{key}|{name}|{op}"] = rows
            results[key]["_empty_loop"] = round(base, 1)
    out = {
        "mode": "callgrind",
        "python": interpreter(),
        "scale": args.scale,
        "files": files,
        "results": results,
        "profiles": profiles,
    }
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)


# --- wall clock, interleaved rounds (PyPy) --------------------------------------------------------


def timer(args):
    """One process: ns per call of every case, best of `repeat` repeats after a warm-up."""
    calls, lib = library(args.module)
    out = {}
    for name, op, x, _ in case_inputs(1.0):
        f, loop = calls[op]
        n, t = 1, 0.0
        end = time.perf_counter() + args.warmup
        while time.perf_counter() < end or t < args.target:  # warm-up (the JIT) and calibration
            t0 = time.perf_counter()
            loop(f, x, n)
            t = time.perf_counter() - t0
            if t < args.target:
                n *= 2
        best = min(_timed(loop, f, x, n) for _ in range(args.repeat))
        out[f"{name}|{op}"] = best / n * 1e9
    print(json.dumps({"file": describe(lib), "ns": out}))


def _timed(loop, f, x, n):
    gc_was = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        loop(f, x, n)
        return time.perf_counter() - t0
    finally:
        if gc_was:
            gc.enable()


def interpreter():
    name = f"{platform.python_implementation()} {platform.python_version()}"
    if hasattr(sys, "pypy_version_info"):
        name += " (PyPy {}.{}.{})".format(*sys.pypy_version_info[:3])
    return name


def rounds(args):
    libs = parse_libs(args.lib)
    per_round, files = [], {}
    for r in range(args.rounds):
        row = {}
        order = libs if r % 2 == 0 else libs[::-1]  # alternate the order too
        for key, module, path in order:
            cmd = [sys.executable, os.path.abspath(__file__), "time", module]
            cmd += ["--warmup", str(args.warmup), "--target", str(args.target), "--repeat", str(args.repeat)]
            env = run_env(path)
            if key == "port":
                env["HPY"] = "universal"
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
            if proc.returncode != 0:
                sys.exit(f"{key}: failed:\n{proc.stderr[-3000:]}")
            data = json.loads(proc.stdout.strip().splitlines()[-1])
            files[key] = data["file"]
            row[key] = data["ns"]
        per_round.append(row)
        print(f"round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    out = {
        "mode": "rounds",
        "python": interpreter(),
        "keys": [k for k, _, _ in libs],
        "files": files,
        "rounds": per_round,
    }
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)


# --- report ---------------------------------------------------------------------------------------


def geomean(values):
    values = [v for v in values if v > 0]
    return statistics.geometric_mean(values) if values else float("nan")


def mean_row(blanks, means):
    return "| geometric mean |" + " |" * blanks + "".join(f" {m:.2f} |" for m in means)


def fmt_count(v):
    return f"{v / 1000:,.1f} k" if v >= 10000 else f"{v:,.0f}"


def fmt_ns(v):
    return f"{v / 1000:,.1f} µs" if v >= 1000 else f"{v:,.0f} ns"


def case_names():
    return [name for name, _, _ in bench.cases()]


def report(args):
    lines = []
    if args.callgrind:
        with open(args.callgrind) as f:
            cg = json.load(f)
        res = cg["results"]
        others = [k for k in ("ujson", "orjson") if k in res]
        lines += [
            f"**{cg['python']}**, instructions per call (callgrind: (I(2N) − I(N)) / N minus an",
            "empty loop's: the call, passing its argument, freeing its result). Ratio < 1: the port executes",
            "fewer instructions.",
            "",
        ]
        for op in OPS:
            head = ["case", *(LABELS[k] for k in ["port", *others])] + [f"port / {k}" for k in others]
            lines += [f"`{op}`:", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            ratios = defaultdict(list)
            for name in case_names():
                key = f"{name}|{op}"
                if key not in res["port"]:
                    continue
                cells = [name] + [fmt_count(res[k][key]) for k in ["port", *others]]
                for k in others:
                    ratio = res["port"][key] / res[k][key]
                    ratios[k].append(ratio)
                    cells.append(f"{ratio:.2f}")
                lines.append("| " + " | ".join(cells) + " |")
            lines.append(mean_row(1 + len(others), [geomean(ratios[k]) for k in others]))
            lines.append("")
    for path in args.rounds:
        with open(path) as f:
            rt = json.load(f)
        keys = rt["keys"]
        others = [k for k in keys if k != "port"]
        n = len(rt["rounds"])
        lines += [
            f"**{rt['python']}**, wall clock per call: the median over {n} interleaved rounds of each",
            "library's best of 5; the ratios are medians of the per-round ratios (in brackets: their range).",
            "Ratio < 1: the port is faster.",
            "",
        ]
        for op in OPS:
            head = ["case", *(LABELS[k] for k in keys)] + [f"port / {k}" for k in others]
            lines += [f"`{op}`:", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            ratios = defaultdict(list)
            for name in case_names():
                key = f"{name}|{op}"
                if key not in rt["rounds"][0]["port"]:
                    continue
                cells = [name] + [fmt_ns(statistics.median(r[k][key] for r in rt["rounds"])) for k in keys]
                for k in others:
                    ratio = statistics.median(r["port"][key] / r[k][key] for r in rt["rounds"])
                    spread = [r["port"][key] / r[k][key] for r in rt["rounds"]]
                    ratios[k].append(ratio)
                    cells.append(f"{ratio:.2f} ({min(spread):.2f}–{max(spread):.2f})")
                lines.append("| " + " | ".join(cells) + " |")
            lines.append(mean_row(len(keys), [geomean(ratios[k]) for k in others]))
            lines.append("")
    for run in filter(None, [args.callgrind, *args.rounds]):
        with open(run) as f:
            data = json.load(f)
        lines += [f"- {data['python']}: " + "; ".join(f"{k}: {v}" for k, v in data["files"].items()) + "."]
    lines += [f"- {note}" for note in args.note]
    if args.command:
        lines += ["", f"Produced by `{args.command}` on {time.strftime('%Y-%m-%d')}.", ""]
    print("\n".join(lines))


def profile(args):
    """The top functions (self instructions per call) of one library's case, from the callgrind JSON."""
    with open(args.callgrind) as f:
        cg = json.load(f)
    for key in args.which:
        print(f"## {key}")
        for v, ob, fn in cg["profiles"].get(key, []):
            print(f"{v:12,.1f}  {ob:40.40}  {fn}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("callgrind")
    s.add_argument("--lib", action="append", required=True)
    s.add_argument("--scale", type=float, default=0.005)
    s.add_argument("--json", required=True)
    s = sub.add_parser("driver")
    s.add_argument("module")
    s.add_argument("--scale", type=float, required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("rounds")
    s.add_argument("--lib", action="append", required=True)
    s.add_argument("--rounds", type=int, default=7)
    s.add_argument("--warmup", type=float, default=0.3)
    s.add_argument("--target", type=float, default=0.05)
    s.add_argument("--repeat", type=int, default=5)
    s.add_argument("--json", required=True)
    s = sub.add_parser("time")
    s.add_argument("module")
    s.add_argument("--warmup", type=float, default=0.3)
    s.add_argument("--target", type=float, default=0.05)
    s.add_argument("--repeat", type=int, default=5)
    s = sub.add_parser("report")
    s.add_argument("--callgrind")
    s.add_argument("--rounds", action="append", default=[])
    s.add_argument("--command")
    s.add_argument("--note", action="append", default=[])
    s = sub.add_parser("profile")
    s.add_argument("callgrind")
    s.add_argument("which", nargs="+", help="KEY|case|op")
    args = p.parse_args()
    commands = dict(
        callgrind=callgrind, driver=driver, rounds=rounds, time=timer, report=report, profile=profile
    )
    commands[args.cmd](args)


if __name__ == "__main__":
    main()
