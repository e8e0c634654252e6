//! [`PyType`]: a type object (a class), as a `#[classmethod]` receives its class.
use super::typed_handle;
use crate::class::PyClass;
use crate::context::Ctx;
use crate::err::{PyErr, PyResult};
use crate::handle::{AsHandle, Handle, Object};
use hpy_sys as ffi;
use std::ffi::c_int;
use std::marker::PhantomData;

/// A type object: `isinstance(obj, type)` (a class, a built-in type, a metaclass instance).
///
/// What a `#[classmethod]` takes as its class (`cls: PyTypeRef<'_, 'py>`, borrowed for the call,
/// or `cls: PyType<'py>`, owned), as PyO3's `&Bound<'_, PyType>`. Calling it
/// ([`Object::call`]) makes an instance of it, a Python subclass's own when the method is called
/// through one.
///
/// ```
/// # #[oxhpy::module]
/// # mod _native {
/// use oxhpy::prelude::*;
/// use oxhpy::{PyType, PyTypeRef};
///
/// #[oxhpy::class(subclass)]
/// pub struct Temp {
///     celsius: f64,
/// }
///
/// #[oxhpy::methods]
/// impl Temp {
///     #[new]
///     fn new(celsius: f64) -> Self {
///         Temp { celsius }
///     }
///
///     /// `Temp.from_f(212)`; a subclass `Sub.from_f(212)` makes a `Sub`.
///     #[classmethod]
///     fn from_f<'py>(cls: PyTypeRef<'_, 'py>, f: f64) -> PyResult<Handle<'py>> {
///         cls.call(((f - 32.0) / 1.8,))
///     }
///
///     /// `"Sub (a Temp)"` through a subclass.
///     #[classmethod]
///     fn describe(cls: PyTypeRef<'_, '_>) -> PyResult<String> {
///         let temp = PyType::of::<Temp>(cls.ctx())?;
///         let kind = if cls.is(&temp) { "itself" } else { "a Temp" };
///         Ok(format!("{} ({kind})", cls.name()?))
///     }
/// }
/// # }
/// ```
pub struct PyType<'py, H = Handle<'py>>(H, PhantomData<Ctx<'py>>);

/// Whether `h` is a type: `type(h)` is a subtype of `type` (as `Object::is_instance` checks,
/// not `HPy_TypeCheck`: see there).
///
/// # Safety
/// `c` is a live context and `h` a live handle of it.
unsafe fn is_type(c: *mut ffi::HPyContext, h: ffi::HPy) -> c_int {
    // SAFETY: live context and handle (the caller's promise); `ty` is closed before returning.
    unsafe {
        let ty = ffi::HPy_Type(c, h);
        let r = ffi::HPyType_IsSubtype(c, ty, (*c).h_TypeType);
        ffi::HPy_Close(c, ty);
        r
    }
}

typed_handle!(PyType, PyTypeRef, "type", is_type);

impl<'py> PyType<'py> {
    /// The type object of the `#[oxhpy::class]` `T` (`SystemError` before the module has created
    /// it).
    ///
    /// <!-- no example: [`PyType`]'s example compares a class with it -->
    pub fn of<T: PyClass>(ctx: Ctx<'py>) -> PyResult<PyType<'py>> {
        crate::class::type_object::<T>(ctx).map(Self::from_handle_unchecked)
    }
}

impl<'py, H: AsHandle<'py>> PyType<'py, H> {
    /// `cls.__name__`.
    ///
    /// <!-- no example: [`PyType`]'s example reads it -->
    pub fn name(&self) -> PyResult<String> {
        self.getattr("__name__")?.extract()
    }

    /// `cls.__qualname__` (`Outer.Inner` for a class defined in a class).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyTypeRef;
    ///
    /// /// `"module.Qualified.Name"` of any class.
    /// #[oxhpy::function]
    /// fn full_name(cls: PyTypeRef<'_, '_>) -> PyResult<String> {
    ///     let module: String = cls.getattr("__module__")?.extract()?;
    ///     Ok(format!("{module}.{}", cls.qualname()?))
    /// }
    /// ```
    pub fn qualname(&self) -> PyResult<String> {
        self.getattr("__qualname__")?.extract()
    }

    /// `issubclass(self, other)`, a class being a subclass of itself; `TypeError` when `other`
    /// is not a type.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    /// use oxhpy::PyTypeRef;
    ///
    /// /// Whether `cls` is an exception class.
    /// #[oxhpy::function]
    /// fn is_exception(ctx: Ctx<'_>, cls: PyTypeRef<'_, '_>) -> PyResult<bool> {
    ///     cls.is_subclass(&ctx.import("builtins")?.getattr("BaseException")?)
    /// }
    /// ```
    pub fn is_subclass(&self, other: &impl AsHandle<'py>) -> PyResult<bool> {
        let c = self.ctx().as_ptr();
        // SAFETY: live handles of this context.
        if unsafe { is_type(c, other.raw()) } == 0 {
            return Err(PyErr::type_error("issubclass() arg 2 must be a class"));
        }
        // SAFETY: both are live type objects.
        Ok(unsafe { ffi::HPyType_IsSubtype(c, self.raw(), other.raw()) } != 0)
    }
}
