"""What a class has besides instance methods (tests/ext/src/class_items.rs): `#[staticmethod]`,
`#[classmethod]`, `#[classattr]` (on a function or a `const`), the `#[oxhpy(get)]` /
`#[oxhpy(get, set)]` shorthands of struct members, and methods that return the object itself.

HPy 0.9 has no static or class methods: oxhpy defines them as methods bound to a placeholder instance
(never initialised) and wraps them with the built-in `staticmethod`/`classmethod` once the type exists.
"""

import gc
import inspect
import sys

import oxhpy_testext as t
import pytest
from conftest import GRAALPY, NESTED_HPY_CALLS, PYPY

CPYTHON = not (PYPY or GRAALPY)
T = t.Temp

# Instances of Python subclasses of HPy types work on CPython only (see test_types.py).
NO_SUBCLASS_INSTANCES = pytest.mark.xfail(
    PYPY or GRAALPY, raises=TypeError, strict=True, reason="no instances of Python subclasses of HPy types"
)


class Sub(T):
    """A Python subclass: class methods receive it."""


# --- Static methods -----------------------------------------------------------------------------------


def test_static_methods_are_called_on_the_class_and_on_instances():
    assert T.f_to_c(212) == 100.0
    assert T(5).f_to_c(32) == 0.0
    assert Sub.f_to_c(50) == 10.0
    assert T.unit() == "°C"
    assert T.double(21) == 42
    assert T.add(1) == (T(0).context(), 11)  # the context methods get
    assert T.add(1, 2)[1] == 3
    p = T.parse(" 21.5 ")
    assert type(p) is T and p.celsius == 21.5
    assert type(Sub.parse("1")) is T  # a static method knows no class


def test_static_methods_are_staticmethods():
    for name in ("f_to_c", "unit", "double", "add", "parse"):
        assert isinstance(T.__dict__[name], staticmethod), name
    assert "parse_celsius" not in T.__dict__  # renamed


def test_static_method_bad_calls():
    with pytest.raises(TypeError, match=r"^Temp\.f_to_c\(\) missing 1 required positional argument: 'f'$"):
        T.f_to_c()
    with pytest.raises(TypeError, match="argument 'f': expected float, got str"):
        T.f_to_c("hot")
    with pytest.raises(TypeError):
        T.f_to_c(1, 2)
    with pytest.raises(TypeError):
        T.double(x=1)  # sig = "o": positional only
    with pytest.raises(TypeError):
        T.unit(1)
    with pytest.raises(OverflowError, match="too big"):
        T.double(2**62)
    with pytest.raises(ValueError, match="not a temperature"):
        T.parse("hot")


def test_static_method_docs():
    assert T.f_to_c.__doc__.endswith("Converts degrees Fahrenheit to Celsius.")
    assert T.__dict__["f_to_c"].__func__.__doc__.endswith("Converts degrees Fahrenheit to Celsius.")
    if sys.version_info >= (3, 10):  # 3.9's staticmethod objects have staticmethod's own __doc__
        assert T.__dict__["f_to_c"].__doc__.endswith("Converts degrees Fahrenheit to Celsius.")


@pytest.mark.skipif(PYPY, reason="PyPy 3.11's HPy methods have no __name__")
def test_static_method_names():
    assert T.f_to_c.__name__ == "f_to_c"
    assert T.parse.__name__ == "parse"


@pytest.mark.skipif(not CPYTHON, reason="inspect.signature of builtins is CPython's")
def test_static_and_class_method_signatures():
    assert str(inspect.signature(T.f_to_c)) == "(f)"
    assert str(inspect.signature(T.unit)) == "()"
    assert str(inspect.signature(T.double)) == "(x, /)"
    assert str(inspect.signature(T.add)) == "(a, b=10, /)"
    assert str(inspect.signature(T.from_fahrenheit)) == "(f)"
    assert str(inspect.signature(T.class_name)) == "()"
    assert str(inspect.signature(T.describe)) == "(n=1)"
    assert str(inspect.signature(Sub.fail)) == "(msg)"
    assert T.f_to_c.__qualname__ == "Temp.f_to_c"
    assert T.from_fahrenheit.__qualname__ == "Temp.from_fahrenheit"


def test_the_placeholder_cannot_be_used():
    """The instance static and class methods are bound to was never initialised: it refuses every
    method (it is only reachable through `__self__`, where the interpreter exposes it)."""
    bound = T.__dict__["f_to_c"].__func__
    placeholder = getattr(bound, "__self__", None)
    if placeholder is None or not isinstance(placeholder, T):
        pytest.skip(f"{type(bound)} does not expose the object it is bound to")
    assert T.__dict__["describe"].__func__.__self__ is placeholder  # one per class
    with pytest.raises(TypeError, match="not initialised"):
        placeholder.secret()
    with pytest.raises(TypeError, match="not initialised"):
        placeholder.warm(1)
    assert T.f_to_c(212) == 100.0


def test_the_placeholder_refuses_getters():
    placeholder = T.__dict__["f_to_c"].__func__.__self__
    with pytest.raises(TypeError, match="not initialised"):
        _ = placeholder.celsius


