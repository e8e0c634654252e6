//! `tests/test_protocols.py`: the special methods of the slot table: containers (`__len__`,
//! `__getitem__`, `__setitem__`, `__delitem__`, `__contains__`), `__bool__`, `__hash__`, rich
//! comparison, the number protocol, `__init__`, `__del__`, `__iter__` and `__next__`; the special
//! methods looked up by name: `__getattr__`, `__setattr__`, `__delattr__`, `__getattribute__` and
//! the descriptor protocol (`__get__`, `__set__`, `__delete__`).
use oxhpy::prelude::*;
use oxhpy::PyRef;

/// Bag(items): a sequence of integers with the protocol slots. Its truth is "holds a non-zero
/// item" (not its length: `__bool__` comes first), its comparisons are the items' (lexicographic),
/// and it only compares with another `Bag` (`NotImplemented` otherwise).
#[oxhpy::class]
pub struct Bag {
    items: Vec<i64>,
}

#[oxhpy::methods]
impl Bag {
    #[new]
    fn new(items: Vec<i64>) -> Self {
        Bag { items }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    fn __getitem__(&self, index: isize) -> PyResult<i64> {
        let n = self.items.len() as isize;
        let i = if index < 0 { index + n } else { index };
        if (0..n).contains(&i) {
            Ok(self.items[i as usize])
        } else {
            Err(PyErr::new(Exc::IndexError, "Bag index out of range"))
        }
    }

    fn __contains__(&self, item: i64) -> bool {
        self.items.contains(&item)
    }

    fn __bool__(&self) -> bool {
        self.items.iter().any(|&x| x != 0)
    }

    fn __hash__(&self) -> u64 {
        self.items
            .iter()
            .fold(17u64, |h, &x| h.wrapping_mul(31).wrapping_add(x as u64))
    }

    fn __eq__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items == other.items
    }

    fn __ne__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items != other.items
    }

    fn __lt__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items < other.items
    }

    fn __le__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items <= other.items
    }

    fn __gt__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items > other.items
    }

    fn __ge__(&self, other: PyRef<'_, Bag>) -> bool {
        self.items >= other.items
    }

    /// The items, as a list.
    fn items(&self) -> Vec<i64> {
        self.items.clone()
    }
}

/// Weird(mode): special methods that fail or return edge values. `__len__`: `ValueError` (mode 0)
/// or a length beyond `Py_ssize_t` (mode 1, `OverflowError`); `__bool__`: `ValueError` (mode 0);
/// `__hash__`: -1, the slot's error value (Python makes it -2); `__eq__` against an `int`: whether
/// it equals the mode, with any other operand `NotImplemented`; `__getitem__` takes a `str` key.
#[oxhpy::class]
pub struct Weird {
    mode: i64,
}

#[oxhpy::methods]
impl Weird {
    #[new]
    fn new(mode: i64) -> Self {
        Weird { mode }
    }

    fn __len__(&self) -> PyResult<usize> {
        match self.mode {
            0 => Err(PyErr::new(Exc::ValueError, "Weird has no length")),
            _ => Ok(usize::MAX),
        }
    }

    fn __bool__(&self) -> PyResult<bool> {
        match self.mode {
            0 => Err(PyErr::new(Exc::ValueError, "Weird has no truth")),
            _ => Ok(true),
        }
    }

    fn __hash__(&self) -> i64 {
        -1
    }

    fn __eq__(&self, other: i64) -> bool {
        self.mode == other
    }

    fn __getitem__(&self, key: &str) -> String {
        format!("{key}!{}", self.mode)
    }
}

/// Store(): a mapping of `str` to `int` with item assignment and deletion (one
/// `mp_ass_subscript` for both); deleting a missing key raises `KeyError`.
#[oxhpy::class]
pub struct Store {
    items: std::collections::BTreeMap<String, i64>,
}

#[oxhpy::methods]
impl Store {
    #[new]
    fn new() -> Self {
        Store {
            items: Default::default(),
        }
    }

