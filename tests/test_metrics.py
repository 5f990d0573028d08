"""Tests of dlbook.metrics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from dlbook.metrics import accuracy, confusion_matrix


def test_accuracy_of_labels_and_of_scores():
    assert accuracy(np.array([0, 1, 2, 2]), np.array([0, 1, 1, 2])) == 0.75
    scores = np.array([[0.1, 0.9], [2.0, -1.0], [0.0, 3.0]])
    assert accuracy(np.array([1, 0, 0]), scores) == pytest.approx(2 / 3)
    assert accuracy([True, False], [True, True]) == 0.5
    assert accuracy(np.array([1.0, 0.0]), np.array([1, 0])) == 1.0


def test_confusion_matrix_rows_are_true_classes():
    cm = confusion_matrix(np.array([0, 0, 1, 2, 2, 2]), np.array([0, 1, 1, 2, 0, 2]))
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert cm.dtype == np.int64
    assert cm.trace() / cm.sum() == accuracy([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2])


def test_confusion_matrix_num_classes_pads():
    cm = confusion_matrix([0, 1], [1, 1], num_classes=4)
    assert cm.shape == (4, 4)
    assert cm.sum() == 2 and cm[0, 1] == 1 and cm[1, 1] == 1


@settings(max_examples=30, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda k: st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)),
                           min_size=1, max_size=50).map(lambda pairs: (k, pairs))
    )
)
def test_agrees_with_scikit_learn(case):
    num_classes, pairs = case
    y_true = np.array([t for t, _ in pairs])
    y_pred = np.array([p for _, p in pairs])
    assert accuracy(y_true, y_pred) == pytest.approx(accuracy_score(y_true, y_pred))
    np.testing.assert_array_equal(
        confusion_matrix(y_true, y_pred, num_classes=num_classes),
        sklearn_confusion_matrix(y_true, y_pred, labels=list(range(num_classes))),
    )


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: accuracy([0, 1], [0]), ValueError,
         r"accuracy: y_true and y_pred must have the same length, got 2 and 1"),
        (lambda: accuracy([], []), ValueError, r"accuracy: expected at least one sample, got 0"),
        (lambda: accuracy(np.zeros((2, 2, 2)), [0, 1]), ValueError,
         r"accuracy: expected y_true of shape \(N,\) labels or \(N, C\) scores, got \(2, 2, 2\)"),
        (lambda: accuracy([0.5, 1.0], [0, 1]), ValueError,
         r"accuracy: expected integer class labels in y_true"),
        (lambda: accuracy(["a", "b"], [0, 1]), TypeError,
         r"accuracy: expected integer class labels in y_true, got dtype <U1"),
        (lambda: confusion_matrix([0, 3], [0, 1], num_classes=3), ValueError,
         r"confusion_matrix: expected labels in \[0, 3\) for num_classes=3, got a label 3"),
        (lambda: confusion_matrix([0, -1], [0, 1]), ValueError,
         r"confusion_matrix: expected non-negative class labels, got minimum -1"),
        (lambda: confusion_matrix([0, 1], [0, 1], num_classes=2.0), TypeError,
         r"confusion_matrix: expected num_classes to be an int, got float 2.0"),
    ],
)
def test_bad_input(call, error, message):
    with pytest.raises(error, match=message):
        call()
