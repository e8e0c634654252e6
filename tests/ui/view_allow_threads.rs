// Releasing the interpreter inside a view's closure would let Python threads write the memory
// under the `&[u8]`: the closure cannot capture the `Ctx`; views release through `Release`.
use oxhpy::prelude::*;

#[oxhpy::function]
fn sum(py: Ctx<'_>, b: Borrowed<'_, '_>) -> PyResult<u64> {
    oxhpy::buffer::read(b, |x: &[u8]| {
        py.allow_threads(|| x.iter().map(|&v| v as u64).sum())
    })
}

fn main() {}
