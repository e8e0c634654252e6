"""Per-call cost of oxhpy against its peers (bench/peers/): the same four functions in pure Python,
numpy, the C API, hand-written HPy C (universal and CPython ABI), PyO3, an oxhpy user crate and
oxhpy_kernels.

    python bench/calls.py --time [--peers DIR] [--rounds 9] [--json FILE]
        wall-clock ns per call on the running interpreter (CPython, PyPy, GraalPy): interleaved
        rounds, the empty loop subtracted, ratios to the hand-written HPy C universal module
        measured in the same round (medians of the rounds).
    python bench/calls.py --callgrind [--peers DIR] [--json FILE]
        CPython only, under valgrind: instructions per call, deterministic. One process per peer
        (and per HPy mode); in it every case runs N and 2N times between markers (a call of
        os.getppid, where callgrind dumps its counters): (I(2N) - I(N)) / N, minus the same for
        the empty loop. Also each function's share of oxhpy's own calls ("where the time goes").
    python bench/calls.py --report JSON... [--md FILE] [--png FILE]
        docs/performance.md and its chart from the JSON files of the two modes above.

`--peers DIR` (repeatable) puts folders holding built peers on sys.path; `ci/bench.sh` builds them
all and runs everything. A peer that is missing or gives a wrong answer is left out (and said so).
"""

import argparse
import importlib
import importlib.machinery
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
DATA = bytes(range(64))

# (key, label): every peer, in table order. The variants in brackets exist only under callgrind:
# [debug] runs with HPY=debug, [lto] is the same crate built with the workspace's release profile
# (fat LTO, one codegen unit; --lto DIR holds it).
PEERS = [
    ("capi", "C API"),
    ("hpy_cpy", "HPy C, CPython ABI"),
    ("hpy", "HPy C, universal"),
    ("hpy[debug]", "HPy C, universal, debug mode"),
    ("pyo3", "PyO3 0.30"),
    ("oxhpy", "oxhpy user crate"),
    ("oxhpy[debug]", "oxhpy user crate, debug mode"),
    ("oxhpy[lto]", "oxhpy user crate built with LTO"),
    ("kernels", "oxhpy_kernels"),
    ("python", "pure Python"),
    ("numpy", "numpy"),
]
LABEL = dict(PEERS)
BASELINE = "hpy"  # of the wall-clock ratios: present on every interpreter

# (key, label, function, call, argument): every case; `call` is the loop body, `x` its argument.
CASES = [
    ("noop", "noop()", "noop", "f()", None),
    ("add", "add(1, 2)", "add", "f(1, 2)", None),
    ("add_kw", "add_kw(a=1, b=2)", "add_kw", "f(a=1, b=2)", None),
    ("bytes", "sum_bytes(64 B bytes)", "sum_bytes", "f(x)", lambda: bytes(DATA)),
    ("bytearray", "sum_bytes(64 B bytearray)", "sum_bytes", "f(x)", lambda: bytearray(DATA)),
    ("ndarray", "sum_bytes(64 B numpy uint8)", "sum_bytes", "f(x)", lambda: numpy_array()),
]
CASE_LABEL = {c[0]: c[1] for c in CASES}
EXPECTED = dict(noop=None, add=3, add_kw=3, bytes=sum(DATA), bytearray=sum(DATA), ndarray=sum(DATA))
# oxhpy_kernels has no noop and no add_kw: its add takes keywords (HPyFunc_KEYWORDS).
ALIASES = {"kernels": {"add_kw": "add"}}


def numpy_array():
    import numpy as np

    return np.frombuffer(DATA, dtype=np.uint8).copy()


def load_universal(name):
    """The HPy universal module `name` from `name.hpy0.so` on sys.path, honouring HPY=debug."""
    from hpy.universal import _load_bootstrap

    for folder in sys.path:
        path = os.path.join(folder or ".", name + ".hpy0.so")
        if os.path.isfile(path):
            spec = importlib.machinery.ModuleSpec(name, None, origin=path)
            return _load_bootstrap(name, name, None, path, None, spec, os.environ)
    raise ImportError(f"no {name}.hpy0.so on sys.path")


