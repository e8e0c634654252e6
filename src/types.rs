//! Typed handles of the built-in types: [`PyStr`], [`PyBytes`], [`PyDict`], [`PyList`],
//! [`PyTuple`], [`PyType`]; the iterator [`PyIter`]; the comparison operators [`CompareOp`].
//!
//! Each typed handle holds a handle whose object is known to be of its type (or a subclass), and
//! adds the methods of that type to those of every object ([`Object`](crate::Object), which it implements).
//! It comes in two forms, like [`Handle`] and [`Borrowed`]:
//!
//! * `PyStr<'py>` owns its reference (a parameter of this type takes a new one);
//! * `PyStr<'py, Borrowed<'a, 'py>>` (alias [`PyStrRef<'a, 'py>`](PyStrRef)) borrows it, for as long
//!   as the argument lives: no new reference.
//!
//! As a parameter, a value of another type is a `TypeError` naming the argument ("argument 's':
//! expected str, got int"), as every conversion. As a result, the object itself is returned,
//! unchanged:
//!
//! ```
//! use oxhpy::prelude::*;
//! use oxhpy::PyStr;
//!
//! /// `s` itself if it is a `str` of at most 8 characters (else `TypeError` / `ValueError`).
//! #[oxhpy::function]
//! fn short<'py>(s: PyStr<'py>) -> PyResult<PyStr<'py>> {
//!     if s.len()? > 8 {
//!         return Err(PyErr::value_error("too long"));
//!     }
//!     Ok(s)
//! }
//! ```
use crate::context::Ctx;
use crate::convert::IntoPy;
use crate::err::{Exc, PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle};
use hpy_sys as ffi;

mod bytes;
mod dict;
mod list;
mod pytype;
mod seq;
mod string;
mod tuple;

pub use bytes::{PyBytes, PyBytesRef};
pub use dict::{PyDict, PyDictItems, PyDictRef};
pub use list::{PyList, PyListRef};
pub use pytype::{PyType, PyTypeRef};
pub use seq::PySeqIter;
pub use string::{PyStr, PyStrRef};
pub use tuple::{PyTuple, PyTupleRef};

/// A rich comparison operator, for [`Object::rich_compare`](crate::Object::rich_compare).
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::CompareOp;
///
/// /// `a < b` or `a > b`, as an object.
/// fn compare<'py>(a: Borrowed<'_, 'py>, b: Borrowed<'_, 'py>, less: bool) -> PyResult<Handle<'py>> {
///     a.rich_compare(b, if less { CompareOp::Lt } else { CompareOp::Gt })
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum CompareOp {
    /// `<`
    Lt = ffi::HPy_LT,
    /// `<=`
    Le = ffi::HPy_LE,
    /// `==`
    Eq = ffi::HPy_EQ,
    /// `!=`
    Ne = ffi::HPy_NE,
    /// `>`
    Gt = ffi::HPy_GT,
    /// `>=`
    Ge = ffi::HPy_GE,
}

impl CompareOp {
    /// The name of its function in the `operator` module (`"lt"`, …).
    pub(crate) fn operator_name(self) -> &'static str {
        match self {
            CompareOp::Lt => "lt",
            CompareOp::Le => "le",
            CompareOp::Eq => "eq",
            CompareOp::Ne => "ne",
            CompareOp::Gt => "gt",
            CompareOp::Ge => "ge",
        }
    }
}

/// `Ok(false)` when `e` is an exception of type `exc` (then cleared), else `Err(e)`: a lookup that
/// may fail because something is absent.
pub(crate) fn absent_if(ctx: Ctx<'_>, e: PyErr, exc: Exc) -> PyResult<bool> {
    if !e.matches(ctx, exc) {
        return Err(e);
    }
    e.clear(ctx);
    Ok(false)
}

/// Whether `obj` passes `check` (`HPyUnicode_Check`, …).
#[inline(always)]
pub(crate) fn checked(
    obj: &Borrowed<'_, '_>,
    check: unsafe fn(*mut ffi::HPyContext, ffi::HPy) -> std::ffi::c_int,
) -> bool {
    // SAFETY: live context and handle; the `*_Check` functions only read the object's type.
    unsafe { check(obj.ctx().as_ptr(), obj.raw()) != 0 }
}

