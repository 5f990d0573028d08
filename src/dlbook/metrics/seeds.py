"""The book's one rule for comparing two arms run over several seeds."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["compare_seeds", "SeedComparison"]


@dataclass(frozen=True)
class SeedComparison:
    """The result of :func:`compare_seeds`: two arms' per-seed scores and the book's verdict.

    Introduced in :doc:`/book/foundations/neuron`.
    """

    mean_a: float
    mean_b: float
    range_a: tuple[float, float]
    range_b: tuple[float, float]
    significant: bool
    higher: str | None
    false_alarm_rate: float

    @property
    def difference(self) -> float:
        """``mean_b - mean_a``."""
        return self.mean_b - self.mean_a


def compare_seeds(scores_a: ArrayLike, scores_b: ArrayLike) -> SeedComparison:
    """The book's one rule for comparing two arms run over several seeds.

    A difference *counts* only when the arms' per-seed ranges do not overlap: every seed of one
    arm scores higher than every seed of the other. Otherwise the result is reported as null,
    whatever the means say. The rule is deliberately simple and strict. If the two arms were
    really the same (so that all ``n + m`` scores are exchangeable), the chance that the ``n``
    scores of one arm all land above the ``m`` of the other, in either direction, is
    ``2 / C(n + m, n)``: 10% for 3 seeds against 3, 2.9% for 4 against 4, 0.8% for 5 against 5.
    This is the exact null distribution of the Mann-Whitney U statistic at its extremes; the rule
    is a two-sided rank test at that level. Ties across arms never count as a difference.

    Parameters
    ----------
    scores_a, scores_b
        One score per seed for each arm (for example test accuracies), at least two each.

    Returns
    -------
    SeedComparison
        The means, the ``(min, max)`` range of each arm, ``significant`` (the ranges are
        disjoint), ``higher`` (``"a"``, ``"b"`` or ``None`` when not significant),
        ``difference`` (``mean_b - mean_a``) and ``false_alarm_rate`` (``2 / C(n + m, n)``).

    Examples
    --------
    >>> result = compare_seeds([0.90, 0.91, 0.92], [0.95, 0.96, 0.94])
    >>> result.significant, result.higher, round(result.difference, 3)
    (True, 'b', 0.04)
    >>> compare_seeds([0.90, 0.93, 0.92], [0.95, 0.91, 0.94]).significant
    False
    >>> round(compare_seeds([1, 2, 3], [4, 5, 6]).false_alarm_rate, 3)
    0.1

    Introduced in :doc:`/book/foundations/neuron`.
    """
    arms = []
    for name, scores in (("scores_a", scores_a), ("scores_b", scores_b)):
        array = np.asarray(scores, dtype=float)
        if array.ndim != 1 or array.size < 2:
            raise ValueError(
                f"compare_seeds: expected {name} as one score per seed, at least 2, got shape "
                f"{array.shape}"
            )
        if not np.all(np.isfinite(array)):
            raise ValueError(f"compare_seeds: expected finite scores in {name}, got {array}")
        arms.append(array)
    a, b = arms
    if a.min() > b.max():
        higher = "a"
    elif b.min() > a.max():
        higher = "b"
    else:
        higher = None
    false_alarm = 2.0 / math.comb(a.size + b.size, a.size)
    return SeedComparison(
        mean_a=float(a.mean()),
        mean_b=float(b.mean()),
        range_a=(float(a.min()), float(a.max())),
        range_b=(float(b.min()), float(b.max())),
        significant=higher is not None,
        higher=higher,
        false_alarm_rate=false_alarm,
    )
