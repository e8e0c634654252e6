"""Rust classes that extend Rust classes: `#[oxhpy::class(extends = Base)]`.

An instance of a subclass holds its base's value first, then its own: the base's methods,
properties and slots borrow it as a base (one borrow flag for both views), Rust reaches the base's
part through `as_super()`, its constructor returns `(Self, Base)`, and it is dropped once, every part.
"""

import gc
import sys

import oxhpy_testext as t
import pytest
from conftest import NESTED_HPY_CALLS, PYPY, collect_until, settled

CPYTHON = sys.implementation.name == "cpython"


def test_types_derive_as_declared():
    assert issubclass(t.Sub, t.Base) and issubclass(t.Leaf, t.Sub) and issubclass(t.Leaf, t.Base)
    assert t.Sub.__mro__[:3] == (t.Sub, t.Base, object)
    assert t.Leaf.__mro__[:4] == (t.Leaf, t.Sub, t.Base, object)
    assert issubclass(t.Tagged, t.Keeper) and issubclass(t.KeeperPair, t.Keeper)
    s = t.Sub(3, "x")
    assert isinstance(s, t.Sub) and isinstance(s, t.Base)
    assert type(s) is t.Sub
    if CPYTHON:  # each instance holds its base's value, then its own
        assert t.Base.__basicsize__ < t.Sub.__basicsize__ < t.Leaf.__basicsize__


def test_base_methods_properties_and_slots_work_on_a_subclass_instance():
    s = t.Sub(3, "x")
    assert s.value == 3 and s.extra == "x"
    assert s.describe() == "value 3"
    s.add(4)
    assert s.value == 7
    s.value = 10
    assert s.value == 10 and s.extra == "x"
    assert repr(s) == "Sub(10)"  # Base's __repr__, with the subclass's name
    assert t.Base.describe(s) == "value 10"


def test_overridden_methods_win_and_super_reaches_the_base():
    s = t.Sub(1, "x")
    assert s.name() == "sub"
    assert t.Base(1).name() == "base"
    assert super(t.Sub, s).name() == "base"
    assert t.Base.name(s) == "base"
    assert s.base_name() == "base"  # Rust: slf.as_super().name()
    leaf = t.Leaf(1, "y", 2)
    assert leaf.name() == "sub" and super(t.Sub, leaf).name() == "base"
    assert repr(leaf) == "Leaf at depth 2"
    assert super(t.Leaf, leaf).__repr__() == "Leaf(1)"


def test_as_super_and_into_super():
    s = t.Sub(5, "e")
    assert s.base_value() == 5
    assert s.describe_as_base() == "value 5 (Sub)"
    assert s.bump(2) == 7 and s.value == 7 and s.extra == "e+"
    s.set_extra("f")
    assert s.extra == "f" and s.value == 7


def test_three_levels():
    leaf = t.Leaf(4, "mid", 9)
    assert leaf.parts() == (9, "mid", 4)
    assert leaf.value == 4 and leaf.extra == "mid" and leaf.base_value() == 4
    leaf.bump(1)
    assert leaf.parts() == (9, "mid+", 5)
    assert t.base_value_of(leaf) == 5


def test_base_parameters_accept_subclass_instances():
    assert t.base_value_of(t.Base(1)) == 1
    assert t.base_value_of(t.Sub(2, "")) == 2
    assert t.base_or_sub(t.Base(1)) == (True, False)
    assert t.base_or_sub(t.Sub(1, "")) == (True, True)
    assert t.base_or_sub(t.Leaf(1, "", 1)) == (True, True)
    assert t.base_or_sub(1) == (False, False)
    with pytest.raises(TypeError):
        t.base_value_of(t.Keeper())
    with pytest.raises(TypeError):
        t.Sub.name(t.Base(1))  # a Base is not a Sub


def test_made_in_rust():
    s = t.make_sub(6, "r")
    assert type(s) is t.Sub and s.value == 6 and s.extra == "r"
    leaf = t.make_leaf(3)
    assert leaf.parts() == (3, "made", -1)


@NESTED_HPY_CALLS  # the callbacks call methods of the object
def test_one_borrow_flag_for_both_views():
    s = t.Sub(1, "x")
    # Borrowed mutably as a Sub: no borrow as a Base, shared or not.
    with pytest.raises(RuntimeError, match="Base object is being modified"):
        s.sub_exclusive(lambda: s.value)
    with pytest.raises(RuntimeError, match="Base object is being modified"):
        s.sub_exclusive(lambda: s.add(1))
    # Borrowed mutably as a Base: no borrow as a Sub.
    with pytest.raises(RuntimeError, match="Sub object is being modified"):
        s.with_exclusive(lambda: s.extra)
    # Shared as a Base: shared as a Sub is fine, mutable is not.
    assert s.with_shared(lambda: s.extra) == "x"
    with pytest.raises(RuntimeError, match="Sub object is already borrowed"):
        s.with_shared(lambda: s.set_extra("y"))
    with pytest.raises(RuntimeError, match="Base object is already borrowed"):
        s.sub_shared(lambda: s.add(1))
    assert s.sub_shared(lambda: s.value) == 1
    # Every borrow ended.
    s.add(1)
    s.set_extra("z")
    assert (s.value, s.extra) == (2, "z")


