"""``#[derive(FromPy)]`` and ``#[derive(IntoPy)]`` (``tests/ext/src/derives.rs``): every shape of struct and
enum, as parameters, results and ``extract`` targets; errors name the argument and the field, keep the
exception type of the failed conversion (``AttributeError`` for a missing attribute, ``KeyError`` for a
missing key), and an enum that no variant fits is a ``TypeError`` listing each variant's error."""

import collections
import math
import types

import oxhpy_testext as t
import pytest

NS = types.SimpleNamespace
NS_NAME = type(NS()).__name__
RAISED = "(raised by Python code; HPy cannot read its message)"
LOOKUP = (TypeError, AttributeError, KeyError, IndexError, ValueError, OverflowError)


def error_of(f, *args):
    """``(type, message)`` of the exception that ``f(*args)`` raises (a ``KeyError``'s message unquoted)."""
    with pytest.raises(BaseException) as e:
        f(*args)
    return type(e.value), (e.value.args[0] if isinstance(e.value, KeyError) else str(e.value))


# --- named fields: attributes -----------------------------------------------------------------


def test_point_from_attributes():
    assert t.point_norm(NS(x=3.0, y=4)) == 5.0
    P = collections.namedtuple("P", "x y")
    assert t.point_norm(P(6, 8)) == 10.0
    assert t.extract_point(NS(x=1, y=2.5)) == (1.0, 2.5)


def test_point_to_dict():
    assert t.point_new(1.5, -2) == {"x": 1.5, "y": -2.0}
    out = t.point_echo(NS(x=1, y=2, z=3))
    assert out == {"x": 1.0, "y": 2.0} and type(out) is dict and list(out) == ["x", "y"]


def test_attribute_from_property_and_getattr():
    class Lazy:
        @property
        def x(self):
            return 3.0

        def __getattr__(self, name):
            if name == "y":
                return 4.0
            raise AttributeError(name)

    assert t.point_norm(Lazy()) == 5.0


def test_field_wrong_type():
    assert error_of(t.point_norm, NS(x="a", y=1)) == (
        TypeError,
        "argument 'p': failed to extract field Point.x: expected float, got str",
    )
    assert error_of(t.point_norm, NS(x=1, y=None)) == (
        TypeError,
        "argument 'p': failed to extract field Point.y: expected float, got NoneType",
    )


def test_missing_attribute():
    assert error_of(t.point_norm, NS(x=1)) == (
        AttributeError,
        f"argument 'p': failed to extract field Point.y: '{NS_NAME}' object has no attribute 'y'",
    )
    assert error_of(t.point_norm, 5) == (
        AttributeError,
        "argument 'p': failed to extract field Point.x: 'int' object has no attribute 'x'",
    )
    assert error_of(t.point_norm, {"x": 1, "y": 2}) == (
        AttributeError,
        "argument 'p': failed to extract field Point.x: 'dict' object has no attribute 'x'",
    )


def test_extract_error_has_no_argument_name():
    assert error_of(t.extract_point, NS(x=[], y=1)) == (
        TypeError,
        "failed to extract field Point.x: expected float, got list",
    )


def test_exception_from_property_propagates():
    class Boom:
        @property
        def x(self):
            raise RuntimeError("boom")

        y = 1.0

    assert error_of(t.point_norm, Boom()) == (RuntimeError, "boom")

    class Missing:
        # An AttributeError raised by a property is a missing attribute, as for getattr(obj, "x", default).
        @property
        def x(self):
            raise AttributeError("no x today")

        y = 1.0

    assert error_of(t.point_norm, Missing()) == (
        AttributeError,
        "argument 'p': failed to extract field Point.x: 'Missing' object has no attribute 'x'",
    )


def test_exception_from_float_propagates():
    class BadFloat:
        def __float__(self):
            raise ZeroDivisionError("bad float")

    assert error_of(t.point_norm, NS(x=BadFloat(), y=1)) == (ZeroDivisionError, "bad float")


