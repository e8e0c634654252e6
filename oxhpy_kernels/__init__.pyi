from typing_extensions import Buffer

class PanicException(BaseException):
    """A Rust panic inside the extension."""

def add(a: int, b: int) -> int:
    """Sum of two 64-bit signed integers; OverflowError if an argument or the result does not fit."""

def div_floor(a: int, b: int) -> int:
    """Floor division of 64-bit signed integers with Python's semantics."""

def sum_bytes(data: Buffer) -> int:
    """Sum of the unsigned byte values of any C-contiguous buffer with 1-byte items."""

def scale_inplace(data: Buffer, factor: int) -> None:
    """Each byte becomes (byte * factor) % 256, in place; factor must fit a 32-bit C int."""

def saxpy(dst: Buffer, x: Buffer, y: Buffer, a: float) -> None:
    """dst[i] = a*x[i] + y[i] in float32 over equal-length 'f' buffers; dst may alias x or y."""

def sum_u32(a: Buffer) -> int:
    """Exact sum of a C-contiguous buffer of 4-byte unsigned integers."""

class Mult:
    """Mult(factor=1): a callable that multiplies one int by factor (64-bit, checked)."""

    def __init__(self, factor: int = 1) -> None: ...
    @property
    def factor(self) -> int: ...
    def __call__(self, x: int, /) -> int: ...

class XorCodec:
    """XorCodec(key): XORs bytes with a one-byte key (0..255)."""

    def __init__(self, key: int) -> None: ...
    @property
    def key(self) -> int: ...
    def apply_inplace(self, buf: Buffer) -> None: ...
