"""Benchmark peer: the four functions in pure Python (no overflow check: Python ints are unbounded)."""


def noop():
    pass


def add(a, b, /):
    return a + b


def add_kw(a, b):
    return a + b


def sum_bytes(buf):
    return sum(memoryview(buf).cast("B"))
