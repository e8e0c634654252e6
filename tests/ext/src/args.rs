//! `tests/test_args.py`: `signature = (...)`: positional-only and keyword-only parameters,
//! `*args` and `**kwargs`, and the errors of bad calls, against `def`s with the same signature.
//! Every function returns its arguments, so that a call's result compares with the `def`'s.
use oxhpy::prelude::*;

// ---------------------------------------------------------------------------------------
// Functions
// ---------------------------------------------------------------------------------------

/// `(a, b, /, c)`
#[oxhpy::function(signature = (a, b, /, c))]
pub fn sig_posonly(a: i64, b: i64, c: i64) -> (i64, i64, i64) {
    (a, b, c)
}

/// `(a, b=2, /, c=3)`: defaults in the signature.
#[oxhpy::function(signature = (a, b = 2, /, c = 3))]
pub fn sig_posonly_defaults(a: i64, b: i64, c: i64) -> (i64, i64, i64) {
    (a, b, c)
}

/// `(a, *, b, c=3)`: a required and an optional keyword-only parameter.
#[oxhpy::function(signature = (a, *, b, c = 3))]
pub fn sig_kwonly(a: i64, b: i64, c: i64) -> (i64, i64, i64) {
    (a, b, c)
}

/// `(*, a, b, c)`: keyword-only parameters alone.
#[oxhpy::function(signature = (*, a, b, c))]
pub fn sig_kwonly_all(a: i64, b: i64, c: i64) -> (i64, i64, i64) {
    (a, b, c)
}

/// `(a, b, /, c, *, d=1)`: every kind of named parameter; `d`'s default as an attribute.
#[oxhpy::function(signature = (a, b, /, c, *, d))]
pub fn sig_mixed(a: i64, b: i64, c: i64, #[oxhpy(default = 1)] d: i64) -> (i64, i64, i64, i64) {
    (a, b, c, d)
}

/// `(a, b=None, /, c=None, *, d=None)`: `Option` parameters default to `None` in every kind.
#[oxhpy::function(signature = (a, b, /, c, *, d))]
pub fn sig_options(
    a: i64,
    b: Option<i64>,
    c: Option<i64>,
    d: Option<i64>,
) -> (i64, Option<i64>, Option<i64>, Option<i64>) {
    (a, b, c, d)
}

/// `(a, b, c=None)`: an `Option` before a required parameter is required (it accepts `None`); a
/// trailing one defaults to `None`.
#[oxhpy::function]
pub fn sig_option_required(
    a: Option<i64>,
    b: i64,
    c: Option<i64>,
) -> (Option<i64>, i64, Option<i64>) {
    (a, b, c)
}

/// `(a, *args)`: the extra positional arguments as a tuple (an empty one when there are none).
#[oxhpy::function(signature = (a, *args))]
pub fn sig_varargs<'py>(a: i64, args: Handle<'py>) -> (i64, Handle<'py>) {
    (a, args)
}

/// `(a, *args, b, c=3)`: keyword-only parameters after `*args`.
#[oxhpy::function(signature = (a, *args, b, c = 3))]
pub fn sig_varargs_kwonly<'py>(
    a: i64,
    args: Handle<'py>,
    b: i64,
    c: i64,
) -> (i64, Handle<'py>, i64, i64) {
    (a, args, b, c)
}

/// `(a, **kwargs)`: the extra keyword arguments as a dict (an empty one when there are none).
#[oxhpy::function(signature = (a, **kwargs))]
pub fn sig_varkw<'py>(a: i64, kwargs: Handle<'py>) -> (i64, Handle<'py>) {
    (a, kwargs)
}

/// `(a, /, **kwargs)`: a positional-only name given by keyword goes into `kwargs`.
#[oxhpy::function(signature = (a, /, **kwargs))]
pub fn sig_posonly_varkw<'py>(a: i64, kwargs: Handle<'py>) -> (i64, Handle<'py>) {
    (a, kwargs)
}

/// `(*args, **kwargs)` as `Option`s: `None` when there are no extra arguments of that kind.
#[oxhpy::function(signature = (*args, **kwargs))]
pub fn sig_var_options<'py>(
    args: Option<Handle<'py>>,
    kwargs: Option<Handle<'py>>,
) -> (Option<Handle<'py>>, Option<Handle<'py>>) {
    (args, kwargs)
}

/// `(a, /, b=2, *args, c, d=4, **kwargs)`: everything at once, with the context.
#[oxhpy::function(signature = (a, /, b = 2, *args, c, d = 4, **kwargs))]
pub fn sig_everything<'py>(
    ctx: Ctx<'py>,
    a: i64,
    b: i64,
    args: Handle<'py>,
    c: i64,
    d: i64,
    kwargs: Handle<'py>,
) -> PyResult<Handle<'py>> {
    (a, b, args, c, d, kwargs).into_py(ctx)
}

/// `(*args)` converted to a `Vec<i64>`: a non-int is a `TypeError` naming `args`.
#[oxhpy::function(signature = (*args))]
pub fn sig_varargs_sum(args: Vec<i64>) -> i64 {
    args.iter().sum()
}

