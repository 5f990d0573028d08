""":class:`LinearLR`: a linear ramp of the learning rate's multiplier."""

from __future__ import annotations

from dlbook._checks import check_int, check_number
from dlbook.np.optim.lr_scheduler.base import LRScheduler, _check_optimizer
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["LinearLR"]


class LinearLR(LRScheduler):
    r"""Scale the learning rate linearly from ``start_factor`` to ``end_factor`` times itself.

    Over the first ``total_iters`` epochs the factor goes linearly from ``start_factor``
    to ``end_factor`` and then stays there (a linear warm-up with the defaults). Like torch,
    each step multiplies the current learning rate by the ratio of successive factors.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are scheduled.
    start_factor : float, default 1/3
        Factor at epoch 0, in (0, 1].
    end_factor : float, default 1.0
        Factor from epoch ``total_iters`` on, in [0, 1].
    total_iters : int, default 5
        Epochs to go from one factor to the other (>= 1).

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np import nn, optim
    >>> opt = optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0)
    >>> sched = LinearLR(opt, start_factor=0.25, total_iters=3)
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(4):
    ...     sched.step(); lrs.append(round(sched.get_last_lr()[0], 4))
    >>> lrs
    [0.25, 0.5, 0.75, 1.0, 1.0]

    Introduced in :doc:`/book/optimisation/schedules`.
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0 / 3,
        end_factor: float = 1.0,
        total_iters: int = 5,
    ) -> None:
        _check_optimizer(optimizer, "LinearLR")
        self.start_factor = check_number(start_factor, "start_factor", caller="LinearLR",
                                         low=0.0, high=1.0, low_inclusive=False)
        self.end_factor = check_number(end_factor, "end_factor", caller="LinearLR", low=0.0,
                                       high=1.0)
        self.total_iters = check_int(total_iters, "total_iters", caller="LinearLR",
                                     minimum=1)
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        """Return the learning rate of each group for epoch ``self.last_epoch``."""
        lrs = [group["lr"] for group in self.optimizer.param_groups]
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in lrs]
        if self.last_epoch > self.total_iters:
            return lrs
        change = self.end_factor - self.start_factor
        ratio = 1.0 + change / (self.total_iters * self.start_factor
                                + (self.last_epoch - 1) * change)
        return [lr * ratio for lr in lrs]
