"""Tests of dlbook.data.class_subset."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import class_subset, load_digits


@pytest.fixture(scope="module")
def digits():
    return load_digits(flatten=False)


def test_keeps_the_classes_in_order_and_relabels_them(digits):
    X, y = digits
    X_sub, y_sub = class_subset(X, y, [5, 6, 7, 8, 9])
    rows = np.flatnonzero(y >= 5)
    np.testing.assert_array_equal(X_sub, X[rows])
    np.testing.assert_array_equal(y_sub, y[rows] - 5)
    assert y_sub.dtype == np.int64 and X_sub.dtype == X.dtype


def test_the_order_of_classes_sets_the_new_labels(digits):
    X, y = digits
    _, y_sub = class_subset(X, y, [9, 0])
    assert set(y_sub.tolist()) == {0, 1}
    assert (y_sub == 0).sum() == (y == 9).sum() and (y_sub == 1).sum() == (y == 0).sum()


@pytest.mark.parametrize("per_class", [1, 5, 20])
def test_per_class_draws_that_many_distinct_rows_of_each_class(digits, per_class):
    X, y = digits
    X_few, y_few = class_subset(X, y, [5, 6, 7], per_class=per_class, rng=3)
    assert X_few.shape == (3 * per_class, 8, 8)
    np.testing.assert_array_equal(y_few, np.repeat([0, 1, 2], per_class))
    flat = X.reshape(len(X), -1)
    for image, label in zip(X_few.reshape(len(X_few), -1), y_few, strict=True):
        matches = np.flatnonzero((flat == image).all(axis=1))
        assert (y[matches] == [5, 6, 7][label]).any()
    assert len({row.tobytes() for row in X_few.reshape(len(X_few), -1)}) == len(X_few) or \
        per_class == 1


def test_per_class_draw_is_reproducible_and_depends_on_the_seed(digits):
    X, y = digits
    a = class_subset(X, y, [1, 2], per_class=5, rng=0)[0]
    b = class_subset(X, y, [1, 2], per_class=5, rng=0)[0]
    c = class_subset(X, y, [1, 2], per_class=5, rng=1)[0]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"X": [1, 2]}, TypeError, r"class_subset: expected X to be a numpy.ndarray, got list"),
        ({"y": np.zeros(3, dtype=np.int64)}, ValueError, r"class_subset: expected y of shape"),
        ({"y": np.zeros(6)}, TypeError, r"class_subset: expected y with an integer dtype"),
        ({"classes": 3}, TypeError, r"expected classes to be a sequence of ints, got int"),
        ({"classes": "ab"}, TypeError, r"expected classes to be a sequence of ints, got str"),
        ({"classes": []}, ValueError, r"expected at least one class, got \[\]"),
        ({"classes": [1, 1]}, ValueError, r"expected distinct classes, got \[1, 1\]"),
        ({"classes": [1.0]}, TypeError, r"expected classes\[0\] to be an int, got float"),
        ({"classes": [-1]}, ValueError, r"expected classes\[0\] >= 0, got -1"),
        ({"classes": [7]}, ValueError, r"expected every class to occur in y, got none of \[7\]"),
        ({"per_class": 0}, ValueError, r"expected per_class >= 1, got 0"),
        ({"per_class": 4}, ValueError, r"expected at least per_class=4 rows of class 1, got 3"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, error, message):
    arguments = {"X": np.arange(12.0).reshape(6, 2), "y": np.array([1, 2, 1, 2, 1, 2]),
                 "classes": [1, 2]}
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        class_subset(arguments.pop("X"), arguments.pop("y"), arguments.pop("classes"),
                     **arguments)
