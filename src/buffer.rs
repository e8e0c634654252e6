//! Buffers in the universal ABI: typed views of any object with the buffer protocol.
//!
//! HPy 0.9 has no buffer *consumer* API. A view is taken one of two ways, chosen once per process:
//!
//! * **CPython: its own buffer API** (`buffer/capi.rs`). `HPy_AsPyObject` gives the `PyObject*` (a
//!   new reference, in universal, debug and trace mode), `PyObject_GetBuffer` exports it into a
//!   `Py_buffer` on the heap, which does not move while exported, asking for what `memoryview` asks
//!   for (`PyBUF_FULL_RO`: format, shape, strides) plus `PyBUF_WRITABLE` for writable views; the
//!   view's end calls `PyBuffer_Release` and `Py_DecRef`. The three functions are looked up in the
//!   running process with `dlsym` at the first view, never linked, so the binary stays universal;
//!   the lookup is made only where the context names neither PyPy nor GraalPy and the interpreter
//!   called `HPyInitGlobalContext_<name>` (CPython does, GraalPy never does). CPython pins every
//!   exporter while it is exported (resizing a `bytearray` or `array.array` raises `BufferError`),
//!   so the view is the exporter's memory itself wherever it is aligned for `T`; misaligned memory
//!   is copied from the pointer and written back through it. The errors are those of the Python
//!   path (a refused writable request is asked again read-only to tell "read-only" from other
//!   failures); any other exception the exporter raises comes through as it is.
//! * **PyPy, numpy arrays over memory that stays in place: cpyext's buffer API**, the same way
//!   (`PyPyObject_GetBuffer`, `PyPyBuffer_Release`, `PyPy_DecRef`, and room for cpyext's larger
//!   `Py_buffer`). Which arrays qualify is read from numpy's own structs (`buffer/pypy.rs`): an
//!   array that owns its memory, a view of one, or an array over `bytes`.
//! * **Elsewhere (PyPy, GraalPy; CPython if a function was not found): Python itself.**
//!   `memoryview(obj)` gives the layout (format, item size, contiguity, read-only flag) and holds
//!   an export of `obj` for as long as the view lives; the data is reached in the cheapest way that
//!   is safe on the running interpreter (`buffer_address.py` decides).
//!
//! | interpreter | zero-copy | copied |
//! |---|---|---|
//! | all | `bytes` (`HPyBytes_AsString`; immutable) | |
//! | CPython | everything, through `PyObject_GetBuffer` (`bytes` too in HPy's debug mode, whose `HPyBytes_AsString` copies) | items misaligned for `T` |
//! | CPython, Python path | everything: `_cffi_backend` `from_buffer` when cffi is installed, else `ctypes` `from_buffer` for writable buffers (the export pins the object) | read-only buffers other than `bytes` when cffi is missing |
//! | PyPy | numpy arrays over memory numpy owns or over `bytes` (cpyext's `PyObject_GetBuffer`); memoryviews of `bytes` (the bundled `_cffi_backend`) | `bytearray`, `array.array`, `mmap`, other exporters |
//! | GraalPy | | everything else |
//!
//! Copies are taken with `memoryview.tobytes()` (on PyPy a `bytearray`'s or an `array.array`'s
//! through cpyext's `PyObject_GetBuffer`, copied and released at once; on GraalPy with `bytes(obj)`
//! and `obj.tobytes()`, their layout being known without a memoryview) and, for writable views,
//! written back afterwards (through the memoryview; on PyPy through a new export, on GraalPy by
//! `obj[:] = copy`), with no Python code between the length check and the write.
//! On PyPy and GraalPy an exported `bytearray` or `array.array` can still be resized (measured: no
//! `BufferError`), so a raw pointer into it could dangle; numpy refuses to resize an array on PyPy.
//! PyPy's C-API emulation does not pin them either (measured on 7.3.19 with `PyObject_GetBuffer`
//! from a C extension: a 1 MiB `extend` while exported succeeds and moves the storage, and the
//! exported pointer no longer reaches the object), so PyPy copies them.
//!
//! A view's items are handed to `Send` closures only ([`read`], [`write`](fn@write), [`ReadView::run`],
//! [`WriteView::run`], [`zip_map`]), while the export that pins them is held: a closure cannot
//! capture a `Ctx`, a handle or another view, so it cannot run Python or take a second view of the
//! object. Whether it runs with the interpreter released, and on what memory, is the view's
//! [`Release`].
//!
//! ```
//! use oxhpy::buffer;
//! use oxhpy::prelude::*;
//!
//! /// Multiplies every item of a float32 buffer (`array('f')`, a numpy array, ...) by `k`;
//! /// returns the sum of the items before.
//! #[oxhpy::function]
//! fn scale(data: Borrowed<'_, '_>, k: f64) -> PyResult<f64> {
//!     let before = buffer::read(data, |x: &[f32]| x.iter().map(|&v| f64::from(v)).sum())?;
//!     buffer::write(data, |x: &mut [f32]| x.iter_mut().for_each(|v| *v *= k as f32))?;
//!     Ok(before)
//! }
//! ```
use crate::context::Ctx;
use crate::err::{Exc, PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle, Object};
use hpy_sys as ffi;
use std::ffi::{c_int, c_void, CStr};
use std::marker::PhantomData;
use std::mem::size_of;
use std::ops::Range;

mod capi;
mod pypy;

/// Element types a buffer can be viewed as.
///
/// A buffer's `format` is read exactly as the `struct` module reads it (codes and sizes: `CODES`
/// in this file): an optional prefix (`@` or none: native size and order; `=`: native order,
/// standard size; `<`: little-endian, `>` and `!`: big-endian, both standard size) and exactly one
/// code, with no repeat count. The buffer is taken as `[T]` only when that item is one of `T`'s
/// [`KINDS`](Element::KINDS), its size (native for `@`, standard otherwise) and the buffer's item
/// size are both `size_of::<T>()`, and its byte order is the machine's (any order for 1-byte items).
/// Anything else (`>I` on a little-endian machine, `2I`, `T{I}`, `^I`, `x`, `s`, `Zf`, ...) is
/// refused with `ValueError`. On x86_64 (little-endian, 8-byte `long`):
///
/// | element | accepted formats | refused, e.g. |
/// |---|---|---|
/// | `u8` | `B`, `b`, `c` with any prefix: the raw bytes of every 1-byte item whose every value is valid | `?` (a `bool` is 0 or 1 only) |
/// | `u32` | `I`, `@I`, `=I`, `<I`, `=L`, `<L` | `>I`, `!I` (big-endian), `L`/`@L`/`N`/`P` (8 bytes), `i` (signed) |
/// | `f32` | `f`, `@f`, `=f`, `<f` | `>f`, `!f`, `e` (2 bytes), `d` (8 bytes) |
///
/// # Safety
/// Every bit pattern of `size_of::<Self>()` bytes is a valid `Self` (buffer memory is read and
/// written as `[Self]` whatever it holds), and `KINDS` names only `struct` items of that size whose
/// every value is such a bit pattern. The item size is always `size_of::<Self>()`: it cannot lie.
///
/// ```
/// use oxhpy::buffer::{self, Element};
/// use oxhpy::prelude::*;
///
/// /// The sum of the items of a buffer of `T`.
/// fn sum<T: Element + Into<f64>>(data: Borrowed<'_, '_>) -> PyResult<f64> {
///     buffer::read(data, |x: &[T]| x.iter().map(|&v| v.into()).sum())
/// }
///
/// /// The sum of a buffer of float32, of uint32 or of bytes.
/// #[oxhpy::function]
/// fn total(data: Borrowed<'_, '_>) -> PyResult<f64> {
///     sum::<f32>(data).or_else(|_| sum::<u32>(data)).or_else(|_| sum::<u8>(data))
/// }
/// ```
pub unsafe trait Element: Copy + Default + Send + Sync + 'static {
    /// The kinds of `struct` item whose values this type holds exactly.
    ///
    /// ```
    /// use oxhpy::buffer::{Element, Kind};
    ///
    /// /// Read from buffers of 4-byte unsigned integers (`I`, or `=L`, ...).
    /// #[derive(Clone, Copy, Default)]
    /// #[repr(transparent)]
    /// pub struct PixelId(u32);
    ///
    /// // SAFETY: as `u32`'s: every bit pattern of 4 bytes is a valid `PixelId`, and the unsigned
    /// // 4-byte items of a buffer are such bit patterns.
    /// unsafe impl Element for PixelId {
    ///     const KINDS: &'static [Kind] = &[Kind::Unsigned];
    /// }
    /// ```
    const KINDS: &'static [Kind];
}

/// What a `struct` format code holds.
///
/// ```
/// use oxhpy::buffer::{Element, Kind};
///
/// assert!(u8::KINDS.contains(&Kind::Char)); // `bytes` items (`c`) read as `u8`
/// assert_eq!(f32::KINDS, [Kind::Float]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A signed integer (`b h i l q n`).
    Signed,
    /// An unsigned integer (`B H I L Q N P`).
    Unsigned,
    /// An IEEE float (`e f d`).
    Float,
    /// A character, one byte (`c`).
    Char,
    /// A `bool` (`?`).
    Bool,
}

/// The `struct` codes of one item: the code, its kind, native size (`@`) and standard size (`=`,
/// `<`, `>`, `!`; `None` where `struct` refuses those prefixes). `x`, `s` and `p` are no items.
const CODES: &[(u8, Kind, usize, Option<usize>)] = {
    use std::ffi::{c_long, c_longlong, c_short};

    use Kind::*;
    &[
        (b'c', Char, 1, Some(1)),
        (b'b', Signed, 1, Some(1)),
        (b'B', Unsigned, 1, Some(1)),
        (b'?', Bool, 1, Some(1)),
        (b'h', Signed, size_of::<c_short>(), Some(2)),
        (b'H', Unsigned, size_of::<c_short>(), Some(2)),
        (b'i', Signed, size_of::<c_int>(), Some(4)),
        (b'I', Unsigned, size_of::<c_int>(), Some(4)),
        (b'l', Signed, size_of::<c_long>(), Some(4)),
        (b'L', Unsigned, size_of::<c_long>(), Some(4)),
        (b'q', Signed, size_of::<c_longlong>(), Some(8)),
        (b'Q', Unsigned, size_of::<c_longlong>(), Some(8)),
        (b'n', Signed, size_of::<isize>(), None),
        (b'N', Unsigned, size_of::<usize>(), None),
        (b'P', Unsigned, size_of::<*const c_void>(), None),
        (b'e', Float, 2, Some(2)),
        (b'f', Float, 4, Some(4)),
        (b'd', Float, 8, Some(8)),
    ]
};

