"""What this port does beyond (or apart from) ujson's own test suite, on every interpreter: the deliberate
differences from ujson's C code, its limits in small thread stacks, and its API surface."""

import decimal
import inspect
import json
import sys
import threading

import pytest
import ujson

GRAALPY = sys.implementation.name == "graalpy"


def test_api():
    assert ujson.encode is ujson.dumps and ujson.decode is ujson.loads
    assert issubclass(ujson.JSONDecodeError, ValueError) and ujson.JSONDecodeError.__module__ == "ujson"
    assert ujson.__version__ == "6.1.0"


OPTIONS = (
    "ensure_ascii=True, encode_html_chars=False, escape_forward_slashes=True, sort_keys=False, indent=0, "
    "allow_nan=True, reject_bytes=True, default=None, separators=None"
)


@pytest.mark.xfail(
    GRAALPY,
    strict=True,
    reason="GraalPy 24.2 does not derive __text_signature__ from the docstring's first line",
)
def test_text_signatures():
    assert ujson.loads.__text_signature__ == "(obj)"
    assert ujson.load.__text_signature__ == "(fp, /)"
    assert ujson.dumps.__text_signature__ == f"(obj, {OPTIONS})"
    assert ujson.dump.__text_signature__ == f"(obj, fp, /, *, {OPTIONS})"


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="inspect.signature of builtins is CPython's")
def test_inspect_signature():
    dump = inspect.signature(ujson.dump).parameters
    assert dump["obj"].kind == dump["fp"].kind == inspect.Parameter.POSITIONAL_ONLY
    assert dump["indent"].kind == inspect.Parameter.KEYWORD_ONLY
    assert inspect.signature(ujson.dumps).parameters["separators"].default is None


def test_options_by_position_and_truth():
    """Options are C "p" flags in ujson: any object's truth value, by position too."""
    assert ujson.dumps("é/", 0, 0, 0) == '"é/"'
    assert ujson.dumps("é", None) == '"é"'
    assert ujson.dumps({"b": 1, "a": 2}, True, False, True, [1]) == '{"a":2,"b":1}'
    with pytest.raises(TypeError):
        ujson.dumps([], indent=1.5)
    with pytest.raises(TypeError):
        ujson.dump([], None, None)  # two positional arguments only


def test_sort_keys_that_do_not_compare():
    """ujson ignores the sort's error in some nestings and writes a truncated object: here it raises."""
    for data in ({1: 0, "a": 0}, [[0], {None: 1, "x": 2}], {"k": {b"b": 0, "s": 1}}):
        with pytest.raises(TypeError, match="not supported between"):
            ujson.dumps(data, sort_keys=True)


def test_big_ints_everywhere():
    """Upstream skips these on PyPy (its C code cannot write them there); this port writes them on every
    interpreter, with Python's digit limit."""
    for i in (2**64, -(2**64), 10**40, -(2**200)):
        for o in (i, [i], {"i": i}):
            assert ujson.dumps(o) == json.dumps(o, separators=(",", ":"))
            assert ujson.loads(json.dumps(o)) == o
    if hasattr(sys, "set_int_max_str_digits"):
        with pytest.raises(ValueError, match="integer string conversion"):
            ujson.dumps(10**5000)


def test_decimal_and_float_spelling():
    assert ujson.dumps(decimal.Decimal("1.5")) == "1.5"
    spelt = "[1e+16,1e-5,1000000000000000.0,0.0001,-0.0,0.1]"
    assert ujson.dumps([1e16, 1e-5, 1e15, 1e-4, -0.0, 0.1]) == spelt


def test_repeated_keys_are_one_object():
    """Object keys repeated in one document are one `str` (a memo, as the standard library's json)."""
    a, b = ujson.loads('[{"name": 1, "long key": 2}, {"name": 3, "long key": 4}]')
    for k1, k2 in zip(a, b):
        assert k1 is k2
    c = ujson.loads('{"na\\u006de": 1}')  # with an escape: equal, made apart
    assert list(c) == ["name"]


@pytest.mark.parametrize("kind", ["dumps list", "dumps dict", "loads list", "loads dict"])
def test_deepest_nesting_in_a_small_thread_stack(kind):
    """ujson's limit (1024 levels) fits a 512 KiB thread stack both ways. Writing 1023 levels with `indent=1`
    needs the smallest thread stack of about 362 bytes per level of lists, 455 of dicts (459 with
    `sort_keys`) for this port, 408 (412) for ujson 6.1.0's C code, on CPython 3.11; reading, about 256."""
    depth = 1023 if kind.startswith("dumps") else 1024
    if kind == "dumps list":
        data = 1
        for _ in range(depth):
            data = [data]
    elif kind == "dumps dict":
        data = 1
        for _ in range(depth):
            data = {"k": data}
    elif kind == "loads list":
        data = "[" * depth + "]" * depth
    else:
        data = '{"k":' * depth + "1" + "}" * depth
    result = []

    def work():  # strings only out of the thread: comparing the nested objects would recurse in Python
        if kind.startswith("dumps"):
            text = ujson.dumps(data, indent=1, sort_keys=True)
            result.append(ujson.dumps(ujson.loads(text)))
        else:
            result.append(ujson.dumps(ujson.loads(data)))

    if GRAALPY:
        # A GraalPy thread's stack is the JVM's: 512 KiB of it hold only a few Python frames (the thread
        # dies of RecursionError in threading.py). The nesting is checked on the main thread there.
        work()
    else:
        old = threading.stack_size(512 * 1024)
        try:
            t = threading.Thread(target=work)
            t.start()
            t.join()
        finally:
            threading.stack_size(old)
    if kind == "dumps list":
        assert result == ["[" * depth + "1" + "]" * depth]
    elif kind == "dumps dict":
        assert result == ['{"k":' * depth + "1" + "}" * depth]
    else:
        assert result == [data]
    with pytest.raises(ujson.JSONDecodeError, match="depth limit"):
        ujson.loads("[" * 1025 + "]" * 1025)
    deeper = [[data]]  # two levels more: 1025
    if kind.startswith("dumps"):
        with pytest.raises(OverflowError, match="Maximum recursion level"):
            ujson.dumps(deeper)


@pytest.mark.skipif(not hasattr(sys, "getrefcount") or GRAALPY, reason="needs CPython's refcounts")
def test_sort_keys_does_not_move_the_type_cache():
    """sort_keys sorts with `list.sort` held by the module: a method call by name made a new name `str`
    per call, which filled CPython's type attribute cache slot by slot and so released references to
    None (upstream's test_encode_dict_key_ref_counting[True-None] failed 1 run in 8 in debug mode)."""
    data = {"k": None}
    changes = 0
    for _ in range(3000):
        before = sys.getrefcount(None)
        ujson.dumps(data, sort_keys=True)
        changes += before != sys.getrefcount(None)
    assert changes == 0


def test_surrogates_round_trip():
    s = "\ud800a\udfff\U0001f600"
    for ensure_ascii in (True, False):
        assert ujson.loads(ujson.dumps(s, ensure_ascii=ensure_ascii)) == s
    assert ujson.loads('"\\ud83d\\ude00"') == "\U0001f600"
    assert ujson.dumps({"\udc80": 1}) == '{"\\udc80":1}'
