"""Callbacks for both training loops, with the rules of Keras 3 (the course's library).

This module is on the shared floor: it imports neither :mod:`dlbook.np` nor
:mod:`dlbook.torch`, and both :func:`dlbook.np.train.fit` and :func:`dlbook.torch.train.fit`
drive the same callback objects. The loop hands every hook a :class:`TrainState`; what depends
on the framework (copying the weights, writing a checkpoint) is done through the state, so
:class:`EarlyStopping`, :class:`ReduceLROnPlateau` and :class:`ModelCheckpoint` are written
once. Import them from :mod:`dlbook.torch.callbacks` or :mod:`dlbook.np.callbacks`.

The three callbacks follow the source of Keras 3.16 (``keras/src/callbacks/``) line by line:
the same argument names and defaults, the same improvement test
(``monitor_op(current - min_delta, best)``, with ``min_delta`` absolute and its sign flipped in
``"min"`` mode), the same counters. Where we differ, on purpose, the docstring says so:
epochs are counted from 1 as :class:`dlbook.history.History` counts them (Keras passes
0-based epochs to its callbacks), a monitored quantity missing from the logs raises a
``ValueError`` (Keras warns and carries on), an unknown ``mode`` raises (Keras warns and falls
back to ``"auto"``), and ``"auto"`` is resolved from the monitor's name when the callback is
made (Keras looks the metric up on the compiled model at the first epoch's end)."""

from __future__ import annotations

from dlbook.callbacks_core.early_stopping import EarlyStopping
from dlbook.callbacks_core.lambda_callback import LambdaCallback
from dlbook.callbacks_core.log_values import LogValues
from dlbook.callbacks_core.model_checkpoint import ModelCheckpoint
from dlbook.callbacks_core.monitor import MonitorCallback, infer_mode
from dlbook.callbacks_core.reduce_lr_on_plateau import ReduceLROnPlateau
from dlbook.callbacks_core.state import Callback, TrainState

__all__ = [
    "Callback",
    "EarlyStopping",
    "LambdaCallback",
    "LogValues",
    "ModelCheckpoint",
    "MonitorCallback",
    "ReduceLROnPlateau",
    "TrainState",
    "infer_mode",
]
