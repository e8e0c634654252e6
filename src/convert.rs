//! Conversions between Python objects and Rust values: [`FromPy`] and [`IntoPy`].
//!
//! | Rust | from Python | to Python |
//! |---|---|---|
//! | `i8` … `i128`, `u8` … `u128`, `isize`, `usize` | `int` (and `bool`), or any object with `__index__` (as `operator.index`); out of range → `OverflowError` | `int` |
//! | `f64` | `float` or `int`, or any object with `__float__` or `__index__` (as `float()`, but never `str`/`bytes`) | `float` |
//! | `f32` | as `f64`, rounded to nearest; a finite value beyond `f32` → `OverflowError` (as `struct.pack("<f")`) | `float` |
//! | `bool` | `bool` only | `bool` |
//! | `&str`, `String` | `str` | `str` |
//! | `&[u8]`, `Vec<u8>` | `bytes` | `bytes` |
//! | `()` | — | `None` |
//! | `Option<T>` | `None` or `T` | `None` or `T` |
//! | `(A, B, …)` | `tuple` of that length | `tuple` |
//! | `Vec<T>` | `list` or `tuple` | `list` |
//! | `Handle`, `Borrowed` | any object | the object |
//! | [`PyStr`](crate::PyStr), [`PyBytes`](crate::PyBytes), [`PyDict`](crate::PyDict), [`PyList`](crate::PyList), [`PyTuple`](crate::PyTuple) (and their borrowed forms) | that type or a subclass | the object |
//!
//! A wrong type is a `TypeError` ("expected int, got str"); function arguments add their name.
//!
//! Numbers: an exact `int`/`float` (or subclass) is read directly, with no other HPy call. Anything
//! else takes a cold path: `str` and `bytes` are refused, then a type without `__index__` (for
//! integers) or without `__float__`/`__index__` (for `f64`) is refused with the same `TypeError`,
//! else `HPy_Index` / `HPy_Float` convert it and the result is read like an `int` / a `float`.
//! Exceptions raised by `__index__`/`__float__` propagate unchanged. So `numpy.int64(3)`,
//! `numpy.float32(0.5)`, `decimal.Decimal`, `fractions.Fraction` (for `f64`) are accepted, and a
//! `float` for an integer is not (as `operator.index(1.5)`).
//!
//! Parameters of `#[oxhpy::function]`s and methods are converted with [`FromPy`], results with
//! [`IntoPy`]; implement them for your own types, or derive them
//! ([`#[derive(FromPy)]`](derive@crate::FromPy), [`#[derive(IntoPy)]`](derive@crate::IntoPy)).
//!
//! ```
//! use oxhpy::prelude::*;
//!
//! /// `mean([1, 2.5])` is `(1.75, 'mean')`; `mean((1.0,), 'x')` is `(1.0, 'x')`.
//! #[oxhpy::function]
//! fn mean(values: Vec<f64>, label: Option<&str>) -> PyResult<(f64, String)> {
//!     if values.is_empty() {
//!         return Err(PyErr::value_error("no values"));
//!     }
//!     let m = values.iter().sum::<f64>() / values.len() as f64;
//!     Ok((m, label.unwrap_or("mean").to_owned()))
//! }
//! ```
#[cfg(feature = "num-bigint")]
mod bigint;
mod collections;
use crate::context::Ctx;
use crate::err::{Exc, PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle, Object};
use hpy_sys as ffi;

/// Extraction of a Rust value from a Python object that lives for `'a`.
///
/// What makes a type usable as a parameter and with [`Object::extract`]. A parameter's
/// conversion error is prefixed with the argument's name (`argument 'p': ...`). Structs and enums
/// can derive it: [`#[derive(FromPy)]`](derive@crate::FromPy) reads fields from attributes, items
/// or a tuple, as PyO3's `#[derive(FromPyObject)]`.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// A `float` in [0, 1].
/// pub struct Probability(f64);
///
/// impl<'a, 'py> FromPy<'a, 'py> for Probability {
///     fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
///         let p: f64 = obj.extract()?;
///         if !(0.0..=1.0).contains(&p) {
///             return Err(PyErr::value_error(format!("{p} is not a probability")));
///         }
///         Ok(Probability(p))
///     }
/// }
///
/// #[oxhpy::function]
/// fn certain(p: Probability) -> bool {
///     p.0 == 1.0
/// }
/// ```
pub trait FromPy<'a, 'py>: Sized {
    /// Converts `obj`, or explains why not.
    ///
    /// <!-- no example: the trait's example implements it; `Object::extract` calls it -->
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self>;
}

/// Types that can be items of an extracted `Vec`: how a `Vec<Self>` is read.
///
/// Implement it with [`vec_from_sequence`] for your own [`FromPy`] types.
///
/// ```
/// use oxhpy::prelude::*;
/// use oxhpy::{convert::vec_from_sequence, FromPyItem};
///
/// pub struct Weight(f64);
/// # impl<'a, 'py> FromPy<'a, 'py> for Weight {
/// #     fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> { obj.extract().map(Weight) }
/// # }
///
/// impl<'py> FromPyItem<'py> for Weight {
///     fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
///         vec_from_sequence(obj)
///     }
/// }
///
/// #[oxhpy::function]
/// fn total(weights: Vec<Weight>) -> f64 {
///     weights.iter().map(|w| w.0).sum()
/// }
/// ```
pub trait FromPyItem<'py>: Sized {
    /// Extracts all items of a list or tuple (`bytes` too, for `u8`).
    ///
    /// <!-- no example: the trait's example implements it -->
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>>;
}

