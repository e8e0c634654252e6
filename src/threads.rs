//! Releasing the interpreter for native work (`HPy_LeavePythonExecution` /
//! `HPy_ReenterPythonExecution`): the GIL on CPython, the equivalent elsewhere.
//!
//! The closure must be `Send` and so cannot capture a [`Ctx`](crate::Ctx), a handle or anything
//! borrowed from one (all `!Send`): touching Python while released does not compile. Plain data,
//! such as a slice from [`buffer::read`](crate::buffer::read), is fine.
use crate::context::Ctx;
use hpy_sys as ffi;

impl Ctx<'_> {
    /// Runs `f` with the interpreter released, so other Python threads run meanwhile.
    ///
    /// A panic in `f` is carried across and resumed once the interpreter is held again.
    ///
    /// ```ignore
    /// let total = oxhpy::buffer::read(data, |d: &[u8]| py.allow_threads(|| d.iter().map(|&b| b as u64).sum::<u64>()))?;
    /// ```
    pub fn allow_threads<R: Send>(self, f: impl FnOnce() -> R + Send) -> R {
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
