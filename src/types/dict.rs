//! [`PyDict`]: a `dict`.
use super::{typed_handle, PyIter, PyList};
use crate::capi::{self, PyObject};
use crate::context::Ctx;
use crate::convert::IntoPy;
use crate::err::{Exc, PyErr, PyResult};
use crate::handle::{AsHandle, Handle, Object};
use hpy_sys as ffi;
use std::marker::PhantomData;

/// A `dict` (or an instance of a subclass).
///
/// Besides [`get`](Self::get), [`items`](Self::items), [`keys`](Self::keys) and
/// [`copy`](Self::copy), everything goes through [`Object`]: `get_item(key)` (`KeyError` when
/// absent), `set_item(key, value)`, `del_item(key)`, `contains(key)`, `len`. A key or value is
/// anything [`IntoPy`]: `d.set_item("n", 1)`.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{PyDict, PyDictRef};
///
/// /// `{word: count}` of the words in `text`.
/// #[oxhpy::function]
/// fn word_counts<'py>(py: Ctx<'py>, text: &str) -> PyResult<PyDict<'py>> {
///     let counts = PyDict::new(py)?;
///     for word in text.split_whitespace() {
///         let n = match counts.get(word)? {
///             Some(n) => n.extract::<u64>()?,
///             None => 0,
///         };
///         counts.set_item(word, n + 1)?;
///     }
///     Ok(counts)
/// }
///
/// /// `options` itself, after checking that every key is a `str`.
/// #[oxhpy::function]
/// fn checked_options<'py>(options: PyDict<'py>) -> PyResult<PyDict<'py>> {
///     for item in options.items()? {
///         let (key, _value) = item?;
///         key.extract::<&str>()?;
///     }
///     Ok(options)
/// }
///
/// /// An owned handle from a borrowed one; an object checked to be a dict; a borrowed form.
/// fn forms<'py>(a: PyDictRef<'_, 'py>, b: &Handle<'py>) -> PyResult<(PyDict<'py>, usize)> {
///     let b = PyDict::try_from_object(b)?;
///     let n = b.as_borrowed().len()?;
///     Ok((a.to_owned(), n))
/// }
///
/// /// The keys of `obj` if it is a dict, without an exception otherwise.
/// fn keys_if_dict<'py>(obj: Borrowed<'_, 'py>) -> PyResult<Option<oxhpy::PyList<'py>>> {
///     PyDict::cast(obj).map(|d| d.keys()).transpose()
/// }
/// ```
pub struct PyDict<'py, H = Handle<'py>>(H, PhantomData<Ctx<'py>>);

typed_handle!(PyDict, PyDictRef, "dict", ffi::HPyDict_Check);

impl<'py> PyDict<'py> {
    /// A new empty dict.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyDict;
    ///
    /// #[oxhpy::function]
    /// fn point(py: Ctx<'_>, x: f64, y: f64) -> PyResult<PyDict<'_>> {
    ///     let d = PyDict::new(py)?;
    ///     d.set_item("x", x)?;
    ///     d.set_item("y", y)?;
    ///     Ok(d)
    /// }
    /// ```
    pub fn new(ctx: Ctx<'py>) -> PyResult<Self> {
        // SAFETY: returns an owned dict or NULL with an error set.
        unsafe { Handle::from_raw(ctx, ffi::HPyDict_New(ctx.as_ptr())) }
            .map(Self::from_handle_unchecked)
    }
}

impl<'py, H: AsHandle<'py>> PyDict<'py, H> {
    /// `self[key]` if `key in self`, else `None` (as `dict.get`, which never calls a subclass's
    /// `__missing__`: a `defaultdict` is not changed). Exceptions raised by the key's `__hash__`
    /// or `__eq__` propagate.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyDictRef;
    ///
    /// /// `config.get("timeout", 30.0)` as a float.
    /// #[oxhpy::function]
    /// fn timeout(config: PyDictRef<'_, '_>) -> PyResult<f64> {
    ///     match config.get("timeout")? {
    ///         Some(t) => t.extract(),
    ///         None => Ok(30.0),
    ///     }
    /// }
    /// ```
    pub fn get(&self, key: impl IntoPy<'py>) -> PyResult<Option<Handle<'py>>> {
        let key = key.into_py(self.ctx())?;
        if !self.contains(&key)? {
            return Ok(None);
        }
        self.get_item(&key).map(Some)
    }

    /// `iter(self.items())`: the `(key, value)` pairs, in the dict's order. Changing the dict's
    /// size meanwhile makes the next step `RuntimeError`, as in Python. On CPython an exact dict is
    /// walked through the C API (`PyDict_Next`), about four times cheaper per item, and on PyPy and
    /// GraalPy by a snapshot of its keys and a lookup of each value; a subclass goes through its
    /// `items()` (a subclass's own is called), on every interpreter alike.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyDictRef;
    ///
    /// /// The sum of the values of a `{str: int}` dict.
    /// #[oxhpy::function]
    /// fn total(d: PyDictRef<'_, '_>) -> PyResult<i64> {
    ///     let mut sum = 0;
    ///     for pair in d.items()? {
    ///         let (_key, value) = pair?;
    ///         sum += value.extract::<i64>()?;
    ///     }
    ///     Ok(sum)
    /// }
    /// ```
    pub fn items(&self) -> PyResult<PyDictItems<'py>> {
        let ctx = self.ctx();
        if let Some(api) = capi::api() {
            // SAFETY: a live handle, in its context's call.
            if let Some(obj) = unsafe { api.exact(ctx, self.raw(), api.dict_type) } {
                // SAFETY: an exact dict we hold a reference to, in a call of `ctx`.
                let len = unsafe { (api.dict_size)(obj) };
                return Ok(PyDictItems(Items::C(CItems {
                    ctx,
                    api,
                    obj,
                    len,
                    pos: 0,
                    done: false,
                })));
            }
        } else {
            let dict_type = crate::cache::get(ctx, crate::cache::Cached::Dict)?;
            if self.get_type().is(&dict_type) {
                return Ok(PyDictItems(Items::Keys(KeyItems {
                    dict: self.dup(),
                    len: self.len()?,
                    keys: self.keys()?,
                    next: 0,
                    done: false,
                })));
            }
        }
        Ok(PyDictItems(Items::Py(
            self.call_method("items", ())?.iter()?,
        )))
    }

    /// `list(self)`: the keys, a snapshot (`HPyDict_Keys`).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::{PyDictRef, PyList};
    ///
    /// #[oxhpy::function]
    /// fn keys<'py>(d: PyDictRef<'_, 'py>) -> PyResult<PyList<'py>> {
    ///     d.keys()
    /// }
    /// ```
    pub fn keys(&self) -> PyResult<PyList<'py>> {
        let ctx = self.ctx();
        // SAFETY: a live dict; the result is an owned list, or NULL with an error set.
        let keys = unsafe { Handle::from_raw(ctx, ffi::HPyDict_Keys(ctx.as_ptr(), self.raw()))? };
        PyList::try_from_object(&keys)
    }

    /// A shallow copy, a new `dict` (`HPyDict_Copy`; a plain dict even from a subclass).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::{PyDict, PyDictRef};
    ///
    /// /// `{**d, "seen": True}`, leaving `d` alone.
    /// #[oxhpy::function]
    /// fn marked<'py>(d: PyDictRef<'_, 'py>) -> PyResult<PyDict<'py>> {
    ///     let copy = d.copy()?;
    ///     copy.set_item("seen", true)?;
    ///     Ok(copy)
    /// }
    /// ```
    pub fn copy(&self) -> PyResult<PyDict<'py>> {
        let ctx = self.ctx();
        // SAFETY: a live dict; the result is an owned dict, or NULL with an error set.
        let copy = unsafe { Handle::from_raw(ctx, ffi::HPyDict_Copy(ctx.as_ptr(), self.raw()))? };
        PyDict::try_from_object(&copy)
    }
}

