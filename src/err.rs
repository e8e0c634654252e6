//! Errors: [`PyResult<T>`] and [`PyErr`].
//!
//! A `PyErr` is either an exception an HPy call has already raised (HPy 0.9 cannot fetch it, so it
//! stays in the interpreter and propagates untouched), or a new one, made lazily from an exception
//! type and a message and raised when the error reaches the interpreter. The type is any built-in
//! exception ([`Exc`]) or a custom type kept in a module [`Global`]: one declared with
//! [`#[oxhpy::exception]`](crate::exception) ([`CustomException`]), or made by
//! [`Module::add_exception`](crate::Module::add_exception).
//!
//! Dropping a raised error discards its exception, as it would drop the exception object in
//! PyO3: since HPy cannot fetch it, the trampoline clears what such errors left set before the
//! call returns (see [`PyErr::raised`]). A custom type that is not an exception class raises
//! `SystemError` instead.
//!
//! ```
//! use oxhpy::prelude::*;
//!
//! /// Calls `f(x)` for a non-negative `x`; `f`'s result must be an int.
//! #[oxhpy::function]
//! fn apply(f: Borrowed<'_, '_>, x: i64) -> PyResult<i64> {
//!     if x < 0 {
//!         return Err(PyErr::value_error("x must not be negative")); // a new ValueError
//!     }
//!     f.call((x,))?.extract() // what `f` raised, or extract's TypeError, propagates
//! }
//! ```
use crate::context::Ctx;
use crate::module::Global;
use hpy_sys as ffi;
use std::borrow::Cow;
use std::ffi::CString;
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many raised errors were dropped without reaching the interpreter. Read by the trampoline
/// on every successful return (one relaxed load): when non-zero, it clears the exception they left
/// set, so that a result is never returned with an exception pending.
pub(crate) static DROPPED_RAISED: AtomicUsize = AtomicUsize::new(0);

/// `Result<T, PyErr>`: what every fallible oxhpy call and user function returns.
///
/// ```
/// use oxhpy::prelude::*;
///
/// fn port(s: &str) -> PyResult<u16> {
///     s.parse().map_err(|_| PyErr::value_error(format!("not a port number: {s:?}")))
/// }
///
/// assert_eq!(port("8080").unwrap(), 8080);
/// assert!(port("http").unwrap_err().is(Exc::ValueError));
/// ```
pub type PyResult<T> = Result<T, PyErr>;

/// A Python exception, raised or to be raised. See the [module docs](self).
///
/// One pointer wide, so that a `PyResult` of a number or a handle comes back in registers.
/// `Debug` and `Display` show a new error as `ValueError("message")`.
///
/// ```
/// use oxhpy::prelude::*;
///
/// let err = PyErr::new(Exc::KeyError, "no such key");
/// assert_eq!(err.to_string(), r#"KeyError("no such key")"#);
/// ```
pub struct PyErr(Option<Box<New>>);

/// An exception to be raised: `ty(msg)`. (`None` in [`PyErr`]: already set in the interpreter.)
struct New {
    ty: ExcType,
    msg: Cow<'static, str>,
}

