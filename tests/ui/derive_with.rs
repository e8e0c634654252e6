// `from_py_with` / `into_py_with` take a path to a function of the right shape, and
// `#[derive(IntoPyRef)]` needs every field to convert by reference.
use oxhpy::prelude::*;

fn parse(obj: Borrowed<'_, '_>) -> PyResult<u32> {
    obj.extract()
}

fn show<'py>(v: &u32, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
    v.into_py(ctx)
}

// A closure is no path.
#[derive(FromPy)]
struct Closure {
    #[oxhpy(from_py_with = |o| parse(o))]
    a: u32,
}

// The function's result is not the field's type.
#[derive(FromPy)]
struct WrongResult {
    #[oxhpy(from_py_with = parse)]
    a: String,
}

// `into_py_with` takes the field by reference.
fn show_owned<'py>(v: u32, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
    v.into_py(ctx)
}

#[derive(IntoPy)]
struct ByValue {
    #[oxhpy(into_py_with = show_owned)]
    a: u32,
}

#[derive(IntoPy)]
struct Fine {
    #[oxhpy(into_py_with = show)]
    a: u32,
}

// `PyNew` converts only by value.
struct Opaque;

impl<'py> IntoPy<'py> for Opaque {
    fn into_py(self, ctx: Ctx<'py>) -> PyResult<Handle<'py>> {
        Ok(ctx.none())
    }
}

#[derive(IntoPyRef)]
struct NotByRef {
    a: Opaque,
}

#[oxhpy::function]
fn param(#[oxhpy(from_py_with = parse)] s: String) -> String {
    s
}

fn main() {}
