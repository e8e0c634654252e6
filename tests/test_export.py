"""Buffer export from our own types (HPy_bf_getbuffer), seen through memoryview."""

import array
import sys

import oxhpy_testext as t
import pytest
from conftest import GRAALPY_BYTES_OF_EXPORT, NESTED_HPY_CALLS

import oxhpy_kernels as k

# Our kernels taking a view of our own objects call one HPy function (getbuffer) from inside
# another: the debug modes of PyPy 3.11 and GraalPy 24.2 abort on such nested HPy calls
# (NESTED_HPY_CALLS in conftest.py).


def test_memoryview_of_our_object():
    store = t.ByteStore(b"hello")
    with memoryview(store) as mv:
        assert mv.readonly
        assert mv.format == "B"
        assert mv.itemsize == 1
        assert mv.shape == (5,)
        assert mv.tobytes() == b"hello"
        assert bytes(mv[1:3]) == b"el"


@GRAALPY_BYTES_OF_EXPORT
def test_bytes_of_our_object():
    assert bytes(t.ByteStore(b"hello")) == b"hello"
    assert bytearray(t.ByteStore(b"hello")) == bytearray(b"hello")


def test_export_of_u32_words():
    store = t.WordStore(1000)
    with memoryview(store) as mv:
        assert mv.format == "I" and mv.itemsize == 4 and mv.nbytes == 4000
        assert mv.tolist() == [(i * 2654435761) % 2**32 for i in range(1000)]
        assert array.array("I", mv.tobytes()).tolist() == mv.tolist()


@NESTED_HPY_CALLS
def test_our_kernels_consume_our_exports():
    assert k.sum_bytes(t.ByteStore(b"\x01\x02\x03")) == 6
    assert k.sum_u32(t.WordStore(10)) == sum(memoryview(t.WordStore(10)).tolist())


def test_export_pins_the_object():
    store = t.ByteStore(b"abc")
    mv = memoryview(store)
    with pytest.raises(RuntimeError, match="borrowed"):
        store.append(1)
    mv.release()
    store.append(100)
    assert memoryview(store).tobytes() == b"abcd"


@NESTED_HPY_CALLS
def test_writable_use_of_a_read_only_export_is_refused():
    store = t.ByteStore(b"abc")
    with pytest.raises(ValueError, match="read-only"):
        k.scale_inplace(store, 2)
    store.append(1)  # no export left behind
    assert memoryview(store).tobytes() == b"abc\x01"


@pytest.mark.skipif(
    sys.implementation.name != "cpython",
    reason="PyPy 3.11 does not ask for a writable buffer here: ctypes.from_buffer and readinto write into a "
    "read-only export, and never release it (measured: segfault later)",
)
def test_writable_request_is_refused():
    import io

    store = t.ByteStore(b"abc")
    with pytest.raises((BufferError, TypeError)):
        io.BytesIO(b"xyz").readinto(store)
    assert bytes(store) == b"abc"
    store.append(1)  # the failed request left no export behind


def test_another_shape_while_an_export_is_alive_is_refused():
    s = t.Shifty(b"abcdef")
    first = memoryview(s)
    assert first.shape == (1,)
    with pytest.raises(BufferError, match="another shape"):
        memoryview(s)
    assert first.shape == (1,) and first.tobytes() == b"a"
    first.release()
    second = memoryview(s)
    assert second.shape == (3,) and second.tobytes() == b"abc"
    second.release()
