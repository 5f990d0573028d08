"""Regression errors: mean absolute error and root mean squared error."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["mae", "rmse"]


def _errors(truth: ArrayLike, forecast: ArrayLike, where: str) -> np.ndarray:
    """``truth - forecast``, after checking that the two are numbers, match and are not empty.

    The arrays keep their dtype (float32 data gives a float32 error), as NumPy's own
    ``truth - forecast`` does.
    """
    truth_array, forecast_array = np.asarray(truth), np.asarray(forecast)
    for name, array in (("truth", truth_array), ("forecast", forecast_array)):
        if array.dtype.kind not in "biuf":
            raise TypeError(f"{where}: expected {name} to hold real numbers, got dtype "
                            f"{array.dtype}")
    if truth_array.shape != forecast_array.shape:
        raise ValueError(f"{where}: expected truth and forecast of the same shape, got "
                         f"{truth_array.shape} and {forecast_array.shape}")
    if truth_array.size == 0:
        raise ValueError(f"{where}: expected at least one value, got 0")
    return truth_array - forecast_array


def mae(truth: ArrayLike, forecast: ArrayLike) -> float:
    """Mean absolute error, :math:`\\frac{1}{n}\\sum_t |y_t - \\hat y_t|`, in the data's units.

    >>> mae([1.0, 2.0, 4.0], [1.0, 3.0, 2.0])
    1.0

    Introduced in :doc:`/book/sequences/forecasting`.
    """
    return float(np.mean(np.abs(_errors(truth, forecast, "mae"))))


def rmse(truth: ArrayLike, forecast: ArrayLike) -> float:
    """Root mean squared error, :math:`\\sqrt{\\frac{1}{n}\\sum_t (y_t - \\hat y_t)^2}`.

    Never smaller than :func:`mae`; it weighs large errors more heavily.

    >>> rmse([0.0, 0.0], [3.0, -3.0])
    3.0

    Introduced in :doc:`/book/sequences/forecasting`.
    """
    return float(np.sqrt(np.mean(_errors(truth, forecast, "rmse") ** 2)))
