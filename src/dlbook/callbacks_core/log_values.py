"""A callback that adds quantities of the user's choosing to every epoch's record.

On the shared floor, in :mod:`dlbook.callbacks_core`: it imports neither :mod:`dlbook.np`
nor :mod:`dlbook.torch`, and both ``fit`` loops drive it. Import it from
:mod:`dlbook.torch.callbacks` or :mod:`dlbook.np.callbacks`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

from dlbook._checks import type_name
from dlbook.callbacks_core.state import Callback, TrainState

__all__ = ["LogValues"]


class LogValues(Callback):
    """Compute ``function(model)`` after every epoch and log it under its keyword's name.

    ``LogValues(test_acc=f)`` calls ``f(model)`` at the end of each epoch and puts the number
    in the epoch's record, so that it appears as ``history["test_acc"]`` beside ``val_loss``
    and ``lr``, and callbacks later in the ``callbacks=`` list (``EarlyStopping(monitor=...)``,
    say) see it in ``state.logs``. Use it for anything measured between epochs: the score on
    a held-out set other than ``val_data``, a statistic of the weights. Keras's nearest
    counterpart is ``LambdaCallback(on_epoch_end=...)``, which logs nothing by itself.

    It runs in ``on_epoch_end``, after the epoch's training and validation (and after a
    per-epoch scheduler's step), so ``function`` sees the weights the epoch ended with; the
    model is in whatever mode the function leaves it (:func:`dlbook.torch.train.evaluate`
    switches it to evaluation mode, and ``fit`` switches back to training at the next epoch).

    Parameters
    ----------
    **functions
        ``name=function``: each ``function(model)`` returns a real number, logged as ``name``
        (which must not be a key ``fit`` logs itself).

    Examples
    --------
    >>> from dlbook.history import History
    >>> class Model:
    ...     scale = 2.0
    >>> logger = LogValues(double_scale=lambda model: 2 * model.scale)
    >>> history = History()
    >>> state = TrainState(model=Model(), optimizer=None, history=history, epochs=1)
    >>> history.log_epoch(train_loss=0.5)
    >>> state.epoch, state.logs = 1, history.records[-1]
    >>> logger.on_epoch_end(state)
    >>> history["double_scale"]
    [4.0]

    Introduced in :doc:`/book/optimisation/regularisation`.
    """

    def __init__(self, **functions: Callable[[Any], float]) -> None:
        caller = "LogValues"
        if not functions:
            raise ValueError(f"{caller}: expected at least one name=function(model) keyword, "
                             f"got none")
        for name, function in functions.items():
            if not callable(function):
                raise TypeError(f"{caller}: expected {name}= to be a function of the model, "
                                f"got {type_name(function)}")
        self.functions = dict(functions)

    def on_epoch_end(self, state: TrainState) -> None:
        """Add every function's value to ``state.logs`` (the epoch's record in the history)."""
        for name, function in self.functions.items():
            if name in state.logs:
                raise ValueError(f"LogValues: {name!r} is already in the epoch's record "
                                 f"(keys: {', '.join(state.logs)}); choose another name")
            value = function(state.model)
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"LogValues: expected {name}'s function to return a real "
                                f"number, got {type_name(value)}")
            state.logs[name] = float(value)
