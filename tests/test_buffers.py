"""Buffers in the universal ABI: sum_bytes, scale_inplace, XorCodec.apply_inplace on every buffer type."""

import array
import random
import struct

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


def f32(v):
    return struct.unpack("f", struct.pack("f", v))[0]


def floats(n, seed):
    rng = random.Random(seed)
    return array.array("f", [rng.uniform(-1e3, 1e3) for _ in range(n)])


def saxpy_ref(a, x, y):
    a = f32(a)
    return [f32(f32(a * xi) + yi) for xi, yi in zip(x, y)]


@pytest.mark.parametrize("n", [0, 1, 3, 16, 1000, 70000])
def test_saxpy_matches_float32_reference(n):
    x, y = floats(n, 1), floats(n, 2)
    dst = array.array("f", bytes(4 * n))
    k.saxpy(dst, x, y, 2.5)
    assert dst.tolist() == saxpy_ref(2.5, x, y)


def test_saxpy_dst_may_alias_x_or_y():
    x, y = floats(100, 3), floats(100, 4)
    expect = saxpy_ref(-1.5, x, y)
    x2 = array.array("f", x)
    k.saxpy(x2, x2, y, -1.5)
    assert x2.tolist() == expect
    y2 = array.array("f", y)
    k.saxpy(y2, x, y2, -1.5)
    assert y2.tolist() == expect
    z = array.array("f", x)
    k.saxpy(z, z, z, 3.0)
    assert z.tolist() == saxpy_ref(3.0, x, x)


def test_saxpy_partial_overlap_uses_the_inputs_before_the_call():
    buf = bytearray(array.array("f", [1.0, 2.0, 3.0, 4.0, 5.0]).tobytes())
    whole = memoryview(buf).cast("f")
    x = whole[:4].tolist()
    y = [0.0] * 4
    k.saxpy(whole[1:], whole[:4], array.array("f", y), 2.0)
    assert memoryview(buf).cast("f").tolist() == [1.0] + saxpy_ref(2.0, x, y)


def test_saxpy_memoryview_slices_and_keywords():
    x, y = floats(10, 5), floats(10, 6)
    dst = array.array("f", bytes(40))
    k.saxpy(dst=memoryview(dst), x=memoryview(x), y=y, a=1.0)
    assert dst.tolist() == saxpy_ref(1.0, x, y)


def test_saxpy_errors_leave_inputs_alone():
    x, y = floats(4, 7), floats(4, 8)
    dst = array.array("f", [9.0] * 4)
    with pytest.raises(ValueError, match="equal lengths"):
        k.saxpy(dst, x, floats(5, 9), 1.0)
    with pytest.raises(ValueError):
        k.saxpy(array.array("d", [0.0] * 4), x, y, 1.0)
    with pytest.raises(ValueError):
        k.saxpy(dst, array.array("i", [0] * 4), y, 1.0)
    with pytest.raises(ValueError, match="writable"):
        k.saxpy(memoryview(dst).toreadonly(), x, y, 1.0)
    with pytest.raises(ValueError, match="C-contiguous"):
        k.saxpy(dst, memoryview(floats(8, 1))[::2], y, 1.0)
    with pytest.raises(TypeError):
        k.saxpy(dst, x, y, "2")
    with pytest.raises(TypeError):
        k.saxpy(dst, [1.0] * 4, y, 1.0)
    assert dst.tolist() == [9.0] * 4


@pytest.mark.parametrize("n", [0, 1, 5, 1000, (1 << 20) * 3 + 5])
def test_sum_u32_exact(n):
    rng = random.Random(n)
    values = [rng.getrandbits(32) for _ in range(min(n, 5000))]
    a = array.array("I", (values * (n // max(len(values), 1) + 1))[:n])
    assert a.itemsize == 4
    assert k.sum_u32(a) == sum(a)
    assert k.sum_u32(memoryview(a)) == sum(a)
    assert k.sum_u32(memoryview(a.tobytes()).cast("I")) == sum(a)  # `bytes` itself is 'B' items


def test_sum_u32_max_values_do_not_overflow():
    a = array.array("I", [2**32 - 1]) * (1 << 21)
    assert k.sum_u32(a) == (2**32 - 1) << 21


BAD_U32 = [array.array("B", [1, 2, 3, 4]), array.array("d", [1]), array.array("f", [1])]


@pytest.mark.parametrize("bad", BAD_U32)
def test_sum_u32_wrong_items(bad):
    with pytest.raises(ValueError, match="argument 'a'"):
        k.sum_u32(bad)


def test_sum_u32_not_a_buffer():
    with pytest.raises(TypeError, match="argument 'a'"):
        k.sum_u32([1, 2, 3])
