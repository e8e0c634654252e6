#!/usr/bin/env bash
# ujson's own test suite against this port: fetches the sdist of the ujson release the port follows (its
# tests/), builds the port's wheel once with oxhpy.build (as a user would: pip wheel, then cargo-zigbuild and
# auditwheel for a manylinux2014 wheel, as ci/common.sh builds every wheel), and runs the suite with that one
# wheel on each interpreter named, in HPy universal and debug mode (the oxhpy pytest plugin's leak checker
# around every test in debug mode), each in a fresh venv.
#
#   bash examples/ujson/run_upstream_tests.sh [INTERPRETER...]      (default: cpython3.11)
#
# INTERPRETER: a name of ci/common.sh's INTERPRETERS (cpython3.11, cpython3.13-trixie, pypy3.11, graalpy24.2, ...);
# the interpreters, chroots, build venv and HPy runtime wheels are those ci/common.sh provisions (run
# ci/test.sh once first, or this script's PROVISION=1 does the part it needs).
#
# Environment:
#   UJSON_VERSION  the ujson release whose tests run (default 6.1.0, the one this port follows)
#   UJSON_WHEEL    a ujson wheel built already (skips the build)
#   MODES          default "universal debug"
#   PYTEST_ARGS    extra pytest arguments (e.g. "-x" or "-k surrogate")
#   UJSON_WORK     the work folder (default $OXHPY_CACHE/ujson-upstream)
# Runs this port's own tests (tests/test_port.py) the same way. Writes
# $UJSON_WORK/reports/INTERPRETER-{upstream,port}-MODE.{xml,txt} (junit XML and pytest's summary line) and
# prints a table; exits non-zero when a run fails.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../../ci/common.sh
source "$HERE/../../ci/common.sh"

UJSON_VERSION=${UJSON_VERSION:-6.1.0}
MODES=${MODES:-universal debug}
WORK=${UJSON_WORK:-$OXHPY_CACHE/ujson-upstream}
# Where each interpreter finds the stage (inside its chroot for chroot interpreters).
STAGE_NAME=/tmp/oxhpy-ujson
if (($# == 0)); then set -- cpython3.11; fi
INTERPRETERS=("$@")

if [[ ${PROVISION:-0} == 1 ]]; then
    ensure_apt
    ensure_cpython
    for interp in "$@"; do
        case $interp in
        pypy3.11 | cpython3.13-trixie) ensure_chroots ;;
        graalpy*) ensure_graalpy ;;
        cpython3.9 | cpython3.1[0-3]) ensure_pyenv_cpythons ;;
        esac
    done
fi
[[ -x $VENV/bin/python ]] || die "no build venv $VENV: run ci/test.sh once, or PROVISION=1"
export OXHPY_HPY_DEVEL=${OXHPY_HPY_DEVEL:-$("$VENV/bin/python" -c \
    'import hpy.devel, os; print(os.path.dirname(hpy.devel.__file__))')}
ensure_runtime_wheels

# ujson's tests, from its sdist (pip's configured index; the sdist is checked against its own listing).
SDIST_DIR=$WORK/sdist-$UJSON_VERSION
if [[ ! -d $SDIST_DIR/tests ]]; then
    step "pip download ujson==$UJSON_VERSION (sdist)"
    rm -rf "$SDIST_DIR" "$SDIST_DIR.dl" && mkdir -p "$SDIST_DIR.dl"
    "$VENV/bin/python" -m pip download -q --no-deps --no-binary :all: -d "$SDIST_DIR.dl" "ujson==$UJSON_VERSION"
    mkdir -p "$SDIST_DIR"
    tar -xzf "$SDIST_DIR.dl"/ujson-*.tar.gz -C "$SDIST_DIR" --strip-components=1
    rm -rf "$SDIST_DIR.dl"
fi

