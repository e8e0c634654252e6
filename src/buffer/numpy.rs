//! Which numpy arrays PyPy keeps in place while they are exported, decided without a call into
//! Python so that their views can go through cpyext's buffer API (2.4 µs through
//! `buffer_address.py`, ~0.15 µs this way: bench/README.md).
//!
//! The rule is `buffer_address.py`'s `_stays_on_pypy`: an array that owns its memory (numpy
//! refuses to resize an array that other references see, and the view holds two), or a view of
//! one, or an array over an immutable `bytes`. Anything else ends at an object that PyPy lets
//! resize while exported (`bytearray`, `array.array`, `mmap`) and is copied.
//!
//! numpy's arrays are cpyext objects, so the answer is read from their C structs, through the
//! `PyObject*` that `HPy_AsPyObject` gives: PyPy 3.11's object header (`ob_refcnt`,
//! `ob_pypy_link`, `ob_type`: include/pypy3.11/cpyext_object.h, read by every C extension's
//! `Py_TYPE`, checked once per process in [`Types::find`]) and numpy's `PyArrayObject_fields`
//! (`data`, `nd`, `dimensions`, `strides`, `base`, `descr`, `flags` after the header: the ABI
//! that numpy's inline `PyArray_BASE` and `PyArray_FLAGS` compile into every extension, the same
//! in numpy 1.x and 2.x).
use crate::capi::{Buffers, PyObject};
use crate::context::Ctx;
use crate::err::{PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle};
use hpy_sys as ffi;
use std::ffi::{c_int, c_void};
use std::sync::OnceLock;

/// `ob_type` in PyPy's `PyObject`.
const OB_TYPE: usize = 16;
/// `base` and `flags` in numpy's `PyArrayObject_fields` on PyPy (after the 24-byte header: `data`
/// 24, `nd` 32, `dimensions` 40, `strides` 48).
const BASE: usize = 56;
const FLAGS: usize = 72;
/// `NPY_ARRAY_OWNDATA`.
const OWNDATA: c_int = 0x0004;

type IsSubtype = unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> c_int;

/// The types compared against (alive for the whole process: numpy's `ndarray` is a static C type
/// and never unloaded, `bytes` is built in) and cpyext's `PyType_IsSubtype`.
struct Types {
    ndarray: usize,
    bytes: usize,
    is_subtype: IsSubtype,
}

static TYPES: OnceLock<Option<Types>> = OnceLock::new();

impl Types {
    /// The types, found on first use; `None` if the header check fails or a function is missing.
    fn get(ctx: Ctx<'_>, api: &'static Buffers, ndarray: ffi::HPy) -> Option<&'static Types> {
        if let Some(t) = TYPES.get() {
            return t.as_ref();
        }
        // Found outside `get_or_init`, which would make another thread wait for this one while
        // holding the interpreter (two threads may both look: the same answer).
        let found = Self::find(ctx, api, ndarray);
        TYPES.get_or_init(|| found).as_ref()
    }

    #[cold]
    fn find(ctx: Ctx<'_>, api: &'static Buffers, ndarray: ffi::HPy) -> Option<Types> {
        let f = crate::capi::find(c"PyPyType_IsSubtype")?;
        // SAFETY: the symbol is cpyext's `int PyType_IsSubtype(PyTypeObject *, PyTypeObject *)`.
        let is_subtype = unsafe { std::mem::transmute::<*mut c_void, IsSubtype>(f) };
        let c = ctx.as_ptr();
        let bytes_type = ctx.constant(|c| c.h_BytesType);
        // The types' objects: cpyext keeps a type's `PyObject*` for the type's whole life, so the
        // references can be dropped at once (the addresses are compared, never read).
        // SAFETY: a live handle (the cached type); a new reference or NULL.
        let ndarray = unsafe { ffi::HPy_AsPyObject(c, ndarray) };
        // SAFETY: a context constant; a new reference or NULL.
        let bytes = unsafe { ffi::HPy_AsPyObject(c, bytes_type) };
        // The header check: an empty `bytes`' `ob_type` is `bytes`.
        // SAFETY: valid context; a new `bytes` handle or NULL, closed below.
        let empty = unsafe { ffi::HPyBytes_FromStringAndSize(c, c"".as_ptr(), 0) };
        let header_ok = !ndarray.is_null() && !bytes.is_null() && !ffi::HPy_IsNull(empty) && {
            // Its `PyObject*` is a cpyext object with PyPy's header, whose `ob_type` is read while
            // our reference keeps it alive.
            // SAFETY: a live `bytes` handle; our reference to its object, dropped once.
            unsafe {
                let p = ffi::HPy_AsPyObject(c, empty);
                let ok = !p.is_null() && ob_type(p) == bytes as usize;
                if !p.is_null() {
                    (api.decref)(p);
                }
                ok
            }
        };
        // SAFETY: our references and handle, each dropped once (the objects stay alive).
        unsafe {
            for p in [ndarray, bytes] {
                if !p.is_null() {
                    (api.decref)(p);
                }
            }
            if !ffi::HPy_IsNull(empty) {
                ffi::HPy_Close(c, empty);
            }
            // A failed call (never seen) leaves no exception behind: the views take the helper.
            if !header_ok && ffi::HPyErr_Occurred(c) != 0 {
                ffi::HPyErr_Clear(c);
            }
        }
        header_ok.then_some(Types {
            ndarray: ndarray as usize,
            bytes: bytes as usize,
            is_subtype,
        })
    }

    /// Whether `p` is an array (`ndarray` or a subclass, all of which start with its fields).
    ///
    /// # Safety
    /// `p` is a live cpyext object.
    unsafe fn is_array(&self, p: *mut PyObject) -> bool {
        // SAFETY: per the contract (PyPy's header); two type objects.
        unsafe {
            let ty = ob_type(p);
            ty == self.ndarray
                || (self.is_subtype)(ty as *mut PyObject, self.ndarray as *mut PyObject) != 0
        }
    }
}

