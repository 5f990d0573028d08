"""Cut a time series into (window, target) pairs for one-step or multi-step forecasting."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_array, check_positive_int

__all__ = ["sliding_windows"]


def sliding_windows(
    series: np.ndarray, window: int, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Every run of ``window`` consecutive values, paired with the value ``horizon`` steps on.

    Pair ``i`` is ``X[i] = series[i : i + window]`` and
    ``y[i] = series[i + window + horizon - 1]``: with ``horizon=1`` the target is the value
    right after the window.

    Parameters
    ----------
    series : numpy.ndarray
        ``(T,)`` or ``(T, features)``.
    window : int
        Length of each input window.
    horizon : int, default 1
        How many steps after the window's last value the target lies.

    Returns
    -------
    X : numpy.ndarray
        ``(n, window)`` for a 1-D series, ``(n, window, features)`` otherwise, with
        ``n = T - window - horizon + 1`` (add a feature axis with ``X[..., None]`` for an RNN).
    y : numpy.ndarray
        ``(n,)`` or ``(n, features)``.

    Examples
    --------
    >>> X, y = sliding_windows(np.arange(6.0), window=3)
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
    >>> [a.shape for a in sliding_windows(np.zeros((10, 2)), window=4, horizon=3)]
    [(4, 4, 2), (4, 2)]

    Introduced in :doc:`/book/sequences/forecasting`.
    """
    caller = "sliding_windows"
    check_array(series, "series", caller=caller, ndim=(1, 2), kind="number")
    window = check_positive_int(window, "window", caller=caller)
    horizon = check_positive_int(horizon, "horizon", caller=caller)
    count = series.shape[0] - window - horizon + 1
    if count < 1:
        raise ValueError(f"{caller}: expected a series of at least window + horizon = "
                         f"{window + horizon} steps, got {series.shape[0]}")
    views = np.lib.stride_tricks.sliding_window_view(series[:count + window - 1], window, axis=0)
    X = np.ascontiguousarray(views if series.ndim == 1 else views.swapaxes(1, 2))
    y = series[window + horizon - 1:].copy()
    return X, y
