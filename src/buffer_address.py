"""Where oxhpy finds the memory behind a memoryview without copying it (used by src/buffer.rs).

`address(mv, writable)` returns the address of `mv`'s data when that memory stays in place for as
long as `mv` is held (not moved, resized or freed), and None when the caller must copy instead.
"""

import sys

_IMPL = sys.implementation.name
try:
    # Bundled with PyPy; on CPython present when cffi is installed.
    from _cffi_backend import FFI

    _ffi = FFI()
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


def address(mv, writable):
    if _ffi is not None and (_IMPL == "cpython" or (_IMPL == "pypy" and _stays_on_pypy(mv.obj))):
        # On CPython `mv` holds an export, which pins the exporter (resizing raises BufferError).
        return int(_ffi.cast("uintptr_t", _ffi.from_buffer("char[]", mv, writable)))
    if _IMPL == "cpython" and not mv.readonly:
        return ctypes.addressof((ctypes.c_char * mv.nbytes).from_buffer(mv))
    return None
