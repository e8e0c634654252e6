"""Conversions between Python objects and Rust values (``FromPy`` / ``IntoPy``), both ways, through
identity-like ``echo_*`` functions; bad inputs raise ``TypeError``/``OverflowError`` naming the argument
and are never modified."""

import collections
import math
import sys

import oxhpy_testext as t
import pytest

INT_TYPES = {
    "i64": (t.echo_i64, -(2**63), 2**63 - 1),
    "u64": (t.echo_u64, 0, 2**64 - 1),
    "i32": (t.echo_i32, -(2**31), 2**31 - 1),
    "u32": (t.echo_u32, 0, 2**32 - 1),
    "usize": (t.echo_usize, 0, 2**64 - 1),
    "isize": (t.echo_isize, -(2**63), 2**63 - 1),
    "u8": (t.echo_u8, 0, 255),
}


class MyInt(int):
    pass


class MyStr(str):
    pass


class Index:
    def __index__(self):
        return 1


# --- integers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("rust", INT_TYPES)
def test_int_in_range(rust):
    echo, lo, hi = INT_TYPES[rust]
    for v in {lo, hi, 0, 1, lo + 1, hi - 1, (lo + hi) // 2}:
        out = echo(v)
        assert out == v and type(out) is int


@pytest.mark.parametrize("rust", INT_TYPES)
def test_int_out_of_range(rust):
    echo, lo, hi = INT_TYPES[rust]
    for v in [lo - 1, hi + 1, 2**200, -(2**200)]:
        with pytest.raises(OverflowError, match=rf"^argument 'x': int out of range for {rust}$"):
            echo(v)


@pytest.mark.parametrize("rust", INT_TYPES)
@pytest.mark.parametrize("bad", [1.0, 1.5, "1", b"1", None, [1], (1,), 1j, object()])
def test_int_wrong_type(rust, bad):
    echo = INT_TYPES[rust][0]
    with pytest.raises(TypeError, match=rf"^argument 'x': expected int, got {type(bad).__name__}$"):
        echo(bad)


@pytest.mark.parametrize("rust", INT_TYPES)
def test_int_accepts_bool_subclasses_and_index(rust):
    echo = INT_TYPES[rust][0]
    assert echo(Index()) == 1 and type(echo(Index())) is int  # more in test_numbers.py
    assert echo(True) == 1 and type(echo(True)) is int
    assert echo(False) == 0
    assert echo(MyInt(7)) == 7 and type(echo(MyInt(7))) is int


# --- floats and bools -------------------------------------------------------------------------


@pytest.mark.parametrize("v", [0.0, -0.0, 1.5, -2.25, 1e308, 5e-324, math.inf, -math.inf, sys.float_info.max])
def test_f64(v):
    out = t.echo_f64(v)
    assert out == v and type(out) is float
    assert math.copysign(1, out) == math.copysign(1, v)


def test_f64_nan_and_ints():
    assert math.isnan(t.echo_f64(math.nan))
    assert math.isnan(t.nan())
    assert t.echo_f64(3) == 3.0 and type(t.echo_f64(3)) is float
    assert t.echo_f64(True) == 1.0
    assert t.echo_f64(2**53) == float(2**53)


def test_f64_int_too_large():
    with pytest.raises(OverflowError, match=r"^argument 'x': int too large to convert to float$"):
        t.echo_f64(2**1024)


@pytest.mark.parametrize("bad", ["1.0", b"1", None, [1.0], 1j, object()])
def test_f64_wrong_type(bad):
    msg = rf"^argument 'x': expected float, got {type(bad).__name__}$"
    with pytest.raises(TypeError, match=msg):
        t.echo_f64(bad)


class ComplexWithFloat(complex):
    def __float__(self):
        return 2.5


def test_f64_complex_subclass_with_its_own_float():
    # A complex is refused on every CPython (3.9's complex.__float__ only raises); a subclass's own
    # __float__ is used, as float() does.
    assert t.echo_f64(ComplexWithFloat(1j)) == 2.5


def test_bool():
    assert t.echo_bool(True) is True
    assert t.echo_bool(False) is False


@pytest.mark.parametrize("bad", [0, 1, None, "True", 1.0, [], MyInt(1)])
def test_bool_is_strict(bad):
    with pytest.raises(TypeError, match=rf"^argument 'x': expected bool, got {type(bad).__name__}$"):
        t.echo_bool(bad)


# --- str --------------------------------------------------------------------------------------

STRINGS = ["", "abc", "é", "日本語", "😀", "a\x00b", "\x00", "x" * 100_000, "mixed ✓ 😀 \n\t"]


@pytest.mark.parametrize("s", STRINGS)
@pytest.mark.parametrize("echo", [t.echo_str, t.echo_string], ids=["str", "String"])
def test_str(echo, s):
    out = echo(s)
    assert out == s and type(out) is str


def test_str_is_real_utf8():
    assert t.str_char_count("😀é") == 2
    assert t.str_char_count("a\x00b") == 3


def test_str_subclass_accepted():
    out = t.echo_str(MyStr("sub"))
    assert out == "sub" and type(out) is str


@pytest.mark.parametrize(
    "echo", [t.echo_str, t.echo_string, t.str_char_count], ids=["str", "String", "count"]
)
@pytest.mark.parametrize("s", ["\ud800", "a\udfffb", "x\udc80", "\ufffd\udc80", "\ud83d\ude00"])
def test_str_with_surrogates_is_rejected(echo, s):
    # CPython refuses to encode lone surrogates; PyPy hands out its internal bytes, which oxhpy
    # must reject too (a Rust &str is always valid UTF-8); GraalPy 24.2 hands out U+FFFD for each,
    # which oxhpy checks against the code points.
    with pytest.raises(UnicodeError):
        echo(s)


@pytest.mark.parametrize("bad", [b"abc", bytearray(b"abc"), 1, None, ["a"], 1.0])
def test_str_wrong_type(bad):
    for echo in (t.echo_str, t.echo_string):
        with pytest.raises(TypeError, match=rf"^argument 'x': expected str, got {type(bad).__name__}$"):
            echo(bad)


def test_str_with_nul_from_rust():
    assert t.str_with_nul() == "a\x00b\x00"


# --- bytes ------------------------------------------------------------------------------------

BYTES = [b"", b"abc", b"\x00", b"\x00\xff\x80", bytes(range(256)), b"x" * 1_000_000]


@pytest.mark.parametrize("b", BYTES, ids=lambda b: f"len{len(b)}")
@pytest.mark.parametrize("echo", [t.echo_bytes, t.echo_vec_u8], ids=["slice", "Vec"])
def test_bytes(echo, b):
    out = echo(b)
    assert out == b and type(out) is bytes


@pytest.mark.parametrize("bad", ["abc", bytearray(b"abc"), memoryview(b"abc"), 1, None])
def test_bytes_wrong_type(bad):
    with pytest.raises(TypeError, match=rf"^argument 'x': expected bytes, got {type(bad).__name__}$"):
        t.echo_bytes(bad)


def test_vec_u8_from_sequences():
    assert t.echo_vec_u8([1, 2, 255]) == b"\x01\x02\xff"
    assert t.echo_vec_u8((0, 65)) == b"\x00A"
    assert t.echo_vec_u8([]) == b""


def test_vec_u8_bad_items():
    with pytest.raises(OverflowError, match=r"^argument 'x': int out of range for u8$"):
        t.echo_vec_u8([1, 256])
    with pytest.raises(OverflowError, match=r"^argument 'x': "):
        t.echo_vec_u8([-1])
    with pytest.raises(TypeError, match=r"^argument 'x': expected int, got str$"):
        t.echo_vec_u8([1, "a"])
    for bad in ["abc", bytearray(b"ab"), 5, None, {1: 2}]:
        with pytest.raises(TypeError, match=rf"^argument 'x': expected bytes, got {type(bad).__name__}$"):
            t.echo_vec_u8(bad)


def test_byte_inputs_not_modified():
    lst = [1, 2, 3]
    ba = bytearray(b"abc")
    t.echo_vec_u8(lst)
    with pytest.raises(TypeError):
        t.echo_bytes(ba)
    assert lst == [1, 2, 3] and ba == bytearray(b"abc")


# --- Option -----------------------------------------------------------------------------------


def test_option():
    assert t.echo_opt_i64(None) is None
    assert t.echo_opt_i64(5) == 5
    assert t.echo_opt_str(None) is None
    assert t.echo_opt_str("s") == "s"
    with pytest.raises(TypeError, match=r"^argument 'x': expected int, got str$"):
        t.echo_opt_i64("5")
    with pytest.raises(OverflowError, match=r"^argument 'x': int out of range for i64$"):
        t.echo_opt_i64(2**63)
    with pytest.raises(TypeError, match=r"^argument 'x': expected str, got int$"):
        t.echo_opt_str(1)


def test_option_parameter_is_optional():
    assert t.echo_opt_i64() is None


# --- tuples -----------------------------------------------------------------------------------


def test_tuple():
    assert t.echo_tuple((1, "a")) == (1, "a")
    assert type(t.echo_tuple((1, "a"))) is tuple
    assert t.echo_tuple1((5,)) == (5,)
    v = (True, -3, 2.5, "s", None, [1, 2])
    assert t.echo_tuple6(v) == v
    assert t.echo_tuple6((False, 0, 1, "", 4, [])) == (False, 0, 1.0, "", 4, [])


def test_tuple_subclass_accepted():
    P = collections.namedtuple("P", "n s")
    out = t.echo_tuple(P(1, "a"))
    assert out == (1, "a") and type(out) is tuple


@pytest.mark.parametrize("bad", [[1, "a"], "ab", {1: "a"}, None, 1, b"ab"])
def test_tuple_wrong_type(bad):
    with pytest.raises(
        TypeError, match=rf"^argument 'x': expected tuple of length 2, got {type(bad).__name__}$"
    ):
        t.echo_tuple(bad)


@pytest.mark.parametrize("bad", [(), (1,), (1, "a", 2)])
def test_tuple_wrong_length(bad):
    with pytest.raises(
        ValueError, match=rf"^argument 'x': expected tuple of length 2, got length {len(bad)}$"
    ):
        t.echo_tuple(bad)


def test_tuple_wrong_item_types():
    with pytest.raises(TypeError, match=r"^argument 'x': expected str, got int$"):
        t.echo_tuple((1, 2))
    with pytest.raises(TypeError, match=r"^argument 'x': expected int, got str$"):
        t.echo_tuple(("a", "b"))
    with pytest.raises(OverflowError, match=r"^argument 'x': "):
        t.echo_tuple((2**64, "b"))


# --- Vec --------------------------------------------------------------------------------------


@pytest.mark.parametrize("v", [[], [1], [1, -2, 3], list(range(1000)), [2**63 - 1, -(2**63)]])
def test_vec_i64(v):
    out = t.echo_vec_i64(v)
    assert out == v and type(out) is list and out is not v
    assert t.echo_vec_i64(tuple(v)) == v


@pytest.mark.parametrize("bad", ["abc", {1, 2}, {1: 2}, iter([1]), (i for i in range(2)), 5, None, b"ab"])
def test_vec_wrong_type(bad):
    with pytest.raises(TypeError, match=rf"^argument 'x': expected list, got {type(bad).__name__}$"):
        t.echo_vec_i64(bad)


def test_vec_bad_items():
    with pytest.raises(TypeError, match=r"^argument 'x': expected int, got str$"):
        t.echo_vec_i64([1, "2"])
    with pytest.raises(OverflowError, match=r"^argument 'x': int out of range for i64$"):
        t.echo_vec_i64([1, 2**63])
    with pytest.raises(TypeError, match=r"^argument 'x': expected str, got int$"):
        t.echo_vec_string(["a", 1])
    with pytest.raises(TypeError, match=r"^argument 'x': expected list, got str$"):
        t.echo_vec_vec([[1], "x"])


def test_vec_input_not_modified():
    v = [3, 1, 2]
    t.echo_vec_i64(v)
    with pytest.raises(TypeError):
        t.echo_vec_i64(v + ["x"])
    assert v == [3, 1, 2]


def test_vec_other_items():
    assert t.echo_vec_f64([1.5, 2]) == [1.5, 2.0]
    assert t.echo_vec_string(["a", "é", ""]) == ["a", "é", ""]
    assert t.echo_vec_string(("x",)) == ["x"]
    assert t.echo_vec_opt([1, None, 3]) == [1, None, 3]
    assert t.echo_vec_vec([[1], [], (2, 3)]) == [[1], [], [2, 3]]
    assert t.echo_vec_tuple([(1, "a"), (2, "b")]) == [(1, "a"), (2, "b")]
    with pytest.raises(TypeError, match=r"^argument 'x': expected tuple of length 2, got list$"):
        t.echo_vec_tuple([[1, "a"]])


def test_vec_handle_keeps_identity():
    a, b = object(), [1]
    out = t.echo_vec_handle([a, b, None])
    assert out[0] is a and out[1] is b and out[2] is None


# --- handles and unit -------------------------------------------------------------------------


@pytest.mark.parametrize("obj", [object(), None, 1, "s", [1], {"k": 1}, t, int, 2**100])
def test_handle_returns_the_same_object(obj):
    assert t.echo_handle(obj) is obj
    assert t.echo_borrowed(obj) is obj


def test_into_refs():
    o = object()
    s, h = t.into_refs("text", o)
    assert s == "text" and h is o


def test_unit():
    assert t.unit() is None


def test_extremes():
    u, i, small, f = t.extremes()
    assert u == [2**64 - 1, 0]
    assert i == [-(2**63), 2**63 - 1]
    assert small == (-(2**31), 2**31 - 1, 2**32 - 1, 2**64 - 1, -(2**63), 2**63 - 1)
    assert f[:2] == [math.inf, -math.inf]
    assert f[2] == 0.0 and math.copysign(1, f[2]) == -1
    assert f[3] == sys.float_info.min


# --- maps: HashMap / BTreeMap <-> dict --------------------------------------------------------------


def test_maps_round_trip():
    d = {"b": 2, "a": -1, "é": 2**62}
    assert t.echo_hashmap(d) == d
    assert t.echo_hashmap({}) == {}
    m = {3: ["x"], -1: [], 2: ["a", "b"]}
    out = t.echo_btreemap(m)
    assert out == m and list(out) == [-1, 2, 3] and type(out) is dict
    nested = [{"p": {"x": 1.5, "y": None}}, {}]
    assert t.echo_nested_maps(nested) == nested
    # dict subclasses are dicts
    assert t.echo_hashmap(collections.OrderedDict(a=1)) == {"a": 1}
    assert t.echo_hashmap(collections.defaultdict(int, a=1)) == {"a": 1}


def test_maps_errors_and_input_untouched():
    import types

    for bad in [None, [], [("a", 1)], "ab", types.MappingProxyType({"a": 1}), 1]:
        with pytest.raises(TypeError, match=rf"^argument 'm': expected dict, got {type(bad).__name__}$"):
            t.echo_hashmap(bad)
    d = {"a": 1, 2: 3}
    with pytest.raises(TypeError, match="^argument 'm': expected str, got int$"):
        t.echo_hashmap(d)
    assert d == {"a": 1, 2: 3}
    with pytest.raises(OverflowError):
        t.echo_hashmap({"a": 2**63})
    with pytest.raises(TypeError, match="^argument 'm': expected list, got str$"):
        t.echo_btreemap({1: "x"})


def test_maps_by_reference_from_a_class():
    ix = t.Index("a b a c b a")
    assert ix.words == {"a": [0, 2, 5], "b": [1, 4], "c": [3]}
    assert list(ix.words) == ["a", "b", "c"]
    assert ix.positions() == ix.words and ix.positions() is not ix.words


def test_sets():
    assert t.echo_hashset({1, -2, 2**62}) == {1, -2, 2**62}
    assert type(t.echo_hashset(set())) is set
    assert t.echo_hashset(frozenset({3})) == {3}
    assert t.sorted_set({"b", "a", "é"}) == (["a", "b", "é"], {"a", "b", "é"})
    for bad in [None, [1], (1,), {1: 2}, "ab", 1]:
        with pytest.raises(TypeError, match=rf"^argument 's': expected set, got {type(bad).__name__}$"):
            t.echo_hashset(bad)
    with pytest.raises(TypeError, match="^argument 's': expected int, got str$"):
        t.echo_hashset({"x"})
