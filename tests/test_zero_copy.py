"""Which buffers oxhpy views in place (zero-copy) and which it copies, per interpreter.

`t.read_address(obj)` / `t.write_address(obj)` return the address of the slice oxhpy's
`buffer::read` / `buffer::write` handed to Rust: the exporter's own memory when the view is
zero-copy, a private copy's otherwise. On CPython a view goes through CPython's own buffer API
(src/buffer/capi.rs, route "c-api"), and on PyPy a numpy array whose memory stays in place through
cpyext's (route "c-api" too); elsewhere, and with `t.use_c_api(False)`, through Python
(src/buffer_address.py, route "python"). The tests marked with the `route` fixture run on both
routes where the interpreter has both.
"""

import array
import ctypes
import gc
import importlib.util
import subprocess
import sys
import textwrap

import oxhpy_testext as t
import pytest
from conftest import DEBUG

IMPL = sys.implementation.name
CFFI = importlib.util.find_spec("_cffi_backend") is not None
try:
    import numpy as np
except ImportError:
    np = None
needs_numpy = pytest.mark.skipif(np is None, reason="numpy has no binary wheel for this interpreter")


@pytest.fixture(params=["c-api", "python"] if IMPL in ("cpython", "pypy") else ["python"])
def route(request):
    """The route views take during the test (CPython and PyPy: both, one after the other)."""
    t.use_c_api(request.param == "c-api")
    try:
        yield request.param
    finally:
        t.use_c_api(True)


def data_address(a):
    return a.__array_interface__["data"][0]


def ctypes_address(buf):
    return ctypes.addressof((ctypes.c_char * len(buf)).from_buffer(buf))


def bytes_address(b):
    """Where CPython keeps a bytes object's data (HPy's debug mode hands out a protected copy)."""
    return ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value


@needs_numpy
def test_numpy_arrays_are_viewed_in_place(route):
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
def test_read_only_numpy_arrays(route):
    a = np.arange(100, dtype=np.uint8)
    a.flags.writeable = False
    addr, s = t.read_address(a)
    assert s == sum(range(100))
    assert (addr == data_address(a)) == (IMPL == "pypy" or (IMPL == "cpython" and (route == "c-api" or CFFI)))
    with pytest.raises(ValueError, match="read-only"):
        t.write_address(a)


@needs_numpy
def test_numpy_over_a_bytearray_is_copied_on_pypy(route):
    # PyPy lets an exported bytearray be resized, so the memory under this array could move.
    ba = bytearray(range(200))
    a = np.frombuffer(ba, dtype=np.uint8)
    addr, s = t.read_address(a)
    assert s == sum(range(200))
    assert (addr == data_address(a)) == (IMPL == "cpython")
    t.write_address(a)
    assert ba == bytearray(range(1, 201))


def test_bytearray_in_place_on_cpython_only(route):
    ba = bytearray(range(256))
    addr = t.write_address(ba)
    assert ba == bytearray(list(range(1, 256)) + [0])
    if IMPL == "cpython":
        assert addr == ctypes_address(ba)
    # Elsewhere: a copy, written back (checked above); the address cannot be compared without
    # pinning the bytearray, which is what PyPy and GraalPy cannot do.


@pytest.mark.skipif(IMPL != "cpython", reason="addresses of bytes objects are only stable on CPython")
def test_memoryview_slices_of_bytes(route):
    b = bytes(range(100))
    addr, s = t.read_address(memoryview(b)[7:])
    assert s == sum(range(7, 100))
    assert (addr == bytes_address(b) + 7) == (route == "c-api" or CFFI)


def test_memoryview_slices_of_bytes_give_the_right_data(route):
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
        t.use_c_api(False)
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


def _exporters():
    made = {
        "bytearray": bytearray(range(64)),
        "array": array.array("B", range(64)),
        "memoryview": memoryview(bytearray(range(64))),
    }
    if np is not None:
        made["numpy"] = np.arange(64, dtype=np.uint8)
    return made


