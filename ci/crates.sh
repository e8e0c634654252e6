#!/usr/bin/env bash
# The three crates as a user gets them: `cargo package` (which verifies that each builds from its own
# `.crate` file), then tests/user_crate (edition 2024, outside the workspace, depending on `oxhpy` by
# version only) built against those `.crate` files through `[patch.crates-io]`, loaded by CPython's HPy
# runtime in universal and debug mode and called. Run by ci/test.sh; runs alone too.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"
[[ ${OXHPY_HPY_DEVEL:-} ]] || { ensure_apt; ensure_cpython; }

step "crates: cargo package hpy-sys, oxhpy-macros, oxhpy"
# Verification builds oxhpy against the just-packaged oxhpy-macros from a temporary registry, and
# cargo takes a registry crate's earlier build as up to date (registry crates never change): a cached
# build of an older oxhpy-macros 0.1.0 would be used. So the packages build in a target folder of
# their own (keeping syn, bindgen, ... between runs), without the builds of our three crates.
pkg_target=$CARGO_TARGET_DIR/crates
rm -rf "$pkg_target"/package "$pkg_target"/debug/.fingerprint/{hpy-sys,oxhpy-macros,oxhpy}-* \
    "$pkg_target"/debug/build/hpy-sys-* "$pkg_target"/debug/deps/*{hpy_sys,oxhpy_macros,oxhpy}-*
# Likewise cargo keeps its own extracted copy of each crate it took from that temporary registry
# (`$CARGO_HOME/registry/src/-<hash>/`, keyed by the registry's path, which is the same every run): an
# older oxhpy-macros 0.1.0 there would be built instead of the one just packaged. Only our three crates
# go; crates.io's copies (`index.crates.io-*`) stay.
for d in "${CARGO_HOME:-$HOME/.cargo}"/registry/{src,cache}/-*; do
    [[ -d $d ]] && rm -rf "$d"/{hpy-sys,oxhpy-macros,oxhpy}-0.1.0{,.crate}
done
CARGO_TARGET_DIR=$pkg_target cargo package -q --allow-dirty -p hpy-sys -p oxhpy-macros -p oxhpy

# A fixed folder, so that a second run reuses the build of the registry dependencies (syn, bindgen, ...).
work=$CARGO_TARGET_DIR/user-crate
rm -rf "$work/user" "$work/site" "$work"/*-0.1.0
mkdir -p "$work"
for c in hpy-sys oxhpy-macros oxhpy; do
    tar -xzf "$pkg_target/package/$c-0.1.0.crate" -C "$work"
done
cp -r tests/user_crate "$work/user"
{
    echo
    echo "[patch.crates-io]"
    for c in hpy-sys oxhpy-macros oxhpy; do echo "$c = { path = \"$work/$c-0.1.0\" }"; done
} >>"$work/user/Cargo.toml"

# The extracted crates carry the mtimes cargo package gave them (not today's), so a build of an older
# 0.1.0 in the user crate's target folder would look up to date: drop ours, keep the registry ones.
rm -rf "$work"/target/debug/.fingerprint/{hpy-sys,oxhpy-macros,oxhpy}-* "$work"/target/debug/build/hpy-sys-* \
    "$work"/target/debug/deps/*{hpy_sys,oxhpy_macros,oxhpy}-*
step "crates: a user crate (edition 2024) from the packaged crates"
(cd "$work/user" && CARGO_TARGET_DIR="$work/target" cargo build -q)
mkdir "$work/site"
cp "$work/target/debug/libuser_crate.so" "$work/site/user_crate.hpy0.so"
for mode in universal debug; do
    "$VENV/bin/python" - "$work/site/user_crate.hpy0.so" "$mode" <<'PY'
import importlib.util
import sys

from hpy.universal import load

path, mode = sys.argv[1:]
spec = importlib.util.spec_from_file_location("user_crate", path)
m = load("user_crate", path, spec, debug=mode == "debug")
c = m.Counter(41)
assert (m.add(2, 3), c.bump(), c.bump()) == (5, 42, 43), "wrong results"
try:
    m.add(2**62, 2**62)
except OverflowError:
    pass
else:
    raise AssertionError("no OverflowError")
print(f"user crate ok in {mode} mode: add, Counter, OverflowError")
PY
done
