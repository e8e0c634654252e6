"""oxhpy_kernels: numeric kernels written in Rust with oxhpy.

One HPy universal binary (``_native.hpy0.so``) serves CPython, PyPy and GraalPy.
Set ``HPY=debug`` (or ``HPY=oxhpy_kernels._native:debug``) to load it in HPy's debug mode.

Threads: ``sum_bytes``, ``sum_u32`` and ``saxpy`` release the interpreter for inputs of 64 KiB or
more and then work on the buffers in place, as numpy's ufuncs do. While one runs, no other thread
may write its buffers (nor read ``saxpy``'s output): that would be a data race. Other calls into
these kernels that would touch the same memory meanwhile raise ``BufferError``.
"""

from oxhpy_kernels._native import (
    Mult,
    PanicException,
    XorCodec,
    add,
    div_floor,
    saxpy,
    scale_inplace,
    sum_bytes,
    sum_u32,
)

__all__ = [
    "Mult",
    "PanicException",
    "XorCodec",
    "add",
    "div_floor",
    "saxpy",
    "scale_inplace",
    "sum_bytes",
    "sum_u32",
]