def test_which_route_views_take():
    """CPython: everything but a read-only view of `bytes` through its own buffer API, in every
    HPy mode (`bytes` too in debug mode). PyPy: numpy arrays through cpyext's (below), the rest
    through Python, as on GraalPy."""
    cpython = IMPL == "cpython"
    for name, obj in _exporters().items():
        for writable in (False, True):
            got = t.view_route(obj, writable)
            c_api = cpython or (IMPL == "pypy" and name == "numpy")
            assert (got == "c-api") == c_api, (name, writable, got)
            assert got in ("c-api", "python", "bytes"), got
    # bytes: directly, except in CPython's debug mode, whose HPyBytes_AsString copies (15 µs a call).
    assert t.view_route(b"abc", False) == ("c-api" if cpython and DEBUG else "bytes")
    # Elsewhere a memoryview of bytes is viewed in place (PyPy) or read-only copied into a bytes (GraalPy).
    assert (t.view_route(memoryview(b"abc"), False) == "c-api") == cpython
    t.use_c_api(False)
    try:
        assert t.view_route(bytearray(4), True) == "python"
    finally:
        t.use_c_api(True)
    assert t.view_route(bytearray(4), True) == ("c-api" if cpython else "python")


@needs_numpy
def test_which_numpy_arrays_take_the_c_api():
    """On PyPy, through cpyext's buffer API: the numpy arrays whose memory stays in place while
    exported (`buffer_address.py`'s rule: following `base`, an array that owns its memory, or
    `bytes`); an array over a `bytearray`, which PyPy resizes even while exported, is copied
    through Python. CPython takes its own API for all of them, GraalPy Python."""
    in_place = IMPL in ("cpython", "pypy")
    a = np.arange(64, dtype=np.uint8)

    class Sub(np.ndarray):
        pass

    owner = np.ndarray.__new__(Sub, 16, dtype=np.uint8)
    over_bytearray = np.frombuffer(bytearray(8), dtype=np.uint8)
    cases = {
        "owner": (a, in_place),
        "slice": (a[3:], in_place),
        "slice of a slice": (a[3:][2:], in_place),
        "reshaped": (a.reshape(8, 8)[2:], in_place),
        "over bytes": (np.frombuffer(bytes(range(8)), dtype=np.uint8), in_place),
        "over a bytearray": (over_bytearray, IMPL == "cpython"),
        "subclass view": (a.view(Sub), in_place),
        "subclass owner": (owner, in_place),
        "view of a subclass owner": (owner[2:], in_place),
        "subclass over a bytearray": (over_bytearray.view(Sub), IMPL == "cpython"),
    }
    for name, (obj, c_api) in cases.items():
        for writable in (False, True):
            if writable and not obj.flags.writeable:
                continue
            assert (t.view_route(obj, writable) == "c-api") == c_api, (name, writable)
    t.use_c_api(False)
    try:
        assert t.view_route(a, False) == "python"
    finally:
        t.use_c_api(True)


