"""The training loop for the NumPy networks: forward, loss, backward, step, over epochs.

Every step follows the API contract of :mod:`dlbook.np.nn`::

    output = model(xb)                  # forward pass
    loss = loss_fn(output, yb)          # a float
    optimizer.zero_grad()               # gradients accumulate, so clear them first
    model.backward(loss_fn.backward())  # backpropagation fills every parameter's .grad
    optimizer.step()                    # update the parameters
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from dlbook._checks import check_array, check_int, check_positive_int, type_name
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


_REQUIRED_METHODS = {
    "model": ("__call__", "backward", "train", "eval"),
    "loss_fn": ("__call__", "backward"),
    "optimizer": ("step", "zero_grad"),
}


def _check_parts(caller: str, **parts: Any) -> None:
    """Check that the model, loss and optimizer have the methods a training step calls."""
    for name, value in parts.items():
        methods = _REQUIRED_METHODS[name]
        missing = [method for method in methods if not hasattr(value, method)]
        if missing:
            raise TypeError(
                f"{caller}: expected {name} with methods {', '.join(methods)}; "
                f"{type_name(value)} lacks {', '.join(missing)}"
            )


class _EvalMode:
    """Put a model in evaluation mode for a block, then restore the mode it was in."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __enter__(self) -> None:
        self.was_training = getattr(self.model, "training", True)
        self.model.eval()

    def __exit__(self, *exc: object) -> None:
        if self.was_training:
            self.model.train()


def _batches(X: np.ndarray, batch_size: int) -> Iterable[np.ndarray]:
    for start in range(0, X.shape[0], batch_size):
        yield X[start : start + batch_size]  # a view: no copy


def predict(model: Any, X: np.ndarray, *, batch_size: int = 256) -> np.ndarray:
    """The model's outputs for every row of ``X``, computed in evaluation mode, batch by batch.

    Parameters
    ----------
    model
        A :class:`dlbook.np.nn.Module`.
    X
        Inputs, shape (N, ...).
    batch_size
        Rows per forward pass (bounds the memory used, not the result).

    Returns
    -------
    numpy.ndarray
        The outputs stacked, shape (N, ...): for a classifier the scores (logits), whose
        ``argmax(axis=1)`` is the predicted class.

    Introduced in :doc:`/book/foundations/deep-learning`.
    """
    check_array(X, "X", caller="predict")
    batch_size = check_positive_int(batch_size, "batch_size", caller="predict")
    if X.ndim == 0 or X.shape[0] == 0:
        raise ValueError(f"predict: expected X of shape (N, ...) with N >= 1, got {X.shape}")
    with _EvalMode(model):
        outputs = [np.asarray(model(xb)) for xb in _batches(X, batch_size)]
    return outputs[0] if len(outputs) == 1 else np.concatenate(outputs)


def _collect(model: Any, data: Any, batch_size: int, caller: str) -> tuple[np.ndarray, np.ndarray]:
    """Outputs and targets for ``(X, y)`` or for an iterable of ``(xb, yb)`` batches."""
    if isinstance(data, tuple) and len(data) == 2:
        X, y = data
        check_array(y, "y", caller=caller)
        outputs = predict(model, X, batch_size=batch_size)
        if y.shape[0] != outputs.shape[0]:
            raise ValueError(f"{caller}: expected y with {outputs.shape[0]} samples like X, "
                             f"got shape {y.shape}")
        return outputs, y
    outputs, targets = [], []
    with _EvalMode(model):
        for xb, yb in data:
            outputs.append(np.asarray(model(xb)))
            targets.append(yb)
    if not outputs:
        raise ValueError(f"{caller}: the validation data yielded no batch")
    return np.concatenate(outputs), np.concatenate(targets)


def evaluate(
    model: Any,
    loss_fn: Any,
    X: np.ndarray,
    y: np.ndarray,
    *,
    batch_size: int = 256,
    metrics: Metrics = DEFAULT_METRICS,
    metric: Metrics = NOT_GIVEN,
) -> dict[str, float]:
    """Loss (and metrics) of ``model`` on ``(X, y)``, in evaluation mode, without learning.

    The loss is computed once on all the outputs, so it is exact for any ``reduction``.
    ``metrics`` is as in :func:`fit` (accuracy by default, ``None`` for the loss only);
    ``metric`` is its older, singular spelling.

    Returns
    -------
    dict
        ``{"loss": ..., "acc": ...}``; a metric's key is ``"acc"`` for
        :func:`dlbook.metrics.accuracy`, else the metric function's name; only ``"loss"``
        when ``metrics`` is ``None``.

    Introduced in :doc:`/book/foundations/activations`.
    """
    metrics = resolve_metrics(metrics, metric, caller="evaluate")
    _check_parts("evaluate", model=model, loss_fn=loss_fn)
    outputs, targets = _collect(model, (X, y), batch_size, "evaluate")
    check_metric_targets(metrics, targets.dtype.kind == "f", targets.shape, targets.dtype,
                         caller="evaluate")
    result = {"loss": float(loss_fn(outputs, targets))}
    for function in metrics:
        result[metric_name(function)] = float(function(targets, outputs))
    return result


