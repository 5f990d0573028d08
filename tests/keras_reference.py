"""The real Keras 3, on the torch backend, for the tests that check dlbook's Keras rules.

Keras reads ``KERAS_BACKEND`` once, when it is first imported, so this module sets it before
importing Keras and every test that needs Keras imports Keras from here. Keras then runs on
the torch the package already depends on (no TensorFlow, no JAX). The drivers below run Keras's
own callbacks over a scripted sequence of monitored values by calling their hooks with logs, as
``model.fit`` does at the end of each epoch.
"""

from __future__ import annotations

import os

os.environ["KERAS_BACKEND"] = "torch"  # before the first import of keras

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

assert keras.backend.backend() == "torch", keras.backend.backend()

__all__ = ["keras", "to_numpy", "keras_reduce_lr_rates", "keras_early_stopping",
           "KERAS_ARRAY_WARNING"]

# Keras's torch backend turns tensors into arrays with np.array(tensor), which NumPy 2 answers
# with a DeprecationWarning about __array__'s copy keyword (keras/src/backend/torch/core.py,
# convert_to_numpy; model.get_weights() goes through it). The suite turns warnings into
# errors, so the tests that call it ignore exactly this warning.
KERAS_ARRAY_WARNING = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def to_numpy(value) -> np.ndarray:
    """A Keras tensor or variable (torch backend) or a number as a float64 NumPy array."""
    if isinstance(value, keras.Variable):
        value = value.value
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


def _tiny_model(learning_rate: float) -> keras.Model:
    """A one-weight model compiled with SGD: what the callbacks read and write."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse")
    return model


def keras_reduce_lr_rates(values, learning_rate: float = 1.0, **kwargs) -> np.ndarray:
    """Keras's ``ReduceLROnPlateau`` over ``values``: the rate before epoch 1, then after each."""
    model = _tiny_model(learning_rate)
    callback = keras.callbacks.ReduceLROnPlateau(verbose=0, **kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    rates = [float(to_numpy(model.optimizer.learning_rate))]
    for epoch, value in enumerate(values):  # Keras's epochs are 0-based
        callback.on_epoch_end(epoch, {callback.monitor: float(value)})
        rates.append(float(to_numpy(model.optimizer.learning_rate)))
    return np.array(rates)


def keras_early_stopping(values, **kwargs) -> tuple[int | None, int, int | None]:
    """Keras's ``EarlyStopping`` over ``values``: (stop epoch, best epoch, restored epoch).

    All three count from 1, as dlbook does; the stop epoch is ``None`` when training runs to
    the end, the best epoch 0 when no epoch was monitored, and the restored epoch
    ``None`` when ``on_train_end`` loaded nothing back. The single weight of the model is set
    to the epoch's number before each ``on_epoch_end``, so the restored weight says which
    epoch's weights came back.
    """
    model = _tiny_model(1.0)
    callback = keras.callbacks.EarlyStopping(verbose=0, **kwargs)
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    stop = None
    for epoch, value in enumerate(values):
        model.set_weights([np.full((1, 1), float(epoch + 1), dtype="float32")])
        callback.on_epoch_end(epoch, {callback.monitor: float(value)})
        if model.stop_training:
            stop = epoch + 1
            break
    model.set_weights([np.zeros((1, 1), dtype="float32")])
    callback.on_train_end()
    restored = int(round(float(model.get_weights()[0][0, 0])))
    best = callback.best_epoch + 1 if callback.best is not None else 0
    return stop, best, (restored or None)
