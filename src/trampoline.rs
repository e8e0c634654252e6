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

/// `HPy_ssize_t` (`__len__`) and `HPy_hash_t` (`__hash__`).
impl ErrorValue for isize {
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
const NULL: PyObj = std::ptr::null_mut();

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

/// Generates, for each HPy calling convention of the table below, the impl's function pointer
/// type (what PyPy and GraalPy call, with their context, and what the CPython trampoline forwards
/// to) and the CPython trampoline `cpy_*::<F>`: it packs its arguments into the convention's
/// `_HPyFunc_args_*` block, forwards it to `F::IMPL` through `ctx_CallRealFunctionFromTrampoline`
/// and returns the block's result. One row per convention: what used to be written out by hand
/// once per signature.
macro_rules! conventions {
    ($(
        $(#[$doc:meta])*
        $cpy:ident = $sig:ident / $block:ident ($($arg:ident: $cty:ty),*) -> $ret:ty = $init:expr
            $(, impl $impl_ty:ident($($ity:ty),*) -> $iret:ty)?;
    )*) => {$(
        $(
            #[doc = concat!("The impl of `", stringify!($sig), "`: context, then its arguments.")]
            pub type $impl_ty = unsafe extern "C" fn(*mut ffi::HPyContext, $($ity),*) -> $iret;
        )?

        #[doc = concat!("CPython trampoline for `", stringify!($sig), "`")]
        $(#[$doc])*
        ///
        /// # Safety
        /// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
        pub unsafe extern "C" fn $cpy<F: Entry>($($arg: $cty),*) -> $ret {
            let mut a = ffi::$block {
                $($arg,)*
                result: $init,
            };
            // SAFETY: the block is the one of this convention, and F::IMPL has its signature
            // (the `Entry` contract).
            unsafe { forward(ffi::$sig, F::IMPL, &mut a as *mut _ as *mut _) };
            a.result
        }
    )*};
}

conventions! {
    /// (a function or method without arguments).
    cpy_noargs = HPyFunc_NOARGS / _HPyFunc_args_NOARGS(self_: PyObj) -> PyObj = NULL,
        impl NoargsImpl(ffi::HPy) -> ffi::HPy;
    /// (one positional argument).
    cpy_o = HPyFunc_O / _HPyFunc_args_O(self_: PyObj, arg: PyObj) -> PyObj = NULL,
        impl OImpl(ffi::HPy, ffi::HPy) -> ffi::HPy;
    /// (METH_FASTCALL).
    cpy_varargs = HPyFunc_VARARGS / _HPyFunc_args_VARARGS(
        self_: PyObj, args: *const PyObj, nargs: ffi::HPy_ssize_t) -> PyObj = NULL,
        impl VarargsImpl(ffi::HPy, *const ffi::HPy, usize) -> ffi::HPy;
    /// (METH_FASTCALL | METH_KEYWORDS, and vectorcall).
    cpy_keywords = HPyFunc_KEYWORDS / _HPyFunc_args_KEYWORDS(
        self_: PyObj, args: *const PyObj, nargsf: usize, kwnames: PyObj) -> PyObj = NULL,
        impl KeywordsImpl(ffi::HPy, *const ffi::HPy, usize, ffi::HPy) -> ffi::HPy;
    /// (the module exec slot).
    cpy_inquiry = HPyFunc_INQUIRY / _HPyFunc_args_INQUIRY(arg0: PyObj) -> c_int = 0,
        impl InquiryImpl(ffi::HPy) -> c_int;
    /// (`__repr__`, `__str__`).
    cpy_repr = HPyFunc_REPRFUNC / _HPyFunc_args_REPRFUNC(arg0: PyObj) -> PyObj = NULL,
        impl ReprImpl(ffi::HPy) -> ffi::HPy;
    /// (`tp_init`, `__init__`: `self`, positional array plus a keyword *dict*).
    cpy_initproc = HPyFunc_INITPROC / _HPyFunc_args_INITPROC(
        self_: PyObj, args: PyObj, kw: PyObj) -> c_int = 0,
        impl InitImpl(ffi::HPy, *const ffi::HPy, ffi::HPy_ssize_t, ffi::HPy) -> c_int;
    /// (`tp_new`: positional array plus a keyword *dict*).
    cpy_new = HPyFunc_NEWFUNC / _HPyFunc_args_NEWFUNC(
        self_: PyObj, args: PyObj, kw: PyObj) -> PyObj = NULL,
        impl NewImpl(ffi::HPy, *const ffi::HPy, ffi::HPy_ssize_t, ffi::HPy) -> ffi::HPy;
    /// (a property's getter).
    cpy_getter = HPyFunc_GETTER / _HPyFunc_args_GETTER(
        arg0: PyObj, arg1: *mut std::ffi::c_void) -> PyObj = NULL,
        impl GetterImpl(ffi::HPy, *mut std::ffi::c_void) -> ffi::HPy;
    /// (a property's setter).
    cpy_setter = HPyFunc_SETTER / _HPyFunc_args_SETTER(
        arg0: PyObj, arg1: PyObj, arg2: *mut std::ffi::c_void) -> c_int = 0,
        impl SetterImpl(ffi::HPy, ffi::HPy, *mut std::ffi::c_void) -> c_int;
    /// (`tp_traverse`; its impl takes no context).
    cpy_traverse = HPyFunc_TRAVERSEPROC / _HPyFunc_args_TRAVERSEPROC(
        self_: PyObj, visit: ffi::cpy_visitproc, arg: *mut std::ffi::c_void) -> c_int = 0;
    /// (`__len__`: `mp_length`, `sq_length`).
    cpy_lenfunc = HPyFunc_LENFUNC / _HPyFunc_args_LENFUNC(arg0: PyObj) -> ffi::HPy_ssize_t = 0,
        impl LenImpl(ffi::HPy) -> ffi::HPy_ssize_t;
    /// (`__hash__`).
    cpy_hashfunc = HPyFunc_HASHFUNC / _HPyFunc_args_HASHFUNC(arg0: PyObj) -> ffi::HPy_hash_t = 0,
        impl HashImpl(ffi::HPy) -> ffi::HPy_hash_t;
    /// (`__getitem__`: `mp_subscript`; the binary operators: `nb_add`, `nb_inplace_add`, ...).
    cpy_binaryfunc = HPyFunc_BINARYFUNC / _HPyFunc_args_BINARYFUNC(
        arg0: PyObj, arg1: PyObj) -> PyObj = NULL,
        impl BinaryImpl(ffi::HPy, ffi::HPy) -> ffi::HPy;
    /// (`__contains__`: `sq_contains`).
    cpy_objobjproc = HPyFunc_OBJOBJPROC / _HPyFunc_args_OBJOBJPROC(
        arg0: PyObj, arg1: PyObj) -> c_int = 0,
        impl ObjObjImpl(ffi::HPy, ffi::HPy) -> c_int;
    /// (`tp_richcompare`: `__eq__`, `__lt__`, ...).
    cpy_richcmp = HPyFunc_RICHCMPFUNC / _HPyFunc_args_RICHCMPFUNC(
        arg0: PyObj, arg1: PyObj, arg2: ffi::HPy_RichCmpOp) -> PyObj = NULL,
        impl RichCmpImpl(ffi::HPy, ffi::HPy, ffi::HPy_RichCmpOp) -> ffi::HPy;
    /// (`__neg__`, `__int__`, ...: `nb_negative`, `nb_int`, ...).
    cpy_unaryfunc = HPyFunc_UNARYFUNC / _HPyFunc_args_UNARYFUNC(arg0: PyObj) -> PyObj = NULL,
        impl UnaryImpl(ffi::HPy) -> ffi::HPy;
    /// (`__pow__`, `__ipow__`: `nb_power`, `nb_inplace_power`).
    cpy_ternaryfunc = HPyFunc_TERNARYFUNC / _HPyFunc_args_TERNARYFUNC(
        arg0: PyObj, arg1: PyObj, arg2: PyObj) -> PyObj = NULL,
        impl TernaryImpl(ffi::HPy, ffi::HPy, ffi::HPy) -> ffi::HPy;
    /// (`__setitem__`, `__delitem__`: `mp_ass_subscript`, whose value is NULL to delete).
    cpy_objobjargproc = HPyFunc_OBJOBJARGPROC / _HPyFunc_args_OBJOBJARGPROC(
        arg0: PyObj, arg1: PyObj, arg2: PyObj) -> c_int = 0,
        impl ObjObjArgImpl(ffi::HPy, ffi::HPy, ffi::HPy) -> c_int;
    /// (`bf_getbuffer`).
    cpy_getbuffer = HPyFunc_GETBUFFERPROC / _HPyFunc_args_GETBUFFERPROC(
        self_: PyObj, view: *mut ffi::cpy_Py_buffer, flags: c_int) -> c_int = 0;
}

/// CPython trampoline for `HPyFunc_RELEASEBUFFERPROC` (`bf_releasebuffer`): the one convention
/// without a result, hence not in the table.
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

/// The impl of `HPyFunc_DESTRUCTOR` (`tp_finalize`, `__del__`): context and object, no result.
pub type DestructorImpl = unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy);

/// CPython trampoline for `HPyFunc_DESTRUCTOR` (`tp_finalize`): no result, hence not in the
/// table.
///
/// # Safety
/// Only CPython's `hpy.universal` calls it, with the arguments of that calling convention.
pub unsafe extern "C" fn cpy_destructor<F: Entry>(arg0: PyObj) {
    let mut a = ffi::_HPyFunc_args_DESTRUCTOR { arg0 };
    // SAFETY: the block matches HPyFunc_DESTRUCTOR and F::IMPL has that signature.
    unsafe { forward(ffi::HPyFunc_DESTRUCTOR, F::IMPL, &mut a as *mut _ as *mut _) };
}

/// Runs `body` as the finalizer (`__del__`) of `obj`: like [`run`], but an error or a panic
/// cannot propagate (the finalizer returns nothing): it is reported as "Exception ignored in"
/// (`HPyErr_WriteUnraisable`), as CPython reports an exception in a Python class's `__del__`.
///
/// `body` does not run while an exception is being raised: CPython frees the objects of a frame
/// that an exception leaves, with the exception pending, and a finalizer must leave it untouched.
/// HPy 0.9 cannot set it aside (no `PyErr_Fetch`) while Python code runs, and any Python call
/// with it pending would replace it (`SystemError`). PyPy runs finalizers later, from its GC,
/// never then; GraalPy 24.2 runs none (not even a pure-Python class's `__del__`).
///
/// # Safety
/// `ctx` is the live context the interpreter passed to the finalizer, `obj` its live object.
pub unsafe fn finalize(
    ctx: *mut ffi::HPyContext,
    obj: ffi::HPy,
    body: impl for<'py> FnOnce(Ctx<'py>) -> PyResult<()>,
) {
    // SAFETY: the caller guarantees `ctx` is the live context of this call.
    let py = unsafe { Ctx::from_raw(ctx) };
    if py.err_occurred() {
        return;
    }
    let failed = match catch_unwind(AssertUnwindSafe(|| body(py))) {
        Ok(Ok(())) => {
            if crate::err::DROPPED_RAISED.load(Ordering::Relaxed) != 0 {
                clear_dropped(py);
            }
            false
        }
        Ok(Err(e)) => {
            e.restore(py);
            true
        }
        Err(payload) => {
            raise_panic(py, payload);
            true
        }
    };
    if failed {
        // SAFETY: valid context and live object; an exception is set, which this reports and
        // clears.
        unsafe { ffi::HPyErr_WriteUnraisable(ctx, obj) };
    }
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
