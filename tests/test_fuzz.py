"""Fuzzing: hypothesis drives every kernel and every argument conversion of oxhpy_kernels with
random inputs, against pure-Python references.

CI runs a short budget (``OXHPY_FUZZ_EXAMPLES``, 40 examples per test by default, 5 on GraalPy).
A long run, on any interpreter (the database stays off, so every run starts fresh)::

    OXHPY_FUZZ_EXAMPLES=20000 python -m pytest -q -p no:cacheprovider tests/test_fuzz.py

Integers are drawn around every edge of i64/i32 and beyond, floats from the whole double range
(NaN and infinities included), buffers of every 1-, 4-byte and other item kind as bytes,
bytearray, array.array, memoryview slices/casts (numpy too where installed).
"""

import array
import math
import operator
import os
import struct
import sys
from decimal import Decimal
from fractions import Fraction

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import oxhpy_kernels as k  # noqa: E402

# GraalPy 24.2 (interpreter-only JVM) spends about a second per example in hypothesis itself.
EXAMPLES = int(os.environ.get("OXHPY_FUZZ_EXAMPLES", "5" if sys.implementation.name == "graalpy" else "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=False,
    suppress_health_check=list(HealthCheck),
)
I64 = (-(2**63), 2**63 - 1)
I32 = (-(2**31), 2**31 - 1)


def edges(lo, hi):
    return [lo - 1, lo, lo + 1, -1, 0, 1, hi - 1, hi, hi + 1]


ints = st.one_of(
    st.integers(*I64),
    st.sampled_from(edges(*I64) + edges(*I32) + [2**64, -(2**64), 2**100]),
    st.integers(min_value=-(2**70), max_value=2**70),
)


class Index:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v

    def __repr__(self):
        return f"Index({self.v})"


# Anything a caller could pass where an int is expected, and what Python says it is.
int_like = st.one_of(
    ints,
    ints.map(Index),
    st.booleans(),
    st.floats(allow_nan=True),
    st.text(max_size=3),
    st.binary(max_size=3),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.decimals(allow_nan=False, allow_infinity=False, places=0).map(Decimal),
    st.fractions(max_denominator=3).map(Fraction),
)


def as_int(v):
    """operator.index(v), or TypeError; the kernels follow it."""
    return operator.index(v)


def expect(call, ref):
    """`call()` gives `ref()` or raises the same exception type."""
    try:
        want = ref()
    except Exception as e:  # noqa: BLE001 (compared below)
        with pytest.raises(type(e)):
            call()
        return
    assert call() == want


def i64_ref(v):
    v = as_int(v)
    if not I64[0] <= v <= I64[1]:
        raise OverflowError
    return v


@FUZZ
@given(int_like, int_like)
def test_add(a, b):
    def ref():
        s = i64_ref(a) + i64_ref(b)
        return i64_ref(s)

    expect(lambda: k.add(a, b), ref)


def floordiv(x, y):
    """x // y computed from non-negative operands: GraalPy 24.2's own `//` is wrong for some
    operands (`0 // -(2**64)` gives -1; hypothesis also found `0 // -9223372036854744199` == -1
    for an int it built)."""
    ax, ay = abs(x), abs(y)
    if ax == 0 or (x < 0) == (y < 0):
        return ax // ay
    return -((ax + ay - 1) // ay)


@FUZZ
@given(int_like, int_like)
def test_div_floor(a, b):
    def ref():
        x, y = i64_ref(a), i64_ref(b)
        if y == 0:
            raise ZeroDivisionError
        return i64_ref(floordiv(x, y))

    expect(lambda: k.div_floor(a, b), ref)


@FUZZ
@given(int_like, int_like)
def test_mult(factor, x):
    def ref():
        f = i64_ref(factor)
        return f, i64_ref(f * i64_ref(x))

    def call():
        m = k.Mult(factor)
        return m.factor, m(x)

    expect(call, ref)


@FUZZ
@given(int_like)
def test_xor_codec_key(key):
    def ref():
        v = i64_ref(key)
        if not 0 <= v <= 255:
            raise ValueError
        return v

    expect(lambda: k.XorCodec(key).key, ref)


def containers(data, code):
    """`data` (raw bytes, a whole number of `code` items) as several kinds of buffer."""
    out = [array.array(code, data), memoryview(bytearray(data)).cast(code)]
    if code == "B":
        out += [bytes(data), bytearray(data), memoryview(b"..." + data)[3:]]
    return out


@FUZZ
@given(st.binary(max_size=300), st.sampled_from(["B", "b", "H", "I", "f", "d", "q"]))
def test_sum_bytes_any_layout(data, code):
    size = struct.calcsize(code)
    data = data[: len(data) // size * size]
    for buf in containers(data, code):
        before = memoryview(buf).tobytes()
        if code in "Bb":
            assert k.sum_bytes(buf) == sum(data)
        else:
            with pytest.raises(ValueError):
                k.sum_bytes(buf)
        assert memoryview(buf).tobytes() == before


@FUZZ
@given(st.lists(st.integers(0, 2**32 - 1), max_size=200))
def test_sum_u32(values):
    a = array.array("I", values)
    assert k.sum_u32(a) == sum(values)
    assert k.sum_u32(memoryview(a).cast("B").cast("I")) == sum(values)


@FUZZ
@given(st.binary(max_size=300), st.one_of(st.integers(*I32), st.sampled_from(edges(*I32))))
def test_scale_inplace(data, factor):
    buf = bytearray(data)
    if not I32[0] <= factor <= I32[1]:
        with pytest.raises(OverflowError):
            k.scale_inplace(buf, factor)
        assert buf == data
        return
    k.scale_inplace(buf, factor)
    assert bytes(buf) == bytes((b * factor) % 256 for b in data)


@FUZZ
@given(st.binary(max_size=300), st.integers(0, 255))
def test_xor_apply_inplace(data, key):
    for buf in (bytearray(data), array.array("B", data), memoryview(bytearray(b"ab" + data))[2:]):
        k.XorCodec(key).apply_inplace(buf)
        assert bytes(buf) == bytes(b ^ key for b in data)


def f32(v):
    """v rounded to float32 as Rust's `as f32` does (overflow to infinity)."""
    if math.isnan(v) or math.isinf(v):
        return v
    try:
        return struct.unpack("f", struct.pack("f", v))[0]
    except OverflowError:
        # round-to-nearest: beyond the largest float32 (plus half an ulp) is infinity
        return (
            math.copysign(math.inf, v)
            if abs(v) >= 3.4028235677973366e38
            else math.copysign(3.4028234663852886e38, v)
        )


floats32 = st.floats(width=32, allow_nan=True, allow_infinity=True)


def same(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


@FUZZ
@given(
    st.lists(st.tuples(floats32, floats32), max_size=64),
    st.one_of(st.floats(allow_nan=True), st.integers(-(2**70), 2**70)),
    st.sampled_from(["new", "x", "y"]),
)
def test_saxpy(pairs, a, out):
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    x, y = array.array("f", xs), array.array("f", ys)
    dst = {"new": array.array("f", [0.0] * len(xs)), "x": x, "y": y}[out]
    try:
        af = f32(float(a))
    except OverflowError:
        with pytest.raises(OverflowError):
            k.saxpy(dst, x, y, a)
        return
    want = [f32(f32(af * xi) + yi) for xi, yi in zip(xs, ys)]
    k.saxpy(dst, x, y, a)
    assert all(same(g, w) for g, w in zip(dst, want)), (list(dst), want)


@FUZZ
@given(st.lists(st.sampled_from(["f", "d", "I", "B", "h", "i"]), min_size=3, max_size=3), st.integers(0, 6))
def test_saxpy_item_kinds(codes, n):
    bufs = [array.array(c, [1] * n) for c in codes]
    before = [memoryview(b).tobytes() for b in bufs]
    if all(c == "f" for c in codes):
        k.saxpy(*bufs, 2.0)
        assert list(bufs[0]) == [3.0] * n
    else:
        with pytest.raises(ValueError):
            k.saxpy(*bufs, 2.0)
        assert [memoryview(b).tobytes() for b in bufs] == before
