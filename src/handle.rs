//! Handles: [`Handle<'py>`] owns a reference and closes it on drop; [`Borrowed<'a, 'py>`] is a
//! reference someone else owns (an argument, `self`, a context constant) and cannot be closed.
//!
//! Both implement [`AsHandle`], and through it [`Object`], the methods every Python object has.
//! `dup()` makes an owned handle from any of them; [`Handle::into_raw`] hands ownership to the
//! interpreter (it is how a function returns its result).
//!
//! Both carry the call's lifetime `'py`: no handle outlives the call (keep an object longer in a
//! [`Global`](crate::Global) or a [`Field`](crate::Field)).
//!
//! ```
//! use oxhpy::prelude::*;
//!
//! /// `(seq[0], seq)`.
//! #[oxhpy::function]
//! fn first_and_all<'py>(seq: Borrowed<'_, 'py>) -> PyResult<(Handle<'py>, Handle<'py>)> {
//!     let first: Handle<'py> = seq.get_item(0)?; // a new reference, closed if not returned
//!     Ok((first, seq.dup()))                     // `seq` is the caller's: `dup` it to return it
//! }
//! ```
use crate::context::{cstring, Ctx};
use crate::convert::{FromPy, IntoPy};
use crate::err::{PyErr, PyResult};
use hpy_sys as ffi;
use std::marker::PhantomData;

pub(crate) mod close;
pub(crate) use close::close;

/// An owned handle: closed when dropped.
///
/// What oxhpy's calls return; a function parameter of this type gets a new reference to its
/// argument.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// `[f(x) for x in items]`.
/// #[oxhpy::function]
/// fn map_list<'py>(f: Borrowed<'_, 'py>, items: Vec<Handle<'py>>) -> PyResult<Vec<Handle<'py>>> {
///     items.iter().map(|x| f.call((x,))).collect()
/// }
/// ```
pub struct Handle<'py> {
    ctx: Ctx<'py>,
    raw: ffi::HPy,
}

/// A handle owned by someone else, valid for `'a` (at most the call, `'py`).
///
/// The cheapest way to take an argument of any type: no new reference. It cannot be kept past
/// `'a`; [`Object::dup`] makes an owned handle of it.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// `obj` itself, unchanged (the conversion of the result takes a new reference).
/// #[oxhpy::function]
/// fn identity<'a, 'py>(obj: Borrowed<'a, 'py>) -> Borrowed<'a, 'py> {
///     obj
/// }
/// ```
#[derive(Clone, Copy)]
pub struct Borrowed<'a, 'py> {
    ctx: Ctx<'py>,
    raw: ffi::HPy,
    _owner: PhantomData<&'a ()>,
}

impl<'py> Handle<'py> {
    /// Takes ownership of `raw`, the result of an HPy call: `NULL` means that call raised.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `obj[key]` for a `str` key.
    /// fn item<'py>(obj: Borrowed<'_, 'py>, key: &std::ffi::CStr) -> PyResult<Handle<'py>> {
    ///     let ctx = obj.ctx();
    ///     // SAFETY: a live context and handle; the result is owned, or NULL with an error set.
    ///     let item = unsafe { oxhpy::ffi::HPy_GetItem_s(ctx.as_ptr(), obj.raw(), key.as_ptr()) };
    ///     // SAFETY: the result of that call, which nobody else closes.
    ///     unsafe { Handle::from_raw(ctx, item) }
    /// }
    /// ```
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
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn type_of<'py>(obj: Borrowed<'_, 'py>) -> Handle<'py> {
    ///     let ctx = obj.ctx();
    ///     // SAFETY: a live handle; HPy_Type cannot fail and returns an owned handle.
    ///     unsafe { Handle::from_raw_unchecked(ctx, oxhpy::ffi::HPy_Type(ctx.as_ptr(), obj.raw())) }
    /// }
    /// ```
    ///
    /// # Safety
    /// As [`Handle::from_raw`], and `raw` is not `HPy_NULL`.
    #[inline(always)]
    pub unsafe fn from_raw_unchecked(ctx: Ctx<'py>, raw: ffi::HPy) -> Self {
        debug_assert!(!ffi::HPy_IsNull(raw));
        Handle { ctx, raw }
    }

    /// Gives the reference away (to the interpreter, as a return value) without closing it.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// The result of an HPy function implemented through `ffi`: an owned handle, or NULL with
    /// /// the exception set.
    /// fn to_c<'py>(ctx: Ctx<'py>, r: PyResult<Handle<'py>>) -> oxhpy::ffi::HPy {
    ///     match r {
    ///         Ok(h) => h.into_raw(),
    ///         Err(e) => {
    ///             e.restore(ctx);
    ///             oxhpy::ffi::HPy_NULL
    ///         }
    ///     }
    /// }
    /// ```
    #[inline(always)]
    pub fn into_raw(self) -> ffi::HPy {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }

    /// Borrows this handle for as long as `self` lives: for what takes a [`Borrowed`].
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// The length of `obj.tobytes()`, read as a buffer.
    /// fn nbytes(obj: Borrowed<'_, '_>) -> PyResult<usize> {
    ///     let data = obj.call_method("tobytes", ())?;
    ///     oxhpy::buffer::read(data.borrow(), |b: &[u8]| b.len())
    /// }
    /// ```
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
        // We own `raw`, a live handle of this call's context, and close it exactly once.
        close(self.ctx, self.raw)
    }
}

