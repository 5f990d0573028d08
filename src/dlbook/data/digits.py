"""scikit-learn's 8 x 8 handwritten digits, shipped with scikit-learn (no download)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_float_dtype, check_type

#: Pixel values in the digits data are integers from 0 to 16 (counts of set pixels in 4 x 4
#: blocks of the original 32 x 32 bitmaps), so dividing by 16 maps them onto [0, 1].
MAX_PIXEL = 16.0


def load_digits(
    *, flatten: bool = True, scale: bool = True, dtype: Any = np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """The 1,797 handwritten digits of the UCI "optical recognition" set, 8 x 8 pixels each.

    Parameters
    ----------
    flatten
        ``True`` (default) returns each image as a row of 64 features, shape (N, 64), the input
        of a multilayer perceptron; ``False`` keeps the images, shape (N, 8, 8).
    scale
        ``True`` (default) divides the pixel values, integers 0 to 16, by 16 so they lie in
        [0, 1]; ``False`` keeps 0 to 16.
    dtype
        Floating-point dtype of the images: float32 by default, the dtype of
        :func:`dlbook.np.models.mlp` and of PyTorch; pass ``np.float64`` for gradient checks
        and parity tests.

    Returns
    -------
    X : numpy.ndarray
        Images, shape (1797, 64) or (1797, 8, 8), of the given dtype.
    y : numpy.ndarray
        int64 labels 0 to 9, shape (1797,).

    Examples
    --------
    >>> X, y = load_digits()
    >>> X.shape, X.dtype, float(X.min()), float(X.max()), y[:5].tolist()
    ((1797, 64), dtype('float32'), 0.0, 1.0, [0, 1, 2, 3, 4])
    >>> load_digits(flatten=False)[0].shape
    (1797, 8, 8)

    Introduced in :doc:`/book/foundations/digits`.
    """
    from sklearn.datasets import load_digits as sklearn_load_digits

    check_type(flatten, "flatten", bool, caller="load_digits")
    check_type(scale, "scale", bool, caller="load_digits")
    dtype = check_float_dtype(dtype, caller="load_digits")
    bunch = sklearn_load_digits()
    X = bunch.data if flatten else bunch.images  # (N, 64) or (N, 8, 8), float64 0..16
    X = X.astype(dtype)
    if scale:
        X /= dtype.type(MAX_PIXEL)
    return X, bunch.target.astype(np.int64)
