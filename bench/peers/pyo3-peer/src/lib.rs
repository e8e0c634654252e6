//! The four benchmark functions with PyO3, written as a PyO3 user would.

#[pyo3::pymodule]
mod pyo3_peer {
    use pyo3::buffer::PyBuffer;
    use pyo3::exceptions::{PyBufferError, PyOverflowError};
    use pyo3::prelude::*;

    fn checked_add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b)
            .ok_or_else(|| PyOverflowError::new_err("add() result does not fit in int64"))
    }

    #[pyfunction]
    fn noop() {}

    /// `add(a, b, /)`: positional only.
    #[pyfunction]
    #[pyo3(signature = (a, b, /))]
    fn add(a: i64, b: i64) -> PyResult<i64> {
        checked_add(a, b)
    }

    /// `add_kw(a, b)`: by position or by keyword.
    #[pyfunction]
    fn add_kw(a: i64, b: i64) -> PyResult<i64> {
        checked_add(a, b)
    }

    /// Sum of the bytes of any C-contiguous buffer of unsigned bytes (read in place).
    #[pyfunction]
    fn sum_bytes(buf: PyBuffer<u8>) -> PyResult<u64> {
        let data = buf
            .as_slice_ptr()
            .ok_or_else(|| PyBufferError::new_err("buffer is not C-contiguous"))?;
        // `buf` holds the export until it is dropped, after the sum; with the GIL held and no
        // Python code called, nothing writes to the memory meanwhile.
        // SAFETY: valid, unchanging memory for the whole use of `data`.
        let data = unsafe { data.as_ref() };
        Ok(data.iter().map(|&b| u64::from(b)).sum())
    }
}
