"""Special methods that fill type slots (oxhpy-macros/src/slots.rs): __len__, __getitem__, __contains__,
__bool__, __hash__ and rich comparison, on the test extension's Bag and Weird classes."""

import operator

import oxhpy_testext as t
import pytest


def test_len_getitem_contains():
    b = t.Bag([1, 2, 3])
    assert len(b) == 3 and len(t.Bag([])) == 0
    assert (b[0], b[2], b[-1], b[-3]) == (1, 3, 3, 1)
    with pytest.raises(IndexError, match="Bag index out of range"):
        b[3]
    with pytest.raises(TypeError, match="argument 'index'"):
        b["x"]
    assert 2 in b and 5 not in b
    with pytest.raises(TypeError, match="argument 'item'"):
        operator.contains(b, "x")


def test_bool_comes_before_len():
    assert not t.Bag([0, 0]) and len(t.Bag([0, 0])) == 2
    assert t.Bag([0, 1])
    assert not t.Bag([])


def test_hash():
    assert hash(t.Bag([1, 2])) == hash(t.Bag([1, 2]))
    assert hash(t.Bag([1, 2])) != hash(t.Bag([2, 1]))
    d = {t.Bag([1]): "one"}
    assert d[t.Bag([1])] == "one"
    assert hash(t.Weird(0)) == -2  # -1 is the slot's error value


def test_rich_comparison():
    a, b = t.Bag([1, 2]), t.Bag([1, 3])
    assert a == t.Bag([1, 2]) and not (a == b)
    assert a != b and not (a != t.Bag([1, 2]))
    assert a < b and a <= b and a <= t.Bag([1, 2]) and not (b < a)
    assert b > a and b >= a and not (a > b) and not (a >= b)
    assert sorted([b, a, t.Bag([0])], key=lambda x: x) == [t.Bag([0]), a, b]


def test_comparison_with_another_type_is_not_implemented():
    a = t.Bag([1])
    assert not (a == 1) and a != 1 and a != "x"
    with pytest.raises(TypeError):
        operator.lt(a, 1)
    with pytest.raises(TypeError):
        operator.ge(1, a)
    w = t.Weird(3)
    assert w == 3 and 3 == w and not (w == 4) and w != 4
    assert not (w == "3")
    with pytest.raises(TypeError):
        operator.lt(w, 3)  # Weird has no __lt__


def test_errors_propagate():
    w = t.Weird(0)
    with pytest.raises(ValueError, match="Weird has no length"):
        len(w)
    with pytest.raises(ValueError, match="Weird has no truth"):
        bool(w)
    with pytest.raises(OverflowError):
        len(t.Weird(1))
    assert bool(t.Weird(1))
    assert w["k"] == "k!0"


def test_special_methods_are_not_plain_attributes_on_the_instance():
    b = t.Bag([1])
    assert type(b).__len__(b) == 1
    assert type(b).__getitem__(b, 0) == 1
    assert type(b).__eq__(b, t.Bag([1])) is True
