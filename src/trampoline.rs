//! Every call from the interpreter into Rust enters here.
//!
//! * [`run`] wraps a function body: it builds the [`Ctx`], turns `Err` into a raised exception, and
//!   catches panics, raising `PanicException` (a `BaseException` subclass each oxhpy module defines)
//!   with the panic message. A panic never unwinds into C and never aborts the interpreter.
//! * HPy gives every function two entry points. PyPy and GraalPy call the *impl* directly with their
//!   own context. CPython's `hpy.universal` calls a CPython-shaped *trampoline*, which must forward to
//!   the impl through `ctx_CallRealFunctionFromTrampoline` with the context received by
//!   `HPyInitGlobalContext_<name>`. The `cpy_*` functions below are those trampolines, generic over
//!   the impl so that one copy exists per function.
use crate::context::Ctx;
use crate::err::{Exc, PyErr, PyResult};
use crate::module::Global;
use hpy_sys as ffi;
use std::any::Any;
use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicPtr, Ordering};

/// The context for CPython trampolines, set by `HPyInitGlobalContext_<name>` (never on GraalPy).
static GLOBAL_CTX: AtomicPtr<ffi::HPyContext> = AtomicPtr::new(std::ptr::null_mut());

/// `PanicException`, created by each module's exec slot.
pub(crate) static PANIC_EXCEPTION: Global = Global::new();

/// Called by the generated `HPyInitGlobalContext_<name>`: sets the context that every CPython
/// trampoline forwards its calls with.
///
/// # Safety
/// `ctx` is the context that `hpy.universal` passes to `HPyInitGlobalContext_<name>`: valid for
/// the rest of the process, for every function of this library.
pub unsafe fn init_global_context(ctx: *mut ffi::HPyContext) {
    GLOBAL_CTX.store(ctx, Ordering::Release);
}

/// What an error return looks like for each kind of entry point.
pub trait ErrorValue {
    /// The value returned to the interpreter after an exception was set.
    const ERROR: Self;
}

impl ErrorValue for ffi::HPy {
    const ERROR: Self = ffi::HPy_NULL;
}

impl ErrorValue for c_int {
    const ERROR: Self = -1;
}

/// Runs `body` as the implementation of an entry point: builds the context, raises an `Err`,
/// catches a panic (raising `PanicException`).
///
/// # Safety
/// `ctx` is the live context the interpreter passed to this entry point.
#[inline(always)]
pub unsafe fn run<R: ErrorValue>(
    ctx: *mut ffi::HPyContext,
    body: impl for<'py> FnOnce(Ctx<'py>) -> PyResult<R>,
) -> R {
    // SAFETY: the caller guarantees `ctx` is the live context of this call.
    let py = unsafe { Ctx::from_raw(ctx) };
    match catch_unwind(AssertUnwindSafe(|| body(py))) {
        Ok(Ok(v)) => {
            if crate::err::DROPPED_RAISED.load(std::sync::atomic::Ordering::Relaxed) != 0 {
                clear_dropped(py);
            }
            v
        }
        Ok(Err(e)) => {
            e.restore(py);
            R::ERROR
        }
        Err(payload) => {
            raise_panic(py, payload);
            R::ERROR
        }
    }
}

/// A raised error was dropped instead of returned: its exception, still set, is discarded here
/// rather than returned alongside a result (which CPython reports as a `SystemError`).
#[cold]
#[inline(never)]
fn clear_dropped(py: Ctx<'_>) {
    crate::err::DROPPED_RAISED.store(0, std::sync::atomic::Ordering::Relaxed);
    if py.err_occurred() {
        // SAFETY: valid context.
        unsafe { ffi::HPyErr_Clear(py.as_ptr()) };
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "Rust panic with a non-string payload".to_owned()
    }
}

/// Drops a panic payload without ever unwinding: its `Drop` may panic in turn, and the payload of
/// that second panic is leaked rather than dropped (outside `catch_unwind`, that would abort).
pub(crate) fn drop_payload(payload: Box<dyn Any + Send>) {
    if let Err(again) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(again);
    }
}

#[cold]
fn raise_panic(py: Ctx<'_>, payload: Box<dyn Any + Send>) {
    let msg = panic_message(&*payload);
    drop_payload(payload);
    let err = if PANIC_EXCEPTION.is_set() {
        PyErr::custom(&PANIC_EXCEPTION, msg)
    } else {
        PyErr::new(Exc::SystemError, format!("Rust panic: {msg}"))
    };
    if let Err(again) = catch_unwind(AssertUnwindSafe(|| err.restore(py))) {
        drop_payload(again);
        // SAFETY: valid context; a static message.
        unsafe {
            ffi::HPyErr_SetString(
                py.as_ptr(),
                Exc::SystemError.handle(py),
                c"Rust panic".as_ptr(),
            )
        };
    }
}

