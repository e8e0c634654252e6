"""Races with resizes: threads call the released kernels on shared buffers while other threads
resize, replace or drop those buffers.

Each test runs for a fixed short time (``RACE_SECONDS``, 0.4 s by default; ``OXHPY_RACE_SECONDS``
overrides it for a long run). What must hold, every time, on every interpreter and mode:

* no crash, no exception but the documented ones: a resize of an exported buffer raises
  ``BufferError`` (CPython pins exporters) or succeeds (PyPy, whose views copy ``bytearray`` and
  ``array.array``); a kernel given buffers of unequal lengths raises ``ValueError``;
* every kernel result is computed from one consistent state of the buffer (a pinned or copied
  view): the buffers hold only ones, so a sum is a length the buffer really had.

The outcome counts are printed (``pytest -s`` shows them; ``-rA`` too).
"""

import array
import os
import sys
import threading
import time
from collections import Counter

import pytest
from conftest import DEBUG, GRAALPY, PYPY

import oxhpy_kernels as k

try:
    import numpy as np
except ImportError:
    np = None

pytestmark = [
    pytest.mark.skipif(
        GRAALPY,
        reason="GraalPy 24.2: HPy calls from 4 Python threads at once make Lock.acquire raise RecursionError "
        "(threading.py _acquire_restore), with or without releasing the interpreter (as test_threads.py)",
    ),
    pytest.mark.skipif(
        PYPY and DEBUG,
        reason="PyPy 3.11's debug mode aborts (Error: Wrong HPy Context!) when a thread enters an HPy call "
        "while another thread's HPy call runs Python code, as oxhpy's views of bytearray and array.array do "
        "there (memoryview); README, Buffers",
    ),
]

RACE_SECONDS = float(os.environ.get("OXHPY_RACE_SECONDS", "0.4"))
BASE = 1 << 18  # items: above the kernels' release threshold (64 KiB) in every element size
STEP = 4096  # a resize adds or removes this many items
MAX_STEPS = 8
MIN_ROUNDS = 2  # rounds every thread of a race does at least
RACE_LIMIT = 30.0  # seconds a race may go on past RACE_SECONDS for MIN_ROUNDS and `until`