impl<'a, 'py> Borrowed<'a, 'py> {
    /// Borrows `raw`, a handle owned by the caller for at least `'a`.
    ///
    /// ```
    /// use oxhpy::{ffi, Borrowed, Ctx, Object};
    ///
    /// /// An `HPyFunc_O` implementation: `type(arg)`.
    /// unsafe extern "C" fn type_of(raw: *mut ffi::HPyContext, _: ffi::HPy, arg: ffi::HPy) -> ffi::HPy {
    ///     // SAFETY: HPy passes the live context of the call...
    ///     let ctx = unsafe { Ctx::from_raw(raw) };
    ///     // SAFETY: ... and an argument that it owns until the call returns.
    ///     let arg = unsafe { Borrowed::from_raw(ctx, arg) };
    ///     arg.get_type().into_raw()
    /// }
    /// ```
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
/// `ctx()`, so only oxhpy's own handle types implement it: [`Handle`], [`Borrowed`],
/// [`Module`](crate::Module) and references to them. Take `&impl AsHandle<'py>` (or
/// `&impl Object<'py>`) to accept any of them.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// `obj.__name__ == name`, for an owned or a borrowed `obj`.
/// fn is_named<'py>(obj: &impl AsHandle<'py>, name: &str) -> PyResult<bool> {
///     Ok(obj.getattr("__name__")?.extract::<&str>()? == name)
/// }
/// ```
pub trait AsHandle<'py>: sealed::Sealed {
    /// The context of the call the handle belongs to.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `[obj, obj]`.
    /// fn twice<'py>(obj: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     vec![obj.dup(), obj.dup()].into_py(obj.ctx())
    /// }
    /// ```
    fn ctx(&self) -> Ctx<'py>;
    /// The raw handle, still owned by `self`: for [`ffi`] calls, which must not close it.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `callable(obj)`.
    /// fn is_callable(obj: Borrowed<'_, '_>) -> bool {
    ///     // SAFETY: a live context and handle; HPyCallable_Check cannot fail.
    ///     unsafe { oxhpy::ffi::HPyCallable_Check(obj.ctx().as_ptr(), obj.raw()) != 0 }
    /// }
    /// ```
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

/// Positional arguments for [`Object::call`]: a tuple of convertible values (up to 8), each any
/// [`IntoPy`] type; `()` for none, `(x,)` for one.
///
/// ```
/// use oxhpy::prelude::*;
///
/// fn calls<'py>(f: Borrowed<'_, 'py>, obj: Borrowed<'_, 'py>) -> PyResult<()> {
///     f.call(())?;                         // f()
///     f.call((obj,))?;                     // f(obj)
///     f.call((1, "two", 3.0, None::<i64>))?; // f(1, "two", 3.0, None)
///     Ok(())
/// }
/// ```
pub trait IntoArgs<'py> {
    /// Converts every argument to an owned handle.
    ///
    /// <!-- no example: called by `Object::call`, as the trait's example shows -->
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

/// The binary operators of [`Object`], one method each: `name HPy_Function "op" "a op b";`.
macro_rules! binary_ops {
    ($($name:ident $f:ident $op:literal $expr:literal;)*) => {$(
        #[doc = concat!("`", $expr, "` (`", stringify!($f), "`).")]
        ///
        /// ```
        /// use oxhpy::prelude::*;
        ///
        #[doc = concat!("/// `", $expr, "` for any objects.")]
        /// fn op<'py>(a: Borrowed<'_, 'py>, b: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        #[doc = concat!("    a.", stringify!($name), "(b)")]
        /// }
        /// ```
        fn $name(&self, other: impl IntoPy<'py>) -> PyResult<Handle<'py>> {
            let ctx = self.ctx();
            // SAFETY: live handles; the result is owned, or NULL with an error set.
            with_operand(ctx, other, |o| unsafe {
                Handle::from_raw(ctx, ffi::$f(ctx.as_ptr(), self.raw(), o))
            })?
        }
    )*};
}

/// The unary operators of [`Object`]: `name HPy_Function "op a";`.
macro_rules! unary_ops {
    ($($name:ident $f:ident $expr:literal;)*) => {$(
        #[doc = concat!("`", $expr, "` (`", stringify!($f), "`).")]
        ///
        /// ```
        /// use oxhpy::prelude::*;
        ///
        #[doc = concat!("/// `", $expr, "` for any object.")]
        /// fn op<'py>(a: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        #[doc = concat!("    a.", stringify!($name), "()")]
        /// }
        /// ```
        fn $name(&self) -> PyResult<Handle<'py>> {
            let ctx = self.ctx();
            // SAFETY: live handle; the result is owned, or NULL with an error set.
            unsafe { Handle::from_raw(ctx, ffi::$f(ctx.as_ptr(), self.raw())) }
        }
    )*};
}

/// The methods of every Python object, for owned and borrowed handles alike.
///
/// Implemented for every [`AsHandle`] type. What fails returns the Python exception as a
/// [`PyErr`], to propagate with `?`.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// `"<type name>: <repr>"`.
/// fn describe<'py>(obj: &impl Object<'py>) -> PyResult<String> {
///     Ok(format!("{}: {}", obj.type_name(), obj.repr()?))
/// }
/// ```
pub trait Object<'py>: AsHandle<'py> {
    /// A new owned reference to the same object (`HPy_Dup`).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn keep<'py>(arg: Borrowed<'_, 'py>, kept: &mut Vec<Handle<'py>>) {
    ///     kept.push(arg.dup());
    /// }
    /// ```
    fn dup(&self) -> Handle<'py> {
        // SAFETY: `raw` is live; HPy_Dup returns a new owned handle and cannot fail.
        unsafe {
            Handle::from_raw_unchecked(self.ctx(), ffi::HPy_Dup(self.ctx().as_ptr(), self.raw()))
        }
    }

