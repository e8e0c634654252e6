//! Where the context members live: the one place that knows about PyPy 3.11's shifted context.
//!
//! HPy 0.9.0's `HPyContext` ends with `h_Builtins` followed by 19 function pointers
//! (`ctx_Capsule_New` … `ctx_CallMethod`). PyPy 3.11 (hpy `0.9.1.dev`) inserts one more handle,
//! `h_DictType`, right after `h_Builtins`, so those 19 members sit one pointer later, while its ABI
//! version still reads 0.0. Everything before them is identical on every interpreter.
//!
//! The table [`ContextLayout`] gives, for each known layout, how far the 19 members are moved.
//! The layout is decided once per process by [`detect`], from the context alone (never from
//! Python state, which a program can change: `sys.implementation.name = "cpython"`):
//! * a context whose `name` does not say "PyPy backend" (CPython's and GraalPy's, in every mode) is
//!   exactly 0.9.0: both build it from hpy 0.9.0's own headers;
//! * on PyPy, the word at `ctx_Capsule_New`'s 0.9.0 offset is read: in the 0.9.0 layout it is that
//!   function, an address inside a loaded shared object (`dladdr` finds it); in PyPy 3.11's it is
//!   the handle `h_DictType`, a small index (universal and trace mode) or a heap address (debug
//!   mode), never code. So a function there means [`ContextLayout::Hpy090`] (PyPy 3.10,
//!   7.3.14–7.3.19), anything else [`ContextLayout::PyPy311`], and the word after it must then be
//!   a function (checked: otherwise the context is of no known layout and loading fails).
//!
//! Known good: PyPy 3.11 7.3.19 (Debian trixie, tested here); PyPy's sources show 7.3.20–7.3.23
//! and 8.0 vendoring the same hpy 0.9.1.dev61 with the same layout. Debug and trace contexts are
//! built by the same interpreter with the same headers, so one answer holds for every mode.
use crate::*;
use core::ffi::{c_char, c_int, c_void, CStr};
use core::sync::atomic::{AtomicU8, Ordering};

/// The known layouts of `HPyContext`, and how far each moves the 19 shifted members.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ContextLayout {
    /// Exactly HPy 0.9.0 (`hpy/universal/autogen_ctx.h`).
    Hpy090 = 1,
    /// PyPy 3.11: `h_DictType` inserted after `h_Builtins`.
    PyPy311 = 2,
}

impl ContextLayout {
    /// Bytes between a shifted member's 0.9.0 offset and its real one.
    pub const fn shift(self) -> usize {
        match self {
            ContextLayout::Hpy090 => 0,
            ContextLayout::PyPy311 => core::mem::size_of::<HPy>(),
        }
    }
}

const UNKNOWN: u8 = 0;
static LAYOUT: AtomicU8 = AtomicU8::new(UNKNOWN);

/// The layout in force, if already decided.
pub fn current() -> Option<ContextLayout> {
    match LAYOUT.load(Ordering::Relaxed) {
        1 => Some(ContextLayout::Hpy090),
        2 => Some(ContextLayout::PyPy311),
        _ => None,
    }
}

/// Decides the layout once (no-op afterwards) and returns it. Call it at module load; the
/// shifted accessors also call it on first use, so nothing depends on the order.
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn ensure(ctx: *mut HPyContext) -> ContextLayout {
    if let Some(l) = current() {
        return l;
    }
    // SAFETY: per this function's contract.
    let l = unsafe { detect(ctx) };
    LAYOUT.store(l as u8, Ordering::Relaxed);
    l
}

/// A view of `ctx` moved so that each of the 19 shifted members of the returned pointer's
/// `HPyContext` sits at its real address. Only those members may be read through it.
///
/// # Safety
/// `ctx` is a live context.
#[inline(always)]
pub unsafe fn shifted(ctx: *mut HPyContext) -> *const HPyContext {
    let layout = match current() {
        Some(l) => l,
        // SAFETY: per this function's contract.
        None => unsafe { ensure(ctx) },
    };
    (ctx as *const u8).wrapping_add(layout.shift()) as *const HPyContext
}

