"""Buffer views and threads (src/buffer.rs `Release`): what a view's closure gets when it runs with
the interpreter released, and that no two oxhpy views ever alias memory one of them writes.

Kinds (tests/ext `release_kind`): 0 held, 1 released on a private copy of a mutable exporter's
memory (safe), 2 released in place (`unsafe`: the test writes none of the buffers meanwhile).
"""

import array
import os
import sys
import threading

import oxhpy_testext as t
import pytest
from conftest import DEBUG

IMPL = sys.implementation.name
HELD_IN_DEBUG = DEBUG  # allow_threads keeps the interpreter held in debug mode (src/threads.rs)
IN_PLACE = IMPL == "cpython"  # where a bytearray is viewed zero-copy (test_zero_copy.py)
KINDS = (0, 1, 2)


def bytes_address(b):
    import ctypes

    return ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value


def bytearray_address(ba):
    import ctypes

    return ctypes.addressof((ctypes.c_char * len(ba)).from_buffer(ba))


@pytest.mark.parametrize("kind", KINDS)
def test_read_released_gets_the_right_values(kind):
    for obj in (bytes(range(256)), bytearray(range(256)), array.array("B", range(256))):
        addr, s = t.read_address_released(obj, kind)
        assert s == sum(range(256)), (obj, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_write_released_lands_in_the_object(kind):
    for obj in (bytearray(range(200)), array.array("B", range(200))):
        t.write_address_released(obj, kind)
        assert list(obj) == list(range(1, 201)), (obj, kind)


@pytest.mark.skipif(IMPL != "cpython", reason="ctypes addresses of bytes/bytearray: CPython")
def test_what_a_released_closure_sees():
    """bytes: in place for every kind (immutable). bytearray: in place held and with kind 2, a
    private copy with kind 1 (a Python thread could write it meanwhile)."""
    b = bytes(range(100))
    ba = bytearray(range(100))
    for kind in KINDS:
        assert t.read_address_released(b, kind)[0] == bytes_address(b) or DEBUG
        in_place = t.read_address_released(ba, kind)[0] == bytearray_address(ba)
        assert in_place == (kind != 1), kind
        in_place = t.write_address_released(ba, kind) == bytearray_address(ba)
        assert in_place == (kind != 1), kind


def _reference(a, b):
    return bytearray((x + y) & 0xFF for x, y in zip(a, b))


@pytest.mark.parametrize("kind", KINDS)
def test_zip_map_with_aliasing_inputs(kind):
    base = bytearray(range(7, 207))
    # dst the same buffer as a, as b, as both, and partly overlapping a.
    for case in ("a", "b", "ab", "overlap", "none"):
        buf = bytearray(base)
        mv = memoryview(buf)
        other = bytes(range(100, 200))
        if case == "a":
            dst, a, b = mv[:100], mv[:100], other
        elif case == "b":
            dst, a, b = mv[:100], other, mv[:100]
        elif case == "ab":
            dst, a, b = mv[:100], mv[:100], mv[:100]
        elif case == "overlap":
            dst, a, b = mv[1:101], mv[:100], other
        else:
            dst, a, b = mv[100:200], mv[:100], other
        want = _reference(bytes(a), bytes(b))
        t.add_bytes(dst, a, b, kind)
        assert bytes(dst) == bytes(want), (case, kind)
        del mv, dst, a, b


def test_zip_map_refuses_unequal_lengths_untouched():
    dst = bytearray(10)
    with pytest.raises(ValueError, match="equal lengths"):
        t.add_bytes(dst, bytes(10), bytes(11), 2)
    assert dst == bytearray(10)


def _hold(obj, kind, probe):
    """Runs `t.write_released_until(obj, kind, ...)` in a thread and, once its closure runs,
    `probe()` in this one; returns what `probe` returned or raised."""
    ready_r, ready_w = os.pipe()
    r, w = os.pipe()
    os.set_blocking(r, False)
    got = {}

    def hold():
        got["arrived"] = t.write_released_until(obj, kind, ready_w, r, 5000)

    th = threading.Thread(target=hold)
    th.start()
    try:
        assert os.read(ready_r, 1) == b"r"
        try:
            got["probe"] = probe()
        except BufferError as e:
            got["probe"] = e
    finally:
        os.write(w, b"x")
        th.join()
        for fd in (ready_r, ready_w, r, w):
            os.close(fd)
    assert got["arrived"] is True
    return got["probe"]


@pytest.mark.skipif(HELD_IN_DEBUG, reason="by design, debug mode keeps the interpreter held here")
@pytest.mark.skipif(
    IMPL == "graalpy",
    reason="GraalPy 24.2: HPy calls from two Python threads at once (see test_threads.py); not yet run there",
)
def test_views_of_memory_written_in_place_while_released_are_refused():
    ba = bytearray(range(64))
    other = bytearray(range(64))
    out = bytearray(32)
    mv = memoryview(ba)
    probes = {
        "read": lambda: t.read_address(ba),
        "write": lambda: t.write_address(ba),
        "read part": lambda: t.read_address(mv[10:20]),
        "read released in place": lambda: t.read_address_released(ba, 2),
        "write released on a copy": lambda: t.write_address_released(ba, 1),
        "zip_map input": lambda: t.add_bytes(out, mv[:32], mv[32:], 0),
        "zip_map in place": lambda: t.add_bytes(out, mv[:32], mv[32:], 2),
    }
    for name, probe in probes.items():
        result = _hold(ba, 2, probe)
        if IN_PLACE:
            assert isinstance(result, BufferError), name
            assert "released the interpreter" in str(result)
        else:
            # Copied views: each view has its own memory, nothing to refuse.
            assert not isinstance(result, BufferError), name
    assert out == bytearray(32) or not IN_PLACE
    assert ba == bytearray((i + len(probes)) & 0xFF for i in range(64)) or not IN_PLACE
    # Unrelated memory is free meanwhile.
    assert _hold(ba, 2, lambda: t.read_address(other))[1] == sum(range(64))


@pytest.mark.skipif(HELD_IN_DEBUG, reason="by design, debug mode keeps the interpreter held here")
@pytest.mark.skipif(
    IMPL == "graalpy",
    reason="GraalPy 24.2: HPy calls from two Python threads at once (see test_threads.py); not yet run there",
)
def test_a_released_copy_leaves_the_object_to_others():
    ba = bytearray(range(64))
    # While a writable view runs released on a private copy, the object itself is not in use.
    addr, s = _hold(ba, 1, lambda: t.read_address(ba))
    assert s == sum(range(64))  # the copy's changes are not in yet
    assert ba == bytearray(range(1, 65))  # and are once the view is done