def race(kernels, mutators, n_kernel_threads=3, until=()):
    """Runs `kernels` (callables returning an outcome name) in `n_kernel_threads` threads and each
    of `mutators` in its own thread for RACE_SECONDS, all started together, and on until every thread has
    done MIN_ROUNDS rounds (an interpreter's scheduler may leave a thread waiting for the whole time: PyPy
    once ran no mutator round in a race) and each outcome of `until` was seen (under load, a kernel may
    meet a resize in every round of the short race), for at most RACE_LIMIT seconds; returns the Counter
    of outcomes. Any other exception fails the test."""
    counts, errors, lock = Counter(), [], threading.Lock()
    jobs = [kernels] * n_kernel_threads + [[m] for m in mutators]
    rounds = [0] * len(jobs)
    start = threading.Barrier(len(jobs))
    deadline = []

    def loop(slot, fns):
        try:
            if start.wait() == 0:
                deadline.append(time.monotonic() + RACE_SECONDS)
            start.wait()
            while time.monotonic() < deadline[0] or (
                time.monotonic() < deadline[0] + RACE_LIMIT
                and (min(rounds) < MIN_ROUNDS or any(counts[u] == 0 for u in until))
            ):
                outcome = fns[rounds[slot] % len(fns)]()
                rounds[slot] += 1
                with lock:
                    counts[outcome] += 1
        except BaseException as e:  # noqa: BLE001 (reported below)
            errors.append(e)
            rounds[slot] = MIN_ROUNDS  # the others stop at the deadline

    threads = [threading.Thread(target=loop, args=(i, fns)) for i, fns in enumerate(jobs)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(RACE_SECONDS + RACE_LIMIT + 60)
    assert not any(th.is_alive() for th in threads), "a thread hung"
    print(f"\n{sys.implementation.name}: {dict(sorted(counts.items()))}")
    if errors:
        raise errors[0]
    return counts


class Shared:
    """A buffer shared by the threads, which a mutator may replace (the old one is dropped)."""

    def __init__(self, make):
        self.make = make
        self.obj = make(BASE)

    def resize(self, grow, shrink):
        """One resize of the current object: grow while it is short, else shrink."""
        obj = self.obj
        try:
            if len(obj) < BASE + MAX_STEPS * STEP:
                grow(obj)
                return "resized"
            shrink(obj)
            return "resized"
        except BufferError:
            return "resize: BufferError"

    def replace(self):
        self.obj = self.make(BASE + STEP)  # the old object is dropped here (unless a call holds it)
        return "replaced"


def lengths_ok(n):
    """A length the buffer could really have had."""
    return BASE <= n <= BASE + MAX_STEPS * STEP and (n - BASE) % STEP == 0


def check_sum(kernel, shared):
    def call():
        s = kernel(shared.obj)
        assert lengths_ok(s), s  # all ones: the sum is the length of one consistent state
        return f"{kernel.__name__}: ok"

    return call


def test_sum_bytes_while_a_bytearray_is_resized_and_replaced():
    shared = Shared(lambda n: bytearray(b"\x01") * n)
    one = b"\x01" * STEP

    def mutate():
        if time.monotonic_ns() % 5 == 0:
            return shared.replace()
        return shared.resize(lambda o: o.extend(one), lambda o: o.__delitem__(slice(-STEP, None)))

    counts = race([check_sum(k.sum_bytes, shared)], [mutate], until=("sum_bytes: ok",))
    assert counts["sum_bytes: ok"] > 0


def test_sum_u32_while_an_array_is_appended_to_and_shrunk():
    shared = Shared(lambda n: array.array("I", [1]) * n)
    ones = array.array("I", [1]) * STEP

    def mutate():
        if time.monotonic_ns() % 5 == 0:
            return shared.replace()
        return shared.resize(lambda o: o.extend(ones), lambda o: o.__delitem__(slice(-STEP, None)))

    def append_pop():
        # array.append / pop by one item: lengths in between are not multiples of STEP, so the
        # kernel threads stop checking sums here; this thread only checks its own outcomes.
        try:
            a = array.array("I", [1]) * BASE
            for _ in range(16):
                a.append(1)
            s = k.sum_u32(a)
            assert s == BASE + 16
            return "append+sum: ok"
        except BufferError:
            return "append: BufferError"

    counts = race([check_sum(k.sum_u32, shared)], [mutate, append_pop], until=("sum_u32: ok",))
    assert counts["sum_u32: ok"] > 0


def test_sum_bytes_while_drop_and_replace_race_on_a_dict():
    """`del` of the only named reference while a kernel runs on the object: the call holds it."""
    shared = {"buf": bytearray(b"\x01") * BASE}

    def kernel():
        try:
            buf = shared["buf"]
        except KeyError:
            return "no buffer"
        s = k.sum_bytes(buf)
        assert s == BASE, s
        return "sum_bytes: ok"

    def drop():
        if "buf" in shared:
            del shared["buf"]
            return "deleted"
        shared["buf"] = bytearray(b"\x01") * BASE
        return "replaced"

    counts = race([kernel], [drop], until=("sum_bytes: ok", "deleted"))
    assert counts["sum_bytes: ok"] > 0 and counts["deleted"] > 0


def test_saxpy_while_its_arrays_are_resized():
    """saxpy over float32 arrays (x = 1, y = 2, a = 3: every result item is 5) while another
    thread grows and shrinks them one after another: unequal lengths raise ValueError, a saxpy
    meeting another one writing the same dst released raises BufferError, and so does one whose
    dst was resized while it worked on a copy (PyPy: nothing is written back), a resize of
    an exported array raises BufferError or (copying interpreters) succeeds; the destination only
    ever holds 0 (never written) or 5."""
    n = BASE // 4
    arrs = {
        "dst": array.array("f", [0.0]) * n,
        "x": array.array("f", [1.0]) * n,
        "y": array.array("f", [2.0]) * n,
    }
    fill = {"dst": 0.0, "x": 1.0, "y": 2.0}
    order = ["dst", "x", "y"]

    def kernel():
        try:
            k.saxpy(arrs["dst"], arrs["x"], arrs["y"], 3.0)
            return "saxpy: ok"
        except ValueError as e:
            assert "equal lengths" in str(e), e
            return "saxpy: ValueError (unequal lengths)"
        except BufferError as e:
            if "was resized" in str(e):
                # PyPy: dst (not pinned there, so copied) was resized while saxpy worked on
                # the copy: nothing written back.
                return "saxpy: BufferError (dst resized during the call)"
            # oxhpy's own rule (README, Safety): another kernel thread writes dst in place,
            # released, so this call may not read or write it meanwhile.
            assert "in use by a native thread" in str(e), e
            return "saxpy: BufferError (dst in use by another saxpy)"

    state = {"i": 0}

    def mutate():
        name = order[state["i"] % 3]
        a = arrs[name]
        grow = (state["i"] // 3) % 2 == 0
        state["i"] += 1
        try:
            if grow:
                a.extend(array.array("f", [fill[name]]) * STEP)
            else:
                del a[-STEP:]
            return "resized"
        except BufferError:
            state["i"] -= 1  # try that array again
            return "resize: BufferError"

    counts = race([kernel], [mutate], until=("saxpy: ok",))
    assert counts["saxpy: ok"] > 0
    assert set(arrs["dst"]) <= {0.0, 5.0}
    assert set(arrs["x"]) == {1.0} and set(arrs["y"]) == {2.0}


def test_xor_apply_inplace_while_a_bytearray_is_resized():
    """apply_inplace holds the interpreter for its whole call, so a resize never meets it half-way
    (no BufferError expected on CPython either); the content only ever holds 0x00 and 0xFF."""
    codec = k.XorCodec(0xFF)
    shared = Shared(lambda n: bytearray(n))
    zeros = bytes(STEP)

    def kernel():
        codec.apply_inplace(shared.obj)
        return "apply_inplace: ok"

    def mutate():
        return shared.resize(lambda o: o.extend(zeros), lambda o: o.__delitem__(slice(-STEP, None)))

    counts = race([kernel], [mutate], until=("apply_inplace: ok",))
    assert counts["apply_inplace: ok"] > 0
    assert set(shared.obj) <= {0x00, 0xFF}


@pytest.mark.skipif(np is None, reason="numpy is not installed")
def test_numpy_resize_and_replace_while_kernels_run():
    """numpy's own rule: `ndarray.resize` refuses while anything else references the array
    (ValueError; here the shared name and the kernels' calls always do), `np.resize` makes a new
    array that replaces the old one. (`refcheck=False` is numpy's documented unsafe override: it
    frees the memory under every consumer, memoryview included, so it is not exercised.)"""
    shared = {"a": np.ones(BASE, np.uint8), "f": np.ones(BASE // 4, np.uint32)}

    def kernels():
        s = k.sum_bytes(shared["a"])
        t = k.sum_u32(shared["f"])
        assert lengths_ok(s) and lengths_ok(4 * t), (s, t)
        return "sum_bytes+sum_u32: ok"

    def mutate():
        a = shared["a"]
        try:
            a.resize(len(a) + STEP)
            return "ndarray.resize: succeeded"
        except ValueError:
            pass
        if len(a) < BASE + MAX_STEPS * STEP:
            shared["a"] = np.resize(a, len(a) + STEP)
            shared["f"] = np.resize(shared["f"], (len(a) + STEP) // 4)
        else:
            shared["a"], shared["f"] = np.ones(BASE, np.uint8), np.ones(BASE // 4, np.uint32)
        return "ndarray.resize: ValueError, np.resize replaced"

    counts = race([kernels], [mutate], until=("sum_bytes+sum_u32: ok",))
    assert counts["sum_bytes+sum_u32: ok"] > 0
    assert counts["ndarray.resize: succeeded"] == 0