/// The one item `format` describes, read as `struct` reads it: its kind, size and whether it is
/// little-endian; `None` unless `format` is an optional prefix and exactly one code `struct` takes.
fn item(format: &[u8]) -> Option<(Kind, usize, bool)> {
    let (order, code) = match *format {
        [code] => (b'@', code),
        [order @ (b'@' | b'=' | b'<' | b'>' | b'!'), code] => (order, code),
        _ => return None,
    };
    let &(_, kind, native, standard) = CODES.iter().find(|c| c.0 == code)?;
    let size = match order {
        b'@' => native,
        _ => standard?, // `struct` refuses `=n`, `<P`, ...
    };
    let little = match order {
        b'<' => true,
        b'>' | b'!' => false,
        _ => cfg!(target_endian = "little"),
    };
    Some((kind, size, little))
}

/// Why a buffer with `format` and `itemsize` is not a buffer of `T` (see [`Element`]), if it is not.
fn mismatch<T: Element>(format: &str, itemsize: usize) -> Option<&'static str> {
    mismatch_bytes::<T>(format.as_bytes(), itemsize)
}

/// [`mismatch`] of a format given as bytes.
fn mismatch_bytes<T: Element>(format: &[u8], itemsize: usize) -> Option<&'static str> {
    let Some((kind, size, little)) = item(format) else {
        return Some("not a single struct item");
    };
    if !T::KINDS.contains(&kind) {
        Some("a different kind of item")
    } else if size != size_of::<T>() || itemsize != size_of::<T>() {
        Some("a different item size")
    } else if size > 1 && little != cfg!(target_endian = "little") {
        Some("not in this machine's byte order")
    } else {
        None
    }
}

/// Whether `T` takes the items of a `bytes` object (format `B`), decided at compile time.
const fn takes_bytes<T: Element>() -> bool {
    let mut i = 0;
    while i < T::KINDS.len() {
        if matches!(T::KINDS[i], Kind::Unsigned) {
            return size_of::<T>() == 1;
        }
        i += 1;
    }
    false
}

// SAFETY: a plain number: every bit pattern is a valid `u8`, of the size its kinds name.
unsafe impl Element for u8 {
    const KINDS: &'static [Kind] = &[Kind::Unsigned, Kind::Signed, Kind::Char];
}

// SAFETY: a plain number: every bit pattern is a valid `u32`, of the size its kinds name.
unsafe impl Element for u32 {
    const KINDS: &'static [Kind] = &[Kind::Unsigned];
}

// SAFETY: a plain number: every bit pattern is a valid `f32`, of the size its kinds name.
unsafe impl Element for f32 {
    const KINDS: &'static [Kind] = &[Kind::Float];
}

/// A typed view of one buffer, pinned (zero-copy) or copied, for as long as it lives.
struct Acquired<'a, 'py, T: Element> {
    ctx: Ctx<'py>,
    ptr: *mut T,
    len: usize,
    /// The copy `ptr` points into, on the copy path.
    copy: Option<Vec<T>>,
    /// Whether a copy must be written back into the exporter.
    writeback: bool,
    /// Whether `ptr` is the exporter's own memory, which Python code may change (anything but
    /// `bytes` in place; a copy or a `bytes` object is ours alone).
    shared: bool,
    /// What keeps the memory behind `ptr` valid.
    keep: Keep<'a, 'py>,
}

