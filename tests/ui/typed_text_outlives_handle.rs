// The text of a `PyStr` and the contents of a `PyBytes` are borrowed from the object: they cannot
// outlive the handle (here dropped at the end of the function) that keeps the object alive.
use oxhpy::prelude::*;
use oxhpy::{PyBytes, PyStr};

fn text<'py>(ctx: Ctx<'py>) -> PyResult<&'py str> {
    let s = PyStr::new(ctx, "x")?;
    s.to_str()
}

fn data<'py>(ctx: Ctx<'py>) -> PyResult<&'py [u8]> {
    let b = PyBytes::new(ctx, b"x")?;
    Ok(b.as_bytes())
}

fn main() {}
