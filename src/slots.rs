//! Support for the special methods that `#[oxhpy::methods]` puts into type slots (`__len__`,
//! `__hash__`, `__bool__`, `__contains__`, `__setitem__`, rich comparison, ...): the conversion of
//! the Rust method's result into what the slot returns, and the errors a slot raises for what the
//! class does not define. Only the generated code calls these (`oxhpy::impl_`).
use crate::class::PyClass;
use crate::context::Ctx;
use crate::convert::IntoPy;
use crate::err::{Exc, PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle, Object};
use hpy_sys as ffi;
use std::ffi::c_int;

/// The result of `__bool__` or `__contains__`: `1` or `0`.
#[inline(always)]
pub fn truth(value: bool) -> PyResult<c_int> {
    Ok(c_int::from(value))
}

/// The result of a special method whose slot returns only success (`__setitem__`, `__delitem__`,
/// `__init__`): `0`.
#[inline(always)]
pub fn done(_: ()) -> PyResult<c_int> {
    Ok(0)
}

/// What `mp_ass_subscript` raises for the half (`__setitem__` or `__delitem__`) that class `T` does
/// not define: `TypeError`, as CPython's and PyPy's own types without it do (CPython's abstract
/// object protocol says "'T' object does not support item assignment" or "... deletion").
#[cold]
#[inline(never)]
pub fn no_item_assignment<T: PyClass>(delete: bool) -> PyErr {
    let what = if delete { "deletion" } else { "assignment" };
    PyErr::new(
        Exc::TypeError,
        format!("'{}' object does not support item {what}", T::NAME),
    )
}

/// The result of `__len__`: `OverflowError` beyond `HPy_ssize_t` (as CPython's `len()`).
#[inline(always)]
pub fn length(value: usize) -> PyResult<ffi::HPy_ssize_t> {
    match ffi::HPy_ssize_t::try_from(value) {
        Ok(n) => Ok(n),
        Err(_) => Err(length_overflow()),
    }
}

#[cold]
#[inline(never)]
fn length_overflow() -> PyErr {
    PyErr::new(
        Exc::OverflowError,
        "__len__ returned a length that does not fit in a Py_ssize_t",
    )
}

/// What `__hash__` may return: an integer, reduced to a `Py_hash_t` as Python reduces the result
/// of a `__hash__` (wrapping; `-1`, the error value of the slot, becomes `-2`).
pub trait HashValue {
    /// The hash as the slot returns it (may be `-1`, adjusted by [`hash_value`]).
    fn to_hash(self) -> ffi::HPy_hash_t;
}

macro_rules! hash_value {
    ($($t:ty),*) => {$(
        impl HashValue for $t {
            #[inline(always)]
            fn to_hash(self) -> ffi::HPy_hash_t {
                self as ffi::HPy_hash_t
            }
        }
    )*};
}

hash_value!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// The result of `__hash__`.
#[inline(always)]
pub fn hash_value(value: impl HashValue) -> PyResult<ffi::HPy_hash_t> {
    Ok(match value.to_hash() {
        -1 => -2,
        h => h,
    })
}

/// A new reference to `NotImplemented`: what a rich comparison returns for an operator the class
/// does not define, or for an operand its method does not take.
#[inline]
pub fn not_implemented(ctx: Ctx<'_>) -> PyResult<ffi::HPy> {
    // SAFETY: h_NotImplemented is a valid handle of this context; HPy_Dup returns an owned one.
    Ok(unsafe { ffi::HPy_Dup(ctx.as_ptr(), ctx.constant(|c| c.h_NotImplemented)) })
}

/// Whether `a` and `b` are of exactly the same type: a binary operator is reflected only between
/// different types (`a + b` never calls `b.__radd__` when `type(a) is type(b)`).
pub fn same_type(a: Borrowed<'_, '_>, b: Borrowed<'_, '_>) -> bool {
    let ctx = a.ctx();
    // SAFETY: live handles; HPy_Type returns a new owned handle (never NULL for a live object).
    unsafe {
        let ta = Handle::from_raw_unchecked(ctx, ffi::HPy_Type(ctx.as_ptr(), a.raw()));
        let tb = Handle::from_raw_unchecked(ctx, ffi::HPy_Type(ctx.as_ptr(), b.raw()));
        ta.is(&tb)
    }
}

/// A new reference to `obj`: the result of an in-place operator whose method returns nothing
/// (`self`, as Python's own `__iadd__` returns).
#[inline]
pub fn same_object(obj: Borrowed<'_, '_>) -> PyResult<ffi::HPy> {
    Ok(obj.dup().into_raw())
}

/// The result of `__next__`: the value, or for `None` a `StopIteration` without arguments (as
/// exhausted built-in iterators raise it: `value` is `None`).
#[inline]
pub fn next_value<'py, T: IntoPy<'py>>(value: Option<T>, ctx: Ctx<'py>) -> PyResult<ffi::HPy> {
    match value {
        Some(v) => v.into_py(ctx).map(Handle::into_raw),
        None => Err(stop_iteration(ctx)),
    }
}

#[cold]
#[inline(never)]
fn stop_iteration(ctx: Ctx<'_>) -> PyErr {
    // The instance, made by calling the type without arguments: `HPyErr_SetObject(type, None)`
    // makes `StopIteration()` on CPython and PyPy but `StopIteration(None)` on GraalPy 24.2.
    let ty = ctx.constant(|c| c.h_StopIteration);
    // SAFETY: valid context and type; the call returns an owned handle or NULL with an error set
    // (then raised as is).
    unsafe {
        let exc = ffi::HPy_Call(ctx.as_ptr(), ty, std::ptr::null(), 0, ffi::HPy_NULL);
        if let Ok(exc) = Handle::from_raw(ctx, exc) {
            ffi::HPyErr_SetObject(ctx.as_ptr(), ty, exc.raw());
        }
    }
    PyErr::raised()
}
