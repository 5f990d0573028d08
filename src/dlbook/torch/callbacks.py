"""Callbacks for :func:`dlbook.torch.train.fit`, with Keras 3's names, defaults and rules.

The classes are defined once, on the shared floor (``dlbook.callbacks_core``), and drive
the NumPy loop too (:mod:`dlbook.np.callbacks`). A callback subclasses :class:`Callback` and
overrides any of ``on_train_begin``, ``on_epoch_begin``, ``on_batch_end``, ``on_epoch_end`` and
``on_train_end``; each receives the loop's :class:`TrainState`. Callbacks run in list order.

>>> import numpy as np
>>> import torch
>>> from dlbook.data import DataLoader
>>> from dlbook.torch.train import fit
>>> X = np.linspace(-1, 1, 32).reshape(32, 1)
>>> model = torch.nn.Linear(1, 1)
>>> optimizer = torch.optim.SGD(model.parameters(), lr=0.0)  # learns nothing: a plateau
>>> history = fit(model, torch.nn.MSELoss(), optimizer, DataLoader(X, 2 * X, batch_size=8),
...               epochs=20, val_data=(X, 2 * X), metrics=None, progress=False,
...               callbacks=[EarlyStopping(patience=2)])
>>> len(history)  # epoch 1 is the best; epochs 2 and 3 do not improve on it
3
"""

from dlbook.callbacks_core import (
    Callback,
    EarlyStopping,
    LambdaCallback,
    LogValues,
    ModelCheckpoint,
    MonitorCallback,
    ReduceLROnPlateau,
    TrainState,
    infer_mode,
)

__all__ = ["Callback", "EarlyStopping", "LambdaCallback", "LogValues", "ModelCheckpoint",
           "MonitorCallback", "ReduceLROnPlateau", "TrainState", "infer_mode"]
