"""Learning-rate schedules with ``torch.optim.lr_scheduler``'s names, API and arithmetic.

Each scheduler changes ``group["lr"]`` of an optimizer's parameter groups in place; call
``scheduler.step()`` once per epoch, after ``optimizer.step()``. The schedules are computed
recursively from the current learning rate, as torch computes them, so they match torch's
sequence step for step (and compose if you change ``group["lr"]`` yourself).

One family per module (``base``, ``step``, ``exponential``, ``cosine``, ``linear``,
``plateau``); import them from here."""

from __future__ import annotations

from dlbook.np.optim.lr_scheduler.base import LRScheduler
from dlbook.np.optim.lr_scheduler.cosine import CosineAnnealingLR
from dlbook.np.optim.lr_scheduler.exponential import ExponentialLR
from dlbook.np.optim.lr_scheduler.linear import LinearLR
from dlbook.np.optim.lr_scheduler.plateau import ReduceLROnPlateau
from dlbook.np.optim.lr_scheduler.step import StepLR

__all__ = [
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LinearLR",
    "ReduceLROnPlateau",
    "StepLR",
]
