#!/usr/bin/env bash
# Provision a Debian chroot holding Python interpreters, each in its own virtual environment with pytest.
# Runs on a Debian 12 x86_64 host, as root. SUITE is one of:
#   trixie   Debian 13: PyPy 3.11 (Debian's pypy3, which bundles HPy) and CPython 3.13
#   forky    Debian testing: CPython 3.14 and CPython 3.15
#   bullseye Debian 11 (glibc 2.31): its CPython 3.9, where the manylinux_2_17 wheels must install and pass
#
#   ci/provision_chroot.sh SUITE            build if needed, else reuse the cached chroot (takes seconds)
#   ci/provision_chroot.sh SUITE --force    wipe and rebuild
#   ci/provision_chroot.sh SUITE --verify   (re)run the smoke checks on the existing chroot
#
# Why chroots: trixie's PyPy 3.11 needs glibc 2.38 and Debian 12 has 2.36 (see docs/hpy-facts.md), and
# Debian 12 packages no CPython newer than 3.11. Result (paths inside the chroot; run them with
# ci/in_chroot.sh SUITE):
#   /opt/venv-pypy311/bin/python   trixie: PyPy 3.11 + pytest (HPy is built into PyPy: import hpy.universal)
#   /opt/venv-cp313/bin/python     trixie: CPython 3.13 + pytest, setuptools>=68, wheel (no HPy runtime)
#   /opt/venv-cp314/bin/python     forky:  CPython 3.14 + pytest, setuptools>=68, wheel (no HPy runtime)
#   /opt/venv-cp315/bin/python     forky:  CPython 3.15 + pytest, setuptools>=68, wheel (no HPy runtime)
#   /opt/venv-cp39/bin/python      bullseye: CPython 3.9 + pytest, setuptools>=68, wheel (no HPy runtime)
# plus gcc, libc6-dev, git and the CPython headers, to build C extensions inside. forky is a moving
# target: a cached chroot keeps what it was built with (the stamp lists it) until --force.
#
# Environment:
#   OXHPY_<SUITE>_DIR     chroot path, e.g. OXHPY_TRIXIE_DIR (default ${OXHPY_CACHE:-$HOME/.cache/oxhpy}/<suite>)
#   OXHPY_DEBIAN_MIRROR   Debian archive URI; default: taken from this host's own apt sources
#   OXHPY_APT_ALLOW_EXPIRED=0   fail rather than accept a mirror's expired Release file (see update_lists)
#   PIP_*, proxies        passed into the chroot (see ci/in_chroot.sh), as are /etc/pip.conf and the CA bundle
#
# Safe to interrupt: the stamp file is written last, and a chroot without a current stamp is wiped and
# rebuilt on the next run. Concurrent runs serialize on a lock file next to the chroot.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
USAGE_LINES=2,30

# Per suite: a recipe version and the venvs, named venv-<cp|pypy><major><minor> (see venv_plan).
# Bump a suite's RECIPE_VERSION when anything changes what ends up in its chroot, and every suite's when
# a shared step below changes: old caches are then rebuilt.
suite_config() {
    case $1 in
        trixie)
            RECIPE_VERSION=3
            VENVS=(pypy311 cp313) ;;
        forky)
            RECIPE_VERSION=1
            VENVS=(cp314 cp315) ;;
        bullseye)
            RECIPE_VERSION=1
            VENVS=(cp39) ;;
        *) return 1 ;;
    esac
}

