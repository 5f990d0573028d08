"""Translated digits: small digit images placed at random positions on a larger blank canvas."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_array, check_float_dtype, check_positive_int, check_type
from dlbook.random import resolve_rng

__all__ = ["translated_digits"]


def translated_digits(
    images: np.ndarray,
    labels: np.ndarray,
    canvas_size: int = 24,
    *,
    copies: int = 1,
    rng: int | np.random.Generator | None = 0,
    return_offsets: bool = False,
    dtype: Any = np.float32,
) -> tuple[np.ndarray, np.ndarray] | tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Place each image at a uniformly random position on a blank square canvas.

    A classifier of these images has to find the digit before it can read it: the same digit
    may sit in any corner. A convolutional layer applies the same kernels at every position
    (translation equivariance), so what it learns about a stroke in one place holds in all the
    others; a dense layer has separate weights for every pixel and must see each digit shape at
    many positions. Split the original digits into training, validation and test sets
    *before* translating them, so that no test digit appears, shifted, among the training
    images.

    Parameters
    ----------
    images
        ``(N, h, w)`` or ``(N, 1, h, w)`` images, for example ``load_digits(flatten=False)[0]``
        (8 x 8 digits, values in [0, 1], background 0).
    labels
        ``(N,)`` integer class labels, one per image.
    canvas_size
        Side ``S`` of the square canvas, at least ``max(h, w)``.
    copies
        Placements per image, each at its own random position: the result holds
        ``N * copies`` canvases, the copies of image ``i`` at rows ``i * copies`` to
        ``i * copies + copies - 1``.
    rng
        Seed or :class:`numpy.random.Generator` of the positions (``None``: the global
        generator of :func:`dlbook.random.get_rng`).
    return_offsets
        Also return each digit's position on its canvas.
    dtype
        Floating-point dtype of the canvases (float32, PyTorch's default).

    Returns
    -------
    canvases : numpy.ndarray
        ``(N * copies, 1, S, S)``: zeros, with the image's pixels copied unchanged into rows
        ``r .. r + h - 1`` and columns ``c .. c + w - 1``, where ``(r, c)`` is drawn uniformly
        from ``{0, ..., S - h} x {0, ..., S - w}``.
    labels : numpy.ndarray
        ``(N * copies,)`` int64, the label of each canvas's digit.
    offsets : numpy.ndarray
        ``(N * copies, 2)`` int64 ``(r, c)``, the digit's top-left corner; only with
        ``return_offsets=True``.

    Examples
    --------
    >>> from dlbook.data import load_digits
    >>> digits, digit_labels = load_digits(flatten=False)
    >>> X, y, offsets = translated_digits(digits[:5], digit_labels[:5], 24, copies=2, rng=0,
    ...                                   return_offsets=True)
    >>> X.shape, X.dtype, y.tolist()
    ((10, 1, 24, 24), dtype('float32'), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    >>> r, c = offsets[0]
    >>> bool(np.array_equal(X[0, 0, r:r + 8, c:c + 8], digits[0]))
    True
    >>> bool(X[0].sum() == digits[0].sum())  # nothing else on the canvas
    True

    Introduced in :doc:`/book/cnn/course-cnn`.
    """
    caller = "translated_digits"
    check_array(images, "images", caller=caller, kind="number", ndim=(3, 4))
    if images.ndim == 4:
        if images.shape[1] != 1:
            raise ValueError(f"{caller}: expected images of shape (N, h, w) or (N, 1, h, w), "
                             f"got {images.shape}")
        images = images[:, 0]
    count, height, width = images.shape
    if count == 0:
        raise ValueError(f"{caller}: expected at least one image, got shape {images.shape}")
    check_array(labels, "labels", caller=caller, kind="int", shape=(count,),
                hint="one label per image")
    canvas_size = check_positive_int(canvas_size, "canvas_size", caller=caller)
    if canvas_size < max(height, width):
        raise ValueError(f"{caller}: expected canvas_size >= the images' side "
                         f"{max(height, width)}, got {canvas_size}")
    copies = check_positive_int(copies, "copies", caller=caller)
    check_type(return_offsets, "return_offsets", bool, caller=caller)
    dtype = check_float_dtype(dtype, caller=caller)
    generator = resolve_rng(rng, caller=caller)

    total = count * copies
    source = np.repeat(images, copies, axis=0)  # (M, h, w): copies of an image are adjacent
    rows = generator.integers(0, canvas_size - height + 1, size=total)  # (M,)
    cols = generator.integers(0, canvas_size - width + 1, size=total)  # (M,)
    canvases = np.zeros((total, 1, canvas_size, canvas_size), dtype=dtype)
    index = np.arange(total)[:, None, None]  # (M, 1, 1)
    row_index = rows[:, None, None] + np.arange(height)[None, :, None]  # (M, h, 1)
    col_index = cols[:, None, None] + np.arange(width)[None, None, :]  # (M, 1, w)
    canvases[index, 0, row_index, col_index] = source  # (M, h, w) pasted in one assignment
    out_labels = np.repeat(labels.astype(np.int64), copies)
    if return_offsets:
        return canvases, out_labels, np.stack([rows, cols], axis=1).astype(np.int64)
    return canvases, out_labels
