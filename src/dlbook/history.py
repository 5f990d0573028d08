"""A record of a training run: one row of metrics per epoch, plus the loss of every iteration."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from dlbook._checks import type_name
from dlbook.metrics import accuracy

_MODES = ("min", "max")

#: Short names under which a metric function's values are recorded (``train_acc``, ...).
SHORT_NAMES = {"accuracy": "acc"}

#: Metrics that compare class labels, and so need integer (or class-probability) targets.
CLASSIFICATION_METRICS = ("accuracy",)


class _NotGiven:
    """The default of the older keyword ``metric=``: it was not passed."""

    def __repr__(self) -> str:
        return "(not given)"


NOT_GIVEN: Any = _NotGiven()

#: What the training loops record when ``metrics=`` is not given (accuracy, for classification).
DEFAULT_METRICS = (accuracy,)


def metric_name(metric: Callable[..., float]) -> str:
    """The name a training loop records ``metric`` under: ``"acc"`` for accuracy, else its name.

    >>> from dlbook.metrics import accuracy
    >>> metric_name(accuracy)
    'acc'

    Introduced in :doc:`/book/foundations/training`.
    """
    name = getattr(metric, "__name__", type(metric).__name__)
    return SHORT_NAMES.get(name, name)


def resolve_metrics(metrics: Any, metric: Any = NOT_GIVEN, *, caller: str) -> tuple:
    """The metric functions a training loop records, from its ``metrics=`` argument.

    ``metrics`` is one function ``f(y_true, outputs) -> float``, a sequence of them, or
    ``None`` (the loss only, for regression); the training loops' default is
    ``DEFAULT_METRICS``. ``metric`` is the older, singular spelling of the same argument;
    passing both is an error.

    >>> [metric_name(m) for m in resolve_metrics(DEFAULT_METRICS, caller="fit")]
    ['acc']
    >>> resolve_metrics(None, caller="fit"), resolve_metrics(DEFAULT_METRICS, None, caller="fit")
    ((), ())
    >>> resolve_metrics((accuracy,), None, caller="fit")
    Traceback (most recent call last):
        ...
    TypeError: fit: pass metrics= or its older spelling metric=, not both

    Introduced in :doc:`/book/foundations/training`.
    """
    if metric is not NOT_GIVEN:
        if metrics is not DEFAULT_METRICS:
            raise TypeError(f"{caller}: pass metrics= or its older spelling metric=, not both")
        metrics = metric
    if metrics is None:
        return ()
    if callable(metrics):
        metrics = (metrics,)
    if isinstance(metrics, (str, bytes)) or not isinstance(metrics, Iterable):
        raise TypeError(f"{caller}: expected metrics to be a metric function "
                        f"f(y_true, outputs), a sequence of them or None, got "
                        f"{type_name(metrics)}")
    metrics = tuple(metrics)
    for item in metrics:
        if not callable(item):
            raise TypeError(f"{caller}: expected every metric to be a function "
                            f"f(y_true, outputs), got {type_name(item)}")
    names = [metric_name(m) for m in metrics]
    if len(set(names)) != len(names):
        raise ValueError(f"{caller}: expected metrics with distinct names, got {names}")
    return metrics


def check_metric_targets(metrics: Sequence[Callable[..., float]], is_float: bool,
                         shape: tuple[int, ...], dtype: Any, *, caller: str) -> None:
    """Refuse floating-point targets when a classification metric (accuracy) is asked for.

    Class-probability targets of shape ``(N, C)`` with ``C >= 2`` are allowed (their argmax is
    the class); any other float target is a regression target, whose "accuracy" would be
    meaningless (the argmax of one column is always 0, so it would read 1.0).

    >>> check_metric_targets((accuracy,), True, (16, 1), "float64", caller="fit")
    Traceback (most recent call last):
        ...
    ValueError: fit: accuracy needs integer class labels as targets, got float64 targets of ...

    Introduced in :doc:`/book/foundations/training`.
    """
    if not is_float or (len(shape) == 2 and shape[1] >= 2):
        return
    for metric in metrics:
        name = getattr(metric, "__name__", "")
        if name in CLASSIFICATION_METRICS:
            raise ValueError(
                f"{caller}: {name} needs integer class labels as targets, got {dtype} targets "
                f"of shape {tuple(shape)}; for regression pass metrics=None (the loss only)"
            )


def check_optimizer_owns(model: Any, optimizer: Any, *, caller: str) -> None:
    """Refuse an optimizer that updates none of the model's parameters.

    An optimizer built over another model (or over an earlier copy of this one) lets a
    training loop run without an error while the model never changes. Parameters are compared
    by identity, so this works for NumPy and torch models alike; a model without parameters,
    or an optimizer without ``param_groups``, is not checked.

    >>> from dlbook.np import nn, optim
    >>> check_optimizer_owns(nn.Linear(2, 1), optim.SGD(nn.Linear(2, 1).parameters(), lr=0.1),
    ...                      caller="fit")
    Traceback (most recent call last):
        ...
    ValueError: fit: the optimizer updates none of the model's parameters (was it built ...

    Introduced in :doc:`/book/foundations/training`.
    """
    parameters = getattr(model, "parameters", None)
    groups = getattr(optimizer, "param_groups", None)
    if not callable(parameters) or not groups:
        return
    owned = {id(p) for p in parameters()}
    updated = {id(p) for group in groups for p in group.get("params", ())}
    if owned and updated and not owned & updated:
        raise ValueError(f"{caller}: the optimizer updates none of the model's parameters (was "
                         f"it built for another model, or before the model was rebuilt?)")


class History:
    """What a training loop measured, epoch by epoch and iteration by iteration.

    Both :func:`dlbook.np.train.fit` and :func:`dlbook.torch.train.fit` return one. Each epoch
    adds a record such as ``{"epoch": 3, "train_loss": 0.41, "val_loss": 0.45, "val_acc": 0.88,
    "lr": 0.1}``; each iteration (one optimiser step on one batch) appends its loss to
    :attr:`iteration_loss`. Epochs are numbered from 1, as people count them.

    Attributes
    ----------
    records : list of dict
        One dict per epoch, in order.
    iteration_loss : list of float
        The training loss of every iteration, in order; with ``B`` iterations per epoch,
        epoch ``e`` (from 1) owns ``iteration_loss[(e - 1) * B : e * B]``.

    Examples
    --------
    >>> h = History()
    >>> h.log_iteration(0.9); h.log_iteration(0.7)
    >>> h.log_epoch(train_loss=0.8, val_loss=0.75)
    >>> h.log_iteration(0.5); h.log_iteration(0.3)
    >>> h.log_epoch(train_loss=0.4, val_loss=0.5)
    >>> h["val_loss"]
    [0.75, 0.5]
    >>> h.best_epoch("val_loss")
    2
    >>> h.as_dict()["epoch"]
    [1, 2]
    >>> len(h), len(h.iteration_loss)
    (2, 4)

    Introduced in :doc:`/book/foundations/training`.
    """

    def __init__(self) -> None:
        self.records: list[dict[str, float]] = []
        self.iteration_loss: list[float] = []

    # ---- recording -------------------------------------------------------------------------
    def log_iteration(self, loss: float) -> None:
        """Append the loss of one iteration (one batch, one optimiser step)."""
        self.iteration_loss.append(float(loss))

    def log_epoch(self, **metrics: float) -> None:
        """Append one epoch's metrics (``train_loss=..., val_acc=...``).

        The record's ``"epoch"`` entry is filled in automatically (1, 2, ...).
        """
        if "epoch" in metrics:
            raise ValueError("History.log_epoch: 'epoch' is numbered automatically; do not pass it")
        record: dict[str, float] = {"epoch": len(self.records) + 1}
        for name, value in metrics.items():
            record[name] = float(value)
        self.records.append(record)

    # ---- reading ---------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[dict[str, float]]:
        return iter(self.records)

    def __contains__(self, metric: object) -> bool:
        return metric in self.metrics

    @property
    def metrics(self) -> list[str]:
        """Names of everything recorded per epoch (including ``"epoch"``), in first-seen order."""
        names: dict[str, None] = {}
        for record in self.records:
            names.update(dict.fromkeys(record))
        return list(names)

    def __getitem__(self, metric: str) -> list[float]:
        """The values of one metric, one per epoch (``nan`` where an epoch did not record it)."""
        self._check_metric(metric, "History[...]")
        return [record.get(metric, math.nan) for record in self.records]

    def as_dict(self) -> dict[str, list[float]]:
        """The per-epoch records as columns: ``{"epoch": [1, 2, ...], "train_loss": [...], ...}``.

        Every column has one entry per epoch, so ``pandas.DataFrame(history.as_dict())`` works.
        The per-iteration losses are in :attr:`iteration_loss`.
        """
        return {name: self[name] for name in self.metrics}

    def best_epoch(self, metric: str = "val_loss", mode: str | None = None) -> int:
        """The epoch number (from 1) with the best value of ``metric``.

        Parameters
        ----------
        metric
            A recorded metric, e.g. ``"val_loss"`` or ``"val_acc"``.
        mode
            ``"min"`` or ``"max"``; ``None`` picks ``"min"`` for names containing ``"loss"``
            and ``"max"`` otherwise. Ties go to the earliest epoch; ``nan`` is skipped.
        """
        return int(self.best(metric, mode)[0])

    def best(self, metric: str = "val_loss", mode: str | None = None) -> tuple[int, float]:
        """``(epoch, value)`` of the best epoch for ``metric``; see :meth:`best_epoch`."""
        self._check_metric(metric, "History.best_epoch")
        if mode is None:
            mode = "min" if "loss" in metric else "max"
        if mode not in _MODES:
            raise ValueError(f"History.best_epoch: expected mode 'min' or 'max', got {mode!r}")
        candidates = [
            (record["epoch"], record[metric])
            for record in self.records
            if metric in record and not math.isnan(record[metric])
        ]
        if not candidates:
            raise ValueError(f"History.best_epoch: metric {metric!r} has no value that is not nan")
        sign = 1.0 if mode == "min" else -1.0
        epoch, value = min(candidates, key=lambda pair: sign * pair[1])
        return int(epoch), value

    def _check_metric(self, metric: str, where: str) -> None:
        if not self.records:
            raise ValueError(f"{where}: the history is empty (no epoch recorded yet)")
        if metric not in self.metrics:
            raise ValueError(
                f"{where}: no metric {metric!r}; recorded metrics are {self.metrics}"
            )

    def __repr__(self) -> str:
        names = [name for name in self.metrics if name != "epoch"]
        return (
            f"History(epochs={len(self)}, iterations={len(self.iteration_loss)}, "
            f"metrics={names})"
        )
