"""Errors: Rust panics become ``PanicException``; ``PyErr`` raises built-in and custom exceptions;
exceptions raised by Python code that Rust calls propagate unchanged."""

import array
import builtins
import gc
import sys

import oxhpy_testext as t
import pytest
from conftest import GRAALPY_EXC_NAME, NESTED_HPY_CALLS

# --- panics -----------------------------------------------------------------------------------


def test_panic_exception_type():
    assert issubclass(t.PanicException, BaseException)
    assert not issubclass(t.PanicException, Exception)
    assert "Rust panic" in t.PanicException.__doc__


@GRAALPY_EXC_NAME
def test_panic_exception_name():
    assert t.PanicException.__name__ == "PanicException"
    assert t.PanicException.__module__ == "oxhpy_testext._native"


@pytest.mark.parametrize("msg", ["boom", "", "héllo ✓ 😀", "x" * 10_000, "line1\nline2"])
def test_panic_message(msg):
    with pytest.raises(t.PanicException) as info:
        t.panic_now(msg)
    assert str(info.value) == msg
    assert info.value.args == (msg,)


def test_panic_message_with_nul():
    with pytest.raises(t.PanicException) as info:
        t.panic_now("a\x00b")
    assert str(info.value) == "a\\0b"


def test_panic_is_not_an_exception():
    with pytest.raises(t.PanicException):
        try:
            t.panic_now("not caught by except Exception")
        except Exception:  # noqa: BLE001 - the point: this must not catch it
            pytest.fail("PanicException was caught as an Exception")


def test_panic_static_payload():
    with pytest.raises(t.PanicException, match="^static panic message$"):
        t.panic_static()


def test_panic_non_string_payload():
    with pytest.raises(t.PanicException, match="^Rust panic with a non-string payload$"):
        t.panic_non_string()


def test_panic_payload_whose_drop_panics():
    with pytest.raises(t.PanicException, match="non-string payload"):
        t.panic_payload_drop_panics()


def test_panic_payload_whose_drop_panics_with_such_a_payload():
    # Each payload is dropped inside catch_unwind; the last one is leaked, never dropped outside.
    with pytest.raises(t.PanicException, match="non-string payload"):
        t.panic_payload_drop_panics_twice()
    assert t.noargs() == "noargs"


def test_drop_that_panics_with_a_panicking_payload():
    # tp_destroy has no context: the panics are reported on stderr and ignored, never an abort.
    for _ in range(3):
        t.DropBomb()
    assert t.noargs() == "noargs"


def test_panic_with_error_already_set():
    with pytest.raises(t.PanicException, match="^panic after an ImportError$"):
        t.panic_with_error_set()


def test_module_still_works_after_panics():
    for _ in range(100):
        with pytest.raises(t.PanicException):
            t.panic_now("again")
    assert t.noargs() == "noargs"
    assert t.keywords(1) == (1, 2, None)


@NESTED_HPY_CALLS
def test_panic_propagates_through_python_code():
    def callback(a, b):
        try:
            t.panic_now(a)
        except Exception:  # noqa: BLE001
            pytest.fail("PanicException was caught as an Exception")

    with pytest.raises(t.PanicException, match="^inner$"):
        t.call(callback, "inner", None)


# --- custom exceptions ------------------------------------------------------------------------


@GRAALPY_EXC_NAME
def test_custom_exception_name():
    assert t.MyError.__name__ == "MyError"
    assert t.MyError.__module__ == "oxhpy_testext._native"


def test_custom_exception():
    assert issubclass(t.MyError, Exception)
    assert t.MyError.__doc__ == "A custom exception of oxhpy_testext."
    with pytest.raises(t.MyError) as info:
        t.raise_my_error("custom ✓")
    assert type(info.value) is t.MyError
    assert str(info.value) == "custom ✓"
    assert info.value.args == ("custom ✓",)


def test_custom_exception_with_base():
    assert issubclass(t.MyValueError, ValueError)
    with pytest.raises(ValueError, match="^bad value$") as info:
        t.raise_my_value_error("bad value")
    assert type(info.value) is t.MyValueError


def test_custom_exception_can_be_caught_as_exception():
    try:
        t.raise_my_error("x")
    except Exception as e:  # noqa: BLE001
        assert isinstance(e, t.MyError)
    else:
        pytest.fail("no exception")


def test_custom_exception_not_created_is_a_system_error():
    with pytest.raises(SystemError, match=r"^msg \(exception type not initialised\)$"):
        t.raise_never_set("msg")