def load_peer(key):
    base = key.split("[")[0]
    if base == "hpy":
        return load_universal("hpy_peer")
    module = {
        "capi": "capi_peer",
        "hpy_cpy": "hpy_peer_cpy",
        "pyo3": "pyo3_peer",
        "oxhpy": "oxhpy_peer",
        "kernels": "oxhpy_kernels",
        "python": "pure_peer",
        "numpy": "numpy_peer",
    }[base]
    return importlib.import_module(module)


def make_loop(body):
    """A fresh function (own code object: PyPy traces each separately) calling `body` n times."""
    src = f"def loop(f, x, n):\n    for _ in repeat(None, n):\n        {body}\n"
    namespace = {"repeat": repeat}
    exec(compile(src, f"<loop {body}>", "exec"), namespace)
    return namespace["loop"]


def call_once(body, f, x):
    return eval(body, {"f": f, "x": x})


def entries(keys, notes):
    """[(peer, case, function, argument, body)] for every peer in `keys` that loads and answers right."""
    found = []
    try:
        import numpy  # noqa: F401
    except ImportError:
        notes.append("numpy is not installed: no numpy cases")
        keys = [k for k in keys if k != "numpy"]
    cases = [c for c in CASES if c[0] != "ndarray" or "numpy" in sys.modules]
    missing = []
    for key in keys:
        try:
            module = load_peer(key)
        except ImportError:  # a peer not built for this interpreter
            missing.append(LABEL[key])
            continue
        for case, _, name, body, make in cases:
            f = getattr(module, ALIASES.get(key, {}).get(case, name), None)
            if f is None:
                if key not in ("numpy", "kernels"):
                    notes.append(f"{key}: {module.__name__} has no {name}")
                continue
            try:
                x = make() if make else None
                got = call_once(body, f, x)
            except Exception as e:
                if not (key == "numpy" and case != "ndarray"):
                    notes.append(f"{key} {case}: {type(e).__name__}: {e}")
                continue
            if got != EXPECTED[case]:
                notes.append(f"{key} {case}: wrong answer {got!r}")
                continue
            found.append((key, case, f, x, body))
    if missing:
        notes.append("not built for this interpreter: " + ", ".join(missing))
    return found


def overflow_checks(keys):
    """Peers whose add() does not raise OverflowError on int64 overflow (pure Python and numpy do not)."""
    bad = []
    for key in keys:
        try:
            add = load_peer(key).add
            add(2**62, 2**62)
        except OverflowError:
            continue
        except Exception:
            continue
        bad.append(key)
    return bad


def interpreter():
    impl, ver = platform.python_implementation(), platform.python_version()
    if impl == "PyPy":
        return f"PyPy {ver} ({'.'.join(map(str, sys.pypy_version_info[:3]))})"
    if sys.implementation.name == "graalpy":
        import __graalpython__

        return f"GraalPy {__graalpython__.get_graalvm_version()} (Python {ver})"
    return f"{impl} {ver}"


# --- wall clock --------------------------------------------------------------------------------


def time_mode(args):
    notes = []
    keys = [k for k, _ in PEERS if "[" not in k and (not args.only or k in args.only)]
    found = entries(keys, notes)
    empty = make_loop("pass")
    loops = [(key, case, f, x, make_loop(body)) for key, case, f, x, body in found]
    target_ns = args.target_ms * 1e6

    def timed(loop, f, x, n):
        t0 = time.perf_counter_ns()
        loop(f, x, n)
        return time.perf_counter_ns() - t0

    # Warm up (PyPy's JIT) and size each loop to take about target_ms.
    sizes = {}
    for key, case, f, x, loop in loops:
        n = 1000
        while True:
            t = min(timed(loop, f, x, n) for _ in range(3))
            if t > target_ns / 4 or n >= 1 << 26:
                break
            n *= 4
        sizes[key, case] = max(1000, int(n * target_ns / max(t, 1)))
    n_empty = max(sizes.values())
    ns = defaultdict(list)
    for r in range(args.rounds):
        order = loops if r % 2 == 0 else loops[::-1]
        e = min(timed(empty, None, None, n_empty) for _ in range(2)) / n_empty
        this = {}
        for key, case, f, x, loop in order:
            n = sizes[key, case]
            this[key, case] = min(timed(loop, f, x, n) for _ in range(2)) / n - e
        e = (e + min(timed(empty, None, None, n_empty) for _ in range(2)) / n_empty) / 2
        for k, v in this.items():
            ns[k].append(v)
        ns["empty", "loop"].append(e)
        print(f"round {r + 1}/{args.rounds}", file=sys.stderr)
    results = defaultdict(dict)
    for (key, case), values in ns.items():
        if key == "empty":
            continue
        base = ns.get((BASELINE, case))
        row = {"ns": statistics.median(values), "best": min(values)}
        if base:
            row["ratio"] = statistics.median(v / b for v, b in zip(values, base))
        results[key][case] = row
    return {
        "mode": "time",
        "interpreter": interpreter(),
        "rounds": args.rounds,
        "baseline": BASELINE,
        "empty_loop_ns": statistics.median(ns["empty", "loop"]),
        "results": results,
        "notes": notes
        + [
            f"{k}: add() does not raise OverflowError"
            for k in overflow_checks(sorted({k for k, *_ in found}))
        ],
    }


