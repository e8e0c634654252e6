"""oxhpy_kernels: numeric kernels written in Rust with oxhpy.

One HPy universal binary (``_native.hpy0.so``) serves CPython, PyPy and GraalPy.
Set ``HPY=debug`` (or ``HPY=oxhpy_kernels._native:debug``) to load it in HPy's debug mode.
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
