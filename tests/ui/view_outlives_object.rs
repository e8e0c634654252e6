// A buffer view borrows the object it views (a `bytes` argument is read in place, without a handle
// of its own): it cannot outlive the handle that keeps the object alive.
use oxhpy::buffer::{ReadView, WriteView};
use oxhpy::prelude::*;

fn read<'py>(ctx: Ctx<'py>) -> PyResult<ReadView<'py, 'py, u8>> {
    let b = oxhpy::PyBytes::new(ctx, b"x")?.into_handle();
    ReadView::new(b.borrow())
}

fn write(ctx: Ctx<'_>) -> PyResult<usize> {
    let view = {
        let b = oxhpy::PyBytes::new(ctx, b"abc")?.into_handle();
        WriteView::<u8>::new(b.borrow())?
    };
    Ok(view.len())
}

fn main() {}
