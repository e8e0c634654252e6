"""numpy arrays as buffers (where numpy installs for the interpreter)."""

import pytest

np = pytest.importorskip("numpy")

import oxhpy_kernels as k  # noqa: E402


def test_sum_bytes_uint8():
    a = np.arange(1000, dtype=np.uint8)
    assert k.sum_bytes(a) == int(a.sum(dtype=np.uint64))
    assert k.sum_bytes(a[10:20]) == int(a[10:20].sum(dtype=np.uint64))


def test_scale_and_xor_inplace():
    a = np.arange(256, dtype=np.uint8)
    k.scale_inplace(a, 3)
    assert (a == (np.arange(256) * 3 % 256)).all()
    k.XorCodec(0xFF).apply_inplace(a)
    assert (a == ((np.arange(256) * 3 % 256) ^ 0xFF)).all()


def test_saxpy_matches_numpy_float32():
    rng = np.random.default_rng(0)
    x = rng.standard_normal(10_000).astype(np.float32)
    y = rng.standard_normal(10_000).astype(np.float32)
    dst = np.empty_like(x)
    k.saxpy(dst, x, y, 2.5)
    assert np.array_equal(dst, np.float32(2.5) * x + y)
    k.saxpy(x, x, y, 2.5)  # dst aliases x
    assert np.array_equal(x, dst)


def test_sum_u32():
    a = np.arange(100_000, dtype=np.uint32) * np.uint32(40_000)
    assert k.sum_u32(a) == int(a.astype(np.uint64).sum())


def test_rejections():
    a = np.arange(10, dtype=np.uint8)
    with pytest.raises(ValueError, match="C-contiguous"):
        k.sum_bytes(a[::2])
    with pytest.raises(ValueError, match="1-byte items"):
        k.sum_bytes(np.arange(10, dtype=np.int32))
    ro = np.arange(10, dtype=np.uint8)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="writable"):
        k.scale_inplace(ro, 2)
    with pytest.raises(ValueError):
        k.saxpy(np.zeros(3, np.float64), np.zeros(3, np.float32), np.zeros(3, np.float32), 1.0)
    with pytest.raises(ValueError, match="C-contiguous"):
        k.sum_bytes(np.zeros((4, 4), np.uint8).T)