# What a venv name stands for: the language version PYVER, the interpreter CREATOR that makes the venv,
# the Debian packages DEBS providing it (the first one is recorded in the stamp), what pip installs
# (PIP_PKGS), and whether the interpreter carries an HPy runtime (EXPECT_HPY, checked by verify).
# pypy3-venv provides `pypy3 -m venv` with ensurepip; the -dev package gives C extensions Python.h.
venv_plan() {
    local digits=${1##*[a-z]}
    PYVER=${digits:0:1}.${digits:1}
    case $1 in
        pypy*)
            CREATOR=pypy3
            DEBS=(pypy3 pypy3-venv)
            PIP_PKGS=(pytest)
            EXPECT_HPY=1 ;;
        cp*)
            CREATOR=python$PYVER
            DEBS=("python$PYVER" "python$PYVER-venv" "python$PYVER-dev")
            # No setuptools in 3.12+ venvs; our HPy runtime and the test extensions build with it.
            PIP_PKGS=(pip pytest 'setuptools>=68' wheel)
            EXPECT_HPY=0 ;;
        *) die "bad venv name $1" ;;
    esac
}

log() { printf '[provision_chroot %s %4ds] %s\n' "$SUITE" "$SECONDS" "$*" >&2; }
die() { printf 'provision_chroot: error: %s\n' "$*" >&2; exit 1; }
in_chroot() { OXHPY_CHROOT_BUILDING=1 "$HERE/in_chroot.sh" "$SUITE" "$@"; }

# --- the Debian mirror, from the host's own apt configuration ---------------------------------------

# Print "RANK URI" for each enabled deb source of the host's own release (suite == host codename, with a
# "main" component): deb822 *.sources stanzas and one-line sources.list entries. Sources signed by the
# Debian archive keyring rank first, which sets the Debian archive apart from third-party repositories.
list_host_debian_uris() {
    local codename=$1 f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -f $f ]] || continue
        awk -v want="$codename" '
            function flush() {
                if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no" &&
                    (" " suites " ") ~ (" " want " ") && (" " comps " ") ~ / main /) {
                    split(uris, u, /[ \t]+/)
                    print (signed ~ /debian-archive/ ? 0 : 1), u[1]
                }
                types = suites = uris = comps = signed = enabled = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[A-Za-z-]+:/ {
                i = index($0, ":"); key = tolower(substr($0, 1, i - 1)); val = substr($0, i + 1)
                gsub(/^[ \t]+|[ \t]+$/, "", val)
                if (key == "types") types = val; else if (key == "uris") uris = val
                else if (key == "suites") suites = val; else if (key == "components") comps = val
                else if (key == "signed-by") signed = val; else if (key == "enabled") enabled = val
            }
            END { flush() }' "$f"
    done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -f $f ]] || continue
        awk -v want="$codename" '
            $1 != "deb" { next }
            {
                opts = ""; i = 2
                if ($2 ~ /^\[/) { while (i <= NF) { opts = opts " " $i; if ($i ~ /\]$/) break; i++ }; i++ }
                uri = $(i); suite = $(i + 1); comps = ""
                for (j = i + 2; j <= NF; j++) comps = comps " " $j
                if (suite == want && (comps " ") ~ / main /) print (opts ~ /debian-archive/ ? 0 : 1), uri
            }' "$f"
    done
}

host_mirror() {
    if [[ -n ${OXHPY_DEBIAN_MIRROR:-} ]]; then echo "$OXHPY_DEBIAN_MIRROR"; return; fi
    local codename uri
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || die "cannot read VERSION_CODENAME from /etc/os-release; set OXHPY_DEBIAN_MIRROR"
    # debootstrap only speaks http(s) and file: skip mirror+file:, cdrom: and the like.
    uri=$(list_host_debian_uris "$codename" | awk '$2 ~ /^(https?|file):/' | sort -s -n -k1,1 | awk 'NR == 1 { print $2 }')
    [[ -n $uri ]] || die "no Debian '$codename' source found in /etc/apt; set OXHPY_DEBIAN_MIRROR"
    echo "${uri%/}"
}

# --- host preparation -------------------------------------------------------------------------------