    fn __getitem__(&self, key: &str) -> PyResult<i64> {
        self.items
            .get(key)
            .copied()
            .ok_or_else(|| PyErr::new(Exc::KeyError, key.to_owned()))
    }

    fn __setitem__(&mut self, key: String, value: i64) {
        self.items.insert(key, value);
    }

    fn __delitem__(&mut self, key: &str) -> PyResult<()> {
        match self.items.remove(key) {
            Some(_) => Ok(()),
            None => Err(PyErr::new(Exc::KeyError, key.to_owned())),
        }
    }

    fn __len__(&self) -> usize {
        self.items.len()
    }

    /// The keys, in order.
    fn keys(&self) -> Vec<String> {
        self.items.keys().cloned().collect()
    }
}

/// SetOnly(): `__setitem__` without `__delitem__` (its parameters named the other way round:
/// the generated slot's own names cannot clash with them). Records the last assignment.
#[oxhpy::class]
pub struct SetOnly {
    last: std::sync::Mutex<Option<(i64, String)>>,
}

#[oxhpy::methods]
impl SetOnly {
    #[new]
    fn new() -> Self {
        SetOnly {
            last: Default::default(),
        }
    }

    fn __setitem__(&self, value: i64, key: String) {
        *self.last.lock().unwrap() = Some((value, key));
    }

    /// The last `(key, value)` assigned (`obj[key] = value`, `key` an int).
    fn last(&self) -> Option<(i64, String)> {
        self.last.lock().unwrap().clone()
    }
}

/// DelOnly(): `__delitem__` without `__setitem__`; counts the deletions.
#[oxhpy::class]
pub struct DelOnly {
    deleted: std::sync::atomic::AtomicUsize,
}

#[oxhpy::methods]
impl DelOnly {
    #[new]
    fn new() -> Self {
        DelOnly {
            deleted: Default::default(),
        }
    }

    fn __delitem__(&self, _key: i64) {
        self.deleted
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many deletions.
    fn deleted(&self) -> usize {
        self.deleted.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Num(v): the number protocol. Every binary operator and its reflected form return
/// `(name, v, other)` (`__pow__`/`__rpow__`: `(name, v, other, modulo)`), `other` any int (or object
/// with `__index__`; anything else gives `NotImplemented`). `__floordiv__` by zero raises
/// `ZeroDivisionError`. In place: `+=` and `**=` change `v` and give `self`, `-=` gives
/// `("isub", v, other)`, the others fall back to the binary operators. Unary operators return
/// `(name, v)`; `int()`/`operator.index()` give `v`, `float()` gives `v + 0.5`.
#[oxhpy::class]
pub struct Num {
    v: i64,
}

#[oxhpy::methods]
impl Num {
    #[new]
    fn new(v: i64) -> Self {
        Num { v }
    }

    #[getter]
    fn v(&self) -> i64 {
        self.v
    }

    fn __add__(&self, other: i64) -> (&'static str, i64, i64) {
        ("add", self.v, other)
    }

    fn __sub__(&self, other: i64) -> (&'static str, i64, i64) {
        ("sub", self.v, other)
    }

    fn __mul__(&self, other: i64) -> (&'static str, i64, i64) {
        ("mul", self.v, other)
    }

    fn __matmul__(&self, other: i64) -> (&'static str, i64, i64) {
        ("matmul", self.v, other)
    }

    fn __truediv__(&self, other: i64) -> (&'static str, i64, i64) {
        ("truediv", self.v, other)
    }

    fn __floordiv__(&self, other: i64) -> PyResult<(&'static str, i64, i64)> {
        if other == 0 {
            return Err(PyErr::new(Exc::ZeroDivisionError, "Num // 0"));
        }
        Ok(("floordiv", self.v, other))
    }

    fn __mod__(&self, other: i64) -> (&'static str, i64, i64) {
        ("mod", self.v, other)
    }

    fn __divmod__(&self, other: i64) -> (&'static str, i64, i64) {
        ("divmod", self.v, other)
    }

    fn __lshift__(&self, other: i64) -> (&'static str, i64, i64) {
        ("lshift", self.v, other)
    }

    fn __rshift__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rshift", self.v, other)
    }

    fn __and__(&self, other: i64) -> (&'static str, i64, i64) {
        ("and", self.v, other)
    }

    fn __or__(&self, other: i64) -> (&'static str, i64, i64) {
        ("or", self.v, other)
    }

    fn __xor__(&self, other: i64) -> (&'static str, i64, i64) {
        ("xor", self.v, other)
    }

    fn __pow__(&self, other: i64, modulo: Option<i64>) -> (&'static str, i64, i64, Option<i64>) {
        ("pow", self.v, other, modulo)
    }

    fn __radd__(&self, other: i64) -> (&'static str, i64, i64) {
        ("radd", self.v, other)
    }

    fn __rsub__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rsub", self.v, other)
    }

    fn __rmul__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rmul", self.v, other)
    }

