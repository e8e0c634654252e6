//! What the code of `#[derive(FromPy)]` and `#[derive(IntoPy)]` calls (through `oxhpy::impl_`):
//! reading a field from an attribute, an item or a tuple, naming the field in its errors, collecting
//! the errors of an enum's variants; building the dict or tuple of a value. Not a public API, but
//! nothing here trusts its input: all of it is safe.
//!
//! The errors (the derives' documentation, on `oxhpy::FromPy`, shows them to users):
//! - a field's conversion error keeps its type and gains the field: `TypeError: failed to extract
//!   field Point.x: expected float, got str`;
//! - a missing attribute is an `AttributeError` (`... '{type}' object has no attribute 'x'`), a
//!   missing key a `KeyError`, an index out of range an `IndexError`, an object without
//!   `__getitem__` a `TypeError` (`... 'int' object is not subscriptable`), all naming the field;
//! - an exception raised by Python code (a property, `__getitem__`, `__index__`) propagates as it
//!   is: HPy 0.9 cannot fetch it to add the field;
//! - an enum that no variant fits: `TypeError: failed to extract enum Shape (Circle | Rect)` and
//!   one line per variant, `- variant Circle: AttributeError: failed to extract field ...`.
use crate::context::Ctx;
use crate::convert::{type_has, wrong_type, FromPy, IntoPy};
use crate::err::{Exc, PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle, Object};
use crate::types::{PyDict, PyTuple};
use hpy_sys as ffi;

/// Where a field of a derived `FromPy` struct is read from.
#[derive(Clone, Copy, Debug)]
pub enum FieldKey<'k> {
    /// `getattr(obj, name)`
    Attr(&'k str),
    /// `obj[key]` (a `str` key)
    Item(&'k str),
    /// `obj[index]` (an `int` key)
    Index(isize),
}

/// `obj.name`, `obj[key]`, or the type of the error that says it is missing (`AttributeError`;
/// `KeyError` or `IndexError`), which is cleared. Other errors propagate.
fn lookup<'py>(obj: Borrowed<'_, 'py>, key: FieldKey<'_>) -> PyResult<Result<Handle<'py>, Exc>> {
    let ctx = obj.ctx();
    let got = match key {
        FieldKey::Attr(name) => obj.getattr(name),
        FieldKey::Item(_) | FieldKey::Index(_) if !type_has(&obj, &[c"__getitem__"]) => {
            return Err(PyErr::type_error(format!(
                "'{}' object is not subscriptable",
                obj.type_name()
            )));
        }
        FieldKey::Item(k) => obj.get_item(k),
        FieldKey::Index(i) => obj.get_item(i),
    };
    let e = match got {
        Ok(h) => return Ok(Ok(h)),
        Err(e) => e,
    };
    let missing = match key {
        FieldKey::Attr(_) if e.matches(ctx, Exc::AttributeError) => Exc::AttributeError,
        FieldKey::Item(_) | FieldKey::Index(_) if e.matches(ctx, Exc::KeyError) => Exc::KeyError,
        FieldKey::Item(_) | FieldKey::Index(_) if e.matches(ctx, Exc::IndexError) => {
            Exc::IndexError
        }
        _ => return Err(e),
    };
    e.clear(ctx);
    Ok(Err(missing))
}

/// The error of a missing field (`kind`: `AttributeError`, `KeyError` or `IndexError`), naming
/// the field.
#[cold]
#[inline(never)]
fn missing(obj: Borrowed<'_, '_>, key: FieldKey<'_>, kind: Exc, path: &str) -> PyErr {
    let what = match (key, kind) {
        (FieldKey::Attr(name), _) => {
            format!("'{}' object has no attribute '{name}'", obj.type_name())
        }
        (FieldKey::Item(k), Exc::KeyError) => format!("key '{k}' not found"),
        (FieldKey::Index(i), Exc::KeyError) => format!("key {i} not found"),
        (FieldKey::Item(k), _) => format!("index '{k}' out of range"),
        (FieldKey::Index(i), _) => format!("index {i} out of range"),
    };
    PyErr::new(kind, format!("failed to extract field {path}: {what}"))
}

