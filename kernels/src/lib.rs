//! `oxhpy_kernels._native`: the portable kernels, written with oxhpy; the only `unsafe` is in `simd`
//! (AVX2 loops, used where the CPU has AVX2, detected at run time) and [`RELEASE`] (the kernels
//! work in place with the interpreter released).

/// Fast numeric kernels that run unchanged on CPython, PyPy and GraalPy (HPy universal ABI).
#[oxhpy::module]
pub mod _native {
    use oxhpy::buffer::ReadView;
    use oxhpy::prelude::*;

    /// Sum of two 64-bit signed integers. OverflowError if an argument or the result does not fit.
    #[oxhpy::function]
    pub fn add(a: i64, b: i64) -> PyResult<i64> {
        a.checked_add(b).ok_or_else(|| {
            PyErr::overflow_error("add() result does not fit in a 64-bit signed integer")
        })
    }

    /// Floor division of 64-bit signed integers with Python's semantics (rounds towards -inf).
    #[oxhpy::function]
    pub fn div_floor(a: i64, b: i64) -> PyResult<i64> {
        crate::div_floor(a, b)
    }

    /// Sum of the unsigned byte values of `data`: any C-contiguous buffer with 1-byte items.
    #[oxhpy::function]
    pub fn sum_bytes(data: Borrowed<'_, '_>) -> PyResult<u64> {
        ReadView::new(data)
            .and_then(|v| v.run(crate::RELEASE, crate::sum_bytes))
            .map_err(|e| e.with_context("argument 'data': "))
    }

    /// Multiplies every byte of `data` (writable, C-contiguous, 1-byte items) by `factor`,
    /// modulo 256, in place. `factor` must fit a 32-bit C int.
    #[oxhpy::function]
    pub fn scale_inplace(data: Borrowed<'_, '_>, factor: i32) -> PyResult<()> {
        oxhpy::buffer::write(data, |d: &mut [u8]| crate::scale(d, factor))
            .map_err(|e| e.with_context("argument 'data': "))
    }

    /// `dst[i] = a * x[i] + y[i]` in float32, over 1-D C-contiguous `'f'` buffers of equal length.
    /// `dst` must be writable and may be the same buffer as `x` or `y`.
    #[oxhpy::function]
    pub fn saxpy(
        dst: Borrowed<'_, '_>,
        x: Borrowed<'_, '_>,
        y: Borrowed<'_, '_>,
        a: f64,
    ) -> PyResult<()> {
        let a = a as f32;
        oxhpy::buffer::zip_map(dst, x, y, move |x: f32, y: f32| a * x + y, crate::RELEASE)
    }

    /// Exact sum of a C-contiguous buffer of 4-byte unsigned integers, on every core for large inputs.
    #[oxhpy::function]
    pub fn sum_u32(a: Borrowed<'_, '_>) -> PyResult<u64> {
        ReadView::new(a)
            .and_then(|v| v.run(crate::RELEASE, crate::sum_u32))
            .map_err(|e| e.with_context("argument 'a': "))
    }

    /// Mult(factor=1): a callable that multiplies one int by `factor` (64-bit, checked).
    #[oxhpy::class]
    pub struct Mult {
        factor: i64,
    }

    #[oxhpy::methods]
    impl Mult {
        #[new]
        fn new(#[oxhpy(default = 1)] factor: i64) -> Self {
            Mult { factor }
        }

        /// The factor (read-only).
        #[getter]
        fn factor(&self) -> i64 {
            self.factor
        }

        /// `self(x)`: `factor * x`; exactly one positional int.
        #[oxhpy(sig = "o")]
        fn __call__(&self, x: i64) -> PyResult<i64> {
            self.factor.checked_mul(x).ok_or_else(|| {
                PyErr::overflow_error("Mult() result does not fit in a 64-bit signed integer")
            })
        }

        fn __repr__(&self) -> String {
            format!("Mult(factor={})", self.factor)
        }
    }

    /// XorCodec(key): XORs bytes with a one-byte key (0..255).
    #[oxhpy::class]
    pub struct XorCodec {
        key: u8,
    }

    #[oxhpy::methods]
    impl XorCodec {
        #[new]
        fn new(key: i64) -> PyResult<Self> {
            u8::try_from(key)
                .map(|key| XorCodec { key })
                .map_err(|_| PyErr::value_error(format!("key must be in 0..255, got {key}")))
        }

