"""Tests of the IDX reader and writer (the MNIST file format)."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from dlbook.data import load_mnist, read_idx, write_idx

DTYPES = [
    (np.uint8, 0x08),
    (np.int8, 0x09),
    (np.int16, 0x0B),
    (np.int32, 0x0C),
    (np.float32, 0x0D),
    (np.float64, 0x0E),
]


def _sample(dtype, shape):
    rng = np.random.default_rng(0)
    if np.dtype(dtype).kind == "f":
        return rng.normal(size=shape).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, size=shape, endpoint=True).astype(dtype)


@pytest.mark.parametrize("suffix", ["", ".gz"])
@pytest.mark.parametrize(("dtype", "code"), DTYPES)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (2, 3, 4), (1, 1, 1, 2)])
def test_round_trip_every_dtype(tmp_path, dtype, code, shape, suffix):
    array = _sample(dtype, shape)
    path = tmp_path / f"data.idx{suffix}"
    write_idx(path, array)
    raw = path.read_bytes()
    if suffix:
        assert raw[:2] == b"\x1f\x8b"
        raw = gzip.decompress(raw)
    assert raw[:4] == bytes([0, 0, code, len(shape)])
    assert struct.unpack(f">{len(shape)}I", raw[4 : 4 + 4 * len(shape)]) == shape
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.shape == shape
    np.testing.assert_array_equal(back, array)
    assert back.flags.writeable


def test_reads_a_file_written_by_hand_big_endian(tmp_path):
    path = tmp_path / "labels-idx1-short"
    path.write_bytes(bytes([0, 0, 0x0B, 1]) + struct.pack(">I", 3) + struct.pack(">3h", 1, -2, 300))
    np.testing.assert_array_equal(read_idx(path), np.array([1, -2, 300], dtype=np.int16))


def test_gzip_detected_by_content_not_name(tmp_path):
    array = np.arange(6, dtype=np.uint8).reshape(2, 3)
    write_idx(tmp_path / "a.gz", array)
    renamed = tmp_path / "a-without-suffix"
    renamed.write_bytes((tmp_path / "a.gz").read_bytes())
    np.testing.assert_array_equal(read_idx(renamed), array)


def test_big_endian_input_array(tmp_path):
    array = np.arange(4, dtype=">f8")
    write_idx(tmp_path / "x", array)
    np.testing.assert_array_equal(read_idx(tmp_path / "x"), np.arange(4.0))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x01\x00\x08\x01", r"has a bad magic number 0x01000801"),
        (b"\x00\x00\x07\x01", r"has a bad magic number 0x00000701: expected 0x0000 then a type"),
        (b"\x00\x00", r"is truncated: 2 bytes, no 4-byte magic number"),
        (bytes([0, 0, 8, 2]) + struct.pack(">I", 2),
         r"is truncated: the header needs 12 bytes for 2 dimensions, the file has 8"),
        (bytes([0, 0, 8, 2]) + struct.pack(">2I", 2, 3) + bytes(5),
         r"is truncated: shape \(2, 3\) of uint8 needs 18 bytes, the file has 17"),
        (bytes([0, 0, 0x0E, 1]) + struct.pack(">I", 1) + bytes(9),
         r"is longer than its header says: shape \(1,\) of float64 needs 16 bytes"),
    ],
)
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "bad-idx"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=r"read_idx: bad-idx " + message):
        read_idx(path)


def test_truncated_gzip(tmp_path):
    path = tmp_path / "cut.gz"
    write_idx(path, np.arange(1000, dtype=np.int32))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ValueError, match=r"read_idx: cut.gz is a damaged gzip file"):
        read_idx(path)


@pytest.mark.parametrize("compressed", [False, True])
def test_a_header_claiming_a_huge_size_is_refused_without_allocating(tmp_path, compressed):
    import time
    import tracemalloc

    # 2**32 - 1 rows of 2**32 - 1 doubles: 147 exabytes claimed by a file of a few bytes
    payload = bytes([0, 0, 0x0E, 2]) + struct.pack(">2I", 2**32 - 1, 2**32 - 1) + bytes(64)
    path = tmp_path / ("huge.gz" if compressed else "huge")
    path.write_bytes(gzip.compress(payload, mtime=0) if compressed else payload)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        needs = 12 + (2**32 - 1) ** 2 * 8
        with pytest.raises(ValueError, match=rf"read_idx: huge(.gz)? is truncated: shape "
                                             rf"\(4294967295, 4294967295\) of float64 needs "
                                             rf"{needs} bytes, the file has 76$"):
            read_idx(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5e6, f"peak {peak / 1e6:.1f} MB"
    assert time.perf_counter() - started < 30  # generous: it takes milliseconds


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_gzip_of_a_large_idx_is_streamed(tmp_path, dtype):
    import tracemalloc

    array = np.zeros((128, 256, 256), dtype=dtype)  # 8 or 34 MB that compress to almost nothing
    array[0, 0, :3] = [1, 2, 3]
    write_idx(tmp_path / "zeros.gz", array)
    tracemalloc.start()
    try:
        back = read_idx(tmp_path / "zeros.gz")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(back, array)
    assert back.dtype == np.dtype(dtype) and back.flags.writeable
    # the data, a growing buffer's spare room and one chunk, but not a second copy (reading
    # the whole file, decompressing it and converting the byte order made three)
    assert peak < 1.6 * array.nbytes, f"peak {peak / 1e6:.1f} MB for {array.nbytes / 1e6} MB"


def test_corrupted_gzip(tmp_path):
    path = tmp_path / "bad.gz"
    write_idx(path, np.arange(1000, dtype=np.int32))
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # one damaged byte inside the deflate stream
    raw[-8] ^= 0xFF  # and a wrong CRC, should the stream still decode
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match=r"read_idx: bad.gz is a damaged gzip file \("):
        read_idx(path)
    path.write_bytes(b"\x1f\x8b" + bytes(20))  # gzip's magic number, then nonsense
    with pytest.raises(ValueError, match=r"read_idx: bad.gz is a damaged gzip file \("):
        read_idx(path)


@pytest.mark.parametrize("compressed", [False, True])
def test_more_dimensions_than_numpy_allows(tmp_path, compressed):
    from dlbook.data.idx import MAX_NDIM

    assert MAX_NDIM == (64 if np.__version__ >= "2" else 32)
    payload = bytes([0, 0, 0x08, 200]) + struct.pack(">200I", *([1] * 200)) + bytes(1)
    path = tmp_path / "deep"
    path.write_bytes(gzip.compress(payload) if compressed else payload)
    with pytest.raises(ValueError, match=rf"read_idx: deep declares 200 dimensions; NumPy arrays "
                                         rf"have at most {MAX_NDIM}"):
        read_idx(path)
    write_idx(path, np.zeros((1,) * MAX_NDIM, dtype=np.uint8))  # the most there can be
    assert read_idx(path).ndim == MAX_NDIM


def test_write_rejects_bad_arrays(tmp_path):
    with pytest.raises(TypeError, match=r"write_idx: expected array with dtype in .*, got int64"):
        write_idx(tmp_path / "x", np.arange(3))
    with pytest.raises(ValueError, match=r"write_idx: expected array with 1 to 255 dimensions, "
                                         r"got 0"):
        write_idx(tmp_path / "x", np.array(3, dtype=np.uint8))
    with pytest.raises(TypeError, match=r"write_idx: expected array to be a numpy.ndarray"):
        write_idx(tmp_path / "x", [1, 2])


@pytest.mark.parametrize("compressed", [False, True])
def test_load_mnist_standard_names(tmp_path, compressed):
    suffix = ".gz" if compressed else ""
    images = _sample(np.uint8, (6, 28, 28))
    labels = np.array([5, 0, 4, 1, 9, 2], dtype=np.uint8)
    write_idx(tmp_path / f"t10k-images-idx3-ubyte{suffix}", images)
    write_idx(tmp_path / f"t10k-labels-idx1-ubyte{suffix}", labels)
    got_images, got_labels = load_mnist(tmp_path, kind="t10k")
    np.testing.assert_array_equal(got_images, images)
    assert got_labels.dtype == np.int64
    np.testing.assert_array_equal(got_labels, labels)


def test_load_mnist_errors(tmp_path):
    with pytest.raises(ValueError, match=r"load_mnist: expected kind to be one of 'train', 't10k', "
                                         r"got 'test'"):
        load_mnist(tmp_path, kind="test")
    with pytest.raises(FileNotFoundError, match=r"load_mnist: none of .*train-images-idx3-ubyte"):
        load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"load_mnist: no directory"):
        load_mnist(tmp_path / "missing")
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 2, 2), dtype=np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(2, dtype=np.uint8))
    with pytest.raises(ValueError, match=r"load_mnist: expected images \(N, H, W\) and labels "
                                         r"\(N,\), got \(3, 2, 2\) and \(2,\)"):
        load_mnist(tmp_path)


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.array([5, 255, 1], dtype=np.uint8),
         r"expected labels 0 to 9, got values in \[1, 255\]"),
        (np.array([5, -1, 1], dtype=np.int8),
         r"expected labels 0 to 9, got values in \[-1, 5\]"),
        (np.array([5.0, 0.5, 1.0], dtype=np.float32), r"expected integer labels 0 to 9, got "
                                                      r"labels of dtype float32"),
    ],
)
def test_load_mnist_refuses_labels_that_are_not_digits(tmp_path, labels, message):
    write_idx(tmp_path / "train-images-idx3-ubyte", np.zeros((3, 2, 2), dtype=np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    with pytest.raises(ValueError, match="load_mnist: " + message):
        load_mnist(tmp_path)
