//! Buffer views through the interpreter's own buffer API ([`crate::capi`]): `PyObject_GetBuffer`
//! and `PyBuffer_Release`, on CPython for every exporter, on PyPy (cpyext's) for the numpy arrays
//! whose memory stays in place.
use crate::capi::PyObject;
pub(super) use crate::capi::{Api, Buffers};
use crate::context::Ctx;
use hpy_sys as ffi;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

/// CPython's `Py_buffer` (`struct bufferinfo`): the same members, in the same order and of the same
/// C types, in every CPython from 3.9 to 3.15 (`Include/cpython/object.h` in 3.9 and 3.10,
/// `Include/pybuffer.h` since 3.11). Checked by `tests::py_buffer_layout`.
#[repr(C)]
pub(super) struct PyBuffer {
    pub buf: *mut c_void,
    pub obj: *mut PyObject,
    pub len: isize,
    pub itemsize: isize,
    pub readonly: c_int,
    pub ndim: c_int,
    pub format: *mut c_char,
    pub shape: *mut isize,
    pub strides: *mut isize,
    pub suboffsets: *mut isize,
    pub internal: *mut c_void,
}

/// `PyBUF_WRITABLE`.
pub(super) const WRITABLE: c_int = 0x0001;
/// `PyBUF_FULL_RO` (`PyBUF_INDIRECT | PyBUF_FORMAT`): what `memoryview(obj)` asks for, so that
/// every exporter a memoryview takes is taken (suboffsets are then refused as not contiguous).
pub(super) const FULL_RO: c_int = 0x0100 | 0x0010 | 0x0008 | 0x0004;

/// Whether views may use the API (tests switch it off to run the Python path on CPython).
static ENABLED: AtomicBool = AtomicBool::new(true);

/// The C API for views: [`crate::capi`]'s, unless switched off.
#[inline]
pub(super) fn api() -> Option<&'static Api> {
    if !ENABLED.load(Ordering::Relaxed) {
        return None;
    }
    crate::capi::api()
}

/// cpyext's buffer functions on PyPy, unless switched off (as `api`).
#[inline]
pub(super) fn cpyext() -> Option<&'static Buffers> {
    if !ENABLED.load(Ordering::Relaxed) {
        return None;
    }
    crate::capi::cpyext()
}

/// Switches the API off (`false`) or back on for the views taken from now on.
pub(super) fn enable(on: bool) {
    ENABLED.store(on, Ordering::Relaxed);
}

/// Whether `bytes` is viewed through the API too: in HPy's debug mode, where `HPyBytes_AsString`
/// hands out a fresh memory-protected copy on every call (`mmap` and `mprotect`: 15 µs for a
/// 64-byte `bytes`, against 0.35 µs through `PyObject_GetBuffer`).
#[inline]
pub(super) fn views_bytes(api: &Api) -> bool {
    api.debug
}

/// Room for a `Py_buffer`: CPython's [`PyBuffer`], followed by the members PyPy's cpyext adds
/// (`int flags; Py_ssize_t _strides[64], _shape[64];`, include/pypy3.11/cpyext_object.h: 1112
/// bytes in all), which its exporters may fill.
#[repr(C)]
struct Room {
    view: PyBuffer,
    pypy: [MaybeUninit<u64>; 129],
}

/// One export of an object through `PyObject_GetBuffer`, ended by `PyBuffer_Release` (and the
/// `PyObject*` reference dropped) when this drops.
///
/// The `Py_buffer` lives on the heap: it must not move while exported (an exporter may point
/// `shape` or `strides` into the struct itself, as `PyBuffer_FillInfo` does for `bytes` and
/// `bytearray`). One spare struct is kept for the next view ([`Spare`]).
pub(super) struct CBuffer {
    obj: CRef,
    /// A filled `Py_buffer` at the start of a [`Room`] from `Box::into_raw`.
    view: *mut PyBuffer,
}

/// One `Py_buffer` allocation kept between views, so that a call taking one view at a time does
/// not allocate (`calloc` + `free` were a third of a 64-byte view's cost). Taken and given back
/// with an atomic swap: each pointer has exactly one owner, in any thread.
struct Spare;

static SPARE: AtomicPtr<MaybeUninit<Room>> = AtomicPtr::new(std::ptr::null_mut());

impl Spare {
    #[inline]
    fn take() -> Box<MaybeUninit<Room>> {
        let p = SPARE.swap(std::ptr::null_mut(), Ordering::Acquire);
        if p.is_null() {
            Box::new_uninit()
        } else {
            // SAFETY: a pointer from `Box::into_raw` (in `give`), which the swap made ours alone.
            unsafe { Box::from_raw(p) }
        }
    }

    #[inline]
    fn give(b: Box<MaybeUninit<Room>>) {
        let old = SPARE.swap(Box::into_raw(b), Ordering::AcqRel);
        if !old.is_null() {
            // SAFETY: as in `take`: the swap handed the previous spare to us.
            drop(unsafe { Box::from_raw(old) });
        }
    }
}

/// Why [`CRef::of`] or [`CBuffer::new`] failed: the exception the interpreter raised is set.
pub(super) struct Raised;