/// The `(key, value)` pairs of a dict: what [`PyDict::items`] returns.
///
/// <!-- no example: PyDict::items's example iterates one -->
pub struct PyDictItems<'py>(Items<'py>);

enum Items<'py> {
    /// The iterator of `dict.items()`.
    Py(PyIter<'py>),
    /// An exact dict on CPython.
    C(CItems<'py>),
    /// An exact dict elsewhere.
    Keys(KeyItems<'py>),
}

/// An exact dict on PyPy and GraalPy: a snapshot of its keys (`HPyDict_Keys`), then each value,
/// with the checks of Python's own iterator (cheaper there than calling `next` on `dict.items()`'s
/// iterator and unpacking each pair).
struct KeyItems<'py> {
    dict: Handle<'py>,
    /// Its size when the iteration began.
    len: usize,
    keys: PyList<'py>,
    next: isize,
    done: bool,
}

impl<'py> KeyItems<'py> {
    #[inline]
    fn step(&mut self) -> PyResult<Option<(Handle<'py>, Handle<'py>)>> {
        if self.next as usize >= self.len {
            // The size is checked once, at the end (`len` is a call of its own on PyPy).
            if self.dict.len()? != self.len {
                return Err(PyErr::new(
                    Exc::RuntimeError,
                    "dictionary changed size during iteration",
                ));
            }
            return Ok(None);
        }
        let key = self.keys.get_item(self.next)?;
        let value = match self.dict.get_item(&key) {
            Ok(v) => v,
            Err(e) => {
                let ctx = self.dict.ctx();
                if !e.matches(ctx, Exc::KeyError) {
                    return Err(e);
                }
                e.clear(ctx);
                // A key gone: the size changed, or another key took its place.
                let what = if self.dict.len()? != self.len {
                    "dictionary changed size during iteration"
                } else {
                    "dictionary keys changed during iteration"
                };
                return Err(PyErr::new(Exc::RuntimeError, what));
            }
        };
        self.next += 1;
        Ok(Some((key, value)))
    }
}

/// `PyDict_Next` over an exact dict on CPython: our reference to its `PyObject*`, its size when the
/// iteration began, and the position.
struct CItems<'py> {
    ctx: Ctx<'py>,
    api: &'static capi::Api,
    obj: *mut PyObject,
    len: isize,
    pos: isize,
    done: bool,
}

