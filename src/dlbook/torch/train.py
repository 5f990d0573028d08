"""The PyTorch training loop: the same steps as :mod:`dlbook.np.train`, with autograd.

Each step reads::

    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)   # a 0-d tensor
    loss.backward()                 # autograd fills every parameter's .grad
    optimizer.step()

:func:`fit` adds what a real run needs around it: callbacks (:mod:`dlbook.torch.callbacks`,
with Keras's early stopping, learning-rate reduction and checkpoints), a learning-rate
scheduler, gradient clipping, mixed precision, a third batch element passed to the model
(sequence lengths, say) and exact resumption from a checkpoint.

Batches go to the device the model's parameters are on; losses stay there until the end of
the epoch, so a GPU is not made to wait for the CPU after every step.

The pieces live in small files: moving and collecting batches in ``dlbook.torch._batches``,
one optimiser step with mixed precision and clipping in ``dlbook.torch._step``, and what
happens between epochs (callbacks, checkpoints, resuming, schedulers), shared with the NumPy
loop, in ``dlbook._session``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import torch
from torch.optim import lr_scheduler

import dlbook.torch.checkpoint as checkpoint_store
from dlbook._checks import check_int, check_number, check_positive_int, type_name
from dlbook._loop import unpack_batch
from dlbook._session import Session
from dlbook.callbacks_core.state import Callback, check_callbacks
from dlbook.history import (
    DEFAULT_METRICS,
    NOT_GIVEN,
    History,
    check_metric_targets,
    check_optimizer_owns,
    metric_name,
    resolve_metrics,
)
from dlbook.torch._batches import (
    Metric,
    check_model,
    collect,
    extra_to_device,
    floating_dtype,
    metric_value,
    model_device,
    outputs_of,
    to_device,
)
from dlbook.torch._step import (
    PER_BATCH_SCHEDULERS,  # noqa: F401 (importable from here, where fit documents it)
    autocast,
    check_amp,
    check_scheduler,
    train_step,
)

__all__ = ["evaluate", "fit", "model_device", "predict"]

Metrics = Metric | Sequence[Metric] | None


@torch.no_grad()
def predict(
    model: torch.nn.Module, X: Any, *, batch_size: int = 256, device: Any = None,
    extra: Any = None,
) -> torch.Tensor:
    """The model's outputs for every row of ``X``, in evaluation mode and without gradients.

    Parameters
    ----------
    model
        A :class:`torch.nn.Module`.
    X
        A NumPy array or a tensor of shape (N, ...), moved batch by batch to the model's device
        (floating NumPy arrays take the dtype of the model's parameters).
    batch_size
        Rows per forward pass.
    device
        Move the model there first; by default it stays where it is.
    extra
        A second input with one row per row of ``X`` (sequence lengths, say), batched with
        ``X`` and passed as ``model(xb, extra_b)``; ``None`` calls ``model(xb)``.

    Returns
    -------
    torch.Tensor
        Shape (N, ...), on the model's device; ``.argmax(1)`` gives the classes,
        ``.cpu().numpy()`` a NumPy array.

    Introduced in :doc:`/book/foundations/architectures`.
    """
    check_model(model, "predict")
    batch_size = check_positive_int(batch_size, "batch_size", caller="predict")
    if device is not None:
        model.to(device)
    if len(X) == 0:
        raise ValueError("predict: expected X with at least one row, got none")
    if extra is not None and len(extra) != len(X):
        raise ValueError(f"predict: expected extra with {len(X)} rows like X, got {len(extra)}")
    return outputs_of(model, X, batch_size, extra)


@torch.no_grad()
def evaluate(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    X: Any,
    y: Any,
    *,
    batch_size: int = 256,
    metrics: Metrics = DEFAULT_METRICS,
    device: Any = None,
    metric: Metrics = NOT_GIVEN,
    extra: Any = None,
) -> dict[str, float]:
    """Loss (and metrics) of ``model`` on ``(X, y)`` in evaluation mode, without gradients.

    The loss is computed once on all outputs, so it is exact for any ``reduction``.
    ``metrics`` is as in :func:`fit` (accuracy by default, ``None`` for the loss only);
    ``metric`` is its older, singular spelling; ``extra`` is a second model input, as in
    :func:`predict`.

    Returns
    -------
    dict
        ``{"loss": ..., "acc": ...}`` (a metric's key is ``"acc"`` for
        :func:`dlbook.metrics.accuracy`, else the metric function's name).

    Introduced in :doc:`/book/cnn/why-convolutions`.
    """
    metrics = resolve_metrics(metrics, metric, caller="evaluate")
    check_model(model, "evaluate")
    if device is not None:
        model.to(device)
    data = (X, y) if extra is None else (X, y, extra)
    outputs, targets = collect(model, data, batch_size, "evaluate")
    check_metric_targets(metrics, targets.is_floating_point(), tuple(targets.shape),
                         targets.dtype, caller="evaluate")
    result = {"loss": float(loss_fn(outputs, targets))}
    for function in metrics:
        result[metric_name(function)] = metric_value(function, targets, outputs)
    return result


def fit(
    model: torch.nn.Module,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    optimizer: torch.optim.Optimizer,
    train_loader: Iterable[Any],
    *,
    epochs: int,
    val_data: Any = None,
    device: Any = None,
    metrics: Metrics = DEFAULT_METRICS,
    callbacks: Sequence[Callback] = (),
    scheduler: Any = None,
    scheduler_interval: str | None = None,
    scheduler_monitor: str = "val_loss",
    grad_clip: float | None = None,
    amp: str | None = None,
    resume_from: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    val_batch_size: int = 256,
    metric: Metrics = NOT_GIVEN,
) -> History:
    """Train a PyTorch model for ``epochs`` passes over ``train_loader``.

    Every epoch: ``on_epoch_begin``; for each batch a step (``zero_grad``, forward under
    ``amp``'s autocast, ``backward``, clipping to ``grad_clip``, ``optimizer.step``, a
    per-batch scheduler step) and ``on_batch_end``; then the epoch's record (training loss and
    metrics, validation loss and metrics, ``lr``, ``time``) is logged, a per-epoch scheduler
    is stepped, ``on_epoch_end`` runs, and the checkpoints the callbacks asked for are
    written. Training ends after ``epochs`` epochs or at the end of the epoch in which a
    callback set ``state.stop_training`` (setting it in ``on_batch_end`` ends the epoch at
    that batch, as in Keras); ``on_train_end`` runs last.

    Parameters
    ----------
    model
        A :class:`torch.nn.Module`, e.g. :class:`dlbook.torch.models.MLP`.
    loss_fn
        ``loss_fn(outputs, targets)`` returning a 0-d tensor, e.g.
        :class:`torch.nn.CrossEntropyLoss`.
    optimizer
        A :class:`torch.optim.Optimizer` over ``model.parameters()`` (anything else, a
        :mod:`dlbook.np.optim` optimizer for instance, is refused: it could not update
        torch parameters).
    train_loader
        Yields ``(xb, yb)`` batches, or ``(xb, yb, extra)`` batches whose ``extra`` (sequence
        lengths, a mask) is passed as ``model(xb, extra)``: a :class:`dlbook.data.DataLoader`
        over NumPy arrays (floating arrays are converted to the dtype of the model's
        parameters) or a :class:`torch.utils.data.DataLoader`. Arrays and tensors in ``extra``
        go to the model's device; anything else is passed as it is.
    epochs
        The epoch to train up to; a resumed run continues from its checkpoint's epoch to this
        one (Keras's ``epochs`` with ``initial_epoch``).
    val_data
        ``(X_val, y_val)`` or ``(X_val, y_val, extra_val)`` (arrays or tensors) or an iterable
        of batches, evaluated after every epoch; ``None`` to skip.
    device
        Move the model there before training; by default the model stays where it is and
        batches follow it. Build the optimizer after moving the model, as torch requires.
    metrics
        A function ``f(y_true, outputs) -> float`` on NumPy arrays, a sequence of them, or
        ``None``; each is recorded as ``train_<name>`` and ``val_<name>``. Accuracy by
        default; ``metrics=None`` for regression (the history then holds the losses only).
        Asking for accuracy with floating-point targets (other than class probabilities of
        shape (N, C)) raises a ``ValueError`` before the first step.
    callbacks
        :class:`dlbook.torch.callbacks.Callback` instances, run in list order, e.g.
        :class:`~dlbook.torch.callbacks.EarlyStopping`,
        :class:`~dlbook.torch.callbacks.ReduceLROnPlateau`,
        :class:`~dlbook.torch.callbacks.ModelCheckpoint`.
    scheduler
        Any ``torch.optim.lr_scheduler`` scheduler built on ``optimizer``. It is stepped
        once per epoch, after the epoch's record is logged and before ``on_epoch_end``, except
        :class:`~torch.optim.lr_scheduler.OneCycleLR` and
        :class:`~torch.optim.lr_scheduler.CyclicLR`, whose schedules count optimiser steps
        and which are stepped after every batch. A
        :class:`~torch.optim.lr_scheduler.ReduceLROnPlateau` is fed ``scheduler_monitor``
        (torch's rule, which reduces one epoch later than Keras's; the callback
        :class:`~dlbook.torch.callbacks.ReduceLROnPlateau` follows Keras).
    scheduler_interval
        ``"epoch"`` or ``"batch"``, to override the choice above; ``None`` chooses.
    scheduler_monitor
        The logged quantity a ``ReduceLROnPlateau`` scheduler is fed (``"val_loss"``).
    grad_clip
        Clip the total gradient norm to this value before every step
        (``torch.nn.utils.clip_grad_norm_``); ``None`` for no clipping.
    amp
        Mixed precision: ``None`` (off), ``"bf16"`` (bfloat16 autocast, on the CPU or a GPU)
        or ``"fp16"`` (float16 autocast with a ``torch.amp.GradScaler``; CUDA only, a
        ``ValueError`` elsewhere). Validation runs under the same autocast.
    resume_from
        A checkpoint written by :class:`~dlbook.torch.callbacks.ModelCheckpoint` (with
        ``save_weights_only=False``) or :func:`dlbook.torch.checkpoint.save_checkpoint`. The
        model, optimizer, scheduler, callbacks, random generators, loader and history are
        restored and training continues after the checkpoint's epoch, reaching exactly the
        parameters an uninterrupted run reaches (bitwise on the CPU; pass freshly built
        objects of the same kinds, with the same callbacks). Loaded with
        ``weights_only=True``.
    progress
        Progress bars (one over epochs with the last record, one per epoch over its batches
        with the running loss); ``None``: on unless ``DLBOOK_PROGRESS=0``.
    val_batch_size
        Rows per forward pass when evaluating ``val_data`` arrays.
    metric
        The older, singular spelling of ``metrics``; give one or the other.

    Returns
    -------
    History
        The same record as :func:`dlbook.np.train.fit` returns: per epoch ``train_loss``,
        the metrics, ``val_loss``, ``lr`` (of the first parameter group when the epoch
        began, i.e. the rate its first step used) and ``time``; per iteration the loss.

    Examples
    --------
    >>> import numpy as np
    >>> from dlbook.data import DataLoader
    >>> from dlbook.torch.callbacks import ReduceLROnPlateau
    >>> X = np.linspace(-1, 1, 64).reshape(64, 1)
    >>> _ = torch.manual_seed(0)
    >>> model = torch.nn.Linear(1, 1)
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    >>> history = fit(model, torch.nn.MSELoss(), optimizer,
    ...               DataLoader(X, 3 * X, batch_size=16, shuffle=True, rng=0), epochs=5,
    ...               val_data=(X, 3 * X), metrics=None, grad_clip=1.0, progress=False,
    ...               scheduler=torch.optim.lr_scheduler.StepLR(optimizer, 2, gamma=0.5))
    >>> history["lr"]
    [0.5, 0.5, 0.25, 0.25, 0.125]

    Introduced in :doc:`/book/foundations/digits`.
    """
    caller = "fit"
    metrics = resolve_metrics(metrics, metric, caller=caller)
    check_model(model, caller)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"{caller}: expected optimizer to be a torch.optim.Optimizer over the "
                        f"model's parameters, got {type_name(optimizer)}")
    check_optimizer_owns(model, optimizer, caller=caller)
    epochs = check_int(epochs, "epochs", caller=caller, minimum=1)
    val_batch_size = check_positive_int(val_batch_size, "val_batch_size", caller=caller)
    callbacks = check_callbacks(callbacks, caller=caller)
    interval = check_scheduler(scheduler, optimizer, scheduler_interval, caller)
    if grad_clip is not None:
        grad_clip = check_number(grad_clip, "grad_clip", caller=caller, low=0.0,
                                 low_inclusive=False, allow_inf=True)
    if device is not None:
        model.to(device)
    target, float_dtype = model_device(model), floating_dtype(model)
    scaler = check_amp(amp, target, caller)
    names = [metric_name(function) for function in metrics]
    parameters = [p for group in optimizer.param_groups for p in group["params"]]

    history = History()
    session = Session(
        history, model=model, optimizer=optimizer, train_loader=train_loader, epochs=epochs,
        callbacks=callbacks, store=checkpoint_store, scheduler=scheduler, interval=interval,
        plateau=isinstance(scheduler, lr_scheduler.ReduceLROnPlateau),
        scheduler_monitor=scheduler_monitor, resume_from=resume_from, progress=progress,
        get_weights=lambda: {k: v.detach().clone() for k, v in model.state_dict().items()},
        set_weights=model.load_state_dict, extra_parts={"scaler": scaler}, caller=caller)
    with session:
        shown = session.shown
        refresh = max(1, len(train_loader) // 20) if hasattr(train_loader, "__len__") else 10
        for epoch in session.epochs():
            started = time.perf_counter()
            lr = float(optimizer.param_groups[0]["lr"])
            model.train()
            batch_losses, batch_sizes, outputs, targets = [], [], [], []
            running, counted = 0.0, 0
            bar = shown.batches(train_loader, epoch)
            for index, batch in enumerate(bar):
                xb, yb, extra = unpack_batch(batch, caller)
                xb = to_device(xb, target, float_dtype)
                yb = to_device(yb, target, float_dtype)
                extra = extra_to_device(extra, target, float_dtype)
                if metrics and not batch_losses:  # before the first step: fail before training
                    check_metric_targets(metrics, yb.is_floating_point(), tuple(yb.shape),
                                         yb.dtype, caller=caller)
                output, loss, grad_norm = train_step(
                    model, loss_fn, optimizer, (xb, yb, extra), amp=amp, device=target,
                    scaler=scaler, grad_clip=grad_clip, parameters=parameters)
                if interval == "batch":
                    scheduler.step()
                loss = loss.detach()
                batch_losses.append(loss)
                batch_sizes.append(len(xb))
                if metrics:
                    outputs.append(output.detach())
                    targets.append(yb)
                if shown.enabled and (index + 1) % refresh == 0:  # one device sync per refresh
                    running += float(torch.stack(batch_losses[counted:]).double().sum())
                    counted = len(batch_losses)
                    shown.show_batch(bar, running / counted)
                if session.batch_end(index + 1, loss, grad_norm):
                    break
            if not batch_losses:
                raise ValueError(f"{caller}: train_loader yielded no batch")
            shown.end_batches(bar)
            losses = torch.stack(batch_losses).double().cpu()  # one device sync per epoch
            for value in losses.tolist():
                history.log_iteration(value)
            weights = torch.tensor(batch_sizes, dtype=torch.float64)
            record: dict[str, float] = {
                "train_loss": float((losses * weights).sum() / weights.sum())}
            if metrics:
                all_targets, all_outputs = torch.cat(targets), torch.cat(outputs)
                for name, function in zip(names, metrics, strict=True):
                    record[f"train_{name}"] = metric_value(function, all_targets, all_outputs)
            if val_data is not None:
                record.update(_validate(model, loss_fn, val_data, val_batch_size, metrics,
                                        names, amp, target, float_dtype, caller))
            record["lr"] = lr
            record["time"] = time.perf_counter() - started
            session.end_epoch(record)
    return history


def _validate(model: torch.nn.Module, loss_fn: Callable[..., torch.Tensor], val_data: Any,
              batch_size: int, metrics: Sequence[Metric], names: Sequence[str],
              amp: str | None, device: torch.device, float_dtype: torch.dtype,
              caller: str) -> dict[str, float]:
    """``val_loss`` and ``val_<metric>`` on ``val_data``, under the training's autocast."""
    with autocast(amp, device):
        outputs, targets = collect(model, val_data, batch_size)
    if amp is not None:  # the loss in the model's dtype, as without autocast
        outputs = outputs.to(float_dtype)
    if metrics:
        check_metric_targets(metrics, targets.is_floating_point(), tuple(targets.shape),
                             targets.dtype, caller=caller)
    with torch.no_grad():
        record = {"val_loss": float(loss_fn(outputs, targets))}
    for name, function in zip(names, metrics, strict=True):
        record[f"val_{name}"] = metric_value(function, targets, outputs)
    return record
