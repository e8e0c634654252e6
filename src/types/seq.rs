//! [`PySeqIter`]: the items of a `list` or `tuple` by index.
use crate::capi::{self, PyObject};
use crate::context::{Ctx, Interpreter};
use crate::err::{Exc, PyResult};
use crate::handle::{AsHandle, Handle, Object};
use hpy_sys as ffi;

/// The items of a `list` or `tuple`, by index: what [`PyList::iter`](crate::PyList::iter) and
/// [`PyTuple::iter`](crate::PyTuple::iter) return.
///
/// Step `i` gives `self[i]` while `i < len(self)`, as Python's own iterator over a list does:
/// items appended meanwhile are visited, a list that got shorter ends the iteration, and once ended
/// it stays ended. No `__iter__` is called. On CPython an exact `list` or `tuple` is read through
/// the C API (`PyList_Size`, `PyList_GetItem`, see the `capi` module); a subclass, and every
/// sequence on PyPy and GraalPy, through HPy (`self[i]`, so a subclass's `__getitem__` is called,
/// on every interpreter alike), the length read again when the index reaches the length last read
/// and when `self[i]` raises `IndexError` (which a subclass's `__getitem__` may raise to end early).
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
    how: How,
    next: isize,
    /// The length last read (HPy paths of exact lists and tuples).
    len: isize,
    list: bool,
    done: bool,
}

enum How {
    /// An exact list or tuple on CPython: our reference to its `PyObject*`.
    C {
        api: &'static capi::Api,
        obj: *mut PyObject,
    },
    /// Through HPy, the length read again when the index reaches the one last read (a list may have
    /// grown; a tuple's length is final) and when `self[i]` raises `IndexError` (it may have shrunk,
    /// or a subclass's `__getitem__` may end early): a subclass, and every sequence on PyPy.
    Known,
    /// `len(self)` before every `self[i]`: an exact list on GraalPy, whose `HPy_GetItem_i` must never
    /// be given an index past the end (see `graalpy_list_index`).
    Checked,
}

impl<'py> PySeqIter<'py> {
    /// The iterator over `seq`, known to be a list (`list: true`) or a tuple, or a subclass.
    pub(crate) fn new(seq: Handle<'py>, list: bool) -> Self {
        let ctx = seq.ctx();
        let how = match capi::api() {
            Some(api) => {
                let ty = if list { api.list_type } else { api.tuple_type };
                // SAFETY: a live handle, in its context's call.
                match unsafe { api.exact(ctx, seq.raw(), ty) } {
                    Some(obj) => How::C { api, obj },
                    None => How::Known,
                }
            }
            // GraalPy: an exact list's length is read before every step (see `How::Checked`).
            None if list && Interpreter::get().graalpy => {
                let ty = seq.get_type();
                // SAFETY: live handles.
                if unsafe { ffi::HPy_Is(ctx.as_ptr(), ty.raw(), ctx.constant(|c| c.h_ListType)) }
                    != 0
                {
                    How::Checked
                } else {
                    How::Known
                }
            }
            None => How::Known,
        };
        PySeqIter {
            seq,
            how,
            next: 0,
            len: -1,
            list,
            done: false,
        }
    }

    /// `len(self)`.
    #[inline]
    fn length(&self) -> PyResult<isize> {
        Ok(self.seq.len()? as isize)
    }

    /// `self[i]` through HPy (owned, or NULL with an error set).
    #[inline]
    fn hpy_item(&self, i: isize) -> ffi::HPy {
        let ctx = self.seq.ctx();
        // a live handle and an index below a length read of it. Only GraalPy's exact list
        // must not be read past its end, and its length was just read (`How::Checked`); an exact
        // tuple's never changes; anything else past its end raises `IndexError`.
        // SAFETY: the conditions just above.
        unsafe { ffi::HPy_GetItem_i(ctx.as_ptr(), self.seq.raw(), i as ffi::HPy_ssize_t) }
    }

    #[inline]
    fn step(&mut self) -> PyResult<Option<Handle<'py>>> {
        let ctx: Ctx<'py> = self.seq.ctx();
        let i = self.next;
        let raw = match self.how {
            How::C { api, obj } => {
                let (size, get) = if self.list {
                    (api.list_size, api.list_get)
                } else {
                    (api.tuple_size, api.tuple_get)
                };
                // SAFETY: `obj` is an exact list or tuple we hold a reference to, in a call of
                // `ctx` (the interpreter is held): the size never fails for one.
                if i >= unsafe { size(obj) } {
                    return Ok(None);
                }
                // SAFETY: as above, and `0 <= i < len`: a borrowed reference, never NULL, turned
                // into a handle (a new reference) before any Python code can run.
                unsafe { ffi::HPy_FromPyObject(ctx.as_ptr(), get(obj, i)) }
            }
            How::Known => {
                if i >= self.len {
                    // The first step, or the index reached the length last read: a list may have
                    // grown since (a tuple's length is final).
                    if !self.list && self.len >= 0 {
                        return Ok(None);
                    }
                    self.len = self.length()?;
                    if i >= self.len {
                        return Ok(None);
                    }
                }
                // SAFETY: an owned handle, or NULL with an error set.
                match unsafe { Handle::from_raw(ctx, self.hpy_item(i)) } {
                    Ok(item) => {
                        self.next = i + 1;
                        return Ok(Some(item));
                    }
                    Err(e) => {
                        // The list got shorter since its length was read: the end, as in Python.
                        self.len = self.length()?;
                        if i >= self.len && e.matches(ctx, Exc::IndexError) {
                            e.clear(ctx);
                            return Ok(None);
                        }
                        return Err(e);
                    }
                }
            }
            How::Checked => {
                if i >= self.length()? {
                    return Ok(None);
                }
                self.hpy_item(i)
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
        if let How::C { api, obj } = self.how {
            // The iterator's own reference from HPy_AsPyObject; `seq` (dropped after this) holds
            // the object too, so no destructor runs here.
            // SAFETY: our reference, dropped once (`Py_DecRef`), in the context's call (`seq` lives).
            unsafe { (api.buffers.decref)(obj) };
        }
    }
}
