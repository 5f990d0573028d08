"""Class subsets of a labelled data set: a new task from some of the classes, few labels each."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlbook._checks import check_array, check_int, check_positive_int
from dlbook.random import resolve_rng

__all__ = ["class_subset"]


def class_subset(
    X: np.ndarray,
    y: np.ndarray,
    classes: Sequence[int],
    *,
    per_class: int | None = None,
    rng: int | np.random.Generator | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of ``X`` whose label is in ``classes``, relabelled ``0 .. len(classes) - 1``.

    This turns one labelled data set into several tasks: the digits 0-4 as a five-class source
    task and the digits 5-9 as a five-class target task, say, each labelled from 0 so that a
    network's output layer of size ``len(classes)`` fits either. With ``per_class`` it also
    draws a few labelled examples of each class at random, the few-label setting of transfer
    learning.

    Parameters
    ----------
    X
        ``(N, ...)`` inputs.
    y
        ``(N,)`` integer labels.
    classes
        The labels to keep, distinct; ``classes[k]`` becomes label ``k``.
    per_class
        Draw this many rows of each class without replacement (every class must have that
        many); ``None`` keeps all rows, in their original order.
    rng
        Seed or :class:`numpy.random.Generator` of the draw (``None``: the global generator of
        :func:`dlbook.random.get_rng`); unused without ``per_class``.

    Returns
    -------
    X_subset : numpy.ndarray
        The kept rows of ``X``; with ``per_class``, class by class in the order of ``classes``.
    y_subset : numpy.ndarray
        ``(M,)`` int64, the new labels.

    Examples
    --------
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> y = np.array([3, 1, 3, 2, 1, 3])
    >>> X_sub, y_sub = class_subset(X, y, [3, 1])
    >>> X_sub[:, 0].tolist(), y_sub.tolist()
    ([0.0, 2.0, 4.0, 8.0, 10.0], [0, 1, 0, 1, 0])
    >>> X_few, y_few = class_subset(X, y, [3, 1], per_class=2, rng=0)
    >>> y_few.tolist()
    [0, 0, 1, 1]

    Introduced in :doc:`/book/optimisation/transfer-learning`.
    """
    caller = "class_subset"
    check_array(X, "X", caller=caller)
    if X.ndim == 0:
        raise ValueError(f"{caller}: expected X with at least 1 dimension, got shape ()")
    check_array(y, "y", caller=caller, kind="int", shape=(len(X),),
                hint="one label per row of X")
    if isinstance(classes, (str, bytes)) or not isinstance(classes, (Sequence, np.ndarray)):
        raise TypeError(f"{caller}: expected classes to be a sequence of ints, got "
                        f"{type(classes).__name__}")
    classes = [check_int(c, f"classes[{i}]", caller=caller, minimum=0)
               for i, c in enumerate(classes)]
    if not classes:
        raise ValueError(f"{caller}: expected at least one class, got []")
    if len(set(classes)) != len(classes):
        raise ValueError(f"{caller}: expected distinct classes, got {classes}")
    present = set(np.unique(y).tolist())
    missing = [c for c in classes if c not in present]
    if missing:
        raise ValueError(f"{caller}: expected every class to occur in y, got none of {missing}")
    if per_class is None:
        keep = np.flatnonzero(np.isin(y, classes))
    else:
        per_class = check_positive_int(per_class, "per_class", caller=caller)
        generator = resolve_rng(rng, caller=caller)
        chosen = []
        for c in classes:
            rows = np.flatnonzero(y == c)
            if len(rows) < per_class:
                raise ValueError(f"{caller}: expected at least per_class={per_class} rows of "
                                 f"class {c}, got {len(rows)}")
            chosen.append(generator.choice(rows, size=per_class, replace=False))
        keep = np.concatenate(chosen)
    new_label = {c: k for k, c in enumerate(classes)}
    y_subset = np.array([new_label[int(label)] for label in y[keep]], dtype=np.int64)
    return X[keep], y_subset