/// Our reference to an object's `PyObject*` (from `HPy_AsPyObject`), dropped with the API's
/// `Py_DecRef`. The interpreter is held wherever one lives: views are not `Send`.
pub(super) struct CRef {
    api: &'static Buffers,
    p: *mut PyObject,
}

impl CRef {
    /// The `PyObject*` of `h` (on PyPy the cpyext object, made on first use).
    ///
    /// # Safety
    /// `h` is a live handle of `ctx`, whose call is in progress on this thread (the interpreter is
    /// held), and `api` was found in this process.
    #[inline]
    pub(super) unsafe fn of(
        api: &'static Buffers,
        ctx: Ctx<'_>,
        h: ffi::HPy,
    ) -> Result<Self, Raised> {
        // SAFETY: per the contract; a new reference, or NULL with an exception set.
        let p = unsafe { ffi::HPy_AsPyObject(ctx.as_ptr(), h) };
        if p.is_null() {
            return Err(Raised);
        }
        Ok(CRef { api, p })
    }

    /// The API the reference belongs to.
    pub(super) fn api(&self) -> &'static Buffers {
        self.api
    }

    /// The object, alive while `self` is.
    pub(super) fn as_ptr(&self) -> *mut PyObject {
        self.p
    }
}

impl Drop for CRef {
    fn drop(&mut self) {
        // The caller holds the object too (through the handle it came from), so this is never the
        // last reference: no destructor runs.
        // SAFETY: our reference from HPy_AsPyObject, dropped once, the interpreter held.
        unsafe { (self.api.decref)(self.p) };
    }
}

impl CBuffer {
    /// Exports `h` with `flags`.
    ///
    /// # Safety
    /// As [`CRef::of`]; on PyPy `h` is a `bytearray`, an `array.array` or an object of a C
    /// extension's type.
    #[inline]
    pub(super) unsafe fn new(
        api: &'static Buffers,
        ctx: Ctx<'_>,
        h: ffi::HPy,
        flags: c_int,
    ) -> Result<Self, Raised> {
        // SAFETY: per the contract.
        Self::export(unsafe { CRef::of(api, ctx, h)? }, flags)
    }

    /// Exports `obj` with `flags` (on PyPy: `obj` as in [`CBuffer::new`]).
    #[inline]
    pub(super) fn export(obj: CRef, flags: c_int) -> Result<Self, Raised> {
        let mut view = Spare::take();
        // 0 means filled and exported, -1 an exception set (and `obj` dropped).
        // SAFETY: `obj` is live (our reference); `view` is heap room for a Py_buffer that never moves.
        if unsafe { (obj.api.get_buffer)(obj.p, view.as_mut_ptr().cast(), flags) } < 0 {
            Spare::give(view);
            return Err(Raised);
        }
        // A successful PyObject_GetBuffer filled every member.
        let view = Box::into_raw(view) as *mut PyBuffer;
        Ok(CBuffer { obj, view })
    }

    /// The filled `Py_buffer`.
    #[inline]
    pub(super) fn view(&self) -> &PyBuffer {
        // SAFETY: filled by PyObject_GetBuffer and ours until `drop`.
        unsafe { &*self.view }
    }
}

/// The members of a filled export (a `PyBuffer` is only ever reached through [`CBuffer::view`]
/// or [`with_export`]).
impl PyBuffer {
    /// The item format: `B` where the exporter gave none (the protocol's default).
    #[inline]
    pub(super) fn format(&self) -> &[u8] {
        let f = self.format;
        if f.is_null() {
            return b"B";
        }
        // SAFETY: a NUL-terminated string the exporter keeps valid while the export lasts.
        unsafe { CStr::from_ptr(f).to_bytes() }
    }

    /// Whether the items are C-contiguous (as `PyBuffer_IsContiguous(view, 'C')` answers, except
    /// that suboffsets that are all negative, which dereference nothing, are accepted).
    pub(super) fn c_contiguous(&self) -> bool {
        let v = self;
        let ndim = usize::try_from(v.ndim).unwrap_or(usize::MAX);
        if v.len == 0 || ndim == 0 || v.strides.is_null() {
            return true; // no items, a scalar, or C-contiguous by the protocol's definition
        }
        if v.shape.is_null() || ndim > 64 {
            return false;
        }
        // With PyBUF_STRIDES requested, shape and strides (and suboffsets when not NULL) hold
        // `ndim` entries.
        // SAFETY: those `ndim` entries, kept valid by the export.
        let (shape, strides) = unsafe {
            (
                std::slice::from_raw_parts(v.shape, ndim),
                std::slice::from_raw_parts(v.strides, ndim),
            )
        };
        if !v.suboffsets.is_null() {
            // SAFETY: as above.
            let subs = unsafe { std::slice::from_raw_parts(v.suboffsets, ndim) };
            if subs.iter().any(|&s| s >= 0) {
                return false;
            }
        }
        c_contiguous(shape, strides, v.itemsize)
    }
}

