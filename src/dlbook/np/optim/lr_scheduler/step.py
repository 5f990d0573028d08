""":class:`StepLR`: multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

from __future__ import annotations

from dlbook._checks import check_int, check_number
from dlbook.np.optim.lr_scheduler.base import LRScheduler, _check_optimizer
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["StepLR"]


class StepLR(LRScheduler):
    r"""Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    :math:`\gamma_t = \gamma_0 \cdot \text{gamma}^{\lfloor t / \text{step\_size} \rfloor}`.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are scheduled.
    step_size : int
        Epochs between decays (>= 1).
    gamma : float, default 0.1
        Multiplicative factor.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np import nn, optim
    >>> opt = optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0)
    >>> sched = StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for _ in range(5):
    ...     opt.step(); lrs.append(sched.get_last_lr()[0]); sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]

    Introduced in :doc:`/book/optimisation/schedules`.
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        _check_optimizer(optimizer, "StepLR")
        self.step_size = check_int(step_size, "step_size", caller="StepLR", minimum=1)
        self.gamma = check_number(gamma, "gamma", caller="StepLR", low=0.0)
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        """Return the learning rate of each group for epoch ``self.last_epoch``."""
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return lrs
        return [lr * self.gamma for lr in lrs]