/// The owner of a view's memory: a memoryview (released when done), a `bytes` object or, on
/// CPython, an export taken through its C API (released when done).
enum Keep<'a, 'py> {
    View(View<'py>),
    /// A `bytes` copy of the exporter's items, made by us.
    Bytes(#[allow(dead_code)] Handle<'py>),
    /// The argument itself, a `bytes` object: borrowed, not duplicated (a dup and a close cost
    /// 14 ns per call on PyPy 3.11).
    Arg(#[allow(dead_code)] Borrowed<'a, 'py>),
    C(capi::CBuffer),
    /// A numpy array on PyPy whose items were read from its struct (see `acquire_array`): its
    /// `PyObject*`, which keeps it alive and unresizable.
    Array(#[allow(dead_code)] capi::CRef),
    /// A `bytearray` or `array.array` on PyPy or GraalPy, whose items were copied (see `acquire`).
    Known(Known, Borrowed<'a, 'py>),
    /// The same on PyPy, copied through cpyext's buffer API (see `acquire_copied`): its
    /// `PyObject*`, for the write-back.
    Copied(capi::CRef),
}

impl<'a, 'py, T: Element> Acquired<'a, 'py, T> {
    /// A zero-copy view of `len` items at `ptr`, valid while `keep` lives.
    fn in_place(ctx: Ctx<'py>, ptr: *mut T, len: usize, keep: Keep<'a, 'py>) -> Self {
        let shared = matches!(keep, Keep::View(_) | Keep::C(_) | Keep::Array(_));
        Acquired {
            ctx,
            ptr,
            len,
            copy: None,
            writeback: false,
            shared,
            keep,
        }
    }

    /// A view of a copy, written back into the exporter by `commit` if `writeback`.
    fn copied(ctx: Ctx<'py>, mut items: Vec<T>, writeback: bool, keep: Keep<'a, 'py>) -> Self {
        let (ptr, len) = (items.as_mut_ptr(), items.len());
        Acquired {
            ctx,
            ptr,
            len,
            copy: Some(items),
            writeback,
            shared: false,
            keep,
        }
    }

    /// `writable`: the view may be written; `fill`: its old contents are read (a writable view
    /// whose every item gets overwritten copies nothing in on the copy path).
    /// The `bytes` case is inlined into the caller, so that its view is built in place (the move
    /// of a view built elsewhere stalled on store forwarding: 10 ns of a 110 ns call on PyPy).
    #[inline(always)]
    fn acquire(obj: Borrowed<'a, 'py>, writable: bool, fill: bool) -> PyResult<Self> {
        let ctx = obj.ctx();
        let api = capi::api();
        // `bytes` (format 'B') is read directly where `T` takes 'B' items (except where the C API
        // is cheaper: CPython in HPy's debug mode, see `capi::views_bytes`).
        if !writable
            && const { takes_bytes::<T>() }
            && !api.is_some_and(capi::views_bytes)
            // SAFETY: live handle.
            && unsafe { ffi::HPyBytes_Check(ctx.as_ptr(), obj.raw()) } != 0
        {
            // `obj` is a `bytes` (checked), whose contents are immutable and live while its handle
            // is open: for `'a`, which the view cannot outlive.
            // SAFETY: a live `bytes` handle of `ctx`, open for `'a`.
            let data = unsafe { bytes_of(ctx, obj.raw()) };
            return Self::bytes_view(ctx, data, Keep::Arg(obj));
        }
        Self::acquire_any(obj, api, writable, fill)
    }

    /// `acquire` of anything but a `bytes` read directly.
    #[inline]
    fn acquire_any(
        obj: Borrowed<'a, 'py>,
        api: Option<&'static capi::Api>,
        writable: bool,
        fill: bool,
    ) -> PyResult<Self> {
        let ctx = obj.ctx();
        if let Some(api) = api {
            // SAFETY: a live handle of this call's context; the interpreter is held.
            return match unsafe { capi::CRef::of(&api.buffers, ctx, obj.raw()) } {
                Ok(r) => Self::acquire_c(obj, r, writable, fill),
                Err(capi::Raised) => Err(PyErr::raised()),
            };
        }
        // On PyPy and GraalPy, a `bytearray` or an `array.array`, which they copy (see the module
        // docs): on PyPy through cpyext's buffer API (`acquire_copied`), on GraalPy in a few HPy
        // calls, their layout being known (1-byte items / the typecode's, contiguous, writable),
        // without the helper's memoryview (measured on PyPy 3.11, `sum_bytes` of 64 bytes: 1.9 µs
        // through the helper, 0.5 µs in HPy calls, 0.26 µs through cpyext). On PyPy, a numpy array
        // over memory that stays in place: through cpyext's buffer API, as on CPython (2.4 µs
        // through the helper, 0.3 µs this way).
        let interpreter = crate::context::Interpreter::get();
        let exporter = if interpreter.pypy || interpreter.graalpy {
            Exporter::of(obj, interpreter.pypy)?
        } else {
            Exporter::Other
        };
        Self::acquire_from(obj, exporter, writable, fill)
    }

    /// `acquire` of `obj` as `exporter` says (elsewhere than on CPython's C-API route).
    fn acquire_from(
        obj: Borrowed<'a, 'py>,
        exporter: Exporter,
        writable: bool,
        fill: bool,
    ) -> PyResult<Self> {
        let ctx = obj.ctx();
        match exporter {
            Exporter::Known(known, format, itemsize) => {
                if mismatch::<T>(&format, itemsize).is_some() {
                    return Err(format_error::<T>(&format, itemsize));
                }
                if !writable {
                    return Self::from_bytes(ctx, known.copy(obj)?);
                }
                let items = if fill {
                    to_items::<T>(known.copy(obj)?.extract()?)
                } else {
                    vec![T::default(); obj.len()?]
                };
                let keep = Keep::Known(known, obj);
                return Ok(Self::copied(ctx, items, true, keep));
            }
            Exporter::InPlace(r) => return Self::acquire_array(obj, r, writable, fill),
            Exporter::Copy(r) => return Self::acquire_copied(obj, r, writable, fill),
            Exporter::Other => {}
        }
        let (view, copy) = View::new(obj, writable)?;
        view.check::<T>()?;
        let n = view.nbytes / size_of::<T>();
        match view.address {
            Some(addr) if addr % std::mem::align_of::<T>() == 0 => {
                return Ok(Self::in_place(ctx, addr as *mut T, n, Keep::View(view)));
            }
            _ if !fill => {
                let items = vec![T::default(); n];
                return Ok(Self::copied(ctx, items, true, Keep::View(view)));
            }
            _ => {}
        }
        // The helper copied a read-only view that it could not give an address for; a writable, an
        // empty or a misaligned view is copied here.
        let copy = match copy {
            Some(copy) => copy,
            None => view.memoryview()?.call_method("tobytes", ())?,
        };
        if !writable {
            // Read-only: the `bytes` copy itself is the view; release the export now.
            drop(view);
            return Self::from_bytes(ctx, copy);
        }
        let items = to_items::<T>(copy.extract()?);
        Ok(Self::copied(ctx, items, true, Keep::View(view)))
    }

    /// `acquire` on CPython, through its own buffer API: one `PyObject_GetBuffer`, which pins the
    /// exporter until `PyBuffer_Release` (resizing a `bytearray` or `array.array` meanwhile
    /// raises `BufferError`), so the view is the exporter's memory itself wherever it is aligned
    /// for `T`; misaligned memory is copied from the pointer (and written back through it). On
    /// PyPy the same through cpyext's, for the numpy arrays that stay in place (`pypy.rs`). `r`
    /// is `obj`'s `PyObject*`.
    #[inline]
    fn acquire_c(
        obj: Borrowed<'_, 'py>,
        r: capi::CRef,
        writable: bool,
        fill: bool,
    ) -> PyResult<Self> {
        let ctx = obj.ctx();
        let api = r.api();
        let flags = capi::FULL_RO | if writable { capi::WRITABLE } else { 0 };
        // `api` is CPython's, or cpyext's for a numpy array (a C extension's object) on PyPy.
        let b = match capi::CBuffer::export(r, flags) {
            Ok(b) => b,
            Err(capi::Raised) => return Err(refused_c(api, obj, writable)),
        };
        let v = b.view();
        // From here on, dropping `b` ends the export, also on the error paths.
        if writable && v.readonly != 0 {
            return Err(read_only_error(&obj));
        }
        if !v.c_contiguous() {
            return Err(not_contiguous_error());
        }
        let n = exported_items::<T>(v)?;
        let ptr = v.buf as *mut T;
        if n == 0 {
            let empty = std::ptr::NonNull::<T>::dangling().as_ptr();
            return Ok(Self::in_place(ctx, empty, 0, Keep::C(b)));
        }
        if ptr.is_aligned() {
            return Ok(Self::in_place(ctx, ptr, n, Keep::C(b)));
        }
        // Misaligned: a copy, of the exporter's current contents where they are read.
        let range = ptr as usize..ptr as usize + n * size_of::<T>();
        if fill && busy::in_use(&range, false) {
            return Err(busy_error());
        }
        let mut items = vec![T::default(); n];
        if fill {
            // The export keeps `nbytes >= n * size_of::<T>()` bytes at `ptr` valid and pinned.
            // SAFETY: both hold `n` items; no released oxhpy view writes `ptr` (checked).
            unsafe {
                std::ptr::copy_nonoverlapping(
                    ptr as *const u8,
                    items.as_mut_ptr() as *mut u8,
                    n * size_of::<T>(),
                )
            };
        }
        Ok(Self::copied(ctx, items, writable, Keep::C(b)))
    }

    /// `acquire` of a numpy array on PyPy whose memory stays in place (`r`, its `PyObject*`): its
    /// items as its struct gives them where they are simple (`pypy::simple_items`) and aligned
    /// for `T`, else through cpyext's export (`acquire_c`). Our reference keeps the array alive,
    /// and numpy refuses to resize an array that other references see, as it does while exported.
    fn acquire_array(
        obj: Borrowed<'_, 'py>,
        r: capi::CRef,
        writable: bool,
        fill: bool,
    ) -> PyResult<Self> {
        // SAFETY: `route` read `r`'s type: a numpy array whose memory stays in place.
        if let Some(items) = unsafe { pypy::simple_items(r.as_ptr(), writable) } {
            if mismatch_bytes::<T>(items.format, items.itemsize).is_none()
                && items.ptr.cast::<T>().is_aligned()
            {
                let n = items.nbytes / size_of::<T>();
                return Ok(Self::in_place(
                    obj.ctx(),
                    items.ptr.cast(),
                    n,
                    Keep::Array(r),
                ));
            }
        }
        Self::acquire_c(obj, r, writable, fill)
    }

    /// `acquire` of a `bytearray` or `array.array` on PyPy, which PyPy may resize while it is
    /// exported (see the module docs): its items copied through cpyext's buffer API, the export
    /// ended at once. No Python code runs between the export and the copy (nor the write-back's,
    /// `write_copied`), so no other thread can resize it in between. Measured on PyPy 3.11,
    /// `sum_bytes` of 64 bytes: 0.62 µs copying with `bytes(obj)`, 0.16 µs this way
    /// (bench/README.md).
    fn acquire_copied(
        obj: Borrowed<'a, 'py>,
        r: capi::CRef,
        writable: bool,
        fill: bool,
    ) -> PyResult<Self> {
        let ctx = obj.ctx();
        // `r` is cpyext's object of an exact `bytearray` or `array.array`, which cpyext exports
        // (contiguous memory; the format is checked here, as the memoryview's would be).
        let copy = capi::with_export(&r, capi::FULL_RO, |v| -> PyResult<Vec<T>> {
            let n = exported_items::<T>(v)?;
            if !fill {
                return Ok(vec![T::default(); n]);
            }
            let mut items = Vec::<T>::with_capacity(n);
            // The export holds `nbytes >= n * size_of::<T>()` bytes at `buf` until `f` returns;
            // every bit pattern is a valid `T` (`Element`), so the copied items are initialised.
            // SAFETY: both hold `n` items; the copy is ours, disjoint from the exporter's.
            unsafe {
                std::ptr::copy_nonoverlapping(
                    v.buf as *const u8,
                    items.as_mut_ptr() as *mut u8,
                    n * size_of::<T>(),
                );
                items.set_len(n);
            }
            Ok(items)
        });
        match copy {
            Ok(items) => Ok(Self::copied(ctx, items?, writable, Keep::Copied(r))),
            Err(capi::Raised) => Err(PyErr::raised()),
        }
    }

    /// For [`read`] and [`write`] on PyPy with cpyext's buffer API: the view of `obj`, or, for a
    /// `bytearray` or `array.array`, its `PyObject*` (`Err`), whose items the closure then uses
    /// inside one export ([`Acquired::in_export`]) instead of a copy. `None` elsewhere (`acquire`
    /// decides).
    #[inline(always)]
    fn held(obj: Borrowed<'a, 'py>, writable: bool) -> PyResult<Option<Result<Self, capi::CRef>>> {
        if !crate::context::Interpreter::get().pypy {
            return Ok(None);
        }
        let Some(api) = capi::cpyext() else {
            return Ok(None);
        };
        let ctx = obj.ctx();
        // SAFETY: live handle.
        if unsafe { ffi::HPyBytes_Check(ctx.as_ptr(), obj.raw()) } != 0 {
            if writable || !const { takes_bytes::<T>() } {
                return Ok(None);
            }
            // As in `acquire`.
            // SAFETY: a live `bytes` handle of `ctx`, open for `'a`.
            let data = unsafe { bytes_of(ctx, obj.raw()) };
            return Self::bytes_view(ctx, data, Keep::Arg(obj)).map(|v| Some(Ok(v)));
        }
        match pypy::route(api, obj)? {
            None => Ok(None),
            Some(Exporter::Copy(r)) => Ok(Some(Err(r))),
            Some(exporter) => {
                Self::acquire_from(obj, exporter, writable, true).map(|v| Some(Ok(v)))
            }
        }
    }

    /// Runs `f` on the items of `r` (`obj`'s, a `bytearray` or `array.array` on PyPy) inside one
    /// export through cpyext, in place: PyPy may resize them while exported, but not while `f`
    /// runs, since no Python code runs in between (`f` is `Send`: no context, no handle; the
    /// interpreter is held throughout, so no other thread runs Python either). Misaligned items
    /// are copied, and written back before the export ends.
    fn in_export<R>(
        obj: Borrowed<'a, 'py>,
        r: &capi::CRef,
        writable: bool,
        f: impl FnOnce(*mut T, usize) -> R,
    ) -> PyResult<R> {
        let flags = capi::FULL_RO | if writable { capi::WRITABLE } else { 0 };
        let out = capi::with_export(r, flags, |v| -> PyResult<R> {
            if writable && v.readonly != 0 {
                return Err(read_only_error(&obj));
            }
            let n = exported_items::<T>(v)?;
            if n == 0 {
                return Ok(f(std::ptr::NonNull::<T>::dangling().as_ptr(), 0));
            }
            let ptr = v.buf as *mut T;
            let nbytes = n * size_of::<T>();
            if busy::in_use(&(ptr as usize..ptr as usize + nbytes), writable) {
                return Err(busy_error());
            }
            if ptr.is_aligned() {
                return Ok(f(ptr, n));
            }
            // The export holds `nbytes` bytes at `ptr`, pinned until `with_export` returns.
            // SAFETY: readable memory of the export.
            let bytes = unsafe { std::slice::from_raw_parts(ptr as *const u8, nbytes) };
            let mut items = to_items::<T>(bytes);
            let result = f(items.as_mut_ptr(), n);
            if writable {
                // SAFETY: the writable export's `nbytes` bytes, disjoint from the copy.
                unsafe {
                    std::ptr::copy_nonoverlapping(
                        items.as_ptr().cast::<u8>(),
                        ptr.cast::<u8>(),
                        nbytes,
                    )
                };
            }
            Ok(result)
        });
        match out {
            Ok(result) => result,
            Err(capi::Raised) => Err(PyErr::raised()),
        }
    }

    /// A read-only view of the immutable `bytes` object `keep`.
    fn from_bytes(ctx: Ctx<'py>, keep: Handle<'py>) -> PyResult<Self> {
        let bytes: &[u8] = keep.extract()?;
        let (ptr, nbytes) = (bytes.as_ptr(), bytes.len());
        // SAFETY: the contents of the `bytes` object that `keep` keeps alive.
        let data = unsafe { std::slice::from_raw_parts(ptr, nbytes) };
        Self::bytes_view(ctx, data, Keep::Bytes(keep))
    }

    /// A read-only view of `bytes`, the contents of the `bytes` object that `keep` keeps.
    #[inline(always)]
    fn bytes_view(ctx: Ctx<'py>, bytes: &[u8], keep: Keep<'a, 'py>) -> PyResult<Self> {
        let (ptr, nbytes) = (bytes.as_ptr(), bytes.len());
        if nbytes % size_of::<T>() != 0 {
            return Err(PyErr::value_error(format!(
                "buffer size {nbytes} is not a multiple of {}",
                size_of::<T>()
            )));
        }
        if (ptr as usize) % std::mem::align_of::<T>() != 0 {
            let items = to_items::<T>(bytes);
            return Ok(Self::copied(ctx, items, false, keep));
        }
        // The data of a `bytes` object lives, immutable, as long as the object (kept in the view).
        let len = nbytes / size_of::<T>();
        Ok(Self::in_place(ctx, ptr as *mut T, len, keep))
    }

    /// How the view reached its memory (see [`ReadView::route`]).
    fn route(&self) -> &'static str {
        match self.keep {
            Keep::C(_) | Keep::Array(_) => "c-api",
            Keep::View(_) | Keep::Known(..) | Keep::Copied(..) => "python",
            Keep::Bytes(_) | Keep::Arg(_) => "bytes",
        }
    }

    /// The first and one-past-last byte address, to detect overlap between views.
    fn range(&self) -> Range<usize> {
        self.ptr as usize..self.ptr as usize + self.len * size_of::<T>()
    }

    /// The range of the exporter's memory this view reaches in place, if any.
    fn shared_range(&self) -> Option<Range<usize>> {
        self.shared.then(|| self.range())
    }

    fn slice(&self) -> &[T] {
        // SAFETY: `ptr` points to `len` initialised, aligned items kept alive and pinned by `self`.
        unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
    }

    fn slice_mut(&mut self) -> &mut [T] {
        // SAFETY: as `slice`; the view was acquired writable and `&mut self` makes it unique here.
        unsafe { std::slice::from_raw_parts_mut(self.ptr, self.len) }
    }

    /// Puts a writable copy back into the exporter (no-op for zero-copy views).
    fn commit(&self) -> PyResult<()> {
        let (Some(items), true) = (&self.copy, self.writeback) else {
            return Ok(());
        };
        let view = match &self.keep {
            Keep::View(view) => view,
            Keep::Bytes(_) | Keep::Arg(_) | Keep::Array(_) => return Ok(()),
            Keep::Known(known, obj) => return self.write_known(*known, *obj, items),
            Keep::Copied(obj) => return self.write_copied(obj, items),
            Keep::C(b) => {
                let at = b.view().buf as *mut u8;
                let nbytes = items.len() * size_of::<T>();
                if busy::in_use(&(at as usize..at as usize + nbytes), true) {
                    return Err(busy_error());
                }
                // The export (writable, pinned) holds at least `nbytes` bytes at `at` (the copy was
                // sized from it); the copy is ours, so the two cannot overlap.
                // SAFETY: valid, disjoint ranges; no released oxhpy view uses `at` (checked).
                unsafe { std::ptr::copy_nonoverlapping(items.as_ptr() as *const u8, at, nbytes) };
                return Ok(());
            }
        };
        let mv = view.memoryview()?;
        let out = as_bytes(items);
        let nbytes = out.len();
        let out = crate::IntoPy::into_py(out, self.ctx)?;
        // The bytes object itself is the source: PyPy copies from a memoryview element by element.
        let source = out;
        let target = mv.call_method("cast", ("B",))?;
        // PyPy and GraalPy let another thread resize an exported bytearray or array.array while
        // the copy was worked on (the interpreter released): nothing is written back then, and
        // the caller gets the same BufferError a resize meets on CPython (PyPy's memoryview
        // follows the new size: a length check; GraalPy's keeps the old one and refuses a
        // shrunk exporter with IndexError).
        if target.len()? != nbytes {
            return Err(resized_error());
        }
        let all = crate::cache::get(self.ctx, crate::cache::Cached::Slice)?;
        let c = self.ctx.as_ptr();
        // SAFETY: live handles; HPy_SetItem returns -1 with an error set on failure.
        if unsafe { ffi::HPy_SetItem(c, target.raw(), all.raw(), source.raw()) } < 0 {
            let index_error = self.ctx.constant(|c| c.h_IndexError);
            // SAFETY: valid context; an exception is set; `index_error` is a context constant.
            if unsafe { ffi::HPyErr_ExceptionMatches(c, index_error) } != 0 {
                // SAFETY: valid context.
                unsafe { ffi::HPyErr_Clear(c) };
                return Err(resized_error());
            }
            return Err(PyErr::raised());
        }
        Ok(())
    }
}

impl<'a, 'py, T: Element> Acquired<'a, 'py, T> {
    /// The write-back of `acquire_copied`: `items` into `obj` through a new export, if `obj` still
    /// has their length (another thread may have resized it while the copy was worked on, the
    /// interpreter released): else nothing is written and the caller gets the BufferError a
    /// resize meets on CPython.
    fn write_copied(&self, obj: &capi::CRef, items: &[T]) -> PyResult<()> {
        let out = as_bytes(items);
        let wrote = capi::with_export(obj, capi::FULL_RO | capi::WRITABLE, |v| {
            if usize::try_from(v.len) != Ok(out.len()) || v.readonly != 0 {
                return false;
            }
            if !out.is_empty() {
                // The writable export holds `out.len()` bytes at `buf` until `f` returns.
                // SAFETY: valid, disjoint ranges (the copy is ours).
                unsafe { std::ptr::copy_nonoverlapping(out.as_ptr(), v.buf as *mut u8, out.len()) };
            }
            true
        });
        match wrote {
            Ok(true) => Ok(()),
            Ok(false) => Err(resized_error()),
            Err(capi::Raised) => Err(PyErr::raised()),
        }
    }

    /// `obj[:] = items` for the copy of a [`Known`] exporter, if `obj` still has their length
    /// (another thread may have resized it while the copy was worked on, the interpreter
    /// released): else nothing is written and the caller gets the BufferError a resize meets on
    /// CPython. HPy calls only, with no Python code between the check and the write, so no other
    /// thread runs between them.
    fn write_known(&self, known: Known, obj: Borrowed<'a, 'py>, items: &[T]) -> PyResult<()> {
        let ctx = self.ctx;
        let data = crate::IntoPy::into_py(as_bytes(items), ctx)?;
        let source = match known {
            Known::ByteArray => data,
            // An array of the same typecode, made from the bytes (`frombytes`).
            Known::Array => crate::cache::get(ctx, crate::cache::Cached::Array)?
                .call((obj.getattr("typecode")?, data))?,
        };
        if obj.len()? != items.len() {
            return Err(resized_error());
        }
        let all = crate::cache::get(ctx, crate::cache::Cached::Slice)?;
        // SAFETY: live handles; HPy_SetItem returns -1 with an error set on failure.
        if unsafe { ffi::HPy_SetItem(ctx.as_ptr(), obj.raw(), all.raw(), source.raw()) } < 0 {
            return Err(PyErr::raised());
        }
        Ok(())
    }
}

/// Whether, and how, a view's closure runs with the interpreter released (other Python threads
/// running meanwhile); see [`ReadView::run`].
///
/// * [`Release::NEVER`]: the closure runs with the interpreter held, on the view itself.
/// * [`Release::above(n)`](Release::above): views of at least `n` bytes run released. Where the
///   view is the exporter's own memory and the exporter is mutable (anything but `bytes`: a Python
///   thread could write it meanwhile), the closure gets a private copy, written back afterwards for
///   writable views. Safe, at the cost of a copy.
/// * [`Release::above_in_place(n)`](Release::above_in_place): as `above`, but the closure always
///   gets the view itself: zero-copy at full bandwidth, `unsafe`.
///
/// ```
/// use oxhpy::buffer::{ReadView, Release};
/// use oxhpy::prelude::*;
///
/// /// The XOR of all bytes; other threads run meanwhile if `release` is true.
/// #[oxhpy::function]
/// fn xor(data: Borrowed<'_, '_>, release: bool) -> PyResult<u8> {
///     let when = if release { Release::above(0) } else { Release::NEVER };
///     ReadView::new(data)?.run(when, |b: &[u8]| b.iter().fold(0, |x, &y| x ^ y))
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Release {
    /// Views of at least this many bytes run released (`usize::MAX`: never).
    min_bytes: usize,
    in_place: bool,
}

impl Release {
    /// Never release: the closure runs with the interpreter held, on the view itself. Best for
    /// short work: releasing and taking back the interpreter costs more.
    ///
    /// ```
    /// use oxhpy::buffer::{ReadView, Release};
    /// use oxhpy::prelude::*;
    ///
    /// fn first_byte(data: Borrowed<'_, '_>) -> PyResult<Option<u8>> {
    ///     ReadView::new(data)?.run(Release::NEVER, |b: &[u8]| b.first().copied())
    /// }
    /// ```
    pub const NEVER: Release = Release {
        min_bytes: usize::MAX,
        in_place: false,
    };

    /// Release for views of at least `min_bytes` bytes, on a private copy of a mutable
    /// exporter's memory.
    ///
    /// ```
    /// use oxhpy::buffer::{Release, WriteView};
    /// use oxhpy::prelude::*;
    ///
    /// /// Fills a float32 buffer with `value`, releasing the interpreter from 64 KiB on.
    /// #[oxhpy::function]
    /// fn fill(data: Borrowed<'_, '_>, value: f64) -> PyResult<()> {
    ///     WriteView::new(data)?.run(Release::above(64 << 10), |x: &mut [f32]| x.fill(value as f32))
    /// }
    /// ```
    pub const fn above(min_bytes: usize) -> Release {
        Release {
            min_bytes,
            in_place: false,
        }
    }

    /// Release for views of at least `min_bytes` bytes, on the exporter's memory itself.
    ///
    /// Other oxhpy views are checked: while the closure runs, any other oxhpy view that would read
    /// memory this one writes, or write memory this one reads, raises `BufferError` (in any thread;
    /// so does this view if such a released view is already running).
    ///
    /// # Safety
    /// While the closure runs, no code outside oxhpy views (Python code in another thread, another
    /// extension that released the interpreter) writes the view's memory, nor, for a writable view,
    /// reads it. For a kernel this is a promise its callers make (as for numpy's ufuncs, which
    /// also work in place with the interpreter released): document it.
    ///
    /// ```
    /// use oxhpy::buffer::{ReadView, Release};
    /// use oxhpy::prelude::*;
    ///
    /// /// The sum of a float32 buffer. Other threads must not write `data` meanwhile.
    /// #[oxhpy::function]
    /// fn big_sum(data: Borrowed<'_, '_>) -> PyResult<f64> {
    ///     // SAFETY: the callers of `big_sum` promise (its docstring) that nothing writes `data`.
    ///     let release = unsafe { Release::above_in_place(1 << 20) };
    ///     ReadView::new(data)?.run(release, |x: &[f32]| x.iter().map(|&v| f64::from(v)).sum())
    /// }
    /// ```
    pub const unsafe fn above_in_place(min_bytes: usize) -> Release {
        Release {
            min_bytes,
            in_place: true,
        }
    }

    fn releases(self, nbytes: usize) -> bool {
        nbytes >= self.min_bytes
    }
}

/// The ranges of exporter memory that views running released in place are using, so that no other
/// oxhpy view can read what they write or write what they read (see [`Release::above_in_place`]).
mod busy {
    use super::Range;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// Entries: (memory, written).
    static RANGES: Mutex<Vec<(Range<usize>, bool)>> = Mutex::new(Vec::new());
    /// How many entries `RANGES` has: one relaxed load when none is (the common case).
    static COUNT: AtomicUsize = AtomicUsize::new(0);

    fn conflicts(ranges: &[(Range<usize>, bool)], r: &Range<usize>, write: bool) -> bool {
        let overlaps = |o: &Range<usize>| o.start < r.end && r.start < o.end;
        ranges.iter().any(|(o, w)| (write || *w) && overlaps(o))
    }

    fn lock() -> std::sync::MutexGuard<'static, Vec<(Range<usize>, bool)>> {
        RANGES.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether `r` (read, or written if `write`) is in use by a view running released in place.
    pub(super) fn in_use(r: &Range<usize>, write: bool) -> bool {
        // Entries are added and removed by threads that hold the interpreter, as this one does.
        COUNT.load(Ordering::Acquire) != 0 && !r.is_empty() && conflicts(&lock(), r, write)
    }

    /// Marks `uses` (memory, written) in use until the guard drops, or returns `None` if one of them
    /// is already in use in a conflicting way.
    pub(super) fn claim(uses: Vec<(Range<usize>, bool)>) -> Option<Claim> {
        let mut ranges = lock();
        if uses.iter().any(|(r, w)| conflicts(&ranges, r, *w)) {
            return None;
        }
        let n = uses.len();
        ranges.extend(uses.iter().cloned());
        COUNT.fetch_add(n, Ordering::Release);
        Some(Claim(uses))
    }

    pub(super) struct Claim(Vec<(Range<usize>, bool)>);

    impl Drop for Claim {
        fn drop(&mut self) {
            let mut ranges = lock();
            for u in &self.0 {
                if let Some(i) = ranges.iter().position(|x| x == u) {
                    ranges.swap_remove(i);
                    COUNT.fetch_sub(1, Ordering::Release);
                }
            }
        }
    }
}

fn busy_error() -> PyErr {
    PyErr::new(
        Exc::BufferError,
        "this buffer is in use by a native thread that released the interpreter",
    )
}

/// A memoryview that the helper released was asked for (not reached: only read-only copies are
/// released, and they need no memoryview afterwards).
#[cold]
fn released_error() -> PyErr {
    PyErr::new(
        Exc::SystemError,
        "oxhpy: the buffer's memoryview was released",
    )
}

/// The error when an exporter that does not pin its memory (PyPy's and GraalPy's `bytearray` and
/// `array.array`) was resized while a writable copy of it was worked on: nothing is written back.
#[cold]
fn resized_error() -> PyErr {
    PyErr::new(
        Exc::BufferError,
        "the buffer was resized while a native thread worked on a copy of it; nothing was written",
    )
}

/// Fails with `BufferError` if `view` may not be touched now (see [`busy`]).
fn check_free<T: Element>(view: &Acquired<'_, '_, T>, write: bool) -> PyResult<()> {
    match view.shared_range() {
        Some(r) if busy::in_use(&r, write) => Err(busy_error()),
        _ => Ok(()),
    }
}

/// A read-only view of an object's buffer as `[T]`, given to closures ([`run`](Self::run)).
///
/// The closures are `Send`: they cannot capture a [`Ctx`], a handle or a view, so no Python code
/// runs and no other view of the object is taken while they hold the slice. Dropping the view
/// ends the export. The view borrows the object (`'a`, the lifetime of the [`Borrowed`] it was
/// made from): a `bytes` argument is read in place without a handle of its own.
///
/// ```
/// use oxhpy::buffer::{ReadView, Release};
/// use oxhpy::prelude::*;
///
/// /// The fraction of zero bytes in a buffer.
/// #[oxhpy::function]
/// fn zero_fraction(data: Borrowed<'_, '_>) -> PyResult<f64> {
///     let view = ReadView::<u8>::new(data)?;
///     if view.is_empty() {
///         return Ok(0.0);
///     }
///     let zeros = view.run(Release::above(1 << 16), |d| d.iter().filter(|&&b| b == 0).count())?;
///     Ok(zeros as f64 / view.len() as f64)
/// }
/// ```
pub struct ReadView<'a, 'py, T: Element>(Acquired<'a, 'py, T>);

impl<'a, 'py, T: Element> ReadView<'a, 'py, T> {
    /// Views `obj` (any object with the buffer protocol whose items are `T`, C-contiguous):
    /// `TypeError` without the protocol, `ValueError` for another layout.
    ///
    /// ```
    /// use oxhpy::buffer::ReadView;
    /// use oxhpy::prelude::*;
    ///
    /// /// Checks that `data` holds 4-byte unsigned ints (`array('I')`, `numpy.uint32`, ...).
    /// fn check_words(data: Borrowed<'_, '_>) -> PyResult<usize> {
    ///     Ok(ReadView::<u32>::new(data)?.len())
    /// }
    /// ```
    pub fn new(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        Acquired::acquire(obj, false, true).map(ReadView)
    }

    /// The number of items.
    ///
    /// <!-- no example: the type's example uses it -->
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the view has no items.
    ///
    /// <!-- no example: the type's example uses it -->
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// How the view reached its memory, for tests: `"c-api"` (CPython's own buffer API, or
    /// cpyext's for a numpy array on PyPy),
    /// `"python"` (a memoryview, or a copy of a `bytearray` or `array.array` on PyPy and GraalPy) or
    /// `"bytes"` (a `bytes` object: the argument itself, or a read-only copy the Python path took).
    #[doc(hidden)]
    pub fn route(&self) -> &'static str {
        self.0.route()
    }

    /// Runs `f` on the items, released as `release` says. The view can run several closures.
    ///
    /// <!-- no example: the type's example and `Release`'s use it -->
    pub fn run<R: Send>(&self, release: Release, f: impl FnOnce(&[T]) -> R + Send) -> PyResult<R> {
        let v = &self.0;
        let nbytes = v.len * size_of::<T>();
        if !release.releases(nbytes) {
            check_free(v, false)?;
            return Ok(f(v.slice()));
        }
        match v.shared_range() {
            Some(r) if release.in_place => {
                let _claim = busy::claim(vec![(r, false)]).ok_or_else(busy_error)?;
                let (p, n) = (SendPtr(v.ptr), v.len);
                // SAFETY: the view stays pinned while `self` lives; per `above_in_place`'s contract
                // nothing outside oxhpy writes it meanwhile, and the claim keeps oxhpy views off.
                Ok(v.ctx.allow_threads(move || f(unsafe { p.slice(n) })))
            }
            Some(_) => {
                check_free(v, false)?;
                let copy = v.slice().to_vec();
                Ok(v.ctx.allow_threads(move || f(&copy)))
            }
            None => {
                let (p, n) = (SendPtr(v.ptr), v.len);
                // SAFETY: immutable memory (a `bytes` object or our copy), kept by `self`.
                Ok(v.ctx.allow_threads(move || f(unsafe { p.slice(n) })))
            }
        }
    }
}

/// A writable view of an object's buffer as `[T]`, given to closures ([`run`](Self::run)); every
/// change is in the object when `run` returns. As [`ReadView`] otherwise.
///
/// ```
/// use oxhpy::buffer::{Release, WriteView};
/// use oxhpy::prelude::*;
///
/// /// Divides a float32 buffer by its largest magnitude.
/// #[oxhpy::function]
/// fn normalize(data: Borrowed<'_, '_>) -> PyResult<()> {
///     let mut view = WriteView::<f32>::new(data)?;
///     view.run(Release::above(1 << 16), |x| {
///         let max = x.iter().fold(0.0f32, |m, v| m.max(v.abs()));
///         if max > 0.0 {
///             x.iter_mut().for_each(|v| *v /= max);
///         }
///     })
/// }
/// ```
pub struct WriteView<'a, 'py, T: Element>(Acquired<'a, 'py, T>);

impl<'a, 'py, T: Element> WriteView<'a, 'py, T> {
    /// Views `obj` writably: as [`ReadView::new`], and `ValueError` if `obj` is read-only.
    ///
    /// <!-- no example: the type's example uses it -->
    pub fn new(obj: Borrowed<'a, 'py>) -> PyResult<Self> {
        Acquired::acquire(obj, true, true).map(WriteView)
    }

    /// The number of items.
    ///
    /// ```
    /// use oxhpy::buffer::{Release, WriteView};
    /// use oxhpy::prelude::*;
    ///
    /// /// Writes 0, 1, 2, ... into a buffer of `u32`; returns how many.
    /// fn iota(data: Borrowed<'_, '_>) -> PyResult<usize> {
    ///     let mut view = WriteView::<u32>::new(data)?;
    ///     view.run(Release::NEVER, |x| x.iter_mut().zip(0..).for_each(|(v, i)| *v = i))?;
    ///     Ok(view.len())
    /// }
    /// ```
    pub fn len(&self) -> usize {
        self.0.len
    }

    /// Whether the view has no items.
    ///
    /// <!-- no example: as `ReadView::is_empty`, whose type's example uses it -->
    pub fn is_empty(&self) -> bool {
        self.0.len == 0
    }

    /// As [`ReadView::route`].
    #[doc(hidden)]
    pub fn route(&self) -> &'static str {
        self.0.route()
    }

    /// Runs `f` on the items, released as `release` says; what it writes lands in the object.
    /// On PyPy and GraalPy a copy is written back after `f`: `BufferError` if the object was
    /// resized meanwhile (nothing is written then).
    ///
    /// <!-- no example: the type's example and `Release::above`'s use it -->
    pub fn run<R: Send>(
        &mut self,
        release: Release,
        f: impl FnOnce(&mut [T]) -> R + Send,
    ) -> PyResult<R> {
        let v = &mut self.0;
        let nbytes = v.len * size_of::<T>();
        let r = if !release.releases(nbytes) {
            check_free(v, true)?;
            f(v.slice_mut())
        } else {
            match v.shared_range() {
                Some(r) if release.in_place => {
                    let _claim = busy::claim(vec![(r, true)]).ok_or_else(busy_error)?;
                    let (p, n) = (SendPtr(v.ptr), v.len);
                    // SAFETY: as in `ReadView::run`; the view is writable and `&mut self` keeps
                    // this thread's other uses of it off.
                    v.ctx.allow_threads(move || f(unsafe { p.slice_mut(n) }))
                }
                Some(_) => {
                    check_free(v, true)?;
                    let mut copy = v.slice().to_vec();
                    let (r, copy) = v.ctx.allow_threads(move || (f(&mut copy), copy));
                    check_free(v, true)?;
                    v.slice_mut().copy_from_slice(&copy);
                    r
                }
                None => {
                    let (p, n) = (SendPtr(v.ptr), v.len);
                    // SAFETY: our own copy, which only this view reaches.
                    v.ctx.allow_threads(move || f(unsafe { p.slice_mut(n) }))
                }
            }
        };
        v.commit()?;
        Ok(r)
    }
}

/// For tests: whether views taken from now on may use CPython's own buffer API, or cpyext's on
/// PyPy (where it was found; on by default). Off, they take the Python path that GraalPy takes.
#[doc(hidden)]
pub fn use_c_api(on: bool) {
    capi::enable(on);
}

/// Runs `f` on a read-only view of `obj` as `[T]`, with the interpreter held
/// (`ReadView::new(obj)?.run(Release::NEVER, f)`, except that on PyPy a `bytearray` or an
/// `array.array`, which a view copies, is read in place inside one export: no Python code runs
/// while `f` does, so nothing can resize it).
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// How many lines a `bytes`, `bytearray`, `memoryview`, ... holds.
/// #[oxhpy::function]
/// fn count_lines(data: Borrowed<'_, '_>) -> PyResult<usize> {
///     oxhpy::buffer::read(data, |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count())
/// }
/// ```
pub fn read<'py, T: Element, R: Send>(
    obj: Borrowed<'_, 'py>,
    f: impl FnOnce(&[T]) -> R + Send,
) -> PyResult<R> {
    match Acquired::<T>::held(obj, false)? {
        None => ReadView::new(obj)?.run(Release::NEVER, f),
        Some(Ok(view)) => ReadView(view).run(Release::NEVER, f),
        Some(Err(r)) => Acquired::<T>::in_export(obj, &r, false, |p, n| {
            // SAFETY: `n` items at `p`, valid and unchanged while `f` runs (see `in_export`).
            f(unsafe { std::slice::from_raw_parts(p, n) })
        }),
    }
}

