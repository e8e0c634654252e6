//! Where the context members live: the one place that knows about PyPy 3.11's shifted context.
//!
//! HPy 0.9.0's `HPyContext` ends with `h_Builtins` followed by 19 function pointers
//! (`ctx_Capsule_New` … `ctx_CallMethod`). PyPy 3.11 (hpy `0.9.1.dev`) inserts one more handle,
//! `h_DictType`, right after `h_Builtins`, so those 19 members sit one pointer later, while its ABI
//! version still reads 0.0. Everything before them is identical on every interpreter.
//!
//! The table [`ContextLayout`] gives, for each known layout, how far the 19 members are moved.
//! The layout is decided once per process by [`detect`], which asks the interpreter itself which
//! HPy it implements (`hpy.universal.get_version()` and `sys.implementation.name`) using only
//! members from the common prefix. It picks [`ContextLayout::PyPy311`] only when the interpreter
//! is PyPy *and* reports an HPy other than 0.9.0, so it cannot misfire on an exact-0.9.0
//! interpreter (CPython with hpy 0.9.0, GraalPy 24.x, PyPy 3.10): every doubt means `Hpy090`.
//! Debug and trace contexts are built by the same interpreter with the same headers, so one answer
//! holds for every mode.
use crate::*;
use core::ffi::c_char;
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
pub unsafe fn ensure(ctx: *mut HPyContext) -> ContextLayout {
    if let Some(l) = current() {
        return l;
    }
    let l = detect(ctx);
    LAYOUT.store(l as u8, Ordering::Relaxed);
    l
}

/// A view of `ctx` moved so that each of the 19 shifted members of the returned pointer's
/// `HPyContext` sits at its real address. Only those members may be read through it.
#[inline(always)]
pub unsafe fn shifted(ctx: *mut HPyContext) -> *const HPyContext {
    let layout = match current() {
        Some(l) => l,
        None => ensure(ctx),
    };
    (ctx as *const u8).add(layout.shift()) as *const HPyContext
}

/// Asks the interpreter which HPy it implements, using only the common prefix of the context.
/// Any failure (no `hpy.universal`, odd answers) means [`ContextLayout::Hpy090`].
pub unsafe fn detect(ctx: *mut HPyContext) -> ContextLayout {
    let is_pypy = implementation_name(ctx).as_deref() == Some("pypy");
    let version = hpy_version(ctx);
    if HPyErr_Occurred(ctx) != 0 {
        HPyErr_Clear(ctx);
    }
    classify(is_pypy, version.as_deref())
}

/// The decision rule of [`detect`], on plain values (tested without an interpreter).
pub fn classify(is_pypy: bool, hpy_version: Option<&str>) -> ContextLayout {
    match hpy_version {
        Some(v) if is_pypy && v != "0.9.0" => ContextLayout::PyPy311,
        _ => ContextLayout::Hpy090,
    }
}

unsafe fn str_of(ctx: *mut HPyContext, h: HPy) -> Option<String> {
    if HPy_IsNull(h) || HPyUnicode_Check(ctx, h) == 0 {
        return None;
    }
    let mut n: HPy_ssize_t = 0;
    let p = HPyUnicode_AsUTF8AndSize(ctx, h, &mut n);
    if p.is_null() {
        return None;
    }
    let bytes = core::slice::from_raw_parts(p as *const u8, n as usize);
    Some(String::from_utf8_lossy(bytes).into_owned())
}

/// Loads `module.attr1.attr2…` (each step closes what it no longer needs).
unsafe fn lookup(ctx: *mut HPyContext, module: &[u8], attrs: &[&[u8]]) -> HPy {
    let mut h = HPyImport_ImportModule(ctx, module.as_ptr() as *const c_char);
    for a in attrs {
        if HPy_IsNull(h) {
            break;
        }
        let next = HPy_GetAttr_s(ctx, h, a.as_ptr() as *const c_char);
        HPy_Close(ctx, h);
        h = next;
    }
    h
}

unsafe fn implementation_name(ctx: *mut HPyContext) -> Option<String> {
    let h = lookup(ctx, b"sys\0", &[b"implementation\0", b"name\0"]);
    let s = str_of(ctx, h);
    if !HPy_IsNull(h) {
        HPy_Close(ctx, h);
    }
    s
}

unsafe fn hpy_version(ctx: *mut HPyContext) -> Option<String> {
    let mut get = lookup(ctx, b"hpy.universal\0", &[b"get_version\0"]);
    if HPy_IsNull(get) {
        HPyErr_Clear(ctx);
        get = lookup(ctx, b"_hpy_universal\0", &[b"get_version\0"]);
    }
    if HPy_IsNull(get) {
        return None;
    }
    let res = HPy_CallTupleDict(ctx, get, HPy_NULL, HPy_NULL);
    HPy_Close(ctx, get);
    if HPy_IsNull(res) {
        return None;
    }
    let first = if HPyTuple_Check(ctx, res) != 0 {
        HPy_GetItem_i(ctx, res, 0)
    } else {
        HPy_Dup(ctx, res)
    };
    HPy_Close(ctx, res);
    let s = str_of(ctx, first);
    if !HPy_IsNull(first) {
        HPy_Close(ctx, first);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_090_interpreters_keep_the_090_layout() {
        assert_eq!(classify(false, Some("0.9.0")), ContextLayout::Hpy090); // CPython, GraalPy
        assert_eq!(classify(true, Some("0.9.0")), ContextLayout::Hpy090); // PyPy 3.10
        assert_eq!(classify(false, Some("0.9.1.dev61")), ContextLayout::Hpy090);
        assert_eq!(classify(true, None), ContextLayout::Hpy090);
    }

    #[test]
    fn pypy_311_is_shifted_by_one_handle() {
        assert_eq!(classify(true, Some("0.9.1.dev61")), ContextLayout::PyPy311);
        assert_eq!(ContextLayout::PyPy311.shift(), 8);
        assert_eq!(ContextLayout::Hpy090.shift(), 0);
    }
}
