//! `tests/test_memory.py`: every handle oxhpy closes lets its object go.

use oxhpy::prelude::*;

/// Calls `f()` `n` times and drops every result: `n` handles closed by oxhpy.
#[oxhpy::function]
pub fn drop_results(f: Borrowed<'_, '_>, n: usize) -> PyResult<()> {
    for _ in 0..n {
        drop(f.call(())?);
    }
    Ok(())
}

/// How many handles oxhpy has handed to its pending tracker and not yet closed: on GraalPy (not in
/// debug mode) it closes them 32 at a time, elsewhere 0 (`src/handle/close.rs`).
#[oxhpy::function]
pub fn pending_closes() -> usize {
    oxhpy::impl_::pending_closes()
}
