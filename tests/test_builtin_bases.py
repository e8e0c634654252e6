"""Classes that extend `float` and `str`: `#[oxhpy::class(extends = FloatBase)]`, `extends = StrBase`.

The built-in's constructor makes the instance (its value from the call's arguments), then the
class's `#[new]` runs as `__init__` with the same arguments and gives it its Rust value. Only
CPython's HPy runtime lays such objects out (docs/builtin-shapes.md: PyPy 3.11 aborts at the first
struct access, GraalPy 24.2 never destroys them): there the same binary makes each such class a plain
class whose call raises `TypeError` saying why, and these tests check that instead.
"""

import math
import sys

import oxhpy_testext as t
import pytest
from conftest import GRAALPY, PYPY, settled

SHAPES = sys.implementation.name == "cpython"
only_cpython = pytest.mark.skipif(not SHAPES, reason="built-in bases: CPython only (see the module doc)")


@only_cpython
def test_a_float_subclass_is_a_float_with_a_rust_value():
    c = t.Celsius(21.5)
    assert isinstance(c, float) and isinstance(c, t.Celsius)
    assert t.Celsius.__mro__[:3] == (t.Celsius, float, object)
    assert c == 21.5 and float(c) == 21.5 and hash(c) == hash(21.5)
    assert c + 1 == 22.5 and type(c + 1) is float
    assert math.isclose(c.fahrenheit(), 70.7)
    assert c.label == "21.50 °C"
    c.label = "room"
    assert c.label == "room"
    assert f"{c:.1f}" == "21.5" and repr(c) == "21.5"
    assert t.Celsius(-273.15) == -273.15


@only_cpython
def test_float_arguments_go_to_floats_constructor_then_to_new():
    # float() reads the argument first: its own errors come first.
    with pytest.raises(ValueError, match="could not convert string to float"):
        t.Celsius("warm")
    with pytest.raises(TypeError, match="float expected at most 1 argument"):
        t.Celsius(1.0, 2.0)
    # then #[new], as __init__: its conversions and its errors
    with pytest.raises(ValueError, match="below absolute zero"):
        t.Celsius(-300.0)
    with pytest.raises(TypeError, match="degrees"):
        t.Celsius("21.5")  # a float for float(), not an f64 for #[new]
    assert t.Celsius(3) == 3.0  # an int is both


@only_cpython
def test_an_instance_whose_new_did_not_run_refuses_its_methods():
    c = float.__new__(t.Celsius, 5.0)
    assert c == 5.0
    with pytest.raises(TypeError, match="Celsius object is not initialised"):
        c.fahrenheit()
    with pytest.raises(TypeError, match="not initialised"):
        c.label  # noqa: B018
    c.__init__(5.0)  # gives it its value, once
    assert c.label == "5.00 °C"
    with pytest.raises(TypeError, match="Celsius object is already initialised"):
        c.__init__(6.0)
    assert c.label == "5.00 °C" and c == 5.0


@only_cpython
def test_borrows_are_checked_as_for_any_class():
    c = t.Celsius(1.0)

    def reenter():
        with pytest.raises(RuntimeError, match="Celsius object is being modified"):
            c.fahrenheit()
        return 7

    assert c.with_exclusive(reenter) == 7


@only_cpython
def test_a_rust_class_extends_a_float_class():
    k = t.Kelvin(300.0)
    assert isinstance(k, t.Celsius) and isinstance(k, float)
    assert t.Kelvin.__mro__[:4] == (t.Kelvin, t.Celsius, float, object)
    assert k == 300.0
    assert math.isclose(k.celsius(), 26.85)
    assert k.label == "26.85 °C"  # the base's part, from Celsius::new
    assert math.isclose(k.fahrenheit(), 572.0)  # the base's method, on the float value
    with pytest.raises(ValueError, match="below absolute zero"):
        t.Kelvin(-1.0)
    # a subclass without its own #[new] would lack its own part
    with pytest.raises(TypeError, match="'Rankine' has no #\\[new\\] of its own"):
        t.Rankine(1.0)


@only_cpython
def test_a_python_subclass_of_a_float_class():
    class Warm(t.Celsius):
        def double(self):
            return self * 2

    w = Warm(30.0)
    assert w == 30.0 and w.double() == 60.0 and w.label == "30.00 °C"
    assert math.isclose(w.fahrenheit(), 86.0)


@only_cpython
def test_a_str_subclass_is_a_str_with_a_rust_value():
    w = t.Word("héllo wörld")
    assert isinstance(w, str) and t.Word.__mro__[:3] == (t.Word, str, object)
    assert w == "héllo wörld" and hash(w) == hash("héllo wörld") and len(w) == 11
    assert w.chars == 11
    assert w.upper() == "HÉLLO WÖRLD" and type(w.upper()) is str
    assert {w: 1}["héllo wörld"] == 1
    assert w.look_up() == ("héllo wörld", 1) and w.look_up() == ("héllo wörld", 2)
    assert t.Word("").chars == 0
    with pytest.raises(TypeError, match="text"):
        t.Word(b"bytes")  # str(b"...") works, `&str` refuses
    with pytest.raises(TypeError):
        t.Word("a", "b", "c", "d")  # str() takes at most 3


@only_cpython
def test_every_value_is_dropped_once():
    before = settled(t.builtin_drops)
    for i in range(300):
        t.Celsius(float(i))
        t.Kelvin(300.0 + i)
        t.Word(str(i))
    float.__new__(t.Celsius, 1.0)  # never initialised: nothing to drop
    after = settled(t.builtin_drops)
    # a Kelvin drops its Celsius part too
    assert (after[0] - before[0], after[1] - before[1], after[2] - before[2]) == (600, 300, 300)


def test_made_from_rust_is_refused():
    if SHAPES:
        why = "cannot create a Celsius object from Rust: it extends 'float'"
    else:
        why = "Celsius extends the built-in 'float', which HPy on"
    with pytest.raises(TypeError, match=why):
        t.celsius_from_rust()


@pytest.mark.skipif(SHAPES, reason="CPython supports built-in bases")
def test_elsewhere_the_class_refuses_to_be_called():
    interp = "PyPy" if PYPY else "GraalPy"
    assert GRAALPY or PYPY
    for cls, name, builtin in [
        (t.Celsius, "Celsius", "float"),
        (t.Kelvin, "Kelvin", "float"),
        (t.Word, "Word", "str"),
    ]:
        assert not issubclass(cls, (float, str))
        with pytest.raises(
            TypeError, match=f"{name} extends the built-in '{builtin}', which HPy on {interp}"
        ):
            cls(1.0) if builtin == "float" else cls("x")
    with pytest.raises(TypeError):
        t.Rankine(1.0)
    with pytest.raises(TypeError):
        t.Celsius.__new__(t.Celsius)
