//! Handles: [`Handle<'py>`] owns a reference and closes it on drop; [`Borrowed<'a, 'py>`] is a
//! reference someone else owns (an argument, `self`, a context constant) and cannot be closed.
//!
//! Both implement [`AsHandle`], and through it [`Object`], the methods every Python object has.
//! `dup()` makes an owned handle from any of them; [`Handle::into_raw`] hands ownership to the
//! interpreter (it is how a function returns its result).
use crate::context::{cstring, Ctx};
use crate::convert::{FromPy, IntoPy};
use crate::err::{PyErr, PyResult};
use hpy_sys as ffi;
use std::marker::PhantomData;

/// An owned handle: closed when dropped.
pub struct Handle<'py> {
    ctx: Ctx<'py>,
    raw: ffi::HPy,
}

/// A handle owned by someone else, valid for `'a` (at most the call, `'py`).
#[derive(Clone, Copy)]
pub struct Borrowed<'a, 'py> {
    ctx: Ctx<'py>,
    raw: ffi::HPy,
    _owner: PhantomData<&'a ()>,
}

impl<'py> Handle<'py> {
    /// Takes ownership of `raw`, the result of an HPy call: `NULL` means that call raised.
    ///
    /// # Safety
    /// `raw` is `HPy_NULL` or an owned handle of `ctx`'s call that nobody else will close.
    #[inline]
    pub unsafe fn from_raw(ctx: Ctx<'py>, raw: ffi::HPy) -> PyResult<Self> {
        if ffi::HPy_IsNull(raw) {
            Err(PyErr::raised())
        } else {
            Ok(Handle { ctx, raw })
        }
    }

    /// Takes ownership of `raw`, known not to be NULL.
    ///
    /// # Safety
    /// As [`Handle::from_raw`], and `raw` is not `HPy_NULL`.
    #[inline(always)]
    pub unsafe fn from_raw_unchecked(ctx: Ctx<'py>, raw: ffi::HPy) -> Self {
        debug_assert!(!ffi::HPy_IsNull(raw));
        Handle { ctx, raw }
    }

    /// Gives the reference away (to the interpreter, as a return value) without closing it.
    #[inline(always)]
    pub fn into_raw(self) -> ffi::HPy {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }

    /// Borrows this handle for as long as `self` lives.
    #[inline(always)]
    pub fn borrow(&self) -> Borrowed<'_, 'py> {
        Borrowed {
            ctx: self.ctx,
            raw: self.raw,
            _owner: PhantomData,
        }
    }
}

impl Drop for Handle<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: we own `raw`, a live handle of this call's context, and close it exactly once.
        unsafe { ffi::HPy_Close(self.ctx.as_ptr(), self.raw) }
    }
}

impl<'a, 'py> Borrowed<'a, 'py> {
    /// Borrows `raw`, a handle owned by the caller for at least `'a`.
    ///
    /// # Safety
    /// `raw` is a live, non-NULL handle of `ctx`'s call and stays open for `'a`.
    #[inline(always)]
    pub unsafe fn from_raw(ctx: Ctx<'py>, raw: ffi::HPy) -> Self {
        debug_assert!(!ffi::HPy_IsNull(raw));
        Borrowed {
            ctx,
            raw,
            _owner: PhantomData,
        }
    }
}

/// Anything that is a handle of the current call.
///
/// Sealed: every `Object` method, `Field` and `Global` trusts `raw()` to be a live handle of
/// `ctx()`, so only oxhpy's own handle types implement it.
pub trait AsHandle<'py>: sealed::Sealed {
    /// The context of the call the handle belongs to.
    fn ctx(&self) -> Ctx<'py>;
    /// The raw handle, still owned by `self`.
    fn raw(&self) -> ffi::HPy;
}

pub(crate) mod sealed {
    /// The types that may implement [`AsHandle`](super::AsHandle): oxhpy's own.
    pub trait Sealed {}
    impl Sealed for super::Handle<'_> {}
    impl Sealed for super::Borrowed<'_, '_> {}
    impl Sealed for crate::module::Module<'_> {}
    impl<T: Sealed + ?Sized> Sealed for &T {}
}

impl<'py> AsHandle<'py> for Handle<'py> {
    #[inline(always)]
    fn ctx(&self) -> Ctx<'py> {
        self.ctx
    }
    #[inline(always)]
    fn raw(&self) -> ffi::HPy {
        self.raw
    }
}

