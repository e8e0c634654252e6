"""HPy_SetCallFunction (one of the 19 members PyPy 3.11 moves): a per-instance call function."""

import sys

import oxhpy_testext as t
import pytest
from conftest import EXPECT_MODE


def test_default_call_function():
    assert t.Caller()(5) == "default 5"
    with pytest.raises(TypeError):
        t.Caller()()


def test_set_call_function_reaches_the_instance():
    a = t.Caller()
    t.set_special_call(a)
    assert a(1, 2, 3) == "special with 3 args"
    assert a() == "special with 0 args"


@pytest.mark.xfail(
    sys.implementation.name == "pypy",
    strict=True,
    reason="PyPy 3.11's HPy_SetCallFunction changes the call function of every instance of the type",
)
def test_other_instances_keep_the_default():
    a, b = t.Caller(), t.Caller()
    t.set_special_call(a)
    assert b(7) == "default 7"


def test_set_call_function_checks_its_argument():
    with pytest.raises(TypeError):
        t.set_special_call(object())


@pytest.mark.skipif(EXPECT_MODE != "trace", reason="trace mode only")
def test_set_call_function_is_traced():
    import hpy.trace

    before = hpy.trace.get_call_counts()["ctx_SetCallFunction"]
    t.set_special_call(t.Caller())
    assert hpy.trace.get_call_counts()["ctx_SetCallFunction"] == before + 1