/// Item by item from a list or tuple: the usual [`FromPyItem`] implementation. Anything else is
/// a `TypeError` (`expected list, got str`).
///
/// <!-- no example: the example of `FromPyItem` uses it -->
pub fn vec_from_sequence<'py, T: for<'b> FromPy<'b, 'py>>(
    obj: Borrowed<'_, 'py>,
) -> PyResult<Vec<T>> {
    sequence_items(obj, "list")?
        .iter()
        .map(|h| T::from_py(h.borrow()))
        .collect()
}

macro_rules! from_py_item {
    ($($t:ty),*) => {$(
        impl<'py> FromPyItem<'py> for $t {
            fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
                vec_from_sequence(obj)
            }
        }
    )*};
}
from_py_item!(
    i64,
    u64,
    i32,
    u32,
    usize,
    isize,
    f64,
    bool,
    String,
    Handle<'py>
);

/// Conversion of a Rust value into a new Python object.
///
/// What makes a type usable as a result of a function or method, as an argument of
/// [`Object::call`] and with [`Module::add`](crate::Module::add). A `Vec` of it converts to a
/// `list`. Structs and enums can derive it: [`#[derive(IntoPy)]`](derive@crate::IntoPy) makes a
/// dict of named fields, a tuple of a tuple struct, as PyO3's `#[derive(IntoPyObject)]`.
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// Returned to Python as a tuple `(x, y)`.
/// pub struct Point {
///     x: f64,
///     y: f64,
/// }
///
/// impl<'py> IntoPy<'py> for Point {
///     fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
///         (self.x, self.y).into_py(ctx)
///     }
/// }
///
/// #[oxhpy::function]
/// fn corners(w: f64, h: f64) -> Vec<Point> {
///     vec![Point { x: 0.0, y: 0.0 }, Point { x: w, y: h }]
/// }
/// ```
pub trait IntoPy<'py> {
    /// Converts `self`.
    ///
    /// ```
    /// use oxhpy::prelude::*;
    ///
    /// /// `[1, "one", None]`: a list of items of different types.
    /// fn mixed(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    ///     vec![1i64.into_py(ctx)?, "one".into_py(ctx)?, ctx.none()].into_py(ctx)
    /// }
    /// ```
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>>;

    /// How the items of a `Vec<Self>` (or, for `Self = &T`, of a `&Vec<T>`) are converted: by
    /// default to a `list`.
    #[doc(hidden)]
    fn seq_into_py(items: impl Iterator<Item = Self>, ctx: Ctx<'py>) -> PyResult<Handle<'py>>
    where
        Self: Sized,
    {
        // SAFETY: HPyList_New returns an owned list or NULL with an error set.
        let list = unsafe { Handle::from_raw(ctx, ffi::HPyList_New(ctx.as_ptr(), 0))? };
        for item in items {
            let item = item.into_py(ctx)?;
            // SAFETY: live list and item; HPyList_Append does not steal the item.
            if unsafe { ffi::HPyList_Append(ctx.as_ptr(), list.raw(), item.raw()) } < 0 {
                return Err(PyErr::raised());
            }
        }
        Ok(list)
    }

    /// `Some(i)` for an integer that fits `isize`: an item index, for `HPy_GetItem_i` & co.
    #[doc(hidden)]
    #[inline(always)]
    fn _oxhpy_index(&self) -> Option<isize> {
        None
    }

    /// `Some(self)` for a handle: an operand used as it is, without a new reference.
    #[doc(hidden)]
    #[inline(always)]
    fn _oxhpy_handle(&self) -> Option<&dyn AsHandle<'py>> {
        None
    }
}

/// `TypeError: expected {what}, got {type(obj).__name__}`: the error of oxhpy's own conversions.
///
/// ```
/// use oxhpy::convert::wrong_type;
/// use oxhpy::prelude::*;
///
/// /// `"on"` or `"off"`.
/// pub struct Switch(bool);
///
/// impl<'a, 'py> FromPy<'a, 'py> for Switch {
///     fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
///         match obj.extract::<&str>() {
///             Ok("on") => Ok(Switch(true)),
///             Ok("off") => Ok(Switch(false)),
///             Ok(other) => Err(PyErr::value_error(format!("expected 'on' or 'off', got {other:?}"))),
///             Err(_) => Err(wrong_type(&obj, "'on' or 'off'")), // "..., got int"
///         }
///     }
/// }
/// ```
pub fn wrong_type(obj: &Borrowed<'_, '_>, what: &str) -> PyErr {
    PyErr::type_error(format!("expected {what}, got {}", obj.type_name()))
}

#[inline(always)]
fn type_check(obj: &Borrowed<'_, '_>, pick: fn(&ffi::HPyContext) -> ffi::HPy) -> bool {
    let ctx = obj.ctx();
    // SAFETY: live object handle and a context type constant.
    unsafe { ffi::HPy_TypeCheck(ctx.as_ptr(), obj.raw(), ctx.constant(pick)) != 0 }
}

