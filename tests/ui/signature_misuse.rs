// `signature = (...)` that Python would refuse in a `def`, or that does not match the function.

// Two `*args`.
#[oxhpy::function(signature = (*a, *b))]
fn two_varargs(a: Handle<'_>, b: Handle<'_>) {}

// A bare `*` and `*args`.
#[oxhpy::function(signature = (a, *, *args))]
fn star_and_varargs(a: i64, args: Handle<'_>) {}

// A parameter after `**kwargs`.
#[oxhpy::function(signature = (**kwargs, a))]
fn after_kwargs(kwargs: Handle<'_>, a: i64) {}

// Two `**kwargs`.
#[oxhpy::function(signature = (**k, **kw))]
fn two_kwargs(k: Handle<'_>, kw: Handle<'_>) {}

// A positional parameter without a default after one with a default.
#[oxhpy::function(signature = (a = 1, b))]
fn default_first(a: i64, b: i64) {}

// The same, the default given as an attribute.
#[oxhpy::function]
fn default_attr_first(#[oxhpy(default = 1)] a: i64, b: i64) {}

// The same, an `Option` (which defaults to None only when no required parameter follows) between.
#[oxhpy::function]
fn option_between(#[oxhpy(default = 1)] a: i64, o: Option<i64>, b: i64) {}

// The same across `/`.
#[oxhpy::function(signature = (a = 1, /, b))]
fn default_across_slash(a: i64, b: i64) {}

// `/` twice.
#[oxhpy::function(signature = (a, /, b, /))]
fn two_slashes(a: i64, b: i64) {}

// `/` after `*`.
#[oxhpy::function(signature = (a, *, b, /))]
fn slash_after_star(a: i64, b: i64) {}

// `/` first.
#[oxhpy::function(signature = (/, a))]
fn slash_first(a: i64) {}

// A bare `*` at the end.
#[oxhpy::function(signature = (a, *))]
fn star_last(a: i64) {}

// A bare `*` right before `**kwargs`.
#[oxhpy::function(signature = (a, *, **kwargs))]
fn star_then_kwargs(a: i64, kwargs: Handle<'_>) {}

// A name the function does not have.
#[oxhpy::function(signature = (a, c))]
fn unknown_name(a: i64, b: i64) {}

// Out of the function's order.
#[oxhpy::function(signature = (b, a))]
fn wrong_order(a: i64, b: i64) {}

// A parameter left out.
#[oxhpy::function(signature = (a))]
fn left_out(a: i64, b: i64) {}

// A parameter listed twice.
#[oxhpy::function(signature = (a, a))]
fn listed_twice(a: i64) {}

// Two defaults for one parameter.
#[oxhpy::function(signature = (a = 1))]
fn two_defaults(#[oxhpy(default = 2)] a: i64) {}

// `*args` with a default.
#[oxhpy::function(signature = (*args))]
fn varargs_default(#[oxhpy(default = 2)] args: i64) {}

// A positional-only calling convention.
#[oxhpy::function(sig = "varargs", signature = (a, *, b))]
fn with_varargs_convention(a: i64, b: i64) {}

// Not a parameter list.
#[oxhpy::function(signature = (a + 1))]
fn not_a_list(a: i64) {}

fn main() {}
