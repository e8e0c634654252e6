//! Releasing the interpreter for native work (`HPy_LeavePythonExecution` /
//! `HPy_ReenterPythonExecution`): the GIL on CPython, the equivalent elsewhere.
//!
//! The closure must be `Send` and so cannot capture a [`Ctx`], a handle or anything
//! borrowed from one (all `!Send`): touching Python while released does not compile. Plain data is
//! fine; buffer views release the interpreter themselves ([`Release`](crate::buffer::Release)).
//!
//! Except in HPy's debug mode, on every interpreter: there `f` runs with the interpreter held
//! (correct, only not parallel). The debug context of a call is taken from a small ring that the
//! calls of every thread share; while one thread is released, the others' calls go round the ring,
//! hand its context to another call and invalidate it when that call returns, and the released
//! thread's `HPy_ReenterPythonExecution` aborts the process ("Error: Wrong HPy Context!"). Seen on
//! PyPy 3.11 and GraalPy 24.2 at once, and on CPython (hpy 0.9.0's `debug_ctx_cpython.c`) in about
//! one run in ten of four threads calling a releasing kernel.
use crate::context::{Ctx, Interpreter};
use hpy_sys as ffi;

impl Ctx<'_> {
    /// Whether releasing the interpreter is safe in this module (see the module docs).
    fn may_release(self) -> bool {
        !Interpreter::get().debug
    }

    /// Runs `f` with the interpreter released, so other Python threads run meanwhile (except in
    /// HPy's debug mode: see the module docs).
    ///
    /// A panic in `f` is carried across and resumed once the interpreter is held again.
    ///
    /// A buffer view's closure cannot call this (it cannot capture the `Ctx`): views release
    /// the interpreter themselves ([`Release`](crate::buffer::Release)).
    pub fn allow_threads<R: Send>(self, f: impl FnOnce() -> R + Send) -> R {
        if !self.may_release() {
            return f();
        }
        // SAFETY: valid context; the state is handed back to Reenter exactly once below.
        let state = unsafe { ffi::HPy_LeavePythonExecution(self.as_ptr()) };
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        // SAFETY: same context and the state Leave returned.
        unsafe { ffi::HPy_ReenterPythonExecution(self.as_ptr(), state) };
        match result {
            Ok(r) => r,
            Err(payload) => std::panic::resume_unwind(payload),
        }
    }
}
