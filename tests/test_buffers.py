"""Buffers in the universal ABI: sum_bytes, scale_inplace, XorCodec.apply_inplace on every buffer type."""

import array
import random

import pytest

import oxhpy_kernels as k

RNG = random.Random(4)
DATA = bytes(RNG.getrandbits(8) for _ in range(1000)) + b"\xff" * 70000


def readable(data):
    """The same bytes as every kind of 1-byte-item, C-contiguous buffer."""
    return {
        "bytes": bytes(data),
        "bytearray": bytearray(data),
        "memoryview": memoryview(bytes(data)),
        "memoryview-slice": memoryview(b"xx" + bytes(data) + b"yyy")[2:-3],
        "array-B": array.array("B", data),
        "array-b": array.array("b", bytes(data)),
        "cast": memoryview(bytearray(data)).cast("c"),
    }


def writable(data):
    return {
        "bytearray": bytearray(data),
        "memoryview": memoryview(bytearray(data)),
        "memoryview-slice": memoryview(bytearray(b"xx" + bytes(data) + b"yyy"))[2:-3],
        "array-B": array.array("B", data),
    }


@pytest.mark.parametrize("n", [0, 1, 7, 64, 1000, len(DATA)])
def test_sum_bytes_every_buffer_type(n):
    for kind, buf in readable(DATA[:n]).items():
        assert k.sum_bytes(buf) == sum(DATA[:n]), kind


@pytest.mark.parametrize("factor", [0, 1, 2, 3, 255, 256, -1, -7, 2**31 - 1, -(2**31)])
def test_scale_inplace(factor):
    for kind, buf in writable(DATA[:300]).items():
        k.scale_inplace(buf, factor)
        assert bytes(buf) == bytes((b * factor) % 256 for b in DATA[:300]), kind


def test_xor_apply_inplace_roundtrip():
    codec = k.XorCodec(0x5A)
    for kind, buf in writable(DATA).items():
        codec.apply_inplace(buf)
        assert bytes(buf) == bytes(b ^ 0x5A for b in DATA), kind
        codec.apply_inplace(buf)
        assert bytes(buf) == DATA, kind


def test_writes_reach_the_exporter_through_slices():
    ba = bytearray(b"\x01\x02\x03\x04")
    k.scale_inplace(memoryview(ba)[1:3], 10)
    assert ba == bytearray(b"\x01\x14\x1e\x04")


@pytest.mark.parametrize("bad", [1, 1.5, "abc", None, [1, 2], object()])
def test_not_a_buffer(bad):
    with pytest.raises(TypeError, match="argument 'data'"):
        k.sum_bytes(bad)
    with pytest.raises(TypeError, match="argument 'data'"):
        k.scale_inplace(bad, 2)
    with pytest.raises(TypeError, match="argument 'buf'"):
        k.XorCodec(1).apply_inplace(bad)


@pytest.mark.parametrize(
    "bad",
    [
        array.array("I", [1, 2]),
        array.array("d", [1.0]),
        memoryview(bytearray(8)).cast("H"),
    ],
)
def test_wrong_item_size(bad):
    before = bytes(memoryview(bad).cast("B"))
    with pytest.raises(ValueError, match="1-byte items"):
        k.sum_bytes(bad)
    with pytest.raises(ValueError, match="1-byte items"):
        k.scale_inplace(bad, 3)
    assert bytes(memoryview(bad).cast("B")) == before


def test_non_contiguous():
    ba = bytearray(range(10))
    with pytest.raises(ValueError, match="C-contiguous"):
        k.sum_bytes(memoryview(ba)[::2])
    with pytest.raises(ValueError, match="C-contiguous"):
        k.scale_inplace(memoryview(ba)[::2], 2)
    assert ba == bytearray(range(10))


@pytest.mark.parametrize("ro", [b"abc", memoryview(b"abc"), memoryview(bytearray(b"abc")).toreadonly()])
def test_read_only_where_writing_is_needed(ro):
    with pytest.raises(ValueError, match="writable"):
        k.scale_inplace(ro, 2)
    with pytest.raises(ValueError, match="writable"):
        k.XorCodec(1).apply_inplace(ro)
    assert bytes(ro) == b"abc"


def test_factor_must_fit_a_c_int():
    ba = bytearray(b"abc")
    for f in (2**31, -(2**31) - 1, 2**64):
        with pytest.raises(OverflowError, match="argument 'factor'"):
            k.scale_inplace(ba, f)
    with pytest.raises(TypeError, match="argument 'factor'"):
        k.scale_inplace(ba, 2.0)
    assert ba == bytearray(b"abc")


def test_buffer_released_after_call():
    """After the call nothing is still exported: the bytearray can be resized again."""
    ba = bytearray(b"abc")
    k.scale_inplace(ba, 2)
    k.sum_bytes(ba)
    k.XorCodec(3).apply_inplace(ba)
    ba.extend(b"more")
    assert len(ba) == 7
