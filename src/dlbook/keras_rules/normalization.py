"""Keras 3's BatchNormalization forward pass in NumPy."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlbook._checks import check_number, check_type
from dlbook.keras_rules._inputs import _as_float_array, _check_axis

__all__ = ["batch_normalization_forward"]


def batch_normalization_forward(x: Any, gamma: Any, beta: Any, moving_mean: Any,
                                moving_variance: Any, *, training: bool,
                                momentum: float = 0.99, epsilon: float = 1e-3,
                                axis: int = -1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Keras's ``BatchNormalization`` forward pass, and its moving statistics' update.

    In training mode the batch mean and the **biased** batch variance (over every axis but
    ``axis``, the features) normalise ``x``, and the moving statistics become
    ``moving * momentum + batch * (1 - momentum)``: Keras's ``momentum`` (0.99) weights the
    *old* value, so PyTorch's ``momentum`` is ``1 - 0.99 = 0.01``, and PyTorch updates its
    running variance with the unbiased batch variance instead. In inference mode the moving
    statistics normalise ``x`` and are returned unchanged. Keras's ``epsilon`` is ``1e-3``
    (PyTorch's ``eps`` is ``1e-5``). Keras's default ``axis=-1`` is channels-last; for
    PyTorch's ``(N, C, H, W)`` pass ``axis=1``.

    Follows ``keras/src/layers/normalization/batch_normalization.py``
    (``BatchNormalization.call``) and ``keras/src/backend/torch/nn.py``
    (``batch_normalization``).

    Parameters
    ----------
    x : array_like
        The input; features along ``axis``.
    gamma, beta, moving_mean, moving_variance : array_like of shape (features,)
    training : bool
        Keras's ``training=`` argument.
    momentum : float in [0, 1], default 0.99
    epsilon : float > 0, default 1e-3
    axis : int, default -1

    Returns
    -------
    (output, moving_mean, moving_variance)
        The normalised ``x`` and the (new, in training mode) moving statistics; the inputs
        are not modified.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 2.0], [3.0, 6.0]])
    >>> out, mean, var = batch_normalization_forward(x, np.ones(2), np.zeros(2), np.zeros(2),
    ...                                              np.ones(2), training=True)
    >>> out.round(4), mean, var
    (array([[-0.9995, -0.9999],
           [ 0.9995,  0.9999]]), array([0.02, 0.04]), array([1.  , 1.03]))

    Introduced in :doc:`/book/optimisation/batch-norm`.
    """
    caller = "batch_normalization_forward"
    x = _as_float_array(x, "x", caller=caller)
    axis = _check_axis(axis, x.ndim, caller=caller)
    features = x.shape[axis]
    arrays = {}
    for name, value in [("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                        ("moving_variance", moving_variance)]:
        array = _as_float_array(value, name, caller=caller)
        if array.shape != (features,):
            raise ValueError(f"{caller}: expected {name} of shape ({features},) (x's size "
                             f"along axis {axis}), got {array.shape}")
        arrays[name] = array
    check_type(training, "training", bool, caller=caller)
    momentum = check_number(momentum, "momentum", caller=caller, low=0.0, high=1.0)
    epsilon = check_number(epsilon, "epsilon", caller=caller, low=0.0, low_inclusive=False)
    reduce_axes = tuple(i for i in range(x.ndim) if i != axis)
    shape = [1] * x.ndim
    shape[axis] = features
    new_mean, new_variance = arrays["moving_mean"], arrays["moving_variance"]
    if training:
        # the batch's mean and biased variance, over every axis but the features'
        mean, variance = x.mean(axis=reduce_axes), x.var(axis=reduce_axes)
        new_mean = new_mean * momentum + mean * (1.0 - momentum)
        new_variance = new_variance * momentum + variance * (1.0 - momentum)
    else:
        mean, variance = new_mean, new_variance
    gamma, beta = arrays["gamma"].reshape(shape), arrays["beta"].reshape(shape)
    scale = gamma / np.sqrt(variance.reshape(shape) + epsilon)
    return (x - mean.reshape(shape)) * scale + beta, new_mean, new_variance