ensure_host_tools() {
    [[ $EUID -eq 0 ]] || die "must run as root (debootstrap and chroot need it)"
    [[ $(dpkg --print-architecture) == amd64 ]] || die "only amd64 hosts are supported"
    if ! command -v debootstrap >/dev/null; then
        log "installing debootstrap on the host"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap
    fi
    # A suite newer than this debootstrap (forky, on Debian 12) has no script of its own: sid's is the
    # generic one for current Debian, and debootstrap's own trixie and testing scripts are links to it.
    DEBOOTSTRAP_SCRIPT=/usr/share/debootstrap/scripts/$SUITE
    [[ -f $DEBOOTSTRAP_SCRIPT ]] || DEBOOTSTRAP_SCRIPT=/usr/share/debootstrap/scripts/sid
    [[ -f $DEBOOTSTRAP_SCRIPT ]] || die "this debootstrap knows neither '$SUITE' nor sid"
    # The host keyring must know the suite's signing keys: Debian 12's debian-archive-keyring has the
    # 12/bookworm and 13/trixie keys, which sign trixie and (in 2026) forky. Should forky be signed by a
    # newer key only, debootstrap fails with "Release signed by unknown key": update the host's keyring.
}
# An apt proxy configured on the host must also serve debootstrap (which reads http_proxy) and apt inside.
host_apt_proxy() {
    local APT_PROXY=""
    eval "$(apt-config shell APT_PROXY Acquire::http::Proxy)"
    echo "$APT_PROXY"
}

# --- cache state ------------------------------------------------------------------------------------

is_complete() { [[ -f $STAMP ]] && grep -qx "recipe=$RECIPE_VERSION" "$STAMP"; }

# Remove a stale or partial chroot. Unmount anything left under it first (an interrupted debootstrap can
# leave /proc or /sys mounted), and refuse to touch a non-empty directory that this script did not create.
wipe() {
    [[ -e $DIR ]] || return 0
    [[ -n $DIR && $DIR != / ]] || die "refusing to wipe '$DIR'"
    if [[ ! -f $OWNER_MARK && -n $(ls -A "$DIR") ]]; then
        die "$DIR exists but was not made by this script; remove it or set OXHPY_${SUITE^^}_DIR"
    fi
    log "wiping $DIR"
    local real m
    real=$(realpath "$DIR")
    # Field 5 of mountinfo is the mount point; deepest first so nested mounts come off before parents.
    awk -v d="$real" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
        while IFS= read -r m; do umount -l "$m" || true; done
    rm -rf --one-file-system -- "$DIR"
}

# --- building ---------------------------------------------------------------------------------------

bootstrap() {
    local mirror=$1 proxy
    proxy=$(host_apt_proxy)
    log "debootstrap --variant=minbase $SUITE from $mirror (script $(basename "$DEBOOTSTRAP_SCRIPT"))"
    mkdir -p "$DIR"
    touch "$OWNER_MARK"
    # debootstrap's log of a failed run is the only useful diagnostic: show its tail on failure.
    if ! http_proxy=${http_proxy:-$proxy} debootstrap --variant=minbase "$SUITE" "$DIR" "$mirror" \
        "$DEBOOTSTRAP_SCRIPT" >"$DIR.debootstrap.log" 2>&1; then
        tail -n 30 "$DIR.debootstrap.log" >&2
        [[ -f $DIR/debootstrap/debootstrap.log ]] && tail -n 30 "$DIR/debootstrap/debootstrap.log" >&2
        die "debootstrap failed (log: $DIR.debootstrap.log)"
    fi
    rm -f "$DIR.debootstrap.log"
    if [[ -n $proxy ]]; then
        echo "Acquire::http::Proxy \"$proxy\";" >"$DIR/etc/apt/apt.conf.d/01oxhpy-proxy"
    fi
    # No daemons must start inside the chroot when packages are installed.
    printf '#!/bin/sh\nexit 101\n' >"$DIR/usr/sbin/policy-rc.d"
    chmod 755 "$DIR/usr/sbin/policy-rc.d"
    # Documentation, man pages and translations are ~100 MB nobody reads in CI; keep the copyright files.
    cat >"$DIR/etc/dpkg/dpkg.cfg.d/01oxhpy-nodoc" <<'END'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
END
}