def test_renamed_attributes():
    out = t.complex_echo(1 + 2j)
    assert out == {"real": 1.0, "imag": 2.0, "__class__": complex}
    assert error_of(t.complex_echo, "1+2j") == (
        AttributeError,
        "argument 'c': failed to extract field Complex.re: 'str' object has no attribute 'real'",
    )


def test_defaults_option_raw_identifier_handle():
    payload = object()
    got = t.options_fields(NS(name="n", label=None, type="t", payload=payload))
    assert got == ("n", False, 3, None, "t", payload) and got[5] is payload
    got = t.options_fields(NS(name="n", verbose=True, retries=9, label="l", type="t", payload=payload))
    assert got == ("n", True, 9, "l", "t", payload)
    out = t.options_echo(NS(name="n", label="l", type="t", payload=payload))
    assert out == {"name": "n", "verbose": False, "retries": 3, "label": "l", "type": "t", "payload": payload}
    assert out["payload"] is payload
    # `Option` is no default: the attribute must be there (possibly None).
    assert error_of(t.options_fields, NS(name="n", type="t", payload=payload)) == (
        AttributeError,
        f"argument 'o': failed to extract field Options.label: '{NS_NAME}' object has no attribute 'label'",
    )
    # A default is only for a missing attribute: a wrong value is still an error.
    assert error_of(t.options_fields, NS(name="n", retries=256, label=None, type="t", payload=payload)) == (
        OverflowError,
        "argument 'o': failed to extract field Options.retries: int out of range for u8",
    )
    assert error_of(t.options_fields, NS(name="n", verbose=1, label=None, type="t", payload=payload)) == (
        TypeError,
        "argument 'o': failed to extract field Options.verbose: expected bool, got int",
    )


# --- named fields: items ----------------------------------------------------------------------


def test_items():
    assert t.config_fields({"host": "h", "port-number": 80}) == ("h", 80, False, 1.5)
    full = {"host": "h", "port-number": 80, "debug": True, "timeout": 2}
    assert t.config_fields(full) == ("h", 80, True, 2.0)
    out = t.config_echo(collections.OrderedDict([("host", "h"), ("port-number", 8080)]))
    assert out == {
        "host": "h",
        "port-number": 8080,
        "debug": False,
        "timeout": 1.5,
        "__class__": collections.OrderedDict,
    }


def test_items_from_any_mapping():
    class Mapping:
        def __getitem__(self, key):
            if key == "host":
                return "m"
            if key == "port-number":
                return 1
            raise KeyError(key)

    assert t.config_fields(Mapping()) == ("m", 1, False, 1.5)


def test_missing_item():
    assert error_of(t.config_fields, {"host": "h"}) == (
        KeyError,
        "argument 'c': failed to extract field Config.port: key 'port-number' not found",
    )
    assert error_of(t.config_fields, 3) == (
        TypeError,
        "argument 'c': failed to extract field Config.host: 'int' object is not subscriptable",
    )
    assert error_of(t.config_fields, {"host": "h", "port-number": 65536}) == (
        OverflowError,
        "argument 'c': failed to extract field Config.port: int out of range for u16",
    )


def test_item_lookup_error_propagates():
    class Strict:
        def __getitem__(self, key):
            raise ValueError(f"no {key}")

    assert error_of(t.config_fields, Strict()) == (ValueError, "no host")
    # A list's own TypeError for a str index.
    assert error_of(t.config_fields, ["h", 80])[0] is TypeError


def test_from_item_all():
    assert t.row_fields({"id": 1, "tags": ["a", "b"]}) == (1, ["a", "b"], 2)
    assert error_of(t.row_fields, {"id": 1}) == (
        KeyError,
        "argument 'r': failed to extract field Row.tags: key 'tags' not found",
    )
    assert error_of(t.row_fields, {"id": 1, "tags": "ab"}) == (
        TypeError,
        "argument 'r': failed to extract field Row.tags: expected list, got str",
    )


