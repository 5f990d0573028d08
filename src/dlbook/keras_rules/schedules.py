"""Keras 3's learning-rate schedules in NumPy (``keras/src/optimizers/schedules/``)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_int, check_number, check_type
from dlbook.keras_rules._inputs import _as_float_array

__all__ = ["exponential_decay", "cosine_decay"]


def _check_steps(step: Any, caller: str) -> np.ndarray:
    steps = _as_float_array(step, "step", caller=caller)
    if np.any(steps < 0):
        raise ValueError(f"{caller}: expected step >= 0, got {steps.min()}")
    return steps


def exponential_decay(step: Any, initial_learning_rate: float, decay_steps: int,
                      decay_rate: float, staircase: bool = False) -> np.ndarray | float:
    """Keras's ``ExponentialDecay`` schedule: ``initial_learning_rate * decay_rate ** (step /
    decay_steps)``, with the exponent floored when ``staircase=True``.

    ``step`` counts optimizer steps (mini-batches) from 0, not epochs. In PyTorch it is
    ``ExponentialLR(gamma=decay_rate ** (1 / decay_steps))`` (or, with ``staircase=True``,
    ``StepLR(step_size=decay_steps, gamma=decay_rate)``) stepped after every batch.

    Follows ``keras/src/optimizers/schedules/learning_rate_schedule.py``
    (``ExponentialDecay.__call__``).

    Parameters
    ----------
    step : int or array_like of int
        Optimizer steps taken so far (``optimizer.iterations``).
    initial_learning_rate : float
    decay_steps : int
        Positive.
    decay_rate : float
    staircase : bool, default False

    Returns
    -------
    float or numpy.ndarray
        The rate at each step (a float for a scalar ``step``).

    Examples
    --------
    >>> exponential_decay([0, 50, 100], 0.1, decay_steps=50, decay_rate=0.5)
    array([0.1  , 0.05 , 0.025])

    Introduced in :doc:`/book/optimisation/schedules`.
    """
    caller = "exponential_decay"
    steps = _check_steps(step, caller)
    initial = check_number(initial_learning_rate, "initial_learning_rate", caller=caller,
                           low=0.0)
    decay_steps = check_int(decay_steps, "decay_steps", caller=caller, minimum=1)
    decay_rate = check_number(decay_rate, "decay_rate", caller=caller, low=0.0)
    check_type(staircase, "staircase", bool, caller=caller)
    p = steps / decay_steps
    if staircase:
        p = np.floor(p)
    rates = initial * decay_rate**p
    return float(rates) if rates.ndim == 0 else rates


def cosine_decay(step: Any, initial_learning_rate: float, decay_steps: int,
                 alpha: float = 0.0, warmup_target: float | None = None,
                 warmup_steps: int = 0) -> np.ndarray | float:
    """Keras's ``CosineDecay`` schedule: a half cosine over ``decay_steps``, then the floor.

    Without warm-up the rate at step ``k`` is ``initial_learning_rate * ((1 - alpha) * c +
    alpha)`` with ``c = 0.5 * (1 + cos(pi * min(k, decay_steps) / decay_steps))``: it ends at
    ``alpha * initial_learning_rate`` and **stays there** (PyTorch's ``CosineAnnealingLR``
    climbs back up after ``T_max``). With ``warmup_target`` the rate first rises linearly from
    ``initial_learning_rate`` to ``warmup_target`` over ``warmup_steps`` steps and then decays
    from ``warmup_target``.

    Follows ``keras/src/optimizers/schedules/learning_rate_schedule.py``
    (``CosineDecay.__call__``).

    Parameters
    ----------
    step : int or array_like of int
        Optimizer steps taken so far, from 0.
    initial_learning_rate : float
    decay_steps : int
        Positive.
    alpha : float, default 0.0
        The floor, as a fraction of the rate the decay starts from.
    warmup_target : float or None, default None
    warmup_steps : int, default 0

    Returns
    -------
    float or numpy.ndarray

    Examples
    --------
    >>> cosine_decay([0, 50, 100, 150], 0.1, decay_steps=100, alpha=0.01)
    array([0.1   , 0.0505, 0.001 , 0.001 ])

    Introduced in :doc:`/book/optimisation/schedules`.
    """
    caller = "cosine_decay"
    steps = _check_steps(step, caller)
    initial = check_number(initial_learning_rate, "initial_learning_rate", caller=caller,
                           low=0.0)
    decay_steps = check_int(decay_steps, "decay_steps", caller=caller, minimum=1)
    alpha = check_number(alpha, "alpha", caller=caller)
    warmup_steps = check_int(warmup_steps, "warmup_steps", caller=caller, minimum=0)

    def decay(k: np.ndarray, start: float) -> np.ndarray:
        cosine = 0.5 * (1.0 + np.cos(np.pi * (k / decay_steps)))
        return start * ((1 - alpha) * cosine + alpha)

    if warmup_target is None:
        rates = decay(np.minimum(steps, decay_steps), initial)
    else:
        target = check_number(warmup_target, "warmup_target", caller=caller, low=0.0)
        if warmup_steps == 0:
            raise ValueError(f"{caller}: expected warmup_steps >= 1 with a warmup_target, got 0")
        k = np.minimum(steps, decay_steps + warmup_steps)
        warm = (target - initial) * (k / warmup_steps) + initial
        rates = np.where(k < warmup_steps, warm, decay(k - warmup_steps, target))
    return float(rates) if rates.ndim == 0 else rates
