//! `tests/test_inheritance.py`: Rust classes that extend Rust classes (`extends = Base`).
use oxhpy::prelude::*;

use oxhpy::{Field, PyNew, PyRef, PyRefMut};
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many `Base`, `Sub`, `Leaf`, `Keeper` and `Tagged` values were dropped (each part of a value
/// once).
static DROPS: [AtomicUsize; 5] = [const { AtomicUsize::new(0) }; 5];

fn dropped(i: usize) {
    DROPS[i].fetch_add(1, Ordering::Relaxed);
}

/// `(base, sub, leaf, holder, tagged)`: the drops so far.
#[oxhpy::function]
fn inheritance_drops() -> (usize, usize, usize, usize, usize) {
    let d = |i: usize| DROPS[i].load(Ordering::Relaxed);
    (d(0), d(1), d(2), d(3), d(4))
}

/// Base(value): a mutable base class.
#[oxhpy::class(subclass)]
pub struct Base {
    value: i64,
}

impl Drop for Base {
    fn drop(&mut self) {
        dropped(0);
    }
}

#[oxhpy::methods]
impl Base {
    #[new]
    fn new(value: i64) -> Self {
        Base { value }
    }

    #[getter]
    fn value(&self) -> i64 {
        self.value
    }

    #[setter]
    fn set_value(&mut self, value: i64) {
        self.value = value;
    }

    /// Overridden by `Sub`.
    fn name(&self) -> &'static str {
        "base"
    }

    /// Not overridden: a `Sub` uses it as it is, borrowed as a `Base`.
    fn describe(&self) -> String {
        format!("value {}", self.value)
    }

    fn add(&mut self, k: i64) {
        self.value += k;
    }

    /// Calls `f()` while `self` is borrowed (shared) as a `Base`.
    fn with_shared<'py>(&self, f: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        f.call(())
    }

    /// Calls `f()` while `self` is borrowed mutably as a `Base`.
    fn with_exclusive<'py>(&mut self, f: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        f.call(())
    }

    fn __repr__(slf: PyRef<'_, Self>) -> String {
        format!("{}({})", slf.as_borrowed().type_name(), slf.value)
    }
}

/// Sub(value, extra): extends `Base`.
#[oxhpy::class(extends = Base, subclass)]
pub struct Sub {
    #[oxhpy(get)]
    extra: String,
}

impl Drop for Sub {
    fn drop(&mut self) {
        dropped(1);
    }
}

#[oxhpy::methods]
impl Sub {
    #[new]
    fn new(value: i64, extra: String) -> (Self, Base) {
        (Sub { extra }, Base { value })
    }

    /// Overrides `Base.name`.
    fn name(&self) -> &'static str {
        "sub"
    }

    /// `Base`'s `name`, called from Rust on the base's part.
    fn base_name(slf: PyRef<'_, Self>) -> &'static str {
        slf.as_super().name()
    }

    /// The base's value, read through `as_super`.
    fn base_value(slf: PyRef<'_, Self>) -> i64 {
        slf.as_super().value
    }

    /// Through `into_super`: the borrow as the base's.
    fn describe_as_base(slf: PyRef<'_, Self>) -> String {
        let base: PyRef<'_, Base> = slf.into_super();
        format!("{} ({})", base.describe(), base.as_borrowed().type_name())
    }

    fn set_extra(&mut self, extra: String) {
        self.extra = extra;
    }

    /// Adds `k` to the base's value and appends to its own `extra`, under one exclusive borrow.
    fn bump(mut slf: PyRefMut<'_, Self>, k: i64) -> i64 {
        slf.extra.push('+');
        slf.as_super_mut().value += k;
        slf.as_super().value
    }

    /// Calls `f()` while `self` is borrowed mutably as a `Sub`.
    fn sub_exclusive<'py>(&mut self, f: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        f.call(())
    }

    /// Calls `f()` while `self` is borrowed (shared) as a `Sub`.
    fn sub_shared<'py>(&self, f: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        f.call(())
    }
}

/// Leaf(value, extra, depth): extends `Sub`, which extends `Base`.
#[oxhpy::class(extends = Sub)]
pub struct Leaf {
    depth: u32,
}

impl Drop for Leaf {
    fn drop(&mut self) {
        dropped(2);
    }
}