impl<'py> AsHandle<'py> for Borrowed<'_, 'py> {
    #[inline(always)]
    fn ctx(&self) -> Ctx<'py> {
        self.ctx
    }
    #[inline(always)]
    fn raw(&self) -> ffi::HPy {
        self.raw
    }
}

impl<'py, T: AsHandle<'py> + ?Sized> AsHandle<'py> for &T {
    #[inline(always)]
    fn ctx(&self) -> Ctx<'py> {
        (**self).ctx()
    }
    #[inline(always)]
    fn raw(&self) -> ffi::HPy {
        (**self).raw()
    }
}

/// Positional arguments for [`Object::call`]: a tuple of convertible values (up to 8).
pub trait IntoArgs<'py> {
    /// Converts every argument to an owned handle.
    fn into_handles(self, ctx: Ctx<'py>) -> PyResult<Vec<Handle<'py>>>;
}

macro_rules! into_args_tuple {
    ($($t:ident),*) => {
        impl<'py, $($t: IntoPy<'py>),*> IntoArgs<'py> for ($($t,)*) {
            #[allow(non_snake_case, unused_variables)]
            fn into_handles(self, ctx: Ctx<'py>) -> PyResult<Vec<Handle<'py>>> {
                let ($($t,)*) = self;
                Ok(vec![$($t.into_py(ctx)?),*])
            }
        }
    };
}
into_args_tuple!();
into_args_tuple!(A);
into_args_tuple!(A, B);
into_args_tuple!(A, B, C);
into_args_tuple!(A, B, C, D);
into_args_tuple!(A, B, C, D, E);
into_args_tuple!(A, B, C, D, E, F);
into_args_tuple!(A, B, C, D, E, F, G);
into_args_tuple!(A, B, C, D, E, F, G, H);

fn raws(handles: &[Handle<'_>]) -> Vec<ffi::HPy> {
    handles.iter().map(|h| h.raw).collect()
}

/// A `tuple` of `str` keyword names for vectorcall-style calls, or `HPy_NULL` when empty.
fn kwnames<'py>(ctx: Ctx<'py>, names: &[&str]) -> PyResult<Option<Handle<'py>>> {
    if names.is_empty() {
        return Ok(None);
    }
    let items = names
        .iter()
        .map(|n| n.into_py(ctx))
        .collect::<PyResult<Vec<_>>>()?;
    let mut raw = raws(&items);
    // SAFETY: `raw` holds `len` live handles; HPyTuple_FromArray does not steal them.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPyTuple_FromArray(ctx.as_ptr(), raw.as_mut_ptr(), raw.len() as _),
        )
        .map(Some)
    }
}

