"""Number-like objects for integer and ``f64`` parameters: an integer parameter takes what
``operator.index()`` takes (``__index__``), an ``f64`` parameter what ``float()`` takes through
``__float__`` or ``__index__`` (never ``str``/``bytes``), as C extensions and PyO3 do. Refusals name
the argument; exceptions raised by ``__index__``/``__float__`` propagate; inputs are never modified."""

import decimal
import fractions
import math
import operator

import oxhpy_testext as t
import pytest

import oxhpy_kernels as k

INT_TYPES = {
    "i64": (t.echo_i64, -(2**63), 2**63 - 1),
    "u64": (t.echo_u64, 0, 2**64 - 1),
    "i32": (t.echo_i32, -(2**31), 2**31 - 1),
    "u32": (t.echo_u32, 0, 2**32 - 1),
    "usize": (t.echo_usize, 0, 2**64 - 1),
    "isize": (t.echo_isize, -(2**63), 2**63 - 1),
    "u8": (t.echo_u8, 0, 255),
}


class Index:
    """Only ``__index__``."""

    def __init__(self, v):
        self.v = v
        self.calls = 0

    def __index__(self):
        self.calls += 1
        return self.v


class FloatOnly:
    """Only ``__float__``."""

    def __init__(self, v):
        self.v = v

    def __float__(self):
        return self.v


class Boom(Exception):
    pass


class Raises:
    def __index__(self):
        raise Boom("from __index__")

    def __float__(self):
        raise Boom("from __float__")


class FloatStr(str):
    """A ``str`` that could be a number: still refused."""

    def __float__(self):
        return 1.0

    def __index__(self):
        return 1


def type_name(obj):
    """A pattern for the type name in an error: PyPy qualifies numpy's (``numpy.bool``)."""
    return rf"([\w.]+\.)?{type(obj).__name__}"


def state(obj):
    return type(obj), repr(obj), repr(getattr(obj, "v", None))


def check_int(rust, obj):
    """``echo(obj)`` behaves like ``operator.index(obj)`` followed by a range check."""
    echo, lo, hi = INT_TYPES[rust]
    try:
        want = operator.index(obj)
    except TypeError:
        with pytest.raises(TypeError, match=rf"^argument 'x': expected int, got {type_name(obj)}$"):
            echo(obj)
        return
    if lo <= want <= hi:
        out = echo(obj)
        assert out == want and type(out) is int
    else:
        with pytest.raises(OverflowError, match=rf"^argument 'x': int out of range for {rust}$"):
            echo(obj)


def check_float(obj):
    """``echo_f64(obj)`` is ``float(obj)``."""
    want = float(obj)
    out = t.echo_f64(obj)
    assert type(out) is float
    assert out == want or (math.isnan(out) and math.isnan(want))


# --- __index__ --------------------------------------------------------------------------------


