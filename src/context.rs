//! [`Ctx<'py>`]: the token that proves a call into the interpreter is in progress.
//!
//! HPy hands every call its own `HPyContext*` (debug mode uses a fresh one per call), so a context
//! must never outlive the call that received it. `Ctx<'py>` is `Copy` but bound to `'py`, the
//! lifetime of that call: nothing that carries `'py` (handles, borrowed strings) can be kept past
//! it, and `Ctx` is neither `Send` nor `Sync`.
//!
//! A function gets the context by declaring a `Ctx<'py>` parameter (not a Python argument);
//! every handle also carries its own ([`AsHandle::ctx`](crate::AsHandle::ctx)).
//!
//! ```
//! use oxhpy::prelude::*;
//!
//! /// `time.time()`.
//! #[oxhpy::function]
//! fn now(ctx: Ctx<'_>) -> PyResult<f64> {
//!     ctx.import("time")?.call_method("time", ())?.extract()
//! }
//! ```
use crate::err::{PyErr, PyResult};
use crate::handle::Handle;
use hpy_sys as ffi;
use std::ffi::CString;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// The context of the current call. See the [module docs](self).
///
/// What a function creates in it lives as long as the call (`'py`): a function that makes new
/// objects takes `Ctx<'py>` and returns `Handle<'py>`.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// `(True, None)`.
/// fn pair<'py>(ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
///     (ctx.bool(true), ctx.none()).into_py(ctx)
/// }
/// ```
#[derive(Clone, Copy)]
pub struct Ctx<'py> {
    raw: NonNull<ffi::HPyContext>,
    _call: PhantomData<&'py ffi::HPyContext>,
}

impl<'py> Ctx<'py> {
    /// Wraps the context of a call.
    ///
    /// For an HPy function implemented through [`ffi`] by hand; the generated code does this for
    /// every `#[oxhpy::function]` and method.
    ///
    /// ```
    /// use oxhpy::{ffi, Ctx};
    ///
    /// /// An `HPyFunc_NOARGS` implementation: returns `None`.
    /// unsafe extern "C" fn nothing(raw: *mut ffi::HPyContext, _module: ffi::HPy) -> ffi::HPy {
    ///     // SAFETY: HPy passes the live context of this call.
    ///     let ctx = unsafe { Ctx::from_raw(raw) };
    ///     ctx.none().into_raw()
    /// }
    /// ```
    ///
    /// # Safety
    /// `raw` must be the live context of the call in progress, valid for all of `'py`.
    #[inline(always)]
    pub unsafe fn from_raw(raw: *mut ffi::HPyContext) -> Self {
        Ctx {
            // SAFETY: a live context is never NULL.
            raw: unsafe { NonNull::new_unchecked(raw) },
            _call: PhantomData,
        }
    }

    /// The raw `HPyContext*`, for calling [`ffi`] directly.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// A new empty `dict` (oxhpy has no dict API yet).
    /// fn new_dict(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    ///     // SAFETY: a live context; the result is an owned handle or NULL with an error set.
    ///     unsafe { Handle::from_raw(ctx, oxhpy::ffi::HPyDict_New(ctx.as_ptr())) }
    /// }
    /// ```
    #[inline(always)]
    pub fn as_ptr(self) -> *mut ffi::HPyContext {
        self.raw.as_ptr()
    }

    /// Reads a handle-valued member of the context (`h_None`, `h_TypeError`, …), borrowed.
    #[inline(always)]
    pub(crate) fn constant(self, pick: fn(&ffi::HPyContext) -> ffi::HPy) -> ffi::HPy {
        // SAFETY: the context is live for 'py; reading a member has no side effect.
        pick(unsafe { self.raw.as_ref() })
    }

