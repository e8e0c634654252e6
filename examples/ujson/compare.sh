#!/usr/bin/env bash
# This port against the other JSON libraries, on ujson's own benchmark cases (bench.py's), as markdown tables:
#
#   CPython 3.11 (host, pyenv): instructions per call under callgrind (deterministic) of
#     this port (HPy universal, oxhpy-hpy runtime), ujson's C extension (PyPI's wheel) and orjson (PyO3,
#     PyPI's newest wheel); then the same three by wall clock, interleaved rounds as on PyPy;
#   PyPy 3.11 (trixie chroot): wall clock per call, interleaved rounds (one process per library in turn,
#     medians of the per-round ratios) of this port, ujson's C extension through cpyext (PyPI's pp311 wheel
#     when it has one, else built from the sdist in the chroot) and PyPy's own json.
#
#   bash examples/ujson/compare.sh [OUT.md]        (default: the markdown on stdout)
#
# Environment:
#   UJSON_WHEEL    this port's wheel, built already (else built here: pip wheel with the build venv $VENV,
#                  which must have the oxhpy package, as ci/test.sh leaves it)
#   UJSON_VERSION  the ujson release compared (default 6.1.0)
#   ORJSON         orjson's requirement (default: orjson, the newest)
#   ROUNDS         PyPy rounds (default 7)
#   SCALE          callgrind: each case runs N = SCALE x bench.py's count times (at least 2; default 0.005)
#   WHAT           parts to run (default "cpython cpython-time pypy"): callgrind on CPython, wall clock on
#                  CPython (CP_ROUNDS rounds, default 3: a check of the instruction counts), PyPy; the report
#                  has the latest results of each part in $WORK
#   COMPARE_WORK   work folder (default $OXHPY_CACHE/ujson-compare): venvs, --target dirs, the JSON results
#                  (callgrind.json also holds each case's top functions: python compare.py profile ...)
#
# The third-party packages go into --target dirs of this script's own (never into a shared venv), from
# pip's configured index. On PyPy, building ujson needs g++ and pypy3-dev in the chroot: installed there
# when missing (as ci/bench.sh installs pypy3-dev). About 15 minutes on 2 busy cores (callgrind: 10).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../ci/common.sh
source "$HERE/../../ci/common.sh"

OUT=${1:-}
UJSON_VERSION=${UJSON_VERSION:-6.1.0}
ROUNDS=${ROUNDS:-7}
SCALE=${SCALE:-0.005}
WHAT=${WHAT:-cpython cpython-time pypy}
CP_ROUNDS=${CP_ROUNDS:-3}
WORK=${COMPARE_WORK:-$OXHPY_CACHE/ujson-compare}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
COMMAND="bash examples/ujson/compare.sh${OUT:+ $OUT}"

# This port's wheel (py3-none: one for both interpreters).
WHEEL=${UJSON_WHEEL:-}
if [[ -z $WHEEL ]]; then
    "$VENV/bin/python" -c 'import oxhpy.build' 2>/dev/null ||
        die "$VENV has no oxhpy package: run ci/test.sh once, or give UJSON_WHEEL"
    step "pip wheel examples/ujson"
    rm -rf "$WORK/dist" && mkdir -p "$WORK/dist"
    PATH=$VENV/bin:$PATH "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/dist" "$HERE" >&2
    WHEEL=$(ls "$WORK"/dist/ujson-*.whl)
fi
WHEEL=$(cd "$(dirname "$WHEEL")" && pwd)/$(basename "$WHEEL")
echo "port wheel: $WHEEL" >&2

if [[ " $WHAT " == *" cpython"* ]]; then
    INTERPRETERS=(cpython3.11)
    ensure_runtime_wheels
    CP=$WORK/cp311
    if [[ ! -x $CP/venv/bin/python ]]; then
        step "CPython 3.11: a venv of this script's own"
        rm -rf "$CP" && mkdir -p "$CP"
        # The pyenv interpreter behind the CI venv (a venv's python, never pyenv's shell shim).
        "$OXHPY_CACHE/venv-cpython3.11/bin/python" -m venv "$CP/venv"
    fi
    step "CPython 3.11: this port + oxhpy-hpy, ujson==$UJSON_VERSION, ${ORJSON:-orjson} into --target dirs"
    rm -rf "$CP/port" "$CP/ujson" "$CP/orjson"
    "$CP/venv/bin/python" -m pip install -q --no-deps --target "$CP/port" "$WHEEL" \
        "$RUNTIME_DIR"/oxhpy_hpy-*-cp311-*.whl
    "$CP/venv/bin/python" -m pip install -q --no-deps --only-binary :all: --target "$CP/ujson" "ujson==$UJSON_VERSION"
    "$CP/venv/bin/python" -m pip install -q --no-deps --only-binary :all: --target "$CP/orjson" "${ORJSON:-orjson}"
    libs=(--lib "port=ujson:$CP/port" --lib "ujson=ujson:$CP/ujson" --lib "orjson=orjson:$CP/orjson")
    if [[ " $WHAT " == *" cpython "* ]]; then
        command -v valgrind >/dev/null || die "no valgrind (apt-get install valgrind)"
        step "CPython 3.11: callgrind (one valgrind process per library)"
        rm -f "$WORK/callgrind.json"
        "$CP/venv/bin/python" "$HERE/compare.py" callgrind --scale "$SCALE" --json "$WORK/callgrind.json" "${libs[@]}"
    fi
    if [[ " $WHAT " == *" cpython-time "* ]]; then
        step "CPython 3.11: $CP_ROUNDS interleaved wall-clock rounds (a check of the instruction counts)"
        rm -f "$WORK/cpython-rounds.json"
        "$CP/venv/bin/python" "$HERE/compare.py" rounds --rounds "$CP_ROUNDS" --json "$WORK/cpython-rounds.json" \
            "${libs[@]}"
    fi
