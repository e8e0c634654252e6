//! `tests/test_callfunction.py`: `__call__` and a per-instance call function.
use oxhpy::prelude::*;

/// Caller(): callable (HPy_tp_call) whose instances can get their own call function.
#[oxhpy::class]
pub struct Caller {}

#[oxhpy::methods]
impl Caller {
    #[new]
    fn new() -> Self {
        Caller {}
    }

    fn __call__(&self, x: i64) -> String {
        format!("default {x}")
    }
}

/// The per-instance call function installed by `set_special_call` (HPy_SetCallFunction).
struct SpecialCall(std::cell::UnsafeCell<oxhpy::ffi::HPyCallFunction>);
// SAFETY: immutable after construction; HPy only reads it.
unsafe impl Sync for SpecialCall {}

struct SpecialEntry;

unsafe extern "C" fn special_impl(
    ctx: *mut oxhpy::ffi::HPyContext,
    _self: oxhpy::ffi::HPy,
    _args: *const oxhpy::ffi::HPy,
    nargs: usize,
    _kwnames: oxhpy::ffi::HPy,
) -> oxhpy::ffi::HPy {
    let n = nargs & !oxhpy::ffi::PY_VECTORCALL_ARGUMENTS_OFFSET;
    // SAFETY: called by the interpreter with its live context.
    unsafe {
        oxhpy::impl_::run(ctx, |py| {
            format!("special with {n} args")
                .into_py(py)
                .map(Handle::into_raw)
        })
    }
}

// SAFETY: IMPL is `special_impl`, an `HPyFunc_KEYWORDS` impl, as `cpy_keywords` expects.
unsafe impl oxhpy::impl_::Entry for SpecialEntry {
    // SAFETY: `special_impl` has type `KeywordsImpl`, the signature recorded with it.
    const IMPL: oxhpy::ffi::HPyCFunction = unsafe {
        oxhpy::impl_::cfunc!(
            special_impl as oxhpy::impl_::KeywordsImpl,
            oxhpy::impl_::KeywordsImpl
        )
    };
}

static SPECIAL: SpecialCall =
    SpecialCall(std::cell::UnsafeCell::new(oxhpy::ffi::HPyCallFunction {
        cpy_trampoline: Some(oxhpy::impl_::cpy_keywords::<SpecialEntry>),
        impl_: Some(special_impl),
    }));

/// Gives `obj` (a Caller) its own call function through HPy_SetCallFunction (a shifted member).
#[oxhpy::function]
pub fn set_special_call(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) -> PyResult<()> {
    if !oxhpy::class::is_instance::<Caller>(&obj)? {
        return Err(PyErr::type_error("expected a Caller"));
    }
    // SAFETY: `obj` is a live Caller, whose type has HPy_tp_call; SPECIAL is static.
    if unsafe { oxhpy::ffi::HPy_SetCallFunction(ctx.as_ptr(), obj.raw(), SPECIAL.0.get()) } < 0 {
        return Err(PyErr::raised());
    }
    Ok(())
}
