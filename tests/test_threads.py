"""Releasing the interpreter: another Python thread really runs while native code waits."""

import os
import threading

import oxhpy_testext as t
import pytest


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


def test_other_threads_run_while_released():
    assert _race(release=True) is True


def test_panic_while_released_becomes_panic_exception():
    with pytest.raises(t.PanicException, match="boom while released"):
        t.panic_while_released()
