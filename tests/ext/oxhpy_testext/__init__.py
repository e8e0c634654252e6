"""The test extension of oxhpy: ``oxhpy_testext._native`` re-exported.

One small function per public behaviour of the oxhpy safe layer; see ``tests/ext/src/lib.rs``.
"""

from oxhpy_testext._native import *  # noqa: F403
from oxhpy_testext._native import MyError, MyValueError, PanicException  # noqa: F401