/// Runs `f` on a writable view of `obj` as `[T]`, with the interpreter held; the changes land in
/// `obj` (`WriteView::new(obj)?.run(Release::NEVER, f)`, except that on PyPy a `bytearray` or an
/// `array.array` is written in place inside one export, as in [`read`]).
///
/// ```
/// use oxhpy::prelude::*;
///
/// /// Upper-cases ASCII letters in a writable buffer (a `bytearray`, ...).
/// #[oxhpy::function]
/// fn upper(data: Borrowed<'_, '_>) -> PyResult<()> {
///     oxhpy::buffer::write(data, |b: &mut [u8]| b.make_ascii_uppercase())
/// }
/// ```
pub fn write<'py, T: Element, R: Send>(
    obj: Borrowed<'_, 'py>,
    f: impl FnOnce(&mut [T]) -> R + Send,
) -> PyResult<R> {
    match Acquired::<T>::held(obj, true)? {
        None => WriteView::new(obj)?.run(Release::NEVER, f),
        Some(Ok(view)) => WriteView(view).run(Release::NEVER, f),
        Some(Err(r)) => Acquired::<T>::in_export(obj, &r, true, |p, n| {
            // SAFETY: `n` items at `p`, valid, writable and ours alone while `f` runs (see `in_export`).
            f(unsafe { std::slice::from_raw_parts_mut(p, n) })
        }),
    }
}

