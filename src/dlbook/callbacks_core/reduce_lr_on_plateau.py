"""Keras 3's :class:`ReduceLROnPlateau`."""

from __future__ import annotations

from typing import Any

from dlbook._checks import check_int, check_number, type_name
from dlbook.callbacks_core.monitor import MonitorCallback
from dlbook.callbacks_core.state import TrainState

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` when a monitored quantity has plateaued (Keras).

    At the end of every epoch: if a cooldown is running, its counter goes down by one and
    ``wait`` is reset; an improvement (by more than ``min_delta``, **absolute**) records a new
    best and resets ``wait``; otherwise, outside a cooldown, ``wait`` goes up by one and once
    ``wait >= patience`` every parameter group's learning rate above ``min_lr`` becomes
    ``max(lr * factor, min_lr)``, ``wait`` is reset and a cooldown of ``cooldown`` epochs
    starts. The new learning rate is used from the next epoch on.

    This is Keras 3's rule, which differs from :class:`torch.optim.lr_scheduler.ReduceLROnPlateau`
    in three ways: Keras reduces when ``wait >= patience`` (torch when
    ``num_bad_epochs > patience``, one epoch later), its ``min_delta`` is absolute (torch's
    ``threshold`` is relative by default) and its cooldown counter is decremented *before*
    the epoch is judged, so ``cooldown=1`` delays nothing. Keras keeps the learning rate in
    float32 and compares it with ``float32(min_lr)``; we keep the optimizer's float.

    Parameters
    ----------
    monitor : str, default "val_loss"
        The quantity watched, a key of the epoch's record.
    factor : float, default 0.1
        ``new_lr = lr * factor``, in [0, 1).
    patience : int, default 10
        Epochs without improvement before a reduction.
    mode : {"auto", "min", "max"}, default "auto"
        Direction of improvement; ``"auto"`` infers it from ``monitor``.
    min_delta : float, default 1e-4
        Minimum (absolute) change that counts as an improvement.
    cooldown : int, default 0
        Epochs after a reduction during which no epoch is counted.
    min_lr : float, default 0.0
        Lower bound on the learning rate.

    Examples
    --------
    >>> from dlbook.history import History
    >>> class Optimizer:
    ...     param_groups = [{"lr": 1.0}]
    >>> reduce = ReduceLROnPlateau(factor=0.5, patience=1)
    >>> state = TrainState(model=None, optimizer=Optimizer(), history=History(), epochs=10)
    >>> reduce.on_train_begin(state)
    >>> used = []
    >>> for epoch, val_loss in enumerate([1.0, 0.9, 0.95, 0.97], start=1):
    ...     used.append(state.optimizer.param_groups[0]["lr"])
    ...     state.epoch, state.logs = epoch, {"val_loss": val_loss}
    ...     reduce.on_epoch_end(state)
    >>> used, state.optimizer.param_groups[0]["lr"]
    ([1.0, 1.0, 1.0, 0.5], 0.25)

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        caller = "ReduceLROnPlateau"
        super().__init__(monitor, mode, min_delta=min_delta)
        self.factor = check_number(factor, "factor", caller=caller, low=0.0, high=1.0,
                                   high_inclusive=False)
        self.patience = check_int(patience, "patience", caller=caller, minimum=0)
        self.cooldown = check_int(cooldown, "cooldown", caller=caller, minimum=0)
        self.min_lr = check_number(min_lr, "min_lr", caller=caller, low=0.0)
        self._reset()

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, state: TrainState) -> None:
        """Reset the counters and the best value (as Keras does)."""
        self._reset()

    def in_cooldown(self) -> bool:
        """Whether a cooldown is running."""
        return self.cooldown_counter > 0

    def _reduce(self, optimizer: Any) -> bool:
        groups = getattr(optimizer, "param_groups", None)
        if not groups:
            raise TypeError(f"ReduceLROnPlateau: expected an optimizer with param_groups, got "
                            f"{type_name(optimizer)}")
        reduced = False
        for group in groups:
            old_lr = float(group["lr"])
            if old_lr > self.min_lr:
                new_lr = max(old_lr * self.factor, self.min_lr)
                if hasattr(group["lr"], "fill_"):  # a tensor learning rate (torch's fused Adam)
                    group["lr"].fill_(new_lr)
                else:
                    group["lr"] = new_lr
                reduced = True
        return reduced

    def on_epoch_end(self, state: TrainState) -> None:
        """Count the epoch and reduce the learning rates when patience has run out."""
        current = self.get_monitor_value(state.logs)
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce(state.optimizer):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def state_dict(self) -> dict[str, Any]:
        """``best``, ``wait`` and ``cooldown_counter``."""
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}
