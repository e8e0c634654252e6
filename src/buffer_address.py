"""How oxhpy looks at a buffer (used by src/buffer.rs) where the interpreter's own buffer API is not
used: on GraalPy, on PyPy for everything but a numpy array whose memory stays in place
(src/buffer/numpy.rs, the same rule as `_stays_on_pypy` here), and on CPython only if
`PyObject_GetBuffer` was not found. One call per view,
so that the Rust side crosses into Python as few times as possible.

`view(obj, writable)` takes `memoryview(obj)` and returns it with its layout and, when the memory
behind it stays in place for as long as the memoryview is held (not moved, resized or freed), its
address; None as the address means the caller must copy instead.
"""

import sys

# "cpython", "pypy" or "graalpy", set by src/cache.rs from what oxhpy read off the HPy context: never
# `sys.implementation.name`, which a program can reassign (a GraalPy told it is CPython would take
# ctypes addresses of memory that can move).
_IMPL = globals()["_OXHPY_IMPL"]
try:
    # Bundled with PyPy; on CPython present when cffi is installed.
    from _cffi_backend import FFI

    _ffi = FFI()
    _CHARS, _UINTPTR = _ffi.typeof("char[]"), _ffi.typeof("uintptr_t")
except ImportError:
    _ffi = None
if _IMPL == "cpython":
    import ctypes


def _stays_on_pypy(obj):
    """Whether PyPy keeps `obj`'s buffer in place while it is exported.

    PyPy's own `bytearray`, `array.array` and `mmap` can be resized while exported, so only
    immutable `bytes` and numpy arrays over memory numpy owns (numpy refuses to resize an array
    with `refcheck` on PyPy) or over `bytes` qualify.
    """
    np = sys.modules.get("numpy")
    while np is not None and isinstance(obj, np.ndarray):
        if obj.flags.owndata:
            return True
        obj = obj.base
    return type(obj) is bytes


def _address(mv, writable):
    if _ffi is not None and (_IMPL == "cpython" or (_IMPL == "pypy" and _stays_on_pypy(mv.obj))):
        # On CPython `mv` holds an export, which pins the exporter (resizing raises BufferError).
        return int(_ffi.cast(_UINTPTR, _ffi.from_buffer(_CHARS, mv, writable)))
    if _IMPL == "cpython" and not mv.readonly:
        return ctypes.addressof((ctypes.c_char * mv.nbytes).from_buffer(mv))
    return None


def view(obj, writable):
    """(mv, (readonly, c_contiguous), (nbytes, itemsize), format, address, copy), or None if `obj` does
    not support the buffer protocol. The address is only looked for where the view is usable.

    A usable read-only view without an address (the data must be copied) comes as `copy`,
    `mv.tobytes()`, with the memoryview already released (returned as None; not on GraalPy): one
    crossing instead of three. A writable view is copied and written back by the caller, in HPy
    calls with no Python code between them: Python code may switch threads, and on PyPy another
    thread could then resize the exporter between the copy and its write-back."""
    try:
        mv = memoryview(obj)
    except TypeError:
        return None
    readonly, contiguous, nbytes = mv.readonly, mv.c_contiguous, mv.nbytes
    usable = contiguous and nbytes and not (writable and readonly)
    address = _address(mv, writable) if usable else None
    itemsize, fmt = mv.itemsize, mv.format
    copy = None
    if usable and address is None and not writable:
        copy = mv.tobytes()
        # GraalPy reads `mv.format` of an HPy exporter lazily from the exporter's memory, which the
        # release frees: there the caller releases the memoryview once it has read the format.
        if _IMPL != "graalpy":
            mv.release()
            mv = None
    return mv, (readonly, contiguous), (nbytes, itemsize), fmt, address, copy
