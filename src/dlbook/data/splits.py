"""Split a data set into training, validation and test sets."""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from dlbook._checks import check_array, check_seed, check_type, type_name


class Splits(NamedTuple):
    """Training, validation and test sets, each an ``(X, y)`` pair.

    Introduced in :doc:`/book/foundations/training`.
    """

    train: tuple[np.ndarray, np.ndarray]
    val: tuple[np.ndarray, np.ndarray]
    test: tuple[np.ndarray, np.ndarray]


def _count(size: float, name: str, n_samples: int) -> int:
    """A split size given as a fraction in (0, 1) or a count in [1, N) -> a count."""
    caller = "train_val_test_split"
    if isinstance(size, bool) or not isinstance(size, numbers.Real):
        raise TypeError(
            f"{caller}: expected {name} to be a fraction in (0, 1) or a number of samples, "
            f"got {type_name(size)} {size!r}"
        )
    if isinstance(size, numbers.Integral):
        if not 1 <= size < n_samples:
            raise ValueError(
                f"{caller}: expected {name} as a count in [1, {n_samples}) for {n_samples} "
                f"samples, got {size}"
            )
        return int(size)
    if not 0.0 < size < 1.0:
        raise ValueError(f"{caller}: expected {name} as a fraction in (0, 1), got {size}")
    # Round up, as scikit-learn does for the test set, so a small fraction is never empty.
    return math.ceil(size * n_samples)


def train_val_test_split(
    X: np.ndarray,
    y: np.ndarray,
    *,
    val_size: float = 0.2,
    test_size: float = 0.2,
    stratify: bool = True,
    rng: int | None = 0,
) -> Splits:
    """Shuffle and split ``(X, y)`` into training, validation and test sets.

    The training set fits the parameters, the validation set chooses hyperparameters and
    when to stop, and the test set is looked at once, at the end, to report performance.

    Parameters
    ----------
    X
        Inputs, shape (N, ...).
    y
        Targets, shape (N, ...).
    val_size, test_size
        Each a fraction of all N samples in (0, 1), rounded up to whole samples, or a number
        of samples. The training set gets the rest, which must not be empty.
    stratify
        Keep the class proportions of ``y`` in every split (for classification); needs at
        least two samples of every class. Use ``False`` for regression targets.
    rng
        Seed of the shuffle (scikit-learn's ``train_test_split`` calls it ``random_state``);
        ``0`` by default so results are reproducible; ``None`` draws fresh randomness.

    Returns
    -------
    Splits
        ``Splits(train=(X, y), val=(X, y), test=(X, y))``; unpack with
        ``(X_train, y_train), (X_val, y_val), (X_test, y_test) = splits``.

    Examples
    --------
    >>> X, y = np.arange(20.0).reshape(10, 2), np.array([0, 1] * 5)
    >>> splits = train_val_test_split(X, y, val_size=0.2, test_size=0.2)
    >>> [len(part[0]) for part in splits]
    [6, 2, 2]
    >>> [np.bincount(part[1]).tolist() for part in splits]
    [[3, 3], [1, 1], [1, 1]]

    Introduced in :doc:`/book/foundations/training`.
    """
    from sklearn.model_selection import train_test_split

    caller = "train_val_test_split"
    check_array(X, "X", caller=caller)
    check_array(y, "y", caller=caller)
    check_type(stratify, "stratify", bool, caller=caller)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(
            f"{caller}: expected X and y with the same number of samples (first dimension), "
            f"got shapes {X.shape} and {y.shape}"
        )
    n_samples = X.shape[0]
    if n_samples < 3:
        raise ValueError(f"{caller}: expected at least 3 samples, got {n_samples}")
    n_test = _count(test_size, "test_size", n_samples)
    n_val = _count(val_size, "val_size", n_samples)
    n_train = n_samples - n_val - n_test
    if n_train < 1:
        raise ValueError(
            f"{caller}: val_size={val_size!r} and test_size={test_size!r} leave no training "
            f"samples out of {n_samples} ({n_val} validation + {n_test} test)"
        )
    seed = check_seed(rng, caller=caller)
    try:
        X_rest, X_test, y_rest, y_test = train_test_split(
            X, y, test_size=n_test, random_state=seed,
            stratify=y if stratify else None,
        )
        X_train, X_val, y_train, y_val = train_test_split(
            X_rest, y_rest, test_size=n_val, random_state=seed,
            stratify=y_rest if stratify else None,
        )
    except ValueError as error:
        if not stratify:
            raise
        raise ValueError(
            f"{caller}: cannot stratify ({error}); pass stratify=False or larger split sizes"
        ) from error
    return Splits((X_train, y_train), (X_val, y_val), (X_test, y_test))
