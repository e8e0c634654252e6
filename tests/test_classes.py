"""Classes built with #[oxhpy::class]: oxhpy_kernels.Mult and XorCodec."""

import gc
import sys

import pytest

import oxhpy_kernels as k

PYPY = sys.implementation.name == "pypy"
I64_MAX = 2**63 - 1


def test_mult_calls():
    assert k.Mult(factor=3)(7) == 21
    assert k.Mult(3)(7) == 21
    assert k.Mult()(5) == 5
    assert k.Mult(-2)(I64_MAX // 2) == -2 * (I64_MAX // 2)
    assert k.Mult(0)(I64_MAX) == 0


def test_mult_factor_is_read_only():
    m = k.Mult(4)
    assert m.factor == 4
    assert repr(m) == "Mult(factor=4)"


def test_mult_factor_cannot_be_set():
    m = k.Mult(4)
    with pytest.raises(AttributeError, match="not writable"):
        m.factor = 5
    assert m.factor == 4


@pytest.mark.parametrize("args, kwargs", [((), {}), ((1, 2), {}), ((), {"x": 1}), ((1,), {"x": 1})])
def test_mult_call_arity(args, kwargs):
    with pytest.raises(TypeError):
        k.Mult(2)(*args, **kwargs)


@pytest.mark.parametrize("bad", [1.5, "3", None, b"1"])
def test_mult_call_type(bad):
    with pytest.raises(TypeError):
        k.Mult(2)(bad)


def test_mult_overflow():
    with pytest.raises(OverflowError):
        k.Mult(2**62)(4)
    with pytest.raises(OverflowError):
        k.Mult(2)(2**63)
    with pytest.raises(OverflowError):
        k.Mult(2**63)


@pytest.mark.parametrize("bad", [1.0, "2", None])
def test_mult_constructor_type(bad):
    with pytest.raises(TypeError, match="argument 'factor'"):
        k.Mult(bad)
    with pytest.raises(TypeError):
        k.Mult(1, 2)
    with pytest.raises(TypeError, match="unexpected keyword"):
        k.Mult(fctor=1)


@pytest.mark.xfail(
    PYPY, strict=True, reason="PyPy 3.11 ignores HPy_TPFLAGS_BASETYPE: every HPy type is subclassable"
)
def test_mult_is_final():
    with pytest.raises(TypeError):

        class Sub(k.Mult):
            pass


def test_xorcodec():
    c = k.XorCodec(7)
    assert c.key == 7
    assert repr(c) == "XorCodec(key=7)"
    assert k.XorCodec(key=0).key == 0
    assert k.XorCodec(255).key == 255


@pytest.mark.parametrize("bad", [-1, 256, 2**70])
def test_xorcodec_key_range(bad):
    with pytest.raises((ValueError, OverflowError)):
        k.XorCodec(bad)


@pytest.mark.parametrize("bad", [1.0, "1", None, b"\x01"])
def test_xorcodec_key_type(bad):
    with pytest.raises(TypeError):
        k.XorCodec(bad)


def test_many_instances_are_freed():
    for i in range(2000):
        k.Mult(i)(2)
        k.XorCodec(i % 256)
    gc.collect()


def test_types_and_docs():
    assert isinstance(k.Mult(1), k.Mult)
    assert k.Mult.__doc__ and k.XorCodec.__doc__
    assert type(k.Mult(1)).__name__ == "Mult"
