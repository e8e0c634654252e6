//! Buffers in the universal ABI: typed views of any object with the buffer protocol.
//!
//! HPy 0.9 has no buffer *consumer* API, so a view is taken through Python itself:
//! `memoryview(obj)` gives the layout (format, item size, contiguity, read-only flag), and the data
//! is reached in the cheapest way that is safe on the running interpreter:
//!
//! | object | read | write |
//! |---|---|---|
//! | `bytes` | zero-copy (`HPyBytes_AsString`; immutable) | refused: read-only |
//! | writable buffer, CPython | zero-copy (`ctypes` `from_buffer`; the export pins the object) | zero-copy |
//! | anything else | copied in (`memoryview.tobytes()`) | copied in, then written back |
//!
//! On PyPy and GraalPy an exported `bytearray` or `array.array` can still be resized (measured:
//! no `BufferError`), so a raw pointer into it could dangle; those interpreters get the copy path
//! for everything but `bytes`. Every view lives only inside the closure given to [`read`] or
//! [`write`], while the objects that pin it are held.
use crate::context::Ctx;
use crate::err::{Exc, PyErr, PyResult};
use crate::handle::{AsHandle, Borrowed, Handle, Object};
use hpy_sys as ffi;

/// Element types a buffer can be viewed as.
pub trait Element: Copy + Send + Sync + 'static {
    /// The item size in bytes.
    const SIZE: usize = std::mem::size_of::<Self>();
    /// Whether a memoryview `format` holds this element type (checked with the item size).
    fn format_ok(format: &str) -> bool;
}

fn bare(format: &str) -> &str {
    format.trim_start_matches(['@', '=', '<', '>', '!'])
}

impl Element for u8 {
    fn format_ok(_: &str) -> bool {
        true // any 1-byte item (B, b, c, ?, ...) is a byte
    }
}

impl Element for u32 {
    fn format_ok(format: &str) -> bool {
        matches!(bare(format), "I" | "L")
    }
}

impl Element for f32 {
    fn format_ok(format: &str) -> bool {
        bare(format) == "f"
    }
}

/// Runs `f` on a read-only view of `obj` as `[T]`.
pub fn read<'py, T: Element, R>(obj: Borrowed<'_, 'py>, f: impl FnOnce(&[T]) -> R) -> PyResult<R> {
    let ctx = obj.ctx();
    // SAFETY: live handle.
    if unsafe { ffi::HPyBytes_Check(ctx.as_ptr(), obj.raw()) } != 0 {
        let bytes: &[u8] = obj.extract()?;
        return with_bytes(bytes, f);
    }
    let mut view = View::new(obj, false)?;
    view.check::<T>()?;
    if let Some(addr) = view.address()? {
        // SAFETY: `addr` points to `nbytes` bytes pinned by `view` for as long as it lives (below);
        // item size and format were checked; memoryview data is suitably aligned for its format.
        let data = unsafe { std::slice::from_raw_parts(addr as *const T, view.nbytes / T::SIZE) };
        let r = f(data);
        drop(view);
        return Ok(r);
    }
    let copy = view.mv.call_method("tobytes", ())?;
    let bytes: &[u8] = copy.extract()?;
    with_bytes(bytes, f)
}

/// Runs `f` on a writable view of `obj` as `[T]`; the changes land in `obj`.
pub fn write<'py, T: Element, R>(
    obj: Borrowed<'_, 'py>,
    f: impl FnOnce(&mut [T]) -> R,
) -> PyResult<R> {
    let mut view = View::new(obj, true)?;
    view.check::<T>()?;
    if let Some(addr) = view.address()? {
        // SAFETY: as in `read`; the buffer is writable and nothing else touches it during `f`
        // (we hold the interpreter, or the caller released it only around `f`).
        let data = unsafe { std::slice::from_raw_parts_mut(addr as *mut T, view.nbytes / T::SIZE) };
        let r = f(data);
        drop(view);
        return Ok(r);
    }
    let copy = view.mv.call_method("tobytes", ())?;
    let bytes: &[u8] = copy.extract()?;
    let mut items: Vec<T> = to_items(bytes);
    let r = f(&mut items);
    // SAFETY: `items` is plain data; viewing it as bytes is always valid.
    let out =
        unsafe { std::slice::from_raw_parts(items.as_ptr() as *const u8, items.len() * T::SIZE) };
    let out = crate::IntoPy::into_py(out, view.ctx)?;
    let bytes_view = view
        .ctx
        .builtins_fn("memoryview")?
        .call((out,))?
        .call_method("cast", ("B",))?;
    let target = view.mv.call_method("cast", ("B",))?;
    let all = slice_all(view.ctx)?;
    // SAFETY: live handles; HPy_SetItem returns -1 with an error set on failure.
    if unsafe { ffi::HPy_SetItem(view.ctx.as_ptr(), target.raw(), all.raw(), bytes_view.raw()) } < 0
    {
        return Err(PyErr::raised());
    }
    Ok(r)
}