def test_a_subclass_without_new_is_not_made_by_its_base_constructor():
    with pytest.raises(TypeError, match="cannot create a 'NoNew' object with the constructor of 'Base'"):
        t.NoNew(1)
    with pytest.raises(TypeError):
        t.Base.__new__(t.Sub, 1)
    assert t.Base.__new__(t.Base, 2).value == 2


def test_every_part_is_dropped_once():
    before = settled(t.inheritance_drops)
    s = t.Sub(1, "x")
    leaf = t.Leaf(1, "y", 1)
    b = t.Base(1)
    del s, leaf, b
    expected = (before[0] + 3, before[1] + 2, before[2] + 1, before[3], before[4])
    assert collect_until(lambda: t.inheritance_drops() == expected), (t.inheritance_drops(), expected)
    gc.collect()
    assert t.inheritance_drops() == expected


def test_frozen_base_with_a_mutable_subclass():
    before = settled(t.inheritance_drops)
    tg = t.Tagged("a")
    tg.set_tag("b")
    assert tg.tag == "b" and tg.item is None
    box = [tg]
    tg.set_item(box)  # a cycle through the base's field
    assert tg.item is box and tg.item_via_super() is box
    tg.set_tag("c")
    assert tg.tag == "c" and tg.item is box
    del tg, box
    expected = (before[0], before[1], before[2], before[3] + 1, before[4] + 1)
    assert collect_until(lambda: t.inheritance_drops() == expected), (t.inheritance_drops(), expected)


def test_traverse_visits_the_fields_of_every_part():
    before = settled(t.inheritance_drops)[3]
    p = t.KeeperPair()
    a, b = [p], {"p": p}
    p.set_item(a)
    p.set_other(b)
    gc.collect()
    assert p.item is a and p.other is b and p.item[0] is p
    with pytest.raises(ValueError, match="not a member of the given KeeperPair object"):
        p.item_with_wrong_owner()
    del p, a, b
    assert collect_until(lambda: t.inheritance_drops()[3] == before + 1)


def test_many_instances_are_freed():
    before = settled(t.inheritance_drops)
    for i in range(500):
        t.Leaf(i, "x", i).parts()
        t.KeeperPair().set_other(i)
    expected = (before[0] + 500, before[1] + 500, before[2] + 500, before[3] + 500, before[4])
    assert collect_until(lambda: t.inheritance_drops() == expected)


@pytest.mark.skipif(not CPYTHON, reason="instances of Python subclasses of HPy types: CPython only")
def test_python_subclass_of_a_rust_subclass():
    class Py(t.Sub):
        def name(self):
            return "py/" + super().name()

        def describe(self):
            return "py " + super().describe()

    p = Py(2, "x")
    assert p.name() == "py/sub" and p.describe() == "py value 2"
    assert p.base_value() == 2 and t.base_value_of(p) == 2 and repr(p) == "Py(2)"
    p.bump(1)
    assert p.value == 3 and p.extra == "x+"


def test_a_subclass_without_call_calls_its_nearest_base_s():
    # On CPython, HPy keeps Callable's call function in a hidden member after its struct, where a
    # CallMid keeps its own part (tag): a subclass gets the base's __call__ in a member of its own.
    assert t.Callable(1)(2) == "Callable: 1 + 2"
    m = t.CallMid(1, 0x41)
    assert callable(m) and m(2) == "CallMid: 1 + 2" and m.tag == 0x41
    leaf = t.CallLeaf(3, 0x41, 0x42)  # Callable -> CallMid -> CallLeaf
    assert leaf(4) == "CallLeaf: 3 + 4" and (leaf.tag, leaf.depth) == (0x41, 0x42)
    assert [t.CallMid(i, i)(i) for i in range(100)] == [f"CallMid: {i} + {i}" for i in range(100)]
    assert t.Callable.__call__(m, 5) == "CallMid: 1 + 5" and type(leaf).__call__(leaf, 6) == "CallLeaf: 3 + 6"
    with pytest.raises(TypeError):
        m()
    with pytest.raises(TypeError):
        leaf("x")


def test_a_subclass_s_own_call_wins():
    own = t.CallOwn(1, 3)
    assert own(2) == "own: 3 * 2 + 1"
    leaf = t.CallOwnLeaf(4, 5)  # CallOwn's __call__, not Callable's
    assert leaf(2) == "own: 5 * 2 + 4"
    # The base's __call__ named explicitly: PyPy calls it; CPython's and GraalPy's HPy keep one call
    # function per instance (HPy_SetCallFunction), which the base's slot calls: the instance's own.
    base_call = ("CallOwn: 1 + 2", "CallOwnLeaf: 4 + 2") if PYPY else ("own: 3 * 2 + 1", "own: 5 * 2 + 4")
    assert (super(t.CallOwn, own).__call__(2), t.Callable.__call__(leaf, 2)) == base_call
    assert t.Callable.__call__(own, 2) == base_call[0]