def test_globals_set():
    assert t.globals_set()[1:] == (True, False)


# --- built-in exceptions ----------------------------------------------------------------------

NAMES = t.builtin_exception_names()


def test_builtin_names_cover_the_brief():
    for name in ["TypeError", "ValueError", "OverflowError", "ZeroDivisionError", "BufferError", "KeyError"]:
        assert name in NAMES
    assert len(NAMES) == 29


@pytest.mark.parametrize("name", NAMES)
def test_raise_builtin(name):
    exc = getattr(builtins, name)
    with pytest.raises(exc) as info:
        t.raise_builtin(name, f"message of {name}")
    assert type(info.value) is exc
    assert info.value.args == (f"message of {name}",)


def test_raise_builtin_messages():
    with pytest.raises(KeyError) as info:
        t.raise_builtin("KeyError", "k")
    assert str(info.value) == "'k'"
    with pytest.raises(ValueError) as info:
        t.raise_builtin("ValueError", "a\x00b")
    assert str(info.value) == "a\\0b"
    with pytest.raises(OverflowError, match="^é✓$"):
        t.raise_builtin("OverflowError", "é✓")
    with pytest.raises(ValueError, match='^unknown exception kind "Nope"$'):
        t.raise_builtin("Nope", "x")
    with pytest.raises(TypeError, match=r"^argument 'kind': expected str, got int$"):
        t.raise_builtin(1, "x")


def test_raised_without_exception_is_a_system_error():
    with pytest.raises(SystemError, match="^error return without exception set$"):
        t.raised_without_exception()


def test_err_api():
    is_, messages, texts = t.err_api()
    assert is_ == [True, False, True, True, True, False, False]
    assert messages == ["k", None, "c"]
    assert texts == [
        "argument 'z': bad",
        "None",
        'KeyError("k")',
        "PyErr(<raised in the interpreter>)",
        '<custom>("c")',
        "true",
    ]


# --- propagation of exceptions raised by Python code ------------------------------------------


class Custom(Exception):
    pass


class NotAnError(BaseException):
    pass


@pytest.mark.parametrize(
    "exc", [ValueError("v"), KeyError("k"), Custom("c"), NotAnError("b"), StopIteration(3)]
)
def test_exception_from_callee_propagates_unchanged(exc):
    def f(a, b):
        raise exc

    with pytest.raises(type(exc)) as info:
        t.call(f, 1, 2)
    assert info.value is exc
    assert info.traceback[-1].name == "f"


def test_exception_from_callee_keyword_and_method_calls():
    def f(x, key):
        raise Custom(key)

    with pytest.raises(Custom, match="^kv$"):
        t.call_kw(f, 1, "kv")

    class Obj:
        def m(self, arg):
            raise Custom(arg)

    with pytest.raises(Custom, match="^ma$"):
        t.call_method(Obj(), "m", "ma")
    with pytest.raises(AttributeError):
        t.call_method(Obj(), "missing", 1)


def test_wrong_call_from_rust_raises_type_error():
    with pytest.raises(TypeError):
        t.call(lambda a: a, 1, 2)
    with pytest.raises(TypeError, match="key"):
        t.call_kw(lambda x: x, 1, 2)
    with pytest.raises(TypeError):
        t.call(5, 1, 2)


@NESTED_HPY_CALLS
def test_exception_from_nested_oxhpy_call_propagates():
    with pytest.raises(t.MyError, match="^nested$"):
        t.call(lambda a, b: t.raise_my_error(a), "nested", None)
    with pytest.raises(OverflowError, match=r"^argument 'x': "):
        t.call(lambda a, b: t.echo_i64(a), 2**64, None)


def test_custom_exception_global_holding_a_non_exception():
    t.remember(42)  # a small int first: see test_global_holding_small_ints_then_objects
    t.remember("not an exception class")
    with pytest.raises(SystemError, match="not an exception class"):
        t.raise_remembered("msg")
    t.remember(KeyError)
    with pytest.raises(KeyError, match="msg"):
        t.raise_remembered("msg")
    t.remember(None)


def test_dropped_raised_error_does_not_stay_set():
    def boom():
        raise ValueError("ignored on purpose")

    for _ in range(3):
        assert t.ignore_raised(boom) == 42
        assert sys.exc_info() == (None, None, None)
    assert t.ignore_raised(lambda: None) == 42


def _numpy_bytes(b):
    np = pytest.importorskip("numpy")
    return np.frombuffer(b, dtype=np.uint8).copy()


