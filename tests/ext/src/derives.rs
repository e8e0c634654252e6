//! `tests/test_derives.py`: `#[derive(FromPy)]` and `#[derive(IntoPy)]` on every shape (named
//! fields from attributes or items, tuple structs, newtypes, `transparent`, enums, generics,
//! lifetimes), as parameters, results and `extract` targets, and the errors that name the field.
use crate::errors::MY_VALUE_ERROR;
use oxhpy::prelude::*;

// ---------------------------------------------------------------------------------------
// Named fields: attributes
// ---------------------------------------------------------------------------------------

/// Read from `p.x`, `p.y`; returned as `{"x": ..., "y": ...}`.
#[derive(FromPy, IntoPy, Debug)]
pub struct Point {
    x: f64,
    y: f64,
}

#[oxhpy::function]
pub fn point_norm(p: Point) -> f64 {
    p.x.hypot(p.y)
}

#[oxhpy::function]
pub fn point_echo(p: Point) -> Point {
    p
}

#[oxhpy::function]
pub fn point_new(x: f64, y: f64) -> Point {
    Point { x, y }
}

/// `complex` read through renamed attributes; returned as `{"real": ..., "imag": ...,
/// "__class__": ...}`.
#[derive(FromPy, IntoPy)]
pub struct Complex<'py> {
    #[oxhpy(attribute = "real")]
    re: f64,
    #[oxhpy(attribute = "imag")]
    im: f64,
    #[oxhpy(attribute = "__class__")]
    r#type: Handle<'py>,
}

/// Attributes with defaults, an `Option`, a raw identifier, and a `Handle` kept as it is.
#[derive(FromPy, IntoPy)]
pub struct Options<'py> {
    name: String,
    #[oxhpy(default)]
    verbose: bool,
    #[oxhpy(default = 3)]
    retries: u8,
    label: Option<String>,
    #[oxhpy(attribute)]
    r#type: String,
    payload: Handle<'py>,
}

/// `(name, verbose, retries, label, type, payload)`: the payload is the object itself.
#[oxhpy::function]
pub fn complex_echo(c: Complex<'_>) -> Complex<'_> {
    c
}

#[oxhpy::function]
pub fn options_fields(o: Options<'_>) -> (String, bool, u8, Option<String>, String, Handle<'_>) {
    (o.name, o.verbose, o.retries, o.label, o.r#type, o.payload)
}

#[oxhpy::function]
pub fn options_echo(o: Options<'_>) -> Options<'_> {
    o
}

// ---------------------------------------------------------------------------------------
// Named fields: items
// ---------------------------------------------------------------------------------------

/// `config["host"]`, `config["port-number"]`, ...
#[derive(FromPy, IntoPy)]
pub struct Config<'py> {
    #[oxhpy(item)]
    host: String,
    #[oxhpy(item = "port-number")]
    port: u16,
    #[oxhpy(item, default)]
    debug: bool,
    #[oxhpy(item, default = 1.5)]
    timeout: f64,
    /// An attribute of the same object (a dict's `__class__`).
    #[oxhpy(attribute = "__class__")]
    kind: Handle<'py>,
}

#[oxhpy::function]
pub fn config_fields(c: Config<'_>) -> (String, u16, bool, f64) {
    (c.host, c.port, c.debug, c.timeout)
}

#[oxhpy::function]
pub fn config_echo(c: Config<'_>) -> Config<'_> {
    c
}

/// Every field an item (`from_item_all`), one of them an attribute again.
#[derive(FromPy, IntoPy)]
#[oxhpy(from_item_all)]
pub struct Row<'py> {
    id: i64,
    tags: Vec<String>,
    #[oxhpy(attribute = "__len__")]
    len: Handle<'py>,
}

#[oxhpy::function]
pub fn row_fields(r: Row<'_>) -> PyResult<(i64, Vec<String>, usize)> {
    let n = r.len.call(())?.extract()?;
    Ok((r.id, r.tags, n))
}

/// Items by index: `seq[0]`, `seq[-1]`; returned as `{0: first, -1: last}`.
#[derive(FromPy, IntoPy)]
pub struct Ends {
    #[oxhpy(item = 0)]
    first: i64,
    #[oxhpy(item = -1)]
    last: i64,
}

#[oxhpy::function]
pub fn ends_echo(e: Ends) -> Ends {
    e
}

// ---------------------------------------------------------------------------------------
// Tuples, newtypes, transparent
// ---------------------------------------------------------------------------------------

/// From and to a tuple `(int, str)`.
#[derive(FromPy, IntoPy)]
pub struct Pair(i64, String);

#[oxhpy::function]
pub fn pair_echo(p: Pair) -> Pair {
    p
}

#[oxhpy::function]
pub fn pair_swap(p: Pair) -> (String, i64) {
    (p.1, p.0)
}

/// A newtype: the float itself.
#[derive(FromPy, IntoPy)]
pub struct Meters(f64);

#[oxhpy::function]
pub fn meters_double(m: Meters) -> Meters {
    Meters(m.0 * 2.0)
}

/// One named field, `transparent`: the str itself.
#[derive(FromPy, IntoPy)]
#[oxhpy(transparent)]
pub struct Name {
    value: String,
}

#[oxhpy::function]
pub fn name_upper(n: Name) -> Name {
    Name {
        value: n.value.to_uppercase(),
    }
}

/// A tuple struct of one 1-tuple: `((x,),)` is not needed, `(x,)` is read.
#[derive(FromPy, IntoPy)]
pub struct Single((i64,));

#[oxhpy::function]
pub fn single_echo(s: Single) -> Single {
    s
}

// ---------------------------------------------------------------------------------------
// Nesting, Vec, extract, generics, lifetimes
// ---------------------------------------------------------------------------------------

/// Fields that are derived types themselves.
#[derive(FromPy, IntoPy)]
pub struct Segment {
    start: Point,
    end: Point,
    #[oxhpy(default)]
    via: Vec<Point>,
}

#[oxhpy::function]
pub fn segment_length(s: Segment) -> f64 {
    let mut pts = vec![&s.start];
    pts.extend(s.via.iter());
    pts.push(&s.end);
    pts.windows(2)
        .map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y))
        .sum()
}

