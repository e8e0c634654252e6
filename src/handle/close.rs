//! Closing handles, and GraalPy 24.2's lost `HPy_Close`.
//!
//! GraalPy 24.2's universal context (`"HPy Universal ABI (GraalVM backend, JNI)"`) closes handles
//! in batches: its `HPy_Close` (`augment_Close` in `libpythonjni.so`) puts the handle in a buffer
//! of 32 and, when the buffer is full, closes the 32 buffered handles at once and returns without
//! buffering or closing the handle it was given. One close in 33 is lost: the handle's slot keeps
//! its object alive for the rest of the process, and every object reached only through a lost
//! handle stays in the heap. Measured with a plain-C HPy module (no oxhpy) on GraalPy 24.2.2:
//! 33 000 × (`HPyBytes_FromStringAndSize` of 1000 bytes, `HPy_Close`) leave exactly 1000 of the
//! `bytes` alive (JVM class histogram after `System.gc()`) and the used heap 1.07 MB larger per
//! 33 000; the same handles closed through `HPyTracker_Close` leave none. oxhpy's kernels close
//! about 500 handles per round of `tests/memory_growth.py`: +1 MB of heap per 1000 rounds.
//!
//! `HPyTracker_Close` closes its handles in one bulk call, past that buffer. So on GraalPy (not in
//! HPy's debug mode, whose tracker closes each handle through `HPy_Close` again) oxhpy closes its
//! handles through a tracker that collects [`BATCH`] handles and then closes them all: the same
//! delay and the same one bulk call per batch as GraalPy's own buffer, without the lost handle.
//! Elsewhere a handle is closed at once with `HPy_Close`.
use crate::context::{Ctx, Interpreter};
use hpy_sys as ffi;
use std::sync::Mutex;

/// How many handles a tracker collects before closing them (as many as GraalPy's own buffer).
const BATCH: usize = 32;

/// The tracker collecting this module's handles on GraalPy.
struct Pending {
    /// The context of `tracker`, as an address (the tracker belongs to it).
    ctx: usize,
    /// The tracker (`HPyTracker._i`), valid while `len > 0`.
    tracker: ffi::HPy_ssize_t,
    /// How many handles it holds.
    len: usize,
}

static PENDING: Mutex<Pending> = Mutex::new(Pending {
    ctx: 0,
    tracker: 0,
    len: 0,
});

/// Closes `raw`, an owned handle of `ctx`'s call (see the module docs).
#[inline]
pub(crate) fn close(ctx: Ctx<'_>, raw: ffi::HPy) {
    let i = Interpreter::get();
    if i.graalpy && !i.debug {
        close_on_graalpy(ctx, raw);
    } else {
        // SAFETY: the caller passes an owned, live handle of `ctx` and gives it up.
        unsafe { ffi::HPy_Close(ctx.as_ptr(), raw) }
    }
}

/// Adds `raw` to the pending tracker; closes the tracker's handles when it holds [`BATCH`].
#[cold]
#[inline(never)]
fn close_on_graalpy(ctx: Ctx<'_>, raw: ffi::HPy) {
    let c = ctx.as_ptr();
    let full = {
        // Only native bookkeeping runs under the lock (GraalPy's tracker is C: malloc and an
        // array); the bulk close, which reaches the JVM, runs after it is released.
        let mut p = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        if p.len == 0 {
            // SAFETY: valid context; the result is a new tracker or 0 (MemoryError set).
            let t = unsafe { ffi::HPyTracker_New(c, BATCH as ffi::HPy_ssize_t) };
            if t._i == 0 {
                drop(p);
                // SAFETY: as in `close`.
                unsafe { ffi::HPy_Close(c, raw) };
                return;
            }
            p.ctx = c as usize;
            p.tracker = t._i;
        } else if p.ctx != c as usize {
            // Another context (GraalPy has one per Python context): not this tracker's.
            drop(p);
            // SAFETY: as in `close`.
            unsafe { ffi::HPy_Close(c, raw) };
            return;
        }
        // The tracker was made for BATCH handles and holds fewer, so adding cannot fail (it
        // reserves room for one more than asked; a failure would still keep the handle).
        // SAFETY: valid context, a live tracker of it, an owned handle handed over to it.
        unsafe { ffi::HPyTracker_Add(c, ffi::HPyTracker { _i: p.tracker }, raw) };
        p.len += 1;
        if p.len < BATCH {
            return;
        }
        p.len = 0;
        ffi::HPyTracker { _i: p.tracker }
    };
    // SAFETY: valid context; the full tracker, taken out of `PENDING`, is closed exactly once.
    unsafe { ffi::HPyTracker_Close(c, full) };
}

/// How many handles this module has handed to the pending tracker and not yet closed (tests).
#[doc(hidden)]
pub fn pending_closes() -> usize {
    PENDING.lock().unwrap_or_else(|e| e.into_inner()).len
}