def test_items_by_index():
    assert t.ends_echo([1, 2, 3]) == {0: 1, -1: 3}
    assert t.ends_echo((5,)) == {0: 5, -1: 5}
    assert t.ends_echo(range(10, 20)) == {0: 10, -1: 19}
    assert error_of(t.ends_echo, []) == (
        IndexError,
        "argument 'e': failed to extract field Ends.first: index 0 out of range",
    )
    assert error_of(t.ends_echo, {1: 1}) == (
        KeyError,
        "argument 'e': failed to extract field Ends.first: key 0 not found",
    )


# --- tuples, newtypes, transparent --------------------------------------------------------------


def test_tuple_struct():
    assert t.pair_echo((1, "a")) == (1, "a")
    assert type(t.pair_echo((1, "a"))) is tuple
    assert t.pair_swap((2, "b")) == ("b", 2)

    class MyTuple(tuple):
        pass

    assert t.pair_swap(MyTuple((3, "c"))) == ("c", 3)


def test_tuple_struct_errors():
    assert error_of(t.pair_echo, [1, "a"]) == (
        TypeError,
        "argument 'p': expected tuple of length 2, got list",
    )
    assert error_of(t.pair_echo, (1, "a", 2)) == (
        ValueError,
        "argument 'p': expected tuple of length 2, got length 3",
    )
    assert error_of(t.pair_echo, (1, 2)) == (
        TypeError,
        "argument 'p': failed to extract field Pair.1: expected str, got int",
    )


def test_newtype_is_the_value_itself():
    assert t.meters_double(1.25) == 2.5
    assert t.meters_double(2) == 4.0
    assert error_of(t.meters_double, "1") == (
        TypeError,
        "argument 'm': failed to extract field Meters.0: expected float, got str",
    )
    # A newtype of a 1-tuple reads a 1-tuple.
    assert t.single_echo((4,)) == (4,)
    assert error_of(t.single_echo, 4) == (
        TypeError,
        "argument 's': failed to extract field Single.0: expected tuple of length 1, got int",
    )


def test_transparent_named_field():
    assert t.name_upper("abc") == "ABC"
    assert error_of(t.name_upper, b"abc") == (
        TypeError,
        "argument 'n': failed to extract field Name.value: expected str, got bytes",
    )


# --- nesting, Vec, generics, lifetimes ----------------------------------------------------------


def test_nested():
    seg = NS(start=NS(x=0, y=0), end=NS(x=3, y=4))
    assert t.segment_length(seg) == 5.0
    seg.via = [NS(x=3, y=0)]
    assert t.segment_length(seg) == 7.0
    assert t.segment_echo(seg) == {
        "start": {"x": 0.0, "y": 0.0},
        "end": {"x": 3.0, "y": 4.0},
        "via": [{"x": 3.0, "y": 0.0}],
    }
    assert error_of(t.segment_length, NS(start=NS(x=0, y=0), end=NS(x=0, y="4"))) == (
        TypeError,
        "argument 's': failed to extract field Segment.end: failed to extract field Point.y: "
        "expected float, got str",
    )
    assert error_of(t.segment_length, NS(start={"x": 0, "y": 0}, end=NS(x=0, y=0))) == (
        AttributeError,
        "argument 's': failed to extract field Segment.start: failed to extract field Point.x: "
        "'dict' object has no attribute 'x'",
    )


def test_vec_of_derived():
    assert t.points_sum([NS(x=1, y=2), NS(x=3, y=4)]) == {"x": 4.0, "y": 6.0}
    assert t.points_sum(()) == {"x": 0.0, "y": 0.0}
    assert error_of(t.points_sum, [NS(x=1, y=2), NS(x="3", y=4)]) == (
        TypeError,
        "argument 'points': failed to extract field Point.x: expected float, got str",
    )
    assert error_of(t.points_sum, NS(x=1, y=2)) == (
        TypeError,
        f"argument 'points': expected list, got {NS_NAME}",
    )