/// Turns an HPy integer read that signalled an error into our own `OverflowError` with a clear
/// message (the object is known to be an `int`, so overflow is the only possible failure).
#[inline(always)]
fn checked_int<T: PartialEq>(ctx: Ctx<'_>, v: T, err_value: T, rust_type: &str) -> PyResult<T> {
    if v == err_value && ctx.err_occurred() {
        // SAFETY: valid context; we replace the interpreter's error with a clearer one.
        unsafe { ffi::HPyErr_Clear(ctx.as_ptr()) };
        return Err(PyErr::new(
            Exc::OverflowError,
            format!("int out of range for {rust_type}"),
        ));
    }
    Ok(v)
}

/// Whether `obj` is a `str` or `bytes` (or a subclass): refused as numbers even when their type
/// has `__float__` (`numpy.str_`, `numpy.bytes_`), since `float()` would parse them.
fn is_text(obj: &Borrowed<'_, '_>) -> bool {
    let c = obj.ctx().as_ptr();
    // SAFETY: live handle.
    unsafe { ffi::HPyUnicode_Check(c, obj.raw()) != 0 || ffi::HPyBytes_Check(c, obj.raw()) != 0 }
}

/// Whether `type(obj)` has one of the special methods `names` (looked up on the type, as the
/// interpreter does for special methods; never an instance attribute).
pub(crate) fn type_has(obj: &Borrowed<'_, '_>, names: &[&std::ffi::CStr]) -> bool {
    let ty = obj.get_type();
    names.iter().any(|n| {
        // SAFETY: live type handle and a NUL-terminated name; HPy_HasAttr_s never raises.
        unsafe { ffi::HPy_HasAttr_s(obj.ctx().as_ptr(), ty.raw(), n.as_ptr()) != 0 }
    })
}

/// `operator.index(obj)` / `float(obj)` for a parameter of type `want` ("int" or "float") given
/// an object of another type: `convert` (`HPy_Index`/`HPy_Float`) runs only if `obj`'s type has
/// one of `dunders` and `obj` is no `str`/`bytes` (which `float()` would parse); its result must be
/// an instance of `kind`. Else `TypeError: expected int, got …`; an exception from the dunder
/// propagates.
fn coerced<'py>(
    obj: Borrowed<'_, 'py>,
    want: &str,
    dunders: &[&std::ffi::CStr],
    convert: impl FnOnce(*mut ffi::HPyContext, ffi::HPy) -> ffi::HPy,
    kind: fn(&ffi::HPyContext) -> ffi::HPy,
) -> PyResult<Handle<'py>> {
    if is_text(&obj) || !type_has(&obj, dunders) {
        return Err(wrong_type(&obj, want));
    }
    let ctx = obj.ctx();
    // SAFETY: `convert` returns an owned handle or NULL with an error set.
    let got = unsafe { Handle::from_raw(ctx, convert(ctx.as_ptr(), obj.raw()))? };
    // Every interpreter checks this already (TypeError); make sure before reading it.
    if !type_check(&got.borrow(), kind) {
        return Err(PyErr::type_error(format!(
            "{}.{} returned non-{want} (type {})",
            obj.type_name(),
            dunders[0].to_string_lossy(),
            got.type_name()
        )));
    }
    Ok(got)
}

/// The cold path of an integer parameter given something that is not an `int`: `operator.index(obj)`
/// as a new `int` handle (see [`coerced`]).
#[cold]
#[inline(never)]
fn index_of<'py>(obj: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    // SAFETY: `coerced` calls it with a live context and handle.
    let index = |c, o| unsafe { ffi::HPy_Index(c, o) };
    coerced(obj, "int", &[c"__index__"], index, |c| c.h_LongType)
}

/// The cold path of an `f64` parameter given neither a `float` nor an `int`: `float(obj)` for an
/// object whose type has `__float__` or `__index__` (see [`coerced`]). A `complex` is refused as
/// CPython 3.10+ does: 3.9's `complex.__float__` exists only to raise its own `TypeError`, which
/// would not name the argument.
#[cold]
#[inline(never)]
fn float_of(obj: Borrowed<'_, '_>) -> PyResult<f64> {
    let ctx = obj.ctx();
    let ty = obj.get_type();
    // SAFETY: a live type handle and a context constant.
    if unsafe { ffi::HPy_Is(ctx.as_ptr(), ty.raw(), ctx.constant(|c| c.h_ComplexType)) != 0 } {
        return Err(wrong_type(&obj, "float"));
    }
    // SAFETY: `coerced` calls it with a live context and handle.
    let float = |c, o| unsafe { ffi::HPy_Float(c, o) };
    let f = coerced(obj, "float", &[c"__float__", c"__index__"], float, |c| {
        c.h_FloatType
    })?;
    // SAFETY: `f` is a live float, which always converts.
    Ok(unsafe { ffi::HPyFloat_AsDouble(obj.ctx().as_ptr(), f.raw()) })
}

