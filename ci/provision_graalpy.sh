#!/usr/bin/env bash
# Provision GraalPy 24.2.2 (the last release with built-in HPy, exactly HPy 0.9.0) on a stock JDK 17+.
#
# GraalPy is not in Debian or on PyPI; it is taken from Maven Central as plain jars
# (org.graalvm.python:python-launcher, python-language, python-resources + their runtime
# dependencies) with the machine's own Maven and Maven configuration (~/.m2/settings.xml,
# mirrors, proxies, local repository). No repository host name is written here.
#
# Result (printed on stdout as the last line):
#   ${OXHPY_CACHE:-$HOME/.cache/oxhpy}/graalpy-24.2.2/bin/graalpy
# a wrapper that runs GraalPythonMain on `java` in interpreter-only (fallback runtime) mode.
# sys.executable is that wrapper (or the venv symlink pointing to it), so `-m venv`, pip and
# subprocesses that relaunch sys.executable work. The Truffle resource cache (Python home,
# native helper libraries) lives in the same directory instead of ~/.cache/org.graalvm.polyglot.
#
# Usage:  ci/provision_graalpy.sh            # provision (or reuse) and print the launcher path
#         GRAALPY=$(ci/provision_graalpy.sh) && "$GRAALPY" -m venv /tmp/venv
# Environment:
#   OXHPY_CACHE           cache root (default $HOME/.cache/oxhpy)
#   OXHPY_MVN             Maven command (default: mvn)
#   OXHPY_MVN_OPTS        extra Maven arguments, e.g. "-o" or "-Dmaven.repo.local=/some/dir"
#   OXHPY_GRAALPY_FORCE=1 re-provision even if the stamp file exists
# At run time the wrapper honours OXHPY_GRAALPY_JAVA (java binary, default `java` on PATH)
# and OXHPY_GRAALPY_JAVA_OPTS (extra JVM options).
set -euo pipefail

GRAALPY_VERSION=24.2.2
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1

cache_root=${OXHPY_CACHE:-$HOME/.cache/oxhpy}
dest=$cache_root/graalpy-$GRAALPY_VERSION
stamp=$dest/.provisioned
launcher=$dest/bin/graalpy

