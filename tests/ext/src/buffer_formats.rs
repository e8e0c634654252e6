//! `tests/test_buffer_formats.py`: a buffer export with any `struct` format.
use oxhpy::prelude::*;
use std::ffi::CString;

/// FormatStore(data: bytes, format: str): exports `data` read-only with `format`, one `struct`
/// item such as '>I' or '=L' (ValueError for any other), to test how consumers read formats.
#[oxhpy::class]
pub struct FormatStore {
    data: Vec<u8>,
    format: CString,
}

#[oxhpy::methods]
impl FormatStore {
    #[new]
    fn new(data: Vec<u8>, format: String) -> PyResult<Self> {
        let format = CString::new(format).map_err(|e| PyErr::value_error(e.to_string()))?;
        oxhpy::buffer::Exported::with_format(&data, &format)?;
        Ok(FormatStore { data, format })
    }

    fn __buffer__(&self) -> PyResult<oxhpy::buffer::Exported<'_>> {
        oxhpy::buffer::Exported::with_format(&self.data, &self.format)
    }
}