@pytest.mark.parametrize(
    "make",
    [bytes, bytearray, lambda b: array.array("B", b), _numpy_bytes],
    ids=["bytes", "bytearray", "array", "numpy"],
)
def test_exception_while_a_view_is_alive_comes_through(make):
    """The view ends with the callback's exception pending (on CPython: PyBuffer_Release and
    Py_DecRef, which run no Python code for these exporters)."""

    def boom():
        raise ValueError("from the callback")

    data = make(b"abc")
    with pytest.raises(ValueError, match="from the callback"):
        t.read_then_call(data, boom)
    if hasattr(data, "append"):
        gc.collect()  # PyPy and GraalPy end an export when the memoryview is collected
        data.append(1)  # the export ended: the object can be resized
        del data[-1]
    assert t.read_then_call(data, lambda: None) == 294


# --- PyErr::matches and PyErr::clear ---------------------------------------------------------------


class MyKeyError(KeyError):
    pass


def raiser(exc):
    def f():
        raise exc

    return f


@pytest.mark.parametrize(
    "exc, names, want",
    [
        (
            KeyError("k"),
            ["KeyError", "LookupError", "Exception", "BaseException", "ValueError"],
            [1, 1, 1, 1, 0],
        ),
        (MyKeyError("k"), ["KeyError", "LookupError", "IndexError"], [1, 1, 0]),
        (ZeroDivisionError(), ["ArithmeticError", "ZeroDivisionError", "OverflowError"], [1, 1, 0]),
        (
            t.MyValueError("v"),
            ["MyValueError", "ValueError", "MyError", "Exception", "NeverSet"],
            [1, 1, 0, 1, 0],
        ),
        (t.MyError("e"), ["MyError", "MyValueError", "Exception"], [1, 0, 1]),
        (KeyboardInterrupt(), ["BaseException", "Exception"], [1, 0]),
    ],
)
def test_raised_error_matches_as_except_does(exc, names, want):
    for name in names:  # the reference: Python's own `except`
        typ = {"MyValueError": t.MyValueError, "MyError": t.MyError}.get(name) or getattr(
            builtins, name, None
        )
        if typ is not None:
            assert isinstance(exc, typ) == bool(want[names.index(name)]), name
    assert t.raised_matches(raiser(exc), names) == [bool(w) for w in want]


@NESTED_HPY_CALLS
def test_raised_error_matches_a_custom_exception_raised_by_oxhpy():
    def f():
        t.raise_my_value_error("from rust")

    assert t.raised_matches(f, ["MyValueError", "ValueError", "MyError"]) == [True, True, False]


@pytest.mark.parametrize(
    "kind, names, want",
    [
        (
            "KeyError",
            ["KeyError", "LookupError", "Exception", "BaseException", "ValueError"],
            [1, 1, 1, 1, 0],
        ),
        ("ValueError", ["ValueError", "MyValueError", "UnicodeError"], [1, 0, 0]),
        ("UnicodeError", ["ValueError", "UnicodeError"], [1, 1]),
        ("MyValueError", ["MyValueError", "ValueError", "MyError", "Exception"], [1, 1, 0, 1]),
        ("MyError", ["MyError", "Exception", "ValueError"], [1, 1, 0]),
        # A custom type never created raises SystemError (see test_custom_exception_not_created...).
        ("NeverSet", ["SystemError", "Exception", "NeverSet"], [1, 1, 0]),
    ],
)
def test_new_error_matches_as_except_would(kind, names, want):
    assert t.new_matches(kind, names) == [bool(w) for w in want]


def test_matches_unknown_name_is_a_value_error_and_the_callee_error_is_cleared():
    with pytest.raises(ValueError, match="unknown exception"):
        t.raised_matches(raiser(KeyError("k")), ["KeyError", "NoSuchError"])


class Attrs:
    present = 1

    @property
    def broken(self):
        raise ValueError("broken property")

    @property
    def missing_sub(self):
        raise MyAttributeError("sub")

    def __repr__(self):
        return "<Attrs>"


class MyAttributeError(AttributeError):
    pass


def test_getattr_or_catches_attribute_errors_only():
    obj = Attrs()
    default = object()
    assert t.getattr_or(obj, "present", default) == (1, "<Attrs>")
    assert t.getattr_or(obj, "absent", default) == (default, "<Attrs>")
    assert t.getattr_or(obj, "missing_sub", default) == (default, "<Attrs>")
    with pytest.raises(ValueError, match="broken property"):
        t.getattr_or(obj, "broken", default)
    assert getattr(obj, "absent", default) is default  # Python's own answer
