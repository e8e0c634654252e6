//! `tests/test_errors.py`: panics, custom and built-in exceptions, propagation of exceptions
//! raised by Python code.
use crate::context::REMEMBERED;
use oxhpy::buffer::Release;
use oxhpy::prelude::*;

/// `oxhpy_testext.MyError`, created by `exec`.
#[oxhpy::global]
pub(crate) static MY_ERROR: Global;
/// `oxhpy_testext.MyValueError` (derives from `ValueError`), created by `exec`.
#[oxhpy::global]
pub(crate) static MY_VALUE_ERROR: Global;
/// Never stored: raising it shows what happens to a custom exception that was not created.
#[oxhpy::global]
pub(crate) static NEVER_SET: Global;

// ---------------------------------------------------------------------------------------
// Errors and panics
// ---------------------------------------------------------------------------------------

/// Panics with `msg` (a `String` payload).
#[oxhpy::function]
pub fn panic_now(msg: &str) {
    panic!("{msg}")
}

/// Panics with a `&'static str` payload.
#[oxhpy::function]
pub fn panic_static() {
    panic!("static panic message")
}

/// Panics with a payload that is not a string (`panic_any(42)`).
#[oxhpy::function]
pub fn panic_non_string() {
    std::panic::panic_any(42i32)
}

/// Panics with a payload whose `Drop` panics in turn.
#[oxhpy::function]
pub fn panic_payload_drop_panics() {
    std::panic::panic_any(crate::DropPanics)
}

/// Panics while an exception (ImportError) is already set in the interpreter.
#[oxhpy::function]
pub fn panic_with_error_set(ctx: Ctx<'_>) {
    let failed = ctx.import("oxhpy_testext_no_such_module");
    assert!(failed.is_err() && ctx.err_occurred());
    panic!("panic after an ImportError")
}

/// `Err(PyErr::custom(&MY_ERROR, msg))`.
#[oxhpy::function]
pub fn raise_my_error(msg: String) -> PyResult<()> {
    Err(PyErr::custom(&MY_ERROR, msg))
}

/// `Err(PyErr::custom(&MY_VALUE_ERROR, msg))`.
#[oxhpy::function]
pub fn raise_my_value_error(msg: String) -> PyResult<()> {
    Err(PyErr::custom(&MY_VALUE_ERROR, msg))
}

/// A custom exception whose global was never stored.
#[oxhpy::function]
pub fn raise_never_set(msg: String) -> PyResult<()> {
    Err(PyErr::custom(&NEVER_SET, msg))
}

/// `Err(PyErr::custom(&REMEMBERED, msg))`: whatever `remember` stored, exception class or not.
#[oxhpy::function]
pub fn raise_remembered(msg: String) -> PyResult<()> {
    Err(PyErr::custom(&REMEMBERED, msg))
}

/// Calls `f()` and drops the error it raises (if any), then returns 42: the exception must
/// not stay set (which CPython reports as "returned a result with an exception set").
#[oxhpy::function]
pub fn ignore_raised(f: Borrowed<'_, '_>) -> i64 {
    let _ignored = f.call(());
    42
}

/// Reads `obj`'s bytes and, with the view still alive, calls `f()`; `f`'s exception must come
/// through unchanged (releasing the view must not run Python with it pending).
#[oxhpy::function]
pub fn read_then_call(obj: Borrowed<'_, '_>, f: Borrowed<'_, '_>) -> PyResult<u64> {
    let view = oxhpy::buffer::ReadView::<u8>::new(obj)?;
    let sum = view.run(Release::NEVER, |s| s.iter().map(|&b| b as u64).sum::<u64>())?;
    f.call(())?;
    Ok(sum)
}

/// Raises the built-in exception named `kind` (any `oxhpy::Exc`) with `msg`.
#[oxhpy::function]
pub fn raise_builtin(kind: &str, msg: String) -> PyResult<()> {
    match crate::exc_by_name(kind) {
        Some(e) => Err(PyErr::new(e, msg)),
        None => Err(PyErr::value_error(format!(
            "unknown exception kind {kind:?}"
        ))),
    }
}

/// The names `raise_builtin` accepts.
#[oxhpy::function]
pub fn builtin_exception_names() -> Vec<&'static str> {
    crate::EXCEPTIONS.iter().map(|(n, _)| *n).collect()
}

/// `Err(PyErr::raised())` with no exception set: must become a SystemError.
#[oxhpy::function]
pub fn raised_without_exception() -> PyResult<()> {
    Err(PyErr::raised())
}