/// Whether `shape`/`strides` describe C-contiguous items of `itemsize` bytes.
fn c_contiguous(shape: &[isize], strides: &[isize], itemsize: isize) -> bool {
    let mut expected = itemsize;
    for (&dim, &stride) in shape.iter().zip(strides).rev() {
        if dim > 1 && stride != expected {
            return false;
        }
        expected = expected.wrapping_mul(dim);
    }
    true
}

/// Runs `f` on an export of `obj` with `flags` that ends when `f` returns, in a `Py_buffer` on the
/// stack (it does not move while exported; no allocation and no spare taken): for the copies,
/// which end the export at once.
#[inline]
pub(super) fn with_export<R>(
    obj: &CRef,
    flags: c_int,
    f: impl FnOnce(&PyBuffer) -> R,
) -> Result<R, Raised> {
    /// Ends the export, also if `f` unwinds.
    struct Exported<'a>(&'a Buffers, *mut PyBuffer);
    impl Drop for Exported<'_> {
        fn drop(&mut self) {
            // SAFETY: a successful export into the room at `self.1`, ended once.
            unsafe { (self.0.release_buffer)(self.1.cast()) };
        }
    }
    let mut room = MaybeUninit::<Room>::uninit();
    let view = room.as_mut_ptr().cast::<PyBuffer>();
    // 0 means filled and exported, -1 an exception set.
    // `obj` is live (our reference); `room` is room for a Py_buffer (of CPython's size or
    // cpyext's) that stays in place until the export ends, before this function returns.
    // SAFETY: a live object and room that does not move while exported.
    if unsafe { (obj.api.get_buffer)(obj.p, view.cast(), flags) } < 0 {
        return Err(Raised);
    }
    let exported = Exported(obj.api, view);
    // SAFETY: filled by the successful PyObject_GetBuffer; the export lasts until `exported` drops.
    let result = f(unsafe { &*exported.1 });
    drop(exported);
    Ok(result)
}

impl Drop for CBuffer {
    /// Ends the export. No Python code runs, so this is sound with an exception pending: the
    /// release slots of `bytearray`, `array.array`, `memoryview` and `mmap` only count exports
    /// down, numpy has none, and `PyBuffer_Release` then drops the export's reference to
    /// `view.obj`, which the exporter set to an object that someone else keeps alive (the
    /// exporter itself for all of these; the caller holds it for the whole call). A Python class
    /// with `__release_buffer__` (3.12+) runs Python, and CPython sets the pending exception
    /// aside around it, as it does for any destructor.
    fn drop(&mut self) {
        // First the export, then the struct, no longer exported, goes back (`view` came from
        // `Box::into_raw`); our reference to `obj` is dropped after this.
        // SAFETY: a successful export of `obj` into `view`, ended once.
        unsafe {
            (self.obj.api.release_buffer)(self.view.cast());
            Spare::give(Box::from_raw(self.view as *mut MaybeUninit<Room>));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{c_contiguous, PyBuffer};
    use std::mem::{offset_of, size_of};

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn py_buffer_layout() {
        // CPython's struct bufferinfo on x86_64, measured with sizeof/offsetof against the headers
        // of 3.9.18, 3.10.13, 3.11.7, 3.12.1, 3.13.0 (pyenv) and 3.14.8, 3.15.0 (Debian forky):
        // identical in all seven.
        assert_eq!(size_of::<PyBuffer>(), 80);
        let offsets = [
            offset_of!(PyBuffer, buf),
            offset_of!(PyBuffer, obj),
            offset_of!(PyBuffer, len),
            offset_of!(PyBuffer, itemsize),
            offset_of!(PyBuffer, readonly),
            offset_of!(PyBuffer, ndim),
            offset_of!(PyBuffer, format),
            offset_of!(PyBuffer, shape),
            offset_of!(PyBuffer, strides),
            offset_of!(PyBuffer, suboffsets),
            offset_of!(PyBuffer, internal),
        ];
        assert_eq!(offsets, [0, 8, 16, 24, 32, 36, 40, 48, 56, 64, 72]);
        // HPy's HPy_buffer mirrors it member for member (with HPy for the object).
        assert_eq!(size_of::<hpy_sys::HPy_buffer>(), size_of::<PyBuffer>());
        // PyPy 3.11's (cpyext_object.h: `int flags` after `internal`, then two arrays of 64
        // `Py_ssize_t`) fits in the room: 80 + 8 + 2 * 512.
        assert!(size_of::<super::Room>() >= 1112);
    }

    #[test]
    fn contiguity() {
        assert!(c_contiguous(&[10], &[1], 1));
        assert!(!c_contiguous(&[10], &[2], 1));
        assert!(c_contiguous(&[1], &[7], 4)); // one item: any stride
        assert!(c_contiguous(&[3, 4], &[16, 4], 4));
        assert!(!c_contiguous(&[3, 4], &[4, 12], 4)); // Fortran order
        assert!(c_contiguous(&[3, 1, 4], &[16, 99, 4], 4));
        assert!(c_contiguous(&[0, 4], &[0, 4], 4));
        assert!(!c_contiguous(&[4], &[-1], 1)); // reversed
    }
}
