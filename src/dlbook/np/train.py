"""The training loop for the NumPy networks: forward, loss, backward, step, over epochs.

Every step follows the API contract of :mod:`dlbook.np.nn`::

    output = model(xb)                  # forward pass
    loss = loss_fn(output, yb)          # a float
    optimizer.zero_grad()               # gradients accumulate, so clear them first
    model.backward(loss_fn.backward())  # backpropagation fills every parameter's .grad
    optimizer.step()                    # update the parameters

:func:`fit` takes the same callbacks as :func:`dlbook.torch.train.fit`
(:mod:`dlbook.np.callbacks`), a :mod:`dlbook.np.optim.lr_scheduler` scheduler, gradient
clipping, a third batch element passed to the model, and resumes from ``np.savez``
checkpoints (:mod:`dlbook.np.checkpoint`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

import dlbook.np.checkpoint as checkpoint_store
from dlbook._checks import check_array, check_int, check_number, check_positive_int, type_name
from dlbook._loop import check_interval, unpack_batch
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
from dlbook.np.nn.utils import clip_grad_norm_
from dlbook.np.optim.lr_scheduler import LRScheduler, ReduceLROnPlateau

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


def _batches(X: Any, batch_size: int) -> Iterable[Any]:
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size]  # a view: no copy


def _forward(model: Any, xb: Any, extra: Any) -> Any:
    return model(xb) if extra is None else model(xb, extra)


def predict(model: Any, X: np.ndarray, *, batch_size: int = 256,
            extra: np.ndarray | None = None) -> np.ndarray:
    """The model's outputs for every row of ``X``, computed in evaluation mode, batch by batch.

    Parameters
    ----------
    model
        A :class:`dlbook.np.nn.Module`.
    X
        Inputs, shape (N, ...).
    batch_size
        Rows per forward pass (bounds the memory used, not the result).
    extra
        A second input with one row per row of ``X`` (sequence lengths, say), batched with
        ``X`` and passed as ``model(xb, extra_b)``; ``None`` calls ``model(xb)``.

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
    if extra is not None and len(extra) != X.shape[0]:
        raise ValueError(f"predict: expected extra with {X.shape[0]} rows like X, got "
                         f"{len(extra)}")
    with _EvalMode(model):
        if extra is None:
            outputs = [np.asarray(model(xb)) for xb in _batches(X, batch_size)]
        else:
            outputs = [np.asarray(model(xb, eb))
                       for xb, eb in zip(_batches(X, batch_size), _batches(extra, batch_size),
                                         strict=True)]
    return outputs[0] if len(outputs) == 1 else np.concatenate(outputs)


