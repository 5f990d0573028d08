"""Instruments for debugging training: per-layer gradient norms and a learning-rate range test.

Both run inside :func:`dlbook.torch.train.fit`: :class:`GradientNormRecorder` is a callback that
reads every parameter's ``.grad`` after each optimiser step, and :func:`lr_range_test` trains
for one short run with an exponentially (or linearly) growing learning rate, records the loss
of every batch, stops once the loss diverges and puts the model and optimizer back as they were.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from dlbook._checks import check_in, check_number, check_positive_int, type_name
from dlbook.callbacks_core import Callback, TrainState
from dlbook.torch._batches import check_model

__all__ = ["GradientNormRecorder", "LRRangeTestResult", "lr_range_test"]


def _layer_of(parameter_name: str) -> str:
    """``"0.weight"`` -> ``"0"``, ``"block.1.bias"`` -> ``"block.1"``, ``"scale"`` stays."""
    owner, _, _ = parameter_name.rpartition(".")
    return owner or parameter_name


class GradientNormRecorder(Callback):
    """Record the gradient norm of every layer (or every parameter) after optimiser steps.

    ``fit`` calls ``on_batch_end`` right after ``optimizer.step()``; the gradients of that step
    are still in each parameter's ``.grad`` (the next step's ``zero_grad`` clears them), so the
    recorder sees exactly what the optimiser used, after any clipping. When ``fit`` clips
    (``grad_clip=``), the total norm of all gradients *before* clipping is recorded too, in
    :attr:`norms_before_clip`, so one can count the steps the clipping changed.

    Parameters
    ----------
    group
        ``"layer"`` (default): one norm per module that owns parameters, named as in
        ``model.named_parameters()`` without the last part (``"0"`` for ``"0.weight"`` and
        ``"0.bias"``), the 2-norm of all its gradients together,
        :math:`\\sqrt{\\lVert g_W \\rVert^2 + \\lVert g_b \\rVert^2}`; ``"parameter"``: one norm
        per named parameter.
    every
        Record every ``every``-th optimiser step (1: all of them).

    Attributes
    ----------
    steps : list of int
        The optimiser steps recorded, counted from 1 across epochs.
    norms : dict
        Layer (or parameter) name to a list of floats, its gradient norm at each recorded step
        (in ``steps``); ``nan`` where
        none of its parameters had a gradient.
    norms_before_clip : list of float
        The total gradient norm of every parameter together before clipping, at each recorded
        step, when ``fit`` was given ``grad_clip`` (empty otherwise); a step was clipped when
        its norm exceeds ``grad_clip``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import DataLoader
    >>> from dlbook.torch.models import MLP
    >>> from dlbook.torch.train import fit
    >>> _ = torch.manual_seed(0)
    >>> X = np.random.default_rng(0).normal(size=(32, 4)).astype(np.float32)
    >>> y = (X[:, 0] > 0).astype(np.int64)
    >>> model = MLP(4, (8,), 2)
    >>> recorder = GradientNormRecorder()
    >>> _ = fit(model, torch.nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.1),
    ...         DataLoader(X, y, batch_size=8), epochs=2, callbacks=[recorder], progress=False)
    >>> list(recorder.norms), recorder.steps
    (['0', '2'], [1, 2, 3, 4, 5, 6, 7, 8])
    >>> all(value > 0 for value in recorder.norms["0"])
    True
    >>> recorder.norms_before_clip  # fit was not asked to clip
    []

    Introduced in :doc:`/book/optimisation/debugging`.
    """

    def __init__(self, group: str = "layer", every: int = 1) -> None:
        self.group = check_in(group, "group", ("layer", "parameter"),
                              caller="GradientNormRecorder")
        self.every = check_positive_int(every, "every", caller="GradientNormRecorder")
        self.step = 0
        self.steps: list[int] = []
        self.norms: dict[str, list[float]] = {}
        self.norms_before_clip: list[float] = []

    def on_train_begin(self, state: TrainState) -> None:
        """Check the model is a torch module; start the record unless a checkpoint filled it."""
        if not isinstance(state.model, torch.nn.Module):
            raise TypeError(f"GradientNormRecorder: expected a torch.nn.Module model (use it "
                            f"with dlbook.torch.train.fit), got {type_name(state.model)}")
        for name, _ in state.model.named_parameters():
            key = _layer_of(name) if self.group == "layer" else name
            self.norms.setdefault(key, [])

    def on_batch_end(self, state: TrainState) -> None:
        """Square-sum each group's gradients; one transfer from the device per record."""
        self.step += 1
        if self.step % self.every:
            return
        squares: dict[str, list[torch.Tensor]] = {key: [] for key in self.norms}
        for name, parameter in state.model.named_parameters():
            if parameter.grad is not None:
                key = _layer_of(name) if self.group == "layer" else name
                squares[key].append(parameter.grad.detach().double().pow(2).sum())
        keys = [key for key, parts in squares.items() if parts]
        values = torch.stack([torch.stack(squares[key]).sum() for key in keys]).sqrt().tolist() \
            if keys else []
        found = dict(zip(keys, values, strict=True))
        for key, record in self.norms.items():
            record.append(found.get(key, math.nan))
        self.steps.append(self.step)
        if state.grad_norm is not None:
            self.norms_before_clip.append(float(state.grad_norm))

    def state_dict(self) -> dict[str, Any]:
        """The steps and norms so far, so that a resumed run continues the record."""
        return {"step": self.step, "steps": list(self.steps),
                "norms": {key: list(values) for key, values in self.norms.items()},
                "norms_before_clip": list(self.norms_before_clip)}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Take back what :meth:`state_dict` returned."""
        self.step = int(state_dict["step"])
        self.steps = [int(step) for step in state_dict["steps"]]
        self.norms = {key: [float(v) for v in values]
                      for key, values in dict(state_dict["norms"]).items()}
        self.norms_before_clip = [float(v) for v in state_dict.get("norms_before_clip", [])]


@dataclass(frozen=True)
class LRRangeTestResult:
    """What :func:`lr_range_test` measured: one row per optimiser step.

    Attributes
    ----------
    lrs : numpy.ndarray
        The learning rate of each step.
    losses : numpy.ndarray
        The training loss of each step's batch (before that step's update).
    smoothed : numpy.ndarray
        ``losses`` after a bias-corrected exponential moving average (as in Adam's first
        moment), which the divergence test and the suggestions use.
    diverged : bool
        Whether the run stopped because the smoothed loss exceeded ``divergence_factor`` times
        its minimum (or became non-finite) before ``num_steps``.

    Introduced in :doc:`/book/optimisation/debugging`.
    """

    lrs: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray
    diverged: bool

    @property
    def lr_at_min(self) -> float:
        """The learning rate at which the smoothed loss was lowest."""
        return float(self.lrs[int(np.nanargmin(self.smoothed))])

    @property
    def steepest_lr(self) -> float:
        """The learning rate at which the smoothed loss fell fastest per factor of learning rate
        (most negative slope against log lr), up to its minimum."""
        end = int(np.nanargmin(self.smoothed)) + 1
        if end < 2:
            return float(self.lrs[0])
        slope = np.gradient(self.smoothed[:end], np.log(self.lrs[:end]))
        return float(self.lrs[int(np.argmin(slope))])


class _RangeSchedule(Callback):
    """Set each step's learning rate, record its loss, stop at ``num_steps`` or divergence."""

    def __init__(self, lrs: np.ndarray, smoothing: float, divergence_factor: float) -> None:
        self.lrs, self.smoothing, self.factor = lrs, smoothing, divergence_factor
        self.losses: list[float] = []
        self.smoothed: list[float] = []
        self.average, self.best, self.diverged = 0.0, math.inf, False

    def set_lr(self, state: TrainState, lr: float) -> None:
        for group in state.optimizer.param_groups:
            group["lr"] = float(lr)

    def on_train_begin(self, state: TrainState) -> None:
        self.set_lr(state, self.lrs[0])

    def on_batch_end(self, state: TrainState) -> None:
        loss = float(state.batch_loss)
        self.losses.append(loss)
        self.average = self.smoothing * self.average + (1 - self.smoothing) * loss
        smooth = self.average / (1 - self.smoothing ** len(self.losses))
        self.smoothed.append(smooth)
        if not math.isfinite(smooth) or smooth > self.factor * self.best:
            self.diverged = True
            state.stop_training = True
            return
        self.best = min(self.best, smooth)
        if len(self.losses) == len(self.lrs):
            state.stop_training = True
            return
        self.set_lr(state, self.lrs[len(self.losses)])


