"""Tests of dlbook.data.train_val_test_split."""

from __future__ import annotations

import numpy as np
import pytest

from dlbook.data import Splits, train_val_test_split


def _data(n=100, num_classes=2):
    X = np.arange(n * 3, dtype=np.float64).reshape(n, 3)
    y = np.arange(n) % num_classes
    return X, y


def test_fractions_are_rounded_up_and_partition_the_data():
    X, y = _data(101)
    splits = train_val_test_split(X, y, val_size=0.15, test_size=0.2)
    assert isinstance(splits, Splits)
    (X_train, y_train), (X_val, y_val), (X_test, y_test) = splits
    assert (len(X_train), len(X_val), len(X_test)) == (64, 16, 21)  # ceil(15.15), ceil(20.2)
    rows = np.concatenate([X_train, X_val, X_test])[:, 0]
    assert sorted(rows.tolist()) == X[:, 0].tolist()  # every sample exactly once
    for part_X, part_y in splits:
        np.testing.assert_array_equal(part_X[:, 0] / 3 % 2, part_y)  # pairs stay together


def test_counts_are_accepted():
    X, y = _data(50)
    splits = train_val_test_split(X, y, val_size=10, test_size=5)
    assert [len(part[0]) for part in splits] == [35, 10, 5]


def test_stratified_keeps_class_proportions():
    X, y = _data(300, num_classes=3)
    for _, part_y in train_val_test_split(X, y, val_size=0.2, test_size=0.2):
        counts = np.bincount(part_y)
        assert counts.max() - counts.min() <= 1


def test_reproducible_and_seed_dependent():
    X, y = _data()
    first = train_val_test_split(X, y, rng=3)
    second = train_val_test_split(X, y, rng=3)
    other = train_val_test_split(X, y, rng=4)
    np.testing.assert_array_equal(first.test[0], second.test[0])
    assert not np.array_equal(first.test[0], other.test[0])


def test_regression_targets_without_stratification():
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = X.sum(axis=1)
    train, val, test = train_val_test_split(X, y, stratify=False)
    assert len(train[0]) + len(val[0]) + len(test[0]) == 40


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"val_size": 0.0}, ValueError, r"expected val_size as a fraction in \(0, 1\), got 0.0"),
        ({"test_size": 1.5}, ValueError, r"expected test_size as a fraction in \(0, 1\), got 1.5"),
        ({"test_size": 100}, ValueError, r"expected test_size as a count in \[1, 100\)"),
        ({"val_size": "0.2"}, TypeError, r"expected val_size to be a fraction in \(0, 1\) or"),
        (
            {"val_size": 0.5, "test_size": 0.5},
            ValueError,
            r"val_size=0.5 and test_size=0.5 leave no training samples out of 100",
        ),
    ],
)
def test_bad_sizes(kwargs, error, message):
    X, y = _data()
    with pytest.raises(error, match="train_val_test_split: " + message):
        train_val_test_split(X, y, **kwargs)


def test_bad_inputs():
    X, y = _data()
    with pytest.raises(ValueError, match=r"same number of samples .* got shapes \(100, 3\) and "
                                         r"\(99,\)"):
        train_val_test_split(X, y[:99])
    with pytest.raises(TypeError, match=r"train_val_test_split: expected X to be a numpy.ndarray"):
        train_val_test_split(X.tolist(), y)
    with pytest.raises(ValueError, match=r"train_val_test_split: cannot stratify"):
        train_val_test_split(X, np.r_[np.zeros(99, dtype=int), 1])
