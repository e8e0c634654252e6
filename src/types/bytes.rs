//! [`PyBytes`]: a `bytes`.
use super::typed_handle;
use crate::context::Ctx;
use crate::convert::IntoPy;
use crate::err::PyResult;
use crate::handle::{AsHandle, Handle};
use hpy_sys as ffi;
use std::marker::PhantomData;

/// A `bytes` (or an instance of a subclass): its contents are [`as_bytes`](Self::as_bytes),
/// borrowed from the object (no copy).
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{PyBytes, PyBytesRef};
///
/// /// `data` itself when it ends with a newline, else `data + b"\n"`.
/// #[oxhpy::function]
/// fn with_newline<'py>(py: Ctx<'py>, data: PyBytes<'py>) -> PyResult<PyBytes<'py>> {
///     if data.as_bytes().ends_with(b"\n") {
///         return Ok(data); // the very object the caller passed
///     }
///     let mut v = data.as_bytes().to_vec();
///     v.push(b'\n');
///     PyBytes::new(py, &v)
/// }
///
/// /// The number of zero bytes, borrowing the argument (no new reference).
/// #[oxhpy::function]
/// fn zeros(data: PyBytesRef<'_, '_>) -> usize {
///     data.as_bytes().iter().filter(|&&b| b == 0).count()
/// }
///
/// /// An owned handle from a borrowed one, and an object checked to be `bytes`.
/// fn keep<'py>(data: PyBytesRef<'_, 'py>, other: &Handle<'py>) -> PyResult<(PyBytes<'py>, PyBytes<'py>)> {
///     Ok((data.to_owned(), PyBytes::try_from_object(other)?))
/// }
///
/// /// A borrowed form of an owned handle.
/// fn first<'py>(data: &PyBytes<'py>) -> Option<u8> {
///     data.as_borrowed().as_bytes().first().copied()
/// }
///
/// /// The contents of `obj` if it is `bytes`, without an exception otherwise.
/// fn contents<'a>(obj: Borrowed<'a, '_>) -> Option<Vec<u8>> {
///     PyBytes::cast(obj).map(|b| b.as_bytes().to_vec())
/// }
/// ```
pub struct PyBytes<'py, H = Handle<'py>>(H, PhantomData<Ctx<'py>>);

typed_handle!(PyBytes, PyBytesRef, "bytes", ffi::HPyBytes_Check);

impl<'py> PyBytes<'py> {
    /// A new `bytes` holding a copy of `data`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyBytes;
    ///
    /// #[oxhpy::function]
    /// fn magic(py: Ctx<'_>) -> PyResult<PyBytes<'_>> {
    ///     PyBytes::new(py, b"\x89PNG\r\n\x1a\n")
    /// }
    /// ```
    pub fn new(ctx: Ctx<'py>, data: &[u8]) -> PyResult<Self> {
        data.into_py(ctx).map(Self::from_handle_unchecked)
    }
}

impl<'py, H: AsHandle<'py>> PyBytes<'py, H> {
    /// The contents, borrowed from the object for as long as `self` lives.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyBytesRef;
    ///
    /// #[oxhpy::function]
    /// fn checksum(data: PyBytesRef<'_, '_>) -> u32 {
    ///     data.as_bytes().iter().map(|&b| u32::from(b)).sum()
    /// }
    /// ```
    pub fn as_bytes(&self) -> &[u8] {
        let c = self.ctx().as_ptr();
        // SAFETY: the object is a `bytes` (checked when `self` was made), so the unchecked reads
        // cannot fail; its buffer is immutable and lives while the handle is open (`&self`).
        unsafe {
            let n = ffi::HPyBytes_GET_SIZE(c, self.raw());
            let p = ffi::HPyBytes_AS_STRING(c, self.raw());
            if p.is_null() || n <= 0 {
                return &[];
            }
            std::slice::from_raw_parts(p.cast::<u8>(), n as usize)
        }
    }
}