impl<'py> CItems<'py> {
    #[inline]
    fn next(&mut self) -> Option<PyResult<(Handle<'py>, Handle<'py>)>> {
        if self.done {
            return None;
        }
        let ctx = self.ctx;
        // an exact dict we hold a reference to, in a call of `ctx` (the interpreter is
        // held).
        // SAFETY: the conditions just above.
        if unsafe { (self.api.dict_size)(self.obj) } != self.len {
            self.done = true;
            return Some(Err(PyErr::new(
                Exc::RuntimeError,
                "dictionary changed size during iteration",
            )));
        }
        let (mut k, mut v) = (std::ptr::null_mut(), std::ptr::null_mut());
        // as above; `pos` is the position PyDict_Next gave back last (0 at first). The
        // borrowed key and value become handles (new references) before any Python code can run.
        // SAFETY: the conditions just above.
        let pair = unsafe {
            if (self.api.dict_next)(self.obj, &mut self.pos, &mut k, &mut v) == 0 {
                self.done = true;
                return None;
            }
            let key = Handle::from_raw(ctx, ffi::HPy_FromPyObject(ctx.as_ptr(), k));
            let value = Handle::from_raw(ctx, ffi::HPy_FromPyObject(ctx.as_ptr(), v));
            key.and_then(|k| Ok((k, value?)))
        };
        self.done = pair.is_err();
        Some(pair)
    }
}

impl Drop for CItems<'_> {
    fn drop(&mut self) {
        // Our reference from HPy_AsPyObject. If the caller's handle is gone, the dict is freed
        // here, as HPy_Close would free it.
        // SAFETY: our reference, dropped once (`Py_DecRef`), in the call of `ctx`.
        unsafe { (self.api.buffers.decref)(self.obj) };
    }
}

impl<'py> Iterator for PyDictItems<'py> {
    type Item = PyResult<(Handle<'py>, Handle<'py>)>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.0 {
            Items::C(c) => c.next(),
            Items::Keys(k) => {
                if k.done {
                    return None;
                }
                let r = k.step().transpose();
                k.done = !matches!(r, Some(Ok(_)));
                r
            }
            Items::Py(it) => {
                let pair = match it.next()? {
                    Ok(pair) => pair,
                    Err(e) => return Some(Err(e)),
                };
                Some(pair.extract::<(Handle<'py>, Handle<'py>)>())
            }
        }
    }
}

impl std::iter::FusedIterator for PyDictItems<'_> {}