def test_getter_error():
    x = T(1)
    with pytest.raises(ValueError, match="broken getter"):
        _ = x.broken
    assert x.celsius == 1.0


# --- Class methods ------------------------------------------------------------------------------------


@NESTED_HPY_CALLS
def test_class_method_creates_through_the_class():
    x = T.from_fahrenheit(212)
    assert type(x) is T and x.celsius == 100.0
    assert T(0).from_fahrenheit(32).celsius == 0.0


@NESTED_HPY_CALLS
@NO_SUBCLASS_INSTANCES
def test_class_method_of_a_subclass_gets_the_subclass():
    x = Sub.from_fahrenheit(212)
    assert type(x) is Sub and x.celsius == 100.0
    assert x.class_name() == "Sub"


def test_class_methods_take_a_typed_class():
    assert T.lineage() == ("Temp", "Temp", True, True)
    assert T(1).lineage() == ("Temp", "Temp", True, True)
    assert Sub.lineage() == ("Sub", Sub.__qualname__, False, True)
    assert isinstance(T.__dict__["lineage"], classmethod)


@NESTED_HPY_CALLS
def test_class_method_with_an_owned_typed_class():
    x = T.from_kelvin(373.15)
    assert type(x) is T and abs(x.celsius - 100.0) < 1e-9


def test_class_methods_receive_the_class():
    assert T.class_name() == "Temp"
    assert Sub.class_name() == "Sub"
    assert T(1).class_name() == "Temp"
    cls, n, name = T.describe()
    assert cls is T and n == 1 and name == T(0).context()
    assert Sub.describe(5)[:2] == (Sub, 5)
    assert Sub.describe(n=7)[:2] == (Sub, 7)
    assert isinstance(T.__dict__["describe"], classmethod)
    assert isinstance(T.__dict__["fail"], classmethod)


def test_class_method_errors():
    with pytest.raises(ValueError, match="^Sub: boom$"):
        Sub.fail("boom")
    with pytest.raises(
        TypeError, match=r"^Temp\.describe\(\) takes from 1 to 2 positional arguments but 3 were given$"
    ):
        T.describe(1, 2)
    with pytest.raises(TypeError, match="unexpected keyword argument 'm'"):
        T.describe(m=1)
    with pytest.raises(TypeError, match="argument 'n': expected int, got str"):
        T.describe("1")
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'msg'$"):
        T.fail()


def test_class_method_without_the_class():
    """The function under the classmethod, called without any argument: a TypeError, not a crash."""
    with pytest.raises(TypeError, match=r"Temp.from_fahrenheit\(\) takes the class as its first argument"):
        T.__dict__["from_fahrenheit"].__func__()


# --- Class attributes ---------------------------------------------------------------------------------


def test_class_attributes():
    assert T.FREEZING == 0.0
    assert T.BOILING == 100.0
    assert not hasattr(T, "BOILING_POINT")
    assert not hasattr(T, "SECRET")  # a plain associated constant
    assert T(1).secret() == 7
    assert T.UNITS == frozenset({"C", "F", "K"})
    assert Sub.UNITS is T.UNITS
    assert T(3).FREEZING == 0.0


def test_class_attribute_of_the_class_itself():
    zero = T.ABSOLUTE_ZERO
    assert type(zero) is T and zero.celsius == -273.15
    assert T.ABSOLUTE_ZERO is zero  # computed once


def test_class_attribute_of_another_class():
    assert type(t.Point.ROOM) is T and t.Point.ROOM.celsius == 20.0


def test_class_with_the_gc():
    """Static and class methods of a class with Fields (GC): its placeholder is traversed and collected
    like any instance."""
    assert t.Holder.kind() == "holder"
    gc.collect()
    assert t.Holder(1).kind() == "holder"


@NESTED_HPY_CALLS
def test_class_method_of_a_class_with_the_gc():
    h = t.Holder.make(5)
    assert type(h) is t.Holder and h.id == 5


def test_class_attributes_are_computed_once():
    assert T.COMPUTED == 1
    assert T.COMPUTED == 1


def test_class_attributes_can_be_replaced():
    """Ordinary class attributes: Python code may set them (the type is a heap type)."""
    old = T.FREEZING
    try:
        T.FREEZING = -1.0
        assert T(0).FREEZING == -1.0
    finally:
        T.FREEZING = old
    assert T.FREEZING == 0.0


# --- Returning self -----------------------------------------------------------------------------------


def test_methods_return_self():
    x = T(10)
    assert x.warm(1).warm(2) is x
    assert x.celsius == 13.0
    assert x.itself() is x
    assert x.if_liquid() is x
    assert T(-1).if_liquid() is None
    a, b = x.pair(5)
    assert a is x and b == 5
    assert x.is_same(x)
    assert not x.is_same(T(13))
    assert not x.is_same(13)


@NESTED_HPY_CALLS
def test_returned_self_is_no_longer_borrowed():
    """A method that returned `slf` ended its borrow: a `&mut self` method may run at once."""
    x = T(1)
    assert x.itself_then_warm() is x
    assert x.celsius == 2.0
    assert x.itself().warm(1).itself() is x
    assert x.celsius == 3.0


