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
//!
//! ```
//! use oxhpy::prelude::*;
//!
//! /// How many primes are below `n`; other Python threads run meanwhile.
//! #[oxhpy::function]
//! fn count_primes(ctx: Ctx<'_>, n: u64) -> u64 {
//!     let is_prime = |k: u64| k > 1 && (2..).take_while(|d| d * d <= k).all(|d| k % d != 0);
//!     ctx.allow_threads(|| (0..n).filter(|&k| is_prime(k)).count() as u64)
//! }
//! ```
//!
//! A closure that touches Python does not compile:
//!
//! ```compile_fail,E0277
//! use oxhpy::prelude::*;
//!
//! fn repr_released(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) -> PyResult<String> {
//!     ctx.allow_threads(|| obj.repr()) // `Borrowed` is not `Sync`: no Python while released
//! }
//! ```
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
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// Sleeps without holding up other Python threads.
    /// #[oxhpy::function]
    /// fn nap(ctx: Ctx<'_>, ms: u64) {
    ///     ctx.allow_threads(|| std::thread::sleep(std::time::Duration::from_millis(ms)))
    /// }
    /// ```
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
