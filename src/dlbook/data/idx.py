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
import os
from pathlib import Path

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

PathLike = str | os.PathLike


def _read_bytes(path: PathLike) -> bytes:
    raw = Path(path).read_bytes()
    if raw[:2] == _GZIP_MAGIC:  # recognise gzip by its content, whatever the file's name
        try:
            return gzip.decompress(raw)
        except (OSError, EOFError) as error:
            message = f"read_idx: {Path(path).name} is a damaged gzip file ({error})"
            raise ValueError(message) from error
    return raw


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
        If the magic number is not that of an IDX file, or the file is shorter or longer than
        its header says.

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
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(f"read_idx: {name} is truncated: {len(raw)} bytes, no 4-byte magic number")
    zero, code, ndim = raw[:2], raw[2], raw[3]
    if zero != b"\x00\x00" or code not in IDX_DTYPES:
        raise ValueError(
            f"read_idx: {name} has a bad magic number 0x{raw[:4].hex()}: expected 0x0000 then a "
            f"type code in {{{', '.join(f'0x{c:02X}' for c in IDX_DTYPES)}}} and the number of "
            f"dimensions"
        )
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(
            f"read_idx: {name} is truncated: the header needs {header_size} bytes for {ndim} "
            f"dimensions, the file has {len(raw)}"
        )
    shape = tuple(int(size) for size in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    dtype = IDX_DTYPES[code]
    expected = header_size + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else "longer than its header says"
        raise ValueError(
            f"read_idx: {name} is {problem}: shape {shape} of {dtype.newbyteorder('=')} needs "
            f"{expected} bytes, the file has {len(raw)}"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))  # native byte order, writable copy


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
        int64 array of shape (N,).

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
    return images, labels.astype(np.int64)