/// `dst[i] = f(a[i], b[i])` over three buffers of equal length (`ValueError` otherwise),
/// released as `release` says (counting `dst`'s bytes).
/// `dst` may be the very same buffer as `a` and/or `b`; inputs that overlap `dst` in any other way
/// are copied first, so the result is always computed from the inputs' values before the call.
///
/// ```
/// use oxhpy::buffer::{zip_map, Release};
/// use oxhpy::prelude::*;
///
/// /// `out[i] = a[i] + b[i]` over float32 buffers; `add(a, a, b)` adds in place.
/// #[oxhpy::function]
/// fn add(out: Borrowed<'_, '_>, a: Borrowed<'_, '_>, b: Borrowed<'_, '_>) -> PyResult<()> {
///     zip_map(out, a, b, |x: f32, y| x + y, Release::above(1 << 16))
/// }
/// ```
pub fn zip_map<'py, T: Element>(
    dst: Borrowed<'_, 'py>,
    a: Borrowed<'_, 'py>,
    b: Borrowed<'_, 'py>,
    f: impl Fn(T, T) -> T + Send + Sync,
    release: Release,
) -> PyResult<()> {
    let av = Acquired::<T>::acquire(a, false, true)?;
    let bv = Acquired::<T>::acquire(b, false, true)?;
    // Every item of dst is overwritten from the inputs (copies or pinned views taken above).
    let mut dv = Acquired::<T>::acquire(dst, true, false)?;
    if av.len != dv.len || bv.len != dv.len {
        return Err(PyErr::value_error(format!(
            "buffers must have equal lengths, got {}, {} and {}",
            dv.len, av.len, bv.len
        )));
    }
    let n = dv.len;
    let (d, ar, br) = (dv.range(), av.range(), bv.range());
    let overlaps = |r: &Range<usize>| r.start < d.end && d.start < r.end;
    // An input that is the very output (in place) is read through the output itself.
    let same_a = ar == d && n > 0;
    let same_b = br == d && n > 0;
    let released = release.releases(n * size_of::<T>());
    let in_place = released && release.in_place;
    let _claim = if in_place {
        let uses = [(&dv, true), (&av, false), (&bv, false)];
        let uses = uses
            .iter()
            .filter_map(|(v, w)| v.shared_range().map(|r| (r, *w)));
        Some(busy::claim(uses.collect()).ok_or_else(busy_error)?)
    } else {
        check_free(&av, false)?;
        check_free(&bv, false)?;
        check_free(&dv, true)?;
        None
    };
    // Exporter memory that a Python thread could change while released is not used in place
    // (unless `in_place`): the closure gets private copies.
    let private = |v: &Acquired<'_, '_, T>| released && !in_place && v.shared;
    // An input is copied where it partly overlaps the output (an element-wise loop would read
    // values it has already overwritten) or where it must be private.
    let input = |v: &Acquired<'_, '_, T>, same: bool, r: &Range<usize>| -> Option<Vec<T>> {
        (!same && (overlaps(r) || private(v))).then(|| v.slice().to_vec())
    };
    let (a_copy, b_copy) = (input(&av, same_a, &ar), input(&bv, same_b, &br));
    // A private output starts as dst's contents, which `same_a`/`same_b` read as an input.
    let mut out_copy = private(&dv).then(|| dv.slice().to_vec());
    let (ap, bp, ctx) = (SendPtr(av.ptr), SendPtr(bv.ptr), dv.ctx);
    let out: &mut [T] = match &mut out_copy {
        Some(c) => c,
        None => dv.slice_mut(),
    };
    let mut job = move || {
        let a: &[T] = match &a_copy {
            Some(c) => c,
            // SAFETY: `a` is pinned for the call and nothing writes it meanwhile: it is not the
            // output (`same_a` reads through `out`) and does not overlap it (else it was copied).
            None if !same_a => unsafe { ap.slice(n) },
            None => &[],
        };
        let b: &[T] = match &b_copy {
            Some(c) => c,
            // SAFETY: as for `a`.
            None if !same_b => unsafe { bp.slice(n) },
            None => &[],
        };
        match (same_a, same_b) {
            (false, false) => out
                .iter_mut()
                .zip(a.iter().zip(b))
                .for_each(|(o, (&x, &y))| *o = f(x, y)),
            (true, false) => out.iter_mut().zip(b).for_each(|(o, &y)| *o = f(*o, y)),
            (false, true) => out.iter_mut().zip(a).for_each(|(o, &x)| *o = f(x, *o)),
            (true, true) => out.iter_mut().for_each(|o| *o = f(*o, *o)),
        }
    };
    if released {
        ctx.allow_threads(job);
    } else {
        job();
    }
    if let Some(c) = out_copy {
        check_free(&dv, true)?;
        dv.slice_mut().copy_from_slice(&c);
    }
    drop((av, bv));
    dv.commit()
}

