//! The route of a view on PyPy, where cpyext's buffer API is there, decided from the object's
//! `PyObject*` without a call into Python (`bench/README.md`): a `bytearray` or an `array.array`
//! is copied through cpyext's export, a numpy array whose memory stays in place is viewed through
//! it, anything else takes the helper's memoryview.
//!
//! The type is the `PyObject*`'s `ob_type`, compared with the addresses of the types' own
//! `PyObject*`s: PyPy 3.11's object header (`ob_refcnt`, `ob_pypy_link`, `ob_type`:
//! include/pypy3.11/cpyext_object.h, read by every C extension's `Py_TYPE`) is checked once per
//! process in [`Types::find`]. The `PyObject*` is the one the export takes anyway (one
//! `HPy_AsPyObject` for both), where three type checks in HPy calls (`HPyGlobal_Load`s of the
//! types) took ~80 ns of a numpy view's ~300.
//!
//! Which numpy arrays stay in place is `buffer_address.py`'s `_stays_on_pypy` rule: an array that
//! owns its memory (numpy refuses to resize an array that other references see, and the view holds
//! two), or a view of one, or an array over an immutable `bytes`. Anything else ends at an object
//! that PyPy lets resize while exported (`bytearray`, `array.array`, `mmap`) and is copied. It is
//! read from numpy's `PyArrayObject_fields` (`data`, `nd`, `dimensions`, `strides`, `base`,
//! `descr`, `flags` after the header: the ABI that numpy's inline `PyArray_BASE` and
//! `PyArray_FLAGS` compile into every extension, the same in numpy 1.x and 2.x).
use super::capi::{CRef, Raised};
use super::Exporter;
use crate::capi::{Buffers, PyObject};
use crate::context::Ctx;
use crate::err::{PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed};
use hpy_sys as ffi;
use std::ffi::{c_int, c_long, c_void};
use std::sync::OnceLock;

/// `ob_type` in PyPy's `PyObject`.
const OB_TYPE: usize = 16;
/// numpy's `PyArrayObject_fields` on PyPy, after the 24-byte header: `data`, `nd`, `dimensions`,
/// (`strides`), `base`, `descr`, `flags`.
const DATA: usize = 24;
const ND: usize = 32;
const DIMENSIONS: usize = 40;
const BASE: usize = 56;
const DESCR: usize = 64;
const FLAGS: usize = 72;
/// `byteorder` and `type_num` in numpy's `PyArray_Descr` on PyPy, the members that numpy 1.x and
/// 2.x share (numpy 2's `ndarraytypes.h` keeps them in place for that): after the header,
/// `typeobj` 24, `kind` 32, `type` 33, `byteorder` 34, `_former_flags` 35, `type_num` 36.
const BYTEORDER: usize = 34;
const TYPE_NUM: usize = 36;
/// `NPY_ARRAY_C_CONTIGUOUS`, `NPY_ARRAY_OWNDATA`, `NPY_ARRAY_WRITEABLE`, `NPY_ARRAY_WARN_ON_WRITE`.
const C_CONTIGUOUS: c_int = 0x0001;
const OWNDATA: c_int = 0x0004;
const WRITEABLE: c_int = 0x0400;
const WARN_ON_WRITE: c_int = 1 << 31;
/// The format and size of the items of numpy's built-in types `NPY_BOOL` (0) to `NPY_DOUBLE` (12),
/// as numpy's `array_getbuffer` gives them (the C types' own codes and sizes).
const BUILTIN: [(&[u8], usize); 13] = [
    (b"?", 1),
    (b"b", 1),
    (b"B", 1),
    (b"h", 2),
    (b"H", 2),
    (b"i", 4),
    (b"I", 4),
    (b"l", size_of::<c_long>()),
    (b"L", size_of::<c_long>()),
    (b"q", 8),
    (b"Q", 8),
    (b"f", 4),
    (b"d", 8),
];

type IsSubtype = unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> c_int;

/// The types compared against, by the address of their `PyObject*` (alive for the whole process:
/// built-in types, and numpy's `ndarray`, a static C type that is never unloaded; cpyext keeps a
/// type's `PyObject*` for the type's whole life), and cpyext's `PyType_IsSubtype`.
struct Types {
    bytearray: usize,
    array: usize,
    bytes: usize,
    is_subtype: IsSubtype,
}

