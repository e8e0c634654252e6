//! Releasing the interpreter for native work (`HPy_LeavePythonExecution` /
//! `HPy_ReenterPythonExecution`): the GIL on CPython, the equivalent elsewhere.
//!
//! The closure must be `Send` and so cannot capture a [`Ctx`](crate::Ctx), a handle or anything
//! borrowed from one (all `!Send`): touching Python while released does not compile. Plain data is
//! fine; buffer views release the interpreter themselves ([`Release`](crate::buffer::Release)).
//!
//! Except in the debug mode of PyPy 3.11 and GraalPy 24.2, whose debug contexts abort the process
//! ("Error: Wrong HPy Context!") when another thread enters an HPy function while one has released
//! the interpreter: there `f` runs with the interpreter held (correct, only not parallel).
use crate::context::{Ctx, Interpreter};
use hpy_sys as ffi;

impl Ctx<'_> {
    /// Whether releasing the interpreter is safe in this module (see the module docs).
    fn may_release(self) -> bool {
        let i = Interpreter::get();
        !(i.debug && (i.pypy || i.graalpy))
    }

    /// Runs `f` with the interpreter released, so other Python threads run meanwhile (except in
    /// PyPy's and GraalPy's debug mode: see the module docs).
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
