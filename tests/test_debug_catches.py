"""HPy's debug mode catches every misuse that oxhpy's safe layer rules out, when raw code commits it.

``oxhpy_leaky`` (tests/leaky/, test only, never shipped) misuses HPy on purpose through raw ``hpy-sys``
calls, bypassing oxhpy's dup/close and lifetimes: it leaks a handle, uses a closed handle, returns
an argument without ``HPy_Dup``, reads ``HPyBytes_AsString`` / ``HPyUnicode_AsUTF8AndSize`` data after
its handle is closed, and writes through the read-only data ``HPyBytes_AsString`` exports.

What each interpreter's debug mode does (measured; each test asserts exactly that):

- leaked handle: ``HPyLeakError`` listing it, with its allocation stack trace (first frame in our
  ``.so``) after ``hpy.debug.set_handle_stack_trace_limit(n)``: CPython, PyPy, GraalPy.
- closed handle used, argument returned without dup: abort with "Invalid usage of already closed
  handle"; with ``hpy.universal._debug.set_on_invalid_handle(f)``, ``f()`` is called at the misusing
  call and execution goes on: CPython, PyPy, GraalPy.
- raw data read after its handle's close: SIGSEGV on CPython and PyPy (the copy debug mode handed
  out is ``mprotect``-ed ``PROT_NONE``); on GraalPy no fault, the read sees hpy's poison bytes
  ``BA D0 DA 7A`` (memprotect.c's generic fallback overwrites the copy instead).
- write through ``HPyBytes_AsString``'s data: SIGSEGV on CPython and PyPy (the copy is
  ``PROT_READ``); **not caught on GraalPy**: the write lands in the private copy, the ``bytes`` stays
  intact.

Misuses that kill the process run in a child interpreter (``sys.executable``, with ``HPY=debug``).
These tests run in the debug-mode run of the matrix only (the children choose their own mode); one
child in universal mode shows that the same misuses go unnoticed there.
"""

import json
import os
import signal
import subprocess
import sys

import pytest
from conftest import DEBUG, GRAALPY

leaky = pytest.importorskip("oxhpy_leaky")

pytestmark = pytest.mark.skipif(not DEBUG, reason="proves debug mode: runs in the HPY=debug run only")

ABORT, SEGV = -signal.SIGABRT, -signal.SIGSEGV
CLOSED = "Invalid usage of already closed handle"
# hpy's debug mode without memory protection (memprotect.c's generic fallback, which GraalPy uses)
# overwrites the raw data of a closed handle with these bytes, repeated.
POISON = bytes([0xBA, 0xD0, 0xDA, 0x7A])


def child(code, mode="debug"):
    """Runs `code` in a new interpreter in HPy mode `mode`; returns the CompletedProcess."""
    env = dict(os.environ, HPY=mode, OXHPY_EXPECT_MODE=mode)
    env.pop("OXHPY_REPORT", None)
    prelude = "import os, sys, oxhpy_leaky as l\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code], env=env, capture_output=True, text=True, timeout=300
    )


def describe(r):
    return f"rc={r.returncode}\nstdout={r.stdout[-2000:]}\nstderr={r.stderr[-2000:]}"


@pytest.mark.leaks
def test_leaked_handle_is_reported_with_its_allocation_stack_trace():
    from hpy.debug import (
        HPyLeakError,
        LeakDetector,
        disable_handle_stack_traces,
        set_handle_stack_trace_limit,
    )

    class Marker:
        pass

    marker = Marker()
    set_handle_stack_trace_limit(16)
    try:
        with pytest.raises(HPyLeakError) as info:
            with LeakDetector():
                leaky.leak(marker)
    finally:
        disable_handle_stack_traces()
    leaks = info.value.leaks
    assert len(leaks) == 1 and leaks[0].obj is marker and not leaks[0].is_closed
    text = str(info.value)
    assert text.startswith("1 unclosed handle:") and "Marker object" in text, text
    # The first frame of the trace is in the library that opened the handle.
    trace = text.split("Allocation stacktrace:\n", 1)[1].splitlines()
    assert os.path.join("oxhpy_leaky", "_native.hpy0.so") in trace[0], text


