"""Tests of dlbook.data.circles."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import circles


def test_shapes_dtypes_and_balanced_classes():
    X, y = circles()
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert y.shape == (300,) and y.dtype == np.int64
    assert set(np.unique(y).tolist()) == {0, 1}
    assert np.bincount(y).tolist() == [150, 150]


def test_default_is_reproducible_and_seed_changes_it():
    X1, y1 = circles()
    X2, y2 = circles()
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, _ = circles(rng=1)
    assert not np.allclose(X1, X3)


@pytest.mark.parametrize("factor", [0.3, 0.5, 0.8])
def test_without_noise_points_lie_on_the_two_circles(factor):
    X, y = circles(n_samples=101, noise=0.0, factor=factor)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0, rtol=1e-12)
    np.testing.assert_allclose(radius[y == 1], factor, rtol=1e-12)


def test_noise_spreads_the_radii():
    X, y = circles(noise=0.1)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert 0.02 < radius[y == 0].std() < 0.2
    assert radius[y == 0].mean() > radius[y == 1].mean() + 0.3


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"n_samples": 0}, ValueError, r"circles: expected n_samples >= 1, got 0"),
        ({"n_samples": 1}, ValueError, r"circles: expected n_samples >= 2"),
        ({"n_samples": 2.5}, TypeError, r"circles: expected n_samples to be an int"),
        ({"noise": -0.1}, ValueError, r"circles: expected noise >= 0.0, got -0.1"),
        ({"factor": 1.0}, ValueError, r"circles: expected factor < 1.0, got 1.0"),
        ({"factor": 0.0}, ValueError, r"circles: expected factor > 0.0, got 0.0"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        circles(**kwargs)
