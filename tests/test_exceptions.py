"""Exception types declared with `#[oxhpy::exception]` (tests/ext/src/exceptions.rs): created by the module
with their bases (built-in or declared, in any order of declaration), raised and matched from Rust, raised
and caught from Python."""

import builtins

import oxhpy_testext as t
import pytest
from conftest import GRAALPY_EXC_NAME, NESTED_HPY_CALLS

DECLARED = {
    # name: (base, doc)
    "EndOfInput": (
        "ParseError",
        "A parse error at the end of the input (declared before its base: the "
        "module creates the base\nfirst all the same).",
    ),
    "ParseError": (ValueError, "Malformed input."),
    "AppError": (Exception, "The base of the application's errors."),
    "DiskFull": ("StorageError", "A base named by a path to another module's exception."),
    "FatalStop": (BaseException, "`Exc::BaseException`, spelt with its enum: not an `Exception`."),
    "Undocumented": (KeyError, None),
    "StorageError": (
        "AppError",
        "Storage failed (derives from `app.AppError`, declared in the parent module).",
    ),
}


def base_of(name):
    base = DECLARED[name][0]
    return getattr(t, base) if isinstance(base, str) else base


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_declared_exception_bases(name):
    cls = getattr(t, name)
    assert isinstance(cls, type) and issubclass(cls, BaseException)
    assert cls.__bases__ == (base_of(name),)
    assert t.declared_type(name) is cls


def test_subclass_relations():
    assert issubclass(t.EndOfInput, t.ParseError)
    assert issubclass(t.EndOfInput, ValueError)
    assert issubclass(t.DiskFull, t.StorageError)
    assert issubclass(t.DiskFull, t.AppError)
    assert issubclass(t.AppError, Exception)
    assert issubclass(t.FatalStop, BaseException)
    assert not issubclass(t.FatalStop, Exception)
    assert not issubclass(t.ParseError, t.AppError)


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_declared_exception_docs(name):
    assert getattr(t, name).__doc__ == DECLARED[name][1]


def test_declared_exceptions_from_rust():
    assert sorted(t.declared_exceptions()) == sorted((n, d) for n, (_, d) in DECLARED.items())


@GRAALPY_EXC_NAME
@pytest.mark.parametrize("name", sorted(DECLARED))
def test_declared_exception_names(name):
    cls = getattr(t, name)
    assert cls.__name__ == name
    assert cls.__qualname__ == name
    assert cls.__module__ == "oxhpy_testext._native"


def test_in_the_module_namespace():
    for name in DECLARED:
        assert name in dir(t)
    for rust_name in ("END_OF_INPUT", "PARSE_ERROR", "STORAGE_ERROR"):
        assert not hasattr(t, rust_name)


@pytest.mark.parametrize("custom", [False, True])
@pytest.mark.parametrize("name", sorted(DECLARED))
def test_raise_from_rust(name, custom):
    cls = getattr(t, name)
    with pytest.raises(cls) as info:
        t.raise_declared(name, "message ✓", custom)
    assert type(info.value) is cls
    assert info.value.args == ("message ✓",)
    with pytest.raises(base_of(name)):
        t.raise_declared(name, "m", custom)


def test_caught_by_built_in_bases():
    with pytest.raises(ValueError, match='^not an int: "x"$') as info:
        t.parse_int("x")
    assert type(info.value) is t.ParseError
    try:
        t.parse_int(" ")
    except t.ParseError as e:  # the base catches the derived one
        assert type(e) is t.EndOfInput
        assert str(e) == "empty input"
    else:
        pytest.fail("no exception")
    assert t.parse_int(" 42 ") == 42


def test_base_exception_is_not_caught_as_exception():
    with pytest.raises(t.FatalStop):
        try:
            t.raise_declared("FatalStop", "stop")
        except Exception:  # noqa: BLE001
            pytest.fail("caught as an Exception")


def test_raised_from_python():
    """Python code raises and catches them like any exception class."""
    e = t.EndOfInput("from python", 2)
    assert e.args == ("from python", 2)
    with pytest.raises(ValueError):
        raise e

    class Mine(t.ParseError):
        pass

    with pytest.raises(t.ParseError):
        raise Mine("sub")


MATCH_NAMES = [
    "EndOfInput",
    "ParseError",
    "ValueError",
    "Exception",
    "AppError",
    "StorageError",
    "DiskFull",
    "FatalStop",
    "BaseException",
    "KeyError",
    "Undocumented",
]


def expected_matches(cls):
    """What `except name:` decides for an exception of class `cls`, for each of MATCH_NAMES."""
    return [issubclass(cls, getattr(t, n, None) or getattr(builtins, n)) for n in MATCH_NAMES]


@pytest.mark.parametrize("name", sorted(DECLARED))
def test_new_error_matches(name):
    assert t.declared_new_matches(name, MATCH_NAMES) == expected_matches(getattr(t, name))


@NESTED_HPY_CALLS
@pytest.mark.parametrize("name", sorted(DECLARED))
def test_raised_error_matches(name):
    """An error raised by Python code (a Python subclass too) matches as `except` would decide."""
    cls = getattr(t, name)
    sub = type("PySub", (cls,), {})

    def raise_it():
        raise sub("raised")

    assert t.declared_raised_matches(raise_it, MATCH_NAMES) == expected_matches(sub)
