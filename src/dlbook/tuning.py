"""Hyperparameter search: grid and random configurations over a box, and a test objective.

A *search space* is a dict from a hyperparameter's name to ``(low, high, scale)``, where
``scale`` is ``"linear"`` or ``"log"`` (a log-scaled range, such as a learning rate's, is
searched evenly in its logarithm and needs ``0 < low``). :func:`grid_configs` lays a regular
grid over that box and :func:`random_configs` draws configurations uniformly from it (in the
logarithm for a log scale), so that the two searches can be compared at the same budget, as
Bergstra and Bengio (2012) do. :func:`low_effective_dimension_loss` is a synthetic objective of
two hyperparameters in which only one matters, the situation their argument is about.

>>> space = {"lr": (1e-3, 1e-1, "log"), "width": (0.0, 1.0, "linear")}
>>> [round(c["lr"], 3) for c in grid_configs(space, 3)][:3]
[0.001, 0.001, 0.001]
>>> len({c["lr"] for c in random_configs(space, 9, rng=0)})
9
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import numpy as np

from dlbook._checks import check_in, check_number, check_positive_int, type_name
from dlbook.random import resolve_rng

__all__ = ["grid_configs", "random_configs", "low_effective_dimension_loss"]

SCALES = ("linear", "log")


def _check_space(space: Any, caller: str) -> dict[str, tuple[float, float, str]]:
    """Validate a search space; return it as ``{name: (low, high, scale)}``."""
    if not isinstance(space, Mapping):
        raise TypeError(f"{caller}: expected space to be a dict of name -> (low, high, scale), "
                        f"got {type_name(space)}")
    if not space:
        raise ValueError(f"{caller}: expected space to name at least one hyperparameter, got {{}}")
    checked = {}
    for name, bounds in space.items():
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 3:
            raise ValueError(f"{caller}: expected space[{name!r}] to be (low, high, scale), "
                             f"got {bounds!r}")
        low = check_number(bounds[0], f"space[{name!r}] low", caller=caller)
        high = check_number(bounds[1], f"space[{name!r}] high", caller=caller)
        scale = check_in(bounds[2], f"space[{name!r}] scale", SCALES, caller=caller)
        if not low < high:
            raise ValueError(f"{caller}: expected space[{name!r}] low < high, got low={low}, "
                             f"high={high}")
        if scale == "log" and low <= 0:
            raise ValueError(f"{caller}: expected space[{name!r}] low > 0 for a log scale, "
                             f"got {low}")
        checked[str(name)] = (low, high, scale)
    return checked


def _check_search(space: Any, count: Any, count_name: str,
                  caller: str) -> tuple[dict[str, tuple[float, float, str]], int]:
    """The checks both searches make: the space, and how many values or configurations."""
    return _check_space(space, caller), check_positive_int(count, count_name, caller=caller)


def grid_configs(space: Mapping[str, tuple[float, float, str]],
                 points_per_axis: int) -> list[dict[str, float]]:
    """Every configuration of a regular grid over ``space``, ``points_per_axis`` values per axis.

    Each axis gets ``points_per_axis`` evenly spaced values from ``low`` to ``high`` inclusive
    (evenly spaced in the logarithm for a ``"log"`` axis; the middle of the range when there is
    one point), and the grid is every combination of them: ``points_per_axis ** len(space)``
    configurations, the first axis varying slowest. However many there are, the grid tries only
    ``points_per_axis`` distinct values of each hyperparameter.

    Parameters
    ----------
    space
        ``{name: (low, high, scale)}`` with ``scale`` ``"linear"`` or ``"log"``.
    points_per_axis
        Values per hyperparameter, at least 1.

    Returns
    -------
    list of dict
        One ``{name: value}`` dict per configuration.

    Examples
    --------
    >>> grid_configs({"a": (0.0, 1.0, "linear"), "b": (1.0, 100.0, "log")}, 2)
    [{'a': 0.0, 'b': 1.0}, {'a': 0.0, 'b': 100.0}, {'a': 1.0, 'b': 1.0}, {'a': 1.0, 'b': 100.0}]
    >>> grid_configs({"a": (0.0, 1.0, "cubic")}, 2)
    Traceback (most recent call last):
        ...
    ValueError: grid_configs: expected space['a'] scale to be one of 'linear', 'log', got 'cubic'

    Introduced in :doc:`/book/optimisation/hyperparameter-search`.
    """
    checked, points = _check_search(space, points_per_axis, "points_per_axis", "grid_configs")
    axes = []
    for low, high, scale in checked.values():
        if points == 1:
            values = [np.sqrt(low * high) if scale == "log" else (low + high) / 2]
        elif scale == "log":
            values = np.geomspace(low, high, points)
        else:
            values = np.linspace(low, high, points)
        axes.append([float(v) for v in values])
    return [dict(zip(checked, combination, strict=True))
            for combination in itertools.product(*axes)]


def random_configs(space: Mapping[str, tuple[float, float, str]], n_configs: int, *,
                   rng: Any = None) -> list[dict[str, float]]:
    """``n_configs`` configurations drawn independently and uniformly from ``space``.

    Each hyperparameter is drawn uniformly in ``[low, high)``, or uniformly in
    ``[log low, log high)`` for a ``"log"`` axis (so each decade of a learning rate is as likely
    as any other). With probability one, the ``n_configs`` configurations try ``n_configs``
    distinct values of every hyperparameter: the property of random search that Bergstra and
    Bengio (2012) build on.

    Parameters
    ----------
    space
        ``{name: (low, high, scale)}`` with ``scale`` ``"linear"`` or ``"log"``.
    n_configs
        How many configurations, at least 1.
    rng
        ``None`` (the package's global generator), an int seed or a
        :class:`numpy.random.Generator`.

    Returns
    -------
    list of dict
        One ``{name: value}`` dict per configuration.

    Examples
    --------
    >>> configs = random_configs({"lr": (1e-4, 1e-1, "log")}, 3, rng=0)
    >>> all(1e-4 <= c["lr"] < 1e-1 for c in configs)
    True
    >>> random_configs({"lr": (1e-4, 1e-1, "log")}, 0)
    Traceback (most recent call last):
        ...
    ValueError: random_configs: expected n_configs >= 1, got 0

    Introduced in :doc:`/book/optimisation/hyperparameter-search`.
    """
    checked, n = _check_search(space, n_configs, "n_configs", "random_configs")
    gen = resolve_rng(rng, caller="random_configs")
    columns = {}
    for name, (low, high, scale) in checked.items():
        if scale == "log":
            columns[name] = np.exp(gen.uniform(np.log(low), np.log(high), n))
        else:
            columns[name] = gen.uniform(low, high, n)
    return [{name: float(columns[name][i]) for name in checked} for i in range(n)]


def low_effective_dimension_loss(important: Any, unimportant: Any, *, optimum: float,
                                 unimportant_weight: float = 0.0) -> np.ndarray:
    """A loss of two hyperparameters in ``[0, 1]`` of which only the first matters.

    ``(important - optimum) ** 2 + unimportant_weight * (unimportant - 0.5) ** 2``: the minimum
    is ``0`` at ``important = optimum`` (and ``unimportant = 0.5`` when its weight is not
    zero). With ``unimportant_weight=0`` the second hyperparameter has no effect at all, so
    the function has *effective dimension* one; a search is only as good as the values of
    ``important`` it tries. Works elementwise on arrays.

    Parameters
    ----------
    important, unimportant
        Numbers or arrays (broadcast together).
    optimum
        Where the loss is smallest along ``important``, a number in ``[0, 1]``.
    unimportant_weight
        How much the second hyperparameter matters, at least 0.

    Returns
    -------
    numpy.ndarray
        The loss, of the broadcast shape of the inputs (a 0-d array for numbers).

    Examples
    --------
    >>> float(low_effective_dimension_loss(0.3, 0.9, optimum=0.5))
    0.04
    >>> float(low_effective_dimension_loss(0.5, 0.9, optimum=0.5, unimportant_weight=1.0))
    0.16
    >>> low_effective_dimension_loss(0.5, 0.5, optimum=2.0)
    Traceback (most recent call last):
        ...
    ValueError: low_effective_dimension_loss: expected optimum <= 1.0, got 2.0

    Introduced in :doc:`/book/optimisation/hyperparameter-search`.
    """
    caller = "low_effective_dimension_loss"
    optimum = check_number(optimum, "optimum", caller=caller, low=0.0, high=1.0)
    weight = check_number(unimportant_weight, "unimportant_weight", caller=caller, low=0.0)
    important = np.asarray(important, dtype=float)
    unimportant = np.asarray(unimportant, dtype=float)
    return np.asarray((important - optimum) ** 2 + weight * (unimportant - 0.5) ** 2)
