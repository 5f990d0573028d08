"""Pieces of the training loops that do not depend on the framework: batches, bars, look-ups.

Both :func:`dlbook.np.train.fit` and :func:`dlbook.torch.train.fit` use them; this module
imports neither side.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from dlbook._checks import check_in, type_name
from dlbook._progress import progress_bar, progress_enabled


def unpack_batch(batch: Any, caller: str, source: str = "train_loader") -> tuple[Any, Any, Any]:
    """``(xb, yb, extra)`` from an ``(xb, yb)`` pair (``extra=None``) or a triple.

    >>> unpack_batch((1, 2), "fit")
    (1, 2, None)
    >>> unpack_batch([1], "fit")
    Traceback (most recent call last):
        ...
    TypeError: fit: expected train_loader to yield (xb, yb) pairs or ... got list of length 1
    """
    if not isinstance(batch, (tuple, list)) or len(batch) not in (2, 3):
        got = type_name(batch)
        if isinstance(batch, (tuple, list)):
            got += f" of length {len(batch)}"
        raise TypeError(f"{caller}: expected {source} to yield (xb, yb) pairs or "
                        f"(xb, yb, extra) triples, got {got}")
    return batch[0], batch[1], batch[2] if len(batch) == 3 else None


def check_interval(scheduler: Any, optimizer: Any, interval: Any, *, default: str,
                   plateau: bool, caller: str) -> str | None:
    """The interval a scheduler is stepped at, ``"epoch"`` or ``"batch"`` (``None``: none).

    ``default`` is used when ``interval`` is ``None``; the scheduler's kind has been checked by
    the caller. A plateau scheduler needs the epoch's monitored value, so it is epoch-only.
    """
    if scheduler is None:
        if interval is not None:
            raise ValueError(f"{caller}: scheduler_interval={interval!r} was given without a "
                             f"scheduler")
        return None
    if getattr(scheduler, "optimizer", None) is not optimizer:
        raise ValueError(f"{caller}: the scheduler is attached to another optimizer than "
                         f"optimizer= (build it as {type(scheduler).__name__}(optimizer, ...))")
    interval = default if interval is None else interval
    check_in(interval, "scheduler_interval", ("epoch", "batch"), caller=caller)
    if plateau and interval == "batch":
        raise ValueError(f"{caller}: ReduceLROnPlateau needs the epoch's monitored value; "
                         f"use scheduler_interval='epoch'")
    return interval


def logged_value(record: Mapping[str, float], key: str, caller: str, what: str) -> float:
    """``record[key]``, or a ``ValueError`` that names ``what`` asked for it and lists the keys.

    >>> logged_value({"epoch": 1, "train_loss": 0.5}, "val_loss", "fit", "scheduler_monitor")
    Traceback (most recent call last):
        ...
    ValueError: fit: scheduler_monitor 'val_loss' is not in the epoch's logs; available: train_loss
    """
    if key not in record:
        available = ", ".join(k for k in record if k != "epoch")
        raise ValueError(f"{caller}: {what} {key!r} is not in the epoch's logs; available: "
                         f"{available}")
    return record[key]


class EpochProgress:
    """A bar over epochs showing the last record, and one per epoch over its batches.

    With progress off (``enabled=False``, or ``None`` under ``DLBOOK_PROGRESS=0``) nothing
    is printed and :meth:`batches` returns the loader itself.
    """

    def __init__(self, enabled: bool | None, start: int, epochs: int) -> None:
        self.enabled = progress_enabled(enabled)
        self.epochs = epochs
        self.bar: Any = None
        if self.enabled:
            self.bar = progress_bar(range(start, epochs), True, desc="epochs", total=epochs)
            self.bar.update(start)

    def batches(self, loader: Iterable[Any], epoch: int) -> Iterable[Any]:
        """``loader`` wrapped in a bar for epoch ``epoch`` (from 1), when progress is on."""
        if not self.enabled:
            return loader
        total = len(loader) if hasattr(loader, "__len__") else None
        return progress_bar(loader, True, desc=f"epoch {epoch}/{self.epochs}", total=total)

    def show_batch(self, bar: Any, running_loss: float) -> None:
        """Show the epoch's running loss on its bar."""
        if self.enabled and hasattr(bar, "set_postfix"):
            bar.set_postfix({"loss": f"{running_loss:.4g}"}, refresh=True)

    def end_batches(self, bar: Any) -> None:
        """Close the epoch's bar."""
        if self.enabled and hasattr(bar, "close"):
            bar.close()

    def show_epoch(self, record: Mapping[str, float]) -> None:
        """Advance the epochs bar and show the epoch's record (losses, metrics, lr)."""
        if self.enabled:
            shown = {key: f"{value:.4g}" for key, value in record.items()
                     if key not in ("time", "epoch")}
            self.bar.set_postfix(shown, refresh=True)
            self.bar.update(1)

    def close(self) -> None:
        """Close the epochs bar."""
        if self.enabled:
            self.bar.close()