# The oxhpy package (build backend and pytest plugin): CI's wheel, else one built here.
TOOLING=$(ls "$TOOLING_DIR"/oxhpy-*-py3-none-any.whl 2>/dev/null | head -1 || true)
if [[ -z $TOOLING ]]; then
    step "pip wheel python/ (the oxhpy package)"
    mkdir -p "$WORK/tooling" && rm -f "$WORK"/tooling/*.whl
    "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/tooling" "$REPO/python" >&2
    TOOLING=$(ls "$WORK"/tooling/oxhpy-*.whl)
fi
"$VENV/bin/python" -c 'import oxhpy.build' 2>/dev/null ||
    "$VENV/bin/python" -m pip install -q --no-deps "$TOOLING"

WHEEL=${UJSON_WHEEL:-}
if [[ -z $WHEEL ]]; then
    step "pip wheel examples/ujson (oxhpy.build, cargo-zigbuild for glibc $WHEEL_GLIBC), auditwheel repair"
    rm -rf "$WORK/dist-raw" "$WORK/dist" && mkdir -p "$WORK/dist-raw" "$WORK/dist"
    zig=$("$VENV/bin/python" -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
    PATH=$VENV/bin:$PATH CARGO=cargo-zigbuild CARGO_ZIGBUILD_ZIG_PATH=$zig \
        CARGO_BUILD_TARGET=$(uname -m)-unknown-linux-gnu.$WHEEL_GLIBC \
        "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/dist-raw" "$HERE" >&2
    repair "$WORK"/dist-raw/ujson-*.whl "$WORK/dist"
    WHEEL=$(ls "$WORK"/dist/ujson-*.whl)
fi
echo "wheel: $WHEEL" >&2

rm -rf "$WORK/reports" && mkdir -p "$WORK/reports"
status=0
for interp in "${INTERPRETERS[@]}"; do
    read -r suite py < <(where "$interp")
    root=
    [[ $suite == host ]] || root=$("$REPO/ci/in_chroot.sh" "$suite" --dir)
    stage=$root$STAGE_NAME-$interp
    inside=$STAGE_NAME-$interp
    step "$interp: staging ujson's tests, a venv with the wheel, oxhpy (pytest plugin) and pytest"
    rm -rf "$stage" && mkdir -p "$stage/wheels"
    cp -r "$SDIST_DIR/tests" "$stage/tests"
    # This port's own tests (what it does beyond or apart from ujson), run after ujson's.
    mkdir -p "$stage/port" && cp "$HERE/tests/test_port.py" "$stage/port/"
    # The sdist's pytest settings (pyproject.toml [tool.pytest]) name its marker; pytest reads them from an
    # ini file in every version.
    printf '[pytest]\nmarkers =\n    skip_leak_test: Don'"'"'t rerun this test in search for memory leaks\n' >"$stage/pytest.ini"
    cp "$WHEEL" "$TOOLING" "$stage/wheels/"
    [[ $interp == cpython* ]] && cp "$RUNTIME_DIR"/*.whl "$stage/wheels/"
    # in_stage ARGS...: a command run in the stage dir, as that interpreter sees it.
    in_stage() {
        if [[ $suite == host ]]; then
            (cd "$stage" && env "$@")
        else
            "$REPO/ci/in_chroot.sh" "$suite" /bin/sh -c 'cd "$0" && exec env "$@"' "$inside" "$@"
        fi
    }
    in_stage "$py" -m venv venv
    in_stage venv/bin/python -m pip install -q pytest >&2
    in_stage venv/bin/python -m pip install -q --no-deps "wheels/$(basename "$TOOLING")" >&2
    # The wheel's dependencies (oxhpy-hpy on CPython) from the staged runtime wheels.
    in_stage venv/bin/python -m pip install -q --find-links wheels "wheels/$(basename "$WHEEL")" >&2
    for mode in $MODES; do
        for suite_name in upstream port; do
            dir=tests
            [[ $suite_name == port ]] && dir=port
            step "$interp: $suite_name tests, HPY=$mode"
            rc=0
            # shellcheck disable=SC2086
            in_stage HPY="$mode" venv/bin/python -m pytest -p no:cacheprovider -rfEX \
                --hpy-probe ujson._native:_context_name --junitxml="report-$suite_name-$mode.xml" \
                ${PYTEST_ARGS:-} "$dir" 2>&1 | tee "$stage/pytest-$suite_name-$mode.log" || rc=$?
            ((rc == 0)) || status=1
            cp "$stage/report-$suite_name-$mode.xml" "$WORK/reports/$interp-$suite_name-$mode.xml" 2>/dev/null || true
            grep -E '^=+ .*(passed|failed|error).* in [0-9.]+s' "$stage/pytest-$suite_name-$mode.log" | tail -1 |
                tr -d '=' | sed 's/^ *//' >"$WORK/reports/$interp-$suite_name-$mode.txt" ||
                echo "no summary (rc $rc)" >"$WORK/reports/$interp-$suite_name-$mode.txt"
        done
    done
done

printf '\n%-22s %-10s %-48s %s\n' interpreter mode "ujson $UJSON_VERSION's tests" "this port's tests"
for interp in "${INTERPRETERS[@]}"; do
    for mode in $MODES; do
        printf '%-22s %-10s %-48s %s\n' "$interp" "$mode" "$(cat "$WORK/reports/$interp-upstream-$mode.txt")" \
            "$(cat "$WORK/reports/$interp-port-$mode.txt")"
    done
done
exit $status
