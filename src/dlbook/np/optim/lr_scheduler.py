"""Learning-rate schedules with ``torch.optim.lr_scheduler``'s names, API and arithmetic.

Each scheduler changes ``group["lr"]`` of an optimizer's parameter groups in place; call
``scheduler.step()`` once per epoch, after ``optimizer.step()``. The schedules are computed
recursively from the current learning rate, as torch computes them, so they match torch's
sequence step for step (and compose if you change ``group["lr"]`` yourself).
"""

from __future__ import annotations

import copy
import math
from typing import Any

from dlbook._checks import check_in, check_int, check_number, type_name
from dlbook.np.optim.optimizer import Optimizer

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LinearLR",
    "ReduceLROnPlateau",
    "StepLR",
]


def _check_optimizer(optimizer: Any, caller: str) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{caller}: expected a dlbook.np.optim Optimizer, "
                        f"got {type_name(optimizer)}")


class LRScheduler:
    """Base class: remembers the initial learning rates and sets new ones on :meth:`step`.

    A subclass implements :meth:`get_lr`, the next learning rate of each group computed
    from ``self.last_epoch`` (the number of ``step`` calls so far) and the current
    ``group["lr"]``. As in torch, the constructor stores ``group["initial_lr"]`` and takes
    one step (to epoch 0).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose learning rates are scheduled.

    Attributes
    ----------
    base_lrs : list of float
        The learning rate of each group when the scheduler was made.
    last_epoch : int
        How many times :meth:`step` has been called (0 right after construction).

    Introduced in :doc:`/book/optimisation/schedules`.
    """

    def __init__(self, optimizer: Optimizer) -> None:
        _check_optimizer(optimizer, type(self).__name__)
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group.setdefault("initial_lr", group["lr"])
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = -1
        self._step_count = 0
        self.step()

    def get_lr(self) -> list[float]:
        """Return the learning rate of each group for epoch ``self.last_epoch``."""
        raise NotImplementedError(f"{type(self).__name__} does not implement get_lr")

    def step(self) -> None:
        """Advance one epoch and set each group's ``"lr"``."""
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def get_last_lr(self) -> list[float]:
        """Return the learning rates the last :meth:`step` set, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Return the scheduler's state: every attribute except the optimizer (as torch)."""
        return {k: copy.deepcopy(v) for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load what :meth:`state_dict` returned."""
        self.__dict__.update(copy.deepcopy(dict(state_dict)))


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
    >>> from dlbook.np.nn import Parameter
    >>> from dlbook.np.optim import SGD
    >>> opt = SGD([Parameter(np.zeros(1))], lr=1.0)
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
    >>> from dlbook.np.nn import Parameter
    >>> from dlbook.np.optim import SGD
    >>> opt = SGD([Parameter(np.zeros(1))], lr=1.0)
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
    >>> from dlbook.np.nn import Parameter
    >>> from dlbook.np.optim import SGD
    >>> opt = SGD([Parameter(np.zeros(1))], lr=1.0)
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
    >>> from dlbook.np.nn import Parameter
    >>> from dlbook.np.optim import SGD
    >>> opt = SGD([Parameter(np.zeros(1))], lr=1.0)
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
    >>> from dlbook.np.nn import Parameter
    >>> from dlbook.np.optim import SGD
    >>> opt = SGD([Parameter(np.zeros(1))], lr=1.0)
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