/// `Py_TYPE(p)`'s address.
///
/// # Safety
/// `p` is a live cpyext object (PyPy's header).
unsafe fn ob_type(p: *mut PyObject) -> usize {
    // SAFETY: per the contract: `ob_type` at `OB_TYPE`, a pointer.
    unsafe { (p as *const u8).add(OB_TYPE).cast::<usize>().read() }
}

/// What [`classify`] found.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Array {
    /// A numpy array whose memory stays in place while exported (see the module docs).
    Stays,
    /// A numpy array over memory that PyPy may move or resize.
    Moves,
    /// Not a numpy array.
    Not,
    /// Not known: numpy was not looked for (see `look`).
    Unknown,
}

/// Whether `obj`, of type `ty`, is a numpy array, and whether its memory stays in place while
/// exported. With `look`, numpy is looked for in `sys.modules` (before numpy is imported nothing
/// is an array), else only where an earlier call found it (`Unknown` until then). `api`: cpyext's
/// functions (its `Py_DecRef` drops the reference taken here).
pub(super) fn classify(
    api: &'static Buffers,
    ty: &Handle<'_>,
    obj: Borrowed<'_, '_>,
    look: bool,
) -> PyResult<Array> {
    let ctx = obj.ctx();
    let ndarray = match crate::cache::ndarray(ctx, look)? {
        Some(ndarray) => ndarray,
        None if look => return Ok(Array::Not),
        None => return Ok(Array::Unknown),
    };
    // SAFETY: live handles of this call's context.
    if unsafe { ffi::HPyType_IsSubtype(ctx.as_ptr(), ty.raw(), ndarray.raw()) } == 0 {
        return Ok(Array::Not);
    }
    let Some(types) = Types::get(ctx, api, ndarray.raw()) else {
        return Ok(Array::Moves);
    };
    // SAFETY: a live handle of this call's context: our new reference, or NULL with an error set.
    let p = unsafe { ffi::HPy_AsPyObject(ctx.as_ptr(), obj.raw()) };
    if p.is_null() {
        return Err(PyErr::raised());
    }
    // An array's `base` is alive while the array is (it holds a reference), and numpy collapses
    // views so that `base` is the owner, an object that is not an array, or NULL: a few steps at
    // most (bounded anyway).
    // SAFETY: `p`, an array, is alive (our reference) and cpyext's; so is each `base` read.
    unsafe {
        let mut cur = p;
        let mut stays = false;
        for _ in 0..8 {
            let fields = cur as *const u8;
            if fields.add(FLAGS).cast::<c_int>().read() & OWNDATA != 0 {
                stays = true;
                break;
            }
            cur = fields.add(BASE).cast::<*mut PyObject>().read();
            if cur.is_null() || !types.is_array(cur) {
                stays = !cur.is_null() && ob_type(cur) == types.bytes;
                break;
            }
        }
        (api.decref)(p);
        Ok(if stays { Array::Stays } else { Array::Moves })
    }
}
