"""Which buffers oxhpy views in place (zero-copy) and which it copies, per interpreter.

`t.read_address(obj)` / `t.write_address(obj)` return the address of the slice oxhpy's
`buffer::read` / `buffer::write` handed to Rust: the exporter's own memory when the view is
zero-copy, a private copy's otherwise. The policy is in src/buffer_address.py.
"""

import ctypes
import importlib.util
import subprocess
import sys
import textwrap

import oxhpy_testext as t
import pytest

IMPL = sys.implementation.name
CFFI = importlib.util.find_spec("_cffi_backend") is not None
try:
    import numpy as np
except ImportError:
    np = None
needs_numpy = pytest.mark.skipif(np is None, reason="numpy has no binary wheel for this interpreter")


def data_address(a):
    return a.__array_interface__["data"][0]


def ctypes_address(buf):
    return ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf))


def bytes_address(b):
    """Where CPython keeps a bytes object's data (HPy's debug mode hands out a protected copy)."""
    return ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value


@needs_numpy
def test_numpy_arrays_are_viewed_in_place():
    a = np.arange(1000, dtype=np.uint16).astype(np.uint8)
    total = int(a.sum(dtype=np.uint64))
    zero_copy = IMPL in ("cpython", "pypy")
    addr, s = t.read_address(a)
    assert s == total
    assert (addr == data_address(a)) == zero_copy
    # Slices: the view starts inside the array.
    addr, s = t.read_address(a[10:])
    assert s == int(a[10:].sum(dtype=np.uint64))
    assert (addr == data_address(a) + 10) == zero_copy
    before = a.copy()
    assert (t.write_address(a[3:]) == data_address(a) + 3) == zero_copy
    assert (a[3:] == before[3:] + 1).all() and (a[:3] == before[:3]).all()


@needs_numpy
def test_read_only_numpy_arrays():
    a = np.arange(100, dtype=np.uint8)
    a.flags.writeable = False
    addr, s = t.read_address(a)
    assert s == sum(range(100))
    assert (addr == data_address(a)) == (IMPL == "pypy" or (IMPL == "cpython" and CFFI))
    with pytest.raises(ValueError, match="read-only"):
        t.write_address(a)


@needs_numpy
def test_numpy_over_a_bytearray_is_copied_on_pypy():
    # PyPy lets an exported bytearray be resized, so the memory under this array could move.
    ba = bytearray(range(200))
    a = np.frombuffer(ba, dtype=np.uint8)
    addr, s = t.read_address(a)
    assert s == sum(range(200))
    assert (addr == data_address(a)) == (IMPL == "cpython")
    t.write_address(a)
    assert ba == bytearray(range(1, 201))


def test_bytearray_in_place_on_cpython_only():
    ba = bytearray(range(256))
    addr = t.write_address(ba)
    assert ba == bytearray(list(range(1, 256)) + [0])
    if IMPL == "cpython":
        assert addr == ctypes_address(ba)
    # Elsewhere: a copy, written back (checked above); the address cannot be compared without
    # pinning the bytearray, which is what PyPy and GraalPy cannot do.


@pytest.mark.skipif(IMPL != "cpython", reason="addresses of bytes objects are only stable on CPython")
def test_memoryview_slices_of_bytes():
    b = bytes(range(100))
    addr, s = t.read_address(memoryview(b)[7:])
    assert s == sum(range(7, 100))
    assert (addr == bytes_address(b) + 7) == CFFI


def test_memoryview_slices_of_bytes_give_the_right_data():
    b = bytes(range(100)) * 10
    for start, stop in [(0, 0), (7, 8), (1, 999), (500, 1000)]:
        assert t.read_address(memoryview(b)[start:stop])[1] == sum(b[start:stop])


@pytest.mark.skipif(IMPL != "cpython" or not CFFI, reason="compares the cffi and ctypes paths of CPython")
def test_cpython_without_cffi_uses_ctypes_for_writable_buffers():
    # A fresh interpreter in which _cffi_backend cannot be imported: writable buffers stay
    # zero-copy through ctypes, read-only ones (other than bytes) are copied.
    code = textwrap.dedent(
        """
        import sys
        sys.modules["_cffi_backend"] = None
        import ctypes
        import oxhpy_testext as t
        ba = bytearray(b"abc")
        assert t.write_address(ba) == ctypes.addressof((ctypes.c_char * 3).from_buffer(ba)), "ctypes"
        assert ba == b"bcd"
        b = bytes(range(10))
        base = ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value
        addr, s = t.read_address(memoryview(b)[2:])
        assert s == sum(range(2, 10)) and addr != base + 2, "copied"
        print("ok")
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