    fn __rmatmul__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rmatmul", self.v, other)
    }

    fn __rtruediv__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rtruediv", self.v, other)
    }

    fn __rfloordiv__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rfloordiv", self.v, other)
    }

    fn __rmod__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rmod", self.v, other)
    }

    fn __rdivmod__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rdivmod", self.v, other)
    }

    fn __rlshift__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rlshift", self.v, other)
    }

    fn __rrshift__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rrshift", self.v, other)
    }

    fn __rand__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rand", self.v, other)
    }

    fn __ror__(&self, other: i64) -> (&'static str, i64, i64) {
        ("ror", self.v, other)
    }

    fn __rxor__(&self, other: i64) -> (&'static str, i64, i64) {
        ("rxor", self.v, other)
    }

    fn __rpow__(&self, other: i64, modulo: Option<i64>) -> (&'static str, i64, i64, Option<i64>) {
        ("rpow", self.v, other, modulo)
    }

    fn __iadd__(&mut self, other: i64) -> PyResult<()> {
        self.v = self
            .v
            .checked_add(other)
            .ok_or_else(|| PyErr::overflow_error("Num += overflows"))?;
        Ok(())
    }

    fn __isub__(&self, other: i64) -> (&'static str, i64, i64) {
        ("isub", self.v, other)
    }

    fn __ipow__(&mut self, other: u32, modulo: Option<i64>) {
        self.v = self.v.wrapping_pow(other);
        if let Some(m) = modulo {
            self.v = self.v.rem_euclid(m);
        }
    }

    fn __neg__(&self) -> (&'static str, i64) {
        ("neg", self.v)
    }

    fn __pos__(&self) -> (&'static str, i64) {
        ("pos", self.v)
    }

    fn __abs__(&self) -> (&'static str, i64) {
        ("abs", self.v)
    }

    fn __invert__(&self) -> (&'static str, i64) {
        ("invert", self.v)
    }

    fn __int__(&self) -> i64 {
        self.v
    }

    fn __float__(&self) -> f64 {
        self.v as f64 + 0.5
    }

    fn __index__(&self) -> i64 {
        self.v
    }
}

/// Vec2(x, y): a small vector, the realistic use: `+`/`-` with another `Vec2`, `*` with a number
/// on either side (`__mul__`, `__rmul__`), `-v`, `abs(v)`, `+=` in place.
#[oxhpy::class]
pub struct Vec2 {
    x: f64,
    y: f64,
}

#[oxhpy::methods]
impl Vec2 {
    #[new]
    fn new(x: f64, y: f64) -> Self {
        Vec2 { x, y }
    }

    fn __add__(&self, other: PyRef<'_, Vec2>) -> Vec2 {
        Vec2::new(self.x + other.x, self.y + other.y)
    }

    fn __sub__(&self, other: PyRef<'_, Vec2>) -> Vec2 {
        Vec2::new(self.x - other.x, self.y - other.y)
    }

    fn __mul__(&self, k: f64) -> Vec2 {
        Vec2::new(self.x * k, self.y * k)
    }

    fn __rmul__(&self, k: f64) -> Vec2 {
        self.__mul__(k)
    }