impl Drop for PyErr {
    fn drop(&mut self) {
        if self.0.is_none() {
            DROPPED_RAISED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

#[derive(Clone, Copy)]
enum ExcType {
    Builtin(Exc),
    Global(&'static Global),
}

macro_rules! builtin_exceptions {
    ($($name:ident),* $(,)?) => {
        /// The built-in exception types, as found in every HPy context.
        ///
        /// ```
        /// use oxhpy::prelude::*;
        ///
        /// fn lookup(items: &[(String, i64)], key: &str) -> PyResult<i64> {
        ///     let found = items.iter().find(|(k, _)| k == key);
        ///     found.map(|(_, v)| *v).ok_or_else(|| PyErr::new(Exc::KeyError, key.to_owned()))
        /// }
        ///
        /// assert!(lookup(&[], "a").unwrap_err().is(Exc::KeyError));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        #[allow(missing_docs)]
        pub enum Exc { $($name),* }

        impl Exc {
            /// The borrowed context constant for this type.
            pub(crate) fn handle(self, ctx: Ctx<'_>) -> ffi::HPy {
                paste_handle!(self, ctx, $($name),*)
            }
        }
    };
}

macro_rules! paste_handle {
    ($e:expr, $ctx:expr, $($name:ident),*) => {
        match $e { $(Exc::$name => $ctx.constant(|c| handle_of!(c, $name)),)* }
    };
}

macro_rules! handle_of {
    ($c:ident, BaseException) => {
        $c.h_BaseException
    };
    ($c:ident, Exception) => {
        $c.h_Exception
    };
    ($c:ident, ArithmeticError) => {
        $c.h_ArithmeticError
    };
    ($c:ident, AssertionError) => {
        $c.h_AssertionError
    };
    ($c:ident, AttributeError) => {
        $c.h_AttributeError
    };
    ($c:ident, BufferError) => {
        $c.h_BufferError
    };
    ($c:ident, EOFError) => {
        $c.h_EOFError
    };
    ($c:ident, FloatingPointError) => {
        $c.h_FloatingPointError
    };
    ($c:ident, ImportError) => {
        $c.h_ImportError
    };
    ($c:ident, IndexError) => {
        $c.h_IndexError
    };
    ($c:ident, KeyError) => {
        $c.h_KeyError
    };
    ($c:ident, LookupError) => {
        $c.h_LookupError
    };
    ($c:ident, MemoryError) => {
        $c.h_MemoryError
    };
    ($c:ident, NameError) => {
        $c.h_NameError
    };
    ($c:ident, NotImplementedError) => {
        $c.h_NotImplementedError
    };
    ($c:ident, OSError) => {
        $c.h_OSError
    };
    ($c:ident, OverflowError) => {
        $c.h_OverflowError
    };
    ($c:ident, RecursionError) => {
        $c.h_RecursionError
    };
    ($c:ident, RuntimeError) => {
        $c.h_RuntimeError
    };
    ($c:ident, StopIteration) => {
        $c.h_StopIteration
    };
    ($c:ident, SystemError) => {
        $c.h_SystemError
    };
    ($c:ident, TimeoutError) => {
        $c.h_TimeoutError
    };
    ($c:ident, TypeError) => {
        $c.h_TypeError
    };
    ($c:ident, UnicodeError) => {
        $c.h_UnicodeError
    };
    ($c:ident, ValueError) => {
        $c.h_ValueError
    };
    ($c:ident, ZeroDivisionError) => {
        $c.h_ZeroDivisionError
    };
    ($c:ident, Warning) => {
        $c.h_Warning
    };
    ($c:ident, RuntimeWarning) => {
        $c.h_RuntimeWarning
    };
    ($c:ident, UserWarning) => {
        $c.h_UserWarning
    };
}

builtin_exceptions!(
    BaseException,
    Exception,
    ArithmeticError,
    AssertionError,
    AttributeError,
    BufferError,
    EOFError,
    FloatingPointError,
    ImportError,
    IndexError,
    KeyError,
    LookupError,
    MemoryError,
    NameError,
    NotImplementedError,
    OSError,
    OverflowError,
    RecursionError,
    RuntimeError,
    StopIteration,
    SystemError,
    TimeoutError,
    TypeError,
    UnicodeError,
    ValueError,
    ZeroDivisionError,
    Warning,
    RuntimeWarning,
    UserWarning,
);

impl PyErr {
    /// A new exception `exc(msg)`, raised when it reaches the interpreter.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// let err = PyErr::new(Exc::IndexError, "index out of range");
    /// assert!(err.is(Exc::IndexError));
    /// ```
    pub fn new(exc: Exc, msg: impl Into<Cow<'static, str>>) -> Self {
        PyErr(Some(Box::new(New {
            ty: ExcType::Builtin(exc),
            msg: msg.into(),
        })))
    }

    /// A new exception of a custom type kept in a module global, created at module init by
    /// [`Module::add_exception`](crate::Module::add_exception). If the global holds no exception
    /// class when the error is raised, `SystemError` is raised instead (its message says why).
    ///
    /// ```
    /// # #[oxhpy::module]
    /// # mod _native {
    /// use oxhpy::prelude::*;
    ///
    /// #[oxhpy::global]
    /// static PARSE_ERROR: Global; // stored by `m.add_exception(&PARSE_ERROR, ...)` in exec
    /// # #[oxhpy::exec]
    /// # fn exec(m: &Module<'_>) -> PyResult<()> {
    /// #     m.add_exception(&PARSE_ERROR, "ParseError", None, "Bad input.")
    /// # }
    ///
    /// #[oxhpy::function]
    /// fn parse(s: &str) -> PyResult<i64> {
    ///     s.trim().parse().map_err(|_| PyErr::custom(&PARSE_ERROR, format!("not a number: {s:?}")))
    /// }
    /// # }
    /// ```
    pub fn custom(ty: &'static Global, msg: impl Into<Cow<'static, str>>) -> Self {
        PyErr(Some(Box::new(New {
            ty: ExcType::Global(ty),
            msg: msg.into(),
        })))
    }

    /// The exception an HPy call has just raised (it is already set in the interpreter).
    ///
    /// Return it (or `?` it) to propagate the exception. Dropping it instead discards the
    /// exception: the trampoline clears it before the call returns its result.
    ///
    /// Only code that calls [`ffi`] itself needs it; oxhpy's own calls return it.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `hash(obj)`.
    /// fn hash(obj: Borrowed<'_, '_>) -> PyResult<isize> {
    ///     // SAFETY: a live context and handle; -1 means an exception is set.
    ///     let h = unsafe { oxhpy::ffi::HPy_Hash(obj.ctx().as_ptr(), obj.raw()) };
    ///     if h == -1 { Err(PyErr::raised()) } else { Ok(h) }
    /// }
    /// ```
    #[inline]
    pub fn raised() -> Self {
        PyErr(None)
    }

    /// `TypeError(msg)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// A count: an `int`, but not a `bool`.
    /// fn count(obj: Borrowed<'_, '_>) -> PyResult<u64> {
    ///     if obj.extract::<bool>().is_ok() {
    ///         return Err(PyErr::type_error("expected int, got bool"));
    ///     }
    ///     obj.extract()
    /// }
    /// ```
    pub fn type_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Exc::TypeError, msg)
    }

    /// `ValueError(msg)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn probability(p: f64) -> PyResult<f64> {
    ///     if !(0.0..=1.0).contains(&p) {
    ///         return Err(PyErr::value_error("p must be in [0, 1]"));
    ///     }
    ///     Ok(p)
    /// }
    ///
    /// assert!(probability(1.5).unwrap_err().is(Exc::ValueError));
    /// ```
    pub fn value_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Exc::ValueError, msg)
    }

