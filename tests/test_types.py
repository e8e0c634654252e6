"""What hpy 0.9.0's runtime crashed on with CPython 3.13+ (hpy#493): ordinary use of an HPy type.

hpy 0.9.0 marks its types with tp_flags bit 2, which CPython >= 3.13 reads as
Py_TPFLAGS_INLINE_VALUES; oxhpy-hpy (hpy-runtime/) recognises them otherwise. Each test below
segfaulted there: attribute access on instances, a method called from one call site in a loop
(3.13's specializer), GC types at their first instantiation, Python subclasses.
"""

import gc
import sys

import oxhpy_testext as t
import pytest

import oxhpy_kernels as k

PYPY = sys.implementation.name == "pypy"
GRAALPY = sys.implementation.name == "graalpy"


# PyPy 3.11 and GraalPy 24.2 give every instance of an HPy type a __dict__ (CPython does not): there,
# attributes can be set on it.
INSTANCE_DICT = pytest.mark.xfail(
    PYPY or GRAALPY, strict=True, reason=f"{sys.implementation.name} gives instances of HPy types a __dict__"
)


@INSTANCE_DICT
def test_set_attribute_on_instance_is_refused():
    m = k.Mult(3)
    with pytest.raises(AttributeError):
        m.x = 1
    assert m(2) == 6


def test_delete_a_property():
    m = k.Mult(3)
    # GraalPy 24.2 raises TypeError ("can't delete Mult.factor") where CPython and PyPy raise AttributeError.
    with pytest.raises(TypeError if GRAALPY else AttributeError):
        del m.factor
    assert m.factor == 3


def test_get_missing_attribute():
    m = k.Mult(3)
    assert not hasattr(m, "missing")
    with pytest.raises(AttributeError):
        m.missing  # noqa: B018
    assert getattr(m, "missing", 42) == 42
    assert m.factor == 3


def test_getattr_of_a_method_and_dir():
    node = t.Node("a")
    greet = getattr(node, "greet")  # noqa: B009 (the lookup itself crashed)
    assert greet("b") == "a greets b"
    names = dir(node)
    assert "greet" in names and "name" in names


@INSTANCE_DICT
def test_no_instance_dict():
    node = t.Node("a")
    assert "__dict__" not in dir(node) and not hasattr(node, "__dict__")


def test_method_called_from_one_call_site_in_a_loop():
    node = t.Node("n")
    m = k.Mult(2)
    for i in range(2000):
        assert node.greet("x") == "n greets x"
        assert node.name == "n"
        assert m(i) == 2 * i


def test_gc_types_by_the_thousand():
    for _ in range(3):
        nodes = [t.Node(f"n{i}") for i in range(2000)]
        # Reference cycles through the Field: only the GC can free them.
        for a, b in zip(nodes, nodes[1:] + nodes[:1]):
            t.node_set_item(a, b)
        assert t.node_get_item(nodes[0]) is nodes[1]
        assert t.node_get_item(nodes[-1]) is nodes[0]
        del nodes, a, b
        gc.collect()
    assert t.node_get_item(t.Node("empty")) is None


class Sub(t.Node):
    """A Python subclass: its instances have a __dict__ and the Rust payload of Node."""

    extra = "class attribute"

    def __init__(self, name):
        self.tag = int(name[1:])

    def greet(self, other):
        return "sub: " + super().greet(other)


# Instances of Python subclasses of HPy types work on CPython only. PyPy 3.11's HPy finalizer
# (W_HPyObject._finalize_) asserts that an instance's type is an HPy type: collecting one aborts the process
# ("Fatal RPython error: AssertionError"). GraalPy 24.2's HPy_New gives one no struct (NULL). oxhpy refuses
# to create one there with a TypeError rather than crash.
NO_SUBCLASS_INSTANCES = pytest.mark.xfail(
    PYPY or GRAALPY,
    raises=TypeError,
    strict=True,
    reason=f"{sys.implementation.name}: no instances of Python subclasses of HPy types",
)


@NO_SUBCLASS_INSTANCES
def test_python_subclass():
    s = Sub("s7")
    assert isinstance(s, t.Node)
    assert s.name == "s7"  # the Rust payload, found through the subclass instance
    assert s.greet("b") == "sub: s7 greets b"
    assert t.Node.greet(s, "c") == "s7 greets c"
    assert s.tag == 7 and s.extra == "class attribute"
    s.other = [1, 2]
    assert s.__dict__ == {"tag": 7, "other": [1, 2]}
    del s.other
    assert not hasattr(s, "other")
    assert "greet" in dir(s) and "tag" in dir(s)
    t.node_set_item(s, s)  # a cycle through the Field of a subclass instance
    assert t.node_get_item(s) is s


@NO_SUBCLASS_INSTANCES
def test_python_subclasses_by_the_thousand():
    for _ in range(3):
        subs = [Sub(f"s{i}") for i in range(1000)]
        for s in subs:
            t.node_set_item(s, s)
        assert [s.name for s in subs[:3]] == ["s0", "s1", "s2"]
        assert sum(s.tag for s in subs) == sum(range(1000))
        del subs, s
        gc.collect()


@NO_SUBCLASS_INSTANCES
def test_weakref_to_subclass_instance():
    import weakref

    s = Sub("w0")
    r = weakref.ref(s)
    assert r() is s
    del s
    gc.collect()
    assert r() is None


def test_refused_subclass_instance_is_a_type_error():
    if PYPY or GRAALPY:
        with pytest.raises(TypeError, match="instance of a .*subclass of 'Node'"):
            Sub("p0")
    else:
        assert Sub("p0").name == "p0"


def test_final_class_cannot_be_instantiated_through_a_subclass():
    """Mult has no `subclass`: CPython and GraalPy refuse the class, PyPy (which ignores
    HPy_TPFLAGS_BASETYPE) gets a TypeError when instantiating it."""
    with pytest.raises(TypeError):

        class Sub(k.Mult):
            pass

        Sub(2)
