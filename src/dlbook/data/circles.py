"""Two concentric circles: the course's toy classification problem."""

from __future__ import annotations

import numpy as np

from dlbook._checks import check_number, check_positive_int, check_seed


def circles(
    n_samples: int = 300,
    noise: float = 0.1,
    factor: float = 0.5,
    rng: int | None = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Points on two concentric circles, labelled by circle (scikit-learn's ``make_circles``).

    The outer circle has radius 1 (class 0), the inner one radius ``factor`` (class 1); each
    point is moved by Gaussian noise of standard deviation ``noise``. No straight line separates
    the classes, which makes it the smallest problem on which a hidden layer visibly matters.

    Parameters
    ----------
    n_samples
        Total number of points, split as evenly as possible between the two circles.
    noise
        Standard deviation of the Gaussian noise added to each coordinate.
    factor
        Radius of the inner circle relative to the outer one, in (0, 1).
    rng
        Seed of the generator (scikit-learn calls it ``random_state``); ``0`` by default so
        that the book's figures never change. ``None`` draws fresh randomness.

    Returns
    -------
    X : numpy.ndarray
        float64 array of shape (n_samples, 2).
    y : numpy.ndarray
        int64 array of shape (n_samples,), values 0 (outer) and 1 (inner).

    Examples
    --------
    >>> X, y = circles()
    >>> X.shape, X.dtype, y.dtype, int(y.sum())
    ((300, 2), dtype('float64'), dtype('int64'), 150)

    Introduced in :doc:`/book/foundations/circles`.
    """
    from sklearn.datasets import make_circles

    n_samples = check_positive_int(n_samples, "n_samples", caller="circles")
    if n_samples < 2:
        raise ValueError(
            f"circles: expected n_samples >= 2 (one point per circle), got {n_samples}"
        )
    noise = check_number(noise, "noise", caller="circles", low=0.0)
    factor = check_number(
        factor, "factor", caller="circles", low=0.0, high=1.0,
        low_inclusive=False, high_inclusive=False,
    )
    X, y = make_circles(
        n_samples=n_samples, shuffle=True, noise=noise,
        random_state=check_seed(rng, caller="circles"), factor=factor
    )
    return X.astype(np.float64, copy=False), y.astype(np.int64, copy=False)