def _collect(model: Any, data: Any, batch_size: int, caller: str) -> tuple[np.ndarray, np.ndarray]:
    """Outputs and targets for ``(X, y)``, ``(X, y, extra)`` or an iterable of batches."""
    if isinstance(data, tuple) and len(data) in (2, 3) and isinstance(data[0], np.ndarray):
        X, y, extra = data if len(data) == 3 else (*data, None)
        check_array(y, "y", caller=caller)
        outputs = predict(model, X, batch_size=batch_size, extra=extra)
        if y.shape[0] != outputs.shape[0]:
            raise ValueError(f"{caller}: expected y with {outputs.shape[0]} samples like X, "
                             f"got shape {y.shape}")
        return outputs, y
    outputs, targets = [], []
    with _EvalMode(model):
        for batch in data:
            xb, yb, extra = unpack_batch(batch, caller, "val_data")
            outputs.append(np.asarray(_forward(model, xb, extra)))
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
    extra: np.ndarray | None = None,
) -> dict[str, float]:
    """Loss (and metrics) of ``model`` on ``(X, y)``, in evaluation mode, without learning.

    The loss is computed once on all the outputs, so it is exact for any ``reduction``.
    ``metrics`` is as in :func:`fit` (accuracy by default, ``None`` for the loss only);
    ``metric`` is its older, singular spelling; ``extra`` is a second model input, as in
    :func:`predict`.

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
    data = (X, y) if extra is None else (X, y, extra)
    outputs, targets = _collect(model, data, batch_size, "evaluate")
    check_metric_targets(metrics, targets.dtype.kind == "f", targets.shape, targets.dtype,
                         caller="evaluate")
    result = {"loss": float(loss_fn(outputs, targets))}
    for function in metrics:
        result[metric_name(function)] = float(function(targets, outputs))
    return result


def _check_scheduler(scheduler: Any, optimizer: Any, interval: Any, caller: str) -> str | None:
    """The interval a scheduler is stepped at: ``"epoch"`` or ``"batch"`` (``None``: none)."""
    if scheduler is not None and not isinstance(scheduler, LRScheduler):
        raise TypeError(f"{caller}: expected scheduler to be a dlbook.np.optim.lr_scheduler "
                        f"scheduler, got {type_name(scheduler)}")
    return check_interval(scheduler, optimizer, interval, default="epoch",
                          plateau=isinstance(scheduler, ReduceLROnPlateau), caller=caller)


def fit(
    model: Any,
    loss_fn: Any,
    optimizer: Any,
    train_loader: Iterable[tuple[np.ndarray, np.ndarray]],
    *,
    epochs: int,
    val_data: tuple[np.ndarray, np.ndarray] | Iterable[Any] | None = None,
    metrics: Metrics = DEFAULT_METRICS,
    callbacks: Sequence[Callback] = (),
    scheduler: Any = None,
    scheduler_interval: str | None = None,
    scheduler_monitor: str = "val_loss",
    grad_clip: float | None = None,
    resume_from: str | os.PathLike[str] | None = None,
    progress: bool | None = None,
    val_batch_size: int = 256,
    metric: Metrics = NOT_GIVEN,
) -> History:
    """Train a NumPy network with mini-batch gradient descent for ``epochs`` passes over the data.

    The loop is the one of :func:`dlbook.torch.train.fit`, step for step and hook for hook:
    ``on_epoch_begin``; per batch forward, loss, backward, clipping, ``optimizer.step``, a
    per-batch scheduler step and ``on_batch_end``; then the epoch's record is logged, a
    per-epoch scheduler is stepped, ``on_epoch_end`` runs and the checkpoints the callbacks
    asked for are written. Training ends after ``epochs`` epochs or at the end of the epoch
    in which a callback set ``state.stop_training``; ``on_train_end`` runs last.

    Parameters
    ----------
    model
        A :class:`dlbook.np.nn.Module` (for instance a :class:`dlbook.np.nn.Sequential`).
    loss_fn
        A loss module such as :class:`dlbook.np.nn.CrossEntropyLoss`.
    optimizer
        An optimizer over ``model.parameters()``, such as :class:`dlbook.np.optim.SGD`.
    train_loader
        Yields ``(xb, yb)`` batches, e.g. a :class:`dlbook.data.DataLoader`, or
        ``(xb, yb, extra)`` batches whose ``extra`` is passed as ``model(xb, extra)``; one
        pass over it is one epoch and each batch one iteration.
    epochs
        The epoch to train up to (a resumed run continues from its checkpoint's epoch).
    val_data
        ``(X_val, y_val)`` or ``(X_val, y_val, extra_val)`` arrays or an iterable of batches,
        evaluated after every epoch in evaluation mode; ``None`` to skip.
    metrics
        A function ``f(y_true, outputs) -> float``, a sequence of them, or ``None``; each is
        recorded as ``train_<name>`` and ``val_<name>``. By default
        :func:`dlbook.metrics.accuracy` (``train_acc``, ``val_acc``), which needs class
        labels as targets: pass ``metrics=None`` for regression (the history then holds the
        losses only). Asking for accuracy with floating-point targets (other than class
        probabilities of shape (N, C)) raises a ``ValueError`` before the first step.
    callbacks
        ``Callback`` instances from :mod:`dlbook.np.callbacks` (the same classes as
        :mod:`dlbook.torch.callbacks`), run in list order: Keras's
        :class:`~dlbook.torch.callbacks.EarlyStopping`,
        :class:`~dlbook.torch.callbacks.ReduceLROnPlateau` (on ``param_groups[i]["lr"]``) and
        :class:`~dlbook.torch.callbacks.ModelCheckpoint` (``np.savez`` files).
    scheduler
        A :mod:`dlbook.np.optim.lr_scheduler` scheduler built on ``optimizer``, stepped once
        per epoch after the epoch's record is logged and before ``on_epoch_end``; a
        :class:`~dlbook.np.optim.lr_scheduler.ReduceLROnPlateau` is fed ``scheduler_monitor``.
    scheduler_interval
        ``"epoch"`` (the default) or ``"batch"`` (step after every optimiser step).
    scheduler_monitor
        The logged quantity a ``ReduceLROnPlateau`` scheduler is fed (``"val_loss"``).
    grad_clip
        Clip the total gradient norm to this value before every step
        (:func:`dlbook.np.nn.utils.clip_grad_norm_`); ``None`` for no clipping.
    resume_from
        A checkpoint written by :class:`~dlbook.torch.callbacks.ModelCheckpoint` (with
        ``save_weights_only=False``) or :func:`dlbook.np.checkpoint.save_checkpoint`:
        training continues after its epoch and reaches exactly the parameters of an
        uninterrupted run (pass freshly built objects of the same kinds).
    progress
        Progress bars (over epochs, and over each epoch's batches with the running loss);
        ``None``: on unless ``DLBOOK_PROGRESS=0``. Nothing is printed when it is off.
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
        the first parameter group when the epoch began) and ``time`` (seconds); per
        iteration: the batch loss.

    Examples
    --------
    >>> from dlbook.data import DataLoader
    >>> from dlbook.np import nn, optim
    >>> from dlbook.np.callbacks import ReduceLROnPlateau
    >>> X = np.linspace(-1, 1, 64).reshape(64, 1)
    >>> model = nn.Linear(1, 1, rng=0)
    >>> optimizer = optim.SGD(model.parameters(), lr=0.5)
    >>> history = fit(model, nn.MSELoss(), optimizer,
    ...               DataLoader(X, 3 * X, batch_size=16, shuffle=True, rng=0), epochs=4,
    ...               val_data=(X, 3 * X), metrics=None, grad_clip=1.0, progress=False,
    ...               scheduler=optim.lr_scheduler.StepLR(optimizer, 2, gamma=0.5))
    >>> history["lr"]
    [0.5, 0.5, 0.25, 0.25]

    Introduced in :doc:`/book/foundations/training`.
    """
    caller = "fit"
    metrics = resolve_metrics(metrics, metric, caller=caller)
    _check_parts(caller, model=model, loss_fn=loss_fn, optimizer=optimizer)
    check_optimizer_owns(model, optimizer, caller=caller)
    epochs = check_int(epochs, "epochs", caller=caller, minimum=1)
    val_batch_size = check_positive_int(val_batch_size, "val_batch_size", caller=caller)
    callbacks = check_callbacks(callbacks, caller=caller)
    interval = _check_scheduler(scheduler, optimizer, scheduler_interval, caller)
    if grad_clip is not None:
        grad_clip = check_number(grad_clip, "grad_clip", caller=caller, low=0.0,
                                 low_inclusive=False, allow_inf=True)
    names = [metric_name(function) for function in metrics]
    groups = getattr(optimizer, "param_groups", None)
    parameters = [p for group in groups or () for p in group["params"]]
    if grad_clip is not None and not parameters:
        parameters = list(model.parameters())

    history = History()
    session = Session(
        history, model=model, optimizer=optimizer, train_loader=train_loader, epochs=epochs,
        callbacks=callbacks, store=checkpoint_store, scheduler=scheduler, interval=interval,
        plateau=isinstance(scheduler, ReduceLROnPlateau), scheduler_monitor=scheduler_monitor,
        resume_from=resume_from, progress=progress,
        get_weights=getattr(model, "state_dict", None),
        set_weights=getattr(model, "load_state_dict", None), caller=caller)
    with session:
        shown = session.shown
        refresh = max(1, len(train_loader) // 20) if hasattr(train_loader, "__len__") else 10
        for epoch in session.epochs():
            started = time.perf_counter()
            lr = groups[0]["lr"] if groups else None
            model.train()
            loss_sum, seen, steps = 0.0, 0, 0
            outputs, targets = [], []
            bar = shown.batches(train_loader, epoch)
            for batch in bar:
                xb, yb, extra = unpack_batch(batch, caller)
                if metrics and seen == 0:  # before the first step: fail before training
                    check_metric_targets(metrics, np.asarray(yb).dtype.kind == "f",
                                         np.shape(yb), np.asarray(yb).dtype, caller=caller)
                output = _forward(model, xb, extra)
                loss = loss_fn(output, yb)
                optimizer.zero_grad()
                model.backward(loss_fn.backward())
                grad_norm = None
                if grad_clip is not None:
                    grad_norm = clip_grad_norm_(parameters, grad_clip)
                optimizer.step()
                if interval == "batch":
                    scheduler.step()
                history.log_iteration(loss)
                loss_sum += loss * len(xb)
                seen += len(xb)
                steps += 1
                if metrics:
                    outputs.append(output)
                    targets.append(yb)
                if steps % refresh == 0:
                    shown.show_batch(bar, loss_sum / seen)
                if session.batch_end(steps, loss, grad_norm):
                    break
            if seen == 0:
                raise ValueError(f"{caller}: train_loader yielded no batch")
            shown.end_batches(bar)
            record: dict[str, float] = {"train_loss": loss_sum / seen}
            if metrics:
                all_targets, all_outputs = np.concatenate(targets), np.concatenate(outputs)
                for name, function in zip(names, metrics, strict=True):
                    record[f"train_{name}"] = function(all_targets, all_outputs)
            if val_data is not None:
                val_outputs, val_targets = _collect(model, val_data, val_batch_size, caller)
                if metrics:
                    check_metric_targets(metrics, val_targets.dtype.kind == "f",
                                         val_targets.shape, val_targets.dtype, caller=caller)
                record["val_loss"] = float(loss_fn(val_outputs, val_targets))
                for name, function in zip(names, metrics, strict=True):
                    record[f"val_{name}"] = function(val_targets, val_outputs)
            if lr is not None:
                record["lr"] = lr
            record["time"] = time.perf_counter() - started
            session.end_epoch(record)
    return history