macro_rules! int_conversions {
    ($($t:ty => $fast:ident -> $fast_read:ty, $as_fn:ident -> $read:ty, $from_fn:ident as $via:ty);* $(;)?) => {$(
        impl<'a, 'py> FromPy<'a, 'py> for $t {
            /// The hot path inline: one HPy call that both checks and reads (`HPyLong_AsSsize_t`
            /// or `HPyLong_AsSize_t`, which take an `int` or a subclass only, never `__index__`
            /// or `__int__`, on every interpreter), for an `int` whose value is not -1 and fits.
            /// The rest (errors, -1, `__index__`) out of line.
            #[inline(always)]
            fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
                // SAFETY: live handle; anything but an int in range returns -1 with an error set.
                let v = unsafe { ffi::$fast(obj.ctx().as_ptr(), obj.raw()) };
                if v != (-1i64) as $fast_read {
                    #[allow(irrefutable_let_patterns)] // i64 from isize on 64-bit targets
                    if let Ok(v) = <$t>::try_from(v) {
                        return Ok(v);
                    }
                }
                int_slow::<$t, $read>(obj, (-1i64) as $read, ffi::$as_fn)
            }
        }

        impl<'py> IntoPy<'py> for $t {
            #[inline]
            fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
                // SAFETY: returns an owned int or NULL with MemoryError set.
                unsafe { Handle::from_raw(ctx, ffi::$from_fn(ctx.as_ptr(), self as $via)) }
            }

            #[inline(always)]
            fn _oxhpy_index(&self) -> Option<isize> {
                isize::try_from(*self).ok()
            }
        }
    )*};
}

/// Everything but the hot path of an integer parameter: a non-`int` (through `__index__`), -1
/// (or an error), a value that does not fit `T`. `read` is the HPy read of an `int` as `R`,
/// returning `err` (-1 cast to `R`) with an error set when the value does not fit `R`.
#[cold]
#[inline(never)]
fn int_slow<T: TryFrom<R>, R: PartialEq>(
    obj: Borrowed<'_, '_>,
    err: R,
    read: unsafe fn(*mut ffi::HPyContext, ffi::HPy) -> R,
) -> PyResult<T> {
    let ctx = obj.ctx();
    if ctx.err_occurred() {
        // SAFETY: valid context; the fast read's error, which the checks below make again (or
        // turn into a clearer one).
        unsafe { ffi::HPyErr_Clear(ctx.as_ptr()) };
    }
    let v = if type_check(&obj, |c| c.h_LongType) {
        // SAFETY: live context and int.
        unsafe { read(ctx.as_ptr(), obj.raw()) }
    } else {
        let int = index_of(obj)?;
        // SAFETY: live context and int.
        unsafe { read(ctx.as_ptr(), int.raw()) }
    };
    let v = checked_int(ctx, v, err, std::any::type_name::<T>())?;
    T::try_from(v).map_err(|_| {
        PyErr::new(
            Exc::OverflowError,
            format!("int out of range for {}", std::any::type_name::<T>()),
        )
    })
}

// i32 and u32 are read as 64 bits and narrowed here: PyPy 3.11's `HPyLong_AsInt32_t` and
// `HPyLong_AsUInt32_t` wrap around (2**31 -> -2**31, 2**32 -> 0) instead of raising OverflowError.
int_conversions!(
    i64 => HPyLong_AsSsize_t -> isize, HPyLong_AsInt64_t -> i64, HPyLong_FromInt64_t as i64;
    u64 => HPyLong_AsSize_t -> usize, HPyLong_AsUInt64_t -> u64, HPyLong_FromUInt64_t as u64;
    i32 => HPyLong_AsSsize_t -> isize, HPyLong_AsInt64_t -> i64, HPyLong_FromInt32_t as i32;
    u32 => HPyLong_AsSize_t -> usize, HPyLong_AsUInt64_t -> u64, HPyLong_FromUInt32_t as u32;
    usize => HPyLong_AsSize_t -> usize, HPyLong_AsSize_t -> usize, HPyLong_FromSize_t as usize;
    isize => HPyLong_AsSsize_t -> isize, HPyLong_AsSsize_t -> ffi::HPy_ssize_t, HPyLong_FromSsize_t as ffi::HPy_ssize_t;
);

impl<'a, 'py> FromPy<'a, 'py> for u8 {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let overflow = || PyErr::overflow_error("int out of range for u8");
        // Read as u32, but report an overflow (of u32 or of u8) as an overflow of u8.
        let v: u32 = obj.extract().map_err(|e| {
            if e.is(Exc::OverflowError) {
                overflow()
            } else {
                e
            }
        })?;
        u8::try_from(v).map_err(|_| overflow())
    }
}

impl<'py> FromPyItem<'py> for u8 {
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
        if type_check(&obj, |c| c.h_BytesType) {
            return Ok(<&[u8]>::from_py(obj)?.to_vec());
        }
        sequence_items(obj, "bytes")?
            .iter()
            .map(|h| h.extract::<u8>())
            .collect()
    }
}

impl<'py> IntoPy<'py> for u8 {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        (self as u32).into_py(ctx)
    }

    #[inline(always)]
    fn _oxhpy_index(&self) -> Option<isize> {
        Some(isize::from(*self))
    }

    /// `bytes`, as `&[u8]` converts (no copy for a `Vec<u8>`: collecting its own iterator
    /// gives the vector back).
    fn seq_into_py(items: impl Iterator<Item = Self>, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        items.collect::<Vec<u8>>().as_slice().into_py(ctx)
    }
}

impl<'a, 'py> FromPy<'a, 'py> for f64 {
    #[inline]
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        if !type_check(&obj, |c| c.h_FloatType) && !type_check(&obj, |c| c.h_LongType) {
            return float_of(obj);
        }
        let ctx = obj.ctx();
        // SAFETY: `obj` is a live float or int; -1.0 with an error set means the int did not fit.
        let v = unsafe { ffi::HPyFloat_AsDouble(ctx.as_ptr(), obj.raw()) };
        if v == -1.0 && ctx.err_occurred() {
            // SAFETY: valid context; replaced by a clearer error.
            unsafe { ffi::HPyErr_Clear(ctx.as_ptr()) };
            return Err(PyErr::overflow_error("int too large to convert to float"));
        }
        Ok(v)
    }
}

