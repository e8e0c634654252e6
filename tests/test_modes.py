"""Proof that the HPy mode the run asked for is the mode the extensions really run in."""

import os
import subprocess
import sys

import pytest
from conftest import EXPECT_MODE, HPY_ENV

import oxhpy_kernels as k

CTX_NAMES = {"debug": "HPy Debug Mode ABI", "trace": "HPy Trace Mode ABI"}


def test_context_of_calls_matches_mode():
    oxhpy_testext = pytest.importorskip("oxhpy_testext")
    name = oxhpy_testext.context_name()
    # PyPy appends " (PyPy backend)" to these names.
    if EXPECT_MODE in CTX_NAMES:
        assert name.startswith(CTX_NAMES[EXPECT_MODE]), name
    else:
        assert not name.startswith(tuple(CTX_NAMES.values())), name


@pytest.mark.skipif(EXPECT_MODE != "trace", reason="trace mode only")
def test_trace_counters_count_kernel_calls():
    import hpy.trace

    before = hpy.trace.get_call_counts()["ctx_Long_FromInt64_t"]
    for i in range(10):
        k.add(i, i)
    assert hpy.trace.get_call_counts()["ctx_Long_FromInt64_t"] >= before + 10


@pytest.mark.skipif(EXPECT_MODE != "debug", reason="debug mode only")
def test_debug_mode_tracks_kernel_handles():
    from hpy.universal import _debug

    before = len(_debug.get_closed_handles())
    k.add(1, 2)
    k.sum_bytes(b"abc")
    assert len(_debug.get_closed_handles()) > before or len(_debug.get_closed_handles()) > 0


@pytest.mark.leaks
@pytest.mark.skipif(EXPECT_MODE != "debug", reason="debug mode only")
def test_leak_detector_catches_a_leak():
    oxhpy_testext = pytest.importorskip("oxhpy_testext")
    from hpy.debug import HPyLeakError, LeakDetector

    with pytest.raises(HPyLeakError):
        with LeakDetector():
            oxhpy_testext.leak_one_handle(object())


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="HPY_LOG is CPython's hpy.universal only")
def test_hpy_log_reports_mode():
    env = dict(os.environ, HPY=HPY_ENV, HPY_LOG="1")
    out = subprocess.run(
        [sys.executable, "-c", "import oxhpy_kernels"], env=env, capture_output=True, text=True, check=True
    )
    log = out.stdout + out.stderr
    assert "Loading 'oxhpy_kernels._native' in HPy universal mode" in log
    if EXPECT_MODE in ("debug", "trace"):
        assert f"with a {EXPECT_MODE} context" in log
    else:
        assert "context" not in log


PROBE = """
import oxhpy_kernels
from hpy.universal import _debug
before = len(_debug.get_closed_handles())
oxhpy_kernels.add(1, 2)
print(len(_debug.get_closed_handles()) - before)
"""


@pytest.mark.parametrize("hpy_env, debug", [("oxhpy_kernels._native:debug", True), ("universal", False)])
def test_per_module_mode_through_the_loader_stub(hpy_env, debug):
    """HPY=pkg.mod:debug reaches HPy's loader through our stub: only then do handles go through debug mode."""
    env = dict(os.environ, HPY=hpy_env)
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    grew = int(out.stdout.split()[-1]) > 0
    assert grew is debug, out


REIMPORT = """
import sys
import oxhpy_testext as t
node_type = t.Node
del sys.modules["oxhpy_testext"], sys.modules["oxhpy_testext._native"]
try:
    import oxhpy_testext._native as again
except ImportError as e:
    print("refused" if "already initialised" in str(e) else f"other ImportError: {e}")
else:
    print("same module" if again.Node is node_type else "a second module")
assert t.Node("a").name == "a" and isinstance(t.Node("b"), node_type)
try:
    t.panic_now("x")
except t.PanicException:
    print("PanicException still matches")
import gc
gc.collect()  # the refused module's cycle: its definition must still be alive (hpy-runtime/README.md)
"""


def test_second_initialisation_is_refused():
    """Module state is per process: a second module object would swap the types and exceptions
    under the first one ("expected Big, got Big"), so a second exec raises ImportError."""
    # PYTHONMALLOC=malloc: a use of freed memory crashes rather than reading a stale pymalloc block.
    env = dict(os.environ, PYTHONMALLOC="malloc")
    out = subprocess.run(
        [sys.executable, "-c", REIMPORT], capture_output=True, text=True, timeout=600, env=env
    )
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()
    assert first in ("refused", "same module"), first
    assert second == "PanicException still matches"