    fn __neg__(&self) -> Vec2 {
        Vec2::new(-self.x, -self.y)
    }

    fn __abs__(&self) -> f64 {
        self.x.hypot(self.y)
    }

    fn __iadd__(&mut self, other: PyRef<'_, Vec2>) {
        self.x += other.x;
        self.y += other.y;
    }

    fn __eq__(&self, other: PyRef<'_, Vec2>) -> bool {
        (self.x, self.y) == (other.x, other.y)
    }

    fn __repr__(&self) -> String {
        format!("Vec2({}, {})", self.x, self.y)
    }
}

/// Right(v): only reflected operators (`other - self`, `other ** self`): `self` on the left is
/// not supported.
#[oxhpy::class]
pub struct Right {
    v: i64,
}

#[oxhpy::methods]
impl Right {
    #[new]
    fn new(v: i64) -> Self {
        Right { v }
    }

    fn __rsub__(&self, other: i64) -> i64 {
        other - self.v
    }

    fn __rpow__(&self, other: i64) -> i64 {
        other.pow(self.v as u32)
    }
}

/// Same(v): `__add__` takes an int, `__radd__` another `Same`: between two `Same`s the reflected
/// form is never tried (Python reflects only between different types), so `Same + Same` raises.
#[oxhpy::class(subclass)]
pub struct Same {
    v: i64,
}

#[oxhpy::methods]
impl Same {
    #[new]
    fn new(v: i64) -> Self {
        Same { v }
    }

    fn __add__(&self, other: i64) -> i64 {
        self.v + other
    }

    fn __radd__(&self, other: PyRef<'_, Same>) -> (i64, i64) {
        (other.v, self.v)
    }
}

/// Init(a, b=0): `__init__` sets `(a, b)` and counts its calls; the `#[new]` without parameters
/// leaves the call's arguments to it. A negative `a` raises `ValueError`. Subclassable.
#[oxhpy::class(subclass)]
pub struct Init {
    a: i64,
    b: i64,
    inits: usize,
}

#[oxhpy::methods]
impl Init {
    #[new]
    fn new() -> Self {
        Init {
            a: 0,
            b: 0,
            inits: 0,
        }
    }

    fn __init__(&mut self, a: i64, #[oxhpy(default = 0)] b: i64) -> PyResult<()> {
        if a < 0 {
            return Err(PyErr::value_error("Init: a < 0"));
        }
        (self.a, self.b, self.inits) = (a, b, self.inits + 1);
        Ok(())
    }

    /// `(a, b, number of __init__ calls)`.
    #[getter]
    fn state(&self) -> (i64, i64, usize) {
        (self.a, self.b, self.inits)
    }
}

/// NewInit(x): `#[new]` and `__init__` both take the call's argument: `new` keeps it, `__init__`
/// adds 100 (`__init__` with `&self` and nothing to return).
#[oxhpy::class]
pub struct NewInit {
    x: std::sync::atomic::AtomicI64,
}

#[oxhpy::methods]
impl NewInit {
    #[new]
    fn new(x: i64) -> Self {
        NewInit { x: x.into() }
    }

    fn __init__(&self, x: i64) {
        self.x.store(x + 100, std::sync::atomic::Ordering::Relaxed);
    }