/// A raw pointer that may cross into the released section (the data it points to is pinned).
#[derive(Clone, Copy)]
struct SendPtr<T>(*mut T);
// SAFETY: only used for pinned buffer data while the views that pin it are alive.
unsafe impl<T> Send for SendPtr<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for SendPtr<T> {}
impl<T> SendPtr<T> {
    /// # Safety
    /// `n` items at the pointer are valid, pinned and not written for `'a`.
    unsafe fn slice<'a>(self, n: usize) -> &'a [T] {
        // SAFETY: per the contract.
        unsafe { std::slice::from_raw_parts(self.0, n) }
    }

    /// # Safety
    /// `n` items at the pointer are valid, pinned and reached by nothing else for `'a`.
    unsafe fn slice_mut<'a>(self, n: usize) -> &'a mut [T] {
        // SAFETY: per the contract.
        unsafe { std::slice::from_raw_parts_mut(self.0, n) }
    }
}

/// The contents of the `bytes` object `raw`, without the type check (two HPy calls, not three).
///
/// # Safety
/// `raw` is a live handle of `ctx` to a `bytes` object; the slice is valid while it stays open.
unsafe fn bytes_of<'b>(ctx: Ctx<'_>, raw: ffi::HPy) -> &'b [u8] {
    let c = ctx.as_ptr();
    // SAFETY: per the contract: the unchecked reads of a `bytes` cannot fail.
    unsafe {
        let n = ffi::HPyBytes_GET_SIZE(c, raw);
        let p = ffi::HPyBytes_AS_STRING(c, raw);
        if p.is_null() || n <= 0 {
            return &[];
        }
        std::slice::from_raw_parts(p.cast::<u8>(), n as usize)
    }
}

