"""dlbook.data.timeseries: the sunspot and CO2 series (statsmodels' bundled data, offline)."""

from __future__ import annotations

import numpy as np

from dlbook.data.timeseries import load_co2, load_sunspots


def test_sunspots_shapes_dtypes_and_years():
    years, sunspots = load_sunspots()
    assert years.shape == sunspots.shape == (309,)
    assert years.dtype == np.int64 and sunspots.dtype == np.float64
    assert years[0] == 1700 and years[-1] == 2008
    assert np.array_equal(np.diff(years), np.ones(308, dtype=np.int64))  # one value a year
    assert np.isfinite(sunspots).all() and sunspots.min() >= 0


def test_co2_is_weekly_evenly_spaced_and_complete():
    dates, co2 = load_co2()
    assert dates.shape == co2.shape == (2284,)
    assert dates.dtype == np.dtype("datetime64[D]") and co2.dtype == np.float64
    assert str(dates[0]) == "1958-03-29" and str(dates[-1]).startswith("2001-12")
    assert set(np.diff(dates).astype(int).tolist()) == {7}
    assert np.isfinite(co2).all()  # the missing weeks are interpolated
    assert 300 < co2.min() < co2.max() < 400


def test_co2_interpolation_stays_between_its_neighbours():
    from statsmodels.datasets import co2 as statsmodels_co2

    raw = statsmodels_co2.load_pandas().data["co2"].to_numpy(dtype=np.float64)
    _, co2 = load_co2()
    missing = np.flatnonzero(np.isnan(raw))
    assert missing.size == 59
    known = ~np.isnan(raw)
    assert np.array_equal(co2[known], raw[known])  # observed weeks are untouched
    for i in missing:
        before = raw[:i][~np.isnan(raw[:i])][-1]
        after = raw[i + 1:][~np.isnan(raw[i + 1:])][0]
        assert min(before, after) <= co2[i] <= max(before, after)


def test_loading_is_deterministic_and_returns_fresh_arrays():
    for load in (load_sunspots, load_co2):
        first, second = load(), load()
        for a, b in zip(first, second, strict=True):
            assert np.array_equal(a, b)
        first[1][:] = -1.0  # a caller's edit does not reach the next load
        assert not np.array_equal(first[1], load()[1])