    #[getter]
    fn x(&self) -> i64 {
        self.x.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// What the `__del__`s of `Finalized` saw, in order (drained by `finalized_log`).
static FINALIZED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Finalized(tag): `__del__` logs the tag (`finalized_log()`); tag `"raise"` makes it fail with
/// `ValueError`, `"panic"` panic (both reported as unraisable, then the object is freed).
#[oxhpy::class]
pub struct Finalized {
    tag: String,
}

#[oxhpy::methods]
impl Finalized {
    #[new]
    fn new(tag: String) -> Self {
        Finalized { tag }
    }

    fn __del__(&mut self) -> PyResult<()> {
        match self.tag.as_str() {
            "raise" => Err(PyErr::value_error("__del__ failed")),
            "panic" => panic!("__del__ panicked"),
            _ => {
                FINALIZED
                    .lock()
                    .unwrap()
                    .push(std::mem::take(&mut self.tag));
                Ok(())
            }
        }
    }
}

/// The tags `Finalized.__del__` logged since the last call.
#[oxhpy::function]
pub fn finalized_log() -> Vec<String> {
    std::mem::take(&mut *FINALIZED.lock().unwrap())
}

/// Closer(callback): `__del__` calls `callback(self)` (Python code, from the finalizer of a GC
/// class: the callback is held in a `Field`).
#[oxhpy::class]
pub struct Closer {
    callback: oxhpy::Field,
}

#[oxhpy::methods]
impl Closer {
    #[new]
    fn new() -> Self {
        Closer {
            callback: oxhpy::Field::default(),
        }
    }

    /// Sets the callback.
    fn on_close(slf: PyRef<'_, Self>, callback: Borrowed<'_, '_>) -> PyResult<()> {
        slf.callback.store(&slf, &callback)
    }

    fn __del__(slf: PyRef<'_, Self>) -> PyResult<()> {
        if let Some(cb) = slf.callback.load(&slf)? {
            cb.call((slf.as_borrowed(),))?;
        }
        Ok(())
    }
}

/// Countdown(n): an iterator over `n, n - 1, ..., 1` (`__iter__` returns itself, `__next__` gives
/// `None` at the end: `StopIteration`). A negative `n` makes `__next__` raise `ValueError`.
#[oxhpy::class]
pub struct Countdown {
    n: i64,
}

#[oxhpy::methods]
impl Countdown {
    #[new]
    fn new(n: i64) -> Self {
        Countdown { n }
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self) -> PyResult<Option<i64>> {
        if self.n < 0 {
            return Err(PyErr::value_error("Countdown from a negative number"));
        }
        if self.n == 0 {
            return Ok(None);
        }
        self.n -= 1;
        Ok(Some(self.n + 1))
    }
}

/// Span(n): iterable (not an iterator): `__iter__` returns a new `SpanIter` over `0..n`.
#[oxhpy::class]
pub struct Span {
    n: u32,
}

#[oxhpy::methods]
impl Span {
    #[new]
    fn new(n: u32) -> Self {
        Span { n }
    }

    fn __iter__(&self) -> SpanIter {
        SpanIter {
            range: std::sync::Mutex::new(0..self.n),
        }
    }
}

/// The iterator of a `Span` (`__next__` with `&self`, returning an `Option` directly).
#[oxhpy::class]
pub struct SpanIter {
    range: std::sync::Mutex<std::ops::Range<u32>>,
}

#[oxhpy::methods]
impl SpanIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self) -> Option<u32> {
        self.range.lock().unwrap().next()
    }
}

/// InPlace(v): every in-place operator returns `(name, v, other)` (`**=`: with the modulo,
/// `None`), `other` an int (anything else: `NotImplemented`, and `InPlace` has no binary
/// operators to fall back to).
#[oxhpy::class]
pub struct InPlace {
    v: i64,
}

#[oxhpy::methods]
impl InPlace {
    #[new]
    fn new(v: i64) -> Self {
        InPlace { v }
    }

    fn __iadd__(&self, other: i64) -> (&'static str, i64, i64) {
        ("iadd", self.v, other)
    }

    fn __isub__(&self, other: i64) -> (&'static str, i64, i64) {
        ("isub", self.v, other)
    }

    fn __imul__(&self, other: i64) -> (&'static str, i64, i64) {
        ("imul", self.v, other)
    }

    fn __imatmul__(&self, other: i64) -> (&'static str, i64, i64) {
        ("imatmul", self.v, other)
    }

    fn __itruediv__(&self, other: i64) -> (&'static str, i64, i64) {
        ("itruediv", self.v, other)
    }

    fn __ifloordiv__(&self, other: i64) -> (&'static str, i64, i64) {
        ("ifloordiv", self.v, other)
    }

    fn __imod__(&self, other: i64) -> (&'static str, i64, i64) {
        ("imod", self.v, other)
    }

