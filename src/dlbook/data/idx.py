"""Read and write the IDX format in which MNIST is distributed (plain or gzip-compressed).

An IDX file is a 4-byte magic number, then one 4-byte size per dimension, then the values:

========  ==================================================================
bytes     meaning
========  ==================================================================
0, 1      always zero
2         type code: 0x08 unsigned byte, 0x09 signed byte, 0x0B short (2 bytes),
          0x0C int (4 bytes), 0x0D float (4 bytes), 0x0E double (8 bytes)
3         number of dimensions
4 ...     each dimension's size as a big-endian unsigned 32-bit integer
then      the values in C (row-major) order, big-endian
========  ==================================================================

(Format as described by LeCun, Cortes and Burges on the MNIST page.)
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np

from dlbook._checks import check_array, check_in

#: IDX type code -> big-endian NumPy dtype.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {dtype.newbyteorder("="): code for code, dtype in IDX_DTYPES.items()}
_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20  # read 1 MiB at a time: memory follows the data, never the header's claim

PathLike = str | os.PathLike


def _numpy_max_ndim() -> int:
    """The most dimensions an ndarray may have: 64 in NumPy 2, 32 before."""
    for ndim in (64, 32):
        try:
            np.empty((1,) * ndim)
        except ValueError:
            continue
        return ndim
    return 32


#: The most dimensions :func:`read_idx` accepts (an IDX header allows up to 255).
MAX_NDIM = _numpy_max_ndim()


def _read_exactly(stream: BinaryIO, size: int) -> bytearray:
    """Up to ``size`` bytes, read in chunks, so a header that lies costs no memory."""
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(min(_CHUNK, size - len(data)))
        if not chunk:
            break
        data += chunk
    return data


def _count_rest(stream: BinaryIO) -> int:
    """How many bytes are left (read and thrown away chunk by chunk)."""
    total = 0
    while chunk := stream.read(_CHUNK):
        total += len(chunk)
    return total


def _read_stream(stream: BinaryIO, name: str, plain_size: int | None) -> np.ndarray:
    """Parse an IDX stream; ``plain_size`` is the file's size when it is not compressed."""
    magic = stream.read(4)
    if len(magic) < 4:
        raise ValueError(f"read_idx: {name} is truncated: {len(magic)} bytes, no 4-byte magic "
                         f"number")
    zero, code, ndim = magic[:2], magic[2], magic[3]
    if zero != b"\x00\x00" or code not in IDX_DTYPES:
        raise ValueError(
            f"read_idx: {name} has a bad magic number 0x{magic.hex()}: expected 0x0000 then a "
            f"type code in {{{', '.join(f'0x{c:02X}' for c in IDX_DTYPES)}}} and the number of "
            f"dimensions"
        )
    if ndim > MAX_NDIM:
        raise ValueError(f"read_idx: {name} declares {ndim} dimensions; NumPy arrays have at "
                         f"most {MAX_NDIM}")
    header_size = 4 + 4 * ndim
    sizes = stream.read(4 * ndim)
    if len(sizes) < 4 * ndim:
        raise ValueError(
            f"read_idx: {name} is truncated: the header needs {header_size} bytes for {ndim} "
            f"dimensions, the file has {4 + len(sizes)}"
        )
    shape = struct.unpack(f">{ndim}I", sizes)
    dtype = IDX_DTYPES[code]
    native = dtype.newbyteorder("=")
    body_size = math.prod(shape) * dtype.itemsize  # Python integers: no overflow
    expected = header_size + body_size

    def wrong_size(actual: int) -> ValueError:
        problem = "truncated" if actual < expected else "longer than its header says"
        return ValueError(f"read_idx: {name} is {problem}: shape {shape} of {native} needs "
                          f"{expected} bytes, the file has {actual}")

    if plain_size is not None and plain_size != expected:
        raise wrong_size(plain_size)  # known before reading (or allocating) anything
    body = _read_exactly(stream, body_size)
    if len(body) < body_size:
        raise wrong_size(header_size + len(body))
    extra = _count_rest(stream)
    if extra:
        raise wrong_size(expected + extra)
    data = np.frombuffer(body, dtype=dtype).reshape(shape)  # writable: body is a bytearray
    if dtype != native:
        data = data.byteswap(inplace=True).view(native)  # native byte order, without a copy
    return data


