//! CPython's own C API, looked up in the running process (never linked), for the paths where it
//! is much cheaper than HPy's: buffer views ([`buffer`](crate::buffer)) and the iteration of an
//! exact `list`, `tuple` or `dict` ([`PyList::iter`](crate::PyList::iter),
//! [`PyDict::items`](crate::PyDict::items)).
//!
//! A universal binary must not link C-API symbols (that would tie it to one interpreter), so they
//! are found with `dlsym(RTLD_DEFAULT, ..)`, once per process, and only where the module runs on
//! CPython as [`Interpreter`] decided it from the interpreter's own calls (the context's name, and
//! `HPyInitGlobalContext_<name>`, which CPython's `hpy.universal` calls in every mode and GraalPy
//! never does: a GraalPy program that sets `sys.implementation.name = "cpython"` still gets the
//! HPy path). If any function is missing, or before the module initialised, there is no API and
//! every caller takes its HPy path.
//!
//! A `PyObject*` comes from `HPy_AsPyObject` (a new reference, in universal, debug and trace mode
//! alike) and goes back with `HPy_FromPyObject`; an exception CPython raises is set in the same
//! thread state HPy reads.
use crate::context::{Ctx, Interpreter};
use hpy_sys as ffi;
use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::OnceLock;

pub(crate) type PyObject = ffi::cpy_PyObject;

type GetBuffer = unsafe extern "C" fn(*mut PyObject, *mut c_void, c_int) -> c_int;
type ReleaseBuffer = unsafe extern "C" fn(*mut c_void);
type DecRef = unsafe extern "C" fn(*mut PyObject);
type Size = unsafe extern "C" fn(*mut PyObject) -> isize;
type GetItem = unsafe extern "C" fn(*mut PyObject, isize) -> *mut PyObject;
type ObjectType = unsafe extern "C" fn(*mut PyObject) -> *mut PyObject;
type DictNext = unsafe extern "C" fn(
    *mut PyObject,
    *mut isize,
    *mut *mut PyObject,
    *mut *mut PyObject,
) -> c_int;

/// The buffer protocol's functions: CPython's, or cpyext's on PyPy (the same C signatures, there
/// under names prefixed `PyPy`, exported by `libpypy3.11-c.so`).
pub(crate) struct Buffers {
    /// `int PyObject_GetBuffer(PyObject *, Py_buffer *, int)`.
    pub get_buffer: GetBuffer,
    /// `void PyBuffer_Release(Py_buffer *)`.
    pub release_buffer: ReleaseBuffer,
    /// `void Py_DecRef(PyObject *)`.
    pub decref: DecRef,
}

/// The functions, found in this process. Their C signatures (above, by type) are those of CPython
/// 3.9 to 3.15.
pub(crate) struct Api {
    /// `PyObject_GetBuffer`, `PyBuffer_Release`, `Py_DecRef`.
    pub buffers: Buffers,
    /// `Py_ssize_t PyList_Size(PyObject *)`.
    pub list_size: Size,
    /// `PyObject *PyList_GetItem(PyObject *, Py_ssize_t)`: a borrowed reference.
    pub list_get: GetItem,
    /// `Py_ssize_t PyTuple_Size(PyObject *)`.
    pub tuple_size: Size,
    /// `PyObject *PyTuple_GetItem(PyObject *, Py_ssize_t)`: a borrowed reference.
    pub tuple_get: GetItem,
    /// `Py_ssize_t PyDict_Size(PyObject *)`.
    pub dict_size: Size,
    /// `int PyDict_Next(PyObject *, Py_ssize_t *, PyObject **, PyObject **)`: borrowed references.
    pub dict_next: DictNext,
    /// `PyObject *PyObject_Type(PyObject *)`: a new reference.
    object_type: ObjectType,
    /// The addresses of `PyList_Type`, `PyTuple_Type` and `PyDict_Type` (compared, never read).
    pub list_type: usize,
    pub tuple_type: usize,
    pub dict_type: usize,
    /// Whether the module runs in HPy's debug (or trace) mode.
    pub debug: bool,
}

impl Api {
    /// Our new reference to the `PyObject*` of `h` if its type is exactly the one at `ty` (one of
    /// `list_type`, `tuple_type`, `dict_type`), else `None`.
    ///
    /// # Safety
    /// `h` is a live handle of `ctx`, whose call is in progress on this thread.
    #[inline]
    pub(crate) unsafe fn exact(
        &self,
        ctx: Ctx<'_>,
        h: ffi::HPy,
        ty: usize,
    ) -> Option<*mut PyObject> {
        // SAFETY: per the contract; a new reference (never NULL for a live handle).
        let obj = unsafe { ffi::HPy_AsPyObject(ctx.as_ptr(), h) };
        if obj.is_null() {
            return None;
        }
        // a live object; its type, a new reference, is dropped at once (the object keeps
        // its type alive).
        // SAFETY: the conditions just above.
        let same = unsafe {
            let t = (self.object_type)(obj);
            (self.buffers.decref)(t);
            t as usize == ty
        };
        if same {
            return Some(obj);
        }
        // SAFETY: our reference, dropped once (`Py_DecRef`); the caller's handle keeps it alive.
        unsafe { (self.buffers.decref)(obj) };
        None
    }
}

