"""The base class of the learning-rate schedules, :class:`LRScheduler`."""

from __future__ import annotations

import copy
from typing import Any

from dlbook._checks import type_name
from dlbook.np.optim.optimizer import Optimizer

__all__ = ["LRScheduler"]


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
