"""`oxhpy::Field`: references held by an object's payload, used through their owner.

A Field may only be used through the object that holds it (`slf: PyRef<'_, Self>` in a method):
`store`/`load`/`clear` with another owner, or on a Field that no object holds, raise ValueError
and leave it empty. The GC sees what the fields hold: cycles through them are collected, and
what they hold stays alive and correct across collections (PyPy's GC moves objects).
"""

import gc
import sys
import weakref

import oxhpy_testext as t
import pytest
from conftest import collect_until

PYPY = sys.implementation.name == "pypy"
GRAALPY = sys.implementation.name == "graalpy"


class Box:
    """A Python object that can refer back to a node (and be weakly referenced)."""

    def __init__(self, value=None):
        self.value = value
        self.node = None


def test_method_stores_and_loads_through_its_object():
    node = t.Node("a")
    assert node.item is None
    box = Box(1)
    assert node.set_item(box) is None
    assert node.item is box
    assert t.node_get_item(node) is box
    node.clear_item()
    assert node.item is None and t.node_get_item(node) is None
    t.node_set_item(node, box)
    assert node.item is box


def test_pyref_carries_its_object():
    node = t.Node("a")
    assert node.me() is node


def test_store_with_another_owner_is_refused():
    a, b, box = t.Node("a"), t.Node("b"), Box()
    with pytest.raises(ValueError, match="not a member of the given Node object"):
        t.node_store_with_owner(a, b, box)
    assert a.item is None and b.item is None
    t.node_store_with_owner(a, a, box)
    assert a.item is box and b.item is None


def test_load_with_another_owner_is_refused():
    a, b, box = t.Node("a"), t.Node("b"), Box()
    a.set_item(box)
    with pytest.raises(ValueError, match="Field::load: this Field is not a member"):
        t.node_load_with_owner(a, b)
    assert t.node_load_with_owner(a, a) is box


@pytest.mark.parametrize("where", ["thread_local", "local", "detached"])
def test_field_outside_an_object_is_refused(where):
    node, box = t.Node("a"), Box()
    with pytest.raises(ValueError, match="Field::store: this Field is not a member"):
        t.store_in_loose_field(node, box, where)
    assert node.item is None


def test_field_of_a_nested_value_is_refused():
    """A class holding another class's value: the inner Field is not one the outer traverses."""
    with pytest.raises(ValueError, match="not a member of the given Outer object"):
        t.Outer().store_nested(Box())


def test_frozen_class_with_two_fields():
    p, q = t.Pair(), t.Pair()
    a, b = Box("a"), Box("b")
    assert p.get() == (None, None)
    assert p.set(a, b) == 1
    assert p.set(b, a) == 2  # mutable state of a frozen class: an atomic
    assert p.get() == (b, a)
    with pytest.raises(ValueError, match="not a member of the given Pair object"):
        p.store_into_other(q, a)
    assert q.get() == (None, None)


def test_cycle_through_a_field_is_collected():
    node, box = t.Node("cycle"), Box()
    node.set_item(box)
    box.node = node  # node -> box -> node: only the GC can free it
    dead = weakref.ref(box)
    del node, box
    assert collect_until(lambda: dead() is None)


def test_self_cycle_of_a_pair_is_collected():
    p, box = t.Pair(), Box()
    p.set(p, box)
    dead = weakref.ref(box)
    del p, box
    assert collect_until(lambda: dead() is None)


def test_what_a_field_holds_dies_with_its_owner():
    node, box = t.Node("owner"), Box()
    node.set_item(box)
    dead = weakref.ref(box)
    del box
    gc.collect()
    assert dead() is not None and node.item.node is None
    del node
    assert collect_until(lambda: dead() is None)


def test_what_fields_hold_survives_many_collections():
    """Each node holds a fresh object only through its field; PyPy's GC moves young objects, so a
    field the GC did not see would dangle after a collection."""
    nodes = [t.Node(f"n{i}") for i in range(500)]
    for i, n in enumerate(nodes):
        n.set_item(Box([i, str(i)]))
    pairs = [t.Pair() for _ in range(200)]
    for i, p in enumerate(pairs):
        p.set(Box(i), [i] * 3)
    for round_ in range(10):
        garbage = [[object()] * 10 for _ in range(2000)]
        del garbage
        gc.collect()
        for i, n in enumerate(nodes):
            assert n.item.value == [i, str(i)], round_
        for i, p in enumerate(pairs):
            first, second = p.get()
            assert first.value == i and second == [i] * 3, round_


def revive_all(into):
    """Appends every `Leaky` that `leaky_revive` makes to `into`; returns `into`."""
    while (r := t.leaky_revive()) is not None:
        into.append(r)
    return into


def test_field_moved_out_by_drop_is_empty():
    """`Drop` has `&mut self`: a field it moves out (here into a new object) must be empty, not a
    reference that no traverse reports any more (PyPy's GC may have freed or moved its object)."""
    for _ in range(3):
        leaky = [t.Leaky() for _ in range(100)]
        for i, x in enumerate(leaky):
            x.set_item(Box(i))
        del leaky, x
        revived = []
        collect_until(lambda into=revived: revive_all(into))
        if not revived and GRAALPY:
            pytest.skip("GraalPy 24.2 runs tp_destroy later or on a thread of its own")
        assert revived and all(r.item is None for r in revived)
        revived.clear()
        gc.collect()