#[oxhpy::function]
pub fn segment_echo(s: Segment) -> Segment {
    s
}

/// A `Vec` of a derived type (the derive implements `FromPyItem`).
#[oxhpy::function]
pub fn points_sum(points: Vec<Point>) -> Point {
    points.iter().fold(Point { x: 0.0, y: 0.0 }, |a, p| Point {
        x: a.x + p.x,
        y: a.y + p.y,
    })
}

/// `obj.extract::<Point>()`.
#[oxhpy::function]
pub fn extract_point(obj: Borrowed<'_, '_>) -> PyResult<(f64, f64)> {
    let p: Point = obj.extract()?;
    Ok((p.x, p.y))
}

/// Generic over the value's type.
#[derive(FromPy, IntoPy)]
pub struct Boxed<T> {
    value: T,
}

#[oxhpy::function]
pub fn boxed_int(b: Boxed<i64>) -> Boxed<i64> {
    Boxed { value: b.value + 1 }
}

#[oxhpy::function]
pub fn boxed_strs(b: Boxed<Vec<String>>) -> Boxed<usize> {
    Boxed {
        value: b.value.len(),
    }
}

/// A generic newtype: the value itself (a `Vec` of it converts too).
#[derive(FromPy, IntoPy)]
pub struct Wrapped<T>(T);

#[oxhpy::function]
pub fn wrapped_sum(items: Vec<Wrapped<i64>>) -> Wrapped<i64> {
    Wrapped(items.iter().map(|w| w.0).sum())
}

/// Generic tuple and where-clause.
#[derive(FromPy, IntoPy)]
pub struct Both<A, B>(A, B)
where
    A: Clone;

#[oxhpy::function]
pub fn both_swap(b: Both<i64, String>) -> Both<String, i64> {
    Both(b.1, b.0)
}

/// A newtype that borrows the argument's text (`'a`: the lifetime of the object extracted from).
#[derive(FromPy)]
pub struct Text<'a>(&'a str);

