"""The PyTorch training loop: the same steps as :mod:`dlbook.np.train`, with autograd.

Each step reads::

    optimizer.zero_grad()
    loss = loss_fn(model(xb), yb)   # a 0-d tensor
    loss.backward()                 # autograd fills every parameter's .grad
    optimizer.step()

Batches go to the device the model's parameters are on; losses stay there until the end of
the epoch, so a GPU is not made to wait for the CPU after every step.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import torch

from dlbook._checks import check_int, check_positive_int, type_name
from dlbook._progress import progress_bar
from dlbook.history import (
    DEFAULT_METRICS,
    NOT_GIVEN,
    History,
    check_metric_targets,
    check_optimizer_owns,
    metric_name,
    resolve_metrics,
)

Metric = Callable[[np.ndarray, np.ndarray], float]
Metrics = Metric | Sequence[Metric] | None


def model_device(model: torch.nn.Module) -> torch.device:
    """The device of the model's first parameter (or buffer); the CPU for a model without any.

    >>> model_device(torch.nn.Linear(2, 3))
    device(type='cpu')

    Introduced in :doc:`/book/foundations/digits`.
    """
    for tensor in (*model.parameters(), *model.buffers()):
        return tensor.device
    return torch.device("cpu")


def _floating_dtype(model: torch.nn.Module) -> torch.dtype:
    for tensor in model.parameters():
        if tensor.is_floating_point():
            return tensor.dtype
    return torch.get_default_dtype()


def _to_device(value: Any, device: torch.device, float_dtype: torch.dtype) -> torch.Tensor:
    """A batch as a tensor on ``device``; floating NumPy arrays take the model's dtype."""
    if isinstance(value, np.ndarray):
        dtype = float_dtype if value.dtype.kind == "f" else None
        return torch.as_tensor(value, dtype=dtype).to(device, non_blocking=True)
    if isinstance(value, torch.Tensor):
        return value.to(device, non_blocking=True)
    raise TypeError(
        f"fit: expected batches of numpy arrays or torch tensors, got {type_name(value)}"
    )


def _check_model(model: Any, caller: str) -> None:
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{caller}: expected model to be a torch.nn.Module, got "
                        f"{type_name(model)}")


def _as_batches(X: Any, batch_size: int) -> Iterable[Any]:
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size]