def fit(
    model: Any,
    loss_fn: Any,
    optimizer: Any,
    train_loader: Iterable[tuple[np.ndarray, np.ndarray]],
    *,
    epochs: int,
    val_data: tuple[np.ndarray, np.ndarray] | Iterable[Any] | None = None,
    metrics: Metrics = DEFAULT_METRICS,
    progress: bool | None = None,
    val_batch_size: int = 256,
    metric: Metrics = NOT_GIVEN,
) -> History:
    """Train a NumPy network with mini-batch gradient descent for ``epochs`` passes over the data.

    Parameters
    ----------
    model
        A :class:`dlbook.np.nn.Module` (for instance a :class:`dlbook.np.nn.Sequential`).
    loss_fn
        A loss module such as :class:`dlbook.np.nn.CrossEntropyLoss`.
    optimizer
        An optimizer over ``model.parameters()``, such as :class:`dlbook.np.optim.SGD`.
    train_loader
        Yields ``(xb, yb)`` batches, e.g. a :class:`dlbook.data.DataLoader`; one pass over it
        is one epoch and each batch one iteration.
    epochs
        Number of passes over the training data.
    val_data
        ``(X_val, y_val)`` arrays or an iterable of batches, evaluated after every epoch in
        evaluation mode; ``None`` to skip.
    metrics
        A function ``f(y_true, outputs) -> float``, a sequence of them, or ``None``; each is
        recorded as ``train_<name>`` and ``val_<name>``. By default
        :func:`dlbook.metrics.accuracy` (``train_acc``, ``val_acc``), which needs class
        labels as targets: pass ``metrics=None`` for regression (the history then holds the
        losses only). Asking for accuracy with floating-point targets (other than class
        probabilities of shape (N, C)) raises a ``ValueError`` before the first step.
    progress
        Show a progress bar over epochs; ``None``: on unless ``DLBOOK_PROGRESS=0``. Nothing is
        printed when it is off.
    val_batch_size
        Rows per forward pass when evaluating ``val_data`` arrays.
    metric
        The older, singular spelling of ``metrics`` (``metric=None`` is ``metrics=None``);
        give one or the other.

    Returns
    -------
    History
        Per epoch: ``train_loss`` (the mean of the epoch's batch losses, weighted by batch
        size, measured while the weights were changing), ``val_loss``, the metric, ``lr`` (of
        the first parameter group) and ``time`` (seconds); per iteration: the batch loss.

    Introduced in :doc:`/book/foundations/training`.
    """
    caller = "fit"
    metrics = resolve_metrics(metrics, metric, caller=caller)
    _check_parts(caller, model=model, loss_fn=loss_fn, optimizer=optimizer)
    check_optimizer_owns(model, optimizer, caller=caller)
    epochs = check_int(epochs, "epochs", caller=caller, minimum=1)
    val_batch_size = check_positive_int(val_batch_size, "val_batch_size", caller=caller)
    names = [metric_name(function) for function in metrics]
    history = History()
    bar = progress_bar(range(epochs), progress, desc="epochs", total=epochs)
    for _ in bar:
        started = time.perf_counter()
        model.train()
        loss_sum, seen = 0.0, 0
        outputs, targets = [], []
        for xb, yb in train_loader:
            if metrics and seen == 0:  # before the first step: fail before training
                check_metric_targets(metrics, np.asarray(yb).dtype.kind == "f",
                                     np.shape(yb), np.asarray(yb).dtype, caller=caller)
            output = model(xb)
            loss = loss_fn(output, yb)
            optimizer.zero_grad()
            model.backward(loss_fn.backward())
            optimizer.step()
            history.log_iteration(loss)
            batch = len(xb)
            loss_sum += loss * batch
            seen += batch
            if metrics:
                outputs.append(output)
                targets.append(yb)
        if seen == 0:
            raise ValueError(f"{caller}: train_loader yielded no batch")
        record: dict[str, float] = {"train_loss": loss_sum / seen}
        if metrics:
            all_targets, all_outputs = np.concatenate(targets), np.concatenate(outputs)
            for name, function in zip(names, metrics, strict=True):
                record[f"train_{name}"] = function(all_targets, all_outputs)
        if val_data is not None:
            val_outputs, val_targets = _collect(model, val_data, val_batch_size, caller)
            if metrics:
                check_metric_targets(metrics, val_targets.dtype.kind == "f", val_targets.shape,
                                     val_targets.dtype, caller=caller)
            record["val_loss"] = float(loss_fn(val_outputs, val_targets))
            for name, function in zip(names, metrics, strict=True):
                record[f"val_{name}"] = function(val_targets, val_outputs)
        groups = getattr(optimizer, "param_groups", None)
        if groups:
            record["lr"] = groups[0]["lr"]
        record["time"] = time.perf_counter() - started
        history.log_epoch(**record)
        if hasattr(bar, "set_postfix"):
            shown = {key: f"{value:.4g}" for key, value in record.items() if key != "time"}
            bar.set_postfix(shown, refresh=False)
    return history