impl<'py> IntoPy<'py> for f64 {
    #[inline]
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        // SAFETY: returns an owned float or NULL with an error set.
        unsafe { Handle::from_raw(ctx, ffi::HPyFloat_FromDouble(ctx.as_ptr(), self)) }
    }
}

impl<'a, 'py> FromPy<'a, 'py> for bool {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let ctx = obj.ctx();
        if obj.is(&unsafe_borrow(ctx, ctx.constant(|c| c.h_True))) {
            Ok(true)
        } else if obj.is(&unsafe_borrow(ctx, ctx.constant(|c| c.h_False))) {
            Ok(false)
        } else {
            Err(wrong_type(&obj, "bool"))
        }
    }
}

impl<'py> IntoPy<'py> for bool {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(ctx.bool(self))
    }
}

/// Borrows a context constant (`h_None`, `h_True`, …): those live as long as the context.
fn unsafe_borrow<'py>(ctx: Ctx<'py>, h: ffi::HPy) -> Borrowed<'py, 'py> {
    // SAFETY: context constants are valid, non-NULL handles for the whole call.
    unsafe { Borrowed::from_raw(ctx, h) }
}

impl<'a, 'py> FromPy<'a, 'py> for &'a str {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let ctx = obj.ctx();
        // SAFETY: live handle.
        if unsafe { ffi::HPyUnicode_Check(ctx.as_ptr(), obj.raw()) } == 0 {
            return Err(wrong_type(&obj, "str"));
        }
        let mut n: ffi::HPy_ssize_t = 0;
        // SAFETY: `obj` is a str; the buffer stays valid while the handle is open ('a).
        let bytes = unsafe {
            let p = ffi::HPyUnicode_AsUTF8AndSize(ctx.as_ptr(), obj.raw(), &mut n);
            if p.is_null() {
                return Err(PyErr::raised());
            }
            std::slice::from_raw_parts(p as *const u8, n as usize)
        };
        // CPython raises UnicodeEncodeError for a str holding lone surrogates, but PyPy 3.11 hands
        // out its internal bytes (surrogates encoded as in WTF-8), which are not valid UTF-8: check.
        let s = std::str::from_utf8(bytes).map_err(|_| surrogates_not_allowed())?;
        if crate::context::Interpreter::get().graalpy && s.contains('\u{FFFD}') {
            graalpy_check_replacements(&obj, s)?;
        }
        Ok(s)
    }
}

/// The error of a `str` with lone surrogates read as UTF-8 (CPython's is UnicodeEncodeError).
#[cold]
fn surrogates_not_allowed() -> PyErr {
    PyErr::new(
        Exc::UnicodeError,
        "'utf-8' codec can't encode the str: surrogates not allowed",
    )
}

/// Portability fix for an interpreter bug (GraalPy 24.2.2, HPy 0.9.0): its
/// `HPyUnicode_AsUTF8AndSize` replaces each lone surrogate by U+FFFD instead of failing (`"\udc80"`
/// read as `"\u{FFFD}"`, silently). On GraalPy, each U+FFFD of the UTF-8 (`s`, one char per code
/// point of `obj`, surrogates included) is checked against the code point really there.
#[cold]
fn graalpy_check_replacements(obj: &Borrowed<'_, '_>, s: &str) -> PyResult<()> {
    let c = obj.ctx().as_ptr();
    for (i, ch) in s.chars().enumerate() {
        if ch == '\u{FFFD}' {
            // SAFETY: live str; `i` is a code point index below its length.
            let cp = unsafe { ffi::HPyUnicode_ReadChar(c, obj.raw(), i as ffi::HPy_ssize_t) };
            if cp != 0xFFFD {
                if obj.ctx().err_occurred() {
                    return Err(PyErr::raised());
                }
                return Err(surrogates_not_allowed());
            }
        }
    }
    Ok(())
}

impl<'a, 'py> FromPy<'a, 'py> for String {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        <&str>::from_py(obj).map(str::to_owned)
    }
}

