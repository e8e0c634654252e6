"""Calling conventions of ``#[oxhpy::function]``: NOARGS, O, VARARGS, KEYWORDS; defaults, ``Option``
parameters, ``Ctx`` parameters, renaming, docstrings and text signatures; bad calls."""

import inspect
import sys

import oxhpy_testext as t
import pytest

CPYTHON = sys.implementation.name == "cpython"
GRAALPY = sys.implementation.name == "graalpy"
I64_MAX = 2**63 - 1


# --- NOARGS -----------------------------------------------------------------------------------


def test_noargs():
    assert t.noargs() == "noargs"


@pytest.mark.parametrize("call", [lambda: t.noargs(1), lambda: t.noargs(x=1), lambda: t.noargs(None)])
def test_noargs_rejects_arguments(call):
    with pytest.raises(TypeError):
        call()


def test_unit_returns_none():
    assert t.unit() is None


# --- O ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("x", [0, 1, -1, I64_MAX, -(2**63)])
def test_one(x):
    assert t.one(x) == x


@pytest.mark.parametrize("call", [lambda: t.one(), lambda: t.one(1, 2), lambda: t.one(x=1)])
def test_one_wrong_arity_or_keyword(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize("bad", [1.0, "1", b"1", None, [1], (1,)])
def test_one_wrong_type_names_the_argument(bad):
    with pytest.raises(TypeError, match=r"^argument 'x': expected int, got "):
        t.one(bad)


def test_one_overflow_names_the_argument():
    with pytest.raises(OverflowError, match=r"^argument 'x': int out of range for i64$"):
        t.one(2**63)


# --- VARARGS ----------------------------------------------------------------------------------


def test_positional_default():
    assert t.positional(1) == (1, 10)
    assert t.positional(1, 2) == (1, 2)


def test_positional_arity_messages():
    with pytest.raises(TypeError, match=r"^positional\(\) missing 1 required positional argument: 'a'$"):
        t.positional()
    with pytest.raises(
        TypeError, match=r"positional\(\) takes from 1 to 2 positional arguments but 3 were given"
    ):
        t.positional(1, 2, 3)


@pytest.mark.parametrize(
    "call", [lambda: t.positional(a=1), lambda: t.positional(1, b=2), lambda: t.positional(1, c=3)]
)
def test_positional_rejects_keywords(call):
    with pytest.raises(TypeError):
        call()


def test_positional_wrong_types_name_the_argument():
    with pytest.raises(TypeError, match=r"^argument 'a': expected int, got str$"):
        t.positional("x")
    with pytest.raises(TypeError, match=r"^argument 'b': expected int, got NoneType$"):
        t.positional(1, None)
    with pytest.raises(OverflowError, match=r"^argument 'b': "):
        t.positional(1, 2**64)


def test_positional_option():
    assert t.positional_opt(1) == (1, None)
    assert t.positional_opt(1, None) == (1, None)
    assert t.positional_opt(1, 5) == (1, 5)
    with pytest.raises(TypeError, match=r"^argument 'b': expected int, got float$"):
        t.positional_opt(1, 5.0)
    with pytest.raises(TypeError, match=r"^positional_opt\(\) missing 1 required positional argument: 'a'$"):
        t.positional_opt()


# --- KEYWORDS ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, kwargs, expected",
    [
        ((1,), {}, (1, 2, None)),
        ((1, 5), {}, (1, 5, None)),
        ((1, 5, "c"), {}, (1, 5, "c")),
        ((), {"a": 1}, (1, 2, None)),
        ((), {"c": "z", "a": 1}, (1, 2, "z")),
        ((1,), {"b": 7}, (1, 7, None)),
        ((1,), {"c": None}, (1, 2, None)),
        ((1,), {"c": "x", "b": 3}, (1, 3, "x")),
        ((1, 4), {"c": "é✓"}, (1, 4, "é✓")),
    ],
)
def test_keywords(args, kwargs, expected):
    assert t.keywords(*args, **kwargs) == expected


def test_keywords_missing_required():
    with pytest.raises(TypeError, match=r"^keywords\(\) missing 1 required positional argument: 'a'$"):
        t.keywords()
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'a'"):
        t.keywords(b=1, c="x")


def test_keywords_duplicate():
    with pytest.raises(TypeError, match=r"keywords\(\) got multiple values for argument 'a'"):
        t.keywords(1, a=1)
    with pytest.raises(TypeError, match=r"got multiple values for argument 'b'"):
        t.keywords(1, 2, b=3)


def test_call_kw_refuses_repeated_keyword_names():
    # Interpreters differ on a vectorcall that repeats a keyword name; oxhpy refuses it everywhere.
    with pytest.raises(TypeError, match=r"got multiple values for keyword argument 'a'"):
        t.call_kw_only(t.keywords, [("a", 1), ("a", 2)])


def test_keywords_unknown():
    with pytest.raises(TypeError, match=r"keywords\(\) got an unexpected keyword argument 'd'"):
        t.keywords(1, d=1)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'A'"):
        t.keywords(A=1)


def test_keywords_too_many_positional():
    with pytest.raises(
        TypeError, match=r"^keywords\(\) takes from 1 to 3 positional arguments but 4 were given$"
    ):
        t.keywords(1, 2, "c", 4)