/// Creates `PanicException` for module `m` (called from the generated exec slot).
pub(crate) fn init_panic_exception(m: &crate::Module<'_>) -> PyResult<()> {
    use crate::{AsHandle, Object};
    let ctx = m.ctx();
    let modname: String = m.getattr("__name__")?.extract()?;
    let qualname = crate::context::cstring(&format!("{modname}.PanicException"))?;
    let doc =
        c"A Rust panic inside an oxhpy extension. Derives from BaseException, like SystemExit.";
    // SAFETY: valid context, NUL-terminated strings, a built-in base type; result owned or NULL.
    let ty = unsafe {
        crate::Handle::from_raw(
            ctx,
            ffi::HPyErr_NewExceptionWithDoc(
                ctx.as_ptr(),
                qualname.as_ptr(),
                doc.as_ptr(),
                Exc::BaseException.handle(ctx),
                ffi::HPy_NULL,
            ),
        )?
    };
    PANIC_EXCEPTION.store(ctx, &ty)?;
    m.add("PanicException", ty)
}

/// The context a CPython trampoline forwards with (NULL until `HPyInitGlobalContext_<name>`, which
/// GraalPy never calls).
#[inline(always)]
pub(crate) fn global_ctx() -> *mut ffi::HPyContext {
    GLOBAL_CTX.load(Ordering::Acquire)
}

/// Forwards a CPython trampoline call to `imp` (`ctx_CallRealFunctionFromTrampoline`).
///
/// # Safety
/// `args` points to the argument block matching `sig`, and `imp` has signature `sig`.
#[inline(always)]
unsafe fn forward(
    sig: ffi::HPyFunc_Signature,
    imp: ffi::HPyCFunction,
    args: *mut std::ffi::c_void,
) {
    let ctx = global_ctx();
    // SAFETY: CPython only calls trampolines after HPyInitGlobalContext_<name> set the context.
    unsafe { ffi::_HPy_CallRealFunctionFromTrampoline(ctx, sig, imp, args) }
}

type PyObj = *mut ffi::cpy_PyObject;

/// Impl signatures, one per HPy calling convention.
pub type NoargsImpl = unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy) -> ffi::HPy;
/// `HPyFunc_O`.
pub type OImpl = unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy, ffi::HPy) -> ffi::HPy;
/// `HPyFunc_VARARGS`.
pub type VarargsImpl =
    unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy, *const ffi::HPy, usize) -> ffi::HPy;
/// `HPyFunc_KEYWORDS`.
pub type KeywordsImpl = unsafe extern "C" fn(
    *mut ffi::HPyContext,
    ffi::HPy,
    *const ffi::HPy,
    usize,
    ffi::HPy,
) -> ffi::HPy;
/// `HPyFunc_INQUIRY` (the module exec slot).
pub type InquiryImpl = unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy) -> c_int;

/// A function implemented with one of the conventions; the macros implement it on a marker type.
///
/// # Safety
/// The trampolines instantiated with `Self` (`cpy_*::<Self>`) forward their calls to `IMPL`: it
/// is a non-NULL function whose real type is the impl type of their calling convention
/// ([`KeywordsImpl`] for `cpy_keywords::<Self>`, ...).
pub unsafe trait Entry {
    /// The impl, as the untyped function pointer HPy stores.
    const IMPL: ffi::HPyCFunction;
}

