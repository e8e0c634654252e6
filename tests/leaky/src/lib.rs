//! `oxhpy_leaky._native`: test only, never shipped. Each function misuses HPy on purpose, through
//! raw `hpy-sys` calls, bypassing what oxhpy's safe layer would do (dup, close, lifetimes), so that
//! `tests/test_debug_catches.py` can show that HPy's debug mode catches the misuse. Every `unsafe`
//! block here is *deliberately wrong*; its `SAFETY:` comment says how. Only call these functions in
//! a subprocess or under `hpy.debug.LeakDetector`, as the tests do.

use std::sync::atomic::AtomicUsize;

/// The raw data pointer kept by `keep_raw` for `read_kept` (an address, not a Python object).
static KEPT: AtomicUsize = AtomicUsize::new(0);

/// Misuses HPy on purpose, one function per misuse (see `tests/test_debug_catches.py`).
#[oxhpy::module]
pub mod _native {
    use super::KEPT;
    use oxhpy::ffi;
    use oxhpy::prelude::*;
    use std::sync::atomic::Ordering;

    /// Opens a second handle to `obj` and never closes it: a handle leak.
    #[oxhpy::function]
    pub fn leak(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) {
        // SAFETY: deliberately wrong for the test: the new handle is never closed (a leak). The call
        // itself is valid: `obj` is a live handle of this call's context.
        let _leaked = unsafe { ffi::HPy_Dup(ctx.as_ptr(), obj.raw()) };
    }

    /// Duplicates `obj`, closes the duplicate, then uses the closed handle (`HPy_Is`).
    #[oxhpy::function]
    pub fn use_after_close(ctx: Ctx<'_>, obj: Borrowed<'_, '_>) -> bool {
        let c = ctx.as_ptr();
        // SAFETY: valid: `obj` is a live handle of this call; the duplicate is closed below.
        let dup = unsafe { ffi::HPy_Dup(c, obj.raw()) };
        // SAFETY: valid: closes the duplicate exactly once.
        unsafe { ffi::HPy_Close(c, dup) };
        // SAFETY: deliberately wrong for the test: `dup` is closed; debug mode must report it.
        unsafe { ffi::HPy_Is(c, dup, obj.raw()) != 0 }
    }

    /// Returns the argument's own handle as the result, without `HPy_Dup`: the caller closes the
    /// argument after the call, so the result it then reads is a closed handle.
    #[oxhpy::function]
    pub fn return_arg<'py>(ctx: Ctx<'py>, obj: Borrowed<'_, 'py>) -> Handle<'py> {
        // SAFETY: deliberately wrong for the test: `obj` is owned by the caller (borrowed for this
        // call), and returning it as an owned handle hands the caller a handle it will close twice.
        unsafe { Handle::from_raw_unchecked(ctx, obj.raw()) }
    }

    /// Raw data of `obj` (`HPyBytes_AsString` for `kind == "bytes"`, `HPyUnicode_AsUTF8AndSize`
    /// for `"utf8"`) through a duplicate handle, read after that handle is closed: the first byte.
    #[oxhpy::function]
    pub fn raw_after_close(ctx: Ctx<'_>, obj: Borrowed<'_, '_>, kind: &str) -> PyResult<u8> {
        let c = ctx.as_ptr();
        // SAFETY: valid: `obj` is a live handle of this call; the duplicate is closed below.
        let dup = unsafe { ffi::HPy_Dup(c, obj.raw()) };
        let p = raw_data(ctx, dup, kind);
        // SAFETY: valid: closes the duplicate exactly once.
        unsafe { ffi::HPy_Close(c, dup) };
        let p = p?;
        // SAFETY: deliberately wrong for the test: `p` belongs to `dup`, closed above; debug mode
        // protects that memory (PROT_NONE), so this read must fault there.
        Ok(unsafe { p.read_volatile() })
    }

    /// Keeps the raw data pointer of the argument (as `raw_after_close`) past the call: the caller
    /// closes the argument's handle when the call returns. `read_kept()` reads it afterwards.
    #[oxhpy::function]
    pub fn keep_raw(ctx: Ctx<'_>, obj: Borrowed<'_, '_>, kind: &str) -> PyResult<()> {
        let p = raw_data(ctx, obj.raw(), kind)?;
        KEPT.store(p as usize, Ordering::SeqCst);
        Ok(())
    }

    /// The first byte behind the pointer `keep_raw` kept.
    #[oxhpy::function]
    pub fn read_kept() -> PyResult<u8> {
        let p = KEPT.load(Ordering::SeqCst) as *const u8;
        if p.is_null() {
            return Err(PyErr::value_error("keep_raw() was not called"));
        }
        // SAFETY: deliberately wrong for the test: the handle `p` came from was closed when
        // `keep_raw` returned; debug mode protects that memory, so this read must fault there.
        Ok(unsafe { p.read_volatile() })
    }

    /// Writes `value` into the first byte of a `bytes` object through `HPyBytes_AsString`, whose
    /// data is read-only (`bytes` is immutable; debug mode hands out a read-only copy).
    #[oxhpy::function]
    pub fn write_readonly(ctx: Ctx<'_>, obj: Borrowed<'_, '_>, value: u8) -> PyResult<()> {
        let p = raw_data(ctx, obj.raw(), "bytes")? as *mut u8;
        // SAFETY: deliberately wrong for the test: the memory `HPyBytes_AsString` exports is
        // read-only (an immutable object's; in debug mode a PROT_READ copy, so this must fault).
        unsafe { p.write_volatile(value) };
        Ok(())
    }

    /// `HPyBytes_AsString` or `HPyUnicode_AsUTF8AndSize` of `h`, by `kind`.
    fn raw_data(ctx: Ctx<'_>, h: ffi::HPy, kind: &str) -> PyResult<*const u8> {
        let c = ctx.as_ptr();
        let p = match kind {
            // SAFETY: valid: `h` is a live handle of this call (its type is checked first).
            "bytes" if unsafe { ffi::HPyBytes_Check(c, h) } != 0 => {
                // SAFETY: valid: `h` is a live handle to a bytes object.
                unsafe { ffi::HPyBytes_AsString(c, h) }
            }
            "utf8" => {
                let mut n: ffi::HPy_ssize_t = 0;
                // SAFETY: valid: `h` is a live handle; a non-str raises TypeError (NULL below).
                unsafe { ffi::HPyUnicode_AsUTF8AndSize(c, h, &mut n) }
            }
            _ => {
                return Err(PyErr::type_error(
                    "expected bytes (kind 'bytes') or str ('utf8')",
                ))
            }
        };
        if p.is_null() {
            Err(PyErr::raised())
        } else {
            Ok(p.cast())
        }
    }
}
