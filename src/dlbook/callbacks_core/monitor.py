"""Keras 3's improvement test, shared by the callbacks that watch one logged quantity:
:func:`infer_mode` (``mode="auto"``) and :class:`MonitorCallback`."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

from dlbook._checks import check_in, check_number, check_type, type_name
from dlbook.callbacks_core.state import Callback

__all__ = ["MonitorCallback", "infer_mode"]


# Names (after "val_"/"train_" is removed) whose direction Keras 3 knows: its metric objects
# carry ``_direction = "up"`` (accuracies, AUC, precision, recall, F-scores, R^2, IoU, cosine
# similarity) or ``"down"`` (errors, cross-entropies, hinges, divergences), and "loss" is min.
_MAX_NAMES = {"acc", "accuracy", "auc", "precision", "recall", "f1_score", "fbeta_score",
              "r2_score", "iou", "mean_iou", "cosine_similarity", "pearson_correlation",
              "concordance_correlation"}
_MIN_NAMES = {"loss", "mse", "mae", "mape", "msle", "rmse", "mean_squared_error",
              "mean_absolute_error", "mean_absolute_percentage_error",
              "mean_squared_logarithmic_error", "root_mean_squared_error", "log_cosh_error",
              "kl_divergence", "poisson", "hinge", "squared_hinge", "categorical_hinge",
              "error_rate"}
_MAX_SUFFIXES = ("accuracy", "_acc", "_auc")
_MIN_SUFFIXES = ("_loss", "_error", "crossentropy", "hinge")


def infer_mode(monitor: str, *, caller: str = "infer_mode") -> str:
    """Whether ``monitor`` should go down (``"min"``) or up (``"max"``), from its name.

    The rule of Keras 3's ``mode="auto"``: drop the ``"val_"`` prefix (and our
    ``"train_"``), then a loss, an error or a cross-entropy is minimised and an accuracy, AUC,
    precision, recall or F-score is maximised. A name the rule does not know raises a
    ``ValueError`` asking for ``mode="min"`` or ``mode="max"``, as Keras does.

    >>> infer_mode("val_loss"), infer_mode("val_acc"), infer_mode("train_accuracy")
    ('min', 'max', 'max')
    >>> infer_mode("val_smoothness", caller="EarlyStopping")
    Traceback (most recent call last):
        ...
    ValueError: EarlyStopping: cannot tell whether monitor='val_smoothness' should be ...

    Introduced in :doc:`/book/optimisation/callbacks`.
    """
    check_type(monitor, "monitor", str, caller=caller)
    name = monitor.removeprefix("val_").removeprefix("train_")
    if name in _MIN_NAMES or name.endswith(_MIN_SUFFIXES):
        return "min"
    if name in _MAX_NAMES or name.endswith(_MAX_SUFFIXES):
        return "max"
    raise ValueError(f"{caller}: cannot tell whether monitor={monitor!r} should be minimised "
                     f"or maximised; pass mode='min' or mode='max'")


def _check_mode(mode: Any, caller: str) -> str:
    return check_in(mode, "mode", ("auto", "min", "max"), caller=caller)


def _check_optional_number(value: Any, name: str, caller: str) -> float | None:
    if value is None:
        return None
    return check_number(value, name, caller=caller, allow_inf=True)


class MonitorCallback(Callback):
    """Base of the callbacks that watch one logged quantity: Keras 3's improvement test.

    ``_is_improvement(current, reference)`` is Keras's
    ``monitor_op(current - min_delta, reference)``: with ``min_delta`` made negative in
    ``"min"`` mode it reads ``current + |min_delta| < reference``, in ``"max"`` mode
    ``current - |min_delta| > reference``; a ``reference`` of ``None`` (nothing seen yet)
    always counts as improved. ``min_delta`` is absolute, as in Keras (torch's
    ``ReduceLROnPlateau`` defaults to a relative threshold). ``nan`` never improves.

    Parameters
    ----------
    monitor : str
        The key of the epoch's record to watch, e.g. ``"val_loss"`` or ``"val_acc"``.
    mode : {"auto", "min", "max"}
        ``"auto"`` infers the direction from the name (:func:`infer_mode`).
    min_delta : float
        Smallest change that counts as an improvement (its absolute value is used, as Keras
        does).

    Introduced in :doc:`/book/optimisation/callbacks`.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto",
                 min_delta: float = 0.0) -> None:
        caller = type(self).__name__
        self.monitor = check_type(monitor, "monitor", str, caller=caller)
        self.mode = _check_mode(mode, caller)
        direction = infer_mode(monitor, caller=caller) if mode == "auto" else mode
        self.direction = direction
        delta = abs(check_number(min_delta, "min_delta", caller=caller))
        self.min_delta = -delta if direction == "min" else delta
        self.best: float | None = None

    def _is_improvement(self, current: float, reference: float | None) -> bool:
        if reference is None:
            return True
        shifted = current - self.min_delta
        return bool(shifted < reference) if self.direction == "min" else bool(
            shifted > reference)

    def get_monitor_value(self, logs: Mapping[str, Any]) -> float:
        """The monitored value in ``logs``; a ``ValueError`` naming the keys if it is missing.

        Keras warns and skips the epoch; a misspelt monitor (or ``"val_loss"`` without
        validation data) would then silently never stop or reduce anything, so we raise.
        """
        value = logs.get(self.monitor)
        if value is None:
            available = ", ".join(k for k in logs if k != "epoch")
            hint = (" (pass val_data= to fit to have val_ metrics)"
                    if self.monitor.startswith("val_") else "")
            raise ValueError(f"{type(self).__name__}: monitor={self.monitor!r} is not in the "
                             f"epoch's logs; available: {available}{hint}")
        if not isinstance(value, numbers.Real):
            raise TypeError(f"{type(self).__name__}: expected the logged {self.monitor!r} to be "
                            f"a number, got {type_name(value)}")
        return float(value)