def test_returned_self_reference_counts():
    x = T(0)
    for _ in range(1000):
        assert x.warm(0) is x
        assert x.itself() is x
    del x
    gc.collect()


# --- Member shorthands: #[oxhpy(get)] and #[oxhpy(get, set)] ------------------------------------------


def test_get_set_members():
    p = t.Point(1.0, 2.0, "a")
    assert (p.x, p.y, p.label, p.tags, p.maybe, p.small) == (1.0, 2.0, "a", [], None, 0)
    p.x = 5.5
    p.y = -1
    p.tags = ["u", "v"]
    p.maybe = 3
    p.small = 255
    assert (p.x, p.y, p.tags, p.maybe, p.small) == (5.5, -1.0, ["u", "v"], 3, 255)
    assert p.total() == 4.5  # the Rust struct changed
    p.maybe = None
    assert p.maybe is None
    assert p.hidden() == 42
    assert not hasattr(p, "hidden_") and not hasattr(p, "tag_list")


def test_get_returns_a_copy():
    p = t.Point(0, 0)
    p.tags = ["a"]
    tags = p.tags
    tags.append("b")
    assert p.tags == ["a"]


def test_get_set_docs():
    assert t.Point.x.__doc__ == "The x coordinate."
    assert t.Point.label.__doc__ == "Read-only."
    assert t.Holder.item.__doc__.startswith("Any object")


def test_set_converts_or_raises():
    p = t.Point(1, 2)
    with pytest.raises(TypeError, match="argument 'x': expected float, got str"):
        p.x = "1"
    with pytest.raises(OverflowError):
        p.small = 256
    with pytest.raises(TypeError, match="argument 'tags'"):
        p.tags = [1]
    assert (p.x, p.small, p.tags) == (1.0, 0, [])


def test_get_only_member_is_read_only():
    p = t.Point(1, 2, "fixed")
    with pytest.raises(AttributeError, match="attribute 'label' of 'Point' objects is not writable"):
        p.label = "other"
    assert p.label == "fixed"


def test_properties_are_data_descriptors():
    """On PyPy 3.11 a property is a built-in `property` of hidden methods (its HPy getset descriptors
    lose errors: README, Compatibility); the hidden names are gone and it behaves as elsewhere."""
    for cls in (t.Point, T, t.Holder):
        assert [n for n in dir(cls) if n.startswith("__oxhpy_")] == []
    d = t.Point.__dict__["x"]
    assert all(hasattr(d, m) for m in ("__get__", "__set__", "__delete__"))
    assert d.__doc__ == "The x coordinate."
    p = t.Point(1, 2)
    assert d.__get__(p, t.Point) == 1.0
    d.__set__(p, 3)
    assert p.x == 3.0
    with pytest.raises(TypeError):
        d.__get__(5, int)


def test_members_cannot_be_deleted():
    """Deleting a property is refused everywhere: by oxhpy on CPython and PyPy (TypeError, as for a
    #[setter]) and by GraalPy 24.2 itself (TypeError: "can't delete Point.x"; it does not call the
    setter)."""
    p = t.Point(1, 2, "fixed")
    h = t.Holder(7)
    h.item = [1]
    for obj, name in ((p, "x"), (h, "item")):
        with pytest.raises(TypeError, match="delete"):
            delattr(obj, name)
    # GraalPy 24.2 raises TypeError deleting a read-only HPy property (README, Compatibility).
    with pytest.raises((TypeError, AttributeError) if GRAALPY else AttributeError):
        del p.label
    assert (p.x, p.label, h.item) == (1.0, "fixed", [1])


def test_tuple_struct_members():
    a = t.TwoInts(1, 2)
    assert (a.first, a.second) == (1, 2)
    a.first = 10
    assert a.first == 10


def test_tuple_struct_read_only_member():
    a = t.TwoInts(1, 2)
    with pytest.raises(AttributeError, match="not writable"):
        a.second = 3
    assert a.second == 2


def test_frozen_class_field_member():
    """A frozen class (it holds a Field): `get` on a plain member, `get, set` on the Field itself,
    which is stored through the object (no exclusive borrow)."""
    h = t.Holder(7)
    assert h.id == 7 and h.item is None
    box = [1, 2]
    h.item = box
    assert h.item is box and h.load() is box
    h.item = h  # a cycle through the field
    assert h.item is h and h.load() is h
    h.item = box
    del h
    gc.collect()
    assert box == [1, 2]


def test_frozen_class_plain_member_is_read_only():
    h = t.Holder(7)
    with pytest.raises(AttributeError, match="not writable"):
        h.id = 8
    assert h.id == 7


@NESTED_HPY_CALLS
def test_set_while_borrowed_raises():
    """Setting a member while a method holds the object borrowed: RuntimeError, never aliasing."""
    p = t.Point(1, 2)

    def set_x():
        p.x = 9

    with pytest.raises(RuntimeError, match="Point object is already borrowed"):
        p.call_borrowed(set_x)
    assert p.x == 1.0
    p.x = 9
    assert p.x == 9.0
