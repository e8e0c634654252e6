//! `tests/test_zero_copy.py`: the addresses buffer views read and write.
use oxhpy::buffer::Release;
use oxhpy::prelude::*;

/// The address `oxhpy::buffer::read` sees for `obj`'s bytes (its first byte's address when the
/// view is zero-copy, a copy's otherwise) and the sum of those bytes.
#[oxhpy::function]
pub fn read_address(obj: Borrowed<'_, '_>) -> PyResult<(usize, u64)> {
    oxhpy::buffer::read::<u8, _>(obj, |s| {
        (s.as_ptr() as usize, s.iter().map(|&b| b as u64).sum())
    })
}

/// The address `oxhpy::buffer::write` sees for `obj`'s bytes; adds 1 to every byte.
#[oxhpy::function]
pub fn write_address(obj: Borrowed<'_, '_>) -> PyResult<usize> {
    oxhpy::buffer::write::<u8, _>(obj, |s| {
        s.iter_mut().for_each(|b| *b = b.wrapping_add(1));
        s.as_ptr() as usize
    })
}

/// How a read-only (or, with `writable`, a writable) view of `obj` as bytes reaches its memory:
/// `"c-api"`, `"python"` or `"bytes"` (`ReadView::route`).
#[oxhpy::function]
pub fn view_route(obj: Borrowed<'_, '_>, writable: bool) -> PyResult<&'static str> {
    if writable {
        Ok(oxhpy::buffer::WriteView::<u8>::new(obj)?.route())
    } else {
        Ok(oxhpy::buffer::ReadView::<u8>::new(obj)?.route())
    }
}

/// Whether views may use CPython's own buffer API (`oxhpy::buffer::use_c_api`).
#[oxhpy::function]
pub fn use_c_api(on: bool) {
    oxhpy::buffer::use_c_api(on)
}

/// As `read_then_call`, through a writable view.
#[oxhpy::function]
pub fn write_then_call(obj: Borrowed<'_, '_>, f: Borrowed<'_, '_>) -> PyResult<()> {
    let mut view = oxhpy::buffer::WriteView::<u8>::new(obj)?;
    view.run(Release::NEVER, |s| {
        s.iter_mut().for_each(|b| *b = b.wrapping_add(1))
    })?;
    f.call(())?;
    Ok(())
}

/// Takes a writable view of `obj`, calls `f` (which may resize `obj`), then adds 1 to every byte
/// of the view: where views copy, the write-back meets the resize.
#[oxhpy::function]
pub fn write_after_call(obj: Borrowed<'_, '_>, f: Borrowed<'_, '_>) -> PyResult<()> {
    let mut view = oxhpy::buffer::WriteView::<u8>::new(obj)?;
    f.call(())?;
    view.run(Release::NEVER, |s| {
        s.iter_mut().for_each(|b| *b = b.wrapping_add(1))
    })
}

/// The sum of `obj`'s 4-byte unsigned items, read with `oxhpy::buffer::read`.
#[oxhpy::function]
pub fn sum_words(obj: Borrowed<'_, '_>) -> PyResult<u64> {
    oxhpy::buffer::read::<u32, _>(obj, |s| s.iter().map(|&w| u64::from(w)).sum())
}

/// Adds 1 to each of `obj`'s 4-byte unsigned items with `oxhpy::buffer::write`.
#[oxhpy::function]
pub fn bump_words(obj: Borrowed<'_, '_>) -> PyResult<()> {
    oxhpy::buffer::write::<u32, _>(obj, |s| s.iter_mut().for_each(|w| *w = w.wrapping_add(1)))
}
