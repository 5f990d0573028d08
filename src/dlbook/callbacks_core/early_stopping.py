"""Keras 3's :class:`EarlyStopping`."""

from __future__ import annotations

from typing import Any

from dlbook._checks import check_int, check_type
from dlbook.callbacks_core.monitor import MonitorCallback, _check_optional_number
from dlbook.callbacks_core.state import TrainState

__all__ = ["EarlyStopping"]


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored quantity has stopped improving (Keras 3's rules).

    At the end of every epoch from ``start_from_epoch + 1`` on, the counter ``wait`` goes up
    by one; an epoch that improves on the best so far (by more than ``min_delta``) records a
    new best and resets ``wait`` to 0, but only if it also improves on ``baseline`` (when one
    is given). An epoch that does not improve stops training once ``wait >= patience``. So
    ``patience=0`` stops at the first epoch that does not improve, ``patience=2`` at the second
    such epoch in a row. As in Keras, an epoch that improves on the best but not on
    ``baseline`` never stops training by itself; and the first monitored epoch always counts
    as an improvement.

    With ``restore_best_weights=True`` the weights of the best epoch are copied as training
    goes and loaded back **at the end of training whenever a best was recorded** -- also
    when training ran to ``epochs`` without stopping early (Keras 3 does this; Keras 2 only
    restored after an early stop). Without it the model keeps the weights of the last epoch.

    Parameters
    ----------
    monitor : str, default "val_loss"
        The quantity watched, a key of the epoch's record.
    min_delta : float, default 0.0
        Minimum change that counts as an improvement (absolute; its sign is ignored).
    patience : int, default 0
        Epochs without improvement after which training stops.
    mode : {"auto", "min", "max"}, default "auto"
        Direction of improvement; ``"auto"`` infers it from ``monitor`` (:func:`infer_mode`).
    baseline : float or None, default None
        A value the monitored quantity must beat for ``wait`` to be reset.
    restore_best_weights : bool, default False
        Load the best epoch's weights back at the end of training.
    start_from_epoch : int, default 0
        Epochs to ignore at the start (a warm-up): monitoring begins with epoch
        ``start_from_epoch + 1``.

    Attributes
    ----------
    wait : int
        Epochs counted since the last reset.
    best : float or None
        The best monitored value so far.
    best_epoch : int
        The epoch (from 1) of ``best``; 0 before any. Keras stores it 0-based.
    stopped_epoch : int
        The epoch (from 1) at which training was stopped; 0 if it was not.
    best_weights
        A copy of the best epoch's weights (with ``restore_best_weights=True``), else ``None``.

    Examples
    --------
    >>> from dlbook.history import History
    >>> stopper = EarlyStopping(patience=1)
    >>> state = TrainState(model=None, optimizer=None, history=History(), epochs=10)
    >>> stopper.on_train_begin(state)
    >>> for epoch, val_loss in enumerate([1.0, 0.8, 0.9, 0.85], start=1):
    ...     state.epoch, state.logs = epoch, {"val_loss": val_loss}
    ...     stopper.on_epoch_end(state)
    ...     if state.stop_training:
    ...         break
    >>> stopper.stopped_epoch, stopper.best_epoch, stopper.best
    (3, 2, 0.8)

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0.0,
        patience: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        caller = "EarlyStopping"
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = check_int(patience, "patience", caller=caller, minimum=0)
        self.baseline = _check_optional_number(baseline, "baseline", caller)
        self.restore_best_weights = check_type(restore_best_weights, "restore_best_weights",
                                               bool, caller=caller)
        self.start_from_epoch = check_int(start_from_epoch, "start_from_epoch", caller=caller,
                                          minimum=0)
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights: Any = None
        self.best_epoch = 0

    def on_train_begin(self, state: TrainState) -> None:
        """Reset the counters, so one instance can serve several ``fit`` calls (as Keras)."""
        self._reset()

    def on_epoch_end(self, state: TrainState) -> None:
        """Count the epoch, record a new best, and stop when patience has run out."""
        current = self.get_monitor_value(state.logs)
        epoch = state.epoch  # from 1; Keras's 0-based epoch is epoch - 1
        if epoch - 1 < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = state.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = state.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch - 1 > 0:
            self.stopped_epoch = epoch
            state.stop_training = True

    def on_train_end(self, state: TrainState) -> None:
        """Load the best weights back if asked and a best was recorded."""
        if self.restore_best_weights and self.best_weights is not None:
            state.set_weights(self.best_weights)

    def state_dict(self) -> dict[str, Any]:
        """``wait``, ``stopped_epoch``, ``best``, ``best_epoch`` and ``best_weights``."""
        return {"wait": self.wait, "stopped_epoch": self.stopped_epoch, "best": self.best,
                "best_epoch": self.best_epoch, "best_weights": self.best_weights}