# --- callgrind -----------------------------------------------------------------------------------

MARKER = "os_getppid"  # CPython's C function behind os.getppid: callgrind dumps before each call


def driver_mode(args):
    """Runs inside valgrind: markers and loops; writes the segment labels in dump order."""
    notes = []
    found = entries([args.driver], notes)
    empty = make_loop("pass")
    plan = [("empty", "loop", empty, None, None)]
    for key, case, f, x, body in found:
        plan.append((key, case, make_loop(body), f, x))
    labels = []
    n = args.n
    for key, case, loop, f, x in plan:
        for tag, count in (("warm", n // 10), ("n", n), ("2n", 2 * n)):
            os.getppid()
            loop(f, x, count)
            labels.append([key, case, tag])
    os.getppid()
    with open(args.out, "w") as out:
        json.dump({"labels": labels, "notes": notes}, out)


def read_dump(path):
    """Self cost (Ir) per (object, function) of one callgrind output file, and the total."""
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
            head = line[:4]
            if head.startswith(("ob=", "fn=")):
                kind, value = line[:2], line[3:].rstrip("\n")
                if kind == "ob":
                    ob = name("ob", value)
                else:
                    fn = name("fn", value)
            elif head.startswith(("cob=", "cfn=")):
                name(line[1:3], line[4:].rstrip("\n"))
            elif head.startswith("call"):
                skip = True
            elif line[:1].isdigit() or line[:1] in "+-*":
                if skip:
                    skip = False
                    continue
                parts = line.split()
                if len(parts) > 1:
                    self_cost[os.path.basename(ob or "?"), fn] += int(parts[1])
            elif line.startswith("summary:") or line.startswith("totals:"):
                total = int(line.split()[1])
    return total, self_cost


def callgrind_mode(args):
    if not sys.executable or platform.python_implementation() != "CPython":
        sys.exit("--callgrind needs CPython")
    python = sys.executable  # a venv's python (a symlink), never a shell-script shim (pyenv's)
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=os.pathsep.join(peer_paths(args)))
    results, notes, profile = defaultdict(dict), [], {}
    for key in [k for k, _ in PEERS if not args.only or k in args.only]:
        mode_env = dict(env, HPY="debug") if key.endswith("[debug]") else dict(env, HPY="universal")
        if key.endswith("[lto]"):
            if not args.lto:
                continue
            mode_env["PYTHONPATH"] = os.path.abspath(args.lto) + os.pathsep + env["PYTHONPATH"]
        with tempfile.TemporaryDirectory(prefix="oxhpy-cg-") as tmp:
            labels_file = os.path.join(tmp, "labels.json")
            cmd = [
                "valgrind",
                "--tool=callgrind",
                f"--dump-before={MARKER}",
                f"--callgrind-out-file={tmp}/cg.out",
                python,
                os.path.abspath(__file__),
                "--driver",
                key,
                "--n",
                str(args.n),
                "--out",
                labels_file,
            ]
            print(f"callgrind: {key}", file=sys.stderr)
            proc = subprocess.run(cmd, env=mode_env, cwd=tmp, capture_output=True, text=True)
            if proc.returncode != 0 or not os.path.exists(labels_file):
                notes.append(f"{key}: driver failed: {proc.stderr.strip().splitlines()[-3:]}")
                continue
            with open(labels_file) as f:
                run = json.load(f)
            notes += run["notes"]
            dumps = {}
            for i, (peer, case, tag) in enumerate(run["labels"]):
                dumps[peer, case, tag] = os.path.join(tmp, f"cg.out.{i + 2}")
            per_call = {}
            for (peer, case, tag), path in dumps.items():
                if tag == "n":
                    i1, _ = read_dump(path)
                    i2, _ = read_dump(dumps[peer, case, "2n"])
                    per_call[peer, case] = (i2 - i1) / args.n
            base = per_call.pop(("empty", "loop"))
            for (_, case), value in per_call.items():
                results[key][case] = round(value - base, 1)
            results[key]["_empty_loop"] = round(base, 1)
            for case in results[key]:
                if (key, case, "n") in dumps:
                    profile[f"{key} {case}"] = breakdown(dumps, key, case, args.n)
    return {
        "mode": "callgrind",
        "interpreter": interpreter(),
        "n": args.n,
        "results": results,
        "profile": profile,
        "notes": notes,
    }


def breakdown(dumps, key, case, n):
    """Instructions per call by function: (2N segment - N segment) of the case minus the empty loop's."""
    per = defaultdict(float)
    for (peer, c), sign in (((key, case), 1), (("empty", "loop"), -1)):
        _, one = read_dump(dumps[peer, c, "n"])
        _, two = read_dump(dumps[peer, c, "2n"])
        for fn in set(one) | set(two):
            per[fn] += sign * (two.get(fn, 0) - one.get(fn, 0)) / n
    rows = [(round(v, 1), ob, fn) for (ob, fn), v in per.items() if abs(v) >= 0.5]
    return sorted(rows, key=lambda r: -abs(r[0]))


def peer_paths(args):
    return [os.path.abspath(p) for p in args.peers] + [os.path.join(HERE, "peers")]


# --- report --------------------------------------------------------------------------------------

# The breakdowns the report shows (the JSON has every peer's and case's).
SHOWN_PROFILES = ["oxhpy add", "hpy add", "oxhpy add_kw", "hpy add_kw", "oxhpy bytes", "oxhpy bytearray"]


def report_mode(args):
    runs = []
    for path in args.report:
        with open(path) as f:
            runs.append(json.load(f))
    cg = [r for r in runs if r["mode"] == "callgrind"]
    timed = [r for r in runs if r["mode"] == "time"]
    kernels = [r for r in runs if r["mode"] == "kernels"]
    took = f" The whole command took {args.seconds / 60:.0f} min." if args.seconds else ""
    lines = [
        "# Per-call performance: oxhpy and its peers",
        "",
        f"Written by `{args.command}` on {time.strftime('%Y-%m-%d')} (commit {git_commit()}; {machine()})."
        + took,
        "The peers (the same four functions for every toolkit) are in [`bench/peers/`](../bench/peers/),",
        "the harness is [`bench/calls.py`](../bench/calls.py); method and peers:",
        "[`bench/README.md`](../bench/README.md#per-call-cost-against-the-peers).",
        "",
        "![per-call cost of every peer](performance.png)",
        "",
    ]
    for r in cg:
        lines += callgrind_table(r)
    for r in timed:
        lines += time_table(r)
    for r in kernels:
        lines += kernels_section(r)
    for r in cg:
        lines += profile_section(r)
    notes = [f"{r['interpreter']}: {n}" for r in runs for n in r.get("notes", [])]
    if notes:
        lines += ["## Notes from the run", ""] + [f"- {n}" for n in notes] + [""]
    with open(args.md, "w") as f:
        f.write("\n".join(lines))
    if args.png:
        chart(cg, timed, args.png)


def table(res, cell, extra=()):
    """Markdown rows: one per peer present in `res`, one column per case any of them has."""
    peers = [k for k, _ in PEERS if k in res]
    cases = [c for c, *_ in CASES if any(c in res[k] for k in peers)]
    out = [
        "| peer | " + " | ".join(f"`{CASE_LABEL[c]}`" for c in cases) + " |",
        "|---|" + "---:|" * len(cases),
    ]
    for k in peers:
        out.append(
            f"| {LABEL[k]} | " + " | ".join(cell(res[k][c]) if c in res[k] else "" for c in cases) + " |"
        )
    for label, row in extra:
        out.append(f"| {label} | " + " | ".join(row(c) for c in cases) + " |")
    return out


def callgrind_table(r):
    res = r["results"]
    empty = next(iter(res.values()))["_empty_loop"]

    def ratio(peer):
        def row(c):
            if c in res.get(peer, {}) and c in res.get("hpy", {}):
                return f"{res[peer][c] / res['hpy'][c]:.2f}×"
            return ""

        return row

    return [
        f"## {r['interpreter']}: instructions per call (callgrind)",
        "",
        f"(I(2N) − I(N)) / N with N = {r['n']} calls in one process, minus the same for the empty loop "
        f"({empty:.0f} per iteration): the call alone, bytecode dispatch included. Deterministic: a rerun "
        "gives the same numbers (± 1). The last rows divide by the hand-written HPy C universal module.",
        "",
        *table(
            res,
            lambda v: f"{v:.0f}",
            [
                ("**oxhpy user crate / HPy C universal**", ratio("oxhpy")),
                ("oxhpy user crate with LTO / HPy C universal", ratio("oxhpy[lto]")),
                ("oxhpy_kernels / HPy C universal", ratio("kernels")),
                (
                    "debug: oxhpy / HPy C",
                    lambda c: (
                        f"{res['oxhpy[debug]'][c] / res['hpy[debug]'][c]:.2f}×"
                        if c in res.get("oxhpy[debug]", {}) and c in res.get("hpy[debug]", {})
                        else ""
                    ),
                ),
            ],
        ),
        "",
    ]


def ns(v):
    return "≈ 0" if v < 0.5 else (f"{v:.1f}" if v < 100 else f"{v:.0f}")


def time_table(r):
    base = LABEL[r["baseline"]]
    return [
        f"## {r['interpreter']}: wall-clock ns per call",
        "",
        f"Median of {r['rounds']} interleaved rounds, the empty loop ({r['empty_loop_ns']:.1f} ns) removed; "
        f"in brackets the median of the per-round ratios to {base}.",
        "",
        *table(
            r["results"],
            lambda v: ns(v["ns"]) + (f" ({v['ratio']:.2f}×)" if "ratio" in v and v["ns"] >= 0.5 else ""),
        ),
        "",
    ]


def kernels_section(r):
    """The kernels on large inputs against the machine (bench/run.py's JSON), with the targets."""
    sys.path.insert(0, HERE)
    from run import LABELS, target_mark

    m = r["machine"]
    out = [
        f"## {r['interpreter']} {r['version']}: the kernels at the limit ({r['mib']} MiB)",
        "",
        f"`bench/run.py`: {r['rounds']} interleaved rounds (best of {r['inner']} per round), against the "
        f"probe's native loops over the same memory in the same process ({m['cpus']} CPUs, AVX2 "
        f"{'yes' if m['avx2'] else 'no'}), and numpy {r['numpy'] or '(none)'}. Targets judge the median of "
        "the per-round ratios.",
        "",
        "| ratio | of bests | median per round | target |",
        "|---|---:|---:|---|",
    ]
    out += [
        f"| {name} | {v['best']:.2f} | {v['median']:.2f} | {target_mark(name, v, r['interpreter'])} |"
        for name, v in r["ratios"].items()
    ]
    out += ["", "| operation | best ms | median ms | best GB/s |", "|---|---:|---:|---:|"]
    out += [
        f"| {LABELS.get(name, name)} | {v['best_ms']:.2f} | {v['median_ms']:.2f} | {v['best_gbs']:.1f} |"
        for name, v in r["large"].items()
    ]
    bad = [name for name, ok in r["checks"].items() if not ok]
    out += ["", "Results: " + ("all correct." if not bad else "WRONG: " + ", ".join(bad)), ""]
    return out


def profile_section(r, top=20):
    out = []
    for name in SHOWN_PROFILES:
        rows = r["profile"].get(name)
        if not rows:
            continue
        key, case = name.split(" ")
        total = sum(v for v, *_ in rows)
        out += [
            f"### {LABEL[key]}: `{CASE_LABEL[case]}`, {total:.0f} instructions",
            "",
            "```",
            *(f"{v:8.1f}  {fn}  [{ob}]" for v, ob, fn in rows[:top]),
            *(
                [f"{sum(v for v, *_ in rows[top:]):8.1f}  ({len(rows) - top} more functions)"]
                if rows[top:]
                else []
            ),
            "```",
            "",
        ]
    if out:
        out = [
            f"## Where the time goes ({r['interpreter']}, callgrind)",
            "",
            "Self instructions per call of each function (what `callgrind_annotate` lists as a "
            "function's own Ir), taken like the table above: the 2N-call dump minus the N-call dump, "
            "divided by N, minus the empty loop's. `_PyEval_EvalFrameDefault` is the interpreter running "
            "the loop's call bytecodes (and, with a `'2`, Python code the call runs); `ctx_*` and "
            "`ctx_CallRealFunctionFromTrampoline` are HPy's CPython runtime (`hpy.universal`).",
            "",
        ] + out
    return out


# One hue per toolkit: greys for the C API, blues for HPy C, oranges/red for oxhpy.
COLOURS = {
    "capi": "#555555",
    "hpy_cpy": "#9ecae1",
    "hpy": "#3182bd",
    "hpy[debug]": "#08306b",
    "pyo3": "#756bb1",
    "oxhpy": "#e6550d",
    "oxhpy[debug]": "#a63603",
    "oxhpy[lto]": "#fdae6b",
    "kernels": "#d62728",
    "python": "#31a354",
    "numpy": "#17becf",
}


def chart(cg, timed, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [(r, "instructions per call (callgrind)", lambda v: v) for r in cg]
    panels += [(r, "wall-clock ns per call", lambda v: v["ns"]) for r in timed]
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.4 * len(panels)), squeeze=False)
    for ax, (r, unit, value) in zip(axes[:, 0], panels):
        res = r["results"]
        peers = [k for k, _ in PEERS if k in res]
        cases = [c for c, *_ in CASES if any(c in res[k] for k in peers)]
        width = 0.84 / len(peers)
        for i, k in enumerate(peers):
            points = [(j + i * width, value(res[k][c])) for j, c in enumerate(cases) if c in res[k]]
            points = [(x, y) for x, y in points if y >= 0.5]  # PyPy's JIT removes pure Python's calls
            ax.bar([x for x, _ in points], [y for _, y in points], width, label=LABEL[k], color=COLOURS[k])
        ax.set_xticks([j + 0.42 - width / 2 for j in range(len(cases))])
        ax.set_xticklabels([CASE_LABEL[c].replace("(64 B ", "(\n64 B ") for c in cases], fontsize=8)
        ax.set_yscale("log")
        ax.set_title(f"{r['interpreter']}: {unit}, log scale", fontsize=10)
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=7, ncol=5, loc="upper left")
        ax.set_ylim(top=ax.get_ylim()[1] * 8)  # room for the legend
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def git_commit():
    try:
        return subprocess.run(
            ["git", "-C", HERE, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except Exception:
        return "?"


def machine():
    model = "?"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except Exception:
        pass
    return f"{model}, {os.cpu_count()} CPUs"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--peers", action="append", default=[], help="folder with built peers (on sys.path)")
    p.add_argument("--time", action="store_true", help="wall-clock ns per call on this interpreter")
    p.add_argument("--callgrind", action="store_true", help="instructions per call (CPython, valgrind)")
    p.add_argument("--report", nargs="+", metavar="JSON", help="write --md and --png from these results")
    p.add_argument("--json", help="write the results here (else print them)")
    p.add_argument("--lto", help="folder holding oxhpy_peer built with LTO (callgrind: oxhpy[lto])")
    p.add_argument("--only", action="append", help="measure only this peer (repeatable)")
    p.add_argument("--rounds", type=int, default=9)
    p.add_argument("--target-ms", type=float, default=4.0, help="time per timed loop")
    p.add_argument("--n", type=int, default=5000, help="calls per callgrind segment")
    p.add_argument("--md", default=os.path.join(HERE, "..", "docs", "performance.md"))
    p.add_argument("--png", default=os.path.join(HERE, "..", "docs", "performance.png"))
    p.add_argument("--seconds", type=float, help="how long the whole command took (for the report)")
    p.add_argument("--command", default="bash ci/bench.sh", help="the command named in the report")
    p.add_argument("--driver", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    args = p.parse_args()
    sys.path[:0] = peer_paths(args)
    if args.driver:
        return driver_mode(args)
    if args.report:
        return report_mode(args)
    if not (args.time or args.callgrind):
        p.error("one of --time, --callgrind, --report")
    result = time_mode(args) if args.time else callgrind_mode(args)
    text = json.dumps(result, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