    /// `OverflowError(msg)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn factorial(n: u64) -> PyResult<u64> {
    ///     (1..=n).try_fold(1u64, |acc, k| acc.checked_mul(k))
    ///         .ok_or_else(|| PyErr::overflow_error("factorial does not fit in 64 bits"))
    /// }
    ///
    /// assert_eq!(factorial(20).unwrap(), 2_432_902_008_176_640_000);
    /// assert!(factorial(21).is_err());
    /// ```
    pub fn overflow_error(msg: impl Into<Cow<'static, str>>) -> Self {
        Self::new(Exc::OverflowError, msg)
    }

    /// Whether this is a new error of built-in type `exc` (exactly that type, not a subclass; an
    /// error [already raised](PyErr::raised) in the interpreter never is).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `obj` as an `i64`, or `None` for an `int` that does not fit.
    /// fn small_int(obj: Borrowed<'_, '_>) -> PyResult<Option<i64>> {
    ///     match obj.extract::<i64>() {
    ///         Ok(v) => Ok(Some(v)),
    ///         Err(e) if e.is(Exc::OverflowError) => Ok(None),
    ///         Err(e) => Err(e),
    ///     }
    /// }
    /// ```
    pub fn is(&self, exc: Exc) -> bool {
        matches!(self.0.as_deref(), Some(New { ty: ExcType::Builtin(e), .. }) if *e == exc)
    }

