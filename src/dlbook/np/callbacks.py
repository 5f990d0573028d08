"""Callbacks for :func:`dlbook.np.train.fit`: the same classes as :mod:`dlbook.torch.callbacks`.

They are defined once, on the shared floor (``dlbook.callbacks_core``), with Keras 3's
names, defaults and rules, and documented under :mod:`dlbook.torch.callbacks`. With a NumPy
model, :class:`~dlbook.torch.callbacks.ReduceLROnPlateau` changes ``group["lr"]`` of the
optimizer's ``param_groups``; :class:`~dlbook.torch.callbacks.EarlyStopping` copies the
weights with the model's ``state_dict()``; :class:`~dlbook.torch.callbacks.ModelCheckpoint`
writes ``np.savez`` files (:mod:`dlbook.np.checkpoint`).

>>> import numpy as np
>>> from dlbook.data import DataLoader
>>> from dlbook.np import nn, optim
>>> from dlbook.np.train import fit
>>> X = np.linspace(-1, 1, 32).reshape(32, 1)
>>> model = nn.Linear(1, 1, rng=0)
>>> optimizer = optim.SGD(model.parameters(), lr=0.0)  # learns nothing: a plateau
>>> history = fit(model, nn.MSELoss(), optimizer, DataLoader(X, 2 * X, batch_size=8),
...               epochs=20, val_data=(X, 2 * X), metrics=None, progress=False,
...               callbacks=[EarlyStopping(patience=2)])
>>> len(history)  # epoch 1 is the best; epochs 2 and 3 do not improve on it
3
"""

# The very objects of dlbook.torch.callbacks, under the NumPy side's name (one vocabulary).
from dlbook.callbacks_core import *  # noqa: F403
from dlbook.callbacks_core import __all__  # noqa: F401
