""":class:`CosineAnnealingLR`: a half cosine from the base learning rate down to ``eta_min``."""

from __future__ import annotations

import math

from dlbook._checks import check_int, check_number
from dlbook.np.optim.lr_scheduler.base import LRScheduler, _check_optimizer
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["CosineAnnealingLR"]


class CosineAnnealingLR(LRScheduler):
    r"""Anneal the learning rate along half a cosine from its initial value to ``eta_min``.

    The target is :math:`\eta_t = \eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})
    (1 + \cos(\pi t / T_{\max}))`; like torch, each step computes it *recursively* from
    the current learning rate,

    .. math::

        \eta_t = \eta_{\min} + (\eta_{t-1} - \eta_{\min})
        \frac{1 + \cos(\pi t / T_{\max})}{1 + \cos(\pi (t - 1) / T_{\max})},

    which equals the closed form when nothing else touches the learning rate. Past
    :math:`T_{\max}` it climbs back up (a cosine of period :math:`2T_{\max}`), as in torch;
    this is not the restart schedule of SGDR.

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are scheduled.
    T_max : int
        Epochs from the initial learning rate down to ``eta_min`` (>= 1).
    eta_min : float, default 0
        The smallest learning rate.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.np import nn, optim
    >>> opt = optim.SGD([nn.Parameter(np.zeros(1))], lr=1.0)
    >>> sched = CosineAnnealingLR(opt, T_max=4)
    >>> lrs = [sched.get_last_lr()[0]]
    >>> for _ in range(4):
    ...     sched.step(); lrs.append(round(sched.get_last_lr()[0], 4))
    >>> lrs
    [1.0, 0.8536, 0.5, 0.1464, 0.0]

    Introduced in :doc:`/book/optimisation/schedules`.
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0) -> None:  # noqa: N803
        _check_optimizer(optimizer, "CosineAnnealingLR")
        self.T_max = check_int(T_max, "T_max", caller="CosineAnnealingLR", minimum=1)
        self.eta_min = check_number(eta_min, "eta_min", caller="CosineAnnealingLR", low=0.0)
        super().__init__(optimizer)

    def get_lr(self) -> list[float]:
        """Return the learning rate of each group for epoch ``self.last_epoch``."""
        groups, epoch, t_max, eta_min = (self.optimizer.param_groups, self.last_epoch,
                                         self.T_max, self.eta_min)
        if epoch == 0:
            return [group["lr"] for group in groups]
        if (epoch - 1 - t_max) % (2 * t_max) == 0:
            # At the bottom the ratio below is 0/0: step up by the closed form's increment.
            return [group["lr"] + (base_lr - eta_min) * (1 - math.cos(math.pi / t_max)) / 2
                    for base_lr, group in zip(self.base_lrs, groups, strict=True)]
        ratio = (1 + math.cos(math.pi * epoch / t_max)) / (1 + math.cos(math.pi * (epoch - 1)
                                                                        / t_max))
        return [ratio * (group["lr"] - eta_min) + eta_min for group in groups]