#[oxhpy::function]
pub fn text_len(t: Text<'_>) -> usize {
    t.0.chars().count()
}

/// A newtype around the argument's borrowed handle: its type name.
#[derive(FromPy, IntoPy)]
pub struct Any<'a, 'py>(Borrowed<'a, 'py>);

#[oxhpy::function]
pub fn any_echo<'py>(a: Any<'_, 'py>) -> Handle<'py> {
    a.0.dup()
}

/// A struct that keeps a handle: returned, it is the dict `{"tag": ..., "payload": payload}`.
#[derive(FromPy, IntoPy)]
pub struct Tagged<'py> {
    #[oxhpy(item)]
    tag: String,
    #[oxhpy(item)]
    payload: Handle<'py>,
}

#[oxhpy::function]
pub fn tagged_payload(t: Tagged<'_>) -> Handle<'_> {
    t.payload
}

#[oxhpy::function]
pub fn tagged_new<'py>(tag: String, payload: Handle<'py>) -> Tagged<'py> {
    Tagged { tag, payload }
}

// ---------------------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------------------

/// Tried in order: a circle (`.r`), a rectangle (`.w`, `.h`), a dict with a `"side"`, a pair, a
/// number.
#[derive(FromPy, IntoPy, Debug)]
pub enum Shape {
    Circle {
        r: f64,
    },
    Rect {
        w: f64,
        h: f64,
    },
    #[oxhpy(from_item_all)]
    Square {
        side: f64,
    },
    Pair(f64, f64),
    Number(f64),
}

#[oxhpy::function]
pub fn shape_area(s: Shape) -> (String, f64) {
    match s {
        Shape::Circle { r } => ("Circle".into(), std::f64::consts::PI * r * r),
        Shape::Rect { w, h } => ("Rect".into(), w * h),
        Shape::Square { side } => ("Square".into(), side * side),
        Shape::Pair(a, b) => ("Pair".into(), a * b),
        Shape::Number(x) => ("Number".into(), x),
    }
}

#[oxhpy::function]
pub fn shape_echo(s: Shape) -> Shape {
    s
}

/// An int or a str, as PyO3's guide shows it.
#[derive(FromPy, IntoPy)]
pub enum IntOrStr {
    Int(i64),
    Str(String),
}

#[oxhpy::function]
pub fn int_or_str(v: IntOrStr) -> (String, IntOrStr) {
    let kind = match &v {
        IntOrStr::Int(_) => "Int",
        IntOrStr::Str(_) => "Str",
    };
    (kind.into(), v)
}

/// Variants that borrow the argument: its text, or the object itself.
#[derive(FromPy)]
pub enum Arg<'a, 'py> {
    Int(i64),
    Text(&'a str),
    #[oxhpy(transparent)]
    Other {
        obj: Borrowed<'a, 'py>,
    },
}

#[oxhpy::function]
pub fn arg_kind(a: Arg<'_, '_>) -> String {
    match a {
        Arg::Int(i) => format!("int {i}"),
        Arg::Text(s) => format!("text {s}"),
        Arg::Other { obj } => format!("other {}", obj.type_name()),
    }
}

/// Results of every variant shape.
#[derive(IntoPy)]
pub enum Out {
    Int(i64),
    Named { x: i64, y: String },
    Tuple(i64, bool),
}

#[oxhpy::function]
pub fn out_make(which: u8) -> PyResult<Out> {
    Ok(match which {
        0 => Out::Int(7),
        1 => Out::Named {
            x: 1,
            y: "one".into(),
        },
        2 => Out::Tuple(2, true),
        _ => return Err(PyErr::value_error("which: 0, 1 or 2")),
    })
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// A float in [0, 1]: `ValueError` otherwise (a user `FromPy` whose error is kept, with the field).
pub struct Probability(f64);

impl<'a, 'py> FromPy<'a, 'py> for Probability {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let p: f64 = obj.extract()?;
        if !(0.0..=1.0).contains(&p) {
            return Err(PyErr::value_error(format!("{p} is not a probability")));
        }
        Ok(Probability(p))
    }
}

impl<'py> IntoPy<'py> for Probability {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        self.0.into_py(ctx)
    }
}

