#!/usr/bin/env bash
# The whole test suite (the README's test command): lints, Rust tests, one wheel per project built
# once, then pytest on every interpreter in HPy universal, debug and trace mode, and a table.
# Needs root on Debian 12 (apt-get, debootstrap); installs everything it needs itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"
MODES=(universal debug trace)

ensure_apt
ensure_cpython

step "cargo fmt --check, clippy, ruff"
cargo fmt --all --check
cargo clippy -q --workspace --all-targets -- -D warnings
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .

step "cargo test"
OXHPY_PYTHON=$VENV/bin/python cargo test -q --workspace 2>&1 | grep -E '^(test result|error|failures)' || true
OXHPY_PYTHON=$VENV/bin/python cargo test -q --workspace >/dev/null

ensure_pypy
mapfile -t WHEELS < <(build_wheels "$REPO" "$REPO/tests/ext")
"$VENV/bin/python" ci/check_wheel.py "${WHEELS[@]}"
stage "${WHEELS[@]}" >/dev/null
KERNELS=$(ls "$OXHPY_CACHE"/dist/oxhpy_kernels-*.whl)
SHA=$(sha256sum "$KERNELS" | cut -c1-16)

status=0
for interp in "${INTERPRETERS[@]}"; do
    install_wheels "$interp" "${WHEELS[@]}"
    install_test_deps "$interp"
    for mode in "${MODES[@]}"; do
        step "$interp: pytest, HPY=$mode"
        # Relative to the stage dir, the working directory of every run.
        RUN_ENV=(HPY="$mode" OXHPY_EXPECT_MODE="$mode" OXHPY_REPORT="reports/$interp-$mode.json")
        run_py "$interp" -m pytest -q -p no:cacheprovider tests || status=1
        RUN_ENV=()
    done
done

step "results (kernels wheel sha256 ${SHA}…)"
"$VENV/bin/python" "$REPO/ci/report.py" "$OXHPY_TRIXIE_DIR$STAGE_IN/reports" "$KERNELS"
exit $status
