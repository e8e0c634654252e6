"""ujson's API (``dumps``, ``loads``, ``dump``, ``load``, ``JSONDecodeError``) in Rust with oxhpy: one HPy
universal binary (``ujson/_native.hpy0.so``) for CPython, PyPy and GraalPy."""

from ._native import JSONDecodeError, __version__, dump, dumps, load, loads

# ujson's other names of dumps and loads.
encode = dumps
decode = loads

JSONDecodeError.__module__ = "ujson"

__all__ = ["JSONDecodeError", "__version__", "decode", "dump", "dumps", "encode", "load", "loads"]
