#!/usr/bin/env bash
# Provision a Debian 13 "trixie" chroot holding PyPy 3.11 (Debian's pypy3, which bundles HPy) and
# CPython 3.13, each in its own virtual environment with pytest; CPython 3.13's also gets hpy==0.9.0
# (built from the sdist: no 3.13 wheel exists). Runs on a Debian 12 x86_64 host, as root.
#
#   ci/provision_trixie.sh            build if needed, else reuse the cached chroot (takes seconds)
#   ci/provision_trixie.sh --force    wipe and rebuild
#   ci/provision_trixie.sh --verify   (re)run the smoke checks on the existing chroot
#
# Why a chroot: trixie's PyPy 3.11 needs glibc 2.38 and Debian 12 has 2.36 (see docs/hpy-facts.md).
# Result (paths inside the chroot; run them with ci/in_trixie.sh):
#   /opt/venv-pypy311/bin/python   PyPy 3.11 + pytest (HPy is built into PyPy: import hpy.universal)
#   /opt/venv-cp313/bin/python     CPython 3.13 + pytest + hpy 0.9.0
#
# Environment:
#   OXHPY_TRIXIE_DIR      chroot path (default ${OXHPY_CACHE:-$HOME/.cache/oxhpy}/trixie)
#   OXHPY_DEBIAN_MIRROR   Debian archive URI; default: taken from this host's own apt sources
#   PIP_*, proxies        passed into the chroot (see ci/in_trixie.sh), as are /etc/pip.conf and the CA bundle
#
# Safe to interrupt: the stamp file is written last, and a chroot without a current stamp is wiped and
# rebuilt on the next run. Concurrent runs serialize on a lock file next to the chroot.
set -euo pipefail

# Bump when anything below changes what ends up in the chroot: old caches are then rebuilt.
RECIPE_VERSION=2

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DIR=${OXHPY_TRIXIE_DIR:-${OXHPY_CACHE:-$HOME/.cache/oxhpy}/trixie}
export OXHPY_TRIXIE_DIR=$DIR             # so in_trixie.sh works on the same directory
STAMP=$DIR/.oxhpy-trixie-stamp
OWNER_MARK=$DIR/.oxhpy-trixie-chroot      # written first: marks the directory as ours to wipe
SUITE=trixie

# --no-install-recommends keeps the chroot small, so everything needed is listed explicitly:
# libc6-dev is only a Recommends of gcc, and git (setuptools-scm in the hpy sdist build) needs no CA package
# because the host's bundle is copied in. pypy3-venv provides `pypy3 -m venv` with ensurepip.
PACKAGES=(pypy3 pypy3-venv python3.13 python3.13-venv python3.13-dev gcc libc6-dev git)
HPY_VERSION=0.9.0

log() { printf '[provision_trixie %4ds] %s\n' "$SECONDS" "$*" >&2; }
die() { printf 'provision_trixie: error: %s\n' "$*" >&2; exit 1; }
in_trixie() { OXHPY_TRIXIE_BUILDING=1 "$HERE/in_trixie.sh" "$@"; }

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
    # The host keyring must know trixie's signing keys (Debian 12's debian-archive-keyring does).
    [[ -f /usr/share/debootstrap/scripts/$SUITE ]] || die "this debootstrap does not know '$SUITE'"
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
        die "$DIR exists but was not made by this script; remove it or set OXHPY_TRIXIE_DIR"
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
    log "debootstrap --variant=minbase $SUITE from $mirror"
    mkdir -p "$DIR"
    touch "$OWNER_MARK"
    # debootstrap's log of a failed run is the only useful diagnostic: show its tail on failure.
    if ! http_proxy=${http_proxy:-$proxy} debootstrap --variant=minbase "$SUITE" "$DIR" "$mirror" >"$DIR.debootstrap.log" 2>&1; then
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

install_packages() {
    log "apt-get install ${PACKAGES[*]}"
    in_trixie apt-get update -q
    in_trixie DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
    # Downloaded .debs and package lists are ~200 MB, and the lists go stale with the mirror anyway:
    # run `apt-get update` inside before installing anything more.
    in_trixie apt-get clean
    rm -rf "$DIR"/var/lib/apt/lists/*
}

make_venvs() {
    # PIP_NO_CACHE_DIR keeps pip's download cache out of the chroot (it would only grow the cache dir).
    log "venv /opt/venv-pypy311 (pypy3 -m venv) + pytest"
    in_trixie pypy3 -m venv /opt/venv-pypy311
    in_trixie PIP_NO_CACHE_DIR=1 /opt/venv-pypy311/bin/python -m pip install -q pytest

    log "venv /opt/venv-cp313 + pytest + hpy==$HPY_VERSION (sdist build)"
    in_trixie python3.13 -m venv /opt/venv-cp313
    in_trixie PIP_NO_CACHE_DIR=1 /opt/venv-cp313/bin/python -m pip install -q pytest "hpy==$HPY_VERSION"
}

# --- verification -----------------------------------------------------------------------------------

# Printed per interpreter: implementation, version, the HPy module and the HPy version it implements.
# hpy.universal.get_version() exists on CPython's hpy 0.9.0 and on PyPy; hpy.devel.version is the
# Python-side package version where hpy.devel is installed.
PROBE='
import sys, platform, subprocess
import hpy.universal as u
print("python:", platform.python_implementation(), platform.python_version(), sys.executable)
if hasattr(sys, "pypy_version_info"):
    print("pypy_version_info:", ".".join(map(str, sys.pypy_version_info[:3])))
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
import subprocess, sys, multiprocessing

def test_subprocess():
    assert subprocess.check_output([sys.executable, "-c", "print(1)"]).strip() == b"1"

def test_hpy_universal_imports():
    import hpy.universal
    assert hasattr(hpy.universal, "load")

def _square(x):
    return x * x

def test_multiprocessing():
    with multiprocessing.Pool(2) as pool:
        assert pool.map(_square, [1, 2, 3]) == [1, 4, 9]
'

verify() {
    local py tmp=/tmp/oxhpy-verify-$$
    mkdir -p "$DIR$tmp"
    printf '%s' "$PYTEST_FILE" >"$DIR$tmp/test_smoke.py"
    for py in /opt/venv-pypy311/bin/python /opt/venv-cp313/bin/python; do
        log "checking $py"
        in_trixie "$py" -c "$PROBE"
        in_trixie "$py" -m pytest -q -p no:cacheprovider "$tmp/test_smoke.py"
    done
    rm -rf "$DIR$tmp"
}

write_stamp() {
    local mirror=$1
    {
        echo "recipe=$RECIPE_VERSION"
        echo "built=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
        echo "mirror=$mirror"
        in_trixie dpkg-query -W -f='deb:${Package}=${Version}\n' pypy3 python3.13
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
    case ${1:-} in
        "") ;;
        --force) force=1 ;;
        --verify) verify_only=1 ;;
        *) sed -n '2,22s/^# \{0,1\}//p' "$0"; exit 2 ;;
    esac
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
