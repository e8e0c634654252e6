//! The four benchmark functions as an oxhpy user would write them.

#[oxhpy::module]
pub mod _native {
    use oxhpy::prelude::*;

    fn checked_add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyErr::overflow_error("add() result does not fit in int64"))
    }

    /// `noop()`: returns None (HPyFunc_NOARGS).
    #[oxhpy::function]
    pub fn noop() {}

    /// `add(a, b)`: positional only (HPyFunc_VARARGS, like the hand-written HPy C peer).
    #[oxhpy::function(sig = "varargs")]
    pub fn add(a: i64, b: i64) -> PyResult<i64> {
        checked_add(a, b)
    }

    /// `add_kw(a, b)`: by position or by keyword (HPyFunc_KEYWORDS, oxhpy's default).
    #[oxhpy::function]
    pub fn add_kw(a: i64, b: i64) -> PyResult<i64> {
        checked_add(a, b)
    }

    /// Sum of the bytes of any C-contiguous buffer of 1-byte items.
    #[oxhpy::function]
    pub fn sum_bytes(buf: Borrowed<'_, '_>) -> PyResult<u64> {
        oxhpy::buffer::read(buf, |d: &[u8]| d.iter().map(|&b| u64::from(b)).sum::<u64>())
    }
}
