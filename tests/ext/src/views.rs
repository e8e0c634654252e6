//! `tests/test_views.py`: views read and written with the interpreter released.
use oxhpy::buffer::Release;
use oxhpy::prelude::*;

/// How the `*_released` functions below release the interpreter: 0 held, 1 `Release::above(0)`
/// (a copy of a mutable exporter's memory), 2 `above_in_place(0)`.
fn release_kind(kind: u8) -> PyResult<Release> {
    match kind {
        0 => Ok(Release::NEVER),
        1 => Ok(Release::above(0)),
        // SAFETY: the tests that pass 2 write none of these buffers from Python meanwhile.
        2 => Ok(unsafe { Release::above_in_place(0) }),
        _ => Err(PyErr::value_error("release kind must be 0, 1 or 2")),
    }
}

/// As `read_address`, with the closure run as `release_kind(kind)` says.
#[oxhpy::function]
pub fn read_address_released(obj: Borrowed<'_, '_>, kind: u8) -> PyResult<(usize, u64)> {
    let view = oxhpy::buffer::ReadView::<u8>::new(obj)?;
    view.run(release_kind(kind)?, |s| {
        (s.as_ptr() as usize, s.iter().map(|&b| b as u64).sum())
    })
}

/// As `write_address`, with the closure run as `release_kind(kind)` says.
#[oxhpy::function]
pub fn write_address_released(obj: Borrowed<'_, '_>, kind: u8) -> PyResult<usize> {
    let mut view = oxhpy::buffer::WriteView::<u8>::new(obj)?;
    view.run(release_kind(kind)?, |s| {
        s.iter_mut().for_each(|b| *b = b.wrapping_add(1));
        s.as_ptr() as usize
    })
}

/// `dst[i] = a[i] + b[i]` (wrapping) over 1-byte buffers, run as `release_kind(kind)` says.
#[oxhpy::function]
pub fn add_bytes(
    dst: Borrowed<'_, '_>,
    a: Borrowed<'_, '_>,
    b: Borrowed<'_, '_>,
    kind: u8,
) -> PyResult<()> {
    oxhpy::buffer::zip_map(
        dst,
        a,
        b,
        |x: u8, y: u8| x.wrapping_add(y),
        release_kind(kind)?,
    )
}

/// Holds a writable view of `obj` released in place (kind 2) or on a copy (kind 1): writes a
/// byte to `ready_fd` once inside, waits until a byte arrives on the non-blocking pipe `fd` or
/// `timeout_ms` passes, then adds 1 to every byte. Returns whether the byte arrived.
#[oxhpy::function]
pub fn write_released_until(
    obj: Borrowed<'_, '_>,
    kind: u8,
    ready_fd: i32,
    fd: i32,
    timeout_ms: u64,
) -> PyResult<bool> {
    let mut view = oxhpy::buffer::WriteView::<u8>::new(obj)?;
    view.run(release_kind(kind)?, move |s| {
        use std::io::Write;
        use std::os::fd::FromRawFd;
        // SAFETY: the caller passes an open pipe fd it keeps owning; ManuallyDrop never closes it.
        let mut ready =
            std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(ready_fd) });
        let _ = ready.write_all(b"r");
        let got = crate::wait_pipe(fd, timeout_ms);
        s.iter_mut().for_each(|b| *b = b.wrapping_add(1));
        got
    })
}
