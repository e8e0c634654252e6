"""Benchmark peer: numpy where it has the operation (``np.add``; ``ndarray.sum`` on arrays only)."""

import numpy as np

add = np.add
# Called as sum_bytes(arr), this is arr.sum() (uint8 sums to uint64).
sum_bytes = np.ndarray.sum
