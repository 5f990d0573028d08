"""Tests of dlbook.metrics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix

from dlbook.metrics import accuracy, confusion_matrix, mae, rmse


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


def test_regression_targets_and_single_columns_have_no_accuracy():
    # A regression's (N, 1) float targets and outputs used to argmax to all zeros: accuracy 1.0.
    y = np.array([[0.3], [1.7], [-2.0]])
    for call in (lambda: accuracy(y, y + 0.1), lambda: accuracy([0, 1, 0], y),
                 lambda: confusion_matrix(y, y)):
        with pytest.raises(ValueError, match=r"expected y_(true|pred) of shape \(N,\) labels or "
                                             r"\(N, C\) scores with C >= 2, got \(3, 1\): the "
                                             r"argmax of a single column is always 0"):
            call()
    with pytest.raises(ValueError, match=r"accuracy: expected integer class labels in y_true, got "
                                         r"non-integer values such as \[0.3, 1.7\] \(regression "
                                         r"targets have no accuracy\)"):
        accuracy(y[:, 0], y[:, 0])
    assert accuracy(np.array([1.0, 0.0]), np.array([[0.1, 0.9], [0.8, 0.2]])) == 1.0


def test_nan_scores_give_nan_accuracy_not_the_share_of_class_zero():
    labels = np.array([0, 0, 1, 2])
    diverged = np.full((4, 3), np.nan)
    assert np.argmax(diverged, axis=1).tolist() == [0, 0, 0, 0]  # what used to be counted
    assert np.isnan(accuracy(labels, diverged))
    partly = np.eye(3)[[0, 0, 1, 2]]
    partly[3, 1] = np.nan
    assert np.isnan(accuracy(labels, partly))
    with pytest.raises(ValueError, match=r"confusion_matrix: expected finite scores in y_pred, got "
                                         r"NaN in 4 of 4 rows"):
        confusion_matrix(labels, diverged)
    with pytest.raises(ValueError, match="accuracy: y_true and y_pred must have the same length"):
        accuracy(labels[:3], diverged)  # shapes are still checked


def test_all_names_the_public_objects():
    import dlbook.metrics

    assert set(dlbook.metrics.__all__) >= {"accuracy", "confusion_matrix"}
    assert all(hasattr(dlbook.metrics, name) for name in dlbook.metrics.__all__)


# Per-class recall, precision-recall curves and average precision, against scikit-learn.

def test_per_class_recall_matches_scikit_learn():
    from sklearn.metrics import recall_score

    from dlbook.metrics import per_class_recall

    rng = np.random.default_rng(0)
    y_true, y_pred = rng.integers(0, 5, 300), rng.integers(0, 5, 300)
    np.testing.assert_allclose(per_class_recall(y_true, y_pred),
                               recall_score(y_true, y_pred, average=None), rtol=1e-15)
    scores = rng.normal(size=(300, 5))
    np.testing.assert_allclose(per_class_recall(y_true, scores),
                               recall_score(y_true, scores.argmax(1), average=None), rtol=1e-15)
    assert np.isnan(per_class_recall([0, 0], [0, 1], num_classes=3)[2])


@pytest.mark.parametrize("seed", range(5))
def test_precision_recall_curve_and_average_precision_match_scikit_learn(seed):
    from sklearn.metrics import average_precision_score
    from sklearn.metrics import precision_recall_curve as sklearn_curve

    from dlbook.metrics import average_precision, precision_recall_curve

    rng = np.random.default_rng(seed)
    y_true = rng.random(200) < 0.1
    y_true[0] = True
    scores = np.round(rng.normal(size=200) + y_true, 1)  # rounding makes ties
    precision, recall, thresholds = precision_recall_curve(y_true, scores)
    sk_precision, sk_recall, sk_thresholds = sklearn_curve(y_true, scores)
    np.testing.assert_allclose(thresholds, sk_thresholds[::-1])
    np.testing.assert_allclose(precision, sk_precision[:-1][::-1], rtol=1e-12)
    np.testing.assert_allclose(recall, sk_recall[:-1][::-1], rtol=1e-12)
    assert average_precision(y_true, scores) == pytest.approx(
        average_precision_score(y_true, scores), rel=1e-12)


def test_average_precision_per_class_matches_scikit_learn():
    from sklearn.metrics import average_precision_score
    from sklearn.preprocessing import label_binarize

    from dlbook.metrics import average_precision

    rng = np.random.default_rng(3)
    y_true = rng.integers(0, 4, 150)
    scores = rng.normal(size=(150, 4)) + 1.5 * np.eye(4)[y_true]
    expected = average_precision_score(label_binarize(y_true, classes=range(4)), scores,
                                       average=None)
    np.testing.assert_allclose(average_precision(y_true, scores), expected, rtol=1e-12)
    assert np.isnan(average_precision(np.array([0, 0, 1]), np.zeros((3, 3)))[2])


def test_ranking_metrics_refuse_bad_inputs():
    from dlbook.metrics import average_precision, precision_recall_curve

    with pytest.raises(ValueError, match=r"precision_recall_curve: expected y_true and scores of "
                                         r"the same shape \(N,\), got \(3,\) and \(2,\)"):
        precision_recall_curve([0, 1, 1], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"expected binary labels 0/1 in y_true, got values such "
                                         r"as \[0, 1, 2\]"):
        average_precision([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match=r"expected at least one positive in y_true, got none"):
        average_precision([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match=r"expected finite scores, got NaN or inf"):
        average_precision([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match=r"expected at least one sample, got 0"):
        average_precision([], [])
    with pytest.raises(TypeError, match=r"expected numeric scores, got dtype <U1"):
        average_precision([0, 1], ["a", "b"])
    with pytest.raises(ValueError, match=r"average_precision: expected one label per row of "
                                         r"scores, got 2 labels and 3 rows"):
        average_precision([0, 1], np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"average_precision: expected labels in \[0, 2\) for 2 "
                                         r"score columns, got labels from 0 to 2"):
        average_precision([0, 1, 2], np.zeros((3, 2)))
def test_mae_and_rmse():
    truth, forecast = np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 2.0])
    assert mae(truth, forecast) == pytest.approx(1.0)
    assert rmse(truth, forecast) == pytest.approx(np.sqrt(5 / 3))
    assert rmse(truth, forecast) >= mae(truth, forecast)
    assert isinstance(mae(truth, forecast), float)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=20))
def test_rmse_is_never_below_mae(errors):
    errors = np.array(errors)
    assert rmse(errors, np.zeros_like(errors)) >= mae(errors, np.zeros_like(errors)) - 1e-9


def test_mae_and_rmse_refuse_mismatched_or_empty_input():
    with pytest.raises(ValueError, match=(r"mae: expected truth and forecast of the same"
                                    r" shape, got \(3,\) and \(2,\)")):
        mae([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="rmse: expected at least one value, got 0"):
        rmse([], [])


def test_mae_keeps_the_dtype_of_its_inputs_and_refuses_text():
    truth = np.array([1.5, 2.25], dtype=np.float32)
    assert mae(truth, truth[::-1]) == float(np.mean(np.abs(truth - truth[::-1])))
    with pytest.raises(TypeError, match="mae: expected truth to hold real numbers, got dtype <U1"):
        mae(np.array(["a"]), [1.0])
