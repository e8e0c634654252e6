"""Buffer formats (issue 9, 2.1): a buffer is taken as u8, u32 or f32 items only when its format, read as
`struct` reads it, denotes exactly that element in this machine's byte order; anything else is a
ValueError that leaves the buffer alone.

The expected outcome of every case comes from `accepts` below, which restates the rule with `struct`.
"""

import array
import re
import struct
import sys

import oxhpy_testext as t
import pytest
from conftest import DEBUG, GRAALPY, PYPY

import oxhpy_kernels as k

LITTLE = sys.byteorder == "little"
PREFIXES = ["", "@", "=", "<", ">", "!"]
CODES = "cbB?hHiIlLqQnNPefd"
# The element types our kernels take: the `struct` codes of their kind and their size. u8 is the raw
# bytes of any 1-byte item whose every value is valid (not '?').
ELEMENTS = {"u8": ("bBc", 1), "u32": ("BHILQNP", 4), "f32": ("efd", 4)}
# PyPy's and GraalPy's debug modes abort on a kernel reading one of our own exports (conftest.py).
OWN_EXPORTS = not ((PYPY or GRAALPY) and DEBUG)


def valid(fmt):
    try:
        struct.calcsize(fmt)
    except struct.error:
        return False
    return True


# Every prefix with every code that `struct` takes with it (it refuses '=n', '<P', ...).
FORMATS = [p + c for p in PREFIXES for c in CODES if valid(p + c)]


def accepts(element, fmt, itemsize):
    """Whether `fmt` denotes `element`: one code of its kind, its size, native byte order."""
    codes, size = ELEMENTS[element]
    if not re.fullmatch(r"[@=<>!]?[a-zA-Z?]", fmt) or not valid(fmt) or fmt[-1] not in codes:
        return False
    n = struct.calcsize(fmt)
    native_order = n == 1 or fmt[:-1] in ("", "@", "=") or (fmt[0] == "<") == LITTLE
    return n == size == itemsize and native_order


def sample(fmt, n=5):
    """`n` items of `fmt` as `struct` packs them, and the items."""
    code, size = fmt[-1], struct.calcsize(fmt)
    if code in "efd":
        values = [i * 0.75 - 1.5 for i in range(n)]
    elif code == "?":
        values = [i % 3 == 0 for i in range(n)]
    elif code == "c":
        values = [bytes([250 - i]) for i in range(n)]
    else:
        bits = 8 * size - (code == "P")  # GraalPy 24.2's struct packs 'P' as signed
        values = [(0x9E3779B97F4A7C15 * (i + 1)) % 2**bits for i in range(n)]
        if code.islower():
            values = [v - 2 ** (8 * size) if v >= 2 ** (8 * size - 1) else v for v in values]
    prefix = fmt[:-1]
    return struct.pack(f"{prefix}{n}{code}", *values), values


def unpack(fmt, data):
    prefix, code = fmt[:-1], fmt[-1]
    return list(struct.unpack(f"{prefix}{len(data) // struct.calcsize(fmt)}{code}", data))