    /// Converts the object to a Rust value: any [`FromPy`] type.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `obj.real` as an `f64`.
    /// fn real(obj: Borrowed<'_, '_>) -> PyResult<f64> {
    ///     obj.getattr("real")?.extract()
    /// }
    /// ```
    fn extract<'a, T: FromPy<'a, 'py>>(&'a self) -> PyResult<T>
    where
        Self: Sized,
    {
        // SAFETY: `raw` is live for as long as `self` is borrowed ('a).
        T::from_py(unsafe { Borrowed::from_raw(self.ctx(), self.raw()) })
    }

    /// `self is other`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// Whether `f` returns its argument itself.
    /// fn returns_itself(f: Borrowed<'_, '_>, x: Borrowed<'_, '_>) -> PyResult<bool> {
    ///     Ok(f.call((x,))?.is(&x))
    /// }
    /// ```
    fn is(&self, other: &impl AsHandle<'py>) -> bool {
        // SAFETY: both handles are live in this call.
        unsafe { ffi::HPy_Is(self.ctx().as_ptr(), self.raw(), other.raw()) != 0 }
    }

    /// `self is None`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `f()`, but `default` when it returns `None`.
    /// fn or_default<'py>(f: Borrowed<'_, 'py>, default: i64) -> PyResult<i64> {
    ///     let r = f.call(())?;
    ///     if r.is_none() { Ok(default) } else { r.extract() }
    /// }
    /// ```
    fn is_none(&self) -> bool {
        let ctx = self.ctx();
        // SAFETY: both handles are live in this call.
        unsafe { ffi::HPy_Is(ctx.as_ptr(), self.raw(), ctx.constant(|c| c.h_None)) != 0 }
    }

    /// `isinstance(self, int)` (a `bool` is one too): one call, never an error. For a dispatch on
    /// the type of a value, with [`is_float`](Object::is_float), [`is_bool`](Object::is_bool) and
    /// the `cast` of the typed handles ([`PyStr::cast`](crate::PyStr::cast), …).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// "bool", "int", "float" or "other".
    /// #[oxhpy::function]
    /// fn kind(x: Borrowed<'_, '_>) -> &'static str {
    ///     if x.is_bool() {
    ///         "bool"
    ///     } else if x.is_int() {
    ///         "int"
    ///     } else if x.is_float() {
    ///         "float"
    ///     } else {
    ///         "other"
    ///     }
    /// }
    /// ```
    #[inline]
    fn is_int(&self) -> bool {
        let ctx = self.ctx();
        // SAFETY: a live handle and a context type constant (GraalPy answers rightly for its own
        // constants, also for the small ints it keeps unboxed in a handle).
        unsafe { ffi::HPy_TypeCheck(ctx.as_ptr(), self.raw(), ctx.constant(|c| c.h_LongType)) != 0 }
    }

    /// `callable(self)` (`HPyCallable_Check`): never an error.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `obj.write(text)`, or `TypeError` when `obj` has no callable `write`.
    /// fn write_to<'py>(obj: Borrowed<'_, 'py>, text: &str) -> PyResult<Handle<'py>> {
    ///     let write = obj.getattr("write")?;
    ///     if !write.is_callable() {
    ///         return Err(PyErr::type_error("expected a file"));
    ///     }
    ///     write.call((text,))
    /// }
    /// ```
    #[inline]
    fn is_callable(&self) -> bool {
        // SAFETY: a live handle; HPyCallable_Check only reads the object's type.
        unsafe { ffi::HPyCallable_Check(self.ctx().as_ptr(), self.raw()) != 0 }
    }

    /// `isinstance(self, float)`: one call, never an error (see [`is_int`](Object::is_int)).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `x` as a float if it is one (a subclass too), without converting an int.
    /// fn exact_float(x: Borrowed<'_, '_>) -> PyResult<Option<f64>> {
    ///     if x.is_float() { x.extract().map(Some) } else { Ok(None) }
    /// }
    /// ```
    #[inline]
    fn is_float(&self) -> bool {
        let ctx = self.ctx();
        // SAFETY: a live handle and a context type constant.
        unsafe {
            ffi::HPy_TypeCheck(ctx.as_ptr(), self.raw(), ctx.constant(|c| c.h_FloatType)) != 0
        }
    }

    /// `isinstance(self, bool)`: `self` is `True` or `False` (one call, never an error; see
    /// [`is_int`](Object::is_int)).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// JSON's spelling of a bool, or `None` for anything else.
    /// fn json_bool(x: Borrowed<'_, '_>) -> PyResult<Option<&'static str>> {
    ///     if !x.is_bool() {
    ///         return Ok(None);
    ///     }
    ///     Ok(Some(if x.extract::<bool>()? { "true" } else { "false" }))
    /// }
    /// ```
    #[inline]
    fn is_bool(&self) -> bool {
        let ctx = self.ctx();
        // SAFETY: a live handle and a context type constant.
        unsafe { ffi::HPy_TypeCheck(ctx.as_ptr(), self.raw(), ctx.constant(|c| c.h_BoolType)) != 0 }
    }

    /// `getattr(self, name)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `obj.__class__.__qualname__`.
    /// fn qualname(obj: Borrowed<'_, '_>) -> PyResult<String> {
    ///     obj.getattr("__class__")?.getattr("__qualname__")?.extract()
    /// }
    /// ```
    fn getattr(&self, name: &str) -> PyResult<Handle<'py>> {
        if name.is_empty() && crate::context::Interpreter::get().graalpy {
            return graalpy_getattr_empty(self);
        }
        let name = cstring(name)?;
        // SAFETY: live handle, NUL-terminated name; the result is owned or NULL with an error set.
        unsafe {
            Handle::from_raw(
                self.ctx(),
                ffi::HPy_GetAttr_s(self.ctx().as_ptr(), self.raw(), name.as_ptr()),
            )
        }
    }

    /// `setattr(self, name, value)`; `value` is any [`IntoPy`] type.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn tag(obj: Borrowed<'_, '_>, label: &str) -> PyResult<()> {
    ///     obj.setattr("label", label)?;
    ///     obj.setattr("tagged", true)
    /// }
    /// ```
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

    /// `self(*args)` (`HPy_Call`): `args` is a tuple, see [`IntoArgs`].
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `f(x, y)` as an `f64`.
    /// fn apply2(f: Borrowed<'_, '_>, x: f64, y: f64) -> PyResult<f64> {
    ///     f.call((x, y))?.extract()
    /// }
    /// ```
    fn call(&self, args: impl IntoArgs<'py>) -> PyResult<Handle<'py>> {
        self.call_kw(args, &[])
    }

    /// `self(*args, **kwargs)` with `kwargs` given as `(name, value)` pairs (`HPy_Call`); a
    /// repeated name is a `TypeError`, as in Python.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `sorted(items, key=key, reverse=True)`.
    /// fn sorted_desc<'py>(items: Borrowed<'_, 'py>, key: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     let (ctx, yes) = (items.ctx(), items.ctx().bool(true));
    ///     ctx.builtins_fn("sorted")?.call_kw((items,), &[("key", &key), ("reverse", &yes)])
    /// }
    /// ```
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
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `s.replace(old, new)`.
    /// fn replace(s: Borrowed<'_, '_>, old: &str, new: &str) -> PyResult<String> {
    ///     s.call_method("replace", (old, new))?.extract()
    /// }
    /// ```
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
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `type(obj)()`: a new object of the same type.
    /// fn same_kind<'py>(obj: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     obj.get_type().call(())
    /// }
    /// ```
    fn get_type(&self) -> Handle<'py> {
        // SAFETY: HPy_Type returns a new owned handle for any live object.
        unsafe {
            Handle::from_raw_unchecked(self.ctx(), ffi::HPy_Type(self.ctx().as_ptr(), self.raw()))
        }
    }

    /// The `__name__` of `type(self)` (`HPyType_GetName`), as error messages name it.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn expected_list(obj: Borrowed<'_, '_>) -> PyErr {
    ///     PyErr::type_error(format!("expected list, got {}", obj.type_name()))
    /// }
    /// ```
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
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn is_decimal(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) -> PyResult<bool> {
    ///     obj.is_instance(&ctx.import("decimal")?.getattr("Decimal")?)
    /// }
    /// ```
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
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn not_found(key: Borrowed<'_, '_>) -> PyResult<PyErr> {
    ///     Ok(PyErr::new(Exc::KeyError, key.repr()?))
    /// }
    /// ```
    fn repr(&self) -> PyResult<String> {
        // SAFETY: live handle; result owned or NULL with an error set.
        let r = unsafe {
            Handle::from_raw(self.ctx(), ffi::HPy_Repr(self.ctx().as_ptr(), self.raw()))?
        };
        r.extract::<String>()
    }

    /// `str(self)` as a Rust string.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `", ".join(str(x) for x in items)`.
    /// fn join(items: Vec<Handle<'_>>) -> PyResult<String> {
    ///     Ok(items.iter().map(|x| x.str()).collect::<PyResult<Vec<_>>>()?.join(", "))
    /// }
    /// ```
    fn str(&self) -> PyResult<String> {
        let c = self.ctx();
        // SAFETY: live handle; result owned or NULL with an error set.
        let r = unsafe { Handle::from_raw(c, ffi::HPy_Str(c.as_ptr(), self.raw()))? };
        r.extract::<String>()
    }

    /// `len(self)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// The last item of a sequence.
    /// fn last<'py>(seq: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     seq.get_item(seq.len()? as isize - 1)
    /// }
    /// ```
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
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn non_empty(items: Borrowed<'_, '_>) -> PyResult<()> {
    ///     if items.is_empty()? { Err(PyErr::value_error("no items")) } else { Ok(()) }
    /// }
    /// ```
    fn is_empty(&self) -> PyResult<bool> {
        Ok(self.len()? == 0)
    }

    /// `self[key]`: any key (converted with [`IntoPy`]); an integer that fits `isize` takes
    /// `HPy_GetItem_i` (no `int` object made). Negative indexes count from the end, as in Python.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `pair[0] + pair[1]`, for any sequence of two ints.
    /// fn sum2(pair: Borrowed<'_, '_>) -> PyResult<i64> {
    ///     Ok(pair.get_item(0)?.extract::<i64>()? + pair.get_item(-1)?.extract::<i64>()?)
    /// }
    ///
    /// /// `config["name"]`, `KeyError` if absent.
    /// fn name(config: Borrowed<'_, '_>) -> PyResult<String> {
    ///     config.get_item("name")?.extract()
    /// }
    /// ```
    fn get_item(&self, key: impl IntoPy<'py>) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        let Some(i) = key._oxhpy_index() else {
            // SAFETY: live handles; the result is owned, or NULL with an error set.
            return with_operand(ctx, key, |k| unsafe {
                Handle::from_raw(ctx, ffi::HPy_GetItem(ctx.as_ptr(), self.raw(), k))
            })?;
        };
        let i = if crate::context::Interpreter::get().graalpy {
            graalpy_list_index(self, i)?
        } else {
            i
        };
        // SAFETY: live handle; result owned or NULL with an error set.
        unsafe { Handle::from_raw(ctx, ffi::HPy_GetItem_i(ctx.as_ptr(), self.raw(), i as _)) }
    }

    /// `bool(self)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// How many items are true (`sum(map(bool, items))`).
    /// fn count_true(items: Vec<Handle<'_>>) -> PyResult<usize> {
    ///     items.iter().try_fold(0, |n, x| Ok(n + usize::from(x.is_truthy()?)))
    /// }
    /// ```
    fn is_truthy(&self) -> PyResult<bool> {
        // SAFETY: live handle; -1 means an exception is set.
        let r = unsafe { ffi::HPy_IsTrue(self.ctx().as_ptr(), self.raw()) };
        if r < 0 {
            Err(PyErr::raised())
        } else {
            Ok(r != 0)
        }
    }

    // ---------------------------------------------------------------------------------------
    // Attributes, items, comparison, hashing, operators, iteration
    // ---------------------------------------------------------------------------------------

    /// `hasattr(self, name)`: `false` when the lookup raises `AttributeError`; any other exception
    /// propagates (as Python's `hasattr`, unlike `HPy_HasAttr`, which hides every exception).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `obj.close()` if it has a `close`.
    /// fn close_if_closable(obj: Borrowed<'_, '_>) -> PyResult<()> {
    ///     if obj.hasattr("close")? {
    ///         obj.call_method("close", ())?;
    ///     }
    ///     Ok(())
    /// }
    /// ```
    fn hasattr(&self, name: &str) -> PyResult<bool> {
        let ctx = self.ctx();
        let r = if name.is_empty() && crate::context::Interpreter::get().graalpy {
            graalpy_getattr_empty(self)
        } else {
            // A `str` name rather than `HPy_GetAttr_s`'s C string: any name, NUL included.
            let name = name.into_py(ctx)?;
            // SAFETY: live handles; the result is owned, or NULL with an error set.
            unsafe { Handle::from_raw(ctx, ffi::HPy_GetAttr(ctx.as_ptr(), self.raw(), name.raw)) }
        };
        match r {
            Ok(_) => Ok(true),
            Err(e) => crate::types::absent_if(ctx, e, crate::Exc::AttributeError),
        }
    }

    /// `delattr(self, name)` (`del self.name`).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn forget_cache(obj: Borrowed<'_, '_>) -> PyResult<()> {
    ///     if obj.hasattr("_cache")? {
    ///         obj.delattr("_cache")?;
    ///     }
    ///     Ok(())
    /// }
    /// ```
    fn delattr(&self, name: &str) -> PyResult<()> {
        let ctx = self.ctx();
        // `HPy_SetAttr` with a NULL value is not defined by HPy 0.9: the built-in `delattr` is.
        crate::cache::get(ctx, crate::cache::Cached::DelAttr)?.call((self.dup(), name))?;
        Ok(())
    }

    /// `self[key] = value` (`HPy_SetItem`; `HPy_SetItem_i` for an integer key).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `counts[word] = counts.get(word, 0) + 1` for a dict-like `counts`.
    /// fn count<'py>(counts: Borrowed<'_, 'py>, word: &str) -> PyResult<()> {
    ///     let n: i64 = if counts.contains(word)? { counts.get_item(word)?.extract()? } else { 0 };
    ///     counts.set_item(word, n + 1)
    /// }
    /// ```
    fn set_item(&self, key: impl IntoPy<'py>, value: impl IntoPy<'py>) -> PyResult<()> {
        let ctx = self.ctx();
        if crate::context::Interpreter::get().graalpy {
            return graalpy_operator(self, "setitem", (key, value)).map(drop);
        }
        let rc = with_operand(ctx, value, |v| match key._oxhpy_index() {
            Some(i) => {
                // SAFETY: live handles (an operand is live while `with_operand` runs); -1 means
                // an exception is set.
                Ok(unsafe { ffi::HPy_SetItem_i(ctx.as_ptr(), self.raw(), i as _, v) })
            }
            // SAFETY: as above.
            _ => with_operand(ctx, key, |k| unsafe {
                ffi::HPy_SetItem(ctx.as_ptr(), self.raw(), k, v)
            }),
        })??;
        status(rc)
    }

    /// `del self[key]` (`HPy_DelItem`; `HPy_DelItem_i` for an integer key).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// Removes the last item of a list.
    /// fn drop_last(list: Borrowed<'_, '_>) -> PyResult<()> {
    ///     list.del_item(-1)
    /// }
    /// ```
    fn del_item(&self, key: impl IntoPy<'py>) -> PyResult<()> {
        let ctx = self.ctx();
        let rc = match key._oxhpy_index() {
            // SAFETY: live handle; -1 means an exception is set. Not on GraalPy, whose
            // `HPy_DelItem_i` is untested (its `HPy_DelItem` is correct).
            Some(i) if !crate::context::Interpreter::get().graalpy => unsafe {
                ffi::HPy_DelItem_i(ctx.as_ptr(), self.raw(), i as _)
            },
            // SAFETY: as above; the key is live while `with_operand` runs.
            _ => with_operand(ctx, key, |k| unsafe {
                ffi::HPy_DelItem(ctx.as_ptr(), self.raw(), k)
            })?,
        };
        status(rc)
    }

    /// `value in self` (`HPy_Contains`).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn has_key(mapping: Borrowed<'_, '_>, key: &str) -> PyResult<bool> {
    ///     mapping.contains(key)
    /// }
    /// ```
    fn contains(&self, value: impl IntoPy<'py>) -> PyResult<bool> {
        let ctx = self.ctx();
        // SAFETY: live handles (an operand is live while `with_operand` runs); -1 means an
        // exception is set.
        let r = with_operand(ctx, value, |v| unsafe {
            ffi::HPy_Contains(ctx.as_ptr(), self.raw(), v)
        })?;
        status(r).map(|()| r != 0)
    }

    /// `self <op> other`, the result of the comparison as an object (`HPy_RichCompare`): what
    /// `__eq__`, `__lt__`, … return, not necessarily a `bool` (a NumPy array compares to an array).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::CompareOp;
    ///
    /// /// `a <= b`, whatever object that gives.
    /// fn le<'py>(a: Borrowed<'_, 'py>, b: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     a.rich_compare(b, CompareOp::Le)
    /// }
    /// ```
    fn rich_compare(&self, other: impl IntoPy<'py>, op: crate::CompareOp) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        if crate::context::Interpreter::get().graalpy {
            return graalpy_operator(self, op.operator_name(), (other,));
        }
        // SAFETY: live handles; the result is owned, or NULL with an error set.
        with_operand(ctx, other, |o| unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPy_RichCompare(ctx.as_ptr(), self.raw(), o, op as std::ffi::c_int),
            )
        })?
    }

    /// `bool(self == other)`: Python's `==` (no identity shortcut, so a NaN is not equal to
    /// itself), then the truth of its result.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn is_zero(x: Borrowed<'_, '_>) -> PyResult<bool> {
    ///     x.eq(0)
    /// }
    /// ```
    fn eq(&self, other: impl IntoPy<'py>) -> PyResult<bool> {
        self.rich_compare(other, crate::CompareOp::Eq)?.is_truthy()
    }

    /// `bool(self != other)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn differ(a: Borrowed<'_, '_>, b: Borrowed<'_, '_>) -> PyResult<bool> {
    ///     a.ne(b)
    /// }
    /// ```
    fn ne(&self, other: impl IntoPy<'py>) -> PyResult<bool> {
        self.rich_compare(other, crate::CompareOp::Ne)?.is_truthy()
    }

    /// `bool(self < other)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// The smaller of two objects (the first when neither is smaller), as `min(a, b)`.
    /// fn smaller<'a, 'py>(a: Borrowed<'a, 'py>, b: Borrowed<'a, 'py>) -> PyResult<Borrowed<'a, 'py>> {
    ///     Ok(if b.lt(a)? { b } else { a })
    /// }
    /// ```
    fn lt(&self, other: impl IntoPy<'py>) -> PyResult<bool> {
        self.rich_compare(other, crate::CompareOp::Lt)?.is_truthy()
    }

    /// `bool(self <= other)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn at_most_ten(x: Borrowed<'_, '_>) -> PyResult<bool> {
    ///     x.le(10)
    /// }
    /// ```
    fn le(&self, other: impl IntoPy<'py>) -> PyResult<bool> {
        self.rich_compare(other, crate::CompareOp::Le)?.is_truthy()
    }

    /// `bool(self > other)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn positive(x: Borrowed<'_, '_>) -> PyResult<bool> {
    ///     x.gt(0.0)
    /// }
    /// ```
    fn gt(&self, other: impl IntoPy<'py>) -> PyResult<bool> {
        self.rich_compare(other, crate::CompareOp::Gt)?.is_truthy()
    }

    /// `bool(self >= other)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn non_negative(x: Borrowed<'_, '_>) -> PyResult<bool> {
    ///     x.ge(0)
    /// }
    /// ```
    fn ge(&self, other: impl IntoPy<'py>) -> PyResult<bool> {
        self.rich_compare(other, crate::CompareOp::Ge)?.is_truthy()
    }

    /// `hash(self)` (`HPy_Hash`): `TypeError` for an unhashable object.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// Whether `obj` can be a dict key.
    /// fn hashable(obj: Borrowed<'_, '_>) -> bool {
    ///     obj.hash().is_ok()
    /// }
    /// ```
    fn hash(&self) -> PyResult<isize> {
        // SAFETY: live handle; -1 means an exception is set (a hash is never -1 otherwise).
        let h = unsafe { ffi::HPy_Hash(self.ctx().as_ptr(), self.raw()) };
        if h == -1 {
            Err(PyErr::raised())
        } else {
            Ok(h)
        }
    }

    binary_ops! {
        add HPy_Add "+" "a + b";
        sub HPy_Subtract "-" "a - b";
        mul HPy_Multiply "*" "a * b";
        matmul HPy_MatrixMultiply "@" "a @ b";
        div HPy_TrueDivide "/" "a / b";
        rem HPy_Remainder "%" "a % b";
        divmod HPy_Divmod "divmod" "divmod(a, b)";
        lshift HPy_Lshift "<<" "a << b";
        rshift HPy_Rshift ">>" "a >> b";
        bitand HPy_And "&" "a & b";
        bitor HPy_Or "|" "a | b";
        bitxor HPy_Xor "^" "a ^ b";
    }

    /// `a // b` (`HPy_FloorDivide`).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `a // b` for any objects.
    /// fn op<'py>(a: Borrowed<'_, 'py>, b: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     a.floor_div(b)
    /// }
    /// ```
    fn floor_div(&self, other: impl IntoPy<'py>) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        if crate::context::Interpreter::get().graalpy {
            return graalpy_operator(self, "floordiv", (other,));
        }
        // SAFETY: live handles; the result is owned, or NULL with an error set.
        with_operand(ctx, other, |o| unsafe {
            Handle::from_raw(ctx, ffi::HPy_FloorDivide(ctx.as_ptr(), self.raw(), o))
        })?
    }

    unary_ops! {
        neg HPy_Negative "-a";
        pos HPy_Positive "+a";
        abs HPy_Absolute "abs(a)";
        bitnot HPy_Invert "~a";
    }

    /// `pow(self, exp, modulo)` (`HPy_Power`): pass `()` as `modulo` for `pow(self, exp)`
    /// (`self ** exp`).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `x ** 2` and `pow(x, 2, 10)`.
    /// fn squares<'py>(x: Borrowed<'_, 'py>) -> PyResult<(Handle<'py>, Handle<'py>)> {
    ///     Ok((x.pow(2, ())?, x.pow(2, 10)?))
    /// }
    /// ```
    fn pow(&self, exp: impl IntoPy<'py>, modulo: impl IntoPy<'py>) -> PyResult<Handle<'py>> {
        let ctx = self.ctx();
        with_operand(ctx, exp, |e| {
            // SAFETY: live handles; the result is owned, or NULL with an error set.
            with_operand(ctx, modulo, |m| unsafe {
                Handle::from_raw(ctx, ffi::HPy_Power(ctx.as_ptr(), self.raw(), e, m))
            })
        })??
    }

    /// `iter(self)`, as a Rust iterator of the items `next()` gives: `Err` when `iter` or a
    /// `next` raises (after which the iterator ends), `None` at `StopIteration`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `sum(items)` of any iterable of integers, in Rust.
    /// #[oxhpy::function]
    /// fn total(items: Borrowed<'_, '_>) -> PyResult<i64> {
    ///     let mut sum = 0i64;
    ///     for item in items.iter()? {
    ///         sum += item?.extract::<i64>()?;
    ///     }
    ///     Ok(sum)
    /// }
    /// ```
    fn iter(&self) -> PyResult<crate::PyIter<'py>> {
        crate::PyIter::new(self)
    }
}