/// A value whose conversion to Python fails (`MyValueError`), and whose extraction raises one.
pub struct Unconvertible;

impl<'py> IntoPy<'py> for Unconvertible {
    fn into_py(self, _ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Err(PyErr::custom(&MY_VALUE_ERROR, "cannot convert"))
    }
}

impl<'a, 'py> FromPy<'a, 'py> for Unconvertible {
    fn from_py(_obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        Err(PyErr::custom(&MY_VALUE_ERROR, "never extracts"))
    }
}

#[derive(FromPy)]
pub struct Chance {
    p: Probability,
}

#[oxhpy::function]
pub fn chance(c: Chance) -> f64 {
    c.p.0
}

/// An enum whose variants fail in different ways (a user error, a custom exception, Python).
#[derive(FromPy)]
pub enum Picky {
    Prob(Probability),
    Never(Unconvertible),
    Small(u8),
    Attr { value: u8 },
}

#[oxhpy::function]
pub fn picky(p: Picky) -> String {
    match p {
        Picky::Prob(p) => format!("Prob {}", p.0),
        Picky::Never(_) => "Never".into(),
        Picky::Small(n) => format!("Small {n}"),
        Picky::Attr { value } => format!("Attr {value}"),
    }
}

#[derive(IntoPy)]
pub struct Broken {
    ok: i64,
    bad: Unconvertible,
}

#[oxhpy::function]
pub fn broken_result() -> Broken {
    Broken {
        ok: 1,
        bad: Unconvertible,
    }
}

#[derive(IntoPy)]
pub struct BrokenTuple(i64, Unconvertible);

#[oxhpy::function]
pub fn broken_tuple() -> BrokenTuple {
    BrokenTuple(1, Unconvertible)
}

// ---------------------------------------------------------------------------------------
// In methods
// ---------------------------------------------------------------------------------------

/// A class whose constructor and methods take derived types.
#[oxhpy::class]
pub struct Canvas {
    shapes: std::sync::Mutex<Vec<(String, f64)>>,
}