static TYPES: OnceLock<Option<Types>> = OnceLock::new();
/// `numpy.ndarray`'s, once numpy was seen in `sys.modules` (before, nothing is an array).
static NDARRAY: OnceLock<usize> = OnceLock::new();

impl Types {
    /// The types, found on first use; `None` if the header check fails or a function is missing.
    fn get(ctx: Ctx<'_>, api: &'static Buffers) -> PyResult<Option<&'static Types>> {
        if let Some(t) = TYPES.get() {
            return Ok(t.as_ref());
        }
        // Found outside `get_or_init`, which would make another thread wait for this one while
        // holding the interpreter (two threads may both look: the same answer).
        let found = Self::find(ctx, api)?;
        Ok(TYPES.get_or_init(|| found).as_ref())
    }

    #[cold]
    fn find(ctx: Ctx<'_>, api: &'static Buffers) -> PyResult<Option<Types>> {
        let Some(f) = crate::capi::find(c"PyPyType_IsSubtype") else {
            return Ok(None);
        };
        // SAFETY: the symbol is cpyext's `int PyType_IsSubtype(PyTypeObject *, PyTypeObject *)`.
        let is_subtype = unsafe { std::mem::transmute::<*mut c_void, IsSubtype>(f) };
        let bytearray = crate::cache::get(ctx, crate::cache::Cached::ByteArray)?;
        let array = crate::cache::get(ctx, crate::cache::Cached::Array)?;
        let bytes = ctx.constant(|c| c.h_BytesType);
        // The references can be dropped at once: the types outlive them (see `Types`), and only
        // their addresses are kept.
        let address = |h: ffi::HPy| -> PyResult<usize> {
            // SAFETY: a live handle of this call's context.
            match unsafe { CRef::of(api, ctx, h) } {
                Ok(r) => Ok(r.as_ptr() as usize),
                Err(Raised) => Err(PyErr::raised()),
            }
        };
        let types = Types {
            bytearray: address(bytearray.raw())?,
            array: address(array.raw())?,
            bytes: address(bytes)?,
            is_subtype,
        };
        // The header check: an empty `bytes`' `ob_type` is `bytes`.
        let empty = crate::IntoPy::into_py(&b""[..], ctx)?;
        // SAFETY: a live handle of this call's context.
        let r = match unsafe { CRef::of(api, ctx, empty.raw()) } {
            Ok(r) => r,
            Err(Raised) => return Err(PyErr::raised()),
        };
        // SAFETY: a cpyext object with PyPy's header, alive (our reference).
        let header_ok = unsafe { ob_type(r.as_ptr()) } == types.bytes;
        Ok(header_ok.then_some(types))
    }

    /// Whether `ty` is `nd` or a subclass (all of which start with `ndarray`'s fields).
    ///
    /// # Safety
    /// `ty` and `nd` are live cpyext type objects.
    unsafe fn is_array(&self, ty: usize, nd: usize) -> bool {
        // SAFETY: per the contract.
        ty == nd || unsafe { (self.is_subtype)(ty as *mut PyObject, nd as *mut PyObject) } != 0
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

/// `numpy.ndarray`'s address, if numpy was imported (looked for in `sys.modules` until it is).
fn ndarray(ctx: Ctx<'_>, api: &'static Buffers) -> PyResult<Option<usize>> {
    if let Some(&nd) = NDARRAY.get() {
        return Ok(Some(nd));
    }
    let Some(h) = crate::cache::ndarray(ctx, true)? else {
        return Ok(None);
    };
    // SAFETY: a live handle of this call's context.
    match unsafe { CRef::of(api, ctx, h.raw()) } {
        Ok(r) => Ok(Some(*NDARRAY.get_or_init(|| r.as_ptr() as usize))),
        Err(Raised) => Err(PyErr::raised()),
    }
}

/// The route of a view of `obj` (not a `bytes`) on PyPy, through cpyext's `api`; `None` where the
/// types could not be found (the views then decide with HPy calls).
pub(super) fn route(api: &'static Buffers, obj: Borrowed<'_, '_>) -> PyResult<Option<Exporter>> {
    let ctx = obj.ctx();
    let Some(types) = Types::get(ctx, api)? else {
        return Ok(None);
    };
    // SAFETY: a live handle of this call's context.
    let r = match unsafe { CRef::of(api, ctx, obj.raw()) } {
        Ok(r) => r,
        Err(Raised) => return Err(PyErr::raised()),
    };
    let p = r.as_ptr();
    // SAFETY: `p` is alive (our reference) and cpyext's.
    let ty = unsafe { ob_type(p) };
    if ty == types.bytearray || ty == types.array {
        return Ok(Some(Exporter::Copy(r)));
    }
    let Some(nd) = ndarray(ctx, api)? else {
        return Ok(Some(Exporter::Other));
    };
    // SAFETY: `ty` is a live type (of `p`), `nd` numpy's.
    if !unsafe { types.is_array(ty, nd) } {
        return Ok(Some(Exporter::Other));
    }
    // An array's `base` is alive while the array is (it holds a reference), and numpy collapses
    // views so that `base` is the owner, an object that is not an array, or NULL: a few steps at
    // most (bounded anyway).
    // SAFETY: `p`, an array, is alive (our reference) and cpyext's; so is each `base` read.
    let stays = unsafe {
        let mut cur = p;
        let mut stays = false;
        for _ in 0..8 {
            let fields = cur as *const u8;
            if fields.add(FLAGS).cast::<c_int>().read() & OWNDATA != 0 {
                stays = true;
                break;
            }
            cur = fields.add(BASE).cast::<*mut PyObject>().read();
            if cur.is_null() || !types.is_array(ob_type(cur), nd) {
                stays = !cur.is_null() && ob_type(cur) == types.bytes;
                break;
            }
        }
        stays
    };
    Ok(Some(if stays {
        Exporter::InPlace(r)
    } else {
        Exporter::Other
    }))
}

/// The items of a numpy array, read from its struct.
pub(super) struct Items {
    pub ptr: *mut u8,
    pub nbytes: usize,
    pub format: &'static [u8],
    pub itemsize: usize,
}

/// The items of the numpy array `p` where they are what an export would give without asking numpy
/// anything: one dimension of at least one item, C-contiguous, of a built-in type in this machine's
/// byte order, writable if `writable` (and not flagged to warn on a write); else `None` (the export
/// then decides, with its own errors). Reading these saves the export's two calls into cpyext and
/// numpy's `array_getbuffer`, which builds the format string on every export.
///
/// # Safety
/// `p` is a live numpy array (`ndarray` or a subclass) of cpyext, whose memory stays in place while
/// `p` is referenced (`route` gave [`Exporter::InPlace`]); the items stay valid while it is.
#[inline]
pub(super) unsafe fn simple_items(p: *mut PyObject, writable: bool) -> Option<Items> {
    let fields = p as *const u8;
    // Per the contract: numpy's fields of a live array, and its live `descr` (which the array
    // references), at the offsets above.
    // SAFETY: reads of a live array's and its descr's members, at their offsets.
    unsafe {
        let flags = fields.add(FLAGS).cast::<c_int>().read();
        let wanted = C_CONTIGUOUS | if writable { WRITEABLE } else { 0 };
        if flags & wanted != wanted || (writable && flags & WARN_ON_WRITE != 0) {
            return None;
        }
        if fields.add(ND).cast::<c_int>().read() != 1 {
            return None;
        }
        let n = fields.add(DIMENSIONS).cast::<*const isize>().read().read();
        let descr = fields.add(DESCR).cast::<*const u8>().read();
        let order = descr.add(BYTEORDER).read();
        let type_num = descr.add(TYPE_NUM).cast::<c_int>().read();
        let (format, itemsize) = *BUILTIN.get(usize::try_from(type_num).ok()?)?;
        if n <= 0 || !(order == b'=' || order == b'|') {
            return None;
        }
        Some(Items {
            ptr: fields.add(DATA).cast::<*mut u8>().read(),
            nbytes: (n as usize).checked_mul(itemsize)?,
            format,
            itemsize,
        })
    }
}