    /// Whether this error is an instance of `exc` or of a subclass of it, as `except exc:` would
    /// decide: for a new error and for one already raised in the interpreter alike (through
    /// `HPyErr_ExceptionMatches`). `exc` is a built-in [`Exc`] or a custom exception type kept in a
    /// module [`Global`] (an empty `Global`, or one that holds no exception class, matches nothing).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `getattr(obj, name, default)`: only an `AttributeError` (or a subclass) gives `default`.
    /// #[oxhpy::function]
    /// fn getattr_or<'py>(ctx: Ctx<'py>, obj: Borrowed<'_, 'py>, name: &str, default: Handle<'py>)
    ///     -> PyResult<Handle<'py>> {
    ///     match obj.getattr(name) {
    ///         Err(e) if e.matches(ctx, Exc::AttributeError) => {
    ///             e.clear(ctx);
    ///             Ok(default)
    ///         }
    ///         other => other,
    ///     }
    /// }
    /// ```
    pub fn matches(&self, ctx: Ctx<'_>, exc: impl ExceptionType) -> bool {
        exc.with_type(ctx, |want| self.matches_type(ctx, want))
            .unwrap_or(false)
    }

    /// Whether the error is an instance of `want`, a live exception class of `ctx`.
    fn matches_type(&self, ctx: Ctx<'_>, want: ffi::HPy) -> bool {
        let c = ctx.as_ptr();
        match self.0.as_deref() {
            // SAFETY: valid context and a live type handle; without an exception set, HPy answers 0.
            None => unsafe { ffi::HPyErr_ExceptionMatches(c, want) != 0 },
            Some(New {
                ty: ExcType::Builtin(e),
                ..
            }) => {
                // SAFETY: both are live type handles of this context.
                unsafe { ffi::HPyType_IsSubtype(c, e.handle(ctx), want) != 0 }
            }
            Some(New {
                ty: ExcType::Global(g),
                ..
            }) => match g.load(ctx) {
                Some(h) if is_exception_class(ctx, &h) => {
                    // SAFETY: both are live type handles of this context.
                    unsafe { ffi::HPyType_IsSubtype(c, crate::AsHandle::raw(&h), want) != 0 }
                }
                // Raised as SystemError (see `restore`).
                _ => exc_subtype(ctx, Exc::SystemError, want),
            },
        }
    }

    /// Discards the error now: an exception already raised is cleared in the interpreter at once
    /// (`HPyErr_Clear`), so that the function may go on calling Python, as after `except ...: pass`.
    /// (Dropping it also discards it, but only clears it when the call returns.)
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `len(obj)`, or `None` for an object without a length.
    /// #[oxhpy::function]
    /// fn len_or_none(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) -> PyResult<Option<usize>> {
    ///     match obj.len() {
    ///         Ok(n) => Ok(Some(n)),
    ///         Err(e) if e.matches(ctx, Exc::TypeError) => {
    ///             e.clear(ctx);
    ///             Ok(None)
    ///         }
    ///         Err(e) => Err(e),
    ///     }
    /// }
    /// ```
    pub fn clear(self, ctx: Ctx<'_>) {
        let this = std::mem::ManuallyDrop::new(self);
        if this.0.is_none() {
            // SAFETY: valid context; clearing without an exception set is a no-op.
            unsafe { ffi::HPyErr_Clear(ctx.as_ptr()) };
        }
        // A new error owns a Box: dropped here (ManuallyDrop kept `Drop` from counting a raised one).
        drop(std::mem::ManuallyDrop::into_inner(this).0.take());
    }

    /// The message of a new error (`None` for one already raised).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// assert_eq!(PyErr::value_error("empty input").message(), Some("empty input"));
    /// ```
    pub fn message(&self) -> Option<&str> {
        self.0.as_ref().map(|n| &*n.msg)
    }

    /// Prefixes the message of a new error, e.g. with the argument it is about. An error already
    /// raised in the interpreter is left as it is.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// let err = PyErr::type_error("expected int, got str").with_context("item 3: ");
    /// assert_eq!(err.message(), Some("item 3: expected int, got str"));
    /// ```
    pub fn with_context(mut self, prefix: &str) -> Self {
        if let Some(n) = &mut self.0 {
            n.msg = format!("{prefix}{}", n.msg).into();
        }
        self
    }