fn with_bytes<T: Element, R>(bytes: &[u8], f: impl FnOnce(&[T]) -> R) -> PyResult<R> {
    if bytes.len() % T::SIZE != 0 {
        return Err(PyErr::value_error(format!(
            "buffer size {} is not a multiple of {}",
            bytes.len(),
            T::SIZE
        )));
    }
    if (bytes.as_ptr() as usize) % std::mem::align_of::<T>() == 0 {
        // SAFETY: aligned, in bounds, T is plain data valid for any bit pattern.
        return Ok(f(unsafe {
            std::slice::from_raw_parts(bytes.as_ptr() as *const T, bytes.len() / T::SIZE)
        }));
    }
    Ok(f(&to_items::<T>(bytes)))
}

fn to_items<T: Element>(bytes: &[u8]) -> Vec<T> {
    let n = bytes.len() / T::SIZE;
    let mut v: Vec<T> = Vec::with_capacity(n);
    // SAFETY: copying n * SIZE bytes into capacity for n plain-data elements, then setting len.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), v.as_mut_ptr() as *mut u8, n * T::SIZE);
        v.set_len(n);
    }
    v
}

fn slice_all(ctx: Ctx<'_>) -> PyResult<Handle<'_>> {
    ctx.builtins_fn("slice")?.call((ctx.none(),))
}

/// `memoryview(obj)` and what was read from it.
struct View<'py> {
    ctx: Ctx<'py>,
    mv: Handle<'py>,
    nbytes: usize,
    itemsize: usize,
    format: String,
    /// The object holding the pointer (ctypes array), pinning the export while it lives.
    pin: Option<Handle<'py>>,
}

impl<'py> View<'py> {
    fn new(obj: Borrowed<'_, 'py>, writable: bool) -> PyResult<Self> {
        let ctx = obj.ctx();
        let memoryview = ctx.builtins_fn("memoryview")?;
        let mv = match memoryview.call((obj,)) {
            Ok(mv) => mv,
            Err(e) => {
                // SAFETY: valid context; replace "memoryview: a bytes-like object is required".
                if unsafe { ffi::HPyErr_ExceptionMatches(ctx.as_ptr(), Exc::TypeError.handle(ctx)) }
                    != 0
                {
                    unsafe { ffi::HPyErr_Clear(ctx.as_ptr()) };
                    return Err(crate::convert::wrong_type(
                        &obj,
                        "an object with the buffer protocol",
                    ));
                }
                return Err(e);
            }
        };
        let readonly: bool = mv.getattr("readonly")?.extract()?;
        if writable && readonly {
            return Err(PyErr::value_error(format!(
                "a writable buffer is required, {} is read-only",
                obj.type_name()
            )));
        }
        if !mv.getattr("c_contiguous")?.extract::<bool>()? {
            return Err(PyErr::value_error("the buffer must be C-contiguous"));
        }
        Ok(View {
            ctx,
            nbytes: mv.getattr("nbytes")?.extract()?,
            itemsize: mv.getattr("itemsize")?.extract()?,
            format: mv.getattr("format")?.extract()?,
            mv,
            pin: None,
        })
    }

    fn check<T: Element>(&self) -> PyResult<()> {
        if self.itemsize != T::SIZE || !T::format_ok(&self.format) {
            return Err(PyErr::value_error(format!(
                "expected a buffer of {}-byte items ({}), got format '{}' with {}-byte items",
                T::SIZE,
                std::any::type_name::<T>(),
                self.format,
                self.itemsize
            )));
        }
        Ok(())
    }

    /// A zero-copy address, when the running interpreter keeps it valid (see the module docs).
    fn address(&mut self) -> PyResult<Option<usize>> {
        if self.nbytes == 0 || !self.writable_export_pins() {
            return Ok(None);
        }
        let readonly: bool = self.mv.getattr("readonly")?.extract()?;
        if readonly {
            return Ok(None);
        }
        let ctypes = self.ctx.import("ctypes")?;
        let array_type = ctypes
            .getattr("c_char")?
            .call_method("__mul__", (self.nbytes,))?;
        let array = array_type.call_method("from_buffer", (self.mv.borrow(),))?;
        let addr: usize = ctypes
            .getattr("addressof")?
            .call((array.borrow(),))?
            .extract()?;
        self.pin = Some(array);
        Ok(Some(addr))
    }

    /// Whether holding an export keeps the exporter from being resized or freed (CPython).
    fn writable_export_pins(&self) -> bool {
        crate::context::is_cpython(self.ctx)
    }
}