/// The methods of every Python object, for owned and borrowed handles alike.
pub trait Object<'py>: AsHandle<'py> {
    /// A new owned reference to the same object (`HPy_Dup`).
    fn dup(&self) -> Handle<'py> {
        // SAFETY: `raw` is live; HPy_Dup returns a new owned handle and cannot fail.
        unsafe {
            Handle::from_raw_unchecked(self.ctx(), ffi::HPy_Dup(self.ctx().as_ptr(), self.raw()))
        }
    }

    /// Converts the object to a Rust value.
    fn extract<'a, T: FromPy<'a, 'py>>(&'a self) -> PyResult<T>
    where
        Self: Sized,
    {
        // SAFETY: `raw` is live for as long as `self` is borrowed ('a).
        T::from_py(unsafe { Borrowed::from_raw(self.ctx(), self.raw()) })
    }

    /// `self is other`.
    fn is(&self, other: &impl AsHandle<'py>) -> bool {
        // SAFETY: both handles are live in this call.
        unsafe { ffi::HPy_Is(self.ctx().as_ptr(), self.raw(), other.raw()) != 0 }
    }

    /// `self is None`.
    fn is_none(&self) -> bool {
        let ctx = self.ctx();
        // SAFETY: both handles are live in this call.
        unsafe { ffi::HPy_Is(ctx.as_ptr(), self.raw(), ctx.constant(|c| c.h_None)) != 0 }
    }

    /// `getattr(self, name)`.
    fn getattr(&self, name: &str) -> PyResult<Handle<'py>> {
        let name = cstring(name)?;
        // SAFETY: live handle, NUL-terminated name; the result is owned or NULL with an error set.
        unsafe {
            Handle::from_raw(
                self.ctx(),
                ffi::HPy_GetAttr_s(self.ctx().as_ptr(), self.raw(), name.as_ptr()),
            )
        }
    }

    /// `setattr(self, name, value)`.
    fn setattr(&self, name: &str, value: impl IntoPy<'py>) -> PyResult<()> {
        let value = value.into_py(self.ctx())?;
        let name = cstring(name)?;
        // SAFETY: live handles, NUL-terminated name; -1 means an exception is set.
        let rc = unsafe {
            ffi::HPy_SetAttr_s(self.ctx().as_ptr(), self.raw(), name.as_ptr(), value.raw())
        };
        if rc < 0 {
            Err(PyErr::raised())
        } else {
            Ok(())
        }
    }

    /// `self(*args)` (`HPy_Call`).
    fn call(&self, args: impl IntoArgs<'py>) -> PyResult<Handle<'py>> {
        self.call_kw(args, &[])
    }

    /// `self(*args, **kwargs)` with `kwargs` given as `(name, value)` pairs (`HPy_Call`).
    fn call_kw(
        &self,
        args: impl IntoArgs<'py>,
        kwargs: &[(&str, &dyn AsHandle<'py>)],
    ) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        let args = args.into_handles(ctx)?;
        let nargs = args.len();
        let mut all = raws(&args);
        all.extend(kwargs.iter().map(|(_, v)| v.raw()));
        let names: Vec<&str> = kwargs.iter().map(|(n, _)| *n).collect();
        // Interpreters differ on repeated names (CPython passes them on, PyPy keeps the last):
        // refuse them here, as Python's own call syntax does.
        if let Some((_, n)) = names
            .iter()
            .enumerate()
            .find(|(i, n)| names[..*i].contains(n))
        {
            return Err(PyErr::type_error(format!(
                "got multiple values for keyword argument '{n}'"
            )));
        }
        let kw = kwnames(ctx, &names)?;
        let kw_raw = kw.as_ref().map_or(ffi::HPy_NULL, |k| k.raw);
        // SAFETY: `all` holds nargs positional and len(kwnames) keyword handles, all live.
        unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPy_Call(ctx.as_ptr(), self.raw(), all.as_ptr(), nargs, kw_raw),
            )
        }
    }

    /// `self.name(*args)` (`HPy_CallMethod`).
    fn call_method(&self, name: &str, args: impl IntoArgs<'py>) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        let name = name.into_py(ctx)?;
        let args = args.into_handles(ctx)?;
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(self.raw());
        all.extend(args.iter().map(|h| h.raw));
        // SAFETY: `all` is [receiver, args...], all live; no keywords.
        unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPy_CallMethod(
                    ctx.as_ptr(),
                    name.raw,
                    all.as_ptr(),
                    all.len(),
                    ffi::HPy_NULL,
                ),
            )
        }
    }

    /// `type(self)`.
    fn get_type(&self) -> Handle<'py> {
        // SAFETY: HPy_Type returns a new owned handle for any live object.
        unsafe {
            Handle::from_raw_unchecked(self.ctx(), ffi::HPy_Type(self.ctx().as_ptr(), self.raw()))
        }
    }

    /// The `__name__` of `type(self)` (`HPyType_GetName`).
    fn type_name(&self) -> String {
        let ty = self.get_type();
        // SAFETY: `ty` is a live type; the returned UTF-8 string lives as long as the type.
        unsafe {
            let p = ffi::HPyType_GetName(self.ctx().as_ptr(), ty.raw);
            if p.is_null() {
                return String::from("?");
            }
            std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    }

    /// `isinstance(self, ty)`. `TypeError` when `ty` is not a type (`HPy_TypeCheck` itself does
    /// not check it: on CPython a non-type second argument is read as a type object).
    fn is_instance(&self, ty: &impl AsHandle<'py>) -> PyResult<bool> {
        let c = self.ctx().as_ptr();
        // SAFETY: live handles; `ty` is checked against `type` (a context constant) first.
        unsafe {
            if ffi::HPy_TypeCheck(c, ty.raw(), self.ctx().constant(|c| c.h_TypeType)) == 0 {
                return Err(PyErr::type_error("isinstance() arg 2 must be a type"));
            }
            // Portability fix for an interpreter bug: `issubclass(type(self), ty)` rather than
            // `HPy_TypeCheck(self, ty)` (what CPython's `PyObject_TypeCheck` does anyway). GraalPy
            // 24.2.2 keeps small ints and floats unboxed inside the handle, and its `HPy_TypeCheck`
            // answers 0 for them against a type that is not its own context constant:
            // `isinstance(1, int)`, `isinstance(1, object)`, `isinstance(1.5, float)` were false.
            let own = self.get_type();
            Ok(ffi::HPyType_IsSubtype(c, own.raw(), ty.raw()) != 0)
        }
    }

    /// `repr(self)` as a Rust string.
    fn repr(&self) -> PyResult<String> {
        // SAFETY: live handle; result owned or NULL with an error set.
        let r = unsafe {
            Handle::from_raw(self.ctx(), ffi::HPy_Repr(self.ctx().as_ptr(), self.raw()))?
        };
        r.extract::<String>()
    }

    /// `str(self)` as a Rust string.
    fn str(&self) -> PyResult<String> {
        let c = self.ctx();
        // SAFETY: live handle; result owned or NULL with an error set.
        let r = unsafe { Handle::from_raw(c, ffi::HPy_Str(c.as_ptr(), self.raw()))? };
        r.extract::<String>()
    }

    /// `len(self)`.
    fn len(&self) -> PyResult<usize> {
        // SAFETY: live handle; -1 means an exception is set.
        let n = unsafe { ffi::HPy_Length(self.ctx().as_ptr(), self.raw()) };
        if n < 0 {
            Err(PyErr::raised())
        } else {
            Ok(n as usize)
        }
    }

    /// `len(self) == 0`.
    fn is_empty(&self) -> PyResult<bool> {
        Ok(self.len()? == 0)
    }

    /// `self[i]`.
    fn get_item(&self, i: isize) -> PyResult<Handle<'py>> {
        let i = if crate::context::Interpreter::get().graalpy {
            graalpy_list_index(self, i)?
        } else {
            i
        };
        // SAFETY: live handle; result owned or NULL with an error set.
        unsafe {
            Handle::from_raw(
                self.ctx(),
                ffi::HPy_GetItem_i(self.ctx().as_ptr(), self.raw(), i as _),
            )
        }
    }

    /// `bool(self)`.
    fn is_truthy(&self) -> PyResult<bool> {
        // SAFETY: live handle; -1 means an exception is set.
        let r = unsafe { ffi::HPy_IsTrue(self.ctx().as_ptr(), self.raw()) };
        if r < 0 {
            Err(PyErr::raised())
        } else {
            Ok(r != 0)
        }
    }
}