def read_idx(path: PathLike) -> np.ndarray:
    """Read an IDX file (gzip-compressed or not) into a NumPy array.

    Parameters
    ----------
    path
        The file; gzip compression is detected from the content, not the name.

    Returns
    -------
    numpy.ndarray
        An array of the file's shape and type, in the machine's native byte order
        (uint8, int8, int16, int32, float32 or float64).

    Raises
    ------
    ValueError
        If the magic number is not that of an IDX file, the header declares more dimensions
        than NumPy allows, the file is shorter or longer than its header says, or the gzip
        stream is damaged. The file is read as a stream, header first and the values in
        chunks, so a header that claims a huge size costs no memory: the claim is checked
        against the bytes actually there.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "tiny-idx2-ubyte.gz"
    ...     write_idx(path, np.arange(6, dtype=np.uint8).reshape(2, 3))
    ...     print(read_idx(path))
    [[0 1 2]
     [3 4 5]]

    Introduced in :doc:`/book/foundations/digits`.
    """
    name = Path(path).name
    with open(path, "rb") as file:
        compressed = file.read(2) == _GZIP_MAGIC  # by content, whatever the file's name
        if not compressed:
            file.seek(0)
            return _read_stream(file, name, os.fstat(file.fileno()).st_size)
    try:
        with gzip.open(path, "rb") as stream:
            return _read_stream(stream, name, None)
    except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
        message = f"read_idx: {name} is a damaged gzip file ({error})"
        raise ValueError(message) from error


def write_idx(path: PathLike, array: np.ndarray) -> None:
    """Write ``array`` as an IDX file, gzip-compressed when ``path`` ends in ``.gz``.

    Parameters
    ----------
    path
        Where to write.
    array
        A NumPy array of dtype uint8, int8, int16, int32, float32 or float64 with 1 to 255
        dimensions, each smaller than 2**32.

    Introduced in :doc:`/book/foundations/digits`.
    """
    check_array(array, "array", caller="write_idx")
    native = array.dtype.newbyteorder("=")
    if native not in _CODES:
        allowed = ", ".join(str(dtype) for dtype in _CODES)
        raise TypeError(f"write_idx: expected array with dtype in {{{allowed}}}, got {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"write_idx: expected array with 1 to 255 dimensions, got {array.ndim}")
    if max(array.shape) >= 2**32:
        raise ValueError(f"write_idx: every dimension must be < 2**32, got shape {array.shape}")
    header = bytes([0, 0, _CODES[native], array.ndim])
    header += np.asarray(array.shape, dtype=">u4").tobytes()
    body = np.ascontiguousarray(array, dtype=native.newbyteorder(">")).tobytes()
    payload = header + body
    if str(path).endswith(".gz"):
        # mtime=0 makes the compressed bytes reproducible.
        payload = gzip.compress(payload, mtime=0)
    Path(path).write_bytes(payload)


def load_mnist(directory: PathLike, kind: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST (or Fashion-MNIST) images and labels from IDX files already on disk.

    Nothing is downloaded. The directory must hold the standard files, e.g. for
    ``kind="train"`` ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte``, each either
    plain or with ``.gz`` (the spelling ``train-images.idx3-ubyte`` is accepted too).

    Parameters
    ----------
    directory
        Folder holding the files.
    kind
        ``"train"`` (60,000 images) or ``"t10k"`` (the 10,000 test images).

    Returns
    -------
    images : numpy.ndarray
        uint8 array of shape (N, 28, 28), pixel values 0 to 255.
    labels : numpy.ndarray
        int64 array of shape (N,), the digits (or Fashion-MNIST's classes) 0 to 9; a file
        holding anything else (255, negative or floating-point labels) raises ``ValueError``.

    Introduced in :doc:`/book/foundations/digits`.
    """
    check_in(kind, "kind", ("train", "t10k"), caller="load_mnist")
    folder = Path(directory)
    if not folder.is_dir():
        raise FileNotFoundError(f"load_mnist: no directory {folder}")

    def find(stem: str, rank: int) -> Path:
        names = [
            f"{kind}-{stem}-idx{rank}-ubyte{suffix}" for suffix in ("", ".gz")
        ] + [f"{kind}-{stem}.idx{rank}-ubyte{suffix}" for suffix in ("", ".gz")]
        for candidate in names:
            if (folder / candidate).is_file():
                return folder / candidate
        raise FileNotFoundError(
            f"load_mnist: none of {names} found in {folder} (dlbook downloads nothing; put the "
            f"MNIST files there first)"
        )

    images = read_idx(find("images", 3))
    labels = read_idx(find("labels", 1))
    if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
        raise ValueError(
            f"load_mnist: expected images (N, H, W) and labels (N,), got {images.shape} and "
            f"{labels.shape}"
        )
    if labels.dtype.kind not in "iu":
        raise ValueError(f"load_mnist: expected integer labels 0 to 9, got labels of dtype "
                         f"{labels.dtype}")
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"load_mnist: expected labels 0 to 9, got values in "
                         f"[{labels.min()}, {labels.max()}]")
    return images, labels.astype(np.int64)
