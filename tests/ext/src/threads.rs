//! `tests/test_threads.py`: releasing the interpreter.
use oxhpy::prelude::*;

/// Waits, with the interpreter released when `release` is true, until a byte can be read
/// from the non-blocking pipe `fd` (written by a Python thread), or `timeout_ms` passes.
/// Returns whether the byte arrived: only possible if other Python threads could run.
#[oxhpy::function]
pub fn wait_for_pipe(ctx: Ctx<'_>, fd: i32, timeout_ms: u64, release: bool) -> bool {
    let wait = move || crate::wait_pipe(fd, timeout_ms);
    if release {
        ctx.allow_threads(wait)
    } else {
        wait()
    }
}

/// Panics inside `allow_threads`: the panic must come back as PanicException.
#[oxhpy::function]
pub fn panic_while_released(ctx: Ctx<'_>) {
    ctx.allow_threads(|| panic!("boom while released"));
}