/// Runs `f` on the raw handle of `v`: its own when it is a handle (no new reference), else that
/// of its conversion, closed afterwards.
#[inline]
fn with_operand<'py, R>(
    ctx: Ctx<'py>,
    v: impl IntoPy<'py>,
    f: impl FnOnce(ffi::HPy) -> R,
) -> PyResult<R> {
    if let Some(h) = v._oxhpy_handle() {
        return Ok(f(h.raw()));
    }
    let h = v.into_py(ctx)?;
    Ok(f(h.raw()))
}

/// `Ok(())` for a status `>= 0`; `-1` means an exception is set.
#[inline]
fn status(rc: std::ffi::c_int) -> PyResult<()> {
    if rc < 0 {
        Err(PyErr::raised())
    } else {
        Ok(())
    }
}

impl<'py, T: AsHandle<'py> + ?Sized> Object<'py> for T {}

// Portability fix for an interpreter bug (GraalPy 24.2.2, HPy 0.9.0): `HPy_GetAttr_s(obj, "")` and
// `HPy_GetAttr(obj, "")` fail inside GraalPy (`java.lang.IndexOutOfBoundsException: array (length:
// 0) index (0) is out of bounds!` in `ctx_GetAttr`): the `_s` form kills the process, the other
// raises `SystemError: internal exception occurred` and leaves GraalPy's error state inconsistent
// (a later garbage collection reports "error return without exception set"). An empty name is a
// valid attribute name (`setattr(obj, "", 1)` works), so on GraalPy `getattr`/`hasattr` ask the
// built-in `getattr` for it.

