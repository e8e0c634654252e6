#!/usr/bin/env bash
# Per-call benchmark of oxhpy against its peers (bench/peers/, bench/calls.py), in one command:
#
#   bash ci/bench.sh            provision, build every peer, measure, write docs/performance.md + .png
#
# Builds: the C API peer (CPython, PyPy, GraalPy), the hand-written HPy C peer (setuptools +
# hpy.devel, universal and CPython ABI), PyO3 (maturin, release) for CPython 3.11 and PyPy 3.11, the
# oxhpy user crate and oxhpy_kernels (universal wheels). Measures: callgrind instructions per call on
# CPython 3.11 (universal and HPy debug mode), wall-clock ns per call on CPython 3.11, PyPy 3.11 and
# GraalPy 24.2; the kernels on 64 MiB against the machine's bandwidth (bench/run.py) on CPython 3.11
# and PyPy 3.11. Everything lives under $OXHPY_CACHE/bench; the results' JSON in $OXHPY_CACHE/bench/results.
# About 7 minutes on 2 cores with warm caches (callgrind is 5 of them); the first builds add ~3 min,
# provisioning a fresh machine (chroot, GraalPy, HPy runtime) ~15 min more.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

# Only what the benchmark runs on (common.sh's lists name every interpreter of the test matrix).
INTERPRETERS=(cpython3.11 pypy3.11 graalpy24.2)
PYENV_CPYTHONS=(3.11)
BENCH=$OXHPY_CACHE/bench
BENCH_VENV=$OXHPY_CACHE/venv-bench-cp311
PYPY_VENV_IN=/opt/venv-bench-pypy311 # inside the trixie chroot
PYPY_STAGE_IN=/tmp/oxhpy-bench
PYPY_STAGE=$OXHPY_TRIXIE_DIR$PYPY_STAGE_IN
export CARGO_TARGET_DIR=$BENCH/target

ci_lock
ensure_apt
command -v valgrind >/dev/null || {
    step "apt-get install valgrind"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind >/dev/null
}
ensure_cpython
ensure_pyenv_cpythons
step "provisioning PyPy 3.11 (Debian trixie chroot)"
ci/provision_chroot.sh trixie
ensure_graalpy
ensure_runtime_wheels
mkdir -p "$BENCH/results"

step "bench venv $BENCH_VENV: numpy, matplotlib, maturin, cffi, the HPy runtime"
[[ -x $BENCH_VENV/bin/python ]] || "${OXHPY_HOST_PYTHON:-python3}" -m venv "$BENCH_VENV"
"$BENCH_VENV/bin/python" -m pip install -q numpy matplotlib 'maturin>=1.9,<2' 'cffi>=1.15'
"$BENCH_VENV/bin/python" -m pip install -q --force-reinstall --no-deps --no-index --find-links "$RUNTIME_DIR" oxhpy-hpy

step "C peers: capi_peer, hpy_peer (universal), hpy_peer_cpy (CPython ABI)"
rm -rf "$BENCH/c-cp311" "$BENCH/c-build" && mkdir -p "$BENCH/c-cp311"
for abi in universal cpython; do
    (cd bench/peers && "$VENV/bin/python" setup_c.py -q --hpy-abi=$abi build -b "$BENCH/c-build")
