#!/usr/bin/env bash
# The whole test suite (the README's test command): lints, Rust tests, one wheel per project built
# once and repaired by auditwheel, then pytest on every interpreter (CPython 3.9-3.15, PyPy 3.11,
# GraalPy 24.2: INTERPRETERS in common.sh) in HPy universal, debug and trace mode with those same
# wheel files, and a table. Needs root on Debian 12 (apt-get, debootstrap); installs everything it
# needs itself.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"
MODES=(universal debug trace)

ci_lock
ensure_apt
ensure_cpython

step "cargo fmt --check, clippy, cargo doc, ruff, doc examples"
cargo fmt --all --check
cargo clippy -q --workspace --all-targets -- -D warnings
# examples/ujson is a workspace of its own, as a user's project is.
cargo fmt --manifest-path examples/ujson/Cargo.toml --check
cargo clippy -q --manifest-path examples/ujson/Cargo.toml --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc -q --no-deps -p oxhpy -p hpy-sys -p oxhpy-macros
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/python" ci/docex.py   # every public item of the safe layer has a compiled example

step "cargo test"
cargo test -q --workspace 2>&1 | grep -E '^(test result|error|failures)' || true
cargo test -q --workspace >/dev/null
bash ci/crates.sh

ensure_chroots
ensure_pyenv_cpythons
ensure_graalpy
ensure_runtime_wheels
# tests/leaky: oxhpy_leaky, test only (misuses HPy on purpose for tests/test_debug_catches.py), never shipped.
mapfile -t WHEELS < <(build_wheels "$REPO" "$REPO/tests/ext" "$REPO/tests/leaky")
"$VENV/bin/python" ci/check_wheel.py --glibc "$WHEEL_GLIBC" "${WHEELS[@]}"
# The oxhpy package itself (build backend, pytest plugin): build tooling, tested on the build venv's
# CPython 3.11 only, with the wheel build_wheels installed there. Except for the project `python -m oxhpy
# new` writes: its own ci.sh builds its wheel and passes its tests on CPython 3.11, then tests that same
# wheel file on every other implementation of the matrix (PyPy, GraalPy; python/tests/test_template.py).
step "pytest python/tests (the oxhpy package, CPython 3.11; the new project's ci.sh also on PyPy, GraalPy)"
OXHPY_TEMPLATE_INTERPRETERS=$(printf '%s\n' "${INTERPRETERS[@]}" | grep -v '^cpython' | tr '\n' ' ') \
    OXHPY_RUNTIME_WHEELS=$RUNTIME_DIR "$VENV/bin/python" -m pytest -q -p no:cacheprovider python/tests
stage "${WHEELS[@]}" >/dev/null
KERNELS=$(printf '%s\n' "${WHEELS[@]}" | grep /oxhpy_kernels-)

status=0
for interp in "${INTERPRETERS[@]}"; do
    install_wheels "$interp" "${WHEELS[@]}"
    install_test_deps "$interp"
    for mode in "${MODES[@]}"; do
        step "$interp: pytest, HPY=$mode"
        # Paths relative to the stage dir, the working directory of every run. Each run reports what
        # it measured, including the sha256 of the kernels wheel file as that interpreter reads it.
        RUN_ENV=(HPY="$mode" OXHPY_EXPECT_MODE="$mode" OXHPY_REPORT="reports/$interp-$mode.json"
            OXHPY_WHEEL="dist/$(basename "$KERNELS")")
        rc=0
        run_py "$interp" -m pytest -q -rxs -p no:cacheprovider tests || rc=$?
        echo "$rc" >"$STAGE/reports/$interp-$mode.rc"
        ((rc == 0)) || status=1
        RUN_ENV=()
    done
done

# examples/ujson: ujson's own upstream test suite (from its sdist) and the port's tests, against the port's
# one wheel, in universal and debug mode (the leak checker around every test), on the interpreters the issue
# names; it prints its own table.
step "examples/ujson: ujson's upstream tests on CPython 3.11 and 3.13, PyPy 3.11, GraalPy 24.2"
bash examples/ujson/run_upstream_tests.sh cpython3.11 cpython3.13-trixie pypy3.11 graalpy24.2 || status=1

step "results"
"$VENV/bin/python" "$REPO/ci/report.py" "$STAGE/reports" "$KERNELS" || status=1
exit $status
