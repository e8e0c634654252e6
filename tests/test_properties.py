"""Property-based tests (hypothesis): each kernel against a pure-Python reference on random inputs."""

import array

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import oxhpy_kernels as k  # noqa: E402

I64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
ANY_INT = st.integers(min_value=-(2**70), max_value=2**70)
SETTINGS = settings(max_examples=150, deadline=None, derandomize=True)


def fits(v):
    return -(2**63) <= v < 2**63


@SETTINGS
@given(ANY_INT, ANY_INT)
def test_add(a, b):
    if fits(a) and fits(b) and fits(a + b):
        assert k.add(a, b) == a + b
    else:
        with pytest.raises(OverflowError):
            k.add(a, b)


@SETTINGS
@given(I64, I64)
def test_div_floor(a, b):
    if b == 0:
        with pytest.raises(ZeroDivisionError):
            k.div_floor(a, b)
    elif fits(a // b):
        assert k.div_floor(a, b) == a // b
    else:
        with pytest.raises(OverflowError):
            k.div_floor(a, b)


@SETTINGS
@given(st.binary(max_size=3000), st.sampled_from(["bytes", "bytearray", "memoryview", "array"]))
def test_sum_bytes(data, kind):
    obj = {
        "bytes": bytes,
        "bytearray": bytearray,
        "memoryview": memoryview,
        "array": lambda d: array.array("B", d),
    }[kind](data)
    assert k.sum_bytes(obj) == sum(data)


@SETTINGS
@given(st.binary(max_size=2000), st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_scale_inplace(data, factor):
    buf = bytearray(data)
    k.scale_inplace(buf, factor)
    assert buf == bytearray((b * factor) % 256 for b in data)


@SETTINGS
@given(st.binary(max_size=2000), st.integers(min_value=0, max_value=255))
def test_xor_codec(data, key):
    buf = bytearray(data)
    k.XorCodec(key).apply_inplace(buf)
    assert buf == bytearray(b ^ key for b in data)


@SETTINGS
@given(st.lists(st.integers(min_value=0, max_value=2**32 - 1), max_size=2000))
def test_sum_u32(values):
    assert k.sum_u32(array.array("I", values)) == sum(values)


def f32(v):
    # IEEE round-to-nearest to float32 (inf beyond its range) on every interpreter; struct.pack("f")
    # raises OverflowError there on GraalPy 24.2 and returns inf on CPython and PyPy.
    return array.array("f", [v])[0]


FLOATS = st.floats(width=32, allow_nan=False, allow_infinity=False, min_value=-(2.0**100), max_value=2.0**100)


@SETTINGS
@given(st.lists(st.tuples(FLOATS, FLOATS), max_size=500), FLOATS)
def test_saxpy(pairs, a):
    x = array.array("f", [p[0] for p in pairs])
    y = array.array("f", [p[1] for p in pairs])
    dst = array.array("f", bytes(4 * len(pairs)))
    k.saxpy(dst, x, y, a)
    assert dst.tolist() == [f32(f32(f32(a) * xi) + yi) for xi, yi in zip(x, y)]


@SETTINGS
@given(ANY_INT, ANY_INT)
def test_mult(factor, x):
    if not fits(factor):
        with pytest.raises(OverflowError):
            k.Mult(factor)
        return
    m = k.Mult(factor)
    if fits(x) and fits(factor * x):
        assert m(x) == factor * x
    else:
        with pytest.raises(OverflowError):
            m(x)