fn to_items<T: Element>(bytes: &[u8]) -> Vec<T> {
    let n = bytes.len() / size_of::<T>();
    let mut v: Vec<T> = Vec::with_capacity(n);
    // SAFETY: copying n * SIZE bytes into capacity for n plain-data elements, then setting len.
    unsafe {
        std::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            v.as_mut_ptr() as *mut u8,
            n * size_of::<T>(),
        );
        v.set_len(n);
    }
    v
}

/// `memoryview(obj)` and what was read from it.
struct View<'py> {
    ctx: Ctx<'py>,
    /// The memoryview, `None` when the helper released it (a read-only copy, not on GraalPy).
    mv: Option<Handle<'py>>,
    nbytes: usize,
    itemsize: usize,
    format: String,
    /// The data's address, when it stays valid while `mv` is held (see the module docs).
    address: Option<usize>,
}

impl<'py> View<'py> {
    /// The view of `obj`, and the helper's copy of its data if it made one (see `view` in
    /// `buffer_address.py`).
    fn new(obj: Borrowed<'_, 'py>, writable: bool) -> PyResult<(Self, Option<Handle<'py>>)> {
        let ctx = obj.ctx();
        let described =
            crate::cache::get(ctx, crate::cache::Cached::View)?.call((obj, writable))?;
        if described.is_none() {
            return Err(crate::convert::wrong_type(
                &obj,
                "an object with the buffer protocol",
            ));
        }
        type Described<'py> = (
            Option<Handle<'py>>,
            (bool, bool),
            (usize, usize),
            String,
            Option<usize>,
            Option<Handle<'py>>,
        );
        let (mv, (readonly, contiguous), (nbytes, itemsize), format, address, copy): Described<
            'py,
        > = described.extract()?;
        // From here on, dropping `view` releases the memoryview, also on the error paths.
        let view = View {
            ctx,
            mv,
            nbytes,
            itemsize,
            format,
            address,
        };
        if writable && readonly {
            return Err(read_only_error(&obj));
        }
        if !contiguous {
            return Err(not_contiguous_error());
        }
        Ok((view, copy))
    }

    /// The memoryview (for views whose helper did not release it).
    fn memoryview(&self) -> PyResult<&Handle<'py>> {
        self.mv.as_ref().ok_or_else(released_error)
    }

    fn check<T: Element>(&self) -> PyResult<()> {
        match mismatch::<T>(&self.format, self.itemsize) {
            None => Ok(()),
            Some(_) => Err(format_error::<T>(&self.format, self.itemsize)),
        }
    }
}

/// The bytes of `items`.
fn as_bytes<T: Element>(items: &[T]) -> &[u8] {
    // SAFETY: `Element`s are plain data; viewing them as bytes is always valid.
    unsafe { std::slice::from_raw_parts(items.as_ptr() as *const u8, std::mem::size_of_val(items)) }
}

/// An exporter whose buffer layout is known without a memoryview: a `bytearray`, or an
/// `array.array` of a typecode whose format is itself (not a subclass of either, which may export
/// something else).
#[derive(Clone, Copy)]
enum Known {
    ByteArray,
    Array,
}

/// What a view does with an exporter on PyPy or GraalPy, decided from its type.
enum Exporter {
    /// A `bytearray` or `array.array` (with its format and item size): copied in HPy calls.
    Known(Known, String, usize),
    /// A numpy array over memory that stays in place (on PyPy, its `PyObject*`): through cpyext's
    /// buffer API.
    InPlace(capi::CRef),
    /// A `bytearray` or `array.array` on PyPy (its `PyObject*`): copied through cpyext's buffer
    /// API.
    Copy(capi::CRef),
    /// Anything else: the helper's memoryview.
    Other,
}

impl Exporter {
    /// What `obj` is: exactly a `bytearray`, exactly an `array.array` (elsewhere than on PyPy, of a
    /// typecode whose format is the typecode everywhere: not `'u'` or `'w'`), a numpy array that
    /// stays in place (on PyPy), or something else. On PyPy, where cpyext's buffer API is there,
    /// read from the object's `PyObject*` (`pypy.rs`); elsewhere asked in HPy calls.
    fn of(obj: Borrowed<'_, '_>, pypy: bool) -> PyResult<Exporter> {
        if let Some(api) = capi::cpyext().filter(|_| pypy) {
            if let Some(exporter) = pypy::route(api, obj)? {
                return Ok(exporter);
            }
        }
        let ctx = obj.ctx();
        let ty = obj.get_type();
        let is = |what| -> PyResult<bool> {
            let t = crate::cache::get(ctx, what)?;
            // SAFETY: live handles.
            Ok(unsafe { ffi::HPy_Is(ctx.as_ptr(), ty.raw(), t.raw()) } != 0)
        };
        if is(crate::cache::Cached::ByteArray)? {
            return Ok(Exporter::Known(Known::ByteArray, "B".to_owned(), 1));
        }
        if is(crate::cache::Cached::Array)? {
            let typecode: String = obj.getattr("typecode")?.extract()?;
            if !matches!(
                typecode.as_str(),
                "b" | "B" | "h" | "H" | "i" | "I" | "l" | "L" | "q" | "Q" | "f" | "d"
            ) {
                return Ok(Exporter::Other);
            }
            let itemsize = obj.getattr("itemsize")?.extract()?;
            return Ok(Exporter::Known(Known::Array, typecode, itemsize));
        }
        Ok(Exporter::Other)
    }
}

impl Known {
    /// A `bytes` copy of the data.
    fn copy<'py>(self, obj: Borrowed<'_, 'py>) -> PyResult<Handle<'py>> {
        match self {
            Known::ByteArray => crate::types::constant(obj.ctx(), |c| c.h_BytesType).call((obj,)),
            Known::Array => obj.call_method("tobytes", ()),
        }
    }
}

/// How many `T` items the export `v` holds, its format checked against `T`.
#[inline(always)]
fn exported_items<T: Element>(v: &capi::PyBuffer) -> PyResult<usize> {
    let (Ok(nbytes), Ok(itemsize)) = (usize::try_from(v.len), usize::try_from(v.itemsize)) else {
        return Err(PyErr::value_error(
            "the exporter gave a negative buffer size",
        ));
    };
    if mismatch_bytes::<T>(v.format(), itemsize).is_some() {
        let format = String::from_utf8_lossy(v.format()).into_owned();
        return Err(format_error::<T>(&format, itemsize));
    }
    Ok(nbytes / size_of::<T>())
}

#[cold]
fn read_only_error(obj: &Borrowed<'_, '_>) -> PyErr {
    PyErr::value_error(format!(
        "a writable buffer is required, {} is read-only",
        obj.type_name()
    ))
}

#[cold]
fn not_contiguous_error() -> PyErr {
    PyErr::value_error("the buffer must be C-contiguous")
}

#[cold]
fn format_error<T: Element>(format: &str, itemsize: usize) -> PyErr {
    let why = mismatch::<T>(format, itemsize).unwrap_or("a different item");
    PyErr::value_error(format!(
        "expected a buffer of {}-byte items ({}), got format '{format}' with {itemsize}-byte items ({why})",
        size_of::<T>(),
        std::any::type_name::<T>(),
    ))
}

/// The error for a refused `PyObject_GetBuffer` (its exception is set), in the words of the
/// Python path: `TypeError` naming the type without the buffer protocol, the read-only
/// `ValueError` for a writable request that a read-only request would have granted; any other
/// exception the exporter raised comes through as it is.
#[cold]
#[inline(never)]
fn refused_c(api: &'static capi::Buffers, obj: Borrowed<'_, '_>, writable: bool) -> PyErr {
    let c = obj.ctx().as_ptr();
    let type_error = obj.ctx().constant(|c| c.h_TypeError);
    // SAFETY: valid context; an exception is set; `type_error` is a context constant.
    if unsafe { ffi::HPyErr_ExceptionMatches(c, type_error) } != 0 {
        // SAFETY: valid context.
        unsafe { ffi::HPyErr_Clear(c) };
        return crate::convert::wrong_type(&obj, "an object with the buffer protocol");
    }
    if !writable {
        return PyErr::raised();
    }
    // SAFETY: valid context.
    unsafe { ffi::HPyErr_Clear(c) };
    // SAFETY: as in `acquire_c`.
    match unsafe { capi::CBuffer::new(api, obj.ctx(), obj.raw(), capi::FULL_RO) } {
        Ok(_readable) => read_only_error(&obj),
        Err(capi::Raised) => refused_c(api, obj, false),
    }
}

impl Drop for View<'_> {
    /// Ends the export at once: PyPy would otherwise keep the exporter exported (and a bytearray
    /// unresizable, one of our objects borrowed) until the memoryview is garbage-collected.
    fn drop(&mut self) {
        // With an exception pending, no Python code may run, and HPy 0.9 cannot set the exception
        // aside: closing the memoryview (right after this) ends the export, at once on CPython
        // and at the next GC elsewhere.
        let Some(mv) = &self.mv else {
            return; // released already
        };
        if self.ctx.err_occurred() {
            return;
        }
        let release = crate::cache::get(self.ctx, crate::cache::Cached::Release);
        if release.and_then(|r| r.call((mv.borrow(),))).is_err() {
            // SAFETY: valid context; a failed release only means the view stays exported.
            unsafe { ffi::HPyErr_Clear(self.ctx.as_ptr()) };
        }
    }
}

/// A read-only view of data owned by an object of ours, returned by a class's `__buffer__`
/// method to export it through the buffer protocol (`HPy_bf_getbuffer`): `memoryview(obj)`.
///
/// While any export is alive the object stays shared-borrowed, so its `&mut self` methods raise
/// `RuntimeError` instead of moving or freeing the exported memory (like `bytearray`'s
/// `BufferError` on resize).
///
/// ```
/// use oxhpy::buffer::Exported;
/// use oxhpy::prelude::*;
///
/// /// Samples(n): n float32 samples, exported (`memoryview(s)`, `numpy.asarray(s)`).
/// #[oxhpy::class]
/// pub struct Samples {
///     data: Vec<f32>,
/// }
///
/// #[oxhpy::methods]
/// impl Samples {
///     #[new]
///     fn new(n: usize) -> Self {
///         Samples { data: vec![0.0; n] }
///     }
///
///     fn __buffer__(&self) -> Exported<'_> {
///         Exported::of(&self.data) // format 'f'
///     }
/// }
/// ```
pub struct Exported<'a> {
    ptr: *const u8,
    nbytes: usize,
    itemsize: usize,
    format: &'a CStr,
    _data: PhantomData<&'a [u8]>,
}

