//! `tests/test_class_items.py`: static and class methods, class attributes, the `get`/`set`
//! shorthands of struct members, methods that return the object itself.
use oxhpy::prelude::*;
use oxhpy::{Field, PyRef, PyRefMut, PyType, PyTypeRef};

/// Temp(celsius): a temperature, with static and class methods and class attributes.
#[oxhpy::class(subclass)]
pub struct Temp {
    celsius: f64,
}

#[oxhpy::methods]
impl Temp {
    #[new]
    fn new(celsius: f64) -> Self {
        Temp { celsius }
    }

    #[getter]
    fn celsius(&self) -> f64 {
        self.celsius
    }

    /// A getter that always fails.
    #[getter]
    fn broken(&self) -> PyResult<f64> {
        Err(PyErr::value_error("broken getter"))
    }

    /// Converts degrees Fahrenheit to Celsius.
    #[staticmethod]
    fn f_to_c(f: f64) -> f64 {
        (f - 32.0) * 5.0 / 9.0
    }

    /// No parameters at all.
    #[staticmethod]
    fn unit() -> &'static str {
        "°C"
    }

    /// `sig = "o"`: one positional argument.
    #[staticmethod]
    #[oxhpy(sig = "o")]
    fn double(x: i64) -> PyResult<i64> {
        x.checked_mul(2)
            .ok_or_else(|| PyErr::overflow_error("too big"))
    }

    /// `sig = "varargs"`, with a default and a `Ctx`: the interpreter's name and `a + b`.
    #[staticmethod]
    #[oxhpy(sig = "varargs")]
    fn add(ctx: Ctx<'_>, a: i64, #[oxhpy(default = 10)] b: i64) -> (String, i64) {
        (ctx.name(), a + b)
    }

    /// Renamed: `Temp.parse("21.5")`, a new `Temp` (never a subclass's).
    #[staticmethod]
    #[oxhpy(name = "parse")]
    fn parse_celsius(s: &str) -> PyResult<Temp> {
        s.trim()
            .parse()
            .map(Temp::new)
            .map_err(|_| PyErr::value_error(format!("not a temperature: {s:?}")))
    }

    /// `cls(celsius)` from degrees Fahrenheit: a subclass makes an instance of itself.
    #[classmethod]
    fn from_fahrenheit<'py>(cls: Borrowed<'_, 'py>, f: f64) -> PyResult<Handle<'py>> {
        cls.call((Temp::f_to_c(f),))
    }

    /// The class, typed: `(name, qualname, is Temp itself, a subclass of Temp)`.
    #[classmethod]
    fn lineage(cls: PyTypeRef<'_, '_>) -> PyResult<(String, String, bool, bool)> {
        let temp = PyType::of::<Temp>(cls.ctx())?;
        Ok((
            cls.name()?,
            cls.qualname()?,
            cls.is(&temp),
            cls.is_subclass(&temp)?,
        ))
    }

    /// `cls(celsius)` through an owned typed class.
    #[classmethod]
    fn from_kelvin<'py>(cls: PyType<'py>, k: f64) -> PyResult<Handle<'py>> {
        cls.call((k - 273.15,))
    }

    /// The class's name (no other parameter).
    #[classmethod]
    fn class_name(cls: Borrowed<'_, '_>) -> PyResult<String> {
        cls.getattr("__name__")?.extract()
    }

    /// The class, a `Ctx`, a keyword with a default: `(cls, n, interpreter name)`.
    #[classmethod]
    fn describe<'py>(
        cls: Handle<'py>,
        ctx: Ctx<'py>,
        #[oxhpy(default = 1)] n: i64,
    ) -> (Handle<'py>, i64, String) {
        (cls, n, ctx.name())
    }

    /// Renamed, and failing: raises `ValueError` naming the class.
    #[classmethod]
    #[oxhpy(name = "fail")]
    fn fail_with_class(cls: Borrowed<'_, '_>, msg: &str) -> PyResult<()> {
        Err(PyErr::value_error(format!(
            "{}: {msg}",
            cls.getattr("__name__")?.str()?
        )))
    }

    /// Freezing point of water.
    #[classattr]
    const FREEZING: f64 = 0.0;

    #[classattr]
    #[oxhpy(name = "BOILING")]
    const BOILING_POINT: f64 = 100.0;

    /// A plain associated constant: not a class attribute.
    const SECRET: i64 = 7;

    /// An instance of the class itself (the type exists when class attributes are computed).
    #[classattr]
    #[oxhpy(name = "ABSOLUTE_ZERO")]
    fn absolute_zero() -> Temp {
        Temp { celsius: -273.15 }
    }

    /// With a `Ctx`, through Python: `frozenset({"C", "F", "K"})`.
    #[classattr]
    #[oxhpy(name = "UNITS")]
    fn units(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
        ctx.builtins_fn("frozenset")?.call((vec!["C", "F", "K"],))
    }

    /// Computed once: the number of times it was computed (always 1).
    #[classattr]
    #[allow(non_snake_case)]
    fn COMPUTED() -> usize {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static CALLS: AtomicUsize = AtomicUsize::new(0);
        CALLS.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The name of the context an ordinary method gets.
    fn context(&self, ctx: Ctx<'_>) -> String {
        ctx.name()
    }

    /// An ordinary method next to them, using the constant.
    fn secret(&self) -> i64 {
        Self::SECRET
    }

    /// Warms by `d` degrees; returns the object itself (chaining).
    fn warm(mut slf: PyRefMut<'_, Self>, d: f64) -> PyRefMut<'_, Self> {
        slf.celsius += d;
        slf
    }

    /// The object itself, through a shared borrow.
    fn itself(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The object itself when above freezing, else `None`.
    fn if_liquid(slf: PyRef<'_, Self>) -> Option<PyRef<'_, Self>> {
        (slf.celsius > 0.0).then_some(slf)
    }

    /// `(self, other)`: the object as a handle, next to another object.
    fn pair<'a>(slf: PyRef<'a, Self>, other: Handle<'a>) -> (Handle<'a>, Handle<'a>) {
        (slf.as_borrowed().dup(), other)
    }

    /// Whether `other` is this very object.
    fn is_same(slf: PyRef<'_, Self>, other: Borrowed<'_, '_>) -> bool {
        slf.as_borrowed().is(&other)
    }

    /// Returns the object itself, then a method that needs it mutably runs (the shared borrow
    /// ended with the return).
    fn itself_then_warm(slf: PyRef<'_, Self>) -> PyResult<Handle<'_>> {
        let me = slf.as_borrowed().dup();
        drop(slf);
        me.call_method("warm", (1.0,))
    }
}

/// Point(x, y, label=""): members with `get`/`set` shorthands.
#[oxhpy::class]
pub struct Point {
    /// The x coordinate.
    #[oxhpy(get, set)]
    x: f64,
    #[oxhpy(get, set)]
    y: f64,
    /// Read-only.
    #[oxhpy(get)]
    label: String,
    #[oxhpy(get, set, name = "tags")]
    tag_list: Vec<String>,
    #[oxhpy(get, set)]
    maybe: Option<i64>,
    #[oxhpy(get, set)]
    small: u8,
    /// Not exposed.
    hidden: u8,
}

#[oxhpy::methods]
impl Point {
    #[new]
    fn new(x: f64, y: f64, #[oxhpy(default = String::new())] label: String) -> Self {
        Point {
            x,
            y,
            label,
            tag_list: Vec::new(),
            maybe: None,
            small: 0,
            hidden: 42,
        }
    }

    /// `x + y`, read through `&self`.
    fn total(&self) -> f64 {
        self.x + self.y
    }

    fn hidden(&self) -> u8 {
        self.hidden
    }

    /// An instance of another class (every class exists before class attributes are computed).
    #[classattr]
    #[oxhpy(name = "ROOM")]
    fn room() -> Temp {
        Temp::new(20.0)
    }

    /// Calls `f()` while `self` is borrowed (shared).
    fn call_borrowed(&self, f: Borrowed<'_, '_>) -> PyResult<()> {
        f.call(())?;
        Ok(())
    }
}

/// TwoInts(a, b): a tuple struct, its members named with `name`.
#[oxhpy::class]
pub struct TwoInts(
    #[oxhpy(get, set, name = "first")] i64,
    #[oxhpy(get, name = "second")] i64,
);

#[oxhpy::methods]
impl TwoInts {
    #[new]
    fn new(a: i64, b: i64) -> Self {
        TwoInts(a, b)
    }
}

/// Holder(id): a frozen class (it has a `Field`): `get` on a plain member, `get, set` on the field.
#[oxhpy::class]
pub struct Holder {
    #[oxhpy(get)]
    id: u64,
    /// Any object (`None` when empty).
    #[oxhpy(get, set)]
    item: Field,
}

#[oxhpy::methods]
impl Holder {
    #[new]
    fn new(id: u64) -> Self {
        Holder {
            id,
            item: Field::default(),
        }
    }

    /// A static method of a class with the GC (its placeholder is traversed).
    #[staticmethod]
    fn kind() -> &'static str {
        "holder"
    }

    /// A class method of a class with the GC.
    #[classmethod]
    fn make<'py>(cls: Borrowed<'_, 'py>, id: u64) -> PyResult<Handle<'py>> {
        cls.call((id,))
    }

    /// The stored object, through the `Field` API.
    fn load(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        slf.item.load(&slf)
    }
}