#[oxhpy::methods]
impl Leaf {
    #[new]
    fn new(value: i64, extra: String, depth: u32) -> (Self, (Sub, Base)) {
        (Leaf { depth }, (Sub { extra }, Base { value }))
    }

    /// `(depth, extra, value)`: every part, from the leaf down.
    fn parts(slf: PyRef<'_, Self>) -> (u32, String, i64) {
        let sub = slf.as_super();
        (slf.depth, sub.extra.clone(), sub.as_super().value)
    }

    fn __repr__(&self) -> String {
        format!("Leaf at depth {}", self.depth)
    }
}

/// NoNew(): extends `Base` without a constructor of its own: `Base`'s cannot make one.
#[oxhpy::class(extends = Base)]
pub struct NoNew {
    _n: u8,
}

#[oxhpy::methods]
impl NoNew {}

/// Keeper(): a frozen base (a `Field`).
#[oxhpy::class(subclass)]
pub struct Keeper {
    item: Field,
}

impl Drop for Keeper {
    fn drop(&mut self) {
        dropped(3);
    }
}

#[oxhpy::methods]
impl Keeper {
    #[new]
    fn new() -> Self {
        Keeper {
            item: Field::default(),
        }
    }

    fn set_item(slf: PyRef<'_, Self>, item: Borrowed<'_, '_>) -> PyResult<()> {
        slf.item.store(&slf, &item)
    }

    #[getter]
    fn item(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        slf.item.load(&slf)
    }
}

/// Tagged(tag): extends the frozen `Keeper` with mutable state of its own (no `Field`) and a
/// `Field` of its own kept in a second class.
#[oxhpy::class(extends = Keeper)]
pub struct Tagged {
    tag: String,
}

impl Drop for Tagged {
    fn drop(&mut self) {
        dropped(4);
    }
}

#[oxhpy::methods]
impl Tagged {
    #[new]
    fn new(tag: String) -> (Self, Keeper) {
        (Tagged { tag }, Keeper::new())
    }

    /// `&mut self` on a class whose base is frozen: its own part has no fields.
    fn set_tag(&mut self, tag: String) {
        self.tag = tag;
    }

    #[getter]
    fn tag(&self) -> String {
        self.tag.clone()
    }

    /// The base's field, through `as_super` (the base's part owns it).
    fn item_via_super(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        let base = slf.as_super();
        base.item.load(base)
    }
}

/// KeeperPair(): extends the frozen `Keeper` with a `Field` of its own: traverse visits both.
#[oxhpy::class(extends = Keeper)]
pub struct KeeperPair {
    other: Field,
}

#[oxhpy::methods]
impl KeeperPair {
    #[new]
    fn new() -> (Self, Keeper) {
        (
            KeeperPair {
                other: Field::default(),
            },
            Keeper::new(),
        )
    }

    fn set_other(slf: PyRef<'_, Self>, other: Borrowed<'_, '_>) -> PyResult<()> {
        slf.other.store(&slf, &other)
    }

    #[getter]
    fn other(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        slf.other.load(&slf)
    }

    /// Misuse: loads the base's field with the `KeeperPair` as its owner (`ValueError`: the field is a
    /// member of the `Keeper` part, whose owner is `as_super()`).
    fn item_with_wrong_owner(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        slf.as_super().item.load(&slf)
    }
}

/// The value of any `Base`: a `Sub` or a `Leaf` is one too.
#[oxhpy::function]
fn base_value_of(b: PyRef<'_, Base>) -> i64 {
    b.value
}

/// Whether `x` is a `Base`, a `Sub` (through `oxhpy::class::is_instance`).
#[oxhpy::function]
fn base_or_sub(x: Borrowed<'_, '_>) -> PyResult<(bool, bool)> {
    Ok((
        oxhpy::class::is_instance::<Base>(&x)?,
        oxhpy::class::is_instance::<Sub>(&x)?,
    ))
}

/// A new `Sub` made in Rust (`PyNew` of its initializer).
#[oxhpy::function]
fn make_sub(value: i64, extra: String) -> PyNew<(Sub, Base)> {
    PyNew((Sub { extra }, Base { value }))
}

/// A new `Leaf` made in Rust.
#[oxhpy::function]
fn make_leaf(depth: u32) -> PyNew<(Leaf, (Sub, Base))> {
    PyNew((
        Leaf { depth },
        (
            Sub {
                extra: "made".into(),
            },
            Base { value: -1 },
        ),
    ))
}