def check_read(obj, fmt, itemsize, data, where):
    """Every reading kernel accepts `obj` exactly when `accepts` says so, and then reads `data` right."""
    runs = {"u8": k.sum_bytes, "u32": k.sum_u32, "f32": lambda o: saxpy_of(o, len(data) // itemsize)}
    for element, run in runs.items():
        if accepts(element, fmt, itemsize):
            items = unpack(fmt, data)
            expect = sum(data) if element == "u8" else sum(items) if element == "u32" else items
            assert run(obj) == expect, (where, fmt, element)
        else:
            with pytest.raises(ValueError, match=re.escape(f"got format '{fmt}'")):
                run(obj)
                pytest.fail(f"{where}: {element} accepted {fmt!r}")


def saxpy_of(x, n):
    dst = array.array("f", bytes(4 * n))
    k.saxpy(dst, x, array.array("f", bytes(4 * n)), 1.0)
    return dst.tolist()


def check_write(obj, fmt, itemsize, raw, where):
    """Every writing kernel writes into `obj` exactly when `accepts` says so; `raw()` is its bytes."""
    before = raw()
    n = len(before) // itemsize
    if accepts("u8", fmt, itemsize):
        k.scale_inplace(obj, 3)
        assert raw() == bytes(b * 3 % 256 for b in before), (where, fmt)
        k.XorCodec(0x5A).apply_inplace(obj)
        assert raw() == bytes((b * 3 % 256) ^ 0x5A for b in before), (where, fmt)
    else:
        with pytest.raises(ValueError):
            k.scale_inplace(obj, 3)
        with pytest.raises(ValueError):
            k.XorCodec(0x5A).apply_inplace(obj)
        assert raw() == before, (where, fmt)
    x = array.array("f", [i + 0.5 for i in range(n)])
    zeros = array.array("f", bytes(4 * n))
    before = raw()
    if accepts("f32", fmt, itemsize):
        k.saxpy(obj, x, zeros, 2.0)
        assert raw() == array.array("f", [2 * v for v in x]).tobytes(), (where, fmt)
    else:
        with pytest.raises(ValueError):
            k.saxpy(obj, x, zeros, 2.0)
        assert raw() == before, (where, fmt)


def test_the_table_is_the_rule():
    """The table spelled out for x86_64 and every other little-endian LP64 machine."""
    if not (LITTLE and struct.calcsize("P") == struct.calcsize("@l") == 8):
        pytest.skip("spelled out for little-endian LP64")
    accepted = {e: [f for f in FORMATS if accepts(e, f, ELEMENTS[e][1])] for e in ELEMENTS}
    one_byte = [p + c for p in PREFIXES for c in "cbB"]
    assert accepted == {
        "u8": one_byte,
        "u32": ["I", "@I", "=I", "=L", "<I", "<L"],
        "f32": ["f", "@f", "=f", "<f"],
    }


@pytest.mark.skipif(not OWN_EXPORTS, reason=f"{sys.implementation.name} debug mode: nested HPy calls abort")
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_read_only(fmt):
    """Our own exporter, on every interpreter: exactly the format given, read-only."""
    data, _ = sample(fmt)
    store = t.FormatStore(data, fmt)
    with memoryview(store) as mv:
        assert (mv.format, mv.itemsize, mv.readonly) == (fmt, struct.calcsize(fmt), True)
    check_read(store, fmt, struct.calcsize(fmt), data, "FormatStore")
    with pytest.raises(ValueError, match="read-only"):
        k.scale_inplace(store, 2)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writable(fmt):
    """CPython's `_testbuffer.ndarray` exports any format, writable."""
    tb = pytest.importorskip("_testbuffer")
    data, values = sample(fmt)
    nd = tb.ndarray(values, shape=[len(values)], format=fmt, flags=tb.ND_WRITABLE)
    assert memoryview(nd).tobytes() == data
    check_read(nd, fmt, struct.calcsize(fmt), data, "_testbuffer")
    check_write(nd, fmt, struct.calcsize(fmt), lambda: memoryview(nd).tobytes(), "_testbuffer")


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f[:-1] in ("", "@")])
def test_native_casts(fmt):
    """memoryview.cast, on every interpreter (it takes native formats only: no prefix or '@')."""
    data, _ = sample(fmt)
    try:
        mv = memoryview(bytearray(data)).cast(fmt)
    except (TypeError, ValueError, NotImplementedError) as e:
        pytest.skip(f"{sys.implementation.name} memoryview.cast({fmt!r}): {e}")
    ba = mv.obj
    check_read(mv, fmt, mv.itemsize, data, "cast")
    check_write(mv, fmt, mv.itemsize, lambda: bytes(ba), "cast")


@pytest.mark.parametrize("code", [c for c in array.typecodes if c not in "uw"])
def test_array_typecodes(code):
    a = array.array(code, range(7))
    fmt = memoryview(a).format
    check_read(a, fmt, a.itemsize, a.tobytes(), "array")
    check_write(a, fmt, a.itemsize, a.tobytes, "array")


ODD = [("2H", [(1, 2), (3, 4)]), ("HH", [(1, 2), (3, 4)]), ("1I", [5, 6]), ("4s", [b"abcd"])]
ODD += [("1B", [1, 2]), ("2B", [(1, 2)]), ("1f", [1.0])]


@pytest.mark.parametrize("fmt, items", ODD, ids=[f for f, _ in ODD])
def test_more_than_a_bare_code_is_refused(fmt, items):
    """Repeat counts and several codes, even when the size fits (`struct` reads '1I' as one 'I')."""
    tb = pytest.importorskip("_testbuffer")
    nd = tb.ndarray(items, shape=[len(items)], format=fmt, flags=tb.ND_WRITABLE)
    before = memoryview(nd).tobytes()
    for run in (k.sum_bytes, k.sum_u32, lambda o: saxpy_of(o, len(items)), lambda o: k.scale_inplace(o, 3)):
        with pytest.raises(ValueError, match="not a single struct item"):
            run(nd)
    assert memoryview(nd).tobytes() == before