/// The conversions and trait impls every typed handle has: `$ty<'py, H>` holds an `H` (a
/// `Handle` or a `Borrowed`) whose object passed `$check`, for a Python type named `$what`.
macro_rules! typed_handle {
    ($ty:ident, $alias:ident, $what:literal, $check:path) => {
        impl<'py, H: crate::AsHandle<'py>> crate::handle::sealed::Sealed for $ty<'py, H> {}

        impl<'py, H: crate::AsHandle<'py>> crate::AsHandle<'py> for $ty<'py, H> {
            #[inline(always)]
            fn ctx(&self) -> crate::Ctx<'py> {
                crate::AsHandle::ctx(&self.0)
            }
            #[inline(always)]
            fn raw(&self) -> crate::ffi::HPy {
                crate::AsHandle::raw(&self.0)
            }
        }

        impl<'py> $ty<'py> {
            /// Wraps an owned handle whose object is known to be of this type.
            #[inline(always)]
            pub(crate) fn from_handle_unchecked(h: crate::Handle<'py>) -> Self {
                $ty(h, std::marker::PhantomData)
            }

            /// The object checked against this type: a handle of the object if it is one (or a
            /// subclass), else the `TypeError` of a wrong argument.
            #[doc = concat!("<!-- no example: [`", stringify!($ty), "`]'s example extracts one -->")]
            pub fn try_from_object(obj: &impl crate::AsHandle<'py>) -> crate::PyResult<$ty<'py>> {
                // SAFETY: `obj` is live for this call.
                let b = unsafe { crate::Borrowed::from_raw(crate::AsHandle::ctx(obj), crate::AsHandle::raw(obj)) };
                <$ty<'py> as crate::FromPy<'_, 'py>>::from_py(b)
            }

            /// The object as this type, borrowed for as long as `obj` is, if it is one (or a
            /// subclass); else `None`, with no exception made: the check of a dispatch on types.
            #[doc = concat!("<!-- no example: [`", stringify!($ty), "`]'s example casts one -->")]
            #[inline(always)]
            pub fn cast<'a>(obj: crate::Borrowed<'a, 'py>) -> Option<$ty<'py, crate::Borrowed<'a, 'py>>> {
                if crate::types::checked(&obj, $check) {
                    Some($ty(obj, std::marker::PhantomData))
                } else {
                    None
                }
            }

            /// The owned handle: the object itself.
            #[doc = concat!("<!-- no example: [`", stringify!($ty), "`]'s example returns the object -->")]
            #[inline(always)]
            pub fn into_handle(self) -> crate::Handle<'py> {
                self.0
            }
        }

        impl<'py, H: crate::AsHandle<'py>> $ty<'py, H> {
            /// A borrowed form of this handle, for as long as `self` lives.
            #[doc = concat!("<!-- no example: [`", stringify!($ty), "`]'s example borrows one -->")]
            #[inline(always)]
            pub fn as_borrowed(&self) -> $ty<'py, crate::Borrowed<'_, 'py>> {
                // SAFETY: the handle stays open while `self` is borrowed.
                $ty(unsafe { crate::Borrowed::from_raw(crate::AsHandle::ctx(self), crate::AsHandle::raw(self)) }, std::marker::PhantomData)
            }

            /// An owned form of this handle (a new reference to the same object).
            #[doc = concat!("<!-- no example: [`", stringify!($ty), "`]'s example makes one -->")]
            #[inline(always)]
            pub fn to_owned(&self) -> $ty<'py> {
                $ty(crate::Object::dup(self), std::marker::PhantomData)
            }
        }

        #[doc = concat!("A borrowed [`", stringify!($ty), "`], valid for `'a`: no new reference.")]
        ///
        #[doc = concat!("<!-- no example: [`", stringify!($ty), "`]'s example takes one -->")]
        pub type $alias<'a, 'py> = $ty<'py, crate::Borrowed<'a, 'py>>;

        impl<'a, 'py> crate::FromPy<'a, 'py> for $ty<'py> {
            #[inline]
            fn from_py(obj: crate::Borrowed<'a, 'py>) -> crate::PyResult<Self> {
                if crate::types::checked(&obj, $check) {
                    Ok($ty(crate::Object::dup(&obj), std::marker::PhantomData))
                } else {
                    Err(crate::convert::wrong_type(&obj, $what))
                }
            }
        }

        impl<'a, 'py> crate::FromPy<'a, 'py> for $ty<'py, crate::Borrowed<'a, 'py>> {
            #[inline]
            fn from_py(obj: crate::Borrowed<'a, 'py>) -> crate::PyResult<Self> {
                if crate::types::checked(&obj, $check) {
                    Ok($ty(obj, std::marker::PhantomData))
                } else {
                    Err(crate::convert::wrong_type(&obj, $what))
                }
            }
        }

        impl<'py> crate::FromPyItem<'py> for $ty<'py> {
            fn vec_from_py(obj: crate::Borrowed<'_, 'py>) -> crate::PyResult<Vec<Self>> {
                crate::convert::vec_from_sequence(obj)
            }
        }

        impl<'py> crate::IntoPy<'py> for $ty<'py> {
            #[inline(always)]
            fn into_py(self, _ctx: crate::Ctx<'py>) -> crate::PyResult<Handle<'py>> {
                Ok(self.0)
            }
            #[inline(always)]
            fn _oxhpy_handle(&self) -> Option<&dyn crate::AsHandle<'py>> {
                Some(self)
            }
        }

        impl<'a, 'py> crate::IntoPy<'py> for $ty<'py, crate::Borrowed<'a, 'py>> {
            #[inline(always)]
            fn into_py(self, _ctx: crate::Ctx<'py>) -> crate::PyResult<Handle<'py>> {
                Ok(crate::Object::dup(&self))
            }
            #[inline(always)]
            fn _oxhpy_handle(&self) -> Option<&dyn crate::AsHandle<'py>> {
                Some(self)
            }
        }

        impl<'py, H: crate::AsHandle<'py>> crate::IntoPy<'py> for &$ty<'py, H> {
            #[inline(always)]
            fn into_py(self, _ctx: crate::Ctx<'py>) -> crate::PyResult<Handle<'py>> {
                Ok(crate::Object::dup(&self))
            }
            #[inline(always)]
            fn _oxhpy_handle(&self) -> Option<&dyn crate::AsHandle<'py>> {
                Some(*self)
            }
        }

        impl<'py> Clone for $ty<'py> {
            #[inline]
            fn clone(&self) -> Self {
                $ty(crate::Object::dup(self), std::marker::PhantomData)
            }
        }

        impl<'a, 'py> Clone for $ty<'py, crate::Borrowed<'a, 'py>> {
            #[inline(always)]
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<'a, 'py> Copy for $ty<'py, crate::Borrowed<'a, 'py>> {}

        impl<'py, H: crate::AsHandle<'py>> std::fmt::Debug for $ty<'py, H> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match crate::Object::repr(self) {
                    Ok(r) => write!(f, "{}({r})", stringify!($ty)),
                    Err(e) => {
                        e.clear(crate::AsHandle::ctx(self));
                        write!(f, "{}(<repr failed>)", stringify!($ty))
                    }
                }
            }
        }
    };
}
pub(crate) use typed_handle;

