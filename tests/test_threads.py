"""Releasing the interpreter: another Python thread really runs while native code waits."""

import os
import sys
import threading

import oxhpy_testext as t
import pytest
from conftest import DEBUG

import oxhpy_kernels as k

# HPy's debug contexts abort the process ("Error: Wrong HPy Context!") when other threads' calls reuse
# the context of a thread that has released the interpreter (PyPy 3.11 and GraalPy 24.2 at once,
# CPython in about one run in ten of test_threads_calling_a_releasing_kernel): in debug mode,
# allow_threads keeps the interpreter held on every interpreter.
HELD_IN_DEBUG = DEBUG


def _race(release):
    r, w = os.pipe()
    os.set_blocking(r, False)
    try:

        def writer():
            os.write(w, b"x")

        th = threading.Thread(target=writer)
        # The writer needs the interpreter to run. If wait_for_pipe did not release it, the writer
        # could only run after the 3 s timeout and the result would be False.
        th.start()
        got = t.wait_for_pipe(r, 3000, release)
        th.join()
        return got
    finally:
        os.close(r)
        os.close(w)


@pytest.mark.skipif(HELD_IN_DEBUG, reason="by design, debug mode keeps the interpreter held here")
def test_other_threads_run_while_released():
    assert _race(release=True) is True


def test_panic_while_released_becomes_panic_exception():
    with pytest.raises(t.PanicException, match="boom while released"):
        t.panic_while_released()


@pytest.mark.skipif(
    sys.implementation.name == "graalpy",
    reason="GraalPy 24.2: HPy calls from 4 Python threads at once make Lock.acquire raise RecursionError "
    "(threading.py _acquire_restore), with or without releasing the interpreter",
)
def test_threads_calling_a_releasing_kernel():
    """Four threads calling a kernel that releases the interpreter, in every mode: no abort."""
    data = bytes(range(256)) * 4096  # 1 MiB
    want = sum(range(256)) * 4096
    results, errors = [], []

    def work():
        try:
            for _ in range(20):
                results.append(k.sum_bytes(data))
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == [] and results == [want] * 80