impl<'py> IntoPy<'py> for &str {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        if self.is_ascii() {
            // The common case without a copy: ASCII with an explicit length (NUL bytes included).
            // SAFETY: `len` bytes of ASCII at `ptr`; returns an owned str or NULL with an error set.
            return unsafe {
                Handle::from_raw(
                    ctx,
                    ffi::HPyUnicode_DecodeASCII(
                        ctx.as_ptr(),
                        self.as_ptr().cast(),
                        self.len() as ffi::HPy_ssize_t,
                        c"strict".as_ptr(),
                    ),
                )
            };
        }
        // HPy 0.9 decodes UTF-8 of explicit length only from a `bytes` object. Measured (CPython
        // 3.11 and PyPy 3.11, universal mode): for a short text, a NUL-terminated copy on the stack
        // is fastest (no allocation; no NUL scan beyond `SHORT` bytes); from ~200 bytes on, the
        // `bytes` detour is as fast on CPython and faster on PyPy than a `CString` (allocation,
        // NUL scan, copy, then `strlen` again); `HPyUnicode_FromWideChar` is slower on both.
        const SHORT: usize = 256;
        if self.len() < SHORT && !self.as_bytes().contains(&0) {
            let mut buf = [0u8; SHORT];
            buf[..self.len()].copy_from_slice(self.as_bytes());
            // SAFETY: NUL-terminated UTF-8 (`buf` is zeroed past the text, which holds no NUL);
            // returns an owned str or NULL with an error set.
            return unsafe {
                Handle::from_raw(
                    ctx,
                    ffi::HPyUnicode_FromString(ctx.as_ptr(), buf.as_ptr().cast()),
                )
            };
        }
        // Long, or with NUL bytes: decode from bytes, which carry an explicit length.
        let b = self.as_bytes().into_py(ctx)?;
        // SAFETY: live bytes handle and static NUL-terminated codec names.
        unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPyUnicode_FromEncodedObject(
                    ctx.as_ptr(),
                    b.raw(),
                    c"utf-8".as_ptr(),
                    c"strict".as_ptr(),
                ),
            )
        }
    }
}

impl<'py> IntoPy<'py> for String {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        self.as_str().into_py(ctx)
    }
}

impl<'py> IntoPy<'py> for &String {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        self.as_str().into_py(ctx)
    }
}

impl<'a, 'py> FromPy<'a, 'py> for &'a [u8] {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let ctx = obj.ctx();
        // SAFETY: live handle.
        if unsafe { ffi::HPyBytes_Check(ctx.as_ptr(), obj.raw()) } == 0 {
            return Err(wrong_type(&obj, "bytes"));
        }
        // SAFETY: `obj` is bytes; its buffer is valid and immutable while the handle is open ('a).
        unsafe {
            let n = ffi::HPyBytes_Size(ctx.as_ptr(), obj.raw());
            let p = ffi::HPyBytes_AsString(ctx.as_ptr(), obj.raw());
            if p.is_null() || n < 0 {
                return Err(PyErr::raised());
            }
            Ok(std::slice::from_raw_parts(p as *const u8, n as usize))
        }
    }
}

impl<'py> IntoPy<'py> for &[u8] {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        // SAFETY: `self` is `len` readable bytes; the result is owned bytes or NULL with an error set.
        unsafe {
            Handle::from_raw(
                ctx,
                ffi::HPyBytes_FromStringAndSize(
                    ctx.as_ptr(),
                    self.as_ptr() as *const _,
                    self.len() as _,
                ),
            )
        }
    }
}

impl<'py> IntoPy<'py> for () {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(ctx.none())
    }
}

impl<'a, 'py, T: FromPy<'a, 'py>> FromPy<'a, 'py> for Option<T> {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        if obj.is_none() {
            Ok(None)
        } else {
            T::from_py(obj).map(Some)
        }
    }
}

impl<'py, T: IntoPy<'py>> IntoPy<'py> for Option<T> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        match self {
            Some(v) => v.into_py(ctx),
            None => Ok(ctx.none()),
        }
    }
}

impl<'a, 'py> FromPy<'a, 'py> for Borrowed<'a, 'py> {
    #[inline(always)]
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        Ok(obj)
    }
}

impl<'a, 'py> FromPy<'a, 'py> for Handle<'py> {
    #[inline(always)]
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        Ok(obj.dup())
    }
}

impl<'py> IntoPy<'py> for Handle<'py> {
    #[inline(always)]
    fn into_py(self, _ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(self)
    }

    #[inline(always)]
    fn _oxhpy_handle(&self) -> Option<&dyn AsHandle<'py>> {
        Some(self)
    }
}

impl<'py> IntoPy<'py> for &Handle<'py> {
    #[inline(always)]
    fn into_py(self, _ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(self.dup())
    }

    #[inline(always)]
    fn _oxhpy_handle(&self) -> Option<&dyn AsHandle<'py>> {
        Some(*self)
    }
}

impl<'py> IntoPy<'py> for Borrowed<'_, 'py> {
    #[inline(always)]
    fn into_py(self, _ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(self.dup())
    }

    #[inline(always)]
    fn _oxhpy_handle(&self) -> Option<&dyn AsHandle<'py>> {
        Some(self)
    }
}

/// The items of a list or tuple (not of a `str`/`bytes`, which are sequences too), as owned handles.
fn sequence_items<'py>(obj: Borrowed<'_, 'py>, what: &str) -> PyResult<Vec<Handle<'py>>> {
    let ctx = obj.ctx();
    // SAFETY: live handle.
    let list = unsafe { ffi::HPyList_Check(ctx.as_ptr(), obj.raw()) != 0 };
    // SAFETY: live handle.
    if !list && unsafe { ffi::HPyTuple_Check(ctx.as_ptr(), obj.raw()) } == 0 {
        return Err(wrong_type(&obj, what));
    }
    crate::types::PySeqIter::new(obj.dup(), list).collect()
}

impl<'a, 'py, T: FromPyItem<'py>> FromPy<'a, 'py> for Vec<T> {
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        T::vec_from_py(obj)
    }
}

impl<'py, T: FromPyItem<'py>> FromPyItem<'py> for Vec<T> {
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
        vec_from_sequence(obj)
    }
}

impl<'py, T: for<'b> FromPy<'b, 'py>> FromPyItem<'py> for Option<T> {
    fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
        vec_from_sequence(obj)
    }
}

