//! `tests/test_exceptions.py`: exception types declared with `#[oxhpy::exception]`, with built-in
//! and custom bases, raised and matched from Rust, raised and caught from Python.
use oxhpy::prelude::*;

/// A parse error at the end of the input (declared before its base: the module creates the base
/// first all the same).
#[oxhpy::exception(base = PARSE_ERROR, name = "EndOfInput")]
pub static END_OF_INPUT: CustomException;

/// Malformed input.
#[oxhpy::exception(base = ValueError)]
pub static PARSE_ERROR: CustomException;

// The default base, `Exception`, and a `doc` option.
#[oxhpy::exception(doc = "The base of the application's errors.")]
pub static APP_ERROR: CustomException;

/// A base named by a path to another module's exception.
#[oxhpy::exception(base = crate::exceptions::nested::STORAGE_ERROR)]
#[allow(non_upper_case_globals)]
pub static DiskFull: CustomException;

/// `Exc::BaseException`, spelt with its enum: not an `Exception`.
#[oxhpy::exception(base = Exc::BaseException)]
pub static FATAL_STOP: CustomException;

// No docstring at all.
#[oxhpy::exception(base = KeyError, name = "Undocumented")]
pub static UNDOCUMENTED: CustomException;

pub mod nested {
    use oxhpy::CustomException;

    /// Storage failed (derives from `app.AppError`, declared in the parent module).
    #[oxhpy::exception(base = super::APP_ERROR)]
    pub static STORAGE_ERROR: CustomException;
}

/// The declared exception named `name` (its Python name).
fn by_name(name: &str) -> Option<&'static CustomException> {
    [
        &END_OF_INPUT,
        &PARSE_ERROR,
        &APP_ERROR,
        &DiskFull,
        &FATAL_STOP,
        &UNDOCUMENTED,
        &nested::STORAGE_ERROR,
    ]
    .into_iter()
    .find(|e| e.name() == name)
}

/// `(name, doc)` of every declared exception, from the Rust side.
#[oxhpy::function]
pub fn declared_exceptions() -> Vec<(&'static str, Option<&'static str>)> {
    [
        &END_OF_INPUT,
        &PARSE_ERROR,
        &APP_ERROR,
        &DiskFull,
        &FATAL_STOP,
        &UNDOCUMENTED,
        &nested::STORAGE_ERROR,
    ]
    .into_iter()
    .map(|e| (e.name(), e.doc()))
    .collect()
}

/// Raises the declared exception `name` with `msg`: through `new_err`, or `PyErr::custom` when
/// `custom` is true.
#[oxhpy::function]
pub fn raise_declared(
    name: &str,
    msg: String,
    #[oxhpy(default = false)] custom: bool,
) -> PyResult<()> {
    let e =
        by_name(name).ok_or_else(|| PyErr::value_error(format!("unknown exception {name:?}")))?;
    Err(if custom {
        PyErr::custom(e, msg)
    } else {
        e.new_err(msg)
    })
}

/// Parses an int: `EndOfInput` for an empty string, `ParseError` for anything else not an int.
#[oxhpy::function]
pub fn parse_int(s: &str) -> PyResult<i64> {
    if s.trim().is_empty() {
        return Err(END_OF_INPUT.new_err("empty input"));
    }
    s.trim()
        .parse()
        .map_err(|_| PARSE_ERROR.new_err(format!("not an int: {s:?}")))
}

/// Whether an error matches each of `names` (declared exceptions or built-ins), as `except`
/// would decide.
fn matches_names(ctx: Ctx<'_>, e: &PyErr, names: &[String]) -> PyResult<Vec<bool>> {
    names
        .iter()
        .map(|n| match (by_name(n), crate::exc_by_name(n)) {
            (Some(x), _) => Ok(e.matches(ctx, x)),
            (None, Some(exc)) => Ok(e.matches(ctx, exc)),
            (None, None) => Err(PyErr::value_error(format!("unknown exception {n:?}"))),
        })
        .collect()
}

/// Calls `f()`; for the exception it raised, whether it matches each of `names` (then clears it).
#[oxhpy::function]
pub fn declared_raised_matches(
    ctx: Ctx<'_>,
    f: Borrowed<'_, '_>,
    names: Vec<String>,
) -> PyResult<Vec<bool>> {
    let err = match f.call(()) {
        Ok(_) => return Err(PyErr::value_error("f() did not raise")),
        Err(e) => e,
    };
    let found = matches_names(ctx, &err, &names);
    err.clear(ctx);
    found
}

/// A new error of the declared exception `kind`: whether it matches each of `names`.
#[oxhpy::function]
pub fn declared_new_matches(ctx: Ctx<'_>, kind: &str, names: Vec<String>) -> PyResult<Vec<bool>> {
    let e =
        by_name(kind).ok_or_else(|| PyErr::value_error(format!("unknown exception {kind:?}")))?;
    matches_names(ctx, &e.new_err("m"), &names)
}

/// The type object of the declared exception `name`, loaded from its global.
#[oxhpy::function]
pub fn declared_type<'py>(ctx: Ctx<'py>, name: &str) -> PyResult<Option<Handle<'py>>> {
    let e =
        by_name(name).ok_or_else(|| PyErr::value_error(format!("unknown exception {name:?}")))?;
    Ok(e.load(ctx))
}