impl<'py, T: AsHandle<'py> + ?Sized> Object<'py> for T {}

// Portability fix for an interpreter bug (GraalPy 24.2.2, HPy 0.9.0): its `HPy_GetItem_i` reads the
// storage of an exact `list` or `tuple` without normalising or bounds-checking the index, so
// `[1, 2, 3][-1]` or `[1, 2, 3][3]` kills the JVM (`java.lang.ArrayIndexOutOfBoundsException:
// Index -1 out of bounds for length 3` in `GraalHPyJNIContext.ctxGetItemi`). On GraalPy only,
// `get_item` applies Python's rules for those two types first. Subclasses, other sequences and
// mappings take GraalPy's generic path, which is correct, and are passed through unchanged (a
// dict's `-1` is a key, not an index). Other interpreters pay one relaxed atomic load (the
// `Interpreter` noted when the module initialised).

/// `i` as a valid index of `obj` when `obj` is exactly a `list` or `tuple` (`IndexError` as in
/// Python when out of range); any other object gets `i` back unchanged.
fn graalpy_list_index<'py>(obj: &(impl Object<'py> + ?Sized), i: isize) -> PyResult<isize> {
    let ctx = obj.ctx();
    let ty = obj.get_type();
    // SAFETY: live handles; the types are context constants.
    let is = |t: fn(&ffi::HPyContext) -> ffi::HPy| unsafe {
        ffi::HPy_Is(ctx.as_ptr(), ty.raw, ctx.constant(t)) != 0
    };
    let what = if is(|c| c.h_ListType) {
        "list index out of range"
    } else if is(|c| c.h_TupleType) {
        "tuple index out of range"
    } else {
        return Ok(i);
    };
    let n = obj.len()? as isize;
    let j = if i < 0 { i + n } else { i };
    if (0..n).contains(&j) {
        Ok(j)
    } else {
        Err(PyErr::new(crate::Exc::IndexError, what))
    }
}
