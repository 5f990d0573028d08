"""Classification metrics: accuracy, the confusion matrix, per-class recall, precision-recall
curves and average precision."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlbook._checks import check_int

__all__ = ["accuracy", "confusion_matrix", "per_class_recall", "precision_recall_curve",
           "average_precision"]


def _as_labels(values: ArrayLike, name: str, where: str) -> np.ndarray:
    """Integer class labels of shape (N,), from labels or from (N, C) scores (argmax).

    A single column of scores is refused: its argmax is always 0, so a regression target or a
    one-logit binary output would silently score as if every prediction were right.
    """
    array = np.asarray(values)
    if array.ndim == 2:
        if array.shape[1] < 2:
            raise ValueError(
                f"{where}: expected {name} of shape (N,) labels or (N, C) scores with C >= 2, "
                f"got {array.shape}: the argmax of a single column is always 0 (for one "
                f"binary score, threshold it first, e.g. (p > 0.5); for regression targets "
                f"accuracy has no meaning)"
            )
        if array.dtype.kind == "f" and np.isnan(array).any():
            rows = int(np.isnan(array).any(axis=1).sum())
            raise ValueError(
                f"{where}: expected finite scores in {name}, got NaN in {rows} of "
                f"{array.shape[0]} rows (the outputs of a diverged model have no argmax)"
            )
        array = array.argmax(axis=1)  # (N,) scores or probabilities -> predicted class
    if array.ndim != 1:
        raise ValueError(
            f"{where}: expected {name} of shape (N,) labels or (N, C) scores, got {array.shape}"
        )
    if array.dtype.kind == "b":
        return array.astype(np.int64)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            bad = array[~(np.isfinite(array) & (array == np.round(array)))]
            raise ValueError(
                f"{where}: expected integer class labels in {name}, got non-integer values "
                f"such as {bad[:3].tolist()} (regression targets have no accuracy)"
            )
        return array.astype(np.int64)
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{where}: expected integer class labels in {name}, got dtype {array.dtype}"
        )
    return array.astype(np.int64, copy=False)


def _pair(y_true: ArrayLike, y_pred: ArrayLike, where: str) -> tuple[np.ndarray, np.ndarray]:
    true = _as_labels(y_true, "y_true", where)
    pred = _as_labels(y_pred, "y_pred", where)
    if true.shape != pred.shape:
        raise ValueError(
            f"{where}: y_true and y_pred must have the same length, got {true.shape[0]} and "
            f"{pred.shape[0]}"
        )
    if true.size == 0:
        raise ValueError(f"{where}: expected at least one sample, got 0")
    return true, pred


def accuracy(y_true: ArrayLike, y_pred: ArrayLike) -> float:
    """Fraction of samples whose predicted class equals the true class.

    Parameters
    ----------
    y_true
        True class labels, shape (N,): integers, or floats with whole values (one-hot or
        probability rows of shape (N, C) are reduced to their argmax too).
    y_pred
        Predicted labels, shape (N,), or class scores/probabilities of shape (N, C) with
        C >= 2, in which case the predicted class is the argmax of each row.

    Raises
    ------
    ValueError
        For non-integer labels (regression targets or outputs) and for single-column score
        arrays (N, 1), whose argmax would always be 0 and make any accuracy 1.0 or meaningless.

    Returns
    -------
    float
        A number in [0, 1]; ``nan`` when the scores hold NaN (a diverged model). The argmax
        of a NaN row is its first NaN, so counting it would silently score the diverged
        model on the share of class 0 in ``y_true``; ``nan`` says there was no prediction,
        as the loss (also ``nan``) does.

    Examples
    --------
    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    >>> accuracy([1, 0], [[0.2, 0.8], [0.9, 0.1]])
    1.0
    >>> accuracy([[0.5], [1.5]], [[0.4], [1.6]])  # regression: refused, not 1.0
    Traceback (most recent call last):
        ...
    ValueError: accuracy: expected y_true of shape (N,) labels or (N, C) scores with C >= 2, ...
    >>> accuracy([0, 1], [[np.nan, np.nan], [0.0, 1.0]])  # diverged: no accuracy
    nan

    Introduced in :doc:`/book/foundations/training`.
    """
    scores = np.asarray(y_pred)
    diverged = scores.ndim == 2 and scores.dtype.kind == "f" and bool(np.isnan(scores).any())
    if diverged:
        scores = np.where(np.isnan(scores), 0.0, scores)  # still check shapes and labels
    true, pred = _pair(y_true, scores, "accuracy")
    return float("nan") if diverged else float(np.mean(true == pred))

def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None
) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    Entry ``[i, j]`` is the number of samples of true class ``i`` predicted as class ``j``
    (rows = true class, columns = predicted class, as in scikit-learn), so the diagonal holds
    the correct predictions and ``cm.trace() / cm.sum()`` is the accuracy.

    Parameters
    ----------
    y_true
        True class labels, shape (N,), integers in ``[0, num_classes)``.
    y_pred
        Predicted labels, shape (N,), or scores of shape (N, C) (argmax per row).
    num_classes
        Size of the matrix; default ``max(y_true.max(), y_pred.max()) + 1``.

    Returns
    -------
    numpy.ndarray
        int64 array of shape (num_classes, num_classes).

    Examples
    --------
    >>> confusion_matrix([0, 0, 1, 2], [0, 1, 1, 2])
    array([[1, 1, 0],
           [0, 1, 0],
           [0, 0, 1]])

    Introduced in :doc:`/book/foundations/digits`.
    """
    true, pred = _pair(y_true, y_pred, "confusion_matrix")
    if min(true.min(), pred.min()) < 0:
        raise ValueError(
            f"confusion_matrix: expected non-negative class labels, got minimum "
            f"{min(true.min(), pred.min())}"
        )
    largest = int(max(true.max(), pred.max()))
    if num_classes is None:
        num_classes = largest + 1
    else:
        num_classes = check_int(num_classes, "num_classes", caller="confusion_matrix", minimum=1)
        if largest >= num_classes:
            raise ValueError(
                f"confusion_matrix: expected labels in [0, {num_classes}) for num_classes="
                f"{num_classes}, got a label {largest}"
            )
    flat = true * num_classes + pred  # (N,) one cell index per sample
    counts = np.bincount(flat, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


def per_class_recall(
    y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None
) -> np.ndarray:
    """The recall of every class: the fraction of its samples predicted as that class.

    Entry ``c`` is ``cm[c, c] / cm[c].sum()`` for the :func:`confusion_matrix` ``cm``, what
    scikit-learn's ``recall_score(y_true, y_pred, average=None)`` computes. Unlike accuracy,
    which weighs every sample alike and so mostly measures the common classes, it shows each
    class on its own: a model that never predicts a rare class scores 0 there.

    Parameters
    ----------
    y_true
        True class labels, shape (N,).
    y_pred
        Predicted labels, shape (N,), or scores of shape (N, C) (argmax per row).
    num_classes
        Number of classes; default ``max(y_true.max(), y_pred.max()) + 1``.

    Returns
    -------
    numpy.ndarray
        float64 array of shape (num_classes,); ``nan`` for a class with no true samples
        (its recall is undefined; scikit-learn reports 0 and warns).

    Examples
    --------
    >>> per_class_recall([0, 0, 0, 1], [0, 0, 1, 1])
    array([0.66666667, 1.        ])
    >>> per_class_recall([0, 0], [0, 0], num_classes=2)
    array([ 1., nan])

    Introduced in :doc:`/book/optimisation/losses`.
    """
    cm = confusion_matrix(y_true, y_pred, num_classes)
    support = cm.sum(axis=1)  # (C,) true samples per class
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(support > 0, np.diag(cm) / np.maximum(support, 1), np.nan)


def _binary_scores(y_true: ArrayLike, scores: ArrayLike, where: str) -> tuple[np.ndarray, ...]:
    """0/1 labels and finite scores of shape (N,), N >= 1, with at least one positive."""
    labels = np.asarray(y_true)
    values = np.asarray(scores, dtype=float) if np.asarray(scores).dtype.kind in "biuf" else None
    if values is None:
        raise TypeError(f"{where}: expected numeric scores, got dtype {np.asarray(scores).dtype}")
    if labels.ndim != 1 or values.ndim != 1 or labels.shape != values.shape:
        raise ValueError(f"{where}: expected y_true and scores of the same shape (N,), got "
                         f"{labels.shape} and {values.shape}")
    if labels.size == 0:
        raise ValueError(f"{where}: expected at least one sample, got 0")
    if labels.dtype.kind not in "biuf" or not np.all(np.isin(labels, (0, 1))):
        raise ValueError(f"{where}: expected binary labels 0/1 in y_true, got values such as "
                         f"{np.unique(labels)[:4].tolist()}")
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{where}: expected finite scores, got NaN or inf")
    positives = labels.astype(bool)
    if not positives.any():
        raise ValueError(f"{where}: expected at least one positive in y_true, got none "
                         f"(recall, and so the curve, is undefined)")
    return positives, values


def precision_recall_curve(
    y_true: ArrayLike, scores: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Precision and recall of the rule ``score >= threshold`` at every distinct score.

    Sorting the samples by decreasing score and lowering the threshold one distinct score at
    a time, each step predicts more samples positive: recall rises towards 1 and precision
    (the fraction of predicted positives that are positive) usually falls. Tied scores enter
    together.

    Parameters
    ----------
    y_true
        Binary labels (0/1 or booleans), shape (N,), with at least one positive.
    scores
        Scores for the positive class (probabilities or logits), shape (N,), finite.

    Returns
    -------
    precision, recall, thresholds
        Arrays of shape (K,) for the K distinct scores, thresholds in decreasing order (so
        recall increases); scikit-learn's ``precision_recall_curve`` returns the same points
        in the opposite order, with a final (precision 1, recall 0) point appended.

    Examples
    --------
    >>> precision, recall, thresholds = precision_recall_curve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    >>> precision.round(3).tolist(), recall.tolist(), thresholds.tolist()
    ([1.0, 0.5, 0.667, 0.5], [0.5, 0.5, 1.0, 1.0], [0.9, 0.8, 0.7, 0.1])

    Introduced in :doc:`/book/optimisation/losses`.
    """
    positives, values = _binary_scores(y_true, scores, "precision_recall_curve")
    order = np.argsort(-values, kind="stable")  # (N,) decreasing score
    sorted_scores, sorted_positives = values[order], positives[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(sorted_scores)), sorted_scores.size - 1]  # (K,)
    true_positives = np.cumsum(sorted_positives)[last_of_tie]  # (K,)
    predicted = last_of_tie + 1  # (K,) samples at or above each threshold
    precision = true_positives / predicted
    recall = true_positives / positives.sum()
    return precision, recall, sorted_scores[last_of_tie]


def average_precision(y_true: ArrayLike, scores: ArrayLike) -> float | np.ndarray:
    """Average precision: the area under the precision-recall curve, as a step sum.

    ``AP = sum_k (R_k - R_{k-1}) P_k`` over the points of :func:`precision_recall_curve`
    (with ``R_0 = 0``): the precision at each threshold, weighted by the recall gained there.
    No interpolation; the definition of scikit-learn's ``average_precision_score``. A
    classifier that ranks at random scores about the share of positives; a perfect ranking
    scores 1.

    Parameters
    ----------
    y_true
        Binary labels, shape (N,), with scores of shape (N,); or integer class labels of
        shape (N,) with scores of shape (N, C), for the one-vs-rest AP of every class.
    scores
        Positive-class scores (N,), or class scores (N, C) (logits or probabilities).

    Returns
    -------
    float or numpy.ndarray
        The AP, or for (N, C) scores an array of shape (C,) (``nan`` for a class with no
        samples in ``y_true``).

    Examples
    --------
    >>> round(average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]), 4)  # 0.5 * 1 + 0.5 * 2/3
    0.8333
    >>> average_precision([0, 1, 1], [[2.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    array([1.        , 0.83333333])

    Introduced in :doc:`/book/optimisation/losses`.
    """
    values = np.asarray(scores)
    if values.ndim == 2:
        labels = _as_labels(y_true, "y_true", "average_precision")
        if labels.shape[0] != values.shape[0]:
            raise ValueError(f"average_precision: expected one label per row of scores, got "
                             f"{labels.shape[0]} labels and {values.shape[0]} rows")
        if labels.size and (labels.min() < 0 or labels.max() >= values.shape[1]):
            raise ValueError(f"average_precision: expected labels in [0, {values.shape[1]}) "
                             f"for {values.shape[1]} score columns, got labels from "
                             f"{labels.min()} to {labels.max()}")
        return np.array([average_precision(labels == c, values[:, c])
                         if np.any(labels == c) else np.nan for c in range(values.shape[1])])
    precision, recall, _ = precision_recall_curve(y_true, scores)
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))