    /// Sets this exception in the interpreter (the last step before returning an error value).
    /// The generated code does it for every `#[oxhpy::function]` and method; code that implements
    /// an HPy function through [`ffi`] itself calls it.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// The C-style result of an HPy slot returning an `int`: -1 with the exception set.
    /// fn to_c(ctx: Ctx<'_>, r: PyResult<i32>) -> i32 {
    ///     r.unwrap_or_else(|e| {
    ///         e.restore(ctx);
    ///         -1
    ///     })
    /// }
    /// ```
    pub fn restore(self, ctx: Ctx<'_>) {
        let c = ctx.as_ptr();
        // Consumed here: never dropped (a raised error would count as discarded).
        let mut this = std::mem::ManuallyDrop::new(self);
        match this.0.take().map(|n| *n) {
            None => {
                // SAFETY: valid context. An error return without an exception would make CPython
                // raise SystemError anyway; say why.
                unsafe {
                    if ffi::HPyErr_Occurred(c) == 0 {
                        set_string(
                            ctx,
                            Exc::SystemError.handle(ctx),
                            "error return without exception set",
                        );
                    }
                }
            }
            Some(New {
                ty: ExcType::Builtin(e),
                msg,
            }) => set_string(ctx, e.handle(ctx), &msg),
            Some(New {
                ty: ExcType::Global(g),
                msg,
            }) => match g.load(ctx) {
                Some(h) if is_exception_class(ctx, &h) => {
                    set_string(ctx, crate::AsHandle::raw(&h), &msg)
                }
                Some(_) => set_string(
                    ctx,
                    Exc::SystemError.handle(ctx),
                    &format!("{msg} (the custom exception type is not an exception class)"),
                ),
                None => set_string(
                    ctx,
                    Exc::SystemError.handle(ctx),
                    &format!("{msg} (exception type not initialised)"),
                ),
            },
        }
    }
}

impl PyErr {
    /// Whether the exception is already raised in the interpreter (its message cannot be read).
    pub(crate) fn is_raised(&self) -> bool {
        self.0.is_none()
    }

    /// `"TypeError: message"`: the error as a line of a longer message (the failed variants of a
    /// derived `FromPy` enum). HPy 0.9 cannot fetch a raised exception, so one that is already
    /// raised is described by the most specific built-in type it matches, without its message.
    pub(crate) fn describe(&self, ctx: Ctx<'_>) -> String {
        match self.0.as_deref() {
            Some(New {
                ty: ExcType::Builtin(e),
                msg,
            }) => format!("{e:?}: {msg}"),
            Some(New {
                ty: ExcType::Global(g),
                msg,
            }) => {
                use crate::handle::Object;
                let name = g
                    .load(ctx)
                    .filter(|h| is_exception_class(ctx, h))
                    .and_then(|h| h.getattr("__name__").ok()?.extract::<String>().ok())
                    .unwrap_or_else(|| "SystemError".to_owned());
                format!("{name}: {msg}")
            }
            None => {
                // Subclasses before their bases.
                const KNOWN: &[Exc] = &[
                    Exc::KeyError,
                    Exc::IndexError,
                    Exc::LookupError,
                    Exc::AttributeError,
                    Exc::TypeError,
                    Exc::OverflowError,
                    Exc::ZeroDivisionError,
                    Exc::FloatingPointError,
                    Exc::ArithmeticError,
                    Exc::UnicodeError,
                    Exc::ValueError,
                    Exc::RecursionError,
                    Exc::NotImplementedError,
                    Exc::RuntimeError,
                    Exc::StopIteration,
                    Exc::AssertionError,
                    Exc::BufferError,
                    Exc::EOFError,
                    Exc::ImportError,
                    Exc::NameError,
                    Exc::MemoryError,
                    Exc::TimeoutError,
                    Exc::OSError,
                    Exc::Exception,
                ];
                let name = KNOWN
                    .iter()
                    .find(|e| self.matches(ctx, **e))
                    .map_or("BaseException".to_owned(), |e| format!("{e:?}"));
                format!("{name} (raised by Python code; HPy cannot read its message)")
            }
        }
    }
}

fn exc_subtype(ctx: Ctx<'_>, sub: Exc, ty: ffi::HPy) -> bool {
    // SAFETY: live type handles of this context.
    unsafe { ffi::HPyType_IsSubtype(ctx.as_ptr(), sub.handle(ctx), ty) != 0 }
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Exc {}
    impl Sealed for &'static crate::module::Global {}
    impl Sealed for &'static super::CustomException {}
}

