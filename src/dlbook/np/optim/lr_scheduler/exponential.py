""":class:`ExponentialLR`: multiply the learning rate by ``gamma`` every epoch."""

from __future__ import annotations

from dlbook._checks import check_number
from dlbook.np.optim.lr_scheduler.base import LRScheduler, _check_optimizer
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["ExponentialLR"]


class ExponentialLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every epoch: :math:`\gamma_t = \gamma_0 g^t`.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are scheduled.
    gamma : float
        Multiplicative factor per epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np import nn, optim
    >>> opt = optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0)
    >>> sched = ExponentialLR(opt, gamma=0.5)
    >>> sched.step(); sched.step(); sched.get_last_lr()
    [0.25]

    Introduced in :doc:`/book/optimisation/schedules`.
    """

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        _check_optimizer(optimizer, "ExponentialLR")
        self.gamma = check_number(gamma, "gamma", caller="ExponentialLR", low=0.0)
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        """Return the learning rate of each group for epoch ``self.last_epoch``."""
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if self.last_epoch == 0:
            return lrs
        return [lr * self.gamma for lr in lrs]