done
# Not hpy.devel's stub hpy_peer.py (it needs pkg_resources): calls.py loads the .hpy0.so itself.
cp "$BENCH"/c-build/lib.*-cpython-311/*.so "$BENCH"/c-build/lib.*-hpy-universal/hpy_peer.hpy0.so "$BENCH/c-cp311/"

step "wheels: oxhpy_kernels, oxhpy_peer (universal; and with LTO), pyo3_peer (cp311)"
rm -rf "$BENCH/dist" && mkdir -p "$BENCH/dist"
build_tooling # the oxhpy build backend of both projects, installed into $VENV
for project in "$REPO" bench/peers/oxhpy-peer; do
    "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$BENCH/dist" "$project"
done
CARGO_TARGET_DIR=$BENCH/target-pyo3-cp311 "$BENCH_VENV/bin/maturin" build -q --release \
    -m bench/peers/pyo3-peer/Cargo.toml -i "$BENCH_VENV/bin/python" -o "$BENCH/dist"
"$BENCH_VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$BENCH/dist"/*.whl
# The same user crate with the workspace's release profile, to show what the default profile costs.
rm -rf "$BENCH/dist-lto" "$BENCH/lto" bench/peers/oxhpy-peer/build
CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_TARGET_DIR=$BENCH/target-lto \
    "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$BENCH/dist-lto" bench/peers/oxhpy-peer
"$BENCH_VENV/bin/python" -m zipfile -e "$BENCH"/dist-lto/oxhpy_peer-*.whl "$BENCH/lto"

step "PyPy 3.11: venv with numpy; pyo3_peer (maturin) and capi_peer (cpyext) for PyPy"
ci/in_chroot.sh trixie /bin/sh -c "dpkg -s pypy3-dev >/dev/null 2>&1 || { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends pypy3-dev >/dev/null; }
    [ -x $PYPY_VENV_IN/bin/python ] || pypy3 -m venv $PYPY_VENV_IN"
ci/in_chroot.sh trixie "$PYPY_VENV_IN/bin/python" -m pip install -q --only-binary :all: numpy ||
    echo "note: no numpy wheel for PyPy 3.11; its numpy cases are left out" >&2
rm -rf "$PYPY_STAGE" && mkdir -p "$PYPY_STAGE/peers"
cp -r bench "$PYPY_STAGE/bench"
cp "$BENCH/c-cp311/hpy_peer.hpy0.so" "$PYPY_STAGE/peers/"
for w in "$BENCH"/dist/oxhpy_*.whl; do "$BENCH_VENV/bin/python" -m zipfile -e "$w" "$PYPY_STAGE/peers"; done
# PyO3 for PyPy, built on the host: maturin asks PyPy about itself inside the chroot (through this
# wrapper); PyO3's build script reads the same facts from PYO3_CONFIG_FILE (it cannot run a program
# inside the chroot). An extension module links nothing of PyPy's.
printf '#!/bin/sh\nexec "%s" trixie %s "$@"\n' "$REPO/ci/in_chroot.sh" "$PYPY_VENV_IN/bin/python" >"$BENCH/pypy"
chmod +x "$BENCH/pypy"
"$BENCH/pypy" -c 'import sys; print("implementation=PyPy\nversion=%d.%d" % sys.version_info[:2])' >"$BENCH/pyo3-pypy.cfg"
printf 'shared=true\nabi3=false\npointer_width=64\nbuild_flags=\n' >>"$BENCH/pyo3-pypy.cfg"
rm -rf "$BENCH/dist-pypy"
PYO3_CONFIG_FILE=$BENCH/pyo3-pypy.cfg CARGO_TARGET_DIR=$BENCH/target-pyo3-pypy "$BENCH_VENV/bin/maturin" build -q \
    --release -m bench/peers/pyo3-peer/Cargo.toml -i "$BENCH/pypy" -o "$BENCH/dist-pypy"
"$BENCH_VENV/bin/python" -m zipfile -e "$BENCH"/dist-pypy/pyo3_peer-*.whl "$PYPY_STAGE/peers"
ci/in_chroot.sh trixie "$PYPY_VENV_IN/bin/python" "$PYPY_STAGE_IN/bench/peers/build_capi.py" "$PYPY_STAGE_IN/peers"

# PyO3 0.30 needs GraalPy 25, which no longer has HPy: no PyO3 peer on GraalPy 24.2.
step "GraalPy 24.2: the universal peers and capi_peer"
rm -rf "$BENCH/graalpy" && mkdir -p "$BENCH/graalpy"
cp "$BENCH/c-cp311/hpy_peer.hpy0.so" "$BENCH/graalpy/"
for w in "$BENCH"/dist/oxhpy_*.whl; do "$BENCH_VENV/bin/python" -m zipfile -e "$w" "$BENCH/graalpy"; done
"$GRAALPY_VENV/bin/python" bench/peers/build_capi.py "$BENCH/graalpy"

R=$BENCH/results
step "CPython 3.11: callgrind, instructions per call"
"$BENCH_VENV/bin/python" bench/calls.py --callgrind --peers "$BENCH/c-cp311" --lto "$BENCH/lto" \
    --json "$R/callgrind-cp311.json"
step "CPython 3.11: wall clock"
"$BENCH_VENV/bin/python" bench/calls.py --time --peers "$BENCH/c-cp311" --json "$R/time-cp311.json"
step "PyPy 3.11: wall clock"
ci/in_chroot.sh trixie "$PYPY_VENV_IN/bin/python" "$PYPY_STAGE_IN/bench/calls.py" --time \
    --peers "$PYPY_STAGE_IN/peers" --json "$PYPY_STAGE_IN/time-pypy311.json"
cp "$PYPY_STAGE/time-pypy311.json" "$R/"
step "GraalPy 24.2: wall clock"
"$GRAALPY_VENV/bin/python" bench/calls.py --time --peers "$BENCH/graalpy" --json "$R/time-graalpy.json"

step "the kernels at the limit (bench/run.py, 64 MiB): CPython 3.11 and PyPy 3.11"
# The probe library (native loops timed in the interpreter's own process), built once on the host.
PROBE=$(cargo build -q --release --manifest-path bench/probe/Cargo.toml --message-format=json |
    "$VENV/bin/python" -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and "cdylib" in m["target"]["kind"]:
        print(next(f for f in m["filenames"] if f.endswith(".so")))')
"$BENCH_VENV/bin/python" bench/run.py --probe "$PROBE" --json "$R/kernels-cp311.json"
cp "$PROBE" "$PYPY_STAGE/"
ci/in_chroot.sh trixie /bin/sh -c "cd $PYPY_STAGE_IN && PYTHONPATH=$PYPY_STAGE_IN/peers $PYPY_VENV_IN/bin/python \
    bench/run.py --probe $PYPY_STAGE_IN/$(basename "$PROBE") --json $PYPY_STAGE_IN/kernels-pypy311.json"
cp "$PYPY_STAGE/kernels-pypy311.json" "$R/"

step "docs/performance.md, docs/performance.png"
mkdir -p docs
"$BENCH_VENV/bin/python" bench/calls.py --seconds "$SECONDS" --report "$R/callgrind-cp311.json" \
    "$R/time-cp311.json" "$R/time-pypy311.json" "$R/time-graalpy.json" \
    "$R/kernels-cp311.json" "$R/kernels-pypy311.json"
step "done in $((SECONDS / 60)) min $((SECONDS % 60)) s"
