"""Bad-input matrix for every public kernel and type of oxhpy_kernels.

Every buffer parameter gets every kind of buffer (bytes, bytearray, memoryview, array.array of each
typecode, numpy arrays where numpy is installed, mmap), with the wrong format, item size, read-only,
non-contiguous, negative strides, zero length, 0-d, multi-dimensional and huge (zero-stride) shapes;
every number parameter gets wrong types and out-of-range values. A small model of the documented
rule (README "Buffers", ``oxhpy::buffer::Element``) says which buffers must be accepted; accepted
ones must give the pure-Python result, refused ones the documented exception (``TypeError`` without
the buffer protocol, ``ValueError`` for a layout that does not fit, ``OverflowError`` for an integer
out of range), and a refused call leaves every input untouched and releases every export.
"""

import array
import mmap
import struct
import tempfile
from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import GRAALPY

import oxhpy_kernels as k

try:
    import numpy as np
except ImportError:
    np = None

# --- the buffers -------------------------------------------------------------------------------------

TYPECODES = [c for c in "bBuhHiIlLqQfdw" if c in array.typecodes]
PAYLOAD = bytes(range(1, 65))  # 64 bytes: a whole number of items of every size


def _array(code):
    item = array.array(code).itemsize
    n = len(PAYLOAD) // item
    if code in "uw":
        return array.array(code, "abcdefghijklmnop"[:n])
    if code in "fd":
        return array.array(code, [float(i) - 3.5 for i in range(n)])
    return array.array(code, PAYLOAD[: n * item]) if code in "bB" else array.array(code, range(n))


def _mmap_rw():
    m = mmap.mmap(-1, len(PAYLOAD))
    m[:] = PAYLOAD
    return m


def _mmap_ro():
    with tempfile.TemporaryFile() as f:
        f.write(PAYLOAD)
        f.flush()
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _mv(src, *casts):
    m = memoryview(src)
    for c in casts:
        m = m.cast(*c) if isinstance(c, tuple) else m.cast(c)
    return m


BUFFERS = {
    "bytes": lambda: bytes(PAYLOAD),
    "bytes-empty": lambda: b"",
    "bytearray": lambda: bytearray(PAYLOAD),
    "bytearray-empty": lambda: bytearray(),
    "mv-bytes": lambda: memoryview(bytes(PAYLOAD)),
    "mv-bytearray": lambda: memoryview(bytearray(PAYLOAD)),
    "mv-readonly": lambda: memoryview(bytearray(PAYLOAD)).toreadonly(),
    "mv-step2": lambda: memoryview(bytearray(PAYLOAD))[::2],
    "mv-reversed": lambda: memoryview(bytearray(PAYLOAD))[::-1],
    "mv-empty-slice": lambda: memoryview(bytearray(PAYLOAD))[5:5],
    "mv-0d-B": lambda: _mv(bytearray(b"\x07"), ("B", [])),
    "mv-0d-I": lambda: _mv(bytearray(struct.pack("I", 7)), ("I", [])),
    "mv-0d-f": lambda: _mv(bytearray(struct.pack("f", 1.5)), ("f", [])),
    "mv-2d-B": lambda: _mv(bytearray(PAYLOAD), ("B", [8, 8])),
    "mv-2d-I": lambda: _mv(bytearray(PAYLOAD), ("I", [4, 4])),
    "mv-2d-f": lambda: _mv(bytearray(PAYLOAD), ("f", [4, 4])),
    "mv-c": lambda: _mv(bytearray(PAYLOAD), "c"),
    "mv-H": lambda: _mv(bytearray(PAYLOAD), "H"),
    "mv-I": lambda: _mv(bytearray(PAYLOAD), "I"),
    "mv-I-step2": lambda: _mv(bytearray(PAYLOAD), "I")[::2],
    "mv-I-reversed": lambda: _mv(bytearray(PAYLOAD), "I")[::-1],
    "mv-f": lambda: _mv(bytearray(PAYLOAD), "f"),
    "mv-f-reversed": lambda: _mv(bytearray(PAYLOAD), "f")[::-1],
    "mv-f-readonly": lambda: _mv(bytes(PAYLOAD), "f"),
    "mv-?": lambda: _mv(bytearray(len(PAYLOAD)), "?"),
    "mmap": _mmap_rw,
    "mmap-readonly": _mmap_ro,
    **{f"array-{c}": (lambda c=c: _array(c)) for c in TYPECODES},
    "array-B-empty": lambda: array.array("B"),
    "array-I-empty": lambda: array.array("I"),
    "array-f-empty": lambda: array.array("f"),
}