log() { printf 'provision_graalpy: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ -f $stamp && -x $launcher && ${OXHPY_GRAALPY_FORCE:-0} != 1 ]]; then
    echo "$launcher"
    exit 0
fi

command -v java >/dev/null 2>&1 || die "java (JDK 17+) not found on PATH"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
[[ ${java_major%%.*} =~ ^[0-9]+$ && ${java_major%%.*} -ge 17 ]] \
    || die "GraalPy $GRAALPY_VERSION needs Java 17+, found java.specification.version=${java_major:-?}"
mvn_cmd=${OXHPY_MVN:-mvn}
command -v "$mvn_cmd" >/dev/null 2>&1 || die "Maven ($mvn_cmd) not found on PATH"

start=$SECONDS
mkdir -p "$cache_root"
# serialise concurrent provisioning runs (e.g. parallel CI jobs sharing one cache)
if command -v flock >/dev/null 2>&1; then
    exec 9>"$cache_root/.graalpy-$GRAALPY_VERSION.lock"
    flock 9
    if [[ -f $stamp && -x $launcher && ${OXHPY_GRAALPY_FORCE:-0} != 1 ]]; then
        echo "$launcher"
        exit 0
    fi
fi
work=$(mktemp -d "$cache_root/.graalpy-$GRAALPY_VERSION.tmp.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- 1. the jars -----------------------------------------------------------------------------
cat >"$work/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.oxhpy</groupId>
  <artifactId>graalpy-provision</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.graalvm.python</groupId><artifactId>python-launcher</artifactId><version>$GRAALPY_VERSION</version></dependency>
    <dependency><groupId>org.graalvm.python</groupId><artifactId>python-language</artifactId><version>$GRAALPY_VERSION</version></dependency>
    <dependency><groupId>org.graalvm.python</groupId><artifactId>python-resources</artifactId><version>$GRAALPY_VERSION</version></dependency>
    <!-- Sulong (LLVM runtime, native mode): GraalPy 24.2 on the JVM always loads its HPy support
         library libhpy-native.so through the "llvm" language, even with the JNI HPy backend;
         without it \`import hpy.universal\` fails with "No language for id llvm found". -->
    <dependency><groupId>org.graalvm.llvm</groupId><artifactId>llvm-native-community</artifactId><version>$GRAALPY_VERSION</version><type>pom</type>
      <!-- the optimizing Truffle runtime needs a JVMCI JDK 21+; we run the fallback interpreter -->
      <exclusions><exclusion><groupId>org.graalvm.truffle</groupId><artifactId>truffle-runtime</artifactId></exclusion></exclusions>
    </dependency>
  </dependencies>
</project>
EOF

log "resolving GraalPy $GRAALPY_VERSION jars with Maven ..."
# (Maven 3.8 prints stray ANSI reset codes even with -B -q: filtered out; pipefail keeps its status)
# shellcheck disable=SC2086  # OXHPY_MVN_OPTS is a word list on purpose
"$mvn_cmd" -B -q -Dstyle.color=never ${OXHPY_MVN_OPTS:-} -f "$work/pom.xml" \
    "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DexcludeTypes=pom -DoutputDirectory="$work/lib" 2>&1 \
    | sed 's/\x1b\[0m//g' >&2 \
    || die "Maven could not resolve the GraalPy jars (see output above)"
for a in python-launcher python-language python-resources truffle-api truffle-nfi-libffi polyglot \
         llvm-language llvm-language-native; do
    compgen -G "$work/lib/$a-*.jar" >/dev/null || die "missing $a jar after Maven resolution"
done

# --- 2. the launcher -------------------------------------------------------------------------
mkdir -p "$work/bin"
cat >"$work/bin/graalpy" <<'EOF'
#!/usr/bin/env bash
# GraalPy 24.2.2 on a stock JDK (interpreter-only Truffle fallback runtime).
# Generated by oxhpy ci/provision_graalpy.sh. May be symlinked (e.g. by `graalpy -m venv`):
# sys.executable is the path this script was invoked through, the jars are found through
# the resolved path.
set -euo pipefail
self=$0
if [[ $self != */* ]]; then self=$(command -v -- "$self"); fi
self=$(cd -- "$(dirname -- "$self")" && pwd -P)/$(basename -- "$self")
home=$(dirname -- "$(dirname -- "$(readlink -f -- "$self")")")
jvm_opts=()
if [[ -f $home/graalpy.jsa ]]; then
    jvm_opts+=("-XX:SharedArchiveFile=$home/graalpy.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
# shellcheck disable=SC2206  # word splitting of user-supplied options is intended
jvm_opts+=(${OXHPY_GRAALPY_JAVA_OPTS:-})
# GraalPy's bundled pip adds a vendor wheel index as default --extra-index-url and fetches a
# patch repository from a vendor URL. Where those hosts are unreachable every package costs
# 5 retries per host (pip install pytest: 60-75 s instead of 28 s). Unless the caller set them,
# use only the machine's configured index (" " = empty list) and the patches bundled with
# GraalPy ("" = local repository). Set either variable yourself to restore the vendor defaults.
export PIP_EXTRA_INDEX_URL="${PIP_EXTRA_INDEX_URL- }"
export PIP_GRAALPY_PATCHES_URL="${PIP_GRAALPY_PATCHES_URL-}"
# -XX:TieredStopAtLevel=1 (C1 only): the interpreter-only Truffle runtime is a huge Java
# program; C2 spends more CPU compiling it than it saves in short runs (trivial pytest run
# 7.5 s instead of 12-16 s wall, `-c pass` 2.2 s instead of 3-5 s; a 3 s loop is as fast).
# Override with OXHPY_GRAALPY_JAVA_OPTS=-XX:TieredStopAtLevel=4 (later flags win).
exec "${OXHPY_GRAALPY_JAVA:-java}" \
    -Xss16m \
    -XX:TieredStopAtLevel=1 \
    -Dtruffle.UseFallbackRuntime=true \
    -Dpolyglot.engine.WarnInterpreterOnly=false \
    "-Dpolyglot.engine.userResourceCache=$home/resources" \
    "-Dorg.graalvm.launcher.executablename=$self" \
    "${jvm_opts[@]}" \
    -cp "$home/lib/*" \
    com.oracle.graal.python.shell.GraalPythonMain "$@"
EOF
chmod +x "$work/bin/graalpy"

# --- 3. install into place and smoke-test ----------------------------------------------------
rm -rf "$dest"
mkdir -p "$dest"
mv "$work/lib" "$work/bin" "$dest/"
cp "$work/pom.xml" "$dest/pom.xml"

log "first start (unpacks the Python home into $dest/resources) ..."
check='import sys, hpy.universal
assert sys.implementation.name == "graalpy", sys.implementation
print(sys.implementation.name, sys.version.split()[0], sys.executable)'
"$launcher" -c "$check" >&2 || die "smoke test of $launcher failed"

# AppCDS archive of the JDK + GraalPy classes (~100 MB): `graalpy -c pass` 2.5 s instead of
# 3.5-4 s (measured with C2; ~17k of ~17.3k loaded classes come from the archive). Optional: if
# the JVM cannot write it, the launcher simply runs without it.
log "creating class-data-sharing archive ..."
if JDK_JAVA_OPTIONS="'-XX:ArchiveClassesAtExit=$work/graalpy.jsa'" \
        "$launcher" -c "$check" >/dev/null 2>"$work/cds.log" \
        && [[ -s $work/graalpy.jsa ]]; then
    mv "$work/graalpy.jsa" "$dest/graalpy.jsa"
    "$launcher" -c "$check" >/dev/null 2>&1 || { log "CDS archive unusable, dropping it"; rm -f "$dest/graalpy.jsa"; }
else
    log "warning: no CDS archive ($(tail -n 3 "$work/cds.log" | tr '\n' ' '))"
fi

jar_mb=$(du -sm "$dest/lib" | cut -f1)
printf 'graalpy %s\njars %s MB\nprovisioned %s\n' "$GRAALPY_VERSION" "$jar_mb" "$(date -u +%FT%TZ)" >"$stamp"
log "done in $((SECONDS - start)) s ($jar_mb MB of jars, $(du -sm "$dest" | cut -f1) MB total)"
echo "$launcher"