def test_generics():
    assert t.boxed_int(NS(value=41)) == {"value": 42}
    assert t.boxed_strs(NS(value=["a", "b", "c"])) == {"value": 3}
    assert error_of(t.boxed_int, NS(value="1")) == (
        TypeError,
        "argument 'b': failed to extract field Boxed.value: expected int, got str",
    )
    assert t.both_swap((1, "x")) == ("x", 1)
    assert t.wrapped_sum([1, 2, 3]) == 6
    assert error_of(t.wrapped_sum, [1, "2"]) == (
        TypeError,
        "argument 'items': failed to extract field Wrapped.0: expected int, got str",
    )


def test_borrowing_newtypes():
    assert t.text_len("héllo") == 5
    assert error_of(t.text_len, 5) == (
        TypeError,
        "argument 't': failed to extract field Text.0: expected str, got int",
    )
    obj = object()
    assert t.any_echo(obj) is obj


def test_struct_with_handle():
    payload = [1, 2]
    assert t.tagged_payload({"tag": "t", "payload": payload}) is payload
    out = t.tagged_new("t", payload)
    assert out == {"tag": "t", "payload": payload} and out["payload"] is payload


# --- enums --------------------------------------------------------------------------------------


def test_enum_variants_in_order():
    assert t.shape_area(NS(r=1)) == ("Circle", math.pi)
    assert t.shape_area(NS(w=2, h=3)) == ("Rect", 6.0)
    # Both fit: the first variant wins.
    assert t.shape_area(NS(r=1, w=2, h=3))[0] == "Circle"
    assert t.shape_area({"side": 3}) == ("Square", 9.0)
    assert t.shape_area((2, 5)) == ("Pair", 10.0)
    assert t.shape_area(7) == ("Number", 7.0)
    # A circle whose radius is no float falls through to the next variants.
    assert t.shape_area(NS(r="x", w=1, h=1))[0] == "Rect"


def test_enum_into_py():
    assert t.shape_echo(NS(r=1)) == {"r": 1.0}
    assert t.shape_echo(NS(w=1, h=2)) == {"w": 1.0, "h": 2.0}
    assert t.shape_echo({"side": 2}) == {"side": 2.0}
    assert t.shape_echo((1, 2)) == (1.0, 2.0)
    assert t.shape_echo(3) == 3.0
    assert t.out_make(0) == 7
    assert t.out_make(1) == {"x": 1, "y": "one"}
    assert t.out_make(2) == (2, True)


def test_enum_no_variant_fits():
    assert error_of(t.shape_area, "big") == (
        TypeError,
        "argument 's': failed to extract enum Shape (Circle | Rect | Square | Pair | Number)\n"
        "- variant Circle: AttributeError: failed to extract field Shape::Circle.r: "
        "'str' object has no attribute 'r'\n"
        "- variant Rect: AttributeError: failed to extract field Shape::Rect.w: "
        "'str' object has no attribute 'w'\n"
        # str's own TypeError ("string indices must be integers"), which HPy cannot read.
        f"- variant Square: TypeError {RAISED}\n"
        "- variant Pair: TypeError: expected tuple of length 2, got str\n"
        "- variant Number: TypeError: failed to extract field Shape::Number.0: expected float, got str",
    )
    _, msg = error_of(t.shape_area, 1j)
    assert (
        "- variant Square: TypeError: failed to extract field Shape::Square.side: "
        "'complex' object is not subscriptable" in msg.split("\n")
    )


def test_enum_scalars():
    assert t.int_or_str(5) == ("Int", 5)
    assert t.int_or_str("five") == ("Str", "five")
    assert t.int_or_str(True) == ("Int", 1)
    assert error_of(t.int_or_str, 5.5) == (
        TypeError,
        "argument 'v': failed to extract enum IntOrStr (Int | Str)\n"
        "- variant Int: TypeError: failed to extract field IntOrStr::Int.0: expected int, got float\n"
        "- variant Str: TypeError: failed to extract field IntOrStr::Str.0: expected str, got float",
    )


