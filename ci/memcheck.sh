#!/usr/bin/env bash
# The whole pytest suite on CPython 3.11 under valgrind memcheck, in HPy universal and debug mode:
#
#   bash ci/memcheck.sh [PYTEST ARGS...]      (default: the whole suite; e.g. tests/test_views.py)
#
# OXHPY_MEMCHECK_MODES picks the modes (default "universal debug"); OXHPY_CACHE a cache of its own lets it
# run beside ci/test.sh (it provisions CPython 3.11 only, and builds its HPy runtime wheel).
#
# Builds and repairs the wheels as ci/test.sh does, installs them into the pyenv CPython 3.11 venv,
# runs pytest under memcheck with PYTHONMALLOC=malloc (every object a malloc block memcheck tracks) and
# --track-origins=yes, one XML file per process, then ci/memcheck.py judges the errors: none may touch
# our binaries, and every other one must belong to an explained class. Too slow for CI (about an hour
# per mode on 2 cores); its last result is in docs/memcheck.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"
INTERPRETERS=(cpython3.11)
PYENV_CPYTHONS=(3.11)
read -ra MODES <<<"${OXHPY_MEMCHECK_MODES:-universal debug}"  # e.g. OXHPY_MEMCHECK_MODES=universal
OUT=$OXHPY_CACHE/memcheck
ARGS=("$@")
((${#ARGS[@]})) || ARGS=(tests)

ci_lock
ensure_apt
command -v valgrind >/dev/null || {
    step "apt-get install valgrind"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind >/dev/null
}
ensure_cpython
ensure_pyenv_cpythons
ensure_runtime_wheels
mapfile -t WHEELS < <(build_wheels "$REPO" "$REPO/tests/ext")
stage "${WHEELS[@]}" >/dev/null
install_wheels cpython3.11 "${WHEELS[@]}"
install_test_deps cpython3.11
read -r _ PY < <(where cpython3.11)

status=0
rm -rf "$OUT" && mkdir -p "$OUT"
for mode in "${MODES[@]}"; do
    step "memcheck: pytest ${ARGS[*]}, HPY=$mode"
    mkdir -p "$OUT/$mode"
    (cd "$STAGE" && HPY=$mode OXHPY_EXPECT_MODE=$mode PYTHONMALLOC=malloc \
        valgrind --tool=memcheck --track-origins=yes --num-callers=40 \
        --xml=yes --xml-file="$OUT/$mode/vg-%p.xml" \
        "$PY" -m pytest -q -p no:cacheprovider "${ARGS[@]}") || status=1
    step "memcheck: HPY=$mode, the errors"
    "$VENV/bin/python" "$REPO/ci/memcheck.py" "$OUT/$mode"/vg-*.xml --json "$OUT/$mode.json" || status=1
done
exit $status
