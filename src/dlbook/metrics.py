"""Classification metrics: accuracy and the confusion matrix."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from dlbook._checks import check_int


def _as_labels(values: ArrayLike, name: str, where: str) -> np.ndarray:
    """Integer class labels of shape (N,), from labels or from (N, C) scores (argmax)."""
    array = np.asarray(values)
    if array.ndim == 2:
        array = array.argmax(axis=1)  # (N,) scores or probabilities -> predicted class
    if array.ndim != 1:
        raise ValueError(
            f"{where}: expected {name} of shape (N,) labels or (N, C) scores, got {array.shape}"
        )
    if array.dtype.kind == "b":
        return array.astype(np.int64)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or not np.all(array == np.round(array)):
            raise ValueError(f"{where}: expected integer class labels in {name}, got {array[:5]}")
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
        True class labels, shape (N,).
    y_pred
        Predicted labels, shape (N,), or class scores/probabilities of shape (N, C), in which
        case the predicted class is the argmax of each row.

    Returns
    -------
    float
        A number in [0, 1].

    Examples
    --------
    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    >>> accuracy([1, 0], [[0.2, 0.8], [0.9, 0.1]])
    1.0

    Introduced in :doc:`/book/foundations/training`.
    """
    true, pred = _pair(y_true, y_pred, "accuracy")
    return float(np.mean(true == pred))


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