/// Element types with a buffer-protocol format code, for [`Exported::of`].
///
/// ```
/// use oxhpy::buffer::Format;
///
/// assert_eq!(u8::FORMAT, c"B");
/// assert_eq!(u32::FORMAT, c"I");
/// assert_eq!(f32::FORMAT, c"f");
/// ```
///
/// # Safety
/// `FORMAT` describes exactly one `struct` item of `size_of::<Self>()` bytes, as for
/// [`Element`] (an optional prefix and one code, no repeat count): consumers of an export read
/// each item of the exported memory as `FORMAT` says, so a larger one would read past its end.
pub unsafe trait Format: Element {
    /// The `struct` format code.
    ///
    /// <!-- no example: the trait's example shows every implementation's -->
    const FORMAT: &'static CStr;
}

// SAFETY: `B` is one 1-byte item.
unsafe impl Format for u8 {
    const FORMAT: &'static CStr = c"B";
}

// SAFETY: `I` is one 4-byte item (native size, as `size_of::<u32>()` on every oxhpy target).
unsafe impl Format for u32 {
    const FORMAT: &'static CStr = c"I";
}

// SAFETY: `f` is one 4-byte item.
unsafe impl Format for f32 {
    const FORMAT: &'static CStr = c"f";
}

impl<'a> Exported<'a> {
    /// Exports `data` as a one-dimensional, C-contiguous, read-only buffer of `T`, with `T`'s
    /// [`FORMAT`](Format::FORMAT).
    ///
    /// <!-- no example: the type's example uses it -->
    pub fn of<T: Format>(data: &'a [T]) -> Self {
        Exported {
            ptr: data.as_ptr() as *const u8,
            nbytes: std::mem::size_of_val(data),
            itemsize: size_of::<T>(),
            format: T::FORMAT,
            _data: PhantomData,
        }
    }

    /// Exports `data` as a one-dimensional, C-contiguous, read-only buffer of the items `format`
    /// describes: one `struct` item with an optional prefix, as for [`Element`] (`>I`: big-endian
    /// 4-byte unsigned integers). `ValueError` for any other format or if its item size does not
    /// divide `data`'s length.
    ///
    /// ```
    /// use oxhpy::buffer::Exported;
    ///
    /// let words = [0u8, 0, 0, 1, 0, 0, 0, 2]; // 1 and 2 as big-endian u32
    /// assert!(Exported::with_format(&words, c">I").is_ok());
    /// assert!(Exported::with_format(&words[..6], c">I").is_err()); // no whole number of items
    /// assert!(Exported::with_format(&words, c"2I").is_err()); // not one item
    /// ```
    pub fn with_format(data: &'a [u8], format: &'a CStr) -> PyResult<Self> {
        match item(format.to_bytes()) {
            Some((_, itemsize, _)) if data.len() % itemsize == 0 => Ok(Exported {
                ptr: data.as_ptr(),
                nbytes: data.len(),
                itemsize,
                format,
                _data: PhantomData,
            }),
            _ => Err(PyErr::value_error(format!(
                "cannot export {} bytes as format {format:?}",
                data.len()
            ))),
        }
    }
}

/// How a class exports its data: implemented by `#[oxhpy::methods]` from `__buffer__`.
#[doc(hidden)]
pub trait Export: crate::PyClass {
    /// The data to export.
    fn export(&self) -> PyResult<Exported<'_>>;
}

const PYBUF_WRITABLE: c_int = 0x0001;
const PYBUF_FORMAT: c_int = 0x0004;
const PYBUF_ND: c_int = 0x0008;
const PYBUF_STRIDES: c_int = 0x0010 | PYBUF_ND;

/// `HPy_bf_getbuffer` for an [`Export`] class.
///
/// # Safety
/// Called by HPy with the live receiver and a buffer struct to fill.
#[doc(hidden)]
pub unsafe extern "C" fn getbuffer<T: Export>(
    ctx: *mut ffi::HPyContext,
    slf: ffi::HPy,
    view: *mut ffi::HPy_buffer,
    flags: c_int,
) -> c_int {
    // SAFETY: the interpreter passes its live context, receiver and buffer struct.
    unsafe {
        // The protocol's rule: on failure `obj` is NULL. (GraalPy's debug mode closes whatever
        // `obj` holds after a failed request: a stale value there crashed it.)
        (*view).obj = ffi::HPy_NULL;
        crate::trampoline::run(ctx, |py| {
            if flags & PYBUF_WRITABLE != 0 {
                return Err(PyErr::new(
                    Exc::BufferError,
                    format!("{} objects export read-only buffers", T::NAME),
                ));
            }
            // The shared borrow lives until releasebuffer: the exported memory cannot change.
            let guard = crate::class::borrow_self::<T>(py, slf)?;
            let e = guard.export()?;
            // shape[0] and strides[0] live in the object, which the export keeps alive.
            let n = (e.nbytes / e.itemsize.max(1)) as ffi::HPy_ssize_t;
            let dims = crate::class::begin_export::<T>(py, slf, [n, e.itemsize as _])?;
            let v = &mut *view;
            v.buf = e.ptr as *mut c_void;
            v.obj = ffi::HPy_Dup(py.as_ptr(), slf);
            v.len = e.nbytes as _;
            v.itemsize = e.itemsize as _;
            v.readonly = 1;
            v.ndim = 1;
            v.format = if flags & PYBUF_FORMAT != 0 {
                e.format.as_ptr() as *mut _
            } else {
                std::ptr::null_mut()
            };
            v.shape = if flags & PYBUF_ND != 0 {
                dims as *mut ffi::HPy_ssize_t
            } else {
                std::ptr::null_mut()
            };
            v.strides = if flags & PYBUF_STRIDES == PYBUF_STRIDES {
                dims.add(1)
            } else {
                std::ptr::null_mut()
            };
            v.suboffsets = std::ptr::null_mut();
            v.internal = std::ptr::null_mut();
            std::mem::forget(guard);
            Ok(0)
        })
    }
}

/// `HPy_bf_releasebuffer` for an [`Export`] class: ends the borrow `getbuffer` took.
///
/// # Safety
/// Called by HPy with the receiver and a buffer struct that `getbuffer::<T>` filled.
#[doc(hidden)]
pub unsafe extern "C" fn releasebuffer<T: Export>(
    ctx: *mut ffi::HPyContext,
    slf: ffi::HPy,
    view: *mut ffi::HPy_buffer,
) {
    let _ = view;
    // SAFETY: `slf` is the exporting object, alive (the export holds it); getbuffer's export and
    // borrow are still counted.
    unsafe { crate::class::end_export::<T>(Ctx::from_raw(ctx), slf) }
}

/// Marker types for the buffer slots of class `T` (used by `#[oxhpy::methods]`).
#[doc(hidden)]
pub struct GetBufferEntry<T>(PhantomData<T>);
/// See [`GetBufferEntry`].
#[doc(hidden)]
pub struct ReleaseBufferEntry<T>(PhantomData<T>);

/// `HPyFunc_GETBUFFERPROC`.
type GetBufferImpl =
    unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy, *mut ffi::HPy_buffer, c_int) -> c_int;
/// `HPyFunc_RELEASEBUFFERPROC`.
type ReleaseBufferImpl = unsafe extern "C" fn(*mut ffi::HPyContext, ffi::HPy, *mut ffi::HPy_buffer);

// SAFETY: IMPL is `getbuffer::<T>`, an `HPyFunc_GETBUFFERPROC` impl, as `cpy_getbuffer` expects.
unsafe impl<T: Export> crate::trampoline::Entry for GetBufferEntry<T> {
    // SAFETY: a function pointer of type `GetBufferImpl`, the signature recorded with it.
    const IMPL: ffi::HPyCFunction =
        unsafe { crate::__cfunc!(getbuffer::<T> as GetBufferImpl, GetBufferImpl) };
}

// SAFETY: IMPL is `releasebuffer::<T>`, an `HPyFunc_RELEASEBUFFERPROC` impl, as
// `cpy_releasebuffer` expects.
unsafe impl<T: Export> crate::trampoline::Entry for ReleaseBufferEntry<T> {
    // SAFETY: a function pointer of type `ReleaseBufferImpl`, the signature recorded with it.
    const IMPL: ffi::HPyCFunction =
        unsafe { crate::__cfunc!(releasebuffer::<T> as ReleaseBufferImpl, ReleaseBufferImpl) };
}

#[cfg(test)]
mod tests {
    use super::{mismatch, Element, Format};

    fn accepted<T: Element>(formats: &str) -> Vec<&str> {
        let ok = |f: &&str| mismatch::<T>(f, size_of::<T>()).is_none();
        formats.split(' ').filter(ok).collect()
    }

    #[test]
    #[cfg(all(target_endian = "little", target_pointer_width = "64", not(windows)))]
    fn formats_read_as_struct_does() {
        let all = ["", "@", "=", "<", ">", "!"]
            .map(|p| "cbB?hHiIlLqQnNPefd".chars().map(move |c| format!("{p}{c}")));
        let all = all.into_iter().flatten().collect::<Vec<_>>().join(" ");
        let bytes = "c b B @c @b @B =c =b =B <c <b <B >c >b >B !c !b !B";
        assert_eq!(accepted::<u8>(&all).join(" "), bytes);
        assert_eq!(accepted::<u32>(&all).join(" "), "I @I =I =L <I <L");
        assert_eq!(accepted::<f32>(&all).join(" "), "f @f =f <f");
        let odd = "2I 1I I< <<I ^I T{I} I: x s 4s Zf";
        assert!(accepted::<u32>(odd).is_empty());
        assert!(mismatch::<u32>("I", 8).is_some()); // an exporter's item size must agree
        fn own<T: Format>() -> bool {
            mismatch::<T>(T::FORMAT.to_str().unwrap(), size_of::<T>()).is_none()
        }
        assert!(own::<u8>() && own::<u32>() && own::<f32>()); // what we export, we read

        // The `bytes` fast path is taken exactly where format 'B' is accepted.
        assert!(super::takes_bytes::<u8>() && mismatch::<u8>("B", 1).is_none());
        assert!(!super::takes_bytes::<u32>() && mismatch::<u32>("B", 1).is_some());
        assert!(!super::takes_bytes::<f32>() && mismatch::<f32>("B", 1).is_some());
    }
}