/// CPython trampoline for `HPyFunc_NOARGS`.
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_noargs<F: Entry>(self_: PyObj) -> PyObj {
    let mut a = ffi::_HPyFunc_args_NOARGS {
        self_,
        result: std::ptr::null_mut(),
    };
    // SAFETY: the block matches HPyFunc_NOARGS and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_NOARGS, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_O`.
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_o<F: Entry>(self_: PyObj, arg: PyObj) -> PyObj {
    let mut a = ffi::_HPyFunc_args_O {
        self_,
        arg,
        result: std::ptr::null_mut(),
    };
    // SAFETY: the block matches HPyFunc_O and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_O, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_VARARGS` (METH_FASTCALL).
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_varargs<F: Entry>(
    self_: PyObj,
    args: *const PyObj,
    nargs: ffi::HPy_ssize_t,
) -> PyObj {
    let mut a = ffi::_HPyFunc_args_VARARGS {
        self_,
        args,
        nargs,
        result: std::ptr::null_mut(),
    };
    // SAFETY: the block matches HPyFunc_VARARGS and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_VARARGS, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_KEYWORDS` (METH_FASTCALL | METH_KEYWORDS, and vectorcall).
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_keywords<F: Entry>(
    self_: PyObj,
    args: *const PyObj,
    nargsf: usize,
    kwnames: PyObj,
) -> PyObj {
    let mut a = ffi::_HPyFunc_args_KEYWORDS {
        self_,
        args,
        nargsf,
        kwnames,
        result: std::ptr::null_mut(),
    };
    // SAFETY: the block matches HPyFunc_KEYWORDS and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_KEYWORDS, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_INQUIRY` (the module exec slot).
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_inquiry<F: Entry>(arg0: PyObj) -> c_int {
    let mut a = ffi::_HPyFunc_args_INQUIRY { arg0, result: 0 };
    // SAFETY: the block matches HPyFunc_INQUIRY and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_INQUIRY, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// `HPyFunc_REPRFUNC` (`__repr__`, `__str__`).
pub type ReprImpl = unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy) -> ffi::HPy;
/// `HPyFunc_NEWFUNC` (`tp_new`: positional array plus a keyword *dict*).
pub type NewImpl = unsafe extern "C" fn(
    *mut ffi::HPyContext,
    ffi::HPy,
    *const ffi::HPy,
    ffi::HPy_ssize_t,
    ffi::HPy,
) -> ffi::HPy;
/// `HPyFunc_GETTER`.
pub type GetterImpl =
    unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy, *mut std::ffi::c_void) -> ffi::HPy;
/// `HPyFunc_SETTER`.
pub type SetterImpl =
    unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy, ffi::HPy, *mut std::ffi::c_void) -> c_int;

/// CPython trampoline for `HPyFunc_REPRFUNC`.
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_repr<F: Entry>(arg0: PyObj) -> PyObj {
    let mut a = ffi::_HPyFunc_args_REPRFUNC {
        arg0,
        result: std::ptr::null_mut(),
    };
    // SAFETY: the block matches HPyFunc_REPRFUNC and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_REPRFUNC, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_NEWFUNC`.
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_new<F: Entry>(self_: PyObj, args: PyObj, kw: PyObj) -> PyObj {
    let mut a = ffi::_HPyFunc_args_NEWFUNC {
        self_,
        args,
        kw,
        result: std::ptr::null_mut(),
    };
    // SAFETY: the block matches HPyFunc_NEWFUNC and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_NEWFUNC, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_GETTER`.
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_getter<F: Entry>(arg0: PyObj, arg1: *mut std::ffi::c_void) -> PyObj {
    let mut a = ffi::_HPyFunc_args_GETTER {
        arg0,
        arg1,
        result: std::ptr::null_mut(),
    };
    // SAFETY: the block matches HPyFunc_GETTER and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_GETTER, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_SETTER`.
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_setter<F: Entry>(
    arg0: PyObj,
    arg1: PyObj,
    arg2: *mut std::ffi::c_void,
) -> c_int {
    let mut a = ffi::_HPyFunc_args_SETTER {
        arg0,
        arg1,
        arg2,
        result: 0,
    };
    // SAFETY: the block matches HPyFunc_SETTER and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_SETTER, F::IMPL, &mut a as *mut _ as *mut _) };
    a.result
}

/// CPython trampoline for `HPyFunc_TRAVERSEPROC` (`tp_traverse`).
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_traverse<F: Entry>(
    self_: PyObj,
    visit: ffi::cpy_visitproc,
    arg: *mut std::ffi::c_void,
) -> c_int {
    let mut a = ffi::_HPyFunc_args_TRAVERSEPROC {
        self_,
        visit,
        arg,
        result: 0,
    };
    // SAFETY: the block matches HPyFunc_TRAVERSEPROC and F::IMPL has that signature.
    unsafe {
        forward(
            ffi::HPyFunc_TRAVERSEPROC,
            F::IMPL,
            &mut a as *mut _ as *mut _,
        )
    };
    a.result
}

/// CPython trampoline for `HPyFunc_GETBUFFERPROC` (`bf_getbuffer`).
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_getbuffer<F: Entry>(
    self_: PyObj,
    view: *mut ffi::cpy_Py_buffer,
    flags: c_int,
) -> c_int {
    let mut a = ffi::_HPyFunc_args_GETBUFFERPROC {
        self_,
        view,
        flags,
        result: 0,
    };
    // SAFETY: the block matches HPyFunc_GETBUFFERPROC and F::IMPL has that signature.
    unsafe {
        forward(
            ffi::HPyFunc_GETBUFFERPROC,
            F::IMPL,
            &mut a as *mut _ as *mut _,
        )
    };
    a.result
}

/// CPython trampoline for `HPyFunc_RELEASEBUFFERPROC` (`bf_releasebuffer`).
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_releasebuffer<F: Entry>(self_: PyObj, view: *mut ffi::cpy_Py_buffer) {
    let mut a = ffi::_HPyFunc_args_RELEASEBUFFERPROC { self_, view };
    // SAFETY: the block matches HPyFunc_RELEASEBUFFERPROC and F::IMPL has that signature.
    unsafe {
        forward(
            ffi::HPyFunc_RELEASEBUFFERPROC,
            F::IMPL,
            &mut a as *mut _ as *mut _,
        )
    };
}

/// The CPython "trampoline" of `HPy_tp_destroy`: never called (hpy.universal calls the impl from
/// its own `tp_dealloc`), present because every slot carries one.
pub extern "C" fn cpy_never() {
    std::process::abort()
}

/// Casts an impl of function pointer type `$ty` to the untyped `HPyCFunction` stored in an
/// `HPyDef` (and in [`Entry::IMPL`]).
///
/// Expands to a `transmute`, so it must be used inside `unsafe`: HPy calls the result back with
/// the signature recorded next to it, which must be `$ty`, a function pointer type.
#[macro_export]
#[doc(hidden)]
macro_rules! __cfunc {
    ($f:expr, $ty:ty) => {
        ::core::mem::transmute::<$ty, $crate::ffi::HPyCFunction>($f)
    };
}
