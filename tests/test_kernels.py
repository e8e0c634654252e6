"""oxhpy_kernels: add, div_floor, sum_bytes against Python's own arithmetic."""

import random

import pytest
from conftest import GRAALPY

import oxhpy_kernels as k

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
EDGES = [0, 1, -1, 2, -2, 7, -7, I64_MIN, I64_MAX, I64_MIN + 1, I64_MAX - 1, 2**32, -(2**32)]


def fits(v):
    return I64_MIN <= v <= I64_MAX


def test_add_matches_python():
    rng = random.Random(1)
    values = EDGES + [rng.randint(I64_MIN, I64_MAX) for _ in range(200)]
    for a in values:
        for b in rng.sample(values, 10) + EDGES:
            if fits(a + b):
                assert k.add(a, b) == a + b
            else:
                with pytest.raises(OverflowError):
                    k.add(a, b)


def test_add_keywords_and_bools():
    assert k.add(a=2, b=3) == 5
    assert k.add(2, b=3) == 5
    assert k.add(True, 1) == 2  # bool is an int subclass, as in Python


@pytest.mark.parametrize("a", [2**63, -(2**63) - 1, 2**100])
def test_add_argument_out_of_range(a):
    with pytest.raises(OverflowError, match="argument 'a'"):
        k.add(a, 0)
    with pytest.raises(OverflowError, match="argument 'b'"):
        k.add(0, a)


@pytest.mark.parametrize("bad", [1.0, 1.5, "1", b"1", None, [1], 1j])
def test_add_rejects_non_ints(bad):
    with pytest.raises(TypeError, match="argument 'a'"):
        k.add(bad, 1)
    with pytest.raises(TypeError, match="argument 'b'"):
        k.add(1, bad)


def test_add_arity_and_keywords():
    with pytest.raises(TypeError):
        k.add(1)
    with pytest.raises(TypeError):
        k.add(1, 2, 3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'c'"):
        k.add(1, 2, c=3)
    with pytest.raises(TypeError, match="multiple values"):
        k.add(1, a=2)


def floor_div(a, b):
    """`a // b` computed on magnitudes: GraalPy 24.2's own `0 // b` is -1 for a negative `b` held as a
    big integer (`0 // int("-2574943852626498413")`, while the literal gives 0)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q if q * abs(b) == abs(a) else -q - 1


def test_div_floor_matches_python():
    assert k.div_floor(-7, 2) == -4
    assert k.div_floor(0, int("-2574943852626498413")) == 0
    rng = random.Random(2)
    values = EDGES + [rng.randint(I64_MIN, I64_MAX) for _ in range(200)] + list(range(-10, 11))
    for a in values:
        for b in rng.sample(values, 10) + [1, -1, 2, -2, 3, -3]:
            if b == 0:
                continue
            want = floor_div(a, b)
            if not GRAALPY:
                assert want == a // b, (a, b)
            if fits(want):
                assert k.div_floor(a, b) == want, (a, b)
            else:
                with pytest.raises(OverflowError):
                    k.div_floor(a, b)


def test_div_floor_errors():
    with pytest.raises(ZeroDivisionError):
        k.div_floor(1, 0)
    with pytest.raises(ZeroDivisionError):
        k.div_floor(0, 0)
    with pytest.raises(OverflowError):
        k.div_floor(I64_MIN, -1)
    with pytest.raises(TypeError, match="argument 'b'"):
        k.div_floor(1, 2.0)


def test_sum_bytes():
    rng = random.Random(3)
    for n in [0, 1, 15, 16, 17, 255, 4096, 65535, 65536, 65537, 200_003]:
        data = bytes(rng.getrandbits(8) for _ in range(n)) if n < 5000 else rng.randbytes(n)
        assert k.sum_bytes(data) == sum(data)
    big = b"\xff" * (1 << 20)
    assert k.sum_bytes(big) == 255 << 20
    assert k.sum_bytes(data=b"\x01\x02") == 3


@pytest.mark.parametrize("bad", ["abc", 1, None, [1, 2]])
def test_sum_bytes_rejects_non_bytes(bad):
    with pytest.raises(TypeError, match="argument 'data'"):
        k.sum_bytes(bad)


def test_docstrings_and_signatures():
    for f in (k.add, k.div_floor, k.sum_bytes):
        assert f.__doc__ and len(f.__doc__) > 10
    assert k.PanicException.__mro__[1] is BaseException
