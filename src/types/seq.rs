//! [`PySeqIter`]: the items of a `list` or `tuple` by index.
use crate::capi::{self, PyObject};
use crate::context::Ctx;
use crate::err::PyResult;
use crate::handle::{AsHandle, Handle, Object};
use hpy_sys as ffi;

/// The items of a `list` or `tuple`, by index: what [`PyList::iter`](crate::PyList::iter) and
/// [`PyTuple::iter`](crate::PyTuple::iter) return.
///
/// Step `i` gives `self[i]` while `i < len(self)`, the length read again at every step, as Python's
/// own iterator over a list does: items appended meanwhile are visited, a list that got shorter
/// ends the iteration, and once ended it stays ended. No `__iter__` is called. On CPython an exact
/// `list` or `tuple` is read through the C API (`PyList_Size`, `PyList_GetItem`, see the
/// `capi` module); a subclass, and every sequence on PyPy and GraalPy, through HPy
/// (`len(self)` and `self[i]`, so a subclass's `__len__` and `__getitem__` are called, on every
/// interpreter alike).
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::PyListRef;
///
/// /// The sum of a list of ints.
/// #[oxhpy::function]
/// fn total(items: PyListRef<'_, '_>) -> PyResult<i64> {
///     let mut sum = 0i64;
///     for item in items.iter()? {
///         sum += item?.extract::<i64>()?;
///     }
///     Ok(sum)
/// }
/// ```
pub struct PySeqIter<'py> {
    seq: Handle<'py>,
    /// The C API's view of an exact list or tuple (CPython only).
    fast: Option<Fast>,
    next: isize,
    list: bool,
    done: bool,
}

/// An exact list or tuple on CPython: our reference to its `PyObject*`.
struct Fast {
    api: &'static capi::Api,
    obj: *mut PyObject,
}

impl<'py> PySeqIter<'py> {
    /// The iterator over `seq`, known to be a list (`list: true`) or a tuple, or a subclass.
    pub(crate) fn new(seq: Handle<'py>, list: bool) -> Self {
        let fast = capi::api().and_then(|api| {
            let ty = if list { api.list_type } else { api.tuple_type };
            // SAFETY: a live handle, in its context's call.
            let obj = unsafe { api.exact(seq.ctx(), seq.raw(), ty)? };
            Some(Fast { api, obj })
        });
        PySeqIter {
            seq,
            fast,
            next: 0,
            list,
            done: false,
        }
    }

    fn step(&mut self) -> PyResult<Option<Handle<'py>>> {
        let ctx: Ctx<'py> = self.seq.ctx();
        let i = self.next;
        let raw = match &self.fast {
            Some(f) => {
                let (size, get) = if self.list {
                    (f.api.list_size, f.api.list_get)
                } else {
                    (f.api.tuple_size, f.api.tuple_get)
                };
                // SAFETY: `obj` is an exact list or tuple we hold a reference to, in a call of
                // `ctx` (the interpreter is held): the size never fails for one.
                if i >= unsafe { size(f.obj) } {
                    return Ok(None);
                }
                // SAFETY: as above, and `0 <= i < len`: a borrowed reference, never NULL, turned
                // into a handle (a new reference) before any Python code can run.
                unsafe { ffi::HPy_FromPyObject(ctx.as_ptr(), get(f.obj, i)) }
            }
            None => {
                if i >= self.seq.len()? as isize {
                    return Ok(None);
                }
                // SAFETY: a live handle; `0 <= i < len(seq)`, an index GraalPy's HPy_GetItem_i
                // also reads rightly (see `graalpy_list_index`); owned or NULL with an error set.
                unsafe { ffi::HPy_GetItem_i(ctx.as_ptr(), self.seq.raw(), i as ffi::HPy_ssize_t) }
            }
        };
        // SAFETY: an owned handle, or NULL with an error set.
        let item = unsafe { Handle::from_raw(ctx, raw)? };
        self.next = i + 1;
        Ok(Some(item))
    }
}

impl<'py> Iterator for PySeqIter<'py> {
    type Item = PyResult<Handle<'py>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = self.step().transpose();
        self.done = !matches!(r, Some(Ok(_)));
        r
    }
}

impl std::iter::FusedIterator for PySeqIter<'_> {}

impl Drop for PySeqIter<'_> {
    fn drop(&mut self) {
        if let Some(f) = &self.fast {
            // The iterator's own reference from HPy_AsPyObject; `seq` (dropped after this) holds
            // the object too, so no destructor runs here.
            // SAFETY: our reference, dropped once, in the call of the context (`seq` is live).
            unsafe { (f.api.decref)(f.obj) };
        }
    }
}