        /// The key (read-only).
        #[getter]
        fn key(&self) -> u8 {
            self.key
        }

        /// XORs every byte of `buf` (writable, C-contiguous, 1-byte items) with the key, in place.
        fn apply_inplace(&self, buf: Borrowed<'_, '_>) -> PyResult<()> {
            let key = self.key;
            oxhpy::buffer::write(buf, |d: &mut [u8]| d.iter_mut().for_each(|b| *b ^= key))
                .map_err(|e| e.with_context("argument 'buf': "))
        }

        fn __repr__(&self) -> String {
            format!("XorCodec(key={})", self.key)
        }
    }
}

use oxhpy::{Exc, PyErr, PyResult};

mod simd;

/// Python's `a // b` on 64-bit integers.
pub fn div_floor(a: i64, b: i64) -> PyResult<i64> {
    if b == 0 {
        return Err(PyErr::new(
            Exc::ZeroDivisionError,
            "integer division or modulo by zero",
        ));
    }
    let Some(q) = a.checked_div(b) else {
        return Err(PyErr::overflow_error(
            "div_floor() result does not fit in a 64-bit signed integer",
        ));
    };
    Ok(if a % b != 0 && ((a < 0) != (b < 0)) {
        q - 1
    } else {
        q
    })
}

/// Sum of `u32`s, exact in `u64`; splits large inputs over the available cores.
pub fn sum_u32(data: &[u32]) -> u64 {
    const PER_THREAD: usize = 1 << 20;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(data.len() / PER_THREAD)
        .max(1);
    let serial = simd::sum_u32;
    if threads == 1 {
        return serial(data);
    }
    let chunk = data.len().div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = data
            .chunks(chunk)
            .map(|c| s.spawn(move || serial(c)))
            .collect();
        parts
            .into_iter()
            .map(|p| p.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    })
}

/// Inputs from this size on are processed with the interpreter released (leaving and re-entering
/// costs about as much as touching a few KiB).
pub const RELEASE_THRESHOLD: usize = 1 << 16;

/// How the kernels release the interpreter: in place, at full bandwidth, as numpy's ufuncs do.
///
/// The promise `above_in_place` asks for is made by the kernels' callers, and the package says so
/// (`oxhpy_kernels.__doc__`, README): no other thread may write a buffer (nor read one that a
/// kernel writes) while a kernel runs on it. Other oxhpy views of it are refused meanwhile
/// (`BufferError`); the exporter stays pinned (it cannot be resized or freed).
// SAFETY: the callers' promise above, documented where they read it.
pub const RELEASE: oxhpy::buffer::Release =
    unsafe { oxhpy::buffer::Release::above_in_place(RELEASE_THRESHOLD) };

/// `b = (b * factor) % 256` for every byte (Python's `%`, so always 0..255).
pub fn scale(data: &mut [u8], factor: i32) {
    // factor mod 256: (b * factor) mod 256 == (b * (factor mod 256)) mod 256
    simd::scale_bytes(data, factor as u8)
}

/// Sum of unsigned byte values; exact for any slice that fits in memory. AVX2 where the CPU has
/// it (detected at run time), a portable loop elsewhere.
pub fn sum_bytes(data: &[u8]) -> u64 {
    simd::sum_bytes(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn div_floor_matches_python() {
        assert_eq!(div_floor(-7, 2).unwrap(), -4);
        assert_eq!(div_floor(7, -2).unwrap(), -4);
        assert_eq!(div_floor(-7, -2).unwrap(), 3);
        assert_eq!(div_floor(7, 2).unwrap(), 3);
        assert_eq!(div_floor(-8, 2).unwrap(), -4);
        assert!(div_floor(1, 0).unwrap_err().is(Exc::ZeroDivisionError));
        assert!(div_floor(i64::MIN, -1).unwrap_err().is(Exc::OverflowError));
    }

    #[test]
    fn sum_bytes_is_exact() {
        assert_eq!(sum_bytes(&[]), 0);
        let v = vec![255u8; (1 << 16) * 3 + 7];
        assert_eq!(sum_bytes(&v), 255 * v.len() as u64);
    }
}
