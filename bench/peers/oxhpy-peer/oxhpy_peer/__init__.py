"""Benchmark peer: the four functions as an oxhpy user crate (HPy universal)."""

from ._native import add, add_kw, noop, sum_bytes

__all__ = ["add", "add_kw", "noop", "sum_bytes"]