    /// A new reference to `None`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// The first item whose `str()` is `s`, or `None`.
    /// fn find<'py>(ctx: Ctx<'py>, items: Vec<Handle<'py>>, s: &str) -> PyResult<Handle<'py>> {
    ///     for x in items {
    ///         if x.str()? == s {
    ///             return Ok(x);
    ///         }
    ///     }
    ///     Ok(ctx.none())
    /// }
    /// ```
    #[inline]
    pub fn none(self) -> Handle<'py> {
        // SAFETY: h_None is a valid handle of this context; HPy_Dup returns an owned one.
        unsafe {
            Handle::from_raw_unchecked(
                self,
                ffi::HPy_Dup(self.as_ptr(), self.constant(|c| c.h_None)),
            )
        }
    }

    /// A new reference to `True` or `False`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// Sets `obj.seen = True` on every object (one `True` handle for all).
    /// fn mark_seen(ctx: Ctx<'_>, objs: &[Handle<'_>]) -> PyResult<()> {
    ///     let yes = ctx.bool(true);
    ///     objs.iter().try_for_each(|o| o.setattr("seen", &yes))
    /// }
    /// ```
    #[inline]
    pub fn bool(self, v: bool) -> Handle<'py> {
        // SAFETY: HPyBool_FromBool never fails and returns an owned handle.
        unsafe { Handle::from_raw_unchecked(self, ffi::HPyBool_FromBool(self.as_ptr(), v)) }
    }

    /// `import name` (dotted names allowed): the module itself, also for a dotted name
    /// (`importlib.import_module(name)`, not the top-level package).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `os.path.join(a, b)`.
    /// #[oxhpy::function]
    /// fn join(ctx: Ctx<'_>, a: &str, b: &str) -> PyResult<String> {
    ///     ctx.import("os.path")?.call_method("join", (a, b))?.extract()
    /// }
    /// ```
    pub fn import(self, name: &str) -> PyResult<Handle<'py>> {
        let name = cstring(name)?;
        // SAFETY: valid context and NUL-terminated name; the result is owned or NULL with an error.
        unsafe {
            Handle::from_raw(
                self,
                ffi::HPyImport_ImportModule(self.as_ptr(), name.as_ptr()),
            )
        }
    }

    /// The builtins namespace (`h_Builtins`): the *dict* of the `builtins` module, not the module
    /// (`builtins()["len"]`, not `.len`). Use `import("builtins")` for the module, or
    /// [`builtins_fn`](Self::builtins_fn) for one built-in.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// Whether `name` is a built-in name (`name in builtins.__dict__`).
    /// fn is_builtin(ctx: Ctx<'_>, name: &str) -> PyResult<bool> {
    ///     ctx.builtins().call_method("__contains__", (name,))?.extract()
    /// }
    /// ```
    pub fn builtins(self) -> Handle<'py> {
        // SAFETY: h_Builtins is a context constant; dup gives an owned handle.
        unsafe {
            Handle::from_raw_unchecked(
                self,
                ffi::HPy_Dup(self.as_ptr(), self.constant(|c| c.h_Builtins)),
            )
        }
    }

    /// The built-in `name` (`len`, `memoryview`, …), looked up in the `builtins` module.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `sorted(items)`.
    /// #[oxhpy::function]
    /// fn sorted<'py>(ctx: Ctx<'py>, items: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    ///     ctx.builtins_fn("sorted")?.call((items,))
    /// }
    /// ```
    pub fn builtins_fn(self, name: &str) -> PyResult<Handle<'py>> {
        crate::Object::getattr(&self.import("builtins")?, name)
    }

    /// Whether an exception is currently set: what tells an error from a valid result after an
    /// [`ffi`] call whose error value is also a valid one.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// fn as_i64(obj: Borrowed<'_, '_>) -> PyResult<i64> {
    ///     let ctx = obj.ctx();
    ///     // SAFETY: a live context and handle; -1 with an exception set means an error.
    ///     let v = unsafe { oxhpy::ffi::HPyLong_AsInt64_t(ctx.as_ptr(), obj.raw()) };
    ///     if v == -1 && ctx.err_occurred() { Err(PyErr::raised()) } else { Ok(v) }
    /// }
    /// ```
    pub fn err_occurred(self) -> bool {
        // SAFETY: valid context.
        unsafe { ffi::HPyErr_Occurred(self.as_ptr()) != 0 }
    }

    /// The name of this context (`"HPy Universal ABI (CPython backend)"`, `"HPy Debug Mode
    /// ABI"`, …): which interpreter and HPy mode this call runs in. The pytest plugin's mode
    /// check calls such a function (see the README).
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// #[oxhpy::function]
    /// fn context_name(ctx: Ctx<'_>) -> String {
    ///     ctx.name()
    /// }
    /// ```
    pub fn name(self) -> String {
        // SAFETY: `name` is a NUL-terminated static string of the implementation, or NULL.
        unsafe {
            let p = self.raw.as_ref().name;
            if p.is_null() {
                return String::new();
            }
            std::ffi::CStr::from_ptr(p).to_string_lossy().into_owned()
        }
    }
}

