"""One optimiser step of :func:`dlbook.torch.train.fit`, with mixed precision and clipping.

``amp=None`` runs in the model's dtype; ``"bf16"`` under bfloat16 autocast (CPU or GPU: its
exponent range is float32's, so no loss scaling is needed); ``"fp16"`` under float16 autocast
with a ``torch.amp.GradScaler``, CUDA only, because float16's small range makes gradients
underflow unless the loss is scaled first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch.optim import lr_scheduler

from dlbook._checks import check_in, type_name
from dlbook._loop import check_interval
from dlbook.torch._batches import forward

#: Schedulers whose schedule is counted in optimiser steps, so ``fit`` steps them every batch.
PER_BATCH_SCHEDULERS = (lr_scheduler.OneCycleLR, lr_scheduler.CyclicLR)
AMP_DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16}


def check_scheduler(scheduler: Any, optimizer: torch.optim.Optimizer, interval: Any,
                    caller: str) -> str | None:
    """The interval a scheduler is stepped at: ``"epoch"`` or ``"batch"`` (``None``: none)."""
    if scheduler is not None and not isinstance(
            scheduler, (lr_scheduler.LRScheduler, lr_scheduler.ReduceLROnPlateau)):
        raise TypeError(f"{caller}: expected scheduler to be a torch.optim.lr_scheduler "
                        f"scheduler, got {type_name(scheduler)}")
    default = "batch" if isinstance(scheduler, PER_BATCH_SCHEDULERS) else "epoch"
    return check_interval(scheduler, optimizer, interval, default=default,
                          plateau=isinstance(scheduler, lr_scheduler.ReduceLROnPlateau),
                          caller=caller)


def check_amp(amp: Any, device: torch.device, caller: str) -> torch.amp.GradScaler | None:
    """Check ``amp`` for ``device``; the gradient scaler it needs (fp16 on CUDA), or ``None``."""
    check_in(amp, "amp", (None, "bf16", "fp16"), caller=caller)
    if amp == "fp16":
        if device.type != "cuda":
            raise ValueError(f"{caller}: amp='fp16' needs a CUDA device (float16 autocast with "
                             f"a GradScaler), got the model on {device.type}; use amp='bf16' "
                             f"there")
        return torch.amp.GradScaler("cuda")
    return None


def autocast(amp: str | None, device: torch.device) -> contextlib.AbstractContextManager:
    """The autocast context for ``amp`` on ``device`` (a no-op context for ``None``)."""
    if amp is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=AMP_DTYPES[amp])


def train_step(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    batch: tuple[torch.Tensor, torch.Tensor, Any],
    *,
    amp: str | None,
    device: torch.device,
    scaler: torch.amp.GradScaler | None,
    grad_clip: float | None,
    parameters: Sequence[torch.Tensor],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """``zero_grad``, forward and loss (under autocast), backward, clip, step.

    Returns ``(output, loss, grad_norm)``: ``grad_norm`` is the total gradient norm before
    clipping (a 0-d tensor) when ``grad_clip`` is set, else ``None``.
    """
    grad_norm = None
    xb, yb, extra = batch
    optimizer.zero_grad()
    with autocast(amp, device):
        output = forward(model, xb, extra)
        loss = loss_fn(output, yb)
    if scaler is not None:
        scaler.scale(loss).backward()
        if grad_clip is not None:
            scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            grad_norm = torch.nn.utils.clip_grad_norm_(parameters, grad_clip)
        scaler.step(optimizer)
        scaler.update()
    else:
        loss.backward()
        if grad_clip is not None:
            grad_norm = torch.nn.utils.clip_grad_norm_(parameters, grad_clip)
        optimizer.step()
    return output, loss, grad_norm