@pytest.mark.skipif(not CPYTHON, reason="instances of Python subclasses of HPy types: CPython only")
def test_python_subclass_of_a_callable_rust_subclass():
    class Py(t.CallMid):
        pass

    class PyCall(t.CallMid):
        def __call__(self, x):
            return "py " + super().__call__(x)

    # HPy sets the call function of an instance only when its type has Py_TPFLAGS_HAVE_VECTORCALL,
    # which a Python class that defines __call__ never has: its base's __call__ finds none (CPython
    # 3.9 to 3.13 alike; a TypeError, nothing is called).
    with pytest.raises(TypeError, match="does not support vectorcall"):
        PyCall(1, 2)(3)
    if sys.version_info >= (3, 12):
        assert Py(1, 2)(3) == "Py: 1 + 3"
    else:  # before 3.12, CPython does not pass Py_TPFLAGS_HAVE_VECTORCALL on to Python subclasses
        with pytest.raises(TypeError, match="does not support vectorcall"):
            Py(1, 2)(3)


def test_classes_with_nothing_or_little_of_their_own():
    assert t.Empty(3).value == 3 and t.Empty(3).describe() == "value 3" and repr(t.Empty(4)) == "Empty(4)"
    assert (t.SmallByte(1, 200).n, t.SmallByte(1, 200).b) == (1, 200)
    assert (t.SmallFlag(2, True).n, t.SmallFlag(2, True).flag) == (2, True)


def rust_subclasses():
    """Every class of the test extension that extends another of its classes."""
    native = t.Base.__module__
    return [
        c
        for c in vars(t).values()
        if isinstance(c, type)
        and c.__module__ == native
        and not issubclass(c, BaseException)
        and c.__base__.__module__ == native
    ]


@pytest.mark.skipif(not CPYTHON, reason="PyPy's and GraalPy's __basicsize__ say nothing of an HPy struct")
def test_every_subclass_is_larger_than_its_base():
    # Zero-sized (Empty), fitting in the base's padding (SmallByte, SmallFlag) or callable (HPy's
    # hidden call-function member: CallOwn, CallMid, ...): each is padded to be larger.
    subclasses = rust_subclasses()
    assert {t.Empty, t.SmallByte, t.SmallFlag, t.CallMid, t.CallLeaf, t.CallOwn, t.Leaf} <= set(subclasses)
    for c in subclasses:
        assert c.__basicsize__ > c.__base__.__basicsize__, c


CLASS_SWAPS = {
    "base to zero-sized subclass": (lambda: t.Base(1), t.Empty),
    "zero-sized subclass to base": (lambda: t.Empty(1), t.Base),
    "sibling to sibling of the same size": (lambda: t.SmallByte(1, 2), t.SmallFlag),
    "sibling to sibling, back": (lambda: t.SmallFlag(1, True), t.SmallByte),
    "base to subclass in its padding": (lambda: t.Small(1), t.SmallFlag),
    "callable base to callable subclass": (lambda: t.Callable(1), t.CallOwn),
    "callable subclass to callable base": (lambda: t.CallOwn(1, 2), t.Callable),
    "subclass to base": (lambda: t.Sub(1, "x"), t.Base),
    "base to subclass": (lambda: t.Base(1), t.Sub),
    "unrelated classes": (lambda: t.Base(1), t.Small),
    "to a class with a Field": (lambda: t.Base(1), t.Keeper),
}


@pytest.mark.parametrize("make, cls", CLASS_SWAPS.values(), ids=CLASS_SWAPS.keys())
def test_class_assignment_between_rust_classes_is_refused(make, cls):
    o = make()
    old = type(o)
    if PYPY:
        # PyPy lets any HPy object's __class__ be assigned (an unrelated class's too) and loses an
        # HPy setter's error: oxhpy's __class__ guard ignores the assignment there.
        o.__class__ = cls
    else:
        # CPython: the layouts differ (every subclass is larger than its base); GraalPy, which lets
        # unrelated classes be assigned too: oxhpy's __class__ guard.
        with pytest.raises(TypeError, match="__class__ assignment"):
            o.__class__ = cls
    assert type(o) is old and o.__class__ is old
    with pytest.raises(AttributeError if PYPY else TypeError):
        del o.__class__
    assert type(o) is old


@pytest.mark.skipif(not CPYTHON, reason="instances of Python subclasses of HPy types: CPython only")
def test_python_subclasses_of_one_rust_class_may_swap_classes():
    class A(t.Sub):
        pass

    class B(t.Sub):
        def name(self):
            return "b"

    a = A(1, "x")
    a.__class__ = B  # the same Rust class under both: CPython allows it
    assert type(a) is B and a.name() == "b" and (a.value, a.extra) == (1, "x")

    class PyBase(t.Base):
        pass

    with pytest.raises(TypeError, match="__class__ assignment"):
        a.__class__ = PyBase
    with pytest.raises(TypeError, match="__class__ assignment"):
        a.__class__ = t.Base
