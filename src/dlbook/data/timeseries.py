"""Real time series shipped with statsmodels (no download): sunspots and Mauna Loa CO2."""

from __future__ import annotations

import numpy as np

__all__ = ["load_sunspots", "load_co2"]


def load_sunspots() -> tuple[np.ndarray, np.ndarray]:
    """Yearly mean sunspot numbers, 1700-2008, from statsmodels' bundled data.

    The series has the roughly 11-year solar cycle with irregular amplitudes, a classic
    test for forecasting models.

    Returns
    -------
    years : numpy.ndarray
        int64, ``(309,)``.
    sunspots : numpy.ndarray
        float64, ``(309,)``, the yearly sunspot activity.

    Examples
    --------
    >>> years, sunspots = load_sunspots()
    >>> years[[0, -1]].tolist(), sunspots.shape
    ([1700, 2008], (309,))

    Introduced in :doc:`/book/sequences/sequences-as-tensors`.
    """
    from statsmodels.datasets import sunspots

    frame = sunspots.load_pandas().data
    return (frame["YEAR"].to_numpy().astype(np.int64),
            frame["SUNACTIVITY"].to_numpy(dtype=np.float64).copy())


def load_co2() -> tuple[np.ndarray, np.ndarray]:
    """Weekly atmospheric CO2 at Mauna Loa (ppm), March 1958 to December 2001 (statsmodels).

    The 59 missing weeks are filled by linear interpolation in time, so the series is
    evenly spaced; it shows a trend and a yearly cycle.

    Returns
    -------
    dates : numpy.ndarray
        ``datetime64[D]``, ``(2284,)``, one per week.
    co2 : numpy.ndarray
        float64, ``(2284,)``, parts per million.

    Examples
    --------
    >>> dates, co2 = load_co2()
    >>> str(dates[0]), co2.shape, bool(np.isfinite(co2).all())
    ('1958-03-29', (2284,), True)

    Introduced in :doc:`/book/sequences/forecasting`.
    """
    from statsmodels.datasets import co2

    frame = co2.load_pandas().data
    values = frame["co2"].to_numpy(dtype=np.float64).copy()
    dates = frame.index.to_numpy().astype("datetime64[D]")
    missing = np.isnan(values)
    days = dates.astype(np.int64).astype(np.float64)
    values[missing] = np.interp(days[missing], days[~missing], values[~missing])
    return dates, values