/// An exception type that [`PyErr::matches`] takes: a built-in [`Exc`], or a custom exception type
/// kept in a module [`Global`] (as made by [`Module::add_exception`](crate::Module::add_exception)).
///
/// ```
/// use oxhpy::prelude::*;
///
/// #[oxhpy::global]
/// static PARSE_ERROR: Global;
///
/// fn is_parse_error(ctx: Ctx<'_>, e: &PyErr) -> bool {
///     e.matches(ctx, &PARSE_ERROR) // or e.matches(ctx, Exc::ValueError)
/// }
/// ```
pub trait ExceptionType: sealed::Sealed {
    /// `f` of the type, a live handle while it runs, if it is an exception class (`None`:
    /// matches nothing).
    #[doc(hidden)]
    fn with_type<R>(self, ctx: Ctx<'_>, f: impl FnOnce(ffi::HPy) -> R) -> Option<R>;
}

impl ExceptionType for Exc {
    fn with_type<R>(self, ctx: Ctx<'_>, f: impl FnOnce(ffi::HPy) -> R) -> Option<R> {
        Some(f(self.handle(ctx)))
    }
}

impl ExceptionType for &'static Global {
    fn with_type<R>(self, ctx: Ctx<'_>, f: impl FnOnce(ffi::HPy) -> R) -> Option<R> {
        let h = self.load(ctx).filter(|h| is_exception_class(ctx, h))?;
        Some(f(crate::AsHandle::raw(&h)))
    }
}

impl ExceptionType for &'static CustomException {
    fn with_type<R>(self, ctx: Ctx<'_>, f: impl FnOnce(ffi::HPy) -> R) -> Option<R> {
        self.global.with_type(ctx, f)
    }
}

/// A custom exception type, declared with [`#[oxhpy::exception]`](crate::exception) and created
/// by the module when it is initialised (before its classes and its `#[oxhpy::exec]` function),
/// with its base: a built-in exception or another `CustomException`.
///
/// It derefs to the [`Global`] that keeps the type, so it is used as one: raise it with
/// [`new_err`](CustomException::new_err) or [`PyErr::custom`], test an error with
/// [`PyErr::matches`], load the type with [`Global::load`].
///
/// ```
/// # #[oxhpy::module]
/// # mod _native {
/// use oxhpy::prelude::*;
///
/// /// Malformed input (the docstring).
/// #[oxhpy::exception(base = ValueError)] // Python name: ParseError
/// pub static PARSE_ERROR: CustomException;
///
/// /// Input ended too early.
/// #[oxhpy::exception(base = PARSE_ERROR, name = "EndOfInput")]
/// pub static END_OF_INPUT: CustomException;
///
/// #[oxhpy::function]
/// fn parse_pair(s: &str) -> PyResult<(i64, i64)> {
///     let (a, b) = s.split_once(',').ok_or_else(|| END_OF_INPUT.new_err("no comma"))?;
///     let num = |x: &str| x.trim().parse().map_err(|_| PARSE_ERROR.new_err(format!("bad number {x:?}")));
///     Ok((num(a)?, num(b)?))
/// }
/// # }
/// ```
pub struct CustomException {
    global: Global,
    name: &'static str,
    doc: Option<&'static str>,
    base: fn() -> ExceptionBase,
}

/// The base of a [`CustomException`], as `#[oxhpy::exception(base = ...)]` names it.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum ExceptionBase {
    Builtin(Exc),
    Custom(&'static CustomException),
}

impl From<&Exc> for ExceptionBase {
    fn from(e: &Exc) -> Self {
        ExceptionBase::Builtin(*e)
    }
}

impl From<&'static CustomException> for ExceptionBase {
    fn from(e: &'static CustomException) -> Self {
        ExceptionBase::Custom(e)
    }
}

