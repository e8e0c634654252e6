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

    /// Sum of the bytes of any C-contiguous buffer of unsigned bytes.
    #[pyfunction]
    fn sum_bytes(py: Python<'_>, buf: PyBuffer<u8>) -> PyResult<u64> {
        let cells = buf
            .as_slice(py)
            .ok_or_else(|| PyBufferError::new_err("buffer is not C-contiguous"))?;
        Ok(cells.iter().map(|c| u64::from(c.get())).sum())
    }
}