def test_enum_borrowing_variants():
    assert t.arg_kind(3) == "int 3"
    assert t.arg_kind("s") == "text s"
    assert t.arg_kind([]) == "other list"


def test_enum_errors_of_every_kind():
    # A user FromPy's ValueError, a custom exception, an OverflowError, and a missing attribute.
    assert error_of(t.picky, 300) == (
        TypeError,
        "argument 'p': failed to extract enum Picky (Prob | Never | Small | Attr)\n"
        "- variant Prob: ValueError: failed to extract field Picky::Prob.0: 300 is not a probability\n"
        # The type's __name__ (GraalPy 24.2's is "_native.MyValueError": see GRAALPY_EXC_NAME in conftest.py).
        f"- variant Never: {t.MyValueError.__name__}: "
        "failed to extract field Picky::Never.0: never extracts\n"
        "- variant Small: OverflowError: failed to extract field Picky::Small.0: int out of range for u8\n"
        "- variant Attr: AttributeError: failed to extract field Picky::Attr.value: "
        "'int' object has no attribute 'value'",
    )
    assert t.picky(0.5) == "Prob 0.5"
    assert t.picky(NS(value=3)) == "Attr 3"


def test_enum_with_exceptions_raised_by_python():
    class Index:
        def __index__(self):
            raise ZeroDivisionError("no index")

    kind, msg = error_of(t.picky, Index())
    lines = msg.split("\n")
    assert kind is TypeError and len(lines) == 5
    # float() and u8 both call __index__, which raises.
    assert lines[1] == f"- variant Prob: ZeroDivisionError {RAISED}"
    assert lines[3] == f"- variant Small: ZeroDivisionError {RAISED}"
    assert lines[4].startswith("- variant Attr: AttributeError: failed to extract field Picky::Attr.value")

    class Value:
        @property
        def value(self):
            raise KeyError("k")

    kind, msg = error_of(t.picky, Value())
    assert kind is TypeError and msg.split("\n")[-1] == f"- variant Attr: KeyError {RAISED}"


def test_enum_does_not_swallow_keyboard_interrupt():
    class Interrupting:
        @property
        def value(self):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        t.picky(Interrupting())


def test_chance_user_error_keeps_its_type():
    assert t.chance(NS(p=0.25)) == 0.25
    assert error_of(t.chance, NS(p=2)) == (
        ValueError,
        "argument 'c': failed to extract field Chance.p: 2 is not a probability",
    )


# --- IntoPy errors ------------------------------------------------------------------------------


def test_into_py_field_error():
    assert error_of(t.broken_result) == (t.MyValueError, "failed to convert field Broken.bad: cannot convert")
    assert error_of(t.broken_tuple) == (
        t.MyValueError,
        "failed to convert field BrokenTuple.1: cannot convert",
    )


# --- in methods ---------------------------------------------------------------------------------


def test_in_methods():
    c = t.Canvas()
    assert c.add(NS(w=2, h=2)) == 4.0
    assert c.add(3) == 3.0
    assert c.entries() == [("Rect", 4.0), ("Number", 3.0)]
    kind, msg = error_of(c.add, "x")
    assert kind is TypeError and msg.startswith("argument 'shape': failed to extract enum Shape (")
    assert t.Canvas.mirror(NS(x=1, y=-2)) == {"x": -1.0, "y": 2.0}
    assert error_of(t.Canvas.mirror, None) == (
        AttributeError,
        "argument 'p': failed to extract field Point.x: 'NoneType' object has no attribute 'x'",
    )


# --- from_py_with / into_py_with ---------------------------------------------------------------