#[oxhpy::methods]
impl Canvas {
    #[new]
    fn new() -> Self {
        Canvas {
            shapes: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// Adds a shape; its area.
    fn add(&self, shape: Shape) -> f64 {
        let (kind, area) = shape_area(shape);
        self.shapes.lock().unwrap().push((kind, area));
        area
    }

    /// The shapes' kinds and areas as `Pair`s (tuples).
    fn entries(&self) -> Vec<(String, f64)> {
        self.shapes.lock().unwrap().clone()
    }

    /// A static method with a derived parameter and result.
    #[staticmethod]
    fn mirror(p: Point) -> Point {
        Point { x: -p.x, y: -p.y }
    }
}

// ---------------------------------------------------------------------------------------
// `from_py_with` / `into_py_with`, `#[derive(IntoPyRef)]`, conversions by reference
// ---------------------------------------------------------------------------------------

/// `"0x1f"` or `"1f"` as an integer: a `from_py_with` function (any lifetime of the object).
fn parse_hex(obj: Borrowed<'_, '_>) -> PyResult<u32> {
    let s = obj.extract::<&str>()?;
    u32::from_str_radix(s.trim_start_matches("0x"), 16)
        .map_err(|e| PyErr::value_error(format!("not hex: {s:?} ({e})")))
}

/// An integer as `"0x1f"`: an `into_py_with` function (takes the field by reference).
fn to_hex<'py>(v: &u32, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
    format!("{v:#x}").into_py(ctx)
}

/// A length written as a string (`"3 cm"`), kept as metres.
fn parse_length(obj: Borrowed<'_, '_>) -> PyResult<f64> {
    let s = obj.extract::<&str>()?;
    let (n, unit) = s
        .split_once(' ')
        .ok_or_else(|| PyErr::value_error(format!("expected '<number> <unit>', got {s:?}")))?;
    let n: f64 = n
        .parse()
        .map_err(|_| PyErr::value_error(format!("not a number: {n:?}")))?;
    match unit {
        "m" => Ok(n),
        "cm" => Ok(n / 100.0),
        _ => Err(PyErr::value_error(format!("unknown unit {unit:?}"))),
    }
}

/// Every shape with `from_py_with` / `into_py_with`: a named field (with and without a default),
/// read back as hex strings.
#[derive(FromPy, IntoPy, IntoPyRef, Clone, Debug)]
#[oxhpy(from_item_all)]
pub struct Color {
    #[oxhpy(from_py_with = parse_hex, into_py_with = to_hex)]
    rgb: u32,
    #[oxhpy(from_py_with = parse_hex, into_py_with = to_hex, default = 0xff)]
    alpha: u32,
    name: Option<String>,
}

/// A tuple struct and a newtype with `from_py_with`.
#[derive(FromPy, IntoPy)]
pub struct HexPair(
    #[oxhpy(from_py_with = parse_hex)] u32,
    #[oxhpy(from_py_with = parse_hex, into_py_with = to_hex)] u32,
);

#[derive(FromPy, IntoPy, IntoPyRef)]
pub struct Length(#[oxhpy(from_py_with = parse_length)] f64);

#[oxhpy::function]
pub fn color_echo(c: Color) -> Color {
    c
}

#[oxhpy::function]
pub fn color_fields(c: Color) -> (u32, u32, Option<String>) {
    (c.rgb, c.alpha, c.name)
}

#[oxhpy::function]
pub fn hex_pair(p: HexPair) -> HexPair {
    p
}

#[oxhpy::function]
pub fn length_cm(l: Length) -> f64 {
    l.0 * 100.0
}

/// `None`, or as `parse_hex`.
fn parse_hex_or_none(obj: Borrowed<'_, '_>) -> PyResult<Option<u32>> {
    if obj.is_none() {
        return Ok(None);
    }
    parse_hex(obj).map(Some)
}

/// `from_py_with` on parameters: a positional one, one with a default, an `Option`.
#[oxhpy::function(signature = (a, b = 16, *, c = None))]
pub fn hex_sum(
    #[oxhpy(from_py_with = parse_hex)] a: u32,
    #[oxhpy(from_py_with = parse_hex)] b: u32,
    #[oxhpy(from_py_with = parse_hex_or_none)] c: Option<u32>,
) -> u32 {
    a + b + c.unwrap_or(0)
}

/// Converted by reference only (not `Clone`, no `IntoPy` for the value): an enum.
#[derive(IntoPyRef)]
pub enum Cell {
    Empty(()),
    Number(f64),
    Text {
        text: String,
        tags: Vec<&'static str>,
    },
}

/// A generic type converted by reference.
#[derive(IntoPyRef)]
pub struct Labelled<T> {
    tag: &'static str,
    value: T,
}

/// A class that hands out its data by reference: members read without a clone, methods that
/// convert `&self.…`.
#[oxhpy::class]
pub struct Sheet {
    #[oxhpy(get)]
    cells: Vec<Cell>,
    #[oxhpy(get)]
    colors: Vec<Color>,
    #[oxhpy(get)]
    raw: Vec<u8>,
    #[oxhpy(get)]
    pairs: Vec<(String, Option<i64>)>,
    #[oxhpy(get)]
    labelled: Labelled<Vec<u16>>,
    #[oxhpy(get)]
    size: Length,
}

#[oxhpy::methods]
impl Sheet {
    #[new]
    fn new() -> Self {
        Sheet {
            cells: vec![
                Cell::Empty(()),
                Cell::Number(1.5),
                Cell::Text {
                    text: "hi".into(),
                    tags: vec!["a", "b"],
                },
            ],
            colors: vec![Color {
                rgb: 0x102030,
                alpha: 0x80,
                name: Some("navy".into()),
            }],
            raw: b"\x00\xffraw".to_vec(),
            pairs: vec![("one".into(), Some(1)), ("none".into(), None)],
            labelled: Labelled {
                tag: "ports",
                value: vec![80, 443],
            },
            size: Length(2.5),
        }
    }

    /// `(&self.cells).into_py(ctx)` and friends.
    fn snapshot<'py>(&self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        (&self.cells, &self.raw, &self.size, &self.labelled.value).into_py(ctx)
    }
}