NUMPY = {
    "np-uint8": lambda: np.frombuffer(bytearray(PAYLOAD), np.uint8),
    "np-int8": lambda: np.frombuffer(bytearray(PAYLOAD), np.int8),
    "np-bool": lambda: np.zeros(16, bool),
    "np-uint16": lambda: np.arange(16, dtype=np.uint16),
    "np-uint32": lambda: np.arange(16, dtype=np.uint32),
    "np-int32": lambda: np.arange(16, dtype=np.int32),
    "np-uint32-be": lambda: np.arange(16, dtype=">u4"),
    "np-uint64": lambda: np.arange(16, dtype=np.uint64),
    "np-float32": lambda: np.linspace(-2, 2, 16, dtype=np.float32),
    "np-float32-be": lambda: np.linspace(-2, 2, 16, dtype=">f4"),
    "np-float16": lambda: np.linspace(-2, 2, 16, dtype=np.float16),
    "np-float64": lambda: np.linspace(-2, 2, 16),
    "np-float32-readonly": lambda: _readonly(np.linspace(-2, 2, 16, dtype=np.float32)),
    "np-uint8-readonly": lambda: _readonly(np.arange(16, dtype=np.uint8)),
    "np-uint8-step2": lambda: np.arange(32, dtype=np.uint8)[::2],
    "np-uint8-reversed": lambda: np.arange(16, dtype=np.uint8)[::-1],
    "np-uint32-reversed": lambda: np.arange(16, dtype=np.uint32)[::-1],
    "np-float32-reversed": lambda: np.linspace(-2, 2, 16, dtype=np.float32)[::-1],
    "np-uint8-2d": lambda: np.arange(16, dtype=np.uint8).reshape(4, 4),
    "np-uint8-2d-F": lambda: np.asfortranarray(np.arange(16, dtype=np.uint8).reshape(4, 4)),
    "np-float32-2d-T": lambda: np.linspace(-2, 2, 16, dtype=np.float32).reshape(4, 4).T,
    "np-uint8-0d": lambda: np.array(7, np.uint8),
    "np-uint32-0d": lambda: np.array(7, np.uint32),
    "np-float32-0d": lambda: np.array(1.5, np.float32),
    "np-uint8-empty": lambda: np.zeros(0, np.uint8),
    "np-float32-empty": lambda: np.zeros(0, np.float32),
    # Huge lengths without the memory: 2**40 items over one byte (stride 0).
    "np-uint8-huge-stride0": lambda: np.broadcast_to(np.uint8(1), (2**40,)),
    "np-float32-huge-stride0": lambda: np.broadcast_to(np.float32(1), (2**40,)),
}

NOT_BUFFERS = {
    "int": lambda: 1,
    "float": lambda: 1.5,
    "str": lambda: "abc",
    "None": lambda: None,
    "list": lambda: [1, 2, 3],
    "tuple": lambda: (1.0,),
    "object": lambda: object(),
    "array-iter": lambda: iter(b"abc"),
}


def _readonly(a):
    a.flags.writeable = False
    return a


def make(name):
    if name in NUMPY:
        if np is None:
            pytest.skip("numpy is not installed")
        return NUMPY[name]()
    return {**BUFFERS, **NOT_BUFFERS}[name]()


ALL = list(BUFFERS) + list(NUMPY) + list(NOT_BUFFERS)

# --- the rule (model) --------------------------------------------------------------------------------

ELEMENTS = {"u8": (1, {"B", "b", "c"}), "u32": (4, {"I"}), "f32": (4, {"f"})}


def expected_error(obj, elem, writable):
    """The exception type the documented rule gives for viewing `obj` as [elem], or None."""
    try:
        m = memoryview(obj)
    except TypeError:
        return TypeError
    with m:
        fmt = m.format
        prefix = fmt[0] if fmt[:1] in ("@", "=", "<", ">", "!") else ""
        code = fmt[len(prefix) :]
        size, codes = ELEMENTS[elem]
        ok = code in codes or (elem == "u32" and code == "L" and prefix in ("=", "<"))
        if prefix in (">", "!") and size > 1:
            ok = False
        if not ok or m.itemsize != size or not m.c_contiguous or (writable and m.readonly):
            return ValueError
    return None