def test_keywords_wrong_types_name_the_argument():
    with pytest.raises(TypeError, match=r"^argument 'a': expected int, got str$"):
        t.keywords(a="1")
    with pytest.raises(TypeError, match=r"^argument 'b': expected int, got NoneType$"):
        t.keywords(1, b=None)
    with pytest.raises(TypeError, match=r"^argument 'c': expected str, got int$"):
        t.keywords(1, c=5)
    with pytest.raises(TypeError, match=r"^argument 'c': expected str, got bytes$"):
        t.keywords(1, 2, b"x")


def test_keywords_non_str_keyword_name():
    # A keyword name that cannot be UTF-8 encoded is rejected, never matched.
    with pytest.raises((TypeError, UnicodeError)):
        t.keywords(1, **{"\ud800": 1})


def test_keywords_without_parameters():
    assert t.keywords_none() == 7
    with pytest.raises(TypeError, match=r"keywords_none\(\) takes 0 positional arguments but 1 was given"):
        t.keywords_none(1)
    with pytest.raises(TypeError, match=r"keywords_none\(\) got an unexpected keyword argument 'x'"):
        t.keywords_none(x=1)


def test_many_defaults():
    assert t.many(1, "b", 2.5) == (1, "b", 2.5, I64_MAX, "dflt", None)
    assert t.many(1, "b", 2, 4, "e", True) == (1, "b", 2.0, 4, "e", True)
    assert t.many(f=False, e="E", d=-1, c=0.5, b="", a=0) == (0, "", 0.5, -1, "E", False)
    with pytest.raises(TypeError, match=r"^argument 'f': expected bool, got int$"):
        t.many(1, "b", 2.5, f=1)
    with pytest.raises(TypeError, match=r"missing 1 required positional argument: 'c'"):
        t.many(1, "b")


# --- Ctx parameter, renaming, raw identifiers, Result --------------------------------------------


def test_function_with_ctx_parameter():
    assert t.with_ctx(0) == []
    assert t.with_ctx(3) == [0, 1, 2]
    assert t.with_ctx(n=2) == [0, 1]
    with pytest.raises(ValueError, match="n must be >= 0"):
        t.with_ctx(-1)
    with pytest.raises(TypeError, match=r"^argument 'n': "):
        t.with_ctx("3")
    with pytest.raises(TypeError, match=r"takes 1 positional argument but 2 were given"):
        t.with_ctx(1, 2)


def test_renamed():
    assert t.renamed() == "renamed"
    assert t.renamed.__name__ == "renamed"
    assert not hasattr(t, "original_name")


def test_raw_identifiers():
    assert t.type(4) == 4
    assert t.type(**{"in": 5}) == 5
    with pytest.raises(TypeError, match=r"type\(\) got an unexpected keyword argument 'r#in'"):
        t.type(**{"r#in": 5})


def test_result_return_type():
    assert t.checked_div(7, 2) == 3
    with pytest.raises(ZeroDivisionError, match="checked_div by zero"):
        t.checked_div(1, 0)


# --- Docstrings and signatures ----------------------------------------------------------------


def test_docstrings():
    assert "Positional or keyword parameters" in t.keywords.__doc__
    assert "HPyFunc_NOARGS" in t.noargs.__doc__
    assert "--" not in t.keywords.__doc__.splitlines()[0]
    # A docstring with its own `name(sig)\n--\n\n` header keeps it, once (no second header before it).
    # GraalPy 24.2 keeps every header in __doc__ (it derives no __text_signature__: see below).
    own = "A docstring with its own signature header: oxhpy writes none."
    header = "own_signature(a, b=9223372036854775807)\n--\n\n"
    assert t.own_signature.__doc__ == (header + own if GRAALPY else own)
    assert t.own_signature(3) == 3
    doc = t.own_header_only.__doc__
    assert doc == "own_header_only(x)\n--\n\n" if GRAALPY else not doc
    from oxhpy_testext import _native

    assert _native.__doc__ == "Test functions for oxhpy: one per public behaviour of the safe layer."


@pytest.mark.parametrize(
    "func, text",
    [
        (t.noargs, "()"),
        (t.one, "(x, /)"),
        (t.positional, "(a, b=10, /)"),
        (t.keywords, "(a, b=2, c=None)"),
        (t.many, '(a, b, c, d=..., e="dflt", f=None)'),
        (t.with_ctx, "(n)"),
        (t.own_signature, "(a, b=9223372036854775807)"),
        (t.own_header_only, "(x)"),
    ],
)
@pytest.mark.xfail(
    GRAALPY,
    strict=True,
    reason="GraalPy 24.2 does not derive __text_signature__ from the docstring's first line ('(self, ...)')",
)
def test_text_signature(func, text):
    assert func.__text_signature__ == text


@pytest.mark.skipif(not CPYTHON, reason="inspect.signature of builtins is CPython's")
def test_inspect_signature():
    assert str(inspect.signature(t.keywords)) == "(a, b=2, c=None)"
    assert str(inspect.signature(t.positional)) == "(a, b=10, /)"


# --- Module attributes ------------------------------------------------------------------------


def test_module_attributes():
    from oxhpy_testext import _native

    assert t.VERSION == "1"
    assert t.ANSWER == 42
    assert t.NOTHING is None
    assert t.PanicException is _native.PanicException
    assert t.MyError is _native.MyError
    assert _native.__name__ == "oxhpy_testext._native"
    for name in ["noargs", "one", "positional", "keywords", "with_ctx", "renamed", "context_name"]:
        assert callable(getattr(t, name))
