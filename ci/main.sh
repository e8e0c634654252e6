#!/usr/bin/env bash
# The main job (the README's first command): build ONE kernels wheel, repair it with auditwheel,
# install that same file into every interpreter (CPython 3.9-3.15, PyPy 3.11, GraalPy 24.2:
# INTERPRETERS in common.sh), run the kernels and a short benchmark on each, and print a table.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

ci_lock
ensure_apt
ensure_cpython
ensure_chroots
ensure_pyenv_cpythons
ensure_graalpy
ensure_runtime_wheels
mapfile -t WHEELS < <(build_wheels "$REPO")
KERNELS=$(printf '%s\n' "${WHEELS[@]}" | grep /oxhpy_kernels-)
"$VENV/bin/python" ci/check_wheel.py --glibc "$WHEEL_GLIBC" "$KERNELS"
stage "$KERNELS" >/dev/null
SHA=$(sha256sum "$KERNELS" | cut -c1-16)

for interp in "${INTERPRETERS[@]}"; do
    install_wheels "$interp" "$KERNELS"
    step "$interp: kernels and benchmark"
    # Each run also hashes the wheel file as its interpreter reads it: the table's last column.
    RUN_ENV=(OXHPY_WHEEL="$(staged "$interp" "dist/$(basename "$KERNELS")")")
    run_py "$interp" bench/kernels_bench.py >"$STAGE/reports/bench-$interp.json"
    RUN_ENV=()
done

step "results: $(basename "$KERNELS") (sha256 ${SHA}…)"
"$VENV/bin/python" - "$STAGE/reports" "$SHA" "${#INTERPRETERS[@]}" <<'PY'
import json, pathlib, re, sys
def natural(p):  # bench-cpython3.9 before bench-cpython3.10
    return [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p.name)]
rows = [json.loads(p.read_text()) for p in sorted(pathlib.Path(sys.argv[1]).glob("bench-*.json"), key=natural)]
head = ["interpreter", "version", "HPy", "kernels ok", "add ns/call", "(py a+b)", "div_floor ns/call",
        "sum_bytes GB/s", "(py sum)", "wheel sha256"]
table = [head] + [[r["interpreter"], r["version"], r["hpy"], str(all(r["checks"])), f'{r["add_ns"]:.0f}',
                   f'{r["py_add_ns"]:.0f}', f'{r["div_floor_ns"]:.0f}', f'{r["sum_bytes_gbs"]:.1f}',
                   f'{r["py_sum_gbs"]:.2f}', r["wheel_sha256"][:16]] for r in rows]
w = [max(len(row[i]) for row in table) for i in range(len(head))]
for i, row in enumerate(table):
    print("| " + " | ".join(v.ljust(n) for v, n in zip(row, w)) + " |")
    if i == 0:
        print("|" + "|".join("-" * (n + 2) for n in w) + "|")
ok = len(rows) == int(sys.argv[3]) and all(all(r["checks"]) and r["wheel_sha256"][:16] == sys.argv[2] for r in rows)
sys.exit(0 if ok else 1)
PY
