"""Special methods of the slot table (oxhpy-macros/src/slots.rs) on the test extension's classes: containers
(__len__, __getitem__, __setitem__/__delitem__, __contains__), __bool__, __hash__, rich comparison, the number
protocol, __init__, __del__, __iter__/__next__. Where a pure-Python class with the same special methods is
defined below, the tests run on both and expect the same results and exception types."""

import collections.abc
import gc
import operator
import sys

import oxhpy_testext as t
import pytest
from conftest import GRAALPY, NESTED_HPY_CALLS, PYPY

# As in test_types.py: no instances of Python subclasses of HPy types on PyPy and GraalPy.
NO_SUBCLASS_INSTANCES = pytest.mark.xfail(
    PYPY or GRAALPY,
    raises=TypeError,
    strict=True,
    reason=f"{sys.implementation.name}: no instances of Python subclasses of HPy types",
)


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


# --- The number protocol ---------------------------------------------------------------------------------

BINARY = ["add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "divmod", "lshift", "rshift"]
BINARY += ["and", "or", "xor"]
OPERATORS = {n: getattr(operator, n + "_" * (n in ("and", "or"))) for n in BINARY if n != "divmod"}
OPERATORS["divmod"] = divmod


def _int64(x):
    """Num's operand conversion (an int64, as operator.index), or None (NotImplemented)."""
    try:
        v = operator.index(x)
    except TypeError:
        return None
    return v if -(2**63) <= v < 2**63 else None


class PyNum:
    """Num in pure Python."""

    def __init__(self, v):
        self.v = v

    def __pow__(self, other, modulo=None):
        o = _int64(other)
        if o is None or (modulo is not None and _int64(modulo) is None):
            return NotImplemented
        return ("pow", self.v, o, modulo)

    def __rpow__(self, other, modulo=None):
        o = _int64(other)
        if o is None or (modulo is not None and _int64(modulo) is None):
            return NotImplemented
        return ("rpow", self.v, o, modulo)

    def __iadd__(self, other):
        o = _int64(other)
        if o is None:
            return NotImplemented
        self.v += o
        return self

    def __isub__(self, other):
        o = _int64(other)
        return NotImplemented if o is None else ("isub", self.v, o)

    def __ipow__(self, other, modulo=None):
        o = _int64(other)
        if o is None or o < 0:
            return NotImplemented
        self.v = self.v**o
        if modulo is not None:
            self.v %= modulo
        return self

    def __int__(self):
        return self.v

    def __index__(self):
        return self.v

    def __float__(self):
        return self.v + 0.5


def _binary(name, reflected):
    tag = "r" + name if reflected else name

    def method(self, other):
        o = _int64(other)
        if o is None:
            return NotImplemented
        if name == "floordiv" and not reflected and o == 0:
            raise ZeroDivisionError("Num // 0")
        return (tag, self.v, o)

    return method


for _name in BINARY:
    setattr(PyNum, f"__{_name}__", _binary(_name, False))
    setattr(PyNum, f"__r{_name}__", _binary(_name, True))
for _name in ["neg", "pos", "abs", "invert"]:
    setattr(PyNum, f"__{_name}__", lambda self, _n=_name: (_n, self.v))

NUMS = pytest.mark.parametrize("cls", [t.Num, PyNum], ids=["Num", "PyNum"])


def outcome(f):
    """f()'s result, or its exception's type."""
    try:
        return f()
    except Exception as e:
        return type(e)


@NUMS
@pytest.mark.parametrize("name", BINARY)
def test_binary_operators(cls, name):
    op = OPERATORS[name]
    n = cls(7)
    assert op(n, 3) == (name, 7, 3)
    assert op(3, n) == ("r" + name, 7, 3)
    assert op(n, True) == (name, 7, 1)
    # NotImplemented, then Python's own TypeError (or str * index: "x" * 7, from __index__).
    p = PyNum(7)
    for bad in ("x", 1.5, None, 2**64):
        assert outcome(lambda b=bad: op(n, b)) == outcome(lambda b=bad: op(p, b))
        assert outcome(lambda b=bad: op(b, n)) == outcome(lambda b=bad: op(b, p))
        assert outcome(lambda b=bad: op(n, b)) in (TypeError, "x" * 7)


@NESTED_HPY_CALLS  # Num.__index__ converts the operand, inside Num's operator
@NUMS
@pytest.mark.parametrize("name", BINARY)
def test_operand_with_index(cls, name):
    op = OPERATORS[name]
    assert op(cls(7), cls(2)) == (name, 7, 2)  # the right operand converts (__index__): no reflection
    m = cls(1)
    m += cls(4)
    assert m.v == 5


@NUMS
def test_binary_operators_through_the_type(cls):
    n = cls(7)
    assert type(n).__add__(n, 1) == ("add", 7, 1)
    assert type(n).__radd__(n, 1) == ("radd", 7, 1)
    assert type(n).__add__(n, "x") is NotImplemented
    assert type(n).__radd__(n, "x") is NotImplemented
    assert n.__sub__(2) == ("sub", 7, 2) and n.__rsub__(2) == ("rsub", 7, 2)


@NUMS
def test_pow_and_modulo(cls):
    n = cls(2)
    assert n**5 == ("pow", 2, 5, None)
    assert pow(n, 5) == ("pow", 2, 5, None)
    assert pow(n, 5, 3) == ("pow", 2, 5, 3)
    assert 5**n == ("rpow", 2, 5, None)
    assert outcome(lambda: n ** "x") is TypeError
    assert outcome(lambda: pow(n, 5, "x")) is TypeError
    assert type(n).__rpow__(n, 5) == ("rpow", 2, 5, None)


@NUMS
def test_errors_propagate_from_operators(cls):
    with pytest.raises(ZeroDivisionError, match="Num // 0"):
        cls(1) // 0
    assert 0 // cls(1) == ("rfloordiv", 1, 0)


@NUMS
def test_inplace_operators(cls):
    n = cls(1)
    m = n
    m += 2
    assert m is n and n.v == 3
    m -= 1
    assert m == ("isub", 3, 1)
    m = n
    m *= 2  # no __imul__: Python falls back to __mul__
    assert m == ("mul", 3, 2)
    m = n
    m **= 2
    assert m is n and n.v == 9
    m = n
    with pytest.raises(TypeError):
        m += "x"  # __iadd__, __add__ and str's __radd__ give NotImplemented
    assert m is n and n.v == 9
    with pytest.raises(TypeError):
        m -= "x"  # __isub__ gives NotImplemented, then __sub__ too, and str has no __rsub__


@NUMS
def test_unary_and_conversions(cls):
    n = cls(5)
    assert (-n, +n, abs(n), ~n) == (("neg", 5), ("pos", 5), ("abs", 5), ("invert", 5))
    assert (int(n), float(n), operator.index(n)) == (5, 5.5, 5)
    assert [0, 10, 20, 30, 40, 50][n] == 50 and bin(n) == "0b101" and hex(n) == "0x5"
    assert type(int(n)) is int and type(float(n)) is float


class PyInPlace:
    """InPlace in pure Python."""

    def __init__(self, v):
        self.v = v

    def __ipow__(self, other, modulo=None):
        return ("ipow", self.v, other, modulo) if _int64(other) is not None else NotImplemented


def _inplace(name):
    def method(self, other):
        o = _int64(other)
        return NotImplemented if o is None else ("i" + name, self.v, o)

    return method


for _name in BINARY:
    if _name != "divmod":
        setattr(PyInPlace, f"__i{_name}__", _inplace(_name))


@pytest.mark.parametrize("cls", [t.InPlace, PyInPlace], ids=["InPlace", "PyInPlace"])
@pytest.mark.parametrize("name", [n for n in BINARY if n != "divmod"] + ["pow"])
def test_every_inplace_operator(cls, name):
    op = getattr(operator, "i" + name)
    result = op(cls(7), 3)
    assert result == (("i" + name, 7, 3) + ((None,) if name == "pow" else ()))
    assert outcome(lambda: op(cls(7), "x")) is TypeError  # NotImplemented, then no binary operator


def test_inplace_overflow_propagates():
    n = t.Num(2**63 - 1)
    with pytest.raises(OverflowError, match="Num \\+= overflows"):
        n += 1
    assert n.v == 2**63 - 1


def test_vec2():
    a, b = t.Vec2(1, 2), t.Vec2(3, 4)
    assert a + b == t.Vec2(4, 6) and b - a == t.Vec2(2, 2)
    assert a * 2 == t.Vec2(2, 4) and 2 * a == t.Vec2(2, 4) and 0.5 * a == t.Vec2(0.5, 1)
    assert -a == t.Vec2(-1, -2) and abs(b) == 5.0
    c = a
    c += b
    assert c is a and a == t.Vec2(4, 6)
    for f in (lambda: a + 1, lambda: 1 + a, lambda: a * a, lambda: a @ b, lambda: a / 2, lambda: ~a):
        with pytest.raises(TypeError):
            f()
    with pytest.raises(TypeError):
        int(a)


def test_only_reflected():
    r = t.Right(3)
    assert 10 - r == 7 and 2**r == 8
    with pytest.raises(TypeError):
        r - 10
    with pytest.raises(TypeError):
        r**2
    with pytest.raises(TypeError):
        r - r


class PySame:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return self.v + other if isinstance(other, int) else NotImplemented

    def __radd__(self, other):
        return (other.v, self.v) if isinstance(other, PySame) else NotImplemented


SAMES = pytest.mark.parametrize("cls", [t.Same, PySame], ids=["Same", "PySame"])


@SAMES
def test_reflection_only_between_different_types(cls):
    a, b = cls(1), cls(2)
    assert a + 5 == 6
    with pytest.raises(TypeError):
        a + b  # same type: __radd__ is not tried


@NO_SUBCLASS_INSTANCES
def test_reflection_between_a_class_and_its_subclass():
    for cls in (PySame, t.Same):

        class Sub(cls):
            pass

        assert cls(1) + Sub(3) == (1, 3)  # different types: Sub(3).__radd__(cls(1))
        assert Sub(3) + 1 == 4


# --- __init__ and __del__ ---------------------------------------------------------------------------------


class PyInit:
    def __init__(self, a, b=0):
        if not isinstance(a, int) or not isinstance(b, int):
            raise TypeError("argument 'a' or 'b': expected int")
        if a < 0:
            raise ValueError("Init: a < 0")
        self.inits = getattr(self, "inits", 0) + 1
        self.a, self.b = a, b

    @property
    def state(self):
        return (self.a, self.b, self.inits)


@pytest.mark.parametrize("cls", [t.Init, PyInit], ids=["Init", "PyInit"])
def test_init(cls):
    assert cls(1).state == (1, 0, 1)
    assert cls(1, 2).state == (1, 2, 1)
    assert cls(a=3, b=4).state == (3, 4, 1)
    assert cls(5, b=6).state == (5, 6, 1)
    o = cls(1)
    assert o.__init__(7, 8) is None  # again: re-initialises
    assert o.state == (7, 8, 2)
    type(o).__init__(o, 9)
    assert o.state == (9, 0, 3)
    with pytest.raises(ValueError, match="a < 0"):
        cls(-1)
    for args, kwargs in [((), {}), ((1, 2, 3), {}), ((1,), {"c": 2}), (("x",), {}), ((1,), {"a": 1})]:
        with pytest.raises(TypeError):
            cls(*args, **kwargs)


def test_init_errors_name_init():
    with pytest.raises(TypeError, match=r"^Init\.__init__\(\) missing 1 required positional argument: 'a'$"):
        t.Init()
    with pytest.raises(TypeError, match="argument 'a'"):
        t.Init("x")


def test_new_and_init_both_get_the_arguments():
    assert t.NewInit(1).x == 101
    with pytest.raises(TypeError):
        t.NewInit()


@NO_SUBCLASS_INSTANCES
def test_init_from_a_python_subclass():
    class Sub(t.Init):
        def __init__(self, a):
            super().__init__(a, b=a * 10)
            self.extra = True

    s = Sub(2)
    assert s.state == (2, 20, 1) and s.extra


# GraalPy 24.2 runs no finalizers after `del` + gc.collect(), not even a pure-Python class's __del__
# (test_python_del below): the same holds for tp_finalize (__del__ of an oxhpy class).
GRAALPY_NO_FINALIZERS = pytest.mark.xfail(
    GRAALPY, strict=True, reason="GraalPy 24.2 runs no __del__ after del + gc.collect(), not even in Python"
)


def collect():
    """Runs the finalizers of unreachable objects (PyPy and GraalPy run them from their GC)."""
    for _ in range(3):
        gc.collect()


@GRAALPY_NO_FINALIZERS
def test_python_del():
    """The evidence for GRAALPY_NO_FINALIZERS: a pure-Python class with __del__, collected the same way."""
    seen = []

    class P:
        def __del__(self):
            seen.append(1)

    p = P()
    del p
    collect()
    assert seen == [1]


@GRAALPY_NO_FINALIZERS
def test_del():
    t.finalized_log()
    f = t.Finalized("a")
    del f
    collect()
    assert t.finalized_log() == ["a"]
    objs = [t.Finalized(str(i)) for i in range(5)]
    del objs
    collect()
    assert sorted(t.finalized_log()) == ["0", "1", "2", "3", "4"]


@GRAALPY_NO_FINALIZERS
@pytest.mark.parametrize("tag", ["raise", "panic"])
def test_del_errors_are_unraisable(tag):
    seen = []
    old = sys.unraisablehook
    sys.unraisablehook = lambda u: seen.append(u.exc_type)
    try:
        f = t.Finalized(tag)
        del f
        collect()
    finally:
        sys.unraisablehook = old
    assert seen == [ValueError if tag == "raise" else t.PanicException]


@GRAALPY_NO_FINALIZERS
def test_del_calls_python():
    seen = []
    c = t.Closer()
    c.on_close(lambda obj: seen.append(type(obj).__name__))
    del c
    collect()
    assert seen == ["Closer"]


def closer(seen, what):
    c = t.Closer()
    c.on_close(lambda obj: seen.append(what))
    return c


@GRAALPY_NO_FINALIZERS
def test_del_while_an_exception_propagates():
    """CPython frees a temporary of the expression that raises while the exception is pending: HPy 0.9
    cannot set it aside, so oxhpy does not run __del__ then (its Python calls would replace it), and the
    exception propagates intact. PyPy runs finalizers later, from its GC."""
    seen = []
    zero = 0
    with pytest.raises(ZeroDivisionError):
        [closer(seen, "temporary"), 1 / zero]  # noqa: B018
    collect()
    assert seen == ([] if sys.implementation.name == "cpython" else ["temporary"])
    c = closer(seen, "variable")
    del c
    collect()
    assert seen[-1] == "variable"


# --- __iter__ and __next__ --------------------------------------------------------------------------------


class PyCountdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n < 0:
            raise ValueError("Countdown from a negative number")
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1


COUNTDOWNS = pytest.mark.parametrize("cls", [t.Countdown, PyCountdown], ids=["Countdown", "PyCountdown"])


@COUNTDOWNS
def test_iterator(cls):
    assert list(cls(3)) == [3, 2, 1] and list(cls(0)) == []
    c = cls(2)
    assert iter(c) is c
    assert next(c) == 2 and next(c) == 1
    with pytest.raises(StopIteration) as e:
        next(c)
    assert e.value.args == () and e.value.value is None
    assert next(c, "done") == "done"
    assert [x for x in cls(3) if x != 2] == [3, 1]
    assert sum(cls(4)) == 10 and sorted(cls(3)) == [1, 2, 3] and 2 in cls(3)
    assert list(zip(cls(3), "ab")) == [(3, "a"), (2, "b")]
    a, b, _ = cls(3)
    assert (a, b) == (3, 2)
    assert isinstance(c, collections.abc.Iterator) and isinstance(c, collections.abc.Iterable)
    assert type(c).__next__(cls(1)) == 1 and cls(5).__next__() == 5


@COUNTDOWNS
def test_iterator_errors_propagate(cls):
    with pytest.raises(ValueError, match="negative"):
        list(cls(-1))
    with pytest.raises(ValueError, match="negative"):
        for _ in cls(-1):
            pass


def test_iterable():
    s = t.Span(3)
    it = iter(s)
    assert type(it).__name__ == "SpanIter" and iter(it) is it
    assert list(s) == [0, 1, 2] and list(s) == [0, 1, 2]  # a new iterator each time
    assert list(it) == [0, 1, 2] and list(it) == []
    assert dict(zip(t.Span(2), t.Span(2))) == {0: 0, 1: 1}
    assert isinstance(s, collections.abc.Iterable) and not isinstance(s, collections.abc.Iterator)
    with pytest.raises(TypeError):
        next(s)
    with pytest.raises(TypeError):
        iter(t.Vec2(1, 2))  # no __iter__ (nor __getitem__)


# --- Special methods looked up by name: attribute access and descriptors -------------------------------


def test_getattr_setattr_delattr():
    r = t.Record()
    r.x = 1
    r.y = 2
    assert (r.x, r.y) == (1, 2)
    assert r.names() == ["x", "y"]  # methods stay reachable: __getattr__ only runs when lookup fails
    assert getattr(r, "z", 7) == 7
    with pytest.raises(AttributeError, match="'Record' object has no attribute 'z'"):
        _ = r.z
    assert not hasattr(r, "z")
    del r.x
    assert r.names() == ["y"]
    with pytest.raises(AttributeError):
        del r.x
    with pytest.raises(AttributeError, match="private"):
        r._hidden = 1
    with pytest.raises(TypeError, match="argument 'value'"):
        r.y = "2"
    assert r.y == 2
    name = "w"
    setattr(r, name, 5)
    assert r.w == 5 and r.names() == ["w", "y"]


def test_getattribute():
    s = t.Shouting()
    assert s.hello == "HELLO"
    name = "abc"
    assert getattr(s, name) == "ABC"
    with pytest.raises(AttributeError):
        _ = s.missing
    assert getattr(s, "missing", None) is None


def test_special_methods_by_name_are_not_plain_attributes():
    """Each is set on the type again after creation: on CPython it fills the slot (the method is
    CPython's own wrapper of the slot then), elsewhere the interpreter looks it up by name."""
    for cls, name in ((t.Record, "__getattr__"), (t.Record, "__setattr__"), (t.Scaled, "__get__")):
        assert name in cls.__dict__
    with pytest.raises(TypeError):
        t.Record.__setattr__(1, "a", 1)  # not a Record


def test_data_descriptor():
    class Holder:
        attr = t.Scaled(10)

        def __init__(self, raw):
            self.raw = raw

    h = Holder(4)
    assert h.attr == 40
    h.attr = 75
    assert h.raw == 7 and h.attr == 70
    del h.attr
    assert h.raw == 0
    assert Holder.attr == 10  # on the class: `obj` is None
    with pytest.raises(TypeError, match="argument 'value'"):
        h.attr = "x"
    assert h.raw == 0
    # A data descriptor wins over the instance dict.
    h.__dict__["attr"] = "shadow"
    assert h.attr == 0


def test_descriptor_errors_propagate():
    class NoRaw:
        attr = t.Scaled(2)

    with pytest.raises(AttributeError, match="raw"):
        _ = NoRaw().attr
    with pytest.raises(ValueError, match="factor"):
        t.Scaled(0)
