"""Tests of dlbook.data.load_digits."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits as sklearn_load_digits

from dlbook.data import load_digits


def test_default_is_flat_scaled_float32():
    X, y = load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float32
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.bincount(y).size == 10


def test_matches_scikit_learn_divided_by_16():
    reference = sklearn_load_digits()
    X, y = load_digits(dtype=np.float64)
    np.testing.assert_array_equal(X * 16, reference.data)
    np.testing.assert_array_equal(y, reference.target)


def test_images_unscaled():
    images, _ = load_digits(flatten=False, scale=False)
    assert images.shape == (1797, 8, 8)
    assert images.max() == 16.0
    np.testing.assert_array_equal(images.reshape(1797, 64), load_digits(scale=False)[0])


def test_bad_arguments():
    with pytest.raises(TypeError, match=r"load_digits: expected a floating-point dtype, got int64"):
        load_digits(dtype=np.int64)
    with pytest.raises(TypeError, match=r"load_digits: expected flatten to be bool, got str"):
        load_digits(flatten="yes")