@torch.no_grad()
def predict(
    model: torch.nn.Module, X: Any, *, batch_size: int = 256, device: Any = None
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

    Returns
    -------
    torch.Tensor
        Shape (N, ...), on the model's device; ``.argmax(1)`` gives the classes,
        ``.cpu().numpy()`` a NumPy array.

    Introduced in :doc:`/book/foundations/architectures`.
    """
    _check_model(model, "predict")
    batch_size = check_positive_int(batch_size, "batch_size", caller="predict")
    if device is not None:
        model.to(device)
    if len(X) == 0:
        raise ValueError("predict: expected X with at least one row, got none")
    target, float_dtype = model_device(model), _floating_dtype(model)
    was_training = model.training
    model.eval()
    try:
        outputs = [model(_to_device(xb, target, float_dtype)) for xb in _as_batches(X, batch_size)]
    finally:
        model.train(was_training)
    return torch.cat(outputs)


@torch.no_grad()
def _collect(model: torch.nn.Module, data: Any, batch_size: int,
             caller: str = "fit") -> tuple[torch.Tensor, ...]:
    target, float_dtype = model_device(model), _floating_dtype(model)
    if isinstance(data, tuple) and len(data) == 2:
        X, y = data
        outputs = predict(model, X, batch_size=batch_size)
        y = _to_device(y, target, float_dtype)
        if y.ndim == 0 or y.shape[0] != outputs.shape[0]:
            raise ValueError(f"{caller}: expected y with {outputs.shape[0]} samples like X, got "
                             f"shape {tuple(y.shape)}")
        return outputs, y
    was_training = model.training
    model.eval()
    try:
        outputs, targets = [], []
        for xb, yb in data:
            outputs.append(model(_to_device(xb, target, float_dtype)))
            targets.append(_to_device(yb, target, float_dtype))
    finally:
        model.train(was_training)
    if not outputs:
        raise ValueError("fit: the validation data yielded no batch")
    return torch.cat(outputs), torch.cat(targets)


def _metric_value(metric: Metric, targets: torch.Tensor, outputs: torch.Tensor) -> float:
    return float(metric(targets.cpu().numpy(), outputs.float().cpu().numpy()))


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
) -> dict[str, float]:
    """Loss (and metrics) of ``model`` on ``(X, y)`` in evaluation mode, without gradients.

    The loss is computed once on all outputs, so it is exact for any ``reduction``.
    ``metrics`` is as in :func:`fit` (accuracy by default, ``None`` for the loss only);
    ``metric`` is its older, singular spelling.

    Returns
    -------
    dict
        ``{"loss": ..., "acc": ...}`` (a metric's key is ``"acc"`` for
        :func:`dlbook.metrics.accuracy`, else the metric function's name).

    Introduced in :doc:`/book/cnn/why-convolutions`.
    """
    metrics = resolve_metrics(metrics, metric, caller="evaluate")
    _check_model(model, "evaluate")
    if device is not None:
        model.to(device)
    outputs, targets = _collect(model, (X, y), batch_size, "evaluate")
    check_metric_targets(metrics, targets.is_floating_point(), tuple(targets.shape),
                         targets.dtype, caller="evaluate")
    result = {"loss": float(loss_fn(outputs, targets))}
    for function in metrics:
        result[metric_name(function)] = _metric_value(function, targets, outputs)
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
    progress: bool | None = None,
    val_batch_size: int = 256,
    metric: Metrics = NOT_GIVEN,
) -> History:
    """Train a PyTorch model for ``epochs`` passes over ``train_loader``.

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
        Yields ``(xb, yb)`` batches: a :class:`dlbook.data.DataLoader` over NumPy arrays
        (floating arrays are converted to the dtype of the model's parameters) or a
        :class:`torch.utils.data.DataLoader`.
    epochs
        Number of passes over the training data.
    val_data
        ``(X_val, y_val)`` (arrays or tensors) or an iterable of batches, evaluated after
        every epoch; ``None`` to skip.
    device
        Move the model there before training; by default the model stays where it is and
        batches follow it. Build the optimizer after moving the model, as torch requires.
    metrics
        A function ``f(y_true, outputs) -> float`` on NumPy arrays, a sequence of them, or
        ``None``; each is recorded as ``train_<name>`` and ``val_<name>``. Accuracy by
        default; ``metrics=None`` for regression (the history then holds the losses only).
        Asking for accuracy with floating-point targets (other than class probabilities of
        shape (N, C)) raises a ``ValueError`` before the first step.
    progress
        Progress bar over epochs; ``None``: on unless ``DLBOOK_PROGRESS=0``.
    val_batch_size
        Rows per forward pass when evaluating ``val_data`` arrays.
    metric
        The older, singular spelling of ``metrics``; give one or the other.

    Returns
    -------
    History
        The same record as :func:`dlbook.np.train.fit` returns.

    Introduced in :doc:`/book/foundations/digits`.
    """
    caller = "fit"
    metrics = resolve_metrics(metrics, metric, caller=caller)
    _check_model(model, caller)
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise TypeError(f"{caller}: expected optimizer to be a torch.optim.Optimizer over the "
                        f"model's parameters, got {type_name(optimizer)}")
    check_optimizer_owns(model, optimizer, caller=caller)
    epochs = check_int(epochs, "epochs", caller=caller, minimum=1)
    val_batch_size = check_positive_int(val_batch_size, "val_batch_size", caller=caller)
    if device is not None:
        model.to(device)
    target, float_dtype = model_device(model), _floating_dtype(model)
    names = [metric_name(function) for function in metrics]
    history = History()
    bar = progress_bar(range(epochs), progress, desc="epochs", total=epochs)
    for _ in bar:
        started = time.perf_counter()
        model.train()
        batch_losses, batch_sizes, outputs, targets = [], [], [], []
        for batch in train_loader:
            if not isinstance(batch, (tuple, list)) or len(batch) != 2:
                raise TypeError(f"{caller}: expected train_loader to yield (xb, yb) pairs, got "
                                f"{type_name(batch)}")
            xb = _to_device(batch[0], target, float_dtype)
            yb = _to_device(batch[1], target, float_dtype)
            if metrics and not batch_losses:  # before the first step: fail before training
                check_metric_targets(metrics, yb.is_floating_point(), tuple(yb.shape),
                                     yb.dtype, caller=caller)
            optimizer.zero_grad()
            output = model(xb)
            loss = loss_fn(output, yb)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.detach())
            batch_sizes.append(len(xb))
            if metrics:
                outputs.append(output.detach())
                targets.append(yb)
        if not batch_losses:
            raise ValueError(f"{caller}: train_loader yielded no batch")
        losses = torch.stack(batch_losses).double().cpu()  # one device sync per epoch
        for value in losses.tolist():
            history.log_iteration(value)
        weights = torch.tensor(batch_sizes, dtype=torch.float64)
        record: dict[str, float] = {"train_loss": float((losses * weights).sum() / weights.sum())}
        if metrics:
            all_targets, all_outputs = torch.cat(targets), torch.cat(outputs)
            for name, function in zip(names, metrics, strict=True):
                record[f"train_{name}"] = _metric_value(function, all_targets, all_outputs)
        if val_data is not None:
            val_outputs, val_targets = _collect(model, val_data, val_batch_size)
            if metrics:
                check_metric_targets(metrics, val_targets.is_floating_point(),
                                     tuple(val_targets.shape), val_targets.dtype, caller=caller)
            with torch.no_grad():
                record["val_loss"] = float(loss_fn(val_outputs, val_targets))
            for name, function in zip(names, metrics, strict=True):
                record[f"val_{name}"] = _metric_value(function, val_targets, val_outputs)
        groups = getattr(optimizer, "param_groups", None)
        if groups:
            record["lr"] = float(groups[0]["lr"])
        record["time"] = time.perf_counter() - started
        history.log_epoch(**record)
        if hasattr(bar, "set_postfix"):
            shown = {key: f"{value:.4g}" for key, value in record.items() if key != "time"}
            bar.set_postfix(shown, refresh=False)
    return history
