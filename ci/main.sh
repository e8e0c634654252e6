#!/usr/bin/env bash
# The main job (the README's first command): build ONE kernels wheel, install that same file into
# every interpreter, run the kernels and a short benchmark on each, and print a table.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

ensure_apt
ensure_cpython
ensure_pypy
mapfile -t WHEELS < <(build_wheels "$REPO")
KERNELS=$(printf '%s\n' "${WHEELS[@]}" | grep oxhpy_kernels-)
STAGE=$(stage "$KERNELS")
SHA=$(sha256sum "$KERNELS" | cut -c1-16)

for interp in "${INTERPRETERS[@]}"; do
    install_wheels "$interp" "$KERNELS"
    step "$interp: kernels and benchmark"
    run_py "$interp" bench/kernels_bench.py >"$STAGE/reports/bench-$interp.json"
done

step "results: $(basename "$KERNELS") (sha256 ${SHA}…)"
"$VENV/bin/python" - "$STAGE/reports" "$SHA" <<'PY'
import json, pathlib, sys
rows = [json.loads(p.read_text()) for p in sorted(pathlib.Path(sys.argv[1]).glob("bench-*.json"))]
head = ["interpreter", "version", "HPy", "kernels ok", "add ns/call", "(py a+b)", "div_floor ns/call",
        "sum_bytes GB/s", "(py sum)", "wheel sha256"]
table = [head] + [[r["interpreter"], r["version"], r["hpy"], str(all(r["checks"])), f'{r["add_ns"]:.0f}',
                   f'{r["py_add_ns"]:.0f}', f'{r["div_floor_ns"]:.0f}', f'{r["sum_bytes_gbs"]:.1f}',
                   f'{r["py_sum_gbs"]:.2f}', sys.argv[2]] for r in rows]
w = [max(len(row[i]) for row in table) for i in range(len(head))]
for i, row in enumerate(table):
    print("| " + " | ".join(v.ljust(n) for v, n in zip(row, w)) + " |")
    if i == 0:
        print("|" + "|".join("-" * (n + 2) for n in w) + "|")
sys.exit(0 if rows and all(all(r["checks"]) for r in rows) else 1)
PY