    fn __ilshift__(&self, other: i64) -> (&'static str, i64, i64) {
        ("ilshift", self.v, other)
    }

    fn __irshift__(&self, other: i64) -> (&'static str, i64, i64) {
        ("irshift", self.v, other)
    }

    fn __iand__(&self, other: i64) -> (&'static str, i64, i64) {
        ("iand", self.v, other)
    }

    fn __ior__(&self, other: i64) -> (&'static str, i64, i64) {
        ("ior", self.v, other)
    }

    fn __ixor__(&self, other: i64) -> (&'static str, i64, i64) {
        ("ixor", self.v, other)
    }

    fn __ipow__(&self, other: i64, modulo: Option<i64>) -> (&'static str, i64, i64, Option<i64>) {
        ("ipow", self.v, other, modulo)
    }
}

/// Record(): attributes kept in a map by `__setattr__`/`__delattr__` and read back by
/// `__getattr__` (called only when the ordinary lookup fails: methods stay reachable). Names
/// starting with `_` are refused (`AttributeError`), values are integers (`TypeError` otherwise).
#[oxhpy::class]
pub struct Record {
    values: std::collections::BTreeMap<String, i64>,
}

#[oxhpy::methods]
impl Record {
    #[new]
    fn new() -> Self {
        Record {
            values: Default::default(),
        }
    }

    fn __getattr__(&self, name: &str) -> PyResult<i64> {
        self.values.get(name).copied().ok_or_else(|| {
            PyErr::new(
                Exc::AttributeError,
                format!("'Record' object has no attribute '{name}'"),
            )
        })
    }

    fn __setattr__(&mut self, name: &str, value: i64) -> PyResult<()> {
        if name.starts_with('_') {
            return Err(PyErr::new(
                Exc::AttributeError,
                format!("'{name}' is private"),
            ));
        }
        self.values.insert(name.to_owned(), value);
        Ok(())
    }

    fn __delattr__(&mut self, name: &str) -> PyResult<()> {
        match self.values.remove(name) {
            Some(_) => Ok(()),
            None => Err(PyErr::new(Exc::AttributeError, name.to_owned())),
        }
    }

    /// The names set, in order.
    fn names(&self) -> Vec<String> {
        self.values.keys().cloned().collect()
    }
}

/// Shouting(): every attribute read goes through `__getattribute__`, which answers the name in
/// upper case (and raises `AttributeError` for `"missing"`).
#[oxhpy::class]
pub struct Shouting;

#[oxhpy::methods]
impl Shouting {
    #[new]
    fn new() -> Self {
        Shouting
    }

    fn __getattribute__(&self, name: &str) -> PyResult<String> {
        if name == "missing" {
            return Err(PyErr::new(Exc::AttributeError, "missing"));
        }
        Ok(name.to_uppercase())
    }
}

/// Scaled(factor): a data descriptor for a Python class's attribute: `obj.attr` reads
/// `obj.raw * factor`, `obj.attr = v` stores `obj.raw = v // factor`, `del obj.attr` sets `obj.raw`
/// to 0. On the class (`obj` None), `__get__` gives the factor.
#[oxhpy::class]
pub struct Scaled {
    factor: i64,
}

#[oxhpy::methods]
impl Scaled {
    #[new]
    fn new(factor: i64) -> PyResult<Self> {
        if factor == 0 {
            return Err(PyErr::value_error("factor must not be 0"));
        }
        Ok(Scaled { factor })
    }

    fn __get__(&self, obj: Option<Borrowed<'_, '_>>, _owner: Borrowed<'_, '_>) -> PyResult<i64> {
        match obj {
            None => Ok(self.factor),
            Some(o) => Ok(o.getattr("raw")?.extract::<i64>()? * self.factor),
        }
    }

    fn __set__(&self, obj: Borrowed<'_, '_>, value: i64) -> PyResult<()> {
        obj.setattr("raw", value.div_euclid(self.factor))
    }

    fn __delete__(&self, obj: Borrowed<'_, '_>) -> PyResult<()> {
        obj.setattr("raw", 0i64)
    }
}
