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
use crate::context::Ctx;
use hpy_sys as ffi;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether the process runs GraalPy (noted when a module initialises): its debug context's name,
/// "HPy Debug Mode ABI", is CPython's too.
static GRAALPY: AtomicBool = AtomicBool::new(false);

/// Notes which interpreter this is, for [`Ctx::allow_threads`]. A lie here (`sys.implementation`
/// can be reassigned) only changes whether debug mode releases the interpreter.
pub(crate) fn note_interpreter(ctx: Ctx<'_>) {
    use crate::Object;
    let implementation = || -> crate::PyResult<String> {
        let sys = ctx.import("sys")?;
        sys.getattr("implementation")?.getattr("name")?.extract()
    };
    let name = ctx.name();
    let graalpy = name.contains("GraalVM backend")
        || (name == "HPy Debug Mode ABI" && implementation().is_ok_and(|n| n == "graalpy"));
    GRAALPY.store(graalpy, Ordering::Relaxed);
}

impl Ctx<'_> {
    /// Whether releasing the interpreter is safe with this context (see the module docs).
    fn may_release(self) -> bool {
        // SAFETY: a live context; `name` is in the common prefix: a static NUL-terminated string,
        // or NULL.
        let name = unsafe { (*self.as_ptr()).name };
        if name.is_null() {
            return true;
        }
        // SAFETY: as above.
        let name = unsafe { std::ffi::CStr::from_ptr(name) }.to_bytes();
        !(name == b"HPy Debug Mode ABI (PyPy backend)"
            || (name == b"HPy Debug Mode ABI" && GRAALPY.load(Ordering::Relaxed)))
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
