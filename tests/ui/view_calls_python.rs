// Python code run inside a view's closure could write the memory under the `&[u8]`: the closure
// is `Send`, so it cannot capture a handle (nor a `Ctx`) to call Python with.
use oxhpy::prelude::*;

#[oxhpy::function]
fn read_then_call(b: Borrowed<'_, '_>, f: Borrowed<'_, '_>) -> PyResult<u8> {
    oxhpy::buffer::read(b, |x: &[u8]| {
        let first = x[0];
        let _ = f.call(());
        first + x[0]
    })
}

fn main() {}
