"""The course's Keras formulas, in NumPy: losses, optimizer updates, schedules, callbacks, BN.

The course teaches with Keras 3, the book with PyTorch. Where the two differ in a formula, a
default or a convention, a chapter shows Keras's version beside PyTorch's and maps one onto the
other in code. Those Keras versions live here, once, each named after the Keras object it
follows (``keras.losses.categorical_crossentropy`` is :func:`categorical_crossentropy`,
``keras.optimizers.Adam`` is :class:`Adam`), with Keras's argument names and defaults, and each
is tested against the real Keras 3 (``tests/test_keras_rules.py``, torch backend). The
docstrings name the Keras source file each rule follows (paths in the keras-team/keras
repository).

This module is on the shared floor: plain NumPy, no framework. The two callback rules drive
the package's callbacks :class:`dlbook.torch.callbacks.ReduceLROnPlateau` and
:class:`dlbook.torch.callbacks.EarlyStopping` (framework-free, in ``dlbook.callbacks_core``),
which follow Keras 3 themselves and are tested against Keras's own.

>>> import numpy as np
>>> categorical_crossentropy(np.array([[0, 1, 0]]), np.array([[0.05, 0.95, 0.0]]))
array([0.05129329])
"""

from dlbook.keras_rules._inputs import EPSILON
from dlbook.keras_rules.callbacks import early_stopping_epoch, reduce_lr_on_plateau_rates
from dlbook.keras_rules.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    huber,
    sparse_categorical_crossentropy,
)
from dlbook.keras_rules.normalization import batch_normalization_forward
from dlbook.keras_rules.optimizers import SGD, Adam, RMSprop
from dlbook.keras_rules.schedules import cosine_decay, exponential_decay

__all__ = [
    "EPSILON",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "binary_crossentropy",
    "huber",
    "SGD",
    "RMSprop",
    "Adam",
    "exponential_decay",
    "cosine_decay",
    "reduce_lr_on_plateau_rates",
    "early_stopping_epoch",
    "batch_normalization_forward",
]