@pytest.mark.parametrize("rust", INT_TYPES)
def test_index_accepted(rust):
    echo, lo, hi = INT_TYPES[rust]
    for v in [lo, hi, 0, 1, (lo + hi) // 2]:
        obj = Index(v)
        out = echo(obj)
        assert out == v and type(out) is int
        assert obj.v == v and obj.calls == 1


@pytest.mark.parametrize("rust", INT_TYPES)
def test_index_out_of_range(rust):
    echo, lo, hi = INT_TYPES[rust]
    for v in [lo - 1, hi + 1, 2**200, -(2**200)]:
        obj = Index(v)
        with pytest.raises(OverflowError, match=rf"^argument 'x': int out of range for {rust}$"):
            echo(obj)
        assert obj.v == v


@pytest.mark.parametrize("rust", INT_TYPES)
@pytest.mark.parametrize("ret", [1.5, "3", b"3", None, decimal.Decimal(3)])
def test_index_returning_non_int(rust, ret):
    with pytest.raises(TypeError):
        INT_TYPES[rust][0](Index(ret))


@pytest.mark.parametrize("rust", INT_TYPES)
def test_index_exception_propagates(rust):
    with pytest.raises(Boom, match="^from __index__$"):
        INT_TYPES[rust][0](Raises())


@pytest.mark.parametrize("rust", INT_TYPES)
@pytest.mark.parametrize(
    "bad",
    [
        1.0,
        1.5,
        -0.0,
        "1",
        b"1",
        bytearray(b"1"),
        FloatStr("1"),
        decimal.Decimal(1),
        fractions.Fraction(1),
        FloatOnly(1.0),
        1j,
        None,
    ],
)
def test_int_refuses_non_index(rust, bad):
    before = state(bad)
    with pytest.raises(TypeError, match=rf"^argument 'x': expected int, got {type_name(bad)}$"):
        INT_TYPES[rust][0](bad)
    assert state(bad) == before


def test_index_in_containers():
    items = [Index(1), 2, Index(3)]
    assert t.echo_vec_i64(items) == [1, 2, 3]
    assert t.echo_vec_u8(items) == b"\x01\x02\x03"
    assert t.echo_vec_f64(items) == [1.0, 2.0, 3.0]
    assert t.echo_tuple((Index(-4), "s")) == (-4, "s")
    assert t.echo_opt_i64(Index(5)) == 5
    assert [i.v for i in items[::2]] == [1, 3]
    with pytest.raises(OverflowError, match=r"^argument 'x': int out of range for u8$"):
        t.echo_vec_u8([Index(256)])
    with pytest.raises(TypeError, match=r"^argument 'x': expected int, got float$"):
        t.echo_vec_i64([Index(1), 2.0])


def test_kernel_args():
    assert k.add(Index(3), 4) == 7
    with pytest.raises(TypeError, match=r"^argument 'b': expected int, got float$"):
        k.add(Index(3), 4.0)


# --- f64: __float__ and __index__ -------------------------------------------------------------


@pytest.mark.parametrize(
    "obj",
    [
        FloatOnly(2.5),
        FloatOnly(-0.0),
        FloatOnly(math.inf),
        FloatOnly(math.nan),
        Index(7),
        Index(-(2**60)),
        decimal.Decimal("1.1"),
        decimal.Decimal("-1e400"),
        decimal.Decimal("NaN"),
        fractions.Fraction(1, 3),
        fractions.Fraction(-(10**400), 10**399),
    ],
)
def test_f64_accepts_float_like(obj):
    before = state(obj)
    check_float(obj)
    assert state(obj) == before


def test_f64_sign_of_zero_kept():
    assert math.copysign(1, t.echo_f64(FloatOnly(-0.0))) == -1


def test_f64_index_too_large():
    with pytest.raises(OverflowError):
        t.echo_f64(Index(2**1024))


@pytest.mark.parametrize("ret", [1, "1.5", None, decimal.Decimal(1)])
def test_f64_float_returning_non_float(ret):
    with pytest.raises(TypeError):
        t.echo_f64(FloatOnly(ret))


def test_f64_float_exception_propagates():
    with pytest.raises(Boom, match="^from __float__$"):
        t.echo_f64(Raises())


@pytest.mark.parametrize(
    "bad", ["1.5", b"1.5", bytearray(b"1.5"), memoryview(b"1.5"), FloatStr("2"), 1j, None]
)
def test_f64_refuses_text_and_non_numbers(bad):
    msg = rf"^argument 'x': expected float, got {type_name(bad)}$"
    with pytest.raises(TypeError, match=msg):
        t.echo_f64(bad)


# --- numpy scalars ----------------------------------------------------------------------------

NP_INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]


def np_scalars():
    np = pytest.importorskip("numpy")
    out = [np.bool_(True), np.bool_(False)]
    for name in NP_INTS:
        info = np.iinfo(name)
        out += [np.dtype(name).type(v) for v in {info.min, info.max, 0, 1, info.max // 3}]
    for name in ["float16", "float32", "float64"]:
        out += [np.dtype(name).type(v) for v in [0.0, -0.0, 0.5, -2.25, 3.0, math.inf, math.nan]]
    return np, out


@pytest.mark.parametrize("rust", INT_TYPES)
def test_numpy_scalars_as_int(rust):
    np, scalars = np_scalars()
    for s in scalars:
        before = s.copy()
        check_int(rust, s)
        assert s.dtype == before.dtype and (s == before or np.isnan(s))
    assert t.echo_i64(np.int64(-3)) == -3
    assert t.echo_u8(np.uint8(255)) == 255
    with pytest.raises(OverflowError, match=r"^argument 'x': int out of range for u64$"):
        t.echo_u64(np.int8(-1))
    with pytest.raises(TypeError, match=rf"^argument 'x': expected int, got {type_name(np.float64(1.0))}$"):
        t.echo_i64(np.float64(1.0))
    with pytest.raises(TypeError, match=rf"^argument 'x': expected int, got {type_name(np.float32(1.0))}$"):
        t.echo_i64(np.float32(1.0))


def test_numpy_scalars_as_f64():
    np, scalars = np_scalars()
    for s in scalars:
        before = s.copy()
        check_float(s)
        assert s.dtype == before.dtype and (s == before or np.isnan(s))
    assert t.echo_f64(np.float32(0.1)) == float(np.float32(0.1))
    assert t.echo_f64(np.uint64(2**64 - 1)) == 2.0**64


def test_numpy_text_scalars_refused():
    np = pytest.importorskip("numpy")
    for s in [np.str_("1"), np.bytes_(b"1")]:
        with pytest.raises(TypeError, match=rf"^argument 'x': expected float, got {type_name(s)}$"):
            t.echo_f64(s)
        with pytest.raises(TypeError, match=rf"^argument 'x': expected int, got {type_name(s)}$"):
            t.echo_i64(s)


def test_numpy_in_containers_and_kernels():
    np = pytest.importorskip("numpy")
    a = np.arange(5, dtype=np.int32)
    assert t.echo_vec_i64(list(a)) == [0, 1, 2, 3, 4]
    assert t.echo_vec_f64(list(a.astype(np.float32))) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert k.add(np.int64(3), 4) == 7
    assert k.add(np.uint8(200), np.int16(-300)) == -100
    assert list(a) == [0, 1, 2, 3, 4]