/// `(*args)` borrowed as any object: one allocation (the tuple), returned as is.
#[oxhpy::function(signature = (*args))]
pub fn sig_varargs_borrowed<'a, 'py>(args: Borrowed<'a, 'py>) -> Borrowed<'a, 'py> {
    args
}

/// Parameters named as the generated code's locals: `slots`, `args`, `nargs`, `kwnames`.
#[oxhpy::function(signature = (slots, nargs = 0, *args, kwnames = 0, **kwargs))]
pub fn sig_shadowing<'py>(
    slots: i64,
    nargs: i64,
    args: Handle<'py>,
    kwnames: i64,
    kwargs: Handle<'py>,
) -> (i64, i64, Handle<'py>, i64, Handle<'py>) {
    (slots, nargs, args, kwnames, kwargs)
}

/// Raw identifiers: `(in, /, *, type)`.
#[oxhpy::function(signature = (r#in, /, *, r#type))]
pub fn sig_raw(r#in: i64, r#type: i64) -> (i64, i64) {
    (r#in, r#type)
}

/// Without a signature, every parameter is positional or keyword: the errors are a `def`'s too.
#[oxhpy::function]
pub fn sig_plain(
    a: i64,
    b: i64,
    #[oxhpy(default = 3)] c: i64,
    d: Option<i64>,
) -> (i64, i64, i64, Option<i64>) {
    (a, b, c, d)
}

/// `sig = "varargs"`: positional-only, errors as a `def f(a, b, c=3, /)`'s.
#[oxhpy::function(sig = "varargs")]
pub fn sig_c_varargs(a: i64, b: i64, #[oxhpy(default = 3)] c: i64) -> (i64, i64, i64) {
    (a, b, c)
}

/// Defaults in the signature: expressions, and literals as Python spells them.
#[oxhpy::function(signature = (a = i64::MAX, *, b = "x".repeat(3), flag = true, neg = -1, x = 2.5f64, n = None))]
pub fn sig_expr_defaults(
    a: i64,
    b: String,
    flag: bool,
    neg: i64,
    x: f64,
    n: Option<i64>,
) -> (i64, String, bool, i64, f64, Option<i64>) {
    (a, b, flag, neg, x, n)
}

// ---------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------

/// Sig(a, /, *args, scale=1): a class whose constructor and methods use signatures.
#[oxhpy::class]
pub struct Sig {
    base: i64,
    rest: Vec<i64>,
    scale: i64,
}

#[oxhpy::methods]
impl Sig {
    #[new]
    #[oxhpy(signature = (a, /, *rest, scale = 1))]
    fn new(a: i64, rest: Vec<i64>, scale: i64) -> Self {
        Sig {
            base: a,
            rest,
            scale,
        }
    }

    /// `(self, a, b, /, c, *, d=1)`
    #[oxhpy(signature = (a, b, /, c, *, d = 1))]
    fn mixed(&self, a: i64, b: i64, c: i64, d: i64) -> (i64, i64, i64, i64) {
        (a, b, c, d)
    }

    /// `(self, a, *args, **kwargs)`, with the context.
    #[oxhpy(signature = (a, *args, **kwargs))]
    fn var<'py>(
        &self,
        ctx: Ctx<'py>,
        a: i64,
        args: Handle<'py>,
        kwargs: Handle<'py>,
    ) -> PyResult<Handle<'py>> {
        (a, args, kwargs).into_py(ctx)
    }

    /// `(self, a, b=2)` without a signature.
    fn plain(&self, a: i64, #[oxhpy(default = 2)] b: i64) -> (i64, i64) {
        (a, b)
    }

    /// The constructor's arguments: `(a, rest, scale)`.
    #[getter]
    fn state(&self) -> (i64, Vec<i64>, i64) {
        (self.base, self.rest.clone(), self.scale)
    }

    /// `self(*args, **kwargs)`: both `None` when not given.
    #[oxhpy(signature = (*args, **kwargs))]
    fn __call__<'py>(
        &self,
        args: Option<Handle<'py>>,
        kwargs: Option<Handle<'py>>,
    ) -> (Option<Handle<'py>>, Option<Handle<'py>>) {
        (args, kwargs)
    }
}

// ---------------------------------------------------------------------------------------
// The README's examples
// ---------------------------------------------------------------------------------------

/// As `def clamp(x, lo=0, /, hi=100, *, strict=False)`.
#[oxhpy::function(signature = (x, lo = 0, /, hi = 100, *, strict = false))]
pub fn clamp(x: i64, lo: i64, hi: i64, strict: bool) -> PyResult<i64> {
    if lo > hi || (strict && !(lo..=hi).contains(&x)) {
        return Err(PyErr::value_error("x is out of range"));
    }
    Ok(x.clamp(lo, hi))
}

/// As `def join(*parts, sep=" ", **extra)`: the extra arguments as a tuple and a dict.
#[oxhpy::function(signature = (*parts, sep = " ", **extra))]
pub fn join<'py>(parts: Vec<String>, sep: &str, extra: Option<Handle<'py>>) -> PyResult<String> {
    let mut out = parts.join(sep);
    if let Some(extra) = extra {
        out = format!("{out}{sep}{}", extra.repr()?);
    }
    Ok(out)
}