/// `e` with the field it is about: `failed to extract field Point.x: ...` (a new error; one
/// raised by Python code is left as it is).
#[cold]
#[inline(never)]
fn field_error(e: PyErr, path: &str) -> PyErr {
    e.with_context(&format!("failed to extract field {path}: "))
}

/// Converts `obj` for the field `path` (`Point.x`, `Shape::Circle.0`), naming it in the error.
#[inline]
pub fn transparent_field<'a, 'py, T: FromPy<'a, 'py>>(
    obj: Borrowed<'a, 'py>,
    path: &str,
) -> PyResult<T> {
    transparent_field_with(obj, path, T::from_py)
}

/// As [`transparent_field`], converting with `convert` (the field's `from_py_with`).
#[inline]
pub fn transparent_field_with<'a, 'py, T>(
    obj: Borrowed<'a, 'py>,
    path: &str,
    convert: impl FnOnce(Borrowed<'a, 'py>) -> PyResult<T>,
) -> PyResult<T> {
    convert(obj).map_err(|e| field_error(e, path))
}

/// Reads the field `path` from `obj`'s attribute or item `key`; missing, it is an error.
#[inline]
pub fn field<'py, T: for<'b> FromPy<'b, 'py>>(
    obj: Borrowed<'_, 'py>,
    key: FieldKey<'_>,
    path: &str,
) -> PyResult<T> {
    field_with(obj, key, path, |o| T::from_py(o))
}

/// As [`field`], converting with `convert` (the field's `from_py_with`).
#[inline]
pub fn field_with<'py, T>(
    obj: Borrowed<'_, 'py>,
    key: FieldKey<'_>,
    path: &str,
    convert: impl for<'b> FnOnce(Borrowed<'b, 'py>) -> PyResult<T>,
) -> PyResult<T> {
    match lookup(obj, key).map_err(|e| field_error(e, path))? {
        Ok(h) => transparent_field_with(h.borrow(), path, convert),
        Err(kind) => Err(missing(obj, key, kind, path)),
    }
}

/// As [`field`], but a missing attribute or item gives `default()`.
#[inline]
pub fn field_or<'py, T: for<'b> FromPy<'b, 'py>>(
    obj: Borrowed<'_, 'py>,
    key: FieldKey<'_>,
    path: &str,
    default: impl FnOnce() -> T,
) -> PyResult<T> {
    field_or_with(obj, key, path, |o| T::from_py(o), default)
}

/// As [`field_or`], converting with `convert` (the field's `from_py_with`).
#[inline]
pub fn field_or_with<'py, T>(
    obj: Borrowed<'_, 'py>,
    key: FieldKey<'_>,
    path: &str,
    convert: impl for<'b> FnOnce(Borrowed<'b, 'py>) -> PyResult<T>,
    default: impl FnOnce() -> T,
) -> PyResult<T> {
    match lookup(obj, key).map_err(|e| field_error(e, path))? {
        Ok(h) => transparent_field_with(h.borrow(), path, convert),
        Err(_) => Ok(default()),
    }
}

/// The `n` items of `obj`, a tuple of length `n` (or a subclass): else `TypeError: expected
/// tuple of length 2, got str` or `ValueError: expected tuple of length 2, got length 3`, as
/// Rust tuples are converted.
pub fn tuple_items<'py>(obj: Borrowed<'_, 'py>, n: usize) -> PyResult<Vec<Handle<'py>>> {
    let ctx = obj.ctx();
    // SAFETY: live handle.
    if unsafe { ffi::HPyTuple_Check(ctx.as_ptr(), obj.raw()) } == 0 {
        return Err(wrong_type(&obj, &format!("tuple of length {n}")));
    }
    let len = obj.len()?;
    if len != n {
        return Err(PyErr::value_error(format!(
            "expected tuple of length {n}, got length {len}"
        )));
    }
    (0..n as isize).map(|i| obj.get_item(i)).collect()
}

