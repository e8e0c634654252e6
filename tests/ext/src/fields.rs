//! `tests/test_fields.py` and `tests/test_types.py`: classes holding `Field`s, subclassing.
use oxhpy::prelude::*;

use oxhpy::{Field, PyRef};

/// Node(name): subclassable (Python classes may derive from it) and a GC type (it holds a
/// `Field`); its payload owns heap memory, so a payload found at the wrong offset (a runtime
/// that mislays the struct of a subclass instance) crashes or misreads.
#[oxhpy::class(subclass)]
pub struct Node {
    name: String,
    item: oxhpy::Field,
}

#[oxhpy::methods]
impl Node {
    #[new]
    fn new(name: String) -> Self {
        Node {
            name,
            item: oxhpy::Field::default(),
        }
    }

    #[getter]
    fn name(&self) -> String {
        self.name.clone()
    }

    /// A method: `"<name> greets <other>"`.
    fn greet(&self, other: &str) -> String {
        format!("{} greets {other}", self.name)
    }

    /// Stores `item` in this node's `Field` (a method that takes its object as `slf`).
    fn set_item(slf: PyRef<'_, Self>, item: Borrowed<'_, '_>) -> PyResult<()> {
        slf.item.store(&slf, &item)
    }

    /// The object in this node's `Field`, or `None` (a getter that takes its object).
    #[getter]
    fn item(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        slf.item.load(&slf)
    }

    /// Empties this node's `Field`.
    fn clear_item(slf: PyRef<'_, Self>) -> PyResult<()> {
        slf.item.clear(&slf)
    }

    /// The node itself (returned through the handle its `PyRef` carries).
    fn me(slf: PyRef<'_, Self>) -> Handle<'_> {
        slf.as_borrowed().dup()
    }
}

/// Stores `item` in `node`'s `Field` (a reference cycle when `item` refers back to `node`).
#[oxhpy::function]
pub fn node_set_item(node: Borrowed<'_, '_>, item: Borrowed<'_, '_>) -> PyResult<()> {
    let r = oxhpy::class::extract_ref::<Node>(node)?;
    r.item.store(&r, &item)
}

/// The object in `node`'s `Field`, or `None`.
#[oxhpy::function]
pub fn node_get_item(node: PyRef<'_, Node>) -> PyResult<Option<Handle<'_>>> {
    node.item.load(&node)
}

/// Misuse: stores `item` in `a`'s `Field` with `b` as its owner (`ValueError` unless `a is b`).
#[oxhpy::function]
pub fn node_store_with_owner(
    a: PyRef<'_, Node>,
    b: PyRef<'_, Node>,
    item: Borrowed<'_, '_>,
) -> PyResult<()> {
    a.item.store(&b, &item)
}

/// Misuse: loads `a`'s `Field` with `b` as its owner (`ValueError` unless `a is b`).
#[oxhpy::function]
pub fn node_load_with_owner<'a>(
    a: PyRef<'a, Node>,
    b: PyRef<'a, Node>,
) -> PyResult<Option<Handle<'a>>> {
    a.item.load(&b)
}

thread_local! {
    /// A `Field` no object holds (a thread-local compiles: it is never shared).
    static LOOSE_FIELD: oxhpy::Field = oxhpy::Field::default();
}

/// Misuse: stores `item` in a `Field` that is not a member of `owner`: a thread-local
/// (`where_ == "thread_local"`), a local, or the field of a `Node` value that is not in an
/// object. Each raises `ValueError`; the field stays empty.
#[oxhpy::function]
pub fn store_in_loose_field(
    owner: PyRef<'_, Node>,
    item: Borrowed<'_, '_>,
    where_: &str,
) -> PyResult<bool> {
    let (stored, empty) = match where_ {
        "thread_local" => LOOSE_FIELD.with(|f| (f.store(&owner, &item), f.load(&owner))),
        "local" => {
            let f = oxhpy::Field::default();
            (f.store(&owner, &item), f.load(&owner))
        }
        _ => {
            let n = Node::new("detached".to_owned());
            (n.item.store(&owner, &item), n.item.load(&owner))
        }
    };
    stored?;
    Ok(empty.is_err())
}

/// Outer(): holds a `Node` value, whose `Field` is then no member of `Outer` (nothing
/// traverses it): storing into it raises `ValueError`.
#[oxhpy::class]
pub struct Outer {
    inner: Node,
}

#[oxhpy::methods]
impl Outer {
    #[new]
    fn new() -> Self {
        Outer {
            inner: Node::new("inner".to_owned()),
        }
    }

    /// Misuse: stores `item` in the nested node's `Field`, with this object as owner.
    fn store_nested(slf: PyRef<'_, Self>, item: Borrowed<'_, '_>) -> PyResult<()> {
        slf.inner.item.store(&slf, &item)
    }
}

thread_local! {
    /// The fields that dropped `Leaky` values moved out of themselves.
    static TAKEN: std::cell::RefCell<Vec<Field>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Leaky(): its `Drop` moves its `Field` out (into [`TAKEN`]), for [`leaky_revive`].
#[oxhpy::class]
pub struct Leaky {
    item: Field,
}

impl Drop for Leaky {
    fn drop(&mut self) {
        let item = std::mem::take(&mut self.item);
        TAKEN.with(|t| t.borrow_mut().push(item));
    }
}

#[oxhpy::methods]
impl Leaky {
    #[new]
    fn new() -> Self {
        Leaky {
            item: Field::default(),
        }
    }

    /// Stores `item` in the field.
    fn set_item(slf: PyRef<'_, Self>, item: Borrowed<'_, '_>) -> PyResult<()> {
        slf.item.store(&slf, &item)
    }

    /// The object in the field, or `None`.
    #[getter]
    fn item(slf: PyRef<'_, Self>) -> PyResult<Option<Handle<'_>>> {
        slf.item.load(&slf)
    }
}

/// A new `Leaky` around a `Field` that a dropped one moved out of itself (`None` if there is
/// none): it must be empty, not a reference the GC stopped tracking.
#[oxhpy::function]
pub fn leaky_revive() -> Option<Leaky> {
    TAKEN
        .with(|t| t.borrow_mut().pop())
        .map(|item| Leaky { item })
}

/// Pair(): a frozen class (it holds `Field`s) whose mutable state is an atomic.
#[oxhpy::class]
pub struct Pair {
    first: Field,
    second: ::oxhpy::Field,
    stores: std::sync::atomic::AtomicUsize,
}

#[oxhpy::methods]
impl Pair {
    #[new]
    fn new() -> Self {
        Pair {
            first: Field::default(),
            second: Field::default(),
            stores: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// Stores `a` and `b`; returns how many stores this pair has had.
    fn set(slf: PyRef<'_, Self>, a: Borrowed<'_, '_>, b: Borrowed<'_, '_>) -> PyResult<usize> {
        slf.first.store(&slf, &a)?;
        slf.second.store(&slf, &b)?;
        Ok(slf
            .stores
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1)
    }

    /// `(first, second)`.
    fn get(slf: PyRef<'_, Self>) -> PyResult<(Option<Handle<'_>>, Option<Handle<'_>>)> {
        Ok((slf.first.load(&slf)?, slf.second.load(&slf)?))
    }

    /// Misuse: stores `a` into `other`'s first field with this pair as owner.
    fn store_into_other(
        slf: PyRef<'_, Self>,
        other: PyRef<'_, Pair>,
        a: Borrowed<'_, '_>,
    ) -> PyResult<()> {
        other.first.store(&slf, &a)
    }
}
