//! [`PyTuple`]: a `tuple`.
use super::{typed_handle, PySeqIter};
use crate::context::Ctx;
use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::handle::{AsHandle, Handle, Object};
use hpy_sys as ffi;
use std::marker::PhantomData;

/// A `tuple` (or an instance of a subclass), of any length (a Rust tuple `(A, B)` takes a tuple of
/// exactly that length).
///
/// Everything goes through [`Object`](crate::Object): `get_item(i)`, `len`, `contains`, `iter`.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{PyTuple, PyTupleRef};
///
/// /// `t` itself if all its items are `int`, else TypeError.
/// #[oxhpy::function]
/// fn ints<'py>(t: PyTuple<'py>) -> PyResult<PyTuple<'py>> {
///     for item in t.iter()? {
///         item?.extract::<i64>()?;
///     }
///     Ok(t)
/// }
///
/// /// The last item, borrowing the argument (no new reference to the tuple).
/// #[oxhpy::function]
/// fn last<'py>(t: PyTupleRef<'_, 'py>) -> PyResult<Handle<'py>> {
///     t.get_item(-1)
/// }
///
/// /// An owned handle from a borrowed one; an object checked to be a tuple; a borrowed form.
/// fn forms<'py>(a: PyTupleRef<'_, 'py>, b: &Handle<'py>) -> PyResult<(PyTuple<'py>, usize)> {
///     let b = PyTuple::try_from_object(b)?;
///     let n = b.as_borrowed().len()?;
///     Ok((a.to_owned(), n))
/// }
///
/// /// The length of `obj` if it is a tuple, without an exception otherwise.
/// fn tuple_len(obj: Borrowed<'_, '_>) -> PyResult<Option<usize>> {
///     PyTuple::cast(obj).map(|t| t.len()).transpose()
/// }
/// ```
pub struct PyTuple<'py, H = Handle<'py>>(H, PhantomData<Ctx<'py>>);

typed_handle!(PyTuple, PyTupleRef, "tuple", ffi::HPyTuple_Check);

impl<'py> PyTuple<'py> {
    /// `()`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyTuple;
    ///
    /// #[oxhpy::function]
    /// fn nothing(py: Ctx<'_>) -> PyResult<PyTuple<'_>> {
    ///     PyTuple::empty(py)
    /// }
    /// ```
    pub fn empty(ctx: Ctx<'py>) -> PyResult<Self> {
        Self::new(ctx, std::iter::empty::<()>())
    }

    /// A new tuple of `items`, each converted ([`IntoPy`]).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyTuple;
    ///
    /// /// `(name, name, …)`, `n` times.
    /// #[oxhpy::function]
    /// fn repeat<'py>(py: Ctx<'py>, name: &str, n: usize) -> PyResult<PyTuple<'py>> {
    ///     PyTuple::new(py, std::iter::repeat(name).take(n))
    /// }
    /// ```
    pub fn new<T: IntoPy<'py>>(
        ctx: Ctx<'py>,
        items: impl IntoIterator<Item = T>,
    ) -> PyResult<Self> {
        let items = items
            .into_iter()
            .map(|item| item.into_py(ctx))
            .collect::<PyResult<Vec<_>>>()?;
        let mut raw: Vec<ffi::HPy> = items.iter().map(|h| h.raw()).collect();
        // SAFETY: `raw` holds `len` live handles, which HPyTuple_FromArray does not steal; the
        // result is an owned tuple or NULL with an error set.
        unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPyTuple_FromArray(
                    ctx.as_ptr(),
                    raw.as_mut_ptr(),
                    raw.len() as ffi::HPy_ssize_t,
                ),
            )
        }
        .map(Self::from_handle_unchecked)
    }
}

impl<'py, H: AsHandle<'py>> PyTuple<'py, H> {
    /// The items, by index ([`PySeqIter`]): on CPython an exact tuple is read through the C API,
    /// about three times cheaper per item than `get_item`. Never fails today; a `PyResult` like
    /// [`Object::iter`](crate::Object::iter)'s, so that the two are interchangeable.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyTupleRef;
    ///
    /// /// The items of `t` as strings, joined by `sep`.
    /// #[oxhpy::function]
    /// fn join(t: PyTupleRef<'_, '_>, sep: &str) -> PyResult<String> {
    ///     let parts = t.iter()?.map(|x| x?.str()).collect::<PyResult<Vec<String>>>()?;
    ///     Ok(parts.join(sep))
    /// }
    /// ```
    #[inline]
    pub fn iter(&self) -> PyResult<PySeqIter<'py>> {
        Ok(PySeqIter::new(Object::dup(self), false))
    }
}