impl CustomException {
    /// The exception type `name` (its Python name) deriving from `base()`, with docstring `doc`.
    ///
    /// <!-- no example: `#[oxhpy::exception]` calls it -->
    ///
    /// # Safety
    /// The static it initialises is registered: its [`global`](Self::global) in the registry of
    /// globals (which the module definition lists, as HPy requires of every global stored into)
    /// and itself in the registry of exceptions (which the module creates).
    #[doc(hidden)]
    pub const unsafe fn new(
        name: &'static str,
        doc: Option<&'static str>,
        base: fn() -> ExceptionBase,
    ) -> Self {
        CustomException {
            global: Global::new(),
            name,
            doc,
            base,
        }
    }

    /// The global that keeps the type (for its registration).
    ///
    /// <!-- no example: `#[oxhpy::exception]` calls it -->
    #[doc(hidden)]
    pub const fn global(&'static self) -> &'static Global {
        &self.global
    }

    /// The Python name of the type (without its module).
    ///
    /// ```
    /// use oxhpy::CustomException;
    ///
    /// #[oxhpy::exception]
    /// static QUOTA_EXCEEDED: CustomException;
    ///
    /// assert_eq!(QUOTA_EXCEEDED.name(), "QuotaExceeded");
    /// ```
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The docstring, if any.
    ///
    /// ```
    /// use oxhpy::CustomException;
    ///
    /// /// Too many requests.
    /// #[oxhpy::exception(base = RuntimeError)]
    /// static QUOTA_EXCEEDED: CustomException;
    ///
    /// assert_eq!(QUOTA_EXCEEDED.doc(), Some("Too many requests."));
    /// ```
    pub fn doc(&self) -> Option<&'static str> {
        self.doc
    }

    /// The base, as declared.
    pub(crate) fn base(&self) -> ExceptionBase {
        (self.base)()
    }

    /// A new error of this type: `PyErr::custom(self, msg)`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// #[oxhpy::exception(base = LookupError)]
    /// static UNKNOWN_USER: CustomException;
    ///
    /// fn user_id(name: &str) -> PyResult<u32> {
    ///     match name {
    ///         "root" => Ok(0),
    ///         _ => Err(UNKNOWN_USER.new_err(format!("no user {name:?}"))),
    ///     }
    /// }
    /// ```
    pub fn new_err(&'static self, msg: impl Into<Cow<'static, str>>) -> PyErr {
        PyErr::custom(&self.global, msg)
    }
}

impl std::ops::Deref for CustomException {
    type Target = Global;
    fn deref(&self) -> &Global {
        &self.global
    }
}

/// Whether `h` is a subclass of `BaseException` (what a module global passed to
/// [`PyErr::custom`] must hold: anything can be stored in a `Global`).
fn is_exception_class(ctx: Ctx<'_>, h: &crate::Handle<'_>) -> bool {
    let c = ctx.as_ptr();
    let raw = crate::AsHandle::raw(h);
    // SAFETY: live handles; `type(h)` is closed before returning; HPyType_IsSubtype is only asked
    // about types (GraalPy 24.2's HPy_TypeCheck misanswers for small ints, so the type of `h` is
    // checked with HPyType_IsSubtype, as `Object::is_instance` does).
    unsafe {
        let ty = ffi::HPy_Type(c, raw);
        let is_type = ffi::HPyType_IsSubtype(c, ty, (*c).h_TypeType) != 0;
        crate::handle::close(ctx, ty);
        is_type && ffi::HPyType_IsSubtype(c, raw, Exc::BaseException.handle(ctx)) != 0
    }
}

fn set_string(ctx: Ctx<'_>, ty: ffi::HPy, msg: &str) {
    let msg = CString::new(msg.replace('\0', "\\0")).unwrap_or_default();
    // SAFETY: `ty` is a live exception type handle, `msg` is NUL-terminated UTF-8.
    unsafe { ffi::HPyErr_SetString(ctx.as_ptr(), ty, msg.as_ptr()) };
}

impl fmt::Debug for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_deref() {
            None => f.write_str("PyErr(<raised in the interpreter>)"),
            Some(New {
                ty: ExcType::Builtin(e),
                msg,
            }) => write!(f, "{e:?}({msg:?})"),
            Some(New {
                ty: ExcType::Global(_),
                msg,
            }) => write!(f, "<custom>({msg:?})"),
        }
    }
}

impl fmt::Display for PyErr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for PyErr {}