/// A Python iterator as a Rust [`Iterator`]: what [`Object::iter`](crate::Object::iter) returns.
///
/// Each step calls the built-in `next` on the iterator: `Some(Ok(item))`, `Some(Err(e))` when
/// `next` raises (the iterator then ends), `None` at `StopIteration`. It converts to the Python
/// iterator ([`IntoPy`]), so it can be handed back to Python half-consumed.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// The first `n` items of any iterable, as a list.
/// #[oxhpy::function]
/// fn take<'py>(items: Borrowed<'_, 'py>, n: usize) -> PyResult<Vec<Handle<'py>>> {
///     items.iter()?.take(n).collect()
/// }
/// ```
pub struct PyIter<'py> {
    it: Handle<'py>,
    next: Handle<'py>,
    done: bool,
}

impl<'py> PyIter<'py> {
    /// `iter(obj)`.
    pub(crate) fn new(obj: &(impl AsHandle<'py> + ?Sized)) -> PyResult<Self> {
        let ctx = obj.ctx();
        let iter = crate::cache::get(ctx, crate::cache::Cached::Iter)?;
        let next = crate::cache::get(ctx, crate::cache::Cached::Next)?;
        let mut arg = [obj.raw()];
        // SAFETY: live handles; one positional argument; the result is owned or NULL.
        let it = unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPy_Call(ctx.as_ptr(), iter.raw(), arg.as_mut_ptr(), 1, ffi::HPy_NULL),
            )?
        };
        Ok(PyIter {
            it,
            next,
            done: false,
        })
    }
}

impl<'py> Iterator for PyIter<'py> {
    type Item = PyResult<Handle<'py>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let ctx = self.it.ctx();
        let arg = [self.it.raw()];
        // SAFETY: live handles; one positional argument; the result is owned, or NULL with an
        // error set.
        let r = unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPy_Call(
                    ctx.as_ptr(),
                    self.next.raw(),
                    arg.as_ptr(),
                    1,
                    ffi::HPy_NULL,
                ),
            )
        };
        match r {
            Ok(item) => Some(Ok(item)),
            Err(e) => {
                self.done = true;
                match absent_if(ctx, e, Exc::StopIteration) {
                    Ok(_) => None,
                    Err(e) => Some(Err(e)),
                }
            }
        }
    }
}

impl std::iter::FusedIterator for PyIter<'_> {}

impl<'py> IntoPy<'py> for PyIter<'py> {
    fn into_py(self, _ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(self.it)
    }
}

impl<'py> PyIter<'py> {
    /// The Python iterator: what is left of it is what the next step would give.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// Skips the first item of an iterable and returns the iterator over the rest.
    /// #[oxhpy::function]
    /// fn skip_first<'py>(items: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     let mut it = items.iter()?;
    ///     if let Some(first) = it.next() {
    ///         first?;
    ///     }
    ///     Ok(it.into_handle())
    /// }
    /// ```
    pub fn into_handle(self) -> Handle<'py> {
        self.it
    }
}

/// A borrowed handle of a context constant (`h_UnicodeType`, …), live for the whole call.
pub(crate) fn constant<'py>(
    ctx: Ctx<'py>,
    pick: fn(&ffi::HPyContext) -> ffi::HPy,
) -> Borrowed<'py, 'py> {
    // SAFETY: context constants are live, non-NULL handles for the whole call.
    unsafe { Borrowed::from_raw(ctx, ctx.constant(pick)) }
}
