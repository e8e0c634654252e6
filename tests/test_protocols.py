"""Special methods that fill type slots (oxhpy-macros/src/slots.rs): __len__, __getitem__, __contains__,
__bool__, __hash__, rich comparison, __setitem__/__delitem__, on the test extension's classes (Bag, Weird,
Store, SetOnly, DelOnly). Where a pure-Python class with the same special methods exists below, the tests
run on both and expect the same results and exception types."""

import operator
import sys

import oxhpy_testext as t
import pytest

PYPY = sys.implementation.name == "pypy"


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


class PyStore:
    """Store in pure Python."""

    def __init__(self):
        self.items = {}

    def __getitem__(self, key):
        if not isinstance(key, str):
            raise TypeError("argument 'key': expected str")
        return self.items[key]

    def __setitem__(self, key, value):
        if not isinstance(key, str) or not isinstance(value, int):
            raise TypeError("argument 'key' or 'value': wrong type")
        self.items[key] = value

    def __delitem__(self, key):
        if not isinstance(key, str):
            raise TypeError("argument 'key': expected str")
        del self.items[key]

    def __len__(self):
        return len(self.items)

    def keys(self):
        return sorted(self.items)


@pytest.mark.parametrize("cls", [t.Store, PyStore])
def test_setitem_delitem(cls):
    s = cls()
    s["b"] = 2
    s["a"] = 1
    s["b"] = 3
    assert (len(s), s["a"], s["b"], s.keys()) == (2, 1, 3, ["a", "b"])
    del s["a"]
    assert (len(s), s.keys()) == (1, ["b"])
    with pytest.raises(KeyError, match="a"):
        del s["a"]
    with pytest.raises(KeyError):
        s["a"]
    with pytest.raises(TypeError):
        s[1] = 1
    with pytest.raises(TypeError):
        s["x"] = "not an int"
    with pytest.raises(TypeError):
        del s[1]
    assert s.keys() == ["b"]
    # Through the type's slot wrappers, as Python code calls them.
    type(s).__setitem__(s, "c", 4)
    type(s).__delitem__(s, "b")
    assert s.keys() == ["c"]


def test_setitem_errors_name_the_argument():
    s = t.Store()
    with pytest.raises(TypeError, match="argument 'key'"):
        s[1] = 1
    with pytest.raises(TypeError, match="argument 'value'"):
        s["x"] = "y"
    with pytest.raises(TypeError, match="argument 'key'"):
        del s[1]


class PySetOnly:
    def __setitem__(self, key, value):
        pass


class PyDelOnly:
    def __delitem__(self, key):
        pass


def test_only_setitem_or_only_delitem():
    s = t.SetOnly()
    s[1] = "x"  # __setitem__(self, value, key): its parameters named the other way round
    assert s.last() == (1, "x")
    with pytest.raises(TypeError, match="'SetOnly' object does not support item deletion"):
        del s[1]
    d = t.DelOnly()
    del d[1]
    del d[2]
    assert d.deleted() == 2
    with pytest.raises(TypeError, match="'DelOnly' object does not support item assignment"):
        d[1] = 2
    with pytest.raises(TypeError):
        d["x"] = 2
    # Like every type without it, in C or Rust: TypeError. A pure-Python class raises TypeError on PyPy,
    # but AttributeError('__delitem__') on CPython (its slot looks the missing method up by name).
    missing = TypeError if PYPY else AttributeError
    with pytest.raises(missing):
        del PySetOnly()[1]
    with pytest.raises(missing):
        PyDelOnly()[1] = 2
