#!/usr/bin/env bash
# Builds oxhpy-hpy, the HPy 0.9.0 runtime for CPython 3.9-3.15 (see hpy-runtime/README.md): the released
# hpy==0.9.0 sdist from the machine's own package index, checked against its sha256, plus
# hpy-runtime/oxhpy-hpy.patch.
#
#   hpy-runtime/build.sh source DIR          write the patched source tree to DIR (any python3 with pip)
#   hpy-runtime/build.sh wheel PYTHON DIR    build the wheel for that CPython into DIR (needs a C compiler
#                                            and the interpreter's headers)
#
# Nothing of HPy is kept in this repository: only the patch.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SDIST=hpy-0.9.0.tar.gz
SDIST_SHA256=4545310f3a7f9ac249c0f19a80a9b05f46565afb62b7e9225b79493b7b6c70cc
PATCH=$HERE/oxhpy-hpy.patch

die() { printf 'hpy-runtime/build.sh: %s\n' "$*" >&2; exit 1; }

source_tree() {
    local out=$1 tmp
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' RETURN
    python3 -m pip download -q --no-deps --no-binary :all: -d "$tmp" hpy==0.9.0 >&2
    [[ -f $tmp/$SDIST ]] || die "pip did not download $SDIST"
    echo "$SDIST_SHA256  $tmp/$SDIST" | sha256sum -c --quiet - || die "$SDIST: sha256 mismatch"
    rm -rf "$out" && mkdir -p "$out"
    tar -xzf "$tmp/$SDIST" -C "$out" --strip-components=1
    patch -d "$out" -p1 --forward --quiet <"$PATCH" || die "the patch does not apply"
}

case ${1:-} in
source) [[ $# == 2 ]] || die "usage: build.sh source DIR"; source_tree "$2" ;;
wheel)
    [[ $# == 3 ]] || die "usage: build.sh wheel PYTHON DIR"
    src=$(mktemp -d)
    trap 'rm -rf "$src"' EXIT
    source_tree "$src"
    "$2" -m pip wheel -q --no-deps -w "$3" "$src" >&2
    ;;
*) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 2 ;;
esac
