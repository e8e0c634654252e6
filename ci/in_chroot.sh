#!/usr/bin/env bash
# Run a command inside one of the oxhpy Debian chroots (built by ci/provision_chroot.sh SUITE).
#
#   ci/in_chroot.sh SUITE [NAME=VALUE...] CMD [ARGS...]
#   ci/in_chroot.sh SUITE --dir          print the chroot's path on the host (to stage files into it)
#
# Examples:
#   ci/in_chroot.sh trixie /opt/venv-pypy311/bin/python -m pytest -q tests/
#   ci/in_chroot.sh forky /opt/venv-cp315/bin/python -c 'import sys; print(sys.version)'
#   ci/in_chroot.sh trixie DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends make
#
# The command starts with a clean environment (env -i): HOME=/root, a standard PATH, LANG=C.UTF-8, plus the
# caller's PIP_*, proxy and CA-bundle variables. Leading NAME=VALUE words are handed to env(1) as extra
# variables. The chroot does not see the host's files: copy or bind what you need under its --dir first.
#
# /proc and /dev are mounted in a private mount namespace (unshare), so they disappear when the command
# ends: nothing stays mounted inside the cache directory, and wiping it can never reach the host's /dev.
#
# Environment: OXHPY_<SUITE>_DIR (chroot path, e.g. OXHPY_TRIXIE_DIR, OXHPY_FORKY_DIR),
# else ${OXHPY_CACHE:-$HOME/.cache/oxhpy}/<suite>.
set -euo pipefail

CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

die() { echo "in_chroot.sh: $*" >&2; exit 1; }

# The suite name becomes a path component and a variable name: accept only Debian-codename spelling.
SUITE=${1:-}
[[ $SUITE =~ ^[a-z]+$ ]] || { sed -n '2,21s/^# \{0,1\}//p' "$0"; exit 2; }
shift
# This script is the single place that maps a suite to its directory (provision_chroot.sh asks --dir).
DIR_VAR=OXHPY_${SUITE^^}_DIR
DIR=${!DIR_VAR:-${OXHPY_CACHE:-$HOME/.cache/oxhpy}/$SUITE}
STAMP=$DIR/.oxhpy-$SUITE-stamp

# Copy a host file to the same path inside the chroot, only when it changed, and atomically
# (write a temp file, then rename) so that concurrent callers never see a half-written file.
sync_file() {
    local src=$1 dst=$DIR$1
    [[ -f $src ]] || return 0
    cmp -s "$src" "$dst" 2>/dev/null && return 0
    mkdir -p "$(dirname "$dst")"
    cp -L "$src" "$dst.tmp.$$" && mv -f "$dst.tmp.$$" "$dst"
}

# Networking inside the chroot uses the host's name resolution, CA bundle and pip settings, refreshed
# on every call because they can change on the host (resolv.conf does, on DHCP machines).
sync_host_config() {
    local f var
    for f in /etc/resolv.conf /etc/hosts /etc/ssl/certs/ca-certificates.crt /etc/pip.conf /etc/xdg/pip/pip.conf; do
        sync_file "$f"
    done
    # Files named by variables we pass through (e.g. PIP_CERT=/some/bundle.pem) must exist inside too.
    for var in PIP_CERT PIP_CLIENT_CERT PIP_CONFIG_FILE SSL_CERT_FILE REQUESTS_CA_BUNDLE CURL_CA_BUNDLE GIT_SSL_CAINFO; do
        [[ -n ${!var:-} && ${!var} == /* ]] && sync_file "${!var}"
    done
    # The caller's per-user pip config becomes root's inside the chroot.
    local user_conf=${XDG_CONFIG_HOME:-$HOME/.config}/pip/pip.conf
    if [[ -f $user_conf ]]; then
        mkdir -p "$DIR/root/.config/pip"
        cmp -s "$user_conf" "$DIR/root/.config/pip/pip.conf" || cp -L "$user_conf" "$DIR/root/.config/pip/pip.conf"
    fi
}

# The environment the command sees: a clean base plus the variables that make pip/git reach the network.
build_env() {
    ENV_ARGS=(HOME=/root "PATH=$CHROOT_PATH" LANG=C.UTF-8)
    local name
    while IFS= read -r name; do
        case $name in
            PIP_* | http_proxy | https_proxy | no_proxy | all_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | ALL_PROXY | \
                SSL_CERT_FILE | SSL_CERT_DIR | REQUESTS_CA_BUNDLE | CURL_CA_BUNDLE | GIT_SSL_CAINFO)
                ENV_ARGS+=("$name=${!name}") ;;
        esac
    done < <(compgen -e)
}

# Mount /proc and /dev unless already mounted (e.g. by someone else's bind mount). Only called inside a
# private mount namespace. Failures are not fatal: python and pypy start without /proc, only some tools
# (ps, multiprocessing without /dev/shm) degrade.
mount_pseudo_fs() {
    if ! mountpoint -q "$DIR/proc"; then
        mount -t proc proc "$DIR/proc" 2>/dev/null || echo "in_chroot.sh: warning: cannot mount /proc" >&2
    fi
    if ! mountpoint -q "$DIR/dev"; then
        # --rbind brings /dev/pts and /dev/shm along (ptys, POSIX semaphores for multiprocessing).
        mount --rbind /dev "$DIR/dev" 2>/dev/null || echo "in_chroot.sh: warning: cannot bind /dev" >&2
    fi
    # A local wheelhouse named in PIP_FIND_LINKS (passed through below) must resolve inside too: bind it
    # read-only at the same path. Entries that are URLs or missing on the host are left to pip.
    local d
    for d in ${PIP_FIND_LINKS:-}; do
        [[ $d == /* && -d $d ]] || continue
        mkdir -p "$DIR$d"
        mountpoint -q "$DIR$d" || mount --bind -o ro "$d" "$DIR$d" 2>/dev/null ||
            echo "in_chroot.sh: warning: cannot bind $d" >&2
    done
}

main() {
    case ${1:-} in
        "" | -h | --help) sed -n '2,21s/^# \{0,1\}//p' "$0"; exit 2 ;;
        --dir) echo "$DIR"; exit 0 ;;
    esac
    [[ $EUID -eq 0 ]] || die "must run as root (chroot needs it)"
    [[ -x $DIR/usr/bin/env ]] || die "no chroot at $DIR; run ci/provision_chroot.sh $SUITE first"
    # provision_chroot.sh sets OXHPY_CHROOT_BUILDING=1 while the chroot is still being assembled.
    [[ -f $STAMP || ${OXHPY_CHROOT_BUILDING:-} == 1 ]] ||
        die "chroot at $DIR is incomplete (no stamp); run ci/provision_chroot.sh $SUITE"

    # First pass: re-execute this script in a private mount namespace; the mounts made there vanish
    # with the namespace. If unshare is not permitted, run without mounts (python and pypy still work).
    if [[ ${OXHPY_CHROOT_NS:-} != 1 ]]; then
        if unshare --mount --propagation private true 2>/dev/null; then
            OXHPY_CHROOT_NS=1 exec unshare --mount --propagation private -- "$BASH" "$0" "$SUITE" "$@"
        fi
        echo "in_chroot.sh: warning: no private mount namespace; running without /proc and /dev" >&2
    else
        mount_pseudo_fs
    fi

    sync_host_config
    build_env
    exec chroot "$DIR" /usr/bin/env -i "${ENV_ARGS[@]}" "$@"
}

main "$@"
