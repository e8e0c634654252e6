# Shared by ci/test.sh and ci/main.sh: provisioning, building and running on every interpreter.
# Source it from the repository root. Everything is cached under $OXHPY_CACHE (default
# ~/.cache/oxhpy), outside the repository: cargo's target dir, the CPython venv, the trixie chroot.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export OXHPY_CACHE=${OXHPY_CACHE:-$HOME/.cache/oxhpy}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$OXHPY_CACHE/target}
export OXHPY_TRIXIE_DIR=${OXHPY_TRIXIE_DIR:-$OXHPY_CACHE/trixie}
export PIP_DISABLE_PIP_VERSION_CHECK=1
VENV=$OXHPY_CACHE/venv-cp311
INTERPRETERS=(cpython3.11 pypy3.11)
# Inside the chroot this is /tmp/oxhpy-ci; from the host, $OXHPY_TRIXIE_DIR/tmp/oxhpy-ci.
STAGE_IN=/tmp/oxhpy-ci

step() { printf '\n=== [%4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages the build needs: libclang for bindgen, debootstrap for the trixie chroot.
ensure_apt() {
    local missing=()
    for p in libclang-dev debootstrap; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        step "apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# CPython 3.11 (the machine's python3) in a venv with hpy 0.9.0 and the tools.
ensure_cpython() {
    local py=${OXHPY_HOST_PYTHON:-python3}
    "$py" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' ||
        die "$py is not CPython 3.11 (set OXHPY_HOST_PYTHON)"
    if [[ ! -x $VENV/bin/python ]]; then
        step "creating $VENV"
        "$py" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --upgrade hpy==0.9.0 pytest ruff 'setuptools>=68' setuptools-rust wheel
}

ensure_pypy() {
    step "provisioning PyPy 3.11 (Debian trixie chroot)"
    "$REPO/ci/provision_trixie.sh"
}

# build_wheels PROJECT...: builds each project's wheel once; prints their paths. The headers come from the venv's hpy.devel, fixed
# here so that pip's changing build environments do not force cargo to rebuild hpy-sys.
build_wheels() {
    local out=$OXHPY_CACHE/dist
    rm -rf "$out" && mkdir -p "$out"
    OXHPY_HPY_DEVEL=$("$VENV/bin/python" -c 'import hpy.devel, os; print(os.path.dirname(hpy.devel.__file__))')
    export OXHPY_HPY_DEVEL
    for project in "$@"; do
        step "pip wheel $project"
        "$VENV/bin/python" -m pip wheel -q --no-deps -w "$out" "$project" >&2
    done
    ls "$out"/*.whl
}

# Copies wheels and tests where both the host and the chroot see them.
stage() {
    local host=$OXHPY_TRIXIE_DIR$STAGE_IN
    rm -rf "$host" && mkdir -p "$host/dist" "$host/reports"
    cp "$@" "$host/dist/"
    cp -r "$REPO/tests" "$host/tests"
    rm -rf "$host/tests/ext"
    [[ -d $REPO/bench ]] && cp -r "$REPO/bench" "$host/bench"
    echo "$host"
}

# run_py INTERPRETER ARGS...: that interpreter's python, run in the stage dir, with the extra
# environment listed in the array RUN_ENV (NAME=VALUE words).
RUN_ENV=()
run_py() {
    local interp=$1
    shift
    case $interp in
    cpython3.11) (cd "$OXHPY_TRIXIE_DIR$STAGE_IN" && env ${RUN_ENV[@]+"${RUN_ENV[@]}"} "$VENV/bin/python" "$@") ;;
    pypy3.11) "$REPO/ci/in_trixie.sh" ${RUN_ENV[@]+"${RUN_ENV[@]}"} /bin/sh -c 'cd "$0" && exec "$@"' "$STAGE_IN" \
        /opt/venv-pypy311/bin/python "$@" ;;
    *) die "unknown interpreter $interp" ;;
    esac
}

# Path of a staged file as that interpreter sees it.
staged() {
    case $1 in
    cpython3.11) echo "$OXHPY_TRIXIE_DIR$STAGE_IN/$2" ;;
    *) echo "$STAGE_IN/$2" ;;
    esac
}

# Test dependencies (tests/requirements.txt) and, where a binary wheel exists, numpy.
install_test_deps() {
    local interp=$1
    step "$interp: test dependencies"
    run_py "$interp" -m pip install -q -r "$(staged "$interp" tests/requirements.txt)" >&2
    run_py "$interp" -m pip install -q --only-binary :all: numpy >&2 ||
        echo "note: no numpy wheel for $interp; its numpy tests skip" >&2
}

install_wheels() {
    local interp=$1
    shift
    local paths=()
    for w in "$@"; do paths+=("$(staged "$interp" "dist/$(basename "$w")")"); done
    step "$interp: pip install ${*##*/}"
    run_py "$interp" -m pip install -q --force-reinstall --no-deps "${paths[@]}" >&2
}
