"""Keras 3's plateau and early-stopping rules, run through dlbook's own callbacks."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_number
from dlbook.callbacks_core import EarlyStopping, ReduceLROnPlateau, TrainState
from dlbook.history import History
from dlbook.keras_rules._inputs import _as_float_array

__all__ = ["reduce_lr_on_plateau_rates", "early_stopping_epoch"]


class _ScriptedOptimizer:
    """The one attribute :class:`~dlbook.callbacks_core.ReduceLROnPlateau` reads and writes."""

    def __init__(self, lr: float) -> None:
        self.param_groups = [{"lr": lr}]


def _monitored_values(values: Any, caller: str) -> list[float]:
    array = _as_float_array(values, "values", caller=caller)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{caller}: expected values to be a non-empty 1-d sequence (one "
                         f"monitored value per epoch), got shape {array.shape}")
    return [float(v) for v in array]


def reduce_lr_on_plateau_rates(values: Any, learning_rate: float = 1.0,
                               **kwargs: Any) -> np.ndarray:
    """The learning rates Keras's ``ReduceLROnPlateau`` gives for these monitored values.

    ``values[e]`` is the monitored quantity (``val_loss`` unless ``monitor=``/``mode=`` say
    otherwise) at the end of epoch ``e + 1``. The rule is that of
    :class:`dlbook.torch.callbacks.ReduceLROnPlateau`, which follows Keras 3's callback
    (``keras/src/callbacks/reduce_lr_on_plateau.py``) and is driven here epoch by epoch:
    reduce when ``wait >= patience``, ``min_delta`` absolute. ``kwargs`` are its arguments
    (``factor``, ``patience``, ``min_delta``, ``cooldown``, ``min_lr``, ``mode``, ...).

    Returns
    -------
    numpy.ndarray of shape (len(values) + 1,)
        ``rates[0]`` is ``learning_rate``, the rate used during epoch 1, and ``rates[e]`` the
        rate after epoch ``e``'s end, used during epoch ``e + 1``. So ``rates[:-1]`` are the
        rates each epoch trained with and ``rates[1:]`` the rates after each epoch.

    Examples
    --------
    >>> reduce_lr_on_plateau_rates([1.0, 0.9, 0.95, 0.97], factor=0.5, patience=1)
    array([1.  , 1.  , 1.  , 0.5 , 0.25])

    Introduced in :doc:`/book/optimisation/schedules`.
    """
    caller = "reduce_lr_on_plateau_rates"
    monitored = _monitored_values(values, caller)
    lr = check_number(learning_rate, "learning_rate", caller=caller, low=0.0)
    reducer = ReduceLROnPlateau(**kwargs)
    optimizer = _ScriptedOptimizer(lr)
    state = TrainState(model=None, optimizer=optimizer, history=History(),
                       epochs=len(monitored))
    reducer.on_train_begin(state)
    rates = [lr]
    for epoch, value in enumerate(monitored, start=1):
        state.epoch, state.logs = epoch, {"epoch": epoch, reducer.monitor: value}
        reducer.on_epoch_end(state)
        rates.append(float(optimizer.param_groups[0]["lr"]))
    return np.array(rates)


def early_stopping_epoch(values: Any, **kwargs: Any) -> tuple[int, int]:
    """Where Keras's ``EarlyStopping`` stops for these monitored values, and its best epoch.

    ``values[e]`` is the monitored quantity at the end of epoch ``e + 1``. The rule is that of
    :class:`dlbook.torch.callbacks.EarlyStopping`, which follows Keras 3's callback
    (``keras/src/callbacks/early_stopping.py``): an epoch improves when it beats the best by
    more than ``min_delta``, and training stops once ``patience`` epochs in a row have not.
    ``kwargs`` are its arguments (``patience``, ``min_delta``, ``baseline``,
    ``start_from_epoch``, ``mode``, ``monitor``).

    Returns
    -------
    (stop_epoch, best_epoch) : tuple of int
        Both counted from 1: the last epoch trained (``len(values)`` when it never stops) and
        the epoch of the best value, whose weights ``restore_best_weights=True`` loads back.

    Examples
    --------
    >>> early_stopping_epoch([1.0, 0.8, 0.9, 0.85, 0.7], patience=2)
    (4, 2)

    Introduced in :doc:`/book/optimisation/regularisation`.
    """
    caller = "early_stopping_epoch"
    monitored = _monitored_values(values, caller)
    stopper = EarlyStopping(**kwargs)
    state = TrainState(model=None, optimizer=None, history=History(), epochs=len(monitored),
                       get_weights=lambda: None, set_weights=lambda weights: None)
    stopper.on_train_begin(state)
    for epoch, value in enumerate(monitored, start=1):
        state.epoch, state.logs = epoch, {"epoch": epoch, stopper.monitor: value}
        stopper.on_epoch_end(state)
        if state.stop_training:
            return epoch, stopper.best_epoch
    return len(monitored), stopper.best_epoch