// Portability fix for interpreter bugs (GraalPy 24.2.2, HPy 0.9.0), each reproduced with a plain C
// HPy module:
// * `HPy_RichCompare` calls the left operand's method only, without the reflected one or the
//   identity fallback of `==`: it returns `NotImplemented` for `0 < "a"` (Python: TypeError) and
//   for `0 == "a"` (Python: False).
// * `HPy_FloorDivide` truncates small ints towards zero: `1 // -3` gave 0, `7 // -3` gave -2.
// * `HPy_SetItem` and `HPy_SetItem_i` on a `list` with an `int` index: on a list of ints, an index
//   out of range is written without a check (`l[3] = x` on 3 items kills the JVM:
//   `ArrayIndexOutOfBoundsException`); on a list of other objects, a small int or a float value
//   (which GraalPy keeps unboxed in the handle) is read as a handle-table index: `l[1] = 7` stores
//   `Exception`, `l[1] = 2` `NotImplemented`, `l[1] = 1000` kills the JVM (`Index 1000 out of
//   bounds for length 512`), `l[1] = 0` leaves a value that Python code cannot even bind to a name
//   (`NameError`). (`HPyList_Append` is correct.)
// On GraalPy, those go through the functions of the `operator` module instead.

/// `operator.<name>(obj, *args)` (GraalPy only, see above).
#[cold]
fn graalpy_operator<'py>(
    obj: &(impl Object<'py> + ?Sized),
    name: &str,
    args: impl IntoArgs<'py>,
) -> PyResult<Handle<'py>> {
    let ctx = obj.ctx();
    let f = crate::cache::get(ctx, crate::cache::Cached::Operator)?.getattr(name)?;
    let mut all = vec![obj.dup()];
    all.extend(args.into_handles(ctx)?);
    let raw = raws(&all);
    // SAFETY: `raw` holds live handles (kept open by `all`); no keywords; the result is owned or
    // NULL with an error set.
    unsafe {
        Handle::from_raw(
            ctx,
            ffi::HPy_Call(ctx.as_ptr(), f.raw, raw.as_ptr(), raw.len(), ffi::HPy_NULL),
        )
    }
}

/// `getattr(obj, "")` through the built-in `getattr` (GraalPy only, see above).
#[cold]
fn graalpy_getattr_empty<'py>(obj: &(impl Object<'py> + ?Sized)) -> PyResult<Handle<'py>> {
    obj.ctx().builtins_fn("getattr")?.call((obj.dup(), ""))
}

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
