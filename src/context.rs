//! [`Ctx<'py>`]: the token that proves a call into the interpreter is in progress.
//!
//! HPy hands every call its own `HPyContext*` (debug mode uses a fresh one per call), so a context
//! must never outlive the call that received it. `Ctx<'py>` is `Copy` but bound to `'py`, the
//! lifetime of that call: nothing that carries `'py` (handles, borrowed strings) can be kept past
//! it, and `Ctx` is neither `Send` nor `Sync`.
use crate::err::{PyErr, PyResult};
use crate::handle::Handle;
use hpy_sys as ffi;
use std::ffi::CString;
use std::marker::PhantomData;
use std::ptr::NonNull;

/// The context of the current call. See the [module docs](self).
#[derive(Clone, Copy)]
pub struct Ctx<'py> {
    raw: NonNull<ffi::HPyContext>,
    _call: PhantomData<&'py ffi::HPyContext>,
}

impl<'py> Ctx<'py> {
    /// Wraps the context of a call.
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

    /// The raw `HPyContext*`, for calling `hpy_sys` directly.
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
    #[inline]
    pub fn bool(self, v: bool) -> Handle<'py> {
        // SAFETY: HPyBool_FromBool never fails and returns an owned handle.
        unsafe { Handle::from_raw_unchecked(self, ffi::HPyBool_FromBool(self.as_ptr(), v)) }
    }

    /// `import name` (dotted names allowed).
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
    /// (`builtins()["len"]`, not `.len`). Use `import("builtins")` for the module.
    pub fn builtins(self) -> Handle<'py> {
        // SAFETY: h_Builtins is a context constant; dup gives an owned handle.
        unsafe {
            Handle::from_raw_unchecked(
                self,
                ffi::HPy_Dup(self.as_ptr(), self.constant(|c| c.h_Builtins)),
            )
        }
    }

    /// The built-in `name` (`len`, `memoryview`, …).
    pub fn builtins_fn(self, name: &str) -> PyResult<Handle<'py>> {
        crate::Object::getattr(&self.import("builtins")?, name)
    }

    /// Whether an exception is currently set.
    pub fn err_occurred(self) -> bool {
        // SAFETY: valid context.
        unsafe { ffi::HPyErr_Occurred(self.as_ptr()) != 0 }
    }

    /// The name of this context (`"HPy Universal ABI (CPython backend)"`, `"HPy Debug Mode ABI"`, …).
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