def test_from_py_with_and_into_py_with_fields():
    assert t.color_fields({"rgb": "0x102030", "name": "navy"}) == (0x102030, 0xFF, "navy")
    assert t.color_fields({"rgb": "ff", "alpha": "0x10", "name": None}) == (0xFF, 0x10, None)
    assert t.color_echo({"rgb": "abc", "name": None}) == {"rgb": "0xabc", "alpha": "0xff", "name": None}
    assert t.hex_pair(("10", "ff")) == (16, "0xff")
    assert t.length_cm("3 cm") == 3.0 and t.length_cm("2 m") == 200.0


def test_from_py_with_errors_name_the_field():
    assert error_of(t.color_fields, {"rgb": "xyz", "name": None}) == (
        ValueError,
        "argument 'c': failed to extract field Color.rgb: not hex: \"xyz\" (invalid digit found in string)",
    )
    assert error_of(t.color_fields, {"rgb": 5, "name": None}) == (
        TypeError,
        "argument 'c': failed to extract field Color.rgb: expected str, got int",
    )
    kind, msg = error_of(t.color_fields, {"name": None})
    assert kind is KeyError and msg == "argument 'c': failed to extract field Color.rgb: key 'rgb' not found"
    assert error_of(t.hex_pair, ("1", "g")) == (
        ValueError,
        "argument 'p': failed to extract field HexPair.1: not hex: \"g\" (invalid digit found in string)",
    )
    length = "argument 'l': failed to extract field Length.0: "
    assert error_of(t.length_cm, "3 inch") == (ValueError, length + 'unknown unit "inch"')
    assert error_of(t.length_cm, 3) == (TypeError, length + "expected str, got int")
    assert error_of(t.hex_pair, ("1",)) == (
        ValueError,
        "argument 'p': expected tuple of length 2, got length 1",
    )


def test_from_py_with_parameters():
    assert t.hex_sum("1") == 1 + 16
    assert t.hex_sum("0x10", "1") == 17
    assert t.hex_sum("1", b="2", c="3") == 6
    assert t.hex_sum("1", c=None) == 17
    assert error_of(t.hex_sum, "q") == (
        ValueError,
        "argument 'a': not hex: \"q\" (invalid digit found in string)",
    )
    assert error_of(t.hex_sum, "1", 2) == (TypeError, "argument 'b': expected str, got int")
    assert error_of(lambda: t.hex_sum("1", c=[])) == (TypeError, "argument 'c': expected str, got list")


# --- IntoPyRef and conversions by reference -----------------------------------------------------


def test_members_by_reference():
    s = t.Sheet()
    assert s.cells == [None, 1.5, {"text": "hi", "tags": ["a", "b"]}]
    assert s.colors == [{"rgb": "0x102030", "alpha": "0x80", "name": "navy"}]
    assert s.raw == b"\x00\xffraw"
    assert s.pairs == [("one", 1), ("none", None)]
    assert s.labelled == {"tag": "ports", "value": [80, 443]}
    assert s.size == 2.5
    # Each read is a new object; the class keeps its data.
    assert s.cells is not s.cells and s.cells == s.cells


def test_methods_convert_by_reference():
    s = t.Sheet()
    assert s.snapshot() == ([None, 1.5, {"text": "hi", "tags": ["a", "b"]}], b"\x00\xffraw", 2.5, [80, 443])
    assert s.snapshot() == s.snapshot()


# --- bad input never crashes --------------------------------------------------------------------

BAD = [None, 0, -1, 2**100, 1.5, float("nan"), "", "x", b"x", [], [1], (), (1,), (1, 2, 3), {}, {"x": 1}]


@pytest.mark.parametrize("bad", [*BAD, object(), NS(), int, len])
def test_bad_input(bad):
    for f in (t.point_norm, t.config_fields, t.row_fields, t.pair_echo, t.segment_length, t.chance):
        with pytest.raises(LOOKUP):
            f(bad)
    for f in (
        t.tagged_payload,
        t.shape_area,
        t.int_or_str,
        t.picky,
        t.ends_echo,
        t.meters_double,
        t.name_upper,
    ):
        try:
            f(bad)
        except LOOKUP:
            pass
