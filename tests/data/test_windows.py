"""sliding_windows, load_sunspots and load_co2."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import load_co2, load_sunspots, sliding_windows


@pytest.mark.parametrize("horizon", [1, 3])
def test_windows_and_targets(horizon):
    series = np.arange(20.0)
    X, y = sliding_windows(series, window=5, horizon=horizon)
    assert X.shape == (20 - 5 - horizon + 1, 5) and y.shape == (X.shape[0],)
    np.testing.assert_array_equal(X[:, -1] + horizon, y)
    np.testing.assert_array_equal(X[3], series[3:8])
    X[0, 0] = -1  # a copy, not a view of the series
    assert series[0] == 0


def test_multivariate_series():
    series = np.arange(24.0).reshape(12, 2)
    X, y = sliding_windows(series, window=4, horizon=2)
    assert X.shape == (7, 4, 2) and y.shape == (7, 2)
    np.testing.assert_array_equal(X[1], series[1:5])
    np.testing.assert_array_equal(y[1], series[6])


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"sliding_windows: expected a series of at least "
                                         r"window \+ horizon = 6 steps, got 5"):
        sliding_windows(np.zeros(5), window=5)
    with pytest.raises(TypeError, match="sliding_windows: expected series to be a "
                                        "numpy.ndarray, got list"):
        sliding_windows([1.0, 2.0], window=1)
    with pytest.raises(ValueError, match="sliding_windows: expected horizon >= 1, got 0"):
        sliding_windows(np.zeros(5), window=2, horizon=0)


def test_sunspots_and_co2():
    years, sunspots = load_sunspots()
    assert years.shape == sunspots.shape == (309,) and years[0] == 1700
    assert (np.diff(years) == 1).all() and sunspots.min() >= 0
    dates, co2 = load_co2()
    assert dates.shape == co2.shape == (2284,) and np.isfinite(co2).all()
    assert (np.diff(dates).astype(int) == 7).all()
    assert 310 < co2.min() and co2.max() < 380 and co2[-52:].mean() > co2[:52].mean() + 40
