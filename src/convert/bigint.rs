//! Integers of any size: `num_bigint::BigInt` and `BigUint` (the `num-bigint` feature), as PyO3's
//! feature of the same name converts them.
//!
//! HPy 0.9 reads and makes integers of at most 64 bits, so a wider one crosses as its bytes:
//! `int.to_bytes` (of `int.bit_length()` bits and a sign bit, little-endian) and `int.from_bytes`,
//! one pass each way. An `int` that fits 64 bits takes one HPy call, as `i64` does. A parameter
//! takes what an `i64` parameter takes (an `int` or a subclass, or an object with `__index__`;
//! never a `float` or `str`); a `BigUint` refuses a negative value with `OverflowError`.
//!
//! ```
//! use num_bigint::BigInt;
//! use oxhpy::prelude::*;
//!
//! /// `n!` exactly, for any `n`.
//! #[oxhpy::function]
//! fn factorial(n: u32) -> BigInt {
//!     (1..=n).map(BigInt::from).product()
//! }
//! ```
use super::{int_of, FromPy, FromPyItem, IntoPy};
use crate::context::Ctx;
use crate::err::{PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle, Object};
use hpy_sys as ffi;
use num_bigint::{BigInt, BigUint};

/// `int.to_bytes(n, "little", signed=signed)` of `int` (an exact `int` handle), with `n` the
/// bytes its magnitude needs, plus a sign bit's room when `signed`.
fn int_bytes<'py>(int: &Handle<'py>, signed: bool) -> PyResult<Handle<'py>> {
    let ctx = int.ctx();
    let bits: u64 = int.call_method("bit_length", ())?.extract()?;
    let n = if signed {
        bits / 8 + 1
    } else {
        bits.div_ceil(8).max(1)
    };
    let signed = ctx.bool(signed);
    int.getattr("to_bytes")?
        .call_kw((n, "little"), &[("signed", &signed)])
}

/// `int.from_bytes(bytes, "little", signed=signed)`.
fn int_from_bytes<'py>(ctx: Ctx<'py>, bytes: &[u8], signed: bool) -> PyResult<Handle<'py>> {
    let signed = ctx.bool(signed);
    ctx.builtins_fn("int")?
        .getattr("from_bytes")?
        .call_kw((bytes, "little"), &[("signed", &signed)])
}

impl<'a, 'py> FromPy<'a, 'py> for BigInt {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        // SAFETY: live handle; anything but an int in range returns -1 with an error set (an `int`
        // or a subclass only: `__index__` is for `int_of`).
        let v = unsafe { ffi::HPyLong_AsSsize_t(obj.ctx().as_ptr(), obj.raw()) };
        if v != -1 {
            return Ok(BigInt::from(v));
        }
        let int = int_of(obj)?;
        let bytes = int_bytes(&int, true)?;
        Ok(BigInt::from_signed_bytes_le(bytes.extract::<&[u8]>()?))
    }
}

impl<'a, 'py> FromPy<'a, 'py> for BigUint {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        // SAFETY: live handle; anything but a non-negative int in range returns (size_t)-1 with
        // an error set (an `int` or a subclass only).
        let v = unsafe { ffi::HPyLong_AsSize_t(obj.ctx().as_ptr(), obj.raw()) };
        if v != usize::MAX {
            return Ok(BigUint::from(v));
        }
        let int = int_of(obj)?;
        if int.rich_compare(0i64, crate::CompareOp::Lt)?.is_truthy()? {
            return Err(PyErr::overflow_error("int out of range for BigUint"));
        }
        let bytes = int_bytes(&int, false)?;
        Ok(BigUint::from_bytes_le(bytes.extract::<&[u8]>()?))
    }
}

impl<'py> IntoPy<'py> for &BigInt {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        if let Ok(v) = i64::try_from(self) {
            return v.into_py(ctx);
        }
        int_from_bytes(ctx, &self.to_signed_bytes_le(), true)
    }

    #[inline(always)]
    fn _oxhpy_index(&self) -> Option<isize> {
        isize::try_from(*self).ok()
    }
}

impl<'py> IntoPy<'py> for &BigUint {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        if let Ok(v) = u64::try_from(self) {
            return v.into_py(ctx);
        }
        let sign_free = self.to_bytes_le();
        int_from_bytes(ctx, &sign_free, false)
    }

    #[inline(always)]
    fn _oxhpy_index(&self) -> Option<isize> {
        isize::try_from(*self).ok()
    }
}

// By value as by reference; `Vec<BigInt>` from a list or tuple.
macro_rules! by_value {
    ($($t:ty),*) => {$(
        impl<'py> IntoPy<'py> for $t {
            fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
                (&self).into_py(ctx)
            }

            #[inline(always)]
            fn _oxhpy_index(&self) -> Option<isize> {
                isize::try_from(self).ok()
            }
        }

        impl<'py> FromPyItem<'py> for $t {
            fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
                super::vec_from_sequence(obj)
            }
        }
    )*};
}
by_value!(BigInt, BigUint);