def snapshot(obj):
    """Everything a call must not change: the bytes in logical order, the shape, the length."""
    if np is not None and isinstance(obj, np.ndarray):
        if 0 in obj.strides:  # a huge zero-stride view: its one real item
            return ("np", obj.dtype.str, obj.shape, obj.strides, obj[:1].tobytes())
        return ("np", obj.dtype.str, obj.shape, obj.tobytes())
    try:
        with memoryview(obj) as m:
            return ("buf", m.format, m.shape, m.tobytes(), len(obj) if hasattr(obj, "__len__") else None)
    except TypeError:
        return ("obj", repr(obj) if not hasattr(obj, "__next__") else id(obj))


def items(obj, code):
    """The items of a (C-contiguous) buffer as Python numbers, read by `struct`."""
    with memoryview(obj) as m:
        raw = m.tobytes()
    return list(array.array(code, raw)) if raw else []


def released(obj):
    """No export of `obj` is left after a call: the objects that refuse while exported say so."""
    if isinstance(obj, bytearray):
        obj.append(0)
        obj.pop()
    elif isinstance(obj, array.array) and obj.typecode not in "uw":
        obj.append(0)
        obj.pop()
    elif isinstance(obj, mmap.mmap):
        obj.close()


def f32(v):
    return array.array("f", [v])[0]


# --- buffer parameters -------------------------------------------------------------------------------


def check_sum_bytes(obj):
    want = expected_error(obj, "u8", False)
    before = snapshot(obj)
    if want is None:
        assert k.sum_bytes(obj) == sum(items(obj, "B"))
    else:
        with pytest.raises(want, match="argument 'data'"):
            k.sum_bytes(obj)
    assert snapshot(obj) == before
    released(obj)


def check_sum_u32(obj):
    want = expected_error(obj, "u32", False)
    before = snapshot(obj)
    if want is None:
        assert k.sum_u32(obj) == sum(items(obj, "I"))
    else:
        with pytest.raises(want, match="argument 'a'"):
            k.sum_u32(obj)
    assert snapshot(obj) == before
    released(obj)


def check_scale_inplace(obj):
    want = expected_error(obj, "u8", True)
    before = snapshot(obj)
    if want is None:
        ref = bytes((b * 3) % 256 for b in items(obj, "B"))
        k.scale_inplace(obj, 3)
        assert bytes(items(obj, "B")) == ref
    else:
        with pytest.raises(want, match="argument 'data'"):
            k.scale_inplace(obj, 3)
        assert snapshot(obj) == before
    released(obj)


def check_xor_apply_inplace(obj):
    want = expected_error(obj, "u8", True)
    before = snapshot(obj)
    codec = k.XorCodec(0xA5)
    if want is None:
        ref = bytes(b ^ 0xA5 for b in items(obj, "B"))
        codec.apply_inplace(obj)
        assert bytes(items(obj, "B")) == ref
    else:
        with pytest.raises(want, match="argument 'buf'"):
            codec.apply_inplace(obj)
        assert snapshot(obj) == before
    released(obj)


def _f32_like(n):
    return array.array("f", [0.25 * i - 1 for i in range(n)])


def check_saxpy(obj, pos):
    """One candidate buffer in one position; the other two are good float32 arrays of its length."""
    want = expected_error(obj, "f32", pos == "dst")
    try:
        n = len(items(obj, "f")) if want is None else 4
    except (TypeError, ValueError):
        n = 4
    args = {"dst": array.array("f", [9.0] * n), "x": _f32_like(n), "y": _f32_like(n)}
    args[pos] = obj
    before = {p: snapshot(v) for p, v in args.items()}
    if want is None:
        x, y = items(args["x"], "f"), items(args["y"], "f")
        ref = [f32(f32(f32(0.5) * a) + b) for a, b in zip(x, y)]
        k.saxpy(args["dst"], args["x"], args["y"], 0.5)
        assert items(args["dst"], "f") == ref
        for p in ("x", "y"):
            if args[p] is not args["dst"]:
                assert snapshot(args[p]) == before[p]
    else:
        with pytest.raises(want):
            k.saxpy(args["dst"], args["x"], args["y"], 0.5)
        assert {p: snapshot(v) for p, v in args.items()} == before
    released(obj)