@pytest.mark.leaks
def test_leak_detector_without_stack_traces_says_how_to_get_them():
    from hpy.debug import HPyLeakError, LeakDetector

    with pytest.raises(HPyLeakError) as info:
        with LeakDetector():
            leaky.leak(42.5)
    assert "set_handle_stack_trace_limit" in str(info.value), str(info.value)


@pytest.mark.parametrize(
    "code",
    [
        "print(l.use_after_close(object()))",
        "o = object()\nprint(l.return_arg(o) is o)",
    ],
    ids=["closed_handle_used", "argument_returned_without_dup"],
)
def test_closed_handle_aborts(code):
    r = child(code + "\nprint('survived')")
    assert r.returncode == ABORT and CLOSED in r.stderr and "survived" not in r.stdout, describe(r)


ON_INVALID = """
from hpy.universal import _debug
calls = []
_debug.set_on_invalid_handle(lambda: calls.append(sys._getframe(1).f_lineno))
o = object()
l.use_after_close(o)
r = l.return_arg(o)
print(calls, flush=True)
os._exit(0)  # the misuse left the interpreter's reference counts wrong: skip the teardown
"""


def test_closed_handle_calls_on_invalid_handle():
    """With a callback set, debug mode reports each use of a closed handle to it and goes on:
    one call for the closed handle used (line 7 of the child), one for the argument returned
    without dup (line 8; debug mode reads the result after closing the arguments)."""
    r = child(ON_INVALID)
    assert r.returncode == 0 and r.stdout.split() == ["[7,", "8]"], describe(r)


RAW_CASES = {
    "bytes_read_after_close": "l.raw_after_close(bytes(range(97, 107)), 'bytes')",
    "utf8_read_after_close": "l.raw_after_close('abcdefghij' * 2, 'utf8')",
    "bytes_kept_past_call": "l.keep_raw(bytes(range(97, 107)), 'bytes') or l.read_kept()",
    "utf8_kept_past_call": "l.keep_raw('abcdefghij' * 2, 'utf8') or l.read_kept()",
}
WRITE = "b = bytes(range(97, 107))\nl.write_readonly(b, 0x41)\nprint(b.decode())"


@pytest.fixture(scope="module")
def graalpy_raw_results():
    """GraalPy: the raw-data misuses do not kill the process there, so one child runs them all
    (a GraalPy child costs seconds)."""
    code = "".join(f"print({c})\n" for c in RAW_CASES.values()) + WRITE
    r = child(code)
    assert r.returncode == 0, describe(r)
    return r.stdout.split()


@pytest.mark.parametrize("case", list(RAW_CASES))
def test_raw_data_after_close(case, request):
    if GRAALPY:
        # GraalPy 24.2's debug mode has no memory protection: the read succeeds and sees the poison.
        got = request.getfixturevalue("graalpy_raw_results")[list(RAW_CASES).index(case)]
        assert got == str(POISON[0])
        return
    r = child(f"print({RAW_CASES[case]})\nprint('survived')")
    assert r.returncode == SEGV and "survived" not in r.stdout, describe(r)


def test_write_through_readonly_bytes_data(request):
    if GRAALPY:
        # Not caught on GraalPy 24.2: the write lands in the private copy debug mode handed out.
        assert request.getfixturevalue("graalpy_raw_results")[-1] == "abcdefghij"
        return
    r = child(WRITE + "\nprint('survived')")
    assert r.returncode == SEGV and "survived" not in r.stdout, describe(r)


UNNOTICED = """
import json
b = bytes(range(97, 107))
out = {
    "use_after_close": l.use_after_close(b) in (True, False),
    "bytes_read_after_close": l.raw_after_close(b, 'bytes'),
    "utf8_read_after_close": l.raw_after_close('abcdefghij', 'utf8'),
}
l.write_readonly(b, 0x41)
out["written"] = b.decode()
print(json.dumps(out), flush=True)
os._exit(0)
"""


def test_same_misuses_go_unnoticed_in_universal_mode():
    """Without debug mode the same calls return (by luck) and even mutate an immutable `bytes`."""
    r = child(UNNOTICED, mode="universal")
    assert r.returncode == 0, describe(r)
    out = json.loads(r.stdout)
    assert (
        out["use_after_close"] and out["bytes_read_after_close"] == 97 and out["utf8_read_after_close"] == 97
    )
    # Every interpreter hands out the object's own memory: the immutable bytes object changed.
    assert out["written"] == "Abcdefghij", out