/// A `CString` for passing to HPy, or `ValueError` when `s` holds a NUL byte.
pub(crate) fn cstring(s: &str) -> PyResult<CString> {
    CString::new(s).map_err(|_| PyErr::new(crate::Exc::ValueError, "embedded null character"))
}

/// Which interpreter this module runs in, and whether in HPy's debug mode: noted once, when the
/// module initialises ([`Interpreter::note`]), from its context, the one place that decides.
///
/// Decided from the interpreter's own calls, never from Python state (`sys.implementation.name`
/// can be reassigned). The context names, measured: PyPy 3.11 says `"HPy Universal ABI (PyPy
/// backend)"`, `"HPy Debug Mode ABI (PyPy backend)"`, `"HPy Trace Mode ABI (PyPy backend)"`;
/// GraalPy 24.2 `"HPy Universal ABI (GraalVM backend, JNI)"` but, in debug and trace mode, CPython's
/// own `"HPy Debug Mode ABI"` and `"HPy Trace Mode ABI"`. What tells GraalPy from CPython in every
/// mode: CPython's `hpy.universal` calls `HPyInitGlobalContext_<name>` when it loads the binary,
/// before the module initialises, and GraalPy never does. (The context layout is read off the
/// context alone too: `hpy_sys::layout`.)
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Interpreter {
    pub pypy: bool,
    pub graalpy: bool,
    pub debug: bool,
}

/// [`Interpreter`] as bits (`NOTED` once set), per module: every extension links its own oxhpy.
static INTERPRETER: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);
const NOTED: u8 = 1;
const PYPY: u8 = 2;
const GRAALPY: u8 = 4;
const DEBUG: u8 = 8;

impl Interpreter {
    /// Decides from the module's context (see the type's docs) and keeps the answer.
    pub(crate) fn note(ctx: Ctx<'_>) {
        let name = ctx.name();
        let debug = name.starts_with("HPy Debug Mode ABI");
        let pypy = name.ends_with("(PyPy backend)");
        let graalpy = !pypy
            && (name.contains("(GraalVM backend") || crate::trampoline::global_ctx().is_null());
        let bits = NOTED
            | if pypy { PYPY } else { 0 }
            | if graalpy { GRAALPY } else { 0 }
            | if debug { DEBUG } else { 0 };
        INTERPRETER.store(bits, std::sync::atomic::Ordering::Relaxed);
    }

    /// What [`note`](Self::note) kept (CPython in universal mode before that).
    #[inline]
    pub(crate) fn get() -> Interpreter {
        Self::from_bits(INTERPRETER.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// What [`note`](Self::note) kept, or `None` before it ran.
    pub(crate) fn noted() -> Option<Interpreter> {
        let bits = INTERPRETER.load(std::sync::atomic::Ordering::Relaxed);
        (bits & NOTED != 0).then(|| Self::from_bits(bits))
    }

    /// `"pypy"`, `"graalpy"` or `"cpython"`: what the Python side of oxhpy (`buffer_address.py`)
    /// is told instead of reading `sys.implementation.name`.
    pub(crate) fn implementation(self) -> &'static str {
        if self.pypy {
            "pypy"
        } else if self.graalpy {
            "graalpy"
        } else {
            "cpython"
        }
    }

    fn from_bits(bits: u8) -> Interpreter {
        Interpreter {
            pypy: bits & PYPY != 0,
            graalpy: bits & GRAALPY != 0,
            debug: bits & DEBUG != 0,
        }
    }
}

/// `(pypy, graalpy, debug)` as this module noted them (for the tests).
#[doc(hidden)]
pub fn interpreter_facts() -> (bool, bool, bool) {
    let i = Interpreter::get();
    (i.pypy, i.graalpy, i.debug)
}
