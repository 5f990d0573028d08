"""Tests of dlbook.data.translated_digits."""

from __future__ import annotations

import numpy as np
import pytest

import dlbook.np as dnp
from dlbook.data import load_digits, translated_digits


@pytest.fixture(scope="module")
def digits():
    images, labels = load_digits(flatten=False)  # (1797, 8, 8) float32
    return images[:50], labels[:50]


@pytest.mark.parametrize("canvas_size", [8, 9, 24, 32])
@pytest.mark.parametrize("copies", [1, 3])
def test_shapes_dtypes_and_labels(digits, canvas_size, copies):
    images, labels = digits
    X, y = translated_digits(images, labels, canvas_size, copies=copies, rng=0)
    assert X.shape == (50 * copies, 1, canvas_size, canvas_size) and X.dtype == np.float32
    assert y.shape == (50 * copies,) and y.dtype == np.int64
    np.testing.assert_array_equal(y, np.repeat(labels, copies))


@pytest.mark.parametrize("canvas_size", [8, 13, 24])
def test_each_canvas_holds_exactly_its_digit_at_its_offset(digits, canvas_size):
    images, labels = digits
    X, _, offsets = translated_digits(images, labels, canvas_size, copies=2, rng=3,
                                      return_offsets=True)
    assert offsets.shape == (100, 2) and offsets.dtype == np.int64
    assert offsets.min() >= 0 and offsets.max() <= canvas_size - 8
    for k, (r, c) in enumerate(offsets):
        original = images[k // 2]
        np.testing.assert_array_equal(X[k, 0, r:r + 8, c:c + 8], original)
        rest = X[k, 0].copy()
        rest[r:r + 8, c:c + 8] = 0.0
        assert not rest.any(), f"canvas {k} has ink outside its digit"


def test_offsets_cover_the_canvas_uniformly():
    images = np.ones((1, 2, 3))
    _, _, offsets = translated_digits(images, np.array([0]), 6, copies=6000, rng=0,
                                      return_offsets=True)
    rows = np.bincount(offsets[:, 0], minlength=5)
    cols = np.bincount(offsets[:, 1], minlength=4)
    assert rows.size == 5 and cols.size == 4  # r in 0..S-h = 0..4, c in 0..S-w = 0..3
    assert rows.min() > 0.8 * 6000 / 5 and cols.min() > 0.8 * 6000 / 4


def test_channel_axis_input_and_rectangular_images(digits):
    images, labels = digits
    flat_channel, _ = translated_digits(images[:, None], labels, 16, rng=1)
    plain, _ = translated_digits(images, labels, 16, rng=1)
    np.testing.assert_array_equal(flat_channel, plain)
    wide = np.arange(2 * 3 * 5, dtype=np.float64).reshape(2, 3, 5) + 1
    X, _, offsets = translated_digits(wide, np.array([1, 2]), 7, rng=0, return_offsets=True,
                                      dtype=np.float64)
    assert X.dtype == np.float64
    for k, (r, c) in enumerate(offsets):
        np.testing.assert_array_equal(X[k, 0, r:r + 3, c:c + 5], wide[k])


def test_deterministic_under_a_seed_and_a_generator(digits):
    images, labels = digits
    first, _ = translated_digits(images, labels, 24, rng=7)
    again, _ = translated_digits(images, labels, 24, rng=7)
    np.testing.assert_array_equal(first, again)
    other, _ = translated_digits(images, labels, 24, rng=8)
    assert not np.array_equal(first, other)
    from_generator, _ = translated_digits(images, labels, 24, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(first, from_generator)


def test_rng_none_uses_the_global_generator(digits):
    images, labels = digits
    dnp.manual_seed(5)
    first, _ = translated_digits(images, labels, 24, rng=None)
    dnp.manual_seed(5)
    again, _ = translated_digits(images, labels, 24, rng=None)
    np.testing.assert_array_equal(first, again)


def test_inputs_are_not_modified(digits):
    images, labels = digits
    before = images.copy()
    translated_digits(images, labels, 24, rng=0)
    np.testing.assert_array_equal(images, before)


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "message"),
    [
        (([[0.0]], np.array([0])), {}, TypeError,
         r"translated_digits: expected images to be a numpy.ndarray, got list"),
        ((np.zeros((4, 64)), np.zeros(4, dtype=int)), {}, ValueError,
         r"translated_digits: expected images with 3 or 4 dimensions, got 2 \(shape \(4, 64\)\)"),
        ((np.zeros((4, 3, 8, 8)), np.zeros(4, dtype=int)), {}, ValueError,
         r"translated_digits: expected images of shape \(N, h, w\) or \(N, 1, h, w\), "
         r"got \(4, 3, 8, 8\)"),
        ((np.zeros((0, 8, 8)), np.zeros(0, dtype=int)), {}, ValueError,
         r"translated_digits: expected at least one image, got shape \(0, 8, 8\)"),
        ((np.zeros((4, 8, 8)), np.zeros(4)), {}, TypeError,
         r"translated_digits: expected labels with an integer dtype, got float64"),
        ((np.zeros((4, 8, 8)), np.zeros(3, dtype=int)), {}, ValueError,
         r"translated_digits: expected labels of shape \(4,\) \(one label per image\), got \(3,\)"),
        ((np.zeros((4, 8, 8)), np.zeros(4, dtype=int), 7), {}, ValueError,
         r"translated_digits: expected canvas_size >= the images' side 8, got 7"),
        ((np.zeros((4, 8, 8)), np.zeros(4, dtype=int), 24.0), {}, TypeError,
         r"translated_digits: expected canvas_size to be an int, got float 24.0"),
        ((np.zeros((4, 8, 8)), np.zeros(4, dtype=int)), {"copies": 0}, ValueError,
         r"translated_digits: expected copies >= 1, got 0"),
        ((np.zeros((4, 8, 8)), np.zeros(4, dtype=int)), {"rng": "seed"}, TypeError,
         r"translated_digits: expected rng to be None, an int seed or a numpy.random.Generator, "
         r"got str"),
        ((np.zeros((4, 8, 8)), np.zeros(4, dtype=int)), {"return_offsets": 1}, TypeError,
         r"translated_digits: expected return_offsets to be bool, got int"),
        ((np.zeros((4, 8, 8)), np.zeros(4, dtype=int)), {"dtype": np.int32}, TypeError,
         r"translated_digits: expected a floating-point dtype, got int32"),
    ],
)
def test_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        translated_digits(*args, **kwargs)
