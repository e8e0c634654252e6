"""Shared test setup: the HPy mode under test, the interpreters' known bugs, the run report.

The mode comes from the ``HPY`` environment variable (``universal``, ``debug``, ``trace`` or
``pkg.mod:debug``), exactly as a user sets it; the matrix runner (``ci/test.sh``) also sets
``OXHPY_EXPECT_MODE`` so that ``test_modes.py`` fails if the interpreter silently ignored it.
The leak checker is the oxhpy pytest plugin's (``python/oxhpy/pytest_plugin.py``, installed with the
``oxhpy`` wheel): in debug mode every test runs inside HPy's leak detector and a leaked handle fails the
test, except under ``@pytest.mark.leaks``; its report header proves the mode through
``pytest_hpy_context_name`` below.
"""

import gc
import hashlib
import json
import os
import sys
import time

import pytest

IMPL = sys.implementation.name
PYPY = IMPL == "pypy"
GRAALPY = IMPL == "graalpy"
HPY_ENV = os.environ.get("HPY", "universal")
EXPECT_MODE = os.environ.get("OXHPY_EXPECT_MODE") or HPY_ENV.rpartition(":")[2] or "universal"
DEBUG = EXPECT_MODE == "debug"
START = time.monotonic()


# --- Known bugs of the interpreters' HPy implementations -------------------------------------------
# Each is shown by plain C HPy code too, so it is not oxhpy's (details in the README, "Compatibility").
# Tests that hit one are marked exactly, only on that interpreter: xfail(strict) where the test fails,
# skipif where the process would die.

# GraalPy 24.2.2: HPyErr_NewException("pkg.mod.Name") splits the name at the *first* dot, so the class
# is `mod.Name` in module `pkg` (CPython: `Name` in `pkg.mod`); HPyType_GetName then says `mod.Name` too.
GRAALPY_EXC_NAME = pytest.mark.xfail(
    GRAALPY, strict=True, reason="GraalPy 24.2: HPyErr_NewException splits the dotted name at the first dot"
)
# GraalPy 24.2.2: after HPyCapsule_Set(HPyCapsule_key_Name), HPyCapsule_IsValid fails with "should not
# throw exceptions apart from PException" (ShouldNotReachHere) and the next capsule call kills the JVM.
GRAALPY_CAPSULE_RENAME = pytest.mark.skipif(
    GRAALPY, reason="GraalPy 24.2: HPyCapsule_IsValid after HPyCapsule_Set(key_Name) kills the JVM"
)
# PyPy 3.11's and GraalPy 24.2's debug modes abort the process ("Error: Wrong HPy Context!") when an HPy
# function calls, directly or through Python code, another HPy function of a debug-mode module (plain C:
# `bounce(f, x)` calling HPy_CallTupleDict(f) where f calls another HPy function).
NESTED_HPY_CALLS = pytest.mark.skipif(
    (PYPY or GRAALPY) and EXPECT_MODE == "debug",
    reason=f"{IMPL} debug mode aborts on nested HPy calls (Error: Wrong HPy Context!)",
)
# GraalPy 24.2.2: HPy_Close buffers 32 handles and, when the buffer is full, closes those and drops the
# handle it was given, whose object then stays alive for good (plain C: 33 000 HPy_Close of new 1000-byte
# bytes leave exactly 1000 alive). oxhpy closes through an HPyTracker instead, which bypasses the buffer,
# but in debug mode the debug context closes a tracker's handles through that HPy_Close too (plain C: the
# same 1000 alive with HPyTracker_Close), so there the leak stays.
GRAALPY_DEBUG_LOST_CLOSE = pytest.mark.xfail(
    GRAALPY and EXPECT_MODE == "debug",
    strict=True,
    reason="GraalPy 24.2 debug mode: HPy_Close (and HPyTracker_Close) loses one handle in 33",
)
# GraalPy 24.2.2: bytes(obj) and bytearray(obj) refuse an HPy type that exports a buffer
# (HPy_bf_getbuffer) with "TypeError: cannot convert 'X' object to bytes"; memoryview(obj) works.
GRAALPY_BYTES_OF_EXPORT = pytest.mark.xfail(
    GRAALPY, strict=True, reason="GraalPy 24.2: bytes() of an HPy buffer exporter raises TypeError"
)


def pytest_configure(config):
    # Without the plugin a debug-mode run would check no leaks and still pass.
    if not config.pluginmanager.hasplugin("oxhpy"):
        raise pytest.UsageError(
            "the oxhpy pytest plugin is not loaded: install the oxhpy wheel (python/; ci/common.sh "
            "install_test_deps does)"
        )


def pytest_hpy_context_name(config):
    """For the plugin's header: the context a call into the test extension really gets."""
    try:
        import oxhpy_testext
    except ImportError:
        return None
    return oxhpy_testext.context_name()


def _facts():
    """What the report says about this interpreter and the mode that was really active."""
    import hpy.universal

    facts = {
        "interpreter": sys.implementation.name,
        "version": ".".join(map(str, sys.version_info[:3])),
        "hpy": hpy.universal.get_version()[0],
        "runtime": _runtime(),
        "mode": EXPECT_MODE,
        "HPY": HPY_ENV,
    }
    try:
        import oxhpy_testext

        facts["context"] = oxhpy_testext.context_name()
        facts["layout"] = oxhpy_testext.context_layout()
    except ImportError:
        pass
    # Proof that this run used the file under test: the wheel as this interpreter reads it, and the
    # installed binary that the imported loader stub loads (ci/report.py compares both with the host's).
    if os.environ.get("OXHPY_WHEEL"):
        facts["wheel_sha256"] = _sha256(os.environ["OXHPY_WHEEL"])
    import oxhpy_kernels

    facts["so_sha256"] = _sha256(os.path.join(os.path.dirname(oxhpy_kernels.__file__), "_native.hpy0.so"))
    if EXPECT_MODE == "trace":
        import hpy.trace

        facts["trace_calls"] = sum(hpy.trace.get_call_counts().values())
    return facts


def _runtime():
    """The distribution that provides hpy.universal: built into PyPy and GraalPy, installed on CPython."""
    if IMPL != "cpython":
        return "built-in"
    from importlib import metadata

    for dist in ("oxhpy-hpy", "hpy"):
        try:
            return f"{dist} {metadata.version(dist)}"
        except metadata.PackageNotFoundError:
            pass
    return "?"


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("OXHPY_REPORT")
    if not path:
        return
    stats = session.config.pluginmanager.get_plugin("terminalreporter").stats
    counts = {
        k: len(stats.get(k, [])) for k in ("passed", "failed", "xfailed", "xpassed", "skipped", "error")
    }
    with open(path, "w", encoding="utf-8") as f:
        seconds = round(time.monotonic() - START, 1)
        json.dump({**_facts(), **counts, "seconds": seconds, "exitstatus": int(exitstatus)}, f)


def collect_until(predicate, rounds=20):
    """gc.collect() until `predicate()` holds (GraalPy's Java GC may need several rounds)."""
    for _ in range(rounds):
        gc.collect()
        if predicate():
            return True
    return predicate()


def settled(read, rounds=20):
    """`read()` once it stops changing between two `gc.collect()`s: counters of drops, once the
    garbage of earlier tests is collected (PyPy and GraalPy free objects only when their GC runs)."""
    last = None
    for _ in range(rounds):
        gc.collect()
        now = read()
        if now == last:
            return now
        last = now
    return last
