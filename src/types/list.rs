//! [`PyList`]: a `list`.
use super::{typed_handle, PySeqIter};
use crate::context::Ctx;
use crate::convert::IntoPy;
use crate::err::{PyErr, PyResult};
use crate::handle::{AsHandle, Handle, Object};
use hpy_sys as ffi;
use std::marker::PhantomData;

/// A `list` (or an instance of a subclass).
///
/// Besides [`append`](Self::append) and [`iter`](Self::iter), everything goes through
/// [`Object`](crate::Object): `get_item(i)` and `set_item(i, v)` (negative indexes count from the
/// end, `IndexError` out of range), `del_item`, `len`, `contains`.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{PyList, PyListRef};
///
/// /// Doubles every item of `items` in place and returns the same list.
/// #[oxhpy::function]
/// fn double_all<'py>(items: PyList<'py>) -> PyResult<PyList<'py>> {
///     for i in 0..items.len()? as isize {
///         let doubled = items.get_item(i)?.mul(2)?;
///         items.set_item(i, doubled)?;
///     }
///     Ok(items)
/// }
///
/// /// The items that are true, borrowing the argument (no new reference).
/// #[oxhpy::function]
/// fn truthy<'py>(py: Ctx<'py>, items: PyListRef<'_, 'py>) -> PyResult<PyList<'py>> {
///     let out = PyList::empty(py)?;
///     for item in items.iter()? {
///         let item = item?;
///         if item.is_truthy()? {
///             out.append(item)?;
///         }
///     }
///     Ok(out)
/// }
///
/// /// An owned handle from a borrowed one; an object checked to be a list; a borrowed form.
/// fn forms<'py>(a: PyListRef<'_, 'py>, b: &Handle<'py>) -> PyResult<(PyList<'py>, usize)> {
///     let b = PyList::try_from_object(b)?;
///     let n = b.as_borrowed().len()?;
///     Ok((a.to_owned(), n))
/// }
///
/// /// Appends `x` to `obj` if it is a list; whether it was one.
/// fn append_if_list<'py>(obj: Borrowed<'_, 'py>, x: i64) -> PyResult<bool> {
///     match PyList::cast(obj) {
///         Some(list) => list.append(x).map(|()| true),
///         None => Ok(false),
///     }
/// }
/// ```
pub struct PyList<'py, H = Handle<'py>>(H, PhantomData<Ctx<'py>>);

typed_handle!(PyList, PyListRef, "list", ffi::HPyList_Check);

impl<'py> PyList<'py> {
    /// A new empty list.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyList;
    ///
    /// #[oxhpy::function]
    /// fn fresh(py: Ctx<'_>) -> PyResult<PyList<'_>> {
    ///     PyList::empty(py)
    /// }
    /// ```
    pub fn empty(ctx: Ctx<'py>) -> PyResult<Self> {
        // SAFETY: returns an owned list or NULL with an error set.
        unsafe { Handle::from_raw(ctx, ffi::HPyList_New(ctx.as_ptr(), 0)) }
            .map(Self::from_handle_unchecked)
    }

    /// A new list of `items`, each converted ([`IntoPy`]).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyList;
    ///
    /// /// `[0, 1, 4, …, (n-1)**2]`.
    /// #[oxhpy::function]
    /// fn squares(py: Ctx<'_>, n: u32) -> PyResult<PyList<'_>> {
    ///     PyList::new(py, (0..n).map(|i| u64::from(i) * u64::from(i)))
    /// }
    /// ```
    pub fn new<T: IntoPy<'py>>(
        ctx: Ctx<'py>,
        items: impl IntoIterator<Item = T>,
    ) -> PyResult<Self> {
        let list = Self::empty(ctx)?;
        for item in items {
            list.append(item)?;
        }
        Ok(list)
    }
}

impl<'py, H: AsHandle<'py>> PyList<'py, H> {
    /// `self.append(item)` (`HPyList_Append`; a subclass's own `append` is not called).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyListRef;
    ///
    /// #[oxhpy::function]
    /// fn push_answer(log: PyListRef<'_, '_>) -> PyResult<()> {
    ///     log.append(42)
    /// }
    /// ```
    pub fn append(&self, item: impl IntoPy<'py>) -> PyResult<()> {
        let ctx = self.ctx();
        let item = item.into_py(ctx)?;
        // SAFETY: a live list and item; HPyList_Append does not steal the item; -1 means an
        // exception is set.
        if unsafe { ffi::HPyList_Append(ctx.as_ptr(), self.raw(), item.raw()) } < 0 {
            return Err(PyErr::raised());
        }
        Ok(())
    }

    /// The items, by index ([`PySeqIter`]: `self[i]` while `i < len(self)`, as iterating a list
    /// does, without calling `__iter__`). On CPython an exact list is read through the C API,
    /// about three times cheaper per item than `get_item`. Never fails today; a `PyResult` like
    /// [`Object::iter`](crate::Object::iter)'s, so that the two are interchangeable.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyListRef;
    ///
    /// /// How many items of `items` are `None`.
    /// #[oxhpy::function]
    /// fn count_none(items: PyListRef<'_, '_>) -> PyResult<usize> {
    ///     let mut n = 0;
    ///     for item in items.iter()? {
    ///         n += usize::from(item?.is_none());
    ///     }
    ///     Ok(n)
    /// }
    /// ```
    #[inline]
    pub fn iter(&self) -> PyResult<PySeqIter<'py>> {
        Ok(PySeqIter::new(Object::dup(self), true))
    }
}
