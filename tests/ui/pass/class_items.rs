// What must keep compiling: static and class methods in every calling convention, with `Ctx`,
// defaults, elided and named lifetimes, results; class attributes from functions and `const`s;
// member shorthands on plain and tuple structs, on a frozen class's `Field`; returning `slf`.
use oxhpy::prelude::*;
use oxhpy::{Field, PyRef, PyRefMut};

#[oxhpy::class]
pub struct Thing {
    #[oxhpy(get, set)]
    n: i64,
    #[oxhpy(get)]
    name: String,
    #[oxhpy(get, set, name = "values")]
    v: Vec<f64>,
}

#[oxhpy::methods]
impl Thing {
    #[new]
    fn new(n: i64) -> Self {
        Thing { n, name: String::new(), v: Vec::new() }
    }

    #[staticmethod]
    fn none() {}

    #[staticmethod]
    #[oxhpy(sig = "o")]
    fn one(x: &str) -> usize {
        x.len()
    }

    #[staticmethod]
    #[oxhpy(sig = "varargs")]
    fn two(a: i64, #[oxhpy(default = 2)] b: i64) -> i64 {
        a * b
    }

    #[staticmethod]
    fn with_ctx<'py>(ctx: Ctx<'py>, x: Option<Borrowed<'_, 'py>>) -> PyResult<Handle<'py>> {
        match x {
            Some(x) => Ok(x.dup()),
            None => Ok(ctx.none()),
        }
    }

    #[classmethod]
    fn make<'py>(cls: Borrowed<'_, 'py>, n: i64) -> PyResult<Handle<'py>> {
        cls.call((n,))
    }

    #[classmethod]
    fn owned<'py>(cls: Handle<'py>, _ctx: Ctx<'py>) -> Handle<'py> {
        cls
    }

    #[classmethod]
    #[oxhpy(sig = "keywords", name = "named")]
    fn renamed(_cls: Borrowed<'_, '_>, #[oxhpy(default = 1)] k: i64) -> PyResult<i64> {
        Ok(k)
    }

    #[classattr]
    const LIMIT: i64 = 10;

    #[classattr]
    #[oxhpy(name = "LABEL")]
    const LABEL_TEXT: &'static str = "thing";

    #[classattr]
    fn zero() -> Thing {
        Thing::new(0)
    }

    #[classattr]
    fn fallible(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
        ctx.import("sys")
    }

    fn chain(mut slf: PyRefMut<'_, Self>) -> PyRefMut<'_, Self> {
        slf.n += 1;
        slf
    }

    fn me<'a>(slf: PyRef<'a, Self>) -> PyResult<PyRef<'a, Self>> {
        Ok(slf)
    }
}

#[oxhpy::class]
pub struct Pair(#[oxhpy(get, set, name = "a")] i64, #[oxhpy(get, name = "b")] i64);

#[oxhpy::class]
pub struct Frozen {
    #[oxhpy(get)]
    id: u64,
    #[oxhpy(get, set)]
    item: Field,
    #[oxhpy(get, set)]
    other: oxhpy::Field,
}

fn main() {}