impl<'py, T: IntoPy<'py>> IntoPy<'py> for Vec<T> {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        T::seq_into_py(self.into_iter(), ctx)
    }
}

// ---------------------------------------------------------------------------------------
// By reference: `&T` converts as `T` does, without giving up (or cloning) the value, for the
// values that are converted by copying them anyway. What a `#[oxhpy(get)]` member, a
// `#[derive(IntoPyRef)]` type and `(&self.items).into_py(ctx)` use.
// ---------------------------------------------------------------------------------------

macro_rules! ref_into_py {
    ($($t:ty),*) => {$(
        impl<'py> IntoPy<'py> for &$t {
            #[inline]
            fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
                (*self).into_py(ctx)
            }

            #[inline(always)]
            fn _oxhpy_index(&self) -> Option<isize> {
                (**self)._oxhpy_index()
            }

            fn seq_into_py(items: impl Iterator<Item = Self>, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
                <$t>::seq_into_py(items.copied(), ctx)
            }
        }
    )*};
}
ref_into_py!(
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    f32,
    f64,
    bool,
    ()
);

/// `&&str`, `&&T`: as `&T` (the items of a `&Vec<&str>`).
impl<'b, 'py, T: ?Sized> IntoPy<'py> for &&'b T
where
    &'b T: IntoPy<'py>,
{
    #[inline]
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        (*self).into_py(ctx)
    }
}

impl<'a, 'py, T> IntoPy<'py> for &'a Option<T>
where
    &'a T: IntoPy<'py>,
{
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        match self {
            Some(v) => v.into_py(ctx),
            None => Ok(ctx.none()),
        }
    }
}

/// A `list` (`bytes` for `&Vec<u8>`), as `Vec<T>` converts.
impl<'a, 'py, T> IntoPy<'py> for &'a Vec<T>
where
    &'a T: IntoPy<'py>,
{
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        <&'a T>::seq_into_py(self.iter(), ctx)
    }
}

macro_rules! tuple_conversions {
    ($n:expr; $($t:ident $i:tt),+) => {
        impl<'a, 'py, $($t: for<'b> FromPy<'b, 'py>),+> FromPy<'a, 'py> for ($($t,)+) {
            fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
                let ctx = obj.ctx();
                // SAFETY: live handle.
                if unsafe { ffi::HPyTuple_Check(ctx.as_ptr(), obj.raw()) } == 0 {
                    return Err(wrong_type(&obj, concat!("tuple of length ", $n)));
                }
                let len = obj.len()?;
                if len != $n {
                    return Err(PyErr::value_error(format!("expected tuple of length {}, got length {len}", $n)));
                }
                Ok(($(obj.get_item($i)?.extract::<$t>()?,)+))
            }
        }

        impl<'py, $($t: for<'b> FromPy<'b, 'py>),+> FromPyItem<'py> for ($($t,)+) {
            fn vec_from_py(obj: Borrowed<'_, 'py>) -> PyResult<Vec<Self>> {
                vec_from_sequence(obj)
            }
        }

        /// A `tuple`, as the tuple itself converts.
        impl<'a, 'py, $($t),+> IntoPy<'py> for &'a ($($t,)+)
        where
            $(&'a $t: IntoPy<'py>,)+
        {
            fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
                ($(&self.$i,)+).into_py(ctx)
            }
        }

        impl<'py, $($t: IntoPy<'py>),+> IntoPy<'py> for ($($t,)+) {
            fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
                let items = [$(self.$i.into_py(ctx)?),+];
                let mut raw = [$(items[$i].raw()),+];
                // SAFETY: `raw` holds live handles; HPyTuple_FromArray does not steal them.
                unsafe { Handle::from_raw(ctx, ffi::HPyTuple_FromArray(ctx.as_ptr(), raw.as_mut_ptr(), $n)) }
            }
        }
    };
}
tuple_conversions!(1; A 0);
tuple_conversions!(2; A 0, B 1);
tuple_conversions!(3; A 0, B 1, C 2);
tuple_conversions!(4; A 0, B 1, C 2, D 3);
tuple_conversions!(5; A 0, B 1, C 2, D 3, E 4);
tuple_conversions!(6; A 0, B 1, C 2, D 3, E 4, F 5);

// ---------------------------------------------------------------------------------------
// i8, i16, u16 (read through a wider type), i128, u128 (two 64-bit halves), f32
// ---------------------------------------------------------------------------------------

/// Reads `obj` as the wider `W`, then narrows it to `T`: an overflow of either is reported as an
/// overflow of `T` (`int out of range for i8`).
fn narrow<'py, T: TryFrom<W>, W: for<'b> FromPy<'b, 'py>>(obj: Borrowed<'_, 'py>) -> PyResult<T> {
    let overflow = || {
        PyErr::overflow_error(format!(
            "int out of range for {}",
            std::any::type_name::<T>()
        ))
    };
    let wide = W::from_py(obj).map_err(|e| {
        if e.is(Exc::OverflowError) {
            overflow()
        } else {
            e
        }
    })?;
    T::try_from(wide).map_err(|_| overflow())
}