/// The Rust-side API of `PyErr`: `is`, `message`, `with_context`, `Display`, `Debug`.
#[oxhpy::function]
pub fn err_api() -> (Vec<bool>, Vec<Option<String>>, Vec<String>) {
    let e = PyErr::new(Exc::KeyError, "k");
    let t = PyErr::type_error("t");
    let v = PyErr::value_error("v");
    let o = PyErr::overflow_error("o");
    let r = PyErr::raised();
    let c = PyErr::custom(&MY_ERROR, "c");
    let is = vec![
        e.is(Exc::KeyError),
        e.is(Exc::LookupError),
        t.is(Exc::TypeError),
        v.is(Exc::ValueError),
        o.is(Exc::OverflowError),
        r.is(Exc::SystemError),
        c.is(Exc::Exception),
    ];
    let messages = vec![
        e.message().map(str::to_owned),
        r.message().map(str::to_owned),
        c.message().map(str::to_owned),
    ];
    let ctx_e = PyErr::value_error("bad").with_context("argument 'z': ");
    let ctx_r = PyErr::raised().with_context("ignored: ");
    let texts = vec![
        ctx_e.message().unwrap_or_default().to_owned(),
        format!("{:?}", ctx_r.message()),
        format!("{e}"),
        format!("{r:?}"),
        format!("{c}"),
        std::error::Error::source(&e).is_none().to_string(),
    ];
    (is, messages, texts)
}

/// A panic payload whose `Drop` panics with a [`crate::DropPanics`], whose `Drop` panics again.
struct DropPanicsTwice;

impl Drop for DropPanicsTwice {
    fn drop(&mut self) {
        std::panic::panic_any(crate::DropPanics);
    }
}

/// DropBomb(): dropping it panics with a [`crate::DropPanics`] (whose `Drop` panics in turn):
/// `tp_destroy` must survive both, with no context to report them to.
#[oxhpy::class]
pub struct DropBomb {}

impl Drop for DropBomb {
    fn drop(&mut self) {
        std::panic::panic_any(crate::DropPanics);
    }
}

#[oxhpy::methods]
impl DropBomb {
    #[new]
    fn new() -> Self {
        DropBomb {}
    }
}

/// Panics with a [`DropPanicsTwice`]: must raise PanicException, not abort.
#[oxhpy::function]
pub fn panic_payload_drop_panics_twice() {
    std::panic::panic_any(DropPanicsTwice);
}

/// Whether `e` matches the exception type named `name`: a built-in one, or one of the module's
/// custom types `MyError`, `MyValueError`, `NeverSet` (a `Global` never set).
fn exc_matches(ctx: Ctx<'_>, e: &PyErr, name: &str) -> PyResult<bool> {
    Ok(match name {
        "MyError" => e.matches(ctx, &MY_ERROR),
        "MyValueError" => e.matches(ctx, &MY_VALUE_ERROR),
        "NeverSet" => e.matches(ctx, &NEVER_SET),
        _ => match crate::exc_by_name(name) {
            Some(exc) => e.matches(ctx, exc),
            None => return Err(PyErr::value_error(format!("unknown exception {name:?}"))),
        },
    })
}

/// Calls `f()` and says, for the exception it raised, whether it matches each of `names` (as
/// `except name:` would); the exception is then cleared (`PyErr::clear`).
#[oxhpy::function]
pub fn raised_matches(
    ctx: Ctx<'_>,
    f: Borrowed<'_, '_>,
    names: Vec<String>,
) -> PyResult<Vec<bool>> {
    let err = match f.call(()) {
        Ok(_) => return Err(PyErr::value_error("f() did not raise")),
        Err(e) => e,
    };
    let found: PyResult<Vec<bool>> = names.iter().map(|n| exc_matches(ctx, &err, n)).collect();
    err.clear(ctx);
    found
}

/// A new error of type `kind` (a built-in, `MyError`, `MyValueError` or `NeverSet`, which raises as
/// `SystemError`): whether it matches each of `names`.
#[oxhpy::function]
pub fn new_matches(ctx: Ctx<'_>, kind: &str, names: Vec<String>) -> PyResult<Vec<bool>> {
    let err = match kind {
        "MyError" => PyErr::custom(&MY_ERROR, "m"),
        "MyValueError" => PyErr::custom(&MY_VALUE_ERROR, "m"),
        "NeverSet" => PyErr::custom(&NEVER_SET, "m"),
        _ => match crate::exc_by_name(kind) {
            Some(exc) => PyErr::new(exc, "m"),
            None => return Err(PyErr::value_error(format!("unknown exception {kind:?}"))),
        },
    };
    names.iter().map(|n| exc_matches(ctx, &err, n)).collect()
}

/// `getattr(obj, name, default)` (only an `AttributeError` gives `default`), then `repr(obj)`: a
/// Python call right after the cleared exception.
#[oxhpy::function]
pub fn getattr_or<'py>(
    ctx: Ctx<'py>,
    obj: Borrowed<'_, 'py>,
    name: &str,
    default: Handle<'py>,
) -> PyResult<(Handle<'py>, String)> {
    let value = match obj.getattr(name) {
        Err(e) if e.matches(ctx, Exc::AttributeError) => {
            e.clear(ctx);
            default
        }
        other => other?,
    };
    Ok((value, obj.repr()?))
}