static API: OnceLock<Option<Api>> = OnceLock::new();

/// The API, if this is CPython and it was found (see the module docs).
#[inline]
pub(crate) fn api() -> Option<&'static Api> {
    once(&API, |i| {
        let mut api = if i.pypy || i.graalpy { None } else { lookup() };
        if let Some(api) = &mut api {
            api.debug = i.debug;
        }
        api
    })
}

static CPYEXT: OnceLock<Option<Buffers>> = OnceLock::new();

/// cpyext's buffer functions, if this is PyPy and they were found (in the process of every PyPy
/// that has cpyext, loaded or not; they are only called on an object that a C extension made, so
/// cpyext is then running).
#[inline]
pub(crate) fn cpyext() -> Option<&'static Buffers> {
    once(
        &CPYEXT,
        |i| if i.pypy { lookup_buffers("PyPy") } else { None },
    )
}

/// What `cell` holds, made by `make` at the first call after the module's init noted the
/// interpreter (before that: undecided, `None`, the HPy path for now).
#[inline]
fn once<T>(
    cell: &'static OnceLock<Option<T>>,
    make: fn(Interpreter) -> Option<T>,
) -> Option<&'static T> {
    match cell.get() {
        Some(v) => v.as_ref(),
        None => decide(cell, make),
    }
}

#[cold]
fn decide<T>(
    cell: &'static OnceLock<Option<T>>,
    make: fn(Interpreter) -> Option<T>,
) -> Option<&'static T> {
    let i = Interpreter::noted()?;
    cell.get_or_init(|| make(i)).as_ref()
}

/// `RTLD_DEFAULT`: glibc and musl `((void *) 0)`, the BSDs and Apple `((void *) -2)`.
#[cfg(target_os = "linux")]
const RTLD_DEFAULT: *mut c_void = std::ptr::null_mut();
#[cfg(all(unix, not(target_os = "linux")))]
const RTLD_DEFAULT: *mut c_void = -2isize as *mut c_void;

/// The address of the symbol `name` in this process, if any.
#[cfg(unix)]
pub(crate) fn find(name: &CStr) -> Option<*mut c_void> {
    extern "C" {
        fn dlsym(handle: *mut c_void, symbol: *const c_char) -> *mut c_void;
    }
    // SAFETY: dlsym only searches the loaded objects' symbol tables for a NUL-terminated name.
    let p = unsafe { dlsym(RTLD_DEFAULT, name.as_ptr()) };
    (!p.is_null()).then_some(p)
}

/// The C API's function `$name` as the function pointer type `$ty`, or `None` from the enclosing
/// function if it is missing.
macro_rules! function {
    ($name:expr, $ty:ty) => {{
        let p = find($name)?;
        // this symbol is the C API's function of the signature `$ty` describes (the list at
        // `Api`'s and `Buffers`' members: CPython 3.9-3.15, and cpyext's `PyPy` names).
        // SAFETY: the conditions just above.
        unsafe { std::mem::transmute::<*mut c_void, $ty>(p) }
    }};
}

/// The buffer functions under the names `{prefix}Object_GetBuffer`, `{prefix}Buffer_Release`
/// and `{prefix}_DecRef` (`Py` on CPython, `PyPy` on PyPy).
#[cfg(unix)]
fn lookup_buffers(prefix: &str) -> Option<Buffers> {
    let name = |rest: &str| std::ffi::CString::new(format!("{prefix}{rest}")).ok();
    Some(Buffers {
        get_buffer: function!(&name("Object_GetBuffer")?, GetBuffer),
        release_buffer: function!(&name("Buffer_Release")?, ReleaseBuffer),
        decref: function!(&name("_DecRef")?, DecRef),
    })
}

#[cfg(unix)]
fn lookup() -> Option<Api> {
    Some(Api {
        buffers: lookup_buffers("Py")?,
        list_size: function!(c"PyList_Size", Size),
        list_get: function!(c"PyList_GetItem", GetItem),
        tuple_size: function!(c"PyTuple_Size", Size),
        tuple_get: function!(c"PyTuple_GetItem", GetItem),
        dict_size: function!(c"PyDict_Size", Size),
        dict_next: function!(c"PyDict_Next", DictNext),
        object_type: function!(c"PyObject_Type", ObjectType),
        list_type: find(c"PyList_Type")? as usize,
        tuple_type: find(c"PyTuple_Type")? as usize,
        dict_type: find(c"PyDict_Type")? as usize,
        debug: false,
    })
}

#[cfg(not(unix))]
fn lookup() -> Option<Api> {
    None
}

#[cfg(not(unix))]
fn lookup_buffers(_prefix: &str) -> Option<Buffers> {
    None
}

#[cfg(not(unix))]
pub(crate) fn find(_name: &CStr) -> Option<*mut c_void> {
    None
}