macro_rules! narrow_int {
    ($($t:ty => $wide:ty),*) => {$(
        impl<'a, 'py> FromPy<'a, 'py> for $t {
            #[inline]
            fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
                narrow::<$t, $wide>(obj)
            }
        }

        impl<'py> IntoPy<'py> for $t {
            #[inline]
            fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
                <$wide>::from(self).into_py(ctx)
            }

            #[inline(always)]
            fn _oxhpy_index(&self) -> Option<isize> {
                isize::try_from(*self).ok()
            }
        }
    )*};
}
narrow_int!(i8 => i64, i16 => i64, u16 => u32);

/// The `int` that an integer parameter of a type wider than 64 bits reads: `obj` itself, or
/// `operator.index(obj)`; the error of a failed fast read is cleared first.
#[cold]
#[inline(never)]
fn int_of<'py>(obj: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
    let ctx = obj.ctx();
    if ctx.err_occurred() {
        // SAFETY: valid context; the fast read's error, which the checks below make again.
        unsafe { ffi::HPyErr_Clear(ctx.as_ptr()) };
    }
    if type_check(&obj, |c| c.h_LongType) {
        Ok(obj.dup())
    } else {
        index_of(obj)
    }
}

/// `int` as `(int >> 64, int & (2**64 - 1))`: the high half still an `int`, the low one read.
fn split_int<'py>(int: &Handle<'py>) -> PyResult<(Handle<'py>, u64)> {
    let ctx = int.ctx();
    // SAFETY: live context and int; the mask read never overflows (it wraps, two's complement).
    let lo = unsafe { ffi::HPyLong_AsUInt64_tMask(ctx.as_ptr(), int.raw()) };
    if lo == u64::MAX && ctx.err_occurred() {
        return Err(PyErr::raised());
    }
    Ok((int.rshift(64)?, lo))
}

impl<'a, 'py> FromPy<'a, 'py> for i128 {
    /// An `int` that fits 64 bits in one HPy call; a wider one in two halves (`>> 64` and the
    /// low 64 bits), exact on every interpreter.
    #[inline]
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let ctx = obj.ctx();
        // SAFETY: live handle; anything but an int in range returns -1 with an error set (an
        // `int` or a subclass only: `HPyLong_AsInt64_t` would call `__index__`, here and again).
        let v = unsafe { ffi::HPyLong_AsSsize_t(ctx.as_ptr(), obj.raw()) };
        if v != -1 {
            return Ok(v as i128);
        }
        let int = int_of(obj)?;
        let (hi, lo) = split_int(&int)?;
        // SAFETY: live context and int; -1 with an error set when it does not fit.
        let hi = unsafe { ffi::HPyLong_AsInt64_t(ctx.as_ptr(), hi.raw()) };
        let hi = checked_int(ctx, hi, -1, "i128")?;
        Ok((i128::from(hi) << 64) | i128::from(lo))
    }
}

impl<'a, 'py> FromPy<'a, 'py> for u128 {
    /// As `i128`: one HPy call for an `int` that fits 64 bits, else two halves.
    #[inline]
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let ctx = obj.ctx();
        // SAFETY: live handle; anything but an int in range returns -1 with an error set (an
        // `int` or a subclass only, as for `i128`).
        let v = unsafe { ffi::HPyLong_AsSize_t(ctx.as_ptr(), obj.raw()) };
        if v != usize::MAX {
            return Ok(v as u128);
        }
        let int = int_of(obj)?;
        let (hi, lo) = split_int(&int)?;
        // SAFETY: live context and int; 2**64-1 with an error set when it does not fit (or is
        // negative).
        let hi = unsafe { ffi::HPyLong_AsUInt64_t(ctx.as_ptr(), hi.raw()) };
        let hi = checked_int(ctx, hi, u64::MAX, "u128")?;
        Ok((u128::from(hi) << 64) | u128::from(lo))
    }
}

impl<'py> IntoPy<'py> for i128 {
    /// One HPy call when it fits 64 bits, else `(high << 64) | low`.
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        if let Ok(v) = i64::try_from(self) {
            return v.into_py(ctx);
        }
        let hi = ((self >> 64) as i64).into_py(ctx)?;
        hi.lshift(64)?.bitor(self as u64)
    }

    #[inline(always)]
    fn _oxhpy_index(&self) -> Option<isize> {
        isize::try_from(*self).ok()
    }
}

impl<'py> IntoPy<'py> for u128 {
    /// One HPy call when it fits 64 bits, else `(high << 64) | low`.
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        if let Ok(v) = u64::try_from(self) {
            return v.into_py(ctx);
        }
        let hi = ((self >> 64) as u64).into_py(ctx)?;
        hi.lshift(64)?.bitor(self as u64)
    }

    #[inline(always)]
    fn _oxhpy_index(&self) -> Option<isize> {
        isize::try_from(*self).ok()
    }
}

impl<'a, 'py> FromPy<'a, 'py> for f32 {
    /// As `f64`, then rounded to the nearest `f32`: `OverflowError` when a finite value rounds to
    /// infinity (as `struct.pack("<f", 1e300)`); infinities and NaN pass.
    #[inline]
    fn from_py(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        let v = f64::from_py(obj)?;
        let f = v as f32;
        if f.is_infinite() && v.is_finite() {
            return Err(PyErr::overflow_error("float out of range for f32"));
        }
        Ok(f)
    }
}

impl<'py> IntoPy<'py> for f32 {
    #[inline]
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        f64::from(self).into_py(ctx)
    }
}

from_py_item!(i8, i16, u16, i128, u128, f32);