@pytest.mark.parametrize("name", ALL)
def test_buffer_matrix(name):
    """Every buffer parameter of every kernel gets this kind of buffer (a fresh one each time)."""
    check_sum_bytes(make(name))
    check_sum_u32(make(name))
    check_scale_inplace(make(name))
    check_xor_apply_inplace(make(name))
    for pos in ("dst", "x", "y"):
        check_saxpy(make(name), pos)


@pytest.mark.parametrize("pos", ["dst", "x", "y"])
@pytest.mark.parametrize("n", [0, 3, 5])
def test_saxpy_unequal_lengths(pos, n):
    args = {"dst": _f32_like(4), "x": _f32_like(4), "y": _f32_like(4)}
    args[pos] = _f32_like(n)
    before = {p: snapshot(v) for p, v in args.items()}
    with pytest.raises(ValueError, match="equal lengths"):
        k.saxpy(args["dst"], args["x"], args["y"], 2.0)
    assert {p: snapshot(v) for p, v in args.items()} == before
    for v in args.values():
        released(v)


@pytest.mark.parametrize("shift", [-7, -4, -1, 1, 2, 4, 5])
@pytest.mark.parametrize("which", ["x", "y", "both"])
def test_saxpy_partial_overlap_and_misalignment(shift, which):
    """dst and an input over the same bytearray, offset by `shift` bytes (misaligned unless a
    multiple of 4): the result is computed from the inputs' values before the call."""
    n = 8
    base = bytearray(struct.pack(f"{n + 4}f", *[0.5 * i + 1 for i in range(n + 4)]))
    d0 = 8
    dst = memoryview(base)[d0 : d0 + 4 * n].cast("f")
    other = memoryview(base)[d0 + shift : d0 + shift + 4 * n].cast("f")
    plain = _f32_like(n)
    x = other if which in ("x", "both") else plain
    y = other if which in ("y", "both") else plain
    xs, ys = list(x), list(y)
    ref = [f32(f32(f32(1.5) * a) + b) for a, b in zip(xs, ys)]
    k.saxpy(dst, x, y, 1.5)
    assert list(dst) == ref


@pytest.mark.parametrize("name", ["mv-readonly", "bytes", "mv-f-readonly", "mmap-readonly"])
def test_saxpy_readonly_dst_aliasing_an_input(name):
    """A read-only dst refused even when it is also an input; nothing changes."""
    obj = make(name)
    before = snapshot(obj)
    with pytest.raises(ValueError):
        k.saxpy(obj, obj, obj, 2.0)
    assert snapshot(obj) == before


# --- number parameters -------------------------------------------------------------------------------


class Index:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


class BadIndex:
    def __index__(self):
        raise ZeroDivisionError("from __index__")


class BadFloat:
    def __float__(self):
        raise KeyError("from __float__")


NOT_INTS = [1.0, 1.5, "1", b"1", None, [1], (1,), 1j, Decimal(1), Fraction(1, 1), object(), bytearray(b"1")]
I64_OUT = [2**63, -(2**63) - 1, 2**64, -(2**64), 2**1000, Index(2**63)]
I32_OUT = [2**31, -(2**31) - 1, 2**63, 2**64]

# kernel, good arguments, name of the integer parameter under test, its position
INT_PARAMS = [
    ("add", lambda v: k.add(v, 1), "a"),
    ("add", lambda v: k.add(1, v), "b"),
    ("div_floor", lambda v: k.div_floor(v, 1), "a"),
    ("div_floor", lambda v: k.div_floor(1, v), "b"),
    ("Mult", lambda v: k.Mult(v), "factor"),
    ("Mult.__call__", lambda v: k.Mult(1)(v), "x"),
    ("XorCodec", lambda v: k.XorCodec(v), "key"),
]
INT_IDS = [f"{n}-{p}" for n, _, p in INT_PARAMS]


@pytest.mark.parametrize("kernel, call, param", INT_PARAMS, ids=INT_IDS)
def test_int_parameters_refuse_non_ints_and_out_of_range(kernel, call, param):
    for bad in NOT_INTS:
        with pytest.raises(TypeError, match=f"argument '{param}'"):
            call(bad)
    for bad in I64_OUT:
        with pytest.raises(OverflowError, match=f"argument '{param}'"):
            call(bad)


