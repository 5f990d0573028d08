""":class:`ReduceLROnPlateau`: cut the learning rate when a metric stops improving."""

from __future__ import annotations

import math

from dlbook._checks import check_in, check_int, check_number
from dlbook.np.optim.lr_scheduler.base import LRScheduler, _check_optimizer
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["ReduceLROnPlateau"]


class ReduceLROnPlateau(LRScheduler):
    r"""Multiply the learning rate by ``factor`` when a metric stops improving.

    ``step(metric)`` counts the epochs since the best value so far; a value counts as
    better only if it beats the best by ``threshold`` (relative: ``best * (1 - threshold)``
    in ``"min"`` mode; absolute: ``best - threshold``). After more than ``patience`` bad
    epochs in a row every group's learning rate becomes ``max(lr * factor, min_lr)``
    (skipped if that changes it by no more than ``eps``), and the next ``cooldown``
    epochs are ignored.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are scheduled.
    mode : {"min", "max"}, default "min"
        Whether the metric should go down (a loss) or up (an accuracy).
    factor : float, default 0.1
        Multiplicative factor, in [0, 1).
    patience : int, default 10
        Bad epochs tolerated before a reduction.
    threshold : float, default 1e-4
        How much better a value must be to count as an improvement.
    threshold_mode : {"rel", "abs"}, default "rel"
        Whether ``threshold`` is relative to the best value or absolute.
    cooldown : int, default 0
        Epochs to wait after a reduction before counting bad epochs again.
    min_lr : float or list of float, default 0
        Lower bound on the learning rate (one per group, or one for all).
    eps : float, default 1e-8
        Smallest change of learning rate worth making.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np import nn, optim
    >>> opt = optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0)
    >>> sched = ReduceLROnPlateau(opt, factor=0.5, patience=1)
    >>> for loss in [3.0, 2.0, 2.0, 2.0, 2.0]:
    ...     sched.step(loss)
    >>> sched.get_last_lr()
    [0.5]

    Introduced in :doc:`/book/optimisation/schedules`.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        mode: str = "min",
        factor: float = 0.1,
        patience: int = 10,
        threshold: float = 1e-4,
        threshold_mode: str = "rel",
        cooldown: int = 0,
        min_lr: float | list[float] = 0,
        eps: float = 1e-8,
    ) -> None:
        caller = "ReduceLROnPlateau"
        _check_optimizer(optimizer, caller)
        self.optimizer = optimizer
        self.mode = check_in(mode, "mode", ("min", "max"), caller=caller)
        self.factor = check_number(factor, "factor", caller=caller, low=0.0, high=1.0,
                                   high_inclusive=False)
        self.patience = check_int(patience, "patience", caller=caller, minimum=0)
        self.threshold = check_number(threshold, "threshold", caller=caller, low=0.0)
        self.threshold_mode = check_in(threshold_mode, "threshold_mode", ("rel", "abs"),
                                       caller=caller)
        self.cooldown = check_int(cooldown, "cooldown", caller=caller, minimum=0)
        self.eps = check_number(eps, "eps", caller=caller, low=0.0)
        num_groups = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != num_groups:
                raise ValueError(f"{caller}: expected {num_groups} values in min_lr (one per "
                                 f"parameter group), got {len(min_lr)}")
            self.min_lrs = [check_number(v, "min_lr", caller=caller, low=0.0) for v in min_lr]
        else:
            self.min_lrs = [check_number(min_lr, "min_lr", caller=caller, low=0.0)] * num_groups
        self.last_epoch = 0
        self._last_lr = [group["lr"] for group in optimizer.param_groups]
        self.best = math.inf if self.mode == "min" else -math.inf
        self.num_bad_epochs = 0
        self.cooldown_counter = 0

    def _is_better(self, value: float) -> bool:
        if self.mode == "min":
            bound = (self.best * (1 - self.threshold) if self.threshold_mode == "rel"
                     else self.best - self.threshold)
            return value < bound
        bound = (self.best * (1 + self.threshold) if self.threshold_mode == "rel"
                 else self.best + self.threshold)
        return value > bound

    def step(self, metrics: float) -> None:  # type: ignore[override]
        """Record this epoch's metric and reduce the learning rates if it has plateaued."""
        current = float(metrics)
        self.last_epoch += 1
        if self._is_better(current):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0  # bad epochs during the cooldown do not count
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs, strict=True):
                old_lr = float(group["lr"])
                new_lr = max(old_lr * self.factor, min_lr)
                if old_lr - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