/// Converts item `i` of [`tuple_items`] for the field `path`.
#[inline]
pub fn tuple_field<'py, T: for<'b> FromPy<'b, 'py>>(
    items: &[Handle<'py>],
    i: usize,
    path: &str,
) -> PyResult<T> {
    tuple_field_with(items, i, path, |o| T::from_py(o))
}

/// As [`tuple_field`], converting with `convert` (the field's `from_py_with`).
#[inline]
pub fn tuple_field_with<'py, T>(
    items: &[Handle<'py>],
    i: usize,
    path: &str,
    convert: impl for<'b> FnOnce(Borrowed<'b, 'py>) -> PyResult<T>,
) -> PyResult<T> {
    match items.get(i) {
        Some(h) => transparent_field_with(h.borrow(), path, convert),
        None => Err(PyErr::new(
            Exc::SystemError,
            format!("{path}: tuple item {i} missing"),
        )),
    }
}

/// The errors of the variants of an enum tried one after the other, for the `TypeError` that
/// says why none fits.
#[derive(Default)]
pub struct EnumErrors {
    lines: String,
}

impl EnumErrors {
    /// No errors yet (no allocation).
    pub fn new() -> Self {
        EnumErrors::default()
    }

    /// Keeps the error of `variant`, which did not fit, and discards it (an exception raised by
    /// Python code is cleared, so that the next variant may call Python). An exception that is
    /// not an `Exception` (`KeyboardInterrupt`, `SystemExit`) is not a mismatch: it is returned.
    #[cold]
    #[inline(never)]
    pub fn push(&mut self, ctx: Ctx<'_>, variant: &str, e: PyErr) -> PyResult<()> {
        if e.is_raised() && !e.matches(ctx, Exc::Exception) {
            return Err(e);
        }
        let line = e.describe(ctx);
        e.clear(ctx);
        self.lines
            .push_str(&format!("\n- variant {variant}: {line}"));
        Ok(())
    }

    /// `TypeError: failed to extract enum {name} ({variants})`, then one line per variant.
    #[cold]
    #[inline(never)]
    pub fn finish(self, name: &str, variants: &str) -> PyErr {
        PyErr::type_error(format!(
            "failed to extract enum {name} ({variants}){}",
            self.lines
        ))
    }
}

/// Converts `value`, the field `path` of a derived `IntoPy` type, naming it in the error.
#[inline]
pub fn into_field<'py, T: IntoPy<'py>>(
    value: T,
    ctx: Ctx<'py>,
    path: &str,
) -> PyResult<Handle<'py>> {
    value.into_py(ctx).map_err(|e| into_field_error(e, path))
}

/// Converts the field `path` with `convert` (its `into_py_with`), naming it in the error.
#[inline]
pub fn into_field_with<'py, T: ?Sized>(
    value: &T,
    ctx: Ctx<'py>,
    path: &str,
    convert: impl FnOnce(&T, Ctx<'py>) -> PyResult<Handle<'py>>,
) -> PyResult<Handle<'py>> {
    convert(value, ctx).map_err(|e| into_field_error(e, path))
}

#[cold]
#[inline(never)]
fn into_field_error(e: PyErr, path: &str) -> PyErr {
    e.with_context(&format!("failed to convert field {path}: "))
}

/// A new empty dict, for the fields of a derived `IntoPy` struct.
#[inline]
pub fn new_dict(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    PyDict::new(ctx).map(PyDict::into_handle)
}

/// `dict[key] = value`.
#[inline]
pub fn dict_set<'py>(
    dict: &Handle<'py>,
    key: impl IntoPy<'py>,
    value: Handle<'py>,
) -> PyResult<()> {
    dict.set_item(key, value)
}

/// A new tuple of `items`.
#[inline]
pub fn tuple_of<'py, const N: usize>(
    ctx: Ctx<'py>,
    items: [Handle<'py>; N],
) -> PyResult<Handle<'py>> {
    PyTuple::new(ctx, items).map(PyTuple::into_handle)
}