def lr_range_test(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    train_loader: Iterable[Any],
    *,
    start_lr: float = 1e-5,
    end_lr: float = 10.0,
    num_steps: int | None = None,
    mode: str = "exp",
    smoothing: float = 0.98,
    divergence_factor: float = 4.0,
    restore: bool = True,
    device: Any = None,
) -> LRRangeTestResult:
    """The learning-rate range test: train briefly with a growing learning rate, record the loss.

    Smith's test runs a few epochs with the learning rate rising *linearly* between two bounds
    and reads off where the accuracy starts to improve and where it becomes ragged or falls
    (``mode="linear"``). The common variant (fastai's ``lr_find``, the default here,
    ``mode="exp"``) multiplies the rate by the same factor every step, from ``start_lr`` to
    ``end_lr``, records every batch's training loss, and stops early once the smoothed loss
    exceeds ``divergence_factor`` times the lowest value it has reached. Step ``i`` of ``n``
    (from 0) uses

    .. math:: \\eta_i = \\eta_\\text{start}\\,(\\eta_\\text{end}/\\eta_\\text{start})^{i/(n-1)}.

    The steps run through :func:`dlbook.torch.train.fit` (every batch's ``zero_grad``, forward,
    backward, ``step``), over as many epochs of ``train_loader`` as ``num_steps`` needs.

    Parameters
    ----------
    model, loss_fn, optimizer, train_loader
        As for :func:`dlbook.torch.train.fit`; the optimizer's learning rate is overwritten.
    start_lr, end_lr
        The first and last learning rates, ``0 < start_lr < end_lr``.
    num_steps
        Optimiser steps, at least 2; by default one pass over ``train_loader`` (which must
        then have a length).
    mode
        ``"exp"`` (geometric growth) or ``"linear"``.
    smoothing
        The moving average's factor :math:`\\beta` in ``[0, 1)``; 0 uses the raw losses.
    divergence_factor
        Stop once the smoothed loss exceeds this multiple (> 1) of its running minimum;
        ``math.inf`` never stops early.
    restore
        Put the model's and the optimizer's states back afterwards (default), so the test
        leaves nothing behind; ``False`` keeps the weights the test reached.
    device
        As for :func:`dlbook.torch.train.fit`.

    Returns
    -------
    LRRangeTestResult
        ``lrs``, ``losses`` and ``smoothed`` per step, ``diverged``, and the suggestions
        ``lr_at_min`` and ``steepest_lr``.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import DataLoader
    >>> _ = torch.manual_seed(0)
    >>> X = np.linspace(-1, 1, 64, dtype=np.float32).reshape(64, 1)
    >>> model = torch.nn.Linear(1, 1)
    >>> before = model.weight.item()
    >>> result = lr_range_test(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters()),
    ...                        DataLoader(X, 3 * X, batch_size=4, shuffle=True, rng=0),
    ...                        start_lr=1e-3, end_lr=100.0, num_steps=50)
    >>> result.diverged, len(result.lrs) < 50, model.weight.item() == before
    (True, True, True)
    >>> 0.1 < result.lr_at_min < 10
    True

    Introduced in :doc:`/book/optimisation/debugging`.
    """
    from dlbook.torch.train import fit

    caller = "lr_range_test"
    check_model(model, caller)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"{caller}: expected optimizer to be a torch.optim.Optimizer, got "
                        f"{type_name(optimizer)}")
    start_lr = check_number(start_lr, "start_lr", caller=caller, low=0.0, low_inclusive=False)
    end_lr = check_number(end_lr, "end_lr", caller=caller, low=0.0, low_inclusive=False)
    if end_lr <= start_lr:
        raise ValueError(f"{caller}: expected end_lr > start_lr = {start_lr}, got {end_lr}")
    mode = check_in(mode, "mode", ("exp", "linear"), caller=caller)
    smoothing = check_number(smoothing, "smoothing", caller=caller, low=0.0, high=1.0,
                             high_inclusive=False)
    divergence_factor = check_number(divergence_factor, "divergence_factor", caller=caller,
                                     low=1.0, low_inclusive=False, allow_inf=True)
    if not isinstance(restore, bool):
        raise TypeError(f"{caller}: expected restore to be a bool, got {type_name(restore)}")
    if num_steps is None:
        if not hasattr(train_loader, "__len__"):
            raise TypeError(f"{caller}: train_loader has no length ({type_name(train_loader)}); "
                            f"pass num_steps")
        num_steps = len(train_loader)
    num_steps = check_positive_int(num_steps, "num_steps", caller=caller)
    if num_steps < 2:
        raise ValueError(f"{caller}: expected num_steps >= 2, got {num_steps}")

    fraction = np.arange(num_steps) / (num_steps - 1)
    lrs = (start_lr * (end_lr / start_lr) ** fraction if mode == "exp"
           else start_lr + (end_lr - start_lr) * fraction)
    schedule = _RangeSchedule(lrs, smoothing, divergence_factor)
    if device is not None:
        model.to(device)
    saved = (copy.deepcopy(model.state_dict()), copy.deepcopy(optimizer.state_dict()))
    try:
        # Every epoch has at least one batch, so num_steps epochs always reach num_steps steps.
        epochs = (math.ceil(num_steps / len(train_loader)) if hasattr(train_loader, "__len__")
                  and len(train_loader) else num_steps)
        fit(model, loss_fn, optimizer, train_loader, epochs=epochs, metrics=None,
            callbacks=[schedule], progress=False)
    finally:
        if restore:
            model.load_state_dict(saved[0])
            optimizer.load_state_dict(saved[1])
    steps = len(schedule.losses)
    return LRRangeTestResult(lrs=lrs[:steps].copy(), losses=np.array(schedule.losses),
                             smoothed=np.array(schedule.smoothed), diverged=schedule.diverged)