/// Reads the layout off the context (see the module documentation).
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn detect(ctx: *mut HPyContext) -> ContextLayout {
    // SAFETY: `name` is in the common prefix: a static NUL-terminated string, or NULL.
    let name = unsafe { (*ctx).name };
    let is_pypy = !name.is_null() && {
        // SAFETY: as above.
        let name = unsafe { CStr::from_ptr(name) };
        name.to_bytes().ends_with(b"(PyPy backend)")
    };
    if !is_pypy {
        return ContextLayout::Hpy090;
    }
    let at = core::mem::offset_of!(HPyContext, ctx_Capsule_New);
    // SAFETY: PyPy's context is at least one handle longer than 0.9.0's, so both words (the
    // 0.9.0 member and the one after it) lie inside it; they are read as plain addresses.
    let (w0, w1) = unsafe {
        let base = ctx as *const u8;
        (
            (base.add(at) as *const *const c_void).read_unaligned(),
            (base.add(at + core::mem::size_of::<HPy>()) as *const *const c_void).read_unaligned(),
        )
    };
    let l = classify(is_code(w0), is_code(w1));
    if l.is_none() {
        // SAFETY: a live context and a static message; never returns.
        unsafe {
            HPy_FatalError(
                ctx,
                c"oxhpy: this PyPy's HPy context has no known layout".as_ptr(),
            )
        }
    }
    l.unwrap_or(ContextLayout::Hpy090)
}

/// The decision rule of [`detect`] on PyPy, from whether the word at `ctx_Capsule_New`'s 0.9.0
/// offset and the word after it are functions; `None`: no known layout.
pub fn classify(w0_is_code: bool, w1_is_code: bool) -> Option<ContextLayout> {
    match (w0_is_code, w1_is_code) {
        (true, _) => Some(ContextLayout::Hpy090),
        (false, true) => Some(ContextLayout::PyPy311),
        (false, false) => None,
    }
}

/// Whether `addr` lies inside a loaded shared object (the interpreter's code).
fn is_code(addr: *const c_void) -> bool {
    #[repr(C)]
    struct DlInfo {
        fname: *const c_char,
        fbase: *mut c_void,
        sname: *const c_char,
        saddr: *mut c_void,
    }
    extern "C" {
        fn dladdr(addr: *const c_void, info: *mut DlInfo) -> c_int;
    }
    if (addr as usize) < 0x10000 {
        return false; // a handle index, never mapped
    }
    let mut info = DlInfo {
        fname: core::ptr::null(),
        fbase: core::ptr::null_mut(),
        sname: core::ptr::null(),
        saddr: core::ptr::null_mut(),
    };
    // SAFETY: dladdr only looks the address up in the loader's tables; `info` is a valid out slot.
    unsafe { dladdr(addr, &mut info) != 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_function_at_the_090_offset_is_the_090_layout() {
        assert_eq!(classify(true, true), Some(ContextLayout::Hpy090)); // PyPy 3.10
        assert_eq!(classify(true, false), Some(ContextLayout::Hpy090));
    }

    #[test]
    fn a_handle_then_a_function_is_pypy_311() {
        assert_eq!(classify(false, true), Some(ContextLayout::PyPy311));
        assert_eq!(classify(false, false), None);
        assert_eq!(ContextLayout::PyPy311.shift(), 8);
        assert_eq!(ContextLayout::Hpy090.shift(), 0);
    }

    #[test]
    fn code_is_told_from_data() {
        assert!(is_code(is_code as *const c_void));
        assert!(!is_code(8 as *const c_void));
        let heap = Box::new(0u64);
        assert!(!is_code(&*heap as *const u64 as *const c_void));
    }
}