/// Callable(value): a base with `__call__` (HPy_tp_call: on CPython, HPy keeps the call function
/// in a hidden member after the struct).
#[oxhpy::class(subclass)]
pub struct Callable {
    value: i64,
}

#[oxhpy::methods]
impl Callable {
    #[new]
    fn new(value: i64) -> Self {
        Callable { value }
    }

    fn __call__(slf: PyRef<'_, Self>, x: i64) -> String {
        format!("{}: {} + {x}", slf.as_borrowed().type_name(), slf.value)
    }
}

/// CallMid(value, tag): extends `Callable` without a `__call__` of its own; its own part lies
/// where `Callable`'s hidden call function is in a `Callable`.
#[oxhpy::class(extends = Callable, subclass)]
pub struct CallMid {
    tag: i64,
}

#[oxhpy::methods]
impl CallMid {
    #[new]
    fn new(value: i64, tag: i64) -> (Self, Callable) {
        (CallMid { tag }, Callable { value })
    }

    #[getter]
    fn tag(&self) -> i64 {
        self.tag
    }
}

/// CallLeaf(value, tag, depth): extends `CallMid`, no `__call__` either.
#[oxhpy::class(extends = CallMid)]
pub struct CallLeaf {
    depth: i64,
}

#[oxhpy::methods]
impl CallLeaf {
    #[new]
    fn new(value: i64, tag: i64, depth: i64) -> (Self, (CallMid, Callable)) {
        (CallLeaf { depth }, (CallMid { tag }, Callable { value }))
    }

    #[getter]
    fn depth(&self) -> i64 {
        self.depth
    }
}

/// CallOwn(value, k): extends `Callable` with a `__call__` of its own.
#[oxhpy::class(extends = Callable, subclass)]
pub struct CallOwn {
    k: i64,
}

#[oxhpy::methods]
impl CallOwn {
    #[new]
    fn new(value: i64, k: i64) -> (Self, Callable) {
        (CallOwn { k }, Callable { value })
    }

    fn __call__(slf: PyRef<'_, Self>, x: i64) -> String {
        format!("own: {} * {x} + {}", slf.k, slf.as_super().value)
    }
}

/// CallOwnLeaf(value, k): extends `CallOwn` without a `__call__`: `CallOwn`'s.
#[oxhpy::class(extends = CallOwn)]
pub struct CallOwnLeaf {}

#[oxhpy::methods]
impl CallOwnLeaf {
    #[new]
    fn new(value: i64, k: i64) -> (Self, (CallOwn, Callable)) {
        (CallOwnLeaf {}, (CallOwn { k }, Callable { value }))
    }
}

/// Empty(value): extends `Base` with nothing of its own (a zero-sized struct).
#[oxhpy::class(extends = Base)]
pub struct Empty;

#[oxhpy::methods]
impl Empty {
    #[new]
    fn new(value: i64) -> (Self, Base) {
        (Empty, Base { value })
    }
}

/// Small(n): a base whose payload ends in padding.
#[oxhpy::class(subclass)]
pub struct Small {
    n: u8,
}

#[oxhpy::methods]
impl Small {
    #[new]
    fn new(n: u8) -> Self {
        Small { n }
    }

    #[getter]
    fn n(&self) -> u8 {
        self.n
    }
}

/// SmallByte(n, b): extends `Small` with a byte (that fits in `Small`'s padding).
#[oxhpy::class(extends = Small)]
pub struct SmallByte {
    b: u8,
}

#[oxhpy::methods]
impl SmallByte {
    #[new]
    fn new(n: u8, b: u8) -> (Self, Small) {
        (SmallByte { b }, Small { n })
    }

    #[getter]
    fn b(&self) -> u8 {
        self.b
    }
}

/// SmallFlag(n, flag): a sibling of `SmallByte` of the same size, with a `bool`.
#[oxhpy::class(extends = Small)]
pub struct SmallFlag {
    flag: bool,
}

#[oxhpy::methods]
impl SmallFlag {
    #[new]
    fn new(n: u8, flag: bool) -> (Self, Small) {
        (SmallFlag { flag }, Small { n })
    }

    #[getter]
    fn flag(&self) -> bool {
        self.flag
    }
}