@pytest.mark.parametrize("kernel, call, param", INT_PARAMS, ids=INT_IDS)
def test_int_parameters_index_protocol(kernel, call, param):
    """`__index__` is honoured (as `operator.index`), its exception propagates, `bool` is an int."""
    call(Index(1))
    call(True)
    with pytest.raises(ZeroDivisionError, match="from __index__"):
        call(BadIndex())
    if np is not None:
        call(np.int64(1))
        call(np.uint8(1))
        with pytest.raises(OverflowError):
            call(np.uint64(2**64 - 1))
        with pytest.raises(TypeError):
            call(np.float64(1.0))


@pytest.mark.parametrize("bad", [256, 1000, -1, -(2**63)])
def test_xor_key_range(bad):
    with pytest.raises(ValueError, match="key must be in 0..255"):
        k.XorCodec(bad)


def test_results_out_of_range():
    with pytest.raises(OverflowError):
        k.add(2**62, 2**62)
    with pytest.raises(OverflowError):
        k.div_floor(-(2**63), -1)
    with pytest.raises(ZeroDivisionError):
        k.div_floor(1, 0)
    with pytest.raises(OverflowError):
        k.Mult(2**62)(4)


@pytest.mark.parametrize("bad", I32_OUT)
def test_scale_factor_out_of_c_int_range(bad):
    ba = bytearray(PAYLOAD)
    with pytest.raises(OverflowError, match="argument 'factor'"):
        k.scale_inplace(ba, bad)
    assert ba == bytearray(PAYLOAD)
    released(ba)


@pytest.mark.parametrize("bad", NOT_INTS, ids=repr)
def test_scale_factor_not_an_int(bad):
    ba = bytearray(PAYLOAD)
    with pytest.raises(TypeError, match="argument 'factor'"):
        k.scale_inplace(ba, bad)
    assert ba == bytearray(PAYLOAD)


@pytest.mark.parametrize("bad", ["1", b"1", None, [1.0], 1j, object(), bytearray(b"1")], ids=repr)
def test_saxpy_a_not_a_float(bad):
    dst, x, y = _f32_like(4), _f32_like(4), _f32_like(4)
    with pytest.raises(TypeError, match="argument 'a'"):
        k.saxpy(dst, x, y, bad)
    assert dst == _f32_like(4)


def test_saxpy_a_conversions():
    dst, x, y = _f32_like(4), _f32_like(4), _f32_like(4)
    with pytest.raises(OverflowError, match="argument 'a'"):
        k.saxpy(dst, x, y, 10**400)
    with pytest.raises(KeyError, match="from __float__"):
        k.saxpy(dst, x, y, BadFloat())
    assert dst == _f32_like(4)
    for a in (2, Decimal("2"), Fraction(2), Index(2), True):
        k.saxpy(dst, x, y, a)
        assert list(dst) == [f32(f32(f32(float(a)) * v) + v) for v in _f32_like(4)]


# --- arity, keywords, attributes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: k.add(1),
        lambda: k.add(1, 2, 3),
        lambda: k.add(1, 2, c=3),
        lambda: k.sum_bytes(),
        lambda: k.sum_bytes(b"", b""),
        lambda: k.sum_bytes(b"", data=b""),
        lambda: k.sum_u32(),
        lambda: k.scale_inplace(bytearray(1)),
        lambda: k.saxpy(array.array("f"), array.array("f"), array.array("f")),
        lambda: k.Mult(1)(),
        lambda: k.Mult(1)(1, 2),
        lambda: k.Mult(1)(x=1),
        lambda: k.Mult(1, 2),
        lambda: k.XorCodec(),
        lambda: k.XorCodec(1).apply_inplace(),
    ],
)
def test_wrong_arity_and_keywords(call):
    with pytest.raises(TypeError):
        call()


def test_read_only_attributes():
    m, c = k.Mult(3), k.XorCodec(3)
    for obj, name in ((m, "factor"), (c, "key")):
        with pytest.raises(AttributeError):
            setattr(obj, name, 4)
        assert getattr(obj, name) == 3


def test_read_only_attributes_cannot_be_deleted():
    m, c = k.Mult(3), k.XorCodec(3)
    for obj, name in ((m, "factor"), (c, "key")):
        # GraalPy 24.2 raises TypeError here (README, Compatibility).
        with pytest.raises((TypeError, AttributeError) if GRAALPY else AttributeError):
            delattr(obj, name)
        assert getattr(obj, name) == 3
