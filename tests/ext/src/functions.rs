//! `tests/test_functions.py`: the four calling conventions, defaults, `Option` and `Ctx`
//! parameters, renaming.
use oxhpy::prelude::*;

// ---------------------------------------------------------------------------------------
// Calling conventions
// ---------------------------------------------------------------------------------------

/// No parameters (HPyFunc_NOARGS).
#[oxhpy::function(sig = "noargs")]
pub fn noargs() -> &'static str {
    "noargs"
}

/// One positional parameter (HPyFunc_O).
#[oxhpy::function(sig = "o")]
pub fn one(x: i64) -> i64 {
    x
}

/// Positional-only parameters with a default (HPyFunc_VARARGS).
#[oxhpy::function(sig = "varargs")]
pub fn positional(a: i64, #[oxhpy(default = 10)] b: i64) -> (i64, i64) {
    (a, b)
}

/// Positional-only, with an `Option` parameter (HPyFunc_VARARGS).
#[oxhpy::function(sig = "varargs")]
pub fn positional_opt(a: i64, b: Option<i64>) -> (i64, Option<i64>) {
    (a, b)
}

/// Positional or keyword parameters, a default and an `Option` (HPyFunc_KEYWORDS).
#[oxhpy::function]
pub fn keywords(
    a: i64,
    #[oxhpy(default = 2)] b: i64,
    c: Option<String>,
) -> (i64, i64, Option<String>) {
    (a, b, c)
}

/// Explicit `sig = "keywords"`, no parameters at all.
#[oxhpy::function(sig = "keywords")]
pub fn keywords_none() -> i64 {
    7
}

/// own_signature(a, b=9223372036854775807)
/// --
///
/// A docstring with its own signature header: oxhpy writes none.
#[oxhpy::function]
pub fn own_signature(a: i64, #[oxhpy(default = i64::MAX)] b: i64) -> i64 {
    a.min(b)
}

/// own_header_only(x)
/// --
#[oxhpy::function]
pub fn own_header_only(x: i64) -> i64 {
    x
}

/// Six parameters; the last three have non-literal defaults.
#[oxhpy::function]
pub fn many(
    a: i64,
    b: &str,
    c: f64,
    #[oxhpy(default = i64::MAX)] d: i64,
    #[oxhpy(default = "dflt")] e: &str,
    f: Option<bool>,
) -> (i64, String, f64, i64, String, Option<bool>) {
    (a, b.to_owned(), c, d, e.to_owned(), f)
}

/// A function receiving the context: `list(range(n))`.
#[oxhpy::function]
pub fn with_ctx<'py>(ctx: Ctx<'py>, n: i64) -> PyResult<Handle<'py>> {
    if n < 0 {
        return Err(PyErr::value_error("n must be >= 0"));
    }
    (0..n).collect::<Vec<i64>>().into_py(ctx)
}

/// Exposed to Python as `renamed`.
#[oxhpy::function(name = "renamed")]
pub fn original_name() -> &'static str {
    "renamed"
}

/// Raw identifiers: Python sees `type(in)` (callable as `type(1)` or `type(**{"in": 1})`).
#[oxhpy::function]
pub fn r#type(r#in: i64) -> i64 {
    r#in
}

/// Returns nothing: Python sees `None`.
#[oxhpy::function]
pub fn unit() {}

/// A `Result<T, PyErr>` (not `PyResult`) return type.
#[oxhpy::function]
pub fn checked_div(a: i64, b: i64) -> Result<i64, PyErr> {
    a.checked_div(b)
        .ok_or_else(|| PyErr::new(Exc::ZeroDivisionError, "checked_div by zero"))
}
