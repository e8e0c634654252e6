// Two writable views of one object nested in each other would be two `&mut` over one memory:
// a view's closure is `Send`, so it cannot capture the handle to take the second view.
use oxhpy::prelude::*;

#[oxhpy::function]
fn twice(b: Borrowed<'_, '_>) -> PyResult<()> {
    oxhpy::buffer::write(b, |x: &mut [u8]| {
        oxhpy::buffer::write(b, |y: &mut [u8]| y[0] = x[0])
    })??;
    Ok(())
}

fn main() {}