@needs_numpy
def test_numpy_imported_after_the_first_views():
    """Before numpy is imported nothing is an array; the first array after it is seen as one."""
    code = textwrap.dedent(
        """
        import oxhpy_testext as t
        print(t.view_route(memoryview(b"ab"), False))
        import numpy as np
        print(t.view_route(np.arange(4, dtype=np.uint8), False))
        print(t.view_route(memoryview(b"ab"), False))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    before, array, after = out.stdout.split()
    assert before == after == ("c-api" if IMPL == "cpython" else "python")
    assert array == ("c-api" if IMPL in ("cpython", "pypy") else "python")


@needs_numpy
def test_numpy_views_through_the_c_api_check_their_input(route):
    """Errors on every route alike: not contiguous, read-only for a writable view, items of the
    wrong size; a view's data is the array's."""
    a = np.arange(64, dtype=np.uint8)
    with pytest.raises(ValueError, match="C-contiguous"):
        t.read_address(a[::2])
    ro = np.arange(8, dtype=np.uint8)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        t.write_address(ro)
    with pytest.raises(ValueError, match="1-byte items"):
        t.read_address(np.arange(8, dtype=np.float64))
    assert t.read_address(a.reshape(8, 8)[2:])[1] == sum(range(16, 64))
    assert t.read_address(np.zeros(0, dtype=np.uint8))[1] == 0
    b = np.frombuffer(bytes(range(8)), dtype=np.uint8)
    assert t.read_address(b) == (data_address(b), sum(range(8)))


def test_read_and_write_closures(route):
    """`buffer::read` and `buffer::write` (on PyPy a `bytearray` or `array.array` is used in place
    inside one export instead of a copy): the items, the writes landing in the exporter, its length
    kept, the format checked, read-only refused, on every route."""
    a = array.array("I", [1, 2, 3, 0xFFFFFFFF])
    assert t.sum_words(a) == 6 + 0xFFFFFFFF
    t.bump_words(a)
    assert a.tolist() == [2, 3, 4, 0]
    del a[:1]
    t.bump_words(a)
    assert a.tolist() == [4, 5, 1]
    empty = array.array("I")
    assert t.sum_words(empty) == 0
    t.bump_words(empty)
    assert len(empty) == 0
    with pytest.raises(ValueError, match="item size"):
        t.sum_words(bytearray(8))
    with pytest.raises(ValueError, match="item size"):
        t.bump_words(array.array("H", [1, 2]))
    with pytest.raises(ValueError, match="read-only"):
        t.bump_words(memoryview(bytes(8)).cast("I"))
    b = bytearray(b"\x01\x02\x03")
    assert t.read_address(b)[1] == 6
    t.write_address(b)
    assert b == bytearray(b"\x02\x03\x04")


@needs_numpy
def test_numpy_arrays_of_every_layout(route):
    """On PyPy the simple arrays (one dimension, C-contiguous, a built-in type in this machine's byte
    order, aligned) are read from numpy's struct without an export, the others are exported: the
    same items and the same errors on every route and interpreter, each array as numpy sees it."""
    import oxhpy_kernels as k

    u32 = np.arange(1, 9, dtype=np.uint32)
    assert k.sum_u32(u32) == 36
    assert k.sum_u32(u32[2:]) == 33
    assert k.sum_u32(u32.reshape(2, 4)) == 36
    with pytest.raises(ValueError, match="C-contiguous"):
        k.sum_u32(u32[::2])
    with pytest.raises(ValueError, match="byte order"):
        k.sum_u32(u32.astype(">u4"))
    with pytest.raises(ValueError, match="kind of item"):
        k.sum_u32(u32.astype(np.int32))
    with pytest.raises(ValueError, match="item size"):
        k.sum_u32(u32.astype(np.uint64))
    misaligned = np.frombuffer(bytes(range(9)), dtype=np.uint32, offset=1, count=2)
    assert k.sum_u32(misaligned) == int(misaligned.sum())
    assert t.read_address(np.array([-1, 2], dtype=np.int8))[1] == 257
    x, y = np.arange(4, dtype=np.float32), np.ones(4, dtype=np.float32)
    dst = np.zeros(4, dtype=np.float32)
    k.saxpy(dst, x, y, 2.0)
    assert dst.tolist() == [1.0, 3.0, 5.0, 7.0]
    k.saxpy(y, x, y, 1.0)
    assert y.tolist() == [1.0, 2.0, 3.0, 4.0]
    ro = np.zeros(4, dtype=np.float32)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        k.saxpy(ro, x, x, 1.0)
    assert ro.tolist() == [0.0] * 4
    with pytest.raises(ValueError, match="1-byte items"):
        t.write_address(np.zeros(4, dtype=np.float32))


@needs_numpy
@pytest.mark.parametrize("writable", [False, True])
def test_a_viewed_numpy_array_cannot_be_resized(route, writable):
    """While viewed, numpy refuses to resize the array (it sees the references the view holds):
    on CPython and PyPy alike, so the memory stays in place for the view's whole life."""
    a = np.arange(10, dtype=np.uint8)
    call = t.write_then_call if writable else t.read_then_call
    with pytest.raises(ValueError, match="resize"):
        call(a, lambda: a.resize(1000))
    assert list(a) == [i + writable for i in range(10)]


def test_views_ignore_python_state():
    """Which interpreter oxhpy runs on is read off the HPy context and the interpreter's own calls,
    never from sys.implementation, which a program can change: GraalPy's debug and trace contexts have
    CPython's names, and a PyPy or GraalPy taken for CPython would view a movable bytearray in place
    (the Python path) or call a C API it may not have (the C-API route)."""
    import subprocess

    fake = "graalpy" if IMPL == "cpython" else "cpython"
    code = (
        f"import sys; sys.implementation.name = {fake!r}\n"
        "import oxhpy_testext as t\n"
        "print(t.view_route(bytearray(4), True))\n"
        "t.use_c_api(False)\n"
        "ba = bytearray(range(16))\n"
        "addr = t.write_address(ba)\n"
        "assert ba == bytearray(range(1, 17))\n"
        "try:\n"
        "    from _cffi_backend import FFI\n"
        "except ImportError:\n"
        "    print('unknown')\n"
        "else:\n"
        "    ffi = FFI()\n"
        "    print(addr == int(ffi.cast('uintptr_t', ffi.from_buffer(ba))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    route, in_place = out.stdout.split()
    assert route == ("c-api" if IMPL == "cpython" else "python")
    # The Python path: in place on CPython (the export pins the bytearray), a copy elsewhere.
    assert in_place == ("True" if IMPL == "cpython" else "unknown" if IMPL == "graalpy" else "False")


@pytest.mark.parametrize("make", [bytearray, lambda b: array.array("B", b)], ids=["bytearray", "array"])
@pytest.mark.parametrize("writable", [False, True])
def test_a_viewed_exporter_cannot_be_resized_on_cpython(route, make, writable):
    """While a view is alive (here: while Python code runs between the view's closure and its end)
    CPython refuses to resize the exporter, on both routes: the pointer stays valid. PyPy and GraalPy
    allow it; their views of these exporters are copies."""
    data = make(bytes(range(10)))
    call = t.write_then_call if writable else t.read_then_call
    if IMPL == "cpython":
        with pytest.raises(BufferError):
            call(data, lambda: data.extend(bytes(1000)))
        assert len(data) == 10
    else:
        call(data, lambda: data.extend(bytes(1000)))
        gc.collect()  # PyPy and GraalPy end an export when the memoryview is collected
        assert len(data) == 1010
        del data[10:]
    assert list(data) == [i + writable for i in range(10)]
    data.extend(b"\x00")  # the export ended
    assert len(data) == 11


@pytest.mark.parametrize("make", [bytearray, lambda b: array.array("B", b)], ids=["bytearray", "array"])
def test_a_copy_is_not_written_back_into_a_resized_exporter(route, make):
    """Python code resizes the exporter while a writable view of it lives. CPython refuses the
    resize (the export pins it); where views copy (PyPy, GraalPy) the resize happens and the copy
    is not written back: BufferError, the exporter as the resize left it."""
    data = make(bytes(range(10)))
    with pytest.raises(BufferError):
        t.write_after_call(data, lambda: data.extend(bytes(5)))
    expected = list(range(10)) if IMPL == "cpython" else list(range(10)) + [0] * 5
    assert list(data) == expected
    t.write_after_call(data, lambda: None)
    assert list(data) == [x + 1 for x in expected]


@pytest.mark.skipif(IMPL != "cpython", reason="reference counts: CPython")
def test_views_leave_reference_counts_as_they_were(route):
    """Every view, taken or refused, drops what it took (on the C-API route: HPy_AsPyObject's
    reference, the export's, and on a refused writable request the read-only retry's)."""
    ba = bytearray(range(16))
    ro = memoryview(bytes(range(16)))
    words = array.array("I", [1, 2])
    cases = [
        (ba, lambda: t.read_address(ba), None),
        (ba, lambda: t.write_address(ba), None),
        (ba, lambda: t.read_address(memoryview(ba)[::2]), ValueError),  # not contiguous
        (ro, lambda: t.write_address(ro), ValueError),  # read-only
        (words, lambda: t.read_address(words), ValueError),  # 4-byte items
        (words, lambda: t.write_address(words), ValueError),
    ]
    for obj, call, exc in cases:
        before = sys.getrefcount(obj)
        for _ in range(100):
            if exc is None:
                call()
            else:
                with pytest.raises(exc):
                    call()
        assert sys.getrefcount(obj) == before, (obj, exc)
    assert t.read_address(ba)[1] == sum((i + 100) & 0xFF for i in range(16))
    ba.append(0)  # nothing is still exported


@pytest.mark.skipif(sys.version_info < (3, 12), reason="__buffer__/__release_buffer__ in Python: 3.12+")
def test_a_python_exporter_released_with_an_exception_pending():
    """A Python class's __release_buffer__ is Python code: CPython runs it with the pending exception
    set aside, so the callback's exception still comes through as it was."""
    log = []

    class Exporter:
        def __init__(self):
            self.data = bytearray(b"abc")

        def __buffer__(self, flags):
            log.append("get")
            return memoryview(self.data)

        def __release_buffer__(self, view):
            try:
                int("not a number")  # Python code that raises inside the release
            except ValueError:
                log.append("release")

    def boom():
        raise KeyError("from the callback")

    e = Exporter()
    with pytest.raises(KeyError, match="from the callback"):
        t.read_then_call(e, boom)
    assert log == ["get", "release"]
    assert t.read_then_call(e, lambda: None) == 294