fi

if [[ " $WHAT " == *" pypy "* ]]; then
    read -r suite PY < <(where pypy3.11)
    ROOT=$("$REPO/ci/in_chroot.sh" "$suite" --dir)
    IN=/tmp/oxhpy-ujson-compare
    # shellcheck disable=SC2016  # $0 and $@ are the chroot shell's
    in_chroot() { "$REPO/ci/in_chroot.sh" "$suite" /bin/sh -c 'cd "$0" && exec env "$@"' "$IN" "$@"; }
    step "PyPy 3.11: staging this port, compare.py, bench.py in $suite:$IN"
    rm -rf "${ROOT:?}$IN" && mkdir -p "$ROOT$IN/wheels"
    cp "$WHEEL" "$ROOT$IN/wheels/"
    cp "$HERE/compare.py" "$HERE/bench.py" "$ROOT$IN/"
    in_chroot "$PY" -m pip install -q --no-deps --target port "wheels/$(basename "$WHEEL")"
    step "PyPy 3.11: ujson==$UJSON_VERSION (PyPI's pp311 wheel, else built from its sdist)"
    if in_chroot "$PY" -m pip download -q --no-deps --only-binary :all: -d ujson-wheel "ujson==$UJSON_VERSION" \
        2>/dev/null; then
        CPYEXT_FROM="PyPI's pp311 wheel"
    else
        # shellcheck disable=SC2016  # the chroot shell's variables
        "$REPO/ci/in_chroot.sh" "$suite" /bin/sh -c 'for p in g++ pypy3-dev; do dpkg -s $p >/dev/null 2>&1 ||
            missing="$missing $p"; done; [ -z "$missing" ] || { apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null; }'
        in_chroot "$PY" -m pip wheel -q --no-deps --no-binary ujson -w ujson-wheel "ujson==$UJSON_VERSION" >&2
        gxx=$("$REPO/ci/in_chroot.sh" "$suite" g++ -dumpfullversion)
        CPYEXT_FROM="built from the sdist in the chroot (GCC $gxx, PyPy's default flags: -O2)"
    fi
    cpyext_wheel=$(cd "$ROOT$IN/ujson-wheel" && ls ujson-*.whl)
    in_chroot "$PY" -m pip install -q --no-deps --target cpyext "ujson-wheel/$cpyext_wheel"
    echo "ujson for PyPy: $CPYEXT_FROM" >&2
    echo "$CPYEXT_FROM" >"$WORK/cpyext-from.txt"
    step "PyPy 3.11: $ROUNDS interleaved rounds of port, ujson through cpyext, json"
    in_chroot "$PY" compare.py rounds --rounds "$ROUNDS" --json rounds.json \
        --lib "port=ujson:port" --lib "cpyext=ujson:cpyext" --lib "json=json:"
    rm -f "$WORK/pypy-rounds.json" && cp "$ROOT$IN/rounds.json" "$WORK/pypy-rounds.json"
fi

step "report"
# Each part's latest results in $WORK (WHAT=pypy keeps the callgrind numbers of an earlier run).
results=()
[[ -f $WORK/callgrind.json ]] && results+=(--callgrind "$WORK/callgrind.json")
[[ -f $WORK/cpython-rounds.json ]] && results+=(--rounds "$WORK/cpython-rounds.json")
[[ -f $WORK/pypy-rounds.json ]] && results+=(--rounds "$WORK/pypy-rounds.json")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
notes=(--note "CPU: $cpu, $(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg).")
[[ -f $WORK/pypy-rounds.json ]] && notes+=(--note "ujson for PyPy: $(cat "$WORK/cpyext-from.txt").")
"$VENV/bin/python" "$HERE/compare.py" report "${results[@]}" "${notes[@]}" --command "$COMMAND" >"$WORK/report.md"
if [[ -n $OUT ]]; then cp "$WORK/report.md" "$OUT"; else cat "$WORK/report.md"; fi