NOT_ONE_ITEM = ["2I", "1I", "T{I}", "I:x:", "^I", "<<I", "x", "4x", "s", "p", "Zf", " I", "I "]


@pytest.mark.parametrize("fmt", NOT_ONE_ITEM)
def test_our_exporter_refuses_what_is_not_one_item(fmt):
    with pytest.raises(ValueError, match="cannot export"):
        t.FormatStore(bytes(8), fmt)


def test_bytes_is_format_B():
    """`bytes` (format 'B') is read as u8 only, like any other 'B' buffer."""
    assert k.sum_bytes(b"\x01\x02\x03\x04") == 10
    with pytest.raises(ValueError, match="format 'B'"):
        k.sum_u32(b"\x01\x00\x00\x00")
    with pytest.raises(ValueError, match="format 'B'"):
        saxpy_of(b"\x00\x00\x80\x3f", 1)


def test_ctypes_byte_orders():
    ctypes = pytest.importorskip("ctypes")
    c = ctypes
    for ty in (c.c_uint8, c.c_int8, c.c_uint16, c.c_uint32, c.c_int32, c.c_float):
        for order in (ty, ty.__ctype_be__, ty.__ctype_le__):
            obj = (order * 6)(*range(6))
            try:
                with memoryview(obj) as mv:
                    fmt, itemsize, data = mv.format, mv.itemsize, mv.tobytes()
            except (TypeError, NotImplementedError):
                pytest.skip(f"{sys.implementation.name}: no memoryview of ctypes arrays")
            check_read(obj, fmt, itemsize, data, f"ctypes {order}")
            check_write(obj, fmt, itemsize, lambda o=obj: bytes(o), f"ctypes {order}")


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="ctypes formats differ on PyPy and GraalPy")
def test_ctypes_big_endian_u32():
    import ctypes

    be = (ctypes.c_uint32.__ctype_be__ * 10)(*range(10))
    le = (ctypes.c_uint32.__ctype_le__ * 10)(*range(10))
    assert (memoryview(be).format, memoryview(le).format) == (">I", "<I")
    with pytest.raises(ValueError, match="byte order" if LITTLE else "got format '<I'"):
        k.sum_u32(be if LITTLE else le)
    assert k.sum_u32(le if LITTLE else be) == 45
    assert list(be) == list(le) == list(range(10))


def test_ctypes_structure_is_refused():
    ctypes = pytest.importorskip("ctypes")

    class One(ctypes.Structure):
        _fields_ = [("a", ctypes.c_uint32)]

    obj = (One * 3)()
    try:
        fmt = memoryview(obj).format
    except (TypeError, NotImplementedError):
        pytest.skip(f"{sys.implementation.name}: no memoryview of ctypes arrays")
    assert not accepts("u32", fmt, 4)
    with pytest.raises(ValueError):
        k.sum_u32(obj)


def test_issue_9_big_endian_numpy():
    np = pytest.importorskip("numpy")
    a = np.arange(10, dtype=">u4")
    with pytest.raises(ValueError, match="byte order"):
        k.sum_u32(a)
    assert a.tolist() == list(range(10))
    assert k.sum_u32(a.astype("<u4")) == k.sum_u32(a.astype("=u4")) == 45
    x = np.arange(4, dtype=">f4")
    with pytest.raises(ValueError, match="byte order"):
        k.saxpy(x, x, x, 1.0)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]


NUMPY_TYPES = "u1 i1 b1 u2 i2 f2 u4 i4 f4 u8 i8 f8 S1 S4 V1 V4 c8".split()


@pytest.mark.parametrize("order", ["<", ">", "=", "|"])
@pytest.mark.parametrize("dtype", NUMPY_TYPES)
def test_numpy_dtypes(order, dtype):
    """Whatever format numpy exports for a dtype, the kernels read it as `struct` does."""
    np = pytest.importorskip("numpy")
    a = np.frombuffer(bytes(range(40, 80)), dtype=order + dtype).copy()
    with memoryview(a) as mv:
        fmt, itemsize = mv.format, mv.itemsize
    check_read(a, fmt, itemsize, a.tobytes(), f"numpy {order}{dtype}")
    check_write(a, fmt, itemsize, a.tobytes, f"numpy {order}{dtype}")


def test_numpy_unaligned_is_native_standard_size():
    """numpy exports an unaligned native array as '=I': accepted (and read through a copy)."""
    np = pytest.importorskip("numpy")
    a = np.frombuffer(bytes(1) + np.arange(6, dtype="u4").tobytes(), dtype="u4", offset=1)
    fmt = memoryview(a).format
    assert k.sum_u32(a) == 15
    assert accepts("u32", fmt, 4), fmt