# testing's Release files expire after a week (stable's never do), so a mirror that lags behind (a cache,
# a snapshot) can serve an expired one, which apt refuses. Unless OXHPY_APT_ALLOW_EXPIRED=0, accept it,
# loudly and for good inside this chroot (later `apt-get update`s need it too): signatures are still
# checked, only the protection against replayed stale metadata is lost. The stamp records it.
update_lists() {
    local out
    if out=$(in_chroot apt-get update -q 2>&1); then
        printf '%s\n' "$out" >&2
        return
    fi
    printf '%s\n' "$out" >&2
    [[ $out == *" is expired "* && ${OXHPY_APT_ALLOW_EXPIRED:-1} == 1 ]] || die "apt-get update failed in $SUITE"
    log "WARNING: the mirror's $SUITE Release file has expired; accepting it (Acquire::Check-Valid-Until=false)"
    echo 'Acquire::Check-Valid-Until "false";' >"$DIR/etc/apt/apt.conf.d/01oxhpy-allow-expired"
    in_chroot apt-get update -q
}

install_packages() {
    local name packages=(gcc libc6-dev git)
    for name in "${VENVS[@]}"; do
        venv_plan "$name"
        packages+=("${DEBS[@]}")
    done
    # --no-install-recommends keeps the chroot small, so everything needed is listed explicitly:
    # libc6-dev is only a Recommends of gcc, and git (pip's VCS requirements, setuptools-scm) needs no CA
    # package because the host's bundle is copied in.
    log "apt-get install ${packages[*]}"
    update_lists
    in_chroot DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${packages[@]}"
    # Downloaded .debs and package lists are ~200 MB, and the lists go stale with the mirror anyway:
    # run `apt-get update` inside before installing anything more.
    in_chroot apt-get clean
    rm -rf "$DIR"/var/lib/apt/lists/*
}

make_venvs() {
    local name
    for name in "${VENVS[@]}"; do
        venv_plan "$name"
        log "venv /opt/venv-$name ($CREATOR -m venv) + ${PIP_PKGS[*]}"
        in_chroot "$CREATOR" -m venv "/opt/venv-$name"
        # PIP_NO_CACHE_DIR keeps pip's download cache out of the chroot (it would only grow the cache dir).
        in_chroot PIP_NO_CACHE_DIR=1 "/opt/venv-$name/bin/python" -m pip install -q --upgrade "${PIP_PKGS[@]}"
    done
}

# --- verification -----------------------------------------------------------------------------------

# Run as `python -c "$PROBE" PYVER EXPECT_HPY`. Prints the implementation and version (and checks the
# version is the venv's), then the HPy module and the HPy version it implements where there is one
# (required when EXPECT_HPY=1). hpy.universal.get_version() exists on CPython's hpy 0.9.0 and on PyPy;
# hpy.devel.version is the Python-side package version where hpy.devel is installed.
PROBE='
import sys, platform, subprocess
want_version, want_hpy = sys.argv[1], sys.argv[2] == "1"
print("python:", platform.python_implementation(), platform.python_version(), sys.executable)
assert "%d.%d" % sys.version_info[:2] == want_version, (sys.version, want_version)
if hasattr(sys, "pypy_version_info"):
    print("pypy_version_info:", ".".join(map(str, sys.pypy_version_info[:3])))
try:
    import hpy.universal as u
except ImportError as e:
    assert not want_hpy, e
    print("hpy.universal: n/a (%s)" % e)
else:
    print("hpy.universal file:", getattr(u, "__file__", None))
    print("dir(hpy.universal):", dir(u))
    print("hpy.universal.get_version():", u.get_version() if hasattr(u, "get_version") else "n/a")
    try:
        import hpy.devel.version as v
        print("hpy.devel.version:", v.__version__, v.__git_revision__)
    except ImportError as e:
        print("hpy.devel.version: n/a (%s)" % e)
out = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True, text=True, check=True).stdout
assert out.strip() == "42", out
print("subprocess of sys.executable: ok")
'

# A tiny pytest run per interpreter: proves pytest, subprocesses and multiprocessing (/dev/shm) work.
PYTEST_FILE='
import os, subprocess, sys, multiprocessing
import pytest

def test_subprocess():
    assert subprocess.check_output([sys.executable, "-c", "print(1)"]).strip() == b"1"

def test_hpy_universal_imports():
    if os.environ.get("OXHPY_EXPECT_HPY") != "1":
        pytest.skip("no HPy runtime in this interpreter yet")
    import hpy.universal
    assert hasattr(hpy.universal, "load")

def _square(x):
    return x * x

def test_multiprocessing():
    with multiprocessing.Pool(2) as pool:
        assert pool.map(_square, [1, 2, 3]) == [1, 4, 9]
'

verify() {
    local name py tmp=/tmp/oxhpy-verify-$$
    mkdir -p "$DIR$tmp"
    printf '%s' "$PYTEST_FILE" >"$DIR$tmp/test_smoke.py"
    for name in "${VENVS[@]}"; do
        venv_plan "$name"
        py=/opt/venv-$name/bin/python
        log "checking $py"
        in_chroot "$py" -c "$PROBE" "$PYVER" "$EXPECT_HPY"
        in_chroot "OXHPY_EXPECT_HPY=$EXPECT_HPY" "$py" -m pytest -q -p no:cacheprovider "$tmp/test_smoke.py"
    done
    rm -rf "$DIR$tmp"
}

write_stamp() {
    local mirror=$1 name debs=(gcc libc6)
    for name in "${VENVS[@]}"; do
        venv_plan "$name"
        debs+=("${DEBS[0]}")
    done
    {
        echo "recipe=$RECIPE_VERSION"
        echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "mirror=$mirror"
        [[ -f $DIR/etc/apt/apt.conf.d/01oxhpy-allow-expired ]] && echo "apt-check-valid-until=false"
        in_chroot dpkg-query -W -f='deb:${Package}=${Version}\n' "${debs[@]}"
    } >"$STAMP.tmp"
    mv -f "$STAMP.tmp" "$STAMP"   # rename: the stamp appears complete or not at all
}

build() {
    local mirror start=$SECONDS
    mirror=$(host_mirror)
    wipe
    bootstrap "$mirror"
    install_packages
    make_venvs
    verify
    write_stamp "$mirror"
    log "done in $((SECONDS - start)) s; size $(du -sh --one-file-system "$DIR" | cut -f1) at $DIR"
}

main() {
    local force=0 verify_only=0
    SUITE=${1:-}
    suite_config "$SUITE" || { sed -n "${USAGE_LINES}s/^# \{0,1\}//p" "$0"; exit 2; }
    case ${2:-} in
        "") ;;
        --force) force=1 ;;
        --verify) verify_only=1 ;;
        *) sed -n "${USAGE_LINES}s/^# \{0,1\}//p" "$0"; exit 2 ;;
    esac
    (($# <= 2)) || { sed -n "${USAGE_LINES}s/^# \{0,1\}//p" "$0"; exit 2; }
    # ci/in_chroot.sh owns the suite -> directory mapping (OXHPY_<SUITE>_DIR or the cache default).
    DIR=$("$HERE/in_chroot.sh" "$SUITE" --dir)
    STAMP=$DIR/.oxhpy-$SUITE-stamp
    OWNER_MARK=$DIR/.oxhpy-$SUITE-chroot      # written first: marks the directory as ours to wipe
    ensure_host_tools
    mkdir -p "$(dirname "$DIR")"
    # One provisioner at a time per chroot; the lock lives next to the chroot, which gets wiped.
    exec 9>"$DIR.lock"
    flock 9

    if ((verify_only)); then
        is_complete || die "no complete chroot at $DIR"
        verify
    elif ((force == 0)) && is_complete; then
        log "reusing $DIR ($(grep '^built=' "$STAMP"))"
    else
        build
    fi
}

main "$@"
